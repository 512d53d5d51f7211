//! The git commit a manifest was planned from, recorded in saved plans so
//! that an apply in CI can be tied to the commit that was reviewed.

use std::path::Path;
use std::process::{Command, Stdio};

/// `git rev-parse HEAD` in the manifest's directory. `None` when it is not
/// in a git repository or git is not installed: recording the commit is a
/// courtesy, never a reason to fail a plan.
pub fn head_commit(manifest_path: &Path) -> Option<String> {
    let dir = if manifest_path.is_dir() {
        manifest_path
    } else {
        manifest_path.parent()?
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--verify", "HEAD"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let commit = String::from_utf8(output.stdout).ok()?.trim().to_string();
    (!commit.is_empty() && commit.chars().all(|c| c.is_ascii_hexdigit())).then_some(commit)
}
