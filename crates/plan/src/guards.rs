//! Step 4: the guards a manifest puts on itself: `prevent_destroy`, the
//! provider's `allowed_account_ids` / `forbidden_account_ids` (against
//! the caller's account before refresh, [`check_caller_accounts`], and against
//! what live state says owns a resource) and its `protect_tags`.

use std::collections::{BTreeMap, BTreeSet};

use decom_parser::{Address, Diagnostic, Manifest, Provider};

use crate::live::Inventory;
use crate::placement::Placements;
use crate::resolve::Resolution;

/// The provider's name as written in a resource: `aws` or `aws.ALIAS`.
fn provider_name(alias: &Option<String>) -> String {
    match alias {
        Some(alias) => format!("aws.{alias}"),
        None => "aws".to_string(),
    }
}

/// Why `provider` may not act in `account`, if it may not.
fn account_refusal(provider: &Provider, account: &str) -> Option<String> {
    let name = provider_name(&provider.alias);
    if provider.forbidden_account_ids.iter().any(|a| a == account) {
        return Some(format!(
            "provider {name} acts in account {account}, which its forbidden_account_ids forbid"
        ));
    }
    let allowed = &provider.allowed_account_ids;
    if !allowed.is_empty() && !allowed.iter().any(|a| a == account) {
        return Some(format!(
            "provider {name} acts in account {account}, which its allowed_account_ids ({}) do not include",
            allowed.join(", ")
        ));
    }
    None
}

/// Checks every provider's caller account (known from STS, recorded in
/// the placements) against its allowed and forbidden accounts: one line
/// per provider refused. Runs before refresh, so a refused provider makes
/// no resource call.
pub fn check_caller_accounts(manifest: &Manifest, placements: &Placements) -> Vec<String> {
    let mut refused = BTreeSet::new();
    for r in &manifest.resources {
        let (Some(provider), Some(account)) = (
            manifest.provider(&r.provider),
            placements
                .get(&r.address)
                .and_then(|p| p.account.as_deref()),
        ) else {
            continue;
        };
        refused.extend(account_refusal(provider, account));
    }
    refused.into_iter().collect()
}

/// Planned resources whose live tags include a pair of their provider's
/// `protect_tags`. Tags come from the inventory (refresh reads them only
/// where `protect_tags` is set).
fn protected_by_tags(
    manifest: &Manifest,
    inventory: &Inventory,
    resolution: &Resolution,
    planned: &dyn Fn(&Address) -> bool,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for r in manifest.resources.iter().filter(|r| planned(&r.address)) {
        let Some(provider) = manifest.provider(&r.provider) else {
            continue;
        };
        let Some(live) = resolution.live(&r.address) else {
            continue;
        };
        let tags = inventory.tags(live.resource_type, &live.id);
        let hits: Vec<String> = protected_pairs(&provider.protect_tags, tags);
        if hits.is_empty() {
            continue;
        }
        problems.push(
            Diagnostic::error(
                format!(
                    "{} carries the protected tag {} (protect_tags of provider {})",
                    r.address,
                    hits.join(", "),
                    provider_name(&provider.alias)
                ),
                Some(r.span),
            )
            .with_label("protected from deletion in AWS")
            .with_help("remove the tag from the resource in AWS if it really must go, or remove this block"),
        );
    }
    problems
}

/// The `key = "value"` pairs of `protect` that `tags` carry.
fn protected_pairs(
    protect: &BTreeMap<String, String>,
    tags: Option<&BTreeMap<String, String>>,
) -> Vec<String> {
    let Some(tags) = tags else {
        return Vec::new();
    };
    protect
        .iter()
        .filter(|(k, v)| tags.get(*k) == Some(*v))
        .map(|(k, v)| format!("{k} = {v:?}"))
        .collect()
}

/// A planned (delete or wait) resource that a guard forbids touching.
pub fn check(
    manifest: &Manifest,
    inventory: &Inventory,
    resolution: &Resolution,
    planned: &dyn Fn(&Address) -> bool,
) -> Vec<Diagnostic> {
    let mut problems = protected_by_tags(manifest, inventory, resolution, planned);
    for r in manifest.resources.iter().filter(|r| planned(&r.address)) {
        if r.prevent_destroy {
            problems.push(
                Diagnostic::error(
                    format!("{} has lifecycle.prevent_destroy set", r.address),
                    Some(r.span),
                )
                .with_label("protected from deletion")
                .with_help(
                    "set prevent_destroy = false (or remove the block) if it really must go",
                ),
            );
        }
        let Some(account) = resolution
            .live(&r.address)
            .and_then(|l| l.account_id.as_deref())
        else {
            continue;
        };
        let Some(provider) = manifest.provider(&r.provider) else {
            continue;
        };
        if !provider.allowed_account_ids.is_empty()
            && !provider.allowed_account_ids.iter().any(|a| a == account)
        {
            problems.push(
                Diagnostic::error(
                    format!(
                        "{} is in account {account}, which the provider does not allow (allowed: {})",
                        r.address,
                        provider.allowed_account_ids.join(", ")
                    ),
                    Some(r.span),
                )
                .with_label("in a disallowed account")
                .with_help("check your credentials: they point at another account than allowed_account_ids"),
            );
        } else if provider.forbidden_account_ids.iter().any(|a| a == account) {
            problems.push(
                Diagnostic::error(
                    format!(
                        "{} is in account {account}, which the provider forbids (forbidden_account_ids)",
                        r.address
                    ),
                    Some(r.span),
                )
                .with_label("in a forbidden account")
                .with_help("check your credentials: they point at a forbidden account"),
            );
        }
    }
    problems
}
