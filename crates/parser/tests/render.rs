//! Diagnostics output: `to_json` shape and the terminal rendering.

mod common;
use common::*;

const BAD: &str = "resource \"aws_apprunner_service\" \"x\" {\n  arnn = \"a\"\n}\n";

#[test]
fn to_json_shape() {
    let d = errs(BAD);
    let json = serde_json::to_value(d.to_json()).unwrap();
    let arr = json.as_array().unwrap();
    assert_eq!(arr.len(), 1);
    let e = &arr[0];
    assert_eq!(e["severity"], "error");
    assert!(e["message"]
        .as_str()
        .unwrap()
        .starts_with("unknown attribute `arnn`"));
    assert!(e["file"].as_str().unwrap().ends_with("main.hcl"));
    assert_eq!(e["line"], 2);
    assert_eq!(e["column"], 3);
    assert_eq!(e["snippet"], "  arnn = \"a\"");
    assert_eq!(e["help"], "did you mean `arn`?");
    let keys: Vec<&String> = e.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 7, "{keys:?}");
}

#[test]
fn render_without_color_has_message_location_snippet_caret_and_help() {
    let d = errs(BAD);
    let out = d.render(false);
    assert!(!out.contains('\u{1b}'), "escape codes in {out}");
    assert!(
        out.contains(
            "error: unknown attribute `arnn` in aws_apprunner_service; allowed: arn, name"
        ),
        "{out}"
    );
    assert!(out.contains("main.hcl:2:3"), "{out}");
    assert!(out.contains("  arnn = \"a\""), "{out}");
    assert!(out.contains("^^|^"), "{out}");
    assert!(out.contains("unknown attribute"), "{out}");
    assert!(out.contains("help: did you mean `arn`?"), "{out}");
    assert_eq!(format!("{d}"), out);
}

#[test]
fn render_with_color_uses_escape_codes() {
    let out = errs(BAD).render(true);
    assert!(out.contains('\u{1b}'));
    assert!(out.contains("unknown attribute `arnn`"));
}

#[test]
fn render_spanless_and_syntax_errors() {
    let d =
        decom_parser::load(std::path::Path::new("/nope/nothing"), &Default::default()).unwrap_err();
    let out = d.render(false);
    assert!(
        out.contains("error: cannot read manifest path `/nope/nothing`"),
        "{out}"
    );
    assert!(out.contains("help:"), "{out}");

    let d = errs("locals {\n  a = \"unterminated\n}\n");
    let out = d.render(false);
    assert!(out.contains("error: syntax error"), "{out}");
    assert!(out.contains("main.hcl:"), "{out}");
    let j = d.to_json();
    assert!(j[0].line.is_some() && j[0].column.is_some());
}

#[test]
fn render_handles_spans_in_multibyte_text() {
    let d = errs("locals {\n  a = \"ééé\" + local.ö\n}\n");
    let out = d.render(false);
    assert!(out.contains("local.ö"), "{out}");
}
