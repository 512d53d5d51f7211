//! The audit log: one [`AuditEntry`] per request, appended as a JSON line to
//! `--audit-log FILE` (flushed as written) and always kept in memory for
//! [`crate::SimHandle::audit`]. Also the optional in-memory record of every
//! response body ([`RecordedResponse`]) used by the conformance test.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// One audit-log line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// RFC 3339 UTC timestamp with milliseconds, e.g. `2025-01-01T00:00:00.123Z`.
    pub ts: String,
    /// `apprunner`, `directconnect`, `supplychain` or `sts`.
    pub service: String,
    /// The operation name, e.g. `DeleteService` (the raw target/path when unknown).
    pub operation: String,
    /// The resource id/ARN the request names (for creates: the new resource's);
    /// `null` for lists and describe-all calls.
    pub target: Option<String>,
    /// HTTP status answered; 0 when the connection was dropped (injected fault).
    pub status: u16,
    /// The region from the SigV4 scope.
    pub region: String,
    /// The account the request acted in: the caller's (the server's
    /// `--account-id` for its own keys, the role's for `AssumeRole`
    /// credentials); `null` when the credentials were not recognised.
    #[serde(default)]
    pub account: Option<String>,
    /// The error code, when the request failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One response body, recorded when [`crate::SimConfig::record_responses`] is on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedResponse {
    /// `apprunner`, `directconnect` or `supplychain`.
    pub service: String,
    /// The operation name (as modeled).
    pub operation: String,
    /// HTTP status.
    pub status: u16,
    /// The error code for error responses.
    pub error_code: Option<String>,
    /// The JSON body (CBOR responses are recorded as their JSON equivalent).
    pub body: serde_json::Value,
}

#[derive(Debug)]
pub(crate) struct AuditLog {
    file: Mutex<Option<File>>,
    entries: Mutex<Vec<AuditEntry>>,
    responses: Mutex<Vec<RecordedResponse>>,
    record: bool,
}

impl AuditLog {
    pub(crate) fn open(path: Option<&Path>, record: bool) -> std::io::Result<AuditLog> {
        let file = match path {
            Some(p) => Some(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)?,
            ),
            None => None,
        };
        Ok(AuditLog {
            file: Mutex::new(file),
            entries: Mutex::new(Vec::new()),
            responses: Mutex::new(Vec::new()),
            record,
        })
    }

    pub(crate) fn log(&self, entry: AuditEntry) {
        if let Ok(mut line) = serde_json::to_string(&entry) {
            line.push('\n');
            let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(f) = file.as_mut() {
                if let Err(e) = f.write_all(line.as_bytes()).and_then(|()| f.flush()) {
                    tracing::warn!("audit log write failed: {e}");
                }
            }
        }
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry);
    }

    pub(crate) fn recording(&self) -> bool {
        self.record
    }

    pub(crate) fn record(&self, r: RecordedResponse) {
        if self.record {
            self.responses
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(r);
        }
    }

    pub(crate) fn entries(&self) -> Vec<AuditEntry> {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn responses(&self) -> Vec<RecordedResponse> {
        self.responses
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}
