//! Where requests go, for error messages and for checking the endpoint a
//! user gave before any request is sent.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use aws_types::service_config::ServiceConfigKey;
use aws_types::SdkConfig;

/// The time limits of every request (DESIGN section 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a connection.
    pub connect: Duration,
    /// One attempt (`--request-timeout`).
    pub attempt: Duration,
    /// One operation, retries included.
    pub operation: Duration,
}

impl Timeouts {
    pub const CONNECT: Duration = Duration::from_secs(10);
    pub const DEFAULT_ATTEMPT: Duration = Duration::from_secs(60);

    /// Limits for an attempt timeout of `attempt`: connecting takes at most
    /// 10 s (and never longer than an attempt), an operation 1.5 attempts
    /// (90 s by default), which leaves room for a quick retry or two after
    /// fast failures but never for a second attempt that hangs as long.
    pub fn with_attempt(attempt: Duration) -> Timeouts {
        Timeouts {
            connect: Self::CONNECT.min(attempt),
            attempt,
            operation: attempt.mul_f64(1.5),
        }
    }
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts::with_attempt(Self::DEFAULT_ATTEMPT)
    }
}

/// The region and endpoint of one service's client: what errors name.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) region: String,
    pub(crate) timeouts: Timeouts,
    /// Seen on the first request the client sends (the SDK resolves it).
    seen: Arc<OnceLock<String>>,
    /// What to name before a request was sent: the configured URL, if any.
    configured: Option<String>,
}

impl Origin {
    pub(crate) fn new(region: &str, timeouts: Timeouts, configured: Option<String>) -> Origin {
        Origin {
            region: region.to_string(),
            timeouts,
            seen: Arc::new(OnceLock::new()),
            configured,
        }
    }

    /// The endpoint requests go to (`https://apprunner.us-east-1.amazonaws.com`).
    pub(crate) fn endpoint(&self) -> String {
        self.seen.get().or(self.configured.as_ref()).map_or_else(
            || "the AWS endpoint".into(),
            |url| scheme_and_authority(url),
        )
    }

    /// Records the endpoint of a request about to be sent.
    pub(crate) fn saw(&self, uri: &str) {
        if self.seen.get().is_none() {
            let _ = self.seen.set(scheme_and_authority(uri));
        }
    }
}

/// `http://user:pw@127.0.0.1:4566/path?q` -> `http://127.0.0.1:4566`: no
/// user or password (a proxy's credentials), no path or query (a
/// presigned query would carry a signature). What decom ever shows of an
/// endpoint.
pub fn scheme_and_authority(uri: &str) -> String {
    let (scheme, rest) = uri.split_once("://").unwrap_or(("", uri));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if scheme.is_empty() {
        host.to_string()
    } else {
        format!("{scheme}://{host}")
    }
}

/// Checks an endpoint URL from `source` (`--endpoint-url`,
/// `AWS_ENDPOINT_URL`...): an absolute http(s) URL with a host. The SDK
/// panics on an empty one and retries a malformed one for a minute.
pub fn check_endpoint_url(source: &str, value: &str) -> Result<(), String> {
    let shown = scheme_and_authority(value);
    let bad = |why: &str| {
        Err(format!(
            "{source} {shown:?} is not a usable endpoint: {why}"
        ))
    };
    if value.trim().is_empty() {
        return bad("it is empty (unset it to use AWS, or give a URL like http://127.0.0.1:4566)");
    }
    let Some((scheme, rest)) = value.split_once("://") else {
        return bad("expected a URL like https://host or http://127.0.0.1:4566");
    };
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return bad("only http:// and https:// are supported");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.is_empty() || host.starts_with(':') {
        return bad("it names no host");
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("it contains spaces or control characters");
    }
    if let Some((_, after)) = host.split_once(']') {
        if !(after.is_empty() || after.starts_with(':')) {
            return bad("an IPv6 host in [] is followed by something other than :PORT");
        }
    }
    if let Some((_, port)) = host.rsplit_once(':').filter(|_| !host.ends_with(']')) {
        if port.parse::<u16>().is_err() {
            return bad("the port is not a number from 0 to 65535");
        }
    }
    // What is left (an unclosed `[` of an IPv6 host, a character no URL
    // may hold) the SDK's own URL type finds, at its first request.
    match value.parse::<http::Uri>() {
        Ok(_) => Ok(()),
        Err(e) => bad(&format!("it is not a valid URL ({e})")),
    }
}

/// The environment variables that set endpoints for decom's services, in
/// the SDK's naming (`AWS_ENDPOINT_URL_<SERVICE ID>`); STS's too, asked
/// who the credentials are (an empty one made its SDK client panic).
pub const ENDPOINT_VARIABLES: [&str; 5] = [
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_APPRUNNER",
    "AWS_ENDPOINT_URL_DIRECT_CONNECT",
    "AWS_ENDPOINT_URL_SUPPLYCHAIN",
    "AWS_ENDPOINT_URL_STS",
];

/// Checks `--endpoint-url` if given, else every endpoint variable that is
/// set (an empty one is an error naming it: it would silently mean "AWS"
/// to some tools and crash others).
pub fn check_endpoints(flag: Option<&str>) -> Result<(), String> {
    if let Some(url) = flag {
        return check_endpoint_url("--endpoint-url", url);
    }
    for name in ENDPOINT_VARIABLES {
        if let Some(value) = std::env::var_os(name) {
            let Some(value) = value.to_str() else {
                return Err(format!("{name} is not valid UTF-8"));
            };
            check_endpoint_url(name, value)?;
        }
    }
    Ok(())
}

/// Checks where the clients of `config` would send requests when no
/// `--endpoint-url` is given and the variables passed
/// [`check_endpoints`]: an `endpoint_url` in the AWS config file, for
/// the profile or in its `services` section (an empty one panicked the
/// SDK, a malformed one was tried).
pub fn check_configured_endpoints(config: &SdkConfig) -> Result<(), String> {
    const IN_FILE: &str = "endpoint_url in the AWS config file";
    if let Some(url) = config.endpoint_url() {
        check_endpoint_url(IN_FILE, url)?;
    }
    let Some(services) = config.service_config() else {
        return Ok(());
    };
    // The service ids the SDK's clients ask by (`aws_sdk_*::config`).
    for service in ["AppRunner", "Direct Connect", "SupplyChain", "STS"] {
        let key = ServiceConfigKey::builder()
            .service_id(service)
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build();
        if let Some(url) = key.ok().and_then(|key| services.load_config(key)) {
            check_endpoint_url(&format!("{IN_FILE} for {service}"), &url)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_endpoints_pass_and_others_are_one_line_errors() {
        for ok in [
            "http://127.0.0.1:4566",
            "https://apprunner.us-east-1.amazonaws.com",
            "http://localhost:4566/",
            "http://[::1]:4566",
        ] {
            assert_eq!(check_endpoint_url("--endpoint-url", ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            " ",
            "not a url",
            "ftp://x",
            "http://",
            "http://:80",
            "http://h:99999",
            "localhost:4566",
            "http://[::1",
            "http://[::1]junk:80",
            "http://h^st:80",
        ] {
            let e = check_endpoint_url("AWS_ENDPOINT_URL", bad).unwrap_err();
            assert!(e.starts_with("AWS_ENDPOINT_URL \""), "{e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }

    #[test]
    fn endpoints_are_named_without_path_or_query() {
        assert_eq!(
            scheme_and_authority("http://127.0.0.1:4566/api/instance?maxResults=20"),
            "http://127.0.0.1:4566"
        );
        let o = Origin::new("us-east-1", Timeouts::default(), None);
        assert_eq!(o.endpoint(), "the AWS endpoint");
        o.saw("https://apprunner.us-east-1.amazonaws.com/");
        assert_eq!(o.endpoint(), "https://apprunner.us-east-1.amazonaws.com");
    }
}
