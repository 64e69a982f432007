//! The configuration's source files, by id, and diagnostics located in one of them: what every
//! phase reports and the renderers show with the span underlined.

use terrane_dsl::Diagnostic;

/// A source file as the renderers need it: its name as shown to the user and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// Index of a file in [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// Every source file read in a run.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, name: String, text: String) -> FileId {
        self.files.push(SourceFile { name, text });
        FileId((self.files.len() - 1) as u32)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn try_get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }
}

/// A diagnostic and the file its span is in (`None`: it is about no file, e.g. a `-var` option).
#[derive(Clone, Debug)]
pub struct Diag {
    pub file: Option<FileId>,
    pub diag: Diagnostic,
}

impl Diag {
    pub fn at(file: FileId, diag: Diagnostic) -> Diag {
        Diag {
            file: Some(file),
            diag,
        }
    }

    /// A diagnostic about no source file.
    pub fn bare(diag: Diagnostic) -> Diag {
        Diag { file: None, diag }
    }

    pub fn is_error(&self) -> bool {
        self.diag.is_error()
    }
}

/// Diagnostics gathered across a phase; errors don't stop the phase from finding more.
#[derive(Clone, Debug, Default)]
pub struct Diags(pub Vec<Diag>);

impl Diags {
    pub fn push(&mut self, file: FileId, diag: Diagnostic) {
        self.0.push(Diag::at(file, diag));
    }

    pub fn extend_in(&mut self, file: FileId, diags: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(diags.into_iter().map(|d| Diag::at(file, d)));
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diag::is_error)
    }

    pub fn append(&mut self, other: Diags) {
        self.0.extend(other.0);
    }
}
