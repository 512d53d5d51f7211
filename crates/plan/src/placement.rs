//! Where each resource lives: its region, the credentials its provider
//! acts with (profile and assumed role) and, once STS has said, the
//! account those credentials act in. Computed once per manifest
//! ([`Placements::new`], then [`Placements::set_accounts`] after caller
//! identity) and read by refresh, resolution, the sandbox's seeding and
//! apply, and stored on each planned resource: no part of decom works it
//! out again.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use decom_parser::{Address, AssumeRole, IdentityKind, Knowable, Manifest, ResourceInstance};

/// The region, credentials and account of one resource.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Placement {
    pub region: String,
    /// `None`: the standard credentials chain's default.
    pub profile: Option<String>,
    /// The provider's `assume_role`, if any.
    pub role: Option<AssumeRole>,
    /// The account the credentials act in (STS GetCallerIdentity);
    /// `None` until asked.
    pub account: Option<String>,
}

impl Placement {
    /// Who the requests of this placement are made as.
    pub fn principal(&self) -> Principal {
        Principal {
            profile: self.profile.clone(),
            role: self.role.clone(),
        }
    }
}

/// A provider's credentials: a profile of the standard chain, and the
/// role assumed with them, if any. One GetCallerIdentity each.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Principal {
    pub profile: Option<String>,
    pub role: Option<AssumeRole>,
}

/// What applies where the manifest says nothing: `--region` (or
/// `AWS_REGION`, the profile's region) and `--profile` (or `AWS_PROFILE`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Defaults<'a> {
    pub region: Option<&'a str>,
    pub profile: Option<&'a str>,
}

/// The placement of every resource of a manifest that has a region.
/// Cheap to clone (shared): refresh and the plan request hold the same.
#[derive(Debug, Clone, Default)]
pub struct Placements {
    by_address: Arc<HashMap<Address, Placement>>,
}

impl Placements {
    /// A resource's region is its ARN's, else its provider's, else the
    /// default; its profile is its provider's, else the default. A
    /// resource with no region anywhere has no placement (the plan
    /// reports it).
    pub fn new(manifest: &Manifest, defaults: Defaults<'_>) -> Placements {
        let by_address = manifest
            .resources
            .iter()
            .filter_map(|r| Some((r.address.clone(), place(manifest, r, defaults)?)))
            .collect();
        Placements {
            by_address: Arc::new(by_address),
        }
    }

    pub fn get(&self, address: &Address) -> Option<&Placement> {
        self.by_address.get(address)
    }

    /// Every principal the manifest's resources act as, each with a
    /// region to ask STS in (the first of its placements).
    pub fn principals(&self) -> BTreeMap<Principal, String> {
        let mut out = BTreeMap::new();
        for p in self.by_address.values() {
            let region = out.entry(p.principal()).or_insert_with(|| p.region.clone());
            if p.region < *region {
                region.clone_from(&p.region);
            }
        }
        out
    }

    /// Records the account each principal acts in.
    pub fn set_accounts(&mut self, accounts: &BTreeMap<Principal, String>) {
        for p in Arc::make_mut(&mut self.by_address).values_mut() {
            p.account = accounts.get(&p.principal()).cloned();
        }
    }
}

fn place(manifest: &Manifest, r: &ResourceInstance, defaults: Defaults<'_>) -> Option<Placement> {
    let provider = manifest.provider(&r.provider);
    let region = arn_region(r)
        .or_else(|| provider.and_then(|p| p.region.clone()))
        .or_else(|| defaults.region.map(str::to_string))?;
    let profile = provider
        .and_then(|p| p.profile.clone())
        .or_else(|| defaults.profile.map(str::to_string));
    let role = provider.and_then(|p| p.assume_role.clone());
    Some(Placement {
        region,
        profile,
        role,
        account: None,
    })
}

/// The region in a resource's ARN identity, or in the first ARN part of a
/// composite one (a custom domain's service), when the manifest gives one.
fn arn_region(r: &ResourceInstance) -> Option<String> {
    let arn = match (r.identity.kind, &r.identity.value) {
        (IdentityKind::Arn, Knowable::Known(arn)) => arn,
        (IdentityKind::Composite, _) => r.identity.parts.iter().find_map(|p| match &p.value {
            Knowable::Known(v) if v.starts_with("arn:") => Some(v),
            _ => None,
        })?,
        _ => return None,
    };
    let region = arn.split(':').nth(3).filter(|s| !s.is_empty())?;
    Some(region.to_string())
}
