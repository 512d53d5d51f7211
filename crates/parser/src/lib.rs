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
pub mod resource_type;
pub mod source;
pub mod value;

pub use diagnostic::{Diagnostic, Diagnostics};
/// The one duration syntax (`90s`, `30m`, `1h30m`), for CLI flags too.
pub use duration::{parse as parse_duration, EXAMPLE as DURATION_EXAMPLE};
pub use manifest::{
    split_reference, Address, Dependency, DependencyKind, Identity, IdentityKind, InstanceKey,
    Knowable, Manifest, Provider, Relation, ResourceInstance, Variable,
};
pub use redaction::{Redaction, MIN_HIDDEN_LEN};
pub use resource_type::{RelationAttr, ResourceType};
pub use source::{FileId, Location, SourceFile, SourceMap, Span};
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
    /// Collects `DECOM_VAR_*` from the process environment.
    pub fn with_process_env(mut self) -> Self {
        self.env = std::env::vars()
            .filter_map(|(k, v)| k.strip_prefix("DECOM_VAR_").map(|n| (n.to_string(), v)))
            .collect();
        self
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
