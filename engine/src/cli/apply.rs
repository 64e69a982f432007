//! `terrane apply` and `terrane destroy`: plan, ask for approval (unless `-auto-approve`),
//! then apply, recording each result in the state as it comes.

use std::io::{BufRead, Write};

use super::plan::{emit, lock, plan_or_report, prepare, walk_input, PlanArgs};
use super::Global;
use crate::inputs::CliVar;

#[derive(clap::Args, Debug, Clone)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Apply without asking for approval.
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,
}

fn approve(destroy: bool) -> bool {
    let mut out = std::io::stdout().lock();
    let _ = if destroy {
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
    let pargs = &args.plan;
    let destroy = destroy || pargs.destroy;
    let Some(p) = prepare(&vars, global, pargs.json) else {
        return 1;
    };
    let Ok(_guard) = lock(&p, pargs, if destroy { "destroy" } else { "apply" }) else {
        return 1;
    };
    let Some(plan) = plan_or_report(&p, pargs, global, destroy) else {
        return 1;
    };
    let text = crate::render::plan_human::render_plan(&plan);
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if !plan.has_changes() && plan.deferred.is_empty() {
        // Outputs may still need recording (a first apply with only outputs).
    }
    if !args.auto_approve && plan.has_changes() && !approve(destroy) {
        eprintln!("\nError: Apply cancelled.");
        return 1;
    }
    let mut input = walk_input(&p, pargs);
    let progress = super::progress::start(!global.color);
    input.events = Some(progress.sink.clone());
    let applied = crate::apply::apply(&input, &plan, &p.backend, &p.session.workspace);
    progress.finish();
    if !applied.diags.0.is_empty() {
        emit(&p.sources, &applied.diags, global, pargs.json);
    }
    if applied.diags.has_errors() {
        return 1;
    }
    let mut out = std::io::stdout().lock();
    if destroy {
        let _ = writeln!(
            out,
            "\nDestroy complete! Resources: {} destroyed.",
            applied.destroyed
        );
    } else {
        let _ = writeln!(
            out,
            "\nApply complete! Resources: {} added, {} changed, {} destroyed.",
            applied.added, applied.changed, applied.destroyed
        );
        if let Some(w) = &applied.walk {
            let outputs: terrane_state::Outputs = w
                .outputs
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
                .collect();
            if !outputs.is_empty() {
                let _ = writeln!(
                    out,
                    "\nOutputs:\n\n{}",
                    crate::render::outputs::human(&outputs)
                );
            }
        }
    }
    0
}
