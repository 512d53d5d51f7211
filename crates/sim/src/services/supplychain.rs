//! AWS Supply Chain: instances (restJson1) and their tags.

use serde_json::{json, Map, Value};

use super::{decode_token, encode_token, get_i64, get_str, Ctx, OpResult, Output};
use crate::clock::epoch_seconds;
use crate::protocol::{ApiError, ServiceKind};
use crate::state_file::ResourceType as T;
use crate::store::{Place, Resource, Store};

const SVC: ServiceKind = ServiceKind::SupplyChain;
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
        "ListTagsForResource" => {
            let arn = get_str(input, "resourceArn").unwrap_or_default();
            let id = arn.rsplit('/').next().unwrap_or_default();
            let r = ctx
                .store
                .get(ctx.at, T::SupplyChainInstance, id, ctx.now)
                .filter(|r| r.arn == arn)
                .map(|r| r.clone())
                .ok_or_else(|| ApiError::not_found(SVC, format!("Resource {arn} not found")))?;
            let tags: Map<String, Value> =
                r.tags.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
            Ok(Output::new(json!({ "tags": tags })))
        }
        _ => Err(ApiError::unknown_operation(SVC, op)),
    }
}

fn find(ctx: &mut Ctx<'_>, id: &str) -> Result<Resource, ApiError> {
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
    Ok(Output::new(
        json!({ "instance": instance_json(&r, ctx.at.account) }),
    ))
}
