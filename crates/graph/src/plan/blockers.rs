//! Step 3: blockers — live resources outside the manifest that would make a
//! planned delete fail (a service still using a planned VPC connector, an
//! ingress connection on a planned service, a virtual interface on a
//! planned connection).

use decom_parser::{Address, Diagnostic, Manifest, RelationAttr};

use super::resolve::Resolution;
use crate::live::{Inventory, LiveResource, LiveState};

/// One diagnostic per (planned resource, blocker), with the resource block
/// that would add the blocker to the manifest.
pub fn find(
    manifest: &Manifest,
    inventory: &Inventory,
    resolution: &Resolution,
    planned: &dyn Fn(&Address) -> bool,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for r in manifest.resources.iter().filter(|r| planned(&r.address)) {
        let Some(live) = resolution.live(&r.address) else {
            continue;
        };
        for attr in RelationAttr::pointing_at(live.resource_type) {
            let mut blockers: Vec<&LiveResource> = inventory
                .related_to(attr, &live.id)
                .into_iter()
                .filter(|b| matches!(b.state, LiveState::Deletable | LiveState::Busy))
                .filter(|b| resolution.address_of(b.resource_type, &b.id).is_none())
                .collect();
            blockers.sort_by(|a, b| a.id.cmp(&b.id));
            for b in blockers {
                problems.push(
                    Diagnostic::error(
                        format!(
                            "{} cannot be deleted: live {} \"{}\" ({}, {}) depends on it and is not in the manifest",
                            r.address, b.resource_type, b.name, b.id, b.status
                        ),
                        Some(r.span),
                    )
                    .with_label("blocked by a resource outside the manifest")
                    .with_help(format!(
                        "add it to the manifest so it is deleted first:\n{}",
                        suggested_block(b, attr, &r.address)
                    )),
                );
            }
        }
    }
    problems
}

/// `resource "TYPE" "name" { arn = "..."  relation = planned.arn }`.
pub fn suggested_block(blocker: &LiveResource, attr: RelationAttr, planned: &Address) -> String {
    let identity = blocker.resource_type.identity_kind().attribute();
    let reference_attr = planned.resource_type.identity_kind().attribute();
    let width = identity.len().max(attr.name().len());
    format!(
        "resource \"{}\" \"{}\" {{\n  {identity:<width$} = \"{}\"\n  {:<width$} = {planned}.{reference_attr}\n}}",
        blocker.resource_type,
        block_name(&blocker.name),
        blocker.id,
        attr.name(),
    )
}

/// A valid HCL block label from a live name: lowercase, `_` for anything
/// else, never starting with a digit.
pub fn block_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "r_");
    }
    out
}
