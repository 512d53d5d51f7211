//! Diagnostic logs: `DECOM_LOG` (else `RUST_LOG`) set to a filter such as
//! `debug` turns on tracing to stderr; unset, nothing is logged. Each AWS
//! request attempt is one `decom::request` line (operation, region,
//! status, attempt, duration); `decom::phase` lines mark where a run is
//! (refreshed, planned, approved, deleting), for finding where time goes
//! (`DECOM_LOG=decom::phase=info`). The SDK's and HTTP stack's own logs are
//! held at warnings whatever the filter says: at debug and trace they
//! show headers, and headers carry signatures and session tokens. Every
//! line passes the sensitive-value redaction of all other output.

use std::io::Write;

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::{EnvFilter, FilterExt, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

use super::console::{self, errln};

/// Installs the stderr log if `DECOM_LOG` or `RUST_LOG` asks for one.
pub fn init() {
    let Some((variable, spec)) = setting() else {
        return;
    };
    let filter = match EnvFilter::builder().parse(&spec) {
        Ok(f) => f,
        Err(e) => {
            errln!("warning: {variable}={spec:?} is not a log filter ({e}); logging stays off");
            return;
        }
    };
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(RedactedStderr)
        .with_ansi(false)
        .with_filter(filter.and(sdk_internals_held_at_warn()));
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// The first of `DECOM_LOG`, `RUST_LOG` that is set and not empty.
fn setting() -> Option<(&'static str, String)> {
    ["DECOM_LOG", "RUST_LOG"].into_iter().find_map(|name| {
        let value = std::env::var_os(name)?;
        match value.into_string() {
            Ok(v) if !v.trim().is_empty() => Some((name, v)),
            Ok(_) => None,
            Err(_) => {
                errln!("warning: {name} is not valid UTF-8; ignored");
                None
            }
        }
    })
}

/// Caps for the SDK, its signer and the HTTP stack (targets match by
/// prefix: `aws` covers `aws_config`, `aws_smithy_runtime`...). The
/// signer and credential crates are silenced entirely.
fn sdk_internals_held_at_warn() -> Targets {
    Targets::new()
        .with_default(LevelFilter::TRACE)
        .with_target("aws", LevelFilter::WARN)
        .with_target("aws_sigv4", LevelFilter::OFF)
        .with_target("aws_credential_types", LevelFilter::OFF)
        .with_target("hyper", LevelFilter::WARN)
        .with_target("h2", LevelFilter::WARN)
        .with_target("rustls", LevelFilter::WARN)
        .with_target("tower", LevelFilter::WARN)
}

/// Stderr through the redaction: each log line is collected whole, then
/// written with sensitive values hidden (a value split across two writes
/// could not be recognised).
struct RedactedStderr;

impl<'a> MakeWriter<'a> for RedactedStderr {
    type Writer = RedactedLine;

    fn make_writer(&'a self) -> RedactedLine {
        RedactedLine(Vec::new())
    }
}

struct RedactedLine(Vec<u8>);

impl Write for RedactedLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactedLine {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.0);
        let _ = std::io::stderr().write_all(console::log_line(&text).as_bytes());
    }
}
