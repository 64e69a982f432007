//! Tests of the `http` data source against a small HTTP server on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::*;
use crate::testing::{s, Driver, TestHost};

/// Serves requests until the test ends: `/ok` (200, text), `/missing` (404), `/flaky` (500
/// the first two times, then 200), `/echo` (the method and body back).
fn serve() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let flaky = Arc::new(AtomicUsize::new(0));
    let count = flaky.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or("").to_string();
            let path = parts.next().unwrap_or("").to_string();
            let mut len = 0usize;
            let mut auth = String::new();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
                    break;
                }
                let lower = h.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
                if let Some(v) = lower.strip_prefix("x-token:") {
                    auth = v.trim().to_string();
                }
            }
            let mut body = vec![0u8; len];
            let _ = reader.read_exact(&mut body);
            let (status, text) = match path.as_str() {
                "/ok" => ("200 OK", "hello".to_string()),
                "/missing" => ("404 Not Found", "no".to_string()),
                "/flaky" if count.fetch_add(1, Ordering::SeqCst) < 2 => {
                    ("500 Internal Server Error", "later".to_string())
                }
                "/flaky" => ("200 OK", "finally".to_string()),
                _ => (
                    "200 OK",
                    format!("{method} {} {auth}", String::from_utf8_lossy(&body)),
                ),
            };
            let resp = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nX-Multi: a\r\nX-Multi: b\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
            let _ = stream.write_all(resp.as_bytes());
        }
    });
    (format!("http://{addr}"), flaky)
}

fn driver() -> Driver {
    Driver::new(Arc::new(provider(TestHost::new())), "http")
}

#[tokio::test]
async fn get_returns_status_headers_and_body() {
    let (base, _) = serve();
    let d = driver();
    let got = d
        .read_data(d.data_config(vec![("url", Value::string(format!("{base}/ok")))]))
        .await
        .unwrap();
    assert_eq!(s(&got, "response_body"), "hello");
    assert_eq!(s(&got, "response_body_base64"), "aGVsbG8=");
    assert_eq!(got.get_attr("status_code"), Some(&Value::int(200)));
    assert_eq!(s(&got, "id"), format!("{base}/ok"));
    let headers = got.get_attr("response_headers").unwrap();
    assert_eq!(
        headers.entries().unwrap()["Content-Type"],
        Value::string("text/plain")
    );
    assert_eq!(headers.entries().unwrap()["X-Multi"], Value::string("a, b"));

    let missing = d
        .read_data(d.data_config(vec![("url", Value::string(format!("{base}/missing")))]))
        .await
        .unwrap();
    assert_eq!(missing.get_attr("status_code"), Some(&Value::int(404)));
}

#[tokio::test]
async fn post_with_headers_and_body() {
    let (base, _) = serve();
    let d = driver();
    let cfg = d.data_config(vec![
        ("url", Value::string(format!("{base}/echo"))),
        ("method", Value::string("POST")),
        ("request_body", Value::string("ping")),
        (
            "request_headers",
            string_map([("X-Token".to_string(), "t0k".to_string())].into()),
        ),
    ]);
    let got = d.read_data(cfg).await.unwrap();
    assert_eq!(s(&got, "response_body"), "POST ping t0k");
}

#[tokio::test]
async fn retries_server_errors() {
    let (base, count) = serve();
    let d = driver();
    let retry = |n: i64| {
        Value::object_from([
            ("attempts", Value::int(n)),
            ("min_delay_ms", Value::int(1)),
            ("max_delay_ms", Value::int(5)),
        ])
    };
    let cfg = d.data_config(vec![
        ("url", Value::string(format!("{base}/flaky"))),
        ("retry", retry(1)),
    ]);
    let err = d.read_data(cfg).await.unwrap_err();
    assert_eq!(
        err.detail,
        format!("Error making request: GET {base}/flaky giving up after 2 attempt(s)")
    );
    let cfg = d.data_config(vec![
        ("url", Value::string(format!("{base}/flaky"))),
        ("retry", retry(3)),
    ]);
    let got = d.read_data(cfg).await.unwrap();
    assert_eq!(s(&got, "response_body"), "finally");
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn errors_and_validation() {
    let d = driver();
    // Nothing listens on a port we just released.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = d
        .read_data(d.data_config(vec![(
            "url",
            Value::string(format!("http://127.0.0.1:{port}/")),
        )]))
        .await
        .unwrap_err();
    assert_eq!(err.summary, "Error making request");
    assert!(err.detail.contains("giving up after 1 attempt(s)"));
    let bad = d.data_config(vec![
        ("url", Value::string("ftp://x")),
        ("method", Value::string("PUT")),
    ]);
    let diags = d.provider.validate_data_source("http", &bad);
    assert_eq!(diags.len(), 2);
    assert_eq!(canonical_header("x-amz-request-id"), "X-Amz-Request-Id");
}
