//! decom's plan: manifest + live inventory -> the [`Plan`], a DAG of
//! `delete` / `wait` / `no-op` actions, and its forms (text, JSON,
//! markdown, the plan file).
//!
//! [`live`] is what refresh learned, in cloud-neutral terms. The steps, in
//! order (DESIGN section 5.3-5.4), each in its own module:
//! 1. [`resolve`]: every resource's identity and relation values against
//!    live state (names -> ids, references known only after refresh).
//! 2. [`relations`]: relation assertions vs live state, and the live
//!    relation edges the graph adds (in each relation's direction).
//! 3. [`blockers`]: live resources outside the manifest that would make a
//!    planned delete fail.
//! 4. [`guards`]: `prevent_destroy` and `allowed_account_ids`.
//! 5. actions, `--target` restriction, waves.
//! 6. [`cascade`]: live children AWS deletes with a planned parent, shown
//!    `deleted with PARENT`.
//!
//! Every problem is collected (not just the first) and reported as a
//! diagnostic pointing into the manifest.

mod blockers;
mod cascade;
mod file;
mod guards;
mod json;
pub mod live;
mod markdown;
mod memory;
mod placement;
mod provenance;
mod relations;
mod render;
mod resolve;
mod stale;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use decom_parser::{Address, Diagnostic, Diagnostics, Manifest};

pub use cascade::Cascade;
pub use decom_graph::DeletionGraph;
pub use guards::check_caller_accounts;
pub use live::{Inventory, LiveRelation, LiveResource, LiveState, Tags};

#[doc(hidden)]
pub use file::frame;
pub use file::{
    files_digest, manifest_digest, ManifestLocation, PlanChecksum, PlanFile, PlanFileError,
    QuotaRate, PLAN_FILE_VERSION,
};
pub use json::{to_json, FORMAT_VERSION};
pub use markdown::to_markdown;
pub use memory::{AccountScope, Memory, Remembered, RememberedId};
pub use placement::{Defaults, Placement, Placements, Principal};
pub use provenance::{json_value, GitState, PlannedVariable, Provenance};
pub use render::{attribute_text, render};
pub use resolve::Resolution;
pub use stale::{staleness, Baseline, SavedLines, Staleness};

/// What a plan does to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Send a delete (after any transitional state ends), wait until gone.
    Delete,
    /// Already being deleted: wait until gone.
    Wait,
    /// Already gone (or never existed): nothing to do.
    NoOp,
}

impl Action {
    /// What to do about `live`: a resource in a transition whose delete
    /// AWS already accepted (App Runner's OPERATION_IN_PROGRESS after
    /// DeleteService) is being deleted, not waiting for a delete.
    fn for_live(live: Option<&LiveResource>, memory: &Memory) -> Action {
        let Some(live) = live else {
            return Action::NoOp;
        };
        match live.state {
            LiveState::Busy if memory.delete_accepted(live.resource_type, &live.id) => Action::Wait,
            LiveState::Deletable | LiveState::Busy => Action::Delete,
            LiveState::Deleting => Action::Wait,
            LiveState::Gone => Action::NoOp,
        }
    }
}

/// What the plan needs besides the manifest and the inventory.
#[derive(Debug, Clone, Default)]
pub struct PlanRequest {
    /// Where each resource lives.
    pub placements: Placements,
    /// `--target` addresses: plan only these and what must go before them.
    pub targets: Vec<Address>,
    /// What earlier runs learned (the apply journal, a saved plan): lets
    /// a re-run resume after AWS has forgotten deleted resources, and
    /// wait for deletions already accepted. Never a source of identity.
    pub memory: Memory,
}

impl PlanRequest {
    /// A request for the whole of `manifest`, placed with `defaults`,
    /// remembering nothing.
    pub fn new(manifest: &Manifest, defaults: Defaults<'_>) -> PlanRequest {
        PlanRequest {
            placements: Placements::new(manifest, defaults),
            ..PlanRequest::default()
        }
    }
}

/// One resource's entry in the plan.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlannedResource {
    pub address: Address,
    pub action: Action,
    /// 1-based wave: resources of a wave may be deleted in parallel.
    pub wave: usize,
    /// Where it lives (region, profile), as refresh read it.
    pub placement: Placement,
    /// The live resource the action is about; `None` if not found.
    pub live: Option<LiveResource>,
    pub delete_timeout: Duration,
}

/// The reviewed unit of work: actions in deletion order and the graph that
/// orders them (manifest and live edges, restricted to the targets).
///
/// Only [`plan()`] and a checked plan file make one: its fields are
/// private, so what apply approves is always what a plan computed.
#[derive(Debug, Clone)]
pub struct Plan {
    /// In deletion order: by wave, then address.
    resources: Vec<PlannedResource>,
    graph: DeletionGraph,
    /// Shown above the plan (e.g. the `--target` warning).
    warnings: Vec<String>,
    /// The `--target`s it was made with (empty: everything).
    targets: Vec<Address>,
    /// When, from which commit, with which variables.
    provenance: Provenance,
    /// Children AWS deletes with a planned parent, by address.
    cascades: Vec<Cascade>,
    /// The positions in `cascades` of each parent's children: render,
    /// JSON, apply ask for every planned resource's children, and a scan
    /// of all cascades for each was quadratic (120 million address
    /// comparisons at 10,000 resources).
    cascades_by_parent: HashMap<Address, Vec<usize>>,
}

impl Plan {
    /// In deletion order: by wave, then address.
    pub fn resources(&self) -> &[PlannedResource] {
        &self.resources
    }

    pub fn graph(&self) -> &DeletionGraph {
        &self.graph
    }

    /// Shown above the plan (e.g. the `--target` warning).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The `--target`s it was made with (empty: everything).
    pub fn targets(&self) -> &[Address] {
        &self.targets
    }

    /// When, from which commit, with which variables it was made.
    pub fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    /// Records the git state of the manifest (this crate runs no
    /// processes: the caller asks git).
    pub fn with_git(mut self, git: Option<GitState>) -> Plan {
        self.provenance.git = git;
        self
    }

    pub fn count(&self, action: Action) -> usize {
        self.resources.iter().filter(|r| r.action == action).count()
    }

    /// Children AWS deletes with a planned parent (no request of their
    /// own), by address.
    pub fn cascades(&self) -> &[Cascade] {
        &self.cascades
    }

    /// The children deleted with `parent`.
    pub fn cascades_of<'p>(&'p self, parent: &'p Address) -> impl Iterator<Item = &'p Cascade> {
        self.cascades_by_parent
            .get(parent)
            .into_iter()
            .flatten()
            .map(|&i| &self.cascades[i])
    }

    /// `Plan: 4 to delete, 1 to wait for, 1 already gone.`, with
    /// `N deleted with their parent` after the deletes when there are
    /// cascades.
    pub fn summary(&self) -> String {
        let cascades = match self.cascades.len() {
            0 => String::new(),
            n => format!(" {n} deleted with their parent,"),
        };
        format!(
            "Plan: {} to delete,{cascades} {} to wait for, {} already gone.",
            self.count(Action::Delete),
            self.count(Action::Wait),
            self.count(Action::NoOp)
        )
    }

    /// Whether applying would change anything.
    pub fn has_changes(&self) -> bool {
        self.resources.iter().any(|r| r.action != Action::NoOp)
    }

    /// The plan taken apart for the executor, which moves each live
    /// resource into its work instead of copying it: at 10,000 resources
    /// a copy is megabytes held through the whole deletion phase.
    pub fn into_parts(self) -> PlanParts {
        let mut cascades: HashMap<Address, Vec<Cascade>> =
            HashMap::with_capacity(self.cascades_by_parent.len());
        for c in self.cascades {
            cascades.entry(c.parent.clone()).or_default().push(c);
        }
        PlanParts {
            resources: self.resources,
            graph: self.graph,
            cascades,
        }
    }
}

/// What [`Plan::into_parts`] gives: what deleting a plan works from.
#[derive(Debug)]
pub struct PlanParts {
    /// In deletion order: by wave, then address.
    pub resources: Vec<PlannedResource>,
    pub graph: DeletionGraph,
    /// Children AWS deletes with a planned parent, by parent.
    pub cascades: HashMap<Address, Vec<Cascade>>,
}

/// Builds the plan, or every problem that stops it.
pub fn plan(
    manifest: &Manifest,
    inventory: &Inventory,
    mut request: PlanRequest,
) -> Result<Plan, Diagnostics> {
    let fail = |items: Vec<Diagnostic>| Diagnostics {
        sources: manifest.sources.clone(),
        items,
    };
    let mut resolution = resolve::resolve(manifest, inventory, &request).map_err(fail)?;
    request.memory.forget_names();

    let graph = decom_graph::build(manifest, &relations::live_edges(&resolution))
        .map_err(|e| e.to_diagnostics(&manifest.sources))?;

    let (graph, warnings) = restrict_to_targets(graph, &request.targets).map_err(fail)?;

    let mut problems = relations::check_assertions(manifest, &resolution);
    let planned = |a: &Address| {
        graph.contains(a) && Action::for_live(resolution.live(a), &request.memory) != Action::NoOp
    };
    problems.extend(blockers::find(manifest, inventory, &resolution, &planned));
    problems.extend(guards::check(manifest, inventory, &resolution, &planned));
    if !problems.is_empty() {
        return Err(fail(problems));
    }

    let timeouts: HashMap<&Address, Duration> = manifest
        .resources
        .iter()
        .map(|r| (&r.address, r.delete_timeout))
        .collect();
    let mut resources = Vec::with_capacity(graph.len());
    for (i, wave) in graph.waves().iter().enumerate() {
        for &address in wave {
            let (Some(&delete_timeout), Some(placement)) = (
                timeouts.get(address),
                request.placements.get(address).cloned(),
            ) else {
                continue;
            };
            // Moved, not copied: at 10,000 resources a second copy of
            // every live resource was MBs at planning's peak. Nothing
            // below reads `resolution.live` (cascades ask only
            // `address_of` and `revisions`).
            let live = resolution.take_live(address);
            resources.push(PlannedResource {
                address: address.clone(),
                action: Action::for_live(live.as_ref(), &request.memory),
                wave: i + 1,
                placement,
                live,
                delete_timeout,
            });
        }
    }
    let planned: HashSet<&Address> = resources
        .iter()
        .filter(|r| r.action != Action::NoOp)
        .map(|r| &r.address)
        .collect();
    let cascades = cascade::find(inventory, &resolution, &planned);
    Ok(Plan {
        resources,
        graph,
        warnings,
        targets: request.targets,
        provenance: Provenance::of(manifest),
        cascades_by_parent: cascade::by_parent(&cascades),
        cascades,
    })
}

/// Keeps the targets and everything that must be deleted before them. A
/// target without an index or key (`aws_dx_connection.spare`) means every
/// instance of a `count`/`for_each` resource, as in Terraform.
fn restrict_to_targets(
    graph: DeletionGraph,
    targets: &[Address],
) -> Result<(DeletionGraph, Vec<String>), Vec<Diagnostic>> {
    if targets.is_empty() {
        return Ok((graph, Vec::new()));
    }
    let all: Vec<&Address> = graph.waves().into_iter().flatten().collect();
    let mut expanded: Vec<Address> = Vec::new();
    let mut unknown: Vec<Diagnostic> = Vec::new();
    for t in targets {
        let matches: Vec<&Address> = all
            .iter()
            .copied()
            .filter(|a| {
                *a == t
                    || (t.key.is_none() && a.resource_type == t.resource_type && a.name == t.name)
            })
            .collect();
        if matches.is_empty() {
            unknown.push(no_such_target(t, &all));
        }
        expanded.extend(matches.into_iter().cloned());
    }
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let keep: HashSet<Address> = graph.with_predecessors(&expanded);
    let warning = "Resource targeting is in effect: this plan deletes only the targeted \
                   resources and what must be deleted before them. Use --target for \
                   exceptional situations, not routinely."
        .to_string();
    Ok((graph.restricted_to(&keep), vec![warning]))
}

/// `--target X: no such resource`, with the nearest address when one is
/// close enough to be a typo, else a few of the manifest's addresses.
fn no_such_target(target: &Address, all: &[&Address]) -> Diagnostic {
    // Each instance, and each counted resource as a whole.
    let mut names: Vec<String> = Vec::new();
    for a in all {
        let whole = format!("{}.{}", a.resource_type, a.name);
        if a.key.is_some() && !names.contains(&whole) {
            names.push(whole);
        }
        names.push(a.to_string());
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let wrong = target.to_string();
    let help = match decom_parser::closest(&wrong, &refs) {
        Some(near) => format!("did you mean `{near}`?"),
        None if refs.is_empty() => "the manifest has no resources".to_string(),
        None => {
            const SHOWN: usize = 10;
            let more = refs.len().saturating_sub(SHOWN);
            let listed = refs
                .iter()
                .take(SHOWN)
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("the manifest's resources are: {listed}{tail}")
        }
    };
    Diagnostic::error(
        format!("--target {target}: no such resource in the manifest"),
        None,
    )
    .with_help(help)
}
