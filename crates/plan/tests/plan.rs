//! Planning over real manifests (parsed from HCL) and hand-built live
//! inventories: actions, resolution, assertions, live edges, blockers,
//! guards, targets.

use decom_graph::EdgeReason;
use decom_parser::{
    Address, Diagnostics, Manifest, Redaction, RelationAttr, ResourceType, VariableInputs,
};
use decom_plan::{
    plan, Action, Defaults, Inventory, LiveRelation, LiveResource, LiveState, PlanRequest,
};

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";

fn manifest(hcl: &str) -> Manifest {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("main.hcl");
    std::fs::write(&path, hcl).unwrap();
    decom_parser::load(&path, &VariableInputs::default())
        .unwrap_or_else(|d| panic!("test manifest is invalid:\n{d}"))
}

fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:apprunner:{REGION}:{ACCOUNT}:{kind}/{name}/0123456789abcdef0123456789abcdef")
}

fn live(ty: ResourceType, id: &str, name: &str, state: LiveState) -> LiveResource {
    LiveResource {
        resource_type: ty,
        region: REGION.into(),
        id: id.into(),
        name: name.into(),
        account_id: Some(ACCOUNT.into()),
        status: format!("{state:?}").to_uppercase(),
        state,
        relations: Vec::new(),
    }
}

fn related(mut r: LiveResource, attr: RelationAttr, target: &str) -> LiveResource {
    r.relations.push(LiveRelation {
        attr,
        target: Some(target.into()),
    });
    r
}

fn addr(s: &str) -> Address {
    s.parse().unwrap()
}

/// A request for all of `m`, placed by its provider blocks alone.
fn request(m: &Manifest) -> PlanRequest {
    PlanRequest::new(m, Defaults::default())
}

fn plan_errors(m: &Manifest, inv: &Inventory) -> String {
    let d: Diagnostics = plan(m, inv, request(m)).unwrap_err();
    d.render(false)
}

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_apprunner_vpc_ingress_connection" "web" {
  name        = "web-ingress"
  service_arn = aws_apprunner_service.web.arn
}

resource "aws_apprunner_service" "web" {
  name              = "web"
  vpc_connector_arn = aws_apprunner_vpc_connector.shared.arn
}

resource "aws_apprunner_vpc_connector" "shared" {
  name = "shared"
}
"#;

fn stack_inventory(service_state: LiveState) -> Vec<LiveResource> {
    use ResourceType::*;
    vec![
        related(
            live(
                AppRunnerVpcIngressConnection,
                &arn("vpcingressconnection", "web-ingress"),
                "web-ingress",
                LiveState::Deletable,
            ),
            RelationAttr::ServiceArn,
            &arn("service", "web"),
        ),
        related(
            live(
                AppRunnerService,
                &arn("service", "web"),
                "web",
                service_state,
            ),
            RelationAttr::VpcConnectorArn,
            &arn("vpcconnector", "shared"),
        ),
        live(
            AppRunnerVpcConnector,
            &arn("vpcconnector", "shared"),
            "shared",
            LiveState::Deletable,
        ),
    ]
}

#[test]
fn names_resolve_and_the_stack_is_deleted_in_three_waves() {
    let m = manifest(STACK);
    let p = plan(
        &m,
        &Inventory::new(stack_inventory(LiveState::Deletable)),
        request(&m),
    )
    .unwrap();
    let order: Vec<(String, Action, usize)> = p
        .resources()
        .iter()
        .map(|r| (r.address.to_string(), r.action, r.wave))
        .collect();
    assert_eq!(
        order,
        [
            (
                "aws_apprunner_vpc_ingress_connection.web".into(),
                Action::Delete,
                1
            ),
            ("aws_apprunner_service.web".into(), Action::Delete, 2),
            (
                "aws_apprunner_vpc_connector.shared".into(),
                Action::Delete,
                3
            ),
        ]
    );
    assert_eq!(
        p.resources()[1].live.as_ref().unwrap().id,
        arn("service", "web")
    );
    assert_eq!(
        p.summary(),
        "Plan: 3 to delete, 0 to wait for, 0 already gone."
    );
    assert!(p.has_changes());
}

#[test]
fn each_live_state_maps_to_its_action() {
    let m = manifest(STACK);
    let mut inv = stack_inventory(LiveState::Deleting);
    inv[0].state = LiveState::Gone;
    inv[2].state = LiveState::Busy;
    let p = plan(&m, &Inventory::new(inv), request(&m)).unwrap();
    let actions: Vec<Action> = p.resources().iter().map(|r| r.action).collect();
    assert_eq!(actions, [Action::NoOp, Action::Wait, Action::Delete]);
    assert_eq!(
        p.summary(),
        "Plan: 1 to delete, 1 to wait for, 1 already gone."
    );
}

#[test]
fn a_resource_given_by_id_that_is_not_found_is_already_gone() {
    let m = manifest(
        "resource \"aws_dx_connection\" \"c\" {\n  id = \"dxcon-fg123456\"\n}\nprovider \"aws\" {\n  region = \"us-east-1\"\n}\n",
    );
    let p = plan(&m, &Inventory::default(), request(&m)).unwrap();
    assert_eq!(p.resources()[0].action, Action::NoOp);
    assert!(p.resources()[0].live.is_none());
    assert!(!p.has_changes());
}

#[test]
fn a_name_with_no_match_is_an_error_listing_the_live_names() {
    let m = manifest(STACK);
    let mut inv = stack_inventory(LiveState::Deletable);
    inv[1].name = "web-v2".into();
    let text = plan_errors(&m, &Inventory::new(inv));
    assert!(
        text.contains(
            "aws_apprunner_service.web: no aws_apprunner_service named \"web\" in us-east-1"
        ),
        "{text}"
    );
    assert!(text.contains("\"web-v2\""), "{text}");
    assert!(text.contains("main.hcl:12:3"), "{text}");
}

#[test]
fn a_name_with_two_matches_is_an_error_listing_both() {
    let m = manifest(STACK);
    let mut inv = stack_inventory(LiveState::Deletable);
    let mut twin = inv[2].clone();
    twin.id = arn("vpcconnector", "shared-twin");
    inv.push(twin);
    let text = plan_errors(&m, &Inventory::new(inv));
    assert!(
        text.contains("2 live aws_apprunner_vpc_connector resources are named \"shared\""),
        "{text}"
    );
    assert!(text.contains(&arn("vpcconnector", "shared-twin")), "{text}");
    assert!(text.contains("identify it by `arn`"), "{text}");
}

#[test]
fn a_relation_that_contradicts_live_state_is_an_error() {
    let m = manifest(STACK);
    let mut inv = stack_inventory(LiveState::Deletable);
    inv[1].relations[0].target = Some(arn("vpcconnector", "other"));
    let text = plan_errors(&m, &Inventory::new(inv));
    assert!(
        text.contains("vpc_connector_arn does not match live state"),
        "{text}"
    );
    assert!(
        text.contains(&format!("declared: {}", arn("vpcconnector", "shared"))),
        "{text}"
    );
    assert!(
        text.contains(&format!("live:     {}", arn("vpcconnector", "other"))),
        "{text}"
    );
}

#[test]
fn live_relations_order_deletions_the_manifest_does_not_mention() {
    let m = manifest(&format!(
        r#"
resource "aws_apprunner_service" "web" {{
  arn = "{}"
}}
resource "aws_apprunner_vpc_connector" "shared" {{
  arn = "{}"
}}
"#,
        arn("service", "web"),
        arn("vpcconnector", "shared")
    ));
    let inv = Inventory::new(stack_inventory(LiveState::Deletable).into_iter().skip(1));
    let p = plan(&m, &inv, request(&m)).unwrap();
    let edges = p.graph().edges();
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0].0, &addr("aws_apprunner_service.web"));
    assert_eq!(
        edges[0].2,
        [EdgeReason::Live {
            relation: "vpc_connector_arn".into()
        }]
    );
    assert_eq!(edges[0].2[0].to_string(), "live: vpc_connector_arn");
    assert_eq!(p.resources()[1].wave, 2);
}

#[test]
fn a_service_outside_the_manifest_on_a_planned_connector_is_a_blocker() {
    let m = manifest(STACK);
    let mut inv = stack_inventory(LiveState::Deletable);
    inv.push(related(
        live(
            ResourceType::AppRunnerService,
            &arn("service", "intruder"),
            "intruder",
            LiveState::Deletable,
        ),
        RelationAttr::VpcConnectorArn,
        &arn("vpcconnector", "shared"),
    ));
    let text = plan_errors(&m, &Inventory::new(inv));
    assert!(text.contains("aws_apprunner_vpc_connector.shared cannot be deleted: live aws_apprunner_service \"intruder\""), "{text}");
    assert!(
        text.contains("resource \"aws_apprunner_service\" \"intruder\" {"),
        "{text}"
    );
    assert!(
        text.contains("vpc_connector_arn = aws_apprunner_vpc_connector.shared.arn"),
        "{text}"
    );
}

#[test]
fn ingress_connections_and_virtual_interfaces_outside_the_manifest_are_blockers() {
    let m = manifest(
        r#"
provider "aws" {
  region = "us-east-1"
}
resource "aws_apprunner_service" "web" {
  name = "web"
}
resource "aws_dx_connection" "nyc" {
  id = "dxcon-fg123456"
}
"#,
    );
    let inv = Inventory::new([
        live(
            ResourceType::AppRunnerService,
            &arn("service", "web"),
            "web",
            LiveState::Deletable,
        ),
        related(
            live(
                ResourceType::AppRunnerVpcIngressConnection,
                &arn("vpcingressconnection", "in"),
                "in",
                LiveState::Deletable,
            ),
            RelationAttr::ServiceArn,
            &arn("service", "web"),
        ),
        // Already being deleted: not a blocker.
        related(
            live(
                ResourceType::AppRunnerVpcIngressConnection,
                &arn("vpcingressconnection", "old"),
                "old",
                LiveState::Deleting,
            ),
            RelationAttr::ServiceArn,
            &arn("service", "web"),
        ),
        live(
            ResourceType::DxConnection,
            "dxcon-fg123456",
            "nyc",
            LiveState::Deletable,
        ),
        related(
            live(
                ResourceType::DxVirtualInterface,
                "dxvif-aaaa1111",
                "vif",
                LiveState::Busy,
            ),
            RelationAttr::ConnectionId,
            "dxcon-fg123456",
        ),
    ]);
    let text = plan_errors(&m, &inv);
    assert!(text.contains("aws_apprunner_service.web cannot be deleted: live aws_apprunner_vpc_ingress_connection \"in\""), "{text}");
    assert!(!text.contains("\"old\""), "{text}");
    assert!(
        text.contains(
            "aws_dx_connection.nyc cannot be deleted: live aws_dx_virtual_interface \"vif\""
        ),
        "{text}"
    );
    assert!(
        text.contains("connection_id = aws_dx_connection.nyc.id"),
        "{text}"
    );
}

/// The block a blocker's help suggests is HCL that, added to the manifest,
/// names the blocker and references the planned instance: even when the
/// live name and id and the instance key are full of HCL syntax.
#[test]
fn a_suggested_blocker_block_parses_back_whatever_the_names() {
    let hcl = r#"
provider "aws" {
  region = "us-east-1"
}
resource "aws_dx_connection" "nyc" {
  for_each = { "core \"$${env}\" %%{x}" = "dxcon-fg123456" }
  id       = each.value
}
"#;
    let m = manifest(hcl);
    let vif_id = "dxvif-\"${a}\"\\%{b}";
    let inv = Inventory::new([
        live(
            ResourceType::DxConnection,
            "dxcon-fg123456",
            "nyc",
            LiveState::Deletable,
        ),
        related(
            live(
                ResourceType::DxVirtualInterface,
                vif_id,
                "vif \"${x}\"\nnext",
                LiveState::Deletable,
            ),
            RelationAttr::ConnectionId,
            "dxcon-fg123456",
        ),
    ]);
    let d = plan(&m, &inv, request(&m)).unwrap_err();
    assert_eq!(d.items.len(), 1, "{}", d.render(false));
    assert!(
        d.items[0]
            .message
            .contains("live aws_dx_virtual_interface \"vif \\\"$${x}\\\"\\nnext\" ("),
        "{}",
        d.items[0].message
    );
    let help = d.items[0].help.as_deref().unwrap_or_default();
    let block = help
        .split_once(":\n")
        .map(|(_, b)| b)
        .unwrap_or_else(|| panic!("{help}"));
    assert_eq!(
        block,
        "resource \"aws_dx_virtual_interface\" \"vif____x___next\" {\n  id            = \"dxvif-\\\"$${a}\\\"\\\\%%{b}\"\n  connection_id = aws_dx_connection.nyc[\"core \\\"$${env}\\\" %%{x}\"].id\n}"
    );
    let with_blocker = manifest(&format!("{hcl}\n{block}\n"));
    let vif = with_blocker
        .resources
        .iter()
        .find(|r| r.address.resource_type == ResourceType::DxVirtualInterface)
        .unwrap_or_else(|| panic!("{block}"));
    assert_eq!(
        vif.identity.value,
        decom_parser::Knowable::Known(vif_id.to_string())
    );
    assert_eq!(
        vif.dependencies[0].target,
        Address {
            resource_type: ResourceType::DxConnection,
            name: "nyc".into(),
            key: Some(decom_parser::InstanceKey::Key(
                "core \"${env}\" %{x}".into()
            )),
        }
    );
}

#[test]
fn prevent_destroy_stops_the_plan_unless_the_resource_is_gone() {
    let hcl = r#"
resource "aws_dx_connection" "nyc" {
  id = "dxcon-fg123456"
  lifecycle {
    prevent_destroy = true
  }
}
provider "aws" {
  region = "us-east-1"
}
"#;
    let m = manifest(hcl);
    let present = Inventory::new([live(
        ResourceType::DxConnection,
        "dxcon-fg123456",
        "nyc",
        LiveState::Deletable,
    )]);
    let text = plan_errors(&m, &present);
    assert!(
        text.contains("aws_dx_connection.nyc has lifecycle.prevent_destroy set"),
        "{text}"
    );
    assert!(text.contains("main.hcl:2:1"), "{text}");
    assert!(plan(&m, &Inventory::default(), request(&m)).is_ok());
}

#[test]
fn a_resource_in_a_disallowed_account_stops_the_plan() {
    let m = manifest(
        r#"
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["999999999999"]
}
resource "aws_dx_connection" "nyc" {
  id = "dxcon-fg123456"
}
"#,
    );
    let inv = Inventory::new([live(
        ResourceType::DxConnection,
        "dxcon-fg123456",
        "nyc",
        LiveState::Deletable,
    )]);
    let text = plan_errors(&m, &inv);
    assert!(
        text.contains(
            "is in account 123456789012, which the provider does not allow (allowed: 999999999999)"
        ),
        "{text}"
    );
}

#[test]
fn a_target_keeps_what_must_go_before_it_and_warns() {
    let m = manifest(STACK);
    let request = PlanRequest {
        targets: vec![addr("aws_apprunner_service.web")],
        ..request(&m)
    };
    let p = plan(
        &m,
        &Inventory::new(stack_inventory(LiveState::Deletable)),
        request,
    )
    .unwrap();
    let kept: Vec<String> = p
        .resources()
        .iter()
        .map(|r| r.address.to_string())
        .collect();
    assert_eq!(
        kept,
        [
            "aws_apprunner_vpc_ingress_connection.web",
            "aws_apprunner_service.web"
        ]
    );
    assert!(p.warnings()[0].contains("Resource targeting is in effect"));

    let bad = PlanRequest {
        targets: vec![addr("aws_apprunner_service.nope")],
        ..self::request(&m)
    };
    let err = plan(
        &m,
        &Inventory::new(stack_inventory(LiveState::Deletable)),
        bad,
    )
    .unwrap_err();
    assert!(err
        .render(false)
        .contains("--target aws_apprunner_service.nope: no such resource"));
}

/// A saved plan's warnings are its file's text: a line break in one
/// (a forged file) must not print a line of its own, such as a fake
/// summary above the real plan.
#[test]
fn a_saved_warning_is_shown_on_its_one_line() {
    let m = manifest(STACK);
    let p = plan(
        &m,
        &Inventory::new(stack_inventory(LiveState::Deletable)),
        request(&m),
    )
    .unwrap();
    let file = decom_plan::PlanFile::new(&p, &m, std::path::Path::new("main.hcl"))
        .with_warnings(vec!["careful\n\nPlan: 0 to delete.".into()]);
    let shown = file.to_plan().unwrap();
    let text = decom_plan::render(&shown, false);
    assert!(
        text.contains("Warning: careful\\u{a}\\u{a}Plan: 0 to delete."),
        "{text}"
    );
    assert!(!text.lines().any(|l| l.starts_with("Plan: 0")), "{text}");
    let markdown = decom_plan::to_markdown(&shown);
    assert!(
        !markdown.lines().any(|l| l.starts_with("Plan: 0")),
        "{markdown}"
    );
}

/// As in Terraform, `--target TYPE.NAME` of a `count`/`for_each` resource
/// means all its instances; a typo gets the nearest address.
#[test]
fn a_target_names_a_whole_counted_resource_and_a_typo_gets_a_suggestion() {
    let m = manifest(
        r#"
provider "aws" {
  region = "us-east-1"
}
resource "aws_dx_connection" "spare" {
  count = 2
  id    = "dxcon-spare${count.index}"
}
resource "aws_dx_connection" "main" {
  id = "dxcon-main0001"
}
"#,
    );
    let inv = Inventory::new(
        ["dxcon-spare0", "dxcon-spare1", "dxcon-main0001"]
            .map(|id| live(ResourceType::DxConnection, id, id, LiveState::Deletable)),
    );
    let whole = PlanRequest {
        targets: vec![addr("aws_dx_connection.spare")],
        ..request(&m)
    };
    let p = plan(&m, &inv, whole).unwrap();
    let kept: Vec<String> = p
        .resources()
        .iter()
        .map(|r| r.address.to_string())
        .collect();
    assert_eq!(
        kept,
        ["aws_dx_connection.spare[0]", "aws_dx_connection.spare[1]"]
    );

    let typo = PlanRequest {
        targets: vec![addr("aws_dx_connection.spaer")],
        ..request(&m)
    };
    let text = plan(&m, &inv, typo).unwrap_err().render(false);
    assert!(
        text.contains("--target aws_dx_connection.spaer: no such resource"),
        "{text}"
    );
    assert!(
        text.contains("did you mean `aws_dx_connection.spare`?"),
        "{text}"
    );

    let far = PlanRequest {
        targets: vec![addr("aws_supplychain_instance.x")],
        ..request(&m)
    };
    let text = plan(&m, &inv, far).unwrap_err().render(false);
    assert!(text.contains("the manifest's resources are: "), "{text}");
    assert!(text.contains("aws_dx_connection.main"), "{text}");
}

#[test]
fn two_blocks_naming_one_live_resource_is_an_error() {
    let m = manifest(
        r#"
provider "aws" {
  region = "us-east-1"
}
resource "aws_dx_connection" "a" {
  id = "dxcon-fg123456"
}
resource "aws_dx_connection" "b" {
  name = "nyc"
}
"#,
    );
    let inv = Inventory::new([live(
        ResourceType::DxConnection,
        "dxcon-fg123456",
        "nyc",
        LiveState::Deletable,
    )]);
    let text = plan_errors(&m, &inv);
    assert!(
        text.contains("aws_dx_connection.b and aws_dx_connection.a both name dxcon-fg123456"),
        "{text}"
    );
}

#[test]
fn a_resource_without_any_region_is_an_error() {
    let m = manifest("resource \"aws_dx_connection\" \"a\" {\n  name = \"nyc\"\n}\n");
    let err = plan(&m, &Inventory::default(), request(&m)).unwrap_err();
    assert!(err
        .render(false)
        .contains("no region for aws_dx_connection.a"));
    let defaults = Defaults {
        region: Some(REGION),
        profile: None,
    };
    let with_default = PlanRequest::new(&m, defaults);
    let inv = Inventory::new([live(
        ResourceType::DxConnection,
        "dxcon-fg123456",
        "nyc",
        LiveState::Deletable,
    )]);
    assert_eq!(
        plan(&m, &inv, with_default).unwrap().resources()[0]
            .placement
            .region,
        REGION
    );
}

#[test]
fn the_rendered_plan_shows_each_block_as_a_removal_in_deletion_order() {
    let m = manifest(STACK);
    let mut inv = stack_inventory(LiveState::Deletable);
    inv[2].state = LiveState::Gone;
    let p = plan(&m, &Inventory::new(inv), request(&m)).unwrap();
    let text = decom_plan::render(&p, false);
    let expected_block = format!(
        r#"  # aws_apprunner_vpc_ingress_connection.web will be deleted (wave 1)
  - resource "aws_apprunner_vpc_ingress_connection" "web" {{
      - arn         = "{}"
      - name        = "web-ingress"
      - service_arn = "{}"
      - region      = "us-east-1"
      - status      = "DELETABLE"
    }}
"#,
        arn("vpcingressconnection", "web-ingress"),
        arn("service", "web")
    );
    assert!(text.starts_with("decom will perform the following actions (waves run in order; resources in a wave run in parallel):\n\n"), "{text}");
    assert!(text.contains(&expected_block), "{text}");
    assert!(
        text.contains("  # aws_apprunner_vpc_connector.shared is already gone (no-op)\n"),
        "{text}"
    );
    assert!(
        text.ends_with("Plan: 2 to delete, 0 to wait for, 1 already gone.\n"),
        "{text}"
    );
    let ingress = text.find("vpc_ingress_connection.web will").unwrap();
    let service = text.find("aws_apprunner_service.web will").unwrap();
    assert!(ingress < service);
    assert!(!text.contains('\x1b'));
    assert!(decom_plan::render(&p, true).contains("\x1b[31m"));
}

#[test]
fn json_follows_terraforms_plan_shape_plus_waves_and_edges() {
    let m = manifest(STACK);
    let p = plan(
        &m,
        &Inventory::new(stack_inventory(LiveState::Deleting)),
        request(&m),
    )
    .unwrap();
    let j = decom_plan::to_json(&p, &decom_parser::Redaction::default());
    assert_eq!(j["format_version"], "1.2");
    let changes = j["resource_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 3);
    assert_eq!(
        changes[0]["address"],
        "aws_apprunner_vpc_ingress_connection.web"
    );
    assert_eq!(changes[0]["type"], "aws_apprunner_vpc_ingress_connection");
    assert_eq!(changes[0]["name"], "web");
    assert_eq!(
        changes[0]["change"]["actions"],
        serde_json::json!(["delete"])
    );
    assert_eq!(changes[0]["change"]["after"], serde_json::Value::Null);
    assert_eq!(changes[0]["change"]["before"]["name"], "web-ingress");
    assert_eq!(changes[1]["decom_action"], "wait");
    assert_eq!(changes[1]["action_reason"], "already_deleting");
    assert_eq!(j["waves"][2][0], "aws_apprunner_vpc_connector.shared");
    let edge = &j["edges"][0];
    assert_eq!(edge["before"], "aws_apprunner_vpc_ingress_connection.web");
    assert!(edge["reasons"][0]
        .as_str()
        .unwrap()
        .starts_with("reference in service_arn at "));
    assert_eq!(j["summary"]["wait"], 1);
}

mod plan_file {
    use super::*;
    use decom_plan::{PlanFile, PlanFileError};

    fn saved() -> (tempfile::TempDir, std::path::PathBuf, PlanFile) {
        let m = manifest(STACK);
        let p = plan(
            &m,
            &Inventory::new(stack_inventory(LiveState::Deletable)),
            request(&m),
        )
        .unwrap();
        let file = PlanFile::new(&p, &m, std::path::Path::new("main.hcl"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.bin");
        file.write(&path, &Redaction::default()).unwrap();
        (dir, path, file)
    }

    #[test]
    fn round_trips_and_renders_the_same_plan() {
        let (_dir, path, file) = saved();
        let read = PlanFile::read(&path).unwrap();
        assert_eq!(read, file);
        let plan = read.to_plan().unwrap();
        assert_eq!(
            plan.summary(),
            "Plan: 3 to delete, 0 to wait for, 0 already gone."
        );
        assert_eq!(plan.graph().edges().len(), 2);
        assert!(read.manifest_digest().starts_with("sha256:"));
        assert!(plan
            .resources()
            .iter()
            .all(|r| r.live.is_some() && r.placement.region == REGION));
        let ids: Vec<&str> = read.approved_deletions().map(|l| l.id.as_str()).collect();
        assert_eq!(ids.len(), 3);
    }

    #[cfg(unix)]
    #[test]
    fn is_written_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, path, _) = saved();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_swapped_id_is_refused_by_the_checksum() {
        let (_dir, path, _) = saved();
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replace("vpcconnector/shared/", "vpcconnector/other/");
        assert_ne!(text, edited);
        std::fs::write(&path, edited).unwrap();
        let err = PlanFile::read(&path).unwrap_err();
        assert!(matches!(err, PlanFileError::Checksum { .. }), "{err}");
        assert!(err.to_string().contains("checksum mismatch"));
    }

    #[test]
    fn truncated_foreign_and_old_files_get_clear_errors() {
        let (_dir, path, _) = saved();
        let bytes = std::fs::read(&path).unwrap();
        let truncated = PlanFile::parse(&bytes[..bytes.len() / 2], "plan.bin").unwrap_err();
        assert!(
            matches!(truncated, PlanFileError::Checksum { .. }),
            "{truncated}"
        );
        let foreign = PlanFile::parse(b"{\"format_version\": \"1.2\"}", "plan.json").unwrap_err();
        assert_eq!(
            foreign.to_string(),
            "plan.json is not a decom plan file (it does not start with `decom-plan`)"
        );
        let text = String::from_utf8(bytes)
            .unwrap()
            .replacen("decom-plan 2 ", "decom-plan 1 ", 1);
        let old = PlanFile::parse(text.as_bytes(), "plan.bin").unwrap_err();
        assert!(old.to_string().contains("format version 1"), "{old}");
        assert!(PlanFile::parse(b"", "empty").is_err());
        assert!(PlanFile::read(std::path::Path::new("/nonexistent/plan.bin")).is_err());
    }

    #[test]
    fn a_damaged_body_is_refused_as_damaged_though_it_no_longer_parses() {
        // The body is parsed as it is hashed: the checksum must still
        // decide first, whatever the parse made of the damage.
        let (_dir, path, _) = saved();
        let bytes = std::fs::read(&path).unwrap();
        let mut cut = bytes[..bytes.len() - 40].to_vec();
        cut.extend_from_slice(b"\"not json");
        let damaged = PlanFile::parse(&cut, "plan.bin").unwrap_err();
        assert!(
            matches!(damaged, PlanFileError::Checksum { .. }),
            "{damaged}"
        );
        let body_start = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
        let mut trailing = bytes[body_start..].to_vec();
        trailing.extend_from_slice(b" {}");
        let framed = decom_plan::frame(&trailing);
        let invalid = PlanFile::parse(&framed, "plan.bin").unwrap_err();
        assert!(
            matches!(invalid, PlanFileError::Invalid { .. }),
            "{invalid}"
        );
    }

    #[test]
    fn a_header_line_that_does_not_end_is_not_read_whole() {
        let endless = |start: &str| {
            let mut text = start.to_string();
            text.push_str(&"a".repeat(100_000));
            PlanFile::parse(text.as_bytes(), "plan.bin").unwrap_err()
        };
        let damaged = endless("decom-plan 2 sha256:");
        assert!(
            matches!(damaged, PlanFileError::Checksum { .. }),
            "{damaged}"
        );
        let foreign = endless("resource ");
        assert!(
            matches!(foreign, PlanFileError::NotAPlan { .. }),
            "{foreign}"
        );
        // A short file without a line break is no plan, as before.
        let short = PlanFile::parse(b"decom-plan 2 sha256:00", "plan.bin").unwrap_err();
        assert!(matches!(short, PlanFileError::NotAPlan { .. }), "{short}");
    }

    #[test]
    fn a_file_with_a_valid_checksum_cannot_smuggle_in_a_cycle() {
        let err = reframed(|b| {
            let mut back = b["edges"][0].clone();
            back["before"] = b["edges"][0]["after"].clone();
            back["after"] = b["edges"][0]["before"].clone();
            b["edges"].as_array_mut().unwrap().push(back);
        })
        .unwrap_err();
        assert!(matches!(err, PlanFileError::Invalid { .. }), "{err}");
        assert!(err.to_string().contains("cycle"), "{err}");
    }

    /// The file's body, edited by `edit` and framed with a valid checksum,
    /// as `decom apply` would read it.
    fn reframed(edit: impl FnOnce(&mut serde_json::Value)) -> Result<PlanFile, PlanFileError> {
        let (_dir, path, _) = saved();
        let bytes = std::fs::read(&path).unwrap();
        let body_start = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
        let mut body: serde_json::Value = serde_json::from_slice(&bytes[body_start..]).unwrap();
        edit(&mut body);
        let framed = decom_plan::frame(&serde_json::to_vec(&body).unwrap());
        PlanFile::parse(&framed, "edited.bin")
    }

    #[test]
    fn the_format_is_its_own_and_refuses_what_it_does_not_know() {
        // The body spells what the kinds table and the format name, not
        // Rust's field names.
        let (_dir, path, _) = saved();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("decom-plan 2 sha256:"), "{text}");
        for field in [
            "\"delete_timeout_seconds\"",
            "\"type\": \"aws_apprunner_service\"",
            "\"attr\": \"service_arn\"",
        ] {
            assert!(text.contains(field), "{field} missing from {text}");
        }
        let unknown_field = reframed(|b| b["resources"][0]["fingerprint"] = "sha256:x".into());
        assert!(matches!(unknown_field, Err(PlanFileError::Invalid { .. })));
        let other_type =
            reframed(|b| b["resources"][0]["live"]["type"] = "aws_dx_connection".into());
        let err = other_type.unwrap_err().to_string();
        assert!(err.contains("has live type aws_dx_connection"), "{err}");
        let foreign_relation = reframed(|b| {
            let live = &mut b["resources"][0]["live"];
            live["relations"] =
                serde_json::json!([{ "attr": "connection_id", "target": "dxcon-1" }]);
        });
        let err = foreign_relation.unwrap_err().to_string();
        assert!(err.contains("has no relation connection_id"), "{err}");
    }

    #[test]
    fn quota_rates_round_trip_and_a_rate_that_is_no_rate_is_refused() {
        let (_dir, path, file) = saved();
        assert!(file.quota_rates().is_empty());
        let rate = decom_plan::QuotaRate {
            account: "123456789012".into(),
            region: REGION.into(),
            service: "supplychain".into(),
            refill: 19.5,
        };
        let file = file.with_quota_rates(vec![rate.clone()]);
        file.write(&path, &Redaction::default()).unwrap();
        assert_eq!(PlanFile::read(&path).unwrap().quota_rates(), [rate]);
        for hostile in [
            serde_json::json!(-1.0),
            serde_json::json!(0.0),
            serde_json::json!("fast"),
        ] {
            let err = reframed(|b| {
                b["quota_rates"] = serde_json::json!([{
                    "account": "123456789012", "region": REGION,
                    "service": "supplychain", "refill": hostile,
                }]);
            })
            .unwrap_err();
            assert!(matches!(err, PlanFileError::Invalid { .. }), "{err}");
        }
    }

    #[test]
    fn a_file_with_a_valid_checksum_cannot_list_an_address_twice() {
        // Found reviewing the plan_file fuzz target: a second entry for one
        // address, with another id, would be approved alongside the first.
        let err = reframed(|b| {
            let mut twin = b["resources"][0].clone();
            twin["live"]["id"] = format!("{}-twin", twin["live"]["id"].as_str().unwrap()).into();
            b["resources"].as_array_mut().unwrap().push(twin);
        })
        .unwrap_err();
        assert!(matches!(err, PlanFileError::Invalid { .. }), "{err}");
        assert!(
            err.to_string().contains("appears twice in the plan"),
            "{err}"
        );
    }

    #[test]
    fn the_digest_changes_with_a_file_or_a_variable() {
        let a = manifest(STACK);
        let b = manifest(&format!("{STACK}\n# a comment\n"));
        assert_ne!(
            decom_plan::manifest_digest(&a),
            decom_plan::manifest_digest(&b)
        );
        assert_eq!(
            decom_plan::manifest_digest(&a),
            decom_plan::manifest_digest(&manifest(STACK))
        );
    }
}

mod markdown {
    use super::*;
    use decom_plan::to_markdown;

    const GITHUB_COMMENT_LIMIT: usize = 65_536;

    /// 5,000 services, each on its own connector: 10,000 resources.
    #[test]
    fn a_10000_resource_plan_is_summarised_under_githubs_comment_limit() {
        let m = manifest(
            r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_apprunner_service" "web" {
  count             = 5000
  name              = "web-${count.index}"
  vpc_connector_arn = aws_apprunner_vpc_connector.conn[count.index].arn
}

resource "aws_apprunner_vpc_connector" "conn" {
  count = 5000
  name  = "conn-${count.index}"
}
"#,
        );
        let inv = (0..5000).flat_map(|i| {
            let conn = arn("vpcconnector", &format!("conn-{i}"));
            [
                related(
                    live(
                        ResourceType::AppRunnerService,
                        &arn("service", &format!("web-{i}")),
                        &format!("web-{i}"),
                        LiveState::Deletable,
                    ),
                    RelationAttr::VpcConnectorArn,
                    &conn,
                ),
                live(
                    ResourceType::AppRunnerVpcConnector,
                    &conn,
                    &format!("conn-{i}"),
                    LiveState::Deletable,
                ),
            ]
        });
        let p = plan(&m, &Inventory::new(inv), request(&m)).unwrap();
        assert_eq!(p.resources().len(), 10_000);

        let md = to_markdown(&p);
        assert!(md.chars().count() < GITHUB_COMMENT_LIMIT, "{}", md.len());
        assert!(md.contains("**10000** to delete"), "{md}");
        assert!(md.contains("This comment was summarised"), "{md}");
        assert!(md.contains("_Summarised: showing the first "), "{md}");
        assert!(md.contains("of 10000 resources"), "{md}");
        assert!(md.contains("lines of the full plan"), "{md}");
        // The collapsed block is still well-formed.
        assert_eq!(md.matches("```").count(), 2);
        assert!(md.contains("<details><summary>Full plan</summary>") && md.ends_with("\n"));
    }

    /// 1,000 each of services, connectors and Supply Chain instances: the
    /// comment leads with counts per type, caps the table with "… and N
    /// more", keeps the full plan a `diff` block, and fits GitHub's limit.
    #[test]
    fn a_3000_resource_plan_leads_with_counts_per_type_and_caps_its_rows() {
        let m = manifest(
            r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_apprunner_service" "web" {
  count             = 1000
  name              = "web-${count.index}"
  vpc_connector_arn = aws_apprunner_vpc_connector.conn[count.index].arn
}

resource "aws_apprunner_vpc_connector" "conn" {
  count = 1000
  name  = "conn-${count.index}"
}

resource "aws_supplychain_instance" "sc" {
  count = 1000
  name  = "sc-${count.index}"
}
"#,
        );
        let inv = (0..1000).flat_map(|i| {
            let conn = arn("vpcconnector", &format!("conn-{i}"));
            [
                related(
                    live(
                        ResourceType::AppRunnerService,
                        &arn("service", &format!("web-{i}")),
                        &format!("web-{i}"),
                        LiveState::Deletable,
                    ),
                    RelationAttr::VpcConnectorArn,
                    &conn,
                ),
                live(
                    ResourceType::AppRunnerVpcConnector,
                    &conn,
                    &format!("conn-{i}"),
                    LiveState::Deletable,
                ),
                live(
                    ResourceType::SupplyChainInstance,
                    &format!("sc-id-{i}"),
                    &format!("sc-{i}"),
                    LiveState::Deletable,
                ),
            ]
        });
        let p = plan(&m, &Inventory::new(inv), request(&m)).unwrap();
        assert_eq!(p.resources().len(), 3000);

        let md = to_markdown(&p);
        assert!(md.chars().count() < GITHUB_COMMENT_LIMIT, "{}", md.len());
        assert!(md.contains("| region(s) | `us-east-1` |"), "{md}");
        for ty in [
            "aws_apprunner_service",
            "aws_apprunner_vpc_connector",
            "aws_supplychain_instance",
        ] {
            assert!(md.contains(&format!("| `{ty}` | 1000 | 0 | 0 |")), "{md}");
        }
        let rows = md.lines().filter(|l| l.starts_with("| 1 | `")).count()
            + md.lines().filter(|l| l.starts_with("| 2 | `")).count();
        assert!(rows <= 200, "{rows} rows");
        assert!(
            md.contains(&format!("| | … and {} more | | | |", 3000 - rows)),
            "{md}"
        );
        assert!(md.contains("```diff\n"), "{md}");
        assert!(
            md.contains("\n-    resource \"aws_apprunner_service\" \"web\" {\n"),
            "{md}"
        );
        assert_eq!(md.matches("```").count(), 2);
    }

    #[test]
    fn a_small_plan_is_shown_whole() {
        let m = manifest(STACK);
        let p = plan(
            &m,
            &Inventory::new(stack_inventory(LiveState::Deletable)),
            request(&m),
        )
        .unwrap();
        let md = to_markdown(&p);
        assert!(!md.contains("ummarised"), "{md}");
        assert!(md.contains("#### Blockers and warnings\n\nNone."), "{md}");
        assert!(
            md.contains("| 1 | `aws_apprunner_vpc_ingress_connection.web` | delete |"),
            "{md}"
        );
        assert!(
            md.contains("Plan: 3 to delete, 0 to wait for, 0 already gone."),
            "{md}"
        );
    }
}

const OTHER_ACCOUNT: &str = "210987654321";

/// A request whose placements know each principal's account.
fn request_as(m: &Manifest, account_of: &dyn Fn(&decom_plan::Principal) -> String) -> PlanRequest {
    let mut request = request(m);
    let accounts = request
        .placements
        .principals()
        .into_keys()
        .map(|p| {
            let account = account_of(&p);
            (p, account)
        })
        .collect();
    request.placements.set_accounts(&accounts);
    request
}

#[test]
fn caller_accounts_are_checked_against_allowed_and_forbidden_accounts() {
    let m = manifest(
        r#"
provider "aws" {
  region                = "us-east-1"
  forbidden_account_ids = ["123456789012"]
}
provider "aws" {
  alias               = "other"
  region              = "us-east-1"
  allowed_account_ids = ["999999999999"]
  assume_role {
    role_arn = "arn:aws:iam::210987654321:role/deleter"
  }
}
resource "aws_dx_connection" "a" { id = "dxcon-fg123456" }
resource "aws_dx_connection" "b" {
  id       = "dxcon-fg654321"
  provider = aws.other
}
"#,
    );
    let request = request_as(&m, &|p| match p.role {
        Some(_) => OTHER_ACCOUNT.into(),
        None => ACCOUNT.into(),
    });
    let refused = decom_plan::check_caller_accounts(&m, &request.placements);
    assert_eq!(
        refused,
        [
            "provider aws acts in account 123456789012, which its forbidden_account_ids forbid",
            "provider aws.other acts in account 210987654321, which its allowed_account_ids (999999999999) do not include",
        ]
    );
    let fine = request_as(&m, &|p| match p.role {
        Some(_) => "999999999999".into(),
        None => "111111111111".into(),
    });
    assert!(decom_plan::check_caller_accounts(&m, &fine.placements).is_empty());
}

#[test]
fn an_arn_of_another_account_than_the_callers_is_an_error_not_already_gone() {
    let m = manifest(&format!(
        "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\nresource \"aws_apprunner_service\" \"web\" {{\n  arn = \"{}\"\n}}\n",
        arn("service", "web").replace(ACCOUNT, "999999999999")
    ));
    let d = plan(
        &m,
        &Inventory::default(),
        request_as(&m, &|_| ACCOUNT.into()),
    )
    .unwrap_err();
    let text = d.render(false);
    assert!(
        text.contains("is in account 999999999999, but provider aws acts in account 123456789012"),
        "{text}"
    );
    // Without caller identity (no STS answer recorded) it stays "gone".
    assert!(plan(&m, &Inventory::default(), request(&m)).is_ok());
}

#[test]
fn a_name_resolves_only_among_the_callers_account() {
    let m = manifest(
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\nresource \"aws_apprunner_vpc_connector\" \"c\" {\n  name = \"shared\"\n}\n",
    );
    let mine = live(
        ResourceType::AppRunnerVpcConnector,
        &arn("vpcconnector", "shared"),
        "shared",
        LiveState::Deletable,
    );
    let mut bystander = mine.clone();
    bystander.id = bystander.id.replace(ACCOUNT, OTHER_ACCOUNT);
    bystander.account_id = Some(OTHER_ACCOUNT.into());
    let inv = Inventory::new([mine.clone(), bystander]);
    let p = plan(&m, &inv, request_as(&m, &|_| ACCOUNT.into())).unwrap();
    let planned = p.resources()[0].live.as_ref().map(|l| l.id.clone());
    assert_eq!(planned, Some(mine.id));
}

#[test]
fn a_live_tag_in_protect_tags_stops_the_plan() {
    let m = manifest(
        r#"
provider "aws" {
  region       = "us-east-1"
  protect_tags = { keep = "forever" }
}
resource "aws_dx_connection" "nyc" { id = "dxcon-fg123456" }
resource "aws_dx_connection" "bos" { id = "dxcon-fg654321" }
"#,
    );
    let mut inv = Inventory::new([
        live(
            ResourceType::DxConnection,
            "dxcon-fg123456",
            "nyc",
            LiveState::Deletable,
        ),
        live(
            ResourceType::DxConnection,
            "dxcon-fg654321",
            "bos",
            LiveState::Deletable,
        ),
    ]);
    let tags = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    inv.set_tags(
        ResourceType::DxConnection,
        "dxcon-fg123456".into(),
        tags(&[("keep", "forever")]),
    );
    inv.set_tags(
        ResourceType::DxConnection,
        "dxcon-fg654321".into(),
        tags(&[("keep", "no")]),
    );
    let text = plan_errors(&m, &inv);
    assert!(
        text.contains("aws_dx_connection.nyc carries the protected tag keep = \"forever\""),
        "{text}"
    );
    assert!(!text.contains("aws_dx_connection.bos"), "{text}");
}

/// STACK's ingress connection identified as a composite would be (its
/// `service_arn`, a reference, plus a second part): the resolution of
/// composite identities, before any kind in the table has one.
fn with_composite_ingress(m: &mut Manifest, second: &str) -> String {
    use decom_parser::{IdentityKind, IdentityPart, Knowable};
    let r = m
        .resources
        .iter_mut()
        .find(|r| r.address.resource_type == ResourceType::AppRunnerVpcIngressConnection)
        .unwrap();
    let service = r.relations[0].value.clone();
    let span = r.identity.span;
    r.identity.kind = IdentityKind::Composite;
    r.identity.value = Knowable::AfterRefresh("aws_apprunner_service.web.arn".into());
    r.identity.parts = vec![
        IdentityPart {
            attr: "service_arn",
            value: service,
            span,
        },
        IdentityPart {
            attr: "domain_name",
            value: Knowable::Known(second.into()),
            span,
        },
    ];
    decom_kinds::composite::compose(&[arn("service", "web").as_str(), second])
}

#[test]
fn a_composite_identity_resolves_by_its_composed_id_once_its_parts_are_known() {
    let mut m = manifest(STACK);
    let id = with_composite_ingress(&mut m, "www.example.com");
    let mut inv = stack_inventory(LiveState::Deletable);
    inv[0].id = id.clone();
    // A resource with the same second part on another service is not it.
    let other =
        decom_kinds::composite::compose(&[arn("service", "api").as_str(), "www.example.com"]);
    inv.push(live(
        ResourceType::AppRunnerVpcIngressConnection,
        &other,
        "www.example.com",
        LiveState::Deletable,
    ));
    let p = plan(&m, &Inventory::new(inv), request(&m)).unwrap();
    let ingress = &p.resources()[0];
    assert_eq!(ingress.action, Action::Delete);
    assert_eq!(
        ingress.live.as_ref().map(|l| l.id.as_str()),
        Some(id.as_str())
    );
}

#[test]
fn a_composite_whose_part_names_a_gone_resource_is_already_gone() {
    // The service, given by ARN, is gone (and so is anything keyed by it).
    let stack = STACK.replace(
        "  name              = \"web\"",
        &format!("  arn               = \"{}\"", arn("service", "web")),
    );
    let mut m = manifest(&stack);
    with_composite_ingress(&mut m, "www.example.com");
    let inv: Vec<LiveResource> = stack_inventory(LiveState::Deletable)
        .into_iter()
        .filter(|r| r.resource_type == ResourceType::AppRunnerVpcConnector)
        .collect();
    let p = plan(&m, &Inventory::new(inv), request(&m)).unwrap();
    let actions: Vec<(String, Action)> = p
        .resources()
        .iter()
        .map(|r| (r.address.to_string(), r.action))
        .collect();
    assert!(
        actions.contains(&(
            "aws_apprunner_vpc_ingress_connection.web".into(),
            Action::NoOp
        )),
        "{actions:?}"
    );
}

#[test]
fn a_composite_not_found_by_its_id_is_already_gone_never_looked_up_by_a_part() {
    let mut m = manifest(STACK);
    with_composite_ingress(&mut m, "gone.example.com");
    // A live resource whose name is the second part is not a match.
    // It is still live, so it blocks the service: the block did not mean it.
    let mut inv = stack_inventory(LiveState::Deletable);
    inv[0].name = "gone.example.com".into();
    let errors = plan_errors(&m, &Inventory::new(inv));
    assert!(
        errors.contains("depends on it and is not in the manifest"),
        "{errors}"
    );
}
