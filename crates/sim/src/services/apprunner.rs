//! AWS App Runner: services, VPC connectors, VPC ingress connections and
//! their tags, with the state machines and refusals of the real service.
//! What services use and their custom domains have their own modules
//! ([`super::apprunner_uses`], [`super::apprunner_domains`]).

use serde_json::{json, Map, Value};

use super::apprunner_uses::{default_asc_arn, service_asc, service_uses, DEFAULT_ASC_NAME};
use super::{
    apprunner_domains, apprunner_uses, decode_token, encode_token, get_i64, get_str,
    tags_from_list, tags_to_list, Ctx, OpResult, Output,
};
use crate::clock::epoch_seconds;
use crate::protocol::{ApiError, ServiceKind};
use crate::state_file::ResourceType as T;
use crate::store::{revision_of, Resource, Store, CONNECTION_ATTR, OC_ATTR};

const SVC: ServiceKind = ServiceKind::AppRunner;

pub(crate) fn handle(op: &str, input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    match op {
        "CreateService" => create_service(input, ctx),
        "DescribeService" => {
            let r = find(ctx, T::AppRunnerService, arn(input, "ServiceArn"))?;
            Ok(Output::new(json!({ "Service": service_json(&r, ctx) })))
        }
        "ListServices" => list(
            input,
            ctx,
            T::AppRunnerService,
            "ServiceSummaryList",
            |r, _| service_summary(r),
        ),
        "DeleteService" => delete_service(input, ctx),
        "CreateVpcConnector" => create_connector(input, ctx),
        "DescribeVpcConnector" => {
            let r = find(ctx, T::AppRunnerVpcConnector, arn(input, "VpcConnectorArn"))?;
            Ok(Output::new(json!({ "VpcConnector": connector_json(&r) })))
        }
        "ListVpcConnectors" => list(
            input,
            ctx,
            T::AppRunnerVpcConnector,
            "VpcConnectors",
            |r, _| connector_json(r),
        ),
        "DeleteVpcConnector" => delete_connector(input, ctx),
        "CreateVpcIngressConnection" => create_ingress(input, ctx),
        "DescribeVpcIngressConnection" => {
            let r = find(
                ctx,
                T::AppRunnerVpcIngressConnection,
                arn(input, "VpcIngressConnectionArn"),
            )?;
            Ok(Output::new(
                json!({ "VpcIngressConnection": ingress_json(&r, ctx.at.account) }),
            ))
        }
        "ListVpcIngressConnections" => list_ingress(input, ctx),
        "DeleteVpcIngressConnection" => delete_ingress(input, ctx),
        "ListTagsForResource" => {
            let a = arn(input, "ResourceArn");
            let r = [
                T::AppRunnerService,
                T::AppRunnerVpcConnector,
                T::AppRunnerVpcIngressConnection,
                T::AppRunnerAutoScalingConfiguration,
                T::AppRunnerObservabilityConfiguration,
                T::AppRunnerConnection,
            ]
            .into_iter()
            .find_map(|t| ctx.store.get(ctx.at, t, a, ctx.now).map(|r| r.clone()))
            .ok_or_else(|| not_found(a))?;
            Ok(Output::new(
                json!({ "Tags": tags_to_list(&r.tags, "Key", "Value") }),
            ))
        }
        _ => apprunner_uses::handle(op, input, ctx)
            .or_else(|| apprunner_domains::handle(op, input, ctx))
            .unwrap_or_else(|| Err(ApiError::unknown_operation(SVC, op))),
    }
}

pub(super) fn arn<'a>(input: &'a Value, member: &str) -> &'a str {
    get_str(input, member).unwrap_or_default()
}

pub(super) fn not_found(arn: &str) -> ApiError {
    ApiError::not_found(SVC, format!("Resource not found: {arn}"))
}

pub(super) fn find(ctx: &mut Ctx<'_>, t: T, arn: &str) -> Result<Resource, ApiError> {
    ctx.store
        .get(ctx.at, t, arn, ctx.now)
        .map(|r| r.clone())
        .ok_or_else(|| not_found(arn))
}

pub(super) fn ts(ms: u64) -> Value {
    epoch_seconds(ms)
}

fn list(
    input: &Value,
    ctx: &mut Ctx<'_>,
    t: T,
    member: &str,
    render: impl Fn(&Resource, &str) -> Value,
) -> OpResult {
    let after = decode_token(SVC, get_str(input, "NextToken"))?;
    let limit = get_i64(input, "MaxResults").map_or(usize::MAX, |n| n.max(1) as usize);
    let (page, next) = ctx
        .store
        .page(ctx.at, t, after.as_deref(), limit, ctx.now, |_| true);
    let account = ctx.at.account.to_owned();
    let items: Vec<Value> = page.iter().map(|r| render(r, &account)).collect();
    let mut body = json!({ member: items });
    if let Some(n) = next {
        body["NextToken"] = Value::String(encode_token(&n));
    }
    Ok(Output::new(body))
}

pub(super) fn domain(r: &Resource) -> String {
    format!(
        "{}.{}.awsapprunner.com",
        &r.id[..r.id.len().min(10)],
        r.region
    )
}

fn service_summary(r: &Resource) -> Value {
    json!({
        "ServiceName": r.name,
        "ServiceId": r.id,
        "ServiceArn": r.arn,
        "ServiceUrl": domain(r),
        "CreatedAt": ts(r.created_ms),
        "UpdatedAt": ts(r.updated_ms),
        "Status": r.status,
    })
}

fn service_json(r: &Resource, ctx: &Ctx<'_>) -> Value {
    let mut egress = json!({ "EgressType": "DEFAULT" });
    if let Some(c) = &r.relation {
        egress = json!({ "EgressType": "VPC", "VpcConnectorArn": c });
    }
    let network = match r.attr("NetworkConfiguration") {
        Some(Value::Object(n)) => {
            let mut n = n.clone();
            n.insert("EgressConfiguration".into(), egress);
            n.entry("IngressConfiguration")
                .or_insert_with(|| json!({ "IsPubliclyAccessible": true }));
            n.entry("IpAddressType").or_insert_with(|| json!("IPV4"));
            Value::Object(n)
        }
        _ => json!({
            "EgressConfiguration": egress,
            "IngressConfiguration": { "IsPubliclyAccessible": true },
            "IpAddressType": "IPV4",
        }),
    };
    let source = r.attr("SourceConfiguration").cloned().unwrap_or_else(|| {
        if let Some(connection) = r.attr_str(CONNECTION_ATTR) {
            return code_source(connection);
        }
        json!({
            "ImageRepository": {
                "ImageIdentifier": "public.ecr.aws/aws-containers/hello-app-runner:latest",
                "ImageConfiguration": { "Port": "8000" },
                "ImageRepositoryType": "ECR_PUBLIC",
            },
            "AutoDeploymentsEnabled": false,
        })
    });
    let mut instance = json!({ "Cpu": "1024", "Memory": "2048" });
    if let Some(Value::Object(i)) = r.attr("InstanceConfiguration") {
        for (k, v) in i {
            instance[k] = v.clone();
        }
    }
    let mut health = json!({
        "Protocol": "TCP", "Path": "/", "Interval": 5, "Timeout": 2,
        "HealthyThreshold": 1, "UnhealthyThreshold": 5,
    });
    if let Some(Value::Object(h)) = r.attr("HealthCheckConfiguration") {
        for (k, v) in h {
            health[k] = v.clone();
        }
    }
    let mut s = json!({
        "ServiceName": r.name,
        "ServiceId": r.id,
        "ServiceArn": r.arn,
        "ServiceUrl": domain(r),
        "CreatedAt": ts(r.created_ms),
        "UpdatedAt": ts(r.updated_ms),
        "Status": r.status,
        "SourceConfiguration": source,
        "InstanceConfiguration": instance,
        "HealthCheckConfiguration": health,
        "AutoScalingConfigurationSummary": asc_summary(r, ctx),
        "NetworkConfiguration": network,
        "ObservabilityConfiguration": match r.attr_str(OC_ATTR) {
            Some(oc) => json!({ "ObservabilityEnabled": true, "ObservabilityConfigurationArn": oc }),
            None => json!({ "ObservabilityEnabled": false }),
        },
    });
    if let Some(e) = r.attr("EncryptionConfiguration") {
        s["EncryptionConfiguration"] = e.clone();
    }
    if let Some(d) = r.deleted_ms {
        s["DeletedAt"] = ts(d);
    }
    s
}

/// A code repository source through `connection` (what a seeded service
/// with a `connection_arn` reports).
fn code_source(connection: &str) -> Value {
    json!({
        "CodeRepository": {
            "RepositoryUrl": "https://github.com/example/app",
            "SourceCodeVersion": { "Type": "BRANCH", "Value": "main" },
            "CodeConfiguration": { "ConfigurationSource": "REPOSITORY" },
        },
        "AutoDeploymentsEnabled": false,
        "AuthenticationConfiguration": { "ConnectionArn": connection },
    })
}

/// The service's auto scaling configuration, as its summary. The named
/// configuration is read as it is (tombstones included: a service keeps
/// naming a configuration deleted under it, like a seeded dangling one).
fn asc_summary(service: &Resource, ctx: &Ctx<'_>) -> Value {
    let a = service_asc(service);
    let known = ctx
        .store
        .peek(ctx.at, T::AppRunnerAutoScalingConfiguration, &a);
    let name = a.rsplit('/').nth(2).unwrap_or(DEFAULT_ASC_NAME);
    json!({
        "AutoScalingConfigurationArn": a,
        "AutoScalingConfigurationName": name,
        "AutoScalingConfigurationRevision": revision_of(&a).unwrap_or(1),
        "Status": known.map_or("ACTIVE", |c| c.status.as_str()),
        "CreatedAt": ts(known.map_or(service.created_ms, |c| c.created_ms)),
        "HasAssociatedService": true,
        "IsDefault": a == default_asc_arn(&service.region, &service.account),
    })
}

fn connector_json(r: &Resource) -> Value {
    let mut c = json!({
        "VpcConnectorName": r.name,
        "VpcConnectorArn": r.arn,
        "VpcConnectorRevision": r.attr("Revision").and_then(Value::as_i64).unwrap_or(1),
        "Subnets": r.attr("Subnets").cloned().unwrap_or_else(|| json!(["subnet-0123456789abcdef0"])),
        "SecurityGroups": r.attr("SecurityGroups").cloned().unwrap_or_else(|| json!([])),
        "Status": r.status,
        "CreatedAt": ts(r.created_ms),
    });
    if let Some(d) = r.deleted_ms {
        c["DeletedAt"] = ts(d);
    }
    c
}

fn ingress_json(r: &Resource, account: &str) -> Value {
    let mut vpc = Map::new();
    vpc.insert(
        "VpcId".into(),
        json!(r.attr_str("VpcId").unwrap_or("vpc-0123456789abcdef0")),
    );
    vpc.insert(
        "VpcEndpointId".into(),
        json!(r
            .attr_str("VpcEndpointId")
            .map(str::to_owned)
            .unwrap_or_else(|| format!("vpce-{}", &r.id[..17.min(r.id.len())]))),
    );
    let mut c = json!({
        "VpcIngressConnectionArn": r.arn,
        "VpcIngressConnectionName": r.name,
        "ServiceArn": r.relation.clone().unwrap_or_default(),
        "Status": r.status,
        "AccountId": account,
        "DomainName": domain(r),
        "IngressVpcConfiguration": Value::Object(vpc),
        "CreatedAt": ts(r.created_ms),
    });
    if let Some(d) = r.deleted_ms {
        c["DeletedAt"] = ts(d);
    }
    c
}

pub(super) fn new_resource(
    ctx: &mut Ctx<'_>,
    t: T,
    name: &str,
    arn: String,
    id: String,
) -> Resource {
    Resource {
        rtype: t,
        account: ctx.at.account.to_owned(),
        region: ctx.at.region.to_owned(),
        name: name.to_owned(),
        id,
        arn,
        status: String::new(),
        transition: None,
        created_ms: ctx.now,
        updated_ms: ctx.now,
        deleted_ms: None,
        relation: None,
        link: None,
        tags: Vec::new(),
        attrs: Map::new(),
    }
}

pub(super) fn name_prefix(ctx: &Ctx<'_>, kind: &str, name: &str) -> String {
    format!(
        "arn:aws:apprunner:{}:{}:{kind}/{name}/",
        ctx.at.region, ctx.at.account
    )
}

fn create_service(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let name = arn(input, "ServiceName");
    let prefix = name_prefix(ctx, "service", name);
    if ctx
        .store
        .with_prefix(ctx.at, T::AppRunnerService, &prefix, ctx.now)
        .iter()
        .any(|r| !r.is_terminal())
    {
        return Err(ApiError::validation(
            SVC,
            format!("Service with the provided name already exists: {name}"),
        ));
    }
    let network = input.get("NetworkConfiguration").cloned();
    let egress = network.as_ref().and_then(|n| n.get("EgressConfiguration"));
    let connector = egress
        .and_then(|e| get_str(e, "VpcConnectorArn"))
        .map(str::to_owned);
    let egress_type = egress
        .and_then(|e| get_str(e, "EgressType"))
        .unwrap_or("DEFAULT");
    if egress_type == "VPC" && connector.is_none() {
        return Err(ApiError::validation(
            SVC,
            "VpcConnectorArn is required when EgressType is VPC",
        ));
    }
    if let Some(c) = &connector {
        match ctx.store.get(ctx.at, T::AppRunnerVpcConnector, c, ctx.now) {
            Some(r) if r.status == "ACTIVE" => {}
            _ => {
                return Err(ApiError::validation(
                    SVC,
                    format!("VpcConnector {c} does not exist or is not ACTIVE"),
                ))
            }
        }
    }
    let uses = service_uses(input, ctx)?;
    let (service_arn, id) = ctx.store.apprunner_arn(ctx.at, "service", name, None);
    let mut r = new_resource(ctx, T::AppRunnerService, name, service_arn.clone(), id);
    r.relation = if egress_type == "VPC" {
        connector
    } else {
        None
    };
    r.tags = tags_from_list(input.get("Tags"), "Key", "Value");
    for k in [
        "SourceConfiguration",
        "InstanceConfiguration",
        "HealthCheckConfiguration",
        "NetworkConfiguration",
        "EncryptionConfiguration",
    ] {
        if let Some(v) = input.get(k) {
            r.attrs.insert(k.into(), v.clone());
        }
    }
    for (k, v) in uses {
        r.attrs.insert(k.into(), json!(v));
    }
    Store::enter(&ctx.store.timing, &mut r, "OPERATION_IN_PROGRESS", ctx.now);
    let operation_id = ctx.store.rng.uuid();
    let body = json!({ "Service": service_json(&r, ctx), "OperationId": operation_id });
    ctx.store.insert(r);
    Ok(Output::created(body, &service_arn))
}

fn delete_service(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let a = arn(input, "ServiceArn");
    let r = find(ctx, T::AppRunnerService, a)?;
    if !matches!(
        r.status.as_str(),
        "RUNNING" | "PAUSED" | "CREATE_FAILED" | "DELETE_FAILED"
    ) {
        return Err(ApiError::invalid_state(
            SVC,
            format!(
                "You can't delete Service {a} while it is in {} status",
                r.status
            ),
        ));
    }
    let blocking = ctx
        .store
        .dependents(ctx.at, a, T::AppRunnerVpcIngressConnection, ctx.now)
        .iter()
        .any(|i| i.status == "AVAILABLE");
    if blocking {
        return Err(ApiError::invalid_state(
            SVC,
            "You cannot delete a Service while it has VpcIngressConnections with a status of AVAILABLE",
        ));
    }
    let timing = ctx.store.timing.clone();
    let now = ctx.now;
    let r = match ctx.store.get(ctx.at, T::AppRunnerService, a, now) {
        Some(r) => {
            Store::enter(&timing, r, "OPERATION_IN_PROGRESS", now);
            // The service reaches DELETED (not RUNNING) when this operation completes.
            r.transition = Some(("DELETED".into(), now.saturating_add(timing.service_delete)));
            r.clone()
        }
        None => return Err(not_found(a)),
    };
    let operation_id = ctx.store.rng.uuid();
    Ok(Output::new(
        json!({ "Service": service_json(&r, ctx), "OperationId": operation_id }),
    ))
}

fn create_connector(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let name = arn(input, "VpcConnectorName");
    let prefix = name_prefix(ctx, "vpcconnector", name);
    let existing = ctx
        .store
        .with_prefix(ctx.at, T::AppRunnerVpcConnector, &prefix, ctx.now);
    let revision = existing
        .iter()
        .filter_map(|r| r.attr("Revision").and_then(Value::as_i64))
        .max()
        .unwrap_or(existing.len() as i64)
        + 1;
    let (connector_arn, id) =
        ctx.store
            .apprunner_arn(ctx.at, "vpcconnector", name, Some(revision as u64));
    let mut r = new_resource(
        ctx,
        T::AppRunnerVpcConnector,
        name,
        connector_arn.clone(),
        id,
    );
    r.tags = tags_from_list(input.get("Tags"), "Key", "Value");
    r.attrs.insert("Revision".into(), json!(revision));
    for k in ["Subnets", "SecurityGroups"] {
        if let Some(v) = input.get(k) {
            r.attrs.insert(k.into(), v.clone());
        }
    }
    Store::enter(&ctx.store.timing, &mut r, "ACTIVE", ctx.now);
    let body = json!({ "VpcConnector": connector_json(&r) });
    ctx.store.insert(r);
    Ok(Output::created(body, &connector_arn))
}

fn delete_connector(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let a = arn(input, "VpcConnectorArn");
    let r = find(ctx, T::AppRunnerVpcConnector, a)?;
    if r.status != "ACTIVE" {
        return Err(ApiError::validation(
            SVC,
            format!("VpcConnector {a} is already {}", r.status),
        ));
    }
    let lag = ctx.store.timing.connector_lag;
    let now = ctx.now;
    let in_use = ctx
        .store
        .dependents(ctx.at, a, T::AppRunnerService, now)
        .iter()
        .any(|s| {
            s.status != "DELETED" || s.deleted_ms.is_some_and(|d| d.saturating_add(lag) > now)
        });
    if in_use {
        return Err(ApiError::validation(
            SVC,
            format!(
                "VpcConnector {a} cannot be deleted because it is being used by other services"
            ),
        ));
    }
    let timing = ctx.store.timing.clone();
    let r = match ctx.store.get(ctx.at, T::AppRunnerVpcConnector, a, now) {
        Some(r) => {
            Store::enter(&timing, r, "INACTIVE", now);
            r.clone()
        }
        None => return Err(not_found(a)),
    };
    Ok(Output::new(json!({ "VpcConnector": connector_json(&r) })))
}

fn create_ingress(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let service_arn = arn(input, "ServiceArn").to_owned();
    let name = arn(input, "VpcIngressConnectionName");
    let service = find(ctx, T::AppRunnerService, &service_arn)?;
    if service.status != "RUNNING" {
        return Err(ApiError::invalid_state(
            SVC,
            format!(
                "Service {service_arn} is in {} status; a VPC ingress connection needs a RUNNING service",
                service.status
            ),
        ));
    }
    let prefix = name_prefix(ctx, "vpcingressconnection", name);
    if ctx
        .store
        .with_prefix(ctx.at, T::AppRunnerVpcIngressConnection, &prefix, ctx.now)
        .iter()
        .any(|r| !r.is_terminal())
    {
        return Err(ApiError::validation(
            SVC,
            format!("VpcIngressConnection with the provided name already exists: {name}"),
        ));
    }
    let (ingress_arn, id) = ctx
        .store
        .apprunner_arn(ctx.at, "vpcingressconnection", name, None);
    let mut r = new_resource(
        ctx,
        T::AppRunnerVpcIngressConnection,
        name,
        ingress_arn.clone(),
        id,
    );
    r.relation = Some(service_arn);
    r.tags = tags_from_list(input.get("Tags"), "Key", "Value");
    if let Some(cfg) = input.get("IngressVpcConfiguration") {
        for k in ["VpcId", "VpcEndpointId"] {
            if let Some(v) = get_str(cfg, k) {
                r.attrs.insert(k.into(), json!(v));
            }
        }
    }
    Store::enter(&ctx.store.timing, &mut r, "PENDING_CREATION", ctx.now);
    let body = json!({ "VpcIngressConnection": ingress_json(&r, ctx.at.account) });
    ctx.store.insert(r);
    Ok(Output::created(body, &ingress_arn))
}

fn list_ingress(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let filter = input.get("Filter");
    let by_service = filter
        .and_then(|f| get_str(f, "ServiceArn"))
        .map(str::to_owned);
    let by_endpoint = filter
        .and_then(|f| get_str(f, "VpcEndpointId"))
        .map(str::to_owned);
    let after = decode_token(SVC, get_str(input, "NextToken"))?;
    let limit = get_i64(input, "MaxResults").map_or(usize::MAX, |n| n.max(1) as usize);
    let (page, next) = match &by_service {
        Some(s) => ctx.store.page_dependents(
            ctx.at,
            s,
            T::AppRunnerVpcIngressConnection,
            after.as_deref(),
            limit,
            ctx.now,
        ),
        None => ctx.store.page(
            ctx.at,
            T::AppRunnerVpcIngressConnection,
            after.as_deref(),
            limit,
            ctx.now,
            |r| {
                by_endpoint
                    .as_deref()
                    .is_none_or(|e| r.attr_str("VpcEndpointId") == Some(e))
            },
        ),
    };
    let items: Vec<Value> = page
        .iter()
        .filter(|r| {
            by_endpoint
                .as_deref()
                .is_none_or(|e| r.attr_str("VpcEndpointId") == Some(e))
        })
        .map(|r| {
            json!({
                "VpcIngressConnectionArn": r.arn,
                "ServiceArn": r.relation.clone().unwrap_or_default(),
            })
        })
        .collect();
    let mut body = json!({ "VpcIngressConnectionSummaryList": items });
    if let Some(n) = next {
        body["NextToken"] = Value::String(encode_token(&n));
    }
    Ok(Output::new(body))
}

fn delete_ingress(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let a = arn(input, "VpcIngressConnectionArn");
    let r = find(ctx, T::AppRunnerVpcIngressConnection, a)?;
    if !matches!(
        r.status.as_str(),
        "AVAILABLE" | "FAILED_CREATION" | "FAILED_UPDATE" | "FAILED_DELETION"
    ) {
        return Err(ApiError::invalid_state(
            SVC,
            format!(
                "You can't delete VpcIngressConnection {a} while it is in {} status",
                r.status
            ),
        ));
    }
    let timing = ctx.store.timing.clone();
    let now = ctx.now;
    let r = match ctx
        .store
        .get(ctx.at, T::AppRunnerVpcIngressConnection, a, now)
    {
        Some(r) => {
            Store::enter(&timing, r, "PENDING_DELETION", now);
            r.clone()
        }
        None => return Err(not_found(a)),
    };
    Ok(Output::new(
        json!({ "VpcIngressConnection": ingress_json(&r, ctx.at.account) }),
    ))
}
