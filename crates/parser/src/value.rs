//! Evaluated values of the manifest language.

use std::collections::BTreeMap;

/// A fully evaluated expression value.
///
/// `Unknown` is a value that only live state can supply (for example the
/// ARN of a resource identified by `name`); it propagates through
/// interpolation and functions instead of being an error.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Object(BTreeMap<String, Value>),
    /// Known after refresh; the text says what it waits for, e.g.
    /// `aws_apprunner_service.web.arn`.
    Unknown(String),
}

impl Value {
    /// The type name used in "wrong value type" diagnostics.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Object(_) => "object",
            Value::Unknown(_) => "unknown",
        }
    }
}
