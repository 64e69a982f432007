//! Loading a configuration from disk: a module directory's `*.tn` and `*.tf` files (override
//! files merged last, as Terraform merges them), parsed and decoded, then every local module
//! it calls, recursively.

use std::path::{Path, PathBuf};

use terrane_dsl::syntax::ast::{Block, Body, BodyItem};
use terrane_dsl::syntax::Span;
use terrane_dsl::Diagnostic;

use super::decode::decode_file;
use super::model::{Config, Module};
use crate::addrs::ModulePath;
use crate::source::{Diags, FileId, Sources};

/// How deep module calls may nest (a module that calls itself would never end).
const MAX_MODULE_DEPTH: usize = 32;

/// The files of a module directory: primary files and override files, each sorted by name.
pub fn module_files(dir: &Path) -> std::io::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut primary = Vec::new();
    let mut overrides = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name
            .strip_suffix(".tn")
            .or_else(|| name.strip_suffix(".tf"))
        else {
            continue;
        };
        if name.starts_with('.')
            || name.starts_with('#')
            || name.ends_with('~')
            || !entry.path().is_file()
        {
            continue;
        }
        if stem == "override" || stem.ends_with("_override") {
            overrides.push(entry.path());
        } else {
            primary.push(entry.path());
        }
    }
    primary.sort();
    overrides.sort();
    Ok((primary, overrides))
}

/// Reads one file; a failure or invalid UTF-8 is a diagnostic.
fn read_source(
    path: &Path,
    display: String,
    sources: &mut Sources,
    diags: &mut Diags,
) -> (FileId, Option<Body>) {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => {
                let parsed = terrane_dsl::syntax::parse(&text);
                let id = sources.add(display, text);
                diags.extend_in(id, parsed.diagnostics);
                (id, Some(parsed.body))
            }
            Err(err) => {
                let at = err.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
                let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                let id = sources.add(display, text);
                diags.push(
                    id,
                    Diagnostic::error(
                        "Invalid character encoding",
                        "All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected in your editor.",
                        Span::new(at, end),
                    )
                    .with_label("not valid UTF-8"),
                );
                (id, None)
            }
        },
        Err(err) => {
            let id = sources.add(display, String::new());
            diags.push(
                id,
                Diagnostic::error(
                    "Failed to read file",
                    format!("The configuration file could not be read: {err}."),
                    Span::empty(0),
                ),
            );
            (id, None)
        }
    }
}

/// How a file's name is shown: relative to the working directory when it is inside it.
fn display_name(path: &Path, root: &Path) -> String {
    let p = path.strip_prefix(root).unwrap_or(path);
    let s = p.to_string_lossy().into_owned();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Loads one module directory (no children).
pub fn load_module(
    dir: &Path,
    path: ModulePath,
    root: &Path,
    sources: &mut Sources,
    diags: &mut Diags,
) -> Module {
    let mut module = Module {
        path,
        dir: dir.to_path_buf(),
        ..Module::default()
    };
    let (primary, overrides) = match module_files(dir) {
        Ok(files) => files,
        Err(err) => {
            diags.0.push(crate::source::Diag::bare(Diagnostic::error(
                "Failed to read module directory",
                format!(
                    "Module directory {} does not exist or cannot be read: {err}.",
                    dir.display()
                ),
                Span::empty(0),
            )));
            return module;
        }
    };
    let mut bodies: Vec<(FileId, Body)> = Vec::new();
    for p in &primary {
        let (id, body) = read_source(p, display_name(p, root), sources, diags);
        module.files.push(id);
        if let Some(b) = body {
            bodies.push((id, b));
        }
    }
    for p in &overrides {
        let (id, body) = read_source(p, display_name(p, root), sources, diags);
        module.files.push(id);
        if let Some(b) = body {
            merge_override(&mut bodies, id, b, diags);
        }
    }
    for (id, body) in &bodies {
        decode_file(body, *id, &mut module, sources, diags);
    }
    module
}

/// The identity of a top-level block for overriding: its type and labels.
fn block_key(b: &Block) -> (String, Vec<String>) {
    (
        b.ident.name.clone(),
        b.labels.iter().map(|l| l.value.clone()).collect(),
    )
}

/// Merges an override file into the primary files' blocks, as Terraform does: each override
/// block replaces the arguments it sets (and every nested block of a type it has) in the
/// primary block of the same type and labels; `locals` entries replace locals of the same name.
fn merge_override(bodies: &mut [(FileId, Body)], file: FileId, over: Body, diags: &mut Diags) {
    for item in over.items {
        let BodyItem::Block(ob) = item else {
            continue;
        };
        if ob.ident.name == "locals" {
            for oi in &ob.body.items {
                let BodyItem::Attribute(oa) = oi else {
                    continue;
                };
                let mut found = false;
                for (_, body) in bodies.iter_mut() {
                    for bi in body.items.iter_mut() {
                        let BodyItem::Block(b) = bi else { continue };
                        if b.ident.name != "locals" {
                            continue;
                        }
                        for li in b.body.items.iter_mut() {
                            if let BodyItem::Attribute(a) = li {
                                if a.name.name == oa.name.name {
                                    *a = oa.clone();
                                    found = true;
                                }
                            }
                        }
                    }
                }
                if !found {
                    diags.push(
                        file,
                        Diagnostic::error(
                            "Missing base local value definition to override",
                            format!("There is no local value named \"{}\". An override file can only override a local value that was already defined in a primary configuration file.", oa.name.name),
                            oa.name.span,
                        ),
                    );
                }
            }
            continue;
        }
        let key = block_key(&ob);
        let target = bodies
            .iter_mut()
            .flat_map(|(_, b)| b.items.iter_mut())
            .find_map(|bi| match bi {
                BodyItem::Block(b) if block_key(b) == key => Some(b),
                _ => None,
            });
        match target {
            Some(target) => merge_block(target, &ob),
            None => diags.push(
                file,
                Diagnostic::error(
                    format!("Missing base {} to override", ob.ident.name),
                    format!(
                        "There is no {} block {}. An override file can only override a block that was already defined in a primary configuration file.",
                        ob.ident.name,
                        key.1.iter().map(|l| format!("\"{l}\"")).collect::<Vec<_>>().join(" ")
                    ),
                    ob.ident.span,
                ),
            ),
        }
    }
}

fn merge_block(target: &mut Block, over: &Block) {
    let override_block_types: Vec<&str> =
        over.body.blocks().map(|b| b.ident.name.as_str()).collect();
    target.body.items.retain(|i| match i {
        BodyItem::Block(b) => !override_block_types.contains(&b.ident.name.as_str()),
        BodyItem::Attribute(_) => true,
    });
    for item in &over.body.items {
        match item {
            BodyItem::Attribute(oa) => {
                match target.body.items.iter_mut().find_map(|i| match i {
                    BodyItem::Attribute(a) if a.name.name == oa.name.name => Some(a),
                    _ => None,
                }) {
                    Some(a) => *a = oa.clone(),
                    None => target.body.items.push(item.clone()),
                }
            }
            BodyItem::Block(_) => target.body.items.push(item.clone()),
        }
    }
}

/// Whether a module source is a local path.
pub fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../") || source == "." || source == ".."
}

/// Loads the configuration rooted at `dir`: the root module and every module it calls.
pub fn load_config(dir: &Path, sources: &mut Sources) -> (Config, Diags) {
    let mut diags = Diags::default();
    let mut config = Config::default();
    let root = load_module(dir, ModulePath::root(), dir, sources, &mut diags);
    let mut queue = vec![root];
    while let Some(module) = queue.pop() {
        for call in module.module_calls.values() {
            let child_path = module.path.child(&call.name);
            let file = call.decl.file;
            if !is_local_source(&call.source) {
                diags.push(
                    file,
                    Diagnostic::error(
                        "Not supported yet",
                        format!("Module source \"{}\" is not a local path; terrane loads modules from local directories (\"./...\" or \"../...\") only, for now.", call.source),
                        call.source_span,
                    ),
                );
                continue;
            }
            if child_path.0.len() > MAX_MODULE_DEPTH {
                diags.push(
                    file,
                    Diagnostic::error(
                        "Module calls nest too deeply",
                        format!("Modules may nest at most {MAX_MODULE_DEPTH} levels; does a module call itself?"),
                        call.source_span,
                    ),
                );
                continue;
            }
            let child_dir = module.dir.join(&call.source);
            if !child_dir.is_dir() {
                diags.push(
                    file,
                    Diagnostic::error(
                        "Unreadable module directory",
                        format!(
                            "The directory {} does not exist or cannot be read.",
                            child_dir.display()
                        ),
                        call.source_span,
                    ),
                );
                continue;
            }
            let child = load_module(&child_dir, child_path, dir, sources, &mut diags);
            queue.push(child);
        }
        config.modules.insert(module.path.clone(), module);
    }
    (config, diags)
}
