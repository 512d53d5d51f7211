//! Resource limits of the manifest language (DESIGN section 12).
//!
//! Exists because a few bytes of manifest can describe gigabytes of value
//! (64 locals that each double the previous one) or millions of resources:
//! evaluation checks sizes *while* it builds values, so an oversized value
//! is a diagnostic pointing at the expression instead of an exhausted
//! machine.

use crate::diagnostic::Diagnostic;
use hcl_edit::expr::Expression;

use crate::eval::{Eval, Evaluator, Reported, Scope};
use crate::source::Span;
use crate::value::Value;

/// The largest evaluated value: a string's bytes, or a collection's
/// [`size`] in total.
pub(crate) const MAX_VALUE_BYTES: usize = 1024 * 1024;

/// The most resources a manifest may have after `count` / `for_each`.
pub(crate) const MAX_RESOURCES: usize = 100_000;

/// The most bytes of evaluated values the loader keeps at once (memoized
/// locals and identity attributes): many locals that each stay under
/// [`MAX_VALUE_BYTES`] must not add up to gigabytes.
pub(crate) const MAX_KEPT_BYTES: usize = 64 * 1024 * 1024;

/// The most expressions one load evaluates: nested `for` expressions over
/// large lists can take hours without using much memory. A manifest of
/// 100,000 resources needs a few million.
pub(crate) const MAX_EVAL_STEPS: u64 = 20_000_000;

/// The largest manifest file or `--var-file` read.
pub(crate) const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The deepest value nesting (lists in lists ...): deeper values would
/// make every recursive walk over them a stack overflow risk.
pub(crate) const MAX_VALUE_DEPTH: usize = 256;

/// Bytes each list element (and each map key) counts for beyond its
/// strings, so that a list of a million empty strings is large, as it is
/// in memory.
const PER_ITEM: usize = 8;

/// Why a value is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TooBig {
    Size,
    Depth,
}

/// The size of `v` (string bytes, plus [`PER_ITEM`] per element and per
/// key), or why it is over the limits. Stops walking as soon as the
/// limit is passed, so measuring a huge value costs no more than the limit.
pub(crate) fn size(v: &Value) -> Result<usize, TooBig> {
    let mut total = 0usize;
    add_size(v, 0, &mut total)?;
    Ok(total)
}

fn add_size(v: &Value, depth: usize, total: &mut usize) -> Result<(), TooBig> {
    if depth > MAX_VALUE_DEPTH {
        return Err(TooBig::Depth);
    }
    match v {
        Value::String(s) | Value::Unknown(s) => *total = total.saturating_add(s.len()),
        Value::List(items) => {
            for item in items {
                *total = total.saturating_add(PER_ITEM);
                add_size(item, depth + 1, total)?;
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                *total = total.saturating_add(k.len() + 2 * PER_ITEM);
                add_size(item, depth + 1, total)?;
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    if *total > MAX_VALUE_BYTES {
        return Err(TooBig::Size);
    }
    Ok(())
}

/// Whether a value of `bytes` would be over the limit: for functions that
/// can tell the size of their result before building it.
pub(crate) fn check_bytes(bytes: usize) -> Result<(), TooBig> {
    if bytes > MAX_VALUE_BYTES {
        Err(TooBig::Size)
    } else {
        Ok(())
    }
}

/// The diagnostic for a value over the limits, at the expression that
/// produced it.
pub(crate) fn too_big(why: TooBig, span: Option<Span>) -> Diagnostic {
    match why {
        TooBig::Size => Diagnostic::error(
            format!(
                "this expression's value is larger than {} MiB",
                MAX_VALUE_BYTES / (1024 * 1024)
            ),
            span,
        )
        .with_label("value too large")
        .with_help(
            "decom refuses values over 1 MiB (a string, or a list/map in total); \
             check for interpolation or functions that repeat a value",
        ),
        TooBig::Depth => Diagnostic::error(
            format!("this expression's value is nested more than {MAX_VALUE_DEPTH} levels deep"),
            span,
        )
        .with_label("value nested too deeply")
        .with_help("flatten the structure: lists and maps may nest at most 256 levels"),
    }
}

/// The running size of a list or map being built element by element, so
/// that building stops as soon as it passes the limit.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    used: usize,
}

impl Budget {
    /// Counts one more element (and its key, if any).
    pub fn add(&mut self, key: Option<&str>, v: &Value) -> Result<(), TooBig> {
        let key_bytes = key.map_or(0, |k| k.len() + PER_ITEM);
        self.used = self.used.saturating_add(size(v)?).saturating_add(key_bytes);
        check_bytes(self.used)
    }
}

/// The [`size`] of a list of `count` strings of `bytes` bytes in total,
/// for functions that can tell before building it.
pub(crate) fn string_list_size(count: usize, bytes: usize) -> usize {
    count.saturating_mul(PER_ITEM).saturating_add(bytes)
}

impl Evaluator<'_> {
    /// `v` if it is within the limits, else a diagnostic at `span`.
    pub(crate) fn within_limits(&mut self, v: Value, span: Option<Span>) -> Eval {
        match size(&v) {
            Ok(_) => Ok(v),
            Err(why) => Err(self.report(too_big(why, span))),
        }
    }

    /// Counts one evaluated expression; past [`MAX_EVAL_STEPS`] evaluation
    /// stops (reported once, at the expression that passes the limit).
    pub(crate) fn take_step(&mut self, expr: &Expression, scope: &Scope) -> Result<(), Reported> {
        self.steps += 1;
        if self.steps <= MAX_EVAL_STEPS {
            return Ok(());
        }
        if self.steps > MAX_EVAL_STEPS + 1 {
            return Err(Reported);
        }
        let span = self.span(scope, expr);
        Err(self.report(
            Diagnostic::error(
                format!("evaluating the manifest takes more than {MAX_EVAL_STEPS} steps"),
                span,
            )
            .with_label("gave up here")
            .with_help("look for `for` expressions nested over large lists"),
        ))
    }

    /// Reports a value over the limits at `span`.
    pub(crate) fn too_big(&mut self, why: TooBig, span: Option<Span>) -> Reported {
        self.report(too_big(why, span))
    }

    /// Counts `v` as kept for the rest of the load (a memoized local or
    /// attribute), refusing it once everything kept passes
    /// [`MAX_KEPT_BYTES`] (reported once).
    pub(crate) fn keep(&mut self, v: Value, span: Option<Span>) -> Eval {
        let bytes = size(&v).map_err(|why| self.too_big(why, span))?;
        let before = self.kept_bytes;
        self.kept_bytes = before.saturating_add(bytes);
        if self.kept_bytes <= MAX_KEPT_BYTES {
            return Ok(v);
        }
        if before > MAX_KEPT_BYTES {
            return Err(Reported);
        }
        Err(self.report(
            Diagnostic::error(
                format!(
                    "the manifest's evaluated values add up to more than {} MiB",
                    MAX_KEPT_BYTES / (1024 * 1024)
                ),
                span,
            )
            .with_label("passes the limit here")
            .with_help("locals and resource attributes together may hold at most 64 MiB; look for large values repeated in many places"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_counts_strings_and_items() {
        let v = Value::List(vec![Value::String("abc".into()), Value::Number(1.0)]);
        assert_eq!(size(&v), Ok(PER_ITEM * 2 + 3));
        let exactly = Value::String("x".repeat(MAX_VALUE_BYTES));
        assert_eq!(size(&exactly), Ok(MAX_VALUE_BYTES));
    }

    #[test]
    fn size_stops_at_the_limit() {
        let big = Value::String("x".repeat(MAX_VALUE_BYTES + 1));
        assert_eq!(size(&big), Err(TooBig::Size));
        let many = Value::List(vec![Value::Null; MAX_VALUE_BYTES / PER_ITEM + 1]);
        assert_eq!(size(&many), Err(TooBig::Size));
    }

    #[test]
    fn depth_is_bounded() {
        let mut v = Value::Null;
        for _ in 0..=MAX_VALUE_DEPTH + 1 {
            v = Value::List(vec![v]);
        }
        assert_eq!(size(&v), Err(TooBig::Depth));
    }
}
