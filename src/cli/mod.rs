//! Command-line interface: argument definitions and dispatch. One module
//! per subcommand; shared argument groups live in `manifest_args`.

mod apply;
mod cloud_args;
mod console;
mod discover;
mod git;
mod graph;
mod logging;
mod manifest_args;
mod plan;
mod progress;
mod sandbox;
mod session;
mod show;
mod style;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// How a command ended; the process exit codes of DESIGN section 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Invalid manifest, blocker, failed delete, stale plan, refusal.
    Failure,
    /// `plan --detailed-exitcode` with changes.
    Changes,
    /// Stopped by SIGINT.
    Interrupted,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        match outcome {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Failure => ExitCode::from(1),
            Outcome::Changes => ExitCode::from(2),
            Outcome::Interrupted => ExitCode::from(130),
        }
    }
}

/// decom plans and applies the decommissioning of cloud resources.
///
/// A manifest (a directory of *.hcl files) names what must go; decom works
/// out the order from the references between resources and deletes in
/// that order. Start with `decom validate` on your manifest.
#[derive(Debug, Parser)]
#[command(name = "decom", version, about, long_about)]
struct Cli {
    /// Never colour output (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    no_color: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Validate(validate::ValidateArgs),
    Graph(graph::GraphArgs),
    Plan(plan::PlanArgs),
    Apply(apply::ApplyArgs),
    Show(show::ShowArgs),
    Discover(discover::DiscoverArgs),
    /// Run the AWS simulator (App Runner, Direct Connect, Supply Chain) on loopback.
    Sim(decom_sim::SimArgs),
}

pub fn run() -> ExitCode {
    logging::init();
    let cli = Cli::parse();
    let style = style::Style::detect(cli.no_color);
    match cli.command {
        Command::Validate(args) => validate::run(args, style).into(),
        Command::Graph(args) => graph::run(args, style).into(),
        Command::Plan(args) => plan::run(args, style).into(),
        Command::Apply(args) => apply::run(args, style).into(),
        Command::Show(args) => show::run(args, style).into(),
        Command::Discover(args) => discover::run(args, style).into(),
        Command::Sim(args) => decom_sim::run_cli(args),
    }
}
