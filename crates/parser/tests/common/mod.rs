//! Helpers shared by the integration tests: write a manifest into a
//! tempdir, load it, and look at diagnostics by message and position.
#![allow(dead_code)]

use std::path::PathBuf;

use decom_parser::{load, Address, Diagnostics, Manifest, ResourceInstance, VariableInputs};

pub struct Dir {
    pub dir: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

/// Loads one file named main.hcl with `text`.
pub fn load_str(text: &str) -> Result<Manifest, Diagnostics> {
    load_with(text, &VariableInputs::default())
}

pub fn load_with(text: &str, vars: &VariableInputs) -> Result<Manifest, Diagnostics> {
    let d = Dir::new();
    d.write("main.hcl", text);
    load(&d.path(), vars)
}

pub fn ok(text: &str) -> Manifest {
    match load_str(text) {
        Ok(m) => m,
        Err(d) => panic!("expected the manifest to load, got:\n{}", d.render(false)),
    }
}

pub fn errs(text: &str) -> Diagnostics {
    match load_str(text) {
        Ok(_) => panic!("expected errors, the manifest loaded"),
        Err(d) => d,
    }
}

/// (message, line, column) of every diagnostic.
pub fn positions(d: &Diagnostics) -> Vec<(String, usize, usize)> {
    d.items
        .iter()
        .map(|i| {
            let loc = d.location(i);
            (
                i.message.clone(),
                loc.as_ref().map_or(0, |l| l.line),
                loc.as_ref().map_or(0, |l| l.column),
            )
        })
        .collect()
}

/// Asserts there is exactly one diagnostic, containing `msg`, at line:col.
pub fn assert_one(d: &Diagnostics, msg: &str, line: usize, col: usize) {
    let p = positions(d);
    assert_eq!(p.len(), 1, "expected one diagnostic, got {p:#?}");
    let (m, l, c) = &p[0];
    assert!(m.contains(msg), "message {m:?} does not contain {msg:?}");
    assert_eq!((*l, *c), (line, col), "position of {m:?}");
    assert!(d.items[0].help.is_some(), "diagnostic {m:?} has no help");
}

pub fn res<'m>(m: &'m Manifest, addr: &str) -> &'m ResourceInstance {
    let a: Address = addr.parse().expect("address");
    m.resource(&a).unwrap_or_else(|| {
        panic!(
            "no resource {addr}; have {:?}",
            m.resources
                .iter()
                .map(|r| r.address.to_string())
                .collect::<Vec<_>>()
        )
    })
}

pub const SVC_ARN: &str = "arn:aws:apprunner:us-east-1:123456789012:service/web/0123abcd";
pub const CONN_ARN: &str =
    "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/shared/1/89efcdab";
pub const ING_ARN: &str =
    "arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/web/0123abcd";
