//! Everything decom prints about a manifest passes through here, so that
//! once the manifest is loaded its `sensitive` variable values are hidden
//! from stdout and stderr ("shown as (sensitive) everywhere", DESIGN
//! section 2). Plan files and the journal hide them with the same
//! [`Redaction`].
//!
//! One process works on one manifest, so the redaction is process-wide:
//! a print site cannot forget to pass it along.

use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

use decom_parser::{Manifest, Redaction, MIN_HIDDEN_LEN};

static REDACTION: OnceLock<Redaction> = OnceLock::new();
static NOTHING_HIDDEN: LazyLock<Redaction> = LazyLock::new(Redaction::default);

/// Hides `manifest`'s sensitive values from all output from now on, and
/// warns about any too short to hide. Called once a manifest loads.
pub fn hide_sensitive_values_of(manifest: &Manifest) {
    let mut first = false;
    let redaction = REDACTION.get_or_init(|| {
        first = true;
        Redaction::of(manifest)
    });
    if first {
        for name in redaction.too_short() {
            eprintln!(
                "warning: variable \"{name}\" is sensitive, but its value is shorter than \
                 {MIN_HIDDEN_LEN} characters: it is not hidden in output (hiding it would hide \
                 unrelated text too)."
            );
        }
    }
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

/// Prints a JSON value on stdout with sensitive values hidden (in the
/// value, so JSON escaping cannot hide one from the redaction).
pub fn print_json(mut value: serde_json::Value, pretty: bool) {
    redaction().json(&mut value);
    if pretty {
        println!("{value:#}");
    } else {
        println!("{value}");
    }
}

/// `print!` with sensitive values hidden.
macro_rules! out {
    ($($arg:tt)*) => { print!("{}", $crate::cli::console::hidden(&format!($($arg)*))) };
}

/// `println!` with sensitive values hidden.
macro_rules! outln {
    ($($arg:tt)*) => { println!("{}", $crate::cli::console::hidden(&format!($($arg)*))) };
}

/// `eprint!` with sensitive values hidden.
macro_rules! err {
    ($($arg:tt)*) => { eprint!("{}", $crate::cli::console::hidden(&format!($($arg)*))) };
}

/// `eprintln!` with sensitive values hidden.
macro_rules! errln {
    ($($arg:tt)*) => { eprintln!("{}", $crate::cli::console::hidden(&format!($($arg)*))) };
}

pub(crate) use {err, errln, out, outln};
