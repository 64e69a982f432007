//! `terrane show [-json|-markdown] [PLANFILE]`: a saved plan (as text, Markdown or
//! Terraform's JSON), or the current state (as text or Terraform's JSON).

use std::io::Write;
use std::path::{Path, PathBuf};

use terrane_state::Backend;

use super::Global;
use crate::plan::file::SavedPlan;
use crate::render::{human, json_plan, json_state, markdown};
use crate::session::{current_workspace, open_backend};

#[derive(clap::Args, Debug, Clone)]
pub struct ShowArgs {
    /// Print Terraform's JSON output format.
    #[arg(long)]
    pub json: bool,
    /// Print a saved plan as Markdown, for a pull request.
    #[arg(long)]
    pub markdown: bool,
    /// A plan saved by `terrane plan -out=FILE`; without it, the current state is shown.
    #[arg(value_name = "PLANFILE")]
    pub file: Option<PathBuf>,
}

pub fn run(args: ShowArgs, global: &Global) -> i32 {
    let mut out = std::io::stdout().lock();
    if let Some(file) = &args.file {
        let saved = match SavedPlan::read(file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("Error: Failed to read the given file as a plan file\n\n{e}");
                return 1;
            }
        };
        let text = if args.json {
            let mut t = json_plan::document(&saved);
            t.push('\n');
            t
        } else if args.markdown {
            markdown::render(&saved.plan)
        } else {
            human::render_plan(
                &saved.plan,
                human::Options {
                    color: global.color,
                },
            )
        };
        let _ = out.write_all(text.as_bytes());
        return 0;
    }
    if args.markdown {
        eprintln!("Error: -markdown needs a saved plan file: terrane show -markdown PLANFILE");
        return 1;
    }
    let dir = Path::new(".");
    let workspace = current_workspace(dir);
    let Some(path) = super::state_path() else {
        return 1;
    };
    let snapshot = if path.exists() {
        match open_backend(&path).and_then(|b| b.read(&workspace)) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("Error: Failed to read the state: {e}");
                return 1;
            }
        }
    } else {
        None
    };
    let snapshot = snapshot.unwrap_or_else(|| terrane_state::Snapshot::empty(""));
    let text = if args.json {
        format!("{}\n", json_state::document(&snapshot))
    } else {
        human::state::render(&snapshot)
    };
    let _ = out.write_all(text.as_bytes());
    0
}
