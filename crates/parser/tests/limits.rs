//! Resource limits (DESIGN section 12): values over 1 MiB, too many
//! resources, oversized or special files. Each is a diagnostic pointing at
//! its cause, found before the big thing is built.

mod common;
use common::*;
use decom_parser::{load, VariableInputs};

const RESOURCE: &str = "resource \"aws_supplychain_instance\" \"x\" {\n  name = \"x\"\n}\n";

/// `local.b20` is 2 MiB: 20 doublings of a 2-byte string.
fn doubling_locals(count: usize) -> String {
    let mut text = String::from("locals {\n  b0 = \"ab\"\n");
    for i in 1..count {
        text.push_str(&format!(
            "  b{i} = \"${{local.b{p}}}${{local.b{p}}}\"\n",
            p = i - 1
        ));
    }
    text.push_str("}\n");
    text.push_str(RESOURCE);
    text
}

fn assert_too_large(d: &decom_parser::Diagnostics, line: usize) {
    let p = positions(d);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].0.contains("larger than 1 MiB"), "{p:#?}");
    assert_eq!(p[0].1, line, "{p:#?}");
}

#[test]
fn doubling_locals_stop_at_the_template_that_passes_1_mib() {
    // b19 is exactly 1 MiB (allowed); b20 on line 22 is the first too big.
    let d = errs(&doubling_locals(64));
    assert_too_large(&d, 22);
}

#[test]
fn a_string_of_exactly_1_mib_is_allowed() {
    ok(&doubling_locals(20));
}

#[test]
fn lists_built_from_a_large_value_are_bounded() {
    let big = doubling_locals(20).replace(RESOURCE, "");
    // Line 24 is `x = ...`.
    for (text, expr) in [
        ("[local.b19, local.b19]", "list literal"),
        ("{ a = local.b19, b = local.b19 }", "object literal"),
        ("concat([local.b19], [local.b19])", "concat"),
        ("[for s in [1, 2] : local.b19]", "for expression"),
        ("join(local.b19, [\"a\", \"b\", \"c\"])", "join"),
        ("replace(local.b10, \"a\", local.b10)", "replace"),
        ("split(\"\", local.b17)", "split into characters"),
        ("format(\"%1024d%1024d\", 1, 2)", "small format"),
    ]
    .map(|(e, what)| (format!("{big}locals {{\n  x = {e}\n}}\n{RESOURCE}"), what))
    {
        let result = load_str(&text);
        if expr == "small format" {
            assert!(result.is_ok(), "{expr}");
            continue;
        }
        let d = result.err().unwrap_or_else(|| panic!("{expr} was allowed"));
        let p = positions(&d);
        assert!(
            p.iter().any(|(m, l, _)| m.contains("1 MiB") && *l == 24),
            "{expr}: {p:#?}"
        );
    }
}

#[test]
fn a_format_with_many_wide_verbs_is_refused_as_it_grows() {
    let spec = "%1024d".repeat(2000);
    let args = vec!["1"; 2000].join(", ");
    let d = errs(&format!(
        "locals {{\n  x = format(\"{spec}\", {args})\n}}\n{RESOURCE}"
    ));
    let p = positions(&d);
    assert!(p[0].0.contains("larger than 1 MiB"), "{p:#?}");
}

#[test]
fn deeply_nested_values_are_refused() {
    let mut text = String::from("locals {\n  d0 = []\n");
    for i in 1..400 {
        text.push_str(&format!("  d{i} = [local.d{}]\n", i - 1));
    }
    text.push_str("}\n");
    text.push_str(RESOURCE);
    let d = errs(&text);
    let p = positions(&d);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].0.contains("nested more than"), "{p:#?}");
}

#[test]
fn many_large_locals_are_refused_in_total() {
    let mut text = doubling_locals(20).replace(RESOURCE, "");
    text.push_str("locals {\n");
    for i in 0..80 {
        text.push_str(&format!("  copy{i} = local.b19\n"));
    }
    text.push_str("}\n");
    text.push_str(RESOURCE);
    let d = errs(&text);
    let p = positions(&d);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].0.contains("add up to more than 64 MiB"), "{p:#?}");
}

#[test]
fn more_than_100000_resources_is_refused_at_the_count_that_passes_it() {
    let d = errs(
        "resource \"aws_supplychain_instance\" \"a\" {\n  count = 60000\n  name = \"a-${count.index}\"\n}\n\
         resource \"aws_supplychain_instance\" \"b\" {\n  count = 60000\n  name = \"b-${count.index}\"\n}\n",
    );
    let p = positions(&d);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].0.contains("more than 100000 resources"), "{p:#?}");
    assert_eq!((p[0].1, p[0].2), (6, 11), "{p:#?}");
}

#[test]
fn a_huge_count_is_refused() {
    let d =
        errs("resource \"aws_supplychain_instance\" \"a\" {\n  count = 1e300\n  name = \"a\"\n}\n");
    assert!(positions(&d)[0].0.contains("1e300"), "{:#?}", positions(&d));
}

fn load_with_var_file(file: &std::path::Path) -> decom_parser::Diagnostics {
    let dir = Dir::new();
    dir.write("main.hcl", RESOURCE);
    let inputs = VariableInputs {
        files: vec![file.to_path_buf()],
        ..Default::default()
    };
    load(&dir.path(), &inputs).expect_err("the var file is refused")
}

#[test]
fn a_var_file_that_is_not_a_regular_file_is_refused() {
    let dir = Dir::new();
    for path in [std::path::PathBuf::from("/dev/zero"), dir.path()] {
        let d = load_with_var_file(&path);
        let p = positions(&d);
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(p[0].0.starts_with("cannot read"), "{p:#?}");
        assert!(
            p[0].0.contains("not a regular file") || p[0].0.contains("directory"),
            "{p:#?}"
        );
    }
}

#[test]
fn a_var_file_over_64_mib_is_refused_before_reading() {
    let dir = Dir::new();
    let path = dir.path().join("big.vars");
    let file = std::fs::File::create(&path).unwrap();
    // Sparse: no disk space, and nothing to read if the check is missing.
    file.set_len(64 * 1024 * 1024 + 1).unwrap();
    let d = load_with_var_file(&path);
    let p = positions(&d);
    assert!(p[0].0.contains("larger than 64 MiB"), "{p:#?}");
}

#[test]
fn a_manifest_without_resources_is_refused() {
    for text in ["", "# nothing\n", "variable \"x\" {\n  default = 1\n}\n"] {
        let d = errs(text);
        let p = positions(&d);
        assert_eq!(p.len(), 1, "{text:?}: {p:#?}");
        assert!(p[0].0.contains("declares no resources"), "{p:#?}");
    }
    let empty = Dir::new();
    let d = load(&empty.path(), &VariableInputs::default()).unwrap_err();
    assert!(positions(&d)[0].0.contains("declares no resources"));
}

#[test]
fn a_syntax_error_in_a_huge_line_renders_a_short_snippet() {
    let n = 100_000;
    let text = format!(
        "locals {{\n  x = {}1{}\n}}\n{RESOURCE}",
        "(".repeat(n),
        ")".repeat(n)
    );
    let d = errs(&text);
    let p = positions(&d);
    assert!(p[0].0.contains("nesting depth"), "{p:#?}");
    // The location is the file's, though only a cut of the line is shown.
    assert_eq!(p[0].1, 2, "{p:#?}");
    let rendered = d.render(false);
    assert!(rendered.len() < 2_000, "{} bytes", rendered.len());
    assert!(
        rendered.contains(&format!("main.hcl:2:{}", p[0].2)),
        "{rendered}"
    );
    let json = serde_json::to_string(&d.to_json()).unwrap();
    assert!(json.len() < 2_000, "{} bytes", json.len());
}

#[test]
fn nested_for_expressions_over_large_lists_stop_after_a_bounded_number_of_steps() {
    // 10,000 x 10,000 iterations: small values, hours of work unbounded.
    let d = errs(&format!(
        "locals {{\n  l = split(\"\", \"{}\")\n  x = [for a in local.l : length([for b in local.l : b])]\n}}\n{RESOURCE}",
        "x".repeat(10_000)
    ));
    let p = positions(&d);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].0.contains("steps"), "{p:#?}");
    assert_eq!(p[0].1, 3, "{p:#?}");
}

#[test]
fn the_same_large_for_each_in_many_blocks_is_bounded_in_total() {
    let mut text = doubling_locals(19).replace(RESOURCE, "");
    for i in 0..200 {
        text.push_str(&format!(
            "resource \"aws_supplychain_instance\" \"r{i}\" {{\n  for_each = {{ k = local.b18 }}\n  name = \"r{i}\"\n}}\n"
        ));
    }
    let d = errs(&text);
    let p = positions(&d);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].0.contains("add up to more than 64 MiB"), "{p:#?}");
}
