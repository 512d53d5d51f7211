//! A resource task that panics (a bug in a `Cloud`, or in the executor)
//! is a failed resource, and what must come after it is skipped: it is
//! never silently dropped with its dependents left unstarted, and the
//! rest of the apply goes on.

mod common;

use common::fake_cloud::{DeleteAnswer, FakeCloud};
use common::{approved, id, live, resource, run};
use decom_executor::EventKind;
use decom_plan::LiveState;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicked_task_fails_its_resource_and_skips_its_dependents() {
    let plan = approved(
        &[
            resource("boom", &["after"], "10m"),
            resource("after", &[], "10m"),
            resource("independent", &[], "10m"),
        ],
        ["boom", "after", "independent"]
            .map(|n| live(n, LiveState::Deletable))
            .to_vec(),
    );
    let cloud = FakeCloud::new()
        .on_delete(&id("boom"), [DeleteAnswer::Panic])
        .into_arc();
    let run = run(cloud.clone(), &plan).await;
    let summary = &run.summary;

    assert_eq!(
        (
            summary.deleted,
            summary.failed,
            summary.skipped,
            summary.not_started
        ),
        (1, 1, 1, 0),
        "{summary:?}"
    );
    assert_eq!(run.names_with(EventKind::Deleted), ["independent"]);
    let line = |kind: EventKind, name: &str| {
        run.events_of(kind, name)
            .first()
            .and_then(|e| e.line())
            .unwrap_or_else(|| panic!("no {kind:?} line for {name}"))
    };
    let failed = line(EventKind::Failed, "boom");
    assert!(
        failed.contains("internal error: fake cloud exploded"),
        "{failed}"
    );
    let skipped = line(EventKind::Skipped, "after");
    assert!(
        skipped.contains("upstream failed: aws_supplychain_instance.boom"),
        "{skipped}"
    );
    assert_eq!(cloud.deletes_of(&id("after")), 0);
}
