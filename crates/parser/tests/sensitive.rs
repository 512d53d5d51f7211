//! Values derived from `sensitive` variables: taint through functions,
//! templates, conditionals, `for`, locals and references; what the
//! manifest exposes for [`Redaction`], and diagnostics that would show one.

mod common;
use common::*;
use decom_parser::{Knowable, Manifest, Redaction, VariableInputs};
use proptest::prelude::*;

const TOKEN: &str = "Tok3nDoNotPrint";

fn with_token(body: &str) -> Result<Manifest, decom_parser::Diagnostics> {
    let text =
        format!("variable \"token\" {{\n  type      = string\n  sensitive = true\n}}\n{body}");
    let inputs = VariableInputs {
        cli: vec![("token".into(), TOKEN.into())],
        ..Default::default()
    };
    load_with(&text, &inputs)
}

fn identity(m: &Manifest, addr: &str) -> (String, bool) {
    let r = res(m, addr);
    match &r.identity.value {
        Knowable::Known(v) => (v.clone(), r.identity.sensitive),
        other => panic!("{other:?}"),
    }
}

fn assert_hidden(text: &str) {
    for form in [
        TOKEN.to_string(),
        TOKEN.to_uppercase(),
        TOKEN.to_lowercase(),
    ] {
        assert!(!text.contains(&form), "{form} in {text}");
    }
}

#[test]
fn a_name_derived_through_functions_is_sensitive_and_hidden() {
    let m = with_token(
        r#"
locals {
  shouted = upper(var.token)
}
resource "aws_dx_connection" "a" {
  name = "dx-${upper(var.token)}"
}
resource "aws_dx_connection" "b" {
  name = "dx-${local.shouted}"
}
resource "aws_dx_connection" "c" {
  name = "dx-${aws_dx_connection.a.name}"
}
resource "aws_dx_connection" "plain" {
  name = "dx-plain"
}
"#,
    )
    .unwrap_or_else(|d| panic!("{}", d.render(false)));
    let redaction = Redaction::of(&m);
    for addr in [
        "aws_dx_connection.a",
        "aws_dx_connection.b",
        "aws_dx_connection.c",
    ] {
        let (value, sensitive) = identity(&m, addr);
        assert!(sensitive, "{addr}");
        let shown = redaction
            .text(&format!("no aws_dx_connection named \"{value}\""))
            .into_owned();
        assert_hidden(&shown);
        assert!(shown.contains("dx-(sensitive)"), "{shown}");
    }
    assert_eq!(
        identity(&m, "aws_dx_connection.plain"),
        ("dx-plain".into(), false)
    );
    assert_eq!(redaction.text("dx-plain"), "dx-plain");
}

#[test]
fn a_diagnostic_about_a_derived_value_does_not_show_it() {
    let d = with_token(
        r#"
resource "aws_dx_connection" "a" {
  id = "x-${lower(var.token)}"
}
resource "aws_supplychain_instance" "b" {
  name  = "b"
  count = tonumber(upper(var.token))
}
"#,
    )
    .unwrap_err();
    let rendered = d.render(false);
    assert!(
        rendered.contains("is not a Direct Connect connection id"),
        "{rendered}"
    );
    assert!(rendered.contains("cannot convert"), "{rendered}");
    assert_hidden(&rendered);
}

#[test]
fn count_and_for_each_may_not_be_sensitive() {
    let d = with_token(
        r#"
resource "aws_supplychain_instance" "a" {
  for_each = toset_like
  name     = each.key
}
"#
        .replace("toset_like", "{ (var.token) = 1 }")
        .as_str(),
    )
    .unwrap_err();
    let p = positions(&d);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(
        p[0].0
            .contains("`for_each` is derived from a sensitive variable"),
        "{p:#?}"
    );
    assert_hidden(&d.render(false));

    let d = with_token(
        "resource \"aws_supplychain_instance\" \"a\" {\n  count = length(var.token)\n  name = \"a\"\n}\n",
    )
    .unwrap_err();
    assert!(positions(&d)[0]
        .0
        .contains("`count` is derived from a sensitive variable"));
}

#[test]
fn keys_of_a_sensitive_map_are_not_suggested() {
    let text = r#"
variable "names" {
  default   = { production = "a-very-secret-name" }
  sensitive = true
}
resource "aws_supplychain_instance" "a" {
  name = var.names["productoin"]
}
"#;
    let d = load_str(text).unwrap_err();
    let rendered = d.render(false);
    assert!(!rendered.contains("did you mean"), "{rendered}");
    assert!(rendered.contains("keys are not listed"), "{rendered}");
}

#[test]
fn literal_parts_of_a_template_stay_readable() {
    let m = with_token(
        "resource \"aws_supplychain_instance\" \"a\" {\n  name = \"${var.token}-plan\"\n}\n",
    )
    .unwrap();
    let (value, sensitive) = identity(&m, "aws_supplychain_instance.a");
    assert!(sensitive);
    assert_eq!(Redaction::of(&m).text(&value), "(sensitive)-plan");
}

/// A value computed from a sensitive variable that is too short to hide
/// (`format("%.3s", var.token)`; `element(split("", var.token), i)` would
/// show all of it, one at a time) is warned about, as a short variable
/// is; long derived values are hidden and warn of nothing.
#[test]
fn a_derived_value_too_short_to_hide_is_warned_about() {
    let short = with_token(
        "resource \"aws_supplychain_instance\" \"a\" {\n  name = format(\"%.3s\", var.token)\n}\n",
    )
    .unwrap();
    let (value, sensitive) = identity(&short, "aws_supplychain_instance.a");
    assert!(sensitive);
    assert_eq!(value.chars().count(), 3);
    let redaction = Redaction::of(&short);
    assert!(redaction.derived_too_short());
    assert!(
        redaction.too_short().is_empty(),
        "the variable itself is long"
    );

    let long = with_token(
        "resource \"aws_supplychain_instance\" \"a\" {\n  name = \"${var.token}-plan\"\n}\n",
    )
    .unwrap();
    assert!(!Redaction::of(&long).derived_too_short());
}

/// Expressions that transform `var.token`; `T` stands for it.
const DERIVATIONS: [&str; 12] = [
    "upper(T)",
    "lower(T)",
    "trimspace(\" ${T} \")",
    "replace(T, \"o\", \"0\")",
    "format(\"%s!\", T)",
    "format(\"%q\", T)",
    "join(\"+\", [T, T])",
    "join(\"\", split(\"\", T))",
    "true ? upper(T) : \"x\"",
    "[for c in [T] : lower(c)][0]",
    "lookup({ k = upper(T) }, \"k\")",
    "coalesce(\"\", lower(T))",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever function a sensitive value goes through, the result is
    /// marked sensitive and no output shows the value in any case.
    #[test]
    fn every_derivation_is_hidden(
        token in "[a-zA-Z][a-zA-Z0-9]{5,20}",
        which in 0..DERIVATIONS.len(),
    ) {
        let expr = DERIVATIONS[which].replace('T', "var.token");
        let text = format!(
            "variable \"token\" {{\n  sensitive = true\n}}\nresource \"aws_supplychain_instance\" \"a\" {{\n  name = {expr}\n}}\n"
        );
        let inputs = VariableInputs { cli: vec![("token".into(), token.clone())], ..Default::default() };
        let m = load_with(&text, &inputs).map_err(|d| TestCaseError::fail(d.render(false)))?;
        let (value, sensitive) = identity(&m, "aws_supplychain_instance.a");
        prop_assert!(sensitive);
        let shown = Redaction::of(&m).text(&format!("name {value} / {} / {}", value.to_uppercase(), value.to_lowercase())).into_owned();
        for form in [token.clone(), token.to_uppercase(), token.to_lowercase()] {
            prop_assert!(!shown.contains(&form), "{} in {}", form, shown);
        }
    }
}
