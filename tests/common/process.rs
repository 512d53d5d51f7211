//! Driving a running `decom`: bounded waits (a regression that hangs
//! fails the test instead of hanging the suite; none of them is a timing
//! assertion), signals, FIFOs, output lines as they come.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Output};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{stderr, stdout};

/// How long any wait for something that must happen gets.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Waits for `child`; past `limit` kills it and fails the test.
pub fn finish_within(mut child: Child, limit: Duration) -> Output {
    let give_up = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > give_up {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "decom did not exit within {limit:?}\nstdout:\n{}\nstderr:\n{}",
                stdout(&out),
                stderr(&out)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Sends SIGNAME (`INT`, `TERM`, ...) to `child`.
pub fn signal(child: &Child, name: &str) {
    let pid = child.id().to_string();
    let sent = Command::new("kill")
        .args([&format!("-{name}"), &pid])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{name} {pid}");
}

/// Waits (bounded) until `done` holds; `what` names it in the failure.
pub fn wait_until(what: &str, done: impl Fn() -> bool) {
    let give_up = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < give_up, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits (bounded) until the file at `path` has `n` lines containing
/// `needle` (a journal being written by a running apply).
pub fn wait_for_lines(path: &Path, needle: &str, n: usize) {
    wait_until(&format!("{n} x {needle} in {}", path.display()), || {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        text.matches(needle).count() >= n
    });
}

/// Makes a FIFO at `path`.
pub fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

/// The lines of a child's stdout or stderr as they come (a thread reads
/// them, so the child never blocks on a full pipe).
pub struct Lines {
    rx: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Lines {
    pub fn of(stream: impl Read + Send + 'static) -> Lines {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Lines {
            rx,
            seen: Vec::new(),
        }
    }

    /// Waits (bounded) for a line containing `needle`.
    pub fn wait_for(&mut self, needle: &str) {
        let give_up = Instant::now() + PATIENCE;
        while !self.seen.iter().any(|l| l.contains(needle)) {
            let left = give_up.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => panic!("never saw {needle:?} in:\n{}", self.seen.join("\n")),
            }
        }
    }

    /// The lines seen so far.
    pub fn seen(&self) -> String {
        self.seen.join("\n")
    }

    /// Every line, once the stream has ended.
    pub fn rest(mut self) -> String {
        self.seen.extend(self.rx.iter());
        self.seen.join("\n")
    }
}
