//! Who is calling, and in which account: the server's own access keys act in
//! its account (`--account-id`); `AssumeRole` issues session credentials
//! (`ASIA…` access keys) that act in the role's account until they expire on
//! the simulator's clock. A request is resolved to a [`Caller`] from the access
//! key of its SigV4 scope, or refused as AWS refuses it ([`AuthFailure`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::config::scale_ms;
use crate::ids::{iam_unique_id, mix, Rng, IAM_ID_CHARS};
use crate::scope::Scope;

/// The principal a request runs as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Caller {
    /// The account it acts in.
    pub account: String,
    /// Its ARN (`arn:aws:iam::…:user/…` or `arn:aws:sts::…:assumed-role/ROLE/SESSION`).
    pub arn: String,
    /// Its unique id (`AIDA…`, or `AROA…:SESSION` for an assumed role).
    pub user_id: String,
    /// Whether it holds an assumed role's session (role chaining limits apply).
    pub assumed_role: bool,
}

/// Why a request's credentials are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthFailure {
    /// Session credentials past their expiration (of this account).
    Expired { account: String },
    /// A session access key this server never issued, or the wrong session token.
    InvalidToken,
}

impl AuthFailure {
    /// The account the refused credentials belong to, when known.
    pub(crate) fn account(&self) -> Option<&str> {
        match self {
            AuthFailure::Expired { account } => Some(account),
            AuthFailure::InvalidToken => None,
        }
    }
}

/// Temporary credentials issued by `AssumeRole`.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub access_key: String,
    pub secret: String,
    pub token: String,
    /// When they stop working, epoch ms of the simulator's clock.
    pub expires_ms: u64,
    /// Who they act as.
    pub caller: Caller,
}

/// A role to assume: `arn:aws:iam::ACCOUNT:role/[PATH/]NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Role {
    pub arn: String,
    pub account: String,
    pub name: String,
}

/// How long an expired session is still recognised (answered "expired"
/// rather than "invalid"), before the time scale: the longest session STS
/// issues.
const EXPIRED_SESSION_MEMORY: Duration = Duration::from_secs(12 * 3600);

/// The server's accounts and the sessions it issued.
#[derive(Debug)]
pub(crate) struct Accounts {
    base_account: String,
    time_scale: f64,
    sessions: Mutex<Sessions>,
}

#[derive(Debug)]
struct Sessions {
    by_key: HashMap<String, Session>,
    rng: Rng,
    /// Size after the last prune: pruning again once it doubled keeps
    /// issuing amortised O(1).
    pruned_len: usize,
}

impl Accounts {
    pub(crate) fn new(base_account: &str, time_scale: f64, seed: u64) -> Accounts {
        Accounts {
            base_account: base_account.to_owned(),
            time_scale,
            sessions: Mutex::new(Sessions {
                by_key: HashMap::new(),
                // Its own sequence: issuing credentials does not shift the
                // ids of resources created afterwards.
                rng: Rng::new(mix(seed ^ 0x5E55_1015)),
                pruned_len: 0,
            }),
        }
    }

    /// The caller behind a request's scope at `now`. Requests without a
    /// scope, and every access key that is not a session key, act as the
    /// server's own user in its account.
    pub(crate) fn caller(&self, scope: &Scope, now: u64) -> Result<Caller, AuthFailure> {
        let Some(key) = scope.access_key.as_deref() else {
            return Ok(self.base_caller());
        };
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        match sessions.by_key.get(key) {
            Some(s) if scope.session_token.as_deref() != Some(s.token.as_str()) => {
                Err(AuthFailure::InvalidToken)
            }
            Some(s) if s.expires_ms <= now => Err(AuthFailure::Expired {
                account: s.caller.account.clone(),
            }),
            Some(s) => Ok(s.caller.clone()),
            None if key.starts_with("ASIA") => Err(AuthFailure::InvalidToken),
            None => Ok(self.base_caller()),
        }
    }

    fn base_caller(&self) -> Caller {
        let account = &self.base_account;
        Caller {
            account: account.clone(),
            arn: format!("arn:aws:iam::{account}:user/decom-sim"),
            user_id: iam_unique_id("AIDA", account),
            assumed_role: false,
        }
    }

    /// Issues session credentials for `role`, valid for `duration` (before
    /// the time scale) from `now`.
    pub(crate) fn assume_role(
        &self,
        role: &Role,
        session_name: &str,
        duration: Duration,
        now: u64,
    ) -> Session {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.prune(now, scale_ms(EXPIRED_SESSION_MEMORY, self.time_scale));
        let rng = &mut sessions.rng;
        let session = Session {
            access_key: format!("ASIA{}", rng.chars(IAM_ID_CHARS, 16)),
            secret: rng.chars(BASE64, 40),
            token: format!("IQoJb3JpZ2luX2VjE{}", rng.chars(BASE64, 140)),
            expires_ms: now.saturating_add(scale_ms(duration, self.time_scale)),
            caller: Caller {
                account: role.account.clone(),
                arn: format!(
                    "arn:aws:sts::{}:assumed-role/{}/{session_name}",
                    role.account, role.name
                ),
                user_id: format!("{}:{session_name}", iam_unique_id("AROA", &role.arn)),
                assumed_role: true,
            },
        };
        sessions
            .by_key
            .insert(session.access_key.clone(), session.clone());
        session
    }
}

const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl Sessions {
    /// Forgets sessions expired for longer than `memory_ms` (their keys are
    /// then unknown: "invalid" instead of "expired").
    fn prune(&mut self, now: u64, memory_ms: u64) {
        if self.by_key.len() < (2 * self.pruned_len).max(64) {
            return;
        }
        self.by_key
            .retain(|_, s| s.expires_ms.saturating_add(memory_ms) > now);
        self.pruned_len = self.by_key.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(key: Option<&str>, token: Option<&str>) -> Scope {
        let mut s = Scope::from_authorization(None);
        s.access_key = key.map(str::to_owned);
        s.session_token = token.map(str::to_owned);
        s
    }

    fn role(account: &str) -> Role {
        Role {
            arn: format!("arn:aws:iam::{account}:role/ops/deleter"),
            account: account.into(),
            name: "deleter".into(),
        }
    }

    #[test]
    fn base_keys_act_in_the_server_account() {
        let a = Accounts::new("123456789012", 1.0, 0);
        let c = a.caller(&scope(Some("AKIDTEST"), None), 0).expect("base");
        assert_eq!(c.account, "123456789012");
        assert!(!c.assumed_role);
        assert_eq!(a.caller(&scope(None, None), 0), Ok(c));
    }

    #[test]
    fn sessions_act_in_the_role_account_until_they_expire() {
        let a = Accounts::new("123456789012", 0.001, 0);
        let s = a.assume_role(
            &role("210987654321"),
            "run-1",
            Duration::from_secs(900),
            1_000,
        );
        assert!(s.access_key.starts_with("ASIA") && s.access_key.len() == 20);
        assert_eq!(s.expires_ms, 1_900);
        assert_eq!(
            s.caller.arn,
            "arn:aws:sts::210987654321:assumed-role/deleter/run-1"
        );
        let ok = scope(Some(&s.access_key), Some(&s.token));
        assert_eq!(
            a.caller(&ok, 1_899).map(|c| c.account).as_deref(),
            Ok("210987654321")
        );
        assert_eq!(
            a.caller(&ok, 1_900),
            Err(AuthFailure::Expired {
                account: "210987654321".into()
            })
        );
        let wrong_token = scope(Some(&s.access_key), Some("nope"));
        assert_eq!(
            a.caller(&wrong_token, 1_000),
            Err(AuthFailure::InvalidToken)
        );
        let unknown = scope(Some("ASIAUNKNOWNUNKNOWN00"), Some("t"));
        assert_eq!(a.caller(&unknown, 1_000), Err(AuthFailure::InvalidToken));
    }

    #[test]
    fn long_expired_sessions_are_forgotten() {
        let a = Accounts::new("123456789012", 0.001, 0);
        let first = a.assume_role(&role("210987654321"), "s", Duration::from_secs(900), 0);
        // 12 h scaled by 0.001 is 43.2 s: much later, the old key is unknown.
        let later = 1_000_000;
        for _ in 0..64 {
            a.assume_role(&role("210987654321"), "s", Duration::from_secs(900), later);
        }
        let old = scope(Some(&first.access_key), Some(&first.token));
        assert_eq!(a.caller(&old, later), Err(AuthFailure::InvalidToken));
    }
}
