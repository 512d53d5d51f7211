//! `decom plan`: refresh live state and show what apply would delete, in
//! which order.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use decom_executor::journal::Endpoint;
use decom_parser::printable::is_invisible;
use decom_parser::{Address, Manifest};
use decom_plan::{self as planning, PlanFile, QuotaRate};

use super::cloud_args::CloudArgs;
use super::console::{self, err, errln, out, outln};
use super::manifest_args::{is_manifest_file, resolved, ManifestArgs};
use super::session::{Failure, Session};
use super::style::Style;
use super::Outcome;

/// Refresh live state and show what would be deleted, wave by wave.
///
/// Reads only: no request that changes anything is ever sent. Every
/// problem that would stop an apply (a name matching nothing or several
/// resources, a relation that contradicts live state, a blocker outside
/// the manifest, prevent_destroy, a disallowed account) stops the plan
/// with exit code 1.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  decom plan examples/quickstart --region us-east-1\n  decom plan teardown/ --out plan.bin --detailed-exitcode\n  decom plan teardown/ --target aws_apprunner_service.web --json"
)]
pub struct PlanArgs {
    #[command(flatten)]
    manifest: ManifestArgs,

    #[command(flatten)]
    pub(super) cloud: CloudArgs,

    /// Save the plan to FILE for `decom apply FILE` (and `decom show FILE`).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,

    /// Exit 2 when the plan has changes, 0 when it has none, 1 on errors.
    #[arg(long)]
    detailed_exitcode: bool,

    /// Print the plan as JSON (Terraform's plan shape, plus waves and edges).
    #[arg(long)]
    json: bool,

    /// Plan only this resource and what must be deleted before it (repeatable).
    #[arg(long, value_name = "ADDRESS")]
    target: Vec<Address>,

    /// The journal earlier applies wrote, if they were given --journal
    /// (default: .decom/journal.jsonl next to the manifest).
    #[arg(long, value_name = "FILE")]
    journal: Option<PathBuf>,
}

pub fn run(args: PlanArgs, style: Style) -> Outcome {
    let manifest = match args.manifest.load_graph() {
        Ok((m, _)) => m,
        Err(diags) => {
            err!("{}", diags.render(style.stderr_color));
            return Outcome::Failure;
        }
    };
    if let Some(out) = &args.out {
        if let Err(why) = check_out(out, &manifest, &args) {
            errln!("error: {why}");
            return Outcome::Failure;
        }
    }
    let (plan, quota_rates) = match make_plan(
        &manifest,
        &args.manifest,
        &args.cloud,
        &args.target,
        args.journal.as_deref(),
        args.json,
    ) {
        Ok((p, rates)) => (p.with_git(super::git::state(&args.manifest.path)), rates),
        Err(failure) => {
            failure.print(style);
            return Outcome::Failure;
        }
    };
    if args.json {
        console::print_json(planning::to_json(&plan, console::redaction()), true);
    } else {
        out!("{}", planning::render(&plan, style.stdout_color));
    }
    if let Some(out) = &args.out {
        let file = PlanFile::new(&plan, &manifest, &args.manifest.path)
            .with_manifest_location(super::portable::location(&args.manifest.path, out))
            .with_sandbox(args.cloud.sandbox)
            .with_journal(args.journal.as_deref())
            .with_warnings(console::unhidden_value_warnings())
            .with_quota_rates(quota_rates);
        let written = super::interrupt::finishing(|| file.write(out, console::redaction()));
        if let Err(e) = written {
            errln!("error: {e}");
            return Outcome::Failure;
        }
        if !args.json {
            let sandbox = if args.cloud.sandbox { " --sandbox" } else { "" };
            let shown = out.display().to_string();
            // A path pasted as a word of a command: quoted, and never
            // read as a flag (`--out=--auto-approve` suggested an apply
            // without the plan).
            let path = if shown.starts_with('-') {
                format!("./{shown}")
            } else {
                shown.clone()
            };
            let word = shlex::try_quote(&path).unwrap_or(Cow::Borrowed(&path));
            if plan.has_changes() {
                outln!(
                    "\nSaved the plan to: {shown}\n\nTo delete exactly these resources, run:\n  decom apply{sandbox} {word}"
                );
            } else {
                outln!("\nSaved the plan to: {shown}\n\nIt deletes nothing: applying it changes nothing.");
            }
        }
    }
    match (args.detailed_exitcode, plan.has_changes()) {
        (true, true) => Outcome::Changes,
        _ => Outcome::Success,
    }
}

/// Refuses, before any request, a `--out` whose name cannot be shown as
/// it is, that would overwrite the manifest or decom's state (a plan
/// written as `.decom` broke every later apply), that is not a file a
/// plan can be written to, or that is in a directory that does not exist
/// (found only after the refresh, before).
fn check_out(out: &Path, manifest: &Manifest, args: &PlanArgs) -> Result<(), String> {
    let shown = out.display();
    if out.as_os_str() == "-" {
        let why = "--out - would write a file named \"-\": a plan is saved to a file \
                   (--out plan.bin); --json prints it on stdout";
        return Err(why.into());
    }
    // Shown escaped (or, not UTF-8, replaced), such a name could not be
    // pasted back: the suggested `decom apply` would name another file.
    let plain = out.to_str().is_some_and(|s| !s.chars().any(is_invisible));
    if !plain {
        return Err(format!(
            "--out {shown}: the name has control characters or is not UTF-8; \
             use a plain name, e.g. plan.bin"
        ));
    }
    if is_manifest_file(manifest, out) {
        return Err(format!(
            "--out {shown} would overwrite the manifest (or be read as part of it): \
             write the plan to another file, e.g. plan.bin"
        ));
    }
    let state = args.manifest.state(args.journal.as_deref(), Endpoint::Real);
    let out_at = resolved(out);
    let in_state = out_at.as_ref().is_some_and(|at| {
        resolved(&state.dir).is_some_and(|dir| at.starts_with(dir))
            || resolved(&state.journal).as_ref() == Some(at)
    });
    if in_state {
        return Err(format!(
            "--out {shown} is decom's own state ({}: the lock and journal of applies): \
             write the plan to another file, e.g. plan.bin",
            state.dir.display()
        ));
    }
    let dir = out.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir.filter(|d| !d.is_dir()) {
        return Err(format!(
            "--out {shown}: the directory {} does not exist",
            dir.display()
        ));
    }
    PlanFile::check_replaceable(out).map_err(|why| format!("--out {why}"))
}

/// Refresh and plan in a session of its own (`plan`, `graph --live`),
/// resuming from what earlier applies of this manifest remember (in
/// `journal`, else the default journal); with what the refresh's
/// throttles read of the API quotas, for a saved plan.
pub fn make_plan(
    manifest: &Manifest,
    manifest_args: &ManifestArgs,
    cloud_args: &CloudArgs,
    targets: &[Address],
    journal: Option<&Path>,
    quiet_stdout: bool,
) -> Result<(planning::Plan, Vec<QuotaRate>), Failure> {
    let state = manifest_args.state(journal, cloud_args.endpoint());
    let session = Session::open(manifest, cloud_args, quiet_stdout)?;
    let written = state.journal_written();
    let plan = session.plan(manifest, targets, || Ok(state.recall(written)))?;
    Ok((plan, session.quota_rates()))
}
