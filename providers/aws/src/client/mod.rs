//! The AWS client: credentials and endpoints resolved once, then calls signed with SigV4,
//! sent with reqwest and retried by the [`retry`] policy; the query protocols (EC2's and
//! awsquery's) on top, with pagination.
//!
//! Layers, bottom up: [`Client::send`] takes a finished [`HttpRequest`] builder and a
//! [`Service`], signs every attempt afresh, retries what [`retry::is_retryable`] allows, and
//! reads failures with the service's [`Protocol`]; [`Client::query`] writes a query-protocol
//! call and reads its XML result; [`Client::ec2_pages`] follows `NextToken`.

pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod protocol;
pub mod retry;
pub mod s3;
pub mod sign;
pub mod xml;

use std::time::{Duration, Instant, SystemTime};

pub use credentials::Credentials;
pub use endpoint::{Endpoints, Service};
pub use error::{AwsError, ErrorKind};
pub use protocol::{Params, Protocol};
pub use retry::RetryPolicy;
pub use sign::HttpRequest;
pub use xml::Element;

/// Whether a call may be sent again after an answer that leaves its outcome unknown (a 5xx,
/// a reset connection). Reads and calls with a `ClientToken` are; a create without a token is
/// not (the caller looks for what it made before trying again).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    Safe,
    Unsafe,
}

/// A configured client for one region and one set of credentials.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    pub creds: Credentials,
    pub region: String,
    pub endpoints: Endpoints,
    pub retry: RetryPolicy,
    /// S3 buckets addressed in the path (`{endpoint}/{bucket}`) even against AWS (the
    /// provider block's `s3_use_path_style`); a custom S3 endpoint always is.
    pub s3_path_style: bool,
}

/// A response with a 2xx status.
#[derive(Clone, Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Client {
    /// A client; fails only when the HTTP client cannot be built (no TLS roots).
    pub fn new(
        creds: Credentials,
        region: String,
        endpoints: Endpoints,
        retry: RetryPolicy,
    ) -> Result<Client, AwsError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .user_agent(concat!("terrane/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AwsError::config("http", "Client", e.to_string()))?;
        Ok(Client {
            http,
            creds,
            region,
            endpoints,
            retry,
            s3_path_style: false,
        })
    }

    /// Sends one call, signed for `service`, retrying as the policy allows. `build` makes the
    /// unsigned request from the service's base URL (called once per attempt).
    pub async fn send(
        &self,
        service: &Service,
        action: &str,
        idempotency: Idempotency,
        build: &(dyn Fn(&str) -> HttpRequest + Sync),
    ) -> Result<HttpResponse, AwsError> {
        let (base, signing_region) = self.endpoints.resolve(service, &self.region);
        let start = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let result = self
                .attempt(service, action, build(&base), &signing_region)
                .await;
            let err = match result {
                Ok(r) => return Ok(r),
                Err(e) => e,
            };
            let again = retry::is_retryable(&err)
                && (idempotency == Idempotency::Safe || retry::certainly_not_done(&err));
            if !again {
                return Err(err);
            }
            let delay = self
                .retry
                .next_delay(attempt, start.elapsed(), &mut rand::thread_rng());
            match delay {
                Some(d) => tokio::time::sleep(d).await,
                None => return Err(err),
            }
        }
    }

    async fn attempt(
        &self,
        service: &Service,
        action: &str,
        mut req: HttpRequest,
        signing_region: &str,
    ) -> Result<HttpResponse, AwsError> {
        let fail = |kind: ErrorKind, status: Option<u16>, code: &str, message: String| AwsError {
            kind,
            service: service.key,
            action: action.to_string(),
            status,
            code: code.to_string(),
            message,
            request_id: None,
        };
        let url = reqwest::Url::parse(&req.url).map_err(|e| {
            fail(
                ErrorKind::Config,
                None,
                "InvalidEndpoint",
                format!("{}: {e}", req.url),
            )
        })?;
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => {
                return Err(fail(
                    ErrorKind::Config,
                    None,
                    "InvalidEndpoint",
                    format!("{} has no host", req.url),
                ))
            }
        };
        req.headers.push(("host".into(), host));
        sign::sign_request(
            &mut req,
            &self.creds,
            signing_region,
            service.signing_name,
            SystemTime::now(),
            !matches!(service.protocol, Protocol::Ec2Query | Protocol::AwsQuery),
        )
        .map_err(|m| fail(ErrorKind::Config, None, "SigningError", m))?;
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|e| fail(ErrorKind::Config, None, "InvalidMethod", e.to_string()))?;
        let mut rb = self.http.request(method, url);
        for (k, v) in &req.headers {
            if k != "host" {
                rb = rb.header(k.as_str(), v.as_str());
            }
        }
        let resp = rb.body(req.body).send().await.map_err(|e| {
            let code = if e.is_connect() {
                "ConnectError"
            } else if e.is_timeout() {
                "Timeout"
            } else {
                "TransportError"
            };
            fail(ErrorKind::Transport, None, code, e.to_string())
        })?;
        let status = resp.status().as_u16();
        let body = resp
            .bytes()
            .await
            .map_err(|e| {
                fail(
                    ErrorKind::Transport,
                    Some(status),
                    "ReadError",
                    e.to_string(),
                )
            })?
            .to_vec();
        if (200..300).contains(&status) {
            return Ok(HttpResponse { status, body });
        }
        Err(match service.protocol.parse_error(&body) {
            Some(api) => AwsError {
                kind: ErrorKind::Api,
                service: service.key,
                action: action.to_string(),
                status: Some(status),
                code: api.code,
                message: api.message,
                request_id: api.request_id,
            },
            None => fail(
                if status >= 500 {
                    ErrorKind::Api
                } else {
                    ErrorKind::Parse
                },
                Some(status),
                &format!("HTTP{status}"),
                String::from_utf8_lossy(&body).chars().take(300).collect(),
            ),
        })
    }

    /// A query-protocol call (EC2 query or awsquery): the result element.
    pub async fn query(
        &self,
        service: &Service,
        action: &str,
        params: &Params,
        idempotency: Idempotency,
    ) -> Result<Element, AwsError> {
        let body = params.encode(action, service.version);
        let build = |base: &str| HttpRequest {
            method: "POST",
            url: format!("{base}/"),
            headers: vec![(
                "content-type".into(),
                "application/x-www-form-urlencoded; charset=utf-8".into(),
            )],
            body: body.clone().into_bytes(),
        };
        let resp = self.send(service, action, idempotency, &build).await?;
        let root = xml::parse(&resp.body).map_err(|e| AwsError {
            kind: ErrorKind::Parse,
            service: service.key,
            action: action.to_string(),
            status: Some(resp.status),
            code: "SerializationError".into(),
            message: e.to_string(),
            request_id: None,
        })?;
        Ok(service.protocol.result(root, action))
    }

    /// A REST-XML call: `method` on `path` (with its query string) under the service's
    /// endpoint, an optional XML body; the answer's root element (an empty element for an
    /// empty answer).
    pub async fn rest_xml(
        &self,
        service: &Service,
        action: &str,
        method: &'static str,
        path_and_query: &str,
        body: Option<String>,
        idempotency: Idempotency,
    ) -> Result<Element, AwsError> {
        let body = body.unwrap_or_default().into_bytes();
        let build = |base: &str| HttpRequest {
            method,
            url: format!("{base}{path_and_query}"),
            headers: if body.is_empty() {
                Vec::new()
            } else {
                vec![("content-type".into(), "application/xml".into())]
            },
            body: body.clone(),
        };
        let resp = self.send(service, action, idempotency, &build).await?;
        if resp.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Element::default());
        }
        xml::parse(&resp.body).map_err(|e| AwsError {
            kind: ErrorKind::Parse,
            service: service.key,
            action: action.to_string(),
            status: Some(resp.status),
            code: "SerializationError".into(),
            message: e.to_string(),
            request_id: None,
        })
    }

    /// A REST-JSON call: `method` on `path` (with its query string), an optional JSON body;
    /// the answer document (an empty object for an empty answer).
    pub async fn rest_json(
        &self,
        service: &Service,
        action: &str,
        method: &'static str,
        path_and_query: &str,
        body: Option<&serde_json::Value>,
        idempotency: Idempotency,
    ) -> Result<serde_json::Value, AwsError> {
        let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let build = |base: &str| HttpRequest {
            method,
            url: format!("{base}{path_and_query}"),
            headers: if body.is_empty() {
                Vec::new()
            } else {
                vec![("content-type".into(), "application/json".into())]
            },
            body: body.clone(),
        };
        let resp = self.send(service, action, idempotency, &build).await?;
        json_answer(service, action, &resp)
    }

    /// The query protocols' list of every page: `list` members of the result at `path`,
    /// following awsquery's `Marker`/`IsTruncated` (IAM). At most 1000 pages.
    pub async fn query_pages(
        &self,
        service: &Service,
        action: &str,
        params: &Params,
        list: &str,
    ) -> Result<Vec<Element>, AwsError> {
        let mut out = Vec::new();
        let mut marker: Option<String> = None;
        for _ in 0..1000 {
            let p = params.clone().opt("Marker", marker.take());
            let page = self.query(service, action, &p, Idempotency::Safe).await?;
            out.extend(page.items(list).into_iter().cloned());
            match (page.bool_of("IsTruncated"), page.text_of("Marker")) {
                (Some(true), Some(m)) => marker = Some(m.to_string()),
                _ => return Ok(out),
            }
        }
        Ok(out)
    }

    /// A JSON-protocol call: the request document in, the answer document out.
    pub async fn json(
        &self,
        service: &Service,
        action: &str,
        input: &serde_json::Value,
        idempotency: Idempotency,
    ) -> Result<serde_json::Value, AwsError> {
        let body = input.to_string().into_bytes();
        let target = format!("{}.{action}", service.target_prefix);
        let build = |base: &str| HttpRequest {
            method: "POST",
            url: format!("{base}/"),
            headers: vec![
                ("content-type".into(), "application/x-amz-json-1.1".into()),
                ("x-amz-target".into(), target.clone()),
            ],
            body: body.clone(),
        };
        let resp = self.send(service, action, idempotency, &build).await?;
        json_answer(service, action, &resp)
    }

    /// An EC2 read call.
    pub async fn ec2(&self, action: &str, params: &Params) -> Result<Element, AwsError> {
        self.query(&endpoint::EC2, action, params, Idempotency::Safe)
            .await
    }

    /// An EC2 call that changes something; `idempotency` says whether it may be repeated.
    pub async fn ec2_write(
        &self,
        action: &str,
        params: &Params,
        idempotency: Idempotency,
    ) -> Result<Element, AwsError> {
        self.query(&endpoint::EC2, action, params, idempotency)
            .await
    }

    /// Every page of an EC2 describe call (following `NextToken`): the members of the list
    /// `list` of each page, in order. At most 1000 pages.
    pub async fn ec2_pages(
        &self,
        action: &str,
        params: &Params,
        list: &str,
    ) -> Result<Vec<Element>, AwsError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..1000 {
            let p = params.clone().opt("NextToken", token.take());
            let page = self.ec2(action, &p).await?;
            out.extend(page.items(list).into_iter().cloned());
            match page.text_of("nextToken").or(page.text_of("NextToken")) {
                Some(t) => token = Some(t.to_string()),
                None => return Ok(out),
            }
        }
        Ok(out)
    }
}

/// A JSON answer's document (an empty object for an empty body).
fn json_answer(
    service: &Service,
    action: &str,
    resp: &HttpResponse,
) -> Result<serde_json::Value, AwsError> {
    if resp.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Value::Object(Default::default()));
    }
    serde_json::from_slice(&resp.body).map_err(|e| AwsError {
        kind: ErrorKind::Parse,
        service: service.key,
        action: action.to_string(),
        status: Some(resp.status),
        code: "SerializationError".into(),
        message: e.to_string(),
        request_id: None,
    })
}

#[cfg(test)]
mod moto_tests;

#[cfg(test)]
mod transport_tests;
