//! Terminal rendering of [`Diagnostics`] through miette's graphical
//! handler: `error: message`, the `file:line:column`, the source snippet
//! with the span underlined, the label, and `help: ...`.
//!
//! Exists to keep presentation separate from the diagnostics themselves;
//! without color the output is plain ASCII with no escape codes, so it is
//! safe for CI logs and for tests to match on.

use std::fmt;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    SourceCode, ThemeCharacters, ThemeStyles,
};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::printable::printable;
use crate::snippet::{ceil_boundary, floor_boundary, Window};

/// One diagnostic in the shape miette wants.
#[derive(Debug)]
struct Rendered {
    message: String,
    source: Option<Window>,
    label: Option<LabeledSpan>,
    help: Option<String>,
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl MietteDiagnostic for Rendered {
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.label
            .clone()
            .map(|l| Box::new(std::iter::once(l)) as Box<dyn Iterator<Item = LabeledSpan>>)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.clone()) as Box<dyn fmt::Display>)
    }
}

fn to_rendered(diags: &Diagnostics, d: &Diagnostic) -> Rendered {
    let mut r = Rendered {
        message: printable(&d.message),
        source: None,
        label: None,
        help: d.help.as_deref().map(printable),
    };
    if let Some(span) = d.span {
        if let Some((_, file)) = diags.sources.files().find(|(id, _)| *id == span.file) {
            let text = &file.text;
            let start = floor_boundary(text, span.start);
            let end = ceil_boundary(text, span.end.max(start));
            let window = Window::around(
                printable(&file.path.display().to_string()),
                text,
                start,
                end,
            );
            r.label = Some(LabeledSpan::new_primary_with_span(
                Some(
                    d.label
                        .as_deref()
                        .map_or_else(|| "here".to_string(), printable),
                ),
                window.span(start, end),
            ));
            r.source = Some(window.printable());
        }
    }
    r
}

pub(crate) fn render(diags: &Diagnostics, color: bool) -> String {
    let theme = if color {
        let mut t = GraphicalTheme::unicode();
        t.characters.error = "error:".to_string();
        t
    } else {
        let mut characters = ThemeCharacters::ascii();
        characters.error = "error:".to_string();
        GraphicalTheme {
            characters,
            styles: ThemeStyles::none(),
        }
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_wrap_lines(false)
        .with_context_lines(1);
    let mut out = String::new();
    for (i, d) in diags.items.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let r = to_rendered(diags, d);
        let mut one = String::new();
        if handler.render_report(&mut one, &r).is_err() {
            one = format!("error: {}\n", printable(&d.message));
        }
        out.push_str(&one);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}
