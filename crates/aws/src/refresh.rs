//! Refresh: read the live state a plan needs with as few calls as the
//! APIs allow (DESIGN section 9).
//!
//! 1. List every needed (type, target) once, page by page: the manifest's
//!    own types, plus what could block them (services in a target with a
//!    planned connector, ingress connections in a target with a planned
//!    service, virtual interfaces in a target with a planned connection).
//! 2. Describe only where a list cannot answer: DescribeService for each
//!    service in a target where a connector is planned (only it names the
//!    connector) and for planned services elsewhere that assert one,
//!    DescribeVpcIngressConnection for each planned ingress
//!    connection and each ingress connection of a planned service (list
//!    summaries carry no status).
//!
//! All calls run concurrently, bounded by the cloud's in-flight limit.

use std::collections::{BTreeSet, HashSet};

use futures_util::future::try_join_all;

use decom_graph::{Inventory, LiveResource, LiveState};
use decom_parser::{IdentityKind, Knowable, Manifest, ResourceInstance, ResourceType};

use crate::connect::{AwsCloud, Clients, Target};
use crate::error::CloudError;
use crate::resources::{
    dx_connection, dx_virtual_interface, service, supplychain_instance, vpc_connector,
    vpc_ingress_connection,
};

/// Reads live state for `manifest`. `default_region` applies to resources
/// whose ARN and provider name no region.
pub async fn refresh(
    cloud: &AwsCloud,
    manifest: &Manifest,
    default_region: Option<&str>,
) -> Result<Inventory, CloudError> {
    let placed = place(cloud, manifest, default_region);
    let lists = list_scope(&placed);
    let pages = try_join_all(lists.iter().map(|(target, ty)| list(cloud, target, *ty))).await?;
    let mut inventory = Inventory::new(pages.into_iter().flatten());

    let described = try_join_all(
        describe_scope(&placed, &inventory)
            .into_iter()
            .map(|(target, ty, id)| describe(cloud, target, ty, id)),
    )
    .await?;
    for r in described {
        inventory.insert(r);
    }
    Ok(inventory)
}

/// Each manifest resource with the target its requests go to.
fn place<'m>(
    cloud: &AwsCloud,
    manifest: &'m Manifest,
    default_region: Option<&str>,
) -> Vec<(Target, &'m ResourceInstance)> {
    manifest
        .resources
        .iter()
        .filter_map(|r| {
            let region = decom_graph::plan::region_of(manifest, r, default_region)?;
            let profile = manifest
                .provider(&r.provider)
                .and_then(|p| p.profile.clone())
                .or_else(|| cloud.default_profile().map(str::to_string));
            Some((Target { profile, region }, r))
        })
        .collect()
}

/// The (target, type) pairs to list.
fn list_scope(placed: &[(Target, &ResourceInstance)]) -> BTreeSet<(Target, ResourceType)> {
    let mut scope = BTreeSet::new();
    for (target, r) in placed {
        let ty = r.address.resource_type;
        scope.insert((target.clone(), ty));
        let blockers = match ty {
            ResourceType::AppRunnerVpcConnector => Some(ResourceType::AppRunnerService),
            ResourceType::AppRunnerService => Some(ResourceType::AppRunnerVpcIngressConnection),
            ResourceType::DxConnection => Some(ResourceType::DxVirtualInterface),
            _ => None,
        };
        if let Some(b) = blockers {
            scope.insert((target.clone(), b));
        }
    }
    scope
}

/// The (target, type, id) describes the plan cannot do without.
fn describe_scope(
    placed: &[(Target, &ResourceInstance)],
    inventory: &Inventory,
) -> Vec<(Target, ResourceType, String)> {
    let of_type = |ty: ResourceType| {
        placed
            .iter()
            .filter(move |(_, r)| r.address.resource_type == ty)
    };
    let mut scope = Vec::new();

    // Services in targets with a planned connector (any could use it), and
    // elsewhere the planned services that assert a connector.
    let connector_targets: HashSet<&Target> = of_type(ResourceType::AppRunnerVpcConnector)
        .map(|(t, _)| t)
        .collect();
    let mut services: BTreeSet<(Target, String)> = BTreeSet::new();
    for target in &connector_targets {
        for s in inventory.of_type_in(ResourceType::AppRunnerService, &target.region) {
            if s.state != LiveState::Gone {
                services.insert(((*target).clone(), s.id.clone()));
            }
        }
    }
    for (target, r) in of_type(ResourceType::AppRunnerService) {
        if !connector_targets.contains(target) && !r.relations.is_empty() {
            for id in live_ids(inventory, target, r) {
                services.insert((target.clone(), id));
            }
        }
    }
    scope.extend(
        services
            .into_iter()
            .map(|(t, id)| (t, ResourceType::AppRunnerService, id)),
    );

    // Planned ingress connections and the ingress connections of planned services.
    let planned_services: HashSet<String> = of_type(ResourceType::AppRunnerService)
        .flat_map(|(t, r)| live_ids(inventory, t, r))
        .collect();
    let ingress_targets: BTreeSet<&Target> = placed
        .iter()
        .filter(|(_, r)| {
            matches!(
                r.address.resource_type,
                ResourceType::AppRunnerService | ResourceType::AppRunnerVpcIngressConnection
            )
        })
        .map(|(t, _)| t)
        .collect();
    let planned_ingress: HashSet<String> = of_type(ResourceType::AppRunnerVpcIngressConnection)
        .flat_map(|(t, r)| live_ids(inventory, t, r))
        .collect();
    for target in ingress_targets {
        for i in inventory.of_type_in(ResourceType::AppRunnerVpcIngressConnection, &target.region) {
            let service = i
                .relation(decom_parser::RelationAttr::ServiceArn)
                .flatten()
                .unwrap_or_default();
            if planned_ingress.contains(&i.id) || planned_services.contains(service) {
                scope.push((
                    target.clone(),
                    ResourceType::AppRunnerVpcIngressConnection,
                    i.id.clone(),
                ));
            }
        }
    }
    scope
}

/// The live ids a manifest resource may mean: its ARN/id, or every live
/// resource with its name in its region (resolution picks among them).
fn live_ids(inventory: &Inventory, target: &Target, r: &ResourceInstance) -> Vec<String> {
    match (&r.identity.kind, &r.identity.value) {
        (IdentityKind::Name, Knowable::Known(name)) => inventory
            .named(r.address.resource_type, &target.region, name)
            .into_iter()
            .map(|l| l.id.clone())
            .collect(),
        (_, Knowable::Known(id)) => vec![id.clone()],
        (_, Knowable::AfterRefresh(_)) => Vec::new(),
    }
}

/// Every live resource of `ty` at `target` (all pages).
pub async fn list(
    cloud: &AwsCloud,
    target: &Target,
    ty: ResourceType,
) -> Result<Vec<LiveResource>, CloudError> {
    let c = cloud.clients(target).await;
    list_with(cloud, &c, target, ty).await
}

/// [`list`] through the clients `c` of `target`.
pub async fn list_with(
    cloud: &AwsCloud,
    c: &Clients,
    target: &Target,
    ty: ResourceType,
) -> Result<Vec<LiveResource>, CloudError> {
    let region = &target.region;
    let all = match ty {
        ResourceType::AppRunnerVpcIngressConnection => {
            vpc_ingress_connection::list(cloud, c, region).await
        }
        ResourceType::AppRunnerService => service::list(cloud, c, region).await,
        ResourceType::AppRunnerVpcConnector => vpc_connector::list(cloud, c, region).await,
        ResourceType::DxVirtualInterface => dx_virtual_interface::list(cloud, c, region).await,
        ResourceType::DxConnection => dx_connection::list(cloud, c, region).await,
        ResourceType::SupplyChainInstance => supplychain_instance::list(cloud, c, region).await,
    }?;
    cloud.remember_listed(ty, target, all.len());
    Ok(all)
}

/// Resources per page of `ty`'s list call; `None` where one call returns
/// all (Direct Connect's describe-alls).
pub fn page_size(ty: ResourceType) -> Option<usize> {
    let size = match ty {
        ResourceType::AppRunnerVpcIngressConnection => vpc_ingress_connection::PAGE_SIZE,
        ResourceType::AppRunnerService => service::PAGE_SIZE,
        ResourceType::AppRunnerVpcConnector => vpc_connector::PAGE_SIZE,
        ResourceType::SupplyChainInstance => supplychain_instance::PAGE_SIZE,
        ResourceType::DxVirtualInterface | ResourceType::DxConnection => return None,
    };
    usize::try_from(size).ok()
}

/// One resource by its id or ARN; `None` if not found. Direct Connect has
/// no cheaper read than its describe-all, so it is read from that.
pub async fn describe_one(
    cloud: &AwsCloud,
    c: &Clients,
    region: &str,
    ty: ResourceType,
    id: &str,
) -> Result<Option<LiveResource>, CloudError> {
    match ty {
        ResourceType::AppRunnerService => service::describe(cloud, c, region, id).await,
        ResourceType::AppRunnerVpcIngressConnection => {
            vpc_ingress_connection::describe(cloud, c, region, id).await
        }
        ResourceType::AppRunnerVpcConnector => vpc_connector::describe(cloud, c, region, id).await,
        ResourceType::SupplyChainInstance => {
            supplychain_instance::describe(cloud, c, region, id).await
        }
        ResourceType::DxConnection => {
            let all = dx_connection::list(cloud, c, region).await?;
            Ok(all.into_iter().find(|r| r.id == id))
        }
        ResourceType::DxVirtualInterface => {
            let all = dx_virtual_interface::list(cloud, c, region).await?;
            Ok(all.into_iter().find(|r| r.id == id))
        }
    }
}

/// DescribeService or DescribeVpcIngressConnection (the only describes the
/// plan needs); a resource listed but then not found is gone.
pub async fn describe(
    cloud: &AwsCloud,
    target: Target,
    ty: ResourceType,
    id: String,
) -> Result<LiveResource, CloudError> {
    let c = cloud.clients(&target).await;
    let found = describe_one(cloud, &c, &target.region, ty, &id).await?;
    Ok(found.unwrap_or_else(|| LiveResource {
        resource_type: ty,
        region: target.region.clone(),
        name: crate::resources::arn::resource_name(&id).unwrap_or_default(),
        account_id: crate::resources::arn::account(&id),
        id,
        status: "not found".into(),
        state: LiveState::Gone,
        relations: Vec::new(),
    }))
}
