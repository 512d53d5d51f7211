//! Expression evaluation over hcl-edit's syntax tree.
//!
//! Exists because decom needs more than plain values: every reference to a
//! resource must be recorded as a dependency with the span it is written
//! at, values that only live state can supply must stay `Unknown` instead
//! of failing, and every error must point at the exact sub-expression. The
//! [`Evaluator`] owns the declarations and memoizes locals, `count` /
//! `for_each` expansions and the identity attributes other resources read,
//! so each is evaluated (and each of its errors reported) exactly once.
//!
//! Errors are pushed to `Evaluator::diags` where they happen; the caller
//! only sees [`Reported`], which acts as a poison value: whatever depends on
//! it fails quietly instead of producing follow-on errors.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};

use crate::decls::{span_of, Decls};
use crate::diagnostic::Diagnostic;
use crate::fasthash::FastMap;
use crate::limits::{self, Budget, TooBig};
use crate::manifest::Address;
use crate::source::{FileId, SourceMap, Span};
use crate::value::{parse_number, NotANumber, Value, EXACT_UP_TO, KEPT, MAX_EXACT};
use decom_kinds::ResourceType;

/// An error was found and already reported; evaluation of whatever needed
/// this value stops without reporting anything more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reported;

pub(crate) type Eval = Result<Value, Reported>;

/// What kind of place an expression is written in, which decides what it
/// may reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// A variable default, `--var`, `--var-file` or env value: literals only.
    VariableValue,
    /// A provider block: variables and locals.
    Provider,
    /// A `locals` entry: variables, locals, resources.
    Local,
    /// A resource block: everything, plus `count.index` / `each.*` when
    /// the block has `count` / `for_each`.
    Resource,
}

/// `count.index` / `each.key` / `each.value` of the instance being
/// evaluated.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum InstanceVars {
    Single,
    Count(usize),
    Each(String, Value),
}

/// The evaluation context of one expression.
pub(crate) struct Scope {
    /// The file the expression is in (`None` for `--var` / env values).
    pub file: Option<FileId>,
    pub place: Place,
    /// `None` outside resource blocks (or while evaluating `count` /
    /// `for_each` itself).
    pub instance: Option<InstanceVars>,
    /// Variables bound by `for` expressions and `%{ for }` directives.
    /// Each with whether it is derived from a sensitive value.
    pub iter_vars: Vec<(String, Value, bool)>,
}

impl Scope {
    pub fn new(file: Option<FileId>, place: Place, instance: Option<InstanceVars>) -> Self {
        Scope {
            file,
            place,
            instance,
            iter_vars: Vec::new(),
        }
    }
}

/// A dependency found while evaluating: the instance referenced and the
/// span of the reference.
pub(crate) type FoundDep = (Address, Span);

/// The evaluation state of a memoized item.
#[derive(Debug, Clone)]
pub(crate) enum Slot<T> {
    NotStarted,
    InProgress,
    Done(T),
}

/// The instances of one resource block.
#[derive(Debug, Clone)]
pub(crate) enum Expansion {
    /// No `count` / `for_each`: one instance without a key.
    Single,
    Count(usize),
    /// `for_each`: keys in order with their `each.value`, and key -> index.
    Each(Vec<(String, Value)>, HashMap<String, usize>),
}

impl Expansion {
    pub fn len(&self) -> usize {
        match self {
            Expansion::Single => 1,
            Expansion::Count(n) => *n,
            Expansion::Each(v, _) => v.len(),
        }
    }

    pub fn vars(&self, i: usize) -> InstanceVars {
        match self {
            Expansion::Single => InstanceVars::Single,
            Expansion::Count(_) => InstanceVars::Count(i),
            Expansion::Each(v, _) => match v.get(i) {
                Some((k, val)) => InstanceVars::Each(k.clone(), val.clone()),
                None => InstanceVars::Single,
            },
        }
    }

    pub fn key(&self, i: usize) -> Option<crate::manifest::InstanceKey> {
        use crate::manifest::InstanceKey;
        match self {
            Expansion::Single => None,
            Expansion::Count(_) => Some(InstanceKey::Index(i)),
            Expansion::Each(v, _) => v.get(i).map(|(k, _)| InstanceKey::Key(k.clone())),
        }
    }
}

/// The identity attributes references can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum IdAttr {
    Arn,
    Id,
    Name,
}

impl IdAttr {
    pub fn from_name(s: &str) -> Option<IdAttr> {
        match s {
            "arn" => Some(IdAttr::Arn),
            "id" => Some(IdAttr::Id),
            "name" => Some(IdAttr::Name),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            IdAttr::Arn => "arn",
            IdAttr::Id => "id",
            IdAttr::Name => "name",
        }
    }
}

/// A block's instances and the dependencies of its `count` / `for_each`.
pub(crate) type ExpansionResult = Result<(Rc<Expansion>, Vec<FoundDep>), Reported>;

/// A memoized, evaluated identity attribute (`arn` / `id` / `name`) of one
/// instance, with whether it is derived from a sensitive value: `None` when
/// the block does not set it.
pub(crate) type AttrResult = Option<(Eval, Vec<FoundDep>, bool)>;

/// A memoized local: its value, the resource instances it references, and
/// whether it is derived from a sensitive value.
pub(crate) type LocalResult = (Eval, Vec<Address>, bool);

/// Owns the declarations and everything evaluated from them so far.
pub(crate) struct Evaluator<'a> {
    pub sources: &'a SourceMap,
    pub decls: Decls<'a>,
    pub diags: Vec<Diagnostic>,
    /// Resolved variable values (see `variables`).
    pub variables: FastMap<&'a str, Eval>,
    pub local_index: FastMap<&'a str, usize>,
    /// Per local: value, the resource instances it references, taint.
    pub local_state: Vec<Slot<LocalResult>>,
    pub resource_index: FastMap<(ResourceType, &'a str), usize>,
    /// Per resource block: its instances, plus the dependencies of its
    /// `count` / `for_each` expression.
    pub expansions: Vec<Slot<ExpansionResult>>,
    /// Current evaluation nesting, bounded by [`MAX_DEPTH`].
    pub depth: usize,
    /// (resource, instance, attribute) -> evaluated identity attribute.
    pub attr_memo: FastMap<(u32, u32, IdAttr), Slot<AttrResult>>,
    /// Stack of dependency collectors; references are recorded into the
    /// innermost one.
    pub sinks: Vec<Vec<FoundDep>>,
    /// Sensitive-value tracking (see `taint`).
    pub taint: crate::taint::Taint<'a>,
    /// Bytes of evaluated values kept (memoized), bounded by
    /// [`crate::limits::MAX_KEPT_BYTES`].
    pub kept_bytes: usize,
    /// Resources after expansion so far, bounded by
    /// [`crate::limits::MAX_RESOURCES`].
    pub resource_total: usize,
    /// Expressions evaluated so far, bounded by
    /// [`crate::limits::MAX_EVAL_STEPS`].
    pub steps: u64,
}

/// The largest number of instances one block may expand to; beyond this a
/// typo in `count` would exhaust memory.
pub(crate) const MAX_INSTANCES: usize = crate::limits::MAX_RESOURCES;

/// The deepest expression nesting / reference chain evaluated before
/// giving up with a diagnostic (instead of overflowing the stack).
pub(crate) const MAX_DEPTH: usize = 512;

impl<'a> Evaluator<'a> {
    pub fn new(sources: &'a SourceMap, decls: Decls<'a>) -> Self {
        let decls_len = decls.resources.len();
        let local_index = decls
            .locals
            .iter()
            .enumerate()
            .map(|(i, l)| (l.name, i))
            .collect();
        let resource_index = decls
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.rtype, r.name), i))
            .collect();
        Evaluator {
            sources,
            local_state: vec![Slot::NotStarted; decls.locals.len()],
            expansions: vec![Slot::NotStarted; decls.resources.len()],
            decls,
            diags: Vec::new(),
            variables: FastMap::default(),
            local_index,
            resource_index,
            attr_memo: FastMap::with_capacity_and_hasher(decls_len * 2, Default::default()),
            sinks: Vec::new(),
            depth: 0,
            taint: Default::default(),
            kept_bytes: 0,
            resource_total: 0,
            steps: 0,
        }
    }

    /// Reports `d` and returns the poison marker.
    pub fn report(&mut self, d: Diagnostic) -> Reported {
        self.diags.push(d);
        Reported
    }

    pub fn span(&self, scope: &Scope, node: &impl hcl_edit::Span) -> Option<Span> {
        scope.file.and_then(|f| span_of(f, node))
    }

    /// Runs `f` with a fresh dependency collector and returns what it found.
    pub fn collecting<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> (T, Vec<FoundDep>) {
        self.sinks.push(Vec::new());
        let out = f(self);
        let deps = self.sinks.pop().unwrap_or_default();
        (out, deps)
    }

    /// Records a reference into the innermost collector.
    pub fn record(&mut self, target: Address, span: Span) {
        if let Some(sink) = self.sinks.last_mut() {
            sink.push((target, span));
        }
    }

    pub fn eval(&mut self, expr: &Expression, scope: &mut Scope) -> Eval {
        if self.depth >= MAX_DEPTH {
            let span = self.span(scope, expr);
            return Err(self.report(
                Diagnostic::error("expression nesting or reference chain is too deep", span)
                    .with_label("gave up here")
                    .with_help(format!(
                        "keep nesting and chains of references under {MAX_DEPTH} levels"
                    )),
            ));
        }
        self.take_step(expr, scope)?;
        self.depth += 1;
        let outer = self.taint.enter();
        let out = self.eval_inner(expr, scope);
        let out = self.leave_taint(outer, expr, scope, out);
        self.depth -= 1;
        out
    }

    fn eval_inner(&mut self, expr: &Expression, scope: &mut Scope) -> Eval {
        let span = self.span(scope, expr);
        match expr {
            Expression::Null(_) => Ok(Value::Null),
            Expression::Bool(b) => Ok(Value::Bool(*b.value())),
            Expression::Number(n) => {
                // The literal as written (`- 12` for a negative one), for
                // the digits hcl's f64 or u64 has already rounded.
                let written: Option<String> = n
                    .as_repr()
                    .map(|r| r.chars().filter(|c| !c.is_whitespace()).collect());
                let parsed = match (&written, n.value().as_f64()) {
                    (Some(text), _) => parse_number(text),
                    (None, Some(f)) if f.is_finite() => Ok(f),
                    (None, _) => Err(NotANumber::Misspelled),
                };
                match parsed {
                    Ok(f) => Ok(Value::Number(f)),
                    Err(NotANumber::Inexact) => {
                        let text = written.unwrap_or_default();
                        Err(self.report(inexact_literal(&text, span)))
                    }
                    Err(NotANumber::Misspelled) => Err(self.report(
                        Diagnostic::error("number out of range", span).with_label("too large"),
                    )),
                }
            }
            Expression::String(s) => match limits::check_bytes(s.value().len()) {
                Ok(()) => Ok(Value::String(s.value().clone())),
                Err(why) => Err(self.too_big(why, span)),
            },
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut failed = false;
                let mut budget = Budget::default();
                for item in items.iter() {
                    match self.eval(item, scope) {
                        Ok(v) => {
                            if let Err(why) = budget.add(None, &v) {
                                return Err(self.too_big(why, span));
                            }
                            out.push(v)
                        }
                        Err(_) => failed = true,
                    }
                }
                if failed {
                    Err(Reported)
                } else {
                    Ok(Value::List(out))
                }
            }
            Expression::Object(obj) => {
                let mut out = BTreeMap::new();
                let mut failed = false;
                let mut budget = Budget::default();
                for (written, v) in obj.iter() {
                    let key = match written {
                        ObjectKey::Ident(id) => Ok(id.as_str().to_string()),
                        ObjectKey::Expression(e) => self.object_key(e, scope),
                    };
                    let val = self.eval(v.expr(), scope);
                    match (key, val) {
                        // Two spellings of one key (`"web"`, `web`,
                        // `(local.k)`): the parser refuses only the same
                        // spelling twice, and the first value was dropped.
                        (Ok(k), Ok(_)) if out.contains_key(&k) => {
                            let at = self.span(scope, written);
                            self.report(
                                Diagnostic::error(format!("duplicate object key \"{k}\""), at)
                                    .with_label("this key is already in the object")
                                    .with_help("give each key once"),
                            );
                            failed = true;
                        }
                        (Ok(k), Ok(v)) => {
                            if let Err(why) = budget.add(Some(&k), &v) {
                                return Err(self.too_big(why, span));
                            }
                            out.insert(k, v);
                        }
                        _ => failed = true,
                    }
                }
                if failed {
                    Err(Reported)
                } else {
                    Ok(Value::Object(out))
                }
            }
            Expression::StringTemplate(t) => self.template(t, scope, span),
            Expression::HeredocTemplate(h) => {
                let v = if h.indent().is_some() {
                    let mut owned = (**h).clone();
                    owned.dedent();
                    self.template(&owned.template, scope, span)
                } else {
                    self.template(&h.template, scope, span)
                };
                v.map(|v| match v {
                    Value::String(s) => Value::String(s.replace("\r\n", "\n")),
                    other => other,
                })
            }
            Expression::Parenthesis(p) => self.eval(p.inner(), scope),
            Expression::Variable(v) => self.bare_variable(v.as_str(), span, scope),
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, scope);
                match cond {
                    Ok(Value::Bool(true)) => self.eval(&c.true_expr, scope),
                    Ok(Value::Bool(false)) => self.eval(&c.false_expr, scope),
                    Ok(Value::Unknown(what)) => {
                        let t = self.eval(&c.true_expr, scope);
                        let f = self.eval(&c.false_expr, scope);
                        t?;
                        f?;
                        Ok(Value::Unknown(what))
                    }
                    Ok(other) => {
                        let cs = self.span(scope, &c.cond_expr);
                        Err(self.report(type_error("condition", "bool", &other, cs)))
                    }
                    Err(r) => Err(r),
                }
            }
            Expression::FuncCall(call) => self.call(call, scope),
            Expression::Traversal(t) => self.traversal(t, scope),
            Expression::UnaryOp(op) => {
                let v = self.eval(&op.expr, scope)?;
                match (op.operator.value(), v) {
                    (_, Value::Unknown(w)) => Ok(Value::Unknown(w)),
                    (UnaryOperator::Neg, Value::Number(n)) => Ok(Value::Number(-n)),
                    (UnaryOperator::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
                    (UnaryOperator::Neg, other) => {
                        Err(self.report(type_error("operand of `-`", "number", &other, span)))
                    }
                    (UnaryOperator::Not, other) => {
                        Err(self.report(type_error("operand of `!`", "bool", &other, span)))
                    }
                }
            }
            Expression::BinaryOp(op) => {
                let l = self.eval(&op.lhs_expr, scope);
                let r = self.eval(&op.rhs_expr, scope);
                let (l, r) = (l?, r?);
                binary(*op.operator.value(), l, r).map_err(|e| self.report(e.at(span)))
            }
            Expression::ForExpr(f) => self.for_expr(f, scope),
        }
    }

    fn object_key(&mut self, e: &Expression, scope: &mut Scope) -> Result<String, Reported> {
        // `{ (local.k) = v }` and `{ "k" = v }` evaluate the key; a bare
        // traversal as a key is a string in HCL only when it is an ident.
        let span = self.span(scope, e);
        match self.eval(e, scope)? {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(format_number(n)),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Unknown(w) => Err(self.report(
                Diagnostic::error(format!("object key is not known until refresh ({w})"), span)
                    .with_label("unknown key")
                    .with_help("object keys must be known without reading live state"),
            )),
            other => Err(self.report(type_error("object key", "string", &other, span))),
        }
    }

    fn bare_variable(&mut self, name: &str, span: Option<Span>, scope: &Scope) -> Eval {
        if let Some((_, v, sensitive)) = scope.iter_vars.iter().rev().find(|(n, ..)| n == name) {
            if *sensitive {
                self.taint.mark();
            }
            return Ok(v.clone());
        }
        let (msg, help) = match name {
            "var" => (
                "`var` needs a variable name".to_string(),
                "write `var.NAME`".to_string(),
            ),
            "local" => (
                "`local` needs a local name".to_string(),
                "write `local.NAME`".to_string(),
            ),
            "count" => (
                "`count` needs an attribute".to_string(),
                "write `count.index`".to_string(),
            ),
            "each" => (
                "`each` needs an attribute".to_string(),
                "write `each.key` or `each.value`".to_string(),
            ),
            _ if ResourceType::from_name(name).is_some() => (
                format!("a reference to a {name} needs a name and an attribute"),
                format!("write `{name}.NAME.arn` (or .id / .name)"),
            ),
            _ => (
                format!("unknown name `{name}`"),
                format!("quote literal strings (\"{name}\"); references start with var., local., or a resource type"),
            ),
        };
        Err(self.report(
            Diagnostic::error(msg, span)
                .with_label("cannot be evaluated")
                .with_help(help),
        ))
    }

    /// A string template; `span` is the whole template's, where a result
    /// over the size limit is reported.
    fn template(&mut self, t: &Template, scope: &mut Scope, span: Option<Span>) -> Eval {
        let mut out = String::new();
        let mut unknown: Option<String> = None;
        let mut failed = false;
        self.template_into(t, scope, &mut out, &mut unknown, &mut failed);
        if out.len() > limits::MAX_VALUE_BYTES {
            // Stopped early: report once, at the template that grew too big.
            return Err(self.too_big(TooBig::Size, span));
        }
        finish_template(out, unknown, failed)
    }

    /// Appends the text of `t` to `out`. Stops (without reporting) as soon
    /// as `out` passes the size limit, which `template` reports: every
    /// value is within the limit, so `out` never grows past twice it.
    fn template_into(
        &mut self,
        t: &Template,
        scope: &mut Scope,
        out: &mut String,
        unknown: &mut Option<String>,
        failed: &mut bool,
    ) {
        let mut strip_next = false;
        for el in t.iter() {
            if out.len() > limits::MAX_VALUE_BYTES {
                *failed = true;
                return;
            }
            match el {
                Element::Literal(s) => {
                    let s: &str = s.value();
                    if strip_next {
                        out.push_str(s.trim_start());
                    } else {
                        out.push_str(s);
                    }
                    strip_next = false;
                }
                Element::Interpolation(i) => {
                    if i.strip.strip_start() {
                        trim_end_in_place(out);
                    }
                    strip_next = i.strip.strip_end();
                    let span = self.span(scope, &i.expr);
                    match self.eval(&i.expr, scope) {
                        Ok(Value::Unknown(w)) => {
                            unknown.get_or_insert(w);
                        }
                        Ok(v) => match template_string(&v) {
                            Some(s) => out.push_str(&s),
                            None => {
                                let what = if v == Value::Null {
                                    "null".to_string()
                                } else {
                                    format!("a {}", v.type_name())
                                };
                                self.report(
                                    Diagnostic::error(
                                        format!("cannot interpolate {what} into a string"),
                                        span,
                                    )
                                    .with_label("not a string, number or bool")
                                    .with_help(
                                        "interpolate a single value, e.g. join(\",\", list) for a list",
                                    ),
                                );
                                *failed = true;
                            }
                        },
                        Err(_) => *failed = true,
                    }
                }
                Element::Directive(d) => match &**d {
                    Directive::If(ifd) => {
                        if ifd.if_expr.strip.strip_start() {
                            trim_end_in_place(out);
                        }
                        strip_next = ifd.endif_expr.strip.strip_end();
                        let span = self.span(scope, &ifd.if_expr.cond_expr);
                        match self.eval(&ifd.if_expr.cond_expr, scope) {
                            Ok(Value::Bool(true)) => {
                                self.template_into(
                                    &ifd.if_expr.template,
                                    scope,
                                    out,
                                    unknown,
                                    failed,
                                );
                            }
                            Ok(Value::Bool(false)) => {
                                if let Some(e) = &ifd.else_expr {
                                    self.template_into(&e.template, scope, out, unknown, failed);
                                }
                            }
                            Ok(Value::Unknown(w)) => {
                                unknown.get_or_insert(w);
                            }
                            Ok(other) => {
                                self.report(type_error("%{if} condition", "bool", &other, span));
                                *failed = true;
                            }
                            Err(_) => *failed = true,
                        }
                    }
                    Directive::For(ford) => {
                        let fe = &ford.for_expr;
                        if fe.strip.strip_start() {
                            trim_end_in_place(out);
                        }
                        strip_next = ford.endfor_expr.strip.strip_end();
                        let span = self.span(scope, &fe.collection_expr);
                        let (collection, sensitive) =
                            self.sensitive_eval(&fe.collection_expr, scope);
                        let items = match collection {
                            Ok(v) => match iter_pairs(&v) {
                                Ok(Some(items)) => items,
                                Ok(None) => {
                                    if let Value::Unknown(w) = v {
                                        unknown.get_or_insert(w);
                                    }
                                    continue;
                                }
                                Err(()) => {
                                    self.report(type_error(
                                        "%{for} collection",
                                        "list or map",
                                        &v,
                                        span,
                                    ));
                                    *failed = true;
                                    continue;
                                }
                            },
                            Err(_) => {
                                *failed = true;
                                continue;
                            }
                        };
                        let key_var = fe.key_var.as_ref().map(|k| k.as_str().to_string());
                        let value_var = fe.value_var.as_str().to_string();
                        for (k, v) in items {
                            let pushed = push_iter_vars(
                                scope,
                                key_var.as_deref(),
                                &value_var,
                                (k, v, sensitive),
                            );
                            self.template_into(&fe.template, scope, out, unknown, failed);
                            scope.iter_vars.truncate(scope.iter_vars.len() - pushed);
                            if *failed || out.len() > limits::MAX_VALUE_BYTES {
                                *failed = true;
                                break;
                            }
                        }
                    }
                },
            }
        }
    }

    fn for_expr(&mut self, f: &hcl_edit::expr::ForExpr, scope: &mut Scope) -> Eval {
        let span = self.span(scope, &f.intro.collection_expr);
        let (coll, sensitive) = self.sensitive_eval(&f.intro.collection_expr, scope);
        let coll = coll?;
        let items = match iter_pairs(&coll) {
            Ok(Some(items)) => items,
            Ok(None) => return Ok(coll),
            Err(()) => {
                return Err(self.report(type_error("`for` collection", "list or map", &coll, span)))
            }
        };
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str().to_string());
        let value_var = f.intro.value_var.as_str().to_string();
        let mut list = Vec::new();
        let mut obj = BTreeMap::new();
        let mut budget = Budget::default();
        let whole = self.span(scope, f);
        for (k, v) in items {
            let pushed = push_iter_vars(scope, key_var.as_deref(), &value_var, (k, v, sensitive));
            let res = self.for_item(f, scope, &mut list, &mut obj, &mut budget);
            scope.iter_vars.truncate(scope.iter_vars.len() - pushed);
            if let Err(ItemError::TooBig(why)) = res {
                return Err(self.too_big(why, whole));
            }
            res.map_err(|_| Reported)?;
        }
        Ok(if f.key_expr.is_some() {
            Value::Object(obj)
        } else {
            Value::List(list)
        })
    }

    fn for_item(
        &mut self,
        f: &hcl_edit::expr::ForExpr,
        scope: &mut Scope,
        list: &mut Vec<Value>,
        obj: &mut BTreeMap<String, Value>,
        budget: &mut Budget,
    ) -> Result<(), ItemError> {
        if let Some(cond) = &f.cond {
            let span = self.span(scope, &cond.expr);
            match self.eval(&cond.expr, scope)? {
                Value::Bool(true) => {}
                Value::Bool(false) => return Ok(()),
                other => {
                    return Err(self
                        .report(type_error("`for` condition", "bool", &other, span))
                        .into())
                }
            }
        }
        let value = self.eval(&f.value_expr, scope)?;
        match &f.key_expr {
            None => {
                budget.add(None, &value).map_err(ItemError::TooBig)?;
                list.push(value)
            }
            Some(ke) => {
                let key = self.object_key(ke, scope)?;
                budget.add(Some(&key), &value).map_err(ItemError::TooBig)?;
                if f.grouping {
                    if let Value::List(l) =
                        obj.entry(key).or_insert_with(|| Value::List(Vec::new()))
                    {
                        l.push(value);
                    }
                    return Ok(());
                }
                match obj.entry(key) {
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert(value);
                    }
                    std::collections::btree_map::Entry::Occupied(o) => {
                        let key = o.key().clone();
                        let span = self.span(scope, ke);
                        return Err(self
                            .report(
                                Diagnostic::error(
                                    format!("duplicate key \"{key}\" in `for` expression"),
                                    span,
                                )
                                .with_label("produced twice")
                                .with_help("use `...` after the value to group values by key"),
                            )
                            .into());
                    }
                }
            }
        }
        Ok(())
    }
}

/// Why one item of a `for` expression failed.
enum ItemError {
    Reported(Reported),
    /// The result would pass the size limit: reported at the whole `for`.
    TooBig(TooBig),
}

impl From<Reported> for ItemError {
    fn from(r: Reported) -> Self {
        ItemError::Reported(r)
    }
}

/// Binds the key / value variables of one iteration; `sensitive` when the
/// collection is derived from a sensitive value.
fn push_iter_vars(
    scope: &mut Scope,
    key_var: Option<&str>,
    value_var: &str,
    (k, v, sensitive): (Value, Value, bool),
) -> usize {
    match key_var {
        Some(kv) => {
            scope.iter_vars.push((kv.to_string(), k, sensitive));
            scope.iter_vars.push((value_var.to_string(), v, sensitive));
            2
        }
        None => {
            scope.iter_vars.push((value_var.to_string(), v, sensitive));
            1
        }
    }
}

/// (key, value) pairs of a list (index, element) or object (key, value);
/// `Ok(None)` for Unknown, `Err` for anything else.
fn iter_pairs(v: &Value) -> Result<Option<Vec<(Value, Value)>>, ()> {
    match v {
        Value::List(l) => Ok(Some(
            l.iter()
                .enumerate()
                .map(|(i, x)| (Value::Number(i as f64), x.clone()))
                .collect(),
        )),
        Value::Object(o) => Ok(Some(
            o.iter()
                .map(|(k, x)| (Value::String(k.clone()), x.clone()))
                .collect(),
        )),
        Value::Unknown(_) => Ok(None),
        _ => Err(()),
    }
}

fn trim_end_in_place(s: &mut String) {
    let len = s.trim_end().len();
    s.truncate(len);
}

fn finish_template(out: String, unknown: Option<String>, failed: bool) -> Eval {
    if failed {
        Err(Reported)
    } else if let Some(w) = unknown {
        Ok(Value::Unknown(w))
    } else {
        Ok(Value::String(out))
    }
}

/// How a value is written into a string (`None`: it cannot be).
pub(crate) fn template_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(format_number(*n)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A whole-number literal with more digits than a number keeps.
fn inexact_literal(text: &str, span: Option<Span>) -> Diagnostic {
    Diagnostic::error(
        format!(
            "the number {text} has more digits than a number keeps exactly \
             ({KEPT})"
        ),
        span,
    )
    .with_label("would be rounded")
    .with_help(format!("quote it (\"{text}\") to use it as text"))
}

/// Numbers as Terraform prints them: whole numbers without a fraction.
pub(crate) fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// "wrong value type for X: expected T, got U".
pub(crate) fn type_error(
    what: &str,
    expected: &str,
    got: &Value,
    span: Option<Span>,
) -> Diagnostic {
    Diagnostic::error(
        format!(
            "wrong value type for {what}: expected {expected}, got {}",
            got.type_name()
        ),
        span,
    )
    .with_label(format!("this is a {}", got.type_name()))
    .with_help(match (expected, got) {
        ("bool", Value::String(s)) if s == "yes" || s == "no" || s == "true" || s == "false" => {
            format!(
                "write the bool without quotes: {}",
                if s == "yes" || s == "true" {
                    "true"
                } else {
                    "false"
                }
            )
        }
        ("bool", _) => "use true or false (without quotes)".to_string(),
        ("number", _) => "use a number such as 3 (without quotes)".to_string(),
        ("string", _) => "use a quoted string such as \"value\"".to_string(),
        _ => format!("give a {expected} here"),
    })
}

/// An error from an operator, placed by the caller.
pub(crate) struct OpError(String, String);

impl OpError {
    fn at(self, span: Option<Span>) -> Diagnostic {
        Diagnostic::error(self.0, span)
            .with_label("invalid operation")
            .with_help(self.1)
    }
}

/// Numbers for arithmetic; strings that spell a number convert, as in
/// Terraform.
fn num_operand(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::String(s) => parse_number(s).ok(),
        _ => None,
    }
}

fn binary(op: BinaryOperator, l: Value, r: Value) -> Result<Value, OpError> {
    use BinaryOperator as B;
    let sym = op.as_str();
    match op {
        B::Eq | B::NotEq => {
            if let Value::Unknown(w) = &l {
                return Ok(Value::Unknown(w.clone()));
            }
            if let Value::Unknown(w) = &r {
                return Ok(Value::Unknown(w.clone()));
            }
            let eq = l == r;
            Ok(Value::Bool(if op == B::Eq { eq } else { !eq }))
        }
        B::And | B::Or => match (&l, &r) {
            (Value::Bool(a), Value::Bool(b)) => {
                Ok(Value::Bool(if op == B::And { *a && *b } else { *a || *b }))
            }
            (Value::Unknown(w), Value::Bool(_) | Value::Unknown(_))
            | (Value::Bool(_), Value::Unknown(w)) => Ok(Value::Unknown(w.clone())),
            _ => Err(OpError(
                format!(
                    "`{sym}` needs two bools, got {} and {}",
                    l.type_name(),
                    r.type_name()
                ),
                "compare values first, e.g. var.x == \"a\" && var.y".to_string(),
            )),
        },
        _ => {
            if let Value::Unknown(w) = &l {
                return Ok(Value::Unknown(w.clone()));
            }
            if let Value::Unknown(w) = &r {
                return Ok(Value::Unknown(w.clone()));
            }
            let (Some(a), Some(b)) = (num_operand(&l), num_operand(&r)) else {
                let hint = if op == B::Plus
                    && (matches!(l, Value::String(_)) || matches!(r, Value::String(_)))
                {
                    "to join strings use interpolation: \"${a}${b}\"".to_string()
                } else {
                    "both sides must be numbers".to_string()
                };
                return Err(OpError(
                    format!(
                        "`{sym}` needs two numbers, got {} and {}",
                        l.type_name(),
                        r.type_name()
                    ),
                    hint,
                ));
            };
            let v = match op {
                B::Plus => Value::Number(a + b),
                B::Minus => Value::Number(a - b),
                B::Mul => Value::Number(a * b),
                B::Div | B::Mod if b == 0.0 => {
                    return Err(OpError(
                        "division by zero".to_string(),
                        "make sure the right-hand side is not 0".to_string(),
                    ))
                }
                B::Div => Value::Number(a / b),
                B::Mod => Value::Number(a % b),
                B::Less => Value::Bool(a < b),
                B::LessEq => Value::Bool(a <= b),
                B::Greater => Value::Bool(a > b),
                B::GreaterEq => Value::Bool(a >= b),
                B::Eq | B::NotEq | B::And | B::Or => Value::Null,
            };
            match v {
                Value::Number(n) if !n.is_finite() => Err(OpError(
                    "arithmetic result out of range".to_string(),
                    "use smaller numbers".to_string(),
                )),
                // From 2^53 on, a result may have been rounded (2^53 + 1
                // is 2^53), and its digits may end up in a name.
                Value::Number(n) if n.abs() >= MAX_EXACT => Err(OpError(
                    format!("the result {} is beyond what a number keeps exactly (whole numbers below {EXACT_UP_TO})", format_number(n)),
                    "use smaller numbers, or keep large numbers as text".to_string(),
                )),
                v => Ok(v),
            }
        }
    }
}
