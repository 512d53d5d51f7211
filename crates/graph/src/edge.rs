//! Why an edge exists.

use decom_parser::{Location, Span};

/// A place in the manifest: the span (for diagnostics with a snippet) and
/// its resolved `file:line:column` (for one-line reasons).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Site {
    pub span: Span,
    pub location: Location,
}

/// One reason why a resource must be deleted before another.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EdgeReason {
    /// The earlier resource's `attribute` references the later one.
    Reference { attribute: String, at: Site },
    /// The earlier resource lists the later one in `depends_on`.
    DependsOn { at: Site },
    /// Live state relates them (e.g. `ServiceArn` of an ingress connection),
    /// whether or not the manifest says so.
    Live { relation: String },
}

impl EdgeReason {
    /// Where in the manifest the reason is written, if anywhere.
    pub fn site(&self) -> Option<&Site> {
        match self {
            EdgeReason::Reference { at, .. } | EdgeReason::DependsOn { at } => Some(at),
            EdgeReason::Live { .. } => None,
        }
    }
}

impl std::fmt::Display for EdgeReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EdgeReason::Reference { attribute, at } => {
                write!(f, "reference in {attribute} at {}", at.location)
            }
            EdgeReason::DependsOn { at } => write!(f, "depends_on at {}", at.location),
            EdgeReason::Live { relation } => write!(f, "live: {relation}"),
        }
    }
}
