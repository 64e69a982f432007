//! `terrane plan`: load, lock the state, walk in the plan phase, show the plan. Also the
//! shared preparation `apply` and `destroy` use.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use terrane_state::{Backend, LockGuard, LockInfo, Snapshot};

use super::report;
use super::vars::VarArgs;
use super::Global;
use crate::inputs::CliVar;
use crate::plan::file::{Options, SavedPlan};
use crate::plan::make::make_plan;
use crate::plan::model::Plan;
use crate::render::{human, json_events};
use crate::session::{open_backend, EngineHost, Session};
use crate::walk::eval::Evaluator;
use crate::walk::scope::RunInfo;
use crate::walk::{Phase, WalkInput, WalkOptions};

#[derive(clap::Args, Debug, Clone)]
pub struct PlanArgs {
    #[command(flatten)]
    pub vars: VarArgs,
    /// Plan to destroy every object in the state.
    #[arg(long)]
    pub destroy: bool,
    /// Refresh objects from their providers before planning (default true).
    #[arg(long, default_value = "true", num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub refresh: bool,
    /// How many provider calls may run at once.
    #[arg(long, default_value_t = 10)]
    pub parallelism: usize,
    /// Plan to replace this resource instance even if nothing forces it.
    #[arg(long = "replace", value_name = "ADDRESS")]
    pub replace: Vec<String>,
    /// Plan only this resource, instance or module (and what it depends on).
    #[arg(long = "target", value_name = "ADDRESS")]
    pub target: Vec<String>,
    /// Exit 2 when the plan has changes (0 when none, 1 on error).
    #[arg(long = "detailed-exitcode")]
    pub detailed_exitcode: bool,
    /// Ask for input for variables without a value (accepted; terrane never prompts).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub input: Option<bool>,
    /// Hold the state lock during the operation (default true).
    #[arg(long, default_value = "true", num_args = 0..=1, default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub lock: bool,
    /// How long to wait for the state lock (e.g. 10s, 1m).
    #[arg(long = "lock-timeout", default_value = "0s")]
    pub lock_timeout: String,
    /// Print machine-readable JSON messages (Terraform's `-json` UI) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Print the plan as Markdown, for a pull request.
    #[arg(long)]
    pub markdown: bool,
    /// Only refresh: show what changed outside terrane and propose no change; applying it
    /// records the refreshed objects in the state.
    #[arg(long = "refresh-only")]
    pub refresh_only: bool,
    /// Show warnings as a short summary (the diagnostics' summaries only).
    #[arg(long = "compact-warnings")]
    pub compact_warnings: bool,
    /// Save the plan to this file, for `terrane apply FILE` and `terrane show FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
}

/// Parses Terraform's durations: `0s`, `10s`, `1m`, `500ms`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (num, unit) = s.split_at(
        s.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(s.len()),
    );
    let n: f64 = num.parse().ok()?;
    let secs = match unit {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(secs))
}

/// What plan, apply and destroy share once loaded.
pub struct Prepared {
    pub session: Session,
    pub sources: crate::source::Sources,
    pub backend: terrane_state::sqlite::SqliteBackend,
    pub prior: Snapshot,
}

/// Loads the session and the state; prints diagnostics and returns `None` on errors.
/// With `read_state` false the state is left empty: plan and apply read it with [`reread`]
/// once they hold the lock (reading it twice would cost the time and memory of a second copy).
pub fn prepare(vars: &[CliVar], global: &Global, json: bool, read_state: bool) -> Option<Prepared> {
    let dir = Path::new(".");
    let (session, sources, diags) = Session::load(dir, vars, true);
    if !diags.0.is_empty() {
        emit(&sources, &diags, global, json);
    }
    let session = session?;
    let state_path = session.state_path.clone()?;
    let backend = match open_backend(&state_path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("Error: Failed to open the state: {e}");
            return None;
        }
    };
    let mut prior = terrane_state::Snapshot::empty("");
    if read_state && !reread(&mut prior, &backend, &session.workspace) {
        return None;
    }
    Some(Prepared {
        session,
        sources,
        backend,
        prior,
    })
}

/// Prints diagnostics in the view the command was asked for.
pub fn emit(
    sources: &crate::source::Sources,
    diags: &crate::source::Diags,
    global: &Global,
    json: bool,
) {
    if json {
        let doc = report::json(sources, diags);
        let ts = chrono_now();
        let parsed: serde_json::Value = serde_json::from_str(&doc).unwrap_or_default();
        let mut out = std::io::stdout().lock();
        if let Some(list) = parsed.get("diagnostics").and_then(|d| d.as_array()) {
            for d in list {
                let _ = writeln!(out, "{}", crate::render::json_events::diagnostic(d, &ts));
            }
        }
    } else {
        report::human(sources, diags, global.color);
    }
}

/// The walk input for a plan of `p`.
pub fn walk_input<'a>(p: &'a Prepared, args: &PlanArgs) -> WalkInput<'a> {
    walk_input_with(
        p,
        args.refresh,
        args.parallelism,
        args.replace.clone(),
        args.target.clone(),
        args.refresh_only,
    )
}

/// The walk input for a plan of `p`, with these options.
pub fn walk_input_with(
    p: &Prepared,
    refresh: bool,
    parallelism: usize,
    replace: Vec<String>,
    targets: Vec<String>,
    refresh_only: bool,
) -> WalkInput<'_> {
    let cwd = std::env::current_dir().unwrap_or_default();
    WalkInput {
        config: &p.session.config,
        graph: &p.session.graph,
        inputs: &p.session.inputs,
        run: RunInfo {
            root_dir: cwd.clone(),
            cwd: cwd.clone(),
            workspace: p.session.workspace.clone(),
        },
        evaluator: Evaluator::new(Some(chrono_now())),
        prior: &p.prior,
        plan: None,
        options: WalkOptions {
            phase: Phase::Plan,
            refresh,
            parallelism,
            replace,
            targets,
            refresh_only,
            destroy: false,
        },
        host: EngineHost::shared(&cwd),
        events: None,
    }
}

/// Now, RFC 3339 in UTC, for `plantimestamp()`.
pub fn chrono_now() -> String {
    crate::clock::rfc3339_now()
}

/// Takes the state lock for `operation`, printing the reason on failure.
pub fn lock<'b>(
    backend: &'b terrane_state::sqlite::SqliteBackend,
    workspace: &str,
    args: &PlanArgs,
    operation: &str,
) -> Result<Option<LockGuard<'b>>, ()> {
    if !args.lock {
        return Ok(None);
    }
    let timeout = parse_duration(&args.lock_timeout).unwrap_or_default();
    match LockGuard::acquire(backend, workspace, &LockInfo::new(operation), timeout) {
        Ok(g) => Ok(Some(g)),
        Err(e) => {
            eprintln!("Error: Error acquiring the state lock\n\n{e}\n\nterrane acquires a state lock to protect the state from being written\nby multiple users at the same time. Please resolve the issue above and try\nagain. For most commands, you can disable locking with the \"-lock=false\"\nflag, but this is not recommended.");
            Err(())
        }
    }
}

/// Reads the state again once the lock is held (another run may have changed it while this
/// one waited); prints the reason on failure.
pub fn reread(
    prior: &mut Snapshot,
    backend: &terrane_state::sqlite::SqliteBackend,
    workspace: &str,
) -> bool {
    match backend.read(workspace) {
        Ok(s) => {
            *prior = s;
            true
        }
        Err(e) => {
            eprintln!("Error: Failed to read the state: {e}");
            false
        }
    }
}

/// Refuses the plan mode options that cannot go together (printing why).
pub fn check_modes(args: &PlanArgs, destroy: bool) -> bool {
    if args.refresh_only && destroy {
        eprintln!("Error: Incompatible plan mode options\n\nThe -destroy and -refresh-only options are mutually-exclusive.");
        return false;
    }
    if (args.refresh_only || destroy) && !args.replace.is_empty() {
        eprintln!("Error: Unsupported plan mode\n\nForcing resource instance replacement (with -replace=...) is allowed only in\nnormal planning mode.");
        return false;
    }
    if args.refresh_only && !args.refresh {
        eprintln!("Error: Incompatible refresh options\n\nIt doesn't make sense to use -refresh-only at the same time as -refresh=false, because terrane would have nothing to do.");
        return false;
    }
    true
}

/// Makes the plan; prints diagnostics. `None` when planning failed. With `-compact-warnings`
/// and only warnings, returns their summary instead, for printing after the plan (as
/// Terraform places it).
pub fn plan_or_report(
    p: &Prepared,
    args: &PlanArgs,
    global: &Global,
    destroy: bool,
) -> Option<(Plan, String)> {
    let input = walk_input(p, args);
    let (plan, out) = make_plan(&input, destroy);
    let compact = match args.compact_warnings && !args.json {
        true => report::compact_warnings(&p.sources, &out.diags),
        false => None,
    };
    if compact.is_none() && !out.diags.0.is_empty() {
        emit(&p.sources, &out.diags, global, args.json);
    }
    if out.diags.has_errors() {
        return None;
    }
    Some((plan, compact.unwrap_or_default()))
}

/// The configuration files of the session, for the saved plan's hash.
pub fn config_hash(p: &Prepared) -> String {
    let files = p
        .session
        .config
        .modules
        .values()
        .flat_map(|m| m.files.iter())
        .filter_map(|id| p.sources.try_get(*id))
        .map(|f| (f.name.as_str(), f.text.as_str()));
    crate::plan::file::config_hash(files)
}

/// The saved form of `plan`, made from `p` with `args`.
pub fn saved_plan(p: &Prepared, args: &PlanArgs, plan: Plan) -> SavedPlan {
    let root = p.session.config.root();
    SavedPlan {
        plan,
        workspace: p.session.workspace.clone(),
        variables: p
            .session
            .inputs
            .iter()
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect(),
        sensitive_variables: root
            .variables
            .values()
            .filter(|v| v.sensitive)
            .map(|v| v.name.clone())
            .collect(),
        config_hash: config_hash(p),
        options: Options {
            refresh: args.refresh,
            parallelism: args.parallelism,
            replace: args.replace.clone(),
            targets: args.target.clone(),
        },
        prior_state: terrane_state::tfstate::to_v4(&p.prior).ok(),
        configuration: crate::render::json_config::configuration(&p.session.config),
        timestamp: chrono_now(),
        terrane_version: env!("CARGO_PKG_VERSION").to_string(),
    }
}

/// Prints a plan in the view asked for: Markdown, JSON messages, or text.
pub fn show_plan(plan: &Plan, args: &PlanArgs, global: &Global) {
    let mut out = std::io::stdout().lock();
    let counts = human::counts(plan);
    if args.json {
        let ts = chrono_now();
        let summary = human::summary(counts);
        let _ = out.write_all(json_events::plan_stream(plan, &summary, counts, &ts).as_bytes());
    } else if args.markdown {
        let _ = out.write_all(crate::render::markdown::render(plan).as_bytes());
    } else {
        let text = human::render_plan(
            plan,
            human::Options {
                color: global.color,
            },
        );
        let _ = out.write_all(text.as_bytes());
    }
}

pub fn run(args: PlanArgs, vars: Vec<CliVar>, global: &Global) -> i32 {
    if args.json {
        println!("{}", json_events::version(&chrono_now()));
    }
    if !check_modes(&args, args.destroy) {
        return 1;
    }
    let Some(mut p) = prepare(&vars, global, args.json, false) else {
        return 1;
    };
    let Ok(_guard) = lock(&p.backend, &p.session.workspace, &args, "plan") else {
        return 1;
    };
    if !reread(&mut p.prior, &p.backend, &p.session.workspace) {
        return 1;
    }
    let Some((plan, warnings)) = plan_or_report(&p, &args, global, args.destroy) else {
        return 1;
    };
    show_plan(&plan, &args, global);
    print!("{warnings}");
    let changes = plan.has_changes();
    if let Some(path) = &args.out {
        let saved = saved_plan(&p, &args, plan);
        if let Err(e) = saved.write(path) {
            eprintln!("Error: Failed to write the plan file\n\n{e}");
            return 1;
        }
        if !args.json {
            let name = path.display();
            println!("\nSaved the plan to: {name}\n\nTo perform exactly these actions, run the following command to apply:\n    terrane apply \"{name}\"");
        }
    }
    if args.detailed_exitcode && changes {
        2
    } else {
        0
    }
}
