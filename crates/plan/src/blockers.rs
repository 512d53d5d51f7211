//! Step 3: blockers — live resources outside the manifest that would make a
//! planned delete fail (a service still using a planned VPC connector, an
//! ingress connection on a planned service, a virtual interface on a
//! planned connection, a LAG outside the manifest of a planned member
//! connection).

use decom_kinds::{blocking_holders, blocking_targets, End};
use decom_parser::writer::{self, block_name, Attributes, Block, Reference};
use decom_parser::{Address, Diagnostic, Manifest, RelationAttr, ResourceInstance};

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
        // A name meaning all revisions is blocked by users of any of them.
        for meant in std::iter::once(live).chain(resolution.revisions(&r.address)) {
            for (blocker, attr, first) in blockers_of(inventory, resolution, meant) {
                // A user of an older revision: a reference would name the latest.
                let referenced = (meant.id == live.id).then_some(&r.address);
                problems.push(blocked(r, blocker, attr, first, referenced));
            }
        }
    }
    problems
}

/// `ADDRESS cannot be deleted: live TYPE "name" ... depends on it`, with
/// the block that adds the blocker to the manifest.
fn blocked(
    r: &ResourceInstance,
    blocker: &LiveResource,
    attr: RelationAttr,
    first: End,
    referenced: Option<&Address>,
) -> Diagnostic {
    Diagnostic::error(
        format!(
            "{} cannot be deleted: live {} {} ({}, {}) depends on it and is not in the manifest",
            r.address,
            blocker.resource_type,
            writer::string(&blocker.name),
            blocker.id,
            blocker.status
        ),
        Some(r.span),
    )
    .with_label("blocked by a resource outside the manifest")
    .with_help(match first {
        End::Holder => format!(
            "add it to the manifest so it is deleted first:\n{}",
            suggested_block(blocker, attr, referenced)
        ),
        End::Target => format!(
            "add it to the manifest so it is deleted first:\n{}\nand in {}: {}",
            target_block(blocker),
            r.address,
            reference_line(blocker, attr),
        ),
    })
}

/// The live resources outside the manifest that must be deleted before
/// `planned` and whose presence makes AWS refuse to delete it: along each
/// blocking relation of the kinds table, from whichever end goes first.
/// Each comes with the relation that relates them and which end of it the
/// blocker is, sorted by id.
fn blockers_of<'i>(
    inventory: &'i Inventory,
    resolution: &Resolution,
    planned: &LiveResource,
) -> Vec<(&'i LiveResource, RelationAttr, End)> {
    let ty = planned.resource_type;
    let mut found: Vec<(&LiveResource, RelationAttr, End)> = Vec::new();
    // Holders that point at `planned` and go first.
    for (holder_type, rel) in blocking_holders(ty) {
        for holder in inventory.related_to(rel.attr, &planned.id) {
            if holder.resource_type == holder_type {
                found.push((holder, rel.attr, End::Holder));
            }
        }
    }
    // Targets `planned` points at that go first.
    for (target_type, rel) in blocking_targets(ty) {
        let Some(Some(target_id)) = planned.relation(rel.attr) else {
            continue;
        };
        if let Some(target) = inventory.get(target_type, target_id) {
            found.push((target, rel.attr, End::Target));
        }
    }
    found.retain(|(b, _, _)| {
        matches!(b.state, LiveState::Deletable | LiveState::Busy)
            && resolution.address_of(b.resource_type, &b.id).is_none()
    });
    found.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    found
}

/// `resource "TYPE" "name" { id = "..." }`: a blocker at the target end
/// (a LAG before its member connection) holds no relation attribute.
fn target_block(blocker: &LiveResource) -> String {
    Block::new(
        "resource",
        &[blocker.resource_type.name(), &block_name(&blocker.name)],
    )
    .string(blocker.resource_type.id_attribute(), &blocker.id)
    .to_string()
}

/// `attr = TYPE.name.id`: how the planned resource references the block
/// of [`target_block`].
fn reference_line(blocker: &LiveResource, attr: RelationAttr) -> String {
    let ty = blocker.resource_type;
    let to = Address {
        resource_type: ty,
        name: block_name(&blocker.name),
        key: None,
    };
    let reference = Reference::to_resource(&to, ty.id_attribute());
    Attributes::new()
        .reference(attr.name(), reference)
        .to_string()
}

/// `resource "TYPE" "name" { arn = "..."  relation = planned.arn }`; a
/// composite blocker gives each part, the one that names `planned` as
/// a reference to it. Without `planned` (the blocker uses a revision
/// other than the one the block resolved to) the relation is its live value.
fn suggested_block(
    blocker: &LiveResource,
    attr: RelationAttr,
    planned: Option<&Address>,
) -> String {
    let ty = blocker.resource_type;
    let label = block_name(&blocker.name);
    let block = Block::new("resource", &[ty.name(), &label]);
    let Some(planned) = planned else {
        let value = blocker.relation(attr).flatten().unwrap_or_default();
        return block
            .string(ty.id_attribute(), &blocker.id)
            .string(attr.name(), value)
            .to_string();
    };
    let target = planned.resource_type;
    let referenced = ty
        .relation(attr)
        .map_or(target.id_attribute(), |rel| rel.target_attribute(target));
    let reference = Reference::to_resource(planned, referenced);
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
