//! `provider "aws"` blocks.
//!
//! Exists to evaluate provider settings (which may use variables and
//! locals, never resources), validate `allowed_account_ids`, and enforce
//! that aliases are unique and that there is at most one default
//! (alias-less) provider.

use std::collections::{BTreeMap, HashMap};

use hcl_edit::expr::Expression;

use crate::decls::{span_of, Attr};
use crate::diagnostic::Diagnostic;
use crate::duration;
use crate::eval::{type_error, Evaluator, Place, Scope};
use crate::manifest::{AssumeRole, Provider};
use crate::source::Span;
use crate::value::Value;

impl Evaluator<'_> {
    /// The valid provider blocks, and every alias declared, a block with
    /// errors' too: its resources are not also told the alias is missing.
    pub(crate) fn eval_providers(&mut self) -> (Vec<Provider>, Vec<String>) {
        let mut out: Vec<Provider> = Vec::new();
        let mut aliases: HashMap<String, Span> = HashMap::new();
        let mut default_at: Option<Span> = None;
        for i in 0..self.decls.providers.len() {
            let Some(decl) = self.decls.providers.get(i) else {
                continue;
            };
            let span = decl.span;
            let attrs: Vec<Attr<'_>> = decl.attrs.clone();
            let decl_assume_role = decl.assume_role.clone();
            let mut p = Provider {
                alias: None,
                region: None,
                profile: None,
                allowed_account_ids: Vec::new(),
                forbidden_account_ids: Vec::new(),
                assume_role: None,
                protect_tags: BTreeMap::new(),
                span,
            };
            let mut ok = true;
            for a in attrs {
                let mut scope = Scope::new(Some(a.file), Place::Provider, None);
                let vspan = a.value_span();
                let Ok(v) = self.eval(a.expr, &mut scope) else {
                    ok = false;
                    continue;
                };
                match a.key {
                    "region" | "profile" | "alias" => {
                        let s = match v {
                            Value::String(s) => s,
                            Value::Null => continue,
                            other => {
                                self.report(type_error(
                                    &format!("`{}`", a.key),
                                    "string",
                                    &other,
                                    vspan,
                                ));
                                ok = false;
                                continue;
                            }
                        };
                        match a.key {
                            "region" if !crate::manifest::is_region(&s) => {
                                self.report(
                                    Diagnostic::error(format!("invalid region \"{s}\""), vspan)
                                        .with_label("not an AWS region")
                                        .with_help("regions are lower-case, such as \"us-east-1\""),
                                );
                                ok = false;
                                continue;
                            }
                            "region" => p.region = Some(s),
                            "profile" => p.profile = Some(s),
                            _ => {
                                let valid = s
                                    .chars()
                                    .next()
                                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                                    && s.chars()
                                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                                if !valid {
                                    self.report(
                                        Diagnostic::error(format!("invalid provider alias \"{s}\""), vspan)
                                            .with_label("not an identifier")
                                            .with_help("aliases are identifiers such as \"west\" (used as provider = aws.west)"),
                                    );
                                    ok = false;
                                    continue;
                                }
                                p.alias = Some(s);
                            }
                        }
                    }
                    "protect_tags" => match self.string_map(a, v) {
                        Some(tags) => p.protect_tags = tags,
                        None => ok = false,
                    },
                    _ => match (self.account_ids(a, v), a.key) {
                        (Some(ids), "forbidden_account_ids") => p.forbidden_account_ids = ids,
                        (Some(ids), _) => p.allowed_account_ids = ids,
                        (None, _) => ok = false,
                    },
                }
            }
            if let Some((block_span, attrs)) = &decl_assume_role {
                match self.assume_role(*block_span, attrs) {
                    Some(role) => p.assume_role = Some(role),
                    None => ok = false,
                }
            }
            match &p.alias {
                Some(alias) => {
                    if let Some(first) = aliases.get(alias).copied() {
                        let loc = self.sources.location(first);
                        self.report(
                            Diagnostic::error(format!("duplicate provider alias \"{alias}\""), Some(span))
                                .with_label("declared again here")
                                .with_help(format!(
                                    "the alias is first declared at {}:{}; give each provider a different alias",
                                    loc.file, loc.line
                                )),
                        );
                        ok = false;
                    } else {
                        aliases.insert(alias.clone(), span);
                    }
                }
                None => {
                    if let Some(first) = default_at {
                        let loc = self.sources.location(first);
                        self.report(
                            Diagnostic::error("duplicate default provider \"aws\" (a second block without `alias`)", Some(span))
                                .with_label("second default provider")
                                .with_help(format!(
                                    "the default provider is declared at {}:{}; add alias = \"...\" to one of them",
                                    loc.file, loc.line
                                )),
                        );
                        ok = false;
                    } else {
                        default_at = Some(span);
                    }
                }
            }
            if ok {
                out.push(p);
            }
        }
        (out, aliases.into_keys().collect())
    }

    fn account_ids(&mut self, a: Attr<'_>, v: Value) -> Option<Vec<String>> {
        let vspan = a.value_span();
        let items = match v {
            Value::List(items) => items,
            other => {
                self.report(type_error(
                    &format!("`{}`", a.key),
                    "list of strings",
                    &other,
                    vspan,
                ));
                return None;
            }
        };
        // Point at the element when the list is written literally.
        let elem_spans: Vec<Option<Span>> = match a.expr {
            Expression::Array(arr) => arr.iter().map(|e| span_of(a.file, e)).collect(),
            _ => Vec::new(),
        };
        let mut ids = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.into_iter().enumerate() {
            let span = elem_spans.get(i).copied().flatten().or(vspan);
            match item {
                Value::String(s) if s.len() == 12 && s.chars().all(|c| c.is_ascii_digit()) => {
                    ids.push(s)
                }
                Value::String(s) => {
                    self.report(
                        Diagnostic::error(
                            format!("\"{s}\" is not a 12-digit AWS account id"),
                            span,
                        )
                        .with_label("invalid account id")
                        .with_help("account ids are 12 digits, e.g. \"123456789012\""),
                    );
                    ok = false;
                }
                Value::Number(_) => {
                    self.report(
                        Diagnostic::error("account ids must be quoted strings", span)
                            .with_label("a number")
                            .with_help(
                                "quote it (\"012345678901\"): as a number, leading zeros are lost",
                            ),
                    );
                    ok = false;
                }
                other => {
                    self.report(type_error("an account id", "string", &other, span));
                    ok = false;
                }
            }
        }
        ok.then_some(ids)
    }

    /// `protect_tags = { key = "value", ... }`: an object of strings.
    fn string_map(&mut self, a: Attr<'_>, v: Value) -> Option<BTreeMap<String, String>> {
        let vspan = a.value_span();
        let Value::Object(items) = v else {
            self.report(type_error(
                &format!("`{}`", a.key),
                "map of strings",
                &v,
                vspan,
            ));
            return None;
        };
        let mut out = BTreeMap::new();
        let mut ok = true;
        for (key, value) in items {
            match value {
                Value::String(s) => {
                    out.insert(key, s);
                }
                other => {
                    self.report(type_error(&format!("tag `{key}`"), "string", &other, vspan));
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// `assume_role { role_arn = ..., session_name = ..., external_id =
    /// ..., duration = ... }`.
    fn assume_role(&mut self, block_span: Span, attrs: &[Attr<'_>]) -> Option<AssumeRole> {
        let mut role = AssumeRole {
            role_arn: String::new(),
            session_name: None,
            external_id: None,
            duration: None,
        };
        let mut ok = true;
        for a in attrs {
            let mut scope = Scope::new(Some(a.file), Place::Provider, None);
            let vspan = a.value_span();
            let Ok(v) = self.eval(a.expr, &mut scope) else {
                ok = false;
                continue;
            };
            let s = match v {
                Value::String(s) => s,
                Value::Null => continue,
                other => {
                    let what = format!("`assume_role.{}`", a.key);
                    self.report(type_error(&what, "string", &other, vspan));
                    ok = false;
                    continue;
                }
            };
            // STS's AssumeRole limits, checked here rather than refused
            // at the first request in STS's words.
            let refused = match a.key {
                "session_name" if !sts_text(&s, 2..=64, "") => {
                    Some("2 to 64 letters, digits or any of _+=,.@-")
                }
                "external_id" if !sts_text(&s, 2..=1224, ":/") => {
                    Some("2 to 1224 letters, digits or any of _+=,.@:/-")
                }
                _ => None,
            };
            if let Some(takes) = refused {
                self.report(
                    Diagnostic::error(
                        format!("invalid assume_role.{} \"{s}\": STS takes {takes}", a.key),
                        vspan,
                    )
                    .with_label("refused by STS")
                    .with_help("e.g. \"decom-teardown\""),
                );
                ok = false;
                continue;
            }
            match a.key {
                "role_arn" => role.role_arn = s,
                "session_name" => role.session_name = Some(s),
                "external_id" => role.external_id = Some(s),
                _ => match duration::parse(&s) {
                    Some(d) if (900..=43_200).contains(&d.as_secs()) => role.duration = Some(d),
                    Some(_) => {
                        self.report(
                            Diagnostic::error(
                                format!("assume_role.duration \"{s}\" is outside what STS allows"),
                                vspan,
                            )
                            .with_label("not between 15m and 12h")
                            .with_help("a role session lasts 15m to 12h (and at most the role's own maximum); decom renews it, so an apply may run longer"),
                        );
                        ok = false;
                    }
                    None => {
                        self.report(
                            Diagnostic::error(
                                format!("invalid duration \"{s}\" for assume_role.duration"),
                                vspan,
                            )
                            .with_label("not a duration")
                            .with_help(duration::EXAMPLE),
                        );
                        ok = false;
                    }
                },
            }
        }
        if ok && !is_role_arn(&role.role_arn) {
            let span = attrs
                .iter()
                .find(|a| a.key == "role_arn")
                .and_then(|a| a.value_span())
                .unwrap_or(block_span);
            self.report(
                Diagnostic::error(
                    "assume_role needs a role_arn of the form arn:aws:iam::ACCOUNT:role/NAME",
                    Some(span),
                )
                .with_label("not a role ARN")
                .with_help("e.g. role_arn = \"arn:aws:iam::123456789012:role/decom\""),
            );
            ok = false;
        }
        ok.then_some(role)
    }
}

/// `arn:PARTITION:iam::ACCOUNT:role/NAME` with a 12-digit account.
fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(
        parts.as_slice(),
        ["arn", partition, "iam", "", account, resource]
            if !partition.is_empty()
                && account.len() == 12
                && account.chars().all(|c| c.is_ascii_digit())
                && resource.strip_prefix("role/").is_some_and(|n| !n.is_empty())
    )
}

/// Text STS's AssumeRole takes in a session name or external id: its
/// length in `len`, of ASCII letters, digits, `_+=,.@-` and `more`.
fn sts_text(s: &str, len: std::ops::RangeInclusive<usize>, more: &str) -> bool {
    len.contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) || more.contains(c))
}
