//! Fake servers on 127.0.0.1 for tests of what decom does when the
//! network misbehaves: one that never answers, one that answers garbage,
//! and a proxy in front of the simulator that holds some requests
//! unanswered. Each stops (and drops its connections) when dropped.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// A listener and its accept loop; `serve` handles each connection on
/// its own thread. Connections are kept so that dropping stops them.
struct Server {
    url: String,
    stop: Arc<AtomicBool>,
    accepted: Arc<AtomicUsize>,
    streams: Arc<Mutex<Vec<TcpStream>>>,
    accept_loop: Option<JoinHandle<()>>,
}

impl Server {
    fn start(serve: impl Fn(TcpStream) + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(AtomicUsize::new(0));
        let streams = Arc::new(Mutex::new(Vec::new()));
        let serve = Arc::new(serve);
        let accept_loop = {
            let (stop, accepted, streams) = (stop.clone(), accepted.clone(), streams.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let Ok((stream, _)) = listener.accept() else {
                        std::thread::sleep(Duration::from_millis(10));
                        continue;
                    };
                    accepted.fetch_add(1, Ordering::SeqCst);
                    stream.set_nonblocking(false).unwrap();
                    streams.lock().unwrap().push(stream.try_clone().unwrap());
                    let serve = serve.clone();
                    std::thread::spawn(move || serve(stream));
                }
            })
        };
        Server {
            url,
            stop,
            accepted,
            streams,
            accept_loop: Some(accept_loop),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for s in self.streams.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
        if let Some(t) = self.accept_loop.take() {
            let _ = t.join();
        }
    }
}

/// Accepts connections and never answers.
pub struct Blackhole(Server);

impl Blackhole {
    pub fn start() -> Blackhole {
        Blackhole(Server::start(|mut stream| {
            let mut sink = [0u8; 4096];
            while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
        }))
    }

    pub fn url(&self) -> String {
        self.0.url.clone()
    }

    pub fn connections(&self) -> usize {
        self.0.accepted.load(Ordering::SeqCst)
    }
}

/// A URL on which nothing listens (a port just released).
pub fn refusing_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

/// One HTTP/1.1 request's head and body, read from `stream`.
pub struct Request {
    pub head: String,
    pub bytes: Vec<u8>,
}

impl Request {
    pub fn read(stream: &mut TcpStream) -> Option<Request> {
        let mut bytes = Vec::new();
        let mut byte = [0u8; 1];
        while !bytes.ends_with(b"\r\n\r\n") {
            if stream.read(&mut byte).ok()? == 0 {
                return None;
            }
            bytes.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&bytes).into_owned();
        let length = header(&head, "content-length")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; length];
        stream.read_exact(&mut body).ok()?;
        bytes.extend(body);
        Some(Request { head, bytes })
    }

    /// A Delete* call: `DELETE` (REST protocols) or an `X-Amz-Target`
    /// naming a `Delete` operation (JSON protocols).
    pub fn is_delete(&self) -> bool {
        self.head.starts_with("DELETE ")
            || header(&self.head, "x-amz-target").is_some_and(|t| t.contains(".Delete"))
    }
}

fn header(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

/// Answers every request with `status` and `body`.
pub struct GarbageServer(Server);

impl GarbageServer {
    pub fn start(status: u16, body: &'static str) -> GarbageServer {
        GarbageServer(Server::start(move |mut stream| {
            while Request::read(&mut stream).is_some() {
                let answer = format!(
                    "HTTP/1.1 {status} Whatever\r\nContent-Type: application/json\r\n\
                     Content-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                if stream.write_all(answer.as_bytes()).is_err() {
                    return;
                }
            }
        }))
    }

    pub fn url(&self) -> String {
        self.0.url.clone()
    }
}

/// Forwards requests to `upstream`, except those `hold` picks: those are
/// read and not answered until [`HoldingProxy::release`] (the connection
/// stays open until then, or until the client gives up on it).
pub struct HoldingProxy {
    server: Server,
    held: Arc<AtomicUsize>,
    released: Arc<AtomicBool>,
}

impl HoldingProxy {
    /// Holds Delete* requests only.
    pub fn deletes(upstream: &str) -> HoldingProxy {
        HoldingProxy::start(upstream, Request::is_delete)
    }

    pub fn start(upstream: &str, hold: fn(&Request) -> bool) -> HoldingProxy {
        let upstream = upstream.trim_start_matches("http://").to_string();
        let held = Arc::new(AtomicUsize::new(0));
        let released = Arc::new(AtomicBool::new(false));
        let (counter, gate) = (held.clone(), released.clone());
        let server = Server::start(move |mut client| {
            let Some(request) = Request::read(&mut client) else {
                return;
            };
            if hold(&request) {
                counter.fetch_add(1, Ordering::SeqCst);
                if !held_until_released(&mut client, &gate) {
                    return;
                }
            }
            // One request per connection: the answer is read to the
            // upstream's close, whatever its framing, then passed on.
            if let Some(answer) = forward(&upstream, &request) {
                let _ = client.write_all(&answer);
            }
            let _ = client.shutdown(Shutdown::Both);
        });
        HoldingProxy {
            server,
            held,
            released,
        }
    }

    /// Forwards the requests held and those to come.
    pub fn release(&self) {
        self.released.store(true, Ordering::SeqCst);
    }

    pub fn url(&self) -> String {
        self.server.url.clone()
    }

    /// Requests held so far.
    pub fn held(&self) -> usize {
        self.held.load(Ordering::SeqCst)
    }
}

/// Waits until `released`; false if the client gave up first.
fn held_until_released(client: &mut TcpStream, released: &AtomicBool) -> bool {
    if client
        .set_read_timeout(Some(Duration::from_millis(20)))
        .is_err()
    {
        return false;
    }
    let mut sink = [0u8; 4096];
    while !released.load(Ordering::SeqCst) {
        match client.read(&mut sink) {
            Ok(0) => return false,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return false,
        }
    }
    client.set_read_timeout(None).is_ok()
}

/// Sends `request` upstream with `Connection: close`; the whole answer.
fn forward(upstream: &str, request: &Request) -> Option<Vec<u8>> {
    let mut up = TcpStream::connect(upstream).ok()?;
    let head_len = request.head.len();
    let mut head: Vec<&str> = request
        .head
        .trim_end()
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    head.push("Connection: close");
    let mut bytes = (head.join("\r\n") + "\r\n\r\n").into_bytes();
    bytes.extend_from_slice(&request.bytes[head_len..]);
    up.write_all(&bytes).ok()?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer).ok()?;
    Some(answer)
}
