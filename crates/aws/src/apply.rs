//! `decom-executor`'s [`Cloud`] for AWS: deletes through the per-type
//! modules, and observations with as few calls as possible — one
//! describe-all or list for a batch, single describes for a few.

use decom_executor::{ApprovedDelete, Cloud, DeleteError, Observation, WatchGroup, Watched};
use decom_parser::ResourceType;
use futures_util::future::try_join_all;

use crate::connect::{AwsCloud, Target};
use crate::refresh;
use crate::resources::delete;

impl Cloud for AwsCloud {
    async fn delete(&self, order: &ApprovedDelete) -> Result<(), DeleteError> {
        let live = order.live();
        let target = Target {
            profile: order.profile().map(str::to_string),
            region: live.region.clone(),
        };
        let clients = self.clients(&target).await;
        delete::delete(self, &clients, live.resource_type, &live.id)
            .await
            .map_err(|e| DeleteError {
                kind: e.delete_error_kind(),
                message: e.to_string(),
            })
    }

    async fn observe(&self, watched: &[Watched]) -> Result<Vec<Observation>, String> {
        let Some(first) = watched.first() else {
            return Ok(Vec::new());
        };
        let group = first.group();
        let ty = group.resource_type;
        let target = target(&group);
        let found = if self.observes_together(&group, watched.len()) {
            refresh::list(self, &target, ty).await
        } else {
            // Concurrently: the in-flight limit of the service bounds them.
            let c = self.clients(&target).await;
            let reads = watched
                .iter()
                .map(|w| refresh::describe_one(self, &c, &target.region, ty, &w.live.id));
            try_join_all(reads)
                .await
                .map(|found| found.into_iter().flatten().collect())
        };
        Ok(found
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|r| Observation {
                id: r.id,
                state: r.state,
                status: r.status,
            })
            .collect())
    }

    /// A list costs its pages (known from the last list of the group, made
    /// by the refresh before any apply); a describe each costs one call
    /// each. Ingress list summaries carry no status: always describe.
    /// Direct Connect's describe-all is one call: always list.
    fn observes_together(&self, group: &WatchGroup, waiting: usize) -> bool {
        let ty = group.resource_type;
        if ty == ResourceType::AppRunnerVpcIngressConnection {
            return false;
        }
        let Some(page_size) = refresh::page_size(ty) else {
            return true;
        };
        let listed = self.last_listed(ty, &target(group)).unwrap_or(0);
        waiting >= listed.div_ceil(page_size).max(1)
    }
}

fn target(group: &WatchGroup) -> Target {
    Target {
        profile: group.profile.clone(),
        region: group.region.clone(),
    }
}
