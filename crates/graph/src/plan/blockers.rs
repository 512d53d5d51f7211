//! Step 3: blockers — live resources outside the manifest that would make a
//! planned delete fail (a service still using a planned VPC connector, an
//! ingress connection on a planned service, a virtual interface on a
//! planned connection).

use decom_parser::writer::{self, block_name, Block, Reference};
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
                            "{} cannot be deleted: live {} {} ({}, {}) depends on it and is not in the manifest",
                            r.address, b.resource_type, writer::string(&b.name), b.id, b.status
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
    let label = block_name(&blocker.name);
    Block::new("resource", &[blocker.resource_type.name(), &label])
        .string(identity, &blocker.id)
        .reference(attr.name(), Reference::to_resource(planned, reference_attr))
        .to_string()
}
