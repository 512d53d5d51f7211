//! The one HCL writer. Everything decom writes in its own language goes
//! through here: `decom discover`'s manifests, the resource block a
//! blocker diagnostic suggests, the attribute values a plan shows. So a
//! value is quoted and escaped one way everywhere, and what is written
//! parses back to the same value.
//!
//! Built on hcl-rs: attributes are `hcl::Attribute`s and references
//! `hcl::Traversal`s, formatted by `hcl::format`. This module adds what
//! hcl-rs does not do: `=` aligned in a run of attributes as
//! `terraform fmt` aligns it, and comments (hcl-rs's structures have
//! none). It also escapes string literals itself: hcl-rs 0.20 misses a
//! marker right after another `$` or `%` once it has seen one (the value
//! `${a} $${b}` is written `"$${a} $${b}"`, which reads back as
//! `${a} ${b}`), and writes DEL, C1 controls and line separators raw.

use std::fmt::{self, Write as _};

use hcl::expr::{Expression, TemplateExpr, Traversal, Variable};
use hcl::{Attribute, Identifier};

use crate::manifest::{Address, InstanceKey};
use crate::printable::is_invisible;

/// The HCL string literal of `text`, quotes included.
pub fn string(text: &str) -> String {
    expression(&literal(text))
}

/// A one-line comment, `# text`. Every character that could end the line
/// (or that a terminal would act on) becomes a space, so nothing in `text`
/// can escape the comment and be read as HCL.
pub fn comment(text: &str) -> String {
    let line: String = text
        .chars()
        .map(|c| if is_invisible(c) { ' ' } else { c })
        .collect();
    format!("# {line}")
}

/// A valid HCL block label (and identifier) from a live name: lowercase,
/// `_` for anything else, never starting with a digit.
pub fn block_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "r_");
    }
    out
}

/// A reference expression (`aws_dx_connection.nyc.id`): written bare,
/// never quoted.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference(Traversal);

impl Reference {
    /// `TYPE.NAME.ATTRIBUTE`, with the instance key (`TYPE.NAME["key"]...`)
    /// of a `count` or `for_each` instance.
    pub fn to_resource(address: &Address, attribute: &str) -> Reference {
        let root = Traversal::builder(Variable::sanitized(address.resource_type.name()))
            .attr(Identifier::sanitized(&address.name));
        let keyed = match &address.key {
            None => root,
            Some(InstanceKey::Index(i)) => root.index(*i as u64),
            Some(InstanceKey::Key(k)) => root.index(literal(k)),
        };
        Reference(keyed.attr(Identifier::sanitized(attribute)).build())
    }

    /// `aws.ALIAS`: a provider configuration other than the default one.
    pub fn to_provider(alias: &str) -> Reference {
        Reference(
            Traversal::builder(Variable::sanitized("aws"))
                .attr(Identifier::sanitized(alias))
                .build(),
        )
    }
}

/// `key = value` lines, the `=` aligned as `terraform fmt` aligns a run of
/// one-line attributes. Displays without indentation, one line each.
#[derive(Debug, Clone, Default)]
pub struct Attributes(Vec<Attribute>);

impl Attributes {
    /// No attributes yet.
    pub fn new() -> Attributes {
        Attributes::default()
    }

    /// Adds `key = "value"`.
    pub fn string(mut self, key: &str, value: &str) -> Attributes {
        self.0.push(Attribute::new(key, literal(value)));
        self
    }

    /// Adds `key = reference`.
    pub fn reference(mut self, key: &str, to: Reference) -> Attributes {
        self.0.push(Attribute::new(key, to.0));
        self
    }

    fn write(&self, out: &mut fmt::Formatter<'_>, indent: &str) -> fmt::Result {
        let width = self.0.iter().map(|a| a.key.len()).max().unwrap_or(0);
        for a in &self.0 {
            let key = a.key.as_str();
            writeln!(out, "{indent}{key:<width$} = {}", expression(&a.expr))?;
        }
        Ok(())
    }
}

impl fmt::Display for Attributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, "")
    }
}

/// A block with one-line attributes: comments above it, `kind "label"... {`,
/// the attributes, comments after them (notes), `}`. Displays without a
/// trailing newline.
#[derive(Debug, Clone)]
pub struct Block {
    comments: Vec<String>,
    kind: Identifier,
    labels: Vec<String>,
    attributes: Attributes,
    notes: Vec<String>,
}

impl Block {
    /// `kind "label"... { }`; labels are written as string literals.
    pub fn new(kind: &str, labels: &[&str]) -> Block {
        Block {
            comments: Vec::new(),
            kind: Identifier::sanitized(kind),
            labels: labels.iter().map(|l| string(l)).collect(),
            attributes: Attributes::new(),
            notes: Vec::new(),
        }
    }

    /// Adds a comment line above the block (see [`comment`]).
    pub fn comment(mut self, text: &str) -> Block {
        self.comments.push(comment(text));
        self
    }

    /// Adds `key = "value"`.
    pub fn string(mut self, key: &str, value: &str) -> Block {
        self.attributes = self.attributes.string(key, value);
        self
    }

    /// Adds `key = reference`.
    pub fn reference(mut self, key: &str, to: Reference) -> Block {
        self.attributes = self.attributes.reference(key, to);
        self
    }

    /// Adds a comment line inside the block, after the attributes.
    pub fn note(mut self, text: &str) -> Block {
        self.notes.push(comment(text));
        self
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.comments {
            writeln!(f, "{c}")?;
        }
        write!(f, "{}", self.kind)?;
        for l in &self.labels {
            write!(f, " {l}")?;
        }
        writeln!(f, " {{")?;
        self.attributes.write(f, "  ")?;
        for n in &self.notes {
            writeln!(f, "  {n}")?;
        }
        write!(f, "}}")
    }
}

/// One expression as hcl-rs formats it.
fn expression(expr: &Expression) -> String {
    // hcl-rs formats into a Vec<u8>: the only error it can return is an I/O
    // error of that Vec, which never happens.
    hcl::format::to_string(expr).expect("formatting into memory cannot fail")
}

/// The string literal of `text`, escaped here (see the module docs) and
/// written by hcl-rs as it is.
fn literal(text: &str) -> Expression {
    Expression::from(TemplateExpr::QuotedString(escape(text)))
}

/// `text` as the inside of a string literal: `"` and `\` escaped, `${`
/// and `%{` doubled so they are literal text, and every control character
/// and line separator escaped (`\n`, `\r`, `\t`, else `\uNNNN`).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if is_invisible(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ResourceType;
    use hcl::eval::{Context, Evaluate};

    /// Strings that HCL treats specially, and some that it does not.
    const HOSTILE: &[&str] = &[
        "",
        "plain",
        "say \"hi\"",
        "back\\slash\\",
        "two\nlines\r\n",
        "tab\there",
        "${var.secret}",
        "%{ if true }yes%{ endif }",
        "$${already} %%{doubled}",
        "$$${x}",
        "ends with $",
        "ends with %",
        "$ { not a marker } % {",
        "東京 ünïcödé 🚀",
        "esc\u{1b}[31mred\u{7}",
        "del\u{7f} c1\u{85}\u{9b} sep\u{2028}\u{2029}",
        "# not a comment",
        "*/ /* // <<EOF",
    ];

    /// `text` parsed with hcl-rs: its blocks' (labels, attributes) and the
    /// attribute values evaluated (references are kept as expressions).
    fn parse_block(text: &str) -> (Vec<String>, Vec<(String, Expression)>) {
        let body = hcl::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let block = body.blocks().next().expect("one block");
        let labels = block
            .labels
            .iter()
            .map(|l| l.as_str().to_string())
            .collect();
        let attrs = block
            .body
            .attributes()
            .map(|a| (a.key.to_string(), a.expr.clone()))
            .collect();
        (labels, attrs)
    }

    fn evaluated(expr: &Expression) -> hcl::Value {
        expr.evaluate(&Context::new())
            .unwrap_or_else(|e| panic!("{e}: {expr:?}"))
    }

    #[test]
    fn strings_escape_quotes_backslashes_controls_and_template_markers() {
        assert_eq!(string("plain"), "\"plain\"");
        assert_eq!(string("a\"b"), r#""a\"b""#);
        assert_eq!(string("a\\b"), r#""a\\b""#);
        assert_eq!(string("a\nb\r\tc"), r#""a\nb\r\tc""#);
        assert_eq!(string("${x}"), r#""$${x}""#);
        assert_eq!(string("%{x}"), r#""%%{x}""#);
        assert_eq!(string("$${x}"), r#""$$${x}""#);
        assert_eq!(string("$ {x} % {y}"), r#""$ {x} % {y}""#);
        // Markers right after a `$` or `%`, which hcl-rs 0.20 leaves alone.
        assert_eq!(string("a ${b} %%{c}"), r#""a $${b} %%%{c}""#);
        assert_eq!(string("$%{x}"), r#""$%%{x}""#);
        assert_eq!(string("\u{1b}[0m"), r#""\u001B[0m""#);
        assert_eq!(
            string("a\u{7f}\u{85}\u{2028}b"),
            r#""a\u007F\u0085\u2028b""#
        );
        assert_eq!(string("東京 🚀"), "\"東京 🚀\"");
    }

    #[test]
    fn every_string_round_trips_through_hcl_rs() {
        for &value in HOSTILE {
            let text = Block::new("resource", &["aws_dx_connection", value])
                .string("id", value)
                .to_string();
            let (labels, attrs) = parse_block(&text);
            assert_eq!(labels, ["aws_dx_connection", value], "{text}");
            assert_eq!(attrs.len(), 1, "{text}");
            assert_eq!(
                evaluated(&attrs[0].1),
                hcl::Value::String(value.to_string()),
                "{text}"
            );
            let shown = string(value);
            assert!(
                !shown.chars().any(is_invisible),
                "nothing invisible is written raw: {shown:?}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

        /// Any string, as a label and as a value, reads back unchanged; any
        /// comment stays one comment line.
        #[test]
        fn any_string_round_trips_and_any_comment_stays_a_comment(value in "(?s).{0,40}|[$%{}\\\\\"\n]{0,12}") {
            let text = Block::new("resource", &["aws_dx_connection", &value])
                .comment(&value)
                .string("id", &value)
                .to_string();
            let (labels, attrs) = parse_block(&text);
            proptest::prop_assert_eq!(&labels[1], &value, "{}", text);
            proptest::prop_assert_eq!(evaluated(&attrs[0].1), hcl::Value::String(value.clone()));
            proptest::prop_assert_eq!(text.lines().count(), 4, "{}", text);
        }
    }

    #[test]
    fn decom_reads_back_every_string_it_writes() {
        for &value in HOSTILE.iter().filter(|v| !v.is_empty()) {
            let text = Block::new(
                "resource",
                &["aws_supplychain_instance", &block_name(value)],
            )
            .comment(value)
            .string("id", value)
            .to_string();
            let manifest = crate::load_source(
                std::path::Path::new("written.hcl"),
                text.as_bytes(),
                &crate::VariableInputs::default(),
            )
            .unwrap_or_else(|e| panic!("{}\n{text}", e.render(false)));
            assert_eq!(manifest.resources.len(), 1, "{text}");
            assert_eq!(
                manifest.resources[0].identity.value,
                crate::Knowable::Known(value.to_string()),
                "{text}"
            );
        }
    }

    #[test]
    fn references_are_traversals_with_escaped_keys() {
        let mut address = Address {
            resource_type: ResourceType::AppRunnerService,
            name: "web".into(),
            key: None,
        };
        let plain = Reference::to_resource(&address, "arn");
        address.key = Some(InstanceKey::Index(3));
        let indexed = Reference::to_resource(&address, "arn");
        address.key = Some(InstanceKey::Key("a\"${b}\n".into()));
        let keyed = Reference::to_resource(&address, "arn");
        let text = Block::new("resource", &["aws_apprunner_vpc_ingress_connection", "x"])
            .reference("plain", plain.clone())
            .reference("indexed", indexed.clone())
            .reference("keyed", keyed.clone())
            .reference("provider", Reference::to_provider("us_west_2"))
            .to_string();
        assert_eq!(
            text,
            "resource \"aws_apprunner_vpc_ingress_connection\" \"x\" {\n  plain    = aws_apprunner_service.web.arn\n  indexed  = aws_apprunner_service.web[3].arn\n  keyed    = aws_apprunner_service.web[\"a\\\"$${b}\\n\"].arn\n  provider = aws.us_west_2\n}"
        );
        let (_, attrs) = parse_block(&text);
        let parsed: Vec<Expression> = attrs.into_iter().map(|(_, e)| e).collect();
        assert_eq!(
            parsed[..2],
            [Expression::from(plain.0), Expression::from(indexed.0)]
        );
        let Expression::Traversal(keyed_back) = &parsed[2] else {
            panic!("{:?}", parsed[2]);
        };
        let hcl::expr::TraversalOperator::Index(key) = &keyed_back.operators[1] else {
            panic!("{keyed_back:?}");
        };
        assert_eq!(evaluated(key), hcl::Value::from("a\"${b}\n"));
    }

    #[test]
    fn blocks_align_equals_and_keep_comments_on_one_line() {
        let text = Block::new("resource", &["aws_dx_virtual_interface", "vif"])
            .comment("status: available, tags: note=line one\nresource \"x\" \"y\" {")
            .comment("second\r\u{2028}line")
            .string("id", "dxvif-1")
            .string("connection_id", "dxcon-1")
            .note("not asserted\n}")
            .to_string();
        assert_eq!(
            text,
            "# status: available, tags: note=line one resource \"x\" \"y\" {\n# second  line\nresource \"aws_dx_virtual_interface\" \"vif\" {\n  id            = \"dxvif-1\"\n  connection_id = \"dxcon-1\"\n  # not asserted }\n}"
        );
        let body = hcl::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(body.blocks().count(), 1, "{text}");
        assert_eq!(body.attributes().count(), 0, "{text}");
    }

    #[test]
    fn attributes_display_aligned_lines_without_indent() {
        let text = Attributes::new()
            .string("arn", "arn:aws:x")
            .string("name", "say \"hi\"")
            .to_string();
        assert_eq!(text, "arn  = \"arn:aws:x\"\nname = \"say \\\"hi\\\"\"\n");
        assert_eq!(Attributes::new().to_string(), "");
    }

    #[test]
    fn block_names_are_identifiers() {
        assert_eq!(block_name("Shop-Web"), "shop_web");
        assert_eq!(block_name("9lives"), "r_9lives");
        assert_eq!(block_name(""), "r_");
        assert_eq!(block_name("東京 \"${x}\""), "______x__");
        for &name in HOSTILE {
            let label = block_name(name);
            assert!(Identifier::new(label.as_str()).is_ok(), "{label}");
        }
    }
}
