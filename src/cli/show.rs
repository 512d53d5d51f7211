//! `decom show`: a saved plan, for people (text, markdown) or tools (JSON).

use std::path::PathBuf;

use decom_plan::{self as planning, PlanFile};

use super::console::{self, errln, out, outln};
use super::style::Style;
use super::Outcome;

/// Show a saved plan file without touching the cloud.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  decom show plan.bin\n  decom show plan.bin --markdown > comment.md\n  decom show plan.bin --json | jq '.resource_changes[].address'"
)]
pub struct ShowArgs {
    /// A plan file written by `decom plan --out`.
    plan_file: PathBuf,

    /// Print the plan as JSON (the same shape as `plan --json`).
    #[arg(long, conflicts_with = "markdown")]
    json: bool,

    /// Print a compact Markdown summary for a pull-request comment.
    #[arg(long)]
    markdown: bool,
}

pub fn run(args: ShowArgs, style: Style) -> Outcome {
    let (plan, sandbox) = match PlanFile::read(&args.plan_file).and_then(|f| {
        let sandbox = f.sandbox();
        f.to_plan()
            .map(|plan| (plan, sandbox))
            .map_err(|detail| planning::PlanFileError::Invalid {
                path: args.plan_file.display().to_string(),
                detail,
            })
    }) {
        Ok(p) => p,
        Err(e) => {
            errln!("error: {e}");
            return Outcome::Failure;
        }
    };
    // A rehearsal says so wherever it is shown, as `plan --sandbox` did:
    // a PR comment of one must not read as a plan of the account.
    if args.json {
        if sandbox {
            errln!("{}", super::sandbox::BANNER);
        }
        console::print_json(planning::to_json(&plan, console::redaction()), true);
    } else if args.markdown {
        if sandbox {
            outln!("> **{}**\n", super::sandbox::BANNER);
        }
        out!("{}", planning::to_markdown(&plan));
    } else {
        if sandbox {
            outln!("{}\n", super::sandbox::BANNER);
        }
        out!("{}", planning::render(&plan, style.stdout_color));
    }
    Outcome::Success
}
