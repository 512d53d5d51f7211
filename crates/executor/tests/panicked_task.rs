//! A resource task that panics (a bug in a `Cloud`, or in the executor)
//! is a failed resource, and what must come after it is skipped: it is
//! never silently dropped with its dependents left unstarted.

use std::path::Path;
use std::sync::Arc;

use decom_executor::{
    apply, ApplyOptions, ApprovedDelete, ApprovedPlan, Cloud, DeleteError, Event, EventKind,
    Interrupt, Observation, WatchGroup, Watched,
};
use decom_parser::{ResourceType, VariableInputs};
use decom_plan::{plan, Defaults, PlanRequest};
use decom_plan::{Inventory, LiveResource, LiveState};

/// Deletes everything at once, except that deleting "boom" panics.
struct PanickyCloud;

impl Cloud for PanickyCloud {
    async fn delete(&self, order: &ApprovedDelete) -> Result<(), DeleteError> {
        if order.live().name == "boom" {
            panic!("fake cloud exploded");
        }
        Ok(())
    }

    async fn observe(&self, watched: &[Watched]) -> Vec<(String, Observation)> {
        watched
            .iter()
            .map(|w| (w.live.id.clone(), Observation::Gone))
            .collect()
    }

    fn observes_together(&self, _group: &WatchGroup, _waiting: usize) -> bool {
        false
    }
}

fn instance(name: &str) -> LiveResource {
    LiveResource {
        resource_type: ResourceType::SupplyChainInstance,
        region: "us-east-1".into(),
        id: format!("id-{name}"),
        name: name.into(),
        account_id: None,
        status: "Active".into(),
        state: LiveState::Deletable,
        relations: Vec::new(),
    }
}

const MANIFEST: &str = r#"
provider "aws" {
  region = "us-east-1"
}
resource "aws_supplychain_instance" "boom" {
  name       = "boom"
  depends_on = [aws_supplychain_instance.after]
}
resource "aws_supplychain_instance" "after" {
  name = "after"
}
resource "aws_supplychain_instance" "independent" {
  name = "independent"
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicked_task_fails_its_resource_and_skips_its_dependents() {
    let manifest = decom_parser::load_source(
        Path::new("main.hcl"),
        MANIFEST.as_bytes(),
        &VariableInputs::default(),
    )
    .unwrap();
    let inventory = Inventory::new(["boom", "after", "independent"].map(instance));
    let request = PlanRequest::new(&manifest, Defaults::default());
    let planned = plan(&manifest, &inventory, &request).unwrap();
    let approved = ApprovedPlan::new(planned);
    let (_stop, interrupt) = tokio::sync::watch::channel(Interrupt::Continue);
    let mut events: Vec<Event> = Vec::new();
    let options = ApplyOptions::default();
    let summary = apply(Arc::new(PanickyCloud), &approved, options, interrupt, |e| {
        events.push(e.clone())
    })
    .await;

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
    let line = |kind: EventKind, address: &str| {
        events
            .iter()
            .find(|e| e.event == kind && e.address.to_string() == address)
            .and_then(Event::line)
    };
    let failed = line(EventKind::Failed, "aws_supplychain_instance.boom").unwrap();
    assert!(
        failed.contains("internal error: fake cloud exploded"),
        "{failed}"
    );
    let skipped = line(EventKind::Skipped, "aws_supplychain_instance.after").unwrap();
    assert!(
        skipped.contains("upstream failed: aws_supplychain_instance.boom"),
        "{skipped}"
    );
}
