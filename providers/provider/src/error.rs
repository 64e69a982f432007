//! What providers report when something goes wrong: errors from calls (with the attribute they
//! concern, and whether retrying may help) and validation diagnostics.

use terrane_dsl::value::{Path, Value};
use terrane_dsl::Severity;

/// A provider call failed. `summary` is one line in Terraform's words where the real provider
/// has them; `detail` says more. `path` names the attribute the problem is about (relative to
/// the resource's object), so the engine can underline that attribute's expression.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{summary}")]
pub struct ProviderError {
    pub summary: String,
    pub detail: String,
    pub path: Option<Path>,
    /// The failure may go away if the same call is made again (throttling, a 5xx, a timeout).
    pub retryable: bool,
}

impl ProviderError {
    /// An error with a summary and a detail, about no attribute in particular.
    pub fn new(summary: impl Into<String>, detail: impl Into<String>) -> ProviderError {
        ProviderError {
            summary: summary.into(),
            detail: detail.into(),
            path: None,
            retryable: false,
        }
    }

    /// Names the attribute the error is about.
    pub fn at(mut self, path: Path) -> ProviderError {
        self.path = Some(path);
        self
    }

    /// Names a top-level attribute the error is about.
    pub fn at_attr(self, name: &str) -> ProviderError {
        self.at(Path::root().attr(name))
    }

    /// Marks the error as worth retrying.
    pub fn retryable(mut self) -> ProviderError {
        self.retryable = true;
        self
    }

    /// A resource or data source type the provider does not have.
    pub fn unsupported_type(provider: &str, type_name: &str) -> ProviderError {
        ProviderError::new(
            "Invalid resource type",
            format!("The provider {provider:?} does not support resource type {type_name:?}."),
        )
    }

    /// A value handed to the provider does not have the shape its schema implies (an engine
    /// bug, or a corrupt state).
    pub fn invalid_value(what: &str, detail: impl Into<String>) -> ProviderError {
        ProviderError::new(format!("Invalid {what}"), detail)
    }
}

/// A problem found by validation (before any plan). Carries the attribute path so the engine
/// can point at the configuration that caused it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderDiagnostic {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    pub path: Option<Path>,
}

impl ProviderDiagnostic {
    /// An error about the attribute at `path`.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>, path: Path) -> Self {
        ProviderDiagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            path: Some(path),
        }
    }

    /// A warning about the attribute at `path`.
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>, path: Path) -> Self {
        ProviderDiagnostic {
            severity: Severity::Warning,
            summary: summary.into(),
            detail: detail.into(),
            path: Some(path),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl From<ProviderError> for ProviderDiagnostic {
    fn from(e: ProviderError) -> ProviderDiagnostic {
        ProviderDiagnostic {
            severity: Severity::Error,
            summary: e.summary,
            detail: e.detail,
            path: e.path,
        }
    }
}

/// An apply failed. Terraform records whatever the provider says exists after a failed apply;
/// so does terrane: `partial_state` is `Some(object)` when the remote object now exists in
/// that (possibly half-made) shape and must be recorded (the engine marks it tainted after a
/// failed create), and `None` when the call changed nothing the engine must record (a failed
/// create made nothing; a failed update or delete left the prior object as it was).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{error}")]
pub struct ApplyError {
    pub error: ProviderError,
    pub partial_state: Option<Value>,
    /// Private data to record with `partial_state`.
    pub private: Option<Vec<u8>>,
}

impl ApplyError {
    /// A failure that left a partly made or partly changed object behind.
    pub fn partial(error: ProviderError, state: Value) -> ApplyError {
        ApplyError {
            error,
            partial_state: Some(state),
            private: None,
        }
    }
}

impl From<ProviderError> for ApplyError {
    fn from(error: ProviderError) -> ApplyError {
        ApplyError {
            error,
            partial_state: None,
            private: None,
        }
    }
}
