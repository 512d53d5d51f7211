//! Positive tests: every language feature loads into the expected Manifest.

mod common;
use std::time::Duration;

use common::*;
use decom_parser::{
    load, DependencyKind, IdentityKind, InstanceKey, Knowable, RelationAttr, ResourceType, Value,
    VariableInputs,
};

fn known(s: &str) -> Knowable<String> {
    Knowable::Known(s.to_string())
}

fn after(s: &str) -> Knowable<String> {
    Knowable::AfterRefresh(s.to_string())
}

fn loc(m: &decom_parser::Manifest, span: decom_parser::Span) -> (usize, usize) {
    let l = m.sources.location(span);
    (l.line, l.column)
}

#[test]
fn design_example_loads_with_identities_relations_and_dependencies() {
    let m = ok(r#"
provider "aws" {
  region              = "us-east-1"
  profile             = "ops"
  allowed_account_ids = ["123456789012"]
}

variable "env" {
  type        = string
  default     = "staging"
  description = "..."
  sensitive   = false
}

locals {
  prefix = "shop-${var.env}"
}

resource "aws_apprunner_vpc_ingress_connection" "web" {
  arn         = "arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/web/0123abcd"
  service_arn = aws_apprunner_service.web.arn
}

resource "aws_apprunner_service" "web" {
  name              = "${local.prefix}-web"
  vpc_connector_arn = aws_apprunner_vpc_connector.shared.arn
  timeouts { delete = "30m" }
}

resource "aws_apprunner_vpc_connector" "shared" {
  arn = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/shared/1/89efcdab"
  lifecycle { prevent_destroy = false }
}

resource "aws_dx_virtual_interface" "prod" {
  id            = "dxvif-ffabc123"
  connection_id = aws_dx_connection.nyc.id
}

resource "aws_dx_connection" "nyc"           { id = "dxcon-fg123456" }
resource "aws_supplychain_instance" "plan"   { name = "planning" }
"#);
    assert_eq!(m.resources.len(), 6);
    let p = &m.providers[0];
    assert_eq!(p.region.as_deref(), Some("us-east-1"));
    assert_eq!(p.profile.as_deref(), Some("ops"));
    assert_eq!(p.allowed_account_ids, vec!["123456789012".to_string()]);
    assert_eq!(p.alias, None);

    let ing = res(&m, "aws_apprunner_vpc_ingress_connection.web");
    assert_eq!(ing.identity.kind, IdentityKind::Arn);
    assert_eq!(ing.identity.value, known(ING_ARN));
    assert_eq!(ing.relations.len(), 1);
    assert_eq!(ing.relations[0].attr, RelationAttr::ServiceArn);
    // The service is identified by name: its ARN is known only after refresh.
    assert_eq!(
        ing.relations[0].value,
        after("aws_apprunner_service.web.arn")
    );
    assert_eq!(ing.dependencies.len(), 1);
    let dep = &ing.dependencies[0];
    assert_eq!(dep.target.to_string(), "aws_apprunner_service.web");
    assert_eq!(
        dep.kind,
        DependencyKind::Reference {
            attribute: "service_arn".into()
        }
    );
    assert_eq!(loc(&m, dep.span), (21, 17));
    assert_eq!(loc(&m, ing.span), (19, 1));
    assert_eq!(ing.delete_timeout, Duration::from_secs(600));

    let svc = res(&m, "aws_apprunner_service.web");
    assert_eq!(svc.identity.kind, IdentityKind::Name);
    assert_eq!(svc.identity.value, known("shop-staging-web"));
    assert_eq!(svc.relations[0].value, known(CONN_ARN));
    assert_eq!(svc.delete_timeout, Duration::from_secs(30 * 60));
    assert_eq!(
        svc.dependencies[0].target.to_string(),
        "aws_apprunner_vpc_connector.shared"
    );

    let vif = res(&m, "aws_dx_virtual_interface.prod");
    assert_eq!(vif.relations[0].attr, RelationAttr::ConnectionId);
    assert_eq!(vif.relations[0].value, known("dxcon-fg123456"));
    assert_eq!(
        vif.dependencies[0].target.to_string(),
        "aws_dx_connection.nyc"
    );

    let sc = res(&m, "aws_supplychain_instance.plan");
    assert_eq!(sc.identity.kind, IdentityKind::Name);
    assert_eq!(sc.delete_timeout, Duration::from_secs(3600));

    assert_eq!(m.variables.len(), 1);
    assert_eq!(m.variables[0].value, Value::String("staging".into()));
}

#[test]
fn directory_files_are_sorted_by_name_and_non_recursive() {
    let d = Dir::new();
    d.write(
        "b.hcl",
        r#"resource "aws_dx_connection" "b" { id = "dxcon-b" }"#,
    );
    d.write(
        "a.hcl",
        r#"resource "aws_dx_connection" "a" { id = "dxcon-a" }"#,
    );
    d.write("notes.txt", "this is not hcl {");
    d.write("c.hcl.bak", "also not hcl {");
    std::fs::create_dir(d.dir.path().join("sub")).unwrap();
    d.write("sub/z.hcl", "broken {");
    let m = load(&d.path(), &VariableInputs::default()).unwrap();
    let names: Vec<String> = m.resources.iter().map(|r| r.address.to_string()).collect();
    assert_eq!(names, ["aws_dx_connection.a", "aws_dx_connection.b"]);
    let files: Vec<String> = m
        .sources
        .files()
        .map(|(_, f)| f.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["a.hcl", "b.hcl"]);
}

#[test]
fn references_work_across_files() {
    let d = Dir::new();
    d.write(
        "10-conn.hcl",
        r#"resource "aws_dx_connection" "c" { id = local.conn }"#,
    );
    d.write(
        "20-vif.hcl",
        "locals { conn = \"dxcon-1\" }\nresource \"aws_dx_virtual_interface\" \"v\" {\n  id = \"dxvif-1\"\n  connection_id = aws_dx_connection.c.id\n}\n",
    );
    let m = load(&d.path(), &VariableInputs::default()).unwrap();
    let v = res(&m, "aws_dx_virtual_interface.v");
    assert_eq!(v.relations[0].value, known("dxcon-1"));
    let l = m.sources.location(v.dependencies[0].span);
    assert!(l.file.ends_with("20-vif.hcl"));
    assert_eq!((l.line, l.column), (4, 19));
}

#[test]
fn single_file_path_loads() {
    let d = Dir::new();
    let p = d.write(
        "only.hcl",
        r#"resource "aws_supplychain_instance" "x" { id = "abc" }"#,
    );
    d.write("other.hcl", "this is broken {");
    let m = load(&p, &VariableInputs::default()).unwrap();
    assert_eq!(m.resources.len(), 1);
    assert_eq!(m.resources[0].identity.kind, IdentityKind::Id);
    assert_eq!(m.resources[0].identity.value, known("abc"));
}

#[test]
fn bom_and_crlf_are_accepted_and_positions_stay_right() {
    let text = "\u{feff}locals {\r\n  n = \"dxcon-1\"\r\n}\r\nresource \"aws_dx_connection\" \"c\" {\r\n  id = local.n\r\n}\r\nresource \"aws_dx_virtual_interface\" \"v\" {\r\n  id = \"dxvif-1\"\r\n  connection_id = aws_dx_connection.c.id\r\n}\r\n";
    let m = ok(text);
    assert_eq!(
        res(&m, "aws_dx_connection.c").identity.value,
        known("dxcon-1")
    );
    let v = res(&m, "aws_dx_virtual_interface.v");
    assert_eq!(loc(&m, v.dependencies[0].span), (9, 19));
    // The BOM is gone from the stored text.
    assert!(m.sources.files().all(|(_, f)| f.text.starts_with("locals")));

    let d = errs("\u{feff}resource \"aws_dx_connection\" \"c\" {\r\n  id = \"dxcon-1\"\r\n  idd = 1\r\n}\r\n");
    assert_one(&d, "unknown attribute `idd`", 3, 3);
}

#[test]
fn heredoc_with_crlf_has_no_carriage_returns() {
    let m = ok("locals {\r\n  n = <<-EOT\r\n    dxcon-1\r\n  EOT\r\n}\r\nresource \"aws_dx_connection\" \"c\" {\r\n  id = trimspace(local.n)\r\n}\r\n");
    assert_eq!(
        res(&m, "aws_dx_connection.c").identity.value,
        known("dxcon-1")
    );
}

#[test]
fn providers_with_aliases() {
    let m = ok(r#"
provider "aws" { region = "us-east-1" }
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}
resource "aws_dx_connection" "a" { id = "dxcon-a" }
resource "aws_dx_connection" "b" {
  id       = "dxcon-b"
  provider = aws.west
}
resource "aws_dx_connection" "c" {
  id       = "dxcon-c"
  provider = aws
}
"#);
    assert_eq!(m.providers.len(), 2);
    assert_eq!(m.providers[1].alias.as_deref(), Some("west"));
    assert_eq!(m.providers[1].region.as_deref(), Some("us-west-2"));
    assert_eq!(res(&m, "aws_dx_connection.a").provider, None);
    assert_eq!(
        res(&m, "aws_dx_connection.b").provider.as_deref(),
        Some("west")
    );
    assert_eq!(res(&m, "aws_dx_connection.c").provider, None);
}

#[test]
fn variable_types_defaults_and_sensitive() {
    let m = ok(r#"
variable "s" {
  type    = string
  default = 5
}
variable "n" {
  type    = number
  default = "42"
}
variable "b" {
  type    = bool
  default = true
}
variable "l" {
  type    = list(string)
  default = ["a", "b"]
}
variable "m" {
  type    = map(number)
  default = { x = 1, y = 2 }
}
variable "a" {
  default   = { k = ["v"] }
  sensitive = true
}
resource "aws_supplychain_instance" "keep" {
  name = "keep"
}
"#);
    let get = |n: &str| m.variables.iter().find(|v| v.name == n).unwrap();
    assert_eq!(get("s").value, Value::String("5".into()));
    assert_eq!(get("n").value, Value::Number(42.0));
    assert_eq!(get("b").value, Value::Bool(true));
    assert_eq!(
        get("l").value,
        Value::List(vec![Value::String("a".into()), Value::String("b".into())])
    );
    assert!(matches!(&get("m").value, Value::Object(o) if o.len() == 2));
    assert!(get("a").sensitive);
    assert!(!get("s").sensitive);
}

#[test]
fn locals_reference_each_other_in_any_order_across_blocks() {
    let m = ok(r#"
locals {
  full = "${local.prefix}-${local.suffix}"
}
locals {
  suffix = upper(local.base)
  prefix = "dxcon"
}
locals { base = "abc" }
resource "aws_dx_connection" "c" { id = local.full }
"#);
    assert_eq!(
        res(&m, "aws_dx_connection.c").identity.value,
        known("dxcon-ABC")
    );
}

#[test]
fn expressions_operators_conditionals_and_templates() {
    let m = ok(r#"
variable "n" {
  type    = number
  default = 3
}
locals {
  list   = ["a", "b", "c"]
  obj    = { k = "v", nested = { deep = 7 } }
  math   = (var.n * 2 + 1) % 4 - 10 / 5
  cmp    = var.n >= 3 && !(var.n == 4) || false
  cond   = var.n > 2 ? "big" : "small"
  idx    = "${local.list[1]}${local.obj.k}${local.obj["nested"].deep}"
  tmpl   = "%{ if local.cmp }yes%{ else }no%{ endif }-%{ for x in local.list }${x}%{ endfor }"
  forexp = join(",", [for s in local.list : upper(s) if s != "b"])
  formap = { for k, v in { a = 1, b = 2 } : k => v * 10 }
  heredoc = <<EOT
line ${var.n}
EOT
  neg    = -var.n
  strnum = "2" + 3
}
resource "aws_supplychain_instance" "x" {
  name = join("|", [local.math, local.cmp, local.cond, local.idx, local.tmpl, local.forexp, local.formap.b, local.heredoc, local.neg, local.strnum])
}
"#);
    assert_eq!(
        res(&m, "aws_supplychain_instance.x").identity.value,
        known("1|true|big|bv7|yes-abc|A,C|20|line 3\n|-3|5")
    );
}

#[test]
fn references_record_dependencies_with_attribute_and_span() {
    let m = ok(r#"
resource "aws_apprunner_vpc_connector" "c" {
  arn = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/c/1/abc"
}
resource "aws_apprunner_service" "s" {
  name              = "svc-${aws_apprunner_vpc_connector.c.id}"
  vpc_connector_arn = aws_apprunner_vpc_connector.c.arn
  depends_on        = [aws_apprunner_vpc_connector.c, aws_dx_connection.d]
}
resource "aws_dx_connection" "d" { id = "dxcon-d" }
"#);
    let s = res(&m, "aws_apprunner_service.s");
    let deps: Vec<(String, String, (usize, usize))> = s
        .dependencies
        .iter()
        .map(|d| {
            let kind = match &d.kind {
                DependencyKind::Reference { attribute } => attribute.clone(),
                DependencyKind::DependsOn => "depends_on".into(),
            };
            (d.target.to_string(), kind, loc(&m, d.span))
        })
        .collect();
    assert_eq!(
        deps,
        vec![
            (
                "aws_apprunner_vpc_connector.c".into(),
                "name".into(),
                (6, 30)
            ),
            (
                "aws_apprunner_vpc_connector.c".into(),
                "vpc_connector_arn".into(),
                (7, 23)
            ),
            (
                "aws_apprunner_vpc_connector.c".into(),
                "depends_on".into(),
                (8, 24)
            ),
            ("aws_dx_connection.d".into(), "depends_on".into(), (8, 55)),
        ]
    );
    // `.id` of an arn-identified resource is its ARN.
    assert_eq!(
        s.identity.value,
        known("svc-arn:aws:apprunner:us-east-1:123456789012:vpcconnector/c/1/abc")
    );
}

#[test]
fn dependencies_are_deduplicated_by_target_and_kind() {
    let m = ok(r#"
resource "aws_dx_connection" "c" { id = "dxcon-1" }
resource "aws_dx_virtual_interface" "v" {
  name          = "${aws_dx_connection.c.id}-${aws_dx_connection.c.id}"
  connection_id = aws_dx_connection.c.id
  depends_on    = [aws_dx_connection.c, aws_dx_connection.c]
}
"#);
    let v = res(&m, "aws_dx_virtual_interface.v");
    assert_eq!(v.dependencies.len(), 3, "{:#?}", v.dependencies);
}

#[test]
fn references_through_locals_depend_with_the_span_of_the_local_use() {
    let m = ok(r#"
locals {
  conn  = aws_dx_connection.c.id
  conn2 = local.conn
}
resource "aws_dx_connection" "c" { id = "dxcon-1" }
resource "aws_dx_virtual_interface" "v" {
  id            = "dxvif-1"
  connection_id = local.conn2
}
"#);
    let v = res(&m, "aws_dx_virtual_interface.v");
    assert_eq!(v.relations[0].value, known("dxcon-1"));
    assert_eq!(v.dependencies.len(), 1);
    assert_eq!(v.dependencies[0].target.to_string(), "aws_dx_connection.c");
    assert_eq!(
        v.dependencies[0].kind,
        DependencyKind::Reference {
            attribute: "connection_id".into()
        }
    );
    assert_eq!(loc(&m, v.dependencies[0].span), (9, 19));
}

#[test]
fn self_references_are_recorded() {
    let m = ok(r#"
resource "aws_apprunner_service" "s" {
  name              = "svc"
  vpc_connector_arn = aws_apprunner_service.s.arn
}
"#);
    let s = res(&m, "aws_apprunner_service.s");
    assert_eq!(
        s.dependencies[0].target.to_string(),
        "aws_apprunner_service.s"
    );
    assert_eq!(s.relations[0].value, after("aws_apprunner_service.s.arn"));
}

#[test]
fn count_expands_with_count_index_and_indexed_references() {
    let m = ok(r#"
resource "aws_dx_connection" "c" {
  count = 3
  id    = "dxcon-${count.index}"
}
resource "aws_dx_virtual_interface" "v" {
  count         = 2
  id            = format("dxvif-%02d", count.index)
  connection_id = aws_dx_connection.c[count.index + 1].id
}
resource "aws_dx_virtual_interface" "last" {
  id            = "dxvif-last"
  connection_id = aws_dx_connection.c[2].id
  depends_on    = [aws_dx_connection.c]
}
"#);
    assert_eq!(m.resources.len(), 6);
    let c1 = res(&m, "aws_dx_connection.c[1]");
    assert_eq!(c1.address.key, Some(InstanceKey::Index(1)));
    assert_eq!(c1.identity.value, known("dxcon-1"));
    let v1 = res(&m, "aws_dx_virtual_interface.v[1]");
    assert_eq!(v1.identity.value, known("dxvif-01"));
    assert_eq!(v1.relations[0].value, known("dxcon-2"));
    assert_eq!(
        v1.dependencies[0].target.to_string(),
        "aws_dx_connection.c[2]"
    );
    let last = res(&m, "aws_dx_virtual_interface.last");
    let targets: Vec<String> = last
        .dependencies
        .iter()
        .map(|d| format!("{} {:?}", d.target, d.kind))
        .collect();
    assert_eq!(
        targets,
        [
            "aws_dx_connection.c[2] Reference { attribute: \"connection_id\" }",
            "aws_dx_connection.c[0] DependsOn",
            "aws_dx_connection.c[1] DependsOn",
            "aws_dx_connection.c[2] DependsOn",
        ]
    );
}

#[test]
fn count_zero_has_no_instances_and_count_can_use_variables() {
    let m = ok(r#"
variable "n" {
  type    = number
  default = 0
}
resource "aws_dx_connection" "c" {
  count = var.n
  id    = "dxcon-${count.index}"
}
resource "aws_dx_connection" "d" {
  count = length(["a", "b"])
  id    = "dxcon-d${count.index}"
}
"#);
    let names: Vec<String> = m.resources.iter().map(|r| r.address.to_string()).collect();
    assert_eq!(names, ["aws_dx_connection.d[0]", "aws_dx_connection.d[1]"]);
}

#[test]
fn for_each_over_maps_and_lists() {
    let m = ok(r#"
resource "aws_dx_connection" "c" {
  for_each = { nyc = "dxcon-n", lon = "dxcon-l" }
  id       = each.value
}
resource "aws_supplychain_instance" "s" {
  for_each = ["alpha", "beta", "alpha"]
  name     = "${each.key}-${each.value}"
}
resource "aws_dx_virtual_interface" "v" {
  for_each      = aws_dx_connection.c["nyc"].id == "dxcon-n" ? { a = "nyc" } : {}
  id            = "dxvif-${each.key}"
  connection_id = aws_dx_connection.c[each.value].id
}
"#);
    let c = res(&m, "aws_dx_connection.c[\"nyc\"]");
    assert_eq!(c.address.key, Some(InstanceKey::Key("nyc".into())));
    assert_eq!(c.identity.value, known("dxcon-n"));
    assert_eq!(
        res(&m, "aws_dx_connection.c[\"lon\"]").identity.value,
        known("dxcon-l")
    );
    let s: Vec<String> = m
        .resources
        .iter()
        .filter(|r| r.address.resource_type == ResourceType::SupplyChainInstance)
        .map(|r| r.address.to_string())
        .collect();
    assert_eq!(
        s,
        [
            "aws_supplychain_instance.s[\"alpha\"]",
            "aws_supplychain_instance.s[\"beta\"]"
        ]
    );
    assert_eq!(
        res(&m, "aws_supplychain_instance.s[\"beta\"]")
            .identity
            .value,
        known("beta-beta")
    );
    let v = res(&m, "aws_dx_virtual_interface.v[\"a\"]");
    assert_eq!(v.relations[0].value, known("dxcon-n"));
    let deps: Vec<(String, DependencyKind)> = v
        .dependencies
        .iter()
        .map(|d| (d.target.to_string(), d.kind.clone()))
        .collect();
    let reference = |a: &str| DependencyKind::Reference {
        attribute: a.to_string(),
    };
    assert_eq!(
        deps,
        [
            (
                "aws_dx_connection.c[\"nyc\"]".to_string(),
                reference("for_each")
            ),
            (
                "aws_dx_connection.c[\"nyc\"]".to_string(),
                reference("connection_id")
            ),
        ]
    );
}

#[test]
fn every_builtin_function() {
    let m = ok(r#"
locals {
  r = [
    length(["a", "b"]), length({ a = 1 }), length("héllo"),
    lower("ABC"), upper("abc"),
    join("-", ["a", "b"], ["c"]),
    join(",", split(".", "a.b.c")),
    format("%s=%d (%.1f) %q %v %t %%", "x", 3, 2.25, "q", 5, true),
    join(",", concat(["a"], ["b", "c"], [])),
    merge({ a = 1, b = 2 }, { b = 3 }).b,
    lookup({ a = "x" }, "a"), lookup({ a = "x" }, "z", "dflt"),
    element(["a", "b", "c"], 4),
    replace("a-b-c", "-", "+"),
    trimspace("  t \n"),
    tostring(12), tostring(true),
    tonumber("12.5") + 1,
    coalesce(null, "", "first"),
  ]
}
resource "aws_supplychain_instance" "x" { name = join("|", local.r) }
"#);
    assert_eq!(
        res(&m, "aws_supplychain_instance.x").identity.value,
        known("2|1|5|abc|ABC|a-b-c|a,b,c|x=3 (2.2) \"q\" 5 true %|a,b,c|3|x|dflt|b|a+b+c|t|12|true|13.5|first")
    );
}

#[test]
fn function_argument_expansion() {
    let m = ok(r#"
locals { parts = ["dxcon", "1"] }
resource "aws_dx_connection" "c" { id = format("%s-%s", local.parts...) }
"#);
    assert_eq!(
        res(&m, "aws_dx_connection.c").identity.value,
        known("dxcon-1")
    );
}

#[test]
fn unknown_values_propagate_and_become_after_refresh() {
    let m = ok(r#"
resource "aws_apprunner_service" "s" { name = "svc" }
resource "aws_dx_connection" "c" { name = "conn" }
resource "aws_dx_connection" "byid" { id = "dxcon-1" }
resource "aws_apprunner_vpc_connector" "k" {
  arn = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/k/1/abc"
}
resource "aws_apprunner_vpc_ingress_connection" "i" {
  name        = "${aws_apprunner_service.s.arn}"
  service_arn = aws_apprunner_service.s.arn
}
resource "aws_dx_virtual_interface" "v" {
  name          = aws_apprunner_vpc_connector.k.name
  connection_id = aws_dx_connection.c.id
}
resource "aws_dx_virtual_interface" "w" {
  name          = aws_dx_connection.byid.arn
  connection_id = aws_dx_connection.byid.id
}
resource "aws_supplychain_instance" "n" {
  name = aws_dx_connection.c.name
}
"#);
    let i = res(&m, "aws_apprunner_vpc_ingress_connection.i");
    assert_eq!(i.identity.value, after("aws_apprunner_service.s.arn"));
    assert_eq!(i.relations[0].value, after("aws_apprunner_service.s.arn"));
    let v = res(&m, "aws_dx_virtual_interface.v");
    assert_eq!(
        v.identity.value,
        after("aws_apprunner_vpc_connector.k.name")
    );
    assert_eq!(v.relations[0].value, after("aws_dx_connection.c.id"));
    let w = res(&m, "aws_dx_virtual_interface.w");
    assert_eq!(w.identity.value, after("aws_dx_connection.byid.arn"));
    assert_eq!(w.relations[0].value, known("dxcon-1"));
    assert_eq!(
        res(&m, "aws_supplychain_instance.n").identity.value,
        known("conn")
    );
}

#[test]
fn timeouts_and_lifecycle() {
    let m = ok(r#"
resource "aws_dx_connection" "a" {
  id = "dxcon-a"
  timeouts { delete = "1h30m" }
  lifecycle { prevent_destroy = true }
}
resource "aws_dx_connection" "b" {
  id = "dxcon-b"
  timeouts { delete = "90s" }
}
resource "aws_dx_connection" "c" {
  id = "dxcon-c"
  timeouts { delete = "2h" }
}
"#);
    let a = res(&m, "aws_dx_connection.a");
    assert_eq!(a.delete_timeout, Duration::from_secs(5400));
    assert!(a.prevent_destroy);
    assert_eq!(
        res(&m, "aws_dx_connection.b").delete_timeout,
        Duration::from_secs(90)
    );
    assert_eq!(
        res(&m, "aws_dx_connection.c").delete_timeout,
        Duration::from_secs(7200)
    );
    assert!(!res(&m, "aws_dx_connection.b").prevent_destroy);
}

#[test]
fn default_timeouts_follow_the_type_table() {
    let m = ok(&format!(
        r#"
resource "aws_apprunner_vpc_ingress_connection" "i" {{ arn = "{ING_ARN}" }}
resource "aws_apprunner_service" "s" {{ arn = "{SVC_ARN}" }}
resource "aws_apprunner_vpc_connector" "c" {{ arn = "{CONN_ARN}" }}
resource "aws_dx_virtual_interface" "v" {{ id = "dxvif-1" }}
resource "aws_dx_connection" "d" {{ id = "dxcon-1" }}
resource "aws_supplychain_instance" "p" {{ id = "p-1" }}
"#
    ));
    let mins: Vec<u64> = m
        .resources
        .iter()
        .map(|r| r.delete_timeout.as_secs() / 60)
        .collect();
    assert_eq!(mins, [10, 20, 5, 10, 10, 60]);
    for r in &m.resources {
        assert_eq!(
            r.delete_timeout,
            r.address.resource_type.default_delete_timeout()
        );
    }
}

#[test]
fn arn_partitions_are_accepted() {
    ok(r#"
resource "aws_apprunner_service" "cn" { arn = "arn:aws-cn:apprunner:cn-north-1:123456789012:service/a/1" }
resource "aws_apprunner_service" "gov" { arn = "arn:aws-us-gov:apprunner:us-gov-west-1:123456789012:service/a/1" }
"#);
}

#[test]
fn large_directories_load_in_file_order() {
    let d = Dir::new();
    for f in 0..4 {
        let mut text = String::new();
        for i in 0..1500 {
            text.push_str(&format!(
                "resource \"aws_dx_connection\" \"c{f}_{i}\" {{\n  id = \"dxcon-{f}-{i}\"\n}}\n"
            ));
        }
        d.write(&format!("f{f}.hcl"), &text);
    }
    let m = load(&d.path(), &VariableInputs::default()).unwrap();
    assert_eq!(m.resources.len(), 6000);
    assert_eq!(m.resources[0].address.to_string(), "aws_dx_connection.c0_0");
    assert_eq!(
        m.resources[4500].address.to_string(),
        "aws_dx_connection.c3_0"
    );
    let l = m.sources.location(m.resources[4500].span);
    assert!(l.file.ends_with("f3.hcl"));
}

#[test]
fn providers_may_use_variables_and_locals_and_templates_strip() {
    let m = ok(r#"
variable "region" { default = "eu-west-1" }
locals { acct = "123456789012" }
provider "aws" {
  region              = var.region
  allowed_account_ids = [local.acct]
}
resource "aws_supplychain_instance" "s" { name = "x${~ " y " ~}z" }
"#);
    assert_eq!(m.providers[0].region.as_deref(), Some("eu-west-1"));
    assert_eq!(m.providers[0].allowed_account_ids, ["123456789012"]);
    assert_eq!(m.resources[0].identity.value, known("x y z"));
}

#[test]
fn a_direct_reference_known_only_after_refresh_is_carried_as_that_reference() {
    use decom_parser::{split_reference, Knowable};
    let m = ok(
        "resource \"aws_dx_connection\" \"c\" {\n  name = \"nyc\"\n}\n\
         resource \"aws_dx_virtual_interface\" \"v\" {\n  id            = \"dxvif-ffabc123\"\n  connection_id = \"${aws_dx_connection.c.id}\"\n}\n",
    );
    let v = m.resources.iter().find(|r| r.address.name == "v").unwrap();
    let Knowable::AfterRefresh(reference) = &v.relations[0].value else {
        panic!("expected a value known after refresh");
    };
    let (address, attr) = split_reference(reference).unwrap();
    assert_eq!(
        (address.to_string().as_str(), attr),
        ("aws_dx_connection.c", "id")
    );
}

#[test]
fn a_provider_takes_forbidden_accounts_an_assumed_role_and_protect_tags() {
    let m = ok(r#"
variable "env" { default = "prod" }
provider "aws" {
  alias                 = "prod"
  forbidden_account_ids = ["111111111111"]
  protect_tags          = { keep = "yes", env = var.env }
  assume_role {
    role_arn     = "arn:aws:iam::210987654321:role/deleter"
    session_name = "ci"
    external_id  = "ext-1"
    duration     = "15m"
  }
}
resource "aws_supplychain_instance" "s" {
  name     = "x"
  provider = aws.prod
}
"#);
    let p = &m.providers[0];
    assert_eq!(p.forbidden_account_ids, ["111111111111"]);
    let tags: Vec<(&str, &str)> = p
        .protect_tags
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(tags, [("env", "prod"), ("keep", "yes")]);
    let role = p.assume_role.as_ref().expect("assume_role is parsed");
    assert_eq!(role.role_arn, "arn:aws:iam::210987654321:role/deleter");
    assert_eq!(role.session_name.as_deref(), Some("ci"));
    assert_eq!(role.external_id.as_deref(), Some("ext-1"));
    assert_eq!(role.duration, Some(Duration::from_secs(900)));
}

const SERVICE_ARN: &str =
    "arn:aws:apprunner:us-east-1:123456789012:service/web/0123456789abcdef0123456789abcdef";

#[test]
fn a_composite_identity_is_its_parts_composed_once_all_are_known() {
    let m = ok(&format!(
        "resource \"aws_apprunner_custom_domain_association\" \"d\" {{\n  service_arn = \"{SERVICE_ARN}\"\n  domain_name = \"www.example.com\"\n}}\n"
    ));
    let d = res(&m, "aws_apprunner_custom_domain_association.d");
    assert_eq!(d.identity.kind, IdentityKind::Composite);
    assert_eq!(
        d.identity.value,
        known(&format!("{SERVICE_ARN},www.example.com"))
    );
    let parts: Vec<(&str, &Knowable<String>)> = d
        .identity
        .parts
        .iter()
        .map(|p| (p.attr, &p.value))
        .collect();
    assert_eq!(
        parts,
        [
            ("service_arn", &known(SERVICE_ARN)),
            ("domain_name", &known("www.example.com"))
        ]
    );
    // The part that is a relation is a relation too.
    assert_eq!(d.relations.len(), 1);
    assert_eq!(d.relations[0].attr, RelationAttr::ServiceArn);
    assert_eq!(loc(&m, d.identity.parts[1].span), (3, 3));
}

#[test]
fn a_composite_part_may_reference_another_resource_and_orders_the_graph() {
    let m = ok(
        "resource \"aws_apprunner_service\" \"web\" {\n  name = \"web\"\n}\nresource \"aws_apprunner_custom_domain_association\" \"d\" {\n  service_arn = aws_apprunner_service.web.arn\n  domain_name = \"www.example.com\"\n}\n",
    );
    let d = res(&m, "aws_apprunner_custom_domain_association.d");
    // Known only when the service's ARN is: resolution composes it then.
    assert_eq!(d.identity.value, after("aws_apprunner_service.web.arn"));
    assert_eq!(
        d.identity.parts[0].value,
        after("aws_apprunner_service.web.arn")
    );
    assert_eq!(d.dependencies.len(), 1);
    assert_eq!(
        d.dependencies[0].target.to_string(),
        "aws_apprunner_service.web"
    );
    assert_eq!(
        d.dependencies[0].kind,
        DependencyKind::Reference {
            attribute: "service_arn".into()
        }
    );
}

#[test]
fn a_composite_part_may_be_an_expression_per_instance() {
    let m = ok(&format!(
        "resource \"aws_apprunner_custom_domain_association\" \"d\" {{\n  service_arn = \"{SERVICE_ARN}\"\n  domain_name = \"www.example.com\"\n}}\nresource \"aws_apprunner_custom_domain_association\" \"e\" {{\n  count       = 1\n  service_arn = \"{SERVICE_ARN}\"\n  domain_name = \"api-${{count.index}}.example.com\"\n  depends_on  = [aws_apprunner_custom_domain_association.d]\n}}\n"
    ));
    let e = res(&m, "aws_apprunner_custom_domain_association.e[0]");
    assert_eq!(
        e.identity.value,
        known(&format!("{SERVICE_ARN},api-0.example.com"))
    );
}
