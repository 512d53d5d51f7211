//! Data integration flows of an instance (id `INSTANCE/NAME`): their
//! sources, transformation and target are kept as given and echoed.

use serde_json::{json, Value};

use super::children::{active_instance, get_child, page_by_name, readable_instance, tags_of};
use super::{new_child, Ctx, OpResult, Output, SVC};
use crate::clock::epoch_seconds;
use crate::protocol::ApiError;
use crate::services::get_str;
use crate::state_file::ResourceType as T;
use crate::store::Resource;

const T_FLOW: T = T::SupplyChainDataIntegrationFlow;

fn flow_json(r: &Resource) -> Value {
    let instance = r.relation.clone().unwrap_or_default();
    let a = |k: &str, default: Value| r.attr(k).cloned().unwrap_or(default);
    json!({
        "instanceId": instance,
        "name": r.name,
        "sources": a("sources", json!([{"sourceType": "S3", "sourceName": "source"}])),
        "transformation": a("transformation", json!({"transformationType": "NONE"})),
        "target": a("target", json!({"targetType": "S3"})),
        "createdTime": epoch_seconds(r.created_ms),
        "lastModifiedTime": epoch_seconds(r.updated_ms),
    })
}

fn names(input: &Value) -> Result<(&str, &str), ApiError> {
    match (get_str(input, "instanceId"), get_str(input, "name")) {
        (Some(i), Some(n)) => Ok((i, n)),
        _ => Err(ApiError::validation(
            SVC,
            "instanceId and name are required",
        )),
    }
}

pub(super) fn create(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let (instance, name) = names(input)?;
    active_instance(ctx, instance)?;
    let id = format!("{instance}/{name}");
    if ctx.store.get(ctx.at, T_FLOW, &id, ctx.now).is_some() {
        return Err(ApiError::invalid_state(
            SVC,
            format!("Data integration flow {name} already exists in instance {instance}"),
        ));
    }
    let mut r = new_child(ctx, T_FLOW, &id, name, instance);
    r.tags = tags_of(input);
    for k in ["sources", "transformation", "target"] {
        if let Some(v) = input.get(k) {
            r.attrs.insert(k.into(), v.clone());
        }
    }
    ctx.store.insert(r);
    Ok(Output::created(
        json!({ "instanceId": instance, "name": name }),
        &id,
    ))
}

pub(super) fn get(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let (instance, name) = names(input)?;
    readable_instance(ctx, instance)?;
    let r = get_child(
        ctx,
        T_FLOW,
        &format!("{instance}/{name}"),
        "Data integration flow",
    )?;
    Ok(Output::new(json!({ "flow": flow_json(&r) })))
}

pub(super) fn list(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let instance = get_str(input, "instanceId").unwrap_or_default();
    readable_instance(ctx, instance)?;
    let items: Vec<(String, Value)> = ctx
        .store
        .dependents(ctx.at, instance, T_FLOW, ctx.now)
        .iter()
        .map(|r| (r.name.clone(), flow_json(r)))
        .collect();
    Ok(Output::new(page_by_name(input, items, "flows")?))
}

pub(super) fn delete(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let (instance, name) = names(input)?;
    readable_instance(ctx, instance)?;
    let id = format!("{instance}/{name}");
    get_child(ctx, T_FLOW, &id, "Data integration flow")?;
    ctx.store.remove_now(ctx.at, T_FLOW, &id);
    Ok(Output::new(json!({ "instanceId": instance, "name": name })))
}
