//! Diagnostics: errors pointing at the manifest, rendered for a terminal
//! (snippet + caret, via miette) or as JSON.

use crate::snippet::{ceil_boundary, floor_boundary, Window};
use crate::source::{Location, SourceMap, Span};

/// One problem in the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub message: String,
    /// Where the problem is; `None` for problems with no place in a file
    /// (an unreadable path, a `--var` for an undeclared variable).
    pub span: Option<Span>,
    /// Short label shown under the caret.
    pub label: Option<String>,
    /// A one-line fix hint.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>, span: Option<Span>) -> Self {
        Diagnostic {
            message: message.into(),
            span,
            label: None,
            help: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// All problems found in one run, with the sources they point into.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    pub sources: SourceMap,
    pub items: Vec<Diagnostic>,
}

/// A diagnostic as `--json` prints it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JsonDiagnostic {
    pub severity: &'static str,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub snippet: Option<String>,
    pub help: Option<String>,
}

impl Diagnostics {
    pub fn location(&self, d: &Diagnostic) -> Option<Location> {
        d.span.map(|s| self.sources.location(s))
    }

    pub fn to_json(&self) -> Vec<JsonDiagnostic> {
        self.items
            .iter()
            .map(|d| {
                let loc = self.location(d);
                JsonDiagnostic {
                    severity: "error",
                    message: d.message.clone(),
                    file: loc.as_ref().map(|l| l.file.clone()),
                    line: loc.as_ref().map(|l| l.line),
                    column: loc.as_ref().map(|l| l.column),
                    snippet: d.span.map(|s| self.source_line(s)),
                    help: d.help.clone(),
                }
            })
            .collect()
    }

    /// The line of `span`'s start (cut around the span when long).
    fn source_line(&self, span: Span) -> String {
        let text = &self.sources.file(span.file).text;
        let start = floor_boundary(text, span.start);
        let end = ceil_boundary(text, span.end.max(start));
        let window = Window::around(String::new(), text, start, end);
        window.span_line(window.span(start, end).0).to_string()
    }

    /// Renders every diagnostic for a terminal: `error: message`, the
    /// `file:line:column`, a source snippet with a caret, and the hint.
    pub fn render(&self, color: bool) -> String {
        crate::diagnostic_render::render(self, color)
    }
}

impl std::fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(false))
    }
}
