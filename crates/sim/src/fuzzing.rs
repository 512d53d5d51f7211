//! The `sim_request` fuzz target's input format and entry point.
//!
//! Exists so that the fuzz target (`fuzz/fuzz_targets/sim_request.rs`, a
//! separate package) and this crate's seed test run the very same code, and
//! so that seed files can be written with [`encode`] instead of by hand. Not
//! part of the simulator's API (hidden from the docs).
//!
//! The input is structure-aware: random bytes are turned into requests that
//! get past classification (the right `X-Amz-Target`, path or route, a
//! parsable credential scope) so that mutations reach validation, dispatch
//! and encoding instead of dying in the first `if`.
//!
//! ```text
//! input   = request *( SEPARATOR request )        at most MAX_REQUESTS
//! request = protocol op auth *line body
//!   protocol (1 byte, mod 5):
//!     0 App Runner awsJson1_0  POST /  X-Amz-Target: AppRunner.<op>
//!     1 Direct Connect awsJson1_1  POST /  X-Amz-Target: OvertureService.<op>
//!     2 Direct Connect rpc-v2-cbor  POST /service/OvertureService/operation/<op>
//!     3 Supply Chain restJson1  <METHODS[op]> <line: path and query>
//!     4 free form  <METHODS[op]> <line: path>  X-Amz-Target: <line, if not empty>
//!   op (1 byte): protocols 0-2: index into the service's operation list, or
//!     0xff = the operation name is the next line
//!   auth (1 byte, low 2 bits): 0-1 a valid SigV4 credential scope in
//!     REGIONS[auth >> 2]; 2 = the next line is the Authorization header;
//!     3 = no Authorization header
//!   line = bytes up to `\n` (lossy UTF-8), consumed in the order: path,
//!     target, operation name, authorization
//!   body = the rest of the request's bytes
//! ```
//!
//! Each input runs against a fresh [`OfflineSim`] (cheap: a few seeded
//! resources, the models are parsed once per process), so a crash
//! reproduces from its input alone and memory does not grow over a run.

use std::sync::LazyLock;
use std::time::Duration;

use crate::config::{Latencies, SimConfig};
use crate::server::{OfflineResponse, OfflineSim};
use crate::state_file::{ResourceType, SeedResource, SimState};
use crate::ServiceKind;

/// Between two requests of one input.
pub const SEPARATOR: &[u8] = b"\n~~next~~\n";

/// More requests per input add little and slow every execution.
pub const MAX_REQUESTS: usize = 4;

/// App Runner operations: the implemented ones, then modeled ones the
/// simulator does not implement (answered `UnknownOperationException`).
pub static APPRUNNER_OPS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| fuzz_ops(ServiceKind::AppRunner, &["PauseService", "UpdateService"]));

/// Direct Connect operations (both of its protocols), same order of kinds.
pub static DIRECTCONNECT_OPS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    fuzz_ops(
        ServiceKind::DirectConnect,
        &["DescribeLocations", "ConfirmConnection"],
    )
});

fn fuzz_ops(service: ServiceKind, unimplemented: &[&'static str]) -> Vec<&'static str> {
    let implemented = crate::services::supported_operations(service);
    implemented.iter().chain(unimplemented).copied().collect()
}

/// Methods for the path-routed protocols (Supply Chain's routes use the
/// first five).
pub const METHODS: &[&str] = &["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD"];

/// Regions a valid credential scope names: the seeded one first.
pub const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-south-1", "us-west-2"];

/// Identities of the seeded resources, for writing seed inputs.
pub mod seeded {
    /// The App Runner VPC connector the service uses.
    pub const CONNECTOR_ARN: &str = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/conn/1/0123456789abcdef0123456789abcdef";
    /// The App Runner service (RUNNING, behind the ingress connection).
    pub const SERVICE_ARN: &str =
        "arn:aws:apprunner:us-east-1:123456789012:service/web/11111111111111111111111111111111";
    /// The VPC ingress connection to the service (AVAILABLE).
    pub const INGRESS_ARN: &str = "arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/ing/22222222222222222222222222222222";
    /// A service already deleted (a tombstone: visible, not deletable).
    pub const DELETING_SERVICE_ARN: &str =
        "arn:aws:apprunner:us-east-1:123456789012:service/old/33333333333333333333333333333333";
    /// The Direct Connect connection, with one virtual interface.
    pub const CONNECTION_ID: &str = "dxcon-fuzz0001";
    /// The virtual interface on [`CONNECTION_ID`].
    pub const VIF_ID: &str = "dxvif-fuzz0001";
    /// A connection without virtual interfaces, in eu-west-1.
    pub const LONE_CONNECTION_ID: &str = "dxcon-fuzz0002";
    /// The Supply Chain instance.
    pub const INSTANCE_ID: &str = "00000000-0000-4000-8000-000000000001";
}

/// The simulator every input runs against: no throttling, no faults, every
/// latency scaled to nothing (so outcomes do not depend on timing), deleted
/// resources kept visible for the length of any input.
pub fn config() -> SimConfig {
    use seeded::*;
    let mut service = SeedResource::new(ResourceType::AppRunnerService, "web");
    service.arn = Some(SERVICE_ARN.into());
    service.vpc_connector_arn = Some(CONNECTOR_ARN.into());
    service.tags.insert("team".into(), "shop".into());
    let mut connector = SeedResource::new(ResourceType::AppRunnerVpcConnector, "conn");
    connector.arn = Some(CONNECTOR_ARN.into());
    let mut ingress = SeedResource::new(ResourceType::AppRunnerVpcIngressConnection, "ing");
    ingress.arn = Some(INGRESS_ARN.into());
    ingress.service_arn = Some(SERVICE_ARN.into());
    let mut old = SeedResource::new(ResourceType::AppRunnerService, "old");
    old.arn = Some(DELETING_SERVICE_ARN.into());
    old.status = Some("DELETED".into());
    let mut connection = SeedResource::new(ResourceType::DxConnection, "dc-1");
    connection.id = Some(CONNECTION_ID.into());
    connection.tags.insert("team".into(), "net".into());
    let mut vif = SeedResource::new(ResourceType::DxVirtualInterface, "vif-1");
    vif.id = Some(VIF_ID.into());
    vif.connection_id = Some(CONNECTION_ID.into());
    let mut lone = SeedResource::new(ResourceType::DxConnection, "dc-2");
    lone.id = Some(LONE_CONNECTION_ID.into());
    lone.region = "eu-west-1".into();
    let mut instance = SeedResource::new(ResourceType::SupplyChainInstance, "scn");
    instance.id = Some(INSTANCE_ID.into());
    instance.tags.insert("team".into(), "plan".into());
    SimConfig {
        time_scale: 1e-6,
        latencies: Latencies::default(),
        // 10^8 s scaled by 1e-6: tombstones stay for 100 s.
        tombstone_ttl: Duration::from_secs(100_000_000),
        initial_state: Some(SimState {
            resources: vec![
                connector, service, ingress, old, connection, vif, lone, instance,
            ],
        }),
        ..SimConfig::default()
    }
}

/// One decoded request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuzzRequest {
    /// HTTP method.
    pub method: String,
    /// Request target (path and query).
    pub uri: String,
    /// Header name/value pairs.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// Splits `data` into requests (see the module docs). Never fails: every
/// byte string decodes to at least one request.
pub fn decode(data: &[u8]) -> Vec<FuzzRequest> {
    split(data)
        .into_iter()
        .take(MAX_REQUESTS)
        .map(decode_one)
        .collect()
}

fn split(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while let Some(i) = data.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        out.push(&data[..i]);
        data = &data[i + SEPARATOR.len()..];
    }
    out.push(data);
    out
}

fn take_line(rest: &mut &[u8]) -> String {
    let end = rest.iter().position(|&b| b == b'\n');
    let line = &rest[..end.unwrap_or(rest.len())];
    *rest = &rest[end.map_or(rest.len(), |i| i + 1)..];
    String::from_utf8_lossy(line).into_owned()
}

fn decode_one(chunk: &[u8]) -> FuzzRequest {
    let byte = |i: usize| chunk.get(i).copied().unwrap_or(0);
    let (protocol, op, auth) = (byte(0) % 5, byte(1), byte(2));
    let mut rest = chunk.get(3..).unwrap_or_default();
    let method_at = |i: u8| METHODS[usize::from(i) % METHODS.len()].to_owned();
    let mut headers: Vec<(String, String)> = Vec::new();
    let op_name = |ops: &[&str], rest: &mut &[u8]| -> String {
        if op == 0xff {
            take_line(rest)
        } else {
            ops[usize::from(op) % ops.len()].to_owned()
        }
    };
    let (method, uri, scope_service) = match protocol {
        0 => {
            let name = op_name(&APPRUNNER_OPS, &mut rest);
            headers.push(("x-amz-target".into(), format!("AppRunner.{name}")));
            headers.push(("content-type".into(), "application/x-amz-json-1.0".into()));
            ("POST".to_owned(), "/".to_owned(), "apprunner")
        }
        1 => {
            let name = op_name(&DIRECTCONNECT_OPS, &mut rest);
            headers.push(("x-amz-target".into(), format!("OvertureService.{name}")));
            headers.push(("content-type".into(), "application/x-amz-json-1.1".into()));
            ("POST".to_owned(), "/".to_owned(), "directconnect")
        }
        2 => {
            let name = op_name(&DIRECTCONNECT_OPS, &mut rest);
            headers.push(("smithy-protocol".into(), "rpc-v2-cbor".into()));
            headers.push(("content-type".into(), "application/cbor".into()));
            headers.push(("accept".into(), "application/cbor".into()));
            let uri = format!("/service/OvertureService/operation/{name}");
            ("POST".to_owned(), uri, "directconnect")
        }
        3 => {
            let uri = take_line(&mut rest);
            headers.push(("content-type".into(), "application/json".into()));
            (method_at(op), uri, "scn")
        }
        _ => {
            let uri = take_line(&mut rest);
            let target = take_line(&mut rest);
            if !target.is_empty() {
                headers.push(("x-amz-target".into(), target));
            }
            (method_at(op), uri, "apprunner")
        }
    };
    match auth & 3 {
        0 | 1 => {
            let region = REGIONS[usize::from(auth >> 2) % REGIONS.len()];
            headers.push(("authorization".into(), format!(
                "AWS4-HMAC-SHA256 Credential=AKIDFUZZ/20261122/{region}/{scope_service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
            )));
        }
        2 => headers.push(("authorization".into(), take_line(&mut rest))),
        _ => {}
    }
    FuzzRequest {
        method,
        uri,
        headers,
        body: rest.to_vec(),
    }
}

/// The bytes of one request in the input format (for writing seeds):
/// `lines` are the lines the protocol/op/auth bytes call for, in order.
pub fn encode(protocol: u8, op: u8, auth: u8, lines: &[&str], body: &[u8]) -> Vec<u8> {
    let mut out = vec![protocol, op, auth];
    for l in lines {
        out.extend_from_slice(l.as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(body);
    out
}

/// Several encoded requests as one input.
pub fn join(requests: &[Vec<u8>]) -> Vec<u8> {
    requests.join(SEPARATOR)
}

/// The fuzz target's body: decodes `data` and sends every request to a
/// fresh simulator, returning the answers (`None` = connection dropped).
pub fn run(data: &[u8]) -> Vec<Option<OfflineResponse>> {
    let Ok(sim) = OfflineSim::new(config()) else {
        // The configuration is fixed; its seed is checked by this crate's
        // tests, so this is unreachable in practice.
        return Vec::new();
    };
    decode(data).iter().map(|r| send(&sim, r)).collect()
}

fn send(sim: &OfflineSim, r: &FuzzRequest) -> Option<OfflineResponse> {
    let headers: Vec<(&str, &str)> = r
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    sim.handle(&r.method, &r.uri, &headers, &r.body)
}

/// The `sim_state` fuzz target's body: `data` as a `--state` file. It
/// either is refused with an error or seeds a simulator (statuses settled,
/// ARNs and ids made) that lists what it holds; never a panic. Returns the
/// list answers, each to be [`check`]ed.
pub fn seed_state(data: &[u8]) -> Vec<Option<OfflineResponse>> {
    let Ok(state) = SimState::parse(data) else {
        return Vec::new();
    };
    let config = SimConfig {
        initial_state: Some(state),
        ..config()
    };
    let Ok(sim) = OfflineSim::new(config) else {
        return Vec::new();
    };
    let _ = sim.snapshot();
    let lists = [
        (0, "ListServices"),
        (0, "ListVpcConnectors"),
        (0, "ListVpcIngressConnections"),
        (1, "DescribeConnections"),
        (1, "DescribeVirtualInterfaces"),
    ];
    let mut answers = Vec::new();
    for region in 0..REGIONS.len() {
        let auth = u8::try_from(region << 2).unwrap_or_default();
        for (protocol, name) in lists {
            // Op byte 0xff: the operation is named by the next line.
            let request = decode_one(&encode(protocol, 0xff, auth, &[name], b"{}"));
            answers.push(send(&sim, &request));
        }
    }
    answers
}

/// What every answer must satisfy, whatever was asked: a real HTTP status,
/// and a body the client can decode in the format its content type names
/// (JSON for the JSON protocols, CBOR for rpc-v2-cbor). The fuzz target
/// treats a violation as a crash.
pub fn check(r: &OfflineResponse) -> Result<(), String> {
    if !(100..=599).contains(&r.status) {
        return Err(format!("status {} is not an HTTP status", r.status));
    }
    if r.body.is_empty() {
        return Ok(());
    }
    match r.header("content-type") {
        Some(c) if c.contains("json") => serde_json::from_slice::<serde_json::Value>(&r.body)
            .map(drop)
            .map_err(|e| format!("{c} body is not JSON: {e}")),
        Some(c) if c.contains("cbor") => crate::cbor::decode(&r.body)
            .map(drop)
            .map_err(|e| format!("{c} body is not CBOR: {e}")),
        _ => Ok(()),
    }
}
