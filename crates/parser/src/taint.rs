//! Sensitive values through evaluation.
//!
//! Exists because hiding only a sensitive variable's own value is not
//! enough: `name = "dx-${upper(var.token)}"` puts the token, upper-cased,
//! into every message that names the resource. So evaluation tracks taint:
//! an expression that read a sensitive value (directly, or through a local
//! or another resource's attribute) has a sensitive result, and every
//! string such a result holds is collected for [`crate::Redaction`] to
//! hide, whatever function produced it.
//!
//! The rule is deliberately coarse (a conditional on a sensitive value, or
//! `length` of one, is sensitive too): it over-hides rather than leaks.

use std::collections::BTreeSet;

use hcl_edit::expr::Expression;
use hcl_edit::template::{Element, Template};

use crate::eval::{format_number, Eval, Evaluator, Reported, Scope};
use crate::fasthash::FastSet;
use crate::limits::MAX_KEPT_BYTES;
use crate::value::Value;
use crate::Diagnostic;

/// The evaluator's sensitive-value state.
#[derive(Debug, Default)]
pub(crate) struct Taint<'a> {
    /// The names of the `sensitive` variables.
    pub variables: FastSet<&'a str>,
    /// The expression being evaluated has read a sensitive value.
    active: bool,
    /// Every string and number text that a value derived from a sensitive
    /// one held (those shorter than [`crate::MIN_HIDDEN_LEN`] are not hidden, and
    /// warned about).
    pub strings: BTreeSet<String>,
    /// Bytes in `strings`, bounded like other kept values.
    bytes: usize,
    /// The bound was passed and reported.
    overflowed: bool,
}

impl Taint<'_> {
    /// Starts a new expression: returns the enclosing one's state, to be
    /// handed back to [`Evaluator::leave_taint`].
    pub fn enter(&mut self) -> bool {
        std::mem::replace(&mut self.active, false)
    }

    /// The expression being evaluated reads a sensitive value.
    pub fn mark(&mut self) {
        self.active = true;
    }

    /// Whether the expression being evaluated has read a sensitive value
    /// so far: candidate lists built from its values are then not shown.
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Adds the text leaves of `v`; `false` when that passes the bound.
    fn collect(&mut self, v: &Value) -> bool {
        match v {
            Value::String(s) => self.add(s),
            Value::Number(n) => self.add(&format_number(*n)),
            Value::List(items) => items.iter().all(|item| self.collect(item)),
            Value::Object(map) => map.values().all(|item| self.collect(item)),
            Value::Null | Value::Bool(_) | Value::Unknown(_) => true,
        }
    }

    fn add(&mut self, text: &str) -> bool {
        if text.is_empty() || self.strings.contains(text) {
            return true;
        }
        self.bytes = self.bytes.saturating_add(text.len());
        self.strings.insert(text.to_string());
        self.bytes <= MAX_KEPT_BYTES
    }
}

impl Evaluator<'_> {
    /// Runs `f` as an evaluation of its own (a memoized local or
    /// attribute): returns whether its result is sensitive, without
    /// marking the expression that happens to trigger it. Whoever reads
    /// the memoized value marks itself.
    pub(crate) fn isolated<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> (T, bool) {
        let outer = self.taint.enter();
        let out = f(self);
        let sensitive = std::mem::replace(&mut self.taint.active, outer);
        (out, sensitive)
    }

    /// Evaluates `expr` as part of the current expression, also returning
    /// whether `expr` itself is sensitive (for the variables a `for` binds
    /// from it).
    pub(crate) fn sensitive_eval(&mut self, expr: &Expression, scope: &mut Scope) -> (Eval, bool) {
        let (v, sensitive) = self.isolated(|ev| ev.eval(expr, scope));
        if sensitive {
            self.taint.mark();
        }
        (v, sensitive)
    }

    /// Ends the evaluation of `expr` (started with [`Taint::enter`]): a
    /// sensitive result has its strings collected, and the enclosing
    /// expression becomes sensitive too.
    pub(crate) fn leave_taint(
        &mut self,
        outer: bool,
        expr: &Expression,
        scope: &Scope,
        out: Eval,
    ) -> Eval {
        let sensitive = self.taint.active;
        self.taint.active = outer || sensitive;
        let Ok(value) = &out else { return out };
        if !sensitive || assembled_from_parts(expr) || self.taint.collect(value) {
            return out;
        }
        if std::mem::replace(&mut self.taint.overflowed, true) {
            return Err(Reported);
        }
        let span = self.span(scope, expr);
        Err(self.report(
            Diagnostic::error(
                "values derived from sensitive variables exceed 64 MiB in total",
                span,
            )
            .with_label("one too many")
            .with_help("derive fewer or smaller values from sensitive variables"),
        ))
    }
}

/// Whether `expr` only passes on or puts together values whose own
/// expressions were collected already: a reference (a variable's values
/// are hidden as such), a list or map literal, parentheses, or a string
/// template of literal text and interpolations. Hiding just the sensitive
/// parts keeps the rest readable (`"(sensitive)-web"`); a template with
/// `%{if}` / `%{for}` can encode a sensitive value in its literal text, so
/// it is hidden whole.
fn assembled_from_parts(expr: &Expression) -> bool {
    let no_directives = |t: &Template| t.iter().all(|e| !matches!(e, Element::Directive(_)));
    match expr {
        Expression::Traversal(_)
        | Expression::Variable(_)
        | Expression::Array(_)
        | Expression::Object(_)
        | Expression::Parenthesis(_) => true,
        Expression::StringTemplate(t) => no_directives(t),
        Expression::HeredocTemplate(h) => no_directives(&h.template),
        _ => false,
    }
}
