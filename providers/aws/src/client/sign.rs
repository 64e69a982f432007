//! SigV4 signing of one request with the `aws-sigv4` crate: the service's signing name and
//! region, the credentials' key (and session token).

use std::time::SystemTime;

use aws_credential_types::Credentials as SdkCredentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use super::credentials::Credentials;

/// A request about to be sent: what is signed, and what is sent.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    pub method: &'static str,
    /// The full URL, query string included.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Adds the SigV4 headers (`authorization`, `x-amz-date`, `x-amz-security-token`) to `req`;
/// with `content_sha256`, also the signed `x-amz-content-sha256` header (S3 requires it; the
/// REST protocols send it, so that servers that re-read the body, as moto does, verify the
/// payload hash the client signed).
pub fn sign_request(
    req: &mut HttpRequest,
    creds: &Credentials,
    region: &str,
    signing_name: &str,
    time: SystemTime,
    content_sha256: bool,
) -> Result<(), String> {
    let mut settings = SigningSettings::default();
    if content_sha256 {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    if signing_name == "s3" {
        // S3 signs the path as sent: encoded once, never normalized (object keys keep their
        // `//` and `.` segments).
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    }
    let identity: Identity = SdkCredentials::new(
        creds.access_key_id.clone(),
        creds.secret_access_key.clone(),
        creds.session_token.clone(),
        None,
        "terrane",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(signing_name)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let signable = SignableRequest::new(
        req.method,
        req.url.as_str(),
        req.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(&req.body),
    )
    .map_err(|e| e.to_string())?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    let (headers, params) = instructions.into_parts();
    for h in headers {
        req.headers
            .push((h.name().to_string(), h.value().to_string()));
    }
    if !params.is_empty() {
        return Err(
            "the signer asked for query parameters, which header signing never does".into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn creds() -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: None,
            source: "test".into(),
        }
    }

    fn header<'a>(r: &'a HttpRequest, name: &str) -> Option<&'a str> {
        r.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The "get-vanilla" case of AWS's SigV4 test suite (2015-08-30T12:36:00Z).
    #[test]
    fn signs_the_vanilla_test_vector() {
        let mut r = HttpRequest {
            method: "GET",
            url: "https://example.amazonaws.com/".into(),
            headers: vec![("host".into(), "example.amazonaws.com".into())],
            body: vec![],
        };
        let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        sign_request(&mut r, &creds(), "us-east-1", "service", t, false).unwrap();
        assert_eq!(header(&r, "x-amz-date"), Some("20150830T123600Z"));
        assert_eq!(
            header(&r, "authorization"),
            Some("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        );
    }

    #[test]
    fn scope_names_region_and_service_and_carries_the_session_token() {
        let mut c = creds();
        c.session_token = Some("tok".into());
        let mut r = HttpRequest {
            method: "POST",
            url: "http://127.0.0.1:5000/".into(),
            headers: vec![
                ("host".into(), "127.0.0.1:5000".into()),
                (
                    "content-type".into(),
                    "application/x-www-form-urlencoded; charset=utf-8".into(),
                ),
            ],
            body: b"Action=DescribeVpcs&Version=2016-11-15".to_vec(),
        };
        sign_request(&mut r, &c, "eu-west-1", "ec2", SystemTime::now(), true).unwrap();
        let auth = header(&r, "authorization").unwrap();
        assert!(auth.contains("/eu-west-1/ec2/aws4_request"), "{auth}");
        assert_eq!(header(&r, "x-amz-security-token"), Some("tok"));
        assert!(auth.contains("x-amz-content-sha256"), "{auth}");
        assert!(header(&r, "x-amz-content-sha256").is_some());
    }
}
