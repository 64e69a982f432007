//! `terrane output [-json|-raw] [NAME]`: the root outputs recorded by the last apply.

use std::io::Write;
use std::path::Path;

use terrane_state::Backend;

use super::Global;
use crate::session::{current_workspace, open_backend};

#[derive(clap::Args, Debug, Clone)]
pub struct OutputArgs {
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print a string output's raw value (no quotes), for scripts.
    #[arg(long)]
    pub raw: bool,
    /// Only this output.
    pub name: Option<String>,
}

pub fn run(args: OutputArgs, _global: &Global) -> i32 {
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
    let outputs = snapshot.map(|s| s.outputs).unwrap_or_default();
    let mut out = std::io::stdout().lock();
    match &args.name {
        Some(name) => {
            let Some(o) = outputs.get(name) else {
                eprintln!("Error: Output \"{name}\" not found\n\nThe output variable requested could not be found in the state file. If you\nrecently added this to your configuration, be sure to run `terrane apply`,\nsince the state won't be updated with new output variables until that command\nis run.");
                return 1;
            };
            if args.raw {
                match o.value.as_str() {
                    Some(s) => {
                        let _ = out.write_all(s.as_bytes());
                    }
                    None if o.value.as_number().is_some() || o.value.as_bool().is_some() => {
                        let _ =
                            out.write_all(terrane_dsl::value::format_value(&o.value, 0).as_bytes());
                    }
                    None => {
                        eprintln!("Error: Unsupported value for raw output\n\nThe -raw option only supports strings, numbers, and boolean values, but output value \"{name}\" is {}.", o.value.ty().friendly_name());
                        return 1;
                    }
                }
            } else if args.json {
                let _ = out.write_all(crate::render::outputs::json_value(o).as_bytes());
            } else {
                let v = if o.sensitive {
                    "<sensitive>".to_string()
                } else {
                    crate::render::values::render(&o.value, 0)
                };
                let _ = writeln!(out, "{v}");
            }
        }
        None => {
            if args.json {
                let _ = out.write_all(crate::render::outputs::json_document(&outputs).as_bytes());
            } else if outputs.is_empty() {
                eprintln!("Warning: No outputs found\n\nThe state file either has no outputs defined, or all the defined outputs are\nempty. Please define an output in your configuration with the `output` keyword\nand run `terrane refresh` for it to become available. If you are using interpolation,\nplease verify the interpolated value is not empty. You can use the\n`terrane show` command to view the contents of the state.");
            } else {
                let _ = out.write_all(crate::render::outputs::human(&outputs).as_bytes());
            }
        }
    }
    0
}
