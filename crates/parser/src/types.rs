//! Variable type constraints: `string`, `number`, `bool`, `list(T)`,
//! `map(T)`, `any`.
//!
//! Exists so that a variable's default and every value supplied for it are
//! checked (and converted, with Terraform's safe conversions: numbers and
//! bools to strings, numeric / boolean strings to numbers / bools) against
//! one parsed constraint.

use std::collections::BTreeMap;

use hcl_edit::expr::Expression;

use crate::eval::format_number;
use crate::value::{inexact_string, parse_number, NotANumber, Value};

/// A parsed `type = ...` constraint.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TypeC {
    String,
    Number,
    Bool,
    Any,
    List(Box<TypeC>),
    Map(Box<TypeC>),
}

pub(crate) const ALLOWED_TYPES: &str = "string, number, bool, list(TYPE), map(TYPE), any";

impl std::fmt::Display for TypeC {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeC::String => f.write_str("string"),
            TypeC::Number => f.write_str("number"),
            TypeC::Bool => f.write_str("bool"),
            TypeC::Any => f.write_str("any"),
            TypeC::List(t) => write!(f, "list({t})"),
            TypeC::Map(t) => write!(f, "map({t})"),
        }
    }
}

/// Parses a type expression; `Err` carries the offending sub-expression.
pub(crate) fn parse(expr: &Expression) -> Result<TypeC, &Expression> {
    match expr {
        Expression::Variable(v) => match v.as_str() {
            "string" => Ok(TypeC::String),
            "number" => Ok(TypeC::Number),
            "bool" => Ok(TypeC::Bool),
            "any" => Ok(TypeC::Any),
            "list" | "set" => Ok(TypeC::List(Box::new(TypeC::Any))),
            "map" => Ok(TypeC::Map(Box::new(TypeC::Any))),
            _ => Err(expr),
        },
        Expression::FuncCall(call) if !call.name.is_namespaced() && call.args.len() == 1 => {
            let inner = call.args.iter().next().ok_or(expr)?;
            let inner = parse(inner)?;
            match call.name.name.as_str() {
                "list" | "set" => Ok(TypeC::List(Box::new(inner))),
                "map" => Ok(TypeC::Map(Box::new(inner))),
                _ => Err(expr),
            }
        }
        Expression::Parenthesis(p) => parse(p.inner()),
        _ => Err(expr),
    }
}

/// Checks `v` against `t`, converting where Terraform would. `Err` is a
/// description of the mismatch ("expected number, got string \"abc\"").
pub(crate) fn convert(v: Value, t: &TypeC) -> Result<Value, String> {
    match (t, v) {
        (_, Value::Unknown(w)) => Ok(Value::Unknown(w)),
        (_, Value::Null) => Ok(Value::Null),
        (TypeC::Any, v) => Ok(v),
        (TypeC::String, Value::String(s)) => Ok(Value::String(s)),
        (TypeC::String, Value::Number(n)) => Ok(Value::String(format_number(n))),
        (TypeC::String, Value::Bool(b)) => Ok(Value::String(b.to_string())),
        (TypeC::Number, Value::Number(n)) => Ok(Value::Number(n)),
        (TypeC::Number, Value::String(s)) => match parse_number(&s) {
            Ok(n) => Ok(Value::Number(n)),
            Err(NotANumber::Inexact) => Err(inexact_string(&s)),
            Err(NotANumber::Misspelled) => Err(format!("expected number, got string \"{s}\"")),
        },
        (TypeC::Bool, Value::Bool(b)) => Ok(Value::Bool(b)),
        (TypeC::Bool, Value::String(s)) if s == "true" || s == "false" => {
            Ok(Value::Bool(s == "true"))
        }
        (TypeC::List(inner), Value::List(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                out.push(convert(item, inner).map_err(|e| format!("element {i}: {e}"))?);
            }
            Ok(Value::List(out))
        }
        (TypeC::Map(inner), Value::Object(items)) => {
            let mut out = BTreeMap::new();
            for (k, item) in items {
                let c = convert(item, inner).map_err(|e| format!("key \"{k}\": {e}"))?;
                out.insert(k, c);
            }
            Ok(Value::Object(out))
        }
        (t, v) => Err(format!("expected {t}, got {}", describe(&v))),
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().count() <= 40 => format!("string \"{s}\""),
        Value::Number(n) => format!("number {}", format_number(*n)),
        Value::Bool(b) => format!("bool {b}"),
        other => other.type_name().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_like_terraform() {
        assert_eq!(
            convert(Value::Number(5.0), &TypeC::String),
            Ok(Value::String("5".into()))
        );
        assert_eq!(
            convert(Value::String("2".into()), &TypeC::Number),
            Ok(Value::Number(2.0))
        );
        assert!(convert(Value::String("yes".into()), &TypeC::Bool).is_err());
        assert!(convert(Value::List(vec![]), &TypeC::String).is_err());
        let t = TypeC::List(Box::new(TypeC::Number));
        assert_eq!(t.to_string(), "list(number)");
        let e = convert(Value::List(vec![Value::String("x".into())]), &t).unwrap_err();
        assert!(e.contains("element 0"), "{e}");
    }
}
