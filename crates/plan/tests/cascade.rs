//! Cascades in the plan (DESIGN section 10, issue 17): live Supply Chain
//! children that a planned instance takes with it, over real manifests and
//! hand-built inventories — in the plan, its text, JSON and markdown, the
//! summary, the plan file and the staleness check.

use decom_parser::{Manifest, Redaction, RelationAttr, ResourceType, VariableInputs};
use decom_plan::{
    manifest_digest, plan, staleness, to_json, to_markdown, Baseline, Defaults, Inventory,
    LiveRelation, LiveResource, LiveState, Plan, PlanFile, PlanFileError, PlanRequest, SavedLines,
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
    plan(m, &Inventory::new(inventory), request).unwrap_or_else(|d| panic!("{d:?}"))
}

/// The stale plan's diff, after checking that the digests `apply
/// PLANFILE` holds ([`Baseline`]) judge as the lines do.
fn judged(file: &PlanFile, fresh: &Plan, m: &Manifest) -> Option<String> {
    let digest = manifest_digest(m);
    let redaction = Redaction::default();
    let diff = staleness(file, &digest, fresh, &redaction).map(|s| s.diff);
    let by_digests = Baseline::of(file).is_stale(&digest, fresh, &redaction);
    assert_eq!(
        by_digests,
        diff.is_some(),
        "digests and lines disagree: {diff:?}"
    );
    diff
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
    let p = plan(&m, &Inventory::new(inventory), request).unwrap_or_else(|d| panic!("{d:?}"));
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
        judged(&file, &fresh, &m)
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

    /// `apply PLANFILE` keeps only the names the body resolved through
    /// its refresh, and reads the digests of the body's comparison lines
    /// again, one line at a time, once the fresh plan is made: they must
    /// judge as the whole file does, and take back the lines of that file
    /// only.
    #[test]
    fn the_baseline_read_again_compares_as_the_whole_file() {
        let m = manifest(ONLY_THE_INSTANCE);
        let (dir, _) = saved(&planned(&m, estate(LiveState::Deletable)), &m);
        let path = dir.path().join("plan.bin");
        let (mut read, checksum) = PlanFile::read_identified(&path).expect("read");
        let mut now = estate(LiveState::Deletable);
        now.push(flow("new"));
        let fresh = planned(&m, now);
        let digest = manifest_digest(&m);
        let redaction = Redaction::default();
        assert!(staleness(&read, &digest, &fresh, &redaction).is_some());
        let lines = SavedLines::of(&read);
        let baseline = PlanFile::read_baseline(&path, &checksum).expect("read again");
        assert_eq!(baseline, Baseline::of(&read), "read a line at a time");
        assert!(baseline.is_stale(&digest, &fresh, &redaction));
        assert!(!baseline.is_stale(
            &digest,
            &planned(&m, estate(LiveState::Deletable)),
            &redaction
        ));
        assert!(baseline.is_stale(
            "sha256:other",
            &planned(&m, estate(LiveState::Deletable)),
            &redaction
        ));
        assert!(baseline.made_from(&lines));
        let memory = PlanFile::read_names(&path, &checksum).expect("names read again");
        let ids: Vec<&str> = memory
            .remembered(ResourceType::SupplyChainInstance, REGION, "main")
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, ["inst-1"]);
        // A plan file replaced since: its lines are not the approved ones,
        // and neither they nor its names are read again as them.
        let (_other_dir, other) = saved(&fresh, &m);
        assert!(!baseline.made_from(&SavedLines::of(&other)));
        other
            .write(&path, &Redaction::default())
            .expect("written over");
        let changed = PlanFile::read_baseline(&path, &checksum).unwrap_err();
        assert!(
            matches!(changed, PlanFileError::Changed { .. }),
            "{changed}"
        );
        let names = PlanFile::read_names(&path, &checksum).unwrap_err();
        assert!(matches!(names, PlanFileError::Changed { .. }), "{names}");
        read.drop_body();
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

/// Hostile cases for a configuration name meaning all its revisions
/// (issue 16): revisions elsewhere, targets, output, hand-edited files.
mod revisions {
    use super::*;

    const ASC: ResourceType = ResourceType::AppRunnerAutoScalingConfiguration;
    const ACCOUNT: &str = "123456789012";
    const OTHER_ACCOUNT: &str = "210987654321";
    const BLOCK: &str = "aws_apprunner_auto_scaling_configuration_version.web";
    const SERVICE_ARN: &str = "arn:aws:apprunner:us-east-1:123456789012:service/shop/0a0a";

    const BY_NAME: &str = r#"
provider "aws" {
  region = "us-east-1"
}
resource "aws_apprunner_auto_scaling_configuration_version" "web" {
  name = "web-scale"
}
"#;

    /// Revision `n` of `name` in `region` and `account`.
    fn revision(name: &str, n: u32, region: &str, account: &str) -> LiveResource {
        let id = format!(
            "arn:aws:apprunner:{region}:{account}:autoscalingconfiguration/{name}/{n}/{n:04}"
        );
        let mut r = live(ASC, &id, name, LiveState::Deletable);
        r.region = region.into();
        r.account_id = Some(account.into());
        r
    }

    fn web(n: u32) -> LiveResource {
        revision("web-scale", n, REGION, ACCOUNT)
    }

    fn service_using(configuration: &LiveResource) -> LiveResource {
        let mut s = live(
            ResourceType::AppRunnerService,
            SERVICE_ARN,
            "shop",
            LiveState::Deletable,
        );
        s.account_id = Some(ACCOUNT.into());
        with(
            s,
            RelationAttr::AutoScalingConfigurationArn,
            &configuration.id,
        )
    }

    fn cascade_ids(p: &Plan) -> Vec<String> {
        p.cascades().iter().map(|c| c.live.id.clone()).collect()
    }

    fn resolved_id(p: &Plan) -> Option<String> {
        p.resources()
            .iter()
            .find(|r| r.address.to_string() == BLOCK)
            .and_then(|r| r.live.as_ref())
            .map(|l| l.id.clone())
    }

    /// Any revision of a name can be its region's default (AWS's
    /// UpdateDefaultAutoScalingConfiguration); an older one that is
    /// refuses the plan as the latest would: AWS refuses its delete.
    #[test]
    fn an_older_revision_that_is_the_regions_default_refuses_the_plan() {
        let m = manifest(BY_NAME);
        let mut default = web(1);
        default.status = decom_kinds::ACCOUNT_DEFAULT.into();
        let request = PlanRequest::new(&m, Defaults::default());
        let Err(refused) = plan(&m, &Inventory::new(vec![default.clone(), web(2)]), request) else {
            panic!("planned");
        };
        assert_eq!(refused.items.len(), 1, "{refused:?}");
        let message = &refused.items[0].message;
        assert!(
            message.contains(&format!("{} is the default", default.id)),
            "{message}"
        );
    }

    #[test]
    fn revisions_in_another_region_are_never_included() {
        let m = manifest(BY_NAME);
        let inventory = vec![
            web(1),
            web(2),
            revision("web-scale", 7, "eu-west-1", ACCOUNT),
        ];
        let p = planned(&m, inventory);
        assert_eq!(resolved_id(&p), Some(web(2).id));
        assert_eq!(cascade_ids(&p), [web(1).id]);
    }

    #[test]
    fn revisions_in_another_account_are_never_included() {
        let m = manifest(BY_NAME);
        let mut request = PlanRequest::new(&m, Defaults::default());
        let accounts = request
            .placements
            .principals()
            .into_keys()
            .map(|p| (p, ACCOUNT.to_string()))
            .collect();
        request.placements.set_accounts(&accounts);
        let inventory = Inventory::new(vec![
            web(1),
            web(2),
            // A higher revision number of the same name, another account.
            revision("web-scale", 9, REGION, OTHER_ACCOUNT),
        ]);
        let p = plan(&m, &inventory, request).unwrap_or_else(|d| panic!("{d:?}"));
        assert_eq!(resolved_id(&p), Some(web(2).id));
        assert_eq!(cascade_ids(&p), [web(1).id]);
    }

    /// Without the caller's account (no STS), the same name live in two
    /// accounts is two configurations, not revisions of one: refused
    /// rather than deleting whichever account has the higher revision.
    #[test]
    fn the_same_name_in_two_accounts_without_a_known_caller_is_refused() {
        let m = manifest(BY_NAME);
        let request = PlanRequest::new(&m, Defaults::default());
        let inventory = Inventory::new(vec![
            web(1),
            web(2),
            revision("web-scale", 9, REGION, OTHER_ACCOUNT),
        ]);
        let err = plan(&m, &inventory, request).expect_err("ambiguous");
        let text = format!("{err:?}");
        assert!(text.contains("web-scale"), "{text}");
    }

    #[test]
    fn a_latest_revision_already_gone_leaves_the_older_live_ones_meant() {
        let m = manifest(BY_NAME);
        let mut latest = web(3);
        latest.state = LiveState::Gone;
        let p = planned(&m, vec![web(1), web(2), latest]);
        assert_eq!(resolved_id(&p), Some(web(2).id));
        assert_eq!(cascade_ids(&p), [web(1).id]);
        assert_eq!(p.resources()[0].action, decom_plan::Action::Delete);
    }

    #[test]
    fn a_revision_being_deleted_still_counts_and_the_live_latest_is_deleted() {
        let m = manifest(BY_NAME);
        let mut older = web(1);
        older.state = LiveState::Deleting;
        let p = planned(&m, vec![older, web(2)]);
        assert_eq!(resolved_id(&p), Some(web(2).id));
        assert_eq!(cascade_ids(&p), [web(1).id]);
    }

    const WITH_SERVICE: &str = r#"
provider "aws" {
  region = "us-east-1"
}
resource "aws_apprunner_service" "shop" {
  arn = "arn:aws:apprunner:us-east-1:123456789012:service/shop/0a0a"
}
resource "aws_apprunner_auto_scaling_configuration_version" "web" {
  name = "web-scale"
}
resource "aws_apprunner_auto_scaling_configuration_version" "other" {
  name = "other-scale"
}
"#;

    fn targeted(target: &str) -> Plan {
        let m = manifest(WITH_SERVICE);
        let mut request = PlanRequest::new(&m, Defaults::default());
        request.targets = vec![target.parse().expect("an address")];
        let inventory = vec![
            service_using(&web(1)),
            web(1),
            web(2),
            revision("other-scale", 1, REGION, ACCOUNT),
            revision("other-scale", 2, REGION, ACCOUNT),
        ];
        plan(&m, &Inventory::new(inventory), request).unwrap_or_else(|d| panic!("{d:?}"))
    }

    /// Targeting the name takes the service using its older revision
    /// first, and only this name's revisions as cascades.
    #[test]
    fn a_targeted_name_brings_the_users_of_older_revisions_and_its_own_revisions() {
        let p = targeted(BLOCK);
        let mut addresses: Vec<String> = p
            .resources()
            .iter()
            .map(|r| r.address.to_string())
            .collect();
        addresses.sort();
        assert_eq!(addresses, [BLOCK, "aws_apprunner_service.shop"]);
        assert_eq!(cascade_ids(&p), [web(1).id]);
        let service_wave = p
            .resources()
            .iter()
            .find(|r| r.address.to_string() == "aws_apprunner_service.shop")
            .map(|r| r.wave);
        let block_wave = p
            .resources()
            .iter()
            .find(|r| r.address.to_string() == BLOCK)
            .map(|r| r.wave);
        assert!(service_wave < block_wave, "{service_wave:?} {block_wave:?}");
    }

    #[test]
    fn a_target_elsewhere_has_no_revision_cascades_of_the_name() {
        let p = targeted("aws_apprunner_service.shop");
        assert_eq!(p.resources().len(), 1);
        assert!(p.cascades().is_empty());
        let p = targeted("aws_apprunner_auto_scaling_configuration_version.other");
        let ids = cascade_ids(&p);
        assert_eq!(ids, [revision("other-scale", 1, REGION, ACCOUNT).id]);
    }

    #[test]
    fn json_and_markdown_list_each_older_revision_deleted_with_the_block() {
        let m = manifest(BY_NAME);
        let p = planned(&m, vec![web(1), web(2), web(3)]);
        let j = to_json(&p, &Redaction::default());
        let changes = j["resource_changes"].as_array().expect("an array");
        assert_eq!(changes.len(), 3, "{changes:#?}");
        assert_eq!(changes[0]["address"], BLOCK);
        assert_eq!(changes[0]["decom_action"], "delete");
        assert_eq!(changes[0]["change"]["before"]["arn"], web(3).id);
        for (c, older) in changes[1..].iter().zip([web(1), web(2)]) {
            assert_eq!(c["decom_action"], "cascade");
            assert_eq!(c["deleted_with"], BLOCK);
            assert_eq!(c["change"]["before"]["arn"], older.id);
            assert_eq!(
                c["type"],
                "aws_apprunner_auto_scaling_configuration_version"
            );
        }
        assert_eq!(j["summary"]["cascade"], 2);
        let md = to_markdown(&p);
        assert!(
            md.contains("**1** to delete · **2** deleted with their parent"),
            "{md}"
        );
        for older in [web(1), web(2)] {
            assert!(
                md.contains(&format!(
                    "`{BLOCK} -> aws_apprunner_auto_scaling_configuration_version[\"{}\"]` | deleted with `{BLOCK}`",
                    older.id
                )),
                "{md}"
            );
        }
    }

    fn service_declaring(value: &str) -> Manifest {
        manifest(&format!(
            r#"
provider "aws" {{
  region = "us-east-1"
}}
resource "aws_apprunner_service" "shop" {{
  arn                            = "{SERVICE_ARN}"
  auto_scaling_configuration_arn = {value}
}}
resource "aws_apprunner_auto_scaling_configuration_version" "web" {{
  name = "web-scale"
}}
"#
        ))
    }

    /// A service block asserting the older revision it uses, by its ARN,
    /// next to the name: it plans, the service first.
    #[test]
    fn a_service_asserting_an_older_revision_by_arn_plans_before_the_name() {
        let m = service_declaring(&format!("\"{}\"", web(1).id));
        let p = planned(&m, vec![service_using(&web(1)), web(1), web(2)]);
        let wave = |a: &str| {
            p.resources()
                .iter()
                .find(|r| r.address.to_string() == a)
                .map(|r| r.wave)
        };
        assert!(wave("aws_apprunner_service.shop") < wave(BLOCK));
        assert_eq!(cascade_ids(&p), [web(1).id]);
    }

    /// A reference to the block means its latest revision: a service using
    /// an older one contradicts it, and the plan says so with both ARNs
    /// (refused, never planned on a guess).
    #[test]
    fn a_service_referencing_the_name_while_using_an_older_revision_is_refused() {
        let m = service_declaring(&format!("{BLOCK}.arn"));
        let request = PlanRequest::new(&m, Defaults::default());
        let inventory = Inventory::new(vec![service_using(&web(1)), web(1), web(2)]);
        let err = format!("{:?}", plan(&m, &inventory, request).expect_err("refused"));
        assert!(err.contains("does not match live state"), "{err}");
        assert!(
            err.contains(&web(1).id) && err.contains(&web(2).id),
            "{err}"
        );
    }

    mod plan_file {
        use super::*;

        fn file_body(inventory: Vec<LiveResource>) -> (Manifest, serde_json::Value) {
            let m = manifest(BY_NAME);
            let p = planned(&m, inventory);
            let file = PlanFile::new(&p, &m, std::path::Path::new("main.hcl"));
            (m, serde_json::to_value(&file).expect("serializes"))
        }

        fn parsed(body: &serde_json::Value) -> Result<PlanFile, String> {
            let bytes = decom_plan::frame(&serde_json::to_vec(body).expect("serializes"));
            PlanFile::parse(&bytes, "plan.bin").map_err(|e| e.to_string())
        }

        #[test]
        fn revision_cascades_read_back() {
            let (_m, body) = file_body(vec![web(1), web(2), web(3)]);
            let read = parsed(&body).expect("a valid file");
            let back = read.to_plan().expect("a valid plan");
            assert_eq!(cascade_ids(&back), [web(1).id, web(2).id]);
            assert_eq!(read.approved_deletions().count(), 1);
        }

        /// A cascade claiming another name's revision, under this name:
        /// its ARN says which name it is a revision of.
        #[test]
        fn a_cascade_claiming_a_revision_of_another_name_is_refused() {
            let (_m, mut body) = file_body(vec![web(1), web(2)]);
            let other = revision("other-scale", 1, REGION, ACCOUNT);
            let live = &mut body["cascades"][0]["live"];
            let id_field = ["arn", "id"]
                .into_iter()
                .find(|f| live.get(*f).is_some())
                .unwrap_or_else(|| panic!("no id field: {live}"));
            live[id_field] = other.id.clone().into();
            let err = parsed(&body).expect_err("refused");
            assert!(err.contains("is not deleted with a planned"), "{err}");
            // Under its own name too.
            let (_m, mut body) = file_body(vec![web(1), web(2)]);
            let live = &mut body["cascades"][0]["live"];
            live[id_field] = other.id.clone().into();
            live["name"] = "other-scale".into();
            let err = parsed(&body).expect_err("refused");
            assert!(err.contains("is not deleted with a planned"), "{err}");
        }

        #[test]
        fn a_cascade_claiming_a_revision_in_another_region_or_account_is_refused() {
            for other in [
                revision("web-scale", 1, "eu-west-1", ACCOUNT),
                revision("web-scale", 1, REGION, OTHER_ACCOUNT),
            ] {
                let (_m, mut body) = file_body(vec![web(1), web(2)]);
                let live = &mut body["cascades"][0]["live"];
                let id_field = ["arn", "id"]
                    .into_iter()
                    .find(|f| live.get(*f).is_some())
                    .unwrap_or_else(|| panic!("no id field: {live}"));
                live[id_field] = other.id.clone().into();
                let err = parsed(&body).expect_err("refused");
                assert!(err.contains("is not deleted with a planned"), "{err}");
            }
        }

        /// The block's own revision claimed again as its cascade.
        #[test]
        fn a_cascade_repeating_the_resolved_revision_is_refused() {
            let (_m, mut body) = file_body(vec![web(1), web(2)]);
            let live = &mut body["cascades"][0]["live"];
            let id_field = ["arn", "id"]
                .into_iter()
                .find(|f| live.get(*f).is_some())
                .unwrap_or_else(|| panic!("no id field: {live}"));
            live[id_field] = web(2).id.into();
            assert!(parsed(&body).is_err());
        }

        fn stale(saved: Vec<LiveResource>, now: Vec<LiveResource>) -> Option<String> {
            let m = manifest(BY_NAME);
            let file = PlanFile::new(&planned(&m, saved), &m, std::path::Path::new("main.hcl"));
            let fresh = planned(&m, now);
            judged(&file, &fresh, &m)
        }

        #[test]
        fn an_older_revision_deleted_by_someone_else_is_not_stale() {
            assert_eq!(
                stale(vec![web(1), web(2), web(3)], vec![web(2), web(3)]),
                None
            );
            assert_eq!(stale(vec![web(1), web(2), web(3)], vec![web(3)]), None);
        }

        /// The latest gone since: the name now means another revision as
        /// its block, which was only approved as a cascade: stale, never an
        /// "already gone" that leaves the older revisions live.
        #[test]
        fn the_latest_revision_deleted_by_someone_else_is_stale() {
            let diff = stale(vec![web(1), web(2), web(3)], vec![web(1), web(2)]).expect("stale");
            assert!(diff.contains(&web(2).id), "{diff}");
        }
    }
}
