//! The request's region, taken from the SigV4 credential scope of the
//! `Authorization` header (`Credential=AKID/20250101/us-east-1/apprunner/aws4_request`).
//! Signatures are not validated.

/// Region used when the request carries no (parsable) SigV4 scope.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Extracts the region from an `Authorization` header value.
pub fn region_from_authorization(auth: Option<&str>) -> String {
    auth.and_then(parse)
        .unwrap_or_else(|| DEFAULT_REGION.to_owned())
}

fn parse(auth: &str) -> Option<String> {
    let start = auth.find("Credential=")? + "Credential=".len();
    let rest = &auth[start..];
    let cred = rest.split([',', ' ']).next()?;
    // AKID/DATE/REGION/SERVICE/aws4_request
    let mut parts = cred.split('/');
    let _akid = parts.next()?;
    let _date = parts.next()?;
    let region = parts.next()?;
    let valid = !region.is_empty()
        && region.len() <= 64
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    valid.then(|| region.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scope() {
        let h = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20250101/us-west-2/apprunner/aws4_request, SignedHeaders=host, Signature=abc";
        assert_eq!(region_from_authorization(Some(h)), "us-west-2");
        assert_eq!(region_from_authorization(None), "us-east-1");
        assert_eq!(region_from_authorization(Some("garbage")), "us-east-1");
        assert_eq!(
            region_from_authorization(Some("Credential=a/b/../c")),
            "us-east-1"
        );
    }
}
