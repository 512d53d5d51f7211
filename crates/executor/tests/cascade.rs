//! Cascades at apply: children AWS deletes with a planned parent get no
//! request of their own and are reported deleted only once the parent's
//! deletion is confirmed.

mod common;

use common::fake_cloud::{DeleteAnswer, FakeCloud};
use common::{address, approved, id, live, resource, run};
use decom_executor::EventKind;
use decom_parser::{RelationAttr, ResourceType};
use decom_plan::{LiveRelation, LiveResource, LiveState};

const LONG: &str = "10m";

/// A live flow `name` of the instance `instance`.
fn flow(instance: &str, name: &str) -> LiveResource {
    let mut f = live(name, LiveState::Deletable);
    f.resource_type = ResourceType::SupplyChainDataIntegrationFlow;
    f.id = format!("{},{name}", id(instance));
    f.relations = vec![LiveRelation {
        attr: RelationAttr::InstanceId,
        target: Some(id(instance)),
    }];
    f
}

#[tokio::test]
async fn children_are_reported_deleted_after_their_parent_and_sent_nothing() {
    let plan = approved(
        &[resource("main", &[], LONG)],
        vec![
            live("main", LiveState::Deletable),
            flow("main", "a"),
            flow("main", "b"),
        ],
    );
    let main: decom_parser::Address = address("main").parse().expect("an address");
    assert_eq!(plan.cascades_of(&main).len(), 2);
    let cloud = FakeCloud::new().into_arc();
    let run = run(cloud.clone(), &plan).await;

    assert_eq!(cloud.deleted(), [id("main")]);
    assert_eq!(run.summary.deleted, 1);
    assert_eq!(run.summary.deleted_with_parent, 2);
    assert_eq!(
        run.summary.line(false),
        "Apply complete: 1 deleted, 2 deleted with their parent, 0 failed, 0 skipped."
    );
    let parent_gone = run.position(EventKind::Deleted, "main");
    let cascaded: Vec<(usize, String, Option<String>)> = run
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.event == EventKind::DeletedWithParent)
        .map(|(i, e)| (i, e.address.to_string(), e.id.clone()))
        .collect();
    let parent = address("main");
    assert_eq!(
        cascaded
            .iter()
            .map(|(_, a, id)| (a.as_str(), id.as_deref()))
            .collect::<Vec<_>>(),
        [
            (
                format!("{parent} -> aws_supplychain_data_integration_flow[\"id-main,a\"]")
                    .as_str(),
                Some("id-main,a")
            ),
            (
                format!("{parent} -> aws_supplychain_data_integration_flow[\"id-main,b\"]")
                    .as_str(),
                Some("id-main,b")
            ),
        ]
    );
    assert!(cascaded.iter().all(|(i, ..)| *i > parent_gone));
    let line = run.events[cascaded[0].0].line();
    assert_eq!(
        line.as_deref(),
        Some(
            format!(
                "{parent} -> aws_supplychain_data_integration_flow[\"id-main,a\"]: Deleted with {parent}"
            )
            .as_str()
        )
    );
}

#[tokio::test]
async fn a_parent_that_fails_reports_no_child_deleted() {
    let plan = approved(
        &[resource("main", &[], LONG)],
        vec![live("main", LiveState::Deletable), flow("main", "a")],
    );
    let cloud = FakeCloud::new()
        .on_delete(&id("main"), [DeleteAnswer::Permanent])
        .into_arc();
    let run = run(cloud, &plan).await;
    assert_eq!(run.summary.failed, 1);
    assert_eq!(run.summary.deleted_with_parent, 0);
    assert!(run
        .events
        .iter()
        .all(|e| e.event != EventKind::DeletedWithParent));
}
