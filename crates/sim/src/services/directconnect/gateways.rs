//! Direct Connect gateways and their associations with virtual private or
//! transit gateways. Ids are UUIDs. A VIF attaches to a gateway through its
//! `directConnectGatewayId` (the store's second relation); an association's
//! relation is its gateway.
//!
//! Refusals: DeleteDirectConnectGateway while a VIF that is not deleted is
//! attached, or an association is not `disassociated`;
//! DeleteDirectConnectGatewayAssociation unless `associated`;
//! DescribeDirectConnectGatewayAssociations without a gateway, an
//! association or an associated gateway to look for (as AWS requires).

use serde_json::{json, Value};

use super::{client_error, new_resource, page_of, with_token, Ctx, OpResult, Output};
use crate::protocol::ApiError;
use crate::services::{get_str, tags_from_list, tags_to_list};
use crate::state_file::ResourceType as T;
use crate::store::{Resource, Store};

const DEFAULT_AMAZON_ASN: i64 = 64512;

fn gateway_json(r: &Resource, account: &str) -> Value {
    json!({
        "directConnectGatewayId": r.id,
        "directConnectGatewayName": r.name,
        "amazonSideAsn": r.attr("amazonSideAsn").cloned().unwrap_or(json!(DEFAULT_AMAZON_ASN)),
        "ownerAccount": account,
        "directConnectGatewayState": r.status,
        "tags": tags_to_list(&r.tags, "key", "value"),
    })
}

fn association_json(r: &Resource, account: &str) -> Value {
    // A seeded association names no gateway: give it a stable one.
    let seeded = format!("vgw-{}", r.id.get(..8).unwrap_or_default());
    let associated = r.attr_str("associatedGatewayId").unwrap_or(&seeded);
    let kind = if associated.starts_with("tgw-") {
        "transitGateway"
    } else {
        "virtualPrivateGateway"
    };
    let mut v = json!({
        "directConnectGatewayId": r.relation.clone().unwrap_or_default(),
        "directConnectGatewayOwnerAccount": account,
        "associationState": r.status,
        "associationId": r.id,
        "associatedGateway": {
            "id": associated,
            "type": kind,
            "ownerAccount": account,
            "region": r.region,
        },
        "allowedPrefixesToDirectConnectGateway":
            r.attr("allowedPrefixes").cloned().unwrap_or(json!([])),
    });
    if kind == "virtualPrivateGateway" {
        v["virtualGatewayId"] = json!(associated);
        v["virtualGatewayRegion"] = json!(r.region);
        v["virtualGatewayOwnerAccount"] = json!(account);
    }
    v
}

fn find(ctx: &mut Ctx<'_>, t: T, id: &str) -> Result<Resource, ApiError> {
    let what = if t == T::DxGateway {
        "Direct Connect gateway"
    } else {
        "Direct Connect gateway association"
    };
    ctx.store
        .get(ctx.at, t, id, ctx.now)
        .map(|r| r.clone())
        .ok_or_else(|| client_error(format!("{what} {id} does not exist")))
}

/// The gateway `id` if it exists and is not deleting or deleted.
pub(super) fn live(ctx: &mut Ctx<'_>, id: &str) -> Result<Resource, ApiError> {
    let r = find(ctx, T::DxGateway, id)?;
    if matches!(r.status.as_str(), "deleting" | "deleted") {
        return Err(client_error(format!(
            "Direct Connect gateway {id} is in state {}",
            r.status
        )));
    }
    Ok(r)
}

pub(super) fn create(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let id = ctx.store.rng.uuid();
    let arn = Store::uuid_arn(ctx.at, T::DxGateway, &id);
    let name = get_str(input, "directConnectGatewayName").unwrap_or_default();
    let mut r = new_resource(ctx, T::DxGateway, id.clone(), arn, name);
    r.tags = tags_from_list(input.get("tags"), "key", "value");
    if let Some(asn) = input.get("amazonSideAsn") {
        r.attrs.insert("amazonSideAsn".into(), asn.clone());
    }
    Store::enter(&ctx.store.timing, &mut r, "pending", ctx.now);
    let body = json!({ "directConnectGateway": gateway_json(&r, ctx.at.account) });
    ctx.store.insert(r);
    Ok(Output::created(body, &id))
}

pub(super) fn describe(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let account = ctx.at.account.to_owned();
    if let Some(id) = get_str(input, "directConnectGatewayId") {
        let r = find(ctx, T::DxGateway, id)?;
        return Ok(Output::new(
            json!({ "directConnectGateways": [gateway_json(&r, &account)] }),
        ));
    }
    let (page, next) = page_of(input, ctx, T::DxGateway, None)?;
    let items: Vec<Value> = page.iter().map(|r| gateway_json(r, &account)).collect();
    Ok(Output::new(with_token(
        json!({ "directConnectGateways": items }),
        next,
    )))
}

pub(super) fn delete(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let id = get_str(input, "directConnectGatewayId").unwrap_or_default();
    let r = live(ctx, id)?;
    let (at, now) = (ctx.at, ctx.now);
    let vifs: Vec<String> = ctx
        .store
        .dependents(at, id, T::DxVirtualInterface, now)
        .into_iter()
        .filter(|v| !v.is_terminal())
        .map(|v| v.id)
        .collect();
    if !vifs.is_empty() {
        return Err(client_error(format!(
            "Direct Connect gateway {id} has virtual interfaces attached ({})",
            vifs.join(", ")
        )));
    }
    let associations: Vec<String> = ctx
        .store
        .dependents(at, id, T::DxGatewayAssociation, now)
        .into_iter()
        .filter(|a| !a.is_terminal())
        .map(|a| format!("{} ({})", a.id, a.status))
        .collect();
    if !associations.is_empty() {
        return Err(client_error(format!(
            "Direct Connect gateway {id} has associations that are not disassociated: {}",
            associations.join(", ")
        )));
    }
    let timing = ctx.store.timing.clone();
    let r = match ctx.store.get(at, T::DxGateway, &r.id, now) {
        Some(gw) => {
            Store::enter(&timing, gw, "deleting", now);
            gw.clone()
        }
        None => {
            return Err(client_error(format!(
                "Direct Connect gateway {id} does not exist"
            )))
        }
    };
    Ok(Output::new(
        json!({ "directConnectGateway": gateway_json(&r, ctx.at.account) }),
    ))
}

pub(super) fn associate(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let gw = get_str(input, "directConnectGatewayId").unwrap_or_default();
    let gw = live(ctx, gw)?.id;
    let Some(target) = get_str(input, "gatewayId").or_else(|| get_str(input, "virtualGatewayId"))
    else {
        return Err(client_error(
            "Either gatewayId or virtualGatewayId must be specified",
        ));
    };
    let taken = ctx
        .store
        .dependents(ctx.at, &gw, T::DxGatewayAssociation, ctx.now)
        .iter()
        .any(|a| !a.is_terminal() && a.attr_str("associatedGatewayId") == Some(target));
    if taken {
        return Err(client_error(format!(
            "{target} is already associated with Direct Connect gateway {gw}"
        )));
    }
    let id = ctx.store.rng.uuid();
    let arn = Store::uuid_arn(ctx.at, T::DxGatewayAssociation, &id);
    let mut r = new_resource(ctx, T::DxGatewayAssociation, id.clone(), arn, "");
    r.relation = Some(gw);
    r.attrs
        .insert("associatedGatewayId".into(), json!(target.to_owned()));
    if let Some(p) = input.get("addAllowedPrefixesToDirectConnectGateway") {
        r.attrs.insert("allowedPrefixes".into(), p.clone());
    }
    Store::enter(&ctx.store.timing, &mut r, "associating", ctx.now);
    let body = json!({ "directConnectGatewayAssociation": association_json(&r, ctx.at.account) });
    ctx.store.insert(r);
    Ok(Output::created(body, &id))
}

pub(super) fn describe_associations(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let account = ctx.at.account.to_owned();
    let key = "directConnectGatewayAssociations";
    if let Some(id) = get_str(input, "associationId") {
        let r = find(ctx, T::DxGatewayAssociation, id)?;
        return Ok(Output::new(
            json!({ key: [association_json(&r, &account)] }),
        ));
    }
    let associated = get_str(input, "associatedGatewayId")
        .or_else(|| get_str(input, "virtualGatewayId"))
        .map(str::to_owned);
    let gateway = get_str(input, "directConnectGatewayId");
    if gateway.is_none() && associated.is_none() {
        return Err(client_error(
            "Specify a directConnectGatewayId, an associationId, an associatedGatewayId or a virtualGatewayId",
        ));
    }
    let (page, next) = page_of(input, ctx, T::DxGatewayAssociation, gateway)?;
    let items: Vec<Value> = page
        .iter()
        .filter(|r| {
            associated
                .as_deref()
                .is_none_or(|a| r.attr_str("associatedGatewayId") == Some(a))
        })
        .map(|r| association_json(r, &account))
        .collect();
    Ok(Output::new(with_token(json!({ key: items }), next)))
}

pub(super) fn disassociate(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let id = match get_str(input, "associationId") {
        Some(id) => id.to_owned(),
        None => by_gateway_pair(input, ctx)?,
    };
    let (at, now) = (ctx.at, ctx.now);
    let timing = ctx.store.timing.clone();
    let r = ctx
        .store
        .get(at, T::DxGatewayAssociation, &id, now)
        .ok_or_else(|| {
            client_error(format!(
                "Direct Connect gateway association {id} does not exist"
            ))
        })?;
    if r.status != "associated" {
        return Err(client_error(format!(
            "Direct Connect gateway association {id} is in state {} and cannot be deleted",
            r.status
        )));
    }
    Store::enter(&timing, r, "disassociating", now);
    let body = json!({ "directConnectGatewayAssociation": association_json(r, at.account) });
    Ok(Output::new(body))
}

/// The association named by `directConnectGatewayId` + `virtualGatewayId`.
fn by_gateway_pair(input: &Value, ctx: &mut Ctx<'_>) -> Result<String, ApiError> {
    let (Some(gw), Some(vgw)) = (
        get_str(input, "directConnectGatewayId"),
        get_str(input, "virtualGatewayId"),
    ) else {
        return Err(client_error(
            "Specify an associationId, or a directConnectGatewayId and a virtualGatewayId",
        ));
    };
    ctx.store
        .dependents(ctx.at, gw, T::DxGatewayAssociation, ctx.now)
        .into_iter()
        .find(|a| !a.is_terminal() && a.attr_str("associatedGatewayId") == Some(vgw))
        .map(|a| a.id)
        .ok_or_else(|| {
            client_error(format!(
                "No association of {vgw} with Direct Connect gateway {gw}"
            ))
        })
}
