//! What earlier runs remember (the apply journal, a saved plan's pins),
//! and the only two things a plan may conclude from it.
//!
//! Memory is never a source of identity: the manifest's values and live
//! state decide which resource is meant. Memory may only
//! - turn a name that now matches nothing live into "already gone", when
//!   an earlier run resolved that very name (same type, account, region
//!   and name value) to an id that is not found any more (AWS forgets
//!   deleted resources, and a re-run must still finish); and
//! - turn a resource whose delete AWS already accepted, and that is now
//!   in a transitional state, into `wait` instead of a second delete.
//!
//! A remembered id is never made the target of a delete.

use std::collections::{HashMap, HashSet};

use decom_parser::ResourceType;
use sha2::{Digest as _, Sha256};

use crate::live::{Inventory, LiveState};

/// One name an earlier run resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remembered {
    pub resource_type: ResourceType,
    /// The account the resource was in; `None` if it was not known, and
    /// then the entry vouches for nothing.
    pub account: Option<String>,
    pub region: String,
    /// The name value the manifest gave.
    pub name: String,
    pub id: String,
}

/// The id a remembered name was resolved to, and in which account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RememberedId {
    pub account: Option<Box<str>>,
    pub id: Box<str>,
}

/// Everything a plan may learn from earlier runs.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    /// By type, region and name value. Keyed by a digest of the three: a
    /// saved plan's 10,000 names are held through the whole refresh, and
    /// their strings were most of what apply held beyond plan.
    names: HashMap<NameKey, Vec<RememberedId>>,
    accepted: HashSet<(ResourceType, String)>,
}

/// The first 128 bits of the SHA-256 of a type, region and name: names
/// that differ must never share a key (a remembered id would vouch for
/// another name), so a hash made for collisions to be found only by
/// chance.
type NameKey = [u8; 16];

fn name_key(resource_type: ResourceType, region: &str, name: &str) -> NameKey {
    let mut hasher = Sha256::new();
    // Each part's length first: ("ab", "c") and ("a", "bc") differ.
    for part in [resource_type.name(), region, name] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let mut key = [0; 16];
    key.copy_from_slice(&hasher.finalize()[..16]);
    key
}

impl Memory {
    pub fn remember(&mut self, entry: Remembered) {
        let key = name_key(entry.resource_type, &entry.region, &entry.name);
        let id = RememberedId {
            account: entry.account.map(String::into_boxed_str),
            id: entry.id.into_boxed_str(),
        };
        self.add(key, id);
    }

    /// Adds what `later` remembers after what this remembers.
    pub fn absorb(&mut self, later: Memory) {
        for (key, ids) in later.names {
            for id in ids {
                self.add(key, id);
            }
        }
        self.accepted.extend(later.accepted);
    }

    fn add(&mut self, key: NameKey, id: RememberedId) {
        // Almost every name has one resolution: a Vec's first push would
        // reserve four (a saved plan's 10,000 names: 3 MB unused).
        let same = self
            .names
            .entry(key)
            .or_insert_with(|| Vec::with_capacity(1));
        if !same.contains(&id) {
            same.push(id);
        }
    }

    /// Lets go of the remembered names once every name is resolved: the
    /// rest of planning asks only [`Self::delete_accepted`].
    pub fn forget_names(&mut self) {
        self.names = HashMap::new();
    }

    /// AWS accepted a delete request for `id`.
    pub fn remember_delete_accepted(&mut self, resource_type: ResourceType, id: String) {
        self.accepted.insert((resource_type, id));
    }

    /// Whether a delete of `id` was already accepted by AWS.
    pub fn delete_accepted(&self, resource_type: ResourceType, id: &str) -> bool {
        self.accepted.contains(&(resource_type, id.to_string()))
    }

    /// Every earlier resolution of `name` (of `resource_type` in
    /// `region`), whatever its account: for telling the user why it did
    /// not count.
    pub fn remembered<'m>(
        &'m self,
        resource_type: ResourceType,
        region: &str,
        name: &str,
    ) -> impl Iterator<Item = &'m RememberedId> {
        let key = name_key(resource_type, region, name);
        self.names.get(&key).into_iter().flatten()
    }

    /// An earlier resolution of `name` (of `resource_type` in `region`)
    /// whose id AWS no longer knows: the resource is gone. `accounts`
    /// are the accounts the name may be in (the caller's, or what live
    /// state and the provider's guard tell); an entry of another account
    /// never counts. An id that is still live never counts either: a name
    /// that matches nothing while its remembered id lives means the
    /// memory is wrong, not that the resource is gone.
    pub fn gone_by_name<'m>(
        &'m self,
        resource_type: ResourceType,
        region: &str,
        name: &str,
        accounts: &AccountScope<'_>,
        inventory: &Inventory,
    ) -> Option<&'m RememberedId> {
        self.remembered(resource_type, region, name).find(|m| {
            m.account.as_deref().is_some_and(|a| accounts.admits(a))
                && inventory
                    .get(resource_type, &m.id)
                    .is_none_or(|l| l.state == LiveState::Gone)
        })
    }
}

/// Which accounts a resource may be in, as far as the plan can tell
/// before caller identity is known: the accounts of what live state
/// shows (the caller's list calls return the caller's resources),
/// narrowed by the provider's `allowed_account_ids`. When nothing live is
/// seen the account is unknown, and no memory counts: a false "already
/// gone" under another account's credentials would be a false success.
#[derive(Debug, Clone, Copy)]
pub struct AccountScope<'a> {
    seen: &'a HashSet<String>,
    /// `allowed_account_ids`; empty: no guard.
    allowed: &'a [String],
}

impl<'a> AccountScope<'a> {
    pub fn new(seen: &'a HashSet<String>, allowed: &'a [String]) -> AccountScope<'a> {
        AccountScope { seen, allowed }
    }

    fn admits(&self, account: &str) -> bool {
        self.seen.contains(account)
            && (self.allowed.is_empty() || self.allowed.iter().any(|a| a == account))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::LiveResource;

    fn live(id: &str, name: &str, account: &str, state: LiveState) -> LiveResource {
        LiveResource {
            resource_type: ResourceType::SupplyChainInstance,
            region: "us-east-1".into(),
            id: id.into(),
            name: name.into(),
            account_id: Some(account.into()),
            status: String::new(),
            state,
            relations: Vec::new(),
        }
    }

    fn memory_of_alpha(account: Option<&str>) -> Memory {
        let mut memory = Memory::default();
        memory.remember(Remembered {
            resource_type: ResourceType::SupplyChainInstance,
            account: account.map(str::to_string),
            region: "us-east-1".into(),
            name: "alpha".into(),
            id: "id-alpha".into(),
        });
        memory
    }

    fn gone(memory: &Memory, name: &str, inventory: &Inventory, allowed: &[String]) -> bool {
        let ty = ResourceType::SupplyChainInstance;
        let seen = inventory.accounts();
        let scope = AccountScope::new(&seen, allowed);
        memory
            .gone_by_name(ty, "us-east-1", name, &scope, inventory)
            .is_some()
    }

    #[test]
    fn names_whose_parts_split_differently_are_different_names() {
        let ty = ResourceType::SupplyChainInstance;
        assert_ne!(name_key(ty, "ab", "c"), name_key(ty, "a", "bc"));
        assert_ne!(
            name_key(ty, "r", "n"),
            name_key(ResourceType::DxConnection, "r", "n")
        );
        let memory = memory_of_alpha(Some("111111111111"));
        assert_eq!(memory.remembered(ty, "us-east-1", "alpha").count(), 1);
        assert_eq!(memory.remembered(ty, "us-east-", "1alpha").count(), 0);
    }

    #[test]
    fn forgotten_names_vouch_for_nothing() {
        let mut memory = memory_of_alpha(Some("111111111111"));
        memory.forget_names();
        let other = Inventory::new([live("id-x", "x", "111111111111", LiveState::Deletable)]);
        assert!(!gone(&memory, "alpha", &other, &[]));
    }

    #[test]
    fn only_the_same_name_account_and_region_with_an_unknown_id_is_gone() {
        let memory = memory_of_alpha(Some("111111111111"));
        let other = Inventory::new([live("id-x", "x", "111111111111", LiveState::Deletable)]);
        assert!(gone(&memory, "alpha", &other, &[]));
        assert!(!gone(&memory, "beta", &other, &[]), "another name");
        let elsewhere = Inventory::new([live("id-x", "x", "222222222222", LiveState::Deletable)]);
        assert!(!gone(&memory, "alpha", &elsewhere, &[]), "another account");
        assert!(
            !gone(&memory, "alpha", &other, &["222222222222".to_string()]),
            "not an allowed account"
        );
        assert!(
            !gone(&memory, "alpha", &Inventory::default(), &[]),
            "nothing live: the account is unknown"
        );
        let still_live = Inventory::new([live(
            "id-alpha",
            "renamed",
            "111111111111",
            LiveState::Deletable,
        )]);
        assert!(!gone(&memory, "alpha", &still_live, &[]), "the id lives");
        assert!(
            !gone(&memory_of_alpha(None), "alpha", &other, &[]),
            "no account"
        );
    }
}
