//! What the data lake and data integration handlers share: the instance
//! they live in, ids and listing by name.
//!
//! Children of an instance have no status in the model: they exist until
//! deleted (then 404 at once), and go with their instance when it is
//! deleted.

use serde_json::Value;

use super::{find, Ctx, SVC};
use crate::protocol::ApiError;
use crate::services::{decode_token, encode_token, get_i64, get_str};
use crate::state_file::ResourceType as T;
use crate::store::{Resource, BUILT_IN_NAMESPACES};

/// The model's page size limit (and default) of the three lists.
const MAX_PAGE: usize = 20;

/// The instance `id` if its children can be read: it exists and is not
/// being deleted (its children are already gone then).
pub(super) fn readable_instance(ctx: &mut Ctx<'_>, id: &str) -> Result<Resource, ApiError> {
    let r = find(ctx, id)?;
    if matches!(r.status.as_str(), "Deleting" | "Deleted") {
        return Err(ApiError::not_found(
            SVC,
            format!("Instance {id} not found (state {})", r.status),
        ));
    }
    Ok(r)
}

/// The instance `id` if children can be created in it: it is `Active`.
pub(super) fn active_instance(ctx: &mut Ctx<'_>, id: &str) -> Result<Resource, ApiError> {
    let r = readable_instance(ctx, id)?;
    if r.status != "Active" {
        return Err(ApiError::invalid_state(
            SVC,
            format!("Instance {id} is in state {}, not Active", r.status),
        ));
    }
    Ok(r)
}

pub(super) fn is_built_in(namespace: &str) -> bool {
    BUILT_IN_NAMESPACES.contains(&namespace)
}

/// The child of type `t` with this id, or 404 naming `what`.
pub(super) fn get_child(
    ctx: &mut Ctx<'_>,
    t: T,
    id: &str,
    what: &str,
) -> Result<Resource, ApiError> {
    ctx.store
        .get(ctx.at, t, id, ctx.now)
        .map(|r| r.clone())
        .ok_or_else(|| ApiError::not_found(SVC, format!("{what} {id} not found")))
}

/// A page of `(name, item)` pairs sorted by name, after the request's
/// `nextToken`, at most `maxResults` (0 or absent: the maximum), under
/// `key` with the `nextToken` to go on.
pub(super) fn page_by_name(
    input: &Value,
    mut items: Vec<(String, Value)>,
    key: &str,
) -> Result<Value, ApiError> {
    let after = decode_token(SVC, get_str(input, "nextToken"))?;
    let limit = match get_i64(input, "maxResults") {
        Some(n) if n > 0 => (n as usize).min(MAX_PAGE),
        _ => MAX_PAGE,
    };
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let mut rest = items
        .into_iter()
        .filter(|(name, _)| after.as_deref().is_none_or(|a| name.as_str() > a));
    let page: Vec<(String, Value)> = rest.by_ref().take(limit).collect();
    let mut body =
        serde_json::json!({ key: page.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>() });
    if rest.next().is_some() {
        if let Some((last, _)) = page.last() {
            body["nextToken"] = serde_json::json!(encode_token(last));
        }
    }
    Ok(body)
}

/// Tags of a create request (`tags` map).
pub(super) fn tags_of(input: &Value) -> Vec<(String, String)> {
    input
        .get("tags")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// Deletes every namespace, dataset and flow of instance `id` (DeleteInstance).
pub(super) fn remove_all_of(ctx: &mut Ctx<'_>, id: &str) {
    let (at, now) = (ctx.at, ctx.now);
    let mut namespaces: Vec<String> = ctx
        .store
        .dependents(at, id, T::SupplyChainDataLakeNamespace, now)
        .into_iter()
        .map(|n| n.id)
        .collect();
    for ns in &namespaces {
        ctx.store
            .remove_now(at, T::SupplyChainDataLakeNamespace, ns);
    }
    namespaces.extend(BUILT_IN_NAMESPACES.iter().map(|b| format!("{id}/{b}")));
    for ns in &namespaces {
        remove_datasets_of(ctx, ns);
    }
    for flow in ctx
        .store
        .dependents(at, id, T::SupplyChainDataIntegrationFlow, now)
    {
        ctx.store
            .remove_now(at, T::SupplyChainDataIntegrationFlow, &flow.id);
    }
}

/// Deletes every dataset of the namespace with id `INSTANCE/NAMESPACE`.
pub(super) fn remove_datasets_of(ctx: &mut Ctx<'_>, namespace_id: &str) {
    let (at, now) = (ctx.at, ctx.now);
    for d in ctx
        .store
        .dependents(at, namespace_id, T::SupplyChainDataLakeDataset, now)
    {
        ctx.store
            .remove_now(at, T::SupplyChainDataLakeDataset, &d.id);
    }
}
