//! What stops a run early: SIGINT, SIGTERM (what CI runners send on
//! cancel), SIGHUP (a terminal or SSH session gone), or a stdout whose
//! reader went away.
//!
//! Until deletions may begin ([`defer`]), a signal ends the process at
//! once with 130 / 143: nothing has been changed, the apply's lock (taken
//! before its refresh, see [`HeldLock`]) is released, and a blocking read
//! (the confirmation prompt) must not swallow it. From
//! then on a signal raises the [`Interrupt`] level the scheduler watches:
//! the first stops new deletions (requests in flight finish, the journal
//! is closed, the lock released), a second aborts requests in flight.
//! A file being written ([`finishing`]: the saved plan) is finished first.
//!
//! Signals are process-wide, so this state is too: the exit code of a
//! signalled run is decided in one place (`cli::exit_code`).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use decom_executor::lock::{Lock, LockError};
use decom_executor::Interrupt;
use tokio::sync::watch;

use super::console::errln;

/// A signal decom handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Int,
    Term,
    /// The terminal went away (an SSH session dropped).
    Hup,
}

impl Signal {
    /// 128 + the signal number, as a shell reports a signalled process.
    pub fn exit_code(self) -> u8 {
        match self {
            Signal::Int => 130,
            Signal::Term => 143,
            Signal::Hup => 129,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Signal::Int => "SIGINT",
            Signal::Term => "SIGTERM",
            Signal::Hup => "SIGHUP",
        }
    }
}

static FIRST_SIGNAL: OnceLock<Signal> = OnceLock::new();
/// When deletions were first asked to stop.
static FIRST_AT: OnceLock<Instant> = OnceLock::new();
/// Signals this soon after the first are one cancel, not a second that
/// aborts requests in flight.
const ONE_CANCEL: Duration = Duration::from_millis(500);
static SIGNALS: AtomicUsize = AtomicUsize::new(0);
static LEVEL: LazyLock<watch::Sender<Interrupt>> =
    LazyLock::new(|| watch::Sender::new(Interrupt::Continue));
/// What a signal decides by, read and acted on as one step: whether
/// deletions may have begun ([`defer`] waits while a signal ends the
/// process, so none begins meanwhile), and the lock to release if not.
struct Gate {
    deferred: bool,
    /// The lock file of the [`HeldLock`] held, if any.
    held_lock: Option<PathBuf>,
    /// A file is being written ([`finishing`]): a signal waits for it.
    writing: bool,
    /// The signal that came while it was.
    held_off: Option<Signal>,
}

static GATE: Mutex<Gate> = Mutex::new(Gate {
    deferred: false,
    held_lock: None,
    writing: false,
    held_off: None,
});

fn gate() -> MutexGuard<'static, Gate> {
    GATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The apply's lock, released (its file removed) by a signal that ends
/// the process before deletions begin, as its drop releases it
/// otherwise: a run stopped during its refresh or prompt leaves no lock.
pub struct HeldLock {
    /// Released when dropped.
    _lock: Lock,
}

impl HeldLock {
    pub fn new(lock: Lock) -> HeldLock {
        gate().held_lock = Some(lock.path().into());
        HeldLock { _lock: lock }
    }
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        // Forgotten before the lock's file is removed (the field drops
        // after this): a signal now must never remove a file that another
        // apply has since created at the same path.
        gate().held_lock = None;
    }
}

/// The first signal this process received, if any.
pub fn received() -> Option<Signal> {
    FIRST_SIGNAL.get().copied()
}

/// The interrupt level, for the scheduler to watch.
pub fn level() -> watch::Receiver<Interrupt> {
    LEVEL.subscribe()
}

/// From now on a signal stops the work cleanly instead of ending the
/// process: call before the first deletion.
pub fn defer() {
    gate().deferred = true;
}

/// Stdout is closed: stop new deletions as on a first SIGINT.
pub fn output_closed() {
    stop("Output closed");
}

/// The journal cannot be written: stop new deletions as on a first
/// SIGINT. A deletion the journal misses is one the audit trail and a
/// re-run's memory miss: better a teardown stopped than unrecorded.
pub fn journal_failed(why: &str) {
    stop(why);
}

/// Stops new deletions as on a first SIGINT, saying `why` the first time.
fn stop(why: &str) {
    if raise(Interrupt::Stop) {
        errln!("\n{why}: no new deletions start; waiting for requests in flight...");
    }
}

/// Starts handling SIGINT, SIGTERM and SIGHUP, for the rest of the
/// process (on a thread of its own: a listener on a session's runtime
/// ended with it, and a signal after the refresh, while the plan was
/// printed or saved, was swallowed: exit 0). Once is enough.
pub fn listen() -> std::io::Result<()> {
    static LISTENING: Mutex<bool> = Mutex::new(false);
    let mut listening = LISTENING.lock().unwrap_or_else(PoisonError::into_inner);
    if *listening {
        return Ok(());
    }
    let (started, result) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            let listen = rt.and_then(|rt| Signals::new_in(&rt).map(|signals| (rt, signals)));
            let (rt, mut signals) = match listen {
                Ok(ready) => ready,
                Err(e) => return drop(started.send(Err(e))),
            };
            let _ = started.send(Ok(()));
            rt.block_on(async move {
                while let Some(received) = signals.next().await {
                    on_signal(received);
                }
            });
        })?;
    result.recv().map_err(std::io::Error::other)??;
    *listening = true;
    Ok(())
}

/// Runs `write` (a file a signal must not leave half-written, nor its
/// temporary file behind) with a signal before deletions held until it
/// ends; the process then exits as that signal would have, once what
/// `write` returned is dropped (a lock taken, released).
pub fn finishing<T>(write: impl FnOnce() -> T) -> T {
    gate().writing = true;
    let done = write();
    let mut gate = gate();
    gate.writing = false;
    if let Some(signal) = gate.held_off {
        drop(done);
        errln!(
            "\n{} received: stopped; nothing was deleted.",
            signal.name()
        );
        std::process::exit(i32::from(signal.exit_code()));
    }
    done
}

/// One attempt at the apply's lock (creating its file, then writing this
/// process in) with a signal held off until it ends, the lock registered
/// for release by a later signal: a signal between the two steps left an
/// empty lock file, which refuses every apply for a minute.
pub fn taking_lock(take: &dyn Fn() -> Result<Lock, LockError>) -> Result<Lock, LockError> {
    finishing(|| {
        let taken = take();
        if let Ok(lock) = &taken {
            gate().held_lock = Some(lock.path().into());
        }
        taken
    })
}

#[cfg(unix)]
struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn new_in(rt: &tokio::runtime::Runtime) -> std::io::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        let _in_runtime = rt.enter();
        Ok(Signals {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
        })
    }

    async fn next(&mut self) -> Option<Signal> {
        tokio::select! {
            Some(()) = self.int.recv() => Some(Signal::Int),
            Some(()) = self.term.recv() => Some(Signal::Term),
            Some(()) = self.hup.recv() => Some(Signal::Hup),
            else => None,
        }
    }
}

/// Elsewhere only Ctrl-C exists.
#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new_in(_: &tokio::runtime::Runtime) -> std::io::Result<Signals> {
        Ok(Signals)
    }

    async fn next(&mut self) -> Option<Signal> {
        tokio::signal::ctrl_c().await.ok().map(|()| Signal::Int)
    }
}

fn on_signal(received: Signal) {
    let first = *FIRST_SIGNAL.get_or_init(|| received);
    let name = received.name();
    let mut gate = gate();
    if gate.writing {
        gate.held_off.get_or_insert(first);
        return;
    }
    if !gate.deferred {
        // The gate is held until the process ends: no deletion begins and
        // the lock is not dropped (nor taken by another run) meanwhile.
        if let Some(path) = &gate.held_lock {
            let _ = std::fs::remove_file(path);
        }
        errln!("\n{name} received: stopped; nothing was deleted.");
        std::process::exit(i32::from(first.exit_code()));
    }
    drop(gate);
    let since_first = FIRST_AT.get_or_init(Instant::now).elapsed();
    if SIGNALS.fetch_add(1, Ordering::SeqCst) == 0 {
        raise(Interrupt::Stop);
        errln!(
            "\n{name} received: no new deletions start; waiting for the requests in flight \
             to finish (press Ctrl-C again to abort requests in flight)..."
        );
    } else if since_first < ONE_CANCEL {
        // The same cancel again: `timeout` and CI runners signal the
        // process and then its process group, and a person reads the
        // first message before pressing Ctrl-C again.
    } else if raise(Interrupt::Abort) {
        errln!("\n{name} received again: aborting requests in flight.");
    }
}

/// Raises the level to `to`; whether it was lower.
fn raise(to: Interrupt) -> bool {
    LEVEL.send_if_modified(|level| {
        let lower = *level < to;
        if lower {
            *level = to;
        }
        lower
    })
}
