//! Graphviz DOT rendering of a [`DeletionGraph`].

use crate::deletion_graph::DeletionGraph;

impl DeletionGraph {
    /// DOT text: nodes grouped by wave (same rank), edges in deletion
    /// order, each labelled with every reason it exists.
    pub fn to_dot(&self) -> String {
        let mut out = String::from(
            "// decom deletion graph: an edge A -> B means A is deleted before B.\n\
             digraph decom {\n  rankdir = LR;\n  node [shape = box, fontname = \"monospace\"];\n  edge [fontsize = 10];\n",
        );
        for (i, wave) in self.waves().iter().enumerate() {
            out.push_str(&format!("  subgraph wave_{} {{\n    rank = same;\n", i + 1));
            for address in wave {
                let name = quote(&address.to_string());
                out.push_str(&format!("    {name} [tooltip = \"wave {}\"];\n", i + 1));
            }
            out.push_str("  }\n");
        }
        for (before, after, reasons) in self.edges() {
            let label = reasons
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join("\n");
            out.push_str(&format!(
                "  {} -> {} [label = {}];\n",
                quote(&before.to_string()),
                quote(&after.to_string()),
                quote(&label)
            ));
        }
        out.push_str("}\n");
        out
    }
}

/// A DOT double-quoted string: `"` and `\` escaped, newlines as `\n`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}
