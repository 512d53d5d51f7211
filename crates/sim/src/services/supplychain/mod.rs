//! AWS Supply Chain (restJson1): instances and their tags here; data lake
//! namespaces and datasets ([`datalake`]) and data integration flows
//! ([`flows`]), which go with their instance, in their own modules.

mod children;
mod datalake;
mod flows;

use serde_json::{json, Map, Value};

use super::{decode_token, encode_token, get_i64, get_str, Ctx, OpResult, Output};
use crate::clock::epoch_seconds;
use crate::protocol::{ApiError, ServiceKind};
use crate::state_file::ResourceType as T;
use crate::store::{Place, Resource, Store};

pub(super) const SVC: ServiceKind = ServiceKind::SupplyChain;
const DEFAULT_PAGE: usize = 20;

pub(crate) fn handle(op: &str, input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    match op {
        "CreateInstance" => create_instance(input, ctx),
        "GetInstance" => {
            let r = find(ctx, get_str(input, "instanceId").unwrap_or_default())?;
            Ok(Output::new(
                json!({ "instance": instance_json(&r, ctx.at.account) }),
            ))
        }
        "ListInstances" => list_instances(input, ctx),
        "DeleteInstance" => delete_instance(input, ctx),
        "CreateDataLakeNamespace" => datalake::create_namespace(input, ctx),
        "GetDataLakeNamespace" => datalake::get_namespace(input, ctx),
        "ListDataLakeNamespaces" => datalake::list_namespaces(input, ctx),
        "DeleteDataLakeNamespace" => datalake::delete_namespace(input, ctx),
        "CreateDataLakeDataset" => datalake::create_dataset(input, ctx),
        "GetDataLakeDataset" => datalake::get_dataset(input, ctx),
        "ListDataLakeDatasets" => datalake::list_datasets(input, ctx),
        "DeleteDataLakeDataset" => datalake::delete_dataset(input, ctx),
        "CreateDataIntegrationFlow" => flows::create(input, ctx),
        "GetDataIntegrationFlow" => flows::get(input, ctx),
        "ListDataIntegrationFlows" => flows::list(input, ctx),
        "DeleteDataIntegrationFlow" => flows::delete(input, ctx),
        "ListTagsForResource" => {
            let arn = get_str(input, "resourceArn").unwrap_or_default();
            let r = tagged(ctx, arn)
                .ok_or_else(|| ApiError::not_found(SVC, format!("Resource {arn} not found")))?;
            let tags: Map<String, Value> =
                r.tags.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
            Ok(Output::new(json!({ "tags": tags })))
        }
        _ => Err(ApiError::unknown_operation(SVC, op)),
    }
}

/// The resource an ARN of this service names: an instance
/// (`…:instance/ID`), a namespace (`…/namespaces/NS`), a dataset
/// (`…/namespaces/NS/datasets/NAME`) or a flow (`…/data-integration-flows/NAME`).
fn tagged(ctx: &mut Ctx<'_>, arn: &str) -> Option<Resource> {
    let path = arn.split_once(":instance/")?.1;
    let parts: Vec<&str> = path.split('/').collect();
    let (t, id) = match parts.as_slice() {
        [i] => (T::SupplyChainInstance, (*i).to_owned()),
        [i, "namespaces", ns] => (T::SupplyChainDataLakeNamespace, format!("{i}/{ns}")),
        [i, "namespaces", ns, "datasets", name] => {
            (T::SupplyChainDataLakeDataset, format!("{i}/{ns}/{name}"))
        }
        [i, "data-integration-flows", name] => {
            (T::SupplyChainDataIntegrationFlow, format!("{i}/{name}"))
        }
        _ => return None,
    };
    ctx.store
        .get(ctx.at, t, &id, ctx.now)
        .filter(|r| r.arn == arn)
        .map(|r| r.clone())
}

/// A new namespace, dataset or flow (not yet stored) with id `id` under
/// `parent` (its instance, or for a dataset its namespace's id).
fn new_child(ctx: &Ctx<'_>, t: T, id: &str, name: &str, parent: &str) -> Resource {
    Resource {
        rtype: t,
        account: ctx.at.account.to_owned(),
        region: ctx.at.region.to_owned(),
        name: name.to_owned(),
        id: id.to_owned(),
        arn: Store::scn_child_arn(ctx.at, t, id),
        status: crate::state_file::PRESENT.to_owned(),
        transition: None,
        created_ms: ctx.now,
        updated_ms: ctx.now,
        deleted_ms: None,
        relation: Some(parent.to_owned()),
        link: None,
        tags: Vec::new(),
        attrs: Map::new(),
    }
}

pub(super) fn find(ctx: &mut Ctx<'_>, id: &str) -> Result<Resource, ApiError> {
    ctx.store
        .get(ctx.at, T::SupplyChainInstance, id, ctx.now)
        .map(|r| r.clone())
        .ok_or_else(|| ApiError::not_found(SVC, format!("Instance {id} not found")))
}

fn instance_json(r: &Resource, account: &str) -> Value {
    let mut v = json!({
        "instanceId": r.id,
        "awsAccountId": account,
        "state": r.status,
        "webAppDnsDomain": r.attr_str("webAppDnsDomain").map(str::to_owned)
            .unwrap_or_else(|| format!("{}.scn.global.on.aws", &r.id[..8.min(r.id.len())])),
        "createdTime": epoch_seconds(r.created_ms),
        "lastModifiedTime": epoch_seconds(r.updated_ms),
        "instanceName": r.name,
        "versionNumber": 1.0,
    });
    for k in ["instanceDescription", "kmsKeyArn"] {
        if let Some(x) = r.attr_str(k) {
            v[k] = json!(x);
        }
    }
    v
}

/// Client tokens are remembered per account and region.
fn client_token_key(at: Place<'_>, token: &str) -> (String, String, String) {
    (
        at.account.to_owned(),
        at.region.to_owned(),
        token.to_owned(),
    )
}

fn create_instance(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let token = get_str(input, "clientToken").map(str::to_owned);
    if let Some(t) = &token {
        let existing = ctx
            .store
            .client_tokens
            .get(&client_token_key(ctx.at, t))
            .cloned();
        if let Some(id) = existing {
            if let Ok(r) = find(ctx, &id) {
                return Ok(Output::created(
                    json!({ "instance": instance_json(&r, ctx.at.account) }),
                    &id,
                ));
            }
        }
    }
    let id = ctx.store.rng.uuid();
    let arn = Store::scn_arn(ctx.at, &id);
    let mut r = Resource {
        rtype: T::SupplyChainInstance,
        account: ctx.at.account.to_owned(),
        region: ctx.at.region.to_owned(),
        name: get_str(input, "instanceName")
            .unwrap_or_default()
            .to_owned(),
        id: id.clone(),
        arn,
        status: String::new(),
        transition: None,
        created_ms: ctx.now,
        updated_ms: ctx.now,
        deleted_ms: None,
        relation: None,
        link: None,
        tags: input
            .get("tags")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default(),
        attrs: Map::new(),
    };
    for k in ["instanceDescription", "kmsKeyArn", "webAppDnsDomain"] {
        if let Some(v) = get_str(input, k) {
            r.attrs.insert(k.into(), json!(v));
        }
    }
    Store::enter(&ctx.store.timing, &mut r, "Initializing", ctx.now);
    let body = json!({ "instance": instance_json(&r, ctx.at.account) });
    ctx.store.insert(r);
    if let Some(t) = token {
        let key = client_token_key(ctx.at, &t);
        ctx.store.client_tokens.insert(key, id.clone());
    }
    Ok(Output::created(body, &id))
}

fn list_instances(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let strings = |k: &str| -> Vec<String> {
        input
            .get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let names = strings("instanceNameFilter");
    let states = strings("instanceStateFilter");
    let after = decode_token(SVC, get_str(input, "nextToken"))?;
    let limit = match get_i64(input, "maxResults") {
        Some(n) if n > 0 => n as usize,
        _ => DEFAULT_PAGE,
    };
    let (page, next) = ctx.store.page(
        ctx.at,
        T::SupplyChainInstance,
        after.as_deref(),
        limit,
        ctx.now,
        |r| {
            (names.is_empty() || names.contains(&r.name))
                && (states.is_empty() || states.contains(&r.status))
        },
    );
    let account = ctx.at.account.to_owned();
    let items: Vec<Value> = page.iter().map(|r| instance_json(r, &account)).collect();
    let mut body = json!({ "instances": items });
    if let Some(n) = next {
        body["nextToken"] = json!(encode_token(&n));
    }
    Ok(Output::new(body))
}

fn delete_instance(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let id = get_str(input, "instanceId").unwrap_or_default();
    let r = find(ctx, id)?;
    if !matches!(
        r.status.as_str(),
        "Active" | "CreateFailed" | "DeleteFailed"
    ) {
        return Err(ApiError::invalid_state(
            SVC,
            format!(
                "Instance {id} is in state {} and cannot be deleted",
                r.status
            ),
        ));
    }
    let timing = ctx.store.timing.clone();
    let now = ctx.now;
    let r = match ctx.store.get(ctx.at, T::SupplyChainInstance, id, now) {
        Some(r) => {
            Store::enter(&timing, r, "Deleting", now);
            r.clone()
        }
        None => return Err(ApiError::not_found(SVC, format!("Instance {id} not found"))),
    };
    // AWS deletes the instance's namespaces, datasets and flows with it.
    children::remove_all_of(ctx, id);
    Ok(Output::new(
        json!({ "instance": instance_json(&r, ctx.at.account) }),
    ))
}
