//! Block and attribute schema checks.
//!
//! Exists so that structural mistakes (unknown block types, unknown
//! attributes or nested blocks, wrong labels, unknown resource types,
//! duplicate declarations) are caught in one pass over the syntax, each
//! reported with what *is* allowed, before anything is evaluated. The
//! output is a [`Decls`] holding only well-formed declarations.

use std::collections::HashMap;

use crate::fasthash::FastMap;

use hcl_edit::structure::{Block, Body, Structure};

use crate::decls::{span_of, Attr, Decls, LocalDecl, ProviderDecl, ResourceDecl, VariableDecl};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceMap, Span};
use crate::suggest;
use decom_kinds::ResourceType;

const TOP_BLOCKS: [&str; 4] = ["provider", "variable", "locals", "resource"];
const PROVIDER_ATTRS: [&str; 6] = [
    "region",
    "profile",
    "allowed_account_ids",
    "alias",
    "forbidden_account_ids",
    "protect_tags",
];
const PROVIDER_BLOCKS: [&str; 1] = ["assume_role"];
const ASSUME_ROLE_ATTRS: [&str; 4] = ["role_arn", "session_name", "external_id", "duration"];
const VARIABLE_ATTRS: [&str; 4] = ["type", "default", "description", "sensitive"];
const LIFECYCLE_ATTRS: [&str; 1] = ["prevent_destroy"];
const TIMEOUTS_ATTRS: [&str; 1] = ["delete"];

struct Checker<'s, 'a> {
    sources: &'s SourceMap,
    diags: &'s mut Vec<Diagnostic>,
    decls: Decls<'a>,
    seen_vars: FastMap<&'a str, Span>,
    seen_locals: FastMap<&'a str, Span>,
    seen_resources: FastMap<(ResourceType, &'a str), Span>,
    /// `ResourceType::allowed_attributes()` per type, computed once.
    allowed: Vec<(ResourceType, Vec<&'static str>)>,
}

/// Checks the structure of every parsed file and collects declarations.
pub(crate) fn collect<'a>(
    bodies: &'a [(FileId, Body)],
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Decls<'a> {
    let mut c = Checker {
        sources,
        diags,
        decls: Decls::default(),
        seen_vars: FastMap::default(),
        seen_locals: FastMap::default(),
        seen_resources: FastMap::default(),
        allowed: ResourceType::ALL
            .iter()
            .map(|t| (*t, t.allowed_attributes()))
            .collect(),
    };
    let blocks: usize = bodies.iter().map(|(_, b)| b.len()).sum();
    c.decls.resources.reserve(blocks);
    for (file, body) in bodies {
        c.body(*file, body);
    }
    c.decls
}

/// The `ident "label" "label"` part of a block.
pub(crate) fn header_span(file: FileId, block: &Block) -> Span {
    let start = block
        .ident
        .span()
        .or_else(|| hcl_edit::Span::span(block))
        .map_or(0, |r| r.start);
    let end = block
        .labels
        .last()
        .and_then(hcl_edit::Span::span)
        .or_else(|| block.ident.span())
        .map_or(start, |r| r.end);
    Span {
        file,
        start,
        end: end.max(start),
    }
}

use hcl_edit::Span as _;

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl<'a> Checker<'_, 'a> {
    fn err(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn first_at(&self, span: Span) -> String {
        let loc = self.sources.location(span);
        format!("{}:{}", loc.file, loc.line)
    }

    fn body(&mut self, file: FileId, body: &'a Body) {
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let d = Diagnostic::error(
                        format!("unexpected attribute `{}` at the top level", a.key.as_str()),
                        span_of(file, a),
                    )
                    .with_label("attributes belong inside a block")
                    .with_help(format!(
                        "the top level holds only blocks: {}; put values in `locals {{ ... }}`",
                        suggest::list(&TOP_BLOCKS)
                    ));
                    self.err(d);
                }
                Structure::Block(b) => self.block(file, b),
            }
        }
    }

    fn block(&mut self, file: FileId, b: &'a Block) {
        let header = header_span(file, b);
        match b.ident.as_str() {
            "provider" => self.provider(file, b, header),
            "variable" => self.variable(file, b, header),
            "locals" => self.locals(file, b, header),
            "resource" => self.resource(file, b, header),
            other => {
                let d = Diagnostic::error(format!("unknown block type `{other}`"), Some(header))
                    .with_label("not a decom block")
                    .with_help(suggest::help_for(other, &TOP_BLOCKS));
                self.err(d);
            }
        }
    }

    /// Checks the number of labels; reports and returns false when wrong.
    fn labels(&mut self, b: &Block, header: Span, want: usize, usage: &str) -> bool {
        if b.labels.len() == want {
            return true;
        }
        let what = match want {
            0 => "no labels".to_string(),
            1 => "one label".to_string(),
            n => format!("{n} labels"),
        };
        let d = Diagnostic::error(
            format!(
                "`{}` block takes {what}, found {}",
                b.ident.as_str(),
                b.labels.len()
            ),
            Some(header),
        )
        .with_label("wrong number of labels")
        .with_help(format!("write it as `{usage}`"));
        self.err(d);
        false
    }

    /// Splits a block body into allowed attributes; reports unknown
    /// attributes, duplicates and (unless `nested` allows them) blocks.
    fn attrs(
        &mut self,
        file: FileId,
        body: &'a Body,
        what: &str,
        allowed: &[&str],
        nested: &[&str],
    ) -> (Vec<Attr<'a>>, Vec<&'a Block>) {
        let mut out: Vec<Attr<'a>> = Vec::with_capacity(body.len());
        let mut blocks = Vec::new();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    let attr = Attr {
                        key,
                        expr: &a.value,
                        file,
                        span: span_of(file, a),
                        key_span: span_of(file, &a.key),
                    };
                    if !allowed.contains(&key) {
                        let d = Diagnostic::error(
                            format!(
                                "unknown attribute `{key}` in {what}; allowed: {}",
                                suggest::list(allowed)
                            ),
                            attr.key_span.or(attr.span),
                        )
                        .with_label("unknown attribute");
                        let d = match suggest::closest(key, allowed) {
                            Some(c) => d.with_help(format!("did you mean `{c}`?")),
                            None => d.with_help(format!(
                                "remove it, or use one of: {}",
                                suggest::list(allowed)
                            )),
                        };
                        self.err(d);
                        continue;
                    }
                    if let Some(first) = out.iter().find(|x| x.key == key) {
                        let first_at = first.span.map(|s| self.first_at(s));
                        let d = Diagnostic::error(
                            format!("attribute `{key}` is set twice in {what}"),
                            attr.key_span.or(attr.span),
                        )
                        .with_label("duplicate attribute")
                        .with_help(match first_at {
                            Some(at) => format!("remove one of them (the first is at {at})"),
                            None => "remove one of them".to_string(),
                        });
                        self.err(d);
                        continue;
                    }
                    out.push(attr);
                }
                Structure::Block(nb) => {
                    let ident = nb.ident.as_str();
                    if nested.contains(&ident) {
                        blocks.push(nb);
                    } else {
                        let allowed_txt = if nested.is_empty() {
                            "none".to_string()
                        } else {
                            suggest::list(nested)
                        };
                        let mut d = Diagnostic::error(
                            format!(
                                "unknown nested block `{ident}` in {what}; allowed: {allowed_txt}"
                            ),
                            Some(header_span(file, nb)),
                        )
                        .with_label("unknown block");
                        d = match suggest::closest(ident, nested) {
                            Some(c) => d.with_help(format!("did you mean `{c}`?")),
                            None if nested.is_empty() => d.with_help(format!(
                                "{what} takes only attributes: {}",
                                suggest::list(allowed)
                            )),
                            None => d.with_help(format!("allowed blocks: {allowed_txt}")),
                        };
                        self.err(d);
                    }
                }
            }
        }
        (out, blocks)
    }

    fn provider(&mut self, file: FileId, b: &'a Block, header: Span) {
        if !self.labels(b, header, 1, "provider \"aws\" { ... }") {
            return;
        }
        let name = b.labels.first().map(|l| l.as_str()).unwrap_or_default();
        if name != "aws" {
            let span = b.labels.first().and_then(|l| span_of(file, l));
            let d = Diagnostic::error(format!("unsupported provider `{name}`"), span)
                .with_label("unknown provider")
                .with_help("decom supports one provider: \"aws\"");
            self.err(d);
            return;
        }
        let (attrs, nested) = self.attrs(
            file,
            &b.body,
            "provider \"aws\"",
            &PROVIDER_ATTRS,
            &PROVIDER_BLOCKS,
        );
        let mut assume_role = None;
        for nb in nested {
            let nh = header_span(file, nb);
            if assume_role.is_some() {
                let d = Diagnostic::error(
                    "duplicate `assume_role` block in provider \"aws\"",
                    Some(nh),
                )
                .with_label("second block")
                .with_help(
                    "a provider assumes one role; use another provider alias for another role",
                );
                self.err(d);
                continue;
            }
            let (a, _) = self.attrs(file, &nb.body, "assume_role", &ASSUME_ROLE_ATTRS, &[]);
            assume_role = Some((nh, a));
        }
        self.decls.providers.push(ProviderDecl {
            span: header,
            attrs,
            assume_role,
        });
    }

    fn variable(&mut self, file: FileId, b: &'a Block, header: Span) {
        if !self.labels(b, header, 1, "variable \"name\" { ... }") {
            return;
        }
        let Some(label) = b.labels.first() else {
            return;
        };
        let name = label.as_str();
        let label_span = span_of(file, label).unwrap_or(header);
        let (attrs, _) = self.attrs(
            file,
            &b.body,
            &format!("variable \"{name}\""),
            &VARIABLE_ATTRS,
            &[],
        );
        if !is_identifier(name) {
            let d = Diagnostic::error(
                format!("invalid variable name \"{name}\""),
                Some(label_span),
            )
            .with_label("not an identifier")
            .with_help("names start with a letter or `_` and contain letters, digits, `_`, `-`");
            self.err(d);
            return;
        }
        if let Some(first) = self.seen_vars.get(name).copied() {
            let d = Diagnostic::error(format!("duplicate variable \"{name}\""), Some(header))
                .with_label("declared again here")
                .with_help(format!(
                    "variable \"{name}\" is first declared at {}; remove or rename one",
                    self.first_at(first)
                ));
            self.err(d);
            return;
        }
        self.seen_vars.insert(name, header);
        let get = |k: &str| attrs.iter().find(|a| a.key == k).copied();
        self.decls.variables.push(VariableDecl {
            name,
            span: header,
            type_attr: get("type"),
            default: get("default"),
            sensitive: get("sensitive"),
        });
    }

    fn locals(&mut self, file: FileId, b: &'a Block, header: Span) {
        if !self.labels(b, header, 0, "locals { name = value }") {
            return;
        }
        for s in b.body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let name = a.key.as_str();
                    let attr = Attr {
                        key: name,
                        expr: &a.value,
                        file,
                        span: span_of(file, a),
                        key_span: span_of(file, &a.key),
                    };
                    let here = attr.key_span.or(attr.span).unwrap_or(header);
                    if let Some(first) = self.seen_locals.get(name).copied() {
                        let d = Diagnostic::error(format!("duplicate local `{name}`"), Some(here))
                            .with_label("defined again here")
                            .with_help(format!(
                                "local `{name}` is first defined at {}; remove or rename one",
                                self.first_at(first)
                            ));
                        self.err(d);
                        continue;
                    }
                    self.seen_locals.insert(name, here);
                    self.decls.locals.push(LocalDecl { name, attr });
                }
                Structure::Block(nb) => {
                    let d = Diagnostic::error(
                        format!(
                            "unexpected block `{}` in locals; allowed: attributes only",
                            nb.ident.as_str()
                        ),
                        Some(header_span(file, nb)),
                    )
                    .with_label("not allowed here")
                    .with_help("write locals as `name = value`");
                    self.err(d);
                }
            }
        }
    }

    fn resource(&mut self, file: FileId, b: &'a Block, header: Span) {
        if !self.labels(b, header, 2, "resource \"TYPE\" \"NAME\" { ... }") {
            return;
        }
        let (Some(tl), Some(nl)) = (b.labels.first(), b.labels.get(1)) else {
            return;
        };
        let type_name = tl.as_str();
        let name = nl.as_str();
        let Some(rtype) = ResourceType::from_name(type_name) else {
            let names: Vec<&str> = ResourceType::ALL.iter().map(|t| t.name()).collect();
            let mut d = Diagnostic::error(
                format!(
                    "unknown resource type `{type_name}`; allowed: {}",
                    suggest::list(&names)
                ),
                span_of(file, tl).or(Some(header)),
            )
            .with_label("unknown resource type");
            d = match suggest::closest(type_name, &names) {
                Some(c) => d.with_help(format!("did you mean `{c}`?")),
                None => d.with_help("decom can delete only the resource types listed above"),
            };
            self.err(d);
            return;
        };
        let what = rtype.name();
        let allowed = self
            .allowed
            .iter()
            .find(|(t, _)| *t == rtype)
            .map(|(_, a)| a.clone())
            .unwrap_or_default();
        let errors_before = self.diags.len();
        let (attrs, nested) =
            self.attrs(file, &b.body, what, &allowed, &ResourceType::ALLOWED_BLOCKS);
        let mut decl = ResourceDecl {
            rtype,
            name,
            span: header,
            attrs,
            prevent_destroy: None,
            delete_timeout: None,
            had_unknown_attrs: false,
        };
        decl.had_unknown_attrs = self.diags.len() != errors_before;
        let mut seen_nested: HashMap<&str, Span> = HashMap::new();
        for nb in nested {
            let ident = nb.ident.as_str();
            let nh = header_span(file, nb);
            if let Some(first) = seen_nested.get(ident).copied() {
                let d = Diagnostic::error(
                    format!("duplicate `{ident}` block in {what}.{name}"),
                    Some(nh),
                )
                .with_label("second block")
                .with_help(format!(
                    "merge it into the first `{ident}` block at {}",
                    self.first_at(first)
                ));
                self.err(d);
                continue;
            }
            seen_nested.insert(ident, nh);
            if !nb.labels.is_empty() {
                let d = Diagnostic::error(format!("`{ident}` block takes no labels"), Some(nh))
                    .with_label("unexpected label")
                    .with_help(format!("write it as `{ident} {{ ... }}`"));
                self.err(d);
                continue;
            }
            if ident == "lifecycle" {
                let (a, _) = self.attrs(file, &nb.body, "lifecycle", &LIFECYCLE_ATTRS, &[]);
                decl.prevent_destroy = a.first().copied();
            } else {
                let (a, _) = self.attrs(file, &nb.body, "timeouts", &TIMEOUTS_ATTRS, &[]);
                decl.delete_timeout = a.first().copied();
            }
        }
        let name_span = span_of(file, nl).unwrap_or(header);
        if !is_identifier(name) {
            let d = Diagnostic::error(format!("invalid resource name \"{name}\""), Some(name_span))
                .with_label("not an identifier")
                .with_help(
                    "names start with a letter or `_` and contain letters, digits, `_`, `-`",
                );
            self.err(d);
            return;
        }
        if let Some(first) = self.seen_resources.get(&(rtype, name)).copied() {
            let d = Diagnostic::error(
                format!("duplicate resource address {what}.{name}"),
                Some(header),
            )
            .with_label("declared again here")
            .with_help(format!(
                "{what}.{name} is first declared at {}; rename one of them",
                self.first_at(first)
            ));
            self.err(d);
            return;
        }
        self.seen_resources.insert((rtype, name), header);
        self.decls.resources.push(decl);
    }
}
