//! Where and when a plan was made, and with which variable values: what a
//! reviewer (and `show --markdown` / `--json`) needs besides the actions,
//! saved in the plan file so that a plan artifact says it in another job.

use decom_parser::{Manifest, Value};
use time::OffsetDateTime;

/// The circumstances of one plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    pub created_at: OffsetDateTime,
    /// The commit the manifest was checked out at; `None` outside git.
    pub git: Option<GitState>,
    /// Every variable of the manifest, by name.
    pub variables: Vec<PlannedVariable>,
}

impl Default for Provenance {
    fn default() -> Provenance {
        Provenance {
            created_at: OffsetDateTime::UNIX_EPOCH,
            git: None,
            variables: Vec::new(),
        }
    }
}

impl Provenance {
    /// Now, with `manifest`'s variables (sensitive ones without a value).
    pub fn of(manifest: &Manifest) -> Provenance {
        let mut variables: Vec<PlannedVariable> = manifest
            .variables
            .iter()
            .map(|v| PlannedVariable {
                name: v.name.clone(),
                value: (!v.sensitive).then(|| json_value(&v.value)),
            })
            .collect();
        variables.sort_by(|a, b| a.name.cmp(&b.name));
        Provenance {
            created_at: OffsetDateTime::now_utc(),
            git: None,
            variables,
        }
    }

    /// Names of the sensitive variables (their values are never saved).
    pub fn sensitive_variables(&self) -> impl Iterator<Item = &str> {
        self.variables
            .iter()
            .filter(|v| v.value.is_none())
            .map(|v| v.name.as_str())
    }
}

/// The git commit and whether the work tree differed from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitState {
    pub commit: String,
    /// Uncommitted changes at plan time: the plan is not exactly the
    /// commit's.
    pub dirty: bool,
}

/// One variable as the plan used it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedVariable {
    pub name: String,
    /// `None`: sensitive, so not recorded (it must be passed again).
    pub value: Option<serde_json::Value>,
}

/// A manifest value as JSON (an unknown value, which a variable never
/// has, as null).
pub fn json_value(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null | Value::Unknown(_) => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => serde_json::Number::from_f64(*n).map_or(J::Null, |n| {
            // Whole numbers as integers: `3`, not `3.0`.
            match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9e15 => J::from(f as i64),
                _ => J::Number(n),
            }
        }),
        Value::String(s) => J::String(s.clone()),
        Value::List(items) => J::Array(items.iter().map(json_value).collect()),
        Value::Object(map) => J::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), json_value(v)))
                .collect(),
        ),
    }
}
