//! The Direct Connect estate end to end: a LAG with member connections, a
//! Direct Connect gateway with an association, and the virtual interfaces
//! on them (examples/directconnect-estate), applied against the simulator; what
//! the audit log proves, blockers for each new relation (in both
//! directions), and the example planning in the sandbox.

mod common;

use common::directconnect_estate::*;
use common::sim::TestSim;
use common::{stderr, stdout, Project};
use decom_sim::{AuditEntry, ResourceType as Sim, SimConfig, SimState};

fn run(sim: &TestSim, p: &Project, args: &[&str]) -> std::process::Output {
    let mut cmd = p.decom(args);
    sim.env(&mut cmd);
    cmd.output().unwrap()
}

/// The position of the (only) accepted `operation` on `target` in the
/// audit log.
fn accepted(audit: &[AuditEntry], operation: &str, target: &str) -> usize {
    let at: Vec<usize> = audit
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.operation == operation && e.status == 200 && e.target.as_deref() == Some(target)
        })
        .map(|(i, _)| i)
        .collect();
    assert_eq!(at.len(), 1, "{operation} {target}: {audit:#?}");
    at[0]
}

#[test]
fn the_estate_is_deleted_vifs_then_lag_and_gateway_then_members_and_replans_to_no_changes() {
    let mut seeds = estate();
    // A bystander: a connection of the same region that stays.
    seeds.push(seed(Sim::DxConnection, "bystander", "dxcon-bystand1"));
    let sim = TestSim::start(seeds);
    let p = Project::example("directconnect-estate");
    let out = run(&sim, &p, &["plan", "--out", "plan.bin"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Refresh: who the caller is, one describe-all per type, and the
    // associations of the one planned gateway (AWS lists them per gateway).
    let mut refresh: Vec<String> = sim.audit().into_iter().map(|e| e.operation).collect();
    refresh.sort();
    assert_eq!(
        refresh,
        [
            "DescribeConnections",
            "DescribeDirectConnectGatewayAssociations",
            "DescribeDirectConnectGateways",
            "DescribeLags",
            "DescribeVirtualInterfaces",
            "GetCallerIdentity",
        ]
    );
    let out = run(&sim, &p, &["apply", "plan.bin", "--poll-interval-ms=20"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("Apply complete: 7 deleted, 0 failed, 0 skipped."),
        "{}",
        stdout(&out)
    );

    let audit = sim.audit();
    let deletes: Vec<&AuditEntry> = audit
        .iter()
        .filter(|e| e.operation.starts_with("Delete"))
        .collect();
    assert!(
        deletes.iter().all(|e| e.status == 200 && e.error.is_none()),
        "a delete was refused: {deletes:#?}"
    );
    assert_eq!(deletes.len(), 7, "{deletes:#?}");
    let lag = accepted(&audit, "DeleteLag", LAG);
    let gateway = accepted(&audit, "DeleteDirectConnectGateway", GATEWAY);
    for vif in [VIF_ON_LAG, VIF_ON_GATEWAY] {
        assert!(accepted(&audit, "DeleteVirtualInterface", vif) < lag);
    }
    assert!(accepted(&audit, "DeleteVirtualInterface", VIF_ON_GATEWAY) < gateway);
    // The association was disassociated, and a describe of it confirmed
    // that, before the gateway's delete (which AWS refuses until then).
    let disassociated = accepted(&audit, "DeleteDirectConnectGatewayAssociation", ASSOCIATION);
    let confirmed = audit.iter().enumerate().any(|(i, e)| {
        (disassociated..gateway).contains(&i)
            && e.operation == "DescribeDirectConnectGatewayAssociations"
            && e.target.as_deref() == Some(ASSOCIATION)
            && e.status == 200
    });
    assert!(confirmed, "{audit:#?}");
    for member in MEMBERS {
        assert!(
            accepted(&audit, "DeleteConnection", member) > lag,
            "{member} deleted before its LAG"
        );
    }
    let snapshot = sim.snapshot();
    let bystander = snapshot.resources.iter().find(|r| r.name == "bystander");
    assert_eq!(
        bystander.and_then(|b| b.status.as_deref()),
        Some("available")
    );

    let out = run(&sim, &p, &["plan"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("No changes"), "{}", stdout(&out));
}

/// A VIF outside the manifest on the planned LAG, or attached to the
/// planned gateway, and an association outside the manifest of the planned
/// gateway, each block the plan and are suggested with their relation.
#[test]
fn a_vif_or_association_outside_the_manifest_on_a_planned_lag_or_gateway_blocks() {
    let other = "dxcon-other001";
    let cases = [
        (
            "aws_dx_lag.core",
            "aws_dx_virtual_interface \"intruder\"",
            "connection_id = aws_dx_lag.core.id",
            vif("intruder", "dxvif-intrude1", LAG, None),
        ),
        (
            "aws_dx_gateway.transit",
            "aws_dx_virtual_interface \"intruder\"",
            "dx_gateway_id = aws_dx_gateway.transit.id",
            vif("intruder", "dxvif-intrude1", other, Some(GATEWAY)),
        ),
        (
            "aws_dx_gateway.transit",
            // Named by the gateway it associates (the simulator's VGW).
            "aws_dx_gateway_association \"vgw-0b1c2d3e\"",
            "dx_gateway_id = aws_dx_gateway.transit.id",
            association("0b1c2d3e-0000-4000-8000-000000000001", GATEWAY),
        ),
    ];
    for (address, blocker, suggestion, intruder) in cases {
        let mut seeds = estate();
        seeds.push(seed(Sim::DxConnection, "other", other));
        seeds.push(intruder);
        let sim = TestSim::start(seeds);
        let out = run(&sim, &Project::example("directconnect-estate"), &["plan"]);
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{address} cannot be deleted: live {blocker}")),
            "{err}"
        );
        assert!(err.contains(suggestion), "{err}");
        assert!(sim.mutating_requests().is_empty());
    }
}

/// The reverse direction, hostile: a manifest naming a member connection
/// but not its live LAG. AWS refuses to delete a member that would leave
/// the LAG below its minimum links, so the plan must not promise the
/// delete: the LAG is a blocker, suggested as a block of its own that the
/// member references.
#[test]
fn a_member_connection_without_its_lag_is_blocked_by_the_lag() {
    let sim = TestSim::start(vec![
        seed(Sim::DxLag, "core", LAG),
        member("core-a", MEMBERS[0], LAG),
    ]);
    let p = Project::with_main(&format!(
        "resource \"aws_dx_connection\" \"a\" {{\n  id = \"{}\"\n}}\n",
        MEMBERS[0]
    ));
    let out = run(&sim, &p, &["plan"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("aws_dx_connection.a cannot be deleted: live aws_dx_lag \"core\""),
        "{err}"
    );
    assert!(err.contains("resource \"aws_dx_lag\" \"core\""), "{err}");
    assert!(err.contains(&format!("id = \"{LAG}\"")), "{err}");
    assert!(
        err.contains("and in aws_dx_connection.a: lag_id = aws_dx_lag.core.id"),
        "{err}"
    );
    assert!(sim.mutating_requests().is_empty());

    // With the LAG added as suggested, the LAG goes first and nothing is
    // refused.
    p.write(
        "main.hcl",
        &format!(
            "resource \"aws_dx_lag\" \"core\" {{\n  id = \"{LAG}\"\n}}\nresource \"aws_dx_connection\" \"a\" {{\n  id     = \"{}\"\n  lag_id = aws_dx_lag.core.id\n}}\n",
            MEMBERS[0]
        ),
    );
    let out = run(
        &sim,
        &p,
        &["apply", "--auto-approve", "--poll-interval-ms=20", "."],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let audit = sim.audit();
    assert!(accepted(&audit, "DeleteLag", LAG) < accepted(&audit, "DeleteConnection", MEMBERS[0]));
    assert!(audit.iter().all(|e| e.error.is_none()), "{audit:#?}");
}

/// The other end does not block: DeleteLag leaves its members standalone,
/// so members outside the manifest stay, untouched.
#[test]
fn members_outside_the_manifest_do_not_block_deleting_their_lag() {
    let sim = TestSim::start(vec![
        seed(Sim::DxLag, "core", LAG),
        member("core-a", MEMBERS[0], LAG),
        member("core-b", MEMBERS[1], LAG),
    ]);
    let p = Project::with_main(&format!(
        "resource \"aws_dx_lag\" \"core\" {{\n  id = \"{LAG}\"\n}}\n"
    ));
    let out = run(
        &sim,
        &p,
        &["apply", "--auto-approve", "--poll-interval-ms=20", "."],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let deletes: Vec<String> = sim
        .mutating_requests()
        .into_iter()
        .map(|e| format!("{} {}", e.operation, e.target.unwrap_or_default()))
        .collect();
    assert_eq!(deletes, [format!("DeleteLag {LAG}")]);
    let snapshot = sim.snapshot();
    for id in MEMBERS {
        let m = snapshot
            .resources
            .iter()
            .find(|r| r.id.as_deref() == Some(id));
        assert_eq!(m.and_then(|m| m.status.as_deref()), Some("available"));
        assert_eq!(
            m.and_then(|m| m.lag_id.as_deref()),
            None,
            "{id} still in the LAG"
        );
    }
}

#[test]
fn the_example_plans_in_the_sandbox() {
    let p = Project::example("directconnect-estate");
    let out = p.decom(&["plan", "--sandbox"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Plan: 7 to delete, 0 to wait for, 0 already gone."),
        "{text}"
    );
    for (address, wave) in [
        ("aws_dx_gateway_association.transit", 1),
        ("aws_dx_virtual_interface.core", 1),
        ("aws_dx_virtual_interface.transit", 1),
        ("aws_dx_lag.core", 2),
        ("aws_dx_gateway.transit", 2),
        ("aws_dx_connection.core[\"a\"]", 3),
        ("aws_dx_connection.core[\"b\"]", 3),
    ] {
        assert!(
            text.contains(&format!("# {address} will be deleted (wave {wave})")),
            "{text}"
        );
    }
}

/// Discover follows both directions: a matched member connection brings
/// its LAG (which goes first) and the LAG its virtual interfaces, with the
/// references written, and the result plans without blockers.
#[test]
fn discovering_a_member_connection_brings_its_lag_and_the_lags_vifs() {
    let sim = TestSim::start(estate());
    let p = Project::new();
    let args = [
        "discover",
        "--type",
        "aws_dx_connection",
        "--name-regex",
        "^core-a$",
        "--include-dependents",
    ];
    let out = run(&sim, &p, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let hcl = stdout(&out);
    for expected in [
        "resource \"aws_dx_lag\" \"core\" {\n  id = \"dxlag-fgcore01\"\n}",
        "lag_id = aws_dx_lag.core.id",
        "resource \"aws_dx_virtual_interface\" \"core\"",
        "resource \"aws_dx_virtual_interface\" \"transit\"",
        "connection_id = aws_dx_lag.core.id",
    ] {
        assert!(hcl.contains(expected), "{expected}\n{hcl}");
    }
    // The other member is no dependent of anything: it stays out.
    assert!(!hcl.contains(MEMBERS[1]), "{hcl}");
    p.write("main.hcl", &hcl);
    let out = run(&sim, &p, &["plan"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Plan: 4 to delete, 0 to wait for, 0 already gone."),
        "{}",
        stdout(&out)
    );
    assert!(sim.mutating_requests().is_empty());
}

/// An association already being disassociated is planned as a wait, not
/// a delete; one under a gateway AWS does not know is already gone.
#[test]
fn a_disassociating_association_is_a_wait_and_one_of_an_unknown_gateway_is_gone() {
    let mut leaving = association(ASSOCIATION, GATEWAY);
    leaving.status = Some("disassociating".into());
    // Real time: the disassociation (15m) outlasts the plan.
    let sim = TestSim::with_config(SimConfig {
        time_scale: 1.0,
        initial_state: Some(SimState {
            resources: vec![seed(Sim::DxGateway, "transit", GATEWAY), leaving],
        }),
        ..SimConfig::default()
    });
    let p = Project::with_main(&format!(
        "resource \"aws_dx_gateway_association\" \"leaving\" {{\n  id            = \"{ASSOCIATION}\"\n  dx_gateway_id = \"{GATEWAY}\"\n}}\nresource \"aws_dx_gateway_association\" \"unknown\" {{\n  id            = \"0b1c2d3e-0000-4000-8000-000000000009\"\n  dx_gateway_id = \"11111111-2222-4333-8444-555555555555\"\n}}\n"
    ));
    let out = run(&sim, &p, &["plan"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Plan: 0 to delete, 1 to wait for, 1 already gone."),
        "{}",
        stdout(&out)
    );
    assert!(sim.mutating_requests().is_empty(), "{:#?}", sim.audit());
}

/// An association named by its id alone (as `discover` writes it when
/// its gateway is not in the manifest), or with another gateway than
/// live, is looked up by its id: it was "already gone", exit 0, without a
/// request, and stayed associated. Alone it is deleted; with the wrong
/// gateway the plan refuses.
#[test]
fn an_association_named_by_id_alone_is_found_and_deleted_not_already_gone() {
    let other_gateway = "11111111-2222-4333-8444-555555555555";
    let sim = TestSim::with_config(SimConfig {
        time_scale: 0.001,
        initial_state: Some(SimState {
            resources: vec![
                seed(Sim::DxGateway, "transit", GATEWAY),
                seed(Sim::DxGateway, "other", other_gateway),
                association(ASSOCIATION, GATEWAY),
            ],
        }),
        ..SimConfig::default()
    });
    let p = Project::with_main(&format!(
        "resource \"aws_dx_gateway_association\" \"a\" {{\n  id            = \"{ASSOCIATION}\"\n  dx_gateway_id = \"{other_gateway}\"\n}}\n"
    ));
    let out = run(&sim, &p, &["plan"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{}\n{err}", stdout(&out));
    assert!(err.contains("does not match live state"), "{err}");

    p.write(
        "main.hcl",
        &format!(
            "resource \"aws_dx_gateway_association\" \"a\" {{\n  id = \"{ASSOCIATION}\"\n}}\n"
        ),
    );
    let out = run(
        &sim,
        &p,
        &["apply", "--auto-approve", "--poll-interval-ms=20"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", stderr(&out));
    assert!(text.contains("Apply complete: 1 deleted"), "{text}");
    // Exactly one accepted delete of it.
    accepted(
        &sim.audit(),
        "DeleteDirectConnectGatewayAssociation",
        ASSOCIATION,
    );
}
