//! Building [`ResourceInstance`]s from resource blocks.
//!
//! Exists to turn one checked, evaluated resource block into its instances:
//! identity (exactly one of the type's identity attribute or `name`, with
//! light shape checks; or every part of a composite identity, composed
//! into one id), relation assertions, provider alias, lifecycle and
//! timeout settings, and every dependency with the reason it exists.
//! Block-level problems (both `arn` and `name`, a bad duration) are
//! reported once per block, not once per instance.

use crate::fasthash::FastSet;
use std::time::Duration;

use hcl_edit::expr::{Expression, TraversalOperator};

use crate::decls::{span_of, Attr};
use crate::diagnostic::Diagnostic;
use crate::duration;
use crate::eval::{
    type_error, Evaluator, FoundDep, IdAttr, InstanceVars, Place, Reported, Scope, Slot,
};
use crate::manifest::{
    Address, Dependency, DependencyKind, Identity, IdentityKind, IdentityPart, Knowable, Relation,
    ResourceInstance,
};
use crate::refs::{memo_key, Resolved};
use crate::source::Span;
use crate::suggest;
use crate::value::Value;
use decom_kinds::{composite, IdShape, RelationAttr, ResourceType};

const ARN_PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];

impl Evaluator<'_> {
    /// Every instance of every resource block, in declaration order.
    pub(crate) fn build_resources(&mut self, aliases: &[String]) -> Vec<ResourceInstance> {
        let mut out = Vec::with_capacity(self.decls.resources.len());
        for idx in 0..self.decls.resources.len() {
            self.build_block(idx, aliases, &mut out);
        }
        out
    }

    fn build_block(&mut self, idx: usize, aliases: &[String], out: &mut Vec<ResourceInstance>) {
        let Some(decl) = self.decls.resources.get(idx) else {
            return;
        };
        let (rtype, name, span) = (decl.rtype, decl.name, decl.span);
        let exact = IdentityKind::exact_of(rtype);
        let id_attr = exact.and_then(|k| decl.attr(k.attribute()));
        let name_attr = exact.and_then(|_| decl.attr("name"));
        // A composite's parts, each with the attribute that gives it.
        let parts: Vec<(&'static str, Option<Attr<'_>>)> = rtype
            .identity()
            .parts()
            .unwrap_or_default()
            .iter()
            .map(|p| (*p, decl.attr(p)))
            .collect();
        let provider_attr = decl.attr("provider");
        let depends_attr = decl.attr("depends_on");
        let count_key = if decl.attr("count").is_some() {
            "count"
        } else {
            "for_each"
        };
        let relations: Vec<(RelationAttr, Attr<'_>)> = rtype
            .relation_attrs()
            .filter_map(|r| decl.attr(r.name()).map(|a| (r, a)))
            .collect();
        let (prevent_attr, timeout_attr) = (decl.prevent_destroy, decl.delete_timeout);
        let had_unknown_attrs = decl.had_unknown_attrs;
        let errors_before = self.diags.len();
        let base = || format!("{rtype}.{name}");

        let mut identity_missing = false;
        // A composite has no single identity attribute: its parts are
        // checked here and built per instance below.
        if exact.is_none() {
            identity_missing =
                !self.all_parts_given(rtype, &base(), &parts, span, had_unknown_attrs);
        }
        let kind = exact.unwrap_or(IdentityKind::Id);
        let identity_choice: Option<(IdentityKind, Attr<'_>)> = match (id_attr, name_attr) {
            _ if exact.is_none() => None,
            (Some(_), Some(n)) => {
                let id = kind.attribute();
                self.report(
                    Diagnostic::error(format!("{} sets both `{id}` and `name`; give exactly one", base()), n.key_span.or(Some(span)))
                        .with_label("second identity")
                        .with_help(format!(
                            "keep `{id}` (exact) or `name` (looked up in live inventory at plan time), not both"
                        )),
                );
                None
            }
            (None, None) if had_unknown_attrs => {
                // The identity is most likely the misspelled attribute
                // already reported; fail the block without a second error.
                identity_missing = true;
                None
            }
            (None, None) => {
                let id = kind.attribute();
                self.report(
                    Diagnostic::error(
                        format!("{} has no identity: set `{id}` or `name`", base()),
                        Some(span),
                    )
                    .with_label("no identity")
                    .with_help(format!(
                        "add `{id} = \"{}\"` or `name = \"...\"`",
                        rtype.kind().id_example
                    )),
                );
                None
            }
            (Some(a), None) => Some((kind, a)),
            (None, Some(n)) => Some((IdentityKind::Name, n)),
        };
        let provider = match provider_attr {
            None => Ok(None),
            Some(a) => self.provider_alias(a, aliases),
        };
        let prevent_destroy = prevent_attr.map_or(Ok(false), |a| self.prevent_destroy(a));
        let delete_timeout = timeout_attr.map_or(Ok(rtype.default_delete_timeout()), |a| {
            self.delete_timeout(a)
        });
        let depends = depends_attr.map(|a| self.depends_on(a)).unwrap_or_default();
        let Ok(exp) = self.expansion(idx) else {
            return;
        };
        let exp_deps = self.expansion_deps(idx);
        let mut shape_reported = false;

        for inst in 0..exp.len() {
            let address = Address {
                resource_type: rtype,
                name: name.to_string(),
                key: exp.key(inst),
            };
            let mut deps: Vec<Dependency> = Vec::new();
            let mut failed = false;
            let reference = |attr: &str, found: Vec<FoundDep>, deps: &mut Vec<Dependency>| {
                deps.extend(found.into_iter().map(|(target, span)| Dependency {
                    target,
                    kind: DependencyKind::Reference {
                        attribute: attr.to_string(),
                    },
                    span,
                }));
            };
            reference(count_key, exp_deps.clone(), &mut deps);

            let mut identity = None;
            if let Some((ikind, a)) = identity_choice {
                let key = ikind.attribute();
                let id_attr = IdAttr::from_name(key).unwrap_or(IdAttr::Name);
                // Evaluated (once) through the memo that references share.
                let _ = self.instance_attr(idx, inst, id_attr);
                if let Some(Slot::Done(Some((v, found, sensitive)))) =
                    self.attr_memo.get(&memo_key(idx, inst, id_attr))
                {
                    let (v, found, sensitive) = (v.clone(), found.clone(), *sensitive);
                    reference(key, found, &mut deps);
                    if let Ok(v) = v {
                        if let Some(value) = self.knowable(key, v, &a, !shape_reported, |s| {
                            identity_shape(rtype, ikind, s)
                        }) {
                            identity = Some(Identity {
                                kind: ikind,
                                value,
                                parts: Vec::new(),
                                span: a.span_or(span),
                                sensitive,
                            });
                        } else {
                            shape_reported = true;
                            failed = true;
                        }
                    }
                }
            }

            let mut rels = Vec::with_capacity(relations.len());
            for (rel, a) in &relations {
                let mut scope = Scope::new(Some(a.file), Place::Resource, Some(exp.vars(inst)));
                let ((v, found), sensitive) =
                    self.isolated(|ev| ev.collecting(|ev| ev.eval(a.expr, &mut scope)));
                let v = v.and_then(|v| self.keep(v, a.value_span()));
                reference(rel.name(), found, &mut deps);
                if let Ok(v) = v {
                    if let Some(value) = self.knowable(rel.name(), v, a, !shape_reported, |s| {
                        relation_shape(rtype, *rel, s)
                    }) {
                        rels.push(Relation {
                            attr: *rel,
                            value,
                            span: a.span_or(span),
                            sensitive,
                        });
                    } else {
                        shape_reported = true;
                        failed = true;
                    }
                }
            }

            if exact.is_none() && !identity_missing {
                let vars = exp.vars(inst);
                let report_shape = !shape_reported;
                match self.composite_identity(idx, inst, vars, &parts, &rels, report_shape) {
                    Some((id, found)) => {
                        for (attr, f) in found {
                            reference(attr, f, &mut deps);
                        }
                        identity = id;
                    }
                    None => {
                        shape_reported = true;
                        failed = true;
                    }
                }
            }

            for (target, dspan) in &depends {
                deps.push(Dependency {
                    target: target.clone(),
                    kind: DependencyKind::DependsOn,
                    span: *dspan,
                });
            }

            if failed || identity_missing || self.diags.len() != errors_before {
                continue;
            }
            let (Some(identity), Ok(provider), Ok(prevent_destroy), Ok(delete_timeout)) =
                (identity, &provider, &prevent_destroy, &delete_timeout)
            else {
                continue;
            };
            out.push(ResourceInstance {
                address,
                identity,
                relations: rels,
                provider: provider.clone(),
                prevent_destroy: *prevent_destroy,
                delete_timeout: *delete_timeout,
                dependencies: dedup(deps),
                span,
            });
        }
    }

    /// Whether a composite kind's block sets every part; reports the
    /// first block that does not (unless a misspelled attribute, already
    /// reported, is the likely missing part).
    fn all_parts_given(
        &mut self,
        rtype: ResourceType,
        base: &str,
        parts: &[(&'static str, Option<Attr<'_>>)],
        span: Span,
        had_unknown_attrs: bool,
    ) -> bool {
        let missing: Vec<&str> = parts
            .iter()
            .filter(|(_, a)| a.is_none())
            .map(|(p, _)| *p)
            .collect();
        let Some(first) = missing.first() else {
            return true;
        };
        if !had_unknown_attrs {
            let all: Vec<String> = parts.iter().map(|(p, _)| format!("`{p}`")).collect();
            let not_set: Vec<String> = missing.iter().map(|p| format!("`{p}`")).collect();
            self.report(
                Diagnostic::error(
                    format!("{base} needs {}", suggest::and_list(&all)),
                    Some(span),
                )
                .with_label(format!("{} not set", suggest::and_list(&not_set)))
                .with_help(format!(
                    "a {} is identified by all of these together; add `{first} = \"...\"`",
                    rtype.kind().title
                )),
            );
        }
        false
    }

    /// A composite identity from its parts: a part that is also a
    /// relation attribute is that relation's value (evaluated and checked
    /// once, there), the others are evaluated here. Returns the identity
    /// (`None` when a part failed to evaluate, already reported) and the
    /// references found per part; `None` after reporting a bad part.
    #[allow(clippy::type_complexity)]
    fn composite_identity(
        &mut self,
        idx: usize,
        inst: usize,
        vars: InstanceVars,
        parts: &[(&'static str, Option<Attr<'_>>)],
        rels: &[Relation],
        report_shape: bool,
    ) -> Option<(Option<Identity>, Vec<(&'static str, Vec<FoundDep>)>)> {
        let (rtype, block_span) = self.decls.resources.get(idx).map(|d| (d.rtype, d.span))?;
        let mut found = Vec::new();
        let mut out: Vec<IdentityPart> = Vec::new();
        let mut sensitive = false;
        let mut complete = true;
        for (part, a) in parts {
            let Some(a) = a else {
                complete = false;
                continue;
            };
            let span = a.span_or(block_span);
            if let Some(rel) = rels.iter().find(|r| r.attr.name() == *part) {
                if let Knowable::Known(v) = &rel.value {
                    if let Some(problem) = composite::part_problem(v) {
                        if report_shape {
                            self.report(part_error(rtype, part, problem, a.value_span()));
                        }
                        return None;
                    }
                }
                sensitive |= rel.sensitive;
                out.push(IdentityPart {
                    attr: part,
                    value: rel.value.clone(),
                    span,
                });
                continue;
            }
            if RelationAttr::from_name(part).is_some_and(|r| rtype.relation(r).is_some()) {
                // The relation failed (reported there).
                complete = false;
                continue;
            }
            let Some((v, deps, tainted)) = self.part_eval(idx, inst, part, a, vars.clone()) else {
                complete = false;
                continue;
            };
            found.push((*part, deps));
            let Ok(v) = v else {
                complete = false;
                continue;
            };
            let shape = |s: &str| match composite::part_problem(s) {
                None => Ok(()),
                Some(problem) => {
                    let d = part_error(rtype, part, problem, None);
                    Err((
                        d.message,
                        format!("give the {}'s {part}", rtype.kind().title),
                    ))
                }
            };
            let value = self.knowable(part, v, a, report_shape, shape)?;
            sensitive |= tainted;
            out.push(IdentityPart {
                attr: part,
                value,
                span,
            });
        }
        if let Some(owned) = aws_owned_part(rtype, &out) {
            self.report(owned);
            return None;
        }
        if !complete {
            return Some((None, found));
        }
        let first_unknown = out.iter().find_map(|p| match &p.value {
            Knowable::AfterRefresh(reference) => Some(reference.clone()),
            Knowable::Known(_) => None,
        });
        let value = match first_unknown {
            Some(reference) => Knowable::AfterRefresh(reference),
            None => {
                let known: Vec<&str> = out
                    .iter()
                    .filter_map(|p| match &p.value {
                        Knowable::Known(v) => Some(v.as_str()),
                        Knowable::AfterRefresh(_) => None,
                    })
                    .collect();
                Knowable::Known(composite::compose(&known))
            }
        };
        let span = out.first().map(|p| p.span)?;
        let identity = Identity {
            kind: IdentityKind::Composite,
            value,
            parts: out,
            span,
            sensitive,
        };
        Some((Some(identity), found))
    }

    /// One part's value, with the references in it and its taint: the
    /// `name` part through the memo that `TYPE.NAME.name` references share.
    fn part_eval(
        &mut self,
        idx: usize,
        inst: usize,
        part: &str,
        a: &Attr<'_>,
        vars: InstanceVars,
    ) -> Option<(crate::eval::Eval, Vec<FoundDep>, bool)> {
        if let Some(id_attr) = IdAttr::from_name(part) {
            let _ = self.instance_attr(idx, inst, id_attr);
            return match self.attr_memo.get(&memo_key(idx, inst, id_attr)) {
                Some(Slot::Done(Some((v, found, sensitive)))) => {
                    Some((v.clone(), found.clone(), *sensitive))
                }
                _ => None,
            };
        }
        let mut scope = Scope::new(Some(a.file), Place::Resource, Some(vars));
        let ((v, found), sensitive) =
            self.isolated(|ev| ev.collecting(|ev| ev.eval(a.expr, &mut scope)));
        let v = v.and_then(|v| self.keep(v, a.value_span()));
        Some((v, found, sensitive))
    }

    /// A string (or unknown) value as a [`Knowable`], with a shape check
    /// on known values. `None`: reported (or suppressed after the first
    /// shape error of a block).
    ///
    /// A value known only after refresh must be written as a direct
    /// reference (`aws_x.y.arn` or `"${aws_x.y.arn}"`): then
    /// `Knowable::AfterRefresh` names exactly the value plan substitutes,
    /// and a derived value can never be mistaken for the reference.
    fn knowable(
        &mut self,
        what: &str,
        v: Value,
        a: &Attr<'_>,
        report_shape: bool,
        shape: impl Fn(&str) -> Result<(), (String, String)>,
    ) -> Option<Knowable<String>> {
        let span = a.value_span();
        match v {
            Value::Unknown(w) if !is_direct_resource_reference(a.expr) => {
                self.report(
                    Diagnostic::error(
                        format!(
                            "`{what}` is computed from `{w}`, which is known only after refresh"
                        ),
                        span,
                    )
                    .with_label("derived from a value known only after refresh")
                    .with_help(format!("write the reference directly: `{what} = {w}`")),
                );
                None
            }
            Value::String(s) => match shape(&s) {
                Ok(()) => Some(Knowable::Known(s)),
                Err((msg, help)) => {
                    if report_shape {
                        self.report(
                            Diagnostic::error(msg, span)
                                .with_label("unexpected format")
                                .with_help(help),
                        );
                    }
                    None
                }
            },
            Value::Unknown(w) => Some(Knowable::AfterRefresh(w)),
            other => {
                self.report(type_error(&format!("`{what}`"), "string", &other, span));
                None
            }
        }
    }

    fn provider_alias(
        &mut self,
        a: Attr<'_>,
        aliases: &[String],
    ) -> Result<Option<String>, Reported> {
        let span = a.value_span();
        let alias = match a.expr {
            Expression::Variable(v) if v.as_str() == "aws" => return Ok(None),
            Expression::Traversal(t) => match (&t.expr, t.operators.as_slice()) {
                (Expression::Variable(root), [op]) if root.as_str() == "aws" => match op.value() {
                    TraversalOperator::GetAttr(alias) => Some(alias.as_str()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        let Some(alias) = alias else {
            return Err(self.report(
                Diagnostic::error("`provider` must be `aws` or `aws.ALIAS`", span)
                    .with_label("not a provider reference")
                    .with_help("write provider = aws.west (without quotes) for the provider with alias = \"west\""),
            ));
        };
        if aliases.iter().any(|x| x == alias) {
            return Ok(Some(alias.to_string()));
        }
        let declared: Vec<&str> = aliases.iter().map(String::as_str).collect();
        let help = if declared.is_empty() {
            format!("no provider declares an alias; add provider \"aws\" {{ alias = \"{alias}\" }}")
        } else {
            match suggest::closest(alias, &declared) {
                Some(c) => format!(
                    "did you mean `aws.{c}`? declared aliases: {}",
                    suggest::list(&declared)
                ),
                None => format!("declared aliases: {}", suggest::list(&declared)),
            }
        };
        Err(self.report(
            Diagnostic::error(format!("provider aws.{alias} is not declared"), span)
                .with_label("unknown provider alias")
                .with_help(help),
        ))
    }

    fn prevent_destroy(&mut self, a: Attr<'_>) -> Result<bool, Reported> {
        let mut scope = Scope::new(Some(a.file), Place::Resource, None);
        let span = a.value_span();
        match self.eval(a.expr, &mut scope)? {
            Value::Bool(b) => Ok(b),
            other => Err(self.report(type_error("`prevent_destroy`", "bool", &other, span))),
        }
    }

    fn delete_timeout(&mut self, a: Attr<'_>) -> Result<Duration, Reported> {
        let mut scope = Scope::new(Some(a.file), Place::Resource, None);
        let span = a.value_span();
        match self.eval(a.expr, &mut scope)? {
            Value::String(s) => match duration::parse(&s) {
                Some(d) => Ok(d),
                None => Err(self.report(
                    Diagnostic::error(
                        format!("invalid duration \"{s}\" for timeouts.delete"),
                        span,
                    )
                    .with_label("not a duration")
                    .with_help(duration::EXAMPLE),
                )),
            },
            other => Err(self.report(
                Diagnostic::error(
                    format!(
                        "wrong value type for timeouts.delete: expected a duration string, got {}",
                        other.type_name()
                    ),
                    span,
                )
                .with_label("not a duration")
                .with_help(duration::EXAMPLE),
            )),
        }
    }

    /// The targets of `depends_on = [TYPE.NAME, TYPE.NAME[0], ...]`.
    fn depends_on(&mut self, a: Attr<'_>) -> Vec<FoundDep> {
        let Expression::Array(items) = a.expr else {
            self.report(
                Diagnostic::error("`depends_on` must be a list of resources", a.value_span())
                    .with_label("not a list")
                    .with_help("write depends_on = [aws_dx_connection.main]"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut scope = Scope::new(Some(a.file), Place::Resource, None);
        for item in items.iter() {
            let span = span_of(a.file, item);
            let (root, ops) = match item {
                Expression::Traversal(t) => match &t.expr {
                    Expression::Variable(v) => (Some(v.as_str()), t.operators.as_slice()),
                    _ => (None, t.operators.as_slice()),
                },
                Expression::Variable(v) => (Some(v.as_str()), &[][..]),
                _ => (None, &[][..]),
            };
            let rtype = root.and_then(ResourceType::from_name);
            let Some(rtype) = rtype else {
                let names: Vec<&str> = ResourceType::ALL.iter().map(|t| t.name()).collect();
                let help = match root.and_then(|r| suggest::closest(r, &names)) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => {
                        "write a resource address such as aws_dx_connection.main (without quotes)"
                            .to_string()
                    }
                };
                self.report(
                    Diagnostic::error(
                        "`depends_on` entries must be resource addresses (TYPE.NAME)",
                        span,
                    )
                    .with_label("not a resource address")
                    .with_help(help),
                );
                continue;
            };
            let Some(span) = span else {
                continue;
            };
            match self.resolve_target(rtype, ops, Some(span), &mut scope, true) {
                Ok(Resolved::One(target, consumed)) => {
                    if consumed < ops.len() {
                        self.report(
                            Diagnostic::error(
                                format!(
                                    "`depends_on` names resources, not attributes: use {}",
                                    target.address
                                ),
                                Some(span),
                            )
                            .with_label("attribute not allowed here")
                            .with_help(format!("write {}", target.address)),
                        );
                        continue;
                    }
                    out.push((target.address, span));
                }
                Ok(Resolved::All(_, base)) if ops.len() > 1 => {
                    // Only the name was read: `[*]`, `.*` or an attribute
                    // follows it.
                    let splat = matches!(
                        ops[1].value(),
                        TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)
                    );
                    let what = if splat {
                        "splat expressions (`[*]`, `.*`) are not supported"
                    } else {
                        "`depends_on` names resources, not attributes"
                    };
                    let label = if splat {
                        "unsupported"
                    } else {
                        "attribute not allowed here"
                    };
                    self.report(
                        Diagnostic::error(what, Some(span))
                            .with_label(label)
                            .with_help(format!("write {base} (all its instances)")),
                    );
                }
                Ok(Resolved::All(idx, base)) => {
                    if let Ok(exp) = self.expansion(idx) {
                        for i in 0..exp.len() {
                            out.push((
                                Address {
                                    key: exp.key(i),
                                    ..base.clone()
                                },
                                span,
                            ));
                        }
                    }
                }
                Err(_) => {}
            }
        }
        out
    }
}

/// Sorts dependencies into source order and drops repeats of the same
/// (target, kind).
fn dedup(mut deps: Vec<Dependency>) -> Vec<Dependency> {
    deps.sort_by_key(|d| (d.span.file, d.span.start));
    if deps.len() <= 16 {
        // The common case: a handful of references, no hashing needed.
        let mut out: Vec<Dependency> = Vec::with_capacity(deps.len());
        for d in deps {
            if !out.iter().any(|o| o.target == d.target && o.kind == d.kind) {
                out.push(d);
            }
        }
        return out;
    }
    let mut seen: FastSet<(Address, Option<String>)> = FastSet::default();
    deps.retain(|d| {
        let kind = match &d.kind {
            DependencyKind::Reference { attribute } => Some(attribute.clone()),
            DependencyKind::DependsOn => None,
        };
        seen.insert((d.target.clone(), kind))
    });
    deps
}

/// The error for a `name` that AWS owns (a Supply Chain instance's `asc`
/// and `default` namespaces): such a resource goes only with its parent,
/// never by a request of its own, so no manifest may name it.
fn aws_owned_part(rtype: ResourceType, parts: &[IdentityPart]) -> Option<Diagnostic> {
    let owned = rtype.kind().aws_owned_names;
    let (name, span) = parts.iter().find_map(|p| match &p.value {
        Knowable::Known(v) if p.attr == "name" && owned.contains(&v.as_str()) => Some((v, p.span)),
        _ => None,
    })?;
    let message = format!(
        "`{name}` is a {rtype} that AWS owns: it is deleted only with its parent, never on its own"
    );
    Some(
        Diagnostic::error(message, Some(span))
            .with_label("owned by AWS")
            .with_help(format!(
                "remove this block; {} are deleted with their parent, which the plan then shows",
                suggest::and_list(&owned.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>())
            )),
    )
}

fn part_error(rtype: ResourceType, part: &str, problem: &str, span: Option<Span>) -> Diagnostic {
    Diagnostic::error(format!("`{part}` of a {rtype} {problem}"), span)
        .with_label("not a usable part of the identity")
        .with_help(format!("give the {}'s {part}", rtype.kind().title))
}

/// Checks `s` against the shape of `rtype`'s exact id (DESIGN section 3).
fn check_id_shape(s: &str, rtype: ResourceType) -> Result<(), (String, String)> {
    let kind = rtype.kind();
    match kind.id_shape {
        IdShape::Arn {
            service, resource, ..
        } => check_arn(s, rtype, service, resource),
        IdShape::Prefix(prefix) => {
            let what = format!("a {} id", kind.title);
            check_prefix(s, prefix, &what, kind.id_example)
        }
        IdShape::Opaque if s.trim().is_empty() => Err((
            format!("`id` of a {rtype} must not be empty"),
            format!("give the {} id", kind.title),
        )),
        IdShape::Opaque => Ok(()),
    }
}

/// Checks `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE/...`.
fn check_arn(
    s: &str,
    rtype: ResourceType,
    want_service: &str,
    kind: &str,
) -> Result<(), (String, String)> {
    let help = || {
        format!(
            "an {rtype} ARN looks like {} (partition aws, aws-cn or aws-us-gov)",
            rtype.kind().id_example
        )
    };
    let mut parts = s.splitn(6, ':');
    let mut next = || parts.next().unwrap_or_default();
    let (arn, partition, service, region, account, resource) =
        (next(), next(), next(), next(), next(), next());
    let ok_prefix = arn == "arn"
        && ARN_PARTITIONS.contains(&partition)
        && service == want_service
        && crate::manifest::is_region(region)
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && !resource.is_empty();
    if !ok_prefix {
        let title = rtype.kind().title;
        return Err((format!("\"{s}\" is not an {title} ARN"), help()));
    }
    let (res_kind, rest) = resource.split_once('/').unwrap_or((resource, ""));
    if res_kind != kind {
        let known = ResourceType::ALL.iter().any(
            |t| matches!(t.kind().id_shape, IdShape::Arn { resource, .. } if resource == res_kind),
        );
        let found = if known {
            format!("a {res_kind} ARN")
        } else {
            format!("\"{res_kind}\"")
        };
        return Err((
            format!("\"{s}\" is {found}, but {rtype} needs a {kind} ARN"),
            help(),
        ));
    }
    if rest.is_empty() {
        return Err((
            format!("\"{s}\" is missing the {kind} name after `{kind}/`"),
            help(),
        ));
    }
    Ok(())
}

fn identity_shape(
    rtype: ResourceType,
    kind: IdentityKind,
    s: &str,
) -> Result<(), (String, String)> {
    match kind {
        IdentityKind::Name if s.trim().is_empty() => Err((
            format!("`name` of a {rtype} must not be empty"),
            "give the resource's name".to_string(),
        )),
        IdentityKind::Name => Ok(()),
        IdentityKind::Arn | IdentityKind::Id => check_id_shape(s, rtype),
        // Each part is checked on its own (`composite_identity`).
        IdentityKind::Composite => Ok(()),
    }
}

/// A relation's value must be an id of one of the types it may point at;
/// the error is the first target type's.
fn relation_shape(
    holder: ResourceType,
    rel: RelationAttr,
    s: &str,
) -> Result<(), (String, String)> {
    let targets = holder.relation(rel).map_or(&[][..], |r| r.targets);
    let mut first_error = None;
    for target in targets {
        match check_id_shape(s, *target) {
            Ok(()) => return Ok(()),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    first_error.map_or(Ok(()), Err)
}

fn check_prefix(s: &str, prefix: &str, what: &str, example: &str) -> Result<(), (String, String)> {
    match s.strip_prefix(prefix) {
        Some(rest) if !rest.is_empty() => Ok(()),
        _ => Err((
            format!("\"{s}\" is not {what}"),
            format!("{what} starts with `{prefix}`, e.g. \"{example}\""),
        )),
    }
}

/// `TYPE.NAME[...].ATTR` (a resource attribute traversal) or a string
/// template that is exactly one interpolation of one.
fn is_direct_resource_reference(expr: &Expression) -> bool {
    match expr {
        Expression::Traversal(t) => matches!(
            &t.expr,
            Expression::Variable(v) if ResourceType::from_name(v.as_str()).is_some()
        ),
        Expression::StringTemplate(t) => {
            let mut elements = t.iter();
            match (elements.next(), elements.next()) {
                (Some(hcl_edit::template::Element::Interpolation(i)), None) => {
                    is_direct_resource_reference(&i.expr)
                }
                _ => false,
            }
        }
        Expression::Parenthesis(p) => is_direct_resource_reference(p.inner()),
        _ => false,
    }
}
