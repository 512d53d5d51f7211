//! Load + validate + graph for a generated 10,000-resource manifest.
//!
//! Run: `cargo bench --bench parse_graph` (release build). Prints the best
//! and median of several runs; docs/benchmarks.md records the figures.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

const RESOURCES: usize = 10_000;
const RUNS: usize = 15;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = manifest(RESOURCES);
    // Split across files as a real team would (one file per 1,000).
    for (i, chunk) in text
        .split("\n\n")
        .collect::<Vec<_>>()
        .chunks(1000)
        .enumerate()
    {
        std::fs::write(
            dir.path().join(format!("part{i:03}.hcl")),
            chunk.join("\n\n"),
        )
        .expect("write manifest");
    }
    let inputs = decom_parser::VariableInputs::default();

    let mut times = Vec::with_capacity(RUNS);
    let mut summary = (0, 0, 0);
    for _ in 0..RUNS {
        let start = Instant::now();
        let manifest =
            decom_parser::load(dir.path(), &inputs).expect("generated manifest is valid");
        let graph = decom_graph::from_manifest(&manifest).expect("generated graph is acyclic");
        let waves = graph.waves().len();
        times.push(start.elapsed());
        summary = (manifest.resources.len(), graph.edge_count(), waves);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    eprintln!(
        "parse+validate+graph: {} resources, {} edges, {} waves, {} bytes of HCL ({RUNS} runs)",
        summary.0,
        summary.1,
        summary.2,
        text.len(),
    );
    println!(
        "| load + validate + graph, {RESOURCES} resources ({:.1} MB of HCL in 10 files) | < 150 ms | best {:.0} ms, median {:.0} ms ({RUNS} runs) |",
        text.len() as f64 / 1e6,
        ms(times[0]),
        ms(times[RUNS / 2])
    );
}

/// A manifest of `n` resources (rounded down to groups of 10): per group a
/// VPC connector, two services using it (one by name), an ingress
/// connection, a DX connection with two VIFs, and three Supply Chain
/// instances; with locals and interpolation as real manifests have.
fn manifest(n: usize) -> String {
    let mut s = String::from(
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nlocals {\n  acct = \"123456789012\"\n  base = \"arn:aws:apprunner:us-east-1:${local.acct}\"\n}\n\n",
    );
    for g in 0..n / 10 {
        let hex = format!("{g:032x}");
        let _ = write!(
            s,
            r#"resource "aws_apprunner_vpc_connector" "c{g}" {{
  arn = "${{local.base}}:vpcconnector/conn-{g}/1/{hex}"
}}

resource "aws_apprunner_service" "a{g}" {{
  arn               = "${{local.base}}:service/svc-a-{g}/{hex}"
  vpc_connector_arn = aws_apprunner_vpc_connector.c{g}.arn
}}

resource "aws_apprunner_service" "b{g}" {{
  name              = "svc-b-{g}"
  vpc_connector_arn = aws_apprunner_vpc_connector.c{g}.arn
  timeouts {{
    delete = "30m"
  }}
}}

resource "aws_apprunner_vpc_ingress_connection" "i{g}" {{
  arn         = "${{local.base}}:vpcingressconnection/ing-{g}/{hex}"
  service_arn = aws_apprunner_service.a{g}.arn
}}

resource "aws_dx_connection" "x{g}" {{
  id = "dxcon-{g:08x}"
}}

resource "aws_dx_virtual_interface" "v{g}" {{
  count         = 2
  id            = "dxvif-${{count.index}}{g:07x}"
  connection_id = aws_dx_connection.x{g}.id
}}

resource "aws_supplychain_instance" "s{g}" {{
  for_each   = {{ a = "plan-a-{g}", b = "plan-b-{g}", c = "plan-c-{g}" }}
  name       = each.value
  depends_on = [aws_dx_connection.x{g}]
}}

"#
        );
    }
    s
}
