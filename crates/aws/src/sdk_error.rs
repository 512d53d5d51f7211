//! The SDK's errors as [`CloudError`]s: one short line each. AWS's own
//! answers keep their code, message and request id; everything else
//! (timeouts, refused connections, DNS, TLS, answers that do not parse)
//! becomes a cause naming the endpoint. The SDK's `Display` and `Debug`
//! forms are never used: they carry raw requests and responses.

use std::error::Error;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_apprunner::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_apprunner::operation::RequestId;
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::ConnectorError;

use decom_parser::printable::printable;

use crate::attempts::TimedOutAfterFailures;
use crate::endpoint::Origin;
use crate::error::CloudError;

/// Converts any SDK error of a call to `origin`.
pub(crate) fn from_sdk<E>(
    operation: &'static str,
    origin: &Origin,
    err: SdkError<E, HttpResponse>,
) -> CloudError
where
    E: ProvideErrorMetadata + Error + 'static,
{
    let request_id = err.request_id().map(str::to_string);
    let endpoint = origin.endpoint();
    let (code, message) = match &err {
        SdkError::ServiceError(_) if err.code().is_some() => (
            err.code().map(str::to_string),
            one_line(err.message().unwrap_or("(no message)")),
        ),
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
            let status = err.raw_response().map(|r| r.status().as_u16());
            (None, unusable_answer(&endpoint, status, &err))
        }
        SdkError::TimeoutError(_) => (None, timed_out(&endpoint, origin, &err)),
        SdkError::DispatchFailure(d) => match d.as_connector_error() {
            Some(c) => (None, connector_cause(c, &endpoint)),
            None => (None, format!("cannot send to {endpoint}")),
        },
        SdkError::ConstructionFailure(_) => (
            None,
            format!("the request could not be built: {}", innermost(&err)),
        ),
        _ => (
            None,
            format!("request to {endpoint} failed: {}", innermost(&err)),
        ),
    };
    // Whatever the answer carried is printed: never a terminal control.
    CloudError {
        operation,
        region: origin.region.clone(),
        code: code.as_deref().map(printable),
        message: printable(&message),
        request_id: request_id.as_deref().map(printable),
    }
}

/// An answer without an AWS error code: not AWS, or not what its API
/// promises (a third-party emulator, a proxy's HTML page).
fn unusable_answer(endpoint: &str, status: Option<u16>, err: &(dyn Error + 'static)) -> String {
    match status {
        Some(s) if (200..300).contains(&s) => format!(
            "the answer from {endpoint} (HTTP {s}) could not be parsed: {}",
            innermost(err)
        ),
        Some(s) => format!("HTTP {s} from {endpoint} without an AWS error code"),
        None => format!(
            "the answer from {endpoint} could not be parsed: {}",
            innermost(err)
        ),
    }
}

fn timed_out(endpoint: &str, origin: &Origin, err: &(dyn Error + 'static)) -> String {
    if let Some(after) = find::<TimedOutAfterFailures>(err) {
        return format!("{}; then timed out", after.last_failure);
    }
    let t = &origin.timeouts;
    let whole_operation = chain(err).any(|e| e.to_string().starts_with("operation timeout"));
    if whole_operation {
        format!(
            "no answer from {endpoint}: timed out after {}s, retries included",
            t.operation.as_secs_f32()
        )
    } else {
        format!(
            "no answer from {endpoint}: timed out after {}s (--request-timeout)",
            t.attempt.as_secs_f32()
        )
    }
}

/// Why a request got no HTTP answer at all.
pub(crate) fn connector_cause(c: &ConnectorError, endpoint: &str) -> String {
    if let Some(credentials) = find::<CredentialsError>(c) {
        return credentials_cause(credentials);
    }
    if c.is_timeout() {
        return format!("cannot connect to {endpoint}: timed out");
    }
    if c.is_io() {
        return format!("cannot connect to {endpoint}: {}", io_cause(c));
    }
    format!("cannot send to {endpoint}: {}", innermost(c))
}

/// Why credentials could not be had (STS refused to let a role be
/// assumed, its endpoint refused the connection): the request was never
/// sent, so its endpoint is not named, and STS's own words are kept
/// (they were "cannot send to ENDPOINT: no details").
fn credentials_cause(credentials: &CredentialsError) -> String {
    format!(
        "cannot get credentials: {}",
        credentials_detail(credentials)
    )
}

/// What went wrong getting credentials: STS's own words where it refused
/// a role, else the deepest cause.
pub(crate) fn credentials_detail(credentials: &CredentialsError) -> String {
    match find::<AssumeRoleError>(credentials) {
        Some(refused) => format!(
            "STS refused AssumeRole: {}: {}",
            refused.code().unwrap_or("no error code"),
            one_line(refused.message().unwrap_or("(no message)"))
        ),
        None => innermost(credentials),
    }
}

/// The cause of an I/O failure in the words a person looks for.
fn io_cause(c: &ConnectorError) -> String {
    if let Some(io) = find::<std::io::Error>(c) {
        use std::io::ErrorKind::*;
        let known = match io.kind() {
            ConnectionRefused => Some("connection refused"),
            ConnectionReset => Some("connection reset"),
            ConnectionAborted => Some("connection aborted"),
            TimedOut => Some("timed out"),
            UnexpectedEof | BrokenPipe => Some("connection closed before an answer"),
            _ => None,
        };
        if let Some(k) = known {
            return k.to_string();
        }
    }
    let text: Vec<String> = chain(c).map(|e| e.to_string().to_lowercase()).collect();
    let mentions = |needle: &str| text.iter().any(|t| t.contains(needle));
    if mentions("dns error") || mentions("failed to lookup") {
        "DNS lookup failed".into()
    } else if mentions("certificate") || mentions("tls") || mentions("handshake") {
        format!("TLS failed: {}", innermost(c))
    } else if mentions("connection closed") || mentions("incomplete message") {
        "connection closed before an answer".into()
    } else {
        innermost(c)
    }
}

/// The deepest cause's text, on one line and short. Text that looks like
/// a Rust debug structure (the SDK puts raw requests and responses in
/// some) is not shown.
pub(crate) fn innermost(err: &(dyn Error + 'static)) -> String {
    let last = chain(err).last().map(|e| e.to_string()).unwrap_or_default();
    let line = one_line(&last);
    if line.is_empty() || line.contains('{') {
        return "no details".into();
    }
    match line.char_indices().nth(160) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line,
    }
}

/// AWS's message on one line, and at most [`MESSAGE_BYTES`] of it: a
/// message of megabytes (a hostile or broken endpoint) would otherwise be
/// printed, and journaled, whole.
fn one_line(text: &str) -> String {
    let mut out = String::new();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.len() > MESSAGE_BYTES {
            let mut end = MESSAGE_BYTES;
            while !out.is_char_boundary(end) {
                end -= 1;
            }
            out.truncate(end);
            out.push_str(" ... (cut: the message is longer)");
            break;
        }
    }
    out
}

/// The most of an AWS error message shown (real ones are a sentence or two).
const MESSAGE_BYTES: usize = 1000;

fn chain<'a>(err: &'a (dyn Error + 'static)) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(err), |e: &&'a (dyn Error + 'static)| (*e).source())
}

fn find<'a, T: Error + 'static>(err: &'a (dyn Error + 'static)) -> Option<&'a T> {
    chain(err).find_map(|e| e.downcast_ref::<T>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_one_line_and_a_huge_one_is_cut() {
        assert_eq!(one_line(" not\n found\r\n\there "), "not found here");
        for huge in ["é".repeat(3_000_000), "word ".repeat(1_000_000)] {
            let shown = one_line(&huge);
            assert!(shown.len() <= MESSAGE_BYTES + 40, "{}", shown.len());
            assert!(shown.ends_with("(cut: the message is longer)"), "{shown}");
        }
    }
}
