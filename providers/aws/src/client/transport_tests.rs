//! The transport against a scripted HTTP server on loopback: throttling and 5xx answers are
//! retried up to the policy's bound, a create without a token is not repeated blindly but
//! looked for by its token tag, and AWS's error is reported with the action and code.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::{Client, Credentials, Endpoints, Params, RetryPolicy};

/// A server answering each request with the next `(status, body)` of `script` (the last one
/// repeats); it records the request bodies.
struct Scripted {
    url: String,
    bodies: Arc<Mutex<Vec<String>>>,
    count: Arc<AtomicUsize>,
}

async fn serve(script: Vec<(u16, &'static str)>) -> Scripted {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let (b, c) = (bodies.clone(), count.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let (b, c, script) = (b.clone(), c.clone(), script.clone());
            tokio::spawn(async move {
                loop {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    let body = loop {
                        let Ok(n) = sock.read(&mut chunk).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        let text = String::from_utf8_lossy(&buf).to_string();
                        if let Some(end) = text.find("\r\n\r\n") {
                            let len = text[..end]
                                .lines()
                                .find_map(|l| {
                                    l.to_ascii_lowercase()
                                        .strip_prefix("content-length:")
                                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                                })
                                .unwrap_or(0);
                            if buf.len() >= end + 4 + len {
                                break text[end + 4..end + 4 + len].to_string();
                            }
                        }
                    };
                    b.lock().unwrap().push(body);
                    let i = c.fetch_add(1, Ordering::SeqCst);
                    let (status, answer) = script[i.min(script.len() - 1)];
                    let resp = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: text/xml\r\ncontent-length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    if sock.write_all(resp.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    Scripted { url, bodies, count }
}

fn client(url: &str, attempts: u32) -> Client {
    Client::new(
        Credentials {
            access_key_id: "AKID".into(),
            secret_access_key: "secret".into(),
            session_token: None,
            source: "test".into(),
        },
        "us-east-1".into(),
        Endpoints {
            env_global: Some(url.to_string()),
            ..Endpoints::default()
        },
        RetryPolicy {
            max_attempts: attempts,
            base: Duration::from_millis(1),
            cap: Duration::from_millis(5),
            max_elapsed: Duration::from_secs(10),
        },
    )
    .unwrap()
}

const THROTTLED: &str = "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r1</RequestID></Response>";
const INTERNAL: &str = "<Response><Errors><Error><Code>InternalError</Code><Message>An internal error has occurred</Message></Error></Errors><RequestID>r2</RequestID></Response>";
const VPCS: &str = "<DescribeVpcsResponse><vpcSet><item><vpcId>vpc-1</vpcId></item></vpcSet></DescribeVpcsResponse>";

#[tokio::test]
async fn throttling_and_5xx_are_retried() {
    let s = serve(vec![(503, THROTTLED), (500, INTERNAL), (200, VPCS)]).await;
    let r = client(&s.url, 5)
        .ec2("DescribeVpcs", &Params::new())
        .await
        .unwrap();
    assert_eq!(r.items("vpcSet")[0].text_of("vpcId"), Some("vpc-1"));
    assert_eq!(s.count.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn retries_are_bounded_and_the_error_names_action_and_code() {
    let s = serve(vec![(503, THROTTLED)]).await;
    let e = client(&s.url, 4)
        .ec2("DescribeVpcs", &Params::new())
        .await
        .unwrap_err();
    assert_eq!(s.count.load(Ordering::SeqCst), 4);
    assert_eq!(
        (e.action.as_str(), e.code.as_str()),
        ("DescribeVpcs", "RequestLimitExceeded")
    );
    assert_eq!(e.request_id.as_deref(), Some("r1"));
    // A client error is not retried.
    let s = serve(vec![(
        400,
        "<Response><Errors><Error><Code>InvalidParameterValue</Code><Message>bad</Message></Error></Errors></Response>",
    )])
    .await;
    let e = client(&s.url, 4)
        .ec2("DescribeVpcs", &Params::new())
        .await
        .unwrap_err();
    assert_eq!(s.count.load(Ordering::SeqCst), 1);
    assert_eq!(e.code, "InvalidParameterValue");
}

#[tokio::test]
async fn a_create_with_an_unknown_outcome_is_found_by_its_token_not_repeated() {
    // CreateVpc answers 500 (did it happen?); the lookup by token tag finds the VPC.
    let s = serve(vec![(500, INTERNAL), (200, VPCS)]).await;
    let aws = crate::common::Aws::for_tests(client(&s.url, 5), true);
    let id = crate::ec2::vpc::DESCRIBE
        .create(
            &aws,
            "CreateVpc",
            &Params::new().set("CidrBlock", "10.0.0.0/16"),
            &["vpc", "vpcId"],
            "tok-1",
        )
        .await
        .unwrap();
    assert_eq!(id, "vpc-1");
    let bodies = s.bodies.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert!(bodies[0].starts_with("Action=CreateVpc"));
    assert!(bodies[1].starts_with("Action=DescribeVpcs"));
    assert!(bodies[1].contains("tag%3Aterrane%3Atoken"), "{}", bodies[1]);
    assert!(bodies[1].contains("tok-1"));
}
