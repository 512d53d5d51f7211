//! `decom apply`: delete what a plan says, in dependency order.
//!
//! `apply PLANFILE` applies a saved, reviewed plan: no prompt, but the
//! manifest is re-read and live state refreshed first, and the plan is
//! refused as stale if anything it was based on changed. `apply PATH`
//! plans, shows the plan and asks for `yes` (never without a terminal
//! unless `--auto-approve`). Either way the run takes the lock before
//! its refresh and holds it to the end, so that the state it was approved
//! on is the state it deletes from; only the plan's `delete` actions are
//! ever sent.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use decom_executor::journal::{Journal, Whereabouts};
use decom_executor::lock::Lock;
use decom_executor::{ApplyOptions, ApprovedPlan, Event, PollSchedule, Summary};
use decom_parser::{Address, Manifest};
use decom_plan::{
    self as planning, manifest_digest, Baseline, PlanChecksum, PlanFile, PlanFileError, SavedLines,
};

use super::cloud_args::CloudArgs;
use super::console::{self, errln, out, outln};
use super::interrupt::HeldLock;
use super::manifest_args::{ManifestArgs, StateFiles};
use super::portable;
use super::progress::Progress;
use super::session::{Failure, Session};
use super::style::Style;
use super::Outcome;

/// Delete what a plan says, in dependency order, and wait until AWS
/// confirms each deletion.
///
/// With a saved plan file: no prompt; the plan is refused as stale if the
/// manifest or anything live it was based on changed. With a manifest
/// path: plans, shows the plan and asks for `yes` (use --auto-approve
/// where there is no terminal). Deletes run concurrently where the graph
/// allows; a failure skips what must come after it. Every event is
/// appended to the journal. Ctrl-C (or SIGTERM) stops starting deletions,
/// a second one aborts requests in flight; re-run to resume.
#[derive(Debug, clap::Args)]
#[command(
    override_usage = "decom apply [OPTIONS] [PATH | PLANFILE]",
    after_help = "PATH is a manifest directory or .hcl file (default: .); PLANFILE is a file written by `decom plan --out`.\n\nExamples:\n  decom plan teardown/ --out plan.bin && decom apply plan.bin\n  decom apply teardown/                      # plan, confirm, apply\n  decom apply --sandbox --auto-approve examples/quickstart"
)]
pub struct ApplyArgs {
    /// A plan file from `decom plan --out`, or a manifest directory or file.
    #[command(flatten)]
    manifest: ManifestArgs,

    #[command(flatten)]
    pub(super) cloud: CloudArgs,

    /// Apply without asking for confirmation (apply PATH only).
    #[arg(long)]
    auto_approve: bool,

    /// Print events as JSON lines instead of progress lines (with a
    /// manifest PATH, only with --auto-approve: there is no prompt).
    #[arg(long)]
    json: bool,

    /// The journal: every event is appended here, and a re-run reads it
    /// back to resume (default: .decom/journal.jsonl next to the manifest;
    /// .decom/sandbox/journal.jsonl with --sandbox).
    #[arg(long, value_name = "FILE")]
    journal: Option<PathBuf>,

    /// Apply only this resource and what must be deleted before it (apply PATH only).
    #[arg(long, value_name = "ADDRESS")]
    target: Vec<Address>,

    /// Refuse a saved plan older than this (e.g. 90s, 30m, 24h, 1h30m):
    /// live state drifts, and an old approval should be looked at again.
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = parse_max_age)]
    max_plan_age: Duration,

    /// Wait this long for another apply's lock to be released before
    /// giving up (e.g. 30s, 5m; default: do not wait).
    #[arg(long, value_name = "DURATION", value_parser = parse_lock_timeout)]
    lock_timeout: Option<Duration>,

    /// First interval, in milliseconds, between checks that a deletion
    /// finished; the backoff grows to 15 times it (a local simulator,
    /// LocalStack or moto suits a small one).
    #[arg(long, value_name = "MS", default_value_t = 2000,
          value_parser = clap::value_parser!(u64).range(1..))]
    poll_interval_ms: u64,
}

pub fn run(args: ApplyArgs, style: Style) -> Outcome {
    match apply(&args, style) {
        Ok(outcome) => outcome,
        Err(failure) => {
            failure.print(style);
            Outcome::Failure
        }
    }
}

fn apply(args: &ApplyArgs, style: Style) -> Result<Outcome, Failure> {
    let (mut saved, checksum) = read_plan_file(&args.manifest.path)?.unzip();
    // The saved plan's resources are freed before anything else is
    // loaded: holding the file (tens of MB at 10,000 resources), or even
    // only the names they resolved, through the refresh and the deletions
    // made apply's peak memory exceed plan's. The names are read again
    // once the refresh is done, what the fresh plan is compared with once
    // it is made.
    if let Some(file) = saved.as_mut() {
        file.drop_body();
    }
    super::malloc::give_back();
    if saved.is_none() && args.json && !args.auto_approve {
        // As Terraform: --json output cannot carry a plan for review and a
        // prompt, so the approval must be a saved plan or explicit.
        return Err(Failure::Other(
            "apply --json cannot ask for approval: apply a saved plan (`decom plan --out plan.bin`, then `decom apply plan.bin --json`) or add --auto-approve".into(),
        ));
    }
    if saved.is_some() && !args.target.is_empty() {
        return Err(Failure::Other(
            "--target applies to a manifest path; a saved plan has its own targets".into(),
        ));
    }
    if let Some(file) = &saved {
        check_age(file, args.max_plan_age)?;
        check_endpoint_kind(file, args.cloud.sandbox)?;
    }
    let manifest_args = match &saved {
        Some(file) => ManifestArgs {
            path: portable::find_manifest(&args.manifest.path, file).map_err(Failure::Other)?,
            planned_vars: portable::saved_variables(file),
            ..args.manifest.clone()
        },
        None => args.manifest.clone(),
    };
    let (manifest, _) = manifest_args.load_graph().map_err(|diags| {
        if let Some(hint) = saved.as_ref().and_then(portable::sensitive_hint) {
            errln!("{hint}");
        }
        Failure::Manifest(diags)
    })?;
    if let Some(file) = &saved {
        portable::check_variables(file, &manifest).map_err(Failure::Other)?;
    }
    // A saved plan's apply reads the journal its plan read.
    let journal = args.journal.clone().or_else(|| {
        let file = saved.as_ref()?;
        file.journal().map(PathBuf::from)
    });
    let state = manifest_args.state(journal.as_deref(), args.cloud.endpoint());
    let plan_path = saved.is_some().then_some(args.manifest.path.as_path());
    state
        .check_journal(&manifest, plan_path)
        .map_err(Failure::Other)?;
    let session = Session::open(&manifest, &args.cloud, args.json)?;
    // Taken before the refresh (once signals are handled, by the session),
    // held through the review and the deletions: what is approved and
    // what is deleted are both read from live state under the lock, never
    // from before a wait for it (another apply's deletions, a child
    // created meanwhile).
    let lock = take_lock(args, &state)?;
    if let Some(file) = &saved {
        // The plan's last requests drained the quotas it was throttled
        // on: pace them from the first request rather than be throttled
        // on every request in flight when they run dry.
        let idle = file.age(time::OffsetDateTime::now_utc());
        session.resume_quotas(file.quota_rates(), idle);
    }
    let (targets, review) = match (&saved, checksum) {
        (Some(file), Some(checksum)) => {
            let review = Review::of(args, file, checksum, &manifest);
            (file.targets(), Some(review))
        }
        _ => (args.target.as_slice(), None),
    };
    let written = state.journal_written();
    let recall = || {
        let mut memory = state.recall(written);
        if let Some(review) = &review {
            let path = &args.manifest.path;
            let names = PlanFile::read_names(path, &review.checksum)
                .map_err(|e| Failure::Other(e.to_string()))?;
            memory.absorb(names);
        }
        Ok(memory)
    };
    let fresh = session.plan(&manifest, targets, recall)?;
    let approved = match &review {
        Some(review) => saved_plan_still_holds(args, review, &manifest, &fresh),
        None => confirmed_fresh_plan(args, style, &fresh)?,
    };
    drop(review);
    tracing::info!(target: "decom::phase", "approved");
    match approved {
        Approval::Go => execute(
            args,
            &manifest_args,
            &state,
            manifest,
            &session,
            fresh,
            lock,
        ),
        Approval::Stop(outcome) => Ok(outcome),
    }
}

/// Whether to go on with the deletions.
enum Approval {
    Go,
    Stop(Outcome),
}

/// What `apply PLANFILE` compares the fresh plan with, and says.
struct Review {
    /// Which plan file content was read (and approved).
    checksum: PlanChecksum,
    /// Why the digest may differ though the files did not (a sensitive
    /// variable), for the staleness error; empty if that is not why.
    changed_variables: String,
    /// The "Applying saved plan..." lines.
    banner: String,
}

impl Review {
    fn of(
        args: &ApplyArgs,
        file: &PlanFile,
        checksum: PlanChecksum,
        manifest: &Manifest,
    ) -> Review {
        Review {
            checksum,
            changed_variables: changed_variables(file, manifest),
            banner: banner(args, file),
        }
    }
}

/// `apply PLANFILE`: refuses a stale plan, with what changed.
fn saved_plan_still_holds(
    args: &ApplyArgs,
    review: &Review,
    manifest: &Manifest,
    fresh: &planning::Plan,
) -> Approval {
    let plan_file = &args.manifest.path;
    let baseline = match PlanFile::read_baseline(plan_file, &review.checksum) {
        Ok(baseline) => baseline,
        Err(e) => {
            errln!("error: {e}");
            return Approval::Stop(Outcome::Failure);
        }
    };
    let digest = manifest_digest(manifest);
    if baseline.is_stale(&digest, fresh, console::redaction()) {
        errln!(
            "error: saved plan is stale: the manifest or live state changed since it was made. \
             Run `decom plan --out` again and review the new plan.{}\n\n{}",
            review.changed_variables,
            what_changed(plan_file, &baseline, &digest, fresh)
        );
        return Approval::Stop(Outcome::Failure);
    }
    if !args.json {
        outln!("{}", review.banner);
    }
    Approval::Go
}

/// The stale plan's diff, from the saved plan's lines read again from
/// `plan_file`: apply holds only their digests. Lines
/// of a file replaced or edited since apply read it are not shown as the
/// approved plan's (the plan is refused either way).
fn what_changed(
    plan_file: &Path,
    baseline: &Baseline,
    fresh_digest: &str,
    fresh: &planning::Plan,
) -> String {
    let lines = match PlanFile::read(plan_file) {
        Ok(file) => SavedLines::of(&file),
        Err(e) => return format!("(what changed cannot be shown: {e})"),
    };
    if !baseline.made_from(&lines) {
        return format!(
            "(what changed cannot be shown: {} changed since this apply read it)",
            plan_file.display()
        );
    }
    match lines.staleness(fresh_digest, fresh, console::redaction()) {
        Some(stale) => stale.diff,
        None => "(no line differs once hidden values are hidden)".into(),
    }
}

/// Which saved plan is applied: where and from what it was made.
fn banner(args: &ApplyArgs, file: &PlanFile) -> String {
    let made = file
        .created_at()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    format!(
        "Applying saved plan {} (made {made} from {}).\n  git commit:      {}\n  manifest digest: {}\n",
        args.manifest.path.display(),
        file.manifest_path(),
        match &file.provenance().git {
            Some(g) if g.dirty => format!("{} (with uncommitted changes)", g.commit),
            Some(g) => g.commit.clone(),
            None => "unknown (not made in a git repository)".to_string(),
        },
        file.manifest_digest()
    )
}

/// Why the manifest digest changed when the manifest's files did not: a
/// variable's value (non-sensitive ones were compared already, so a
/// sensitive one), said by name.
fn changed_variables(file: &PlanFile, manifest: &Manifest) -> String {
    let files_same = file.files_digest() == Some(planning::files_digest(manifest).as_str());
    if !files_same || file.manifest_digest() == manifest_digest(manifest) {
        return String::new();
    }
    let names: Vec<String> = file
        .provenance()
        .sensitive_variables()
        .map(|n| format!("\"{n}\""))
        .collect();
    if names.is_empty() {
        // Only a forged or hand-edited file gets here: no name to give.
        return String::new();
    }
    format!(
        "\nThe manifest's files are unchanged but a variable's value is not: the sensitive \
         variable(s) {} must be passed with the values the plan was made with.",
        names.join(", ")
    )
}

/// `apply PATH`: shows the plan and asks for `yes` (or `--auto-approve`).
fn confirmed_fresh_plan(
    args: &ApplyArgs,
    style: Style,
    fresh: &planning::Plan,
) -> Result<Approval, Failure> {
    if !args.json {
        out!("{}", planning::render(fresh, style.stdout_color));
    }
    if !fresh.has_changes() {
        return Ok(Approval::Stop(Outcome::Success));
    }
    if !args.auto_approve && !confirmed()? {
        errln!("error: apply cancelled: nothing was deleted.");
        return Ok(Approval::Stop(Outcome::Failure));
    }
    Ok(Approval::Go)
}

/// Takes the apply's lock, waiting up to `--lock-timeout` for another
/// apply to release it (a signal meanwhile ends the process: deletions
/// have not begun).
fn take_lock(args: &ApplyArgs, state: &StateFiles) -> Result<HeldLock, Failure> {
    let lock_timeout = args.lock_timeout.unwrap_or_default();
    let waiting = |held: &decom_executor::lock::LockError| {
        errln!(
            "{held}\nwaiting up to {} for it (--lock-timeout)...",
            decom_executor::human(lock_timeout)
        );
    };
    let attempt = super::interrupt::taking_lock;
    let lock = Lock::acquire_within(&state.dir, lock_timeout, waiting, attempt)
        .map_err(|e| Failure::Other(e.to_string()))?;
    if let Some(dead) = &lock.taken_over {
        errln!("note: took over the lock of a previous apply that is no longer running ({dead})");
    }
    Ok(HeldLock::new(lock))
}

/// Deletes the approved plan under the lock, journaling every event.
fn execute(
    args: &ApplyArgs,
    manifest_args: &ManifestArgs,
    state: &StateFiles,
    manifest: Manifest,
    session: &Session,
    fresh: planning::Plan,
    lock: HeldLock,
) -> Result<Outcome, Failure> {
    super::interrupt::defer(); // from here a signal stops deletions cleanly
    let journal_path = &state.journal;
    let whereabouts = Whereabouts::of_plan(&fresh, &manifest);
    // Nothing after this reads the manifest: at 10,000 resources it is
    // megabytes the deletion phase's peak need not carry.
    drop(manifest);
    let mut journal = Journal::open(
        journal_path,
        console::redaction().clone(),
        state.endpoint,
        whereabouts,
    )
    .map_err(|e| {
        Failure::Other(format!(
            "cannot open journal {}: {e}",
            journal_path.display()
        ))
    })?;
    journal
        .note(
            "apply_started",
            &format!("{} ({})", manifest_args.path.display(), fresh.summary()),
        )
        .map_err(|e| Failure::Other(format!("cannot write journal: {e}")))?;

    let approved = ApprovedPlan::new(fresh);
    // The refresh's and the plan's transient buffers are free now, their
    // pages still resident: given back, the deletion phase's peak is its
    // own, not on top of theirs.
    super::malloc::give_back();
    let progress = Progress::new(args.json, std::io::stdout().is_terminal(), approved.len());
    let mut journal_error = None;
    let options = options(args, session.sandboxed());
    let (summary, interrupted) = session.apply(&approved, options, |e: &Event| {
        progress.event(e);
        if let Err(err) = journal.record(e) {
            if journal_error.is_none() {
                let path = journal_path.display();
                super::interrupt::journal_failed(&format!(
                    "error: cannot write the journal {path}: {err}"
                ));
            }
            journal_error.get_or_insert(err);
        }
    });
    progress.finish();
    let line = summary.line(interrupted);
    let closing = if interrupted {
        "apply_interrupted"
    } else {
        "apply_finished"
    };
    if let Err(err) = journal.note(closing, &line) {
        journal_error.get_or_insert(err);
    }
    if args.json {
        let journal_error = journal_error.as_ref().map(ToString::to_string);
        let json = summary_json(&summary, interrupted, &line, journal_error);
        console::print_json(json, false);
    } else {
        outln!("\n{line}");
        let problems = summary.problems();
        if !problems.is_empty() {
            out!("\n{problems}");
        }
    }
    drop(lock);
    if let Some(err) = journal_error {
        errln!(
            "error: the journal {} could not be written ({err}): it misses events shown above",
            journal_path.display()
        );
        return Ok(Outcome::Failure);
    }
    Ok(match (interrupted, summary.failed) {
        (true, _) => Outcome::Interrupted,
        (false, 0) => Outcome::Success,
        _ => Outcome::Failure,
    })
}

/// `apply --json`'s last line: the summary line and its counts as fields,
/// and why the journal could not be written, if it could not.
fn summary_json(
    summary: &Summary,
    interrupted: bool,
    line: &str,
    journal_error: Option<String>,
) -> serde_json::Value {
    let failures: Vec<serde_json::Value> = summary
        .failures
        .iter()
        .map(|(address, error)| serde_json::json!({"address": address.to_string(), "error": error}))
        .collect();
    let skipped: Vec<serde_json::Value> = summary
        .skipped_after
        .iter()
        .map(|(address, after)| {
            serde_json::json!({"address": address.to_string(), "after": after.to_string()})
        })
        .collect();
    serde_json::json!({
        "event": "summary",
        "detail": line,
        "interrupted": interrupted,
        "deleted": summary.deleted,
        "deleted_with_parent": summary.deleted_with_parent,
        "already_gone": summary.already_gone,
        "failed": summary.failed,
        "skipped": summary.skipped,
        "not_finished": summary.interrupted + summary.not_started,
        "failures": failures,
        "skipped_resources": skipped,
        "journal_error": journal_error,
    })
}

/// The plan file at `path`, if `path` is one: a manifest is a directory
/// or a `.hcl` file (or another text file that is not a plan). Anything
/// else at `path` must be a readable plan: an empty file, a device or a
/// FIFO is an error, never a manifest without changes.
fn read_plan_file(path: &Path) -> Result<Option<(PlanFile, PlanChecksum)>, Failure> {
    let is_manifest = path.is_dir() || path.extension().is_some_and(|e| e == "hcl");
    if is_manifest || !path.exists() {
        return Ok(None);
    }
    match PlanFile::read_identified(path) {
        Ok(read) => Ok(Some(read)),
        Err(PlanFileError::NotAPlan { .. }) => Ok(None),
        Err(e) => Err(Failure::Other(e.to_string())),
    }
}

/// `--max-plan-age`: the manifest language's duration syntax.
fn parse_max_age(s: &str) -> Result<Duration, String> {
    decom_parser::parse_duration(s).ok_or_else(|| decom_parser::DURATION_EXAMPLE.to_string())
}

/// A duration, or zero: do not wait (Terraform's `-lock-timeout=0s`).
fn parse_lock_timeout(s: &str) -> Result<Duration, String> {
    match s {
        "0" | "0s" | "0m" | "0h" => Ok(Duration::ZERO),
        _ => parse_max_age(s),
    }
}

/// A plan made against the sandbox simulator is a rehearsal: it never
/// approves deleting anything real, and a real plan is not rehearsed
/// with `--sandbox` either.
fn check_endpoint_kind(file: &PlanFile, sandbox: bool) -> Result<(), Failure> {
    match (file.sandbox(), sandbox) {
        (true, false) => Err(Failure::Other(
            "this plan was made with --sandbox (a rehearsal against a simulator): it does not \
             approve deleting real resources. Run `decom plan --out` without --sandbox and review that plan."
                .into(),
        )),
        (false, true) => Err(Failure::Other(
            "this plan was made against real AWS: apply it without --sandbox, or rehearse with \
             `decom plan --sandbox --out`."
                .into(),
        )),
        _ => Ok(()),
    }
}

/// Clocks of the machine that planned and the one that applies may differ
/// by this much.
const CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// Refuses a saved plan older than `max_age`, or made in the future (a
/// forged or mis-clocked time must not slip past `--max-plan-age`),
/// before any request is sent.
fn check_age(file: &PlanFile, max_age: Duration) -> Result<(), Failure> {
    let now = time::OffsetDateTime::now_utc();
    let made = file
        .created_at()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let ahead = file.ahead_of(now);
    if ahead > CLOCK_SKEW {
        return Err(Failure::Other(format!(
            "saved plan claims it was made in the future ({made}, {}s from now): \
             check this machine's clock, or run `decom plan --out` again",
            ahead.as_secs()
        )));
    }
    let age = file.age(now);
    if age <= max_age {
        return Ok(());
    }
    Err(Failure::Other(format!(
        "saved plan is too old: it was made {made}, {}s ago, and --max-plan-age is {}s. \
         Run `decom plan --out` again and review the new plan (or raise --max-plan-age).",
        age.as_secs(),
        max_age.as_secs()
    )))
}

/// Asks for `yes` on a terminal; refuses without one.
fn confirmed() -> Result<bool, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Other(
            "refusing to apply without confirmation: stdin is not a terminal. \
             Pass --auto-approve, or apply a reviewed plan file (decom plan --out plan.bin; decom apply plan.bin)."
                .into(),
        ));
    }
    out!("\nDo you really want to delete these resources?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::Other(format!("cannot read the answer: {e}")))?;
    outln!();
    Ok(answer.trim() == "yes")
}

/// Timing: the sandbox simulator runs 1000x faster than AWS.
fn options(args: &ApplyArgs, sandboxed: bool) -> ApplyOptions {
    let initial = if sandboxed {
        Duration::from_millis(20)
    } else {
        Duration::from_millis(args.poll_interval_ms)
    };
    let defaults = ApplyOptions::default();
    ApplyOptions {
        poll: PollSchedule {
            initial,
            max: initial * 15,
        },
        retry_initial: initial,
        // A few times what a lane sends at once, so none waits for a
        // started delete.
        started_per_group: defaults
            .started_per_group
            .max(4 * usize::from(args.cloud.parallelism)),
        ..defaults
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use decom_parser::{Redaction, ResourceType, VariableInputs};
    use decom_plan::{Defaults, Inventory, LiveResource, LiveState, PlanRequest};

    const MANIFEST: &str = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\
        resource \"aws_supplychain_instance\" \"main\" {\n  id = \"inst-1\"\n}\n";

    fn manifest() -> Manifest {
        decom_parser::load_source(
            Path::new("main.hcl"),
            MANIFEST.as_bytes(),
            &VariableInputs::default(),
        )
        .expect("a valid manifest")
    }

    /// The plan with the instance live, or gone.
    fn planned(m: &Manifest, live: bool) -> planning::Plan {
        let instance = LiveResource {
            resource_type: ResourceType::SupplyChainInstance,
            region: "us-east-1".into(),
            id: "inst-1".into(),
            name: "main".into(),
            account_id: None,
            status: "ACTIVE".into(),
            state: LiveState::Deletable,
            relations: Vec::new(),
        };
        let inventory = Inventory::new(if live { vec![instance] } else { vec![] });
        let request = PlanRequest::new(m, Defaults::default());
        planning::plan(m, &inventory, request).expect("a plan")
    }

    /// Writes `plan` to `path` and returns the baseline apply would hold.
    fn save(plan: &planning::Plan, m: &Manifest, path: &Path) -> Baseline {
        let file = PlanFile::new(plan, m, Path::new("main.hcl"));
        file.write(path, &Redaction::default()).expect("written");
        let (_, checksum) = PlanFile::read_identified(path).expect("read back");
        PlanFile::read_baseline(path, &checksum).expect("read again")
    }

    /// A plan of the live instance saved as `plan.bin` in a temp dir, the
    /// manifest, the same plan made fresh, and the baseline apply holds.
    fn saved_and_fresh() -> (tempfile::TempDir, Manifest, planning::Plan, Baseline) {
        let dir = tempfile::tempdir().expect("a temp dir");
        let m = manifest();
        let fresh = planned(&m, true);
        let baseline = save(&fresh, &m, &dir.path().join("plan.bin"));
        (dir, m, fresh, baseline)
    }

    #[test]
    fn a_stale_plans_diff_is_read_again_from_its_file() {
        let (dir, _, fresh, baseline) = saved_and_fresh();
        let path = dir.path().join("plan.bin");
        let diff = what_changed(&path, &baseline, "sha256:edited", &fresh);
        assert!(
            diff.contains("-manifest sha256:") && diff.contains("+manifest sha256:edited"),
            "{diff}"
        );
    }

    #[test]
    fn a_plan_file_replaced_since_it_was_read_is_not_shown_as_the_approved_plan() {
        let (dir, m, fresh, baseline) = saved_and_fresh();
        let path = dir.path().join("plan.bin");
        // Another (valid) plan written over it while apply refreshed.
        save(&planned(&m, false), &m, &path);
        let said = what_changed(&path, &baseline, "sha256:edited", &fresh);
        assert!(said.contains("changed since this apply read it"), "{said}");
        assert!(!said.contains("+++ now"), "{said}");
    }

    #[test]
    fn a_plan_file_removed_since_it_was_read_shows_no_diff() {
        let (dir, _, fresh, baseline) = saved_and_fresh();
        let path = dir.path().join("plan.bin");
        std::fs::remove_file(&path).expect("removed");
        let said = what_changed(&path, &baseline, "sha256:edited", &fresh);
        assert!(
            said.starts_with("(what changed cannot be shown: "),
            "{said}"
        );
        assert!(!said.contains("+++ now"), "{said}");
    }
}
