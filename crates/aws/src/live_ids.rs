//! Which live resources a manifest resource may mean, as far as what
//! refresh has read so far can tell: for refresh's describes, tags and
//! per-parent lists, before resolution decides.

use std::collections::HashMap;

use decom_kinds::{composite, Relation};
use decom_parser::{split_reference, Address, IdentityKind, Knowable, ResourceInstance};
use decom_plan::Inventory;

use crate::connect::Target;

/// References are followed at most this deep (a chain of composite
/// identities is short; a cycle is the graph's to report).
const MAX_DEPTH: usize = 8;

/// Composite candidates are cut here (each part of a name-identified
/// reference may mean several live resources).
const MAX_CANDIDATES: usize = 64;

/// The manifest's placed resources and the live state read so far.
pub(crate) struct Known<'a> {
    inventory: &'a Inventory,
    by_address: HashMap<&'a Address, (&'a Target, &'a ResourceInstance)>,
}

impl<'a> Known<'a> {
    pub fn new(inventory: &'a Inventory, placed: &'a [(Target, &'a ResourceInstance)]) -> Self {
        let by_address = placed.iter().map(|(t, r)| (&r.address, (t, *r))).collect();
        Known {
            inventory,
            by_address,
        }
    }

    /// The live ids `r` may mean: its ARN/id, every live resource with its
    /// name in its region, or its composite id from every combination of
    /// the values its parts may have.
    pub fn live_ids(&self, target: &Target, r: &ResourceInstance) -> Vec<String> {
        self.live_ids_at(target, r, 0)
    }

    /// The live id of the target of `rel` that `holder` may point at
    /// (composed by the relation's target key where it has one).
    pub fn target_ids(&self, holder: &ResourceInstance, rel: &Relation) -> Vec<String> {
        let key: Vec<&str> = if rel.target_key.is_empty() {
            vec![rel.attr.name()]
        } else {
            rel.target_key.to_vec()
        };
        let values: Vec<Vec<String>> = key
            .iter()
            .map(|attr| self.attribute_values(holder, attr, 0))
            .collect();
        combinations(&values)
            .into_iter()
            .map(|parts| match parts.as_slice() {
                [one] => one.clone(),
                _ => composite::compose(&parts),
            })
            .collect()
    }

    fn live_ids_at(&self, target: &Target, r: &ResourceInstance, depth: usize) -> Vec<String> {
        let caller = target.account.as_deref();
        match (r.identity.kind, &r.identity.value) {
            (IdentityKind::Name, Knowable::Known(name)) => self
                .inventory
                .named(r.address.resource_type, &target.region, name)
                .into_iter()
                .filter(|l| l.visible_to(caller))
                .map(|l| l.id.clone())
                .collect(),
            (_, Knowable::Known(id)) => vec![id.clone()],
            (IdentityKind::Composite, Knowable::AfterRefresh(_)) => {
                let values: Vec<Vec<String>> = r
                    .identity
                    .parts
                    .iter()
                    .map(|p| self.values(&p.value, depth))
                    .collect();
                combinations(&values)
                    .iter()
                    .map(|parts| composite::compose(parts))
                    .collect()
            }
            (_, Knowable::AfterRefresh(_)) => Vec::new(),
        }
    }

    /// The values `holder`'s attribute `attr` (a relation or a part of its
    /// identity) may have.
    fn attribute_values(&self, holder: &ResourceInstance, attr: &str, depth: usize) -> Vec<String> {
        let relation = holder.relations.iter().find(|r| r.attr.name() == attr);
        let part = holder.identity.parts.iter().find(|p| p.attr == attr);
        match (relation, part) {
            (Some(r), _) => self.values(&r.value, depth),
            (None, Some(p)) => self.values(&p.value, depth),
            (None, None) => Vec::new(),
        }
    }

    /// A known value, or what the resource it references may have live.
    fn values(&self, value: &Knowable<String>, depth: usize) -> Vec<String> {
        let reference = match value {
            Knowable::Known(v) => return vec![v.clone()],
            Knowable::AfterRefresh(reference) => reference,
        };
        let Some((address, attr)) = split_reference(reference) else {
            return Vec::new();
        };
        let Some((target, r)) = self.by_address.get(&address) else {
            return Vec::new();
        };
        if depth >= MAX_DEPTH {
            return Vec::new();
        }
        let ids = self.live_ids_at(target, r, depth + 1);
        if attr != "name" {
            return ids;
        }
        ids.iter()
            .filter_map(|id| self.inventory.get(r.address.resource_type, id))
            .map(|l| l.name.clone())
            .collect()
    }
}

/// Every choice of one value per part, in order (at most
/// [`MAX_CANDIDATES`]); none when a part has no value.
fn combinations(parts: &[Vec<String>]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for values in parts {
        out = out
            .iter()
            .flat_map(|prefix| {
                values.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v.clone());
                    next
                })
            })
            .take(MAX_CANDIDATES)
            .collect();
    }
    out.retain(|c| !c.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_take_one_value_per_part() {
        let parts = vec![
            vec!["i1".to_string(), "i2".to_string()],
            vec!["ns".to_string()],
        ];
        assert_eq!(
            combinations(&parts),
            [
                vec!["i1".to_string(), "ns".to_string()],
                vec!["i2".to_string(), "ns".to_string()]
            ]
        );
        assert!(combinations(&[vec!["a".to_string()], vec![]]).is_empty());
        assert!(combinations(&[]).is_empty());
    }
}
