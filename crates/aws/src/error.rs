//! Errors from the cloud, reduced to what decom needs to decide and what a
//! person needs to read. Credentials never reach these messages: the SDK's
//! error context carries codes and messages, not signing material.

use aws_sdk_apprunner::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// A failed AWS call.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation} failed: {message}")]
pub struct CloudError {
    /// `ListServices`, `DeleteVpcConnector`...
    pub operation: &'static str,
    /// The AWS error code (`ResourceNotFoundException`), if the service sent one.
    pub code: Option<String>,
    pub message: String,
}

impl CloudError {
    /// The service said the resource does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self.code.as_deref(),
            Some("ResourceNotFoundException" | "NotFoundException")
        )
    }

    /// A describe's answer with "not found" as `None` (the resource is gone).
    pub fn absent_if_not_found<T>(result: Result<T, CloudError>) -> Result<Option<T>, CloudError> {
        match result {
            Ok(out) => Ok(Some(out)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A describe answered without the resource. An error, never "gone":
    /// a deletion is confirmed only by AWS saying so.
    pub fn incomplete(operation: &'static str) -> CloudError {
        CloudError {
            operation,
            code: None,
            message: "the answer did not describe the resource".into(),
        }
    }

    /// How apply should treat this error from a Delete* call.
    pub fn delete_error_kind(&self) -> decom_executor::DeleteErrorKind {
        use decom_executor::DeleteErrorKind::*;
        let message = self.message.to_ascii_lowercase();
        match self.code.as_deref() {
            _ if self.is_not_found() => NotFound,
            // An earlier delete was accepted ("... while it is in DELETED
            // status"): wait for it, never send another.
            Some(_) if says_already_deleting(&message) => AlreadyDeleting,
            // Direct Connect says "not found" with its one client error code.
            Some("DirectConnectClientException") if message.contains("does not exist") => NotFound,
            // Transitional states, dependencies AWS still sees (a connector
            // in use just after its service went, a connection with
            // virtual interfaces), throttling and faults the SDK's own
            // retries did not absorb: worth retrying until the timeout.
            Some(
                "InvalidStateException"
                | "ConflictException"
                | "DirectConnectClientException"
                | "ThrottlingException"
                | "TooManyRequestsException"
                | "InternalServiceErrorException"
                | "InternalServerException"
                | "DirectConnectServerException"
                | "ServiceUnavailableException",
            ) => Retryable,
            Some("InvalidRequestException")
                if message.contains("in use") || message.contains("being used") =>
            {
                Retryable
            }
            // No code: the request never got an answer (connection dropped, timeout).
            None => Retryable,
            Some(_) => Permanent,
        }
    }

    /// Converts any SDK error, keeping the service's code and message.
    pub fn from_sdk<E, R>(operation: &'static str, err: SdkError<E, R>) -> CloudError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let code = err.code().map(str::to_string);
        let message = match (err.code(), err.message()) {
            (Some(code), Some(msg)) => format!("{code}: {msg}"),
            (Some(code), None) => code.to_string(),
            _ => DisplayErrorContext(&err).to_string(),
        };
        CloudError {
            operation,
            code,
            message,
        }
    }
}

/// Whether a refusal's (lower-cased) message says the resource is already
/// being deleted or deleted: App Runner's "while it is in DELETED status"
/// and "is already INACTIVE" (a deleted connector), Direct Connect's
/// "is in state deleting", Supply Chain's "is in state Deleting".
fn says_already_deleting(message: &str) -> bool {
    const SIGNS: [&str; 7] = [
        "in deleted status",
        "in deleting status",
        "is already inactive",
        "is already deleted",
        "already being deleted",
        "in state deleting",
        "in state deleted",
    ];
    SIGNS.iter().any(|sign| message.contains(sign))
}

#[cfg(test)]
mod tests {
    use super::*;
    use decom_executor::DeleteErrorKind;

    fn kind(code: &str, message: &str) -> DeleteErrorKind {
        CloudError {
            operation: "DeleteX",
            code: Some(code.into()),
            message: format!("{code}: {message}"),
        }
        .delete_error_kind()
    }

    #[test]
    fn a_refusal_saying_the_delete_is_under_way_is_a_wait_not_a_retry() {
        for (code, message) in [
            (
                "InvalidStateException",
                "You can't delete Service arn:x while it is in DELETED status",
            ),
            (
                "InvalidRequestException",
                "VpcConnector arn:x is already INACTIVE",
            ),
            (
                "DirectConnectClientException",
                "Connection dxcon-1 is in state deleting and cannot be deleted",
            ),
            (
                "ValidationException",
                "Instance 1 is in state Deleting and cannot be deleted",
            ),
        ] {
            assert_eq!(
                kind(code, message),
                DeleteErrorKind::AlreadyDeleting,
                "{message}"
            );
        }
        let creating = "You can't delete Service arn:x while it is in OPERATION_IN_PROGRESS status";
        assert_eq!(
            kind("InvalidStateException", creating),
            DeleteErrorKind::Retryable
        );
    }
}
