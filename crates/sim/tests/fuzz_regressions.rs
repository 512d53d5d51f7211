//! Inputs that once crashed the simulator (found by the `sim_request` fuzz
//! target or while reviewing what it reaches), each with the exact answer
//! the simulator now gives. See fuzz/README.md for how to add one.

use decom_sim::{OfflineSim, ResourceType, SeedResource, SimConfig, SimError, SimState};

fn seeded(resources: Vec<SeedResource>) -> Result<OfflineSim, SimError> {
    OfflineSim::new(SimConfig {
        initial_state: Some(SimState { resources }),
        ..SimConfig::default()
    })
}

/// Found in review of the request path: the handlers name devices and BGP
/// peers after byte ranges of the id (`&id[len - 4..]`), so a seeded
/// (`--state FILE`) id with a multi-byte character panicked the first
/// DescribeConnections. Seeding now refuses non-ASCII ids.
#[test]
fn a_seed_id_that_is_not_ascii_is_refused_at_seeding() {
    let mut c = SeedResource::new(ResourceType::DxConnection, "dc");
    c.id = Some("x\u{20ac}xx".into());
    let err = seeded(vec![c]).expect_err("refused");
    assert_eq!(
        err.to_string(),
        "invalid seed state: resources[0] (aws_dx_connection 'dc'): id 'x\u{20ac}xx' must be ASCII (AWS ids are)"
    );

    let mut s = SeedResource::new(ResourceType::AppRunnerService, "web");
    s.arn = Some("arn:aws:apprunner:us-east-1:123456789012:service/web/\u{e9}\u{e9}\u{e9}".into());
    let err = seeded(vec![s]).expect_err("refused");
    assert!(
        err.to_string().ends_with("must be ASCII (AWS ids are)"),
        "{err}"
    );

    // ASCII ids of any shape still seed, and are described.
    let mut c = SeedResource::new(ResourceType::DxConnection, "dc");
    c.id = Some("x".into());
    let sim = seeded(vec![c]).expect("seeds");
    let r = sim
        .handle(
            "POST",
            "/",
            &[("x-amz-target", "OvertureService.DescribeConnections")],
            b"{}",
        )
        .expect("answered");
    assert_eq!(r.status, 200);
}

/// Fuzzer timeout (`sim_request`, 2026-11-22): an rpc-v2-cbor body whose
/// map keys are maps, nested ~30 deep. The decoder turned a non-text key
/// into its JSON text, so every level escaped the quotes of the level below
/// again: key length doubled per level (over 10 s, then out of memory).
/// Map keys must be text strings in rpc-v2-cbor; anything else is now a
/// SerializationException.
#[test]
fn cbor_map_keys_that_are_maps_are_a_serialization_error() {
    let sim = OfflineSim::new(SimConfig::default()).expect("default config");
    let cbor = [
        ("smithy-protocol", "rpc-v2-cbor"),
        ("content-type", "application/cbor"),
    ];
    let describe = "/service/OvertureService/operation/DescribeConnections";
    // {{{... {"a": 1}: 1 ...}: 1}: 1}, 40 levels deep.
    let mut body = vec![0xa1_u8; 40];
    body.extend_from_slice(&[0x61, b'a', 0x01]);
    body.extend(std::iter::repeat_n(0x01, 40));
    let started = std::time::Instant::now();
    let r = sim
        .handle("POST", describe, &cbor, &body)
        .expect("answered");
    assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
    assert_eq!(r.status, 400);
    assert_eq!(r.header("content-type"), Some("application/cbor"));
    let text = String::from_utf8_lossy(&r.body);
    assert!(text.contains("SerializationException"), "{text}");
    assert!(
        text.contains("Malformed CBOR request body: CBOR map key is not a text string"),
        "{text}"
    );

    // An integer key is refused the same way; text keys still work.
    let r = sim
        .handle("POST", describe, &cbor, &[0xa1, 0x01, 0x01])
        .expect("answered");
    assert_eq!(r.status, 400);
    let ok = [&[0xa1_u8, 0x6c][..], b"connectionId", &[0x61, b'x']].concat();
    let r = sim.handle("POST", describe, &cbor, &ok).expect("answered");
    let text = String::from_utf8_lossy(&r.body);
    assert_eq!(r.status, 400, "{text}");
    assert!(
        text.contains("DirectConnectClientException"),
        "got past decoding: {text}"
    );

    // The fuzzer's own input: four requests' worth of it now end quickly.
    let input = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fuzz_regressions/timeout-cbor-map-key-nesting.bin"
    ))
    .expect("regression input");
    let started = std::time::Instant::now();
    let answers = decom_sim::fuzzing::run(&input);
    assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
    assert_eq!(answers.len(), 1);
    let r = answers[0].as_ref().expect("answered");
    assert_eq!(r.status, 400);
    assert!(String::from_utf8_lossy(&r.body).contains("CBOR map key is not a text string"));
}
