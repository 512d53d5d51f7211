//! Measures `decom_parser::load` on a generated manifest.
//!
//! `cargo run --release -p decom-parser --example load_bench -- [N]`
//! (default N = 10000 resources, split across 10 files, every resource
//! but the roots referencing another one).

use std::fmt::Write as _;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let per_group = 6;
    let groups = n / per_group;
    let files = 10;
    let mut texts = vec![String::new(); files];
    texts[0].push_str("variable \"env\" {\n  type    = string\n  default = \"bench\"\n}\nlocals {\n  prefix = \"shop-${var.env}\"\n}\n");
    for g in 0..groups {
        let t = &mut texts[g % files];
        let _ = write!(
            t,
            r#"
resource "aws_apprunner_vpc_connector" "c{g}" {{
  arn = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/c{g}/1/abcdef"
}}
resource "aws_apprunner_service" "s{g}" {{
  name              = "${{local.prefix}}-s{g}"
  vpc_connector_arn = aws_apprunner_vpc_connector.c{g}.arn
  timeouts {{ delete = "30m" }}
}}
resource "aws_apprunner_vpc_ingress_connection" "i{g}" {{
  arn         = "arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/i{g}/abcdef"
  service_arn = aws_apprunner_service.s{g}.arn
}}
resource "aws_dx_connection" "d{g}" {{ id = "dxcon-{g:08}" }}
resource "aws_dx_virtual_interface" "v{g}" {{
  id            = "dxvif-{g:08}"
  connection_id = aws_dx_connection.d{g}.id
}}
resource "aws_supplychain_instance" "p{g}" {{
  name       = "plan-{g}"
  depends_on = [aws_dx_virtual_interface.v{g}]
}}
"#
        );
    }
    for (i, t) in texts.iter().enumerate() {
        std::fs::write(dir.path().join(format!("f{i:02}.hcl")), t).expect("write");
    }
    if std::env::var_os("PARSE_ONLY").is_some() {
        let mut best = f64::MAX;
        for _ in 0..5 {
            let start = Instant::now();
            for t in &texts {
                let _ = hcl_edit::parser::parse_body(t).expect("parse");
            }
            best = best.min(start.elapsed().as_secs_f64() * 1000.0);
        }
        let bytes: usize = texts.iter().map(String::len).sum();
        println!("hcl-edit parse only: {best:.1} ms for {bytes} bytes (best of 5)");
    }
    let inputs = decom_parser::VariableInputs::default();
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let m = decom_parser::load(dir.path(), &inputs)
            .unwrap_or_else(|d| panic!("{}", d.render(false)));
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        best = best.min(ms);
        assert_eq!(m.resources.len(), groups * per_group);
    }
    println!(
        "loaded {} resources in {best:.1} ms (best of 5)",
        groups * per_group
    );
}
