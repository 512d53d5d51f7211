//! Negative tests: each asserts the message and the exact line:column.

mod common;
use common::*;
use decom_parser::{load, VariableInputs};

#[test]
fn syntax_error() {
    let d = errs("locals {\n  a = \"x\"\n  b = = 2\n}\n");
    assert_one(&d, "syntax error", 3, 7);
}

#[test]
fn syntax_error_stops_evaluation_but_other_files_are_still_checked() {
    let dir = Dir::new();
    dir.write(
        "a.hcl",
        "resource \"aws_dx_connection\" \"c\" {\n  id = \"dxcon-1\"\n",
    );
    dir.write("b.hcl", "resource \"aws_dx_virtual_interface\" \"v\" {\n  id = \"dxvif-1\"\n  connection_id = aws_dx_connection.c.id\n  bogus = 1\n}\n");
    let d = load(&dir.path(), &VariableInputs::default()).unwrap_err();
    let p = positions(&d);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(p[0].0.starts_with("syntax error"), "{p:#?}");
    // The file ends without `}`: the error points at its last character.
    assert_eq!((p[0].1, p[0].2), (2, 17));
    assert!(p[1].0.contains("unknown attribute `bogus`"));
    assert_eq!((p[1].1, p[1].2), (4, 3));
}

#[test]
fn unknown_block_type() {
    let d = errs("\ndata \"aws_x\" \"y\" {}\n");
    assert_one(&d, "unknown block type `data`", 2, 1);
    assert!(d.items[0]
        .help
        .as_deref()
        .unwrap()
        .contains("provider, variable, locals, resource"));
}

#[test]
fn unknown_resource_type_with_suggestion() {
    let d = errs("resource \"aws_apprunner_servce\" \"x\" {\n  name = \"a\"\n}\n");
    assert_one(&d, "unknown resource type `aws_apprunner_servce`; allowed: aws_apprunner_vpc_ingress_connection, aws_apprunner_custom_domain_association, aws_apprunner_service", 1, 10);
    assert_eq!(
        d.items[0].help.as_deref(),
        Some("did you mean `aws_apprunner_service`?")
    );
}

#[test]
fn unknown_attribute_lists_allowed_and_suggests() {
    let d = errs(&format!(
        "resource \"aws_apprunner_service\" \"x\" {{\n  arnn = \"{SVC_ARN}\"\n}}\n"
    ));
    assert_one(
        &d,
        "unknown attribute `arnn` in aws_apprunner_service; allowed: arn, name, vpc_connector_arn, auto_scaling_configuration_arn, observability_configuration_arn, connection_arn, provider, depends_on, count, for_each",
        2,
        3,
    );
    assert_eq!(d.items[0].help.as_deref(), Some("did you mean `arn`?"));
}

#[test]
fn unknown_nested_block() {
    let d = errs("resource \"aws_dx_connection\" \"x\" {\n  id = \"dxcon-1\"\n  lifecycel { prevent_destroy = true }\n}\n");
    assert_one(
        &d,
        "unknown nested block `lifecycel` in aws_dx_connection; allowed: lifecycle, timeouts",
        3,
        3,
    );
    assert_eq!(
        d.items[0].help.as_deref(),
        Some("did you mean `lifecycle`?")
    );
}

#[test]
fn unknown_lifecycle_and_provider_attributes() {
    let d = errs("provider \"aws\" {\n  regoin = \"x\"\n}\nresource \"aws_dx_connection\" \"x\" {\n  id = \"dxcon-1\"\n  lifecycle { ignore_changes = [] }\n}\n");
    let p = positions(&d);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(p[0].0.contains("unknown attribute `regoin` in provider \"aws\"; allowed: region, profile, allowed_account_ids, alias, forbidden_account_ids, protect_tags"));
    assert_eq!((p[0].1, p[0].2), (2, 3));
    assert!(p[1]
        .0
        .contains("unknown attribute `ignore_changes` in lifecycle; allowed: prevent_destroy"));
    assert_eq!((p[1].1, p[1].2), (6, 15));
}

#[test]
fn both_arn_and_name() {
    let d = errs(&format!(
        "resource \"aws_apprunner_service\" \"x\" {{\n  arn  = \"{SVC_ARN}\"\n  name = \"web\"\n}}\n"
    ));
    assert_one(
        &d,
        "aws_apprunner_service.x sets both `arn` and `name`; give exactly one",
        3,
        3,
    );
}

#[test]
fn neither_identity() {
    let d = errs("\n\nresource \"aws_dx_connection\" \"x\" {\n}\n");
    assert_one(
        &d,
        "aws_dx_connection.x has no identity: set `id` or `name`",
        3,
        1,
    );
}

#[test]
fn identity_shapes_are_checked() {
    let d = errs(
        r#"resource "aws_apprunner_service" "a" { arn = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/x/1/a" }
resource "aws_dx_connection" "b" { id = "dxvif-123" }
resource "aws_dx_virtual_interface" "c" { id = "vif-1" }
resource "aws_apprunner_vpc_connector" "d" { arn = "arn:aws:apprunner:us-east-1:12345:vpcconnector/x/1/a" }
resource "aws_supplychain_instance" "e" { id = "" }
"#,
    );
    let p = positions(&d);
    let expect = [
        (
            "is a vpcconnector ARN, but aws_apprunner_service needs a service ARN",
            1,
            46,
        ),
        ("\"dxvif-123\" is not a Direct Connect connection id", 2, 41),
        (
            "\"vif-1\" is not a Direct Connect virtual interface id",
            3,
            48,
        ),
        ("is not an App Runner VPC connector ARN", 4, 52),
        (
            "`id` of a aws_supplychain_instance must not be empty",
            5,
            48,
        ),
    ];
    assert_eq!(p.len(), expect.len(), "{p:#?}");
    for ((m, l, c), (want, wl, wc)) in p.iter().zip(expect) {
        assert!(m.contains(want), "{m:?} does not contain {want:?}");
        assert_eq!((*l, *c), (wl, wc), "{m}");
    }
    assert!(d.items[0]
        .help
        .as_deref()
        .unwrap()
        .contains("arn:aws:apprunner:us-east-1:123456789012:service/"));
}

#[test]
fn duplicate_resource_address() {
    let d = errs("resource \"aws_dx_connection\" \"x\" { id = \"dxcon-1\" }\n\nresource \"aws_dx_connection\" \"x\" { id = \"dxcon-2\" }\n");
    assert_one(&d, "duplicate resource address aws_dx_connection.x", 3, 1);
    assert!(
        d.items[0].help.as_deref().unwrap().contains("main.hcl:1"),
        "{:?}",
        d.items[0].help
    );
}

#[test]
fn duplicate_variable_and_local() {
    let d = errs("variable \"a\" { default = 1 }\nvariable \"a\" { default = 2 }\nlocals { x = 1 }\nlocals {\n  x = 2\n}\n");
    let p = positions(&d);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert_eq!(p[0].0, "duplicate variable \"a\"");
    assert_eq!((p[0].1, p[0].2), (2, 1));
    assert!(d.items[0].help.as_deref().unwrap().contains("main.hcl:1"));
    assert_eq!(p[1].0, "duplicate local `x`");
    assert_eq!((p[1].1, p[1].2), (5, 3));
    assert!(d.items[1].help.as_deref().unwrap().contains("main.hcl:3"));
}

#[test]
fn undefined_variable() {
    let d = errs("variable \"region\" { default = \"x\" }\nresource \"aws_dx_connection\" \"x\" {\n  id = \"dxcon-${var.regoin}\"\n}\n");
    assert_one(&d, "undefined variable `var.regoin`", 3, 17);
    assert_eq!(
        d.items[0].help.as_deref(),
        Some("did you mean `var.region`?")
    );
}

#[test]
fn undefined_local() {
    let d = errs("resource \"aws_dx_connection\" \"x\" {\n  id = local.nope\n}\n");
    assert_one(&d, "undefined local `local.nope`", 2, 8);
}

#[test]
fn undefined_resource_reference() {
    let d = errs("resource \"aws_dx_connection\" \"nyc\" { id = \"dxcon-1\" }\nresource \"aws_dx_virtual_interface\" \"v\" {\n  id            = \"dxvif-1\"\n  connection_id = aws_dx_connection.nyx.id\n}\n");
    assert_one(
        &d,
        "reference to undeclared resource aws_dx_connection.nyx",
        4,
        19,
    );
    assert_eq!(
        d.items[0].help.as_deref(),
        Some("did you mean `aws_dx_connection.nyc`?")
    );
}

#[test]
fn unsupported_reference_attribute() {
    let d = errs("resource \"aws_dx_connection\" \"c\" { id = \"dxcon-1\" }\nresource \"aws_dx_virtual_interface\" \"v\" {\n  id            = \"dxvif-1\"\n  connection_id = aws_dx_connection.c.status\n}\n");
    assert_one(
        &d,
        "unsupported attribute `status` of aws_dx_connection.c; allowed: arn, id, name",
        4,
        19,
    );
}

#[test]
fn locals_cycle_is_named() {
    let d = errs(
        "locals {\n  a = local.b\n  b = \"${local.c}\"\n  c = upper(local.a)\n  d = local.a\n}\n",
    );
    assert_one(
        &d,
        "cycle among locals: local.a -> local.b -> local.c -> local.a",
        2,
        3,
    );
}

#[test]
fn bad_durations() {
    let d = errs("resource \"aws_dx_connection\" \"x\" {\n  id = \"dxcon-1\"\n  timeouts {\n    delete = \"30 minutes\"\n  }\n}\n");
    assert_one(
        &d,
        "invalid duration \"30 minutes\" for timeouts.delete",
        4,
        14,
    );
    assert!(d.items[0].help.as_deref().unwrap().contains("1h30m"));
    let d = errs("resource \"aws_dx_connection\" \"x\" {\n  id = \"dxcon-1\"\n  timeouts { delete = 30 }\n}\n");
    assert_one(&d, "expected a duration string, got number", 3, 23);
    // Longer than a year is a typo, and would overflow the scheduler's
    // deadline arithmetic (a panic in the task that deletes it).
    let d = errs("resource \"aws_dx_connection\" \"x\" {\n  id = \"dxcon-1\"\n  timeouts { delete = \"5124095576030431h\" }\n}\n");
    assert_one(
        &d,
        "invalid duration \"5124095576030431h\" for timeouts.delete",
        3,
        23,
    );
    assert!(d.items[0]
        .help
        .as_deref()
        .unwrap()
        .contains("at most 8784h"));
}

#[test]
fn bad_count() {
    let d = errs("resource \"aws_dx_connection\" \"x\" {\n  count = -1\n  id    = \"dxcon-${count.index}\"\n}\n");
    assert_one(
        &d,
        "`count` must be a non-negative whole number, got -1",
        2,
        11,
    );
    let d =
        errs("resource \"aws_dx_connection\" \"x\" {\n  count = 1.5\n  id    = \"dxcon-1\"\n}\n");
    assert_one(
        &d,
        "`count` must be a non-negative whole number, got 1.5",
        2,
        11,
    );
    let d = errs(
        "resource \"aws_dx_connection\" \"x\" {\n  count = \"three\"\n  id    = \"dxcon-1\"\n}\n",
    );
    assert_one(
        &d,
        "wrong value type for `count`: expected number, got string",
        2,
        11,
    );
    let d = errs("resource \"aws_dx_connection\" \"k\" { name = \"k\" }\nresource \"aws_dx_connection\" \"x\" {\n  count = length(aws_dx_connection.k.arn)\n  id    = \"dxcon-1\"\n}\n");
    assert_one(
        &d,
        "`count` must be known before refresh, but it depends on aws_dx_connection.k.arn",
        3,
        11,
    );
}

#[test]
fn count_and_for_each_together() {
    let d = errs("resource \"aws_dx_connection\" \"x\" {\n  count    = 1\n  for_each = [\"a\"]\n  id       = \"dxcon-1\"\n}\n");
    assert_one(&d, "`count` and `for_each` cannot both be set", 3, 3);
}

#[test]
fn count_index_and_each_outside_their_blocks() {
    let d = errs("locals { i = count.index }\nresource \"aws_dx_connection\" \"x\" {\n  id = \"dxcon-${each.key}\"\n}\n");
    let p = positions(&d);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(p[0]
        .0
        .contains("`count.index` can only be used in a resource block that sets `count`"));
    assert_eq!((p[0].1, p[0].2), (1, 14));
    assert!(p[1]
        .0
        .contains("`each.key` can only be used in a resource block that sets `for_each`"));
    assert_eq!((p[1].1, p[1].2), (3, 17));
}

#[test]
fn counted_references_need_valid_indexes() {
    let d = errs(
        r#"resource "aws_dx_connection" "c" {
  count = 2
  id    = "dxcon-${count.index}"
}
resource "aws_dx_connection" "m" {
  for_each = { a = "dxcon-a" }
  id       = each.value
}
resource "aws_dx_virtual_interface" "v1" { name = aws_dx_connection.c.id }
resource "aws_dx_virtual_interface" "v2" { name = aws_dx_connection.c[2].id }
resource "aws_dx_virtual_interface" "v3" { name = aws_dx_connection.m["b"].id }
resource "aws_dx_virtual_interface" "v4" { name = aws_dx_connection.m[0].id }
"#,
    );
    let p = positions(&d);
    let expect = [
        (
            "aws_dx_connection.c has `count`; a reference must pick an instance",
            9,
            51,
        ),
        (
            "index 2 is out of range for aws_dx_connection.c, which has 2 instance(s)",
            10,
            71,
        ),
        ("aws_dx_connection.m has no instance with key \"b\"", 11, 71),
        (
            "aws_dx_connection.m uses `for_each`, so its instances are keyed by strings, not [0]",
            12,
            71,
        ),
    ];
    assert_eq!(p.len(), expect.len(), "{p:#?}");
    for ((m, l, c), (want, wl, wc)) in p.iter().zip(expect) {
        assert!(m.contains(want), "{m:?} does not contain {want:?}");
        assert_eq!((*l, *c), (wl, wc), "{m}");
    }
}

#[test]
fn missing_variable_value() {
    let d = errs("\nvariable \"env\" {\n  type = string\n}\n");
    assert_one(&d, "no value for variable \"env\"", 2, 1);
    assert!(d.items[0]
        .help
        .as_deref()
        .unwrap()
        .contains("--var env=..."));
}

#[test]
fn wrong_value_types() {
    let d = errs("resource \"aws_dx_connection\" \"x\" {\n  id = \"dxcon-1\"\n  lifecycle {\n    prevent_destroy = \"yes\"\n  }\n}\n");
    assert_one(
        &d,
        "wrong value type for `prevent_destroy`: expected bool, got string",
        4,
        23,
    );
    assert_eq!(
        d.items[0].help.as_deref(),
        Some("write the bool without quotes: true")
    );

    let d = errs("variable \"n\" {\n  type    = number\n  default = \"abc\"\n}\n");
    assert_one(&d, "default value of variable \"n\" does not match its type number: expected number, got string \"abc\"", 3, 13);

    let d = errs("variable \"l\" {\n  type    = list(string)\n  default = \"abc\"\n}\n");
    assert_one(&d, "expected list(string), got string", 3, 13);

    let d = errs("resource \"aws_dx_connection\" \"x\" {\n  id = [\"dxcon-1\"]\n}\n");
    assert_one(
        &d,
        "wrong value type for `id`: expected string, got list",
        2,
        8,
    );

    let d = errs("variable \"x\" {\n  type = strin\n  default = \"a\"\n}\n");
    assert_one(&d, "unsupported type for variable \"x\"; allowed: string, number, bool, list(TYPE), map(TYPE), any", 2, 10);
}

#[test]
fn bad_function_arity_and_arguments() {
    let d = errs("locals {\n  a = upper(\"a\", \"b\")\n}\n");
    assert_one(
        &d,
        "wrong number of arguments to `upper`: expected 1, got 2",
        2,
        7,
    );
    let d = errs("locals {\n  a = lookup({})\n}\n");
    assert_one(
        &d,
        "wrong number of arguments to `lookup`: expected 2 to 3, got 1",
        2,
        7,
    );
    let d = errs("locals {\n  a = tonumber(\"abc\")\n}\n");
    assert_one(&d, "tonumber: cannot convert \"abc\" to a number", 2, 16);
    let d = errs("locals {\n  a = lenght([])\n}\n");
    assert_one(&d, "unknown function `lenght`", 2, 7);
    assert!(d.items[0]
        .help
        .as_deref()
        .unwrap()
        .starts_with("did you mean `length`?"));
    let d = errs("locals {\n  a = format(\"%s %s\", \"x\")\n}\n");
    assert_one(&d, "format: not enough arguments", 2, 7);
}

#[test]
fn provider_alias_errors() {
    let d = errs("provider \"aws\" { alias = \"west\" }\nresource \"aws_dx_connection\" \"x\" {\n  id       = \"dxcon-1\"\n  provider = aws.east\n}\n");
    assert_one(&d, "provider aws.east is not declared", 4, 14);
    assert!(d.items[0]
        .help
        .as_deref()
        .unwrap()
        .contains("declared aliases: west"));

    let d = errs("provider \"aws\" {}\nprovider \"aws\" {\n  region = \"x\"\n}\nprovider \"aws\" { alias = \"a\" }\nprovider \"aws\" { alias = \"a\" }\n");
    let p = positions(&d);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(p[0].0.contains("duplicate default provider"));
    assert_eq!((p[0].1, p[0].2), (2, 1));
    assert!(p[1].0.contains("duplicate provider alias \"a\""));
    assert_eq!((p[1].1, p[1].2), (6, 1));

    let d = errs("provider \"google\" {}\n");
    assert_one(&d, "unsupported provider `google`", 1, 10);
}

#[test]
fn allowed_account_ids_must_be_12_digit_strings() {
    let d = errs("provider \"aws\" {\n  allowed_account_ids = [\"123456789012\", \"1234\", 123456789012]\n}\n");
    let p = positions(&d);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(p[0].0.contains("\"1234\" is not a 12-digit AWS account id"));
    assert_eq!((p[0].1, p[0].2), (2, 42));
    assert!(p[1].0.contains("account ids must be quoted strings"));
    assert_eq!((p[1].1, p[1].2), (2, 50));
}

#[test]
fn three_independent_errors_are_all_reported() {
    let d = errs(
        r#"resource "aws_dx_connection" "a" {
  id   = "dxcon-1"
  colour = "red"
}
resource "aws_dx_connection" "b" {
  id = local.missing
}
resource "aws_dx_connection" "c" {
  id = "dxcon-3"
  timeouts { delete = "soon" }
}
"#,
    );
    let p = positions(&d);
    assert_eq!(p.len(), 3, "{p:#?}");
    assert!(p[0].0.contains("unknown attribute `colour`"));
    assert_eq!((p[0].1, p[0].2), (3, 3));
    assert!(p[1].0.contains("undefined local `local.missing`"));
    assert_eq!((p[1].1, p[1].2), (6, 8));
    assert!(p[2].0.contains("invalid duration \"soon\""));
    assert_eq!((p[2].1, p[2].2), (10, 23));
}

#[test]
fn an_error_in_a_local_does_not_cascade_to_its_uses() {
    let d = errs(
        r#"locals {
  bad = upper(1, 2)
  also = "${local.bad}-x"
}
resource "aws_dx_connection" "a" { id = local.bad }
resource "aws_dx_connection" "b" {
  count = 2
  id    = local.also
}
"#,
    );
    assert_one(&d, "wrong number of arguments to `upper`", 2, 9);
}

#[test]
fn unreadable_path_and_empty_directory() {
    let d = load(
        std::path::Path::new("/definitely/not/here"),
        &VariableInputs::default(),
    )
    .unwrap_err();
    assert_eq!(d.items.len(), 1);
    assert!(d.items[0]
        .message
        .contains("cannot read manifest path `/definitely/not/here`"));
    assert!(d.items[0].span.is_none());
    assert!(d.items[0].help.is_some());

    let dir = Dir::new();
    dir.write("readme.md", "# nothing");
    let d = load(&dir.path(), &VariableInputs::default()).unwrap_err();
    assert_eq!(d.items.len(), 1);
    assert!(d.items[0].message.contains("no *.hcl files in directory"));
}

/// A `*.hcl` entry that cannot be read is an error, never skipped: the
/// provider block (with its `allowed_account_ids`) in a symlinked file
/// whose target is gone vanished with it, and the manifest was valid.
/// Hidden names (an editor's `.#main.hcl` lock, itself a dangling
/// symlink) are ignored, as Terraform ignores them.
#[cfg(unix)]
#[test]
fn a_manifest_file_that_cannot_be_read_is_an_error_never_skipped() {
    let dir = Dir::new();
    dir.write(
        "main.hcl",
        "resource \"aws_dx_connection\" \"c\" {\n  name = \"prod\"\n}\n",
    );
    let root = dir.dir.path();
    std::os::unix::fs::symlink("../shared/providers.hcl", root.join("providers.hcl")).unwrap();
    std::os::unix::fs::symlink("user@host.1234", root.join(".#main.hcl")).unwrap();
    let d = load(&dir.path(), &VariableInputs::default()).unwrap_err();
    assert_eq!(d.items.len(), 1, "{:?}", d.items);
    assert!(
        d.items[0].message.starts_with("cannot read `")
            && d.items[0].message.contains("providers.hcl`"),
        "{}",
        d.items[0].message
    );

    std::fs::remove_file(root.join("providers.hcl")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(root.join("pipe.hcl"))
        .status();
    if fifo.is_ok_and(|s| s.success()) {
        let d = load(&dir.path(), &VariableInputs::default()).unwrap_err();
        assert!(
            d.items[0].message.contains("not a regular file"),
            "{:?}",
            d.items
        );
        std::fs::remove_file(root.join("pipe.hcl")).unwrap();
    }
    let m = load(&dir.path(), &VariableInputs::default()).unwrap();
    assert_eq!(m.resources.len(), 1);
}

#[test]
fn invalid_utf8_is_a_diagnostic() {
    let dir = Dir::new();
    std::fs::write(
        dir.dir.path().join("main.hcl"),
        b"locals {\n  a = \"\xff\"\n}\n",
    )
    .unwrap();
    let d = load(&dir.path(), &VariableInputs::default()).unwrap_err();
    assert_one(&d, "is not valid UTF-8", 2, 8);
}

#[test]
fn top_level_attribute_and_bad_labels() {
    let d = errs("region = \"x\"\nresource \"aws_dx_connection\" {\n}\nlocals \"x\" {}\n");
    let p = positions(&d);
    assert_eq!(p.len(), 3, "{p:#?}");
    assert!(p[0]
        .0
        .contains("unexpected attribute `region` at the top level"));
    assert_eq!((p[0].1, p[0].2), (1, 1));
    assert!(p[1].0.contains("`resource` block takes 2 labels, found 1"));
    assert_eq!((p[1].1, p[1].2), (2, 1));
    assert!(p[2].0.contains("`locals` block takes no labels, found 1"));
    assert_eq!((p[2].1, p[2].2), (4, 1));
}

#[test]
fn depends_on_errors() {
    let d = errs("resource \"aws_dx_connection\" \"a\" {\n  id         = \"dxcon-1\"\n  depends_on = [aws_dx_connection.b, \"aws_dx_connection.a\", aws_dx_connection.a.id]\n}\n");
    let p = positions(&d);
    assert_eq!(p.len(), 3, "{p:#?}");
    assert!(p[0]
        .0
        .contains("reference to undeclared resource aws_dx_connection.b"));
    assert_eq!((p[0].1, p[0].2), (3, 17));
    assert!(p[1]
        .0
        .contains("`depends_on` entries must be resource addresses"));
    assert_eq!((p[1].1, p[1].2), (3, 38));
    assert!(p[2]
        .0
        .contains("`depends_on` names resources, not attributes"));
    assert_eq!((p[2].1, p[2].2), (3, 61));
}

#[test]
fn non_ascii_columns_count_characters() {
    let d = errs("locals {\n  ü = \"é\" + local.nö\n}\n");
    let p = positions(&d);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].0.contains("undefined local `local.nö`"));
    assert_eq!((p[0].1, p[0].2), (2, 13));
}

#[test]
fn duplicate_attribute_in_a_block() {
    let d =
        errs("resource \"aws_dx_connection\" \"x\" {\n  id = \"dxcon-1\"\n  id = \"dxcon-2\"\n}\n");
    assert_one(&d, "redefined attribute", 3, 3);
    assert!(d.items[0]
        .help
        .as_deref()
        .unwrap()
        .contains("only once per block"));
}

#[test]
fn large_manifests_parse_in_parallel_and_keep_error_positions() {
    let dir = Dir::new();
    for f in 0..4 {
        let mut text = String::new();
        for i in 0..1500 {
            text.push_str(&format!(
                "resource \"aws_dx_connection\" \"c{f}_{i}\" {{\n  id = \"dxcon-{f}-{i}\"\n}}\n"
            ));
        }
        if f == 2 {
            text.push_str("resource \"aws_dx_connection\" \"broken\" {\n  id = = 1\n}\n");
        }
        dir.write(&format!("f{f}.hcl"), &text);
    }
    let d = load(&dir.path(), &VariableInputs::default()).unwrap_err();
    let p = positions(&d);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].0.starts_with("syntax error"));
    assert_eq!((p[0].1, p[0].2), (4502, 8));
    assert!(d.location(&d.items[0]).unwrap().file.ends_with("f2.hcl"));
}

#[test]
fn provider_settings_cannot_reference_resources() {
    let d = errs("provider \"aws\" {\n  region = aws_dx_connection.c.id\n}\nresource \"aws_dx_connection\" \"c\" { id = \"dxcon-1\" }\n");
    assert_one(&d, "provider settings cannot reference resources", 2, 12);
}

#[test]
fn unknown_resource_type_in_a_reference() {
    let d = errs("locals {\n  a = aws_dx_conection.c.id\n}\n");
    assert_one(
        &d,
        "unknown resource type `aws_dx_conection` in reference",
        2,
        7,
    );
    assert!(d.items[0]
        .help
        .as_deref()
        .unwrap()
        .starts_with("did you mean `aws_dx_connection`?"));
}

#[test]
fn unknown_value_in_for_each_and_bad_for_each_type() {
    let d = errs("resource \"aws_dx_connection\" \"k\" { name = \"k\" }\nresource \"aws_supplychain_instance\" \"x\" {\n  for_each = [aws_dx_connection.k.arn]\n  name     = each.key\n}\n");
    assert_one(
        &d,
        "`for_each` must be known before refresh, but it depends on aws_dx_connection.k.arn",
        3,
        14,
    );
    let d = errs("resource \"aws_supplychain_instance\" \"x\" {\n  for_each = [1, 2]\n  name     = each.key\n}\n");
    assert_one(
        &d,
        "`for_each` over a list needs strings, found a number",
        2,
        14,
    );
}

#[test]
fn shape_errors_are_reported_once_per_counted_block() {
    let d = errs("resource \"aws_dx_connection\" \"x\" {\n  count = 50\n  id    = \"bad-${count.index}\"\n}\n");
    assert_one(&d, "\"bad-0\" is not a Direct Connect connection id", 3, 11);
}

#[test]
fn a_value_derived_from_one_known_only_after_refresh_is_refused() {
    let d = errs(
        "resource \"aws_dx_connection\" \"c\" {\n  name = \"nyc\"\n}\n\
         resource \"aws_dx_virtual_interface\" \"v\" {\n  id            = \"dxvif-ffabc123\"\n  connection_id = \"${aws_dx_connection.c.id}-x\"\n}\n",
    );
    assert_one(
        &d,
        "`connection_id` is computed from `aws_dx_connection.c.id`, which is known only after refresh",
        6,
        19,
    );
    assert!(d.items[0]
        .help
        .as_deref()
        .unwrap()
        .contains("connection_id = aws_dx_connection.c.id"));
}

#[test]
fn assume_role_needs_a_role_arn_and_a_duration_and_protect_tags_strings() {
    let d = errs(
        "provider \"aws\" {\n  protect_tags = { keep = 1 }\n  assume_role {\n    role_arn = \"arn:aws:iam::1:user/x\"\n    duration = \"soon\"\n  }\n}\n",
    );
    let p = positions(&d);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(p[0].0.contains("tag `keep`"), "{p:#?}");
    assert!(
        p[1].0
            .contains("invalid duration \"soon\" for assume_role.duration"),
        "{p:#?}"
    );
    assert_eq!((p[1].1, p[1].2), (5, 16));
    let d = errs(
        "provider \"aws\" {\n  assume_role {\n    role_arn = \"arn:aws:iam::1:user/x\"\n  }\n}\n",
    );
    assert_one(&d, "assume_role needs a role_arn of the form", 3, 16);
    let d = errs("provider \"aws\" {\n  assume_role {\n    rolearn = \"x\"\n  }\n}\n");
    let p = positions(&d);
    assert!(
        p.iter()
            .any(|e| e.0.contains("unknown attribute `rolearn` in assume_role")),
        "{p:#?}"
    );
}

const SERVICE_ARN: &str =
    "arn:aws:apprunner:us-east-1:123456789012:service/web/0123456789abcdef0123456789abcdef";

#[test]
fn a_composite_without_every_part_names_the_parts() {
    let d = errs("resource \"aws_apprunner_custom_domain_association\" \"d\" {\n  domain_name = \"www.example.com\"\n}\n");
    assert_one(
        &d,
        "aws_apprunner_custom_domain_association.d needs `service_arn` and `domain_name`",
        1,
        1,
    );
    assert!(d.items[0]
        .label
        .as_deref()
        .is_some_and(|l| l.contains("`service_arn` not set")));
}

#[test]
fn a_composite_takes_no_name_alone() {
    let d = errs("resource \"aws_apprunner_custom_domain_association\" \"d\" {\n  name = \"www.example.com\"\n}\n");
    let p = positions(&d);
    assert!(
        p.iter()
            .any(|(m, ..)| m.contains("unknown attribute `name`")),
        "{p:#?}"
    );
}

#[test]
fn an_empty_or_comma_holding_composite_part_is_an_error() {
    for (domain, problem) in [
        ("", "must not be empty"),
        ("a.example.com,b.example.com", "must not contain a comma"),
    ] {
        let d = errs(&format!(
            "resource \"aws_apprunner_custom_domain_association\" \"d\" {{\n  service_arn = \"{SERVICE_ARN}\"\n  domain_name = \"{domain}\"\n}}\n"
        ));
        assert_one(
            &d,
            &format!("`domain_name` of a aws_apprunner_custom_domain_association {problem}"),
            3,
            17,
        );
    }
}

#[test]
fn a_composite_part_referencing_an_undeclared_resource_is_an_error() {
    let d = errs("resource \"aws_apprunner_custom_domain_association\" \"d\" {\n  service_arn = aws_apprunner_service.gone.arn\n  domain_name = \"www.example.com\"\n}\n");
    let p = positions(&d);
    assert!(
        p.iter()
            .any(|(m, l, _)| m.contains("aws_apprunner_service.gone") && *l == 2),
        "{p:#?}"
    );
}

/// Two spellings of one object key were one entry, the first value
/// dropped without a word (one spelling twice is the parser's syntax
/// error): each is an error at the second key.
#[test]
fn one_key_spelled_two_ways_is_an_error() {
    for object in [
        r#"{ "web" = "svc-a", web = "svc-b" }"#,
        r#"{ "1" = "svc-a", 1 = "svc-b" }"#,
        r#"{ ("web") = "svc-a", web = "svc-b" }"#,
    ] {
        let text = format!(
            "resource \"aws_dx_connection\" \"m\" {{\n  for_each = {object}\n  name = each.value\n}}\n"
        );
        let d = errs(&text);
        let key = if object.contains('1') { "1" } else { "web" };
        let column = 14 + object.rfind(&format!(", {key}")).unwrap() + 2;
        assert_one(&d, &format!("duplicate object key \"{key}\""), 2, column);
    }
}

/// A splat or an attribute after a counted resource in `depends_on` is
/// refused as everywhere else (it was read as the whole resource).
#[test]
fn depends_on_refuses_a_splat_after_a_counted_resource() {
    for (entry, message) in [
        (
            "aws_dx_connection.c[*]",
            "splat expressions (`[*]`, `.*`) are not supported",
        ),
        (
            "aws_dx_connection.c.*",
            "splat expressions (`[*]`, `.*`) are not supported",
        ),
        (
            "aws_dx_connection.c.id",
            "`depends_on` names resources, not attributes",
        ),
    ] {
        let text = format!(
            "resource \"aws_dx_connection\" \"c\" {{\n  count = 2\n  name = \"c${{count.index}}\"\n}}\n\
             resource \"aws_dx_connection\" \"d\" {{\n  name = \"d\"\n  depends_on = [{entry}]\n}}\n"
        );
        let d = errs(&text);
        assert_one(&d, message, 7, 17);
        assert_eq!(
            d.items[0].help.as_deref(),
            Some("write aws_dx_connection.c (all its instances)"),
            "{entry}"
        );
    }
}

/// A provider block with an error is that one error: the resources using
/// its alias are not also told the alias is not declared.
#[test]
fn a_broken_aliased_provider_is_one_error() {
    let d = errs(
        r#"provider "aws" {
  alias  = "p"
  region = "us-west-2"
  assume_role {
    role_arn = "not-an-arn"
  }
}
resource "aws_dx_connection" "c" {
  provider = aws.p
  name     = "x"
}
resource "aws_dx_connection" "d" {
  provider = aws.p
  name     = "y"
}
"#,
    );
    assert_one(&d, "assume_role needs a role_arn", 5, 16);
}

/// What STS's AssumeRole refuses is a validate error, not a failure at
/// the first request ("cannot send to ENDPOINT: no details" before).
#[test]
fn assume_role_values_sts_refuses_are_validate_errors() {
    for (attr, value, message) in [
        (
            "session_name",
            "tear down",
            "invalid assume_role.session_name \"tear down\": STS takes 2 to 64",
        ),
        (
            "session_name",
            "x",
            "invalid assume_role.session_name \"x\"",
        ),
        (
            "external_id",
            "a;b",
            "invalid assume_role.external_id \"a;b\": STS takes 2 to 1224",
        ),
        (
            "duration",
            "13h",
            "assume_role.duration \"13h\" is outside what STS allows",
        ),
        (
            "duration",
            "5m",
            "assume_role.duration \"5m\" is outside what STS allows",
        ),
    ] {
        let text = format!(
            "provider \"aws\" {{\n  assume_role {{\n    role_arn = \"arn:aws:iam::210987654321:role/deleter\"\n    {attr} = \"{value}\"\n  }}\n}}\n\
             resource \"aws_dx_connection\" \"c\" {{\n  name = \"c\"\n}}\n"
        );
        let d = errs(&text);
        assert_one(&d, message, 4, 8 + attr.len());
    }
    ok("provider \"aws\" {\n  assume_role {\n    role_arn = \"arn:aws:iam::210987654321:role/deleter\"\n    session_name = \"ci-job_1@x.y\"\n    external_id = \"a:b/c\"\n    duration = \"12h\"\n  }\n}\nresource \"aws_dx_connection\" \"c\" {\n  name = \"c\"\n}\n");
}
