//! Test support: a fault-injecting HTTP proxy on loopback in front of moto. Of every call, a
//! share is answered "throttled" (503 `RequestLimitExceeded`) without being forwarded, and a
//! share is forwarded but answered 500 `InternalError` (the call happened, the client cannot
//! know it); the others are relayed; every forwarded call can be delayed by a fixed latency.
//! Every call is logged with the time it arrived (for the latency benchmark's attribution of
//! calls to resources). Runs on its own thread and runtime; stops on drop.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The proxy: its URL and how many calls it saw, throttled and failed after forwarding.
pub struct FaultProxy {
    pub url: String,
    pub calls: Arc<AtomicUsize>,
    pub throttled: Arc<AtomicUsize>,
    pub failed_after: Arc<AtomicUsize>,
    /// Every call: when it arrived, and what it was (`Action` of a query call, else method
    /// and path).
    pub log: CallLog,
    /// Every forwarded call's answer: when it went back, and what it was with moto's time to
    /// answer (for the latency benchmark's trace).
    pub replies: CallLog,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

const THROTTLED: &str = "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>proxy</RequestID></Response>";
const INTERNAL: &str = "<Response><Errors><Error><Code>InternalError</Code><Message>An internal error has occurred.</Message></Error></Errors><RequestID>proxy</RequestID></Response>";

struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

async fn read_request(sock: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let mut lines = head.lines();
            let mut first = lines.next()?.split_whitespace();
            let method = first.next()?.to_string();
            let path = first.next()?.to_string();
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| {
                    l.split_once(':')
                        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                })
                .collect();
            let len = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.parse::<usize>().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = sock.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = buf[end + 4..end + 4 + len].to_vec();
            return Some(Request {
                method,
                path,
                headers,
                body,
            });
        }
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Writes the answer in one write: head and body written apart would meet Nagle's algorithm
/// (the body held until the head is acknowledged) and the client's delayed acknowledgement,
/// 40 ms on every call of a kept-alive connection, which no real endpoint adds.
async fn respond(sock: &mut TcpStream, status: u16, content_type: &str, body: &[u8]) -> bool {
    let mut answer = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body);
    sock.write_all(&answer).await.is_ok()
}

/// The proxy's log of calls.
pub type CallLog = Arc<Mutex<Vec<(SystemTime, String)>>>;

/// What a call was: its query `Action`, else its method and path.
fn describe(r: &Request) -> String {
    let body = String::from_utf8_lossy(&r.body);
    let action = body
        .split('&')
        .chain(r.path.split(['?', '&']))
        .find_map(|kv| kv.strip_prefix("Action="));
    match action {
        Some(a) => a.to_string(),
        None => format!("{} {}", r.method, r.path),
    }
}

struct Shared {
    log: CallLog,
    replies: CallLog,
    target: String,
    http: reqwest::Client,
    calls: Arc<AtomicUsize>,
    throttled: Arc<AtomicUsize>,
    failed_after: Arc<AtomicUsize>,
    throttle_every: usize,
    fail_every: usize,
    latency: std::time::Duration,
}

async fn forward(s: &Shared, r: &Request) -> Option<(u16, String, Vec<u8>)> {
    if !s.latency.is_zero() {
        tokio::time::sleep(s.latency).await;
    }
    let sent = std::time::Instant::now();
    let method = reqwest::Method::from_bytes(r.method.as_bytes()).ok()?;
    let mut rb = s.http.request(method, format!("{}{}", s.target, r.path));
    for (k, v) in &r.headers {
        // The signed Host header is kept as the client sent it.
        if !k.eq_ignore_ascii_case("content-length") && !k.eq_ignore_ascii_case("connection") {
            rb = rb.header(k.as_str(), v.as_str());
        }
    }
    let resp = rb.body(r.body.clone()).send().await.ok()?;
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("text/xml")
        .to_string();
    let body = resp.bytes().await.ok()?.to_vec();
    if let Ok(mut replies) = s.replies.lock() {
        replies.push((
            SystemTime::now(),
            format!("{} (moto {} ms)", describe(r), sent.elapsed().as_millis()),
        ));
    }
    Some((status, ct, body))
}

/// Whether call `n` is one of every `k`th.
fn nth(n: usize, k: usize) -> bool {
    k != 0 && n / k * k == n
}

async fn serve_conn(s: Arc<Shared>, mut sock: TcpStream) {
    while let Some(r) = read_request(&mut sock).await {
        if let Ok(mut log) = s.log.lock() {
            log.push((SystemTime::now(), describe(&r)));
        }
        let n = s.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let ok = if nth(n, s.throttle_every) {
            s.throttled.fetch_add(1, Ordering::SeqCst);
            respond(&mut sock, 503, "text/xml", THROTTLED.as_bytes()).await
        } else {
            let answer = forward(&s, &r).await;
            if nth(n, s.fail_every) {
                s.failed_after.fetch_add(1, Ordering::SeqCst);
                respond(&mut sock, 500, "text/xml", INTERNAL.as_bytes()).await
            } else {
                match answer {
                    Some((status, ct, body)) => respond(&mut sock, status, &ct, &body).await,
                    None => respond(&mut sock, 502, "text/plain", b"bad gateway").await,
                }
            }
        };
        if !ok {
            return;
        }
    }
}

impl FaultProxy {
    /// A proxy to `target` (moto's URL): every `throttle_every`th call throttled, every
    /// `fail_every`th forwarded then failed.
    pub fn start(target: &str, throttle_every: usize, fail_every: usize) -> FaultProxy {
        FaultProxy::with_latency(
            target,
            throttle_every,
            fail_every,
            std::time::Duration::ZERO,
        )
    }

    /// As [`FaultProxy::start`], each forwarded call delayed by `latency` (for benchmarks;
    /// `usize::MAX` for the shares turns faults off).
    pub fn with_latency(
        target: &str,
        throttle_every: usize,
        fail_every: usize,
        latency: std::time::Duration,
    ) -> FaultProxy {
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let calls = Arc::new(AtomicUsize::new(0));
        let throttled = Arc::new(AtomicUsize::new(0));
        let failed_after = Arc::new(AtomicUsize::new(0));
        let log: CallLog = Arc::default();
        let replies: CallLog = Arc::default();
        let shared = Shared {
            log: log.clone(),
            replies: replies.clone(),
            target: target.trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
            calls: calls.clone(),
            throttled: throttled.clone(),
            failed_after: failed_after.clone(),
            throttle_every: throttle_every.max(2),
            fail_every: fail_every.max(2),
            latency,
        };
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("tokio runtime");
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a loopback port");
                let addr = listener.local_addr().expect("its address");
                let _ = tx.send(format!("http://{addr}"));
                let shared = Arc::new(shared);
                let accept = async {
                    while let Ok((sock, _)) = listener.accept().await {
                        let _ = sock.set_nodelay(true);
                        tokio::spawn(serve_conn(shared.clone(), sock));
                    }
                };
                tokio::select! {
                    _ = accept => {}
                    _ = stop_rx => {}
                }
            });
        });
        let url = rx.recv().expect("the proxy's address");
        FaultProxy {
            url,
            calls,
            throttled,
            failed_after,
            log,
            replies,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }
}
