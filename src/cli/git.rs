//! What git says about a manifest's directory: the commit a plan was made
//! from (and whether the tree had uncommitted changes), recorded in saved
//! plans so that an apply in CI can be tied to the reviewed commit, and
//! the work tree's root, from which a plan file finds its manifest.
//!
//! All of it is a courtesy: outside a repository, or without git, every
//! answer is `None`, never a reason to fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use decom_plan::GitState;

/// The commit at HEAD where the manifest lives, and whether the tree had
/// changes not committed (decom's own `.decom/` state aside).
pub fn state(manifest_path: &Path) -> Option<GitState> {
    let dir = directory_of(manifest_path);
    let commit = git(&dir, &["rev-parse", "--verify", "HEAD"])?;
    let commit = commit.trim().to_string();
    if commit.is_empty() || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let status = git(&dir, &["status", "--porcelain", "--untracked-files=normal"])?;
    let dirty = status
        .lines()
        .any(|l| !l.trim().is_empty() && !l.contains(".decom/"));
    Some(GitState { commit, dirty })
}

/// The root of the git work tree `dir` is in.
pub fn root(dir: &Path) -> Option<PathBuf> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let top = top.trim_end_matches(['\n', '\r']);
    (!top.is_empty()).then(|| PathBuf::from(top))
}

/// The directory of a manifest path (itself if it is one; `.` for a bare
/// file name).
pub fn directory_of(path: &Path) -> PathBuf {
    let dir = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(Path::new(""))
    };
    if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    }
}

/// `git -C dir ARGS`'s stdout, if it succeeded.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}
