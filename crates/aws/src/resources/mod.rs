//! One module per resource type, each implementing [`KindApi`]: its
//! List/Describe/Delete calls and how its answers read in decom's terms
//! (statuses through the kinds table). [`api`] is the registry: the one
//! place that maps a type to its module, and the one exhaustive match.
//!
//! Crate-private: the only way to send a delete from outside this crate is
//! [`decom_executor::Cloud::delete`], which takes an approved delete.

mod apprunner_connection;
mod auto_scaling_configuration;
mod custom_domain_association;
mod dx_connection;
mod dx_gateway;
mod dx_gateway_association;
mod dx_lag;
mod dx_virtual_interface;
mod observability_configuration;
mod service;
mod supplychain_dataset;
mod supplychain_flow;
mod supplychain_instance;
mod supplychain_namespace;
mod vpc_connector;
mod vpc_ingress_connection;

use futures_util::future::BoxFuture;

use decom_parser::{RelationAttr, ResourceType};
use decom_plan::{LiveResource, LiveState};

use crate::connect::{AwsCloud, Clients};
use crate::error::CloudError;
use crate::tags::TagReader;

/// The AWS calls of `ty`'s module.
pub(crate) fn api(ty: ResourceType) -> &'static dyn KindApi {
    match ty {
        ResourceType::AppRunnerVpcIngressConnection => &vpc_ingress_connection::Api,
        ResourceType::AppRunnerCustomDomainAssociation => &custom_domain_association::Api,
        ResourceType::AppRunnerService => &service::Api,
        ResourceType::AppRunnerVpcConnector => &vpc_connector::Api,
        ResourceType::AppRunnerAutoScalingConfiguration => &auto_scaling_configuration::Api,
        ResourceType::AppRunnerObservabilityConfiguration => &observability_configuration::Api,
        ResourceType::AppRunnerConnection => &apprunner_connection::Api,
        ResourceType::DxVirtualInterface => &dx_virtual_interface::Api,
        ResourceType::DxConnection => &dx_connection::Api,
        ResourceType::DxLag => &dx_lag::Api,
        ResourceType::DxGateway => &dx_gateway::Api,
        ResourceType::DxGatewayAssociation => &dx_gateway_association::Api,
        ResourceType::SupplyChainDataIntegrationFlow => &supplychain_flow::Api,
        ResourceType::SupplyChainDataLakeDataset => &supplychain_dataset::Api,
        ResourceType::SupplyChainDataLakeNamespace => &supplychain_namespace::Api,
        ResourceType::SupplyChainInstance => &supplychain_instance::Api,
    }
}

/// Where a call goes: the cloud (limits, counts), one target's clients,
/// and the region the answers are in.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub cloud: &'a AwsCloud,
    pub clients: &'a Clients,
    pub region: &'a str,
}

/// The answer of a kind's call.
pub(crate) type Answer<'a, T> = BoxFuture<'a, Result<T, CloudError>>;

/// What a Delete call's answer shows of the resource: the state its
/// status there means (`Gone` for a connector or configuration deleted at
/// once), or `None` where the answer carries no status decom reads (the
/// deletion is then watched until a status check sees it gone).
pub(crate) type Shown = Option<LiveState>;

/// What a list answer tells about each resource besides id and name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Listed {
    /// Its status (an ingress connection summary has none: describe it).
    pub status: bool,
    /// Its relations (a service summary does not name its connector).
    pub relations: bool,
}

/// What decom needs from AWS for one resource kind.
pub(crate) trait KindApi: Send + Sync {
    /// The type it serves (the registry's test checks it).
    #[cfg(test)]
    fn resource_type(&self) -> ResourceType;
    /// Resources per list page; `None` where one call lists the whole
    /// region (Direct Connect's describe-alls).
    fn page_size(&self) -> Option<usize>;
    fn listed(&self) -> Listed;
    /// The relation whose target every list call must name, for kinds
    /// AWS lists only per parent (custom domains per service, datasets per
    /// namespace); `None`: one list covers the region.
    fn listed_per(&self) -> Option<RelationAttr> {
        None
    }
    /// Every live resource of the kind in `at`'s region (all pages); for a
    /// kind listed per parent, those of `parent` (the live id of the
    /// target of [`KindApi::listed_per`]), none when the parent is not
    /// found. `parent` is `None` for other kinds.
    fn list<'a>(&'a self, at: At<'a>, parent: Option<&'a str>) -> Answer<'a, Vec<LiveResource>>;
    /// One resource with everything the kind's reads can tell (status
    /// and relations); `None` if AWS says it is not found.
    fn describe<'a>(&'a self, at: At<'a>, id: &'a str) -> Answer<'a, Option<LiveResource>>;
    /// The Delete call for `id` (ARN or id).
    fn delete<'a>(&'a self, at: At<'a>, id: &'a str) -> Answer<'a, Shown>;
    /// How its tags are read.
    fn tags(&self) -> TagReader;
    /// The ARN tag APIs take for `r`; `None` when it cannot be built.
    fn tag_arn(&self, r: &LiveResource) -> Option<String>;
}

/// [`KindApi::list`] of a kind listed per parent: what `list` reads under
/// `parent`; nothing without a parent (such a kind is never listed whole)
/// or when AWS no longer knows the parent.
fn children<'a, Fut>(
    parent: Option<&'a str>,
    list: impl FnOnce(&'a str) -> Fut + Send + 'a,
) -> Answer<'a, Vec<LiveResource>>
where
    Fut: std::future::Future<Output = Result<Vec<LiveResource>, CloudError>> + Send + 'a,
{
    Box::pin(async move {
        let Some(parent) = parent else {
            return Ok(Vec::new());
        };
        Ok(CloudError::absent_if_not_found(list(parent).await)?.unwrap_or_default())
    })
}

/// The `N` parts of `id`, a composite id of `ty`; else `operation`'s error
/// naming the parts (`SERVICE_ARN,DOMAIN_NAME`).
fn id_parts<'i, const N: usize>(
    ty: ResourceType,
    id: &'i str,
    operation: &'static str,
    region: &str,
) -> Result<[&'i str; N], CloudError> {
    decom_kinds::composite::split_array(id).ok_or_else(|| {
        let parts: Vec<String> = ty
            .identity()
            .parts()
            .unwrap_or_default()
            .iter()
            .map(|p| p.to_uppercase())
            .collect();
        let parts = parts.join(",");
        CloudError::new(
            operation,
            region,
            format!("\"{id}\" is not a {ty} id ({parts})"),
        )
    })
}

/// [`KindApi::describe`] for kinds without a cheaper read than their
/// describe-all (Direct Connect), or than the list of the resource's
/// parent (`parent`: its id, for a kind listed per parent).
async fn from_list(
    kind: &dyn KindApi,
    at: At<'_>,
    parent: Option<&str>,
    id: &str,
) -> Result<Option<LiveResource>, CloudError> {
    let all = kind.list(at, parent).await?;
    Ok(all.into_iter().find(|r| r.id == id))
}

/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE/ID` for kinds whose
/// id is not an ARN; `None` when the account is unknown.
fn arn_of(r: &LiveResource, service: &str, resource: &str) -> Option<String> {
    let account = r.account_id.as_ref()?;
    let partition = arn::partition(&r.region);
    Some(format!(
        "arn:{partition}:{service}:{}:{account}:{resource}/{}",
        r.region, r.id
    ))
}

/// A Supply Chain instance's child (namespace, dataset, flow) with the
/// composite id of `parts` (the last is its name). The model gives them
/// no status: a listed or described one is there.
fn scn_child(
    resource_type: ResourceType,
    region: &str,
    parts: &[&str],
    arn: Option<&str>,
    relations: &[(RelationAttr, String)],
) -> LiveResource {
    LiveResource {
        resource_type,
        region: region.to_string(),
        id: decom_kinds::composite::compose(parts),
        name: parts.last().copied().unwrap_or_default().to_string(),
        account_id: arn.and_then(arn::account),
        status: decom_kinds::CHILD_PRESENT.to_string(),
        state: resource_type.state_of(decom_kinds::CHILD_PRESENT),
        relations: relations
            .iter()
            .map(|(attr, target)| decom_plan::LiveRelation {
                attr: *attr,
                target: Some(target.clone()),
            })
            .collect(),
    }
}

/// `arn:PARTITION:scn:REGION:ACCOUNT:PATH` of a Supply Chain resource;
/// `None` when the account is unknown.
fn arn_of_path(r: &LiveResource, path: &str) -> Option<String> {
    let account = r.account_id.as_ref()?;
    let partition = arn::partition(&r.region);
    Some(format!("arn:{partition}:scn:{}:{account}:{path}", r.region))
}

/// Sends one SDK request through the in-flight limit of its service in
/// its region, and the call count, naming the operation once:
/// `send!(cloud, "ListServices", c.apprunner.list_services())`. The
/// request must start with `clients.<service>.` so the macro can pick the
/// matching limit from [`crate::connect::Clients`].
macro_rules! send {
    ($cloud:expr, $op:literal, $clients:ident . $service:ident . $($request:tt)+) => {
        $cloud
            .call(&$clients.lanes.$service, &$clients.origins.$service, $op, || async {
                let origin = &$clients.origins.$service;
                // A task of its own: see `on_worker`.
                let request = $clients.$service.$($request)+.send();
                match $crate::on_worker::on_worker(request).await {
                    Ok(answer) => answer.map_err(|e| $crate::sdk_error::from_sdk($op, origin, e)),
                    Err(e) => Err($crate::error::CloudError::new($op, &origin.region, e.to_string())),
                }
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
    /// The partition of a region's ARNs (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn partition(region: &str) -> &'static str {
        if region.starts_with("cn-") {
            "aws-cn"
        } else if region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_maps_every_type_to_its_own_module() {
        for ty in ResourceType::ALL {
            assert_eq!(api(ty).resource_type(), ty);
        }
    }

    #[test]
    fn a_kind_listed_per_parent_has_that_relation() {
        for ty in ResourceType::ALL {
            if let Some(attr) = api(ty).listed_per() {
                let rel = ty.relation(attr);
                assert!(
                    rel.is_some(),
                    "{ty} is listed per {}, not its relation",
                    attr.name()
                );
            }
        }
    }
}
