//! What the executor's tests share: a fake cloud, approved plans built
//! the way the CLI builds them (manifest, inventory, `plan`), and an
//! apply run that keeps its events.

// Each test file uses a different part of this module.
#![allow(dead_code)]

pub mod fake_cloud;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use decom_executor::{
    apply, ApplyOptions, ApprovedPlan, Event, EventKind, Interrupt, PollSchedule, Summary,
};
use decom_parser::{ResourceType, VariableInputs};
use decom_plan::{plan, Defaults, PlanRequest};
use decom_plan::{Inventory, LiveResource, LiveState};

use fake_cloud::FakeCloud;

/// A live Supply Chain instance named `name`, id `id-<name>`, in `state`.
pub fn live(name: &str, state: LiveState) -> LiveResource {
    LiveResource {
        resource_type: ResourceType::SupplyChainInstance,
        region: "us-east-1".into(),
        id: id(name),
        name: name.into(),
        account_id: None,
        status: format!("{state:?}"),
        state,
        relations: Vec::new(),
    }
}

/// The live id of the instance named `name`.
pub fn id(name: &str) -> String {
    format!("id-{name}")
}

/// The address of the instance named `name` in the manifests below.
pub fn address(name: &str) -> String {
    format!("aws_supplychain_instance.{name}")
}

/// One manifest resource: the instance `name`, deleted before each of
/// `before` (its `depends_on`), with a delete timeout of `timeout`.
pub fn resource(name: &str, before: &[&str], timeout: &str) -> String {
    let before: Vec<String> = before.iter().map(|b| address(b)).collect();
    format!(
        "resource \"aws_supplychain_instance\" \"{name}\" {{\n  name = \"{name}\"\n  depends_on = [{}]\n  timeouts {{\n    delete = \"{timeout}\"\n  }}\n}}\n",
        before.join(", ")
    )
}

/// The approved plan of `resources` (manifest text) against `inventory`.
pub fn approved(resources: &[String], inventory: Vec<LiveResource>) -> ApprovedPlan {
    let manifest = format!(
        "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n{}",
        resources.concat()
    );
    let manifest = decom_parser::load_source(
        Path::new("main.hcl"),
        manifest.as_bytes(),
        &VariableInputs::default(),
    )
    .unwrap_or_else(|d| panic!("test manifest: {d:?}"));
    let request = PlanRequest::new(&manifest, Defaults::default());
    let planned = plan(&manifest, &Inventory::new(inventory), request)
        .unwrap_or_else(|e| panic!("test plan: {e:?}"));
    ApprovedPlan::new(planned)
}

/// Timings that make a test take milliseconds; timeouts come from the
/// manifest.
pub fn fast() -> ApplyOptions {
    ApplyOptions {
        poll: PollSchedule {
            initial: Duration::from_millis(1),
            max: Duration::from_millis(5),
        },
        retry_initial: Duration::from_millis(1),
        still_every: Duration::from_secs(3600),
        started_per_group: 64,
    }
}

/// What an apply did.
pub struct Run {
    pub summary: Summary,
    pub events: Vec<Event>,
}

impl Run {
    /// The events of `kind` about the instance `name`.
    pub fn events_of(&self, kind: EventKind, name: &str) -> Vec<&Event> {
        let address = address(name);
        self.events
            .iter()
            .filter(|e| e.event == kind && e.address.to_string() == address)
            .collect()
    }

    /// The details of the events of `kind` about `name`.
    pub fn details(&self, kind: EventKind, name: &str) -> Vec<String> {
        let events = self.events_of(kind, name);
        events.into_iter().map(|e| e.detail.clone()).collect()
    }

    /// The names of the instances with an event of `kind`, sorted.
    pub fn names_with(&self, kind: EventKind) -> Vec<String> {
        let mut names: Vec<String> = self
            .events
            .iter()
            .filter(|e| e.event == kind)
            .map(|e| {
                e.address
                    .to_string()
                    .replace("aws_supplychain_instance.", "")
            })
            .collect();
        names.sort();
        names
    }

    /// Where the first event of `kind` about `name` is in the run.
    pub fn position(&self, kind: EventKind, name: &str) -> usize {
        let address = address(name);
        self.events
            .iter()
            .position(|e| e.event == kind && e.address.to_string() == address)
            .unwrap_or_else(|| panic!("no {kind:?} event for {name}"))
    }
}

/// Applies `plan` through `cloud`.
pub async fn run(cloud: Arc<FakeCloud>, plan: &ApprovedPlan) -> Run {
    run_watching(cloud, plan, |_| {}).await
}

/// Applies `plan` through `cloud`, showing every event to `watch` as it
/// happens (to release held resources).
pub async fn run_watching(
    cloud: Arc<FakeCloud>,
    plan: &ApprovedPlan,
    mut watch: impl FnMut(&Event),
) -> Run {
    let (_continue, interrupt) = tokio::sync::watch::channel(Interrupt::Continue);
    let mut events = Vec::new();
    let summary = apply(cloud, plan, fast(), interrupt, |e| {
        watch(e);
        events.push(e.clone());
    })
    .await;
    Run { summary, events }
}

/// `(deleted, failed, skipped)` of a summary.
pub fn counts(summary: &Summary) -> (usize, usize, usize) {
    (summary.deleted, summary.failed, summary.skipped)
}
