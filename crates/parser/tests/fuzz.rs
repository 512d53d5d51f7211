//! Robustness: random bytes and random mutations of a valid manifest must
//! never make `load` panic (DESIGN safety invariant 5).

mod common;

use common::Dir;
use decom_parser::{load, VariableInputs};
use proptest::prelude::*;

const VALID: &str = r#"
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["123456789012"]
  alias               = "west"
}
variable "env" {
  type    = string
  default = "staging"
}
variable "n" {
  type    = number
  default = 2
}
locals {
  prefix = "shop-${var.env}"
  names  = { a = "x", b = "y" }
}
resource "aws_apprunner_vpc_ingress_connection" "web" {
  arn         = "arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/web/0123abcd"
  service_arn = aws_apprunner_service.web.arn
}
resource "aws_apprunner_service" "web" {
  name              = "${local.prefix}-web"
  vpc_connector_arn = aws_apprunner_vpc_connector.shared.arn
  provider          = aws.west
  timeouts { delete = "1h30m" }
}
resource "aws_apprunner_vpc_connector" "shared" {
  arn = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/shared/1/89efcdab"
  lifecycle { prevent_destroy = false }
}
resource "aws_dx_connection" "c" {
  count = var.n
  id    = format("dxcon-%02d", count.index)
}
resource "aws_dx_virtual_interface" "v" {
  for_each      = local.names
  id            = "dxvif-${each.key}"
  connection_id = aws_dx_connection.c[0].id
  depends_on    = [aws_dx_connection.c]
}
resource "aws_supplychain_instance" "plan" { name = upper(join("-", [for k, v in local.names : "${k}${v}"])) }
"#;

fn run(bytes: &[u8]) {
    let d = Dir::new();
    std::fs::write(d.dir.path().join("main.hcl"), bytes).unwrap();
    let result = load(&d.path(), &VariableInputs::default());
    // Rendering must not panic either.
    if let Err(diags) = result {
        let _ = diags.render(false);
        let _ = diags.to_json();
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Delete(usize, usize),
    Truncate(usize),
    Duplicate(usize, usize, usize),
    Insert(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), 0usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 0usize..60, any::<usize>())
            .prop_map(|(i, n, at)| Mutation::Duplicate(i, n, at)),
        (
            any::<usize>(),
            prop::sample::select(b"{}[]()\"$%=.,:?!<>\n#*/\\ ~".to_vec())
        )
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
    ]
}

fn apply(mut v: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let len = v.len().max(1);
    match *m {
        Mutation::Flip(i, b) => {
            if !v.is_empty() {
                v[i % len] = b;
            }
        }
        Mutation::Delete(i, n) => {
            let start = (i % len).min(v.len());
            let end = (start + n).min(v.len());
            v.drain(start..end);
        }
        Mutation::Truncate(i) => v.truncate(i % len),
        Mutation::Duplicate(i, n, at) => {
            let start = (i % len).min(v.len());
            let end = (start + n).min(v.len());
            let slice = v[start..end].to_vec();
            let at = (at % len).min(v.len());
            v.splice(at..at, slice);
        }
        Mutation::Insert(i, b) => {
            let at = (i % len).min(v.len());
            v.insert(at, b);
        }
    }
    v
}

#[test]
fn the_seed_manifest_is_valid() {
    let d = Dir::new();
    d.write("main.hcl", VALID);
    let m = load(&d.path(), &VariableInputs::default())
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    assert_eq!(m.resources.len(), 8);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        run(&bytes);
    }

    #[test]
    fn mutated_manifests_never_panic(muts in prop::collection::vec(mutation(), 1..6)) {
        let mut v = VALID.as_bytes().to_vec();
        for m in &muts {
            v = apply(v, m);
        }
        run(&v);
    }

    #[test]
    fn random_text_expressions_never_panic(expr in "[a-z_.\\[\\]0-9\"(){}$ ,:?+*/%!=<>-]{0,60}") {
        let text = format!("locals {{\n  x = {expr}\n}}\nresource \"aws_dx_connection\" \"c\" {{\n  id = \"dxcon-${{local.x}}\"\n}}\n");
        run(text.as_bytes());
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = format!(
        "locals {{\n  x = {}1{}\n}}\n",
        "[".repeat(3000),
        "]".repeat(3000)
    );
    run(deep.as_bytes());
    let parens = format!(
        "locals {{\n  x = {}1{}\n}}\n",
        "(".repeat(3000),
        ")".repeat(3000)
    );
    run(parens.as_bytes());
    let mut chain = String::from("locals {\n  l0 = 1\n");
    for i in 1..3000 {
        chain.push_str(&format!("  l{i} = local.l{}\n", i - 1));
    }
    chain.push_str("}\n");
    run(chain.as_bytes());
}

#[test]
fn huge_counts_are_rejected_not_allocated() {
    run(b"resource \"aws_dx_connection\" \"c\" {\n  count = 1e15\n  id = \"dxcon-1\"\n}\n");
    run(b"resource \"aws_dx_connection\" \"c\" {\n  count = 99999999999999999999999999\n  id = \"dxcon-1\"\n}\n");
}
