//! Hiding the values of `sensitive` variables from everything decom
//! writes: terminal output, `--json`, plan files and the journal.
//!
//! A sensitive value reaches output by many roads: as a manifest value
//! (`name = "scn-${var.token}"`), through a function (`upper(var.token)`),
//! inside a live ARN AWS built from that name, inside an AWS error message,
//! in another case than it was written. So the hiding is done on the text
//! that leaves the process, not on the manifest's values: every occurrence
//! of a sensitive value, or of a string evaluated from one, in any letter
//! case, is replaced by [`Redaction::MARK`].

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::eval::format_number;
use crate::{writer, Manifest, Value};

/// Values of fewer characters than this are not hidden: they would match inside
/// unrelated text (a region, a date) and make output unreadable. Such a
/// variable gets a warning instead; see [`Redaction::too_short`].
pub const MIN_HIDDEN_LEN: usize = 4;

/// The sensitive values of one manifest, and how to hide them.
#[derive(Debug, Clone, Default)]
pub struct Redaction {
    /// Longest first, so a value containing another is hidden whole.
    secrets: Vec<String>,
    too_short: Vec<String>,
    /// A value derived from a sensitive one is too short to hide.
    derived_too_short: bool,
    /// Finds any secret, ignoring ASCII case (other letters: the secrets'
    /// upper- and lower-case forms are searched for too). `None`: no secrets.
    matcher: Option<AhoCorasick>,
}

impl PartialEq for Redaction {
    fn eq(&self, other: &Self) -> bool {
        self.secrets == other.secrets
            && self.too_short == other.too_short
            && self.derived_too_short == other.derived_too_short
    }
}

impl Eq for Redaction {}

impl Redaction {
    /// What a hidden value is replaced by.
    pub const MARK: &'static str = "(sensitive)";

    /// The string and number leaves of every `sensitive` variable, and
    /// every string evaluated from one ([`Manifest::sensitive_values`]).
    pub fn of(manifest: &Manifest) -> Redaction {
        let variables = manifest
            .variables
            .iter()
            .filter(|v| v.sensitive)
            .map(|v| (v.name.as_str(), &v.value));
        Redaction::from_values(variables, &manifest.sensitive_values)
    }

    /// Hides the leaves of each `(name, value)` of a sensitive variable
    /// and each `derived` string long enough to hide (warning about those
    /// too short to hide).
    pub(crate) fn from_values<'v>(
        variables: impl Iterator<Item = (&'v str, &'v Value)>,
        derived: &[String],
    ) -> Redaction {
        let mut secrets = Vec::new();
        let mut too_short = Vec::new();
        for (name, value) in variables {
            let mut leaves = Vec::new();
            text_leaves(value, &mut leaves);
            let (hidden, short): (Vec<String>, Vec<String>) = leaves
                .into_iter()
                .partition(|l| l.chars().count() >= MIN_HIDDEN_LEN);
            if !short.is_empty() {
                too_short.push(name.to_string());
            }
            secrets.extend(hidden);
        }
        let (long, short): (Vec<&String>, Vec<&String>) = derived
            .iter()
            .filter(|d| !d.is_empty())
            .partition(|d| d.chars().count() >= MIN_HIDDEN_LEN);
        secrets.extend(long.into_iter().cloned());
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        secrets.dedup();
        let matcher = matcher(&secrets);
        Redaction {
            secrets,
            too_short,
            derived_too_short: !short.is_empty(),
            matcher,
        }
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

    /// Whether a value derived from a sensitive variable (`substr(var.token,
    /// 0, 3)`, `length(var.keys)`) is too short to hide: the caller warns.
    pub fn derived_too_short(&self) -> bool {
        self.derived_too_short
    }

    /// `text` with every sensitive value (in any letter case) replaced by
    /// [`Redaction::MARK`].
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Some(matcher) = &self.matcher else {
            return Cow::Borrowed(text);
        };
        if !matcher.is_match(text) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        matcher.replace_all_with(text, &mut out, |_, _, dst| {
            dst.push_str(Self::MARK);
            true
        });
        Cow::Owned(out)
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

/// One automaton for all secrets: the longest match wins, so a value
/// containing another is hidden whole. ASCII letters match in any case;
/// for other letters the upper- and lower-case forms are patterns too.
fn matcher(secrets: &[String]) -> Option<AhoCorasick> {
    if secrets.is_empty() {
        return None;
    }
    let mut patterns: Vec<String> = Vec::with_capacity(secrets.len());
    for secret in secrets {
        // Also as written inside an HCL string literal (a plan shows
        // `name = "a\"b"`), so escaping cannot keep a value from being found.
        let escaped = writer::escape(secret);
        let forms = if escaped == *secret {
            vec![escaped]
        } else {
            vec![secret.clone(), escaped]
        };
        for form in forms {
            let cased = (!form.is_ascii()).then(|| [form.to_lowercase(), form.to_uppercase()]);
            patterns.push(form);
            patterns.extend(cased.into_iter().flatten());
        }
    }
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(&patterns)
        .ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn redaction(secrets: &[&str]) -> Redaction {
        let derived: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
        Redaction::from_values(std::iter::empty(), &derived)
    }

    #[test]
    fn hides_a_value_written_as_an_hcl_string() {
        let secret = "tok\"en\\${x}";
        let r = redaction(&[secret]);
        let written = format!("name = {}", writer::string(secret));
        assert_eq!(r.text(&written), "name = \"(sensitive)\"");
        assert_eq!(r.text(secret), "(sensitive)");
    }

    #[test]
    fn hides_in_any_case() {
        let r = redaction(&["s3cretToken"]);
        assert_eq!(
            r.text("a S3CRETTOKEN b s3crettoken c s3cretToken"),
            "a (sensitive) b (sensitive) c (sensitive)"
        );
    }

    #[test]
    fn hides_non_ascii_case_forms() {
        let r = redaction(&["geheimnis-ä"]);
        assert_eq!(r.text("x GEHEIMNIS-Ä y"), "x (sensitive) y");
    }

    #[test]
    fn the_longest_secret_is_hidden_whole() {
        let r = redaction(&["token", "dx-token-1"]);
        assert_eq!(
            r.text("dx-token-1 and token"),
            "(sensitive) and (sensitive)"
        );
    }

    #[test]
    fn nothing_to_hide_borrows() {
        assert!(matches!(Redaction::default().text("abc"), Cow::Borrowed(_)));
        assert!(matches!(redaction(&["wxyz"]).text("abc"), Cow::Borrowed(_)));
    }
}
