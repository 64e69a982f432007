//! Services the engine offers to providers (the working directory, other stacks' outputs),
//! so that providers need not know the engine or the state crate.

use std::path::PathBuf;

use async_trait::async_trait;
use terrane_dsl::value::Value;

use crate::error::ProviderError;

/// What the engine provides to every provider it makes. Given to a provider's factory
/// ([`crate::ProviderFactory::make`]).
#[async_trait]
pub trait Host: Send + Sync {
    /// The directory relative paths are resolved against: the directory terrane runs in
    /// (after `-chdir`), as Terraform resolves them against its process's working directory.
    fn working_dir(&self) -> PathBuf;

    /// The root module outputs of another stack's latest state, for `terraform_remote_state`:
    /// an object with one attribute per output, each output's value marked sensitive when the
    /// output is. `backend` and `config` are the data source's `backend` and `config`
    /// arguments (e.g. `"local"` with `{ path = "..." }`); `workspace` is the workspace name
    /// (`"default"` unless set). A backend type the engine does not know, or a state that
    /// cannot be read, is an error; a state that does not exist yet has no outputs (an empty
    /// object), as in Terraform.
    async fn read_remote_state_outputs(
        &self,
        backend: &str,
        config: &Value,
        workspace: &str,
    ) -> Result<Value, ProviderError>;
}

/// A host with a working directory and no remote states: for tests and tools that need no
/// other stacks.
#[derive(Clone, Debug)]
pub struct BasicHost {
    pub dir: PathBuf,
}

impl BasicHost {
    pub fn new(dir: impl Into<PathBuf>) -> BasicHost {
        BasicHost { dir: dir.into() }
    }
}

#[async_trait]
impl Host for BasicHost {
    fn working_dir(&self) -> PathBuf {
        self.dir.clone()
    }

    async fn read_remote_state_outputs(
        &self,
        backend: &str,
        _config: &Value,
        _workspace: &str,
    ) -> Result<Value, ProviderError> {
        Err(ProviderError::new(
            "Unsupported backend type",
            format!("There is no backend type named {backend:?} here."),
        )
        .at_attr("backend"))
    }
}
