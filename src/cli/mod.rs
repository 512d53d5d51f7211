//! Command-line interface: argument definitions and dispatch.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// decom: plan and apply the decommissioning of cloud resources.
#[derive(Debug, Parser)]
#[command(name = "decom", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the AWS simulator (App Runner, Direct Connect, Supply Chain) on loopback.
    Sim(decom_sim::SimArgs),
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Sim(args) => decom_sim::run_cli(args),
    }
}
