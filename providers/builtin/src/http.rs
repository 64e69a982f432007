//! The `http` provider's `http` data source: makes one HTTP request (with optional retries)
//! and returns the response's status, headers and body, as hashicorp/http does. A non-2xx
//! status is not an error: it is returned in `status_code` for the configuration to check.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use terrane_dsl::value::{Path, Type, Value};
use terrane_provider::values::{
    expect_object, get_bool, get_i64, get_str, get_string_map, string_map, with_attrs,
};
use terrane_provider::{
    AttributeSchema, BlockSchema, Host, NestedBlockSchema, NestingMode, ProviderDiagnostic,
    ProviderError, ResourceSchema,
};

use crate::common::{Ctx, DataSourceType, TableProvider};

/// The `http` provider.
pub fn provider(host: Arc<dyn Host>) -> TableProvider {
    TableProvider::new("http", host, vec![], vec![Box::new(HttpData)])
}

pub struct HttpData;

const METHODS: [&str; 3] = ["GET", "POST", "HEAD"];

fn retry_block() -> NestedBlockSchema {
    NestedBlockSchema::new(
        NestingMode::Single,
        BlockSchema::with_attributes([
            (
                "attempts",
                AttributeSchema::optional(Type::Number)
                    .describe("How many times to retry after a failed attempt (default 0)."),
            ),
            (
                "min_delay_ms",
                AttributeSchema::optional(Type::Number)
                    .describe("The shortest wait between attempts, in milliseconds."),
            ),
            (
                "max_delay_ms",
                AttributeSchema::optional(Type::Number)
                    .describe("The longest wait between attempts, in milliseconds."),
            ),
        ]),
    )
}

struct Request {
    url: String,
    method: reqwest::Method,
    headers: BTreeMap<String, String>,
    body: Option<String>,
    timeout: Option<Duration>,
    attempts: u64,
    min_delay: Duration,
    max_delay: Duration,
    insecure: bool,
    ca_cert_pem: Option<String>,
    /// A client certificate and its key, both PEM.
    client_identity: Option<(String, String)>,
}

fn request(config: &Value) -> Result<Request, ProviderError> {
    let url = get_str(config, "url")
        .ok_or_else(|| ProviderError::new("Missing url", "url must be set.").at_attr("url"))?;
    let method_text = get_str(config, "method").unwrap_or("GET");
    if !METHODS.contains(&method_text) {
        return Err(method_error(method_text));
    }
    let method = reqwest::Method::from_bytes(method_text.as_bytes())
        .map_err(|_| method_error(method_text))?;
    let retry = config.get_attr("retry").filter(|r| !r.is_null());
    let num = |v: Option<&Value>, n: &str| -> Result<u64, ProviderError> {
        Ok(match v {
            Some(v) => get_i64(v, n)?.unwrap_or(0).max(0) as u64,
            None => 0,
        })
    };
    let min_delay = num(retry, "min_delay_ms")?;
    let max_delay = num(retry, "max_delay_ms")?.max(min_delay);
    Ok(Request {
        url: url.to_string(),
        method,
        headers: get_string_map(config, "request_headers").unwrap_or_default(),
        body: get_str(config, "request_body").map(str::to_string),
        timeout: match get_i64(config, "request_timeout_ms")? {
            Some(ms) if ms > 0 => Some(Duration::from_millis(ms as u64)),
            _ => None,
        },
        attempts: num(retry, "attempts")?,
        min_delay: Duration::from_millis(min_delay),
        max_delay: Duration::from_millis(max_delay),
        insecure: get_bool(config, "insecure").unwrap_or(false),
        ca_cert_pem: get_str(config, "ca_cert_pem").map(str::to_string),
        client_identity: match (
            get_str(config, "client_cert_pem"),
            get_str(config, "client_key_pem"),
        ) {
            (Some(c), Some(k)) => Some((c.to_string(), k.to_string())),
            (None, None) => None,
            _ => {
                return Err(ProviderError::new(
                    "Invalid Attribute Combination",
                    "client_cert_pem and client_key_pem must be set together.",
                )
                .at_attr("client_cert_pem"))
            }
        },
    })
}

fn method_error(method: &str) -> ProviderError {
    ProviderError::new(
        "Invalid Attribute Value Match",
        format!(
            "Attribute method value must be one of: [\"GET\" \"POST\" \"HEAD\"], got: {method:?}"
        ),
    )
    .at_attr("method")
}

fn client(req: &Request) -> Result<reqwest::Client, ProviderError> {
    let mut b = reqwest::Client::builder();
    if let Some(t) = req.timeout {
        b = b.timeout(t);
    }
    if req.insecure {
        b = b.danger_accept_invalid_certs(true);
    }
    if let Some(pem) = &req.ca_cert_pem {
        let cert = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| {
            ProviderError::new(
                "Error configuring TLS client",
                format!("Error tls: Can't add the CA certificate to certificate pool: {e}"),
            )
            .at_attr("ca_cert_pem")
        })?;
        b = b.add_root_certificate(cert);
    }
    if let Some((cert, key)) = &req.client_identity {
        let pem = format!("{cert}\n{key}");
        let id = reqwest::Identity::from_pem(pem.as_bytes()).map_err(|e| {
            ProviderError::new(
                "Error configuring TLS client",
                format!("Error creating x509 key pair from provided pem blocks: {e}"),
            )
            .at_attr("client_cert_pem")
        })?;
        b = b.identity(id);
    }
    b.build()
        .map_err(|e| ProviderError::new("Error creating HTTP client", e.to_string()))
}

/// Worth another attempt: a failed connection, a timeout, 429 or a 5xx other than 501 (as Go's
/// retryablehttp decides).
fn retryable<T: Status>(outcome: &Result<T, reqwest::Error>) -> bool {
    match outcome {
        Err(_) => true,
        Ok(r) => {
            let s = r.status_code();
            s == 429 || (s >= 500 && s != 501)
        }
    }
}

/// Something with an HTTP status: a response, or the status itself.
trait Status {
    fn status_code(&self) -> u16;
}

impl Status for reqwest::Response {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

impl Status for reqwest::StatusCode {
    fn status_code(&self) -> u16 {
        self.as_u16()
    }
}

struct Response {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

async fn send(req: &Request) -> Result<Response, ProviderError> {
    let client = client(req)?;
    let mut attempt = 0u64;
    loop {
        let mut rb = client.request(req.method.clone(), &req.url);
        for (k, v) in &req.headers {
            rb = rb.header(k, v);
        }
        if let Some(body) = &req.body {
            rb = rb.body(body.clone());
        }
        let outcome = rb.send().await;
        attempt += 1;
        if attempt <= req.attempts && retryable(&outcome) {
            // Exponential backoff from min_delay_ms, capped at max_delay_ms.
            let factor = 1u32 << (attempt.min(16) - 1);
            let delay = (req.min_delay * factor).min(req.max_delay);
            tokio::time::sleep(delay).await;
            continue;
        }
        // As Go's retryablehttp: a retryable outcome after the last attempt is an error, even
        // when it is a response (a 5xx or 429).
        let giving_up = |suffix: String| {
            ProviderError::new(
                "Error making request",
                format!(
                    "Error making request: {} {} giving up after {attempt} attempt(s){suffix}",
                    req.method, req.url
                ),
            )
            .retryable()
        };
        let resp = match outcome {
            Err(e) => return Err(giving_up(format!(": {e}"))),
            Ok(r) if retryable(&Ok::<_, reqwest::Error>(r.status())) => {
                return Err(giving_up(String::new()))
            }
            Ok(r) => r,
        };
        let status = resp.status().as_u16();
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in resp.headers() {
            let v = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let key = canonical_header(name.as_str());
            headers
                .entry(key)
                .and_modify(|e| {
                    e.push_str(", ");
                    e.push_str(&v);
                })
                .or_insert(v);
        }
        let body = resp.bytes().await.map_err(|e| {
            ProviderError::new(
                "Error reading response body",
                format!("Error reading response body: {e}"),
            )
        })?;
        return Ok(Response {
            status,
            headers,
            body: body.to_vec(),
        });
    }
}

/// Go's canonical header form (`content-type` → `Content-Type`), as the real provider's keys.
fn canonical_header(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut cs = part.chars();
            match cs.next() {
                Some(c) => c.to_ascii_uppercase().to_string() + &cs.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[async_trait]
impl DataSourceType for HttpData {
    fn name(&self) -> &'static str {
        "http"
    }

    fn schema(&self) -> ResourceSchema {
        let computed = |d: &str| AttributeSchema::computed(Type::String).describe(d);
        ResourceSchema {
            version: 0,
            block: BlockSchema::with_attributes([
                (
                    "url",
                    AttributeSchema::required(Type::String).describe("The URL to request."),
                ),
                (
                    "method",
                    AttributeSchema::optional(Type::String)
                        .describe("GET (the default), POST or HEAD."),
                ),
                (
                    "request_headers",
                    AttributeSchema::optional(Type::map(Type::String)),
                ),
                ("request_body", AttributeSchema::optional(Type::String)),
                (
                    "request_timeout_ms",
                    AttributeSchema::optional(Type::Number)
                        .describe("How long the request may take, in milliseconds."),
                ),
                ("insecure", AttributeSchema::optional(Type::Bool)),
                ("ca_cert_pem", AttributeSchema::optional(Type::String)),
                ("client_cert_pem", AttributeSchema::optional(Type::String)),
                ("client_key_pem", AttributeSchema::optional(Type::String)),
                ("id", computed("The URL.")),
                ("response_body", computed("The response body, as text.")),
                ("body", computed("Deprecated: the response body.")),
                (
                    "response_body_base64",
                    computed("The response body, base64-encoded."),
                ),
                ("status_code", AttributeSchema::computed(Type::Number)),
                (
                    "response_headers",
                    AttributeSchema::computed(Type::map(Type::String))
                        .describe("Response headers; repeated headers joined with \", \"."),
                ),
            ])
            .with_block("retry", retry_block()),
        }
    }

    fn validate(&self, config: &Value) -> Vec<ProviderDiagnostic> {
        let mut out = Vec::new();
        if let Some(m) = get_str(config, "method") {
            if !METHODS.contains(&m) {
                out.push(method_error(m).into());
            }
        }
        if let Some(u) = get_str(config, "url") {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                out.push(ProviderDiagnostic::error(
                    "Invalid URL",
                    format!("The URL must use the http or https scheme, got {u:?}."),
                    Path::root().attr("url"),
                ));
            }
        }
        out
    }

    async fn read(&self, _ctx: &Ctx, config: Value) -> Result<Value, ProviderError> {
        let config = expect_object(&config, "configuration")?;
        let req = request(config)?;
        let resp = send(&req).await?;
        let text = String::from_utf8_lossy(&resp.body).into_owned();
        Ok(with_attrs(
            config,
            [
                ("id", Value::string(&req.url)),
                ("response_body", Value::string(&text)),
                ("body", Value::string(&text)),
                (
                    "response_body_base64",
                    Value::string(STANDARD.encode(&resp.body)),
                ),
                ("status_code", Value::int(i64::from(resp.status))),
                ("response_headers", string_map(resp.headers)),
            ],
        ))
    }
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
