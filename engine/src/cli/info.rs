//! `terrane init`, `version`, `providers` and `graph`: preparing a working directory and
//! describing the configuration.

use std::io::Write;
use std::path::Path;

use super::Global;
use crate::session::Session;

#[derive(clap::Args, Debug, Clone)]
pub struct InitArgs {
    /// Ask for input (accepted; terrane never prompts during init).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub input: Option<bool>,
    /// Accepted for compatibility: providers are built in, nothing is downloaded.
    #[arg(long)]
    pub upgrade: bool,
    /// Values for the variables the `backend` block uses.
    #[command(flatten)]
    pub vars: super::vars::VarArgs,
}

#[derive(clap::Args, Debug, Clone)]
pub struct VersionArgs {
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The providers the configuration uses (required, configured or implied by a resource type),
/// with whether terrane has them.
fn used_providers(session: &Session) -> Vec<(String, Option<&'static str>)> {
    let mut names = std::collections::BTreeSet::new();
    for m in session.config.modules.values() {
        names.extend(m.required_providers.keys().cloned());
        names.extend(m.providers.keys().map(|p| p.name.clone()));
        names.extend(m.resources.values().map(|r| r.provider.name.clone()));
    }
    names
        .into_iter()
        .map(|n| {
            let source = session
                .config
                .root()
                .required_providers
                .get(&n)
                .and_then(|r| r.source.clone());
            let f = source
                .as_deref()
                .and_then(terrane_provider::registry::find_by_source)
                .or_else(|| terrane_provider::registry::find_by_local_name(&n));
            (n, f.map(|f| f.source))
        })
        .collect()
}

fn load(global: &Global) -> Option<Session> {
    let (session, sources, diags) = Session::load(Path::new("."), &[], false);
    if !diags.0.is_empty() {
        super::report::human(&sources, &diags, global.color);
    }
    session
}

pub fn init(_args: InitArgs, vars: Vec<crate::inputs::CliVar>, global: &Global) -> i32 {
    let Some(session) = load(global) else {
        return 1;
    };
    // The backend block is checked and evaluated here too, so a mistake in it shows at once.
    if super::state_path_with(&vars).is_none() {
        return 1;
    }
    if let Err(e) = std::fs::create_dir_all(".terrane") {
        eprintln!("Error: cannot create .terrane: {e}");
        return 1;
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\nInitializing the backend...\nInitializing provider plugins..."
    );
    let mut missing = Vec::new();
    for (name, source) in used_providers(&session) {
        match source {
            Some(s) => {
                let _ = writeln!(out, "- {name}: built in ({s})");
            }
            None => missing.push(name),
        }
    }
    if !missing.is_empty() {
        eprintln!(
            "\nError: Not supported yet\n\n  terrane has no provider {} yet; providers are built into terrane and cannot be downloaded.",
            missing.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ")
        );
        return 1;
    }
    let _ = writeln!(out, "\nterrane has been successfully initialized!");
    0
}

pub fn version(args: VersionArgs) -> i32 {
    terrane_provider_builtin::link();
    terrane_provider_aws::link();
    let version = env!("CARGO_PKG_VERSION");
    let mut out = std::io::stdout().lock();
    let providers: Vec<&'static str> = terrane_provider::registry::registered()
        .map(|f| f.source)
        .collect();
    if args.json {
        let doc = serde_json::json!({
            "terrane_version": version,
            "platform": format!("{}_{}", std::env::consts::OS, std::env::consts::ARCH),
            "provider_selections": providers.iter().map(|p| (p.to_string(), version)).collect::<std::collections::BTreeMap<_, _>>(),
        });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        );
    } else {
        let _ = writeln!(
            out,
            "terrane v{version}\non {}_{}",
            std::env::consts::OS,
            std::env::consts::ARCH
        );
        for p in providers {
            let _ = writeln!(out, "+ provider {p} (built in)");
        }
    }
    0
}

pub fn providers(global: &Global) -> i32 {
    let Some(session) = load(global) else {
        return 1;
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "\nProviders required by configuration:\n.");
    for (name, source) in used_providers(&session) {
        let _ = writeln!(
            out,
            "└── provider[{}]{}",
            source.unwrap_or(&name),
            if source.is_none() {
                " (not available in terrane yet)"
            } else {
                ""
            }
        );
    }
    0
}

pub fn graph(global: &Global) -> i32 {
    let Some(session) = load(global) else {
        return 1;
    };
    let _ = std::io::stdout()
        .lock()
        .write_all(session.graph.to_dot().as_bytes());
    0
}
