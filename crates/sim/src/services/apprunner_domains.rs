//! App Runner custom domain associations: a domain on a service, identified
//! by the service ARN and the domain name. Associating starts `CREATING`
//! (then `PENDING_CERTIFICATE_DNS_VALIDATION`, until someone adds the DNS
//! records: never, in the simulator); disassociating goes through `DELETING`
//! and then the domain is absent from `DescribeCustomDomains`.

use serde_json::{json, Value};

use super::apprunner::{arn, domain, find, new_resource};
use super::{decode_token, encode_token, get_i64, get_str, Ctx, OpResult, Output};
use crate::protocol::{ApiError, ServiceKind};
use crate::state_file::ResourceType as T;
use crate::store::{custom_domain_key, Resource, Store};

const SVC: ServiceKind = ServiceKind::AppRunner;

/// Handles the operation if it is one of this module's.
pub(crate) fn handle(op: &str, input: &Value, ctx: &mut Ctx<'_>) -> Option<OpResult> {
    Some(match op {
        "AssociateCustomDomain" => associate(input, ctx),
        "DescribeCustomDomains" => describe(input, ctx),
        "DisassociateCustomDomain" => disassociate(input, ctx),
        _ => return None,
    })
}

fn custom_domain_json(r: &Resource) -> Value {
    let name = r.attr_str("DomainName").unwrap_or(&r.id);
    let mut d = json!({
        "DomainName": name,
        "EnableWWWSubdomain": r.attr("EnableWWWSubdomain").cloned().unwrap_or(json!(true)),
        "Status": r.status,
    });
    if r.status != "ACTIVE" {
        d["CertificateValidationRecords"] = json!([{
            "Name": format!("_acm-challenge.{name}."),
            "Type": "CNAME",
            "Value": format!("_validation.{name}.acm-validations.aws."),
            "Status": "PENDING_VALIDATION",
        }]);
    }
    d
}

/// The envelope every custom domain answer shares.
fn answer(service: &Resource, extra: (&str, Value)) -> Value {
    let mut body = json!({
        "DNSTarget": domain(service),
        "ServiceArn": service.arn,
        "VpcDNSTargets": [],
    });
    body[extra.0] = extra.1;
    body
}

fn associate(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let service_arn = arn(input, "ServiceArn").to_owned();
    let name = arn(input, "DomainName").to_owned();
    let service = find(ctx, T::AppRunnerService, &service_arn)?;
    if service.status != "RUNNING" {
        return Err(ApiError::invalid_state(
            SVC,
            format!(
                "Service {service_arn} is in {} status; a custom domain needs a RUNNING service",
                service.status
            ),
        ));
    }
    let key = custom_domain_key(&service_arn, &name);
    if ctx
        .store
        .get(ctx.at, T::AppRunnerCustomDomain, &key, ctx.now)
        .is_some()
    {
        return Err(ApiError::validation(
            SVC,
            format!("Domain {name} is already associated with service {service_arn}"),
        ));
    }
    let mut r = new_resource(ctx, T::AppRunnerCustomDomain, "", key, name.clone());
    r.relation = Some(service_arn);
    r.attrs.insert("DomainName".into(), json!(name));
    if let Some(www) = input.get("EnableWWWSubdomain") {
        r.attrs.insert("EnableWWWSubdomain".into(), www.clone());
    }
    Store::enter(&ctx.store.timing, &mut r, "CREATING", ctx.now);
    let body = answer(&service, ("CustomDomain", custom_domain_json(&r)));
    ctx.store.insert(r);
    Ok(Output::new(body))
}

fn describe(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let service_arn = arn(input, "ServiceArn").to_owned();
    let service = find(ctx, T::AppRunnerService, &service_arn)?;
    let after = decode_token(SVC, get_str(input, "NextToken"))?;
    let limit = get_i64(input, "MaxResults").map_or(usize::MAX, |n| n.max(1) as usize);
    let (page, next) = ctx.store.page_dependents(
        ctx.at,
        &service_arn,
        T::AppRunnerCustomDomain,
        after.as_deref(),
        limit,
        ctx.now,
    );
    let items: Vec<Value> = page.iter().map(custom_domain_json).collect();
    let mut body = answer(&service, ("CustomDomains", Value::Array(items)));
    if let Some(n) = next {
        body["NextToken"] = Value::String(encode_token(&n));
    }
    Ok(Output::new(body))
}

fn disassociate(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let service_arn = arn(input, "ServiceArn").to_owned();
    let name = arn(input, "DomainName");
    let service = find(ctx, T::AppRunnerService, &service_arn)?;
    let key = custom_domain_key(&service_arn, name);
    let not_associated = || {
        ApiError::not_found(
            SVC,
            format!("Domain {name} is not associated with service {service_arn}"),
        )
    };
    let r = find(ctx, T::AppRunnerCustomDomain, &key).map_err(|_| not_associated())?;
    if matches!(
        r.status.as_str(),
        "CREATING" | "BINDING_CERTIFICATE" | "DELETING"
    ) {
        return Err(ApiError::invalid_state(
            SVC,
            format!(
                "You can't disassociate domain {name} while it is in {} status",
                r.status
            ),
        ));
    }
    let timing = ctx.store.timing.clone();
    let now = ctx.now;
    let r = match ctx.store.get(ctx.at, T::AppRunnerCustomDomain, &key, now) {
        Some(r) => {
            Store::enter(&timing, r, "DELETING", now);
            r.clone()
        }
        None => return Err(not_associated()),
    };
    Ok(Output::new(answer(
        &service,
        ("CustomDomain", custom_domain_json(&r)),
    )))
}
