//! `decom plan` and `decom show` end to end: the real binary, the real SDK
//! clients, over HTTP against the simulator.

mod common;

use common::quickstart::{quickstart_seed, ACCOUNT, CONNECTOR_ARN, SERVICE_ARN};
use common::sim::{TestSim, SECRET_KEY};
use common::{decom, stderr, stdout, Project};
use decom_sim::{ResourceType as Sim, SeedResource};

fn plan_quickstart(sim: &TestSim, extra: &[&str]) -> std::process::Output {
    let p = Project::example("quickstart");
    let mut cmd = decom();
    sim.env(&mut cmd);
    cmd.arg("plan").arg(p.path()).args(extra);
    cmd.output().unwrap()
}

#[test]
fn quickstart_plan_deletes_everything_in_three_waves_without_mutating() {
    let sim = TestSim::start(quickstart_seed());
    let out = plan_quickstart(&sim, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("# aws_apprunner_vpc_ingress_connection.web will be deleted (wave 1)"),
        "{text}"
    );
    assert!(
        text.contains("# aws_apprunner_service.web will be deleted (wave 2)"),
        "{text}"
    );
    assert!(
        text.contains("# aws_apprunner_vpc_connector.shared will be deleted (wave 3)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("- service_arn = \"{SERVICE_ARN}\"")),
        "{text}"
    );
    assert!(
        text.ends_with(
            "Plan: 6 to delete, 2 deleted with their parent, 0 to wait for, 0 already gone.\n"
        ),
        "{text}"
    );
    // Invariant 3: plan only reads.
    assert!(
        sim.mutating_requests().is_empty(),
        "{:?}",
        sim.mutating_requests()
    );
    assert!(!text.contains(SECRET_KEY) && !stderr(&out).contains(SECRET_KEY));
}

#[test]
fn detailed_exitcode_is_2_with_changes_and_0_without() {
    let sim = TestSim::start(quickstart_seed());
    let out = plan_quickstart(&sim, &["--detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    // Everything given by ARN/id and absent: nothing to do.
    let empty = TestSim::start(Vec::new());
    let p = Project::with_main(&format!(
        "resource \"aws_apprunner_vpc_connector\" \"c\" {{\n  arn = \"{CONNECTOR_ARN}\"\n}}\n"
    ));
    let mut cmd = p.decom(&["plan", "--detailed-exitcode"]);
    empty.env(&mut cmd);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Plan: 0 to delete, 0 to wait for, 1 already gone."));
}

#[test]
fn a_saved_plan_round_trips_through_show() {
    let sim = TestSim::start(quickstart_seed());
    let dir = tempfile::tempdir().unwrap();
    let plan_file = dir.path().join("plan.bin");
    let out = plan_quickstart(&sim, &["--out", plan_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("decom apply "));
    let shown = decom().arg("show").arg(&plan_file).output().unwrap();
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
    let plan_text = stdout(&out);
    let rendered = plan_text.split("\nSaved the plan").next().unwrap();
    assert_eq!(stdout(&shown), rendered);

    let json = decom()
        .arg("show")
        .arg(&plan_file)
        .arg("--json")
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    // 6 resources and the instance's 2 built-in namespaces (cascades).
    assert_eq!(j["resource_changes"].as_array().unwrap().len(), 8);
    assert_eq!(j["waves"].as_array().unwrap().len(), 3);
    let bytes = std::fs::read(&plan_file).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains(SECRET_KEY));
}

#[test]
fn a_blocker_outside_the_manifest_stops_the_plan() {
    let mut seed = quickstart_seed();
    let mut intruder = SeedResource::new(Sim::AppRunnerService, "intruder");
    intruder.vpc_connector_arn = Some(CONNECTOR_ARN.into());
    seed.push(intruder);
    let sim = TestSim::start(seed);
    let out = plan_quickstart(&sim, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("aws_apprunner_vpc_connector.shared cannot be deleted: live aws_apprunner_service \"intruder\""), "{err}");
    assert!(
        err.contains("vpc_connector_arn = aws_apprunner_vpc_connector.shared.arn"),
        "{err}"
    );
    assert!(sim.mutating_requests().is_empty());
}

#[test]
fn names_resolve_against_live_inventory_or_fail_naming_candidates() {
    // No supply chain instance named "planning": the plan names what exists.
    let mut seed = quickstart_seed();
    seed.retain(|s| s.resource_type != Sim::SupplyChainInstance);
    seed.push(SeedResource::new(Sim::SupplyChainInstance, "planning-v2"));
    let sim = TestSim::start(seed);
    let out = plan_quickstart(&sim, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("no aws_supplychain_instance named \"planning\" in us-east-1"),
        "{err}"
    );
    assert!(err.contains("\"planning-v2\""), "{err}");

    // Two of them: both ids are listed.
    let mut seed = quickstart_seed();
    seed.push(SeedResource::new(Sim::SupplyChainInstance, "planning"));
    let sim = TestSim::start(seed);
    let out = plan_quickstart(&sim, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("2 live aws_supplychain_instance resources are named \"planning\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_account_guard_refuses_other_accounts() {
    let sim = TestSim::start(quickstart_seed());
    let p = Project::with_main(&format!(
        r#"provider "aws" {{
  region              = "us-east-1"
  allowed_account_ids = ["999999999999"]
}}

resource "aws_apprunner_vpc_connector" "c" {{
  arn = "{CONNECTOR_ARN}"
}}
"#
    ));
    let mut cmd = p.decom(&["plan"]);
    sim.env(&mut cmd);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!(
            "provider aws acts in account {ACCOUNT}, which its allowed_account_ids (999999999999) do not include"
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn missing_credentials_are_one_clear_line() {
    let sim = TestSim::start(Vec::new());
    let mut cmd = decom();
    sim.env(&mut cmd);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    let out = cmd
        .arg("plan")
        .arg(Project::example("quickstart").path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("error: no AWS credentials found"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(sim.audit().is_empty());
}

#[test]
fn sandbox_plans_every_example_with_a_banner_and_no_credentials() {
    for example in [
        "quickstart",
        "apprunner-private-networking",
        "directconnect",
    ] {
        let out = decom()
            .args(["plan", "--sandbox"])
            .arg(Project::example(example).path())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{example}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.starts_with("SANDBOX: "), "{text}");
        assert!(text.contains("Nothing real is read or touched."));
        assert!(text.contains(" to wait for, 0 already gone."), "{text}");
    }
    let out = decom()
        .args(["plan", "--sandbox", "--json"])
        .arg(Project::example("quickstart").path())
        .output()
        .unwrap();
    assert!(stderr(&out).starts_with("SANDBOX: "));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["summary"]["delete"], 6);
}

#[test]
fn graph_live_adds_the_edges_live_relations_imply() {
    // The manifest names both but never references one from the other.
    let mut seed = quickstart_seed();
    seed.retain(|s| {
        s.resource_type == Sim::AppRunnerService || s.resource_type == Sim::AppRunnerVpcConnector
    });
    let sim = TestSim::start(seed);
    let p = Project::with_main(&format!(
        "resource \"aws_apprunner_service\" \"web\" {{\n  arn = \"{SERVICE_ARN}\"\n}}\n\
         resource \"aws_apprunner_vpc_connector\" \"c\" {{\n  arn = \"{CONNECTOR_ARN}\"\n}}\n"
    ));
    let offline = p.decom(&["graph"]).output().unwrap();
    assert!(!stdout(&offline).contains("live:"));
    let mut cmd = p.decom(&["graph", "--live"]);
    sim.env(&mut cmd);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(
        r#""aws_apprunner_service.web" -> "aws_apprunner_vpc_connector.c" [label = "live: vpc_connector_arn"];"#
    ), "{}", stdout(&out));
    assert!(sim.mutating_requests().is_empty());
}

fn run_plan(sim: &TestSim, p: &Project, extra: &[&str]) -> std::process::Output {
    let mut cmd = p.decom(&["plan"]);
    cmd.args(extra);
    sim.env(&mut cmd);
    cmd.output().unwrap()
}

fn apprunner_arn(kind: &str, name: &str) -> String {
    let revisioned = [
        "vpcconnector",
        "autoscalingconfiguration",
        "observabilityconfiguration",
    ];
    let rev = if revisioned.contains(&kind) { "/1" } else { "" };
    format!(
        "arn:aws:apprunner:us-east-1:{ACCOUNT}:{kind}/{name}{rev}/0123456789abcdef0123456789abcdef"
    )
}

#[test]
fn each_type_in_each_live_state_gets_its_action() {
    use decom_sim::SimConfig;
    // (type, status, expected action); realistic latencies so nothing
    // settles while the plan runs.
    let cases: &[(Sim, &str, &str)] = &[
        (Sim::AppRunnerService, "RUNNING", "delete"),
        (Sim::AppRunnerService, "OPERATION_IN_PROGRESS", "delete"),
        (Sim::AppRunnerService, "DELETED", "no-op"),
        (Sim::AppRunnerVpcIngressConnection, "AVAILABLE", "delete"),
        (
            Sim::AppRunnerVpcIngressConnection,
            "PENDING_CREATION",
            "delete",
        ),
        (
            Sim::AppRunnerVpcIngressConnection,
            "PENDING_DELETION",
            "wait",
        ),
        (Sim::AppRunnerVpcIngressConnection, "DELETED", "no-op"),
        (Sim::AppRunnerVpcConnector, "ACTIVE", "delete"),
        (Sim::AppRunnerVpcConnector, "INACTIVE", "no-op"),
        (Sim::AppRunnerAutoScalingConfiguration, "ACTIVE", "delete"),
        (Sim::AppRunnerAutoScalingConfiguration, "INACTIVE", "no-op"),
        (Sim::AppRunnerObservabilityConfiguration, "ACTIVE", "delete"),
        (
            Sim::AppRunnerObservabilityConfiguration,
            "INACTIVE",
            "no-op",
        ),
        (Sim::AppRunnerConnection, "AVAILABLE", "delete"),
        (Sim::AppRunnerConnection, "PENDING_HANDSHAKE", "delete"),
        (Sim::AppRunnerConnection, "DELETED", "no-op"),
        (Sim::DxVirtualInterface, "available", "delete"),
        (Sim::DxVirtualInterface, "pending", "delete"),
        (Sim::DxVirtualInterface, "deleting", "wait"),
        (Sim::DxVirtualInterface, "deleted", "no-op"),
        (Sim::DxConnection, "available", "delete"),
        (Sim::DxConnection, "deleting", "wait"),
        (Sim::DxConnection, "deleted", "no-op"),
        (Sim::SupplyChainInstance, "Active", "delete"),
        (Sim::SupplyChainInstance, "Initializing", "delete"),
        (Sim::SupplyChainInstance, "Deleting", "wait"),
        (Sim::SupplyChainInstance, "Deleted", "no-op"),
    ];
    let mut seed = Vec::new();
    let mut hcl = String::from("provider \"aws\" {\n  region = \"us-east-1\"\n}\n");
    for (i, (ty, status, _)) in cases.iter().enumerate() {
        let name = format!("r{i}");
        let mut s = SeedResource::new(*ty, name.clone());
        s.status = Some(status.to_string());
        let identity = match ty {
            Sim::AppRunnerService => apprunner_arn("service", &name),
            Sim::AppRunnerVpcIngressConnection => apprunner_arn("vpcingressconnection", &name),
            Sim::AppRunnerVpcConnector => apprunner_arn("vpcconnector", &name),
            Sim::AppRunnerAutoScalingConfiguration => {
                apprunner_arn("autoscalingconfiguration", &name)
            }
            Sim::AppRunnerObservabilityConfiguration => {
                apprunner_arn("observabilityconfiguration", &name)
            }
            Sim::AppRunnerConnection => apprunner_arn("connection", &name),
            Sim::AppRunnerCustomDomain => unreachable!("not a decom kind yet"),
            Sim::DxVirtualInterface => format!("dxvif-{i:08}"),
            Sim::DxConnection => format!("dxcon-{i:08}"),
            Sim::SupplyChainInstance => format!("00000000-0000-4000-8000-{i:012}"),
            other => panic!("no status case is written for {other}"),
        };
        if ty.as_str().starts_with("aws_apprunner") {
            s.arn = Some(identity.clone());
        } else {
            s.id = Some(identity.clone());
        }
        // Relations the simulator requires, to resources outside the manifest.
        s.service_arn = (*ty == Sim::AppRunnerVpcIngressConnection)
            .then(|| apprunner_arn("service", "elsewhere"));
        s.connection_id = (*ty == Sim::DxVirtualInterface).then(|| "dxcon-elsewher".to_string());
        seed.push(s);
        let attr = if ty.as_str().starts_with("aws_apprunner") {
            "arn"
        } else {
            "id"
        };
        hcl.push_str(&format!(
            "resource \"{}\" \"{name}\" {{\n  {attr} = \"{identity}\"\n}}\n",
            ty.as_str()
        ));
    }
    let sim = TestSim::with_config(SimConfig {
        initial_state: Some(decom_sim::SimState { resources: seed }),
        ..SimConfig::default()
    });
    let out = run_plan(&sim, &Project::with_main(&hcl), &["--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (i, (ty, status, expected)) in cases.iter().enumerate() {
        let address = format!("{}.r{i}", ty.as_str());
        let change = j["resource_changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["address"] == address.as_str())
            .unwrap_or_else(|| panic!("{address} missing"));
        assert_eq!(change["decom_action"], *expected, "{address} in {status}");
    }
    assert!(sim.mutating_requests().is_empty());
}

#[test]
fn a_relation_that_contradicts_live_state_stops_the_plan() {
    let mut seed = quickstart_seed();
    let other = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/other/1/00000000000000000000000000000000";
    seed[1].vpc_connector_arn = Some(other.into());
    let sim = TestSim::start(seed);
    let out = plan_quickstart(&sim, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("aws_apprunner_service.web: vpc_connector_arn does not match live state"),
        "{err}"
    );
    assert!(err.contains(&format!("live:     {other}")), "{err}");
}

#[test]
fn ingress_connections_and_virtual_interfaces_outside_the_manifest_block() {
    let mut seed = quickstart_seed();
    let mut ingress = SeedResource::new(Sim::AppRunnerVpcIngressConnection, "stray-ingress");
    ingress.service_arn = Some(SERVICE_ARN.into());
    let mut vif = SeedResource::new(Sim::DxVirtualInterface, "stray-vif");
    vif.connection_id = Some("dxcon-fg123456".into());
    seed.extend([ingress, vif]);
    let sim = TestSim::start(seed);
    let out = plan_quickstart(&sim, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("aws_apprunner_service.web cannot be deleted: live aws_apprunner_vpc_ingress_connection \"stray-ingress\""), "{err}");
    assert!(
        err.contains(
            "aws_dx_connection.nyc cannot be deleted: live aws_dx_virtual_interface \"stray-vif\""
        ),
        "{err}"
    );
    assert!(
        err.contains("service_arn = aws_apprunner_service.web.arn"),
        "{err}"
    );
    assert!(sim.mutating_requests().is_empty());
}

#[test]
fn prevent_destroy_stops_the_plan() {
    let sim = TestSim::start(quickstart_seed());
    let p = Project::with_main(
        r#"resource "aws_dx_connection" "nyc" {
  id = "dxcon-fg123456"
  lifecycle {
    prevent_destroy = true
  }
}
resource "aws_dx_virtual_interface" "prod" {
  id            = "dxvif-ffabc123"
  connection_id = aws_dx_connection.nyc.id
}
"#,
    );
    let out = run_plan(&sim, &p, &["--region", "us-east-1"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("aws_dx_connection.nyc has lifecycle.prevent_destroy set"),
        "{err}"
    );
    assert!(err.contains("main.hcl:1:1"), "{err}");
}

#[test]
fn target_plans_the_target_and_what_must_go_before_it() {
    let sim = TestSim::start(quickstart_seed());
    let out = plan_quickstart(&sim, &["--target", "aws_apprunner_service.web"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("Warning: Resource targeting is in effect"),
        "{text}"
    );
    assert!(text.contains("aws_apprunner_vpc_ingress_connection.web will be deleted (wave 1)"));
    assert!(text.contains("aws_apprunner_service.web will be deleted (wave 2)"));
    assert!(
        !text.contains("aws_apprunner_vpc_connector.shared"),
        "{text}"
    );
    assert!(text.contains("Plan: 2 to delete"));

    let bad = plan_quickstart(&sim, &["--target", "aws_nope.x"]);
    assert_eq!(
        bad.status.code(),
        Some(1),
        "a malformed address is a usage error"
    );
}

#[test]
fn show_markdown_is_a_compact_summary_with_the_full_plan_collapsed() {
    let sim = TestSim::start(quickstart_seed());
    let dir = tempfile::tempdir().unwrap();
    let plan_file = dir.path().join("plan.bin");
    assert_eq!(
        plan_quickstart(&sim, &["--out", plan_file.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let out = decom()
        .arg("show")
        .arg(&plan_file)
        .arg("--markdown")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let md = stdout(&out);
    assert!(
        md.contains(
            "**6** to delete · **2** deleted with their parent · **0** to wait for · **0** already gone"
        ),
        "{md}"
    );
    assert!(md.contains(&format!(
        "| 2 | `aws_apprunner_service.web` | delete | `{SERVICE_ARN}` | after `aws_apprunner_vpc_ingress_connection.web` |"
    )), "{md}");
    assert!(md.contains("<details><summary>Full plan</summary>"));
}

#[test]
fn damaged_plan_files_are_refused_with_a_clear_error() {
    let sim = TestSim::start(quickstart_seed());
    let dir = tempfile::tempdir().unwrap();
    let plan_file = dir.path().join("plan.bin");
    assert_eq!(
        plan_quickstart(&sim, &["--out", plan_file.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let bytes = std::fs::read(&plan_file).unwrap();
    std::fs::write(&plan_file, &bytes[..bytes.len() - 40]).unwrap();
    let out = decom().arg("show").arg(&plan_file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is corrupted or was edited after it was written"),
        "{}",
        stderr(&out)
    );
    std::fs::write(&plan_file, b"garbage\n\x00\xff").unwrap();
    let out = decom().arg("show").arg(&plan_file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not a decom plan file"));
}

#[test]
fn refresh_makes_only_the_calls_the_plan_needs() {
    let sim = TestSim::start(quickstart_seed());
    assert_eq!(plan_quickstart(&sim, &[]).status.code(), Some(0));
    let mut ops: Vec<String> = sim.audit().into_iter().map(|e| e.operation).collect();
    ops.sort();
    assert_eq!(
        ops,
        [
            "DescribeConnections",
            "DescribeService", // the one service, in a region with a planned connector
            "DescribeVirtualInterfaces",
            "DescribeVpcIngressConnection", // the one planned ingress connection
            "GetCallerIdentity",            // once, before any resource call
            // The planned instance's children (its cascades): its flows
            // and namespaces, and each namespace's datasets (the built-in
            // `asc` and `default`).
            "ListDataIntegrationFlows",
            "ListDataLakeDatasets",
            "ListDataLakeDatasets",
            "ListDataLakeNamespaces",
            "ListInstances",
            "ListServices",
            "ListVpcConnectors",
            "ListVpcIngressConnections",
        ]
    );
}

#[test]
fn a_service_asserting_a_connector_is_checked_even_without_a_planned_connector() {
    let mut seed = quickstart_seed();
    seed.retain(|s| s.resource_type == Sim::AppRunnerService);
    let sim = TestSim::start(seed);
    let other = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/other/1/00000000000000000000000000000000";
    let p = Project::with_main(&format!(
        "resource \"aws_apprunner_service\" \"web\" {{\n  arn               = \"{SERVICE_ARN}\"\n  vpc_connector_arn = \"{other}\"\n}}\n"
    ));
    let out = run_plan(&sim, &p, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("vpc_connector_arn does not match live state"),
        "{}",
        stderr(&out)
    );
}

/// A rehearsal needs nothing from the machine: not even the region the
/// instance metadata service would give (an address off this machine).
#[test]
fn sandbox_never_asks_the_instance_metadata_service() {
    let imds = common::fake_servers::Blackhole::start();
    let p = Project::example("quickstart");
    let out = p
        .decom(&["plan", "--sandbox", "."])
        .env_remove("AWS_EC2_METADATA_DISABLED")
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url())
        .env("HOME", p.path())
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        imds.connections(),
        0,
        "the sandbox asked the metadata service"
    );
}

/// Two blocks naming one resource (by name or by id) in the sandbox get
/// the error a real account gives: one live resource, named twice. The
/// sandbox seeded one resource per block ("2 live ... are named") or
/// refused to start ("duplicate identity").
#[test]
fn sandbox_seeds_one_resource_for_two_blocks_that_name_it() {
    for (ty, attr, value, named) in [
        (
            "aws_apprunner_vpc_connector",
            "name",
            "same",
            "arn:aws:apprunner:us-east-1:",
        ),
        (
            "aws_dx_connection",
            "id",
            "dxcon-abc12345",
            "dxcon-abc12345",
        ),
    ] {
        let p = Project::with_main(&format!(
            "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\
             resource \"{ty}\" \"a\" {{\n  {attr} = \"{value}\"\n}}\n\
             resource \"{ty}\" \"b\" {{\n  {attr} = \"{value}\"\n}}\n"
        ));
        let out = p.decom(&["plan", "--sandbox", "."]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{ty}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{ty}.b and {ty}.a both name {named}")),
            "{ty}: {err}"
        );
        assert!(err.contains("same live resource as another block"), "{err}");
    }
}

/// A saved sandbox plan says it is a rehearsal wherever `show` prints it
/// (a PR comment of one read as a plan of the account), and the
/// Markdown table keeps its columns whatever an address holds (a `|` in
/// a key split its row on GitHub).
#[test]
fn show_marks_a_sandbox_plan_and_keeps_markdown_columns() {
    let p = Project::with_main(
        r#"provider "aws" {
  region = "us-east-1"
}
resource "aws_dx_connection" "c" {
  for_each = { "a|b" = "dxcon-aaaa1111" }
  id       = each.value
}
resource "aws_dx_virtual_interface" "v" {
  id            = "dxvif-bbbb2222"
  connection_id = aws_dx_connection.c["a|b"].id
}
"#,
    );
    let out = p
        .decom(&["plan", "--sandbox", ".", "--out", "p.bin"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let markdown = stdout(&p.decom(&["show", "p.bin", "--markdown"]).output().unwrap());
    assert!(markdown.starts_with("> **SANDBOX: "), "{markdown}");
    let text = stdout(&p.decom(&["show", "p.bin"]).output().unwrap());
    assert!(text.starts_with("SANDBOX: "), "{text}");
    let json = p.decom(&["show", "p.bin", "--json"]).output().unwrap();
    assert!(stderr(&json).starts_with("SANDBOX: "), "{}", stderr(&json));
    let rows: Vec<&str> = markdown
        .lines()
        .filter(|l| l.contains("a|b") || l.contains("a\\|b"))
        .collect();
    assert!(!rows.is_empty(), "{markdown}");
    for row in rows.iter().filter(|r| r.starts_with('|')) {
        let cells = row.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 6, "{row}");
    }
}
