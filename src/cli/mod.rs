//! Command-line interface: argument definitions and dispatch. One module
//! per subcommand; shared argument groups live in `manifest_args`.

mod apply;
mod cloud_args;
mod console;
mod discover;
mod git;
mod graph;
mod interrupt;
mod logging;
mod malloc;
mod manifest_args;
mod plan;
mod portable;
mod progress;
mod sandbox;
mod session;
mod show;
mod style;
mod validate;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};

use console::errln;

/// How a command ended; with what stopped it early, the process exit
/// codes of DESIGN section 4 ([`exit_code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Invalid manifest, blocker, failed delete, stale plan, refusal.
    Failure,
    /// `plan --detailed-exitcode` with changes.
    Changes,
    /// Stopped by a signal or a closed stdout.
    Interrupted,
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

impl Command {
    /// The `--endpoint-url` given to a command that talks to the cloud.
    fn endpoint_url(&self) -> Option<&str> {
        match self {
            Command::Graph(a) => a.cloud.endpoint_url.as_deref(),
            Command::Plan(a) => a.cloud.endpoint_url.as_deref(),
            Command::Apply(a) => a.cloud.endpoint_url.as_deref(),
            Command::Discover(a) => a.endpoint_url.as_deref(),
            Command::Validate(_) | Command::Show(_) | Command::Sim(_) => None,
        }
    }
}

pub fn run() -> ExitCode {
    malloc::configure();
    logging::init();
    if let Some(spelling) = single_dash_flag(std::env::args_os().skip(1)) {
        errln!("error: {spelling}");
        return ExitCode::from(1);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage(&e),
    };
    if let Some(url) = cli.command.endpoint_url() {
        cloud_args::endpoint_for_every_client(url);
    }
    let style = style::Style::detect(cli.no_color);
    console::use_style(style);
    let outcome = match cli.command {
        Command::Validate(args) => validate::run(args, style),
        Command::Graph(args) => graph::run(args, style),
        Command::Plan(args) => plan::run(args, style),
        Command::Apply(args) => apply::run(args, style),
        Command::Show(args) => show::run(args, style),
        Command::Discover(args) => discover::run(args, style),
        Command::Sim(args) => match decom_sim::run_cli(args) {
            Ok(()) => Outcome::Success,
            Err(e) => {
                errln!("error: decom sim: {e}");
                Outcome::Failure
            }
        },
    };
    exit_code(outcome)
}

/// A Terraform spelling of one of decom's flags (`-out=plan.bin`,
/// `-auto-approve`), answered with decom's (`--out=plan.bin`) instead of
/// clap's "unexpected argument '-o'". Arguments after `--` are values.
fn single_dash_flag(args: impl Iterator<Item = std::ffi::OsString>) -> Option<String> {
    let command = <Cli as clap::CommandFactory>::command();
    let known: std::collections::HashSet<String> = std::iter::once(&command)
        .chain(command.get_subcommands())
        .flat_map(|c| c.get_arguments())
        .filter_map(|a| a.get_long().map(str::to_string))
        .collect();
    for arg in args {
        let arg = arg.to_string_lossy();
        if arg == "--" {
            return None;
        }
        let Some(flag) = arg.strip_prefix('-').filter(|f| !f.starts_with('-')) else {
            continue;
        };
        let name = flag.split('=').next().unwrap_or_default();
        if name.len() > 1 && known.contains(name) {
            return Some(format!(
                "decom spells flags with two dashes: use `-{arg}` instead of `{arg}`"
            ));
        }
    }
    None
}

/// `--help` and `--version` (on stdout) exit 0; a usage error is 1 like
/// any other error: 2 means only "plan --detailed-exitcode found changes".
fn usage(e: &clap::Error) -> ExitCode {
    // Through the console like every other line: an error quotes the
    // value given, which may be anyone's text (a CI variable). Coloured
    // as the rest of decom's output would be; `--no-color` is looked for
    // by hand, as the arguments did not parse.
    let no_color = std::env::args_os().any(|a| a == "--no-color");
    let style = style::Style::detect(no_color);
    console::use_style(style);
    let on_stderr = e.use_stderr();
    let colored = if on_stderr {
        style.stderr_color
    } else {
        style.stdout_color
    };
    let rendered = e.render();
    let text = if colored {
        rendered.ansi().to_string()
    } else {
        rendered.to_string()
    };
    if on_stderr {
        console::write_err(&text);
    } else {
        console::write_out(&text);
    }
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}

/// The exit code: 130 / 143 for a run SIGINT / SIGTERM reached, 1 for one
/// that could not write its output (stdout closed, or a full disk), else
/// the outcome's.
fn exit_code(outcome: Outcome) -> ExitCode {
    if let Some(signal) = interrupt::received() {
        return ExitCode::from(signal.exit_code());
    }
    console::flush_stdout();
    if console::stdout_closed() {
        errln!("error: stdout was closed before decom finished writing to it");
        return ExitCode::from(1);
    }
    if let Some(why) = console::stdout_failed() {
        errln!("error: cannot write to stdout ({why}): the output is incomplete");
        return ExitCode::from(1);
    }
    match outcome {
        Outcome::Success => ExitCode::SUCCESS,
        Outcome::Failure => ExitCode::from(1),
        Outcome::Changes => ExitCode::from(2),
        Outcome::Interrupted => ExitCode::from(130),
    }
}
