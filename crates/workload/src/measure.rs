//! Running a `decom` command as a child process and measuring it: wall
//! time and the peak resident set size of that process alone (from
//! `wait4`'s resource usage, so no external `time` is needed).
//!
//! A child spawned by a large process is reported, by `wait4`, at least
//! as large as its parent was: the child shares its parent's memory map
//! until it execs, and Linux records that map's high-water mark in the
//! child's `ru_maxrss` at the exec. A harness holding the simulator and
//! its audit log (about 80 MB at 10,000 resources) would overstate every
//! `decom` it spawns late. A harness whose `main` first calls
//! [`serve_as_intermediate`] is measured through a fresh copy of itself,
//! small when it spawns `decom` and reporting `decom`'s own peak, as
//! `/usr/bin/time` does.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Set by [`serve_as_intermediate`]: [`run`] may start this binary as
/// the intermediate.
static CAN_SERVE: AtomicBool = AtomicBool::new(false);

/// Set in an intermediate's environment: where it writes the peak RSS.
const PEAK_RSS_TO: &str = "DECOM_WORKLOAD_PEAK_RSS_TO";

/// Called first in a harness's `main`. In a process [`run`] started as
/// the intermediate, runs the command its arguments name, writes that
/// command's peak RSS where it was told, and exits with its exit code;
/// anywhere else lets [`run`] measure through such intermediates.
pub fn serve_as_intermediate() {
    if let Some(to) = std::env::var_os(PEAK_RSS_TO) {
        std::process::exit(intermediate(&to));
    }
    CAN_SERVE.store(true, Ordering::SeqCst);
}

/// The intermediate: the command in its arguments, its exit code.
fn intermediate(peak_rss_to: &std::ffi::OsStr) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    let mut args = std::env::args_os().skip(1);
    let Some(program) = args.next() else {
        return 127;
    };
    let spawned = Command::new(program)
        .args(args)
        .env_remove(PEAK_RSS_TO)
        .spawn();
    let Ok(child) = spawned else {
        return 127;
    };
    match wait_with_rusage(child.id()) {
        Ok((status, rss)) => {
            if std::fs::write(peak_rss_to, rss.to_string()).is_err() {
                return 125;
            }
            status
                .code()
                .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
        }
        Err(_) => 126,
    }
}

/// `command`, started through an intermediate (see the module doc) when
/// this binary serves as one; the file its peak RSS is written to.
fn through_intermediate(command: &Command) -> Option<(Command, tempfile::TempPath)> {
    if !CAN_SERVE.load(Ordering::SeqCst) {
        return None;
    }
    let me = std::env::current_exe().ok()?;
    let peak_rss = tempfile::NamedTempFile::new().ok()?.into_temp_path();
    let mut wrapped = Command::new(me);
    wrapped
        .arg(command.get_program())
        .args(command.get_args())
        .env(PEAK_RSS_TO, &peak_rss);
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => wrapped.env(key, value),
            None => wrapped.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    Some((wrapped, peak_rss))
}

/// What one measured command did.
#[derive(Debug)]
pub struct Measured {
    pub status: ExitStatus,
    pub wall: Duration,
    /// Peak RSS of the child, in KiB.
    pub peak_rss_kib: u64,
    pub stdout: String,
    pub stderr: String,
}

impl Measured {
    /// Peak RSS in MiB, for reports.
    pub fn peak_rss_mib(&self) -> f64 {
        self.peak_rss_kib as f64 / 1024.0
    }
}

/// Runs `command` to completion with captured output (`command` must not
/// rely on `env_clear`, which an intermediate cannot repeat).
pub fn run(command: &mut Command) -> std::io::Result<Measured> {
    let mut wrapped = through_intermediate(command);
    let command = match &mut wrapped {
        Some((intermediate, _)) => intermediate,
        None => command,
    };
    let start = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Drain both pipes on threads: a child blocked on a full pipe never exits.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_string(&mut text);
            }
            text
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let (status, spawned_peak_rss_kib) = wait_with_rusage(child.id())?;
    let wall = start.elapsed();
    // The intermediate's own figure is an upper bound, kept if it could
    // not say the command's.
    let peak_rss_kib = wrapped
        .and_then(|(_, path)| std::fs::read_to_string(&path).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(spawned_peak_rss_kib);
    Ok(Measured {
        status,
        wall,
        peak_rss_kib,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// Reaps `pid`, returning its exit status and its peak RSS in KiB.
fn wait_with_rusage(pid: u32) -> std::io::Result<(ExitStatus, u64)> {
    use std::os::unix::process::ExitStatusExt;
    let pid = libc::pid_t::try_from(pid).map_err(std::io::Error::other)?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain old data that wait4 fills in; `pid` is our
    // own child, not yet reaped (std's Child is never waited on).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to locals for the duration of the call.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
    // Linux reports ru_maxrss in KiB.
    let rss = u64::try_from(usage.ru_maxrss).unwrap_or(0);
    Ok((ExitStatus::from_raw(status), rss))
}
