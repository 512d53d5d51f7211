//! A stage for one measured run: a simulator in this process, seeded with
//! a workload, and the workload's manifest in a directory, against which
//! the real `decom` binary is run as a child process.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use decom_sim::{AuditEntry, Sim, SimConfig, SimHandle};

use crate::measure::{self, Measured};
use crate::Workload;

pub struct Stage {
    rt: tokio::runtime::Runtime,
    sim: Option<SimHandle>,
    decom: PathBuf,
    dir: PathBuf,
}

impl Stage {
    /// Writes `workload` into `dir` and starts a simulator with `config`,
    /// seeded with the workload's state, on 127.0.0.1 port 0.
    pub fn start(
        decom: &Path,
        workload: &Workload,
        config: SimConfig,
        dir: &Path,
    ) -> Result<Stage, String> {
        crate::write(workload, dir).map_err(|e| format!("writing {}: {e}", dir.display()))?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("tokio runtime: {e}"))?;
        let sim = rt
            .block_on(Sim::start(SimConfig {
                initial_state: Some(workload.state.clone()),
                ..config
            }))
            .map_err(|e| format!("simulator: {e}"))?;
        Ok(Stage {
            rt,
            sim: Some(sim),
            decom: decom.to_path_buf(),
            dir: dir.to_path_buf(),
        })
    }

    /// Runs `decom ARGS` in the stage directory, measured.
    pub fn decom(&self, args: &[&str]) -> Result<Measured, String> {
        let sim = self.sim()?;
        let mut cmd = crate::decom_command(&self.decom, &sim.endpoint_url(), &self.dir);
        cmd.args(args).current_dir(&self.dir);
        measure::run(&mut cmd).map_err(|e| format!("running {}: {e}", self.decom.display()))
    }

    /// Like [`Stage::decom`], but a non-zero exit is an error carrying stderr.
    pub fn decom_ok(&self, args: &[&str]) -> Result<Measured, String> {
        let m = self.decom(args)?;
        if m.status.success() {
            Ok(m)
        } else {
            Err(format!(
                "decom {} exited with {}:\n{}",
                args.join(" "),
                m.status,
                m.stderr
            ))
        }
    }

    /// Every request the simulator has answered so far.
    pub fn audit(&self) -> Vec<AuditEntry> {
        self.sim.as_ref().map(SimHandle::audit).unwrap_or_default()
    }

    /// The ARNs or ids of every resource not (yet) gone: the snapshot
    /// without the tombstones of deleted resources still within their TTL.
    pub fn live(&self) -> BTreeSet<String> {
        let Some(sim) = &self.sim else {
            return BTreeSet::new();
        };
        sim.snapshot()
            .resources
            .into_iter()
            .filter(|r| {
                r.status
                    .as_deref()
                    .is_none_or(|s| !r.resource_type.is_terminal(s))
            })
            .flat_map(|r| r.arn.into_iter().chain(r.id))
            .collect()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn sim(&self) -> Result<&SimHandle, String> {
        self.sim
            .as_ref()
            .ok_or_else(|| "simulator stopped".to_owned())
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if let Some(sim) = self.sim.take() {
            self.rt.block_on(sim.shutdown());
        }
    }
}
