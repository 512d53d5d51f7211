//! The `sim_request` and `sim_state` fuzz targets' committed seeds (`fuzz/seeds/`),
//! run through the target's own entry point (`decom_sim::fuzzing::run` and
//! `check`) in the ordinary test suite, so the seeds and the entry point
//! keep working without building the fuzz package.
//!
//! The seeds are written by `regenerate_seeds` below (ignored; run it after
//! changing the input format, see fuzz/README.md).

use std::path::{Path, PathBuf};

use decom_sim::fuzzing::{self, encode, join, seeded::*};

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/sim_request")
}

fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(seeds_dir())
        .expect("fuzz/seeds/sim_request exists")
        .map(|e| {
            let p = e.expect("dir entry").path();
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            (
                name.unwrap_or_default(),
                std::fs::read(&p).expect("seed readable"),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_seed_gets_well_formed_answers() {
    let seeds = seeds();
    assert!(seeds.len() >= 20, "only {} seeds", seeds.len());
    let (mut answers, mut ok) = (0, 0);
    for (name, data) in &seeds {
        let requests = fuzzing::decode(data).len();
        let responses = fuzzing::run(data);
        assert_eq!(responses.len(), requests, "{name}");
        for r in responses {
            let r = r.unwrap_or_else(|| panic!("{name}: dropped without faults"));
            if let Err(e) = fuzzing::check(&r) {
                panic!("{name}: {e}");
            }
            answers += 1;
            ok += usize::from(r.status < 300);
        }
    }
    // The seeds exist to get mutations past validation: most must succeed.
    assert!(ok * 2 > answers, "{ok} of {answers} answers succeeded");
}

/// The `sim_state` target's seeds (`fuzz/seeds/sim_state/`): each loads,
/// seeds a simulator and gets well-formed list answers in every region.
#[test]
fn every_state_seed_seeds_a_simulator_that_answers() {
    let dir = seeds_dir().join("../sim_state");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/seeds/sim_state exists") {
        let path = entry.expect("dir entry").path();
        let data = std::fs::read(&path).expect("seed readable");
        let answers = fuzzing::seed_state(&data);
        assert_eq!(answers.len(), 20, "{}", path.display());
        for r in answers {
            let r = r.unwrap_or_else(|| panic!("{}: dropped", path.display()));
            assert_eq!(r.status, 200, "{}: {r:?}", path.display());
            fuzzing::check(&r).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        seen += 1;
    }
    assert!(seen >= 3, "only {seen} seeds");
    // Not a state file: refused, nothing answered.
    assert!(fuzzing::seed_state(b"{\"resources\": 7}").is_empty());
}

#[test]
fn the_fuzz_configuration_seeds_cleanly() {
    let sim = decom_sim::OfflineSim::new(fuzzing::config()).expect("seed state is valid");
    assert_eq!(sim.snapshot().resources.len(), 8);
}

/// JSON as CBOR (maps, arrays, text, unsigned and negative integers,
/// booleans), for the rpc-v2-cbor seeds.
fn cbor(v: &serde_json::Value) -> Vec<u8> {
    fn head(out: &mut Vec<u8>, major: u8, n: u64) {
        let m = major << 5;
        match n {
            0..=23 => out.push(m | n as u8),
            24..=0xff => out.extend([m | 24, n as u8]),
            0x100..=0xffff => {
                out.push(m | 25);
                out.extend((n as u16).to_be_bytes());
            }
            _ => {
                out.push(m | 27);
                out.extend(n.to_be_bytes());
            }
        }
    }
    fn enc(out: &mut Vec<u8>, v: &serde_json::Value) {
        use serde_json::Value::*;
        match v {
            Null => out.push(0xf6),
            Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
            Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => head(out, 0, u),
                (None, Some(i)) => head(out, 1, (-1 - i) as u64),
                _ => {
                    out.push(0xfb);
                    out.extend(n.as_f64().unwrap_or(0.0).to_bits().to_be_bytes());
                }
            },
            String(s) => {
                head(out, 3, s.len() as u64);
                out.extend(s.as_bytes());
            }
            Array(a) => {
                head(out, 4, a.len() as u64);
                a.iter().for_each(|x| enc(out, x));
            }
            Object(m) => {
                head(out, 5, m.len() as u64);
                for (k, x) in m {
                    head(out, 3, k.len() as u64);
                    out.extend(k.as_bytes());
                    enc(out, x);
                }
            }
        }
    }
    let mut out = Vec::new();
    enc(&mut out, v);
    out
}

fn op(ops: &[&str], name: &str) -> u8 {
    let i = ops
        .iter()
        .position(|o| *o == name)
        .unwrap_or_else(|| panic!("{name} not in the list"));
    u8::try_from(i).expect("short list")
}

const US_EAST_1: u8 = 0;
const EU_WEST_1: u8 = 1 << 2;
const AUTH_LINE: u8 = 2;
const NO_AUTH: u8 = 3;

fn ar(name: &str, body: serde_json::Value) -> Vec<u8> {
    let op = op(&fuzzing::APPRUNNER_OPS, name);
    encode(0, op, US_EAST_1, &[], body.to_string().as_bytes())
}

fn dx(name: &str, region: u8, body: serde_json::Value) -> Vec<u8> {
    let op = op(&fuzzing::DIRECTCONNECT_OPS, name);
    encode(1, op, region, &[], body.to_string().as_bytes())
}

fn dx_cbor(name: &str, body: serde_json::Value) -> Vec<u8> {
    let op = op(&fuzzing::DIRECTCONNECT_OPS, name);
    encode(2, op, US_EAST_1, &[], &cbor(&body))
}

fn scn(method: &str, path: &str, body: &str) -> Vec<u8> {
    let m = op(fuzzing::METHODS, method);
    encode(3, m, US_EAST_1, &[path], body.as_bytes())
}

/// Writes fuzz/seeds/sim_request/ from requests like the SDKs send (the
/// shapes the wire and SDK tests of this crate use).
#[test]
#[ignore = "writes the seed files; run after changing the input format"]
fn regenerate_seeds() {
    use serde_json::json;
    let create_service = json!({
        "ServiceName": "fuzz-svc",
        "SourceConfiguration": {"ImageRepository": {
            "ImageIdentifier": "public.ecr.aws/aws-containers/hello-app-runner:latest",
            "ImageRepositoryType": "ECR_PUBLIC"}},
        "NetworkConfiguration": {"EgressConfiguration": {
            "EgressType": "VPC", "VpcConnectorArn": CONNECTOR_ARN}},
        "Tags": [{"Key": "team", "Value": "fz"}]
    });
    let instance_arn = format!("arn:aws:scn:us-east-1:123456789012:instance/{INSTANCE_ID}")
        .replace(':', "%3A")
        .replace('/', "%2F");
    let seeds: Vec<(&str, Vec<u8>)> = vec![
        ("ar_list_services", ar("ListServices", json!({}))),
        (
            "ar_list_services_page",
            ar("ListServices", json!({"MaxResults": 1})),
        ),
        (
            "ar_describe_service",
            ar("DescribeService", json!({"ServiceArn": SERVICE_ARN})),
        ),
        (
            "ar_delete_service_in_use",
            ar("DeleteService", json!({"ServiceArn": SERVICE_ARN})),
        ),
        (
            "ar_teardown_in_order",
            join(&[
                ar(
                    "DeleteVpcIngressConnection",
                    json!({"VpcIngressConnectionArn": INGRESS_ARN}),
                ),
                ar("DeleteService", json!({"ServiceArn": SERVICE_ARN})),
                ar("DescribeService", json!({"ServiceArn": SERVICE_ARN})),
                ar(
                    "DeleteVpcConnector",
                    json!({"VpcConnectorArn": CONNECTOR_ARN}),
                ),
            ]),
        ),
        (
            "ar_delete_deleting_service",
            ar("DeleteService", json!({"ServiceArn": DELETING_SERVICE_ARN})),
        ),
        ("ar_create_service", ar("CreateService", create_service)),
        (
            "ar_create_connector_then_list",
            join(&[
                ar(
                    "CreateVpcConnector",
                    json!({"VpcConnectorName": "conn-2", "Subnets": ["subnet-1"], "SecurityGroups": ["sg-1"]}),
                ),
                ar("ListVpcConnectors", json!({"MaxResults": 5})),
            ]),
        ),
        (
            "ar_create_ingress",
            ar(
                "CreateVpcIngressConnection",
                json!({"ServiceArn": SERVICE_ARN, "VpcIngressConnectionName": "ing-2",
                   "IngressVpcConfiguration": {"VpcId": "vpc-1", "VpcEndpointId": "vpce-1"}}),
            ),
        ),
        (
            "ar_describe_connector_and_ingress",
            join(&[
                ar(
                    "DescribeVpcConnector",
                    json!({"VpcConnectorArn": CONNECTOR_ARN}),
                ),
                ar(
                    "DescribeVpcIngressConnection",
                    json!({"VpcIngressConnectionArn": INGRESS_ARN}),
                ),
            ]),
        ),
        (
            "ar_list_ingress_filtered",
            ar(
                "ListVpcIngressConnections",
                json!({"Filter": {"ServiceArn": SERVICE_ARN}, "MaxResults": 1}),
            ),
        ),
        (
            "ar_list_tags",
            ar("ListTagsForResource", json!({"ResourceArn": SERVICE_ARN})),
        ),
        (
            "ar_unimplemented",
            ar("PauseService", json!({"ServiceArn": SERVICE_ARN})),
        ),
        (
            "ar_named_operation",
            encode(0, 0xff, US_EAST_1, &["ListVpcConnectors"], b"{}"),
        ),
        (
            "dx_describe_all",
            dx("DescribeConnections", US_EAST_1, json!({})),
        ),
        (
            "dx_describe_one_other_region",
            dx(
                "DescribeConnections",
                EU_WEST_1,
                json!({"connectionId": LONE_CONNECTION_ID}),
            ),
        ),
        (
            "dx_delete_connection_with_vif",
            dx(
                "DeleteConnection",
                US_EAST_1,
                json!({"connectionId": CONNECTION_ID}),
            ),
        ),
        (
            "dx_teardown_in_order",
            join(&[
                dx(
                    "DeleteVirtualInterface",
                    US_EAST_1,
                    json!({"virtualInterfaceId": VIF_ID}),
                ),
                dx(
                    "DeleteConnection",
                    US_EAST_1,
                    json!({"connectionId": CONNECTION_ID}),
                ),
                dx(
                    "DescribeVirtualInterfaces",
                    US_EAST_1,
                    json!({"connectionId": CONNECTION_ID}),
                ),
            ]),
        ),
        (
            "dx_create_connection_and_vif",
            join(&[
                dx(
                    "CreateConnection",
                    US_EAST_1,
                    json!({"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "fz",
                       "tags": [{"key": "team", "value": "fz"}]}),
                ),
                dx(
                    "CreatePrivateVirtualInterface",
                    US_EAST_1,
                    json!({"connectionId": CONNECTION_ID, "newPrivateVirtualInterface": {
                       "virtualInterfaceName": "v2", "vlan": 102, "asn": 65000,
                       "virtualGatewayId": "vgw-1"}}),
                ),
            ]),
        ),
        (
            "dx_describe_tags",
            dx(
                "DescribeTags",
                US_EAST_1,
                json!({"resourceArns": [format!("arn:aws:directconnect:us-east-1:123456789012:dxcon/{CONNECTION_ID}")]}),
            ),
        ),
        (
            "cbor_describe_connections",
            dx_cbor(
                "DescribeConnections",
                json!({"connectionId": CONNECTION_ID}),
            ),
        ),
        (
            "cbor_create_connection",
            dx_cbor(
                "CreateConnection",
                json!({"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "cbor-conn"}),
            ),
        ),
        (
            "cbor_delete_vif_then_describe",
            join(&[
                dx_cbor(
                    "DeleteVirtualInterface",
                    json!({"virtualInterfaceId": VIF_ID}),
                ),
                dx_cbor("DescribeVirtualInterfaces", json!({})),
            ]),
        ),
        (
            "cbor_indefinite_map_and_tag",
            // {_ "connectionId": tag 0 "dxcon-fuzz0001" }
            encode(
                2,
                op(&fuzzing::DIRECTCONNECT_OPS, "DescribeConnections"),
                US_EAST_1,
                &[],
                &[
                    &[0xbf_u8, 0x6c][..],
                    b"connectionId",
                    &[0xc0, 0x6e],
                    CONNECTION_ID.as_bytes(),
                    &[0xff],
                ]
                .concat(),
            ),
        ),
        ("scn_list_instances", scn("GET", "/api/instance", "")),
        (
            "scn_list_instances_page",
            scn(
                "GET",
                "/api/instance?maxResults=1&instanceStateFilter=Active",
                "",
            ),
        ),
        (
            "scn_get_instance",
            scn("GET", &format!("/api/instance/{INSTANCE_ID}"), ""),
        ),
        (
            "scn_create_then_delete",
            join(&[
                scn(
                    "POST",
                    "/api/instance",
                    r#"{"instanceName":"raw","tags":{"team":"fz"}}"#,
                ),
                scn("DELETE", &format!("/api/instance/{INSTANCE_ID}"), ""),
                scn("GET", &format!("/api/instance/{INSTANCE_ID}"), ""),
            ]),
        ),
        (
            "scn_list_tags",
            scn("GET", &format!("/api/tags/{instance_arn}"), ""),
        ),
        ("scn_unknown_route", scn("GET", "/api/nothing-here", "")),
        (
            "free_form_bogus_target",
            encode(4, 1, NO_AUTH, &["/", "Bogus.Op"], b"{}"),
        ),
        (
            "garbage_authorization",
            encode(
                0,
                op(&fuzzing::APPRUNNER_OPS, "ListServices"),
                AUTH_LINE,
                &["AWS4-HMAC-SHA256 Credential=AKID/2026/../x"],
                b"{}",
            ),
        ),
    ];
    let dir = seeds_dir();
    std::fs::create_dir_all(&dir).expect("mkdir");
    for e in std::fs::read_dir(&dir).expect("read dir") {
        std::fs::remove_file(e.expect("entry").path()).expect("remove old seed");
    }
    for (name, data) in seeds {
        for r in fuzzing::run(&data).into_iter().flatten() {
            eprintln!("{name}: {} {}", r.status, String::from_utf8_lossy(&r.body));
        }
        std::fs::write(dir.join(format!("{name}.bin")), data).expect("write seed");
    }
}
