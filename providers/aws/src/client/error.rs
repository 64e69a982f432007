//! AWS errors: the API action that failed, AWS's own error code and message (or what went
//! wrong on the way there), and whether the call may be retried.

use std::fmt;

use terrane_provider::ProviderError;

/// What kind of failure an [`AwsError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// AWS answered with an error document (its code and message are in the error).
    Api,
    /// The request did not get an answer: connection refused or reset, a timeout.
    Transport,
    /// The answer could not be read.
    Parse,
    /// No credentials, or unusable ones; no region.
    Config,
}

/// A failed AWS call.
#[derive(Clone, Debug, PartialEq)]
pub struct AwsError {
    pub kind: ErrorKind,
    /// The service's endpoint id ("ec2", "sts").
    pub service: &'static str,
    /// The API action ("CreateVpc").
    pub action: String,
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// AWS's error code ("InvalidVpcID.NotFound"), or a short name for non-API failures.
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: ", self.service.to_uppercase(), self.action)?;
        if let Some(s) = self.status {
            write!(f, "StatusCode: {s}, ")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, "RequestID: {id}, ")?;
        }
        write!(f, "api error {}: {}", self.code, self.message)
    }
}

impl std::error::Error for AwsError {}

impl AwsError {
    /// An error found before or without a call (missing credentials, a bad endpoint).
    pub fn config(service: &'static str, action: &str, message: impl Into<String>) -> AwsError {
        AwsError {
            kind: ErrorKind::Config,
            service,
            action: action.to_string(),
            status: None,
            code: "ConfigurationError".into(),
            message: message.into(),
            request_id: None,
        }
    }

    /// Whether AWS said the object does not exist (`InvalidVpcID.NotFound`,
    /// `InvalidGroup.NotFound`, `NoSuchEntity`, ...).
    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::Api
            && (self.code.ends_with(".NotFound")
                || self.code.ends_with("NotFound")
                || self.code == "NoSuchEntity"
                || self.code.ends_with(".Malformed") && self.message.contains("does not exist"))
    }

    /// Whether AWS reported the code `code`.
    pub fn is(&self, code: &str) -> bool {
        self.kind == ErrorKind::Api && self.code == code
    }

    /// The engine-facing error: `what` says what was being done ("creating EC2 VPC"); the
    /// engine adds the resource address.
    pub fn into_provider_error(self, what: &str) -> ProviderError {
        let retryable = super::retry::is_retryable(&self);
        let detail = match self.kind {
            ErrorKind::Api => format!(
                "AWS answered {} {} with {}: {}",
                self.service.to_uppercase(),
                self.action,
                self.code,
                self.message
            ),
            _ => self.to_string(),
        };
        let mut e = ProviderError::new(format!("{what}: {self}"), detail);
        e.retryable = retryable;
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str) -> AwsError {
        AwsError {
            kind: ErrorKind::Api,
            service: "ec2",
            action: "DescribeVpcs".into(),
            status: Some(400),
            code: code.into(),
            message: "The vpc ID 'vpc-1' does not exist".into(),
            request_id: Some("r-1".into()),
        }
    }

    #[test]
    fn shows_action_code_and_message() {
        let e = api("InvalidVpcID.NotFound");
        assert!(e.is_not_found());
        let s = e.to_string();
        assert!(s.contains("DescribeVpcs"), "{s}");
        assert!(s.contains("InvalidVpcID.NotFound"), "{s}");
        assert!(s.contains("does not exist"), "{s}");
        let p = api("UnauthorizedOperation").into_provider_error("reading EC2 VPC (vpc-1)");
        assert!(p
            .summary
            .starts_with("reading EC2 VPC (vpc-1): EC2 DescribeVpcs"));
        assert!(!p.retryable);
        assert!(!api("UnauthorizedOperation").is_not_found());
    }
}
