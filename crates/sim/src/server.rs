//! The HTTP server: accepting connections (hyper, HTTP/1.1), resolving the
//! caller's account from its credentials, classifying each request (signing
//! name `sts` → STS awsQuery, `X-Amz-Target` → App Runner / Direct Connect
//! JSON, `/service/…/operation/…` → Direct Connect rpc-v2-cbor, anything else
//! → Supply Chain restJson1 routes from the model), throttling and fault
//! injection, validation, dispatch to the service handlers, encoding, the
//! audit log — and the embedding API
//! ([`Sim::start`], [`SimHandle`]).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::http::request::Parts;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::accounts::{Accounts, AuthFailure, Caller};
use crate::audit::{AuditEntry, AuditLog, RecordedResponse};
use crate::clock::{rfc3339, Clock};
use crate::config::SimConfig;
use crate::faults::{Faults, Quota, Verdict};
use crate::model::{models, parse_query};
use crate::protocol::{encode, ApiError, ServiceKind, Wire, WireResponse};
use crate::query::is_sts;
use crate::scope::Scope;
use crate::services::{dispatch, request_target, supported, Ctx};
use crate::state_file::SimState;
use crate::store::{Place, Store};
use crate::sts;

const MAX_BODY: usize = 8 * 1024 * 1024;

/// Errors starting or seeding a simulator.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A configuration value is out of range.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The audit log could not be opened.
    #[error("cannot open audit log {path}: {source}")]
    AuditLog {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A seed entry is invalid (bad status, duplicate identity, missing relation…).
    #[error("invalid seed state: {0}")]
    Seed(String),
}

/// Shared state of a running simulator.
#[derive(Debug)]
pub(crate) struct Core {
    store: Mutex<Store>,
    accounts: Accounts,
    clock: Clock,
    audit: AuditLog,
    faults: Faults,
    requests: AtomicU64,
}

/// The simulator. Start one with [`Sim::start`].
#[derive(Debug)]
pub struct Sim;

/// A running simulator. Dropping it stops the server (without waiting);
/// prefer [`SimHandle::shutdown`].
#[derive(Debug)]
pub struct SimHandle {
    addr: SocketAddr,
    core: Arc<Core>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Core {
    /// The shared state a simulator is made of, from its configuration:
    /// validated settings, the seeded store, the audit log and the fault
    /// plan. The one constructor, used by [`Sim::start`] and [`OfflineSim::new`],
    /// so a served and an offline simulator cannot drift apart.
    fn new(config: &SimConfig) -> Result<Core, SimError> {
        config.validate().map_err(SimError::Config)?;
        let clock = Clock::new();
        let mut store = Store::new(config);
        if let Some(state) = &config.initial_state {
            store.seed(state, clock.now_ms()).map_err(SimError::Seed)?;
        }
        let audit = AuditLog::open(config.audit_log.as_deref(), config.record_responses).map_err(
            |source| SimError::AuditLog {
                path: config
                    .audit_log
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                source,
            },
        )?;
        Ok(Core {
            store: Mutex::new(store),
            accounts: Accounts::new(&config.account_id, config.time_scale, config.seed),
            clock,
            audit,
            faults: Faults::new(
                config.throttle_rps,
                config.fault_rate,
                config.fault_drop_share,
                config.fault_commit_share,
                config.seed,
            ),
            requests: AtomicU64::new(0),
        })
    }
}

impl Sim {
    /// Binds `config.listen`, loads `config.initial_state` and serves in the
    /// background on the current tokio runtime.
    pub async fn start(config: SimConfig) -> Result<SimHandle, SimError> {
        let core = Arc::new(Core::new(&config)?);
        let listener = bind(config.listen).map_err(|source| SimError::Bind {
            addr: config.listen,
            source,
        })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            addr: config.listen,
            source,
        })?;
        let (stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, core.clone(), stop_rx));
        Ok(SimHandle {
            addr,
            core,
            stop,
            task: Some(task),
        })
    }
}

/// A simulator without a network: each request is handed in as values and
/// answered synchronously by the same code a served request goes through
/// (classification, throttling and faults, validation against the models,
/// dispatch, encoding, the audit log).
///
/// Exists for the fuzz targets and for tests that want the request path
/// without sockets, a tokio runtime or a port; `config.listen` is ignored.
///
/// ```
/// use decom_sim::{OfflineSim, SimConfig};
/// let sim = OfflineSim::new(SimConfig::default()).expect("valid config");
/// let r = sim
///     .handle("POST", "/", &[("x-amz-target", "AppRunner.ListServices")], b"{}")
///     .expect("not dropped");
/// assert_eq!(r.status, 200);
/// ```
#[derive(Debug)]
pub struct OfflineSim {
    core: Core,
}

/// The answer of an [`OfflineSim`] to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineResponse {
    /// HTTP status code.
    pub status: u16,
    /// Response headers (lowercase names), in the order they were set.
    pub headers: Vec<(String, String)>,
    /// Response body (JSON, or CBOR for rpc-v2-cbor requests).
    pub body: Vec<u8>,
}

impl OfflineResponse {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl OfflineSim {
    /// A simulator with `config`'s settings and `initial_state` (same
    /// validation and errors as [`Sim::start`], minus binding).
    pub fn new(config: SimConfig) -> Result<OfflineSim, SimError> {
        Ok(OfflineSim {
            core: Core::new(&config)?,
        })
    }

    /// Answers one request. `None` means the connection would have been
    /// dropped without a response (an injected fault).
    ///
    /// A method, URI or header that HTTP/1.1 parsing would refuse is
    /// answered 400 with an empty body, as the served simulator's HTTP
    /// layer does; a body over the served size limit gets its 413.
    pub fn handle(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Option<OfflineResponse> {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let Ok(request) = request.body(()) else {
            return Some(OfflineResponse {
                status: 400,
                headers: Vec::new(),
                body: Vec::new(),
            });
        };
        if body.len() > MAX_BODY {
            return Some(OfflineResponse {
                status: 413,
                headers: Vec::new(),
                body: simple_body(TOO_LARGE),
            });
        }
        let (parts, ()) = request.into_parts();
        self.core.process(&parts, body).map(|w| OfflineResponse {
            status: w.status,
            // As `to_response` sends them: names lowercased, values a
            // header cannot carry left out.
            headers: w
                .headers
                .into_iter()
                .filter(|(_, v)| hyper::header::HeaderValue::from_str(v).is_ok())
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
            body: w.body,
        })
    }

    /// A copy of every audit entry so far.
    pub fn audit(&self) -> Vec<AuditEntry> {
        self.core.audit.entries()
    }

    /// The live resources now, in the seed format.
    pub fn snapshot(&self) -> SimState {
        let now = self.core.clock.now_ms();
        self.core.lock().snapshot(now)
    }
}

impl SimHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, for the SDKs' `endpoint_url`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A copy of every audit entry so far (always kept, with or without `audit_log`).
    pub fn audit(&self) -> Vec<AuditEntry> {
        self.core.audit.entries()
    }

    /// Every response body so far, when `record_responses` is on (else empty).
    pub fn responses(&self) -> Vec<RecordedResponse> {
        self.core.audit.responses()
    }

    /// Adds resources while running (same rules as `initial_state`).
    pub fn seed(&self, state: &SimState) -> Result<(), SimError> {
        let now = self.core.clock.now_ms();
        self.core.lock().seed(state, now).map_err(SimError::Seed)
    }

    /// The live resources now, in the seed format (statuses settled, tombstones
    /// still within their TTL included).
    pub fn snapshot(&self) -> SimState {
        let now = self.core.clock.now_ms();
        self.core.lock().snapshot(now)
    }

    /// Stops accepting, lets in-flight requests finish (up to 2 s) and returns.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl Core {
    fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Binds with a large accept backlog: benchmarks open hundreds of
/// connections at once.
fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(4096)
}

/// Returned by the service to make hyper close the connection without a response.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by fault injection")]
struct DropConnection;

async fn accept_loop(listener: TcpListener, core: Arc<Core>, mut stop: watch::Receiver<bool>) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let core = core.clone();
                    let svc = hyper::service::service_fn(move |req| handle(core.clone(), req));
                    let conn = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc);
                    let conn = graceful.watch(conn);
                    tokio::spawn(async move {
                        if let Err(e) = conn.await {
                            tracing::debug!("connection ended: {e}");
                        }
                    });
                }
                Err(e) => {
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(2)) => {}
    }
}

async fn handle(
    core: Arc<Core>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let (parts, body) = req.into_parts();
    let bytes = match Limited::new(body, MAX_BODY).collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => {
            return Ok(simple(413, TOO_LARGE));
        }
    };
    match core.process(&parts, &bytes) {
        Some(w) => Ok(to_response(w)),
        None => Err(DropConnection),
    }
}

const TOO_LARGE: &str = "request body too large or unreadable";

fn simple_body(msg: &str) -> Vec<u8> {
    format!("{{\"message\":\"{msg}\"}}").into_bytes()
}

fn simple(status: u16, msg: &str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(simple_body(msg))));
    *r.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_REQUEST);
    r
}

fn to_response(w: WireResponse) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(w.body)));
    *r.status_mut() =
        hyper::StatusCode::from_u16(w.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in w.headers {
        if let Ok(v) = hyper::header::HeaderValue::from_str(&v) {
            r.headers_mut().insert(k, v);
        }
    }
    r
}

/// How one request was classified.
struct Classified {
    service: ServiceKind,
    wire: Wire,
    /// The operation name (or a description of the unknown request).
    operation: String,
    /// restJson1 path labels.
    labels: Vec<(String, String)>,
    /// Whether `operation` is routable at all.
    known: bool,
}

fn classify(parts: &Parts) -> Classified {
    let header = |n: &str| parts.headers.get(n).and_then(|v| v.to_str().ok());
    if let Some(target) = header("x-amz-target") {
        let (prefix, op) = target.split_once('.').unwrap_or((target, ""));
        let (service, wire, known) = match prefix {
            "AppRunner" => (ServiceKind::AppRunner, Wire::AwsJson10, true),
            "OvertureService" => (ServiceKind::DirectConnect, Wire::AwsJson11, true),
            _ if header("content-type").is_some_and(|c| c.contains("1.0")) => {
                (ServiceKind::AppRunner, Wire::AwsJson10, false)
            }
            _ => (ServiceKind::DirectConnect, Wire::AwsJson11, false),
        };
        return Classified {
            service,
            wire,
            operation: if known {
                op.to_owned()
            } else {
                target.to_owned()
            },
            labels: Vec::new(),
            known,
        };
    }
    let path = parts.uri.path();
    if let Some(rest) = path.strip_prefix("/service/") {
        let mut it = rest.split('/');
        let (svc, kw, op) = (it.next(), it.next(), it.next());
        let known =
            svc == Some("OvertureService") && kw == Some("operation") && it.next().is_none();
        return Classified {
            service: ServiceKind::DirectConnect,
            wire: Wire::Cbor,
            operation: if known {
                op.unwrap_or_default().to_owned()
            } else {
                path.to_owned()
            },
            labels: Vec::new(),
            known,
        };
    }
    match models().supplychain.route(parts.method.as_str(), path) {
        Some((op, labels)) => Classified {
            service: ServiceKind::SupplyChain,
            wire: Wire::RestJson,
            operation: op,
            labels,
            known: true,
        },
        None => Classified {
            service: ServiceKind::SupplyChain,
            wire: Wire::RestJson,
            operation: format!("{} {}", parts.method, path),
            labels: Vec::new(),
            known: false,
        },
    }
}

impl Core {
    /// Handles one request synchronously. `None` = drop the connection.
    ///
    /// The caller's credentials are checked first, as AWS authenticates
    /// before anything else; refused credentials neither take a throttle
    /// token nor a place in the fault sequence.
    fn process(&self, parts: &Parts, body: &[u8]) -> Option<WireResponse> {
        let scope = Scope::of(parts);
        let region = scope.region.as_str();
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let request_id = format!(
            "{:08x}-0000-4000-8000-{:012x}",
            n >> 16,
            n & 0xFFFF_FFFF_FFFF
        );
        let now = self.clock.now_ms();
        let caller = self.accounts.caller(&scope, now);
        if is_sts(parts, &scope) {
            return Some(self.process_sts(parts, body, &scope, caller, now, &request_id));
        }
        let c = classify(parts);
        let account = match &caller {
            Ok(caller) => Some(caller.account.as_str()),
            Err(refused) => refused.account(),
        };

        let input = self.parse_input(&c, parts, body);
        let target = input.as_ref().ok().and_then(request_target);

        let outcome: Result<(Value, Option<String>, u16), ApiError> = match &caller {
            Err(refused) => Err(auth_error(refused)),
            Ok(caller) => {
                let at = Place {
                    account: &caller.account,
                    region,
                };
                let quota = Quota {
                    account: &caller.account,
                    region,
                    service: c.service,
                };
                match self.faults.decide(quota) {
                    Verdict::Drop => {
                        self.audit_entry(&c, region, account, target, 0, Some("ConnectionDropped"));
                        return None;
                    }
                    Verdict::DropAfterCommit => {
                        let status = match self.execute(&c, at, input) {
                            Ok((_, _, status)) => status,
                            Err(e) => e.status,
                        };
                        self.audit_entry(
                            &c,
                            region,
                            account,
                            target,
                            status,
                            Some("AnswerDropped"),
                        );
                        return None;
                    }
                    Verdict::Throttle => Err(ApiError::throttled(c.service)),
                    Verdict::Fail500 => Err(ApiError::internal(c.service)),
                    Verdict::Proceed => self.execute(&c, at, input),
                }
            }
        };

        let (status, body_json, error_code, target) = match outcome {
            Ok((body, created, status)) => (status, body, None, created.or(target)),
            Err(e) => (
                e.status,
                e.body(c.service, c.wire),
                Some(e.code.clone()),
                target,
            ),
        };
        self.audit_entry(&c, region, account, target, status, error_code.as_deref());
        if self.audit.recording() {
            self.audit.record(RecordedResponse {
                service: c.service.name().to_owned(),
                operation: c.operation.clone(),
                status,
                error_code: error_code.clone(),
                body: body_json.clone(),
            });
        }
        Some(encode(
            c.service,
            &c.operation,
            c.wire,
            status,
            &body_json,
            error_code.as_deref(),
            &request_id,
        ))
    }

    fn parse_input(&self, c: &Classified, parts: &Parts, body: &[u8]) -> Result<Value, ApiError> {
        let json_body = |body: &[u8]| -> Result<Value, ApiError> {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(Value::Object(Default::default()));
            }
            serde_json::from_slice::<Value>(body)
                .map_err(|e| ApiError::serialization(format!("Malformed JSON request body: {e}")))
        };
        let v = match c.wire {
            Wire::AwsJson10 | Wire::AwsJson11 => json_body(body)?,
            Wire::Cbor => crate::cbor::decode(body).map_err(|e| {
                ApiError::serialization(format!("Malformed CBOR request body: {e}"))
            })?,
            Wire::RestJson => {
                let b = json_body(body)?;
                let query = parse_query(parts.uri.query().unwrap_or(""));
                if !c.known {
                    return Ok(b);
                }
                models()
                    .supplychain
                    .rest_input(&c.operation, b, &c.labels, &query)
                    .map_err(|e| ApiError::validation(c.service, e))?
            }
        };
        if !v.is_object() {
            return Err(ApiError::serialization(
                "The request body must be a JSON object",
            ));
        }
        Ok(v)
    }

    /// Answers an STS (awsQuery) request. STS is neither throttled nor
    /// faulted: `--throttle-rps` and `--fault-rate` model the resource
    /// services, and STS calls must not shift their fault sequence.
    fn process_sts(
        &self,
        parts: &Parts,
        body: &[u8],
        scope: &Scope,
        caller: Result<Caller, AuthFailure>,
        now: u64,
        request_id: &str,
    ) -> WireResponse {
        let account = match &caller {
            Ok(c) => Some(c.account.clone()),
            Err(refused) => refused.account().map(str::to_owned),
        };
        let out = sts::answer(parts, body, caller, &self.accounts, now, request_id);
        self.audit.log(AuditEntry {
            ts: rfc3339(self.clock.now_ms()),
            service: "sts".to_owned(),
            operation: out.operation,
            target: out.target,
            status: out.response.status,
            region: scope.region.clone(),
            account,
            error: out.error.map(str::to_owned),
        });
        out.response
    }

    fn execute(
        &self,
        c: &Classified,
        at: Place<'_>,
        input: Result<Value, ApiError>,
    ) -> Result<(Value, Option<String>, u16), ApiError> {
        let model = models().get(c.service);
        let op = match model.operation(&c.operation) {
            Some(op) if c.known && supported(c.service, &c.operation) => op,
            _ => return Err(ApiError::unknown_operation(c.service, &c.operation)),
        };
        let input = input?;
        model
            .validate_input(&c.operation, &input)
            .map_err(|m| ApiError::validation(c.service, m))?;
        let now = self.clock.now_ms();
        let mut store = self.lock();
        let mut ctx = Ctx {
            store: &mut store,
            at,
            now,
        };
        let out = dispatch(c.service, &c.operation, &input, &mut ctx)?;
        Ok((out.body, out.target, op.response_code))
    }

    fn audit_entry(
        &self,
        c: &Classified,
        region: &str,
        account: Option<&str>,
        target: Option<String>,
        status: u16,
        error: Option<&str>,
    ) {
        self.audit.log(AuditEntry {
            ts: rfc3339(self.clock.now_ms()),
            service: c.service.name().to_owned(),
            operation: c.operation.clone(),
            target,
            status,
            region: region.to_owned(),
            account: account.map(str::to_owned),
            error: error.map(str::to_owned),
        });
    }
}

/// A JSON service's answer to refused credentials (HTTP 403, as AWS's
/// front ends answer for every protocol).
fn auth_error(refused: &AuthFailure) -> ApiError {
    match refused {
        AuthFailure::Expired { .. } => ApiError::new(
            403,
            "ExpiredTokenException",
            "The security token included in the request is expired",
        ),
        AuthFailure::InvalidToken => ApiError::new(
            403,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ),
    }
}
