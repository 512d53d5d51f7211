//! Everything decom prints about a manifest passes through here, so that
//! once the manifest is loaded its `sensitive` variable values are hidden
//! from stdout and stderr ("shown as (sensitive) everywhere", DESIGN
//! section 2). Plan files and the journal hide them with the same
//! [`Redaction`].
//!
//! One process works on one manifest, so the redaction is process-wide:
//! a print site cannot forget to pass it along.
//!
//! Nothing a terminal would act on reaches it from here, whatever a
//! message quotes (a path, a live name, an AWS answer, a plan file's
//! text): every control character is escaped as `\u{1b}` on the way out,
//! but for the colours decom itself writes on a coloured stream
//! ([`decom_parser::printable::for_terminal`]). Where text is made,
//! quoted text is escaped too; this is the one gate nothing can skip.
//!
//! Writes never panic: a stdout whose reader went away (`decom ... | head`)
//! is remembered as closed and left alone ([`stdout_closed`]); the command
//! then stops its output, an apply stops as on SIGINT, and the exit code
//! is 1 (see `cli::exit_code`).

use std::borrow::Cow;
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, OnceLock};

use decom_parser::printable::{for_terminal, json_for_terminal};
use decom_parser::{Manifest, Redaction, MIN_HIDDEN_LEN};

use super::style::Style;

static REDACTION: OnceLock<Redaction> = OnceLock::new();
static NOTHING_HIDDEN: LazyLock<Redaction> = LazyLock::new(Redaction::default);

/// Hides `manifest`'s sensitive values from all output from now on, and
/// warns about any too short to hide. Called once a manifest loads.
pub fn hide_sensitive_values_of(manifest: &Manifest) {
    let mut first = false;
    REDACTION.get_or_init(|| {
        first = true;
        Redaction::of(manifest)
    });
    if first {
        for warning in unhidden_value_warnings() {
            STDERR.write(&format!("warning: {warning}\n"));
        }
    }
}

/// One warning per sensitive variable whose value is too short to hide,
/// and one if a value derived from them is (a saved plan keeps them, for
/// `show` to repeat).
pub fn unhidden_value_warnings() -> Vec<String> {
    let redaction = redaction();
    let mut warnings: Vec<String> = redaction
        .too_short()
        .iter()
        .map(|name| {
            format!(
                "variable \"{name}\" is sensitive, but its value is shorter than \
                 {MIN_HIDDEN_LEN} characters: it is not hidden in output (hiding it would hide \
                 unrelated text too)."
            )
        })
        .collect();
    if redaction.derived_too_short() {
        warnings.push(format!(
            "a value computed from a sensitive variable is shorter than {MIN_HIDDEN_LEN} \
             characters: it is not hidden in output (hiding it would hide unrelated text too)."
        ));
    }
    warnings
}

/// The redaction in force (nothing hidden before a manifest loads), also
/// for the files a command writes.
pub fn redaction() -> &'static Redaction {
    REDACTION.get().unwrap_or(&NOTHING_HIDDEN)
}

/// `text` with sensitive values hidden.
pub fn hidden(text: &str) -> Cow<'_, str> {
    redaction().text(text)
}

/// Which streams are coloured: only there do decom's own colour
/// sequences pass ([`Style::detect`], once at start).
pub fn use_style(style: Style) {
    STDOUT.colored.store(style.stdout_color, Ordering::Relaxed);
    STDERR.colored.store(style.stderr_color, Ordering::Relaxed);
}

/// A log line as stderr may show it: sensitive values hidden, nothing a
/// terminal acts on (logs are never coloured).
pub fn log_line(text: &str) -> String {
    for_terminal(&hidden(text), false).into_owned()
}

/// `text` as `out!` would show it, for the one other writer to stdout
/// (the live progress bar, which draws itself).
pub fn stdout_text(text: &str) -> String {
    STDOUT.shown(&hidden(text)).into_owned()
}

/// Prints a JSON value on stdout with sensitive values hidden (in the
/// value, so JSON escaping cannot hide one from the redaction).
pub fn print_json(mut value: serde_json::Value, pretty: bool) {
    redaction().json(&mut value);
    let text = if pretty {
        format!("{value:#}\n")
    } else {
        format!("{value}\n")
    };
    STDOUT.write_raw(&json_for_terminal(&text));
}

/// `text` on stdout, sensitive values hidden (what `out!` prints).
pub fn write_out(text: &str) {
    STDOUT.write(&hidden(text));
}

/// `text` and a newline on stdout, sensitive values hidden (`outln!`).
pub fn write_out_line(text: &str) {
    STDOUT.write(&(hidden(text) + "\n"));
}

/// `text` on stderr, sensitive values hidden (`err!`).
pub fn write_err(text: &str) {
    STDERR.write(&hidden(text));
}

/// `text` and a newline on stderr, sensitive values hidden (`errln!`).
pub fn write_err_line(text: &str) {
    STDERR.write(&(hidden(text) + "\n"));
}

/// Whether stdout was found closed (a reader such as `head` went away):
/// nothing more is written to it, and the command cannot deliver its
/// output.
pub fn stdout_closed() -> bool {
    STDOUT.closed.load(Ordering::Relaxed)
}

/// Why stdout lost text other than to a closed pipe (a full disk), if
/// it did: the run's output is incomplete.
pub fn stdout_failed() -> Option<&'static str> {
    STDOUT.failure.get().map(String::as_str)
}

/// Writes out what stdout still buffers (a last line without its
/// newline), noting a failure as a write's.
pub fn flush_stdout() {
    STDOUT.flush();
}

static STDOUT: Stream = Stream::new(Which::Stdout);
static STDERR: Stream = Stream::new(Which::Stderr);

enum Which {
    Stdout,
    Stderr,
}

/// One of the standard streams, written without `print!`'s panic when
/// the reader is gone (Rust ignores SIGPIPE, so a write to a closed pipe
/// fails with `BrokenPipe` instead of ending the process).
struct Stream {
    which: Which,
    closed: AtomicBool,
    /// Whether decom's own colour sequences may pass.
    colored: AtomicBool,
    /// The first failure other than a closed pipe.
    failure: OnceLock<String>,
}

impl Stream {
    const fn new(which: Which) -> Stream {
        Stream {
            which,
            closed: AtomicBool::new(false),
            colored: AtomicBool::new(false),
            failure: OnceLock::new(),
        }
    }

    /// Writes `text` unless the stream is closed. A closed pipe closes it
    /// for good; any other failure (a full disk, a non-blocking terminal)
    /// loses only this text: it must not stop a teardown halfway, and the
    /// journal is the record. Either makes the run exit 1 at its end
    /// (`cli::exit_code`): its output is incomplete.
    fn write(&self, text: &str) {
        self.write_raw(&self.shown(text));
    }

    /// `text` with nothing a terminal acts on but, on a coloured
    /// stream, decom's colours.
    fn shown<'t>(&self, text: &'t str) -> Cow<'t, str> {
        for_terminal(text, self.colored.load(Ordering::Relaxed))
    }

    /// Writes `text` as it is: JSON, made safe by its own escaping.
    fn write_raw(&self, text: &str) {
        self.attempt(|stream| stream.write_all(text.as_bytes()));
    }

    fn flush(&self) {
        self.attempt(|stream| stream.flush());
    }

    /// `op` on the stream unless it is closed, its failure noted.
    fn attempt(&self, op: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
        if self.closed.load(Ordering::Relaxed) {
            return;
        }
        let done = match self.which {
            Which::Stdout => op(&mut std::io::stdout().lock()),
            Which::Stderr => op(&mut std::io::stderr().lock()),
        };
        match done {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.closed.store(true, Ordering::Relaxed)
            }
            Err(e) => {
                let _ = self.failure.set(e.to_string());
            }
            Ok(()) => {}
        }
    }
}

/// `print!` with sensitive values hidden; never panics on a closed stdout.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::console::write_out(&format!($($arg)*)) };
}

/// `println!` with sensitive values hidden; never panics on a closed stdout.
macro_rules! outln {
    () => { $crate::cli::console::write_out("\n") };
    ($($arg:tt)*) => { $crate::cli::console::write_out_line(&format!($($arg)*)) };
}

/// `eprint!` with sensitive values hidden; never panics on a closed stderr.
macro_rules! err {
    ($($arg:tt)*) => { $crate::cli::console::write_err(&format!($($arg)*)) };
}

/// `eprintln!` with sensitive values hidden; never panics on a closed stderr.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::cli::console::write_err_line(&format!($($arg)*)) };
}

pub(crate) use {err, errln, out, outln};
