//! Hiding the values of `sensitive` variables from everything decom
//! writes: terminal output, `--json`, plan files and the journal.
//!
//! A sensitive value reaches output by many roads: as a manifest value
//! (`name = "scn-${var.token}"`), inside a live ARN AWS built from that
//! name, inside an AWS error message. So the hiding is done on the text
//! that leaves the process, not on the manifest's values: every
//! occurrence of a sensitive value is replaced by [`Redaction::MARK`].

use std::borrow::Cow;

use crate::eval::format_number;
use crate::{Manifest, Value};

/// Values of fewer characters than this are not hidden: they would match inside
/// unrelated text (a region, a date) and make output unreadable. Such a
/// variable gets a warning instead; see [`Redaction::too_short`].
pub const MIN_HIDDEN_LEN: usize = 4;

/// The sensitive values of one manifest, and how to hide them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redaction {
    /// Longest first, so a value containing another is hidden whole.
    secrets: Vec<String>,
    too_short: Vec<String>,
}

impl Redaction {
    /// What a hidden value is replaced by.
    pub const MARK: &'static str = "(sensitive)";

    /// The string and number leaves of every `sensitive` variable.
    pub fn of(manifest: &Manifest) -> Redaction {
        let mut redaction = Redaction::default();
        for variable in manifest.variables.iter().filter(|v| v.sensitive) {
            let mut leaves = Vec::new();
            text_leaves(&variable.value, &mut leaves);
            let (hidden, short): (Vec<String>, Vec<String>) = leaves
                .into_iter()
                .partition(|l| l.chars().count() >= MIN_HIDDEN_LEN);
            if !short.is_empty() {
                redaction.too_short.push(variable.name.clone());
            }
            redaction.secrets.extend(hidden);
        }
        redaction
            .secrets
            .sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        redaction.secrets.dedup();
        redaction
    }

    /// No sensitive values: output passes unchanged.
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// Sensitive variables with a value too short to hide
    /// ([`MIN_HIDDEN_LEN`]): the caller warns about them.
    pub fn too_short(&self) -> &[String] {
        &self.too_short
    }

    /// `text` with every sensitive value replaced by [`Redaction::MARK`].
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), Self::MARK));
            }
        }
        out
    }

    /// Hides sensitive values in every string (and object key) of a JSON
    /// value: done on the value, not its text, so escaping cannot keep a
    /// value from being found.
    pub fn json(&self, value: &mut serde_json::Value) {
        if self.is_empty() {
            return;
        }
        match value {
            serde_json::Value::String(s) => {
                if let Cow::Owned(hidden) = self.text(s) {
                    *s = hidden;
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.json(v)),
            serde_json::Value::Object(map) => {
                let entries = std::mem::take(map);
                for (key, mut v) in entries {
                    self.json(&mut v);
                    map.insert(self.text(&key).into_owned(), v);
                }
            }
            _ => {}
        }
    }

    /// Whether `text` had something hidden in it: such a text (an id in a
    /// plan file or the journal) can be shown but not used.
    pub fn was_applied_to(text: &str) -> bool {
        text.contains(Self::MARK)
    }
}

fn text_leaves(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if !s.is_empty() => out.push(s.clone()),
        Value::Number(n) => out.push(format_number(*n)),
        Value::List(items) => items.iter().for_each(|v| text_leaves(v, out)),
        Value::Object(map) => map.values().for_each(|v| text_leaves(v, out)),
        _ => {}
    }
}
