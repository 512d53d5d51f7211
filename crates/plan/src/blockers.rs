//! Step 3: blockers — live resources outside the manifest that would make a
//! planned delete fail (a service still using a planned VPC connector, an
//! ingress connection on a planned service, a virtual interface on a
//! planned connection).

use decom_kinds::{blocking_holders, End};
use decom_parser::writer::{self, block_name, Block, Reference};
use decom_parser::{Address, Diagnostic, Manifest, RelationAttr, ResourceType};

use crate::live::{Inventory, LiveResource, LiveState};
use crate::resolve::Resolution;

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
        for (blocker, attr) in blockers_of(inventory, resolution, live) {
            problems.push(
                Diagnostic::error(
                    format!(
                        "{} cannot be deleted: live {} {} ({}, {}) depends on it and is not in the manifest",
                        r.address, blocker.resource_type, writer::string(&blocker.name), blocker.id, blocker.status
                    ),
                    Some(r.span),
                )
                .with_label("blocked by a resource outside the manifest")
                .with_help(format!(
                    "add it to the manifest so it is deleted first:\n{}",
                    suggested_block(blocker, attr, &r.address)
                )),
            );
        }
    }
    problems
}

/// The live resources outside the manifest that must be deleted before
/// `planned` and whose presence makes AWS refuse to delete it: along each
/// blocking relation of the kinds table, from whichever end goes first.
/// Each comes with the relation that relates them, sorted by id.
fn blockers_of<'i>(
    inventory: &'i Inventory,
    resolution: &Resolution,
    planned: &LiveResource,
) -> Vec<(&'i LiveResource, RelationAttr)> {
    let ty = planned.resource_type;
    let mut found: Vec<(&LiveResource, RelationAttr)> = Vec::new();
    // Holders that point at `planned` and go first.
    for (holder_type, rel) in blocking_holders(ty) {
        for holder in inventory.related_to(rel.attr, &planned.id) {
            if holder.resource_type == holder_type {
                found.push((holder, rel.attr));
            }
        }
    }
    // Targets `planned` points at that go first.
    for rel in ty
        .relations()
        .iter()
        .filter(|r| r.blocks && r.first == End::Target)
    {
        let Some(Some(target_id)) = planned.relation(rel.attr) else {
            continue;
        };
        for target in rel
            .targets
            .iter()
            .filter_map(|t| inventory.get(*t, target_id))
        {
            found.push((target, rel.attr));
        }
    }
    found.retain(|(b, _)| {
        matches!(b.state, LiveState::Deletable | LiveState::Busy)
            && resolution.address_of(b.resource_type, &b.id).is_none()
    });
    found.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    found
}

/// `resource "TYPE" "name" { arn = "..."  relation = planned.arn }`; a
/// composite blocker gives each part, the one that names `planned` as
/// a reference to it.
pub fn suggested_block(blocker: &LiveResource, attr: RelationAttr, planned: &Address) -> String {
    let ty = blocker.resource_type;
    let label = block_name(&blocker.name);
    let block = Block::new("resource", &[ty.name(), &label]);
    let reference = Reference::to_resource(planned, &referenced_attribute(ty, attr, planned));
    let Some(parts) = ty.split_id(&blocker.id) else {
        return block
            .string(ty.id_attribute(), &blocker.id)
            .reference(attr.name(), reference)
            .to_string();
    };
    let mut block = block;
    let mut referenced = false;
    for (part, value) in parts {
        if part == attr.name() {
            block = block.reference(part, reference.clone());
            referenced = true;
        } else {
            block = block.string(part, value);
        }
    }
    if !referenced {
        block = block.reference(attr.name(), reference);
    }
    block.to_string()
}

/// The attribute of `planned` that `holder`'s `attr` holds: its exact id,
/// or, where the relation's target key composes a composite id, the part
/// of that id `attr` is (a dataset's `namespace` is a namespace's `name`).
fn referenced_attribute(holder: ResourceType, attr: RelationAttr, planned: &Address) -> String {
    let target = planned.resource_type;
    let part = holder.relation(attr).and_then(|rel| {
        let at = rel.target_key.iter().position(|a| *a == attr.name())?;
        target.identity().parts()?.get(at).copied()
    });
    part.unwrap_or(target.id_attribute()).to_string()
}
