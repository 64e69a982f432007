//! The `-var` and `-var-file` options, shared by `plan`, `apply` and `destroy`, kept in
//! command-line order (a later one wins, as in Terraform).

use clap::ArgMatches;

use crate::inputs::CliVar;

#[derive(clap::Args, Debug, Clone, Default)]
pub struct VarArgs {
    /// Set a root module variable: NAME=VALUE.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub var: Vec<String>,
    /// Read root module variables from a file.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_file: Vec<String>,
}

/// The `-var`/`-var-file` options of the subcommand in `matches`, in command-line order.
pub fn ordered(matches: &ArgMatches) -> Vec<CliVar> {
    let Some((_, sub)) = matches.subcommand() else {
        return Vec::new();
    };
    let mut all: Vec<(usize, CliVar)> = Vec::new();
    let present: Vec<String> = sub.ids().map(|id| id.as_str().to_string()).collect();
    let has = |name: &str| present.iter().any(|p| p == name);
    if !has("var") && !has("var_file") {
        return Vec::new();
    }
    if let (true, Some(idx), Some(vals)) = (
        has("var"),
        sub.indices_of("var"),
        sub.get_many::<String>("var"),
    ) {
        all.extend(idx.zip(vals).map(|(i, v)| (i, CliVar::Var(v.clone()))));
    }
    if let (true, Some(idx), Some(vals)) = (
        has("var_file"),
        sub.indices_of("var_file"),
        sub.get_many::<String>("var_file"),
    ) {
        all.extend(idx.zip(vals).map(|(i, v)| (i, CliVar::File(v.clone()))));
    }
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, v)| v).collect()
}
