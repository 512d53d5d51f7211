//! Cascades in the plan (DESIGN section 10, issue 17): live Supply Chain
//! children that a planned instance takes with it, over real manifests and
//! hand-built inventories — in the plan, its text, JSON and markdown, the
//! summary, the plan file and the staleness check.

use decom_parser::{Manifest, Redaction, RelationAttr, ResourceType, VariableInputs};
use decom_plan::{
    manifest_digest, plan, staleness, to_json, to_markdown, Defaults, Inventory, LiveRelation,
    LiveResource, LiveState, Plan, PlanFile, PlanRequest,
};

const REGION: &str = "us-east-1";
const INSTANCE: &str = "inst-1";

const ONLY_THE_INSTANCE: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_supplychain_instance" "main" {
  id = "inst-1"
}
"#;

fn manifest(hcl: &str) -> Manifest {
    decom_parser::load_source(
        std::path::Path::new("main.hcl"),
        hcl.as_bytes(),
        &VariableInputs::default(),
    )
    .unwrap_or_else(|d| panic!("test manifest is invalid:\n{d:?}"))
}

fn live(ty: ResourceType, id: &str, name: &str, state: LiveState) -> LiveResource {
    LiveResource {
        resource_type: ty,
        region: REGION.into(),
        id: id.into(),
        name: name.into(),
        account_id: None,
        status: format!("{state:?}"),
        state,
        relations: Vec::new(),
    }
}

fn with(mut r: LiveResource, attr: RelationAttr, target: &str) -> LiveResource {
    r.relations.push(LiveRelation {
        attr,
        target: Some(target.into()),
    });
    r
}

fn instance(state: LiveState) -> LiveResource {
    live(ResourceType::SupplyChainInstance, INSTANCE, "main", state)
}

fn namespace(name: &str) -> LiveResource {
    let id = format!("{INSTANCE},{name}");
    let ns = live(
        ResourceType::SupplyChainDataLakeNamespace,
        &id,
        name,
        LiveState::Deletable,
    );
    with(ns, RelationAttr::InstanceId, INSTANCE)
}

fn dataset(namespace: &str, name: &str) -> LiveResource {
    let id = format!("{INSTANCE},{namespace},{name}");
    let ds = live(
        ResourceType::SupplyChainDataLakeDataset,
        &id,
        name,
        LiveState::Deletable,
    );
    let ds = with(ds, RelationAttr::InstanceId, INSTANCE);
    with(
        ds,
        RelationAttr::Namespace,
        &format!("{INSTANCE},{namespace}"),
    )
}

fn flow(name: &str) -> LiveResource {
    let id = format!("{INSTANCE},{name}");
    let f = live(
        ResourceType::SupplyChainDataIntegrationFlow,
        &id,
        name,
        LiveState::Deletable,
    );
    with(f, RelationAttr::InstanceId, INSTANCE)
}

/// An instance with the built-in namespaces, one of its own with a
/// dataset, and a flow.
fn estate(instance_state: LiveState) -> Vec<LiveResource> {
    vec![
        instance(instance_state),
        namespace("asc"),
        namespace("default"),
        namespace("sales"),
        dataset("sales", "orders"),
        flow("nightly"),
    ]
}

fn planned(m: &Manifest, inventory: Vec<LiveResource>) -> Plan {
    let request = PlanRequest::new(m, Defaults::default());
    plan(m, &Inventory::new(inventory), &request).unwrap_or_else(|d| panic!("{d:?}"))
}

fn cascade_addresses(p: &Plan) -> Vec<String> {
    p.cascades().iter().map(|c| c.address()).collect()
}

const PARENT: &str = "aws_supplychain_instance.main";

#[test]
fn an_instance_takes_every_child_it_has_with_it() {
    let m = manifest(ONLY_THE_INSTANCE);
    let p = planned(&m, estate(LiveState::Deletable));
    assert_eq!(
        cascade_addresses(&p),
        [
            format!("{PARENT} -> aws_supplychain_data_integration_flow[\"inst-1,nightly\"]"),
            format!("{PARENT} -> aws_supplychain_data_lake_dataset[\"inst-1,sales,orders\"]"),
            format!("{PARENT} -> aws_supplychain_data_lake_namespace[\"inst-1,asc\"]"),
            format!("{PARENT} -> aws_supplychain_data_lake_namespace[\"inst-1,default\"]"),
            format!("{PARENT} -> aws_supplychain_data_lake_namespace[\"inst-1,sales\"]"),
        ]
    );
    assert!(p.cascades().iter().all(|c| c.parent.to_string() == PARENT));
    // One request: the instance's.
    assert_eq!(p.resources().len(), 1);
    assert_eq!(
        p.summary(),
        "Plan: 1 to delete, 5 deleted with their parent, 0 to wait for, 0 already gone."
    );
}

#[test]
fn the_text_plan_shows_each_child_deleted_with_its_parent() {
    let m = manifest(ONLY_THE_INSTANCE);
    let text = decom_plan::render(&planned(&m, estate(LiveState::Deletable)), false);
    let headline = format!(
        "  # {PARENT} -> aws_supplychain_data_lake_dataset[\"inst-1,sales,orders\"] will be deleted with {PARENT} (wave 1; no request of its own)"
    );
    assert!(text.contains(&headline), "{text}");
    assert!(
        text.contains("  - resource \"aws_supplychain_data_lake_dataset\" \"orders\" {"),
        "{text}"
    );
    assert!(
        text.contains("      - namespace   = \"inst-1,sales\""),
        "{text}"
    );
    // The children follow their parent's block.
    let parent_at = text.find(&format!("# {PARENT} will be deleted"));
    let child_at = text.find(&headline);
    assert!(parent_at < child_at, "{text}");
    assert!(text.contains("Plan: 1 to delete, 5 deleted with their parent,"));
}

#[test]
fn json_marks_children_as_cascades_after_their_parent() {
    let m = manifest(ONLY_THE_INSTANCE);
    let j = to_json(
        &planned(&m, estate(LiveState::Deletable)),
        &Redaction::default(),
    );
    let changes = j["resource_changes"].as_array().expect("an array");
    assert_eq!(changes.len(), 6);
    assert_eq!(changes[0]["address"], PARENT);
    assert_eq!(changes[0]["decom_action"], "delete");
    for c in &changes[1..] {
        assert_eq!(c["change"]["actions"], serde_json::json!(["delete"]));
        assert_eq!(c["decom_action"], "cascade");
        assert_eq!(c["deleted_with"], PARENT);
        assert_eq!(c["change"]["after"], serde_json::Value::Null);
        assert_eq!(c["wave"], 1);
    }
    let flow = &changes[1];
    assert_eq!(flow["type"], "aws_supplychain_data_integration_flow");
    assert_eq!(flow["name"], "nightly");
    assert_eq!(flow["change"]["before"]["id"], "inst-1,nightly");
    assert_eq!(flow["change"]["before"]["instance_id"], INSTANCE);
    assert_eq!(j["summary"]["cascade"], 5);
    assert_eq!(j["summary"]["delete"], 1);
}

#[test]
fn markdown_counts_and_lists_the_children() {
    let m = manifest(ONLY_THE_INSTANCE);
    let md = to_markdown(&planned(&m, estate(LiveState::Deletable)));
    assert!(
        md.contains("**1** to delete · **5** deleted with their parent · **0** to wait for"),
        "{md}"
    );
    assert!(
        md.contains(&format!(
            "| 1 | `{PARENT} -> aws_supplychain_data_lake_namespace[\"inst-1,sales\"]` | deleted with `{PARENT}` (no request of its own) | `inst-1,sales` | with its parent |"
        )),
        "{md}"
    );
}

#[test]
fn an_instance_without_children_has_no_cascades_and_the_usual_summary() {
    let m = manifest(ONLY_THE_INSTANCE);
    let p = planned(&m, vec![instance(LiveState::Deletable)]);
    assert!(p.cascades().is_empty());
    assert_eq!(
        p.summary(),
        "Plan: 1 to delete, 0 to wait for, 0 already gone."
    );
    assert!(!to_markdown(&p).contains("deleted with"));
}

#[test]
fn a_child_listed_twice_is_one_cascade() {
    let m = manifest(ONLY_THE_INSTANCE);
    let p = planned(
        &m,
        vec![
            instance(LiveState::Deletable),
            flow("nightly"),
            flow("nightly"),
        ],
    );
    assert_eq!(p.cascades().len(), 1);
}

#[test]
fn an_instance_already_being_deleted_still_shows_what_goes_with_it() {
    let m = manifest(ONLY_THE_INSTANCE);
    let p = planned(&m, estate(LiveState::Deleting));
    assert_eq!(p.cascades().len(), 5);
}

#[test]
fn a_gone_instance_or_a_gone_child_is_no_cascade() {
    let m = manifest(ONLY_THE_INSTANCE);
    assert!(planned(&m, estate(LiveState::Gone)).cascades().is_empty());
    let mut gone_flow = flow("nightly");
    gone_flow.state = LiveState::Gone;
    let p = planned(&m, vec![instance(LiveState::Deletable), gone_flow]);
    assert!(p.cascades().is_empty());
}

#[test]
fn children_of_an_instance_outside_the_manifest_are_left_alone() {
    let m = manifest(ONLY_THE_INSTANCE);
    let mut other = flow("theirs");
    other.id = "inst-2,theirs".into();
    other.relations[0].target = Some("inst-2".into());
    let p = planned(&m, vec![instance(LiveState::Deletable), other]);
    assert!(p.cascades().is_empty());
}

#[test]
fn a_targeted_plan_without_the_instance_has_no_cascades() {
    let m = manifest(
        r#"
provider "aws" {
  region = "us-east-1"
}
resource "aws_supplychain_instance" "main" {
  id = "inst-1"
}
resource "aws_supplychain_instance" "other" {
  id = "inst-2"
}
"#,
    );
    let mut request = PlanRequest::new(&m, Defaults::default());
    request.targets = vec!["aws_supplychain_instance.other"
        .parse()
        .expect("an address")];
    let mut inventory = estate(LiveState::Deletable);
    inventory.push(live(
        ResourceType::SupplyChainInstance,
        "inst-2",
        "other",
        LiveState::Deletable,
    ));
    let p = plan(&m, &Inventory::new(inventory), &request).unwrap_or_else(|d| panic!("{d:?}"));
    assert!(p.cascades().is_empty());
}

mod plan_file {
    use super::*;

    fn saved(p: &Plan, m: &Manifest) -> (tempfile::TempDir, PlanFile) {
        let file = PlanFile::new(p, m, std::path::Path::new("main.hcl"));
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("plan.bin");
        file.write(&path, &Redaction::default()).expect("written");
        let read = PlanFile::read(&path).expect("read back");
        (dir, read)
    }

    #[test]
    fn carries_the_cascades_and_reads_back_the_same_plan() {
        let m = manifest(ONLY_THE_INSTANCE);
        let p = planned(&m, estate(LiveState::Deletable));
        let (_dir, read) = saved(&p, &m);
        let back = read.to_plan().expect("a valid plan");
        assert_eq!(back.cascades(), p.cascades());
        assert_eq!(back.summary(), p.summary());
        // Cascades are never approved deletions: no request of their own.
        assert_eq!(read.approved_deletions().count(), 1);
    }

    #[test]
    fn a_plan_without_cascades_is_written_as_before() {
        let m = manifest(ONLY_THE_INSTANCE);
        let p = planned(&m, vec![instance(LiveState::Deletable)]);
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("plan.bin");
        PlanFile::new(&p, &m, std::path::Path::new("main.hcl"))
            .write(&path, &Redaction::default())
            .expect("written");
        let text = std::fs::read_to_string(&path).expect("readable");
        assert!(text.starts_with("decom-plan 2 "), "{text}");
        assert!(!text.contains("cascades"), "{text}");
    }

    #[test]
    fn a_cascade_whose_parent_is_not_planned_is_refused() {
        let m = manifest(ONLY_THE_INSTANCE);
        let p = planned(&m, estate(LiveState::Deletable));
        let file = PlanFile::new(&p, &m, std::path::Path::new("main.hcl"));
        let mut body = serde_json::to_value(&file).expect("serializes");
        body["cascades"][0]["parent"] = "aws_supplychain_instance.nope".into();
        let bytes = decom_plan::frame(&serde_json::to_vec(&body).expect("serializes"));
        let err = PlanFile::parse(&bytes, "plan.bin").expect_err("refused");
        assert!(
            err.to_string()
                .contains("is not deleted with a planned aws_supplychain_instance.nope"),
            "{err}"
        );
    }

    fn stale(saved_inventory: Vec<LiveResource>, now: Vec<LiveResource>) -> Option<String> {
        let m = manifest(ONLY_THE_INSTANCE);
        let file = PlanFile::new(
            &planned(&m, saved_inventory),
            &m,
            std::path::Path::new("main.hcl"),
        );
        let fresh = planned(&m, now);
        staleness(&file, &manifest_digest(&m), &fresh, &Redaction::default()).map(|s| s.diff)
    }

    #[test]
    fn a_child_created_since_the_plan_makes_it_stale() {
        let mut now = estate(LiveState::Deletable);
        now.push(flow("new"));
        let diff = stale(estate(LiveState::Deletable), now).expect("stale");
        assert!(
            diff.contains(&format!(
                "+{PARENT} -> aws_supplychain_data_integration_flow[\"inst-1,new\"]: cascade inst-1,new instance_id=inst-1"
            )),
            "{diff}"
        );
    }

    /// `apply PLANFILE` keeps only the body's comparison lines and ids
    /// through its refresh: they must judge as the whole file does.
    #[test]
    fn the_body_taken_out_of_a_read_plan_compares_as_the_whole_file() {
        let m = manifest(ONLY_THE_INSTANCE);
        let (_dir, mut read) = saved(&planned(&m, estate(LiveState::Deletable)), &m);
        let mut now = estate(LiveState::Deletable);
        now.push(flow("new"));
        let fresh = planned(&m, now);
        let digest = manifest_digest(&m);
        let redaction = Redaction::default();
        let whole = staleness(&read, &digest, &fresh, &redaction).map(|s| s.diff);
        assert!(whole.is_some());
        let body = read.take_body();
        let taken = body.baseline.staleness(&digest, &fresh, &redaction);
        assert_eq!(taken.map(|s| s.diff), whole);
        let ids: Vec<&str> = body.remembered.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["inst-1"]);
        assert_eq!(read.approved_deletions().count(), 0, "the header is left");
    }

    #[test]
    fn a_child_gone_since_the_plan_is_fine() {
        let now = vec![instance(LiveState::Deletable), namespace("asc")];
        assert_eq!(stale(estate(LiveState::Deletable), now), None);
        assert_eq!(
            stale(estate(LiveState::Deletable), estate(LiveState::Deletable)),
            None
        );
    }
}
