//! References: `var.*`, `local.*`, `count.index`, `each.*`, and
//! `TYPE.NAME[KEY].ATTR` resource references, plus index / attribute
//! access on values.
//!
//! Exists because a reference is where evaluation meets the rest of the
//! manifest: it must check that the target is declared (listing what is),
//! pick the right instance of a counted resource, record the dependency
//! with the span it is written at, and decide whether the value is known
//! now or only after refresh (see `resource_attr_value`).

use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
use hcl_edit::Decorated;

use crate::diagnostic::Diagnostic;
use crate::eval::{
    type_error, Eval, Evaluator, Expansion, IdAttr, InstanceVars, Place, Reported, Scope, Slot,
};
use crate::manifest::{Address, IdentityKind};
use crate::source::Span;
use crate::suggest;
use crate::value::Value;
use decom_kinds::ResourceType;

/// The attributes a resource reference can read.
pub(crate) const REF_ATTRS: [&str; 3] = ["arn", "id", "name"];

type Ops = [Decorated<TraversalOperator>];

/// A resolved `TYPE.NAME[KEY]` target.
pub(crate) struct Target {
    pub idx: usize,
    pub inst: usize,
    pub address: Address,
}

/// The value given as an instance key: `[0]` or `["key"]`.
pub(crate) enum KeyValue {
    Number(f64),
    String(String),
}

impl<'a> Evaluator<'a> {
    pub fn traversal(&mut self, t: &Traversal, scope: &mut Scope) -> Eval {
        let span = self.span(scope, t);
        let ops: &Ops = &t.operators;
        let Expression::Variable(root) = &t.expr else {
            let v = self.eval(&t.expr, scope)?;
            return self.apply_ops(v, ops, scope);
        };
        let root = root.as_str();
        if let Some((_, v, sensitive)) = scope.iter_vars.iter().rev().find(|(n, ..)| n == root) {
            if *sensitive {
                self.taint.mark();
            }
            let v = v.clone();
            return self.apply_ops(v, ops, scope);
        }
        let first = match ops.first().map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        let rest = ops.get(1..).unwrap_or_default();
        match root {
            "var" => {
                let Some(name) = first else {
                    return self.bad_ref(
                        span,
                        "`var` must be followed by a variable name",
                        "write `var.NAME`",
                    );
                };
                let v = self.var_ref(name, span, scope)?;
                self.apply_ops(v, rest, scope)
            }
            "local" => {
                let Some(name) = first else {
                    return self.bad_ref(
                        span,
                        "`local` must be followed by a local name",
                        "write `local.NAME`",
                    );
                };
                let v = self.local_ref(name, span, scope)?;
                self.apply_ops(v, rest, scope)
            }
            "count" => {
                if first != Some("index") {
                    return self.bad_ref(
                        span,
                        "`count` has one attribute: `index`",
                        "write `count.index`",
                    );
                }
                match &scope.instance {
                    Some(InstanceVars::Count(i)) => {
                        let v = Value::Number(*i as f64);
                        self.apply_ops(v, rest, scope)
                    }
                    _ => self.bad_ref(
                        span,
                        "`count.index` can only be used in a resource block that sets `count`",
                        "add `count = N` to this resource, or remove `count.index`",
                    ),
                }
            }
            "each" => {
                let which = first.filter(|f| *f == "key" || *f == "value");
                let Some(which) = which else {
                    return self.bad_ref(
                        span,
                        "`each` has two attributes: `key` and `value`",
                        "write `each.key` or `each.value`",
                    );
                };
                match &scope.instance {
                    Some(InstanceVars::Each(k, v)) => {
                        let v = if which == "key" {
                            Value::String(k.clone())
                        } else {
                            v.clone()
                        };
                        self.apply_ops(v, rest, scope)
                    }
                    _ => self.bad_ref(
                        span,
                        format!("`each.{which}` can only be used in a resource block that sets `for_each`"),
                        "add `for_each = ...` to this resource, or remove the `each` reference",
                    ),
                }
            }
            _ => match ResourceType::from_name(root) {
                Some(rtype) => self.resource_ref(rtype, ops, span, scope),
                None if root.starts_with("aws_") => {
                    let names: Vec<&str> = ResourceType::ALL.iter().map(|t| t.name()).collect();
                    let help = suggest::help_for(root, &names);
                    self.bad_ref(
                        span,
                        format!("unknown resource type `{root}` in reference"),
                        help,
                    )
                }
                None => {
                    let help = match suggest::closest(root, &["var", "local", "count", "each"]) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => format!("quote literal strings (\"{root}...\"); references start with var., local., count., each. or a resource type"),
                    };
                    self.bad_ref(span, format!("unknown name `{root}`"), help)
                }
            },
        }
    }

    fn bad_ref(
        &mut self,
        span: Option<Span>,
        msg: impl Into<String>,
        help: impl Into<String>,
    ) -> Eval {
        Err(self.report(
            Diagnostic::error(msg, span)
                .with_label("invalid reference")
                .with_help(help),
        ))
    }

    fn var_ref(&mut self, name: &str, span: Option<Span>, scope: &Scope) -> Eval {
        if scope.place == Place::VariableValue {
            return self.bad_ref(
                span,
                "variable values cannot reference other variables",
                "use a literal value here",
            );
        }
        if self.taint.variables.contains(name) {
            self.taint.mark();
        }
        match self.variables.get(name) {
            Some(Ok(v)) => Ok(v.clone()),
            Some(Err(r)) => Err(*r),
            None => {
                let declared: Vec<&str> = self.decls.variables.iter().map(|v| v.name).collect();
                let help = match suggest::closest(name, &declared) {
                    Some(c) => format!("did you mean `var.{c}`?"),
                    None => format!("declare it: variable \"{name}\" {{ type = string }}"),
                };
                self.bad_ref(span, format!("undefined variable `var.{name}`"), help)
            }
        }
    }

    fn local_ref(&mut self, name: &str, span: Option<Span>, scope: &Scope) -> Eval {
        if scope.place == Place::VariableValue {
            return self.bad_ref(
                span,
                "variable values cannot reference locals",
                "use a literal value here",
            );
        }
        let Some(i) = self.local_index.get(name).copied() else {
            let declared: Vec<&str> = self.decls.locals.iter().map(|l| l.name).collect();
            let help = match suggest::closest(name, &declared) {
                Some(c) => format!("did you mean `local.{c}`?"),
                None => format!("define it in a locals block: locals {{ {name} = ... }}"),
            };
            return self.bad_ref(span, format!("undefined local `local.{name}`"), help);
        };
        let (value, targets, sensitive) = self.local_value(i)?;
        if sensitive {
            self.taint.mark();
        }
        if let Some(span) = span {
            for t in targets {
                self.record(t, span);
            }
        }
        Ok(value)
    }

    fn resource_ref(
        &mut self,
        rtype: ResourceType,
        ops: &Ops,
        span: Option<Span>,
        scope: &mut Scope,
    ) -> Eval {
        if matches!(scope.place, Place::VariableValue | Place::Provider) {
            let what = if scope.place == Place::Provider {
                "provider settings"
            } else {
                "variable values"
            };
            return self.bad_ref(
                span,
                format!("{what} cannot reference resources"),
                "use literals, variables or locals here",
            );
        }
        let target = self.resolve_target(rtype, ops, span, scope, false)?;
        let (target, consumed) = match target {
            Resolved::One(t, consumed) => (t, consumed),
            Resolved::All(..) => return Err(Reported),
        };
        let attr = match ops.get(consumed).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(a)) if REF_ATTRS.contains(&a.as_str()) => a.as_str(),
            Some(TraversalOperator::GetAttr(a)) => {
                let help = suggest::help_for(a.as_str(), &REF_ATTRS);
                return self.bad_ref(
                    span,
                    format!(
                        "unsupported attribute `{}` of {}; allowed: {}",
                        a.as_str(),
                        target.address,
                        suggest::list(&REF_ATTRS)
                    ),
                    help,
                );
            }
            _ => {
                return self.bad_ref(
                    span,
                    format!("a reference to {} needs an attribute", target.address),
                    format!("write `{}.arn` (or .id / .name)", target.address),
                );
            }
        };
        if let Some(span) = span {
            self.record(target.address.clone(), span);
        }
        let v = self.resource_attr_value(&target, attr)?;
        self.apply_ops(v, ops.get(consumed + 1..).unwrap_or_default(), scope)
    }

    /// Resolves `NAME` and the optional `[KEY]` after a resource type.
    /// With `allow_all`, a counted resource without a key means all its
    /// instances (`depends_on`). Returns the number of operators used.
    pub(crate) fn resolve_target(
        &mut self,
        rtype: ResourceType,
        ops: &Ops,
        span: Option<Span>,
        scope: &mut Scope,
        allow_all: bool,
    ) -> Result<Resolved, Reported> {
        let Some(TraversalOperator::GetAttr(name)) = ops.first().map(|o| o.value()) else {
            return Err(self.report(
                Diagnostic::error(
                    format!("a reference to a {rtype} needs a resource name"),
                    span,
                )
                .with_label("invalid reference")
                .with_help(format!("write `{rtype}.NAME.arn`")),
            ));
        };
        let name = name.as_str();
        let Some(idx) = self.resource_index.get(&(rtype, name)).copied() else {
            let declared: Vec<&str> = self
                .decls
                .resources
                .iter()
                .filter(|r| r.rtype == rtype)
                .map(|r| r.name)
                .collect();
            let help = match suggest::closest(name, &declared) {
                Some(c) => format!("did you mean `{rtype}.{c}`?"),
                None if declared.is_empty() => {
                    format!("declare it: resource \"{rtype}\" \"{name}\" {{ ... }}")
                }
                None => format!("declared {rtype} resources: {}", suggest::list(&declared)),
            };
            return Err(self.report(
                Diagnostic::error(
                    format!("reference to undeclared resource {rtype}.{name}"),
                    span,
                )
                .with_label("not declared")
                .with_help(help),
            ));
        };
        let exp = self.expansion(idx)?;
        let base = Address {
            resource_type: rtype,
            name: name.to_string(),
            key: None,
        };
        let key = match ops.get(1).map(|o| o.value()) {
            Some(TraversalOperator::Index(e)) => {
                let ks = self.span(scope, e).or(span);
                match self.eval(e, scope)? {
                    Value::Number(n) => Some((KeyValue::Number(n), ks)),
                    Value::String(s) => Some((KeyValue::String(s), ks)),
                    Value::Unknown(w) => {
                        return Err(self.report(
                            Diagnostic::error(
                                format!(
                                    "the instance key of {base} is not known until refresh ({w})"
                                ),
                                ks,
                            )
                            .with_label("unknown key")
                            .with_help("instance keys must be known without reading live state"),
                        ))
                    }
                    other => {
                        return Err(self.report(type_error(
                            "instance key",
                            "number or string",
                            &other,
                            ks,
                        )))
                    }
                }
            }
            Some(TraversalOperator::LegacyIndex(n)) => {
                Some((KeyValue::Number(*n.value() as f64), span))
            }
            _ => None,
        };
        match key {
            None => match &*exp {
                Expansion::Single => Ok(Resolved::One(
                    Target {
                        idx,
                        inst: 0,
                        address: base,
                    },
                    1,
                )),
                _ if allow_all => Ok(Resolved::All(idx, base)),
                Expansion::Count(_) => Err(self.report(
                    Diagnostic::error(
                        format!("{base} has `count`; a reference must pick an instance"),
                        span,
                    )
                    .with_label("missing index")
                    .with_help(format!("write `{base}[0]` (or use count.index)")),
                )),
                Expansion::Each(..) => Err(self.report(
                    Diagnostic::error(
                        format!("{base} has `for_each`; a reference must pick an instance"),
                        span,
                    )
                    .with_label("missing key")
                    .with_help(format!("write `{base}[\"KEY\"]` (or use each.key)")),
                )),
            },
            Some((k, ks)) => {
                let inst = self.pick_instance(&exp, &base, k, ks)?;
                let address = Address {
                    key: exp.key(inst),
                    ..base
                };
                Ok(Resolved::One(Target { idx, inst, address }, 2))
            }
        }
    }

    fn pick_instance(
        &mut self,
        exp: &Expansion,
        base: &Address,
        key: KeyValue,
        span: Option<Span>,
    ) -> Result<usize, Reported> {
        match (exp, key) {
            (Expansion::Single, _) => Err(self.report(
                Diagnostic::error(
                    format!("{base} has no `count` or `for_each`, so it cannot be indexed"),
                    span,
                )
                .with_label("unexpected index")
                .with_help(format!("remove the index: `{base}.arn`")),
            )),
            (Expansion::Count(n), KeyValue::Number(i)) => {
                if i.fract() == 0.0 && i >= 0.0 && (i as usize) < *n {
                    Ok(i as usize)
                } else {
                    Err(self.report(
                        Diagnostic::error(
                            format!(
                                "index {} is out of range for {base}, which has {n} instance(s)",
                                crate::eval::format_number(i)
                            ),
                            span,
                        )
                        .with_label("out of range")
                        .with_help(if *n == 0 {
                            "count is 0, so there is nothing to reference".to_string()
                        } else {
                            format!("use an index from 0 to {}", n - 1)
                        }),
                    ))
                }
            }
            (Expansion::Count(_), KeyValue::String(s)) => Err(self.report(
                Diagnostic::error(
                    format!(
                        "{base} uses `count`, so its instances are numbered, not keyed by \"{s}\""
                    ),
                    span,
                )
                .with_label("string key")
                .with_help(format!("write `{base}[0]`")),
            )),
            (Expansion::Each(items, index), KeyValue::String(s)) => match index.get(&s) {
                Some(i) => Ok(*i),
                None => {
                    let keys: Vec<String> = items
                        .iter()
                        .take(10)
                        .map(|(k, _)| format!("\"{k}\""))
                        .collect();
                    let more = if items.len() > 10 { ", ..." } else { "" };
                    Err(self.report(
                        Diagnostic::error(format!("{base} has no instance with key \"{s}\""), span)
                            .with_label("unknown key")
                            .with_help(format!("keys: {}{more}", keys.join(", "))),
                    ))
                }
            },
            (Expansion::Each(..), KeyValue::Number(i)) => Err(self.report(
                Diagnostic::error(
                    format!(
                        "{base} uses `for_each`, so its instances are keyed by strings, not [{}]",
                        crate::eval::format_number(i)
                    ),
                    span,
                )
                .with_label("numeric index")
                .with_help(format!("write `{base}[\"KEY\"]`")),
            )),
        }
    }

    /// The value of `TARGET.attr` as far as the manifest knows it.
    ///
    /// For an arn-identified type, `.arn` and `.id` are the ARN; for an
    /// id-identified type `.id` is the id; `.name` is the name. Each is
    /// known only when the block gives that attribute; otherwise (and for
    /// `.arn` of an id-identified type) it comes from live state and is
    /// `Unknown("TYPE.NAME.ATTR")`.
    pub(crate) fn resource_attr_value(&mut self, target: &Target, attr: &str) -> Eval {
        let rtype = target.address.resource_type;
        let source: Option<IdAttr> = match (attr, IdentityKind::exact_of(rtype)) {
            ("name", _) => Some(IdAttr::Name),
            ("arn" | "id", Some(IdentityKind::Arn)) => Some(IdAttr::Arn),
            ("id", _) => Some(IdAttr::Id),
            _ => None,
        };
        let unknown = || Value::Unknown(format!("{}.{attr}", target.address));
        let Some(source) = source else {
            return Ok(unknown());
        };
        match self.instance_attr(target.idx, target.inst, source) {
            InstanceAttr::Absent | InstanceAttr::InProgress => Ok(unknown()),
            InstanceAttr::Value(v, sensitive) => {
                if sensitive {
                    self.taint.mark();
                }
                v
            }
        }
    }

    /// The memoized value of an identity attribute of one instance.
    pub(crate) fn instance_attr(&mut self, idx: usize, inst: usize, attr: IdAttr) -> InstanceAttr {
        let key = memo_key(idx, inst, attr);
        match self.attr_memo.get(&key) {
            Some(Slot::Done(None)) => return InstanceAttr::Absent,
            Some(Slot::Done(Some((v, _, sensitive)))) => {
                return InstanceAttr::Value(v.clone(), *sensitive)
            }
            Some(Slot::InProgress) => return InstanceAttr::InProgress,
            Some(Slot::NotStarted) | None => {}
        }
        let Some(a) = self
            .decls
            .resources
            .get(idx)
            .and_then(|r| r.attr(attr.name()))
        else {
            self.attr_memo.insert(key, Slot::Done(None));
            return InstanceAttr::Absent;
        };
        let vars = match self.expansion(idx) {
            Ok(exp) => exp.vars(inst),
            Err(r) => return InstanceAttr::Value(Err(r), false),
        };
        self.attr_memo.insert(key, Slot::InProgress);
        let mut scope = Scope::new(Some(a.file), Place::Resource, Some(vars));
        let ((v, deps), sensitive) =
            self.isolated(|ev| ev.collecting(|ev| ev.eval(a.expr, &mut scope)));
        let v = v.and_then(|v| self.keep(v, a.value_span()));
        self.attr_memo
            .insert(key, Slot::Done(Some((v.clone(), deps, sensitive))));
        InstanceAttr::Value(v, sensitive)
    }

    /// Applies `.attr` / `[index]` operators to a value.
    pub(crate) fn apply_ops(&mut self, mut v: Value, ops: &Ops, scope: &mut Scope) -> Eval {
        for op in ops {
            let span = self.span(scope, op);
            v = match (op.value(), v) {
                (_, Value::Unknown(w)) => Value::Unknown(w),
                (TraversalOperator::GetAttr(a), Value::Object(mut o)) => match o.remove(a.as_str())
                {
                    Some(x) => x,
                    None => {
                        let keys: Vec<&str> = o.keys().map(String::as_str).collect();
                        let help = self.keys_help(a.as_str(), &keys);
                        return Err(self.report(
                            Diagnostic::error(
                                format!("object has no attribute `{}`", a.as_str()),
                                span,
                            )
                            .with_label("no such attribute")
                            .with_help(help),
                        ));
                    }
                },
                (TraversalOperator::GetAttr(a), other) => {
                    return Err(self.report(
                        Diagnostic::error(
                            format!(
                                "cannot read attribute `{}` of a {}",
                                a.as_str(),
                                other.type_name()
                            ),
                            span,
                        )
                        .with_label("not an object")
                        .with_help("attributes can be read only from objects and maps"),
                    ))
                }
                (TraversalOperator::Index(e), base) => {
                    let ks = self.span(scope, e).or(span);
                    let k = self.eval(e, scope)?;
                    self.index_value(base, k, ks)?
                }
                (TraversalOperator::LegacyIndex(n), base) => {
                    self.index_value(base, Value::Number(*n.value() as f64), span)?
                }
                (TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_), _) => {
                    return Err(self.report(
                        Diagnostic::error(
                            "splat expressions (`[*]`, `.*`) are not supported",
                            span,
                        )
                        .with_label("unsupported")
                        .with_help("use a `for` expression: [for x in list : x.attr]"),
                    ))
                }
            };
        }
        Ok(v)
    }

    /// "did you mean" for a missing key, unless the object is derived from
    /// a sensitive value: its keys are then not listed.
    fn keys_help(&self, wrong: &str, keys: &[&str]) -> String {
        if self.taint.is_active() {
            "the object is derived from a sensitive variable, so its keys are not listed"
                .to_string()
        } else {
            suggest::help_for(wrong, keys)
        }
    }

    pub(crate) fn index_value(&mut self, base: Value, k: Value, span: Option<Span>) -> Eval {
        match (base, k) {
            (_, Value::Unknown(w)) | (Value::Unknown(w), _) => Ok(Value::Unknown(w)),
            (Value::List(mut l), Value::Number(i)) => {
                let len = l.len();
                if i.fract() == 0.0 && i >= 0.0 && (i as usize) < len {
                    Ok(l.swap_remove(i as usize))
                } else {
                    Err(self.report(
                        Diagnostic::error(
                            format!(
                                "index {} is out of range for a list of {len} element(s)",
                                crate::eval::format_number(i)
                            ),
                            span,
                        )
                        .with_label("out of range")
                        .with_help(if len == 0 {
                            "the list is empty".to_string()
                        } else {
                            format!("use an index from 0 to {}", len - 1)
                        }),
                    ))
                }
            }
            (Value::Object(mut o), Value::String(s)) => match o.remove(&s) {
                Some(v) => Ok(v),
                None => {
                    let keys: Vec<&str> = o.keys().map(String::as_str).collect();
                    let help = self.keys_help(&s, &keys);
                    Err(self.report(
                        Diagnostic::error(format!("map has no key \"{s}\""), span)
                            .with_label("no such key")
                            .with_help(help),
                    ))
                }
            },
            (base, k) => Err(self.report(
                Diagnostic::error(
                    format!(
                        "cannot index a {} with a {}",
                        base.type_name(),
                        k.type_name()
                    ),
                    span,
                )
                .with_label("invalid index")
                .with_help("index lists with numbers and maps with strings"),
            )),
        }
    }
}

/// A target of `depends_on` or a reference.
pub(crate) enum Resolved {
    /// One instance, and how many traversal operators named it.
    One(Target, usize),
    /// Every instance of a counted resource (`depends_on` only).
    All(usize, Address),
}

/// An identity attribute of an instance, as references see it.
pub(crate) enum InstanceAttr {
    Absent,
    /// Being evaluated (a reference cycle): treated as unknown; the graph
    /// reports the cycle from the recorded dependencies.
    InProgress,
    /// The value, and whether it is derived from a sensitive value.
    Value(Eval, bool),
}

/// The key of [`Evaluator::attr_memo`].
pub(crate) fn memo_key(idx: usize, inst: usize, attr: IdAttr) -> (u32, u32, IdAttr) {
    // Both are bounded far below u32::MAX (instances by MAX_INSTANCES).
    (idx as u32, inst as u32, attr)
}
