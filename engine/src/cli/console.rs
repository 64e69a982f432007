//! `terrane console`: evaluates expressions read from standard input, one per line, against the
//! configuration and the current state (no provider calls), printing each value as Terraform's
//! console does.

use std::io::{BufRead, Write};

use super::plan::prepare;
use super::Global;
use crate::inputs::CliVar;
use crate::walk::scope::Site;
use crate::walk::values::Repetition;
use crate::walk::{walk, Phase, WalkOptions};

#[derive(clap::Args, Debug, Clone)]
pub struct ConsoleArgs {
    #[command(flatten)]
    pub vars: super::vars::VarArgs,
}

pub fn run(vars: Vec<CliVar>, global: &Global) -> i32 {
    let Some(p) = prepare(&vars, global, false, true) else {
        return 1;
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let input = crate::walk::WalkInput {
        config: &p.session.config,
        graph: &p.session.graph,
        inputs: &p.session.inputs,
        run: crate::walk::scope::RunInfo {
            root_dir: cwd.clone(),
            cwd: cwd.clone(),
            workspace: p.session.workspace.clone(),
        },
        evaluator: crate::walk::eval::Evaluator::console(Some(super::plan::chrono_now())),
        prior: &p.prior,
        plan: None,
        options: WalkOptions {
            phase: Phase::Eval,
            refresh: false,
            parallelism: 10,
            replace: Vec::new(),
            targets: Vec::new(),
            refresh_only: false,
            destroy: false,
        },
        host: crate::session::EngineHost::shared(&cwd),
        events: None,
    };
    let out = walk(&input, None);
    let root = p.session.config.root();
    let instance = crate::addrs::ModuleInstance::root();
    let rep = Repetition::default();
    let site = Site {
        config: &p.session.config,
        module: root,
        instance: &instance,
        repetition: &rep,
        self_value: None,
        run: &input.run,
    };
    let mut code = 0;
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        if text == "exit" {
            break;
        }
        let source = format!("v = {text}\n");
        let parsed = terrane_dsl::syntax::parse(&source);
        let expr = parsed.body.attributes().next().map(|a| a.expr.clone());
        let (Some(expr), true) = (expr, parsed.diagnostics.is_empty()) else {
            let _ = writeln!(
                std::io::stderr(),
                "Error: Invalid expression: {}",
                parsed
                    .diagnostics
                    .first()
                    .map(|d| d.summary.clone())
                    .unwrap_or_default()
            );
            code = 1;
            continue;
        };
        let (v, diags) = input.evaluator.eval(&expr, &site, &out.values, &[]);
        if let Some(d) = diags.iter().find(|d| d.is_error()) {
            let _ = writeln!(std::io::stderr(), "Error: {}\n\n  {}", d.summary, d.detail);
            code = 1;
            continue;
        }
        let type_mark =
            terrane_dsl::value::Mark::Other(terrane_dsl::functions::TYPE_MARK.to_string());
        let shown = if v.has_mark(&terrane_dsl::value::Mark::Sensitive) {
            "(sensitive value)".to_string()
        } else if let (true, Some(t)) = (v.has_mark(&type_mark), v.as_str()) {
            // `type(x)` prints the type itself, unquoted, as Terraform's console does.
            t.to_string()
        } else if !v.is_known() {
            "(known after apply)".to_string()
        } else {
            terrane_dsl::value::format_value(&v, 0)
        };
        let _ = writeln!(stdout, "{shown}");
    }
    code
}
