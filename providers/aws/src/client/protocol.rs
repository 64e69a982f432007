//! The wire protocols: how a call is written as an HTTP request and how AWS's error documents
//! are read. The transport ([`super::Client::send`]) signs, sends and retries any
//! [`HttpRequest`](super::sign::HttpRequest) and asks the service's protocol to read failures,
//! so each protocol (EC2 query, awsquery, REST-XML for S3 and Route 53, REST-JSON for EFS, JSON
//! for ACM) is a variant here and a request builder in [`super::Client`], with no change to the
//! transport or to callers.

use super::xml;

/// A service's wire protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// EC2's query protocol: form-encoded `Action`/`Version` POST, lists as `Name.N`, XML
    /// answers whose errors are `<Response><Errors><Error>`.
    Ec2Query,
    /// The awsquery protocol (STS, IAM, ELB, Auto Scaling, RDS, CloudWatch): as EC2's but
    /// lists as `Name.member.N`, results in `<ActionResult>`, errors in `<ErrorResponse>`.
    AwsQuery,
    /// REST-XML (S3, Route 53): the action is a method and a path, arguments go in the path,
    /// query string, headers and an XML body; errors are `<ErrorResponse><Error>` or a bare
    /// `<Error>`.
    RestXml,
    /// REST-JSON (EFS): the action is a method and a path, a JSON body; errors carry
    /// `__type`/`code` and `message`.
    RestJson,
    /// The JSON protocol (awsJson1.1: ACM and others): POST `/` with
    /// `X-Amz-Target: <prefix>.<Action>` and a JSON body; errors carry `__type` and `message`.
    Json,
}

/// An API error read from a response body: code, message, request id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
}

impl Protocol {
    /// Reads the error of a failed response; `None` when the body is not an error document of
    /// this protocol (the caller then reports the HTTP status).
    pub fn parse_error(self, body: &[u8]) -> Option<ApiError> {
        if matches!(self, Protocol::Json | Protocol::RestJson) {
            return parse_json_error(body);
        }
        let root = xml::parse(body).ok()?;
        let (err, request_id) = match root.name.as_str() {
            // EC2: <Response><Errors><Error>..</Error></Errors><RequestID>..</RequestID>
            "Response" => (
                root.at(&["Errors", "Error"])?,
                root.text_of("RequestID").or(root.text_of("RequestId")),
            ),
            // awsquery: <ErrorResponse><Error>..</Error><RequestId>..</RequestId>
            // (moto writes EC2 auth failures as <ErrorResponse><Errors><Error>.)
            "ErrorResponse" => (
                root.child("Error").or(root.at(&["Errors", "Error"]))?,
                root.text_of("RequestId"),
            ),
            // Some services (and moto for some) answer a bare <Error>.
            "Error" => (&root, root.text_of("RequestId")),
            _ => return None,
        };
        Some(ApiError {
            code: err.text_of("Code")?.to_string(),
            message: err.text_of("Message").unwrap_or_default().to_string(),
            request_id: request_id.map(str::to_string),
        })
    }

    /// The element holding an action's result in a successful response: the root for EC2,
    /// `<ActionResult>` for awsquery (the root when it has none, as some actions do).
    pub fn result(self, root: xml::Element, action: &str) -> xml::Element {
        match self {
            Protocol::Ec2Query | Protocol::RestXml | Protocol::Json | Protocol::RestJson => root,
            Protocol::AwsQuery => {
                let name = format!("{action}Result");
                match root.children.iter().position(|c| c.name == name) {
                    Some(i) => root.children.into_iter().nth(i).unwrap_or_default(),
                    None => root,
                }
            }
        }
    }

    /// How this protocol names the `n`th (from 1) member of list parameter `name`.
    pub fn list_key(self, name: &str, n: usize) -> String {
        match self {
            Protocol::AwsQuery => format!("{name}.member.{n}"),
            _ => format!("{name}.{n}"),
        }
    }
}

/// A JSON protocol error: `{"__type": "prefix#Code", "message": "..."}`.
fn parse_json_error(body: &[u8]) -> Option<ApiError> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    // REST-JSON services (EFS) name the error in `ErrorCode`.
    let ty = v
        .get("__type")
        .or(v.get("code"))
        .or(v.get("ErrorCode"))?
        .as_str()?;
    let code = ty.rsplit_once('#').map_or(ty, |(_, c)| c);
    let message = v
        .get("message")
        .or(v.get("Message"))
        .and_then(|m| m.as_str())
        .unwrap_or_default();
    Some(ApiError {
        code: code.to_string(),
        message: message.to_string(),
        request_id: None,
    })
}

/// The parameters of a query-protocol call, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn new() -> Params {
        Params::default()
    }

    /// Adds one parameter.
    pub fn set(mut self, k: impl Into<String>, v: impl Into<String>) -> Params {
        self.0.push((k.into(), v.into()));
        self
    }

    /// Adds a parameter when the value is present.
    pub fn opt(self, k: &str, v: Option<impl Into<String>>) -> Params {
        match v {
            Some(v) => self.set(k, v),
            None => self,
        }
    }

    /// Adds EC2-style list members `name.1`, `name.2`, ...
    pub fn list(mut self, name: &str, items: &[String]) -> Params {
        for (i, v) in items.iter().enumerate() {
            self.0.push((format!("{name}.{}", i + 1), v.clone()));
        }
        self
    }

    /// Adds EC2 filters `Filter.N.Name` / `Filter.N.Value.M`.
    pub fn filters(mut self, filters: &[(String, Vec<String>)]) -> Params {
        for (i, (name, values)) in filters.iter().enumerate() {
            let n = i + 1;
            self.0.push((format!("Filter.{n}.Name"), name.clone()));
            for (j, v) in values.iter().enumerate() {
                self.0
                    .push((format!("Filter.{n}.Value.{}", j + 1), v.clone()));
            }
        }
        self
    }

    /// The form-encoded body: `Action`, `Version`, then the parameters (spaces as `+`, as the
    /// AWS SDKs write form bodies; servers that check the signature over a re-encoded form,
    /// as moto does, see the same bytes).
    pub fn encode(&self, action: &str, version: &str) -> String {
        let form = |s: &str| encode(s).replace("%20", "+");
        let mut out = format!("Action={}&Version={}", form(action), form(version));
        for (k, v) in &self.0 {
            out.push('&');
            out.push_str(&form(k));
            out.push('=');
            out.push_str(&form(v));
        }
        out
    }
}

/// Percent-encodes all but RFC 3986's unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_parameters() {
        let p = Params::new()
            .set("CidrBlock", "10.0.0.0/16")
            .list("VpcId", &["vpc-1".into(), "vpc-2".into()])
            .filters(&[("tag:a b".into(), vec!["x=y".into()])]);
        assert_eq!(
            p.encode("DescribeVpcs", "2016-11-15"),
            "Action=DescribeVpcs&Version=2016-11-15&CidrBlock=10.0.0.0%2F16&VpcId.1=vpc-1&VpcId.2=vpc-2&Filter.1.Name=tag%3Aa+b&Filter.1.Value.1=x%3Dy"
        );
        assert_eq!(Protocol::AwsQuery.list_key("Tags", 2), "Tags.member.2");
    }

    #[test]
    fn reads_both_error_documents() {
        let ec2 = br#"<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>The vpc ID 'vpc-1' does not exist</Message></Error></Errors><RequestID>req-1</RequestID></Response>"#;
        let e = Protocol::Ec2Query.parse_error(ec2).unwrap();
        assert_eq!(e.code, "InvalidVpcID.NotFound");
        assert_eq!(e.request_id.as_deref(), Some("req-1"));
        let q = br#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error><RequestId>r2</RequestId></ErrorResponse>"#;
        let e = Protocol::AwsQuery.parse_error(q).unwrap();
        assert_eq!(e.code, "SignatureDoesNotMatch");
        assert_eq!(e.request_id.as_deref(), Some("r2"));
        assert_eq!(Protocol::Ec2Query.parse_error(b"<html>502</html>"), None);
        assert_eq!(Protocol::Ec2Query.parse_error(b"not xml"), None);
    }

    #[test]
    fn reads_rest_xml_and_json_errors() {
        let r53 = br#"<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>NoSuchHostedZone</Code><Message>No hosted zone found with ID: Z1</Message></Error><RequestId>r3</RequestId></ErrorResponse>"#;
        let e = Protocol::RestXml.parse_error(r53).unwrap();
        assert_eq!(e.code, "NoSuchHostedZone");
        let s3 = b"<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><RequestId>r4</RequestId></Error>";
        assert_eq!(
            Protocol::RestXml.parse_error(s3).unwrap().code,
            "NoSuchBucket"
        );
        let acm = br#"{"__type":"com.amazonaws.acm#ResourceNotFoundException","message":"Certificate not found"}"#;
        let e = Protocol::Json.parse_error(acm).unwrap();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("ResourceNotFoundException", "Certificate not found")
        );
        assert_eq!(Protocol::Json.parse_error(b"<html/>"), None);
    }

    #[test]
    fn awsquery_results() {
        let root = xml::parse(b"<XResponse><XResult><A>1</A></XResult></XResponse>").unwrap();
        assert_eq!(Protocol::AwsQuery.result(root, "X").text_of("A"), Some("1"));
    }
}
