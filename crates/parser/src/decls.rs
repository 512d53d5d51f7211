//! The declarations of a manifest, before evaluation.
//!
//! Exists to separate "what blocks and attributes are written where"
//! (checked once by `schema`) from "what they evaluate to" (done lazily by
//! the evaluator). Every item borrows its expressions from the parsed
//! hcl-edit bodies and carries the spans diagnostics need.

use std::ops::Range;

use hcl_edit::expr::Expression;

use crate::source::{FileId, Span};
use decom_kinds::ResourceType;

/// Turns an hcl-edit byte range into a [`Span`] in `file`.
pub(crate) fn span_in(file: FileId, r: Option<Range<usize>>) -> Option<Span> {
    r.map(|r| Span {
        file,
        start: r.start,
        end: r.end,
    })
}

/// The span of any hcl-edit node.
pub(crate) fn span_of(file: FileId, node: &impl hcl_edit::Span) -> Option<Span> {
    span_in(file, node.span())
}

/// One `key = expr` attribute.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attr<'a> {
    pub key: &'a str,
    pub expr: &'a Expression,
    pub file: FileId,
    /// The whole `key = value` attribute.
    pub span: Option<Span>,
    /// Just the key.
    pub key_span: Option<Span>,
}

impl Attr<'_> {
    /// Where the value is written (falls back to the attribute).
    pub fn value_span(&self) -> Option<Span> {
        span_of(self.file, self.expr).or(self.span)
    }

    /// A span that is always present: the attribute, or `fallback`.
    pub fn span_or(&self, fallback: Span) -> Span {
        self.span.unwrap_or(fallback)
    }
}

/// A `provider "aws"` block.
#[derive(Debug)]
pub(crate) struct ProviderDecl<'a> {
    pub span: Span,
    pub attrs: Vec<Attr<'a>>,
    /// The `assume_role { ... }` block's attributes and header.
    pub assume_role: Option<(Span, Vec<Attr<'a>>)>,
}

/// A `variable "name"` block.
#[derive(Debug)]
pub(crate) struct VariableDecl<'a> {
    pub name: &'a str,
    pub span: Span,
    pub type_attr: Option<Attr<'a>>,
    pub default: Option<Attr<'a>>,
    pub sensitive: Option<Attr<'a>>,
}

/// One entry of a `locals` block.
#[derive(Debug)]
pub(crate) struct LocalDecl<'a> {
    pub name: &'a str,
    pub attr: Attr<'a>,
}

/// A `resource "type" "name"` block.
#[derive(Debug)]
pub(crate) struct ResourceDecl<'a> {
    pub rtype: ResourceType,
    pub name: &'a str,
    /// The `resource "type" "name"` header.
    pub span: Span,
    /// Allowed attributes only (unknown ones were reported by `schema`).
    pub attrs: Vec<Attr<'a>>,
    /// `lifecycle { prevent_destroy = ... }`
    pub prevent_destroy: Option<Attr<'a>>,
    /// `timeouts { delete = ... }`
    pub delete_timeout: Option<Attr<'a>>,
    /// The block had unknown attributes (already reported), so a missing
    /// identity is likely a typo that must not be reported twice.
    pub had_unknown_attrs: bool,
}

impl<'a> ResourceDecl<'a> {
    pub fn attr(&self, key: &str) -> Option<Attr<'a>> {
        self.attrs.iter().find(|a| a.key == key).copied()
    }
}

/// Everything the manifest declares.
#[derive(Debug, Default)]
pub(crate) struct Decls<'a> {
    pub providers: Vec<ProviderDecl<'a>>,
    pub variables: Vec<VariableDecl<'a>>,
    pub locals: Vec<LocalDecl<'a>>,
    pub resources: Vec<ResourceDecl<'a>>,
}
