//! Terminal rendering of [`Diagnostics`] (placeholder until miette rendering lands).

use crate::diagnostic::Diagnostics;

pub(crate) fn render(diags: &Diagnostics, _color: bool) -> String {
    let mut out = String::new();
    for d in &diags.items {
        out.push_str(&format!("error: {}\n", d.message));
        if let Some(loc) = diags.location(d) {
            out.push_str(&format!("  --> {loc}\n"));
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("  help: {help}\n"));
        }
    }
    out
}
