//! The awsQuery wire (STS): parameters form-encoded in the body (or the query
//! string), answers in XML — `<OpResponse><OpResult>…</OpResult>
//! <ResponseMetadata><RequestId>…` on success and
//! `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>` on
//! error, as boto3's and the Rust SDK's STS clients parse them.

use hyper::http::request::Parts;

use crate::model::parse_query;
use crate::protocol::WireResponse;
use crate::scope::Scope;

/// The STS API version every request names.
pub(crate) const STS_VERSION: &str = "2011-06-15";

const XMLNS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// Whether a request speaks awsQuery to STS: signed for `sts`, or (unsigned)
/// form-encoded without an `X-Amz-Target`.
pub(crate) fn is_sts(parts: &Parts, scope: &Scope) -> bool {
    if let Some(service) = &scope.service {
        return service == "sts";
    }
    let header = |n: &str| parts.headers.get(n).and_then(|v| v.to_str().ok());
    header("x-amz-target").is_none()
        && header("content-type")
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
}

/// A request's parameters: the query string's, then the form body's.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn of(query: Option<&str>, body: &[u8]) -> Params {
        let mut all = parse_query(query.unwrap_or(""));
        all.extend(parse_query(&String::from_utf8_lossy(body)));
        Params(all)
    }

    /// The first value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One XML element of a result: text, or nested elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Xml {
    Text(&'static str, String),
    Group(&'static str, Vec<Xml>),
}

impl Xml {
    fn write(&self, out: &mut String) {
        match self {
            Xml::Text(name, value) => element(out, name, &escape(value)),
            Xml::Group(name, children) => {
                let mut inner = String::new();
                for c in children {
                    c.write(&mut inner);
                }
                element(out, name, &inner);
            }
        }
    }
}

fn element(out: &mut String, name: &str, inner: &str) {
    out.push_str(&format!("<{name}>{inner}</{name}>"));
}

/// Escapes text for an XML element.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// An awsQuery error: HTTP status, code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl QueryError {
    pub(crate) fn new(status: u16, code: &'static str, message: impl Into<String>) -> QueryError {
        QueryError {
            status,
            code,
            message: message.into(),
        }
    }
}

/// `<{operation}Response>` around `<{operation}Result>` with `fields`.
pub(crate) fn success(operation: &str, fields: &[Xml], request_id: &str) -> WireResponse {
    let mut result = String::new();
    for f in fields {
        f.write(&mut result);
    }
    let body = format!(
        "<{operation}Response xmlns=\"{XMLNS}\"><{operation}Result>{result}</{operation}Result>\
         <ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{operation}Response>"
    );
    response(200, body, request_id)
}

/// `<ErrorResponse>` for `error`; `Type` is `Receiver` for server faults.
pub(crate) fn failure(error: &QueryError, request_id: &str) -> WireResponse {
    let kind = if error.status >= 500 {
        "Receiver"
    } else {
        "Sender"
    };
    let body = format!(
        "<ErrorResponse xmlns=\"{XMLNS}\"><Error><Type>{kind}</Type><Code>{}</Code>\
         <Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
        error.code,
        escape(&error.message)
    );
    response(error.status, body, request_id)
}

fn response(status: u16, body: String, request_id: &str) -> WireResponse {
    WireResponse {
        status,
        headers: vec![
            ("content-type", "text/xml".to_owned()),
            ("x-amzn-requestid", request_id.to_owned()),
        ],
        body: format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_parameters_are_decoded() {
        let p = Params::of(
            Some("Version=2011-06-15"),
            b"Action=AssumeRole&RoleSessionName=a%2Bb&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fx",
        );
        assert_eq!(p.get("Action"), Some("AssumeRole"));
        assert_eq!(p.get("Version"), Some("2011-06-15"));
        assert_eq!(p.get("RoleSessionName"), Some("a+b"));
        assert_eq!(p.get("RoleArn"), Some("arn:aws:iam::1:role/x"));
        assert_eq!(p.get("ExternalId"), None);
    }

    #[test]
    fn xml_is_escaped_and_wrapped() {
        let r = success(
            "GetCallerIdentity",
            &[
                Xml::Text("Arn", "a<&>\"'".into()),
                Xml::Group("G", vec![Xml::Text("X", "1".into())]),
            ],
            "rid",
        );
        let body = String::from_utf8(r.body).expect("utf-8");
        assert!(body.contains(
            "<GetCallerIdentityResult><Arn>a&lt;&amp;&gt;&quot;&apos;</Arn><G><X>1</X></G></GetCallerIdentityResult>"
        ), "{body}");
        assert!(body.contains("<RequestId>rid</RequestId>"));
        let e = failure(&QueryError::new(400, "ValidationError", "bad\u{1}"), "rid");
        assert_eq!(e.status, 400);
        let body = String::from_utf8(e.body).expect("utf-8");
        assert!(
            body.contains(
                "<Type>Sender</Type><Code>ValidationError</Code><Message>bad\u{FFFD}</Message>"
            ),
            "{body}"
        );
    }
}
