//! The scheduler against a fake cloud: what each answer to a delete
//! request leads to, what a failure skips, and what deletes are sent.

mod common;

use std::time::Duration;

use common::fake_cloud::{present, refusal, DeleteAnswer, FakeCloud};
use common::{address, approved, counts, fast, id, live, resource, run};
use decom_executor::{apply, ApplyOptions, DeleteErrorKind, EventKind, Interrupt};
use decom_plan::LiveState;
use tokio::sync::watch;

const LONG: &str = "10m";

#[tokio::test]
async fn a_failed_delete_skips_what_comes_after_it_and_nothing_else() {
    // first -> broken -> child -> grandchild; other stands alone.
    let plan = approved(
        &[
            resource("first", &["broken"], LONG),
            resource("broken", &["child"], LONG),
            resource("child", &["grandchild"], LONG),
            resource("grandchild", &[], LONG),
            resource("other", &[], LONG),
        ],
        ["first", "broken", "child", "grandchild", "other"]
            .map(|n| live(n, LiveState::Deletable))
            .to_vec(),
    );
    let cloud = FakeCloud::new()
        .on_delete(&id("broken"), [DeleteAnswer::Permanent])
        .into_arc();
    let run = run(cloud.clone(), &plan).await;

    assert_eq!(counts(&run.summary), (2, 1, 2), "{:?}", run.summary);
    assert_eq!(run.names_with(EventKind::Deleted), ["first", "other"]);
    assert_eq!(run.names_with(EventKind::Skipped), ["child", "grandchild"]);
    for skipped in ["child", "grandchild"] {
        assert_eq!(
            run.details(EventKind::Skipped, skipped),
            ["upstream failed: aws_supplychain_instance.broken"]
        );
        assert_eq!(cloud.deletes_of(&id(skipped)), 0, "{skipped} was sent");
    }
}

#[tokio::test]
async fn a_retryable_refusal_is_retried_until_the_delete_is_accepted() {
    let plan = approved(
        &[resource("busy", &[], LONG)],
        vec![live("busy", LiveState::Deletable)],
    );
    let cloud = FakeCloud::new()
        .on_delete(
            &id("busy"),
            [
                DeleteAnswer::Retryable,
                DeleteAnswer::Retryable,
                DeleteAnswer::Accept,
            ],
        )
        .into_arc();
    let run = run(cloud.clone(), &plan).await;

    assert_eq!(counts(&run.summary), (1, 0, 0), "{:?}", run.summary);
    assert_eq!(cloud.deletes_of(&id("busy")), 3);
    let retrying = refusal(DeleteErrorKind::Retryable);
    assert_eq!(
        run.details(EventKind::Retrying, "busy"),
        [retrying.clone(), retrying]
    );
    assert_eq!(run.events_of(EventKind::DeleteAccepted, "busy").len(), 1);
}

#[tokio::test]
async fn already_deleting_is_waited_for_and_never_sent_again() {
    let plan = approved(
        &[resource("going", &[], LONG)],
        vec![live("going", LiveState::Deletable)],
    );
    let cloud = FakeCloud::new()
        .on_delete(&id("going"), [DeleteAnswer::AlreadyDeleting])
        .on_observe(
            &id("going"),
            [
                common::fake_cloud::present(),
                common::fake_cloud::present(),
                decom_executor::Observation::Gone,
            ],
        )
        .into_arc();
    let run = run(cloud.clone(), &plan).await;

    assert_eq!(counts(&run.summary), (1, 0, 0), "{:?}", run.summary);
    assert_eq!(cloud.deletes_of(&id("going")), 1);
    assert_eq!(cloud.observations_of(&id("going")), 3);
    assert_eq!(
        run.details(EventKind::Waiting, "going"),
        [refusal(DeleteErrorKind::AlreadyDeleting)]
    );
    assert!(run.events_of(EventKind::Retrying, "going").is_empty());
}

#[tokio::test]
async fn not_found_counts_as_deleted_and_lets_what_follows_go() {
    let plan = approved(
        &[
            resource("vanished", &["next"], LONG),
            resource("next", &[], LONG),
        ],
        vec![
            live("vanished", LiveState::Deletable),
            live("next", LiveState::Deletable),
        ],
    );
    let cloud = FakeCloud::new()
        .on_delete(&id("vanished"), [DeleteAnswer::NotFound])
        .into_arc();
    let run = run(cloud.clone(), &plan).await;

    assert_eq!(counts(&run.summary), (2, 0, 0), "{:?}", run.summary);
    assert_eq!(run.names_with(EventKind::Deleted), ["next", "vanished"]);
    // Done with the answer: no status check was needed.
    assert_eq!(cloud.observations_of(&id("vanished")), 0);
    assert_eq!(cloud.deleted(), [id("vanished"), id("next")]);
}

#[tokio::test]
async fn a_permanent_refusal_fails_at_once_without_a_retry() {
    let plan = approved(
        &[resource("denied", &[], LONG)],
        vec![live("denied", LiveState::Deletable)],
    );
    let cloud = FakeCloud::new()
        .on_delete(
            &id("denied"),
            [DeleteAnswer::Permanent, DeleteAnswer::Accept],
        )
        .into_arc();
    let run = run(cloud.clone(), &plan).await;

    assert_eq!(counts(&run.summary), (0, 1, 0), "{:?}", run.summary);
    assert_eq!(cloud.deletes_of(&id("denied")), 1);
    assert_eq!(
        run.details(EventKind::Failed, "denied"),
        [refusal(DeleteErrorKind::Permanent)]
    );
}

#[tokio::test]
async fn unanswered_deletes_run_side_by_side_and_fail_at_their_timeout() {
    let names = ["mute1", "mute2", "mute3"];
    let plan = approved(
        &names.map(|n| resource(n, &[], "1s")),
        names.map(|n| live(n, LiveState::Deletable)).to_vec(),
    );
    let mut cloud = FakeCloud::new();
    for name in names {
        cloud = cloud.on_delete(&id(name), [DeleteAnswer::Hang]);
    }
    let cloud = cloud.into_arc();
    let run = run(cloud.clone(), &plan).await;

    assert_eq!(counts(&run.summary), (0, 3, 0), "{:?}", run.summary);
    // Independent resources do not wait for each other.
    assert_eq!(cloud.max_in_flight(), 3);
    for name in names {
        assert_eq!(cloud.deletes_of(&id(name)), 1);
        assert_eq!(
            run.details(EventKind::Failed, name),
            ["timed out after 1s (delete timeout) waiting for the delete request to be answered"]
        );
    }
}

#[tokio::test]
async fn deletes_name_only_the_delete_actions_of_the_approved_plan() {
    // doomed: delete; going: already being deleted (wait); gone: seen in
    // a deleted state (no-op); stranger: live but not in the manifest.
    let plan = approved(
        &[
            resource("doomed", &["going"], LONG),
            resource("going", &["gone"], LONG),
            resource("gone", &[], LONG),
        ],
        vec![
            live("doomed", LiveState::Deletable),
            live("going", LiveState::Deleting),
            live("gone", LiveState::Gone),
            live("stranger", LiveState::Deletable),
        ],
    );
    let cloud = FakeCloud::new().into_arc();
    let run = run(cloud.clone(), &plan).await;

    assert_eq!(cloud.deleted(), [id("doomed")]);
    assert_eq!(cloud.observations_of(&id("stranger")), 0);
    assert_eq!(
        (run.summary.deleted, run.summary.already_gone),
        (2, 1),
        "{:?}",
        run.summary
    );
    assert_eq!(run.names_with(EventKind::Deleting), ["doomed"]);
    assert_eq!(run.names_with(EventKind::Waiting), ["going"]);
}

#[tokio::test]
async fn an_interrupt_ends_the_waits_at_once_and_starts_nothing_after_them() {
    // `stuck` is never seen gone within its 10 minutes; an interrupt comes
    // once its delete is accepted.
    let plan = approved(
        &[
            resource("stuck", &["after"], LONG),
            resource("after", &[], LONG),
        ],
        ["stuck", "after"]
            .map(|n| live(n, LiveState::Deletable))
            .to_vec(),
    );
    let cloud = FakeCloud::new()
        .on_observe(&id("stuck"), [present()])
        .into_arc();
    let (interrupt, interrupted) = watch::channel(Interrupt::Continue);
    let mut events = Vec::new();
    let applying = apply(cloud.clone(), &plan, fast(), interrupted, |e| {
        if e.event == EventKind::DeleteAccepted {
            let _ = interrupt.send(Interrupt::Stop);
        }
        events.push(e.clone());
    });
    let summary = tokio::time::timeout(Duration::from_secs(30), applying)
        .await
        .expect("the interrupted apply ends without waiting out the 10 minutes");

    assert_eq!(
        (summary.interrupted, summary.not_started),
        (1, 1),
        "{summary:?}"
    );
    assert_eq!(counts(&summary), (0, 0, 0));
    let last = events.last().map(|e| (e.event, e.address.to_string()));
    assert_eq!(last, Some((EventKind::Interrupted, address("stuck"))));
    assert_eq!(cloud.deletes_of(&id("after")), 0);
}

#[tokio::test]
async fn deletes_start_a_few_at_a_time_per_group_and_all_finish() {
    // 100 instances ready at once, each refused (worth retrying) until
    // the first refusal is seen: a started delete stays started while it
    // retries, so without a limit all 100 would be.
    let names: Vec<String> = (0..100).map(|i| format!("r{i}")).collect();
    let plan = approved(
        &names
            .iter()
            .map(|n| resource(n, &[], LONG))
            .collect::<Vec<_>>(),
        names
            .iter()
            .map(|n| live(n, LiveState::Deletable))
            .collect(),
    );
    let mut cloud = FakeCloud::new();
    for n in &names {
        cloud = cloud.refuse_until_released(&id(n));
    }
    let cloud = cloud.into_arc();
    let releases = cloud.clone();
    let options = ApplyOptions {
        started_per_group: 8,
        ..fast()
    };
    let (_continue, interrupt) = watch::channel(Interrupt::Continue);
    let (mut started, mut most_started) = (0usize, 0usize);
    let summary = apply(cloud.clone(), &plan, options, interrupt, |e| {
        match e.event {
            EventKind::Deleting => started += 1,
            EventKind::DeleteAccepted => started -= 1,
            EventKind::Retrying => names.iter().for_each(|n| releases.release(&id(n))),
            _ => {}
        }
        most_started = most_started.max(started);
    })
    .await;

    assert_eq!(counts(&summary), (100, 0, 0), "{summary:?}");
    assert!(
        (1..=8).contains(&most_started),
        "{most_started} deletes started at once"
    );
}
