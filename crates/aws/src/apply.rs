//! `decom-executor`'s [`Cloud`] for AWS: deletes through the per-type
//! modules, and observations with as few calls as possible — one
//! describe-all or list for a batch, single describes for a few.

use std::collections::HashMap;

use decom_executor::{
    Accepted, ApprovedDelete, Cloud, DeleteError, DeleteErrorKind, Observation, ObserveError,
    ObserveErrorKind, WatchGroup, Watched,
};
use decom_plan::{LiveResource, LiveState};
use futures_util::future::join_all;

use crate::connect::{AwsCloud, Target};
use crate::error::CloudError;
use crate::refresh;
use crate::resources::{api, At};

impl Cloud for AwsCloud {
    async fn delete(&self, order: &ApprovedDelete) -> Result<Accepted, DeleteError> {
        let live = order.live();
        let target = order.placement();
        let clients = self.clients(target).await;
        let at = At {
            cloud: self,
            clients: &clients,
            region: &target.region,
        };
        let kind = api(live.resource_type);
        let failed = |e: CloudError| DeleteError {
            kind: e.delete_error_kind(),
            message: e.to_string(),
        };
        // Not DeleteAllRevisions: it would also take a revision created
        // since the plan, which nobody approved (safety invariant 1).
        for older in order.older_revisions() {
            if let Err(e) = kind.delete(at, older).await {
                let gone = matches!(
                    e.delete_error_kind(),
                    DeleteErrorKind::NotFound | DeleteErrorKind::AlreadyDeleting
                );
                if !gone {
                    return Err(failed(e));
                }
            }
        }
        match kind.delete(at, &live.id).await.map_err(failed)? {
            Some(LiveState::Gone) => Ok(Accepted::Gone),
            _ => Ok(Accepted::Deleting),
        }
    }

    async fn observe(&self, watched: &[Watched]) -> Vec<(String, Observation)> {
        let Some(first) = watched.first() else {
            return Vec::new();
        };
        let group = first.group();
        let ty = group.resource_type;
        let target = target(&group);
        let c = self.status_check_clients(&target).await;
        if self.observes_together(&group, watched.len()) {
            let listed = refresh::list_with(self, &c, &target, ty, None).await;
            let listed = listed.map(|all| {
                let by_id: HashMap<String, LiveResource> =
                    all.into_iter().map(|r| (r.id.clone(), r)).collect();
                by_id
            });
            return watched
                .iter()
                .map(|w| (w.live.id.clone(), in_list(&listed, &w.live.id)))
                .collect();
        }
        // Concurrently: the in-flight limit of the service bounds them.
        let at = At {
            cloud: self,
            clients: &c,
            region: &target.region,
        };
        let reads = watched.iter().map(|w| async move {
            let found = api(ty).describe(at, &w.live.id).await;
            let observed = match found {
                Ok(Some(r)) => present(r),
                Ok(None) => Observation::Gone,
                Err(e) => Observation::Failed(observe_error(&e)),
            };
            (w.live.id.clone(), observed)
        });
        join_all(reads).await
    }

    /// A list costs its pages (known from the last list of the group, made
    /// by the refresh before any apply); a describe each costs one call
    /// each. A list without statuses (ingress connections) cannot tell,
    /// and a kind listed per parent has no list of the whole group:
    /// always describe. A describe-all (Direct Connect) is one call: always
    /// list.
    fn observes_together(&self, group: &WatchGroup, waiting: usize) -> bool {
        let ty = group.resource_type;
        let kind = api(ty);
        // A kind listed per parent is never listed whole: described.
        if !kind.listed().status || kind.listed_per().is_some() {
            return false;
        }
        let Some(page_size) = kind.page_size() else {
            return true;
        };
        let listed = self.last_listed(ty, &target(group)).unwrap_or(0);
        waiting >= listed.div_ceil(page_size).max(1)
    }
}

fn target(group: &WatchGroup) -> Target {
    group.placement.clone()
}

/// What a full list (by id) says about `id`: missing means gone.
fn in_list(listed: &Result<HashMap<String, LiveResource>, CloudError>, id: &str) -> Observation {
    match listed {
        Ok(all) => all.get(id).cloned().map_or(Observation::Gone, present),
        Err(e) => Observation::Failed(observe_error(e)),
    }
}

/// A failed status check, as apply reports it: an error code means AWS
/// answered; none means no usable answer came.
fn observe_error(e: &CloudError) -> ObserveError {
    let kind = match e.code {
        Some(_) => ObserveErrorKind::Refused,
        None => ObserveErrorKind::NoAnswer,
    };
    ObserveError {
        kind,
        message: e.to_string(),
    }
}

fn present(r: LiveResource) -> Observation {
    if r.state == LiveState::Gone {
        return Observation::Gone;
    }
    Observation::Present {
        state: r.state,
        status: r.status,
    }
}
