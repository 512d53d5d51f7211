//! Whether to colour output: never with `--no-color`, `NO_COLOR` or when
//! the stream is not a terminal.

use std::io::IsTerminal;

#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Colour on stdout (plans, progress).
    pub stdout_color: bool,
    /// Colour on stderr (diagnostics).
    pub stderr_color: bool,
}

impl Style {
    pub fn detect(no_color_flag: bool) -> Style {
        let allowed = !no_color_flag && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Style {
            stdout_color: allowed && std::io::stdout().is_terminal(),
            stderr_color: allowed && std::io::stderr().is_terminal(),
        }
    }
}
