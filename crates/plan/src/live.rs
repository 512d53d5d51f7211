//! What refresh learned about live resources, in cloud-neutral terms.
//!
//! The `aws` crate fills an [`Inventory`] from List*/Describe* calls; the
//! plan reads it. Nothing here knows an SDK type.

use std::collections::{BTreeMap, HashMap};

pub use decom_kinds::LiveState;
use decom_parser::{RelationAttr, ResourceType};

/// One live resource as refresh saw it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LiveResource {
    pub resource_type: ResourceType,
    pub region: String,
    /// What Delete* names: the ARN for App Runner types, the id for Direct
    /// Connect and Supply Chain.
    pub id: String,
    pub name: String,
    /// The account that owns it, when the API says.
    pub account_id: Option<String>,
    /// The raw AWS status (`AVAILABLE`, `deleting`, `Active`...).
    pub status: String,
    pub state: LiveState,
    /// Relations as live state has them. A relation missing here is
    /// unknown (not described), not absent.
    pub relations: Vec<LiveRelation>,
}

/// A live relation: this resource's `attr` points at `target` (an ARN or id).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LiveRelation {
    pub attr: RelationAttr,
    /// `None`: described, and the relation is empty (a service without a
    /// VPC connector).
    pub target: Option<String>,
}

impl LiveResource {
    /// What AWS keeps and no manifest may delete: a name AWS owns (a
    /// Supply Chain instance's `asc` and `default`), or its region's
    /// default auto scaling configuration.
    pub fn is_aws_kept(&self) -> bool {
        self.resource_type
            .kind()
            .aws_owned_names
            .contains(&self.name.as_str())
            || self.status == decom_kinds::ACCOUNT_DEFAULT
    }

    /// The live value of `attr`: `None` if refresh did not learn it,
    /// `Some(None)` if it is empty.
    pub fn relation(&self, attr: RelationAttr) -> Option<Option<&str>> {
        self.relations
            .iter()
            .find(|r| r.attr == attr)
            .map(|r| r.target.as_deref())
    }

    /// Whether credentials acting in `caller` (when known) can see this
    /// resource: one manifest may reach several accounts, each through
    /// its own provider, and refresh lists every one of them into one
    /// inventory.
    pub fn visible_to(&self, caller: Option<&str>) -> bool {
        match (caller, self.account_id.as_deref()) {
            (Some(caller), Some(owner)) => caller == owner,
            _ => true,
        }
    }
}

/// Everything refresh found, indexed for the plan's lookups.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    resources: Vec<LiveResource>,
    /// By type, then id: a lookup by `&str` needs no key of its own
    /// (refresh looks ids up tens of thousands of times).
    by_id: HashMap<ResourceType, HashMap<String, usize>>,
    by_name: HashMap<(ResourceType, String, String), Vec<usize>>,
    by_relation: HashMap<(RelationAttr, String), Vec<usize>>,
    /// Live tags, read only for resources a `protect_tags` guards.
    tags: HashMap<(ResourceType, String), Tags>,
}

/// A resource's tags, by key.
pub type Tags = BTreeMap<String, String>;

impl Inventory {
    pub fn new(resources: impl IntoIterator<Item = LiveResource>) -> Inventory {
        let mut inv = Inventory::default();
        for r in resources {
            inv.insert(r);
        }
        inv
    }

    /// Adds a resource; a later entry for the same id replaces the earlier
    /// one (a describe refines a list summary).
    pub fn insert(&mut self, resource: LiveResource) {
        let ids = self.by_id.entry(resource.resource_type).or_default();
        if let Some(&i) = ids.get(&resource.id) {
            self.unindex(i);
            self.resources[i] = resource;
            self.index(i);
        } else {
            ids.insert(resource.id.clone(), self.resources.len());
            self.resources.push(resource);
            self.index(self.resources.len() - 1);
        }
    }

    fn index(&mut self, i: usize) {
        let r = &self.resources[i];
        self.by_name
            .entry((r.resource_type, r.region.clone(), r.name.clone()))
            .or_default()
            .push(i);
        for rel in &r.relations {
            if let Some(target) = &rel.target {
                self.by_relation
                    .entry((rel.attr, target.clone()))
                    .or_default()
                    .push(i);
            }
        }
    }

    fn unindex(&mut self, i: usize) {
        let r = &self.resources[i];
        if let Some(v) = self
            .by_name
            .get_mut(&(r.resource_type, r.region.clone(), r.name.clone()))
        {
            v.retain(|&j| j != i);
        }
        for rel in &r.relations {
            if let Some(v) = rel
                .target
                .as_ref()
                .and_then(|t| self.by_relation.get_mut(&(rel.attr, t.clone())))
            {
                v.retain(|&j| j != i);
            }
        }
    }

    pub fn get(&self, resource_type: ResourceType, id: &str) -> Option<&LiveResource> {
        self.by_id
            .get(&resource_type)?
            .get(id)
            .map(|&i| &self.resources[i])
    }

    /// Every resource of `resource_type` called `name` in `region`.
    pub fn named(
        &self,
        resource_type: ResourceType,
        region: &str,
        name: &str,
    ) -> Vec<&LiveResource> {
        self.by_name
            .get(&(resource_type, region.to_string(), name.to_string()))
            .map(|v| v.iter().map(|&i| &self.resources[i]).collect())
            .unwrap_or_default()
    }

    /// Every resource whose live `attr` points at `target`.
    pub fn related_to(&self, attr: RelationAttr, target: &str) -> Vec<&LiveResource> {
        self.by_relation
            .get(&(attr, target.to_string()))
            .map(|v| v.iter().map(|&i| &self.resources[i]).collect())
            .unwrap_or_default()
    }

    /// Every resource refresh found.
    pub fn iter(&self) -> impl Iterator<Item = &LiveResource> {
        self.resources.iter()
    }

    /// Resources of one type in one region (for "did you mean" candidates).
    pub fn of_type_in(&self, resource_type: ResourceType, region: &str) -> Vec<&LiveResource> {
        self.resources
            .iter()
            .filter(|r| r.resource_type == resource_type && r.region == region)
            .collect()
    }

    /// Records the live tags of (type, id), read for `protect_tags`.
    pub fn set_tags(&mut self, resource_type: ResourceType, id: String, tags: Tags) {
        self.tags.insert((resource_type, id), tags);
    }

    /// The tags refresh read for (type, id), if it read them.
    pub fn tags(&self, resource_type: ResourceType, id: &str) -> Option<&Tags> {
        self.tags.get(&(resource_type, id.to_string()))
    }

    /// The accounts that own what refresh found.
    pub fn accounts(&self) -> std::collections::HashSet<String> {
        self.resources
            .iter()
            .filter_map(|r| r.account_id.clone())
            .collect()
    }

    pub fn len(&self) -> usize {
        self.resources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }
}
