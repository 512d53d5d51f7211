//! Step 1: which live resource each manifest resource means, and the
//! values of its relation attributes, with references known only after
//! refresh filled in.

use std::collections::HashMap;

use decom_parser::{
    Address, Diagnostic, IdentityKind, Knowable, Manifest, RelationAttr, ResourceInstance,
    ResourceType, Span,
};

use decom_kinds::{composite, NameMeans};

use crate::live::{Inventory, LiveResource, LiveState};
use crate::memory::{AccountScope, Memory};

/// What a reference known only after refresh comes to.
enum Referenced {
    Value(String),
    /// The referenced resource is not resolved yet.
    Pending,
    /// The referenced resource does not exist (any more).
    Absent(Address),
    Invalid(String),
}

/// A relation attribute's declared value, resolved.
#[derive(Debug, Clone)]
pub struct DeclaredRelation {
    pub attr: RelationAttr,
    /// `None` when it references a resource that does not exist live, so
    /// there is nothing to compare.
    pub value: Option<String>,
    pub span: Span,
    /// Derived from a `sensitive` variable (see [`decom_parser::Relation`]).
    pub sensitive: bool,
}

#[derive(Debug, Clone)]
struct Resolved {
    live: Option<LiveResource>,
    relations: Vec<DeclaredRelation>,
    /// The other live revisions a name of [`NameMeans::AllRevisions`]
    /// means besides `live` (its latest), oldest first.
    revisions: Vec<LiveResource>,
}

/// The outcome of resolution for every manifest resource.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    entries: HashMap<Address, Resolved>,
    by_live_id: HashMap<(ResourceType, String), Address>,
}

impl Resolution {
    /// The live resource `address` means; `None` if not found.
    pub fn live(&self, address: &Address) -> Option<&LiveResource> {
        self.entries.get(address)?.live.as_ref()
    }

    /// Takes out the live resource `address` means: after this,
    /// [`Self::live`] says `None` for it.
    pub fn take_live(&mut self, address: &Address) -> Option<LiveResource> {
        self.entries.get_mut(address)?.live.take()
    }

    /// The manifest resource that means the live resource `id`.
    pub fn address_of(&self, resource_type: ResourceType, id: &str) -> Option<&Address> {
        self.by_live_id.get(&(resource_type, id.to_string()))
    }

    /// The other live revisions `address` means besides [`Self::live`]:
    /// a name of [`NameMeans::AllRevisions`] means all of them.
    pub fn revisions(&self, address: &Address) -> &[LiveResource] {
        self.entries
            .get(address)
            .map_or(&[], |r| r.revisions.as_slice())
    }

    pub fn declared_relations(&self, address: &Address) -> &[DeclaredRelation] {
        self.entries
            .get(address)
            .map_or(&[], |r| r.relations.as_slice())
    }

    /// Addresses that resolved to a live resource, with it.
    pub fn resolved(&self) -> impl Iterator<Item = (&Address, &LiveResource)> {
        self.entries
            .iter()
            .filter_map(|(a, r)| r.live.as_ref().map(|l| (a, l)))
    }
}

/// Resolves every resource; all problems are returned together.
pub fn resolve(
    manifest: &Manifest,
    inventory: &Inventory,
    request: &super::PlanRequest,
) -> Result<Resolution, Vec<Diagnostic>> {
    let seen = inventory.accounts();
    let find_live = |r: &ResourceInstance, region: &str, value: &str| {
        let allowed = manifest
            .provider(&r.provider)
            .map(|p| p.allowed_account_ids.as_slice())
            .unwrap_or_default();
        let caller = request
            .placements
            .get(&r.address)
            .and_then(|p| p.account.as_deref());
        let accounts = AccountScope::new(&seen, allowed).of_caller(caller);
        let at = At {
            region,
            caller,
            memory: &request.memory,
            accounts: &accounts,
        };
        find_live(inventory, r, value, &at)
    };
    let mut problems = Vec::new();
    let mut resolution = Resolution::default();
    let mut deferred: Vec<(&ResourceInstance, String)> = Vec::new();

    // Identities known from the manifest first; those that reference
    // another resource's live attribute once that one is resolved.
    for r in &manifest.resources {
        let Some(region) = request.placements.get(&r.address).map(|p| p.region.clone()) else {
            problems.push(
                Diagnostic::error(format!("no region for {}", r.address), Some(r.span))
                    .with_label("this resource")
                    .with_help(
                        "set `region` in its provider block, or pass --region / set AWS_REGION",
                    ),
            );
            continue;
        };
        match &r.identity.value {
            Knowable::Known(v) => match find_live(r, &region, v) {
                Ok(live) => match aws_owned(r, live.as_ref()) {
                    Some(refused) => problems.push(refused),
                    None => resolution.insert(r, live),
                },
                Err(d) => problems.push(d),
            },
            Knowable::AfterRefresh(reference) => deferred.push((r, reference.clone())),
        }
    }
    // Each pass resolves at least one deferred identity or stops.
    while !deferred.is_empty() {
        let before = deferred.len();
        let mut still = Vec::new();
        for (r, reference) in deferred {
            match resolution.identity_value(r) {
                Referenced::Value(value) => {
                    let placement = request.placements.get(&r.address);
                    let region = placement.map(|p| p.region.clone()).unwrap_or_default();
                    match find_live(r, &region, &value) {
                        Ok(live) => match aws_owned(r, live.as_ref()) {
                            Some(refused) => problems.push(refused),
                            None => resolution.insert(r, live),
                        },
                        Err(d) => problems.push(d),
                    }
                }
                // A composite whose part names a resource that is gone
                // (a domain of a deleted service) is gone with it.
                Referenced::Absent(_) if r.identity.kind == IdentityKind::Composite => {
                    resolution.insert(r, None)
                }
                Referenced::Absent(address) => {
                    let why = format!("{address} does not exist");
                    problems.push(unresolvable(r.identity.span, &reference, &why));
                }
                Referenced::Invalid(why) => {
                    problems.push(unresolvable(r.identity.span, &reference, &why))
                }
                Referenced::Pending => still.push((r, reference)),
            }
        }
        if still.len() == before {
            for (r, reference) in still {
                problems.push(unresolvable(
                    r.identity.span,
                    &reference,
                    "the referenced resource could not be resolved",
                ));
            }
            break;
        }
        deferred = still;
    }

    for r in &manifest.resources {
        let relations: Vec<DeclaredRelation> = r
            .relations
            .iter()
            .filter_map(|rel| {
                let value = match &rel.value {
                    Knowable::Known(v) => Some(v.clone()),
                    Knowable::AfterRefresh(reference) => {
                        match resolution.reference_value(reference) {
                            Referenced::Value(v) => Some(v),
                            Referenced::Invalid(why) => {
                                problems.push(unresolvable(rel.span, reference, &why));
                                return None;
                            }
                            // Nothing live to compare with: the referenced
                            // resource is gone (or itself failed to resolve).
                            Referenced::Absent(_) | Referenced::Pending => None,
                        }
                    }
                };
                Some(DeclaredRelation {
                    attr: rel.attr,
                    value,
                    span: rel.span,
                    sensitive: rel.sensitive,
                })
            })
            .collect();
        let relations = resolution.keyed(r, relations);
        if let Some(entry) = resolution.entries.get_mut(&r.address) {
            entry.relations = relations;
        }
    }

    resolution.add_revisions(manifest, inventory);
    // An older revision of a name may be what AWS keeps (the default).
    problems.extend(manifest.resources.iter().filter_map(|r| {
        let revisions = resolution.revisions(&r.address);
        revisions.iter().find_map(|l| aws_owned(r, Some(l)))
    }));
    problems.extend(resolution.same_live_resource_twice(manifest));
    if problems.is_empty() {
        Ok(resolution)
    } else {
        Err(problems)
    }
}

impl Resolution {
    fn insert(&mut self, r: &ResourceInstance, live: Option<LiveResource>) {
        self.entries.insert(
            r.address.clone(),
            Resolved {
                live,
                relations: Vec::new(),
                revisions: Vec::new(),
            },
        );
    }

    /// A deferred identity's value: the reference's, or a composite's id
    /// once every part is known.
    fn identity_value(&self, r: &ResourceInstance) -> Referenced {
        if r.identity.kind != IdentityKind::Composite {
            return match &r.identity.value {
                Knowable::Known(v) => Referenced::Value(v.clone()),
                Knowable::AfterRefresh(reference) => self.reference_value(reference),
            };
        }
        let mut parts = Vec::with_capacity(r.identity.parts.len());
        for part in &r.identity.parts {
            match &part.value {
                Knowable::Known(v) => parts.push(v.clone()),
                Knowable::AfterRefresh(reference) => match self.reference_value(reference) {
                    Referenced::Value(v) => parts.push(v),
                    other => return other,
                },
            }
        }
        Referenced::Value(composite::compose(&parts))
    }

    /// Relations whose target has a composite id (a dataset's `namespace`)
    /// compare the id composed from the holder's values (its
    /// `instance_id` and `namespace`), as live state has it.
    fn keyed(
        &self,
        r: &ResourceInstance,
        relations: Vec<DeclaredRelation>,
    ) -> Vec<DeclaredRelation> {
        let ty = r.address.resource_type;
        let value_of = |attr: &str| -> Option<String> {
            if let Some(d) = relations.iter().find(|d| d.attr.name() == attr) {
                return d.value.clone();
            }
            let part = r.identity.parts.iter().find(|p| p.attr == attr)?;
            match &part.value {
                Knowable::Known(v) => Some(v.clone()),
                Knowable::AfterRefresh(reference) => match self.reference_value(reference) {
                    Referenced::Value(v) => Some(v),
                    _ => None,
                },
            }
        };
        relations
            .iter()
            .map(|d| {
                let keyed = ty.relation(d.attr).filter(|rel| !rel.target_key.is_empty());
                let value = match keyed {
                    Some(rel) => d.value.as_ref().and_then(|_| rel.target_id(value_of)),
                    None => d.value.clone(),
                };
                DeclaredRelation { value, ..d.clone() }
            })
            .collect()
    }

    /// The value of `TYPE.NAME[KEY].ATTR` from the referenced resource's
    /// live facts.
    fn reference_value(&self, reference: &str) -> Referenced {
        let Some((address, attr)) = decom_parser::split_reference(reference) else {
            return Referenced::Invalid(format!(
                "`{reference}` is not a resource attribute reference"
            ));
        };
        let Some(entry) = self.entries.get(&address) else {
            return Referenced::Pending;
        };
        let Some(live) = &entry.live else {
            return Referenced::Absent(address);
        };
        let arn_identified = address.resource_type.id_attribute() == "arn";
        match attr {
            "name" => Referenced::Value(live.name.clone()),
            "id" => Referenced::Value(live.id.clone()),
            "arn" if arn_identified => Referenced::Value(live.id.clone()),
            other => Referenced::Invalid(format!(
                "decom does not read `{other}` of {address} from live state"
            )),
        }
    }

    /// For each `name` of [`NameMeans::AllRevisions`], the live revisions
    /// of that name (same account and region) other than the latest.
    fn add_revisions(&mut self, manifest: &Manifest, inventory: &Inventory) {
        for r in &manifest.resources {
            let ty = r.address.resource_type;
            if r.identity.kind != IdentityKind::Name
                || ty.kind().name_means != NameMeans::AllRevisions
            {
                continue;
            }
            let Some(entry) = self.entries.get_mut(&r.address) else {
                continue;
            };
            let Some(latest) = entry.live.as_ref().filter(|l| l.state != LiveState::Gone) else {
                continue;
            };
            let mut others: Vec<LiveResource> = inventory
                .named(ty, &latest.region, &latest.name)
                .into_iter()
                .filter(|l| l.state != LiveState::Gone && l.id != latest.id)
                .filter(|l| l.account_id == latest.account_id)
                .cloned()
                .collect();
            others.sort_by_key(|l| (ty.revision_of(&l.id), l.id.clone()));
            entry.revisions = others;
        }
    }

    /// Two manifest resources that mean the same live resource (a name
    /// meaning all revisions means each of them).
    fn same_live_resource_twice(&mut self, manifest: &Manifest) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for r in &manifest.resources {
            let Some(entry) = self.entries.get(&r.address) else {
                continue;
            };
            let meant: Vec<(ResourceType, String)> = entry
                .live
                .iter()
                .chain(&entry.revisions)
                .map(|l| (l.resource_type, l.id.clone()))
                .collect();
            for key in meant {
                problems.extend(self.claim(r, key));
            }
        }
        problems
    }

    /// Records that `r` means the live resource `key`, or the problem if
    /// another block already does.
    fn claim(&mut self, r: &ResourceInstance, key: (ResourceType, String)) -> Option<Diagnostic> {
        if let Some(first) = self.by_live_id.get(&key) {
            return Some(
                Diagnostic::error(
                    format!("{} and {first} both name {}", r.address, key.1),
                    Some(r.identity.span),
                )
                .with_label("same live resource as another block")
                .with_help(format!(
                    "remove one of the two blocks (the other is {first})"
                )),
            );
        }
        self.by_live_id.insert(key, r.address.clone());
        None
    }
}

/// Where a resource is looked for: its region, the account its
/// provider's credentials act in, and what earlier runs remember.
struct At<'a> {
    region: &'a str,
    /// `None` when caller identity is unknown (plans made without STS).
    caller: Option<&'a str>,
    memory: &'a Memory,
    accounts: &'a AccountScope<'a>,
}

/// The live resource an identity value names. `Ok(None)`: not found by
/// ARN/id (already gone). A name must match exactly one live resource,
/// or nothing where [`Memory`] knows it is gone. An ARN or id of another
/// account than the caller's is an error: that provider's credentials
/// could never see it, so "already gone" would be a false success.
fn find_live(
    inventory: &Inventory,
    r: &ResourceInstance,
    value: &str,
    at: &At<'_>,
) -> Result<Option<LiveResource>, Diagnostic> {
    let (region, memory, accounts) = (at.region, at.memory, at.accounts);
    let ty = r.address.resource_type;
    if r.identity.kind != IdentityKind::Name {
        let live = inventory.get(ty, value);
        let owner = live
            .and_then(|l| l.account_id.clone())
            .or_else(|| arn_account(r, value));
        return match (at.caller, owner) {
            (Some(caller), Some(owner)) if caller != owner => {
                Err(foreign_account(r, value, &owner, caller))
            }
            _ => Ok(live.cloned()),
        };
    }
    let matches: Vec<&LiveResource> = inventory
        .named(ty, region, value)
        .into_iter()
        .filter(|l| l.visible_to(at.caller))
        .collect();
    let present: Vec<&&LiveResource> = matches
        .iter()
        .filter(|l| l.state != LiveState::Gone)
        .collect();
    let all_revisions = ty.kind().name_means == NameMeans::AllRevisions;
    match (present.as_slice(), matches.first()) {
        ([one], _) => Ok(Some((**one).clone())),
        // The latest stands for the name; `add_revisions` adds the others.
        // Only within one account: the same name in two is two configurations.
        (several, _) if all_revisions && !several.is_empty() && one_account(several) => {
            let latest = several.iter().max_by_key(|l| ty.revision_of(&l.id));
            Ok(latest.map(|l| (**l).clone()))
        }
        ([], Some(gone)) => Ok(Some((*gone).clone())),
        // Resolved by an earlier run and since forgotten by AWS: gone.
        ([], None)
            if memory
                .gone_by_name(ty, region, value, accounts, inventory)
                .is_some() =>
        {
            Ok(None)
        }
        ([], None) => {
            let mut names: Vec<&str> = inventory
                .of_type_in(ty, region)
                .iter()
                .filter(|l| l.state != LiveState::Gone && l.visible_to(at.caller))
                .map(|l| l.name.as_str())
                .collect();
            names.sort();
            names.dedup();
            let remembered = memory.remembered(ty, region, value).next();
            let help = if let Some(m) = remembered {
                let account = m.account.unwrap_or("unknown");
                let these = match at.caller {
                    Some(caller) => format!("these credentials are for account {caller}"),
                    None => "nothing live shows that these credentials are for that account".into(),
                };
                format!(
                    "an earlier run resolved this name to {} in account {account}, but {these}, \
                     so the earlier deletion does not count as proof it is gone here; if it is, \
                     remove this block",
                    m.id
                )
            } else if names.is_empty() {
                format!("there is no live {ty} in {region}; if it was deleted already, remove this block")
            } else if r.identity.sensitive {
                // A live name may hold the right secret when the value given was wrong.
                format!("the name is derived from a sensitive variable, so the live {ty} names in {region} are not listed; check the variable's value")
            } else {
                // Quoted with escapes: a live name is anyone's free text, and
                // control characters in it must not reach the terminal.
                let shown: Vec<_> = names.iter().take(10).map(|n| format!("{n:?}")).collect();
                let more = names.len().saturating_sub(10);
                let more = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                format!("live {ty} names in {region}: {}{more}", shown.join(", "))
            };
            Err(Diagnostic::error(
                format!("{}: no {ty} named \"{value}\" in {region}", r.address),
                Some(r.identity.span),
            )
            .with_label("matches no live resource")
            .with_help(help))
        }
        (several, _) => {
            let ids: Vec<String> = several.iter().map(|l| l.id.clone()).collect();
            Err(Diagnostic::error(
                format!(
                    "{}: {} live {ty} resources are named \"{value}\" in {region}: {}",
                    r.address,
                    several.len(),
                    ids.join(", ")
                ),
                Some(r.identity.span),
            )
            .with_label("matches more than one live resource")
            .with_help(format!(
                "identify it by `{}` instead of `name`",
                ty.id_attribute()
            )))
        }
    }
}

/// Whether every one of `live` is in the same account (or none says).
fn one_account(live: &[&&LiveResource]) -> bool {
    live.windows(2)
        .all(|pair| pair[0].account_id == pair[1].account_id)
}

/// The account an ARN names, or the first ARN part of a composite id (a
/// custom domain's service); `None` for ids, which carry none.
fn arn_account(r: &ResourceInstance, value: &str) -> Option<String> {
    let arn = match r.identity.kind {
        IdentityKind::Arn => value,
        IdentityKind::Composite => {
            let parts = r.address.resource_type.split_id(value)?;
            parts
                .into_iter()
                .map(|(_, v)| v)
                .find(|v| v.starts_with("arn:"))?
        }
        IdentityKind::Id | IdentityKind::Name => return None,
    };
    let account = arn.split(':').nth(4).filter(|a| !a.is_empty())?;
    Some(account.to_string())
}

/// A block that resolved to what AWS keeps: a Supply Chain instance's
/// `default` namespace (its name a reference known only after refresh),
/// refused as validate refuses the name written out; or the region's
/// default auto scaling configuration, which was left out of the list
/// and so "already gone". AWS refuses the delete of either.
fn aws_owned(r: &ResourceInstance, live: Option<&LiveResource>) -> Option<Diagnostic> {
    let live = live.filter(|l| l.is_aws_kept())?;
    let ty = r.address.resource_type;
    let (why, help) = if live.status == decom_kinds::ACCOUNT_DEFAULT {
        (
            format!("{} is the default {ty} of {}: AWS refuses to delete it", live.id, live.region),
            "make another configuration the default first (UpdateDefaultAutoScalingConfiguration), or remove this block",
        )
    } else {
        (
            format!("`{}` is a {ty} that AWS owns: it is deleted only with its parent, never on its own", live.name),
            "remove this block; the plan shows what goes with its parent",
        )
    };
    Some(
        Diagnostic::error(format!("{}: {why}", r.address), Some(r.identity.span))
            .with_label("resolves to one AWS keeps")
            .with_help(help),
    )
}

fn foreign_account(r: &ResourceInstance, value: &str, owner: &str, caller: &str) -> Diagnostic {
    let provider = match &r.provider {
        Some(alias) => format!("aws.{alias}"),
        None => "aws".to_string(),
    };
    Diagnostic::error(
        format!(
            "{}: {value} is in account {owner}, but provider {provider} acts in account {caller}",
            r.address
        ),
        Some(r.identity.span),
    )
    .with_label("in another account")
    .with_help(format!(
        "use a provider whose credentials act in {owner} (a profile or assume_role), or correct the {}",
        r.address.resource_type.id_attribute()
    ))
}

fn unresolvable(span: Span, reference: &str, why: &str) -> Diagnostic {
    Diagnostic::error(format!("cannot resolve `{reference}`: {why}"), Some(span))
        .with_label("known only after refresh")
}
