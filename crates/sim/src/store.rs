//! Simulated state: resources partitioned by account, region and type in
//! `BTreeMap`s keyed by identity (ARN for App Runner, id for DX and Supply Chain), so list
//! pages are key ranges (O(page)). State machines are evaluated lazily: a
//! resource stores its status and, while transitional, the status it settles
//! into and when; every access settles it first. Deleted resources keep their
//! terminal status until the tombstone TTL passes, then are removed on access.
//!
//! The store is plain data behind one `std::sync::Mutex`, locked only inside
//! synchronous request handling (never across an `.await`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

use serde_json::{Map, Value};

use crate::config::SimConfig;
use crate::ids::Rng;
use crate::state_file::{ResourceType, SeedResource, SimState};

/// Where a request acts: the caller's account and the region of its scope.
/// Every lookup and list is confined to one place; a resource of another
/// account does not exist for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place<'a> {
    pub account: &'a str,
    pub region: &'a str,
}

/// A simulated resource.
#[derive(Debug, Clone)]
pub(crate) struct Resource {
    pub rtype: ResourceType,
    /// The account that owns it.
    pub account: String,
    pub region: String,
    pub name: String,
    /// The bare id: 32-hex (App Runner), `dxcon-…`/`dxvif-…`, or a UUID.
    pub id: String,
    pub arn: String,
    pub status: String,
    /// While transitional: (status it settles into, when in epoch ms).
    pub transition: Option<(String, u64)>,
    pub created_ms: u64,
    pub updated_ms: u64,
    /// When the terminal status was reached.
    pub deleted_ms: Option<u64>,
    /// The parent it is indexed under: service → VPC connector ARN; ingress
    /// → service ARN; VIF → connection or LAG id; connection → LAG id;
    /// association → gateway id; namespace / flow → instance id; dataset →
    /// its namespace's id (`INSTANCE/NAMESPACE`).
    pub relation: Option<String>,
    /// A second indexed parent: VIF → DX gateway id.
    pub link: Option<String>,
    pub tags: Vec<(String, String)>,
    /// Type-specific attributes echoed in responses (e.g. `SourceConfiguration`).
    pub attrs: Map<String, Value>,
}

impl Resource {
    /// Its account and region.
    pub(crate) fn place(&self) -> Place<'_> {
        Place {
            account: &self.account,
            region: &self.region,
        }
    }

    pub(crate) fn key(&self) -> &str {
        match self.rtype {
            ResourceType::AppRunnerService
            | ResourceType::AppRunnerVpcConnector
            | ResourceType::AppRunnerVpcIngressConnection
            | ResourceType::AppRunnerAutoScalingConfiguration
            | ResourceType::AppRunnerObservabilityConfiguration
            | ResourceType::AppRunnerConnection
            | ResourceType::AppRunnerCustomDomain => &self.arn,
            _ => &self.id,
        }
    }

    fn settle(&mut self, now: u64) {
        if let Some((to, at)) = &self.transition {
            if *at <= now {
                self.status = to.clone();
                self.updated_ms = *at;
                if self.rtype.is_terminal(&self.status) {
                    self.deleted_ms = Some(*at);
                }
                self.transition = None;
            }
        }
    }

    fn gone(&self, now: u64, ttl_ms: u64) -> bool {
        let ttl_ms = if self.rtype.keeps_tombstone() {
            ttl_ms
        } else {
            0
        };
        self.deleted_ms
            .is_some_and(|d| d.saturating_add(ttl_ms) <= now)
    }

    /// Whether the resource is in a terminal (deleted) status.
    pub(crate) fn is_terminal(&self) -> bool {
        self.rtype.is_terminal(&self.status)
    }

    pub(crate) fn attr(&self, name: &str) -> Option<&Value> {
        self.attrs.get(name)
    }

    pub(crate) fn attr_str(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).and_then(Value::as_str)
    }
}

#[derive(Debug, Default)]
struct RegionStore {
    maps: [BTreeMap<String, Resource>; ResourceType::ALL.len()],
    /// Parent key → keys of resources whose `relation` names it.
    children: HashMap<String, BTreeSet<String>>,
}

/// Scaled timing knobs, in milliseconds.
#[derive(Debug, Clone)]
pub(crate) struct Timing {
    pub service_create: u64,
    pub service_delete: u64,
    pub ingress_create: u64,
    pub ingress_delete: u64,
    pub dx_connection_create: u64,
    pub dx_connection_delete: u64,
    pub vif_create: u64,
    pub vif_delete: u64,
    pub instance_create: u64,
    pub instance_delete: u64,
    pub custom_domain_create: u64,
    pub custom_domain_delete: u64,
    pub lag_create: u64,
    pub lag_delete: u64,
    pub dx_gateway_create: u64,
    pub dx_gateway_delete: u64,
    pub association_create: u64,
    pub association_delete: u64,
    pub tombstone: u64,
    pub connector_lag: u64,
}

impl Timing {
    pub(crate) fn from_config(c: &SimConfig) -> Timing {
        let l = &c.latencies;
        Timing {
            service_create: c.scaled_ms(l.service_create),
            service_delete: c.scaled_ms(l.service_delete),
            ingress_create: c.scaled_ms(l.ingress_create),
            ingress_delete: c.scaled_ms(l.ingress_delete),
            dx_connection_create: c.scaled_ms(l.dx_connection_create),
            dx_connection_delete: c.scaled_ms(l.dx_connection_delete),
            vif_create: c.scaled_ms(l.vif_create),
            vif_delete: c.scaled_ms(l.vif_delete),
            instance_create: c.scaled_ms(l.instance_create),
            instance_delete: c.scaled_ms(l.instance_delete),
            custom_domain_create: c.scaled_ms(l.custom_domain_create),
            custom_domain_delete: c.scaled_ms(l.custom_domain_delete),
            lag_create: c.scaled_ms(l.lag_create),
            lag_delete: c.scaled_ms(l.lag_delete),
            dx_gateway_create: c.scaled_ms(l.dx_gateway_create),
            dx_gateway_delete: c.scaled_ms(l.dx_gateway_delete),
            association_create: c.scaled_ms(l.association_create),
            association_delete: c.scaled_ms(l.association_delete),
            tombstone: c.scaled_ms(c.tombstone_ttl),
            connector_lag: c.scaled_ms(c.connector_in_use_lag),
        }
    }

    /// How long a resource stays in the transitional `status`.
    fn phase_ms(&self, t: ResourceType, status: &str) -> u64 {
        use ResourceType as T;
        match (t, status) {
            (T::AppRunnerService, _) => self.service_create,
            (T::AppRunnerVpcIngressConnection, "PENDING_DELETION") => self.ingress_delete,
            (T::AppRunnerVpcIngressConnection, _) => self.ingress_create,
            (T::DxConnection, "deleting") => self.dx_connection_delete,
            (T::DxConnection, _) => self.dx_connection_create,
            (T::DxVirtualInterface, "deleting") => self.vif_delete,
            (T::DxVirtualInterface, _) => self.vif_create,
            (T::SupplyChainInstance, "Deleting") => self.instance_delete,
            (T::SupplyChainInstance, _) => self.instance_create,
            (T::AppRunnerCustomDomain, "DELETING") => self.custom_domain_delete,
            (T::AppRunnerCustomDomain, _) => self.custom_domain_create,
            (T::DxLag, "deleting") => self.lag_delete,
            (T::DxLag, _) => self.lag_create,
            (T::DxGateway, "deleting") => self.dx_gateway_delete,
            (T::DxGateway, _) => self.dx_gateway_create,
            (T::DxGatewayAssociation, "disassociating") => self.association_delete,
            (T::DxGatewayAssociation, _) => self.association_create,
            (
                T::AppRunnerVpcConnector
                | T::AppRunnerAutoScalingConfiguration
                | T::AppRunnerObservabilityConfiguration
                | T::AppRunnerConnection
                | T::SupplyChainDataLakeNamespace
                | T::SupplyChainDataLakeDataset
                | T::SupplyChainDataIntegrationFlow,
                _,
            ) => 0,
        }
    }
}

/// All simulated state.
#[derive(Debug)]
pub(crate) struct Store {
    pub timing: Timing,
    /// The account of seed entries that name none (`--account-id`).
    default_account: String,
    pub rng: Rng,
    /// Account → region → resources.
    accounts: HashMap<String, HashMap<String, RegionStore>>,
    /// (account, region, client token) → Supply Chain instance id (CreateInstance idempotency).
    pub client_tokens: HashMap<(String, String, String), String>,
}

impl Store {
    pub(crate) fn new(config: &SimConfig) -> Store {
        Store {
            timing: Timing::from_config(config),
            default_account: config.account_id.clone(),
            rng: Rng::new(config.seed),
            accounts: HashMap::new(),
            client_tokens: HashMap::new(),
        }
    }

    fn partition(&self, at: Place<'_>) -> Option<&RegionStore> {
        self.accounts.get(at.account)?.get(at.region)
    }

    fn partition_mut(&mut self, at: Place<'_>) -> Option<&mut RegionStore> {
        self.accounts.get_mut(at.account)?.get_mut(at.region)
    }

    /// Looks a resource up, settling its state machine; `None` if absent or
    /// past its tombstone TTL (in which case it is removed).
    pub(crate) fn get(
        &mut self,
        at: Place<'_>,
        t: ResourceType,
        key: &str,
        now: u64,
    ) -> Option<&mut Resource> {
        let ttl = self.timing.tombstone;
        let rs = self.partition_mut(at)?;
        let gone = {
            let r = rs.maps[t.index()].get_mut(key)?;
            r.settle(now);
            r.gone(now, ttl)
        };
        if gone {
            remove(rs, t, key);
            return None;
        }
        rs.maps[t.index()].get_mut(key)
    }

    /// Reads a resource without settling it (for types without transitions,
    /// where settling changes nothing); tombstones included.
    pub(crate) fn peek(&self, at: Place<'_>, t: ResourceType, key: &str) -> Option<&Resource> {
        self.partition(at)?.maps[t.index()].get(key)
    }

    /// Inserts (or replaces) a resource in its account and region and indexes its relation.
    pub(crate) fn insert(&mut self, r: Resource) {
        let rs = self
            .accounts
            .entry(r.account.clone())
            .or_default()
            .entry(r.region.clone())
            .or_default();
        for parent in r.relation.iter().chain(&r.link) {
            rs.children
                .entry(parent.clone())
                .or_default()
                .insert(r.key().to_owned());
        }
        rs.maps[r.rtype.index()].insert(r.key().to_owned(), r);
    }

    /// Removes a resource at once (types that are deleted without a
    /// terminal status: a later request gets "not found").
    pub(crate) fn remove_now(&mut self, at: Place<'_>, t: ResourceType, key: &str) {
        if let Some(rs) = self.partition_mut(at) {
            remove(rs, t, key);
        }
    }

    /// Clears a resource's primary relation (a LAG member left standalone).
    pub(crate) fn detach(&mut self, at: Place<'_>, t: ResourceType, key: &str) {
        let Some(rs) = self.partition_mut(at) else {
            return;
        };
        let Some(parent) = rs.maps[t.index()]
            .get_mut(key)
            .and_then(|r| r.relation.take())
        else {
            return;
        };
        unindex(rs, &parent, key);
    }

    /// Whether a key is taken (even by a tombstone).
    pub(crate) fn contains(&self, at: Place<'_>, t: ResourceType, key: &str) -> bool {
        self.partition(at)
            .is_some_and(|rs| rs.maps[t.index()].contains_key(key))
    }

    /// The live (settled, not expired) resources of type `child` whose relation is `parent`.
    pub(crate) fn dependents(
        &mut self,
        at: Place<'_>,
        parent: &str,
        child: ResourceType,
        now: u64,
    ) -> Vec<Resource> {
        let keys: Vec<String> = match self.partition(at).and_then(|rs| rs.children.get(parent)) {
            Some(set) => set.iter().cloned().collect(),
            None => return Vec::new(),
        };
        keys.iter()
            .filter_map(|k| self.get(at, child, k, now).map(|r| r.clone()))
            .collect()
    }

    /// One page of resources of type `t` with keys after `after`, in key
    /// order, keeping those that pass `filter`. Returns the page and, when
    /// more matching resources follow, the key to continue after.
    pub(crate) fn page(
        &mut self,
        at: Place<'_>,
        t: ResourceType,
        after: Option<&str>,
        limit: usize,
        now: u64,
        mut filter: impl FnMut(&Resource) -> bool,
    ) -> (Vec<Resource>, Option<String>) {
        let ttl = self.timing.tombstone;
        let Some(rs) = self.partition_mut(at) else {
            return (Vec::new(), None);
        };
        let mut out: Vec<Resource> = Vec::new();
        let mut expired = Vec::new();
        let mut next = None;
        let lower = match after {
            Some(a) => Bound::Excluded(a),
            None => Bound::Unbounded,
        };
        for (k, r) in rs.maps[t.index()].range_mut::<str, _>((lower, Bound::Unbounded)) {
            r.settle(now);
            if r.gone(now, ttl) {
                expired.push(k.clone());
                continue;
            }
            if !filter(r) {
                continue;
            }
            if out.len() >= limit {
                next = out.last().map(|l| l.key().to_owned());
                break;
            }
            out.push(r.clone());
        }
        for k in expired {
            remove(rs, t, &k);
        }
        (out, next)
    }

    /// Like [`Store::page`] but over the dependents of `parent` (e.g. the VIFs
    /// of one connection), using the relation index.
    pub(crate) fn page_dependents(
        &mut self,
        at: Place<'_>,
        parent: &str,
        child: ResourceType,
        after: Option<&str>,
        limit: usize,
        now: u64,
    ) -> (Vec<Resource>, Option<String>) {
        let keys: Vec<String> = match self.partition(at).and_then(|rs| rs.children.get(parent)) {
            Some(set) => {
                let lower = match after {
                    Some(a) => Bound::Excluded(a),
                    None => Bound::Unbounded,
                };
                set.range::<str, _>((lower, Bound::Unbounded))
                    .cloned()
                    .collect()
            }
            None => return (Vec::new(), None),
        };
        let mut out: Vec<Resource> = Vec::new();
        for k in keys {
            let Some(r) = self.get(at, child, &k, now) else {
                continue;
            };
            if out.len() >= limit {
                return (out.clone(), out.last().map(|l| l.key().to_owned()));
            }
            out.push(r.clone());
        }
        (out, None)
    }

    /// Resources of type `t` whose key starts with `prefix` (e.g. all
    /// revisions of a connector name), settled and not expired.
    pub(crate) fn with_prefix(
        &mut self,
        at: Place<'_>,
        t: ResourceType,
        prefix: &str,
        now: u64,
    ) -> Vec<Resource> {
        let keys: Vec<String> = match self.partition(at) {
            Some(rs) => rs.maps[t.index()]
                .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
                .take_while(|(k, _)| k.starts_with(prefix))
                .map(|(k, _)| k.clone())
                .collect(),
            None => return Vec::new(),
        };
        keys.iter()
            .filter_map(|k| self.get(at, t, k, now).map(|r| r.clone()))
            .collect()
    }

    /// Puts a resource into `status`, scheduling the settle transition
    /// if `status` is transitional and stamping terminal statuses.
    pub(crate) fn enter(timing: &Timing, r: &mut Resource, status: &str, now: u64) {
        r.status = status.to_owned();
        r.updated_ms = now;
        r.transition = r.rtype.settles_to(status).map(|to| {
            (
                to.to_owned(),
                now.saturating_add(timing.phase_ms(r.rtype, status)),
            )
        });
        if r.rtype.is_terminal(status) {
            r.deleted_ms = Some(now);
        }
    }

    /// The next revision number of a configuration name (1 for a new name).
    pub(crate) fn next_revision(
        &mut self,
        at: Place<'_>,
        t: ResourceType,
        name: &str,
        now: u64,
    ) -> u64 {
        let kind = match t {
            ResourceType::AppRunnerObservabilityConfiguration => "observabilityconfiguration",
            ResourceType::AppRunnerVpcConnector => "vpcconnector",
            _ => "autoscalingconfiguration",
        };
        let Place { account, region } = at;
        let prefix = format!("arn:aws:apprunner:{region}:{account}:{kind}/{name}/");
        self.with_prefix(at, t, &prefix, now)
            .iter()
            .filter_map(|r| revision_of(&r.arn))
            .max()
            .unwrap_or(0)
            + 1
    }

    /// Generates an App Runner ARN and its 32-hex id.
    pub(crate) fn apprunner_arn(
        &mut self,
        at: Place<'_>,
        kind: &str,
        name: &str,
        revision: Option<u64>,
    ) -> (String, String) {
        let id = self.rng.hex32();
        let mid = match revision {
            Some(r) => format!("{name}/{r}"),
            None => name.to_owned(),
        };
        let Place { account, region } = at;
        (
            format!("arn:aws:apprunner:{region}:{account}:{kind}/{mid}/{id}"),
            id,
        )
    }

    /// Generates an unused `prefix-xxxxxxxx` DX id.
    pub(crate) fn dx_id(&mut self, at: Place<'_>, t: ResourceType, prefix: &str) -> String {
        loop {
            let id = format!("{prefix}-{}", self.rng.alnum(8));
            if !self.contains(at, t, &id) {
                return id;
            }
        }
    }

    pub(crate) fn dx_arn(at: Place<'_>, id: &str) -> String {
        let Place { account, region } = at;
        let kind = id.split('-').next().unwrap_or("dxcon");
        format!("arn:aws:directconnect:{region}:{account}:{kind}/{id}")
    }

    pub(crate) fn scn_arn(at: Place<'_>, id: &str) -> String {
        let Place { account, region } = at;
        format!("arn:aws:scn:{region}:{account}:instance/{id}")
    }

    /// The ARN of a resource whose id is a UUID: a Supply Chain instance,
    /// a DX gateway (global in AWS: no region) or a gateway association.
    pub(crate) fn uuid_arn(at: Place<'_>, t: ResourceType, id: &str) -> String {
        let account = at.account;
        match t {
            ResourceType::DxGateway => {
                format!("arn:aws:directconnect::{account}:dx-gateway/{id}")
            }
            ResourceType::DxGatewayAssociation => {
                format!("arn:aws:directconnect::{account}:dx-gateway-association/{id}")
            }
            _ => Store::scn_arn(at, id),
        }
    }

    /// The ARN of a data lake namespace (`INSTANCE/NAME`), dataset
    /// (`INSTANCE/NAMESPACE/NAME`) or data integration flow (`INSTANCE/NAME`).
    pub(crate) fn scn_child_arn(at: Place<'_>, t: ResourceType, id: &str) -> String {
        let parts: Vec<&str> = id.split('/').collect();
        let path = match (t, parts.as_slice()) {
            (ResourceType::SupplyChainDataLakeDataset, [i, ns, name]) => {
                format!("{i}/namespaces/{ns}/datasets/{name}")
            }
            (ResourceType::SupplyChainDataIntegrationFlow, [i, name]) => {
                format!("{i}/data-integration-flows/{name}")
            }
            (_, [i, name]) => format!("{i}/namespaces/{name}"),
            _ => id.to_owned(),
        };
        Store::scn_arn(at, &path)
    }

    /// Loads seed resources (see [`SimState`]).
    pub(crate) fn seed(&mut self, state: &SimState, now: u64) -> Result<(), String> {
        for (i, s) in state.resources.iter().enumerate() {
            let r = self
                .seed_one(s, now)
                .map_err(|e| format!("resources[{i}] ({} '{}'): {e}", s.resource_type, s.name))?;
            if self.contains(r.place(), r.rtype, r.key()) {
                return Err(format!(
                    "resources[{i}] ({} '{}'): duplicate identity {}",
                    s.resource_type,
                    s.name,
                    r.key()
                ));
            }
            self.insert(r);
        }
        Ok(())
    }

    fn seed_one(&mut self, s: &SeedResource, now: u64) -> Result<Resource, String> {
        use ResourceType as T;
        let t = s.resource_type;
        let region = s.region.clone();
        if region.is_empty() {
            return Err("region must not be empty".into());
        }
        let account = s
            .account
            .clone()
            .unwrap_or_else(|| self.default_account.clone());
        if !is_account_id(&account) {
            return Err(format!("account must be 12 digits, got '{account}'"));
        }
        let at = Place {
            account: &account,
            region: &region,
        };
        let status = s
            .status
            .clone()
            .unwrap_or_else(|| t.default_status().to_owned());
        if !t.statuses().contains(&status.as_str()) {
            return Err(format!(
                "status '{status}' is not one of {}",
                t.statuses().join(", ")
            ));
        }
        let (id, arn) = match t {
            T::AppRunnerCustomDomain => custom_domain_identity(s)?,
            T::AppRunnerService
            | T::AppRunnerVpcConnector
            | T::AppRunnerVpcIngressConnection
            | T::AppRunnerAutoScalingConfiguration
            | T::AppRunnerObservabilityConfiguration
            | T::AppRunnerConnection => match (&s.arn, &s.id) {
                (Some(arn), _) => {
                    let id = arn.rsplit('/').next().unwrap_or_default().to_owned();
                    (id, arn.clone())
                }
                (None, id) => {
                    let (kind, rev) = match t {
                        T::AppRunnerService => ("service", None),
                        T::AppRunnerVpcConnector => ("vpcconnector", Some(1)),
                        T::AppRunnerAutoScalingConfiguration => (
                            "autoscalingconfiguration",
                            Some(self.next_revision(at, t, &s.name, now)),
                        ),
                        T::AppRunnerObservabilityConfiguration => (
                            "observabilityconfiguration",
                            Some(self.next_revision(at, t, &s.name, now)),
                        ),
                        T::AppRunnerConnection => ("connection", None),
                        _ => ("vpcingressconnection", None),
                    };
                    let (mut arn, mut gen) = self.apprunner_arn(at, kind, &s.name, rev);
                    if let Some(id) = id {
                        arn = format!("{}{id}", &arn[..arn.len() - gen.len()]);
                        gen = id.clone();
                    }
                    (gen, arn)
                }
            },
            T::DxConnection | T::DxVirtualInterface | T::DxLag => {
                let prefix = match t {
                    T::DxConnection => "dxcon",
                    T::DxLag => "dxlag",
                    _ => "dxvif",
                };
                let id = match (&s.id, &s.arn) {
                    (Some(id), _) => id.clone(),
                    (None, Some(arn)) => arn.rsplit('/').next().unwrap_or_default().to_owned(),
                    (None, None) => self.dx_id(at, t, prefix),
                };
                let arn = s.arn.clone().unwrap_or_else(|| Store::dx_arn(at, &id));
                (id, arn)
            }
            T::SupplyChainInstance | T::DxGateway | T::DxGatewayAssociation => {
                let id = match (&s.id, &s.arn) {
                    (Some(id), _) => id.clone(),
                    (None, Some(arn)) => arn.rsplit('/').next().unwrap_or_default().to_owned(),
                    (None, None) => self.rng.uuid(),
                };
                let arn = s.arn.clone().unwrap_or_else(|| Store::uuid_arn(at, t, &id));
                (id, arn)
            }
            T::SupplyChainDataLakeNamespace
            | T::SupplyChainDataLakeDataset
            | T::SupplyChainDataIntegrationFlow => {
                let id = scn_child_id(s)?;
                if s.id.as_ref().is_some_and(|given| *given != id) {
                    return Err(format!("id must be '{id}' (instance_id[/namespace]/name)"));
                }
                let arn = s
                    .arn
                    .clone()
                    .unwrap_or_else(|| Store::scn_child_arn(at, t, &id));
                (id, arn)
            }
        };
        if id.is_empty() {
            return Err("could not derive an id from the arn".into());
        }
        // AWS ids are ASCII, and the handlers derive device names, peer ids
        // and DNS names from byte ranges of the id: refuse anything else
        // here, with a message, rather than panic on a later request.
        if !id.is_ascii() {
            return Err(format!("id '{id}' must be ASCII (AWS ids are)"));
        }
        let relation = match t {
            T::AppRunnerService => s.vpc_connector_arn.clone(),
            T::AppRunnerVpcIngressConnection => Some(
                s.service_arn
                    .clone()
                    .ok_or("an ingress connection needs service_arn")?,
            ),
            T::AppRunnerCustomDomain => s.service_arn.clone(),
            T::DxVirtualInterface => Some(
                s.connection_id
                    .clone()
                    .ok_or("a virtual interface needs connection_id")?,
            ),
            T::DxConnection => s.lag_id.clone(),
            T::DxGatewayAssociation => Some(
                s.dx_gateway_id
                    .clone()
                    .ok_or("a gateway association needs dx_gateway_id")?,
            ),
            T::SupplyChainDataLakeNamespace | T::SupplyChainDataIntegrationFlow => {
                s.instance_id.clone()
            }
            T::SupplyChainDataLakeDataset => id.rsplit_once('/').map(|(ns, _)| ns.to_owned()),
            _ => None,
        };
        let link = match t {
            T::DxVirtualInterface => s.dx_gateway_id.clone(),
            _ => None,
        };
        let mut attrs = Map::new();
        if let Some(ep) = &s.vpc_endpoint_id {
            attrs.insert("VpcEndpointId".into(), Value::String(ep.clone()));
        }
        for (attr, value) in seed_attrs(s) {
            attrs.insert(attr.into(), Value::String(value.clone()));
        }
        if let Some(gw) = &link {
            attrs.insert("directConnectGatewayId".into(), Value::String(gw.clone()));
        }
        // An association has no name of its own: a seed's name is the
        // virtual private or transit gateway it associates.
        if t == T::DxGatewayAssociation && !s.name.is_empty() {
            attrs.insert("associatedGatewayId".into(), Value::String(s.name.clone()));
        }
        if let Some(lag) = s.lag_id.as_ref().filter(|_| t == T::DxConnection) {
            attrs.insert("lagId".into(), Value::String(lag.clone()));
        }
        let mut r = Resource {
            rtype: t,
            account,
            region,
            name: s.name.clone(),
            id,
            arn,
            status: String::new(),
            transition: None,
            created_ms: now,
            updated_ms: now,
            deleted_ms: None,
            relation,
            link,
            tags: s.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            attrs,
        };
        Store::enter(&self.timing, &mut r, &status, now);
        Ok(r)
    }

    /// All live resources as seed entries (the `--state` format).
    pub(crate) fn snapshot(&mut self, now: u64) -> SimState {
        let mut places: Vec<(String, String)> = self
            .accounts
            .iter()
            .flat_map(|(a, regions)| regions.keys().map(|r| (a.clone(), r.clone())))
            .collect();
        places.sort();
        let mut resources = Vec::new();
        for (account, region) in places {
            let at = Place {
                account: &account,
                region: &region,
            };
            for t in ResourceType::ALL {
                let (page, _) = self.page(at, t, None, usize::MAX, now, |_| true);
                // The default auto scaling configuration is the region's own, never seeded.
                for r in page.into_iter().filter(|r| r.attr("IsDefault").is_none()) {
                    let mut s = SeedResource::new(t, r.name.clone());
                    s.account = Some(r.account.clone());
                    s.region = r.region.clone();
                    s.arn = Some(r.arn.clone());
                    s.id = Some(r.id.clone());
                    s.status = Some(r.status.clone());
                    match t {
                        ResourceType::AppRunnerService => s.vpc_connector_arn = r.relation.clone(),
                        ResourceType::AppRunnerVpcIngressConnection => {
                            s.service_arn = r.relation.clone();
                            s.vpc_endpoint_id = r.attr_str("VpcEndpointId").map(str::to_owned);
                        }
                        ResourceType::AppRunnerCustomDomain => {
                            s.arn = None;
                            s.id = None;
                            s.service_arn = r.relation.clone();
                            s.domain_name = r.attr_str("DomainName").map(str::to_owned);
                        }
                        ResourceType::DxVirtualInterface => {
                            s.connection_id = r.relation.clone();
                            s.dx_gateway_id = r.link.clone();
                        }
                        ResourceType::DxConnection => s.lag_id = r.relation.clone(),
                        ResourceType::DxGatewayAssociation => s.dx_gateway_id = r.relation.clone(),
                        ResourceType::SupplyChainDataLakeNamespace
                        | ResourceType::SupplyChainDataIntegrationFlow => {
                            s.instance_id = r.relation.clone();
                        }
                        ResourceType::SupplyChainDataLakeDataset => {
                            let mut parts = r.id.splitn(3, '/');
                            s.instance_id = parts.next().map(str::to_owned);
                            s.namespace = parts.next().map(str::to_owned);
                        }
                        _ => {}
                    }
                    if t == ResourceType::AppRunnerService {
                        let attr = |name: &str| r.attr_str(name).map(str::to_owned);
                        s.auto_scaling_configuration_arn = attr(ASC_ATTR);
                        s.observability_configuration_arn = attr(OC_ATTR);
                        s.connection_arn = attr(CONNECTION_ATTR);
                    }
                    s.tags = r.tags.iter().cloned().collect();
                    resources.push(s);
                }
            }
        }
        SimState { resources }
    }
}

/// The service attributes naming what it uses, besides its connector (kept
/// in `attrs`: a resource has one indexed `relation`).
pub(crate) const ASC_ATTR: &str = "AutoScalingConfigurationArn";
pub(crate) const OC_ATTR: &str = "ObservabilityConfigurationArn";
pub(crate) const CONNECTION_ATTR: &str = "ConnectionArn";

/// The attributes a seed entry sets beyond identity and relation.
fn seed_attrs(s: &SeedResource) -> Vec<(&'static str, &String)> {
    [
        (ASC_ATTR, &s.auto_scaling_configuration_arn),
        (OC_ATTR, &s.observability_configuration_arn),
        (CONNECTION_ATTR, &s.connection_arn),
        ("DomainName", &s.domain_name),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
    .collect()
}

/// The key of a custom domain association: its service and domain (it has
/// no ARN of its own).
pub(crate) fn custom_domain_key(service_arn: &str, domain: &str) -> String {
    format!("{service_arn}/customdomain/{domain}")
}

fn custom_domain_identity(s: &SeedResource) -> Result<(String, String), String> {
    if s.arn.is_some() || s.id.is_some() {
        return Err(
            "a custom domain association is identified by service_arn + domain_name, not arn/id"
                .into(),
        );
    }
    let service = s
        .service_arn
        .as_deref()
        .ok_or("a custom domain association needs service_arn")?;
    let domain = s
        .domain_name
        .as_deref()
        .filter(|d| !d.is_empty())
        .ok_or("a custom domain association needs domain_name")?;
    Ok((domain.to_owned(), custom_domain_key(service, domain)))
}

/// The namespaces every Supply Chain instance has, which cannot be
/// created or deleted on their own.
pub(crate) const BUILT_IN_NAMESPACES: [&str; 2] = ["asc", "default"];

/// The id of a seeded Supply Chain child: `INSTANCE/NAME` or, for a
/// dataset, `INSTANCE/NAMESPACE/NAME`.
fn scn_child_id(s: &SeedResource) -> Result<String, String> {
    let instance = s
        .instance_id
        .as_deref()
        .ok_or("a Supply Chain namespace, dataset or flow needs instance_id")?;
    if s.name.is_empty() || s.name.contains('/') || instance.contains('/') {
        return Err("name and instance_id must be non-empty and contain no '/'".into());
    }
    match s.resource_type {
        ResourceType::SupplyChainDataLakeDataset => {
            let ns = s.namespace.as_deref().ok_or("a dataset needs namespace")?;
            if ns.is_empty() || ns.contains('/') {
                return Err("namespace must be non-empty and contain no '/'".into());
            }
            Ok(format!("{instance}/{ns}/{}", s.name))
        }
        ResourceType::SupplyChainDataLakeNamespace
            if BUILT_IN_NAMESPACES.contains(&s.name.as_str()) =>
        {
            Err(format!(
                "namespace '{}' is built in: every instance has it",
                s.name
            ))
        }
        _ => Ok(format!("{instance}/{}", s.name)),
    }
}

/// Whether `s` has the form of an AWS account id (12 digits).
pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The revision in a `…:kind/NAME/REVISION/ID` ARN.
pub(crate) fn revision_of(arn: &str) -> Option<u64> {
    let mut parts = arn.rsplit('/');
    parts.next()?;
    parts.next()?.parse().ok()
}

fn remove(rs: &mut RegionStore, t: ResourceType, key: &str) {
    if let Some(r) = rs.maps[t.index()].remove(key) {
        for parent in r.relation.iter().chain(&r.link) {
            unindex(rs, parent, key);
        }
    }
}

fn unindex(rs: &mut RegionStore, parent: &str, key: &str) {
    if let Some(set) = rs.children.get_mut(parent) {
        set.remove(key);
        if set.is_empty() {
            rs.children.remove(parent);
        }
    }
}
