//! Where each resource lives: its region and the credentials profile its
//! provider reads with. Computed once per manifest ([`Placements::new`])
//! and read by refresh, resolution, the sandbox's seeding and apply, and
//! stored on each planned resource: no part of decom works it out again.

use std::collections::HashMap;
use std::sync::Arc;

use decom_parser::{Address, IdentityKind, Knowable, Manifest, ResourceInstance};

/// The region and profile of one resource.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Placement {
    pub region: String,
    /// `None`: the standard credentials chain's default.
    pub profile: Option<String>,
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
}

fn place(manifest: &Manifest, r: &ResourceInstance, defaults: Defaults<'_>) -> Option<Placement> {
    let provider = manifest.provider(&r.provider);
    let region = arn_region(r)
        .or_else(|| provider.and_then(|p| p.region.clone()))
        .or_else(|| defaults.region.map(str::to_string))?;
    let profile = provider
        .and_then(|p| p.profile.clone())
        .or_else(|| defaults.profile.map(str::to_string));
    Some(Placement { region, profile })
}

/// The region in a resource's ARN identity, when the manifest gives one.
fn arn_region(r: &ResourceInstance) -> Option<String> {
    let (IdentityKind::Arn, Knowable::Known(arn)) = (r.identity.kind, &r.identity.value) else {
        return None;
    };
    let region = arn.split(':').nth(3).filter(|s| !s.is_empty())?;
    Some(region.to_string())
}
