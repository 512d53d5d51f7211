//! Variable values and where they come from.
//!
//! Exists to apply one precedence rule everywhere: `--var` (a later one
//! wins) over `--var-file` (a later file wins) over `DECOM_VAR_name` over
//! the declared default. Values typed on the command line or in the
//! environment are taken raw for `string` variables, parsed for `number` /
//! `bool`, and parsed as HCL expressions for `list` / `map` (and for `any`
//! when they look like a list or map). Every value is checked against the
//! variable's type.

use std::collections::HashMap;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Body, Structure};

use crate::decls::span_of;
use crate::diagnostic::Diagnostic;
use crate::eval::{Eval, Evaluator, Place, Scope};
use crate::manifest::Variable;
use crate::schema::header_span;
use crate::source::{FileId, Span};
use crate::suggest;
use crate::types::{self, TypeC, ALLOWED_TYPES};
use crate::value::Value;
use crate::VariableInputs;

/// Where a variable's value came from.
enum Source<'e> {
    /// `--var` or the environment: raw text and how to name its origin.
    Raw(&'e str, String),
    /// `--var-file` or the default: an expression in a file.
    Expr(&'e Expression, FileId, &'static str),
}

impl Evaluator<'_> {
    /// Resolves every declared variable into `self.variables` and returns
    /// them for the manifest.
    pub(crate) fn resolve_variables(
        &mut self,
        inputs: &VariableInputs,
        var_files: &[(FileId, Body)],
    ) -> Vec<Variable> {
        let declared: Vec<&str> = self.decls.variables.iter().map(|v| v.name).collect();
        for (name, _) in &inputs.cli {
            if !declared.contains(&name.as_str()) {
                let help = match suggest::closest(name, &declared) {
                    Some(c) => format!("did you mean `--var {c}=...`?"),
                    None if declared.is_empty() => {
                        format!("the manifest declares no variables; add variable \"{name}\" {{ type = string }}")
                    }
                    None => format!("declared variables: {}", suggest::list(&declared)),
                };
                self.report(
                    Diagnostic::error(
                        format!("--var `{name}` sets a variable the manifest does not declare"),
                        None,
                    )
                    .with_help(help),
                );
            }
        }
        // name -> (expr, file) from var files; a later file wins.
        let mut from_files: HashMap<&str, (&Expression, FileId)> = HashMap::new();
        for (file, body) in var_files {
            for s in body.iter() {
                match s {
                    Structure::Attribute(a) => {
                        from_files.insert(a.key.as_str(), (&a.value, *file));
                    }
                    Structure::Block(b) => {
                        self.report(
                            Diagnostic::error(
                                format!(
                                    "unexpected block `{}` in a variable file",
                                    b.ident.as_str()
                                ),
                                Some(header_span(*file, b)),
                            )
                            .with_label("not a variable assignment")
                            .with_help("a --var-file holds only `name = value` lines"),
                        );
                    }
                }
            }
        }
        let mut out = Vec::with_capacity(self.decls.variables.len());
        for i in 0..self.decls.variables.len() {
            let Some(decl) = self.decls.variables.get(i) else {
                continue;
            };
            let (name, span, type_attr, default, sensitive_attr) = (
                decl.name,
                decl.span,
                decl.type_attr,
                decl.default,
                decl.sensitive,
            );
            let ty = match type_attr {
                None => TypeC::Any,
                Some(a) => match types::parse(a.expr) {
                    Ok(t) => t,
                    Err(bad) => {
                        self.report(
                            Diagnostic::error(
                                format!("unsupported type for variable \"{name}\"; allowed: {ALLOWED_TYPES}"),
                                span_of(a.file, bad).or(a.span),
                            )
                            .with_label("unknown type")
                            .with_help("write the type without quotes, e.g. type = list(string)"),
                        );
                        TypeC::Any
                    }
                },
            };
            let sensitive = match sensitive_attr {
                None => false,
                Some(a) => {
                    let mut scope = Scope::new(Some(a.file), Place::VariableValue, None);
                    match self.eval(a.expr, &mut scope) {
                        Ok(Value::Bool(b)) => b,
                        Ok(other) => {
                            self.report(crate::eval::type_error(
                                "`sensitive`",
                                "bool",
                                &other,
                                a.value_span(),
                            ));
                            false
                        }
                        Err(_) => false,
                    }
                }
            };
            if sensitive {
                self.taint.variables.insert(name);
            }
            let source = if let Some((_, raw)) = inputs.cli.iter().rev().find(|(n, _)| n == name) {
                Some(Source::Raw(raw, format!("--var {name}=...")))
            } else if let Some((expr, file)) = from_files.get(name) {
                Some(Source::Expr(expr, *file, "value in the variable file"))
            } else if let Some((_, raw)) = inputs.env.iter().rev().find(|(n, _)| n == name) {
                Some(Source::Raw(raw, format!("DECOM_VAR_{name}")))
            } else {
                default.map(|d| Source::Expr(d.expr, d.file, "default value"))
            };
            let value = match source {
                None => Err(self.report(
                    Diagnostic::error(format!("no value for variable \"{name}\""), Some(span))
                        .with_label("declared without a default")
                        .with_help(format!(
                            "pass --var {name}=..., set DECOM_VAR_{name}, put it in a --var-file, or add a default"
                        )),
                )),
                Some(Source::Raw(raw, origin)) => self.raw_value(name, raw, &origin, &ty, sensitive),
                Some(Source::Expr(expr, file, what)) => {
                    let mut scope = Scope::new(Some(file), Place::VariableValue, None);
                    let vspan = span_of(file, expr);
                    let before = self.diags.len();
                    let evaluated = self.eval(expr, &mut scope);
                    if sensitive && evaluated.is_err() && self.diags.len() > before {
                        self.diags.truncate(before);
                        let place = vspan.map(|v| format!(" ({})", self.sources.location(v)));
                        let hidden = Diagnostic::error(
                            format!(
                                "the {what}{} of variable \"{name}\" cannot be evaluated; the details are \
                                 not shown because they would show the value, which is sensitive",
                                place.unwrap_or_default()
                            ),
                            Some(span),
                        )
                        .with_label("declared sensitive here")
                        .with_help("check that value: a quoted string, under 1 MiB, without `${` (write `$${` for a literal)");
                        self.report(hidden);
                    }
                    evaluated.and_then(|v| {
                        types::convert(v, &ty).map_err(|e| {
                            let e = hide_if_sensitive(e, &ty, sensitive);
                            // The value's own line would show a sensitive
                            // value in the snippet: name its place in words
                            // and point at the declaration instead.
                            let (what, at) = match vspan {
                                Some(v) if sensitive => {
                                    (format!("{what} ({})", self.sources.location(v)), Some(span))
                                }
                                _ => (what.to_string(), vspan),
                            };
                            self.report(
                                Diagnostic::error(
                                    format!("{what} of variable \"{name}\" does not match its type {ty}: {e}"),
                                    at,
                                )
                                .with_label(format!("not a {ty}"))
                                .with_help(format!("give a {ty} value, or change the variable's type")),
                            )
                        })
                    })
                }
            };
            out.push(Variable {
                name: name.to_string(),
                value: value.clone().unwrap_or(Value::Null),
                sensitive,
                span,
            });
            self.variables.insert(name, value);
        }
        out
    }

    fn raw_value(
        &mut self,
        name: &str,
        raw: &str,
        origin: &str,
        ty: &TypeC,
        sensitive: bool,
    ) -> Eval {
        let parse_as_hcl = match ty {
            TypeC::String | TypeC::Number | TypeC::Bool => false,
            TypeC::List(_) | TypeC::Map(_) => true,
            TypeC::Any => matches!(raw.trim_start().chars().next(), Some('[' | '{')),
        };
        let value = if parse_as_hcl {
            let expr = match hcl_edit::parser::parse_expr(raw) {
                Ok(e) => e,
                Err(e) => {
                    return Err(self.report(
                        Diagnostic::error(
                            format!(
                                "cannot parse the value of variable \"{name}\" from {origin} as HCL: {} (column {})",
                                e.message(),
                                e.location().column()
                            ),
                            None,
                        )
                        .with_help(format!("{ty} values are written in HCL, e.g. {}", example(ty))),
                    ))
                }
            };
            let mut scope = Scope::new(None, Place::VariableValue, None);
            self.eval(&expr, &mut scope)?
        } else {
            Value::String(raw.to_string())
        };
        types::convert(value, ty).map_err(|e| {
            let e = hide_if_sensitive(e, ty, sensitive);
            self.report(
                Diagnostic::error(
                    format!("invalid value for variable \"{name}\" from {origin}: {e}"),
                    None::<Span>,
                )
                .with_help(format!("give a {ty}, e.g. --var {name}={}", example(ty))),
            )
        })
    }
}

fn example(ty: &TypeC) -> &'static str {
    match ty {
        TypeC::String | TypeC::Any => "value",
        TypeC::Number => "3",
        TypeC::Bool => "true",
        TypeC::List(_) => "'[\"a\", \"b\"]'",
        TypeC::Map(_) => "'{ a = \"x\" }'",
    }
}

/// A sensitive variable's value never appears in a diagnostic.
fn hide_if_sensitive(e: String, ty: &TypeC, sensitive: bool) -> String {
    if sensitive {
        format!("expected {ty} (the value is sensitive and not shown)")
    } else {
        e
    }
}
