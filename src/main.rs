//! The `decom` command: wires the parser, graph and simulator crates into
//! the commands of DESIGN section 4. Each subcommand lives in `cli/`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
