//! The Supply Chain estate end to end against the simulator: cascades
//! (children AWS deletes with a planned instance or namespace) in the text,
//! JSON and markdown plan and at apply, the cleanup of an instance's
//! children that keeps the instance (examples/supplychain-cleanup), and
//! the built-in namespaces refused at validate.

mod common;

use common::sim::TestSim;
use common::supplychain_estate::{child, estate, instance, INSTANCE};
use common::{stderr, stdout, Project};
use decom_sim::{AuditEntry, ResourceType as Sim};

fn run(sim: &TestSim, p: &Project, args: &[&str]) -> std::process::Output {
    let mut cmd = p.decom(args);
    sim.env(&mut cmd);
    cmd.output().expect("decom runs")
}

fn ok(out: &std::process::Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(out),
        stderr(out)
    );
    stdout(out)
}

const ONLY_THE_INSTANCE: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_supplychain_instance" "planning" {
  id = "8f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"
}
"#;

const INSTANCE_ADDRESS: &str = "aws_supplychain_instance.planning";

/// The cascade address of a child of the estate's instance.
fn cascade(parent: &str, ty: &str, parts: &[&str]) -> String {
    let id = std::iter::once(INSTANCE)
        .chain(parts.iter().copied())
        .collect::<Vec<_>>()
        .join(",");
    format!("{parent} -> {ty}[\"{id}\"]")
}

/// Every child of the estate: the namespaces (built-in ones too), the
/// datasets and the flow, as cascades of the instance.
fn children_of_the_instance() -> Vec<String> {
    let ns = "aws_supplychain_data_lake_namespace";
    let ds = "aws_supplychain_data_lake_dataset";
    let flow = "aws_supplychain_data_integration_flow";
    let p = INSTANCE_ADDRESS;
    vec![
        cascade(p, flow, &["orders-sync"]),
        cascade(p, ds, &["default", "kept"]),
        cascade(p, ds, &["sales", "archive"]),
        cascade(p, ds, &["sales", "orders"]),
        cascade(p, ds, &["sales", "returns"]),
        cascade(p, ns, &["asc"]),
        cascade(p, ns, &["default"]),
        cascade(p, ns, &["sales"]),
    ]
}

#[test]
fn a_manifest_naming_only_the_instance_shows_every_child_as_a_cascade_and_sends_one_delete() {
    let sim = TestSim::start(estate());
    let p = Project::with_main(ONLY_THE_INSTANCE);
    let children = children_of_the_instance();

    let text = ok(&run(&sim, &p, &["plan", "--out", "plan.bin"]));
    for c in &children {
        assert!(
            text.contains(&format!(
                "# {c} will be deleted with {INSTANCE_ADDRESS} (wave 1; no request of its own)"
            )),
            "{c} missing:\n{text}"
        );
    }
    assert!(
        text.contains(
            "Plan: 1 to delete, 8 deleted with their parent, 0 to wait for, 0 already gone."
        ),
        "{text}"
    );

    let json: serde_json::Value =
        serde_json::from_str(&ok(&run(&sim, &p, &["show", "plan.bin", "--json"])))
            .expect("show --json is JSON");
    let cascades: Vec<&str> = json["resource_changes"]
        .as_array()
        .expect("resource_changes")
        .iter()
        .filter(|c| c["decom_action"] == "cascade")
        .inspect(|c| {
            assert_eq!(c["change"]["actions"], serde_json::json!(["delete"]));
            assert_eq!(c["deleted_with"], INSTANCE_ADDRESS);
        })
        .filter_map(|c| c["address"].as_str())
        .collect();
    assert_eq!(cascades, children);
    assert_eq!(json["summary"]["cascade"], 8);

    let md = ok(&run(&sim, &p, &["show", "plan.bin", "--markdown"]));
    assert!(md.contains("**8** deleted with their parent"), "{md}");
    for c in &children {
        assert!(
            md.contains(&format!("`{c}` | deleted with `{INSTANCE_ADDRESS}`")),
            "{c} missing:\n{md}"
        );
    }
    let read_only = sim.mutating_requests();
    assert!(read_only.is_empty(), "{read_only:#?}");

    let out = ok(&run(
        &sim,
        &p,
        &["apply", "plan.bin", "--poll-interval-ms=20"],
    ));
    assert!(
        out.contains(
            "Apply complete: 1 deleted, 8 deleted with their parent, 0 failed, 0 skipped."
        ),
        "{out}"
    );
    let deletes: Vec<String> = sim
        .mutating_requests()
        .into_iter()
        .map(|e| e.operation)
        .collect();
    assert_eq!(deletes, ["DeleteInstance"]);
    let journal = std::fs::read_to_string(p.path().join(".decom/journal.jsonl"))
        .expect("the journal is written");
    for c in &children {
        let entry = journal
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|l| l["address"] == c.as_str());
        let entry = entry.unwrap_or_else(|| panic!("{c} not in the journal:\n{journal}"));
        assert_eq!(entry["event"], "deleted_with_parent");
    }
}

const ONLY_THE_NAMESPACE: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_supplychain_data_lake_namespace" "sales" {
  instance_id = "8f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"
  name        = "sales"
}
"#;

#[test]
fn a_namespace_without_its_datasets_in_the_manifest_shows_them_as_cascades() {
    let sim = TestSim::start(estate());
    let p = Project::with_main(ONLY_THE_NAMESPACE);
    let text = ok(&run(&sim, &p, &["plan"]));
    let parent = "aws_supplychain_data_lake_namespace.sales";
    for name in ["archive", "orders", "returns"] {
        let c = cascade(
            parent,
            "aws_supplychain_data_lake_dataset",
            &["sales", name],
        );
        assert!(
            text.contains(&format!("# {c} will be deleted with {parent}")),
            "{c} missing:\n{text}"
        );
    }
    // Not the instance's other children: the instance stays.
    assert!(!text.contains("kept"), "{text}");
    assert!(!text.contains("orders-sync"), "{text}");
    assert!(
        text.contains(
            "Plan: 1 to delete, 3 deleted with their parent, 0 to wait for, 0 already gone."
        ),
        "{text}"
    );
}

/// The position of the (only) accepted `operation` naming `name`.
fn accepted(audit: &[AuditEntry], operation: &str, name: &str) -> usize {
    let at: Vec<usize> = audit
        .iter()
        .enumerate()
        .filter(|(_, e)| e.operation == operation && e.status == 200)
        .filter(|(_, e)| e.target.as_deref().is_some_and(|t| t.contains(name)))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(at.len(), 1, "{operation} {name}: {audit:#?}");
    at[0]
}

#[test]
fn the_cleanup_example_deletes_flows_and_datasets_before_their_namespace_and_converges() {
    let sim = TestSim::start(estate());
    let p = Project::example("supplychain-cleanup");
    let text = ok(&run(&sim, &p, &["plan", "--out", "plan.bin"]));
    assert!(
        text.contains(
            "Plan: 4 to delete, 1 deleted with their parent, 0 to wait for, 0 already gone."
        ),
        "{text}"
    );
    let out = ok(&run(
        &sim,
        &p,
        &["apply", "plan.bin", "--poll-interval-ms=20"],
    ));
    assert!(
        out.contains(
            "Apply complete: 4 deleted, 1 deleted with their parent, 0 failed, 0 skipped."
        ),
        "{out}"
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
    assert_eq!(deletes.len(), 4, "{deletes:#?}");
    let namespace = accepted(&audit, "DeleteDataLakeNamespace", "sales");
    assert!(accepted(&audit, "DeleteDataIntegrationFlow", "orders-sync") < namespace);
    assert!(accepted(&audit, "DeleteDataLakeDataset", "orders") < namespace);
    assert!(accepted(&audit, "DeleteDataLakeDataset", "returns") < namespace);

    let out = run(&sim, &p, &["plan", "--detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("No changes"), "{}", stdout(&out));
    // The instance stays, with its built-in namespaces' data.
    let left = sim.snapshot();
    assert!(
        left.resources
            .iter()
            .any(|r| r.resource_type == Sim::SupplyChainInstance),
        "{left:#?}"
    );
}

#[test]
fn the_built_in_namespaces_are_refused_at_validate() {
    for name in ["asc", "default"] {
        let p = Project::with_main(&format!(
            "resource \"aws_supplychain_data_lake_namespace\" \"n\" {{\n  instance_id = \"{INSTANCE}\"\n  name        = \"{name}\"\n}}\n"
        ));
        let out = p.decom(&["validate", "."]).output().expect("decom runs");
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains(&format!("`{name}`")), "{err}");
        assert!(
            err.contains("AWS owns: it is deleted only with its parent"),
            "{err}"
        );
    }
}

/// A namespace block whose name is known only after refresh, and turns
/// out to be a built-in one (here the instance's own name, `default`), is
/// refused by plan as validate refuses it written out: planned, its
/// delete was refused by AWS and the instance skipped.
#[test]
fn a_namespace_that_resolves_to_a_built_in_one_is_refused_by_plan() {
    let sim = TestSim::start(vec![instance(INSTANCE, "default")]);
    let p = Project::with_main(&format!(
        "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\
         resource \"aws_supplychain_instance\" \"p\" {{\n  id = \"{INSTANCE}\"\n}}\n\
         resource \"aws_supplychain_data_lake_namespace\" \"n\" {{\n  instance_id = aws_supplychain_instance.p.id\n  name        = aws_supplychain_instance.p.name\n}}\n"
    ));
    let out = run(&sim, &p, &["apply", ".", "--auto-approve"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{}\n{err}", stdout(&out));
    assert!(
        err.contains("`default` is a aws_supplychain_data_lake_namespace that AWS owns"),
        "{err}"
    );
    assert!(!sim
        .audit()
        .iter()
        .any(|e| e.operation.starts_with("Delete")));
}

#[test]
fn an_instance_without_children_has_no_cascades() {
    let sim = TestSim::start(vec![instance(INSTANCE, "planning")]);
    let p = Project::with_main(ONLY_THE_INSTANCE);
    let text = ok(&run(&sim, &p, &["plan"]));
    // The built-in namespaces exist in every instance: they go with it.
    assert!(
        text.contains(
            "Plan: 1 to delete, 2 deleted with their parent, 0 to wait for, 0 already gone."
        ),
        "{text}"
    );
    assert!(
        !text.contains("aws_supplychain_data_lake_dataset"),
        "{text}"
    );
}

#[test]
fn a_dataset_naming_a_namespace_of_another_instance_touches_nothing_there() {
    let other = "0b1c2d3e-0000-4000-8000-000000000002";
    let mut seeds = vec![instance(INSTANCE, "planning"), instance(other, "other")];
    seeds.push(child(
        Sim::SupplyChainDataLakeNamespace,
        other,
        None,
        "sales",
    ));
    seeds.push(child(
        Sim::SupplyChainDataLakeDataset,
        other,
        Some("sales"),
        "orders",
    ));
    let sim = TestSim::start(seeds);
    let p = Project::with_main(&format!(
        "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\nresource \"aws_supplychain_data_lake_dataset\" \"orders\" {{\n  instance_id = \"{INSTANCE}\"\n  namespace   = \"sales\"\n  name        = \"orders\"\n}}\n"
    ));
    let out = run(&sim, &p, &["plan", "--out", "plan.bin"]);
    let text = stdout(&out);
    assert!(!text.contains(other), "{text}");
    assert!(!text.contains("will be deleted"), "{text}");
    assert!(sim.mutating_requests().is_empty());
}
