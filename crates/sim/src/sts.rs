//! AWS STS over awsQuery: `GetCallerIdentity` and `AssumeRole`, with STS's
//! input validation (`ValidationError`) and its refusals of bad credentials
//! (`ExpiredToken`, `InvalidClientTokenId`). The credentials themselves are
//! [`Accounts`]' business; the wire is [`crate::query`]'s.

use std::time::Duration;

use hyper::http::request::Parts;

use crate::accounts::{Accounts, AuthFailure, Caller, Role};
use crate::clock::rfc3339;
use crate::protocol::WireResponse;
use crate::query::{failure, success, Params, QueryError, Xml, STS_VERSION};

/// What one STS request came to: the answer and what the audit log records.
#[derive(Debug)]
pub(crate) struct StsOutcome {
    /// The `Action` (for a request without one, `METHOD /path`).
    pub operation: String,
    /// `AssumeRole`'s `RoleArn`.
    pub target: Option<String>,
    /// The error code, on errors.
    pub error: Option<&'static str>,
    pub response: WireResponse,
}

/// Answers one STS request from `caller` (already resolved from its
/// credentials) at `now`.
pub(crate) fn answer(
    parts: &Parts,
    body: &[u8],
    caller: Result<Caller, AuthFailure>,
    accounts: &Accounts,
    now: u64,
    request_id: &str,
) -> StsOutcome {
    let params = Params::of(parts.uri.query(), body);
    let operation = params
        .get("Action")
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{} {}", parts.method, parts.uri.path()));
    let target = (operation == "AssumeRole")
        .then(|| params.get("RoleArn").map(str::to_owned))
        .flatten();
    let result = caller
        .map_err(|f| refusal(&f))
        .and_then(|caller| run(&params, &caller, accounts, now));
    let (response, error) = match result {
        Ok(fields) => (success(&operation, &fields, request_id), None),
        Err(e) => (failure(&e, request_id), Some(e.code)),
    };
    StsOutcome {
        operation,
        target,
        error,
        response,
    }
}

/// STS's answer to refused credentials.
fn refusal(failure: &AuthFailure) -> QueryError {
    match failure {
        AuthFailure::Expired { .. } => QueryError::new(
            403,
            "ExpiredToken",
            "The security token included in the request is expired",
        ),
        AuthFailure::InvalidToken => QueryError::new(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
    }
}

fn run(
    params: &Params,
    caller: &Caller,
    accounts: &Accounts,
    now: u64,
) -> Result<Vec<Xml>, QueryError> {
    let action = params
        .get("Action")
        .ok_or_else(|| QueryError::new(400, "MissingAction", "Missing Action"))?;
    let version = params.get("Version").unwrap_or(STS_VERSION);
    match action {
        _ if version != STS_VERSION => Err(QueryError::new(
            400,
            "InvalidAction",
            format!("Could not find operation {action} for version {version}"),
        )),
        "GetCallerIdentity" => Ok(vec![
            Xml::Text("Arn", caller.arn.clone()),
            Xml::Text("UserId", caller.user_id.clone()),
            Xml::Text("Account", caller.account.clone()),
        ]),
        "AssumeRole" => assume_role(params, caller, accounts, now),
        _ => Err(QueryError::new(
            400,
            "InvalidAction",
            format!("The operation {action} is not supported by this simulator"),
        )),
    }
}

/// A validated `AssumeRole` request.
#[derive(Debug)]
struct AssumeRole {
    role: Role,
    session_name: String,
    duration: Duration,
}

/// Sessions of a role assumed with role-session credentials last at most an hour.
const ROLE_CHAINING_LIMIT: Duration = Duration::from_secs(3600);

fn assume_role(
    params: &Params,
    caller: &Caller,
    accounts: &Accounts,
    now: u64,
) -> Result<Vec<Xml>, QueryError> {
    let input = AssumeRole::parse(params)?;
    if caller.assumed_role && input.duration > ROLE_CHAINING_LIMIT {
        return Err(validation_error(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        ));
    }
    let s = accounts.assume_role(&input.role, &input.session_name, input.duration, now);
    Ok(vec![
        Xml::Group(
            "AssumedRoleUser",
            vec![
                Xml::Text("AssumedRoleId", s.caller.user_id.clone()),
                Xml::Text("Arn", s.caller.arn.clone()),
            ],
        ),
        Xml::Group(
            "Credentials",
            vec![
                Xml::Text("AccessKeyId", s.access_key),
                Xml::Text("SecretAccessKey", s.secret),
                Xml::Text("SessionToken", s.token),
                Xml::Text("Expiration", rfc3339(s.expires_ms)),
            ],
        ),
    ])
}

fn validation_error(message: impl Into<String>) -> QueryError {
    QueryError::new(400, "ValidationError", message)
}

impl AssumeRole {
    /// The request's members, checked as STS checks them: the model's
    /// constraints first (all violations in one message), then the ARN's form.
    fn parse(params: &Params) -> Result<AssumeRole, QueryError> {
        let role_arn = params.get("RoleArn");
        let session_name = params.get("RoleSessionName");
        let external_id = params.get("ExternalId");
        let mut problems = Vec::new();
        constrain(&mut problems, "roleArn", role_arn, true, 20..=2048, |_| {
            true
        });
        constrain(
            &mut problems,
            "roleSessionName",
            session_name,
            true,
            2..=64,
            is_session_name_char,
        );
        constrain(
            &mut problems,
            "externalId",
            external_id,
            false,
            2..=1224,
            |c| is_session_name_char(c) || c == ':' || c == '/',
        );
        let duration = duration_seconds(&mut problems, params.get("DurationSeconds"));
        if !problems.is_empty() {
            let n = problems.len();
            let s = if n == 1 { "" } else { "s" };
            return Err(validation_error(format!(
                "{n} validation error{s} detected: {}",
                problems.join("; ")
            )));
        }
        let role = role_arn
            .and_then(parse_role_arn)
            .ok_or_else(|| validation_error("Request ARN is invalid"))?;
        Ok(AssumeRole {
            role,
            session_name: session_name.unwrap_or_default().to_owned(),
            duration: Duration::from_secs(duration),
        })
    }
}

/// Appends the constraint violations of one string member, worded as STS words them.
fn constrain(
    problems: &mut Vec<String>,
    member: &str,
    value: Option<&str>,
    required: bool,
    length: std::ops::RangeInclusive<usize>,
    allowed: impl Fn(char) -> bool,
) {
    let Some(v) = value else {
        if required {
            problems.push(format!(
                "Value null at '{member}' failed to satisfy constraint: Member must not be null"
            ));
        }
        return;
    };
    let at = format!("Value '{v}' at '{member}' failed to satisfy constraint: Member must");
    let len = v.chars().count();
    if len < *length.start() {
        problems.push(format!(
            "{at} have length greater than or equal to {}",
            length.start()
        ));
    }
    if len > *length.end() {
        problems.push(format!(
            "{at} have length less than or equal to {}",
            length.end()
        ));
    }
    if !v.chars().all(allowed) {
        let pattern = if member == "externalId" {
            r"[\w+=,.@:\/-]*"
        } else {
            r"[\w+=,.@-]*"
        };
        problems.push(format!(
            "{at} satisfy regular expression pattern: {pattern}"
        ));
    }
}

/// `DurationSeconds` (default one hour), 900 to 43200.
fn duration_seconds(problems: &mut Vec<String>, value: Option<&str>) -> u64 {
    let Some(v) = value else {
        return 3600;
    };
    let at = format!("Value '{v}' at 'durationSeconds' failed to satisfy constraint: Member must");
    match v.parse::<i64>() {
        Ok(n) if n < 900 => problems.push(format!("{at} have value greater than or equal to 900")),
        Ok(n) if n > 43_200 => {
            problems.push(format!("{at} have value less than or equal to 43200"))
        }
        Ok(n) => return n.unsigned_abs(),
        Err(_) => problems.push(format!("{at} be a number")),
    }
    0
}

/// `[\w+=,.@-]` (ASCII word characters, as in STS's Java patterns).
fn is_session_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-')
}

/// `arn:aws:iam::ACCOUNT:role/[PATH/]NAME`.
fn parse_role_arn(arn: &str) -> Option<Role> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let path_and_name = resource.strip_prefix("role/")?;
    let name = path_and_name.rsplit('/').next()?;
    let valid = account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && path_and_name.bytes().all(|b| (0x21..=0x7e).contains(&b))
        && (1..=64).contains(&name.len())
        && name.chars().all(is_session_name_char);
    valid.then(|| Role {
        arn: arn.to_owned(),
        account: account.to_owned(),
        name: name.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        Params::of(None, body.join("&").as_bytes())
    }

    #[test]
    fn role_arns_need_the_role_form() {
        let r = parse_role_arn("arn:aws:iam::210987654321:role/team/ops/deleter").expect("role");
        assert_eq!(
            (r.account.as_str(), r.name.as_str()),
            ("210987654321", "deleter")
        );
        for bad in [
            "arn:aws:iam::210987654321:user/deleter",
            "arn:aws:iam::21098765432:role/deleter",
            "arn:aws:iam::210987654321:role/",
            "arn:aws:iam:us-east-1:210987654321:role/x",
            "arn:aws:iam::210987654321:role:deleter",
        ] {
            assert_eq!(parse_role_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn assume_role_input_is_validated_like_sts() {
        let arn = "arn:aws:iam::210987654321:role/deleter";
        let ok = AssumeRole::parse(&params(&[("RoleArn", arn), ("RoleSessionName", "decom")]))
            .expect("valid");
        assert_eq!(ok.duration, Duration::from_secs(3600));
        let err = |p: &[(&str, &str)]| AssumeRole::parse(&params(p)).expect_err("refused");
        let e = err(&[
            ("RoleArn", arn),
            ("RoleSessionName", "a b"),
            ("DurationSeconds", "60"),
        ]);
        assert_eq!(e.code, "ValidationError");
        assert!(
            e.message.starts_with("2 validation errors detected: "),
            "{}",
            e.message
        );
        assert!(e.message.contains("'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern"));
        assert!(e
            .message
            .contains("Member must have value greater than or equal to 900"));
        let e = err(&[("RoleSessionName", "decom")]);
        assert!(
            e.message.contains("Value null at 'roleArn'"),
            "{}",
            e.message
        );
        let e = err(&[
            ("RoleArn", "arn:aws:iam::210987654321:policy/x"),
            ("RoleSessionName", "decom"),
        ]);
        assert_eq!(e.message, "Request ARN is invalid");
        let e = err(&[
            ("RoleArn", arn),
            ("RoleSessionName", "decom"),
            ("DurationSeconds", "43201"),
        ]);
        assert!(
            e.message.contains("less than or equal to 43200"),
            "{}",
            e.message
        );
    }
}
