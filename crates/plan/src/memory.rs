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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remembered<'a> {
    pub resource_type: ResourceType,
    /// The account the resource was in; `None` if it was not known, and
    /// then the entry vouches for nothing.
    pub account: Option<&'a str>,
    pub region: &'a str,
    /// The name value the manifest gave.
    pub name: &'a str,
    pub id: &'a str,
}

/// The id a remembered name was resolved to, and in which account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RememberedId<'m> {
    pub account: Option<&'m str>,
    pub id: &'m str,
}

/// Everything a plan may learn from earlier runs.
///
/// A saved plan's 10,000 names are held from after the refresh until
/// they are resolved, in three allocations, not three per name: as small
/// strings they were about 2 MB, in 30,000 allocations.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    /// Each name's first resolution in `resolutions`, by type, region and
    /// name value (digested: the names themselves are not needed).
    names: HashMap<NameKey, u32>,
    resolutions: Vec<Resolution>,
    /// The accounts and ids of `resolutions`, end to end.
    text: String,
    accepted: HashSet<(ResourceType, String)>,
}

/// Where one resolution's account and id are in [`Memory::text`], and
/// the same name's next resolution (almost every name has one).
#[derive(Debug, Clone, Copy)]
struct Resolution {
    start: u32,
    /// `text[start..account_end]` is the account, if one was known.
    account_end: Option<u32>,
    /// The id is `text[account_end or start..end]`.
    end: u32,
    next: Option<u32>,
}

/// The most resolutions one name keeps. Each new one is compared with
/// those kept, so a journal of N lines naming one name with N ids (a
/// hostile or runaway one) cost N^2 without a bound. A name resolved
/// again and again keeps its first: the oldest ids are the likeliest to
/// be gone, and one gone id is all [`Memory::gone_by_name`] needs.
/// Dropping one only ever fails closed ("no X named", never a false
/// "gone").
const RESOLUTIONS_PER_NAME: usize = 16;

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
    pub fn remember(&mut self, entry: Remembered<'_>) {
        let key = name_key(entry.resource_type, entry.region, entry.name);
        self.add(key, entry.account, entry.id);
    }

    /// Gives back the room grown for names not added: after the last
    /// name of a read that could not know their number beforehand.
    pub fn shrink_to_fit(&mut self) {
        self.names.shrink_to_fit();
        self.resolutions.shrink_to_fit();
        self.text.shrink_to_fit();
    }

    /// Adds what `later` remembers after what this remembers. When this
    /// remembers no name, `later`'s are taken as they are: copied, they
    /// would grow by doubling where `later` may have been sized to fit.
    pub fn absorb(&mut self, mut later: Memory) {
        if self.names.is_empty() {
            later.accepted.extend(std::mem::take(&mut self.accepted));
            *self = later;
            return;
        }
        for (&key, &first) in &later.names {
            for id in later.chain(Some(first)) {
                self.add(key, id.account, id.id);
            }
        }
        self.accepted.extend(later.accepted);
        self.shrink_to_fit();
    }

    /// Adds a resolution of the name `key` unless it is already there.
    /// Past [`RESOLUTIONS_PER_NAME`] resolutions of one name, or 4 GiB of
    /// text, nothing more is remembered: memory only ever helps a re-run.
    fn add(&mut self, key: NameKey, account: Option<&str>, id: &str) {
        let first = self.names.get(&key).copied();
        let (mut last, mut kept) = (None, 0);
        for (at, known) in self.indexed_chain(first) {
            if known == (RememberedId { account, id }) {
                return;
            }
            (last, kept) = (Some(at), kept + 1);
        }
        if kept >= RESOLUTIONS_PER_NAME {
            return;
        }
        let Some(resolution) = self.push_text(account, id) else {
            return;
        };
        let Ok(at) = u32::try_from(self.resolutions.len()) else {
            return;
        };
        self.resolutions.push(resolution);
        match last.and_then(|last| self.resolutions.get_mut(last as usize)) {
            Some(last) => last.next = Some(at),
            None => {
                self.names.insert(key, at);
            }
        }
    }

    fn push_text(&mut self, account: Option<&str>, id: &str) -> Option<Resolution> {
        let start = self.text.len();
        let account_end = account.map(|a| start + a.len());
        let end = account_end.unwrap_or(start) + id.len();
        let resolution = Resolution {
            start: u32::try_from(start).ok()?,
            account_end: account_end.map(u32::try_from).transpose().ok()?,
            end: u32::try_from(end).ok()?,
            next: None,
        };
        self.text.extend(account);
        self.text.push_str(id);
        Some(resolution)
    }

    /// `None` only if `r` does not lie in the text, which `push_text`
    /// rules out: never an empty id, which no live resource has and which
    /// would therefore count as gone.
    fn id_of(&self, r: &Resolution) -> Option<RememberedId<'_>> {
        let text = |from: u32, to: u32| self.text.get(from as usize..to as usize);
        let account = match r.account_end {
            Some(end) => Some(text(r.start, end)?),
            None => None,
        };
        let id = text(r.account_end.unwrap_or(r.start), r.end)?;
        Some(RememberedId { account, id })
    }

    /// The resolutions from `first` on, in the order they were added.
    fn indexed_chain(&self, first: Option<u32>) -> impl Iterator<Item = (u32, RememberedId<'_>)> {
        std::iter::successors(first, |&at| {
            self.resolutions.get(at as usize).and_then(|r| r.next)
        })
        .filter_map(|at| Some((at, self.id_of(self.resolutions.get(at as usize)?)?)))
    }

    fn chain(&self, first: Option<u32>) -> impl Iterator<Item = RememberedId<'_>> {
        self.indexed_chain(first).map(|(_, id)| id)
    }

    /// Lets go of the remembered names once every name is resolved: the
    /// rest of planning asks only [`Self::delete_accepted`].
    pub fn forget_names(&mut self) {
        self.names = HashMap::new();
        self.resolutions = Vec::new();
        self.text = String::new();
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
    ) -> impl Iterator<Item = RememberedId<'m>> {
        let key = name_key(resource_type, region, name);
        self.chain(self.names.get(&key).copied())
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
    ) -> Option<RememberedId<'m>> {
        self.remembered(resource_type, region, name).find(|m| {
            m.account.is_some_and(|a| accounts.admits(a))
                && inventory
                    .get(resource_type, m.id)
                    .is_none_or(|l| l.state == LiveState::Gone)
        })
    }
}

/// Which account a resource may be in: the one STS says its provider's
/// credentials are for; before (or without) caller identity, the
/// accounts of what live state shows (the caller's list calls return the
/// caller's resources); narrowed by the provider's `allowed_account_ids`.
/// When nothing tells the account, no memory counts: a false "already
/// gone" under another account's credentials would be a false success.
#[derive(Debug, Clone, Copy)]
pub struct AccountScope<'a> {
    /// The provider's caller account, when STS said it.
    caller: Option<&'a str>,
    /// What live state shows, of every provider's accounts.
    seen: &'a HashSet<String>,
    /// `allowed_account_ids`; empty: no guard.
    allowed: &'a [String],
}

impl<'a> AccountScope<'a> {
    pub fn new(seen: &'a HashSet<String>, allowed: &'a [String]) -> AccountScope<'a> {
        AccountScope {
            caller: None,
            seen,
            allowed,
        }
    }

    /// The scope of a provider whose credentials STS says are for
    /// `caller`: that account only. What live state shows is of every
    /// provider: another provider's account there made an entry of it
    /// "already gone" for this one.
    pub fn of_caller(self, caller: Option<&'a str>) -> AccountScope<'a> {
        AccountScope { caller, ..self }
    }

    fn admits(&self, account: &str) -> bool {
        let known = match self.caller {
            Some(caller) => caller == account,
            None => self.seen.contains(account),
        };
        known && (self.allowed.is_empty() || self.allowed.iter().any(|a| a == account))
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
            account,
            region: "us-east-1",
            name: "alpha",
            id: "id-alpha",
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
    fn a_name_keeps_each_distinct_resolution_once_in_the_order_learned() {
        let ty = ResourceType::SupplyChainInstance;
        let of = |account, id| Remembered {
            resource_type: ty,
            account,
            region: "us-east-1",
            name: "alpha",
            id,
        };
        let mut journal = Memory::default();
        journal.remember(of(Some("111111111111"), "id-1"));
        journal.remember(of(None, "id-1"));
        journal.remember(of(Some("111111111111"), "id-1"));
        let mut saved_plan = memory_of_alpha(Some("222222222222"));
        saved_plan.remember(of(Some("111111111111"), "id-1"));
        saved_plan.remember(of(Some("111111111111"), "id-2"));
        journal.absorb(saved_plan);
        let seen: Vec<_> = journal.remembered(ty, "us-east-1", "alpha").collect();
        let id = |account, id| RememberedId { account, id };
        assert_eq!(
            seen,
            [
                id(Some("111111111111"), "id-1"),
                id(None, "id-1"),
                id(Some("222222222222"), "id-alpha"),
                id(Some("111111111111"), "id-2"),
            ]
        );
        let mut empty = Memory::default();
        empty.remember_delete_accepted(ty, "id-9".into());
        empty.absorb(journal.clone());
        assert!(empty.remembered(ty, "us-east-1", "alpha").eq(seen));
        assert!(
            empty.delete_accepted(ty, "id-9"),
            "kept when taking the other's names"
        );
    }

    #[test]
    fn a_name_resolved_again_and_again_keeps_its_first_resolutions_only() {
        let ty = ResourceType::SupplyChainInstance;
        let mut memory = Memory::default();
        let ids: Vec<String> = (0..1000).map(|i| format!("id-{i}")).collect();
        for id in &ids {
            memory.remember(Remembered {
                resource_type: ty,
                account: Some("111111111111"),
                region: "us-east-1",
                name: "alpha",
                id,
            });
        }
        let kept: Vec<&str> = memory
            .remembered(ty, "us-east-1", "alpha")
            .map(|m| m.id)
            .collect();
        let first: Vec<&str> = ids
            .iter()
            .take(RESOLUTIONS_PER_NAME)
            .map(String::as_str)
            .collect();
        assert_eq!(kept, first);
        // The first, gone, still vouches; a later one live changes nothing.
        let inventory =
            Inventory::new([live("id-999", "beta", "111111111111", LiveState::Deletable)]);
        assert!(gone(&memory, "alpha", &inventory, &[]));
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
