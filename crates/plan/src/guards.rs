//! Step 4: the guards a manifest puts on itself: `prevent_destroy` and the
//! provider's `allowed_account_ids`.

use decom_parser::{Address, Diagnostic, Manifest};

use crate::resolve::Resolution;

/// A planned (delete or wait) resource that a guard forbids touching.
pub fn check(
    manifest: &Manifest,
    resolution: &Resolution,
    planned: &dyn Fn(&Address) -> bool,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
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
        }
    }
    problems
}
