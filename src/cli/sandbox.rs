//! `--sandbox`: plan (and later apply) against an in-process simulator
//! seeded from the manifest itself, so a team can rehearse a teardown
//! without credentials and without touching anything real.
//!
//! Every declared resource is seeded in its deletable steady state, with
//! the identity the manifest gives (ARN, id or name; generated where the
//! manifest leaves it to live state) and the relations the manifest
//! declares.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use decom_aws::StaticCredentials;
use decom_parser::{
    split_reference, Address, IdentityKind, Knowable, Manifest, RelationAttr, ResourceInstance,
    ResourceType,
};
use decom_sim::{ResourceType as SimType, SeedResource, Sim, SimConfig, SimHandle, SimState};

pub const BANNER: &str = "SANDBOX: planning against an in-process AWS simulator seeded from the manifest. Nothing real is read or touched.";

const DEFAULT_ACCOUNT: &str = "123456789012";
const FALLBACK_REGION: &str = "us-east-1";

/// Credentials the sandbox's clients sign with (the simulator ignores them).
pub fn credentials() -> StaticCredentials {
    StaticCredentials {
        access_key_id: "AKIDSANDBOX000000000".into(),
        secret_access_key: "sandbox".into(),
    }
}

/// Starts the simulator on 127.0.0.1, port 0, seeded from `manifest`.
pub async fn start(manifest: &Manifest, default_region: Option<&str>) -> Result<SimHandle, String> {
    let config = SimConfig {
        account_id: account_of(manifest),
        time_scale: 0.001,
        initial_state: Some(seed(manifest, default_region)),
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

/// A seed entry per manifest resource.
pub fn seed(manifest: &Manifest, default_region: Option<&str>) -> SimState {
    let account = account_of(manifest);
    // Identities first (references may point forward), then relations.
    let mut identities: HashMap<&Address, Seeded> = HashMap::new();
    let mut pending: Vec<&ResourceInstance> = manifest.resources.iter().collect();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(
            |r| match identity(r, &identities, manifest, default_region, &account) {
                Some(s) => {
                    identities.insert(&r.address, s);
                    false
                }
                None => true,
            },
        );
        if pending.len() == before {
            // Unresolvable references (cycles of identities): give up on them.
            break;
        }
    }
    let resources = manifest
        .resources
        .iter()
        .filter_map(|r| {
            let s = identities.get(&r.address)?;
            let mut entry = SeedResource::new(sim_type(r.address.resource_type), s.name.clone());
            entry.region = s.region.clone();
            match r.address.resource_type.identity_kind() {
                IdentityKind::Arn => entry.arn = Some(s.id.clone()),
                _ => entry.id = Some(s.id.clone()),
            }
            for attr in r.address.resource_type.relation_attrs() {
                let declared = r.relations.iter().find(|rel| rel.attr == *attr);
                let target = declared
                    .and_then(|rel| value(&rel.value, &identities))
                    .or_else(|| placeholder(*attr, &s.region, &account, &r.address));
                match attr {
                    RelationAttr::ServiceArn => entry.service_arn = target,
                    RelationAttr::VpcConnectorArn => entry.vpc_connector_arn = target,
                    RelationAttr::ConnectionId => entry.connection_id = target,
                }
            }
            Some(entry)
        })
        .collect();
    SimState { resources }
}

/// What the sandbox decided a resource is called.
struct Seeded {
    id: String,
    name: String,
    region: String,
}

fn identity(
    r: &ResourceInstance,
    seeded: &HashMap<&Address, Seeded>,
    manifest: &Manifest,
    default_region: Option<&str>,
    account: &str,
) -> Option<Seeded> {
    let ty = r.address.resource_type;
    let given = value(&r.identity.value, seeded)?;
    let mut region = decom_graph::plan::region_of(manifest, r, default_region)
        .unwrap_or_else(|| FALLBACK_REGION.into());
    let (id, name) = match r.identity.kind {
        IdentityKind::Name => (
            generated_id(ty, &given, &region, account, &r.address),
            given,
        ),
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
    };
    Some(Seeded { id, name, region })
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

/// A stable 32-hex suffix per address.
fn hex_for(address: &Address, salt: u64) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (address.to_string(), salt).hash(&mut h);
    let a = h.finish();
    (address.to_string(), salt + 1).hash(&mut h);
    format!("{a:016x}{:016x}", h.finish())
}

fn generated_id(
    ty: ResourceType,
    name: &str,
    region: &str,
    account: &str,
    address: &Address,
) -> String {
    let hex = hex_for(address, 0);
    let arn = |kind: &str| format!("arn:aws:apprunner:{region}:{account}:{kind}/{name}/{hex}");
    match ty {
        ResourceType::AppRunnerService => arn("service"),
        ResourceType::AppRunnerVpcIngressConnection => arn("vpcingressconnection"),
        ResourceType::AppRunnerVpcConnector => {
            format!("arn:aws:apprunner:{region}:{account}:vpcconnector/{name}/1/{hex}")
        }
        ResourceType::DxConnection => format!("dxcon-{}", &hex[..8]),
        ResourceType::DxVirtualInterface => format!("dxvif-{}", &hex[..8]),
        ResourceType::SupplyChainInstance => format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        ),
    }
}

/// A relation the simulator requires but the manifest does not declare
/// (an ingress connection's service, a VIF's connection): it points at a
/// resource that does not exist. A service simply has no connector.
fn placeholder(
    attr: RelationAttr,
    region: &str,
    account: &str,
    address: &Address,
) -> Option<String> {
    let hex = hex_for(address, 7);
    match attr {
        RelationAttr::ServiceArn => Some(format!(
            "arn:aws:apprunner:{region}:{account}:service/undeclared/{hex}"
        )),
        RelationAttr::VpcConnectorArn => None,
        RelationAttr::ConnectionId => Some(format!("dxcon-{}", &hex[..8])),
    }
}

fn sim_type(ty: ResourceType) -> SimType {
    match ty {
        ResourceType::AppRunnerVpcIngressConnection => SimType::AppRunnerVpcIngressConnection,
        ResourceType::AppRunnerService => SimType::AppRunnerService,
        ResourceType::AppRunnerVpcConnector => SimType::AppRunnerVpcConnector,
        ResourceType::DxVirtualInterface => SimType::DxVirtualInterface,
        ResourceType::DxConnection => SimType::DxConnection,
        ResourceType::SupplyChainInstance => SimType::SupplyChainInstance,
    }
}
