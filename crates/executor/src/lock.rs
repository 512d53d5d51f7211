//! The apply lock: `.decom/lock` next to the manifest, created atomically
//! (create-new), holding who took it. A second apply refuses, naming the
//! holder. A lock left by a process that no longer runs on this host (a
//! crash, kill -9) is taken over, with a note.

use std::io::Write;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

/// Who holds the lock.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Holder {
    pub pid: u32,
    pub host: String,
    pub since: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pid {} on {} since {}", self.pid, self.host, self.since)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another apply is running: {path} is held by {holder}; wait for it to finish (if it crashed on another machine, delete {path})")]
    Held { path: String, holder: Holder },
    #[error("cannot take the lock {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// A held lock; released (the file removed) on drop.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    /// A dead holder whose lock was taken over.
    pub taken_over: Option<Holder>,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Lock {
    /// Takes `dir/lock`.
    pub fn acquire(dir: &Path) -> Result<Lock, LockError> {
        let path = dir.join("lock");
        let shown = path.display().to_string();
        let io = |source| LockError::Io {
            path: shown.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut taken_over = None;
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    let me = Holder {
                        pid: std::process::id(),
                        host: hostname(),
                        since: OffsetDateTime::now_utc()
                            .format(&time::format_description::well_known::Rfc3339)
                            .unwrap_or_default(),
                    };
                    let text =
                        serde_json::to_string(&me).map_err(|e| io(std::io::Error::other(e)))?;
                    file.write_all(text.as_bytes()).map_err(io)?;
                    return Ok(Lock { path, taken_over });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = read_holder(&path);
                    match holder {
                        Some(h) if !is_dead(&h) => {
                            return Err(LockError::Held {
                                path: shown,
                                holder: h,
                            })
                        }
                        _ => {
                            // Dead holder (or unreadable lock): take it over once.
                            taken_over = holder;
                            std::fs::remove_file(&path).map_err(io)?;
                        }
                    }
                }
                Err(e) => return Err(io(e)),
            }
        }
        Err(io(std::io::Error::other("the lock kept reappearing")))
    }
}

fn read_holder(path: &Path) -> Option<Holder> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// Only a holder on this host whose process is gone is known dead.
fn is_dead(h: &Holder) -> bool {
    h.host == hostname()
        && Path::new("/proc/self").exists()
        && !Path::new(&format!("/proc/{}", h.pid)).exists()
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown-host".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_holders_details() {
        let dir = tempfile::tempdir().unwrap();
        let first = Lock::acquire(dir.path()).unwrap();
        let err = Lock::acquire(dir.path()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        drop(first);
        assert!(Lock::acquire(dir.path()).is_ok());
    }

    #[test]
    fn a_lock_of_a_dead_process_on_this_host_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let dead = Holder {
            pid: u32::MAX - 1,
            host: hostname(),
            since: "2026-01-01T00:00:00Z".into(),
        };
        std::fs::write(
            dir.path().join("lock"),
            serde_json::to_string(&dead).unwrap(),
        )
        .unwrap();
        let lock = Lock::acquire(dir.path()).unwrap();
        assert_eq!(lock.taken_over, Some(dead));
    }
}
