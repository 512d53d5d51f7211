//! The arguments every manifest-reading command shares (PATH, `--var`,
//! `--var-file`) and loading the manifest with them.

use std::path::{Path, PathBuf};

use decom_executor::journal::{self, Endpoint};
use decom_graph::DeletionGraph;
use decom_parser::{Diagnostics, Manifest, VariableInputs};
use decom_plan::Memory;

#[derive(Debug, Clone, clap::Args)]
pub struct ManifestArgs {
    /// Manifest directory (every *.hcl file in it, not recursive) or one .hcl file.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Set a variable: --var env=prod. Overrides --var-file, DECOM_VAR_<name> and defaults.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,

    /// Read variables from an HCL file of `name = value` lines; later files win.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,

    /// A saved plan's variable values: below every input given now,
    /// above defaults (see `portable::saved_variables`).
    #[arg(skip)]
    pub planned_vars: Vec<(String, String)>,
}

impl ManifestArgs {
    /// Loads the manifest; variables also come from `DECOM_VAR_*`.
    pub fn load(&self) -> Result<Manifest, Diagnostics> {
        let inputs = VariableInputs {
            cli: self.vars.clone(),
            files: self.var_files.clone(),
            // DECOM_VAR_* values are appended after these, and win.
            env: self.planned_vars.clone(),
        }
        .with_process_env()?;
        let manifest = decom_parser::load(&self.path, &inputs)?;
        super::console::hide_sensitive_values_of(&manifest);
        Ok(manifest)
    }

    /// Where runs of this manifest keep their lock and journal: `.decom/`
    /// next to the manifest (in it if it is a directory), `.decom/sandbox/`
    /// for sandbox runs, so that a rehearsal never touches the real
    /// memory; `journal` (`--journal FILE`) moves the journal, which is
    /// then read back for resume as well as written.
    pub fn state(&self, journal: Option<&Path>, endpoint: Endpoint) -> StateFiles {
        let base = if self.path.is_dir() {
            self.path.clone()
        } else {
            self.path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        };
        let dir = match endpoint {
            Endpoint::Real => base.join(".decom"),
            Endpoint::Sandbox => base.join(".decom").join("sandbox"),
        };
        StateFiles {
            journal: journal.map_or_else(|| dir.join("journal.jsonl"), Path::to_path_buf),
            dir,
            endpoint,
        }
    }

    /// Loads the manifest and builds its deletion graph (a cycle is
    /// reported as diagnostics like any other manifest error).
    pub fn load_graph(&self) -> Result<(Manifest, DeletionGraph), Diagnostics> {
        let manifest = self.load()?;
        let graph = decom_graph::from_manifest(&manifest)
            .map_err(|e| e.to_diagnostics(&manifest.sources))?;
        Ok((manifest, graph))
    }
}

/// Whether `path` names one of the files `manifest` was read from (its
/// `.hcl` files, its var files), or would be read as one (`*.hcl`): a
/// file decom writes must never overwrite or corrupt the manifest.
pub fn is_manifest_file(manifest: &Manifest, path: &Path) -> bool {
    let Some(target) = resolved(path) else {
        return false;
    };
    path.extension().is_some_and(|e| e == "hcl")
        || manifest
            .sources
            .files()
            .any(|(_, f)| resolved(&f.path).is_some_and(|p| p == target))
}

/// `path` made absolute with links resolved, also where its end does not
/// exist yet (the part that exists is resolved, the rest appended).
pub fn resolved(path: &Path) -> Option<PathBuf> {
    let absolute = std::env::current_dir().ok()?.join(path);
    let mut missing = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(found) = existing.canonicalize() {
            return Some(missing.iter().rev().fold(found, |p, part| p.join(part)));
        }
        missing.push(existing.file_name()?);
        existing = existing.parent()?;
    }
}

/// A file decom is about to write is refused if something that is not a
/// regular file is there (opening a FIFO blocks; a device is no file).
pub fn refuse_special_file(path: &Path, what: &str) -> Result<(), String> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => Err(format!("{what} {} is not a regular file", path.display())),
        _ => Ok(()),
    }
}

/// One run's lock directory and journal (see [`ManifestArgs::state`]).
pub struct StateFiles {
    /// Holds the lock.
    pub dir: PathBuf,
    pub journal: PathBuf,
    pub endpoint: Endpoint,
}

impl StateFiles {
    /// How much of the journal is written now: taken before a refresh,
    /// for [`Self::recall`] after it (see [`journal::Written`]).
    pub fn journal_written(&self) -> journal::Written {
        journal::written(&self.journal)
    }

    /// What earlier runs against the same kind of endpoint remember, in
    /// the journal as far as it was `written`. A journal that is there
    /// but cannot be read is said, not skipped in silence: a resume would
    /// otherwise fail with "no ... named".
    ///
    /// A file that is not one of decom's journals is not read either:
    /// apply refuses it, and `plan` found names "already gone" in it.
    pub fn recall(&self, written: journal::Written) -> Memory {
        if let Err(why) = journal::check_is_journal(&self.journal) {
            super::console::errln!(
                "warning: {why}; what earlier runs deleted is not known to this one"
            );
            return Memory::default();
        }
        journal::recall(&self.journal, self.endpoint, written).unwrap_or_else(|e| {
            super::console::errln!(
                "warning: cannot read the journal {} ({e}): what earlier runs deleted is not known to this one",
                self.journal.display()
            );
            Memory::default()
        })
    }

    /// Refuses a journal that would destroy or corrupt another file of
    /// the run: the lock (removed when the apply ends, audit trail and
    /// all), the manifest, or the plan file being applied.
    pub fn check_journal(
        &self,
        manifest: &Manifest,
        plan_file: Option<&Path>,
    ) -> Result<(), String> {
        let journal = resolved(&self.journal);
        let clashes_with = |other: &Path| journal.is_some() && journal == resolved(other);
        let clash = if clashes_with(&self.dir.join("lock")) {
            Some("the lock")
        } else if is_manifest_file(manifest, &self.journal) {
            Some("a manifest file")
        } else if plan_file.is_some_and(clashes_with) {
            Some("the plan file")
        } else {
            None
        };
        match clash {
            Some(what) => Err(format!(
                "--journal {} is {what}: the journal would destroy it or be destroyed with it; \
                 choose another file",
                self.journal.display()
            )),
            None => refuse_special_file(&self.journal, "journal")
                .and_then(|()| decom_executor::journal::check_is_journal(&self.journal)),
        }
    }
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("`{s}` is not NAME=VALUE (example: --var env=prod)")),
    }
}
