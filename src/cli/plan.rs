//! `decom plan`: refresh live state and show what apply would delete, in
//! which order.

use std::path::PathBuf;

use decom_graph::plan::{self as planning, PlanFile, PlanRequest};
use decom_parser::{Address, Manifest};

use super::cloud_args::{runtime, CloudArgs};
use super::manifest_args::ManifestArgs;
use super::sandbox;
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
}

pub fn run(args: PlanArgs, style: Style) -> Outcome {
    let manifest = match args.manifest.load_graph() {
        Ok((m, _)) => m,
        Err(diags) => {
            eprint!("{}", diags.render(style.stderr_color));
            return Outcome::Failure;
        }
    };
    let plan = match make_plan(&manifest, &args.cloud, &args.target, args.json) {
        Ok(p) => p,
        Err(failure) => {
            failure.print(style);
            return Outcome::Failure;
        }
    };
    if args.json {
        println!("{:#}", planning::to_json(&plan));
    } else {
        print!("{}", planning::render(&plan, style.stdout_color));
    }
    if let Some(out) = &args.out {
        if let Err(e) = PlanFile::new(&plan, &manifest).write(out) {
            eprintln!("error: {e}");
            return Outcome::Failure;
        }
        if !args.json {
            println!(
                "\nSaved the plan to: {}\n\nTo delete exactly these resources, run:\n  decom apply {}",
                out.display(),
                out.display()
            );
        }
    }
    match (args.detailed_exitcode, plan.has_changes()) {
        (true, true) => Outcome::Changes,
        _ => Outcome::Success,
    }
}

/// Why a plan could not be made.
pub enum PlanFailure {
    Manifest(decom_parser::Diagnostics),
    Other(String),
}

impl PlanFailure {
    pub fn print(&self, style: Style) {
        match self {
            PlanFailure::Manifest(d) => eprint!("{}", d.render(style.stderr_color)),
            PlanFailure::Other(message) => eprintln!("error: {message}"),
        }
    }
}

/// Refresh and plan (shared with apply). With `--sandbox`, against a
/// simulator seeded from the manifest, announced by a banner (on stderr
/// when stdout carries JSON).
pub fn make_plan(
    manifest: &Manifest,
    cloud_args: &CloudArgs,
    targets: &[Address],
    json: bool,
) -> Result<planning::Plan, PlanFailure> {
    let rt = runtime().map_err(|e| PlanFailure::Other(format!("cannot start: {e}")))?;
    rt.block_on(async {
        let sandbox = if cloud_args.sandbox {
            let region = cloud_args.region.as_deref();
            let sim = sandbox::start(manifest, region)
                .await
                .map_err(PlanFailure::Other)?;
            if json {
                eprintln!("{}", sandbox::BANNER);
            } else {
                println!("{}\n", sandbox::BANNER);
            }
            Some(sim)
        } else {
            None
        };
        let cloud = cloud_args.connect(sandbox.as_ref().map(|s| s.endpoint_url()));
        let default_region = match (&cloud_args.region, &sandbox) {
            (Some(r), _) => Some(r.clone()),
            (None, Some(_)) => Some("us-east-1".to_string()),
            (None, None) => cloud.chain_region().await,
        };
        let planned = refresh_and_plan(&cloud, manifest, cloud_args, default_region, targets).await;
        if let Some(sim) = sandbox {
            sim.shutdown().await;
        }
        planned
    })
}

async fn refresh_and_plan(
    cloud: &decom_aws::AwsCloud,
    manifest: &Manifest,
    cloud_args: &CloudArgs,
    default_region: Option<String>,
    targets: &[Address],
) -> Result<planning::Plan, PlanFailure> {
    let mut profiles: Vec<Option<String>> = manifest
        .providers
        .iter()
        .map(|p| p.profile.clone().or_else(|| cloud_args.profile.clone()))
        .collect();
    profiles.push(cloud_args.profile.clone());
    profiles.sort();
    profiles.dedup();
    for profile in &profiles {
        cloud
            .check_credentials(profile)
            .await
            .map_err(|e| PlanFailure::Other(e.to_string()))?;
    }
    let inventory = decom_aws::refresh(cloud, manifest, default_region.as_deref())
        .await
        .map_err(|e| PlanFailure::Other(format!("refresh failed: {e}")))?;
    let request = PlanRequest {
        default_region,
        targets: targets.to_vec(),
    };
    planning::plan(manifest, &inventory, &request).map_err(PlanFailure::Manifest)
}
