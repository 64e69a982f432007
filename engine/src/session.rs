//! A run's session: the configuration loaded and checked, the root variables gathered, the
//! graph built, the state backend opened, and the host services providers get. Every command
//! that plans or applies starts here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use terrane_dsl::value::{Mark, Value};
use terrane_provider::{async_trait, Host, ProviderError};
use terrane_state::sqlite::SqliteBackend;
use terrane_state::Backend;

use crate::config::{load_config, Config};
use crate::graph::{build, Graph};
use crate::inputs::{collect, CliVar, InputValue};
use crate::source::{Diags, Sources};

/// Everything loaded for a run.
pub struct Session {
    pub dir: PathBuf,
    pub sources: Sources,
    pub config: Config,
    pub graph: Graph,
    pub inputs: BTreeMap<String, InputValue>,
    pub workspace: String,
    /// The state database the backend block names, evaluated with the root variables (`None`
    /// when the session was loaded without them).
    pub state_path: Option<PathBuf>,
}

/// The workspace selected in `dir` (`TF_WORKSPACE`, else `.terrane/environment`, else
/// `default`).
pub fn current_workspace(dir: &Path) -> String {
    if let Ok(ws) = std::env::var("TF_WORKSPACE") {
        if !ws.is_empty() {
            return ws;
        }
    }
    std::fs::read_to_string(dir.join(".terrane/environment"))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "default".to_string())
}

impl Session {
    /// Loads the configuration in `dir`. With `with_inputs`, also gathers root variables.
    pub fn load(
        dir: &Path,
        vars: &[CliVar],
        with_inputs: bool,
    ) -> (Option<Session>, Sources, Diags) {
        terrane_provider_builtin::link();
        terrane_provider_aws::link();
        let mut sources = Sources::default();
        let (config, mut diags) = load_config(dir, &mut sources);
        crate::config::version::check(&config, &mut diags);
        if diags.has_errors() {
            return (None, sources, diags);
        }
        crate::state_location::check(config.root(), &mut diags);
        if diags.has_errors() {
            return (None, sources, diags);
        }
        let (graph, gdiags) = build(&config);
        diags.append(gdiags);
        if diags.has_errors() {
            return (None, sources, diags);
        }
        let inputs = if with_inputs {
            collect(config.root(), dir, vars, &mut sources, &mut diags)
        } else {
            BTreeMap::new()
        };
        let state_path = if with_inputs {
            crate::state_location::resolve(&config, dir, &inputs, &mut diags)
        } else {
            None
        };
        if diags.has_errors() {
            return (None, sources, diags);
        }
        let session = Session {
            dir: dir.to_path_buf(),
            sources: Sources::default(),
            config,
            graph,
            inputs,
            workspace: current_workspace(dir),
            state_path,
        };
        (Some(session), sources, diags)
    }
}

/// Opens the local state store at `path` (from [`crate::state_location`]).
pub fn open_backend(path: &Path) -> Result<SqliteBackend, terrane_state::StateError> {
    SqliteBackend::open_file(path)
}

/// The services the engine gives providers.
pub struct EngineHost {
    pub dir: PathBuf,
}

impl EngineHost {
    pub fn shared(dir: &Path) -> Arc<dyn Host> {
        Arc::new(EngineHost {
            dir: dir.to_path_buf(),
        })
    }
}

#[async_trait]
impl Host for EngineHost {
    fn working_dir(&self) -> PathBuf {
        self.dir.clone()
    }

    async fn read_remote_state_outputs(
        &self,
        backend: &str,
        config: &Value,
        workspace: &str,
    ) -> Result<Value, ProviderError> {
        if backend != "local" && backend != "terrane" {
            return Err(ProviderError::new(
                "Not supported yet",
                format!("terraform_remote_state with backend \"{backend}\" is not supported yet; use \"local\" with the path of another stack's directory or state database."),
            ));
        }
        let db = match config.get_attr("path").and_then(Value::as_str) {
            Some(p) => terrane_state::sqlite::local_store_path(&self.dir, p),
            None => self.dir.join(terrane_state::sqlite::DEFAULT_PATH),
        };
        if !db.exists() {
            return Ok(Value::object(BTreeMap::new()));
        }
        let backend = SqliteBackend::open_file(&db)
            .map_err(|e| ProviderError::new("Error loading state", e.to_string()))?;
        let snap = backend
            .read(workspace)
            .map_err(|e| ProviderError::new("Error loading state", e.to_string()))?;
        Ok(Value::object(
            snap.outputs
                .into_iter()
                .map(|(k, o)| {
                    let v = if o.sensitive {
                        o.value.mark(Mark::Sensitive)
                    } else {
                        o.value
                    };
                    (k, v)
                })
                .collect(),
        ))
    }
}
