//! What an App Runner service uses besides its VPC connector: auto scaling
//! configurations (with each region's `DefaultConfiguration`), observability
//! configurations and source code connections. AWS refuses to delete any of
//! them while a service that is not `DELETED` uses it, and never deletes the
//! default auto scaling configuration.

use serde_json::{json, Value};

use super::apprunner::{arn, find, name_prefix, new_resource, not_found, ts};
use super::{decode_token, encode_token, get_i64, get_str, tags_from_list, Ctx, OpResult, Output};
use crate::protocol::{ApiError, ServiceKind};
use crate::state_file::ResourceType as T;
use crate::store::{revision_of, Resource, Store, ASC_ATTR, CONNECTION_ATTR, OC_ATTR};

const SVC: ServiceKind = ServiceKind::AppRunner;

/// The name of the auto scaling configuration every region has and every
/// service without one of its own uses.
pub(crate) const DEFAULT_ASC_NAME: &str = "DefaultConfiguration";

/// Handles the operation if it is one of this module's.
pub(crate) fn handle(op: &str, input: &Value, ctx: &mut Ctx<'_>) -> Option<OpResult> {
    Some(match op {
        "CreateAutoScalingConfiguration" => create_config(input, ctx, Config::AutoScaling),
        "DescribeAutoScalingConfiguration" => describe_config(input, ctx, Config::AutoScaling),
        "ListAutoScalingConfigurations" => list_configs(input, ctx, Config::AutoScaling),
        "DeleteAutoScalingConfiguration" => delete_config(input, ctx, Config::AutoScaling),
        "ListServicesForAutoScalingConfiguration" => services_for_asc(input, ctx),
        "CreateObservabilityConfiguration" => create_config(input, ctx, Config::Observability),
        "DescribeObservabilityConfiguration" => describe_config(input, ctx, Config::Observability),
        "ListObservabilityConfigurations" => list_configs(input, ctx, Config::Observability),
        "DeleteObservabilityConfiguration" => delete_config(input, ctx, Config::Observability),
        "CreateConnection" => create_connection(input, ctx),
        "ListConnections" => list_connections(input, ctx),
        "DeleteConnection" => delete_connection(input, ctx),
        _ => return None,
    })
}

/// The two revisioned configuration types, which behave alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Config {
    AutoScaling,
    Observability,
}

impl Config {
    fn rtype(self) -> T {
        match self {
            Config::AutoScaling => T::AppRunnerAutoScalingConfiguration,
            Config::Observability => T::AppRunnerObservabilityConfiguration,
        }
    }

    /// The prefix of the members naming it (`AutoScalingConfigurationArn`, …).
    fn member(self) -> &'static str {
        match self {
            Config::AutoScaling => "AutoScalingConfiguration",
            Config::Observability => "ObservabilityConfiguration",
        }
    }

    fn arn_kind(self) -> &'static str {
        match self {
            Config::AutoScaling => "autoscalingconfiguration",
            Config::Observability => "observabilityconfiguration",
        }
    }

    /// The service attribute that names a configuration of this type.
    fn service_attr(self) -> &'static str {
        match self {
            Config::AutoScaling => ASC_ATTR,
            Config::Observability => OC_ATTR,
        }
    }
}

/// The ARN of the region's default auto scaling configuration.
pub(crate) fn default_asc_arn(region: &str, account: &str) -> String {
    format!(
        "arn:aws:apprunner:{region}:{account}:autoscalingconfiguration/{DEFAULT_ASC_NAME}/1/00000000000000000000000000000001"
    )
}

/// The auto scaling configuration a service uses (its own, else the default).
pub(crate) fn service_asc(service: &Resource) -> String {
    service
        .attr_str(ASC_ATTR)
        .map(str::to_owned)
        .unwrap_or_else(|| default_asc_arn(&service.region, &service.account))
}

/// Makes the region's default auto scaling configuration exist (AWS has one
/// in every region; the simulator creates it on first use).
fn ensure_default_asc(ctx: &mut Ctx<'_>) {
    let a = default_asc_arn(ctx.at.region, ctx.at.account);
    if ctx
        .store
        .peek(ctx.at, T::AppRunnerAutoScalingConfiguration, &a)
        .is_some()
    {
        return;
    }
    let id = a.rsplit('/').next().unwrap_or_default().to_owned();
    let mut r = new_resource(
        ctx,
        T::AppRunnerAutoScalingConfiguration,
        DEFAULT_ASC_NAME,
        a,
        id,
    );
    r.attrs.insert("IsDefault".into(), json!(true));
    Store::enter(&ctx.store.timing, &mut r, "ACTIVE", ctx.now);
    ctx.store.insert(r);
}

fn is_default(r: &Resource) -> bool {
    r.attr("IsDefault").is_some()
}

/// The services (not `DELETED`) that use the configuration `target` of kind `config`.
fn users(ctx: &mut Ctx<'_>, config: Config, target: &str) -> Vec<Resource> {
    let default = default_asc_arn(ctx.at.region, ctx.at.account);
    let (services, _) = ctx.store.page(
        ctx.at,
        T::AppRunnerService,
        None,
        usize::MAX,
        ctx.now,
        |s| {
            // A service without an auto scaling configuration of its own uses the default.
            let fallback = (config == Config::AutoScaling).then_some(default.as_str());
            s.status != "DELETED" && s.attr_str(config.service_attr()).or(fallback) == Some(target)
        },
    );
    services
}

/// Whether `name`'s revision `arn` is the highest active revision of its name.
fn is_latest(ctx: &mut Ctx<'_>, config: Config, r: &Resource) -> bool {
    let prefix = name_prefix(ctx, config.arn_kind(), &r.name);
    let latest = ctx
        .store
        .with_prefix(ctx.at, config.rtype(), &prefix, ctx.now)
        .iter()
        .filter(|c| c.status == "ACTIVE")
        .filter_map(|c| revision_of(&c.arn))
        .max();
    r.status == "ACTIVE" && latest == revision_of(&r.arn)
}

fn config_json(ctx: &mut Ctx<'_>, config: Config, r: &Resource) -> Value {
    let m = config.member();
    let latest = is_latest(ctx, config, r);
    let mut c = json!({
        format!("{m}Arn"): r.arn,
        format!("{m}Name"): r.name,
        format!("{m}Revision"): revision_of(&r.arn).unwrap_or(1),
        "Latest": latest,
        "Status": r.status,
        "CreatedAt": ts(r.created_ms),
    });
    match config {
        Config::AutoScaling => {
            let used = !users(ctx, config, &r.arn).is_empty();
            for (k, default) in [("MaxConcurrency", 100), ("MinSize", 1), ("MaxSize", 25)] {
                c[k] = r.attr(k).cloned().unwrap_or_else(|| json!(default));
            }
            c["HasAssociatedService"] = json!(used);
            c["IsDefault"] = json!(is_default(r));
        }
        Config::Observability => {
            c["TraceConfiguration"] = r
                .attr("TraceConfiguration")
                .cloned()
                .unwrap_or_else(|| json!({ "Vendor": "AWSXRAY" }));
        }
    }
    if let Some(d) = r.deleted_ms {
        c["DeletedAt"] = ts(d);
    }
    c
}

/// A list entry: the model's summary shape (observability summaries carry
/// no status).
fn config_summary(ctx: &mut Ctx<'_>, config: Config, r: &Resource) -> Value {
    let m = config.member();
    let mut c = json!({
        format!("{m}Arn"): r.arn,
        format!("{m}Name"): r.name,
        format!("{m}Revision"): revision_of(&r.arn).unwrap_or(1),
    });
    if config == Config::AutoScaling {
        c["Status"] = json!(r.status);
        c["CreatedAt"] = ts(r.created_ms);
        c["HasAssociatedService"] = json!(!users(ctx, config, &r.arn).is_empty());
        c["IsDefault"] = json!(is_default(r));
    }
    c
}

fn create_config(input: &Value, ctx: &mut Ctx<'_>, config: Config) -> OpResult {
    let m = config.member();
    let name = arn(input, &format!("{m}Name"));
    if config == Config::AutoScaling && name == DEFAULT_ASC_NAME {
        return Err(ApiError::validation(
            SVC,
            format!("{DEFAULT_ASC_NAME} is reserved for the default auto scaling configuration"),
        ));
    }
    if config == Config::AutoScaling {
        check_sizes(input)?;
    }
    let revision = ctx
        .store
        .next_revision(ctx.at, config.rtype(), name, ctx.now);
    let (new_arn, id) = ctx
        .store
        .apprunner_arn(ctx.at, config.arn_kind(), name, Some(revision));
    let mut r = new_resource(ctx, config.rtype(), name, new_arn.clone(), id);
    r.tags = tags_from_list(input.get("Tags"), "Key", "Value");
    for k in ["MaxConcurrency", "MinSize", "MaxSize", "TraceConfiguration"] {
        if let Some(v) = input.get(k) {
            r.attrs.insert(k.into(), v.clone());
        }
    }
    Store::enter(&ctx.store.timing, &mut r, "ACTIVE", ctx.now);
    ctx.store.insert(r.clone());
    let body = json!({ m: config_json(ctx, config, &r) });
    Ok(Output::created(body, &new_arn))
}

/// MinSize ≤ MaxSize, as AWS checks beyond the model's ranges.
fn check_sizes(input: &Value) -> Result<(), ApiError> {
    let min = get_i64(input, "MinSize").unwrap_or(1);
    let max = get_i64(input, "MaxSize").unwrap_or(25);
    if min > max {
        return Err(ApiError::validation(
            SVC,
            format!("MinSize ({min}) must not be greater than MaxSize ({max})"),
        ));
    }
    Ok(())
}

fn describe_config(input: &Value, ctx: &mut Ctx<'_>, config: Config) -> OpResult {
    if config == Config::AutoScaling {
        ensure_default_asc(ctx);
    }
    let m = config.member();
    let r = find_config(ctx, config, arn(input, &format!("{m}Arn")))?;
    Ok(Output::new(json!({ m: config_json(ctx, config, &r) })))
}

/// The configuration an ARN names: a full ARN, or AWS's partial ones —
/// `.../NAME` (the latest active revision) and `.../NAME/REVISION`.
fn find_config(ctx: &mut Ctx<'_>, config: Config, a: &str) -> Result<Resource, ApiError> {
    let path = a.split(':').nth(5).unwrap_or_default();
    let segments: Vec<&str> = path.split('/').collect();
    let (name, revision) = match segments.as_slice() {
        [kind, name] if *kind == config.arn_kind() => (*name, None),
        [kind, name, revision] if *kind == config.arn_kind() => (*name, Some(*revision)),
        _ => return find(ctx, config.rtype(), a),
    };
    let prefix = name_prefix(ctx, config.arn_kind(), name);
    let revisions = ctx
        .store
        .with_prefix(ctx.at, config.rtype(), &prefix, ctx.now);
    let found = match revision {
        Some(n) => revisions
            .into_iter()
            .find(|c| revision_of(&c.arn).map(|r| r.to_string()).as_deref() == Some(n)),
        None => revisions
            .into_iter()
            .filter(|c| c.status == "ACTIVE")
            .max_by_key(|c| revision_of(&c.arn)),
    };
    found.ok_or_else(|| not_found(a))
}

/// Whether `a` is the partial ARN `.../NAME` that DeleteAllRevisions takes.
fn is_name_arn(config: Config, a: &str) -> bool {
    let path = a.split(':').nth(5).unwrap_or_default();
    matches!(path.split('/').collect::<Vec<_>>().as_slice(), [kind, _] if *kind == config.arn_kind())
}

/// Lists the ACTIVE configurations (AWS's lists leave deleted ones out), by
/// name and latest revision when asked.
fn list_configs(input: &Value, ctx: &mut Ctx<'_>, config: Config) -> OpResult {
    if config == Config::AutoScaling {
        ensure_default_asc(ctx);
    }
    let m = config.member();
    let by_name = get_str(input, &format!("{m}Name")).map(str::to_owned);
    let latest_only = input
        .get("LatestOnly")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let after = decode_token(SVC, get_str(input, "NextToken"))?;
    let limit = get_i64(input, "MaxResults").map_or(usize::MAX, |n| n.max(1) as usize);
    let mut candidates = Vec::new();
    let mut cursor = after;
    // Filtering by "latest" needs the other revisions: filter page by page.
    let next = loop {
        let (page, next) = ctx.store.page(
            ctx.at,
            config.rtype(),
            cursor.as_deref(),
            limit.saturating_sub(candidates.len()),
            ctx.now,
            |r| r.status == "ACTIVE" && by_name.as_deref().is_none_or(|n| r.name == n),
        );
        for r in page {
            if !latest_only || is_latest(ctx, config, &r) {
                candidates.push(r);
            }
        }
        if next.is_none() || candidates.len() >= limit {
            break next;
        }
        cursor = next;
    };
    let items: Vec<Value> = candidates
        .iter()
        .map(|r| config_summary(ctx, config, r))
        .collect();
    let mut body = json!({ format!("{m}SummaryList"): items });
    if let Some(n) = next {
        body["NextToken"] = Value::String(encode_token(&n));
    }
    Ok(Output::new(body))
}

fn delete_config(input: &Value, ctx: &mut Ctx<'_>, config: Config) -> OpResult {
    if config == Config::AutoScaling {
        ensure_default_asc(ctx);
    }
    let m = config.member();
    let a = arn(input, &format!("{m}Arn")).to_owned();
    let all_revisions = config == Config::AutoScaling
        && input
            .get("DeleteAllRevisions")
            .and_then(Value::as_bool)
            .unwrap_or(false);
    if all_revisions && !is_name_arn(config, &a) {
        return Err(ApiError::validation(
            SVC,
            "When DeleteAllRevisions is set to true, the only valid value for the \
             Amazon Resource Name (ARN) is a partial ARN ending with: .../name",
        ));
    }
    let r = find_config(ctx, config, &a)?;
    if is_default(&r) {
        return Err(ApiError::validation(
            SVC,
            "The default auto scaling configuration cannot be deleted",
        ));
    }
    if r.status != "ACTIVE" {
        return Err(ApiError::validation(
            SVC,
            format!("{m} {a} is already {}", r.status),
        ));
    }
    let targets: Vec<String> = if all_revisions {
        let prefix = name_prefix(ctx, config.arn_kind(), &r.name);
        ctx.store
            .with_prefix(ctx.at, config.rtype(), &prefix, ctx.now)
            .into_iter()
            .filter(|c| c.status == "ACTIVE")
            .map(|c| c.arn)
            .collect()
    } else {
        vec![r.arn.clone()]
    };
    for t in &targets {
        if let Some(user) = users(ctx, config, t).first() {
            return Err(ApiError::validation(
                SVC,
                format!(
                    "{m} {t} cannot be deleted because it is used by service {}",
                    user.arn
                ),
            ));
        }
    }
    let timing = ctx.store.timing.clone();
    let now = ctx.now;
    let mut deleted = None;
    for t in &targets {
        if let Some(c) = ctx.store.get(ctx.at, config.rtype(), t, now) {
            Store::enter(&timing, c, "INACTIVE", now);
            if *t == r.arn {
                deleted = Some(c.clone());
            }
        }
    }
    let r = deleted.ok_or_else(|| not_found(&a))?;
    Ok(Output::new(json!({ m: config_json(ctx, config, &r) })))
}

fn services_for_asc(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    ensure_default_asc(ctx);
    let a = arn(input, "AutoScalingConfigurationArn").to_owned();
    find(ctx, T::AppRunnerAutoScalingConfiguration, &a)?;
    let default = default_asc_arn(ctx.at.region, ctx.at.account);
    let after = decode_token(SVC, get_str(input, "NextToken"))?;
    let limit = get_i64(input, "MaxResults").map_or(usize::MAX, |n| n.max(1) as usize);
    let (page, next) = ctx.store.page(
        ctx.at,
        T::AppRunnerService,
        after.as_deref(),
        limit,
        ctx.now,
        |s| s.status != "DELETED" && s.attr_str(ASC_ATTR).unwrap_or(&default) == a,
    );
    let arns: Vec<&str> = page.iter().map(|s| s.arn.as_str()).collect();
    let mut body = json!({ "ServiceArnList": arns });
    if let Some(n) = next {
        body["NextToken"] = Value::String(encode_token(&n));
    }
    Ok(Output::new(body))
}

fn connection_json(r: &Resource) -> Value {
    json!({
        "ConnectionName": r.name,
        "ConnectionArn": r.arn,
        "ProviderType": r.attr_str("ProviderType").unwrap_or("GITHUB"),
        "Status": r.status,
        "CreatedAt": ts(r.created_ms),
    })
}

fn create_connection(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let name = arn(input, "ConnectionName");
    let prefix = name_prefix(ctx, "connection", name);
    if ctx
        .store
        .with_prefix(ctx.at, T::AppRunnerConnection, &prefix, ctx.now)
        .iter()
        .any(|r| !r.is_terminal())
    {
        return Err(ApiError::validation(
            SVC,
            format!("Connection with the provided name already exists: {name}"),
        ));
    }
    let (new_arn, id) = ctx.store.apprunner_arn(ctx.at, "connection", name, None);
    let mut r = new_resource(ctx, T::AppRunnerConnection, name, new_arn.clone(), id);
    r.tags = tags_from_list(input.get("Tags"), "Key", "Value");
    r.attrs
        .insert("ProviderType".into(), json!(arn(input, "ProviderType")));
    // The handshake with the provider happens in the console, never here.
    Store::enter(&ctx.store.timing, &mut r, "PENDING_HANDSHAKE", ctx.now);
    let body = json!({ "Connection": connection_json(&r) });
    ctx.store.insert(r);
    Ok(Output::created(body, &new_arn))
}

fn list_connections(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let by_name = get_str(input, "ConnectionName").map(str::to_owned);
    let after = decode_token(SVC, get_str(input, "NextToken"))?;
    let limit = get_i64(input, "MaxResults").map_or(usize::MAX, |n| n.max(1) as usize);
    let (page, next) = ctx.store.page(
        ctx.at,
        T::AppRunnerConnection,
        after.as_deref(),
        limit,
        ctx.now,
        |r| by_name.as_deref().is_none_or(|n| r.name == n),
    );
    let items: Vec<Value> = page.iter().map(connection_json).collect();
    let mut body = json!({ "ConnectionSummaryList": items });
    if let Some(n) = next {
        body["NextToken"] = Value::String(encode_token(&n));
    }
    Ok(Output::new(body))
}

fn delete_connection(input: &Value, ctx: &mut Ctx<'_>) -> OpResult {
    let a = arn(input, "ConnectionArn").to_owned();
    let r = find(ctx, T::AppRunnerConnection, &a)?;
    if r.is_terminal() {
        return Err(ApiError::validation(
            SVC,
            format!("Connection {a} is already DELETED"),
        ));
    }
    let (users, _) = ctx
        .store
        .page(ctx.at, T::AppRunnerService, None, 1, ctx.now, |s| {
            s.status != "DELETED" && s.attr_str(CONNECTION_ATTR) == Some(a.as_str())
        });
    if let Some(user) = users.first() {
        return Err(ApiError::validation(
            SVC,
            format!(
                "Connection {a} cannot be deleted because it is used by service {}",
                user.arn
            ),
        ));
    }
    let timing = ctx.store.timing.clone();
    let now = ctx.now;
    let r = match ctx.store.get(ctx.at, T::AppRunnerConnection, &a, now) {
        Some(r) => {
            Store::enter(&timing, r, "DELETED", now);
            r.clone()
        }
        None => return Err(not_found(&a)),
    };
    Ok(Output::new(json!({ "Connection": connection_json(&r) })))
}

/// Checks what CreateService names (as AWS does: each must exist and be
/// usable) and returns the attributes to remember on the service.
pub(crate) fn service_uses(
    input: &Value,
    ctx: &mut Ctx<'_>,
) -> Result<Vec<(&'static str, String)>, ApiError> {
    let mut uses = Vec::new();
    if let Some(a) = get_str(input, "AutoScalingConfigurationArn") {
        ensure_default_asc(ctx);
        require_status(ctx, T::AppRunnerAutoScalingConfiguration, a, "ACTIVE")?;
        if a != default_asc_arn(ctx.at.region, ctx.at.account) {
            uses.push((ASC_ATTR, a.to_owned()));
        }
    }
    let observability = input.get("ObservabilityConfiguration");
    let enabled = observability
        .and_then(|o| o.get("ObservabilityEnabled"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if let Some(a) = observability.and_then(|o| get_str(o, "ObservabilityConfigurationArn")) {
        if enabled {
            require_status(ctx, T::AppRunnerObservabilityConfiguration, a, "ACTIVE")?;
            uses.push((OC_ATTR, a.to_owned()));
        }
    }
    let connection = input
        .get("SourceConfiguration")
        .and_then(|s| s.get("AuthenticationConfiguration"))
        .and_then(|a| get_str(a, "ConnectionArn"));
    if let Some(a) = connection {
        require_status(ctx, T::AppRunnerConnection, a, "AVAILABLE")?;
        uses.push((CONNECTION_ATTR, a.to_owned()));
    }
    Ok(uses)
}

fn require_status(ctx: &mut Ctx<'_>, t: T, a: &str, status: &str) -> Result<(), ApiError> {
    match ctx.store.get(ctx.at, t, a, ctx.now) {
        Some(r) if r.status == status => Ok(()),
        Some(r) => Err(ApiError::validation(
            SVC,
            format!("{a} is {}, not {status}", r.status),
        )),
        None => Err(not_found(a)),
    }
}
