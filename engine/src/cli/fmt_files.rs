//! File helpers for `terrane fmt`: which files it formats, how paths are shown (relative to the
//! working directory, like Terraform), and writing a file atomically.

use std::path::{Component, Path, PathBuf};

/// Extensions `terrane fmt` formats (terrane's own, then Terraform's).
const EXTENSIONS: [&str; 5] = [".tn", ".tnvars", ".tf", ".tfvars", ".tftest.hcl"];

pub fn is_formattable(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    EXTENSIONS.iter().any(|ext| name.ends_with(ext))
}

/// Files and directories Terraform ignores: hidden ones, editor backups and lock files.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || (name.starts_with('#') && name.ends_with('#'))
}

/// `path` as shown to the user: relative to the working directory, cleaned.
pub fn display_path(path: &Path) -> String {
    display_path_from(path, std::env::current_dir().ok().as_deref())
}

/// [`display_path`] with the working directory already known (`None`: unknown), so that a
/// caller showing many paths asks the system for it once.
pub fn display_path_from(path: &Path, cwd: Option<&Path>) -> String {
    let shown = cwd
        .and_then(|cwd| {
            let absolute = if path.is_absolute() {
                path.to_path_buf()
            } else {
                cwd.join(path)
            };
            relative_to(&clean(&absolute), &clean(cwd))
        })
        .unwrap_or_else(|| clean(path));
    let text = shown.to_string_lossy().into_owned();
    if text.is_empty() {
        ".".to_string()
    } else {
        text
    }
}

/// Removes `.` components and resolves `..` lexically.
fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn relative_to(path: &Path, base: &Path) -> Option<PathBuf> {
    let path: Vec<_> = path.components().collect();
    let base: Vec<_> = base.components().collect();
    if path.first() != base.first() {
        return None;
    }
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    for component in &path[common..] {
        out.push(component.as_os_str());
    }
    Some(out)
}

/// Replaces the file at `path` with `contents`: written to a temporary file in the same
/// directory, given the original's permissions, then renamed over it.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.terrane-fmt-{}", std::process::id()));
    let result = (|| {
        std::fs::write(&temp, contents)?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        assert!(is_formattable(Path::new("a/main.tf")));
        assert!(is_formattable(Path::new("x.tnvars")));
        assert!(is_formattable(Path::new("x.tftest.hcl")));
        assert!(!is_formattable(Path::new("x.hcl")));
        assert!(!is_formattable(Path::new("tf")));
    }

    #[test]
    fn ignored_names() {
        assert!(is_ignored(".terraform"));
        assert!(is_ignored("main.tf~"));
        assert!(is_ignored("#main.tf#"));
        assert!(!is_ignored("main.tf"));
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_to(Path::new("/a/b/c"), Path::new("/a")),
            Some(PathBuf::from("b/c"))
        );
        assert_eq!(
            relative_to(Path::new("/x/y"), Path::new("/a/b")),
            Some(PathBuf::from("../../x/y"))
        );
        assert_eq!(clean(Path::new("./a/../b/./c")), PathBuf::from("b/c"));
    }
}
