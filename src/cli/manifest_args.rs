//! The arguments every manifest-reading command shares (PATH, `--var`,
//! `--var-file`) and loading the manifest with them.

use std::path::{Path, PathBuf};

use decom_executor::journal::{self, Endpoint};
use decom_graph::plan::Memory;
use decom_graph::DeletionGraph;
use decom_parser::{Diagnostics, Manifest, VariableInputs};

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
}

impl ManifestArgs {
    /// Loads the manifest; variables also come from `DECOM_VAR_*`.
    pub fn load(&self) -> Result<Manifest, Diagnostics> {
        let inputs = VariableInputs {
            cli: self.vars.clone(),
            files: self.var_files.clone(),
            env: Vec::new(),
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

/// One run's lock directory and journal (see [`ManifestArgs::state`]).
pub struct StateFiles {
    /// Holds the lock.
    pub dir: PathBuf,
    pub journal: PathBuf,
    pub endpoint: Endpoint,
}

impl StateFiles {
    /// What earlier runs against the same kind of endpoint remember.
    pub fn recall(&self) -> Memory {
        journal::recall(&self.journal, self.endpoint)
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
