//! The apply lock: `lock` in the state directory, holding who took it. A
//! second apply refuses, naming the holder.
//!
//! Holding is decided by the kernel, not by the file's text: the holder
//! keeps an exclusive `flock` on the file for its whole run, and the
//! kernel drops it when the process dies however it dies. So taking over
//! the lock of a dead process is the same atomic step as taking a free
//! one, and of any number of racing applies exactly one wins. The text
//! (pid, host, time) only says who holds it. Two extra rules make it safe
//! where `flock` may not reach: a lock written by another host is held
//! (its process cannot be seen from here), and an empty or unreadable
//! lock younger than a minute is held (it may be one being written).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{ErrorKind, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use decom_parser::printable::printable_in_line;
use time::OffsetDateTime;

/// How long an empty or unreadable lock file counts as held.
const UNREADABLE_HELD_FOR: Duration = Duration::from_secs(60);

/// Who holds the lock.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Holder {
    pub pid: u32,
    pub host: String,
    pub since: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The text is the lock file's: anyone's who can write there.
        let (host, since) = (
            printable_in_line(&self.host),
            printable_in_line(&self.since),
        );
        write!(f, "pid {} on {host} since {since}", self.pid)
    }
}

/// How often a wait for a held lock checks again.
const LOCK_RETRY: Duration = Duration::from_millis(250);

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another apply is running: {path} is held by {holder}; wait for it to finish (if it crashed on another machine, delete {path})")]
    Held { path: String, holder: Holder },
    #[error("another apply may be starting: {path} is empty or unreadable and less than a minute old; try again in a minute (if no apply is running, delete {path})")]
    Unreadable { path: String },
    #[error("cannot take the lock {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// A held lock; released (the file removed, then the `flock` dropped) on
/// drop.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    /// Holds the `flock`: `drop` removes the file while it is still held.
    file: File,
    /// The holder whose lock was taken over (its process is gone).
    pub taken_over: Option<Holder>,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held: an apply that opened the old file
        // meanwhile sees it unlinked and starts over on a new one. Only
        // if the path is still our file: if someone deleted it by hand
        // and another apply took a new lock there, that lock is theirs.
        if is_the_file_at(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl Lock {
    /// Takes `dir/lock`, waiting up to `timeout` while another apply holds
    /// it (Terraform's `-lock-timeout`), checking again every
    /// `LOCK_RETRY`. `waiting` is told once, when the wait begins. Each
    /// attempt is [`Lock::acquire`] run by `attempt` (which may hold off
    /// signals while it runs: it creates the file, then writes it).
    pub fn acquire_within(
        dir: &Path,
        timeout: Duration,
        waiting: impl FnOnce(&LockError),
        attempt: impl Fn(&dyn Fn() -> Result<Lock, LockError>) -> Result<Lock, LockError>,
    ) -> Result<Lock, LockError> {
        let deadline = Instant::now() + timeout;
        let mut waiting = Some(waiting);
        loop {
            let err = match attempt(&|| Lock::acquire(dir)) {
                Err(e @ (LockError::Held { .. } | LockError::Unreadable { .. })) => e,
                done => return done,
            };
            let now = Instant::now();
            if now >= deadline {
                return Err(err);
            }
            if let Some(tell) = waiting.take() {
                tell(&err);
            }
            std::thread::sleep(LOCK_RETRY.min(deadline - now));
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Takes `dir/lock`.
    pub fn acquire(dir: &Path) -> Result<Lock, LockError> {
        let path = dir.join("lock");
        let io = |source| LockError::Io {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        // Each pass wins, refuses, or saw the file replaced or removed
        // under it (a holder releasing at that moment): then looks again.
        for _ in 0..16 {
            let attempt = match options().create_new(true).open(&path) {
                Ok(file) => create(&path, file),
                Err(e) if e.kind() == ErrorKind::AlreadyExists => match options().open(&path) {
                    Ok(file) => take_over(&path, file),
                    Err(e) if e.kind() == ErrorKind::NotFound => continue,
                    Err(e) if is_link(&path) => {
                        let why = "it is a symbolic link, and the lock is never written through one; remove it";
                        return Err(io(std::io::Error::new(e.kind(), why)));
                    }
                    Err(e) => return Err(io(e)),
                },
                Err(e) => return Err(io(e)),
            };
            if let Some(result) = attempt.transpose() {
                return result;
            }
        }
        Err(io(std::io::Error::other("the lock kept being replaced")))
    }
}

/// Read-write, owner-only; never truncating (the text is read first);
/// never through a symbolic link (taking the lock writes to the file: a
/// link would have it overwrite whatever it points at).
fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.read(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options
}

/// We created the file: lock it, then write us in. Until we do, others
/// see an empty young file and refuse; one of them may hold the `flock`
/// for the moment it takes to look, so wait a little for it.
/// `Ok(None)`: the file was replaced meanwhile, look again.
fn create(path: &Path, file: File) -> Result<Option<Lock>, LockError> {
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(TryLockError::WouldBlock) => return Err(held(path, &file)),
            Err(TryLockError::Error(e)) => return Err(io_error(path, e)),
        }
    }
    if !is_the_file_at(&file, path) {
        return Ok(None);
    }
    write_holder(path, file, None).map(Some)
}

/// The file was there: it is free only if no process holds its `flock`.
/// Then its text says whether it may be taken: a holder on this host is
/// gone (a live one would hold the `flock`); one on another host cannot
/// be seen from here; an empty or unreadable text may be a lock being
/// created, until it is a minute old. `Ok(None)`: look again.
fn take_over(path: &Path, file: File) -> Result<Option<Lock>, LockError> {
    if let Some(why) = not_ours(&file) {
        let why = format!("{why}, so never a lock decom wrote; remove it");
        return Err(io_error(path, std::io::Error::other(why)));
    }
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return Err(held(path, &file)),
        Err(TryLockError::Error(e)) => return Err(io_error(path, e)),
    }
    if !is_the_file_at(&file, path) {
        return Ok(None);
    }
    let shown = path.display().to_string();
    let previous = match read_holder(&file) {
        Some(h) if h.host != hostname() => {
            return Err(LockError::Held {
                path: shown,
                holder: h,
            })
        }
        Some(h) => Some(h),
        None if younger_than(&file, UNREADABLE_HELD_FOR) => {
            return Err(LockError::Unreadable { path: shown })
        }
        None => None,
    };
    write_holder(path, file, previous).map(Some)
}

/// Why `file` cannot be a lock decom made (taking one over writes into
/// it): not a regular file, or one with another name too, a hard link
/// to a file elsewhere that the takeover would overwrite.
fn not_ours(file: &File) -> Option<&'static str> {
    let Ok(meta) = file.metadata() else {
        return Some("it cannot be looked at");
    };
    if !meta.is_file() {
        return Some("it is not a regular file (a FIFO or a device)");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Some("it has another name too (a hard link)");
        }
    }
    None
}

/// Writes this process in as the holder of the locked `file`.
fn write_holder(path: &Path, file: File, taken_over: Option<Holder>) -> Result<Lock, LockError> {
    let me = Holder {
        pid: std::process::id(),
        host: hostname(),
        since: OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
    };
    let text = serde_json::to_string(&me).map_err(|e| io_error(path, std::io::Error::other(e)))?;
    let write = |file: &mut File| -> std::io::Result<()> {
        file.set_len(0)?;
        file.rewind()?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    };
    let mut lock = Lock {
        path: path.to_path_buf(),
        file,
        taken_over,
    };
    // On failure (a full disk) the lock is dropped, so released: an empty
    // or torn one left behind would hold off every apply for a minute.
    write(&mut lock.file).map_err(|e| io_error(path, e))?;
    Ok(lock)
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn io_error(path: &Path, source: std::io::Error) -> LockError {
    LockError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Whether `file` is still the file at `path` (not unlinked by a holder
/// that released it between our open and our lock).
fn is_the_file_at(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(ours), Ok(theirs)) => ours.dev() == theirs.dev() && ours.ino() == theirs.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// The holder a lock file names; `None` if empty or unreadable. A lock
/// file is one line of JSON: more than 4 KiB is not ours.
fn read_holder(mut file: &File) -> Option<Holder> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(4096).read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

/// Whether `file` was modified less than `age` ago. A time in the future
/// (clocks of two hosts apart) is young by as much: a lock file dated
/// 2030 was held until then.
fn younger_than(file: &File, age: Duration) -> bool {
    file.metadata()
        .and_then(|m| m.modified())
        .is_ok_and(|modified| match modified.elapsed() {
            Ok(elapsed) => elapsed < age,
            Err(ahead) => ahead.duration() < age,
        })
}

/// Refusal: a live process holds the `flock` (or is creating the file).
fn held(path: &Path, file: &File) -> LockError {
    let shown = path.display().to_string();
    match read_holder(file) {
        Some(holder) => LockError::Held {
            path: shown,
            holder,
        },
        None => LockError::Unreadable { path: shown },
    }
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

    fn write_lock(dir: &Path, text: &str) {
        std::fs::write(dir.join("lock"), text).unwrap();
    }

    fn age(dir: &Path, by: Duration) {
        let file = File::options().write(true).open(dir.join("lock")).unwrap();
        let then = std::time::SystemTime::now() - by;
        file.set_modified(then).unwrap();
    }

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
        assert!(!dir.path().join("lock").exists());
        assert!(Lock::acquire(dir.path()).is_ok());
    }

    #[test]
    fn a_lock_left_by_a_dead_process_on_this_host_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let dead = Holder {
            pid: u32::MAX - 1,
            host: hostname(),
            since: "2026-01-01T00:00:00Z".into(),
        };
        write_lock(dir.path(), &serde_json::to_string(&dead).unwrap());
        let lock = Lock::acquire(dir.path()).unwrap();
        assert_eq!(lock.taken_over, Some(dead));
    }

    #[test]
    fn a_holders_text_is_shown_without_terminal_controls() {
        let dir = tempfile::tempdir().unwrap();
        let hostile = r#"{"pid":1,"host":"h\u001b]0;t\u0007\nx","since":"\u001b[31m"}"#;
        write_lock(dir.path(), hostile);
        let err = Lock::acquire(dir.path()).unwrap_err().to_string();
        assert!(!err.contains('\u{1b}') && !err.contains('\n'), "{err:?}");
        assert!(err.contains("h\\u{1b}]0;t\\u{7}"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_where_the_lock_goes_is_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = std::ffi::CString::new(
            dir.path()
                .join("lock")
                .into_os_string()
                .into_encoded_bytes(),
        )
        .unwrap();
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
        let err = Lock::acquire(dir.path()).unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
        assert!(dir.path().join("lock").exists(), "left as it is");
    }

    /// A stale lock is taken over by writing into it: a hard link there
    /// to a file elsewhere was overwritten with this apply's holder.
    #[cfg(unix)]
    #[test]
    fn a_hard_link_where_the_lock_goes_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "keep me").unwrap();
        std::fs::hard_link(&victim, dir.path().join("lock")).unwrap();
        age(dir.path(), Duration::from_secs(300));
        let err = Lock::acquire(dir.path()).unwrap_err().to_string();
        assert!(err.contains("hard link"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    }

    #[test]
    fn a_lock_written_on_another_host_is_held() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = Holder {
            pid: 1,
            host: "some-other-runner".into(),
            since: "2026-01-01T00:00:00Z".into(),
        };
        write_lock(dir.path(), &serde_json::to_string(&elsewhere).unwrap());
        let err = Lock::acquire(dir.path()).unwrap_err().to_string();
        assert!(err.contains("some-other-runner"), "{err}");
    }

    #[test]
    fn an_empty_or_garbage_lock_is_held_for_a_minute_then_taken() {
        for text in ["", "{\"pid\": 12", "\u{0}\u{1}garbage"] {
            let dir = tempfile::tempdir().unwrap();
            write_lock(dir.path(), text);
            age(dir.path(), Duration::from_secs(5));
            let err = Lock::acquire(dir.path()).unwrap_err().to_string();
            assert!(
                err.contains("another apply may be starting"),
                "{text:?}: {err}"
            );
            age(dir.path(), Duration::from_secs(61));
            let lock = Lock::acquire(dir.path()).unwrap();
            assert_eq!(lock.taken_over, None);
        }
    }

    /// Dated in the future (another host's clock, `touch -d 2030`): held
    /// while within a minute of now, as a young one, then taken (it was
    /// held until the date came).
    #[test]
    fn a_garbage_lock_dated_in_the_future_is_not_held_until_then() {
        let dir = tempfile::tempdir().unwrap();
        let date = |ahead: Duration| {
            write_lock(dir.path(), "garbage");
            let file = File::options()
                .write(true)
                .open(dir.path().join("lock"))
                .unwrap();
            file.set_modified(std::time::SystemTime::now() + ahead)
                .unwrap();
        };
        date(Duration::from_secs(5));
        assert!(
            Lock::acquire(dir.path()).is_err(),
            "a skew of seconds is young"
        );
        date(Duration::from_secs(4 * 365 * 86_400));
        assert!(Lock::acquire(dir.path()).is_ok());
    }

    /// Many racers over a lock left by a dead process: exactly one wins,
    /// every time (the old read -> remove -> create let two win).
    #[test]
    fn racing_takeovers_of_a_stale_lock_have_exactly_one_winner() {
        let dead = Holder {
            pid: u32::MAX - 1,
            host: hostname(),
            since: "2026-01-01T00:00:00Z".into(),
        };
        for _ in 0..100 {
            let dir = tempfile::tempdir().unwrap();
            write_lock(dir.path(), &serde_json::to_string(&dead).unwrap());
            let barrier = std::sync::Barrier::new(8);
            let locks: Vec<Option<Lock>> = std::thread::scope(|s| {
                let racers: Vec<_> = (0..8)
                    .map(|_| {
                        s.spawn(|| {
                            barrier.wait();
                            Lock::acquire(dir.path()).ok()
                        })
                    })
                    .collect();
                racers.into_iter().map(|r| r.join().unwrap()).collect()
            });
            assert_eq!(locks.iter().flatten().count(), 1);
        }
    }

    /// A lock deleted by hand and taken by a second apply stays the
    /// second's when the first ends: the first must not remove it, or a
    /// third apply would run beside the second.
    #[test]
    fn releasing_a_lock_never_removes_another_applys_lock_at_the_same_path() {
        let dir = tempfile::tempdir().unwrap();
        let first = Lock::acquire(dir.path()).unwrap();
        std::fs::remove_file(dir.path().join("lock")).unwrap();
        let second = Lock::acquire(dir.path()).unwrap();
        drop(first);
        assert!(dir.path().join("lock").exists());
        let err = Lock::acquire(dir.path()).unwrap_err();
        assert!(matches!(err, LockError::Held { .. }), "{err}");
        drop(second);
        assert!(!dir.path().join("lock").exists());
    }
}
