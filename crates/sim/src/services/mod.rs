//! Operation handlers of the three services. Each handler receives the
//! validated input document and the locked store, and returns the output
//! document (or an [`ApiError`]); wire encoding happens elsewhere.

pub(crate) mod apprunner;
pub(crate) mod apprunner_domains;
pub(crate) mod apprunner_uses;
pub(crate) mod directconnect;
pub(crate) mod supplychain;

use serde_json::{json, Value};

use crate::protocol::{ApiError, ServiceKind};
use crate::store::{Place, Store};

/// What a handler works with.
pub(crate) struct Ctx<'a> {
    pub store: &'a mut Store,
    /// The caller's account and the request's region: all the handler sees.
    pub at: Place<'a>,
    pub now: u64,
}

/// A handler's successful result.
#[derive(Debug)]
pub(crate) struct Output {
    pub body: Value,
    /// For creates: the new resource's id/ARN (the audit target).
    pub target: Option<String>,
}

impl Output {
    pub(crate) fn new(body: Value) -> Output {
        Output { body, target: None }
    }

    pub(crate) fn created(body: Value, target: &str) -> Output {
        Output {
            body,
            target: Some(target.to_owned()),
        }
    }
}

pub(crate) type OpResult = Result<Output, ApiError>;

/// The operations the simulator implements, per service.
pub(crate) const SUPPORTED: [(ServiceKind, &[&str]); 3] = [
    (
        ServiceKind::AppRunner,
        &[
            "CreateService",
            "DescribeService",
            "ListServices",
            "DeleteService",
            "CreateVpcConnector",
            "DescribeVpcConnector",
            "ListVpcConnectors",
            "DeleteVpcConnector",
            "CreateVpcIngressConnection",
            "DescribeVpcIngressConnection",
            "ListVpcIngressConnections",
            "DeleteVpcIngressConnection",
            "ListTagsForResource",
            "CreateAutoScalingConfiguration",
            "DescribeAutoScalingConfiguration",
            "ListAutoScalingConfigurations",
            "DeleteAutoScalingConfiguration",
            "ListServicesForAutoScalingConfiguration",
            "CreateObservabilityConfiguration",
            "DescribeObservabilityConfiguration",
            "ListObservabilityConfigurations",
            "DeleteObservabilityConfiguration",
            "CreateConnection",
            "ListConnections",
            "DeleteConnection",
            "AssociateCustomDomain",
            "DescribeCustomDomains",
            "DisassociateCustomDomain",
        ],
    ),
    (
        ServiceKind::DirectConnect,
        &[
            "CreateConnection",
            "DescribeConnections",
            "DeleteConnection",
            "CreatePrivateVirtualInterface",
            "DescribeVirtualInterfaces",
            "DeleteVirtualInterface",
            "DescribeTags",
            "CreateLag",
            "DescribeLags",
            "DeleteLag",
            "CreateDirectConnectGateway",
            "DescribeDirectConnectGateways",
            "DeleteDirectConnectGateway",
            "CreateDirectConnectGatewayAssociation",
            "DescribeDirectConnectGatewayAssociations",
            "DeleteDirectConnectGatewayAssociation",
        ],
    ),
    (
        ServiceKind::SupplyChain,
        &[
            "CreateInstance",
            "GetInstance",
            "ListInstances",
            "DeleteInstance",
            "CreateDataLakeNamespace",
            "GetDataLakeNamespace",
            "ListDataLakeNamespaces",
            "DeleteDataLakeNamespace",
            "CreateDataLakeDataset",
            "GetDataLakeDataset",
            "ListDataLakeDatasets",
            "DeleteDataLakeDataset",
            "CreateDataIntegrationFlow",
            "GetDataIntegrationFlow",
            "ListDataIntegrationFlows",
            "DeleteDataIntegrationFlow",
            "ListTagsForResource",
        ],
    ),
];

/// The operations the simulator implements for `service`.
pub(crate) fn supported_operations(service: ServiceKind) -> &'static [&'static str] {
    SUPPORTED
        .iter()
        .find(|(s, _)| *s == service)
        .map_or(&[], |(_, ops)| ops)
}

/// Whether the simulator implements this operation.
pub(crate) fn supported(service: ServiceKind, operation: &str) -> bool {
    supported_operations(service).contains(&operation)
}

/// Runs one operation. Unimplemented operations answer `UnknownOperationException`.
pub(crate) fn dispatch(
    service: ServiceKind,
    operation: &str,
    input: &Value,
    ctx: &mut Ctx<'_>,
) -> OpResult {
    match service {
        ServiceKind::AppRunner => apprunner::handle(operation, input, ctx),
        ServiceKind::DirectConnect => directconnect::handle(operation, input, ctx),
        ServiceKind::SupplyChain => supplychain::handle(operation, input, ctx),
    }
}

/// The resource id/ARN a request names (the audit target), `None` for lists.
/// A Supply Chain request naming an instance's child targets the child's
/// id: `INSTANCE/NAME` or `INSTANCE/NAMESPACE/NAME`.
pub(crate) fn request_target(input: &Value) -> Option<String> {
    const KEYS: [&str; 15] = [
        "ServiceArn",
        "VpcConnectorArn",
        "VpcIngressConnectionArn",
        "AutoScalingConfigurationArn",
        "ObservabilityConfigurationArn",
        "ConnectionArn",
        "ResourceArn",
        "virtualInterfaceId",
        "associationId",
        "lagId",
        "connectionId",
        "directConnectGatewayId",
        "instanceId",
        "resourceArn",
        "resourceArns",
    ];
    if let Some(instance) = get_str(input, "instanceId") {
        let parts: Vec<&str> = [
            Some(instance),
            get_str(input, "namespace"),
            get_str(input, "name"),
        ]
        .into_iter()
        .flatten()
        .collect();
        return Some(parts.join("/"));
    }
    KEYS.iter().find_map(|k| match input.get(*k) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Array(a)) => {
            let parts: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
            (!parts.is_empty()).then(|| parts.join(","))
        }
        _ => None,
    })
}

pub(crate) fn get_str<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

pub(crate) fn get_i64(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

/// Reads a list of `{key, value}` tag structures with the given member names.
pub(crate) fn tags_from_list(v: Option<&Value>, k: &str, val: &str) -> Vec<(String, String)> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| {
                    Some((
                        get_str(t, k)?.to_owned(),
                        get_str(t, val).unwrap_or_default().to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Renders tags as a list of `{k: .., val: ..}` structures.
pub(crate) fn tags_to_list(tags: &[(String, String)], k: &str, val: &str) -> Value {
    Value::Array(
        tags.iter()
            .map(|(key, value)| json!({ k: key, val: value }))
            .collect(),
    )
}

/// Pagination tokens are the hex-encoded key to continue after (opaque to clients).
pub(crate) fn encode_token(key: &str) -> String {
    key.bytes().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn decode_token(
    service: ServiceKind,
    token: Option<&str>,
) -> Result<Option<String>, ApiError> {
    let Some(t) = token else {
        return Ok(None);
    };
    let bad = || ApiError::validation(service, format!("Invalid pagination token: {t}"));
    if t.is_empty() || t.len() % 2 != 0 {
        return Err(bad());
    }
    let bytes = (0..t.len())
        .step_by(2)
        .map(|i| t.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(bad)?;
    String::from_utf8(bytes).map(Some).map_err(|_| bad())
}
