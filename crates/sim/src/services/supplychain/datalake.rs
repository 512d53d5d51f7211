//! Data lake namespaces and datasets. Every instance has the built-in
//! namespaces `asc` and `default` (never stored: they exist with the
//! instance, can hold datasets and cannot be created or deleted); a
//! namespace's id is `INSTANCE/NAME`, a dataset's `INSTANCE/NAMESPACE/NAME`.
//! DeleteDataLakeNamespace takes the namespace's datasets with it.

use serde_json::{json, Value};

use super::children::{
    active_instance, get_child, is_built_in, page_by_name, readable_instance, remove_datasets_of,
    tags_of,
};
use super::{new_child, Ctx, OpResult, Output, SVC};
use crate::clock::epoch_seconds;
use crate::protocol::ApiError;
use crate::services::get_str;
use crate::state_file::ResourceType as T;
use crate::store::{Resource, Store};

fn namespace_json(r: &Resource, instance: &str) -> Value {
    let mut v = json!({
        "instanceId": instance,
        "name": r.name,
        "arn": r.arn,
        "createdTime": epoch_seconds(r.created_ms),
        "lastModifiedTime": epoch_seconds(r.updated_ms),
    });
    if let Some(d) = r.attr_str("description") {
        v["description"] = json!(d);
    }
    v
}

/// A built-in namespace of `instance`, as it is described.
fn built_in_json(ctx: &Ctx<'_>, instance: &Resource, name: &str) -> Value {
    json!({
        "instanceId": instance.id,
        "name": name,
        "arn": Store::scn_child_arn(ctx.at, T::SupplyChainDataLakeNamespace, &format!("{}/{name}", instance.id)),
        "description": format!("The built-in {name} namespace"),
        "createdTime": epoch_seconds(instance.created_ms),
        "lastModifiedTime": epoch_seconds(instance.created_ms),
    })
}

fn dataset_json(r: &Resource) -> Value {
    let mut parts = r.id.splitn(3, '/');
    let instance = parts.next().unwrap_or_default();
    let namespace = parts.next().unwrap_or_default();
    let mut v = json!({
        "instanceId": instance,
        "namespace": namespace,
        "name": r.name,
        "arn": r.arn,
        "schema": r.attr("schema").cloned().unwrap_or_else(|| json!({
            "name": "Default",
            "fields": [{"name": "id", "type": "STRING", "isRequired": true}],
        })),
        "createdTime": epoch_seconds(r.created_ms),
        "lastModifiedTime": epoch_seconds(r.updated_ms),
    });
    for k in ["description", "partitionSpec"] {
        if let Some(x) = r.attr(k) {
            v[k] = x.clone();
        }
    }
    v
}

/// The path labels `keys` of a request (the model requires them).
fn labels<'a, const N: usize>(input: &'a Value, keys: [&str; N]) -> [&'a str; N] {
    keys.map(|k| get_str(input, k).unwrap_or_default())
}

pub(super) fn create_namespace(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let [instance, name] = labels(input, ["instanceId", "name"]);
    active_instance(ctx, instance)?;
    let id = format!("{instance}/{name}");
    if is_built_in(name)
        || ctx
            .store
            .get(ctx.at, T::SupplyChainDataLakeNamespace, &id, ctx.now)
            .is_some()
    {
        return Err(ApiError::invalid_state(
            SVC,
            format!("Namespace {name} already exists in instance {instance}"),
        ));
    }
    let mut r = new_child(ctx, T::SupplyChainDataLakeNamespace, &id, name, instance);
    r.tags = tags_of(input);
    if let Some(d) = get_str(input, "description") {
        r.attrs.insert("description".into(), json!(d));
    }
    let body = json!({ "namespace": namespace_json(&r, instance) });
    ctx.store.insert(r);
    Ok(Output::created(body, &id))
}

pub(super) fn get_namespace(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let [instance, name] = labels(input, ["instanceId", "name"]);
    let inst = readable_instance(ctx, instance)?;
    if is_built_in(name) {
        return Ok(Output::new(
            json!({ "namespace": built_in_json(ctx, &inst, name) }),
        ));
    }
    let id = format!("{instance}/{name}");
    let r = get_child(ctx, T::SupplyChainDataLakeNamespace, &id, "Namespace")?;
    Ok(Output::new(
        json!({ "namespace": namespace_json(&r, instance) }),
    ))
}

/// The custom namespaces only: "this API only return custom namespaces,
/// instance pre-defined namespaces are not included" (the model's
/// documentation of ListDataLakeNamespaces).
pub(super) fn list_namespaces(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let instance = get_str(input, "instanceId").unwrap_or_default();
    readable_instance(ctx, instance)?;
    let mut items: Vec<(String, Value)> = Vec::new();
    for r in ctx
        .store
        .dependents(ctx.at, instance, T::SupplyChainDataLakeNamespace, ctx.now)
    {
        items.push((r.name.clone(), namespace_json(&r, instance)));
    }
    Ok(Output::new(page_by_name(input, items, "namespaces")?))
}

pub(super) fn delete_namespace(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let [instance, name] = labels(input, ["instanceId", "name"]);
    readable_instance(ctx, instance)?;
    if is_built_in(name) {
        return Err(ApiError::validation(
            SVC,
            format!(
                "Namespace {name} is built in and cannot be deleted; it goes with its instance"
            ),
        ));
    }
    let id = format!("{instance}/{name}");
    get_child(ctx, T::SupplyChainDataLakeNamespace, &id, "Namespace")?;
    remove_datasets_of(ctx, &id);
    ctx.store
        .remove_now(ctx.at, T::SupplyChainDataLakeNamespace, &id);
    Ok(Output::new(json!({ "instanceId": instance, "name": name })))
}

/// The namespace a dataset request names exists (built in or created).
fn namespace_exists(ctx: &mut Ctx<'_>, instance: &str, namespace: &str) -> Result<(), ApiError> {
    if is_built_in(namespace) {
        return Ok(());
    }
    let id = format!("{instance}/{namespace}");
    get_child(ctx, T::SupplyChainDataLakeNamespace, &id, "Namespace").map(|_| ())
}

pub(super) fn create_dataset(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let [instance, namespace, name] = labels(input, ["instanceId", "namespace", "name"]);
    active_instance(ctx, instance)?;
    namespace_exists(ctx, instance, namespace)?;
    let id = format!("{instance}/{namespace}/{name}");
    if ctx
        .store
        .get(ctx.at, T::SupplyChainDataLakeDataset, &id, ctx.now)
        .is_some()
    {
        return Err(ApiError::invalid_state(
            SVC,
            format!("Dataset {name} already exists in namespace {namespace}"),
        ));
    }
    let parent = format!("{instance}/{namespace}");
    let mut r = new_child(ctx, T::SupplyChainDataLakeDataset, &id, name, &parent);
    r.tags = tags_of(input);
    for k in ["description", "schema", "partitionSpec"] {
        if let Some(v) = input.get(k) {
            r.attrs.insert(k.into(), v.clone());
        }
    }
    let body = json!({ "dataset": dataset_json(&r) });
    ctx.store.insert(r);
    Ok(Output::created(body, &id))
}

pub(super) fn get_dataset(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let [instance, namespace, name] = labels(input, ["instanceId", "namespace", "name"]);
    readable_instance(ctx, instance)?;
    let id = format!("{instance}/{namespace}/{name}");
    let r = get_child(ctx, T::SupplyChainDataLakeDataset, &id, "Dataset")?;
    Ok(Output::new(json!({ "dataset": dataset_json(&r) })))
}

pub(super) fn list_datasets(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let [instance, namespace] = labels(input, ["instanceId", "namespace"]);
    readable_instance(ctx, instance)?;
    namespace_exists(ctx, instance, namespace)?;
    let parent = format!("{instance}/{namespace}");
    let items: Vec<(String, Value)> = ctx
        .store
        .dependents(ctx.at, &parent, T::SupplyChainDataLakeDataset, ctx.now)
        .iter()
        .map(|r| (r.name.clone(), dataset_json(r)))
        .collect();
    Ok(Output::new(page_by_name(input, items, "datasets")?))
}

pub(super) fn delete_dataset(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let [instance, namespace, name] = labels(input, ["instanceId", "namespace", "name"]);
    readable_instance(ctx, instance)?;
    let id = format!("{instance}/{namespace}/{name}");
    get_child(ctx, T::SupplyChainDataLakeDataset, &id, "Dataset")?;
    ctx.store
        .remove_now(ctx.at, T::SupplyChainDataLakeDataset, &id);
    Ok(Output::new(
        json!({ "instanceId": instance, "namespace": namespace, "name": name }),
    ))
}
