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
