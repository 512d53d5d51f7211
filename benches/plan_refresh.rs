//! Refresh + plan against the in-process simulator: API calls and wall
//! time at 100, 1,000 and 10,000 resources (DESIGN section 9's mix).
//!
//! Run: `cargo bench --bench plan_refresh`. The mix, per region, two
//! regions: per 10 resources 1 connector, 2 services using it, 1 ingress
//! connection, 1 DX connection, 2 VIFs on it, 3 Supply Chain instances
//! (at 1,000: 50 / 100 / 50 / 50 / 100 / 150 per region). The minimum
//! refresh for 1,000 is 334 calls (list pages + the describes the APIs
//! force); target <= 340.

use std::fmt::Write as _;
use std::time::Instant;

use decom_aws::{AwsCloud, ConnectOptions, StaticCredentials};
use decom_graph::plan::{plan, PlanRequest};
use decom_parser::VariableInputs;
use decom_sim::{ResourceType as Sim, SeedResource, SimConfig, SimState};

const REGIONS: [&str; 2] = ["us-east-1", "us-west-2"];

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!("| resources | refresh API calls | refresh+plan wall |");
    println!("|---:|---:|---:|");
    for n in [100usize, 1_000, 10_000] {
        let (seed, hcl) = stack(n);
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("main.hcl"), &hcl).expect("write manifest");
        // BENCH_DUMP=DIR: also write DIR/N/main.hcl and DIR/N/state.json, to
        // measure the real binary (`decom sim --state`, `decom plan`).
        if let Some(out) = std::env::var_os("BENCH_DUMP") {
            let out = std::path::Path::new(&out).join(n.to_string());
            std::fs::create_dir_all(&out).expect("dump dir");
            std::fs::write(out.join("main.hcl"), &hcl).expect("dump manifest");
            let state = serde_json::to_string(&SimState {
                resources: seed.clone(),
            })
            .expect("state json");
            std::fs::write(out.join("state.json"), state).expect("dump state");
        }
        let manifest =
            decom_parser::load(dir.path(), &VariableInputs::default()).expect("valid manifest");
        let (calls, wall) = rt.block_on(async {
            let sim = decom_sim::Sim::start(SimConfig {
                initial_state: Some(SimState { resources: seed }),
                ..SimConfig::default()
            })
            .await
            .expect("simulator");
            let cloud = AwsCloud::new(ConnectOptions {
                endpoint_url: Some(sim.endpoint_url()),
                parallelism: std::env::var("BENCH_PARALLELISM")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(10),
                max_attempts: 3,
                static_credentials: Some(StaticCredentials {
                    access_key_id: "AKIDBENCH".into(),
                    secret_access_key: "bench".into(),
                }),
                ..ConnectOptions::default()
            });
            let start = Instant::now();
            let inventory = decom_aws::refresh(&cloud, &manifest, Some("us-east-1"))
                .await
                .expect("refresh");
            let refreshed = start.elapsed();
            let planned = plan(&manifest, &inventory, &PlanRequest::default()).expect("plan");
            let wall = start.elapsed();
            eprintln!(
                "  n={n}: refresh {:.0} ms, plan {:.0} ms",
                refreshed.as_secs_f64() * 1000.0,
                (wall - refreshed).as_secs_f64() * 1000.0
            );
            assert_eq!(planned.resources.len(), n);
            let calls: usize = cloud.calls().iter().map(|(_, c)| c).sum();
            sim.shutdown().await;
            (calls, wall)
        });
        println!("| {n} | {calls} | {:.0} ms |", wall.as_secs_f64() * 1000.0);
    }
}

/// Seed and manifest for `n` resources (a multiple of 20).
fn stack(n: usize) -> (Vec<SeedResource>, String) {
    let mut seed = Vec::new();
    let mut hcl = String::new();
    for (r, region) in REGIONS.iter().enumerate() {
        let _ = writeln!(
            hcl,
            "provider \"aws\" {{\n  alias  = \"r{r}\"\n  region = \"{region}\"\n}}\n"
        );
        for g in 0..n / 20 {
            let hex = |k: usize| format!("{:08x}{:08x}{:016x}", r, k, g);
            let arn = |kind: &str, name: &str, k: usize| {
                let rev = if kind == "vpcconnector" { "/1" } else { "" };
                format!(
                    "arn:aws:apprunner:{region}:123456789012:{kind}/{name}{rev}/{}",
                    hex(k)
                )
            };
            let conn_arn = arn("vpcconnector", &format!("c{g}"), 0);
            let mut c = SeedResource::new(Sim::AppRunnerVpcConnector, format!("c{g}"));
            c.region = region.to_string();
            c.arn = Some(conn_arn.clone());
            seed.push(c);
            let _ = writeln!(hcl, "resource \"aws_apprunner_vpc_connector\" \"c{r}_{g}\" {{\n  provider = aws.r{r}\n  arn = \"{conn_arn}\"\n}}");
            for s in 0..2 {
                let svc_arn = arn("service", &format!("s{g}-{s}"), 1 + s);
                let mut svc = SeedResource::new(Sim::AppRunnerService, format!("s{g}-{s}"));
                svc.region = region.to_string();
                svc.arn = Some(svc_arn.clone());
                svc.vpc_connector_arn = Some(conn_arn.clone());
                seed.push(svc);
                let _ = writeln!(hcl, "resource \"aws_apprunner_service\" \"s{r}_{g}_{s}\" {{\n  provider = aws.r{r}\n  arn = \"{svc_arn}\"\n  vpc_connector_arn = aws_apprunner_vpc_connector.c{r}_{g}.arn\n}}");
                if s == 0 {
                    let ing_arn = arn("vpcingressconnection", &format!("i{g}"), 3);
                    let mut ing =
                        SeedResource::new(Sim::AppRunnerVpcIngressConnection, format!("i{g}"));
                    ing.region = region.to_string();
                    ing.arn = Some(ing_arn.clone());
                    ing.service_arn = Some(svc_arn.clone());
                    seed.push(ing);
                    let _ = writeln!(hcl, "resource \"aws_apprunner_vpc_ingress_connection\" \"i{r}_{g}\" {{\n  provider = aws.r{r}\n  arn = \"{ing_arn}\"\n  service_arn = aws_apprunner_service.s{r}_{g}_0.arn\n}}");
                }
            }
            let dx = format!("dxcon-{r}{g:07x}");
            let mut x = SeedResource::new(Sim::DxConnection, format!("x{g}"));
            x.region = region.to_string();
            x.id = Some(dx.clone());
            seed.push(x);
            let _ = writeln!(hcl, "resource \"aws_dx_connection\" \"x{r}_{g}\" {{\n  provider = aws.r{r}\n  id = \"{dx}\"\n}}");
            for v in 0..2 {
                let vif = format!("dxvif-{r}{v}{g:06x}");
                let mut s = SeedResource::new(Sim::DxVirtualInterface, format!("v{g}-{v}"));
                s.region = region.to_string();
                s.id = Some(vif.clone());
                s.connection_id = Some(dx.clone());
                seed.push(s);
                let _ = writeln!(hcl, "resource \"aws_dx_virtual_interface\" \"v{r}_{g}_{v}\" {{\n  provider = aws.r{r}\n  id = \"{vif}\"\n  connection_id = aws_dx_connection.x{r}_{g}.id\n}}");
            }
            for i in 0..3 {
                let id = format!("{r:08x}-0000-4000-8000-{:012x}", g * 3 + i);
                let mut s = SeedResource::new(Sim::SupplyChainInstance, format!("p{g}-{i}"));
                s.region = region.to_string();
                s.id = Some(id.clone());
                seed.push(s);
                let _ = writeln!(hcl, "resource \"aws_supplychain_instance\" \"p{r}_{g}_{i}\" {{\n  provider = aws.r{r}\n  id = \"{id}\"\n}}");
            }
        }
    }
    (seed, hcl)
}
