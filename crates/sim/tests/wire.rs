//! Wire-level behaviour with raw HTTP/1.1: malformed bodies, unknown
//! operations, missing SigV4 scope, rpc-v2-cbor, garbage, concurrency.

mod common;

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

async fn send(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Raw {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).await.expect("write");
    s.write_all(body).await.expect("write body");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.expect("read");
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status");
    let headers = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect();
    Raw {
        status,
        headers,
        body: buf[split + 4..].to_vec(),
    }
}

const AR: &[(&str, &str)] = &[("content-type", "application/x-amz-json-1.0")];

#[tokio::test]
async fn json_protocol_errors() {
    let sim = start(instant()).await;
    let a = sim.addr();
    let r = send(
        a,
        "POST",
        "/",
        &[AR[0], ("x-amz-target", "AppRunner.ListServices")],
        b"{not json",
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["__type"], "SerializationException");
    let r = send(
        a,
        "POST",
        "/",
        &[AR[0], ("x-amz-target", "AppRunner.ListServices")],
        b"[1,2]",
    )
    .await;
    assert_eq!(r.json()["__type"], "SerializationException");

    let r = send(
        a,
        "POST",
        "/",
        &[AR[0], ("x-amz-target", "AppRunner.PauseService")],
        b"{}",
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["__type"], "UnknownOperationException");
    assert_eq!(
        r.header("x-amzn-errortype"),
        Some("UnknownOperationException")
    );
    let r = send(
        a,
        "POST",
        "/",
        &[("x-amz-target", "OvertureService.NoSuchThing")],
        b"{}",
    )
    .await;
    assert_eq!(r.json()["__type"], "UnknownOperationException");
    let r = send(a, "POST", "/", &[("x-amz-target", "Bogus")], b"{}").await;
    assert_eq!(r.status, 400);

    // Missing Authorization → us-east-1; the body is the model's error shape.
    let r = send(
        a,
        "POST",
        "/",
        &[AR[0], ("x-amz-target", "AppRunner.DescribeService")],
        br#"{"ServiceArn":"arn:aws:apprunner:us-east-1:123456789012:service/x/00000000000000000000000000000000"}"#,
    )
    .await;
    assert_eq!(r.json()["__type"], "ResourceNotFoundException");
    assert!(
        r.json()["Message"].is_string(),
        "App Runner errors use `Message`"
    );
    assert_eq!(r.header("content-type"), Some("application/x-amz-json-1.0"));
    assert_eq!(
        sim.audit().last().map(|e| e.region.clone()),
        Some("us-east-1".to_string())
    );

    let r = send(
        a,
        "POST",
        "/",
        &[
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", "OvertureService.DescribeConnections"),
        ],
        b"",
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["connections"], serde_json::json!([]));
    let r = send(
        a,
        "POST",
        "/",
        &[("x-amz-target", "OvertureService.DeleteConnection")],
        b"{}",
    )
    .await;
    assert_eq!(r.json()["__type"], "DirectConnectClientException");
    assert!(r.json()["message"].is_string(), "DX errors use `message`");
    sim.shutdown().await;
}

#[tokio::test]
async fn rest_routes_and_errors() {
    let sim = start(instant()).await;
    let a = sim.addr();
    let r = send(a, "GET", "/api/nothing-here", &[], b"").await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.header("x-amzn-errortype"),
        Some("UnknownOperationException")
    );
    let r = send(
        a,
        "POST",
        "/api/instance",
        &[("content-type", "application/json")],
        b"{oops",
    )
    .await;
    assert_eq!(r.status, 400);
    let r = send(a, "GET", "/api/instance?maxResults=abc", &[], b"").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.header("x-amzn-errortype"), Some("ValidationException"));
    let r = send(a, "GET", "/api/instance/%ZZ", &[], b"").await;
    assert_eq!(r.status, 400, "pattern mismatch → ValidationException");
    let r = send(
        a,
        "POST",
        "/api/instance",
        &[("content-type", "application/json")],
        br#"{"instanceName":"raw"}"#,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["instance"]["state"], "Initializing");
    assert!(r.json()["instance"]["createdTime"].is_number());
    let auth = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20250101/ap-south-1/scn/aws4_request, SignedHeaders=host, Signature=00";
    let r = send(a, "GET", "/api/instance", &[("authorization", auth)], b"").await;
    assert_eq!(
        r.json()["instances"],
        serde_json::json!([]),
        "other region is empty"
    );
    sim.shutdown().await;
}

fn cbor_text(out: &mut Vec<u8>, s: &str) {
    assert!(s.len() < 24);
    out.push(0x60 | s.len() as u8);
    out.extend_from_slice(s.as_bytes());
}

#[tokio::test]
async fn rpc_v2_cbor_for_direct_connect() {
    let sim = start(instant()).await;
    let a = sim.addr();
    let mut body = vec![0xa3];
    for (k, v) in [
        ("location", "EqDC2"),
        ("bandwidth", "1Gbps"),
        ("connectionName", "cbor-conn"),
    ] {
        cbor_text(&mut body, k);
        cbor_text(&mut body, v);
    }
    let h = [
        ("smithy-protocol", "rpc-v2-cbor"),
        ("content-type", "application/cbor"),
        ("accept", "application/cbor"),
    ];
    let r = send(
        a,
        "POST",
        "/service/OvertureService/operation/CreateConnection",
        &h,
        &body,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("smithy-protocol"), Some("rpc-v2-cbor"));
    assert_eq!(r.header("content-type"), Some("application/cbor"));
    assert!(r.body.windows(6).any(|w| w == b"dxcon-"));
    let r = send(
        a,
        "POST",
        "/service/OvertureService/operation/DeleteConnection",
        &h,
        &[0xa0],
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r
        .body
        .windows(28)
        .any(|w| w == b"DirectConnectClientException"));
    let r = send(
        a,
        "POST",
        "/service/OvertureService/operation/CreateConnection",
        &h,
        &[0xbf, 0x61],
    )
    .await;
    assert_eq!(r.status, 400, "truncated CBOR is a SerializationException");
    let r = send(a, "POST", "/service/Other/operation/X", &h, &[0xa0]).await;
    assert_eq!(r.status, 400);
    sim.shutdown().await;
}

#[tokio::test]
async fn garbage_never_kills_the_server() {
    let sim = start(instant()).await;
    let a = sim.addr();
    let bodies: [&[u8]; 5] = [
        b"",
        b"\xff\xfe",
        b"{\"MaxResults\": \"many\"}",
        b"{\"NextToken\": 5}",
        b"{\"Filter\": []}",
    ];
    for target in [
        "AppRunner.ListServices",
        "AppRunner.ListVpcIngressConnections",
        "AppRunner.CreateService",
        "OvertureService.DescribeTags",
    ] {
        for body in bodies {
            let r = send(a, "POST", "/", &[("x-amz-target", target)], body).await;
            assert!(r.status == 200 || r.status == 400, "{target}: {}", r.status);
        }
    }
    // Raw garbage on the socket.
    let mut s = TcpStream::connect(a).await.expect("connect");
    let _ = s.write_all(b"\x00\x01garbage\r\n\r\n").await;
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf).await;
    // Still serving.
    let r = send(
        a,
        "POST",
        "/",
        &[("x-amz-target", "AppRunner.ListServices")],
        b"{}",
    )
    .await;
    assert_eq!(r.status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn hundreds_of_concurrent_connections() {
    let sim = start(instant()).await;
    let a = sim.addr();
    let tasks: Vec<_> = (0..500)
        .map(|_| {
            tokio::spawn(async move {
                send(
                    a,
                    "POST",
                    "/",
                    &[("x-amz-target", "AppRunner.ListVpcConnectors")],
                    b"{}",
                )
                .await
                .status
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.expect("task"), 200);
    }
    assert_eq!(sim.audit().len(), 500);
    sim.shutdown().await;
}
