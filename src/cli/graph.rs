//! `decom graph`: the deletion graph as Graphviz DOT.

use super::cloud_args::CloudArgs;
use super::console::{err, out};
use super::manifest_args::ManifestArgs;
use super::plan::make_plan;
use super::style::Style;
use super::Outcome;

/// Print the deletion graph as Graphviz DOT.
///
/// An edge A -> B means A is deleted before B; each edge is labelled with
/// why it exists (a reference or depends_on, at file:line:column, or with
/// --live a relation found in live state). Resources of one wave share a
/// rank. Without --live it sends no request; with --live it only reads.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  decom graph examples/quickstart | dot -Tsvg > graph.svg\n  decom graph examples/quickstart --live --sandbox"
)]
pub struct GraphArgs {
    #[command(flatten)]
    manifest: ManifestArgs,

    /// Refresh live state and include the edges live relations add.
    #[arg(long)]
    live: bool,

    #[command(flatten)]
    pub(super) cloud: CloudArgs,
}

pub fn run(args: GraphArgs, style: Style) -> Outcome {
    let (manifest, graph) = match args.manifest.load_graph() {
        Ok(loaded) => loaded,
        Err(diags) => {
            err!("{}", diags.render(style.stderr_color));
            return Outcome::Failure;
        }
    };
    if !args.live {
        out!("{}", graph.to_dot());
        return Outcome::Success;
    }
    // The DOT goes to stdout, so the sandbox banner goes to stderr.
    match make_plan(&manifest, &args.manifest, &args.cloud, &[], None, true) {
        Ok((plan, _)) => {
            out!("{}", plan.graph().to_dot());
            Outcome::Success
        }
        Err(failure) => {
            failure.print(style);
            Outcome::Failure
        }
    }
}
