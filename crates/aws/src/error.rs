//! Errors from the cloud, reduced to what decom needs to decide and what a
//! person needs to read: one line, `OPERATION in REGION: CODE: message
//! (request id ...)` for AWS's answers, `OPERATION in REGION: cause` (naming
//! the endpoint) when no answer came (DESIGN section 12). Credentials never
//! reach these messages; neither does any Rust debug structure (see
//! [`crate::sdk_error`], which builds them from the SDK's errors).

/// A failed AWS call.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation} in {region}: {}{message}{}", code_prefix(.code), request_note(.request_id))]
pub struct CloudError {
    /// `ListServices`, `DeleteVpcConnector`...
    pub operation: &'static str,
    /// Where the request went (`us-east-1`).
    pub region: String,
    /// The AWS error code (`ResourceNotFoundException`), if the service sent
    /// one. `None`: no usable answer (transport failure, timeout, an answer
    /// that could not be parsed); `message` then names the endpoint and why.
    pub code: Option<String>,
    pub message: String,
    /// The request id AWS gave the failed request, for support cases.
    pub request_id: Option<String>,
}

fn code_prefix(code: &Option<String>) -> String {
    code.as_ref().map(|c| format!("{c}: ")).unwrap_or_default()
}

fn request_note(id: &Option<String>) -> String {
    id.as_ref()
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default()
}

impl CloudError {
    /// An error decom itself found in an answer (no code, no request id).
    /// The message may quote the answer: it is made printable.
    pub fn new(operation: &'static str, region: &str, message: impl Into<String>) -> CloudError {
        CloudError {
            operation,
            region: region.to_string(),
            code: None,
            message: decom_parser::printable::printable(&message.into()),
            request_id: None,
        }
    }

    /// The service said the resource does not exist. Direct Connect says
    /// it with its one client error code, in words that differ by type:
    /// "Could not find Connection with ID ..." (and Lag), "... does not
    /// exist" (virtual interfaces, gateways, associations), "...
    /// doesn't exist." (as the Terraform AWS provider matches them).
    pub fn is_not_found(&self) -> bool {
        const DX_NOT_FOUND: [&str; 3] = ["does not exist", "doesn't exist", "Could not find"];
        match self.code.as_deref() {
            Some("ResourceNotFoundException" | "NotFoundException") => true,
            Some("DirectConnectClientException") => DX_NOT_FOUND
                .iter()
                .any(|words| self.message.contains(words)),
            _ => false,
        }
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
    pub fn incomplete(operation: &'static str, region: &str) -> CloudError {
        CloudError::new(
            operation,
            region,
            "the answer did not describe the resource",
        )
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
    use super::CloudError;
    use decom_executor::DeleteErrorKind;

    #[test]
    fn aws_errors_read_operation_region_code_message_and_request_id() {
        let e = CloudError {
            operation: "DeleteService",
            region: "eu-west-1".into(),
            code: Some("InvalidStateException".into()),
            message: "Service is busy".into(),
            request_id: Some("abc-123".into()),
        };
        assert_eq!(
            e.to_string(),
            "DeleteService in eu-west-1: InvalidStateException: Service is busy (request id abc-123)"
        );
        let t = CloudError::new(
            "ListServices",
            "us-east-1",
            "cannot connect to http://127.0.0.1:9: connection refused",
        );
        assert_eq!(
            t.to_string(),
            "ListServices in us-east-1: cannot connect to http://127.0.0.1:9: connection refused"
        );
    }

    fn kind(code: &str, message: &str) -> DeleteErrorKind {
        CloudError {
            operation: "DeleteX",
            region: "us-east-1".into(),
            code: Some(code.into()),
            message: message.into(),
            request_id: None,
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

    /// Direct Connect's words for "not found" differ by type (its one
    /// client error code says nothing). A connection or LAG AWS forgot,
    /// said in its words, was a retry to the timeout, not "already gone".
    #[test]
    fn direct_connect_says_not_found_in_the_words_of_each_type() {
        for message in [
            "Could not find Connection with ID dxcon-ffabc123",
            "Could not find Lag with ID dxlag-ffabc123",
            "Virtual interface dxvif-ffabc123 does not exist",
            "DescribeHostedConnections failed for connection dxcon-ffabc123 doesn't exist.",
        ] {
            let k = kind("DirectConnectClientException", message);
            assert_eq!(k, DeleteErrorKind::NotFound, "{message}");
        }
        let busy = "Connection dxcon-1 has virtual interfaces and cannot be deleted";
        assert_eq!(
            kind("DirectConnectClientException", busy),
            DeleteErrorKind::Retryable
        );
    }
}
