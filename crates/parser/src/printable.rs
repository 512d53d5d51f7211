//! Text from anyone (manifest values, live names, AWS's error messages)
//! made safe to print on a terminal: a control character could set the
//! window title, clear the screen or move the cursor, and so hide or forge
//! what the user reads.

use std::borrow::Cow;
use std::fmt::Write;

/// Control characters (C0, DEL, C1), the Unicode line and paragraph
/// separators, and the bidirectional controls: they end a line, are not
/// seen on a terminal, or reorder what is seen around them so that text
/// reads as other text ("Trojan Source").
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' // line and paragraph separators
                | '\u{061c}' | '\u{200e}' | '\u{200f}' // bidi marks
                | '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
                | '\u{2066}'..='\u{2069}' // bidi isolates
        )
}

/// `text` with every character a terminal would act on (an escape, a
/// carriage return; not a newline or tab) written as `\u{1b}`.
pub fn printable(text: &str) -> String {
    let acted_on = |_, c| is_invisible(c) && !matches!(c, '\n' | '\t');
    escaped(text, acted_on, rust_escape).into_owned()
}

/// [`printable`] for text shown inside one line: a newline or tab in it
/// is escaped too.
pub fn printable_in_line(text: &str) -> String {
    escaped(text, |_, c| is_invisible(c), rust_escape).into_owned()
}

/// `text` as it may reach a terminal, whatever it quotes: [`printable`],
/// except that a CR ending a line is kept and, where `keep_colors`,
/// so are the colour and weight sequences decom writes itself ([`is_sgr`]).
/// Nothing else (a cursor move, a screen clear, a window title, a link,
/// hidden or black-on-black text) gets through. Borrowed when nothing is
/// escaped, as nearly always.
pub fn for_terminal(text: &str, keep_colors: bool) -> Cow<'_, str> {
    let acted_on = |at: usize, c: char| {
        is_invisible(c)
            && !matches!(c, '\n' | '\t')
            && !(c == '\r' && text[at + 1..].starts_with('\n'))
            && !(c == '\u{1b}' && keep_colors && is_sgr(&text[at + 1..]))
    };
    escaped(text, acted_on, rust_escape)
}

/// Whether `rest` (what follows an ESC) is `[PARAMS m` with only the
/// parameters decom's styles use (through anstyle, miette and clap):
/// reset, bold, dim, underline, and a foreground of red to cyan. Not
/// conceal, reverse, a background, black or white: text from anyone
/// with one of those could hide what follows on the user's terminal.
fn is_sgr(rest: &str) -> bool {
    const OURS: [&str; 14] = [
        "", "0", "1", "2", "4", "22", "24", "31", "32", "33", "34", "35", "36", "39",
    ];
    let Some(params) = rest.strip_prefix('[') else {
        return false;
    };
    let Some(end) = params.find(|c: char| !(c.is_ascii_digit() || c == ';')) else {
        return false;
    };
    params[end..].starts_with('m') && params[..end].split(';').all(|p| OURS.contains(&p))
}

/// JSON text (from `serde_json`, which escapes only C0 controls) with
/// every other invisible character inside its strings written as a JSON
/// `\uNNNN` escape: the same value, and nothing a terminal acts on.
pub fn json_for_terminal(json: &str) -> Cow<'_, str> {
    let acted_on = |_, c| is_invisible(c) && !matches!(c, '\n' | '\t' | '\r');
    // Every invisible character is in the Basic Multilingual Plane.
    let json_escape = |out: &mut String, c: char| {
        let _ = write!(out, "\\u{:04x}", u32::from(c));
    };
    escaped(json, acted_on, json_escape)
}

/// `text` with each character `acted_on` (by its byte offset) written by
/// `escape`; borrowed when there is none, as nearly always.
fn escaped(
    text: &str,
    acted_on: impl Fn(usize, char) -> bool,
    escape: impl Fn(&mut String, char),
) -> Cow<'_, str> {
    // Nearly all text is printable ASCII and line breaks: one pass over
    // its bytes (a plan of 10,000 resources is megabytes) before any
    // char is decoded. `at` is a char boundary: the byte is ASCII.
    let plain = |(at, b): (usize, u8)| {
        (0x20..0x7f).contains(&b) || (matches!(b, b'\n' | b'\t') && !acted_on(at, char::from(b)))
    };
    if text.bytes().enumerate().all(plain) || !text.char_indices().any(|(at, c)| acted_on(at, c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (at, c) in text.char_indices() {
        if acted_on(at, c) {
            escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `\u{1b}`, as Rust writes it.
fn rust_escape(out: &mut String, c: char) {
    out.extend(c.escape_unicode());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_acts_on_and_keeps_the_rest() {
        let hostile = "a\u{1b}]0;t\u{7}\u{1b}[2J\rb\u{9b}c\u{2028}";
        let shown = printable(hostile);
        assert!(!shown
            .chars()
            .any(|c| is_invisible(c) && c != '\n' && c != '\t'));
        assert_eq!(
            shown,
            "a\\u{1b}]0;t\\u{7}\\u{1b}[2J\\u{d}b\\u{9b}c\\u{2028}"
        );
        assert_eq!(printable("plain\tand\nlines é"), "plain\tand\nlines é");
        assert_eq!(printable_in_line("a\nb\tc é"), "a\\u{a}b\\u{9}c é");
    }

    #[test]
    fn a_terminal_gets_colours_at_most() {
        let hostile = "a\u{1b}[31mred\u{1b}[0m \u{1b}[2J\u{1b}]8;;http://x\u{7}l \u{202e}cba\r\n";
        assert_eq!(
            for_terminal(hostile, true),
            "a\u{1b}[31mred\u{1b}[0m \\u{1b}[2J\\u{1b}]8;;http://x\\u{7}l \\u{202e}cba\r\n"
        );
        assert_eq!(
            for_terminal(hostile, false),
            "a\\u{1b}[31mred\\u{1b}[0m \\u{1b}[2J\\u{1b}]8;;http://x\\u{7}l \\u{202e}cba\r\n"
        );
        assert!(matches!(
            for_terminal("plain\tline\n", false),
            Cow::Borrowed(_)
        ));
        assert_eq!(for_terminal("lone\rcr", true), "lone\\u{d}cr");
        // Colours that hide text are not decom's: escaped.
        for hiding in [
            "\u{1b}[8m",
            "\u{1b}[30;40m",
            "\u{1b}[7m",
            "\u{1b}[38;2;0;0;0m",
        ] {
            assert!(
                for_terminal(hiding, true).starts_with("\\u{1b}["),
                "{hiding:?}"
            );
        }
        assert_eq!(
            for_terminal("\u{1b}[1;31mx\u{1b}[m", true),
            "\u{1b}[1;31mx\u{1b}[m"
        );
    }

    #[test]
    fn json_keeps_its_value_and_loses_what_a_terminal_acts_on() {
        let value = serde_json::json!({"a": "x\u{1b}\u{9b}\u{7f}\u{202e}y\n"});
        let text = format!("{value:#}");
        let shown = json_for_terminal(&text);
        assert!(
            !shown.chars().any(|c| is_invisible(c) && c != '\n'),
            "{shown}"
        );
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap_or_default();
        assert_eq!(back, value);
    }
}
