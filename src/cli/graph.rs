//! `decom graph`: the deletion graph as Graphviz DOT.

use super::manifest_args::ManifestArgs;
use super::style::Style;
use super::Outcome;

/// Print the deletion graph as Graphviz DOT.
///
/// An edge A -> B means A is deleted before B; each edge is labelled with
/// why it exists (a reference or depends_on, at file:line:column).
/// Resources of one wave share a rank. Sends no request.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  decom graph examples/quickstart | dot -Tsvg > graph.svg")]
pub struct GraphArgs {
    #[command(flatten)]
    manifest: ManifestArgs,
}

pub fn run(args: GraphArgs, style: Style) -> Outcome {
    match args.manifest.load_graph() {
        Ok((_, graph)) => {
            print!("{}", graph.to_dot());
            Outcome::Success
        }
        Err(diags) => {
            eprint!("{}", diags.render(style.stderr_color));
            Outcome::Failure
        }
    }
}
