//! `decom plan`: refresh live state and show what apply would delete, in
//! which order.

use std::path::{Path, PathBuf};

use decom_parser::printable::printable_in_line;
use decom_parser::{Address, Manifest};
use decom_plan::{self as planning, PlanFile, QuotaRate};

use super::cloud_args::CloudArgs;
use super::console::{self, err, errln, out, outln};
use super::manifest_args::{is_manifest_file, ManifestArgs};
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
    cloud: CloudArgs,

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
        if let Err(why) = check_out(out, &manifest) {
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
            let out = printable_in_line(&out.display().to_string());
            outln!(
                "\nSaved the plan to: {out}\n\nTo delete exactly these resources, run:\n  decom apply{sandbox} {out}"
            );
        }
    }
    match (args.detailed_exitcode, plan.has_changes()) {
        (true, true) => Outcome::Changes,
        _ => Outcome::Success,
    }
}

/// Refuses, before any request, a `--out` that would overwrite the
/// manifest or is not a file a plan can be written to.
fn check_out(out: &Path, manifest: &Manifest) -> Result<(), String> {
    if is_manifest_file(manifest, out) {
        return Err(format!(
            "--out {} would overwrite the manifest (or be read as part of it): \
             write the plan to another file, e.g. plan.bin",
            out.display()
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
