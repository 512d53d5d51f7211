//! decom's manifest language.
//!
//! This crate turns a directory of `*.hcl` files (or one file) into a typed,
//! fully evaluated [`Manifest`]: every resource instance with its address,
//! identity, relation assertions, lifecycle settings and the dependencies
//! its expressions create, each carrying the source [`Span`] it came from.
//!
//! It never touches the network. Values that only live state can supply
//! (the ARN of a resource identified by `name`) are carried as
//! [`Knowable::AfterRefresh`], never guessed.
//!
//! Entry points: [`load`] (files on disk) and [`load_source`] (one file
//! in memory). Errors come back as [`Diagnostics`]: every
//! independent problem in the manifest at once, each with file, line,
//! column, a snippet and, where one exists, a one-line fix hint.

pub mod diagnostic;
mod diagnostic_render;
pub mod manifest;
pub mod printable;
pub mod source;
pub mod value;
pub mod writer;

pub use decom_kinds::{RelationAttr, ResourceType};
pub use diagnostic::{Diagnostic, Diagnostics};
/// The one duration syntax (`90s`, `30m`, `1h30m`), for CLI flags too.
pub use duration::{parse as parse_duration, EXAMPLE as DURATION_EXAMPLE};
pub use files::manifest_files;
pub use manifest::{
    is_region, split_reference, Address, AssumeRole, Dependency, DependencyKind, Identity,
    IdentityKind, IdentityPart, InstanceKey, Knowable, Manifest, Provider, Relation,
    ResourceInstance, Variable,
};
pub use redaction::{Redaction, MIN_HIDDEN_LEN};
pub use source::{FileId, Location, SourceFile, SourceMap, Span};
pub use suggest::closest;
pub use value::Value;

use std::path::Path;

/// Where variable values come from, besides `DECOM_VAR_*` and defaults.
///
/// Precedence, highest first: `--var`, `--var-file` (later files win),
/// the environment, the variable's default.
#[derive(Debug, Clone, Default)]
pub struct VariableInputs {
    /// `--var name=value`, in command-line order (a later one wins).
    pub cli: Vec<(String, String)>,
    /// `--var-file FILE` paths, in command-line order.
    pub files: Vec<std::path::PathBuf>,
    /// `DECOM_VAR_name` values; the CLI fills this from the process env so
    /// that tests can pass their own.
    pub env: Vec<(String, String)>,
}

impl VariableInputs {
    /// Collects `DECOM_VAR_*` from the process environment. Other
    /// variables are never decoded, so one that is not UTF-8 is no concern
    /// of decom's; a `DECOM_VAR_*` one is refused with its name.
    pub fn with_process_env(self) -> Result<Self, Diagnostics> {
        self.with_env(std::env::vars_os())
    }

    /// [`with_process_env`](Self::with_process_env) over given pairs.
    fn with_env(
        mut self,
        vars: impl IntoIterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
    ) -> Result<Self, Diagnostics> {
        const PREFIX: &[u8] = b"DECOM_VAR_";
        for (key, value) in vars {
            let Some(name) = key.as_encoded_bytes().strip_prefix(PREFIX) else {
                continue;
            };
            let (Ok(name), Ok(value)) = (std::str::from_utf8(name), value.into_string()) else {
                return Err(not_utf8(&key));
            };
            self.env.push((name.to_string(), value));
        }
        Ok(self)
    }
}

/// The one-line error for a `DECOM_VAR_*` variable whose name or value is
/// not UTF-8 (the value is never shown: it may be sensitive).
fn not_utf8(key: &std::ffi::OsStr) -> Diagnostics {
    Diagnostics {
        items: vec![Diagnostic::error(
            format!(
                "environment variable {} is not valid UTF-8; set it to UTF-8 text or unset it",
                key.to_string_lossy()
            ),
            None,
        )],
        ..Diagnostics::default()
    }
}

/// Loads, evaluates and checks the manifest at `path` (a directory of
/// `*.hcl` files, sorted by name, non-recursive; or a single file).
pub fn load(path: &Path, vars: &VariableInputs) -> Result<Manifest, Diagnostics> {
    loader::load(loader::Input::Path(path), vars)
}

/// Loads, evaluates and checks a manifest of one file held in memory:
/// `name` is the path diagnostics show (nothing is read from it), `source`
/// the file's bytes, decoded exactly as [`load`] decodes a file (a UTF-8
/// BOM is stripped; bytes that are not UTF-8 are a diagnostic). `--var-file`
/// paths in `vars` are still read from disk.
///
/// The same pipeline as [`load`] after reading; exists for callers whose
/// manifest is not a file (the fuzz targets, editors, tests).
pub fn load_source(
    name: &Path,
    source: &[u8],
    vars: &VariableInputs,
) -> Result<Manifest, Diagnostics> {
    loader::load(
        loader::Input::Source {
            name,
            bytes: source,
        },
        vars,
    )
}

mod decls;
mod duration;
mod eval;
mod expand;
mod fasthash;
mod files;
mod functions;
mod limits;
mod loader;
mod locals;
mod providers;
mod redaction;
mod refs;
mod resources;
mod schema;
mod snippet;
mod suggest;
mod taint;
mod types;
mod variables;

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;

    fn os(bytes: &[u8]) -> OsString {
        OsString::from_vec(bytes.to_vec())
    }

    #[test]
    fn a_variable_that_is_not_utf8_is_ignored_unless_it_is_decom_s() {
        let vars = [
            (os(b"JUNK"), os(b"\xff")),
            (os(b"\xfe"), os(b"x")),
            (os(b"DECOM_VAR_env"), os(b"prod")),
        ];
        let inputs = VariableInputs::default().with_env(vars).unwrap();
        assert_eq!(inputs.env, vec![("env".to_string(), "prod".to_string())]);
    }

    #[test]
    fn a_decom_var_that_is_not_utf8_is_one_error_naming_it() {
        for (key, value) in [
            (os(b"DECOM_VAR_token"), os(b"s3cr\xff")),
            (os(b"DECOM_VAR_t\xff"), os(b"v")),
        ] {
            let err = VariableInputs::default()
                .with_env([(key, value)])
                .unwrap_err();
            assert_eq!(err.items.len(), 1);
            let text = err.render(false);
            assert!(text.contains("DECOM_VAR_t"), "{text}");
            assert!(!text.contains("s3cr"), "{text}");
            assert_eq!(text.trim().lines().count(), 1, "{text}");
        }
    }
}
