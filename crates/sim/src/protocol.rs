//! Wire formats: which service/protocol a request speaks, the service errors
//! ([`ApiError`]) with their codes and HTTP statuses, and how success and
//! error bodies are encoded for awsJson1_0 (App Runner), awsJson1_1 (Direct
//! Connect), smithy-rpc-v2-cbor (Direct Connect, the first protocol its model lists) and
//! restJson1 (Supply Chain).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::model::models;

/// A simulated AWS service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceKind {
    /// AWS App Runner (awsJson1_0).
    #[serde(rename = "apprunner")]
    AppRunner,
    /// AWS Direct Connect (awsJson1_1 / rpc-v2-cbor).
    #[serde(rename = "directconnect")]
    DirectConnect,
    /// AWS Supply Chain (restJson1).
    #[serde(rename = "supplychain")]
    SupplyChain,
}

impl ServiceKind {
    /// Lowercase service name used in the audit log: `apprunner`, `directconnect`, `supplychain`.
    pub fn name(self) -> &'static str {
        match self {
            ServiceKind::AppRunner => "apprunner",
            ServiceKind::DirectConnect => "directconnect",
            ServiceKind::SupplyChain => "supplychain",
        }
    }
}

/// The wire protocol of one request (and of its response).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    AwsJson10,
    AwsJson11,
    Cbor,
    RestJson,
}

impl Wire {
    fn content_type(self) -> &'static str {
        match self {
            Wire::AwsJson10 => "application/x-amz-json-1.0",
            Wire::AwsJson11 => "application/x-amz-json-1.1",
            Wire::Cbor => "application/cbor",
            Wire::RestJson => "application/json",
        }
    }
}

/// A service error: HTTP status, error code (`__type` / `x-amzn-ErrorType`) and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// Error code, e.g. `InvalidStateException`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
}

impl ApiError {
    /// An error with an explicit status and code.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// The service's input-validation error.
    pub fn validation(service: ServiceKind, message: impl Into<String>) -> ApiError {
        match service {
            ServiceKind::AppRunner => ApiError::new(400, "InvalidRequestException", message),
            ServiceKind::DirectConnect => {
                ApiError::new(400, "DirectConnectClientException", message)
            }
            ServiceKind::SupplyChain => ApiError::new(400, "ValidationException", message),
        }
    }

    /// The service's "no such resource" error.
    pub fn not_found(service: ServiceKind, message: impl Into<String>) -> ApiError {
        match service {
            ServiceKind::AppRunner => ApiError::new(400, "ResourceNotFoundException", message),
            ServiceKind::DirectConnect => {
                ApiError::new(400, "DirectConnectClientException", message)
            }
            ServiceKind::SupplyChain => ApiError::new(404, "ResourceNotFoundException", message),
        }
    }

    /// The service's "wrong state for this action" error.
    pub fn invalid_state(service: ServiceKind, message: impl Into<String>) -> ApiError {
        match service {
            ServiceKind::AppRunner => ApiError::new(400, "InvalidStateException", message),
            ServiceKind::DirectConnect => {
                ApiError::new(400, "DirectConnectClientException", message)
            }
            ServiceKind::SupplyChain => ApiError::new(409, "ConflictException", message),
        }
    }

    /// Throttled by `--throttle-rps`.
    pub fn throttled(service: ServiceKind) -> ApiError {
        match service {
            ServiceKind::SupplyChain => ApiError::new(429, "ThrottlingException", "Rate exceeded"),
            _ => ApiError::new(400, "ThrottlingException", "Rate exceeded"),
        }
    }

    /// An injected server fault (`--fault-rate`).
    pub fn internal(service: ServiceKind) -> ApiError {
        let msg = "An internal error occurred (simulated fault)";
        match service {
            ServiceKind::AppRunner => ApiError::new(500, "InternalServiceErrorException", msg),
            ServiceKind::DirectConnect => ApiError::new(500, "DirectConnectServerException", msg),
            ServiceKind::SupplyChain => ApiError::new(500, "InternalServerException", msg),
        }
    }

    /// A body that is not valid JSON (or not an object).
    pub fn serialization(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "SerializationException", message)
    }

    /// An operation the simulator does not implement (or that does not exist).
    pub fn unknown_operation(service: ServiceKind, operation: &str) -> ApiError {
        let status = if service == ServiceKind::SupplyChain {
            404
        } else {
            400
        };
        ApiError::new(
            status,
            "UnknownOperationException",
            format!("The operation {operation} is not supported by this simulator"),
        )
    }

    /// The error body as a JSON document (before wire encoding).
    pub(crate) fn body(&self, service: ServiceKind, wire: Wire) -> Value {
        let member = models().get(service).error_message_member(&self.code);
        match wire {
            Wire::RestJson => json!({ member: self.message }),
            _ => json!({ "__type": self.code, member: self.message }),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message)
    }
}

/// An HTTP response ready to be written.
#[derive(Debug)]
pub(crate) struct WireResponse {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// Encodes a success (`Ok`) or error body for the wire.
pub(crate) fn encode(
    service: ServiceKind,
    operation: &str,
    wire: Wire,
    status: u16,
    body: &Value,
    error_code: Option<&str>,
    request_id: &str,
) -> WireResponse {
    let mut headers = vec![
        ("content-type", wire.content_type().to_owned()),
        ("x-amzn-requestid", request_id.to_owned()),
    ];
    if let Some(code) = error_code {
        headers.push(("x-amzn-errortype", code.to_owned()));
    }
    let bytes = match wire {
        Wire::Cbor => {
            headers.push(("smithy-protocol", "rpc-v2-cbor".to_owned()));
            let model = models().get(service);
            let shape = if error_code.is_some() {
                None
            } else {
                model.operation(operation).and_then(|o| o.output.clone())
            };
            crate::cbor::encode_value(body, shape.as_deref(), model)
        }
        _ => serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec()),
    };
    WireResponse {
        status,
        headers,
        body: bytes,
    }
}
