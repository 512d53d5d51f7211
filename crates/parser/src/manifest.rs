//! The evaluated manifest: what the graph, plan and apply consume.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::source::{SourceMap, Span};
use decom_kinds::{RelationAttr, ResourceType};

/// A loaded, evaluated and checked manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Every file read, for diagnostics and for the plan's manifest digest.
    pub sources: SourceMap,
    pub providers: Vec<Provider>,
    pub variables: Vec<Variable>,
    /// Resource instances in declaration order (files sorted by name),
    /// `count`/`for_each` expanded.
    pub resources: Vec<ResourceInstance>,
    /// Every string that a value derived from a `sensitive` variable
    /// evaluated to (`upper(var.token)`, `"dx-${var.token}"`, ...):
    /// [`crate::Redaction`] hides these as well as the variables' own
    /// values, and warns about those shorter than [`crate::MIN_HIDDEN_LEN`].
    pub sensitive_values: Vec<String>,
}

impl Manifest {
    /// Linear: for one-off lookups. Index the resources for many.
    pub fn resource(&self, address: &Address) -> Option<&ResourceInstance> {
        self.resources.iter().find(|r| &r.address == address)
    }

    /// The provider block a resource uses (`None` alias: the default one).
    pub fn provider(&self, alias: &Option<String>) -> Option<&Provider> {
        self.providers.iter().find(|p| &p.alias == alias)
    }
}

/// A `provider "aws"` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    /// `None` for the default provider; resources pick an alias with
    /// `provider = aws.<alias>`.
    pub alias: Option<String>,
    pub region: Option<String>,
    pub profile: Option<String>,
    /// Empty: any account.
    pub allowed_account_ids: Vec<String>,
    /// Accounts this provider must never act in.
    pub forbidden_account_ids: Vec<String>,
    /// `assume_role { ... }`: the provider's calls use this role's
    /// credentials.
    pub assume_role: Option<AssumeRole>,
    /// `protect_tags = { key = "value" }`: a live resource carrying any of
    /// these pairs is refused at plan.
    pub protect_tags: BTreeMap<String, String>,
    pub span: Span,
}

/// A provider's `assume_role` block.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct AssumeRole {
    pub role_arn: String,
    /// `None`: "decom".
    pub session_name: Option<String>,
    pub external_id: Option<String>,
    /// `None`: STS's default (one hour).
    pub duration: Option<Duration>,
}

/// A declared variable with its resolved value.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub name: String,
    pub value: crate::Value,
    /// Shown as `(sensitive)` everywhere.
    pub sensitive: bool,
    pub span: Span,
}

/// The address of one resource instance: `type.name`, `type.name[0]` or
/// `type.name["key"]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    pub resource_type: ResourceType,
    pub name: String,
    pub key: Option<InstanceKey>,
}

/// The instance key created by `count` or `for_each`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstanceKey {
    Index(usize),
    Key(String),
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.resource_type, self.name)?;
        match &self.key {
            None => Ok(()),
            Some(InstanceKey::Index(i)) => write!(f, "[{i}]"),
            Some(InstanceKey::Key(k)) => write!(f, "[{k:?}]"),
        }
    }
}

/// Addresses serialize as their text (`type.name["key"]`).
impl serde::Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for Address {
    type Err = String;

    /// Parses `type.name`, `type.name[0]` or `type.name["key"]` (as given
    /// to `--target`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (base, key) = match s.find('[') {
            Some(i) if s.ends_with(']') => (&s[..i], Some(&s[i + 1..s.len() - 1])),
            Some(_) => return Err(format!("`{s}`: unbalanced `[` in address")),
            None => (s, None),
        };
        let (ty, name) = base
            .split_once('.')
            .ok_or_else(|| format!("`{s}` is not an address; expected TYPE.NAME"))?;
        let resource_type = ResourceType::from_name(ty)
            .ok_or_else(|| format!("`{ty}` is not a resource type decom knows"))?;
        let key = match key {
            None => None,
            Some(k) if k.starts_with('"') && k.ends_with('"') && k.len() >= 2 => {
                let key = unescape_key(&k[1..k.len() - 1])
                    .ok_or_else(|| format!("`{s}`: the key is not a string as decom writes it (a `\"` or `\\` inside is written `\\\"`, `\\\\`)"))?;
                Some(InstanceKey::Key(key))
            }
            Some(k) => Some(InstanceKey::Index(k.parse().map_err(|_| {
                format!("`{s}`: instance key must be a number or a quoted string")
            })?)),
        };
        Ok(Address {
            resource_type,
            name: name.to_string(),
            key,
        })
    }
}

/// The key `Display` wrote (Rust's string escapes: `\"`, `\\`, `\n`,
/// `\u{1b}`...) back as it is, or `None` where it is not so written (a
/// bare `"` inside).
fn unescape_key(written: &str) -> Option<String> {
    let mut out = String::with_capacity(written.len());
    let mut chars = written.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return None,
            '\\' => out.push(match chars.next()? {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                '0' => '\0',
                'u' => {
                    let rest = chars.as_str().strip_prefix('{')?;
                    let (hex, after) = rest.split_once('}')?;
                    chars = after.chars();
                    char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                }
                other @ ('"' | '\\' | '\'') => other,
                _ => return None,
            }),
            c => out.push(c),
        }
    }
    Some(out)
}

/// A value that is either known from the manifest or known only after
/// refresh (because it comes from a resource identified by `name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Knowable<T> {
    Known(T),
    /// Exactly the value of this reference, e.g.
    /// `aws_apprunner_service.web.arn` (the loader rejects values merely
    /// derived from one); see [`split_reference`].
    AfterRefresh(String),
}

/// `TYPE.NAME[KEY].ATTR` -> (address, attribute), as carried by
/// [`Knowable::AfterRefresh`].
pub fn split_reference(reference: &str) -> Option<(Address, &str)> {
    let (address, attr) = reference.rsplit_once('.')?;
    Some((address.parse().ok()?, attr))
}

/// How a resource names the live object it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentityKind {
    Arn,
    Id,
    /// Resolved against live inventory at plan time.
    Name,
    /// Several attributes together ([`Identity::parts`]); the value is
    /// their composed id ([`decom_kinds::composite`]).
    Composite,
}

impl IdentityKind {
    /// The exact identity attribute of `rtype` (`arn` or `id`); `None`
    /// for kinds identified by several attributes together.
    pub fn exact_of(rtype: ResourceType) -> Option<IdentityKind> {
        match rtype.identity() {
            decom_kinds::Identity::Arn => Some(IdentityKind::Arn),
            decom_kinds::Identity::Id => Some(IdentityKind::Id),
            decom_kinds::Identity::Composite(_) => None,
        }
    }

    /// The attribute that holds the value (`id` for a composite: what
    /// `TYPE.NAME.id` reads).
    pub fn attribute(self) -> &'static str {
        match self {
            IdentityKind::Arn => "arn",
            IdentityKind::Id | IdentityKind::Composite => "id",
            IdentityKind::Name => "name",
        }
    }
}

/// The identity a resource gives: one attribute, or (composite kinds)
/// every part of its composite id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub kind: IdentityKind,
    /// A composite's value is `Known(composed id)` once every part is
    /// known, else `AfterRefresh` of its first part known only after
    /// refresh (the parts say which); resolution composes it then.
    pub value: Knowable<String>,
    /// A composite's parts in the table's order; empty for other kinds.
    pub parts: Vec<IdentityPart>,
    /// The attribute's span in the block.
    pub span: Span,
    /// The value is derived from a `sensitive` variable: whatever could
    /// reveal it (a list of live names it failed to match) is not shown.
    pub sensitive: bool,
}

/// One part of a composite identity (`service_arn`, `domain_name`). A
/// part that is also a relation attribute is a relation too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityPart {
    pub attr: &'static str,
    pub value: Knowable<String>,
    pub span: Span,
}

/// A relation assertion (`service_arn`, `vpc_connector_arn`,
/// `connection_id`), checked against live state at plan time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub attr: RelationAttr,
    pub value: Knowable<String>,
    pub span: Span,
    /// Derived from a `sensitive` variable: the live value it fails to
    /// match (which may hold the real secret) is not shown.
    pub sensitive: bool,
}

/// "This resource must be deleted before `target`", and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub target: Address,
    pub kind: DependencyKind,
    /// Where the reference or `depends_on` entry is written.
    pub span: Span,
}

/// Why a [`Dependency`] exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DependencyKind {
    /// An expression in `attribute` references the target.
    Reference { attribute: String },
    /// The target is listed in `depends_on`.
    DependsOn,
}

/// One resource instance (after `count`/`for_each` expansion).
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceInstance {
    pub address: Address,
    pub identity: Identity,
    pub relations: Vec<Relation>,
    /// `provider = aws.<alias>`; `None` is the default provider.
    pub provider: Option<String>,
    pub prevent_destroy: bool,
    /// From `timeouts { delete = ... }`, else the type's default.
    pub delete_timeout: Duration,
    /// Deduplicated by (target, kind); in source order.
    pub dependencies: Vec<Dependency>,
    /// The `resource "type" "name"` header.
    pub span: Span,
}

/// Whether `s` has the shape of an AWS region (`us-east-1`,
/// `us-gov-west-1`): lower-case letters, digits and dashes, from a
/// letter. A region of another shape is no region requests can go to:
/// nothing is found there, and a resource named by id would be taken as
/// already gone.
pub fn is_region(s: &str) -> bool {
    s.len() <= 64
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An address reads back as it is written (plan, `--json`, graph),
    /// whatever its key holds: `--target` of a printed `m["a\"b"]` was
    /// "no such resource", a saved plan's such address another one, and
    /// `m["a"b"]` was taken.
    #[test]
    fn an_address_reads_back_as_it_is_written() {
        for key in [
            "ok",
            "a\"b",
            "c\\d",
            "tab\there\n",
            "esc\u{1b}[31m",
            "é",
            "[x]",
            "'q'",
            "",
        ] {
            let address = Address {
                resource_type: ResourceType::DxConnection,
                name: "m".into(),
                key: Some(InstanceKey::Key(key.into())),
            };
            let written = address.to_string();
            assert_eq!(written.parse::<Address>(), Ok(address), "{written}");
        }
        for malformed in [
            r#"aws_dx_connection.m["a"b"]"#,
            r#"aws_dx_connection.m["a\qb"]"#,
        ] {
            let refused = malformed.parse::<Address>().unwrap_err();
            assert!(
                refused.contains("not a string as decom writes it"),
                "{refused}"
            );
        }
    }
}
