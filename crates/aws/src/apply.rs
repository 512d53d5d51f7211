//! `decom-executor`'s [`Cloud`] for AWS: deletes through the per-type
//! modules, and observations with as few calls as possible — one
//! describe-all or list for a batch, single describes for a few.

use decom_executor::{ApprovedDelete, Cloud, DeleteError, Observation, Watched};
use decom_parser::ResourceType;

use crate::connect::{AwsCloud, Target};
use crate::refresh;
use crate::resources::{delete, service, vpc_ingress_connection};

/// At or above this many watched resources of one type and region, one
/// paged list is cheaper than a describe each.
const LIST_AT: usize = 5;

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
        let ty = first.live.resource_type;
        let target = Target {
            profile: first.profile.clone(),
            region: first.live.region.clone(),
        };
        let found = if !self.observes_together(ty, watched.len()) {
            let c = self.clients(&target).await;
            let mut found = Vec::with_capacity(watched.len());
            for w in watched {
                let r = match ty {
                    ResourceType::AppRunnerService => {
                        service::describe(self, &c, &target.region, &w.live.id).await
                    }
                    _ => {
                        vpc_ingress_connection::describe(self, &c, &target.region, &w.live.id).await
                    }
                };
                found.extend(r.map_err(|e| e.to_string())?);
            }
            found
        } else {
            refresh::list(self, &target, ty)
                .await
                .map_err(|e| e.to_string())?
        };
        Ok(found
            .into_iter()
            .map(|r| Observation {
                id: r.id,
                state: r.state,
                status: r.status,
            })
            .collect())
    }

    /// Ingress list summaries carry no status: describe each. A few
    /// services: a describe each is cheaper than paging the list. All
    /// else: one list (Direct Connect's describe-all is one call).
    fn observes_together(&self, ty: ResourceType, waiting: usize) -> bool {
        match ty {
            ResourceType::AppRunnerVpcIngressConnection => false,
            ResourceType::AppRunnerService => waiting >= LIST_AT,
            _ => true,
        }
    }
}
