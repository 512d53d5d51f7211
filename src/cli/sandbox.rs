//! `--sandbox`: plan (and later apply) against an in-process simulator
//! seeded from the manifest itself, so a team can rehearse a teardown
//! without credentials and without touching anything real.
//!
//! Every declared resource is seeded in its deletable steady state, with
//! the identity the manifest gives (ARN, id or name; generated where the
//! manifest leaves it to live state) and the relations the manifest
//! declares.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use decom_aws::StaticCredentials;
use decom_kinds::{IdShape, Relation};
use decom_parser::{
    split_reference, Address, IdentityKind, Knowable, Manifest, ResourceInstance, ResourceType,
};
use decom_plan::Placements;
use decom_sim::{Sim, SimConfig, SimHandle, SimState};

pub const BANNER: &str = "SANDBOX: planning against an in-process AWS simulator seeded from the manifest. Nothing real is read or touched.";

const DEFAULT_ACCOUNT: &str = "123456789012";
/// The region of resources whose manifest names none.
pub const REGION: &str = "us-east-1";

/// Credentials the sandbox's clients sign with (the simulator ignores them).
pub fn credentials() -> StaticCredentials {
    StaticCredentials {
        access_key_id: "AKIDSANDBOX000000000".into(),
        secret_access_key: "sandbox".into(),
    }
}

/// Starts the simulator on 127.0.0.1, port 0, seeded from `manifest`.
pub async fn start(manifest: &Manifest, placements: &Placements) -> Result<SimHandle, String> {
    let config = SimConfig {
        account_id: account_of(manifest),
        time_scale: 0.001,
        initial_state: Some(seed(manifest, placements)?),
        ..SimConfig::default()
    };
    Sim::start(config)
        .await
        .map_err(|e| format!("cannot start the sandbox simulator: {e}"))
}

/// The simulated account: one the manifest allows, or the one its ARNs name.
fn account_of(manifest: &Manifest) -> String {
    let allowed = manifest
        .providers
        .iter()
        .find_map(|p| p.allowed_account_ids.first().cloned());
    let from_arn = || {
        manifest
            .resources
            .iter()
            .find_map(|r| match &r.identity.value {
                Knowable::Known(v) if r.identity.kind == IdentityKind::Arn => v
                    .split(':')
                    .nth(4)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string),
                _ => None,
            })
    };
    allowed
        .or_else(from_arn)
        .unwrap_or_else(|| DEFAULT_ACCOUNT.into())
}

/// A seed entry per manifest resource that has a placement. Written as
/// the simulator's state file entries, whose fields are the manifest's
/// attribute names (`arn`/`id`, and each relation attribute): the kinds
/// table says which a type has, and the simulator refuses a field it does
/// not know, so a kind the simulator cannot seed fails the sandbox's test.
pub fn seed(manifest: &Manifest, placements: &Placements) -> Result<SimState, String> {
    let account = account_of(manifest);
    // Identities first (references may point forward), then relations.
    let mut identities: HashMap<&Address, Seeded> = HashMap::new();
    let mut pending: Vec<&ResourceInstance> = manifest.resources.iter().collect();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|r| match identity(r, &identities, placements, &account) {
            Some(s) => {
                identities.insert(&r.address, s);
                false
            }
            None => true,
        });
        if pending.len() == before {
            // Unresolvable references (cycles of identities): give up on them.
            break;
        }
    }
    let mut seeded_once = HashSet::new();
    let mut resources: Vec<serde_json::Value> = manifest
        .resources
        .iter()
        .filter_map(|r| {
            let s = identities.get(&r.address)?;
            let ty = r.address.resource_type;
            if !seeded_once.insert((ty, &s.region, &s.account, &s.id)) {
                return None; // another block names the same resource
            }
            let mut entry = serde_json::Map::new();
            entry.insert("type".into(), ty.name().into());
            entry.insert("region".into(), s.region.clone().into());
            if let Some(account) = &s.account {
                entry.insert("account".into(), account.clone().into());
            }
            entry.insert("name".into(), s.name.clone().into());
            if s.parts.is_empty() {
                entry.insert(ty.id_attribute().into(), s.id.clone().into());
            }
            for (attr, v) in &s.parts {
                entry.insert(attr.clone(), v.clone().into());
            }
            for rel in ty.relations() {
                let declared = r.relations.iter().find(|d| d.attr == rel.attr);
                let target = declared
                    .and_then(|d| value(&d.value, &identities))
                    .or_else(|| placeholder(rel, &s.region, &account, &r.address));
                if let Some(target) = target {
                    entry.insert(rel.attr.name().into(), target.into());
                }
            }
            Some(serde_json::Value::Object(entry))
        })
        .collect();
    resources.extend(stand_ins(manifest, &identities));
    let state = serde_json::json!({ "resources": resources });
    SimState::parse(state.to_string().as_bytes())
        .map_err(|e| format!("the sandbox cannot seed this manifest: {e}"))
}

/// A parent outside the manifest that a child names by a known id (the
/// instance a Supply Chain cleanup keeps): seeded so that its children,
/// which AWS lists only under it, can be found; it is never planned.
fn stand_ins(
    manifest: &Manifest,
    identities: &HashMap<&Address, Seeded>,
) -> Vec<serde_json::Value> {
    let mut seen: Vec<(ResourceType, String)> = identities
        .iter()
        .map(|(a, s)| (a.resource_type, s.id.clone()))
        .collect();
    let mut out = Vec::new();
    for r in &manifest.resources {
        let Some(holder) = identities.get(&r.address) else {
            continue;
        };
        let ty = r.address.resource_type;
        for rel in ty.relations() {
            let parent = ty.kind().cascaded_by.contains(&rel.attr);
            let (Some(&target), true) = (rel.targets.first(), parent) else {
                continue;
            };
            let declared = r.relations.iter().find(|d| d.attr == rel.attr);
            let Some(Knowable::Known(id)) = declared.map(|d| &d.value) else {
                continue;
            };
            let exact = target.identity().exact_attribute();
            let Some(id_attribute) = exact.filter(|_| rel.target_key.is_empty()) else {
                continue;
            };
            if seen.contains(&(target, id.clone())) {
                continue;
            }
            seen.push((target, id.clone()));
            out.push(serde_json::json!({
                "type": target.name(),
                "region": holder.region,
                "name": "outside-the-manifest",
                id_attribute: id,
            }));
        }
    }
    out
}

/// What the sandbox decided a resource is called.
struct Seeded {
    id: String,
    name: String,
    region: String,
    /// The account of its provider's `assume_role`, where it has one;
    /// else the simulator's own.
    account: Option<String>,
    /// A composite identity's parts, by attribute (the simulator takes
    /// them, not the composed id).
    parts: Vec<(String, String)>,
}

/// The account a role ARN names (`arn:aws:iam::ACCOUNT:role/NAME`).
fn role_account(placements: &Placements, address: &Address) -> Option<String> {
    let role = placements.get(address)?.role.as_ref()?;
    let account = role.role_arn.split(':').nth(4).filter(|a| !a.is_empty())?;
    Some(account.to_string())
}

fn identity(
    r: &ResourceInstance,
    seeded: &HashMap<&Address, Seeded>,
    placements: &Placements,
    account: &str,
) -> Option<Seeded> {
    let ty = r.address.resource_type;
    let role_account = role_account(placements, &r.address);
    if r.identity.kind == IdentityKind::Composite {
        return composite_identity(r, seeded, placements, role_account);
    }
    let given = value(&r.identity.value, seeded)?;
    let account = role_account.as_deref().unwrap_or(account);
    let mut region = placements
        .get(&r.address)
        .map_or_else(|| REGION.into(), |p| p.region.clone());
    let (id, name) = match r.identity.kind {
        IdentityKind::Name => {
            // Of the name, not the block: two blocks naming one resource
            // get one live resource, as they would in AWS.
            let key = format!("{}/{region}/{account}/{given}", ty.name());
            (
                generated_id(ty, &given, &region, account, &hex_for(&key, 0)),
                given,
            )
        }
        IdentityKind::Arn => {
            if let Some(arn_region) = given.split(':').nth(3).filter(|s| !s.is_empty()) {
                region = arn_region.to_string();
            }
            let name = given
                .split('/')
                .nth(1)
                .unwrap_or(&r.address.name)
                .to_string();
            (given, name)
        }
        IdentityKind::Id => (given, r.address.name.clone()),
        IdentityKind::Composite => return None,
    };
    Some(Seeded {
        id,
        name,
        region,
        account: role_account,
        parts: Vec::new(),
    })
}

/// A composite identity: every part known or seeded; its id composed of
/// them, its name the `name` part (or the last, a custom domain's domain).
fn composite_identity(
    r: &ResourceInstance,
    seeded: &HashMap<&Address, Seeded>,
    placements: &Placements,
    account: Option<String>,
) -> Option<Seeded> {
    let values: Vec<(&str, String)> = r
        .identity
        .parts
        .iter()
        .map(|p| Some((p.attr, value(&p.value, seeded)?)))
        .collect::<Option<_>>()?;
    let name = values
        .iter()
        .find(|(attr, _)| *attr == "name")
        .or(values.last())
        .map(|(_, v)| v.clone())?;
    let parts: Vec<&str> = values.iter().map(|(_, v)| v.as_str()).collect();
    Some(Seeded {
        id: decom_kinds::composite::compose(&parts),
        name,
        region: placements
            .get(&r.address)
            .map_or_else(|| REGION.into(), |p| p.region.clone()),
        account,
        parts: values
            .into_iter()
            .map(|(attr, v)| (attr.to_string(), v))
            .collect(),
    })
}

/// A known value, or the seeded value of the resource it references.
fn value(v: &Knowable<String>, seeded: &HashMap<&Address, Seeded>) -> Option<String> {
    match v {
        Knowable::Known(s) => Some(s.clone()),
        Knowable::AfterRefresh(reference) => {
            let (address, attr) = split_reference(reference)?;
            let s = seeded.get(&address)?;
            Some(if attr == "name" {
                s.name.clone()
            } else {
                s.id.clone()
            })
        }
    }
}

/// A stable 32-hex suffix per key.
fn hex_for(key: &str, salt: u64) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (key, salt).hash(&mut h);
    let a = h.finish();
    (key, salt + 1).hash(&mut h);
    format!("{a:016x}{:016x}", h.finish())
}

/// An id of `ty`'s shape (kinds table) for a resource the manifest names
/// by name only.
fn generated_id(ty: ResourceType, name: &str, region: &str, account: &str, hex: &str) -> String {
    match ty.kind().id_shape {
        IdShape::Arn {
            service,
            resource,
            revision,
        } => {
            let revision = if revision { "/1" } else { "" };
            format!("arn:aws:{service}:{region}:{account}:{resource}/{name}{revision}/{hex}")
        }
        IdShape::Prefix(prefix) => format!("{prefix}{}", &hex[..8]),
        IdShape::Opaque => format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        ),
    }
}

/// A relation every resource of the kind has (an ingress connection's
/// service, a VIF's connection) that the manifest does not declare: it
/// points at a resource that does not exist. Optional relations stay
/// empty (a service simply has no connector).
fn placeholder(rel: &Relation, region: &str, account: &str, address: &Address) -> Option<String> {
    let target = rel.targets.first().filter(|_| rel.required)?;
    let hex = hex_for(&address.to_string(), 7);
    Some(generated_id(*target, "undeclared", region, account, &hex))
}
