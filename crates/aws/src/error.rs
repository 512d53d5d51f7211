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
