//! Built-in functions: length lower upper join split format concat merge
//! lookup element replace trimspace tostring tonumber coalesce.
//!
//! Exists to give each function Terraform's semantics in one place, with
//! arity and argument types checked and reported at the call (or at the
//! offending argument), and with unknown values propagating: a function of
//! a value that is known only after refresh is itself known only after
//! refresh.

use std::collections::BTreeMap;

use hcl_edit::expr::FuncCall;

use crate::diagnostic::Diagnostic;
use crate::eval::{format_number, template_string, Eval, Evaluator, Reported, Scope};
use crate::limits::{self, Budget};
use crate::source::Span;
use crate::suggest;
use crate::value::{inexact_string, parse_number, NotANumber, Value};

/// name, minimum args, maximum args (None: variadic), signature for hints.
const FUNCTIONS: [(&str, usize, Option<usize>, &str); 15] = [
    ("length", 1, Some(1), "length(list_map_or_string)"),
    ("lower", 1, Some(1), "lower(string)"),
    ("upper", 1, Some(1), "upper(string)"),
    ("join", 2, None, "join(separator, list)"),
    ("split", 2, Some(2), "split(separator, string)"),
    ("format", 1, None, "format(spec, values...)"),
    ("concat", 1, None, "concat(list, list...)"),
    ("merge", 1, None, "merge(map, map...)"),
    ("lookup", 2, Some(3), "lookup(map, key, default)"),
    ("element", 2, Some(2), "element(list, index)"),
    (
        "replace",
        3,
        Some(3),
        "replace(string, substring, replacement)",
    ),
    ("trimspace", 1, Some(1), "trimspace(string)"),
    ("tostring", 1, Some(1), "tostring(value)"),
    ("tonumber", 1, Some(1), "tonumber(value)"),
    ("coalesce", 1, None, "coalesce(value, value...)"),
];

/// The names of the built-in functions.
pub fn names() -> Vec<&'static str> {
    FUNCTIONS.iter().map(|f| f.0).collect()
}

/// A function failure: message, help, and which argument (if any) to
/// point at.
struct FnError {
    msg: String,
    help: String,
    arg: Option<usize>,
}

fn fail(msg: impl Into<String>, help: impl Into<String>, arg: Option<usize>) -> FnError {
    FnError {
        msg: msg.into(),
        help: help.into(),
        arg,
    }
}

/// The first Unknown anywhere inside `v`.
fn find_unknown(v: &Value) -> Option<&str> {
    match v {
        Value::Unknown(w) => Some(w),
        Value::List(l) => l.iter().find_map(find_unknown),
        Value::Object(o) => o.values().find_map(find_unknown),
        _ => None,
    }
}

impl Evaluator<'_> {
    pub(crate) fn call(&mut self, call: &FuncCall, scope: &mut Scope) -> Eval {
        let span = self.span(scope, call);
        let name = call.name.name.as_str();
        if call.name.is_namespaced() {
            return Err(self.report(
                Diagnostic::error(
                    format!("namespaced function `{name}` is not supported"),
                    span,
                )
                .with_label("unknown function")
                .with_help(format!("available functions: {}", suggest::list(&names()))),
            ));
        }
        let Some(&(_, min, max, sig)) = FUNCTIONS.iter().find(|f| f.0 == name) else {
            let all = names();
            let help = suggest::help_for(name, &all);
            return Err(self.report(
                Diagnostic::error(format!("unknown function `{name}`"), span)
                    .with_label("not a built-in function")
                    .with_help(help),
            ));
        };
        let mut args = Vec::with_capacity(call.args.len());
        let mut arg_spans: Vec<Option<Span>> = Vec::with_capacity(call.args.len());
        let mut failed = false;
        // The arguments together are bounded like any value, so that a
        // call cannot gather many copies of a large value.
        let mut budget = Budget::default();
        for a in call.args.iter() {
            arg_spans.push(self.span(scope, a));
            match self.eval(a, scope) {
                Ok(v) => {
                    if let Err(why) = budget.add(None, &v) {
                        return Err(self.too_big(why, span));
                    }
                    args.push(v)
                }
                Err(_) => failed = true,
            }
        }
        if failed {
            return Err(Reported);
        }
        if call.args.expand_final() {
            match args.pop() {
                Some(Value::List(items)) => {
                    let last = arg_spans.pop().flatten();
                    for item in items {
                        args.push(item);
                        arg_spans.push(last);
                    }
                }
                Some(Value::Unknown(w)) => return Ok(Value::Unknown(w)),
                Some(other) => {
                    let s = arg_spans.last().copied().flatten();
                    return Err(self.report(crate::eval::type_error(
                        "`...` argument",
                        "list",
                        &other,
                        s,
                    )));
                }
                None => {}
            }
        }
        let n = args.len();
        if n < min || max.is_some_and(|m| n > m) {
            let expected = match max {
                Some(m) if m == min => format!("{min}"),
                Some(m) => format!("{min} to {m}"),
                None => format!("at least {min}"),
            };
            return Err(self.report(
                Diagnostic::error(
                    format!("wrong number of arguments to `{name}`: expected {expected}, got {n}"),
                    span,
                )
                .with_label("wrong number of arguments")
                .with_help(format!("call it as {sig}")),
            ));
        }
        match apply(name, args) {
            Ok(v) => self.within_limits(v, span),
            Err(e) => {
                let at = e
                    .arg
                    .and_then(|i| arg_spans.get(i).copied().flatten())
                    .or(span);
                Err(self.report(
                    Diagnostic::error(format!("{name}: {}", e.msg), at)
                        .with_label("invalid argument")
                        .with_help(e.help),
                ))
            }
        }
    }
}

/// The failure of a function whose result would pass the size limit,
/// found before the result is built.
fn too_large() -> FnError {
    fail(
        format!(
            "the result would be larger than {} MiB",
            limits::MAX_VALUE_BYTES / (1024 * 1024)
        ),
        "decom refuses values over 1 MiB; check the arguments",
        None,
    )
}

fn want_string(v: &Value, i: usize, sig: &str) -> Result<String, FnError> {
    match template_string(v) {
        Some(s) => Ok(s),
        None => Err(fail(
            format!("argument {} must be a string, got {}", i + 1, v.type_name()),
            format!("call it as {sig}"),
            Some(i),
        )),
    }
}

fn apply(name: &str, args: Vec<Value>) -> Result<Value, FnError> {
    // Functions that work structurally let unknown elements through;
    // string functions become unknown if any input is.
    let structural = matches!(
        name,
        "length" | "concat" | "merge" | "lookup" | "element" | "coalesce"
    );
    if structural {
        if let Some(Value::Unknown(w)) = args.iter().find(|a| matches!(a, Value::Unknown(_))) {
            if name != "coalesce" {
                return Ok(Value::Unknown(w.clone()));
            }
        }
    } else if let Some(w) = args.iter().find_map(find_unknown) {
        return Ok(Value::Unknown(w.to_string()));
    }
    let count = args.len();
    let mut args = args.into_iter();
    let mut next = || args.next().unwrap_or(Value::Null);
    match name {
        "length" => match next() {
            Value::List(l) => Ok(Value::Number(l.len() as f64)),
            Value::Object(o) => Ok(Value::Number(o.len() as f64)),
            Value::String(s) => Ok(Value::Number(s.chars().count() as f64)),
            other => Err(fail(
                format!("cannot take the length of a {}", other.type_name()),
                "length works on lists, maps and strings",
                Some(0),
            )),
        },
        "lower" => Ok(Value::String(
            want_string(&next(), 0, "lower(string)")?.to_lowercase(),
        )),
        "upper" => Ok(Value::String(
            want_string(&next(), 0, "upper(string)")?.to_uppercase(),
        )),
        "trimspace" => Ok(Value::String(
            want_string(&next(), 0, "trimspace(string)")?
                .trim()
                .to_string(),
        )),
        "join" => {
            let sep = want_string(&next(), 0, "join(separator, list)")?;
            let mut parts = Vec::new();
            for i in 1..count {
                match next() {
                    Value::List(items) => {
                        for item in items {
                            match template_string(&item) {
                                Some(s) => parts.push(s),
                                None => {
                                    return Err(fail(
                                        format!(
                                            "list elements must be strings, found a {}",
                                            item.type_name()
                                        ),
                                        "join only strings, numbers and bools",
                                        Some(i),
                                    ))
                                }
                            }
                        }
                    }
                    other => {
                        return Err(fail(
                            format!(
                                "argument {} must be a list, got {}",
                                i + 1,
                                other.type_name()
                            ),
                            "call it as join(\",\", [\"a\", \"b\"])",
                            Some(i),
                        ))
                    }
                }
            }
            let bytes = parts
                .iter()
                .map(String::len)
                .sum::<usize>()
                .saturating_add(sep.len().saturating_mul(parts.len().saturating_sub(1)));
            limits::check_bytes(bytes).map_err(|_| too_large())?;
            Ok(Value::String(parts.join(&sep)))
        }
        "split" => {
            let sep = want_string(&next(), 0, "split(separator, string)")?;
            let s = want_string(&next(), 1, "split(separator, string)")?;
            let pieces = if sep.is_empty() {
                s.chars().count()
            } else {
                s.matches(sep.as_str()).count() + 1
            };
            limits::check_bytes(limits::string_list_size(pieces, s.len()))
                .map_err(|_| too_large())?;
            let parts: Vec<Value> = if sep.is_empty() {
                s.chars().map(|c| Value::String(c.to_string())).collect()
            } else {
                s.split(sep.as_str())
                    .map(|p| Value::String(p.to_string()))
                    .collect()
            };
            Ok(Value::List(parts))
        }
        "format" => {
            let spec = want_string(&next(), 0, "format(spec, values...)")?;
            let rest: Vec<Value> = (1..count).map(|_| next()).collect();
            format(&spec, &rest).map(Value::String)
        }
        "concat" => {
            let mut out = Vec::new();
            for i in 0..count {
                match next() {
                    Value::List(items) => out.extend(items),
                    other => {
                        return Err(fail(
                            format!(
                                "argument {} must be a list, got {}",
                                i + 1,
                                other.type_name()
                            ),
                            "call it as concat([\"a\"], [\"b\"])",
                            Some(i),
                        ))
                    }
                }
            }
            Ok(Value::List(out))
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for i in 0..count {
                match next() {
                    Value::Null => {}
                    Value::Object(o) => out.extend(o),
                    other => {
                        return Err(fail(
                            format!(
                                "argument {} must be a map, got {}",
                                i + 1,
                                other.type_name()
                            ),
                            "call it as merge({ a = 1 }, { b = 2 })",
                            Some(i),
                        ))
                    }
                }
            }
            Ok(Value::Object(out))
        }
        "lookup" => {
            let map = next();
            let key = want_string(&next(), 1, "lookup(map, key, default)")?;
            let default = if count == 3 { Some(next()) } else { None };
            let Value::Object(mut o) = map else {
                return Err(fail(
                    format!("argument 1 must be a map, got {}", map.type_name()),
                    "call it as lookup({ a = 1 }, \"a\", 0)",
                    Some(0),
                ));
            };
            match (o.remove(&key), default) {
                (Some(v), _) => Ok(v),
                (None, Some(d)) => Ok(d),
                (None, None) => Err(fail(
                    format!("the map has no key \"{key}\""),
                    "add a default as the third argument: lookup(map, key, default)",
                    Some(1),
                )),
            }
        }
        "element" => {
            let list = next();
            let idx = next();
            let Value::List(mut l) = list else {
                return Err(fail(
                    format!("argument 1 must be a list, got {}", list.type_name()),
                    "call it as element([\"a\", \"b\"], 0)",
                    Some(0),
                ));
            };
            let i = match idx {
                Value::Number(n) if n >= 0.0 && n.fract() == 0.0 => n,
                Value::String(s) => match parse_number(&s) {
                    Ok(n) if n >= 0.0 && n.fract() == 0.0 => n,
                    _ => {
                        return Err(fail(
                            format!("index must be a non-negative whole number, got \"{s}\""),
                            "use an index such as 0",
                            Some(1),
                        ))
                    }
                },
                other => {
                    return Err(fail(
                        format!(
                            "index must be a non-negative whole number, got {}",
                            describe(&other)
                        ),
                        "use an index such as 0",
                        Some(1),
                    ))
                }
            };
            if l.is_empty() {
                return Err(fail(
                    "cannot take an element of an empty list",
                    "check the list is not empty",
                    Some(0),
                ));
            }
            let len = l.len();
            let at = (i % len as f64) as usize;
            Ok(l.swap_remove(at.min(len - 1)))
        }
        "replace" => {
            let s = want_string(&next(), 0, "replace(string, substring, replacement)")?;
            let from = want_string(&next(), 1, "replace(string, substring, replacement)")?;
            let to = want_string(&next(), 2, "replace(string, substring, replacement)")?;
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                return Err(fail(
                    "regular-expression replacement (/.../) is not supported",
                    "replace a literal substring instead",
                    Some(1),
                ));
            }
            if from.is_empty() {
                return Ok(Value::String(s));
            }
            let grows_by = to.len().saturating_sub(from.len());
            let bytes = s
                .len()
                .saturating_add(s.matches(from.as_str()).count().saturating_mul(grows_by));
            limits::check_bytes(bytes).map_err(|_| too_large())?;
            Ok(Value::String(s.replace(&from, &to)))
        }
        "tostring" => match next() {
            Value::Null => Ok(Value::Null),
            v => match template_string(&v) {
                Some(s) => Ok(Value::String(s)),
                None => Err(fail(
                    format!("cannot convert a {} to a string", v.type_name()),
                    "tostring converts strings, numbers and bools; use join for lists",
                    Some(0),
                )),
            },
        },
        "tonumber" => match next() {
            Value::Null => Ok(Value::Null),
            Value::Number(n) => Ok(Value::Number(n)),
            Value::String(s) => match parse_number(&s) {
                Ok(n) => Ok(Value::Number(n)),
                Err(NotANumber::Inexact) => {
                    Err(fail(inexact_string(&s), "keep it a string", Some(0)))
                }
                Err(NotANumber::Misspelled) => Err(fail(
                    format!("cannot convert \"{s}\" to a number"),
                    "give a string that spells a number, e.g. \"42\"",
                    Some(0),
                )),
            },
            other => Err(fail(
                format!("cannot convert a {} to a number", other.type_name()),
                "tonumber converts numbers and numeric strings",
                Some(0),
            )),
        },
        "coalesce" => {
            for _ in 0..count {
                match next() {
                    Value::Null => {}
                    Value::String(s) if s.is_empty() => {}
                    Value::Unknown(w) => return Ok(Value::Unknown(w)),
                    v => return Ok(v),
                }
            }
            Err(fail(
                "no non-null, non-empty argument",
                "give at least one argument that is not null or \"\"",
                None,
            ))
        }
        _ => Err(fail(format!("unknown function `{name}`"), "", None)),
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Number(n) => format_number(*n),
        other => format!("a {}", other.type_name()),
    }
}

/// Terraform's `format`: verbs %s %d %f %v %q %t %% with optional flags
/// (`-`, `+`, `0`), width and precision.
fn format(spec: &str, args: &[Value]) -> Result<String, FnError> {
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    let mut argi = 0usize;
    let verb_err = |m: String| {
        fail(
            m,
            "verbs: %s %d %f %v %q %t, and %% for a literal %",
            Some(0),
        )
    };
    while let Some(c) = chars.next() {
        // Widths let a short spec make a long string.
        limits::check_bytes(out.len()).map_err(|_| too_large())?;
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut left = false;
        let mut plus = false;
        let mut zero = false;
        while let Some(&f) = chars.peek() {
            match f {
                '-' => left = true,
                '+' => plus = true,
                '0' => zero = true,
                _ => break,
            }
            chars.next();
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse().unwrap_or(0).min(64));
        }
        let width: usize = width.parse().unwrap_or(0).min(1024);
        let Some(verb) = chars.next() else {
            return Err(verb_err(
                "the format ends in the middle of a verb".to_string(),
            ));
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(argi) else {
            return Err(fail(
                format!("not enough arguments for the format: verb %{verb} has no value"),
                "give one value per verb",
                None,
            ));
        };
        argi += 1;
        let text = match verb {
            's' => template_string(arg).ok_or_else(|| {
                fail(
                    format!("%s needs a string, got {}", arg.type_name()),
                    "use %v for lists and maps",
                    Some(argi),
                )
            })?,
            'd' => match arg {
                Value::Number(n) if n.fract() == 0.0 => {
                    let s = format_number(*n);
                    if plus && *n >= 0.0 {
                        format!("+{s}")
                    } else {
                        s
                    }
                }
                other => {
                    return Err(fail(
                        format!("%d needs a whole number, got {}", describe(other)),
                        "use %f for fractions",
                        Some(argi),
                    ))
                }
            },
            'f' => match arg {
                Value::Number(n) => {
                    let s = format!("{:.*}", precision.unwrap_or(6), n);
                    if plus && *n >= 0.0 {
                        format!("+{s}")
                    } else {
                        s
                    }
                }
                other => {
                    return Err(fail(
                        format!("%f needs a number, got {}", describe(other)),
                        "give a number",
                        Some(argi),
                    ))
                }
            },
            't' => match arg {
                Value::Bool(b) => b.to_string(),
                other => {
                    return Err(fail(
                        format!("%t needs a bool, got {}", other.type_name()),
                        "give true or false",
                        Some(argi),
                    ))
                }
            },
            'q' => match template_string(arg) {
                Some(s) => format!("{s:?}"),
                None => {
                    return Err(fail(
                        format!("%q needs a string, got {}", arg.type_name()),
                        "give a string",
                        Some(argi),
                    ))
                }
            },
            'v' => display_v(arg),
            other => return Err(verb_err(format!("unsupported verb %{other}"))),
        };
        let text = match (precision, verb) {
            (Some(p), 's' | 'v') => text.chars().take(p).collect(),
            _ => text,
        };
        let len = text.chars().count();
        if len < width {
            let pad = width - len;
            if left {
                out.push_str(&text);
                out.extend(std::iter::repeat_n(' ', pad));
            } else if zero && matches!(verb, 'd' | 'f') {
                let (sign, digits) = match text.strip_prefix(['-', '+']) {
                    Some(rest) => (&text[..1], rest),
                    None => ("", text.as_str()),
                };
                out.push_str(sign);
                out.extend(std::iter::repeat_n('0', pad));
                out.push_str(digits);
            } else {
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(&text);
            }
        } else {
            out.push_str(&text);
        }
    }
    if argi < args.len() {
        return Err(fail(
            format!(
                "too many arguments for the format: {} verb(s), {} value(s)",
                argi,
                args.len()
            ),
            "give one value per verb",
            None,
        ));
    }
    Ok(out)
}

/// `%v`: strings bare, numbers and bools as written, lists and maps as
/// JSON.
fn display_v(v: &Value) -> String {
    match template_string(v) {
        Some(s) => s,
        None => json(v),
    }
}

fn json(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format_number(*n),
        Value::String(s) => format!("{s:?}"),
        Value::Unknown(w) => format!("(known after refresh: {w})"),
        Value::List(l) => format!("[{}]", l.iter().map(json).collect::<Vec<_>>().join(",")),
        Value::Object(o) => format!(
            "{{{}}}",
            o.iter()
                .map(|(k, v)| format!("{k:?}:{}", json(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::String(x.to_string())
    }

    #[test]
    fn format_verbs() {
        let r = format(
            "%s-%03d %.2f %q %v %%",
            &[
                s("a"),
                Value::Number(7.0),
                Value::Number(1.5),
                s("x"),
                Value::Bool(true),
            ],
        );
        assert_eq!(r.ok(), Some("a-007 1.50 \"x\" true %".to_string()));
        assert!(format("%s %s", &[s("a")]).is_err());
        assert!(format("%s", &[s("a"), s("b")]).is_err());
        assert!(format("%d", &[Value::Number(1.5)]).is_err());
        assert_eq!(format("%-3s|", &[s("a")]).ok(), Some("a  |".to_string()));
    }

    #[test]
    fn element_wraps() {
        let l = Value::List(vec![s("a"), s("b")]);
        assert_eq!(
            apply("element", vec![l, Value::Number(3.0)]).ok(),
            Some(s("b"))
        );
    }

    #[test]
    fn string_functions_propagate_unknown() {
        let u = Value::Unknown("x.y.arn".into());
        assert_eq!(apply("upper", vec![u.clone()]).ok(), Some(u.clone()));
        assert_eq!(
            apply("join", vec![s(","), Value::List(vec![u.clone()])]).ok(),
            Some(u)
        );
    }
}
