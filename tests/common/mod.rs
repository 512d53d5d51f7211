//! A small harness for running the real `decom` binary in a temp dir.

#![allow(dead_code)]

pub mod apprunner_estate;
pub mod directconnect_estate;
pub mod fake_servers;
pub mod process;
pub mod quickstart;
pub mod sim;
pub mod supplychain_estate;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A temporary manifest directory.
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        Project {
            dir: tempfile::tempdir().expect("create temp dir"),
        }
    }

    /// A project with one `main.hcl`.
    pub fn with_main(text: &str) -> Project {
        let p = Project::new();
        p.write("main.hcl", text);
        p
    }

    /// A copy of the shipped example `examples/NAME` (its files, not its
    /// state): tests never run in the repository's working tree, where a
    /// user's own runs leave `.decom/`.
    pub fn example(name: &str) -> Project {
        let p = Project::new();
        let dir = repo_root().join("examples").join(name);
        for entry in std::fs::read_dir(&dir).expect("example exists") {
            let path = entry.expect("example entry").path();
            if path.is_file() {
                let file_name = path.file_name().expect("file name");
                std::fs::copy(&path, p.path().join(file_name)).expect("copy example file");
            }
        }
        p
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write test file");
        path
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `decom ARGS...` started inside the project directory with only
    /// `env` (and no colour), no input and its output piped: for a test
    /// that acts while it runs (later entries of `env` win). Nothing of
    /// the host's environment reaches it (an `AWS_PROFILE` would).
    pub fn spawn(&self, args: &[&str], env: &[(&str, String)]) -> std::process::Child {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("decom"))
            .current_dir(self.path())
            .args(args)
            .env_clear()
            .env("NO_COLOR", "1")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("decom starts")
    }

    /// `decom ARGS...` run inside the project directory, with no colour and
    /// no inherited `DECOM_VAR_*` or AWS settings.
    pub fn decom(&self, args: &[&str]) -> Command {
        let mut cmd = decom();
        cmd.current_dir(self.path()).args(args);
        cmd
    }
}

/// The `decom` binary with a clean environment for deterministic output.
pub fn decom() -> Command {
    let mut cmd = Command::cargo_bin("decom").expect("decom binary is built");
    for key in host_settings() {
        cmd.env_remove(key);
    }
    cmd.env("NO_COLOR", "1");
    // Never the instance metadata service: an address off this machine.
    cmd.env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

/// The names of the host's `DECOM_VAR_*` and `AWS_*` variables (read as
/// bytes: a host variable that is not UTF-8 must not break the tests).
pub fn host_settings() -> Vec<std::ffi::OsString> {
    std::env::vars_os()
        .map(|(key, _)| key)
        .filter(|key| {
            let bytes = key.as_encoded_bytes();
            bytes.starts_with(b"DECOM_VAR_") || bytes.starts_with(b"AWS_")
        })
        .collect()
}

/// The repository root (for the shipped examples).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Asserts that a run exited 0, showing its output if not; its stdout.
#[track_caller]
pub fn succeeded(output: &std::process::Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        stdout(output),
        stderr(output)
    );
    stdout(output)
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
