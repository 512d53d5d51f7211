//! Text from anyone (manifest values, live names, AWS's error messages)
//! made safe to print on a terminal: a control character could set the
//! window title, clear the screen or move the cursor, and so hide or forge
//! what the user reads.

/// Control characters (C0, DEL, C1) and the Unicode line and paragraph
/// separators: they end a line, or are not seen on a terminal.
pub fn is_invisible(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `text` with every character a terminal would act on (an escape, a
/// carriage return; not a newline or tab) written as `\u{1b}`.
pub fn printable(text: &str) -> String {
    escaped(text, |c| is_invisible(c) && !matches!(c, '\n' | '\t'))
}

/// [`printable`] for text shown inside one line: a newline or tab in it
/// is escaped too.
pub fn printable_in_line(text: &str) -> String {
    escaped(text, is_invisible)
}

fn escaped(text: &str, escape: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
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
}
