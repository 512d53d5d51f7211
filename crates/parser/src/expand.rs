//! `count` and `for_each`: how many instances a resource block has.
//!
//! Exists to keep the expansion rules in one place: `count` must be a known,
//! non-negative whole number; `for_each` a known list of strings (a set:
//! duplicates collapse) or a map; never both. Expansion is memoized per
//! block because every reference to a counted resource needs it.

use std::collections::HashMap;
use std::rc::Rc;

use crate::decls::Attr;
use crate::diagnostic::Diagnostic;
use crate::eval::{
    format_number, type_error, Evaluator, Expansion, FoundDep, Place, Reported, Scope, Slot,
    MAX_INSTANCES,
};
use crate::limits::MAX_RESOURCES;
use crate::value::Value;

impl Evaluator<'_> {
    /// The instances of resource block `idx` (memoized).
    pub(crate) fn expansion(&mut self, idx: usize) -> Result<Rc<Expansion>, Reported> {
        match self.expansions.get(idx) {
            Some(Slot::Done(r)) => return r.as_ref().map(|(e, _)| e.clone()).map_err(|r| *r),
            Some(Slot::InProgress) => {
                let span = self.decls.resources.get(idx).map(|r| r.span);
                let name = self
                    .decls
                    .resources
                    .get(idx)
                    .map(|r| format!("{}.{}", r.rtype, r.name))
                    .unwrap_or_default();
                return Err(self.report(
                    Diagnostic::error(
                        format!("the count / for_each of {name} depends on {name} itself"),
                        span,
                    )
                    .with_label("self-referencing expansion")
                    .with_help("count and for_each must not reference the resource they expand"),
                ));
            }
            Some(Slot::NotStarted) => {}
            None => return Err(Reported),
        }
        if let Some(s) = self.expansions.get_mut(idx) {
            *s = Slot::InProgress;
        }
        let result = self
            .compute_expansion(idx)
            .and_then(|(e, deps)| self.count_resources(idx, &e).map(|()| (e, deps)));
        let out = result.as_ref().map(|(e, _)| e.clone()).map_err(|r| *r);
        if let Some(s) = self.expansions.get_mut(idx) {
            *s = Slot::Done(result);
        }
        out
    }

    /// The dependencies found in `count` / `for_each` of block `idx`.
    pub(crate) fn expansion_deps(&self, idx: usize) -> Vec<FoundDep> {
        match self.expansions.get(idx) {
            Some(Slot::Done(Ok((_, deps)))) => deps.clone(),
            _ => Vec::new(),
        }
    }

    fn compute_expansion(
        &mut self,
        idx: usize,
    ) -> Result<(Rc<Expansion>, Vec<FoundDep>), Reported> {
        let Some(decl) = self.decls.resources.get(idx) else {
            return Err(Reported);
        };
        let (count, for_each) = (decl.attr("count"), decl.attr("for_each"));
        let header = decl.span;
        match (count, for_each) {
            (None, None) => Ok((Rc::new(Expansion::Single), Vec::new())),
            (Some(_), Some(f)) => Err(self.report(
                Diagnostic::error(
                    "`count` and `for_each` cannot both be set",
                    f.key_span.or(Some(header)),
                )
                .with_label("second expansion")
                .with_help(
                    "use `count` for N identical instances or `for_each` for keyed ones, not both",
                ),
            )),
            (Some(c), None) => {
                let (v, deps) = self.expansion_value(c)?;
                let span = c.value_span();
                let n = match v {
                    Value::Number(n) if n >= 0.0 && n.fract() == 0.0 => n,
                    Value::Number(n) => {
                        return Err(self.report(
                            Diagnostic::error(
                                format!(
                                    "`count` must be a non-negative whole number, got {}",
                                    format_number(n)
                                ),
                                span,
                            )
                            .with_label("invalid count")
                            .with_help("use 0 or a positive whole number, e.g. count = 3"),
                        ))
                    }
                    Value::Unknown(w) => return Err(self.unknown_expansion("count", &w, span)),
                    other => return Err(self.report(type_error("`count`", "number", &other, span))),
                };
                if n > MAX_INSTANCES as f64 {
                    return Err(self.report(
                        Diagnostic::error(
                            format!("`count` of {} is too large", format_number(n)),
                            span,
                        )
                        .with_label("too many instances")
                        .with_help(format!(
                            "a block may have at most {MAX_INSTANCES} instances"
                        )),
                    ));
                }
                Ok((Rc::new(Expansion::Count(n as usize)), deps))
            }
            (None, Some(f)) => {
                let (v, deps) = self.expansion_value(f)?;
                let span = f.value_span();
                let items: Vec<(String, Value)> = match v {
                    Value::Object(o) => o.into_iter().collect(),
                    Value::List(l) => {
                        let mut out = Vec::with_capacity(l.len());
                        for item in l {
                            match item {
                                Value::String(s) => out.push((s.clone(), Value::String(s))),
                                Value::Unknown(w) => return Err(self.unknown_expansion("for_each", &w, span)),
                                other => {
                                    return Err(self.report(
                                        Diagnostic::error(
                                            format!("`for_each` over a list needs strings, found a {}", other.type_name()),
                                            span,
                                        )
                                        .with_label("not a list of strings")
                                        .with_help("use a list of strings or a map: for_each = { a = 1, b = 2 }"),
                                    ))
                                }
                            }
                        }
                        out
                    }
                    Value::Unknown(w) => return Err(self.unknown_expansion("for_each", &w, span)),
                    other => {
                        return Err(self.report(type_error(
                            "`for_each`",
                            "list of strings or map",
                            &other,
                            span,
                        )))
                    }
                };
                if items.len() > MAX_INSTANCES {
                    return Err(self.report(
                        Diagnostic::error("`for_each` has too many elements", span)
                            .with_label("too many instances")
                            .with_help(format!(
                                "a block may have at most {MAX_INSTANCES} instances"
                            )),
                    ));
                }
                let mut index = HashMap::with_capacity(items.len());
                let mut keyed = Vec::with_capacity(items.len());
                for (k, v) in items {
                    if !index.contains_key(&k) {
                        index.insert(k.clone(), keyed.len());
                        keyed.push((k, v));
                    }
                }
                Ok((Rc::new(Expansion::Each(keyed, index)), deps))
            }
        }
    }

    /// Evaluates `count` / `for_each`. A value derived from a sensitive
    /// variable is refused, as in Terraform: it would become instance
    /// keys, which every message and file shows.
    fn expansion_value(&mut self, a: Attr<'_>) -> Result<(Value, Vec<FoundDep>), Reported> {
        let mut scope = Scope::new(Some(a.file), Place::Resource, None);
        let ((v, deps), sensitive) =
            self.isolated(|ev| ev.collecting(|ev| ev.eval(a.expr, &mut scope)));
        // Every block keeps its own copy of the value (`each.value`).
        let v = v.and_then(|v| self.keep(v, a.value_span()))?;
        if sensitive {
            return Err(self.report(
                Diagnostic::error(
                    format!("`{}` is derived from a sensitive variable", a.key),
                    a.value_span(),
                )
                .with_label("sensitive")
                .with_help(format!(
                    "`{}` decides resource addresses, which are shown everywhere; build it from values that are not sensitive",
                    a.key
                )),
            ));
        }
        Ok((v, deps))
    }

    /// Adds block `idx`'s instances to the manifest's total, refusing more
    /// than [`MAX_RESOURCES`] (reported once, at the block that passes it).
    fn count_resources(&mut self, idx: usize, exp: &Expansion) -> Result<(), Reported> {
        let before = self.resource_total;
        self.resource_total = before.saturating_add(exp.len());
        if self.resource_total <= MAX_RESOURCES {
            return Ok(());
        }
        if before > MAX_RESOURCES {
            return Err(Reported);
        }
        let Some(decl) = self.decls.resources.get(idx) else {
            return Err(Reported);
        };
        let span = decl
            .attr("count")
            .or(decl.attr("for_each"))
            .and_then(|a| a.value_span())
            .or(Some(decl.span));
        Err(self.report(
            Diagnostic::error(
                format!("the manifest has more than {MAX_RESOURCES} resources after count / for_each expansion"),
                span,
            )
            .with_label(format!("{} resource(s) here pass the limit", exp.len()))
            .with_help(format!(
                "a manifest may have at most {MAX_RESOURCES} resources; split the teardown into several manifests"
            )),
        ))
    }

    fn unknown_expansion(
        &mut self,
        what: &str,
        w: &str,
        span: Option<crate::source::Span>,
    ) -> Reported {
        self.report(
            Diagnostic::error(
                format!("`{what}` must be known before refresh, but it depends on {w}"),
                span,
            )
            .with_label("known only after refresh")
            .with_help(format!(
                "build `{what}` from literals, variables and locals, not from live attributes"
            )),
        )
    }
}
