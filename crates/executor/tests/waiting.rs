//! Waiting for AWS to confirm deletions (the poller) against a fake
//! cloud: waits hold no request slot, failed status checks are retried
//! until the timeout, and the timeout fails the resource.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::fake_cloud::{check_fails, present, DeleteAnswer, FakeCloud, CHECK_FAILURE};
use common::{address, approved, counts, id, live, resource, run, run_watching};
use decom_executor::{EventKind, Observation};
use decom_plan::LiveState;

const LONG: &str = "10m";

#[tokio::test]
async fn a_long_wait_holds_no_request_slot() {
    // With one request in flight at most: `slow` waits for AWS until
    // `quick` is deleted; `quick` may start only once `slow` is waiting
    // (`gate`, before it, is refused until then). Both can finish only if
    // the wait leaves the one slot free.
    let plan = approved(
        &[
            resource("slow", &[], "30s"),
            resource("gate", &["quick"], LONG),
            resource("quick", &[], LONG),
        ],
        ["slow", "gate", "quick"]
            .map(|n| live(n, LiveState::Deletable))
            .to_vec(),
    );
    let cloud = FakeCloud::new()
        .parallelism(1)
        .present_until_released(&id("slow"))
        .refuse_until_released(&id("gate"))
        .into_arc();
    let releases = cloud.clone();
    let run = run_watching(cloud.clone(), &plan, |e| {
        let about = |name: &str| e.address.to_string() == address(name);
        if e.event == EventKind::DeleteAccepted && about("slow") {
            releases.release(&id("gate"));
        }
        if e.event == EventKind::Deleted && about("quick") {
            releases.release(&id("slow"));
        }
    })
    .await;

    assert_eq!(counts(&run.summary), (3, 0, 0), "{:?}", run.summary);
    assert!(run.position(EventKind::Deleted, "quick") < run.position(EventKind::Deleted, "slow"));
    assert!(cloud.observations_of(&id("slow")) >= 2);
    assert_eq!(cloud.max_in_flight(), 1);
}

#[tokio::test]
async fn a_delete_whose_answer_shows_it_gone_needs_no_status_check() {
    // `connector` must go after `service`; the cloud would say `service`
    // is still there if asked, but its delete answer already shows it gone.
    let plan = approved(
        &[
            resource("service", &["connector"], LONG),
            resource("connector", &[], LONG),
        ],
        ["service", "connector"]
            .map(|n| live(n, LiveState::Deletable))
            .to_vec(),
    );
    let cloud = FakeCloud::new()
        .on_delete(&id("service"), [DeleteAnswer::AcceptGone])
        .on_observe(&id("service"), [present()])
        .into_arc();
    let run = run(cloud.clone(), &plan).await;

    assert_eq!(counts(&run.summary), (2, 0, 0), "{:?}", run.summary);
    assert_eq!(cloud.observations_of(&id("service")), 0);
    assert!(
        run.position(EventKind::Deleted, "service")
            < run.position(EventKind::Deleting, "connector")
    );
}

#[tokio::test]
async fn a_failed_status_check_is_retried_until_the_resource_is_seen_gone() {
    let plan = approved(
        &[resource("flaky", &[], LONG)],
        vec![live("flaky", LiveState::Deletable)],
    );
    let cloud = FakeCloud::new()
        .on_observe(
            &id("flaky"),
            [
                check_fails(),
                check_fails(),
                check_fails(),
                present(),
                Observation::Gone,
            ],
        )
        .into_arc();
    let run = run(cloud.clone(), &plan).await;

    assert_eq!(counts(&run.summary), (1, 0, 0), "{:?}", run.summary);
    assert_eq!(cloud.deletes_of(&id("flaky")), 1);
    assert_eq!(cloud.observations_of(&id("flaky")), 5);
    // Reported on the 1st, 2nd, 4th... failure in a row, with the
    // cloud's message as it was.
    assert_eq!(
        run.details(EventKind::StatusCheckFailed, "flaky"),
        [
            format!("attempt 1: {CHECK_FAILURE}"),
            format!("attempt 2: {CHECK_FAILURE}")
        ]
    );
}

#[tokio::test]
async fn status_checks_that_keep_failing_end_at_the_timeout() {
    let plan = approved(
        &[resource("unknown", &[], "1s")],
        vec![live("unknown", LiveState::Deletable)],
    );
    let cloud = FakeCloud::new()
        .on_observe(&id("unknown"), [check_fails()])
        .into_arc();
    let run = run(cloud.clone(), &plan).await;

    assert_eq!(counts(&run.summary), (0, 1, 0), "{:?}", run.summary);
    assert_eq!(cloud.deletes_of(&id("unknown")), 1);
    assert!(cloud.observations_of(&id("unknown")) >= 2);
    assert_eq!(
        run.details(EventKind::StatusCheckFailed, "unknown")[0],
        format!("attempt 1: {CHECK_FAILURE}")
    );
    assert_eq!(
        run.details(EventKind::Failed, "unknown"),
        ["timed out after 1s waiting for AWS to confirm the deletion (raise timeouts { delete = ... })"]
    );
}

#[tokio::test]
async fn a_resource_never_seen_gone_fails_at_its_timeout_and_skips_what_follows() {
    let plan = approved(
        &[
            resource("stuck", &["after"], "1s"),
            resource("after", &[], LONG),
        ],
        vec![
            live("stuck", LiveState::Deleting),
            live("after", LiveState::Deletable),
        ],
    );
    let cloud = FakeCloud::new()
        .on_observe(&id("stuck"), [present()])
        .into_arc();
    let run = run(cloud.clone(), &plan).await;

    assert_eq!(counts(&run.summary), (0, 1, 1), "{:?}", run.summary);
    // Already being deleted: only waited for.
    assert!(cloud.deleted().is_empty(), "{:?}", cloud.deleted());
    assert_eq!(
        run.details(EventKind::Failed, "stuck"),
        [
            "timed out after 1s waiting for AWS to confirm the deletion, last seen Deleting \
          (raise timeouts { delete = ... })"
        ]
    );
    assert_eq!(
        run.details(EventKind::Skipped, "after"),
        ["upstream failed: aws_supplychain_instance.stuck"]
    );
}

/// A delete AWS accepted, then the resource back in a steady state
/// (AWS did not carry it out): at its timeout it fails saying so, not
/// that more time would help.
#[tokio::test]
async fn a_resource_back_in_a_steady_state_fails_saying_the_delete_did_not_take() {
    let plan = approved(
        &[resource("reverted", &[], "1s")],
        vec![live("reverted", LiveState::Deletable)],
    );
    let running = Observation::Present {
        state: LiveState::Deletable,
        status: "Active".into(),
    };
    let cloud = FakeCloud::new()
        .on_observe(&id("reverted"), [present(), running])
        .into_arc();
    let run = run(cloud.clone(), &plan).await;

    assert_eq!(counts(&run.summary), (0, 1, 0), "{:?}", run.summary);
    assert_eq!(cloud.deletes_of(&id("reverted")), 1);
    assert_eq!(
        run.details(EventKind::Failed, "reverted"),
        [
            "timed out after 1s waiting for AWS to confirm the deletion: AWS shows it Active, \
          a state it is not deleted from, so the delete did not take (run `decom plan` to see it)"
        ]
    );
}

#[tokio::test]
async fn a_wait_that_timed_out_is_asked_about_no_more() {
    // `stuck` times out while `slow`, independent of it, is still waited
    // for: from then on only `slow` is asked about.
    let plan = approved(
        &[resource("stuck", &[], "1s"), resource("slow", &[], LONG)],
        ["stuck", "slow"]
            .map(|n| live(n, LiveState::Deletable))
            .to_vec(),
    );
    let cloud = FakeCloud::new()
        .on_observe(&id("stuck"), [present()])
        .present_until_released(&id("slow"))
        .into_arc();
    let asked_by_the_timeout = Arc::new(AtomicUsize::new(0));
    let (asked, releases) = (asked_by_the_timeout.clone(), cloud.clone());
    let run = run_watching(cloud.clone(), &plan, move |e| {
        if e.event == EventKind::Failed && e.address.to_string() == address("stuck") {
            asked.store(releases.observations_of(&id("stuck")), Ordering::SeqCst);
            let releases = releases.clone();
            tokio::spawn(async move {
                // Dozens of `slow`'s status checks (every 1-5 ms) first.
                tokio::time::sleep(Duration::from_millis(100)).await;
                releases.release(&id("slow"));
            });
        }
    })
    .await;

    assert_eq!(counts(&run.summary), (1, 1, 0), "{:?}", run.summary);
    let asked = asked_by_the_timeout.load(Ordering::SeqCst);
    assert!(
        asked >= 2,
        "stuck was asked about while it waited ({asked})"
    );
    // A round already in flight at the timeout may still count once.
    assert!(
        cloud.observations_of(&id("stuck")) <= asked + 1,
        "stuck asked about {} times, {asked} by its timeout",
        cloud.observations_of(&id("stuck"))
    );
}
