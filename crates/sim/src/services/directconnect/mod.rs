//! AWS Direct Connect: connections, private virtual interfaces and their
//! tags here; LAGs ([`lags`]) and gateways with their associations
//! ([`gateways`]) in their own modules. Every client-side error is a
//! `DirectConnectClientException`, as in the real service.

mod gateways;
mod lags;

use serde_json::{json, Map, Value};

use super::{
    decode_token, encode_token, get_i64, get_str, tags_from_list, tags_to_list, Ctx, OpResult,
    Output,
};
use crate::protocol::{ApiError, ServiceKind};
use crate::state_file::ResourceType as T;
use crate::store::{Resource, Store};

const SVC: ServiceKind = ServiceKind::DirectConnect;

/// DX returns at most 100 items per page when `maxResults` is set.
const MAX_PAGE: usize = 100;

/// One page of `t` (all, or the dependents of `parent`) per `maxResults`
/// and `nextToken`, and the key to continue after.
pub(super) fn page_of(
    input: &Value,
    ctx: &mut Ctx<'_>,
    t: T,
    parent: Option<&str>,
) -> Result<(Vec<Resource>, Option<String>), ApiError> {
    let after = decode_token(SVC, get_str(input, "nextToken"))?;
    let (at, n, now) = (ctx.at, limit(input), ctx.now);
    Ok(match parent {
        Some(p) => ctx
            .store
            .page_dependents(at, p, t, after.as_deref(), n, now),
        None => ctx.store.page(at, t, after.as_deref(), n, now, |_| true),
    })
}

/// `body` with the `nextToken` to continue after `next`, if any.
pub(super) fn with_token(mut body: Value, next: Option<String>) -> Value {
    if let Some(n) = next {
        body["nextToken"] = json!(encode_token(&n));
    }
    body
}

pub(crate) fn handle(op: &str, input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    match op {
        "CreateConnection" => create_connection(input, ctx),
        "DescribeConnections" => describe_connections(input, ctx),
        "DeleteConnection" => delete_connection(input, ctx),
        "CreatePrivateVirtualInterface" => create_vif(input, ctx),
        "DescribeVirtualInterfaces" => describe_vifs(input, ctx),
        "DeleteVirtualInterface" => delete_vif(input, ctx),
        "DescribeTags" => describe_tags(input, ctx),
        "CreateLag" => lags::create(input, ctx),
        "DescribeLags" => lags::describe(input, ctx),
        "DeleteLag" => lags::delete(input, ctx),
        "CreateDirectConnectGateway" => gateways::create(input, ctx),
        "DescribeDirectConnectGateways" => gateways::describe(input, ctx),
        "DeleteDirectConnectGateway" => gateways::delete(input, ctx),
        "CreateDirectConnectGatewayAssociation" => gateways::associate(input, ctx),
        "DescribeDirectConnectGatewayAssociations" => gateways::describe_associations(input, ctx),
        "DeleteDirectConnectGatewayAssociation" => gateways::disassociate(input, ctx),
        _ => Err(ApiError::unknown_operation(SVC, op)),
    }
}

pub(super) fn client_error(message: impl Into<String>) -> ApiError {
    ApiError::not_found(SVC, message)
}

pub(super) fn limit(input: &Value) -> usize {
    get_i64(input, "maxResults").map_or(usize::MAX, |n| (n.max(1) as usize).min(MAX_PAGE))
}

pub(super) fn device(r: &Resource) -> (String, String) {
    let loc = r.attr_str("location").unwrap_or("EqDC2");
    (
        format!("{loc}-{}", &r.id[r.id.len().saturating_sub(4)..]),
        format!("{loc}-logical-1"),
    )
}

pub(super) fn connection_json(r: &Resource, account: &str) -> Value {
    let (dev, logical) = device(r);
    let mut c = json!({
        "ownerAccount": account,
        "connectionId": r.id,
        "connectionName": r.name,
        "connectionState": r.status,
        "region": r.region,
        "location": r.attr_str("location").unwrap_or("EqDC2"),
        "bandwidth": r.attr_str("bandwidth").unwrap_or("1Gbps"),
        "awsDevice": dev,
        "awsDeviceV2": dev,
        "awsLogicalDeviceId": logical,
        "jumboFrameCapable": false,
        "hasLogicalRedundancy": "unknown",
        "macSecCapable": false,
        "encryptionMode": "no_encrypt",
        "tags": tags_to_list(&r.tags, "key", "value"),
    });
    if let Some(lag) = &r.relation {
        c["lagId"] = json!(lag);
    }
    if let Some(v) = r.attr_str("providerName") {
        c["providerName"] = json!(v);
    }
    c
}

fn vif_json(r: &Resource, account: &str) -> Value {
    let (dev, logical) = device(r);
    let a = |k: &str| r.attr(k).cloned();
    let asn = a("asn").unwrap_or(json!(65000));
    let family = a("addressFamily").unwrap_or(json!("ipv4"));
    let amazon = a("amazonAddress").unwrap_or(json!("169.254.100.1/30"));
    let customer = a("customerAddress").unwrap_or(json!("169.254.100.2/30"));
    let auth = a("authKey").unwrap_or(json!("0xsimulatedauthkey"));
    let peer_state = match r.status.as_str() {
        "available" => "available",
        "deleting" => "deleting",
        "deleted" | "rejected" => "deleted",
        _ => "pending",
    };
    let mut v = json!({
        "ownerAccount": account,
        "virtualInterfaceId": r.id,
        "location": a("location").unwrap_or(json!("EqDC2")),
        "connectionId": r.relation.clone().unwrap_or_default(),
        "virtualInterfaceType": "private",
        "virtualInterfaceName": r.name,
        "vlan": a("vlan").unwrap_or(json!(100)),
        "asn": asn,
        "asnLong": a("asnLong").unwrap_or_else(|| asn.clone()),
        "amazonSideAsn": 64512,
        "authKey": auth,
        "amazonAddress": amazon,
        "customerAddress": customer,
        "addressFamily": family,
        "virtualInterfaceState": r.status,
        "mtu": a("mtu").unwrap_or(json!(1500)),
        "jumboFrameCapable": false,
        "virtualGatewayId": a("virtualGatewayId").unwrap_or(json!("")),
        "directConnectGatewayId": a("directConnectGatewayId").unwrap_or(json!("")),
        "routeFilterPrefixes": [],
        "bgpPeers": [{
            "bgpPeerId": format!("dxpeer-{}", &r.id[r.id.len().saturating_sub(8)..]),
            "asn": asn,
            "asnLong": a("asnLong").unwrap_or_else(|| asn.clone()),
            "authKey": auth,
            "addressFamily": family,
            "amazonAddress": amazon,
            "customerAddress": customer,
            "bgpPeerState": peer_state,
            "bgpStatus": if peer_state == "available" { "up" } else { "down" },
            "awsDeviceV2": dev,
            "awsLogicalDeviceId": logical,
        }],
        "region": r.region,
        "awsDeviceV2": dev,
        "awsLogicalDeviceId": logical,
        "tags": tags_to_list(&r.tags, "key", "value"),
        "siteLinkEnabled": a("enableSiteLink").unwrap_or(json!(false)),
    });
    if let Some(x) = r.attr("prefixPoolAllocatedCountIpv4") {
        v["prefixPoolAllocatedCountIpv4"] = x.clone();
    }
    v
}

pub(super) fn new_resource(ctx: &Ctx<'_>, t: T, id: String, arn: String, name: &str) -> Resource {
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

fn create_connection(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let lag = match get_str(input, "lagId") {
        Some(lag) => Some(lags::live(ctx, lag)?.id),
        None => None,
    };
    let name = get_str(input, "connectionName").unwrap_or_default();
    let mut r = new_connection(ctx, name, lag);
    r.tags = tags_from_list(input.get("tags"), "key", "value");
    for k in ["location", "bandwidth", "providerName"] {
        if let Some(v) = get_str(input, k) {
            r.attrs.insert(k.into(), json!(v));
        }
    }
    let id = r.id.clone();
    let body = connection_json(&r, ctx.at.account);
    ctx.store.insert(r);
    Ok(Output::created(body, &id))
}

/// A new connection in `requested`, a member of `lag` if given (not yet stored).
pub(super) fn new_connection(ctx: &mut Ctx<'_>, name: &str, lag: Option<String>) -> Resource {
    let id = ctx.store.dx_id(ctx.at, T::DxConnection, "dxcon");
    let arn = Store::dx_arn(ctx.at, &id);
    let mut r = new_resource(ctx, T::DxConnection, id, arn, name);
    r.relation = lag;
    Store::enter(&ctx.store.timing, &mut r, "requested", ctx.now);
    r
}

fn describe_connections(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let account = ctx.at.account.to_owned();
    if let Some(id) = get_str(input, "connectionId") {
        let r = ctx
            .store
            .get(ctx.at, T::DxConnection, id, ctx.now)
            .map(|r| r.clone())
            .ok_or_else(|| client_error(format!("Could not find Connection with ID {id}")))?;
        return Ok(Output::new(
            json!({ "connections": [connection_json(&r, &account)] }),
        ));
    }
    let after = decode_token(SVC, get_str(input, "nextToken"))?;
    let (page, next) = ctx.store.page(
        ctx.at,
        T::DxConnection,
        after.as_deref(),
        limit(input),
        ctx.now,
        |_| true,
    );
    let items: Vec<Value> = page.iter().map(|r| connection_json(r, &account)).collect();
    let mut body = json!({ "connections": items });
    if let Some(n) = next {
        body["nextToken"] = json!(encode_token(&n));
    }
    Ok(Output::new(body))
}

fn delete_connection(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let id = get_str(input, "connectionId").unwrap_or_default();
    let now = ctx.now;
    let status = ctx
        .store
        .get(ctx.at, T::DxConnection, id, now)
        .map(|r| r.status.clone())
        .ok_or_else(|| client_error(format!("Could not find Connection with ID {id}")))?;
    if matches!(status.as_str(), "deleting" | "deleted" | "rejected") {
        return Err(client_error(format!(
            "Connection {id} is in state {status} and cannot be deleted"
        )));
    }
    let live_vifs: Vec<String> = ctx
        .store
        .dependents(ctx.at, id, T::DxVirtualInterface, now)
        .into_iter()
        .filter(|v| !v.is_terminal())
        .map(|v| v.id)
        .collect();
    if !live_vifs.is_empty() {
        return Err(client_error(format!(
            "Connection {id} has virtual interfaces attached ({}); delete them before deleting the connection",
            live_vifs.join(", ")
        )));
    }
    lags::check_member_removal(ctx, id)?;
    let timing = ctx.store.timing.clone();
    let r = match ctx.store.get(ctx.at, T::DxConnection, id, now) {
        Some(r) => {
            Store::enter(&timing, r, "deleting", now);
            r.clone()
        }
        None => {
            return Err(client_error(format!(
                "Could not find Connection with ID {id}"
            )))
        }
    };
    Ok(Output::new(connection_json(&r, ctx.at.account)))
}

fn create_vif(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let conn_id = get_str(input, "connectionId")
        .unwrap_or_default()
        .to_owned();
    let spec = input
        .get("newPrivateVirtualInterface")
        .cloned()
        .unwrap_or(json!({}));
    let now = ctx.now;
    let carrier = if conn_id.starts_with("dxlag-") {
        T::DxLag
    } else {
        T::DxConnection
    };
    let conn = ctx
        .store
        .get(ctx.at, carrier, &conn_id, now)
        .map(|r| r.clone())
        .ok_or_else(|| client_error(format!("Could not find Connection with ID {conn_id}")))?;
    if matches!(
        conn.status.as_str(),
        "deleting" | "deleted" | "rejected" | "down"
    ) {
        return Err(client_error(format!(
            "Connection {conn_id} is in state {} and cannot take new virtual interfaces",
            conn.status
        )));
    }
    let gateway = match get_str(&spec, "directConnectGatewayId") {
        Some(gw) => Some(gateways::live(ctx, gw)?.id),
        None => None,
    };
    let vlan = get_i64(&spec, "vlan").unwrap_or(0);
    let clash = ctx
        .store
        .dependents(ctx.at, &conn_id, T::DxVirtualInterface, now)
        .iter()
        .any(|v| !v.is_terminal() && v.attr("vlan").and_then(Value::as_i64) == Some(vlan));
    if clash {
        return Err(client_error(format!(
            "VLAN {vlan} is already in use on connection {conn_id}"
        )));
    }
    let id = ctx.store.dx_id(ctx.at, T::DxVirtualInterface, "dxvif");
    let arn = Store::dx_arn(ctx.at, &id);
    let name = get_str(&spec, "virtualInterfaceName").unwrap_or_default();
    let mut r = new_resource(ctx, T::DxVirtualInterface, id.clone(), arn, name);
    r.relation = Some(conn_id);
    r.link = gateway;
    r.tags = tags_from_list(spec.get("tags"), "key", "value");
    if let Some(loc) = conn.attr_str("location") {
        r.attrs.insert("location".into(), json!(loc));
    }
    if let Value::Object(m) = &spec {
        for (k, v) in m {
            if k != "tags" && k != "virtualInterfaceName" {
                r.attrs.insert(k.clone(), v.clone());
            }
        }
    }
    Store::enter(&ctx.store.timing, &mut r, "pending", now);
    let body = vif_json(&r, ctx.at.account);
    ctx.store.insert(r);
    Ok(Output::created(body, &id))
}

fn describe_vifs(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let account = ctx.at.account.to_owned();
    let conn = get_str(input, "connectionId");
    if let Some(id) = get_str(input, "virtualInterfaceId") {
        let r = ctx
            .store
            .get(ctx.at, T::DxVirtualInterface, id, ctx.now)
            .map(|r| r.clone())
            .filter(|r| conn.is_none_or(|c| r.relation.as_deref() == Some(c)))
            .ok_or_else(|| client_error(format!("Virtual interface {id} does not exist")))?;
        return Ok(Output::new(
            json!({ "virtualInterfaces": [vif_json(&r, &account)] }),
        ));
    }
    let after = decode_token(SVC, get_str(input, "nextToken"))?;
    let (page, next) = match conn {
        Some(c) => ctx.store.page_dependents(
            ctx.at,
            c,
            T::DxVirtualInterface,
            after.as_deref(),
            limit(input),
            ctx.now,
        ),
        None => ctx.store.page(
            ctx.at,
            T::DxVirtualInterface,
            after.as_deref(),
            limit(input),
            ctx.now,
            |_| true,
        ),
    };
    let items: Vec<Value> = page.iter().map(|r| vif_json(r, &account)).collect();
    let mut body = json!({ "virtualInterfaces": items });
    if let Some(n) = next {
        body["nextToken"] = json!(encode_token(&n));
    }
    Ok(Output::new(body))
}

fn delete_vif(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let id = get_str(input, "virtualInterfaceId").unwrap_or_default();
    let now = ctx.now;
    let timing = ctx.store.timing.clone();
    let r = ctx
        .store
        .get(ctx.at, T::DxVirtualInterface, id, now)
        .ok_or_else(|| client_error(format!("Virtual interface {id} does not exist")))?;
    if matches!(
        r.status.as_str(),
        "pending" | "confirming" | "verifying" | "deleting" | "deleted" | "rejected"
    ) {
        return Err(client_error(format!(
            "Virtual interface {id} is in state {} and cannot be deleted",
            r.status
        )));
    }
    Store::enter(&timing, r, "deleting", now);
    Ok(Output::new(json!({ "virtualInterfaceState": r.status })))
}

fn describe_tags(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let arns: Vec<String> = input
        .get("resourceArns")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for arn in arns {
        let id = arn.rsplit('/').next().unwrap_or_default();
        let t = match id.split('-').next() {
            Some("dxvif") => T::DxVirtualInterface,
            Some("dxlag") => T::DxLag,
            Some("dxcon") => T::DxConnection,
            _ => T::DxGateway,
        };
        let r = ctx
            .store
            .get(ctx.at, t, id, ctx.now)
            .filter(|r| r.arn == arn)
            .map(|r| r.clone())
            .ok_or_else(|| client_error(format!("Resource {arn} does not exist")))?;
        out.push(json!({ "resourceArn": arn, "tags": tags_to_list(&r.tags, "key", "value") }));
    }
    Ok(Output::new(json!({ "resourceTags": out })))
}
