//! Variable values: precedence (--var > --var-file > env > default),
//! parsing of raw values by type, and their errors.

mod common;
use common::*;
use decom_parser::{load, Redaction, Value, VariableInputs};

const DECL: &str = r#"
variable "env" {
  type    = string
  default = "default"
}
variable "n" {
  type    = number
  default = 1
}
variable "flag" {
  type    = bool
  default = false
}
variable "ids" {
  type    = list(string)
  default = []
}
variable "tags" {
  type    = map(string)
  default = {}
}
variable "anything" {
  default = "d"
}
resource "aws_supplychain_instance" "keep" {
  name = "keep"
}
"#;

fn value(m: &decom_parser::Manifest, name: &str) -> Value {
    m.variables
        .iter()
        .find(|v| v.name == name)
        .unwrap()
        .value
        .clone()
}

fn s(x: &str) -> Value {
    Value::String(x.into())
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn defaults_apply_without_inputs() {
    let m = load_with(DECL, &VariableInputs::default()).unwrap();
    assert_eq!(value(&m, "env"), s("default"));
    assert_eq!(value(&m, "n"), Value::Number(1.0));
}

#[test]
fn precedence_cli_over_file_over_env_over_default() {
    let dir = Dir::new();
    dir.write("main.hcl", DECL);
    let f1 = dir.write("one.vars", "env = \"file1\"\nn = 2\nflag = true\n");
    let f2 = dir.write("two.vars", "env = \"file2\"\n");
    let inputs = VariableInputs {
        cli: pairs(&[("env", "cli1"), ("env", "cli2")]),
        files: vec![f1.clone(), f2.clone()],
        env: pairs(&[("env", "from-env"), ("n", "7"), ("tags", "{ a = \"b\" }")]),
    };
    let m = load(&dir.path(), &inputs).unwrap();
    assert_eq!(value(&m, "env"), s("cli2"), "the later --var wins");
    assert_eq!(
        value(&m, "n"),
        Value::Number(2.0),
        "a var file beats the environment"
    );
    assert_eq!(value(&m, "flag"), Value::Bool(true));
    assert!(
        matches!(value(&m, "tags"), Value::Object(o) if o.get("a") == Some(&s("b"))),
        "env beats default"
    );

    let inputs = VariableInputs {
        cli: vec![],
        files: vec![f1, f2],
        env: pairs(&[("env", "from-env")]),
    };
    let m = load(&dir.path(), &inputs).unwrap();
    assert_eq!(value(&m, "env"), s("file2"), "the later file wins");

    let inputs = VariableInputs {
        env: pairs(&[("env", "from-env")]),
        ..Default::default()
    };
    let m = load(&dir.path(), &inputs).unwrap();
    assert_eq!(value(&m, "env"), s("from-env"));
}

#[test]
fn raw_values_are_parsed_by_type() {
    let inputs = VariableInputs {
        cli: pairs(&[
            ("env", "[not parsed]"),
            ("n", "3.5"),
            ("flag", "true"),
            ("ids", "[\"a\", \"b\"]"),
            ("tags", "{ team = \"ops\" }"),
            ("anything", "[1, 2]"),
        ]),
        ..Default::default()
    };
    let m = load_with(DECL, &inputs).unwrap();
    assert_eq!(value(&m, "env"), s("[not parsed]"));
    assert_eq!(value(&m, "n"), Value::Number(3.5));
    assert_eq!(value(&m, "flag"), Value::Bool(true));
    assert_eq!(value(&m, "ids"), Value::List(vec![s("a"), s("b")]));
    assert!(matches!(value(&m, "tags"), Value::Object(o) if o.get("team") == Some(&s("ops"))));
    assert_eq!(
        value(&m, "anything"),
        Value::List(vec![Value::Number(1.0), Value::Number(2.0)])
    );

    let inputs = VariableInputs {
        cli: pairs(&[("anything", "plain words")]),
        ..Default::default()
    };
    assert_eq!(
        value(&load_with(DECL, &inputs).unwrap(), "anything"),
        s("plain words")
    );
}

#[test]
fn variables_flow_into_resources() {
    let text = format!(
        "{DECL}\nresource \"aws_dx_connection\" \"c\" {{\n  count = var.n\n  id    = \"dxcon-${{var.env}}-${{count.index}}\"\n}}\n"
    );
    let inputs = VariableInputs {
        cli: pairs(&[("env", "prod"), ("n", "2")]),
        ..Default::default()
    };
    let m = load_with(&text, &inputs).unwrap();
    assert_eq!(m.resources.len(), 3, "two instances of c, and `keep`");
    assert_eq!(
        res(&m, "aws_dx_connection.c[1]").identity.value,
        decom_parser::Knowable::Known("dxcon-prod-1".into())
    );
}

#[test]
fn redaction_hides_every_leaf_of_sensitive_variables_only() {
    let m = load_with(
        r#"
variable "token" {
  default   = "abcdef"
  sensitive = true
}
variable "keys" {
  default   = { a = "abcdefgh", b = 123456789012, c = "xy" }
  sensitive = true
}
variable "plain" {
  default = "visible-value"
}
resource "aws_supplychain_instance" "keep" {
  name = "keep"
}
"#,
        &VariableInputs::default(),
    )
    .unwrap();
    let r = Redaction::of(&m);
    // Longest first: "abcdefgh" is hidden whole, not as "(sensitive)gh".
    assert_eq!(
        r.text("id abcdefgh, abcdef-1, acct 123456789012, visible-value, xy"),
        "id (sensitive), (sensitive)-1, acct (sensitive), visible-value, xy"
    );
    assert_eq!(r.too_short(), ["keys".to_string()]);
    let mut json = serde_json::json!({"abcdef": ["n-abcdef", 1, {"k": "abcdefgh"}]});
    r.json(&mut json);
    assert_eq!(
        json,
        serde_json::json!({"(sensitive)": ["n-(sensitive)", 1, {"k": "(sensitive)"}]})
    );
    assert!(Redaction::was_applied_to("arn:x:service/(sensitive)/1"));
}

#[test]
fn sensitive_is_stored() {
    let m = load_with(
        "variable \"token\" {\n  default   = \"x\"\n  sensitive = true\n}\nresource \"aws_supplychain_instance\" \"k\" { name = \"keep\" }\n",
        &VariableInputs::default(),
    )
    .unwrap();
    assert!(m.variables[0].sensitive);
}

#[test]
fn undeclared_cli_variable_is_an_error() {
    let inputs = VariableInputs {
        cli: pairs(&[("envv", "x")]),
        ..Default::default()
    };
    let d = load_with(DECL, &inputs).unwrap_err();
    assert_eq!(d.items.len(), 1, "{}", d.render(false));
    assert!(d.items[0]
        .message
        .contains("--var `envv` sets a variable the manifest does not declare"));
    assert_eq!(
        d.items[0].help.as_deref(),
        Some("did you mean `--var env=...`?")
    );
}

#[test]
fn undeclared_env_and_var_file_entries_are_ignored() {
    let dir = Dir::new();
    dir.write("main.hcl", DECL);
    let f = dir.write("shared.vars", "other_stack_var = 1\n");
    let inputs = VariableInputs {
        files: vec![f],
        env: pairs(&[("unrelated", "x")]),
        ..Default::default()
    };
    assert!(load(&dir.path(), &inputs).is_ok());
}

#[test]
fn bad_raw_values_are_errors() {
    let inputs = VariableInputs {
        cli: pairs(&[("n", "three"), ("flag", "yes"), ("ids", "[\"a\",")]),
        ..Default::default()
    };
    let d = load_with(DECL, &inputs).unwrap_err();
    let msgs: Vec<&str> = d.items.iter().map(|i| i.message.as_str()).collect();
    assert_eq!(msgs.len(), 3, "{msgs:#?}");
    assert!(msgs[0].contains("invalid value for variable \"n\" from --var n=...: expected number, got string \"three\""), "{msgs:#?}");
    assert!(
        msgs[1].contains("invalid value for variable \"flag\" from --var flag=...: expected bool"),
        "{msgs:#?}"
    );
    assert!(
        msgs[2].contains("cannot parse the value of variable \"ids\""),
        "{msgs:#?}"
    );
    assert!(d.items.iter().all(|i| i.help.is_some()));
}

#[test]
fn var_file_type_errors_point_into_the_file() {
    let dir = Dir::new();
    dir.write("main.hcl", DECL);
    let f = dir.write("bad.vars", "env = \"ok\"\nn   = [1]\n");
    let inputs = VariableInputs {
        files: vec![f],
        ..Default::default()
    };
    let d = load(&dir.path(), &inputs).unwrap_err();
    assert_eq!(d.items.len(), 1, "{}", d.render(false));
    let loc = d.location(&d.items[0]).unwrap();
    assert!(loc.file.ends_with("bad.vars"));
    assert_eq!((loc.line, loc.column), (2, 7));
    assert!(d.items[0]
        .message
        .contains("value in the variable file of variable \"n\" does not match its type number"));
}

/// Loads a manifest declaring a sensitive `token` of `ty`, with a var file
/// `secrets.vars` of `var_file` kept outside the manifest directory; it
/// must fail, and its diagnostics (text and JSON) must not show `hunter2`.
fn failing_sensitive_load(ty: &str, var_file: &str) -> (decom_parser::Diagnostics, String) {
    let dir = Dir::new();
    dir.write(
        "main.hcl",
        &format!("variable \"token\" {{\n  type      = {ty}\n  sensitive = true\n}}\n"),
    );
    let vars = Dir::new();
    let inputs = VariableInputs {
        files: vec![vars.write("secrets.vars", var_file)],
        ..Default::default()
    };
    let d = load(&dir.path(), &inputs).unwrap_err();
    let out = d.render(false);
    assert!(!out.contains("hunter2"), "{out}");
    let json = serde_json::to_string(&d.to_json()).unwrap();
    assert!(!json.contains("hunter2"), "{json}");
    (d, out)
}

#[test]
fn a_sensitive_value_of_the_wrong_type_in_a_var_file_is_not_shown_in_the_snippet() {
    let (d, out) = failing_sensitive_load("number", "token = \"hunter2-secret\"\n");
    assert!(out.contains("secrets.vars:1:9"), "{out}");
    let loc = d.location(&d.items[0]).unwrap();
    assert!(loc.file.ends_with("main.hcl"), "{out}");
}

#[test]
fn a_broken_var_file_is_not_shown_when_a_variable_is_sensitive() {
    let (_, out) = failing_sensitive_load("string", "token = \"hunter2-secret\n");
    assert!(out.contains("secrets.vars:1:"), "{out}");
}

#[test]
fn a_var_file_in_the_manifest_directory_is_not_read_as_manifest() {
    let dir = Dir::new();
    dir.write("main.hcl", DECL);
    let f = dir.write("values.hcl", "env = \"prod\"\n");
    let inputs = VariableInputs {
        files: vec![f],
        ..Default::default()
    };
    let m = load(&dir.path(), &inputs).unwrap_or_else(|d| panic!("{}", d.render(false)));
    let env = m.variables.iter().find(|v| v.name == "env").unwrap();
    assert_eq!(env.value, Value::String("prod".into()));
}

#[test]
fn variable_values_cannot_reference_things() {
    let d = load_with(
        "variable \"a\" {\n  default = var.b\n}\nvariable \"b\" { default = 1 }\n",
        &VariableInputs::default(),
    )
    .unwrap_err();
    assert_one(
        &d,
        "variable values cannot reference other variables",
        2,
        13,
    );
}

#[test]
fn missing_var_file_is_an_error() {
    let inputs = VariableInputs {
        files: vec!["/no/such/file.vars".into()],
        ..Default::default()
    };
    let d = load_with(DECL, &inputs).unwrap_err();
    assert!(d.items[0]
        .message
        .contains("cannot read `/no/such/file.vars`"));
}

#[test]
fn sensitive_values_never_appear_in_diagnostics() {
    let text = "variable \"token\" {\n  type      = number\n  sensitive = true\n}\n";
    let inputs = VariableInputs {
        cli: pairs(&[("token", "hunter2-secret")]),
        ..Default::default()
    };
    let d = load_with(text, &inputs).unwrap_err();
    let out = d.render(false);
    assert!(!out.contains("hunter2"), "{out}");
    assert!(
        out.contains("the value is sensitive and not shown"),
        "{out}"
    );
}

/// A whole number with more digits than a number keeps is refused
/// wherever it becomes a number, never rounded: from a var file
/// (`build = 20241203235959123` named `link-...124`, another live
/// resource), a literal, `tonumber`, and a `number` variable's string.
/// What a number keeps exactly still loads.
#[test]
fn whole_numbers_are_kept_exactly_or_refused() {
    let dir = Dir::new();
    dir.write(
        "main.hcl",
        "variable \"build\" {\n  type = string\n}\n\
         resource \"aws_dx_connection\" \"c\" {\n  name = \"link-${var.build}\"\n}\n",
    );
    let file = dir.write("ci.vars", "build = 20241203235959123\n");
    let inputs = VariableInputs {
        files: vec![file],
        ..Default::default()
    };
    let d = load(&dir.path(), &inputs).unwrap_err();
    assert!(
        d.items[0]
            .message
            .contains("the number 20241203235959123 has more digits than a number keeps exactly"),
        "{:?}",
        d.items
    );
    assert_eq!(
        d.items[0].help.as_deref(),
        Some("quote it (\"20241203235959123\") to use it as text")
    );

    for (expression, refused) in [
        ("\"x-${9007199254740993}\"", "the number 9007199254740993"),
        ("\"x-${-9007199254740993}\"", "the number -9007199254740993"),
        (
            "\"x-${99999999999999999999999}\"",
            "the number 99999999999999999999999",
        ),
        (
            "\"x-${1180591620717411303424}\"",
            "the number 1180591620717411303424",
        ),
        (
            "\"x-${tonumber(\"20241203235959123\")}\"",
            "\"20241203235959123\" has more digits",
        ),
        // Spelled with a fraction or an exponent, or made by arithmetic.
        (
            "\"x-${20241203235959123.0}\"",
            "the number 20241203235959123.0",
        ),
        (
            "\"x-${2.0241203235959123e16}\"",
            "the number 2.0241203235959123e16",
        ),
        ("\"x-${1e20}\"", "the number 1e20"),
        (
            "\"x-${9007199254740992 + 1}\"",
            "the result 9007199254740992 is beyond",
        ),
        (
            "\"x-${123456789 * 987654321}\"",
            "is beyond what a number keeps exactly",
        ),
    ] {
        let text = format!("resource \"aws_dx_connection\" \"c\" {{\n  name = {expression}\n}}\n");
        let d = errs(&text);
        assert!(
            d.items[0].message.contains(refused),
            "{expression}: {:?}",
            d.items
        );
    }
    let d = load_with(
        DECL,
        &VariableInputs {
            cli: vec![("n".into(), "20241203235959123".into())],
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        d.items[0]
            .message
            .contains("\"20241203235959123\" has more digits"),
        "{:?}",
        d.items
    );

    for (expression, name) in [
        ("\"x-${9007199254740992}\"", "x-9007199254740992"),
        ("\"x-${-12}\"", "x--12"),
        ("\"x-${1.5e3}\"", "x-1500"),
        ("\"x-${tonumber(\"0042\")}\"", "x-42"),
        ("\"x-${123456789012345.0}\"", "x-123456789012345"),
        ("\"x-${0.5 * 4}\"", "x-2"),
    ] {
        let text = format!("resource \"aws_dx_connection\" \"c\" {{\n  name = {expression}\n}}\n");
        let m = ok(&text);
        let r = res(&m, "aws_dx_connection.c");
        assert_eq!(
            r.identity.value,
            decom_parser::Knowable::Known(name.to_string()),
            "{expression}"
        );
    }
}
