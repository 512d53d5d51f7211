//! The part of a file a diagnostic shows.
//!
//! Exists because a diagnostic must stay a few lines whatever the file: a
//! 64 MiB manifest must not be copied once per diagnostic, and a syntax
//! error in a 200 KB line (100,000 nested brackets) must not print that
//! line. A [`Window`] holds the span's line with one line of context, or,
//! for a long line, a cut of it around the span, and reports line and
//! column numbers as they are in the whole file.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Lines longer than this (in bytes) are cut around the span.
const LONG_LINE: usize = 240;

/// A span over more bytes than this is shown by its first line only.
const LONG_SPAN: usize = 16 * 1024;

/// Bytes kept on each side of the span in a cut line.
const CUT_MARGIN: usize = 80;

/// A piece of a file, with its place in the file.
#[derive(Debug)]
pub(crate) struct Window {
    name: String,
    text: String,
    /// Where [`Self::printable`] replaced characters, the text as it was
    /// (the same bytes' length): what columns are counted in.
    as_written: Option<String>,
    /// 0-based line number of the window's first line in the file.
    first_line: usize,
    /// Characters of the first line that lie before the window.
    first_column: usize,
    /// Where the window starts in the file.
    start: usize,
}

impl Window {
    /// The window around the byte range `start..end` of `text` (both on
    /// char boundaries, `start <= end`).
    pub fn around(name: String, text: &str, start: usize, end: usize) -> Window {
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let (from, to) = if line_end - line_start > LONG_LINE {
            (
                floor_boundary(text, start.saturating_sub(CUT_MARGIN).max(line_start)),
                ceil_boundary(text, end.saturating_add(CUT_MARGIN).min(line_end)),
            )
        } else {
            // One line of context on each side, as the renderer shows; a
            // span over several lines is shown whole unless that is long.
            let from = if line_start == 0 {
                0
            } else {
                text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1)
            };
            let last_line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
            let mut to = line_after(text, last_line_end);
            if to - from > LONG_SPAN {
                to = line_after(text, line_end);
            }
            (from, to)
        };
        // A CRLF file's last line shown ends at its CR, not a `?` for it.
        let to = if to > end && text[..to].ends_with('\r') {
            to - 1
        } else {
            to
        };
        Window {
            name,
            text: text[from..to].to_string(),
            as_written: None,
            first_line: text[..from].matches('\n').count(),
            first_column: text[text[..from].rfind('\n').map_or(0, |i| i + 1)..from]
                .chars()
                .count(),
            start: from,
        }
    }

    /// The window with each character a terminal would act on (an
    /// escape; a carriage return not ending a line) shown as `?`s of its
    /// length in bytes, so that spans stay where they were: a source line
    /// is printed as it is.
    pub fn printable(mut self) -> Window {
        let mut shown = String::with_capacity(self.text.len());
        let mut chars = self.text.chars().peekable();
        while let Some(c) = chars.next() {
            let line_end = c == '\n' || (c == '\r' && chars.peek() == Some(&'\n'));
            if crate::printable::is_invisible(c) && c != '\t' && !line_end {
                shown.extend(std::iter::repeat_n('?', c.len_utf8()));
            } else {
                shown.push(c);
            }
        }
        if shown != self.text {
            self.as_written = Some(std::mem::replace(&mut self.text, shown));
        }
        self
    }

    /// `start..end` of the file as (offset, length) in the window, cut to
    /// the window.
    pub fn span(&self, start: usize, end: usize) -> (usize, usize) {
        let from = start.saturating_sub(self.start).min(self.text.len());
        let to = end.saturating_sub(self.start).clamp(from, self.text.len());
        (from, to - from)
    }

    /// The 0-based column in the file of the window's byte `at`, in
    /// characters (miette counts bytes: `éééé` moved a column by 4).
    fn column_at(&self, at: usize) -> usize {
        let text = self.as_written.as_deref().unwrap_or(&self.text);
        let at = floor_boundary(text, at);
        match text[..at].rfind('\n') {
            Some(i) => text[i + 1..at].chars().count(),
            None => self.first_column + text[..at].chars().count(),
        }
    }

    /// The window's text on one line (for `--json`'s snippet).
    pub fn span_line(&self, at: usize) -> &str {
        let at = at.min(self.text.len());
        let from = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        let to = self.text[at..]
            .find('\n')
            .map_or(self.text.len(), |i| at + i);
        self.text[from..to].trim_end_matches('\r')
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        let column = if context_lines_before == 0 {
            self.column_at(span.offset())
        } else {
            inner.column() // 0: the context starts a line
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

/// The end of the line after the one ending at `line_end`.
fn line_after(text: &str, line_end: usize) -> usize {
    match text.get(line_end + 1..).and_then(|t| t.find('\n')) {
        Some(i) => line_end + 1 + i,
        None => text.len(),
    }
}

pub(crate) fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(crate) fn ceil_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_line_keeps_one_line_of_context() {
        let text = "a\nb\nc = 1\nd\ne\n";
        let at = text.find("1").unwrap();
        let w = Window::around("f".into(), text, at, at + 1);
        assert_eq!(w.text, "b\nc = 1\nd");
        assert_eq!((w.first_line, w.first_column), (1, 0));
        assert_eq!(w.span_line(w.span(at, at + 1).0), "c = 1");
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let text = format!("x = {}1{}\n", "(".repeat(10_000), ")".repeat(10_000));
        let at = text.find('1').unwrap();
        let w = Window::around("f".into(), &text, at, at + 1);
        assert!(w.text.len() <= 2 * CUT_MARGIN + 1, "{}", w.text.len());
        assert_eq!(w.first_line, 0);
        assert_eq!(w.first_column, at - CUT_MARGIN);
        let contents = w.read_span(&(w.span(at, at + 1).into()), 0, 0).unwrap();
        assert_eq!(contents.column(), at);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "resource \"x\" \"y\" {\n  name = \"\u{e9}\u{e9}\u{e9}\u{e9}-${var.nope}\"\n}\n";
        let at = text.find("var.nope").unwrap();
        let w = Window::around("f".into(), text, at, at + 8);
        let contents = w.read_span(&(w.span(at, at + 8).into()), 0, 0).unwrap();
        assert_eq!((contents.line(), contents.column()), (1, 17));
        let long = format!("x = \"{}{}\"\n", "\u{e9}".repeat(300), "${var.nope}");
        let at = long.find("var.nope").unwrap();
        let w = Window::around("f".into(), &long, at, at + 8);
        let contents = w.read_span(&(w.span(at, at + 8).into()), 0, 0).unwrap();
        assert_eq!(contents.column(), 5 + 300 + 2);
        // Shown as `?`s, an invisible character is still one column.
        let text = "x = \"\u{202e}\u{202e}-${var.nope}\"\n";
        let at = text.find("var.nope").unwrap();
        let w = Window::around("f".into(), text, at, at + 8).printable();
        let contents = w.read_span(&(w.span(at, at + 8).into()), 0, 0).unwrap();
        assert_eq!(contents.column(), 5 + 2 + 3);
    }
}
