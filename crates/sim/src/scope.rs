//! What a request's SigV4 credential scope says: who signed it (the access
//! key id) and for which region and service
//! (`Credential=AKID/20250101/us-east-1/apprunner/aws4_request` in the
//! `Authorization` header), plus the session token that travels with
//! temporary credentials. Signatures are not validated.

use hyper::http::request::Parts;

/// Region used when the request carries no (parsable) SigV4 scope.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The signer of one request and where it is aimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scope {
    /// The access key id of the credential; `None` without a parsable scope.
    pub access_key: Option<String>,
    /// The region of the scope, [`DEFAULT_REGION`] without one.
    pub region: String,
    /// The signing name of the scope (`apprunner`, `sts`, …).
    pub service: Option<String>,
    /// The `X-Amz-Security-Token` header (temporary credentials only).
    pub session_token: Option<String>,
}

impl Scope {
    /// The scope of a request, from its `Authorization` and
    /// `X-Amz-Security-Token` headers.
    pub(crate) fn of(parts: &Parts) -> Scope {
        let header = |n: &str| parts.headers.get(n).and_then(|v| v.to_str().ok());
        let mut scope = Scope::from_authorization(header("authorization"));
        scope.session_token = header("x-amz-security-token").map(str::to_owned);
        scope
    }

    /// The scope named by an `Authorization` header value.
    pub(crate) fn from_authorization(auth: Option<&str>) -> Scope {
        match auth.and_then(parse) {
            Some((access_key, region, service)) => Scope {
                access_key: Some(access_key),
                region,
                service,
                session_token: None,
            },
            None => Scope {
                access_key: None,
                region: DEFAULT_REGION.to_owned(),
                service: None,
                session_token: None,
            },
        }
    }
}

/// `(access key, region, service)` of `Credential=AKID/DATE/REGION/SERVICE/aws4_request`;
/// the service is optional, as it always was for the region.
fn parse(auth: &str) -> Option<(String, String, Option<String>)> {
    let start = auth.find("Credential=")? + "Credential=".len();
    let rest = &auth[start..];
    let cred = rest.split([',', ' ']).next()?;
    let mut parts = cred.split('/');
    let access_key = parts.next()?;
    let _date = parts.next()?;
    let region = parts.next().filter(|r| is_scope_name(r))?;
    let service = parts.next().filter(|s| is_scope_name(s));
    Some((
        access_key.to_owned(),
        region.to_owned(),
        service.map(str::to_owned),
    ))
}

/// A region or signing name: short, lowercase alphanumerics and dashes.
fn is_scope_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scope() {
        let h = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20250101/us-west-2/apprunner/aws4_request, SignedHeaders=host, Signature=abc";
        let s = Scope::from_authorization(Some(h));
        assert_eq!(s.region, "us-west-2");
        assert_eq!(s.access_key.as_deref(), Some("AKIDTEST"));
        assert_eq!(s.service.as_deref(), Some("apprunner"));
        assert_eq!(Scope::from_authorization(None).region, "us-east-1");
        assert_eq!(Scope::from_authorization(None).access_key, None);
        assert_eq!(
            Scope::from_authorization(Some("garbage")).region,
            "us-east-1"
        );
        assert_eq!(
            Scope::from_authorization(Some("Credential=a/b/../c")).region,
            "us-east-1"
        );
    }
}
