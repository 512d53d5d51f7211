//! The embedded botocore service models and everything derived from them:
//! generic request validation against an operation's input shape, restJson1
//! route matching from `http` traits, and the shape checks the conformance
//! test runs against every response the simulator produces.
//!
//! The models are parsed once (lazily) into [`ServiceModel`]s. Patterns are
//! compiled with the `regex` crate and anchored (`^(?:…)$`), matching how AWS
//! services apply them; a pattern the crate cannot compile (for example one
//! with a look-ahead) is skipped rather than enforced.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use crate::protocol::ServiceKind;

const APPRUNNER_JSON: &str = include_str!("../aws-models/apprunner.json");
const DIRECTCONNECT_JSON: &str = include_str!("../aws-models/directconnect.json");
const SUPPLYCHAIN_JSON: &str = include_str!("../aws-models/supplychain.json");

/// The kind of a shape, with its type-specific parts.
#[derive(Debug, Clone)]
pub enum ShapeKind {
    /// A structure with its members (in model order) and required member names.
    Structure {
        /// Members in model order.
        members: Vec<Member>,
        /// Names of the required members.
        required: Vec<String>,
    },
    /// A list of `member` shapes.
    List {
        /// The element shape name.
        member: String,
    },
    /// A map from `key` shapes to `value` shapes.
    Map {
        /// The key shape name.
        key: String,
        /// The value shape name.
        value: String,
    },
    /// A string (possibly with an enum).
    String,
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    Long,
    /// A boolean.
    Boolean,
    /// A timestamp (a JSON number of epoch seconds on the wire here).
    Timestamp,
    /// A floating point number.
    Double,
    /// Binary data (base64 in JSON).
    Blob,
}

/// A member of a structure shape.
#[derive(Debug, Clone)]
pub struct Member {
    /// The member name as it appears on the wire (JSON key).
    pub name: String,
    /// The target shape name.
    pub shape: String,
    /// `uri`, `querystring`, `header`, … for restJson1 members bound outside the body.
    pub location: Option<String>,
    /// The name used for the location binding (path label, query key, header).
    pub location_name: Option<String>,
}

/// A shape of the model with its constraints.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The shape's name.
    pub name: String,
    /// The shape kind.
    pub kind: ShapeKind,
    /// `min` trait (length for strings/lists/maps, value for numbers).
    pub min: Option<f64>,
    /// `max` trait.
    pub max: Option<f64>,
    /// Compiled, anchored `pattern` (None when absent or unsupported).
    pub pattern: Option<Regex>,
    /// The raw pattern text, if any.
    pub pattern_src: Option<String>,
    /// Enum values, if the string shape is an enum.
    pub enum_values: Option<Vec<String>>,
    /// Whether this is an exception shape.
    pub exception: bool,
    /// The HTTP status of an exception shape, if the model sets one.
    pub http_status: Option<u16>,
}

/// One operation of a service model.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The operation name, e.g. `DeleteService`.
    pub name: String,
    /// HTTP method from the `http` trait.
    pub method: String,
    /// Request URI template from the `http` trait, e.g. `/api/instance/{instanceId}`.
    pub request_uri: String,
    /// Success status code (default 200).
    pub response_code: u16,
    /// Input shape name.
    pub input: Option<String>,
    /// Output shape name.
    pub output: Option<String>,
    /// Modeled error shape names.
    pub errors: Vec<String>,
}

/// A parsed botocore service model.
#[derive(Debug)]
pub struct ServiceModel {
    /// Which simulated service this is.
    pub service: ServiceKind,
    /// All shapes by name.
    pub shapes: HashMap<String, Shape>,
    /// All operations by name.
    pub operations: HashMap<String, Operation>,
    routes: Vec<Route>,
}

#[derive(Debug)]
struct Route {
    method: String,
    segments: Vec<Segment>,
    operation: String,
}

#[derive(Debug)]
enum Segment {
    Literal(String),
    Label(String),
    Greedy(String),
}

/// The three models of the simulated services.
#[derive(Debug)]
pub struct Models {
    /// AWS App Runner.
    pub apprunner: ServiceModel,
    /// AWS Direct Connect.
    pub directconnect: ServiceModel,
    /// AWS Supply Chain.
    pub supplychain: ServiceModel,
}

impl Models {
    /// The model of one service.
    pub fn get(&self, service: ServiceKind) -> &ServiceModel {
        match service {
            ServiceKind::AppRunner => &self.apprunner,
            ServiceKind::DirectConnect => &self.directconnect,
            ServiceKind::SupplyChain => &self.supplychain,
        }
    }
}

static MODELS: OnceLock<Models> = OnceLock::new();

/// The embedded models, parsed on first use.
///
/// The embedded JSON is part of the crate and covered by tests, so a parse
/// failure is a build defect; it yields an empty model rather than a panic.
pub fn models() -> &'static Models {
    MODELS.get_or_init(|| Models {
        apprunner: ServiceModel::parse(ServiceKind::AppRunner, APPRUNNER_JSON),
        directconnect: ServiceModel::parse(ServiceKind::DirectConnect, DIRECTCONNECT_JSON),
        supplychain: ServiceModel::parse(ServiceKind::SupplyChain, SUPPLYCHAIN_JSON),
    })
}

fn num(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64)
}

fn string(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_owned)
}

impl ServiceModel {
    fn parse(service: ServiceKind, text: &str) -> ServiceModel {
        let root: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        let mut shapes = HashMap::new();
        if let Some(map) = root.get("shapes").and_then(Value::as_object) {
            for (name, s) in map {
                shapes.insert(name.clone(), parse_shape(name, s));
            }
        }
        let mut operations = HashMap::new();
        if let Some(map) = root.get("operations").and_then(Value::as_object) {
            for (name, o) in map {
                let http = o.get("http");
                let op = Operation {
                    name: name.clone(),
                    method: string(http.and_then(|h| h.get("method")))
                        .unwrap_or_else(|| "POST".into()),
                    request_uri: string(http.and_then(|h| h.get("requestUri")))
                        .unwrap_or_else(|| "/".into()),
                    response_code: http
                        .and_then(|h| h.get("responseCode"))
                        .and_then(Value::as_u64)
                        .and_then(|c| u16::try_from(c).ok())
                        .unwrap_or(200),
                    input: string(o.get("input").and_then(|i| i.get("shape"))),
                    output: string(o.get("output").and_then(|i| i.get("shape"))),
                    errors: o
                        .get("errors")
                        .and_then(Value::as_array)
                        .map(|errs| errs.iter().filter_map(|e| string(e.get("shape"))).collect())
                        .unwrap_or_default(),
                };
                operations.insert(name.clone(), op);
            }
        }
        let mut routes: Vec<Route> = operations
            .values()
            .map(|op| {
                let path = op.request_uri.split('?').next().unwrap_or("/");
                let segments = path
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        if let Some(inner) = s.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
                            match inner.strip_suffix('+') {
                                Some(g) => Segment::Greedy(g.to_owned()),
                                None => Segment::Label(inner.to_owned()),
                            }
                        } else {
                            Segment::Literal(s.to_owned())
                        }
                    })
                    .collect();
                Route {
                    method: op.method.clone(),
                    segments,
                    operation: op.name.clone(),
                }
            })
            .collect();
        // Prefer routes with more literal segments (more specific) first.
        routes.sort_by_key(|r| {
            std::cmp::Reverse(
                r.segments
                    .iter()
                    .filter(|s| matches!(s, Segment::Literal(_)))
                    .count(),
            )
        });
        ServiceModel {
            service,
            shapes,
            operations,
            routes,
        }
    }

    /// The operation with this name, if modeled.
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.get(name)
    }

    /// Matches a restJson1 request to an operation by method and path.
    /// Returns the operation name and the (percent-decoded) path labels.
    pub fn route(&self, method: &str, path: &str) -> Option<(String, Vec<(String, String)>)> {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        'routes: for r in &self.routes {
            if !r.method.eq_ignore_ascii_case(method) {
                continue;
            }
            let mut labels = Vec::new();
            let mut i = 0;
            for (si, seg) in r.segments.iter().enumerate() {
                match seg {
                    Segment::Literal(l) => {
                        if parts.get(i) != Some(&l.as_str()) {
                            continue 'routes;
                        }
                        i += 1;
                    }
                    Segment::Label(name) => {
                        let Some(p) = parts.get(i) else {
                            continue 'routes;
                        };
                        labels.push((name.clone(), percent_decode(p)));
                        i += 1;
                    }
                    Segment::Greedy(name) => {
                        let rest_needed = r.segments.len() - si - 1;
                        if parts.len() < i + 1 + rest_needed {
                            continue 'routes;
                        }
                        let end = parts.len() - rest_needed;
                        let joined = parts[i..end].join("/");
                        labels.push((name.clone(), percent_decode(&joined)));
                        i = end;
                    }
                }
            }
            if i == parts.len() {
                return Some((r.operation.clone(), labels));
            }
        }
        None
    }

    /// Builds the restJson1 input document of `operation` from its body,
    /// path labels and query string, converting query values to the member
    /// types the model declares (integers, booleans, lists).
    pub fn rest_input(
        &self,
        operation: &str,
        body: Value,
        labels: &[(String, String)],
        query: &[(String, String)],
    ) -> Result<Value, String> {
        let mut obj = match body {
            Value::Object(m) => m,
            Value::Null => serde_json::Map::new(),
            _ => return Err("request body must be a JSON object".into()),
        };
        let Some(input) = self
            .operation(operation)
            .and_then(|o| o.input.as_ref())
            .and_then(|i| self.shapes.get(i))
        else {
            return Ok(Value::Object(obj));
        };
        let ShapeKind::Structure { members, .. } = &input.kind else {
            return Ok(Value::Object(obj));
        };
        for m in members {
            let loc_name = m.location_name.as_deref().unwrap_or(&m.name);
            match m.location.as_deref() {
                Some("uri") => {
                    if let Some((_, v)) = labels.iter().find(|(k, _)| k == loc_name) {
                        obj.insert(m.name.clone(), Value::String(v.clone()));
                    }
                }
                Some("querystring") => {
                    let values: Vec<&String> = query
                        .iter()
                        .filter(|(k, _)| k == loc_name)
                        .map(|(_, v)| v)
                        .collect();
                    if values.is_empty() {
                        continue;
                    }
                    let target = self.shapes.get(&m.shape);
                    let v = match target.map(|s| &s.kind) {
                        Some(ShapeKind::List { member }) => Value::Array(
                            values
                                .iter()
                                .map(|v| self.scalar_from_text(member, v))
                                .collect::<Result<_, _>>()?,
                        ),
                        _ => self.scalar_from_text(&m.shape, values[values.len() - 1])?,
                    };
                    obj.insert(m.name.clone(), v);
                }
                _ => {}
            }
        }
        Ok(Value::Object(obj))
    }

    fn scalar_from_text(&self, shape: &str, text: &str) -> Result<Value, String> {
        match self.shapes.get(shape).map(|s| &s.kind) {
            Some(ShapeKind::Integer | ShapeKind::Long) => text
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("'{text}' is not a valid integer")),
            Some(ShapeKind::Boolean) => match text {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!("'{text}' is not a valid boolean")),
            },
            _ => Ok(Value::String(text.to_owned())),
        }
    }

    /// Validates `input` against the input shape of `operation`.
    /// Returns the first problem as a human-readable message.
    pub fn validate_input(&self, operation: &str, input: &Value) -> Result<(), String> {
        let Some(shape) = self.operation(operation).and_then(|o| o.input.clone()) else {
            return Ok(());
        };
        let mut errors = Vec::new();
        self.validate(&shape, input, "", &mut errors);
        match errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn validate(&self, shape_name: &str, v: &Value, path: &str, errors: &mut Vec<String>) {
        if !errors.is_empty() {
            return;
        }
        let Some(shape) = self.shapes.get(shape_name) else {
            return;
        };
        let at = if path.is_empty() { "input" } else { path };
        match &shape.kind {
            ShapeKind::Structure { members, required } => {
                let Some(obj) = v.as_object() else {
                    errors.push(format!("{at} must be a structure (JSON object)"));
                    return;
                };
                for r in required {
                    if obj.get(r).is_none_or(Value::is_null) {
                        errors.push(format!(
                            "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                            join(path, r)
                        ));
                        return;
                    }
                }
                for m in members {
                    if let Some(mv) = obj.get(&m.name) {
                        if !mv.is_null() {
                            self.validate(&m.shape, mv, &join(path, &m.name), errors);
                        }
                    }
                }
            }
            ShapeKind::List { member } => {
                let Some(arr) = v.as_array() else {
                    errors.push(format!("{at} must be a list"));
                    return;
                };
                check_len(shape, arr.len(), at, errors);
                for (i, item) in arr.iter().enumerate() {
                    self.validate(member, item, &format!("{path}.{}", i + 1), errors);
                }
            }
            ShapeKind::Map { key, value } => {
                let Some(obj) = v.as_object() else {
                    errors.push(format!("{at} must be a map"));
                    return;
                };
                check_len(shape, obj.len(), at, errors);
                for (k, item) in obj {
                    self.validate(
                        key,
                        &Value::String(k.clone()),
                        &format!("{path}.key"),
                        errors,
                    );
                    self.validate(value, item, &format!("{path}.{k}"), errors);
                }
            }
            ShapeKind::String => {
                let Some(s) = v.as_str() else {
                    errors.push(format!("{at} must be a string"));
                    return;
                };
                check_len(shape, s.chars().count(), at, errors);
                if !errors.is_empty() {
                    return;
                }
                if let Some(values) = &shape.enum_values {
                    if !values.iter().any(|e| e == s) {
                        errors.push(format!(
                            "1 validation error detected: Value '{s}' at '{at}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                            values.join(", ")
                        ));
                        return;
                    }
                }
                if let Some(re) = &shape.pattern {
                    if !re.is_match(s) {
                        errors.push(format!(
                            "1 validation error detected: Value '{s}' at '{at}' failed to satisfy constraint: Member must satisfy regular expression pattern: {}",
                            shape.pattern_src.as_deref().unwrap_or("")
                        ));
                    }
                }
            }
            ShapeKind::Integer | ShapeKind::Long => {
                let Some(n) = v.as_i64() else {
                    errors.push(format!("{at} must be an integer"));
                    return;
                };
                let n = n as f64;
                if shape.min.is_some_and(|m| n < m) || shape.max.is_some_and(|m| n > m) {
                    errors.push(format!(
                        "1 validation error detected: Value '{n}' at '{at}' failed to satisfy constraint: Member must have value {}",
                        range_text(shape)
                    ));
                }
            }
            ShapeKind::Double => {
                if !v.is_number() {
                    errors.push(format!("{at} must be a number"));
                }
            }
            ShapeKind::Boolean => {
                if !v.is_boolean() {
                    errors.push(format!("{at} must be a boolean"));
                }
            }
            ShapeKind::Timestamp => {
                if !v.is_number() && !v.is_string() {
                    errors.push(format!("{at} must be a timestamp"));
                }
            }
            ShapeKind::Blob => {
                if !v.is_string() {
                    errors.push(format!("{at} must be base64 text"));
                }
            }
        }
    }

    /// Checks a response body against an output or error shape: every key is a
    /// member (with the model's casing), types match, required members are
    /// present and enum values are valid. `__type` is allowed on error shapes.
    /// Returns all problems found (empty = conformant).
    pub fn check_shape(&self, shape_name: &str, v: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        self.check(shape_name, v, "$", true, &mut problems);
        problems
    }

    fn check(&self, shape_name: &str, v: &Value, path: &str, top: bool, out: &mut Vec<String>) {
        let Some(shape) = self.shapes.get(shape_name) else {
            out.push(format!("{path}: unknown shape {shape_name}"));
            return;
        };
        let bad = |out: &mut Vec<String>, what: &str| {
            out.push(format!(
                "{path}: expected {what} for shape {shape_name}, got {v}"
            ));
        };
        match &shape.kind {
            ShapeKind::Structure { members, required } => {
                let Some(obj) = v.as_object() else {
                    return bad(out, "object");
                };
                for (k, item) in obj {
                    if top && shape.exception && k == "__type" {
                        continue;
                    }
                    match members.iter().find(|m| &m.name == k) {
                        Some(m) => {
                            if m.location.is_some() {
                                out.push(format!(
                                    "{path}.{k}: member is bound to {:?}, not the body",
                                    m.location
                                ));
                            }
                            self.check(&m.shape, item, &format!("{path}.{k}"), false, out);
                        }
                        None => out.push(format!("{path}.{k}: not a member of {shape_name}")),
                    }
                }
                for r in required {
                    let bound_elsewhere =
                        members.iter().any(|m| &m.name == r && m.location.is_some());
                    if !bound_elsewhere && obj.get(r).is_none_or(Value::is_null) {
                        out.push(format!(
                            "{path}: required member {r} of {shape_name} missing"
                        ));
                    }
                }
            }
            ShapeKind::List { member } => {
                let Some(arr) = v.as_array() else {
                    return bad(out, "array");
                };
                for (i, item) in arr.iter().enumerate() {
                    self.check(member, item, &format!("{path}[{i}]"), false, out);
                }
            }
            ShapeKind::Map { value, .. } => {
                let Some(obj) = v.as_object() else {
                    return bad(out, "object (map)");
                };
                for (k, item) in obj {
                    self.check(value, item, &format!("{path}.{k}"), false, out);
                }
            }
            ShapeKind::String => match v.as_str() {
                None => bad(out, "string"),
                Some(s) => {
                    if let Some(values) = &shape.enum_values {
                        if !values.iter().any(|e| e == s) {
                            out.push(format!("{path}: '{s}' is not a value of enum {shape_name}"));
                        }
                    }
                }
            },
            ShapeKind::Integer | ShapeKind::Long => {
                if !(v.is_i64() || v.is_u64()) {
                    bad(out, "integer");
                }
            }
            ShapeKind::Double => {
                if !v.is_number() {
                    bad(out, "number");
                }
            }
            ShapeKind::Boolean => {
                if !v.is_boolean() {
                    bad(out, "boolean");
                }
            }
            ShapeKind::Timestamp => {
                if !v.is_number() {
                    bad(out, "epoch-seconds number");
                }
            }
            ShapeKind::Blob => {
                if !v.is_string() {
                    bad(out, "base64 string");
                }
            }
        }
    }

    /// The member name an error shape uses for its message (`Message` for
    /// App Runner, `message` for the others); `message` when not modeled.
    pub fn error_message_member(&self, code: &str) -> &'static str {
        match self.shapes.get(code).map(|s| &s.kind) {
            Some(ShapeKind::Structure { members, .. })
                if members.iter().any(|m| m.name == "Message") =>
            {
                "Message"
            }
            Some(_) => "message",
            None => match self.service {
                ServiceKind::AppRunner => "Message",
                _ => "message",
            },
        }
    }

    /// True when the shape with this name is a timestamp (used by the CBOR encoder).
    pub fn is_timestamp(&self, shape: &str) -> bool {
        matches!(
            self.shapes.get(shape).map(|s| &s.kind),
            Some(ShapeKind::Timestamp)
        )
    }
}

fn join(path: &str, member: &str) -> String {
    if path.is_empty() {
        member.to_owned()
    } else {
        format!("{path}.{member}")
    }
}

fn range_text(shape: &Shape) -> String {
    match (shape.min, shape.max) {
        (Some(a), Some(b)) => format!("between {a} and {b}"),
        (Some(a), None) => format!("greater than or equal to {a}"),
        (None, Some(b)) => format!("less than or equal to {b}"),
        (None, None) => String::new(),
    }
}

fn check_len(shape: &Shape, len: usize, at: &str, errors: &mut Vec<String>) {
    let n = len as f64;
    if shape.min.is_some_and(|m| n < m) || shape.max.is_some_and(|m| n > m) {
        errors.push(format!(
            "1 validation error detected: Value at '{at}' failed to satisfy constraint: Member must have length {}",
            range_text(shape)
        ));
    }
}

fn parse_shape(name: &str, s: &Value) -> Shape {
    let ty = s.get("type").and_then(Value::as_str).unwrap_or("string");
    let kind = match ty {
        "structure" => {
            let mut members = Vec::new();
            if let Some(map) = s.get("members").and_then(Value::as_object) {
                for (mname, m) in map {
                    members.push(Member {
                        name: mname.clone(),
                        shape: string(m.get("shape")).unwrap_or_default(),
                        location: string(m.get("location")),
                        location_name: string(m.get("locationName")),
                    });
                }
            }
            let required = s
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            ShapeKind::Structure { members, required }
        }
        "list" => ShapeKind::List {
            member: string(s.get("member").and_then(|m| m.get("shape"))).unwrap_or_default(),
        },
        "map" => ShapeKind::Map {
            key: string(s.get("key").and_then(|m| m.get("shape"))).unwrap_or_default(),
            value: string(s.get("value").and_then(|m| m.get("shape"))).unwrap_or_default(),
        },
        "integer" => ShapeKind::Integer,
        "long" => ShapeKind::Long,
        "boolean" => ShapeKind::Boolean,
        "timestamp" => ShapeKind::Timestamp,
        "double" | "float" => ShapeKind::Double,
        "blob" => ShapeKind::Blob,
        _ => ShapeKind::String,
    };
    let pattern_src = string(s.get("pattern"));
    let pattern = pattern_src.as_deref().and_then(compile_pattern);
    Shape {
        name: name.to_owned(),
        kind,
        min: num(s.get("min")),
        max: num(s.get("max")),
        pattern,
        pattern_src,
        enum_values: s.get("enum").and_then(Value::as_array).map(|e| {
            e.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        }),
        exception: s.get("exception").and_then(Value::as_bool).unwrap_or(false),
        http_status: s
            .get("error")
            .and_then(|e| e.get("httpStatusCode"))
            .and_then(Value::as_u64)
            .and_then(|c| u16::try_from(c).ok()),
    }
}

/// Compiles a model pattern, anchored. Large bounded repetitions such as
/// `{1,1000}` are relaxed to `{1,}` (the shape's length traits bound them
/// anyway) so that patterns stay small for the `regex` crate.
fn compile_pattern(p: &str) -> Option<Regex> {
    static BOUNDED: OnceLock<Option<Regex>> = OnceLock::new();
    let relaxed = match BOUNDED.get_or_init(|| Regex::new(r"\{(\d+),(\d+)\}").ok()) {
        Some(re) => re
            .replace_all(p, |c: &regex::Captures<'_>| {
                let max: u64 = c[2].parse().unwrap_or(u64::MAX);
                if max > 64 {
                    format!("{{{},}}", &c[1])
                } else {
                    c[0].to_owned()
                }
            })
            .into_owned(),
        None => p.to_owned(),
    };
    Regex::new(&format!("^(?:{relaxed})$")).ok()
}

/// Decodes `%XX` escapes (and leaves invalid escapes as they are).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a query string into decoded key/value pairs (`+` means space).
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn models_parse_and_have_operations() {
        let m = models();
        assert!(m.apprunner.operation("DeleteService").is_some());
        assert!(m
            .directconnect
            .operation("DescribeVirtualInterfaces")
            .is_some());
        assert!(m.supplychain.operation("DeleteInstance").is_some());
    }

    #[test]
    fn validation_catches_ranges_enums_and_required() {
        let m = &models().apprunner;
        assert!(m
            .validate_input("ListServices", &json!({"MaxResults": 50}))
            .is_err());
        assert!(m
            .validate_input("ListServices", &json!({"MaxResults": 20}))
            .is_ok());
        assert!(m.validate_input("DeleteService", &json!({})).is_err());
        let bad_enum = json!({"ServiceName": "abcd", "SourceConfiguration": {"ImageRepository": {"ImageIdentifier": "public.ecr.aws/a/b:latest", "ImageRepositoryType": "NOPE"}}});
        assert!(m.validate_input("CreateService", &bad_enum).is_err());
    }

    #[test]
    fn routes_match_rest_paths() {
        let m = &models().supplychain;
        assert_eq!(
            m.route("GET", "/api/instance").map(|r| r.0),
            Some("ListInstances".into())
        );
        let (op, labels) = m.route("DELETE", "/api/instance/abc").unwrap_or_default();
        assert_eq!(op, "DeleteInstance");
        assert_eq!(labels, vec![("instanceId".to_string(), "abc".to_string())]);
        assert_eq!(
            m.route(
                "GET",
                "/api/tags/arn%3Aaws%3Ascn%3Aus-east-1%3A1%3Ainstance%2Fx"
            )
            .map(|r| r.1),
            Some(vec![(
                "resourceArn".to_string(),
                "arn:aws:scn:us-east-1:1:instance/x".to_string()
            )])
        );
    }

    #[test]
    fn only_lookaround_patterns_are_skipped() {
        for m in [
            &models().apprunner,
            &models().directconnect,
            &models().supplychain,
        ] {
            for shape in m.shapes.values() {
                if let (Some(src), None) = (&shape.pattern_src, &shape.pattern) {
                    assert!(
                        src.contains("(?!") || src.contains("(?="),
                        "{}: {src}",
                        shape.name
                    );
                }
            }
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%2Fb%"), "a/b%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%41"), "A");
    }
}
