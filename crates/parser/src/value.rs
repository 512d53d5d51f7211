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

/// Why text is not a number [`parse_number`] gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotANumber {
    /// It does not spell a (finite) number.
    Misspelled,
    /// A whole number with more digits than an `f64` keeps.
    Inexact,
}

/// The largest whole number [`parse_number`] takes: up to it, every
/// whole number is exact in an `f64`.
pub(crate) const EXACT_UP_TO: &str = "9007199254740992";

/// `text` (a literal, or a string converted to a number) as a number. A
/// whole number that a number cannot hold exactly is refused, never
/// rounded: `build = 20241203235959123` became `...124` in a name, which
/// named another live resource.
pub(crate) fn parse_number(text: &str) -> Result<f64, NotANumber> {
    let text = text.trim();
    let n: f64 = text.parse().map_err(|_| NotANumber::Misspelled)?;
    if !n.is_finite() {
        return Err(NotANumber::Misspelled);
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let exact = if unsigned.bytes().all(|b| b.is_ascii_digit()) {
        // Every whole number up to 2^53 is exact, and prints back as written.
        text.parse::<i128>()
            .is_ok_and(|whole| whole.unsigned_abs() <= 1 << 53)
    } else {
        // `20241203235959123.0`, `2.0241203235959123e16`: an f64 keeps 15
        // significant digits of what is written.
        n.abs() <= MAX_EXACT && significant_digits(unsigned) <= 15
    };
    if exact {
        Ok(n)
    } else {
        Err(NotANumber::Inexact)
    }
}

/// What a number keeps exactly, as errors say it.
pub(crate) const KEPT: &str = "15 significant digits; whole numbers up to 9007199254740992";

/// 2^53: every whole number up to it is exact in an `f64`.
pub(crate) const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

/// The significant digits of a number written with a fraction or an
/// exponent (`0012.3400e5`: `1234`).
fn significant_digits(unsigned: &str) -> usize {
    let mantissa = unsigned.split(['e', 'E']).next().unwrap_or_default();
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if mantissa.contains('.') {
        digits.truncate(digits.trim_end_matches('0').len());
    }
    digits.trim_start_matches('0').len()
}

/// Why a string is no number: it has more digits than a number keeps.
pub(crate) fn inexact_string(text: &str) -> String {
    format!("\"{text}\" has more digits than a number keeps exactly ({KEPT})")
}
