//! A minimal CBOR (RFC 8949) codec for the smithy-rpc-v2-cbor protocol, the
//! first protocol the Direct Connect model lists: requests are decoded into JSON values (so the
//! rest of the simulator is protocol-agnostic), responses are encoded from JSON
//! values, with timestamp members (found through the model) written as tag 1
//! (epoch seconds) as the protocol requires.

use serde_json::{Map, Number, Value};

use crate::model::{ServiceModel, ShapeKind};

const MAX_DEPTH: usize = 64;

/// Decodes one CBOR data item into a JSON value.
pub(crate) fn decode(bytes: &[u8]) -> Result<Value, String> {
    if bytes.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let mut d = Decoder { bytes, pos: 0 };
    let v = d.item(0)?;
    if d.pos != bytes.len() {
        return Err("trailing bytes after CBOR data item".into());
    }
    Ok(v)
}

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
}

enum Item {
    Value(Value),
    Break,
}

impl Decoder<'_> {
    fn byte(&mut self) -> Result<u8, String> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or("unexpected end of CBOR data")?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: u64) -> Result<&[u8], String> {
        let n = usize::try_from(n).map_err(|_| "CBOR length too large")?;
        let end = self.pos.checked_add(n).ok_or("CBOR length overflow")?;
        let s = self
            .bytes
            .get(self.pos..end)
            .ok_or("unexpected end of CBOR data")?;
        self.pos = end;
        Ok(s)
    }

    fn arg(&mut self, info: u8) -> Result<u64, String> {
        Ok(match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.byte()?),
            25 => u64::from(u16::from_be_bytes(self.fixed::<2>()?)),
            26 => u64::from(u32::from_be_bytes(self.fixed::<4>()?)),
            27 => u64::from_be_bytes(self.fixed::<8>()?),
            _ => return Err(format!("invalid CBOR additional info {info}")),
        })
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let s = self.take(N as u64)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn item(&mut self, depth: usize) -> Result<Value, String> {
        match self.item_or_break(depth)? {
            Item::Value(v) => Ok(v),
            Item::Break => Err("unexpected CBOR break".into()),
        }
    }

    fn item_or_break(&mut self, depth: usize) -> Result<Item, String> {
        if depth > MAX_DEPTH {
            return Err("CBOR nesting too deep".into());
        }
        let b = self.byte()?;
        let major = b >> 5;
        let info = b & 0x1f;
        if b == 0xff {
            return Ok(Item::Break);
        }
        let v = match major {
            0 => Value::from(self.arg(info)?),
            1 => {
                let n = self.arg(info)?;
                let n = i64::try_from(n).map_err(|_| "CBOR negative integer out of range")?;
                Value::from(-1 - n)
            }
            2 | 3 => {
                let data = if info == 31 {
                    let mut out = Vec::new();
                    loop {
                        match self.item_or_break(depth + 1)? {
                            Item::Break => break,
                            Item::Value(Value::String(s)) => out.extend_from_slice(s.as_bytes()),
                            Item::Value(_) => return Err("bad indefinite string chunk".into()),
                        }
                    }
                    out
                } else {
                    let n = self.arg(info)?;
                    self.take(n)?.to_vec()
                };
                Value::String(String::from_utf8_lossy(&data).into_owned())
            }
            4 => {
                let mut arr = Vec::new();
                if info == 31 {
                    while let Item::Value(v) = self.item_or_break(depth + 1)? {
                        arr.push(v);
                    }
                } else {
                    let n = self.arg(info)?;
                    for _ in 0..n {
                        arr.push(self.item(depth + 1)?);
                    }
                }
                Value::Array(arr)
            }
            5 => {
                let mut map = Map::new();
                let mut read_pair = |d: &mut Self, first: Item| -> Result<bool, String> {
                    let Item::Value(k) = first else {
                        return Ok(false);
                    };
                    // rpc-v2-cbor map keys are text strings. Stringifying
                    // any other key (as JSON) made a map key that is a map
                    // of maps escape its quotes once per level: output
                    // exponential in the nesting depth (a fuzzer timeout).
                    let Value::String(key) = k else {
                        return Err("CBOR map key is not a text string".into());
                    };
                    let v = d.item(depth + 1)?;
                    map.insert(key, v);
                    Ok(true)
                };
                if info == 31 {
                    loop {
                        let first = self.item_or_break(depth + 1)?;
                        if !read_pair(self, first)? {
                            break;
                        }
                    }
                } else {
                    let n = self.arg(info)?;
                    for _ in 0..n {
                        let first = self.item_or_break(depth + 1)?;
                        if !read_pair(self, first)? {
                            return Err("unexpected CBOR break in map".into());
                        }
                    }
                }
                Value::Object(map)
            }
            6 => {
                let _tag = self.arg(info)?;
                self.item(depth + 1)?
            }
            _ => match info {
                20 => Value::Bool(false),
                21 => Value::Bool(true),
                22 | 23 => Value::Null,
                25 => {
                    let h = u16::from_be_bytes(self.fixed::<2>()?);
                    float(half_to_f64(h))
                }
                26 => float(f64::from(f32::from_bits(u32::from_be_bytes(
                    self.fixed::<4>()?,
                )))),
                27 => float(f64::from_bits(u64::from_be_bytes(self.fixed::<8>()?))),
                _ => return Err(format!("unsupported CBOR simple value {info}")),
            },
        };
        Ok(Item::Value(v))
    }
}

fn float(f: f64) -> Value {
    Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn half_to_f64(h: u16) -> f64 {
    let exp = (h >> 10) & 0x1f;
    let mant = f64::from(h & 0x3ff);
    let v = match exp {
        0 => mant * 2f64.powi(-24),
        31 => {
            if mant == 0.0 {
                f64::INFINITY
            } else {
                f64::NAN
            }
        }
        e => (mant + 1024.0) * 2f64.powi(i32::from(e) - 25),
    };
    if h & 0x8000 != 0 {
        -v
    } else {
        v
    }
}

/// Encodes a JSON value as CBOR. `shape` (an output shape of `model`) lets
/// timestamp members be written as tag 1; `None` encodes plainly.
pub(crate) fn encode_value(v: &Value, shape: Option<&str>, model: &ServiceModel) -> Vec<u8> {
    let mut out = Vec::new();
    enc(&mut out, v, shape, model, 0);
    out
}

fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    if n < 24 {
        out.push(m | n as u8);
    } else if n <= u64::from(u8::MAX) {
        out.push(m | 24);
        out.push(n as u8);
    } else if n <= u64::from(u16::MAX) {
        out.push(m | 25);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else if n <= u64::from(u32::MAX) {
        out.push(m | 26);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn enc(out: &mut Vec<u8>, v: &Value, shape: Option<&str>, model: &ServiceModel, depth: usize) {
    let kind = shape.and_then(|s| model.shapes.get(s)).map(|s| &s.kind);
    if depth > MAX_DEPTH {
        out.push(0xf6);
        return;
    }
    match v {
        Value::Null => out.push(0xf6),
        Value::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        Value::Number(n) => {
            let is_ts = matches!(kind, Some(ShapeKind::Timestamp));
            let is_double = matches!(kind, Some(ShapeKind::Double));
            if is_ts {
                head(out, 6, 1);
            }
            if let (false, Some(u)) = (is_double, n.as_u64()) {
                head(out, 0, u);
            } else if let (false, Some(i)) = (is_double, n.as_i64()) {
                head(out, 1, (-1 - i) as u64);
            } else {
                out.push(0xfb);
                out.extend_from_slice(&n.as_f64().unwrap_or(0.0).to_bits().to_be_bytes());
            }
        }
        Value::String(s) => {
            head(out, 3, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Array(a) => {
            let member = match kind {
                Some(ShapeKind::List { member }) => Some(member.as_str()),
                _ => None,
            };
            head(out, 4, a.len() as u64);
            for item in a {
                enc(out, item, member, model, depth + 1);
            }
        }
        Value::Object(map) => {
            head(out, 5, map.len() as u64);
            for (k, item) in map {
                let child = match kind {
                    Some(ShapeKind::Structure { members, .. }) => members
                        .iter()
                        .find(|m| &m.name == k)
                        .map(|m| m.shape.as_str()),
                    Some(ShapeKind::Map { value, .. }) => Some(value.as_str()),
                    _ => None,
                };
                head(out, 3, k.len() as u64);
                out.extend_from_slice(k.as_bytes());
                enc(out, item, child, model, depth + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::models;
    use serde_json::json;

    #[test]
    fn round_trips_json_values() {
        let m = &models().directconnect;
        let v = json!({"a": 1, "b": -5, "c": "x", "d": [true, false, null], "e": {"f": 1.5}});
        let bytes = encode_value(&v, None, m);
        assert_eq!(decode(&bytes), Ok(v));
    }

    #[test]
    fn decodes_indefinite_and_half_floats() {
        // {_ "a": [_ 1, 2], "b": 1.5 (half)}
        let bytes = [
            0xbf, 0x61, b'a', 0x9f, 0x01, 0x02, 0xff, 0x61, b'b', 0xf9, 0x3e, 0x00, 0xff,
        ];
        assert_eq!(decode(&bytes), Ok(json!({"a": [1, 2], "b": 1.5})));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bytes in [
            &[0x1b_u8][..],
            &[0xff],
            &[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            &[0xa1, 0x01],
        ] {
            let _ = decode(bytes);
        }
        assert!(decode(&[0x61]).is_err());
    }
}
