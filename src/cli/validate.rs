//! `decom validate`: load and check a manifest and its deletion graph,
//! without any network access.

use decom_parser::{Knowable, Manifest};

use super::console::{self, err, outln};
use super::manifest_args::ManifestArgs;
use super::style::Style;
use super::Outcome;

/// Check a manifest: syntax, types, references and the deletion order.
///
/// Needs no credentials and sends no request. Exits 0 with a one-line
/// summary, or 1 with every problem found, each at file:line:column.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  decom validate examples/quickstart\n  decom validate teardown.hcl --var env=prod --json"
)]
pub struct ValidateArgs {
    #[command(flatten)]
    manifest: ManifestArgs,

    /// Print the result as JSON on stdout (diagnostics included).
    #[arg(long)]
    json: bool,
}

pub fn run(args: ValidateArgs, style: Style) -> Outcome {
    match args.manifest.load_graph() {
        Ok((manifest, graph)) => {
            let waves = graph.waves().len();
            let resources = manifest.resources.len();
            let deferred = known_after_refresh(&manifest);
            if args.json {
                let report = serde_json::json!({
                    "valid": true,
                    "resources": resources,
                    "waves": waves,
                    "known_after_refresh": deferred
                        .iter()
                        .map(|(attr, reference)| serde_json::json!({"attribute": attr, "reference": reference}))
                        .collect::<Vec<_>>(),
                    "diagnostics": [],
                });
                console::print_json(report, true);
            } else {
                outln!(
                    "Valid: {}, {}.",
                    plural(resources, "resource"),
                    plural(waves, "wave")
                );
                for (attr, reference) in &deferred {
                    outln!("  {attr} = {reference} (known after refresh)");
                }
            }
            Outcome::Success
        }
        Err(diags) => {
            if args.json {
                let report = serde_json::json!({
                    "valid": false,
                    "diagnostics": diags.to_json(),
                });
                console::print_json(report, true);
            } else {
                err!("{}", diags.render(style.stderr_color));
            }
            Outcome::Failure
        }
    }
}

/// `(resource.attribute, reference)` for every identity or relation that
/// only live state can supply.
fn known_after_refresh(manifest: &Manifest) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for r in &manifest.resources {
        // A composite's parts stand for its identity; a part that is a
        // relation is listed once, as the relation.
        let identity: Vec<(&str, &Knowable<String>)> = if r.identity.parts.is_empty() {
            vec![(r.identity.kind.attribute(), &r.identity.value)]
        } else {
            r.identity
                .parts
                .iter()
                .filter(|p| !r.relations.iter().any(|rel| rel.attr.name() == p.attr))
                .map(|p| (p.attr, &p.value))
                .collect()
        };
        let relations = r.relations.iter().map(|rel| (rel.attr.name(), &rel.value));
        for (attr, value) in identity.into_iter().chain(relations) {
            if let Knowable::AfterRefresh(reference) = value {
                out.push((format!("{}.{attr}", r.address), reference.clone()));
            }
        }
    }
    out
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
