//! An AWS-compatible simulator of App Runner, Direct Connect and Supply Chain.

/// Flags of `decom sim`.
#[derive(Debug, Clone, clap::Args)]
pub struct SimArgs {}

/// Runs `decom sim` until interrupted.
pub fn run_cli(_args: SimArgs) -> std::process::ExitCode {
    std::process::ExitCode::FAILURE
}
