//! The `manifest` fuzz target's committed seeds (`fuzz/seeds/manifest/`) in
//! the ordinary test suite: each goes through the parser half of the
//! target (`load_source`, then the miette and JSON renderings), and
//! `load_source` must agree with `load` on the same bytes written to disk:
//! it is the same pipeline, only the reading differs.

use std::path::{Path, PathBuf};

use decom_parser::{load, load_source, Diagnostics, Manifest, VariableInputs};

fn seeds() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/manifest");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("fuzz/seeds/manifest exists")
        .map(|e| {
            let p = e.expect("dir entry").path();
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            (
                name.unwrap_or_default(),
                std::fs::read(&p).expect("readable"),
            )
        })
        .collect();
    out.sort();
    out
}

/// What a load came to, without the file paths (which differ between a
/// temp dir and an in-memory name).
fn outcome(r: &Result<Manifest, Diagnostics>) -> Vec<String> {
    match r {
        Ok(m) => m.resources.iter().map(|r| r.address.to_string()).collect(),
        Err(d) => d
            .to_json()
            .into_iter()
            .map(|j| format!("{:?}:{:?}: {}", j.line, j.column, j.message))
            .collect(),
    }
}

#[test]
fn every_seed_loads_and_renders_like_the_fuzz_target() {
    let seeds = seeds();
    assert!(seeds.len() >= 20, "only {} seeds", seeds.len());
    let mut loaded = 0;
    for (name, bytes) in &seeds {
        match load_source(Path::new("main.hcl"), bytes, &VariableInputs::default()) {
            Ok(_) => loaded += 1,
            Err(d) => {
                assert!(!d.items.is_empty(), "{name}: error without diagnostics");
                let text = d.render(false);
                assert!(text.contains("error: "), "{name}: {text}");
                let _ = d.render(true);
                assert_eq!(d.to_json().len(), d.items.len());
            }
        }
    }
    // Most seeds are valid manifests, so mutations start from deep paths.
    assert!(
        loaded * 2 > seeds.len(),
        "{loaded} of {} loaded",
        seeds.len()
    );
}

#[test]
fn load_source_agrees_with_load_on_every_seed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file: PathBuf = dir.path().join("main.hcl");
    for (name, bytes) in seeds() {
        std::fs::write(&file, &bytes).expect("write");
        let from_disk = load(&file, &VariableInputs::default());
        let from_memory = load_source(&file, &bytes, &VariableInputs::default());
        assert_eq!(outcome(&from_disk), outcome(&from_memory), "{name}");
    }
}

#[test]
fn load_source_decodes_like_a_file() {
    let vars = VariableInputs::default();
    let bom = b"\xef\xbb\xbfresource \"aws_dx_connection\" \"c\" { id = \"dxcon-1\" }\n";
    let m = load_source(Path::new("main.hcl"), bom, &vars).expect("a BOM is stripped");
    assert_eq!(m.resources.len(), 1);

    let bad = b"resource \"aws_dx_connection\" \"c\" {\n  id = \"dxcon-\xff\"\n}\n";
    let d = load_source(Path::new("dir/main.hcl"), bad, &vars).expect_err("not UTF-8");
    let j = d.to_json();
    assert_eq!(j.len(), 1);
    assert_eq!(j[0].message, "`dir/main.hcl` is not valid UTF-8");
    assert_eq!((j[0].line, j[0].column), (Some(2), Some(15)));
    assert_eq!(j[0].file.as_deref(), Some("dir/main.hcl"));
}

/// The `manifest` target's `-max_len` is 64 KiB: nesting that deep (which
/// libFuzzer's length control rarely reaches by itself) is a syntax error
/// at the 65th level, not a stack overflow.
#[test]
fn nesting_as_deep_as_the_fuzz_max_len_allows_is_a_syntax_error() {
    for (open, close) in [("[", "]"), ("(", ")"), ("{a=", "}")] {
        let levels = 65_536 / (open.len() + close.len());
        let text = format!(
            "locals {{\n  x = {}1{}\n}}\n",
            open.repeat(levels),
            close.repeat(levels)
        );
        let d = load_source(Path::new("main.hcl"), text.as_bytes(), &Default::default())
            .expect_err("too deep");
        let j = d.to_json();
        assert_eq!(j.len(), 1, "{open}: {:?}", j);
        assert_eq!(
            j[0].message,
            "syntax error: invalid nesting depth; expected at most 64 nested levels"
        );
        assert_eq!(j[0].line, Some(2));
    }
}
