//! One module per resource type: its List/Describe calls and how its AWS
//! statuses map to [`LiveState`] (DESIGN section 3, "gone when" / "wait
//! while").

pub mod delete;
pub mod dx_connection;
pub mod dx_virtual_interface;
pub mod service;
pub mod supplychain_instance;
pub mod vpc_connector;
pub mod vpc_ingress_connection;

use decom_graph::{LiveResource, LiveState};
use decom_parser::ResourceType;

use crate::error::CloudError;

/// The [`LiveState`] of an AWS status string of `resource_type`.
pub fn state_of(resource_type: ResourceType, status: &str) -> LiveState {
    match resource_type {
        ResourceType::AppRunnerVpcIngressConnection => vpc_ingress_connection::state(status),
        ResourceType::AppRunnerService => service::state(status),
        ResourceType::AppRunnerVpcConnector => vpc_connector::state(status),
        ResourceType::DxVirtualInterface => dx_virtual_interface::state(status),
        ResourceType::DxConnection => dx_connection::state(status),
        ResourceType::SupplyChainInstance => supplychain_instance::state(status),
    }
}

/// Sends one SDK request through the in-flight limit of its service in
/// its region, and the call count, naming the operation once:
/// `send!(cloud, "ListServices", c.apprunner.list_services())`. The
/// request must start with `clients.<service>.` so the macro can pick the
/// matching limit from [`crate::connect::Clients`].
macro_rules! send {
    ($cloud:expr, $op:literal, $clients:ident . $service:ident . $($request:tt)+) => {
        $cloud
            .call(&$clients.limits.$service, &$clients.origins.$service, $op, async {
                $clients
                    .$service
                    .$($request)+
                    .send()
                    .await
                    .map_err(|e| $crate::sdk_error::from_sdk($op, &$clients.origins.$service, e))
            })
            .await
    };
}
pub(crate) use send;

/// Every page of a paginated list call: `fetch(token)` returns one page's
/// items and the next page's token.
pub(crate) async fn all_pages<T, Fut>(
    mut fetch: impl FnMut(Option<String>) -> Fut,
) -> Result<Vec<T>, CloudError>
where
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), CloudError>>,
{
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let (items, next) = fetch(token).await?;
        out.extend(items);
        match next {
            Some(t) => token = Some(t),
            None => return Ok(out),
        }
    }
}

/// A describe call's answer as the resource it describes: `None` when AWS
/// says not found (the resource is gone). An answer without the resource
/// is an error, never "gone": a deletion is confirmed only by AWS saying so.
pub(crate) fn described<T>(
    operation: &'static str,
    region: &str,
    answer: Result<T, CloudError>,
    resource: impl FnOnce(T) -> Option<LiveResource>,
) -> Result<Option<LiveResource>, CloudError> {
    match CloudError::absent_if_not_found(answer)? {
        None => Ok(None),
        Some(out) => resource(out)
            .map(Some)
            .ok_or_else(|| CloudError::incomplete(operation, region)),
    }
}

/// Parts of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`).
pub(crate) mod arn {
    pub fn account(arn: &str) -> Option<String> {
        arn.split(':')
            .nth(4)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    /// The NAME of `.../type/NAME/...`.
    pub fn resource_name(arn: &str) -> Option<String> {
        arn.split(':').nth(5)?.split('/').nth(1).map(str::to_string)
    }
}
