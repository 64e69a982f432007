//! `terrane apply` and `terrane destroy`: plan, ask for approval (unless `-auto-approve`),
//! then apply, recording each result in the state as it comes. `terrane apply FILE` carries
//! out a saved plan exactly, refusing it when the state or the configuration changed since.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use terrane_state::Backend;

use super::plan::{
    config_hash, emit, lock, plan_or_report, prepare, walk_input, walk_input_with, PlanArgs,
    Prepared,
};
use super::Global;
use crate::inputs::{CliVar, InputValue};
use crate::plan::file::SavedPlan;
use crate::plan::model::Plan;
use crate::session::{open_backend, Session};

#[derive(clap::Args, Debug, Clone)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Apply without asking for approval.
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,
    /// A plan saved by `terrane plan -out=FILE`, applied exactly as planned.
    #[arg(value_name = "PLANFILE")]
    pub plan_file: Option<PathBuf>,
}

fn approve(destroy: bool, refresh_only: bool) -> bool {
    let mut out = std::io::stdout().lock();
    let _ = if refresh_only {
        write!(out, "\nWould you like to update the terrane state to reflect these detected changes?\n  terrane will write these changes to the state without modifying any real infrastructure.\n  There is no undo. Only 'yes' will be accepted to confirm.\n\n  Enter a value: ")
    } else if destroy {
        write!(out, "\nDo you really want to destroy all resources?\n  terrane will destroy all your managed infrastructure.\n  There is no undo. Only 'yes' will be accepted to confirm.\n\n  Enter a value: ")
    } else {
        write!(out, "\nDo you want to perform these actions?\n  terrane will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
    };
    let _ = out.flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    line.trim() == "yes"
}

pub fn run(args: ApplyArgs, vars: Vec<CliVar>, global: &Global, destroy: bool) -> i32 {
    if let Some(file) = &args.plan_file {
        if !vars.is_empty() {
            eprintln!("Error: Can't set variables when applying a saved plan\n\nThe -var and -var-file options cannot be used when applying a saved plan file,\nbecause the variable values are saved in it.");
            return 1;
        }
        return apply_saved(file, &args.plan, global);
    }
    let pargs = &args.plan;
    let destroy = destroy || pargs.destroy;
    if !super::plan::check_modes(pargs, destroy) {
        return 1;
    }
    let Some(mut p) = prepare(&vars, global, pargs.json, false) else {
        return 1;
    };
    let op = if destroy { "destroy" } else { "apply" };
    let Ok(_guard) = lock(&p.backend, &p.session.workspace, pargs, op) else {
        return 1;
    };
    if !super::plan::reread(&mut p.prior, &p.backend, &p.session.workspace) {
        return 1;
    }
    let Some((plan, warnings)) = plan_or_report(&p, pargs, global, destroy) else {
        return 1;
    };
    super::plan::show_plan(&plan, pargs, global);
    print!("{warnings}");
    if !args.auto_approve && plan.has_changes() && !approve(destroy, plan.refresh_only) {
        eprintln!("\nError: Apply cancelled.");
        return 1;
    }
    let input = walk_input(&p, pargs);
    carry_out(&p, input, &plan, global, pargs.json, pargs.compact_warnings)
}

/// Applies `plan` and reports the result.
fn carry_out(
    p: &Prepared,
    mut input: crate::walk::WalkInput<'_>,
    plan: &Plan,
    global: &Global,
    json: bool,
    compact_warnings: bool,
) -> i32 {
    let progress = super::progress::start(!global.color);
    input.events = Some(match json {
        true => super::progress::json_sink(),
        false => progress.sink.clone(),
    });
    let applied = crate::apply::apply(&input, plan, &p.backend, &p.session.workspace);
    progress.finish();
    let compact = match compact_warnings && !json {
        true => super::report::compact_warnings(&p.sources, &applied.diags),
        false => None,
    };
    if compact.is_none() && !applied.diags.0.is_empty() {
        emit(&p.sources, &applied.diags, global, json);
    }
    if let Some(c) = &compact {
        print!("{c}");
    }
    if applied.diags.has_errors() {
        return 1;
    }
    if json {
        json_result(plan, &applied);
        return 0;
    }
    let mut out = std::io::stdout().lock();
    if plan.destroy {
        let _ = writeln!(
            out,
            "\nDestroy complete! Resources: {} destroyed.",
            applied.destroyed
        );
        return 0;
    }
    let _ = writeln!(
        out,
        "\nApply complete! Resources: {} added, {} changed, {} destroyed.",
        applied.added, applied.changed, applied.destroyed
    );
    let outputs = root_outputs(&applied);
    if !outputs.is_empty() {
        let _ = writeln!(
            out,
            "\nOutputs:\n\n{}",
            crate::render::outputs::human(&outputs)
        );
    }
    0
}

/// The root outputs an apply ended with (none for a destroy).
fn root_outputs(applied: &crate::apply::Applied) -> terrane_state::Outputs {
    let Some(w) = &applied.walk else {
        return terrane_state::Outputs::new();
    };
    w.outputs
        .iter()
        .filter(|(_, (v, _))| !v.is_null())
        .map(|(k, (v, s))| {
            (
                k.clone(),
                terrane_state::OutputValue {
                    value: v.clone().unmark_deep().0,
                    sensitive: *s,
                },
            )
        })
        .collect()
}

/// The end of an `apply -json` stream: the summary, then the outputs.
fn json_result(plan: &Plan, applied: &crate::apply::Applied) {
    use crate::render::json_hooks;
    let ts = crate::clock::rfc3339_micros_now();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{}",
        json_hooks::summary(
            applied.added,
            applied.changed,
            applied.destroyed,
            plan.destroy,
            &ts
        )
    );
    let outputs = root_outputs(applied);
    if !plan.destroy && !outputs.is_empty() {
        let _ = writeln!(out, "{}", json_hooks::outputs(&outputs, &ts));
    }
}

/// `terrane apply FILE`.
fn apply_saved(file: &Path, pargs: &PlanArgs, global: &Global) -> i32 {
    let saved = match SavedPlan::read(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("Error: Failed to load the plan file\n\n{e}");
            return 1;
        }
    };
    let dir = Path::new(".");
    let (session, sources, diags) = Session::load(dir, &[], false);
    if !diags.0.is_empty() {
        emit(&sources, &diags, global, pargs.json);
    }
    let Some(mut session) = session else {
        return 1;
    };
    if session.workspace != saved.workspace {
        eprintln!(
            "Error: Saved plan is for a different workspace\n\nThe plan was made in the workspace \"{}\", but the current workspace is \"{}\".",
            saved.workspace, session.workspace
        );
        return 1;
    }
    session.inputs = saved
        .variables
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                InputValue {
                    value: v.clone(),
                    range: None,
                },
            )
        })
        .collect();
    // The state the plan was made against: the backend block evaluated with the plan's
    // variables.
    let mut bdiags = crate::source::Diags::default();
    let Some(state_path) =
        crate::state_location::resolve(&session.config, dir, &session.inputs, &mut bdiags)
    else {
        emit(&sources, &bdiags, global, pargs.json);
        return 1;
    };
    let backend = match open_backend(&state_path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("Error: Failed to open the state: {e}");
            return 1;
        }
    };
    let prior = match backend.read(&session.workspace) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("Error: Failed to read the state: {e}");
            return 1;
        }
    };
    let p = Prepared {
        session,
        sources,
        backend,
        prior,
    };
    if config_hash(&p) != saved.config_hash {
        eprintln!("Error: Saved plan does not match the configuration\n\nThe configuration files changed since the plan was made. Make a new plan with\n\"terrane plan -out=FILE\" and apply that one.");
        return 1;
    }
    let Ok(_guard) = lock(
        &p.backend,
        &p.session.workspace,
        pargs,
        if saved.plan.destroy {
            "destroy"
        } else {
            "apply"
        },
    ) else {
        return 1;
    };
    // Read again under the lock: another apply may have finished in between.
    let current = match p.backend.read(&p.session.workspace) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("Error: Failed to read the state: {e}");
            return 1;
        }
    };
    if let Some(why) = saved.stale(&current.lineage, current.serial) {
        eprintln!("Error: Saved plan is stale\n\n{why}");
        return 1;
    }
    let input = walk_input_with(
        &p,
        saved.options.refresh,
        // As Terraform: how many calls at once is the apply's choice, not the plan's.
        pargs.parallelism,
        saved.options.replace.clone(),
        saved.options.targets.clone(),
        saved.plan.refresh_only,
    );
    carry_out(
        &p,
        input,
        &saved.plan,
        global,
        pargs.json,
        pargs.compact_warnings,
    )
}
