//! S3's REST-XML calls: where a bucket's requests go (path style `{endpoint}/{bucket}` against
//! a custom endpoint such as moto, with `s3_use_path_style`, or for names that cannot be a
//! host label; virtual-host style `{bucket}.s3.{region}.amazonaws.com` otherwise), object
//! keys percent-encoded once, `Content-MD5` for the calls that require it. The payload hash
//! (`x-amz-content-sha256`) is signed by [`super::sign`] for every REST call.

use super::{endpoint, AwsError, Client, Element, ErrorKind, HttpRequest, HttpResponse};
use super::{xml, Idempotency};

/// One S3 request: which bucket (none for ListBuckets), the object key, the query string (a
/// sub-resource such as `tagging`, or `versions&key-marker=..`), extra headers and the body.
#[derive(Clone, Debug, Default)]
pub struct S3Request<'a> {
    pub bucket: Option<&'a str>,
    pub key: Option<&'a str>,
    pub query: &'a str,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl<'a> S3Request<'a> {
    /// A request on a bucket with a sub-resource query (`""` for none).
    pub fn bucket(bucket: &'a str, query: &'a str) -> S3Request<'a> {
        S3Request {
            bucket: Some(bucket),
            query,
            ..S3Request::default()
        }
    }

    /// The same request with an XML body (and its `Content-MD5`, which some calls require).
    pub fn xml(mut self, body: String) -> S3Request<'a> {
        self.headers
            .push(("content-type".into(), "application/xml".into()));
        self.headers
            .push(("content-md5".into(), content_md5(body.as_bytes())));
        self.body = body.into_bytes();
        self
    }

    /// The same request with a header.
    pub fn header(mut self, k: &str, v: &str) -> S3Request<'a> {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }
}

/// The base64 MD5 of a body (`Content-MD5`).
pub fn content_md5(body: &[u8]) -> String {
    use base64::Engine;
    use md5::{Digest, Md5};
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(body))
}

/// Whether a bucket name can be a DNS label under TLS: lower case, digits and hyphens, 3 to
/// 63 characters, no dots (a dot breaks the wildcard certificate).
pub fn host_compatible(bucket: &str) -> bool {
    (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !bucket.starts_with('-')
        && !bucket.ends_with('-')
}

/// An object key as a path: each `/`-separated segment percent-encoded.
pub fn encode_key(key: &str) -> String {
    key.split('/')
        .map(super::protocol::encode)
        .collect::<Vec<_>>()
        .join("/")
}

impl Client {
    /// The URL of an S3 request.
    pub fn s3_url(&self, req: &S3Request) -> String {
        let (base, _) = self.endpoints.resolve(&endpoint::S3, &self.region);
        let key = req.key.map(|k| format!("/{}", encode_key(k)));
        let query = if req.query.is_empty() {
            String::new()
        } else {
            format!("?{}", req.query)
        };
        let path_style = self.s3_path_style || self.endpoints.is_custom(&endpoint::S3);
        match req.bucket {
            None => format!("{base}/{query}"),
            Some(b) if path_style || !host_compatible(b) => {
                format!(
                    "{base}/{}{}{query}",
                    super::protocol::encode(b),
                    key.as_deref().unwrap_or("")
                )
            }
            Some(b) => {
                let host = base.trim_start_matches("https://");
                format!("https://{b}.{host}{}{query}", key.as_deref().unwrap_or("/"))
            }
        }
    }

    /// Sends an S3 request; the answer as it came.
    pub async fn s3(
        &self,
        action: &str,
        method: &'static str,
        req: &S3Request<'_>,
        idempotency: Idempotency,
    ) -> Result<HttpResponse, AwsError> {
        let url = self.s3_url(req);
        let build = |_: &str| HttpRequest {
            method,
            url: url.clone(),
            headers: req.headers.clone(),
            body: req.body.clone(),
        };
        self.send(&endpoint::S3, action, idempotency, &build).await
    }

    /// Sends an S3 request; the answer's root element (empty for an empty answer).
    pub async fn s3_xml(
        &self,
        action: &str,
        method: &'static str,
        req: &S3Request<'_>,
        idempotency: Idempotency,
    ) -> Result<Element, AwsError> {
        let resp = self.s3(action, method, req, idempotency).await?;
        if resp.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Element::default());
        }
        xml::parse(&resp.body).map_err(|e| AwsError {
            kind: ErrorKind::Parse,
            service: endpoint::S3.key,
            action: action.to_string(),
            status: Some(resp.status),
            code: "SerializationError".into(),
            message: e.to_string(),
            request_id: None,
        })
    }
}

/// Escapes text for an XML body.
pub fn xml_escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{Credentials, Endpoints, RetryPolicy};

    fn client(custom: Option<&str>) -> Client {
        let creds = Credentials {
            access_key_id: "a".into(),
            secret_access_key: "b".into(),
            session_token: None,
            source: "test".into(),
        };
        let endpoints = Endpoints {
            env_global: custom.map(str::to_string),
            ..Endpoints::default()
        };
        Client::new(creds, "eu-west-1".into(), endpoints, RetryPolicy::default()).unwrap()
    }

    #[test]
    fn bucket_addressing() {
        let aws = client(None);
        let r = S3Request::bucket("my-bucket", "tagging");
        assert_eq!(
            aws.s3_url(&r),
            "https://my-bucket.s3.eu-west-1.amazonaws.com/?tagging"
        );
        let r = S3Request::bucket("my.bucket", "");
        assert_eq!(
            aws.s3_url(&r),
            "https://s3.eu-west-1.amazonaws.com/my.bucket"
        );
        let mut path = client(None);
        path.s3_path_style = true;
        let r = S3Request {
            key: Some("a b/c"),
            ..S3Request::bucket("my-bucket", "")
        };
        assert_eq!(
            path.s3_url(&r),
            "https://s3.eu-west-1.amazonaws.com/my-bucket/a%20b/c"
        );
        let moto = client(Some("http://127.0.0.1:5000"));
        assert_eq!(
            moto.s3_url(&S3Request::bucket("my-bucket", "versioning")),
            "http://127.0.0.1:5000/my-bucket?versioning"
        );
        assert_eq!(moto.s3_url(&S3Request::default()), "http://127.0.0.1:5000/");
        assert_eq!(content_md5(b""), "1B2M2Y8AsgTpgAmY7PhCfg==");
    }
}
