//! Link aggregation groups: a LAG bundles connections (its members, whose
//! relation is the LAG id) and can carry virtual interfaces itself.
//!
//! Refusals: DeleteLag while the LAG has virtual interfaces that are not
//! deleted; DeleteConnection on a member of a live LAG when that would leave
//! fewer live members than the LAG's minimum links (at least one: a live
//! LAG keeps a link). DeleteLag leaves its members standalone.

use serde_json::{json, Value};

use super::{
    client_error, connection_json, device, new_connection, new_resource, page_of, with_token, Ctx,
    OpResult, Output,
};
use crate::protocol::ApiError;
use crate::services::{get_i64, get_str, tags_from_list, tags_to_list};
use crate::state_file::ResourceType as T;
use crate::store::{Resource, Store};

/// AWS allows at most four new connections in one CreateLag.
const MAX_NEW_CONNECTIONS: i64 = 4;

fn lag_json(r: &Resource, members: &[Resource], account: &str) -> Value {
    let (dev, logical) = device(r);
    let mut v = json!({
        "ownerAccount": account,
        "lagId": r.id,
        "lagName": r.name,
        "lagState": r.status,
        "region": r.region,
        "location": r.attr_str("location").unwrap_or("EqDC2"),
        "connectionsBandwidth": r.attr_str("connectionsBandwidth").unwrap_or("1Gbps"),
        "numberOfConnections": members.len(),
        "minimumLinks": min_links(r),
        "awsDevice": dev,
        "awsDeviceV2": dev,
        "awsLogicalDeviceId": logical,
        "connections": members.iter().map(|m| connection_json(m, account)).collect::<Vec<_>>(),
        "allowsHostedConnections": false,
        "jumboFrameCapable": false,
        "hasLogicalRedundancy": "unknown",
        "macSecCapable": false,
        "encryptionMode": "no_encrypt",
        "tags": tags_to_list(&r.tags, "key", "value"),
    });
    if let Some(p) = r.attr_str("providerName") {
        v["providerName"] = json!(p);
    }
    v
}

fn min_links(r: &Resource) -> i64 {
    r.attr("minimumLinks").and_then(Value::as_i64).unwrap_or(0)
}

fn members(ctx: &mut Ctx<'_>, lag: &str) -> Vec<Resource> {
    ctx.store.dependents(ctx.at, lag, T::DxConnection, ctx.now)
}

fn render(ctx: &mut Ctx<'_>, r: &Resource) -> Value {
    let m = members(ctx, &r.id);
    lag_json(r, &m, ctx.at.account)
}

fn find(ctx: &mut Ctx<'_>, id: &str) -> Result<Resource, ApiError> {
    ctx.store
        .get(ctx.at, T::DxLag, id, ctx.now)
        .map(|r| r.clone())
        .ok_or_else(|| client_error(format!("Could not find Lag with ID {id}")))
}

/// The LAG `id` if it exists and is not deleting or deleted (it can take
/// new members and virtual interfaces).
pub(super) fn live(ctx: &mut Ctx<'_>, id: &str) -> Result<Resource, ApiError> {
    let r = find(ctx, id)?;
    if matches!(r.status.as_str(), "deleting" | "deleted") {
        return Err(client_error(format!("Lag {id} is in state {}", r.status)));
    }
    Ok(r)
}

pub(super) fn create(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let count = get_i64(input, "numberOfConnections").unwrap_or(0);
    let existing = get_str(input, "connectionId").map(str::to_owned);
    let new = count - i64::from(existing.is_some());
    if !(0..=MAX_NEW_CONNECTIONS).contains(&new) || count < 1 {
        return Err(client_error(format!(
            "numberOfConnections must be between 1 and {MAX_NEW_CONNECTIONS} (got {count})"
        )));
    }
    if let Some(c) = &existing {
        let conn = ctx
            .store
            .get(ctx.at, T::DxConnection, c, ctx.now)
            .map(|r| r.clone())
            .ok_or_else(|| client_error(format!("Could not find Connection with ID {c}")))?;
        if conn.relation.is_some() || conn.is_terminal() || conn.status == "deleting" {
            return Err(client_error(format!(
                "Connection {c} cannot join a new LAG (state {}, LAG {})",
                conn.status,
                conn.relation.as_deref().unwrap_or("none")
            )));
        }
    }
    let id = ctx.store.dx_id(ctx.at, T::DxLag, "dxlag");
    let arn = Store::dx_arn(ctx.at, &id);
    let name = get_str(input, "lagName").unwrap_or_default();
    let mut lag = new_resource(ctx, T::DxLag, id.clone(), arn, name);
    lag.tags = tags_from_list(input.get("tags"), "key", "value");
    for (k, from) in [
        ("location", "location"),
        ("connectionsBandwidth", "connectionsBandwidth"),
        ("providerName", "providerName"),
    ] {
        if let Some(v) = get_str(input, from) {
            lag.attrs.insert(k.into(), json!(v));
        }
    }
    Store::enter(&ctx.store.timing, &mut lag, "requested", ctx.now);
    let child_tags = tags_from_list(input.get("childConnectionTags"), "key", "value");
    for _ in 0..new {
        let mut c = new_connection(ctx, name, Some(id.clone()));
        c.tags = child_tags.clone();
        for k in ["location", "providerName"] {
            if let Some(v) = lag.attr_str(k) {
                c.attrs.insert(k.into(), json!(v));
            }
        }
        if let Some(b) = lag.attr_str("connectionsBandwidth") {
            c.attrs.insert("bandwidth".into(), json!(b));
        }
        ctx.store.insert(c);
    }
    if let Some(c) = existing {
        // Re-inserting with a relation indexes it under the LAG.
        if let Some(mut conn) = ctx
            .store
            .get(ctx.at, T::DxConnection, &c, ctx.now)
            .map(|r| r.clone())
        {
            conn.relation = Some(id.clone());
            ctx.store.insert(conn);
        }
    }
    ctx.store.insert(lag.clone());
    let body = render(ctx, &lag);
    Ok(Output::created(body, &id))
}

pub(super) fn describe(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    if let Some(id) = get_str(input, "lagId") {
        let r = find(ctx, id)?;
        return Ok(Output::new(json!({ "lags": [render(ctx, &r)] })));
    }
    let (page, next) = page_of(input, ctx, T::DxLag, None)?;
    let lags: Vec<Value> = page.iter().map(|r| render(ctx, r)).collect();
    Ok(Output::new(with_token(json!({ "lags": lags }), next)))
}

pub(super) fn delete(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let id = get_str(input, "lagId").unwrap_or_default();
    let r = live(ctx, id)?;
    let live_vifs: Vec<String> = ctx
        .store
        .dependents(ctx.at, id, T::DxVirtualInterface, ctx.now)
        .into_iter()
        .filter(|v| !v.is_terminal())
        .map(|v| v.id)
        .collect();
    if !live_vifs.is_empty() {
        return Err(client_error(format!(
            "Lag {id} has virtual interfaces attached ({}); delete them before deleting the LAG",
            live_vifs.join(", ")
        )));
    }
    let m = members(ctx, id);
    for c in &m {
        ctx.store.detach(ctx.at, T::DxConnection, &c.id);
    }
    let timing = ctx.store.timing.clone();
    let now = ctx.now;
    let r = match ctx.store.get(ctx.at, T::DxLag, &r.id, now) {
        Some(lag) => {
            Store::enter(&timing, lag, "deleting", now);
            lag.clone()
        }
        None => return Err(client_error(format!("Could not find Lag with ID {id}"))),
    };
    Ok(Output::new(lag_json(&r, &m, ctx.at.account)))
}

/// Refuses to delete connection `id` when it is a member of a live LAG
/// that would be left with fewer live members than its minimum links (at
/// least one).
pub(super) fn check_member_removal(ctx: &mut Ctx<'_>, id: &str) -> Result<(), ApiError> {
    let lag_id = ctx
        .store
        .get(ctx.at, T::DxConnection, id, ctx.now)
        .and_then(|c| c.relation.clone());
    let Some(lag) = lag_id.and_then(|l| live(ctx, &l).ok()) else {
        return Ok(());
    };
    let others = members(ctx, &lag.id)
        .iter()
        .filter(|c| c.id != id && !c.is_terminal() && c.status != "deleting")
        .count();
    let floor = min_links(&lag).max(1);
    if (others as i64) < floor {
        return Err(client_error(format!(
            "Connection {id} is a member of LAG {} and deleting it would leave the LAG below its minimum links ({floor}); delete the LAG first",
            lag.id
        )));
    }
    Ok(())
}
