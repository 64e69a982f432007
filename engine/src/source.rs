//! The configuration's source files, by id, and diagnostics located in one of them: what every
//! phase reports and the renderers show with the span underlined.

use terrane_dsl::syntax::Span;
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
    /// A failed variable validation: its rule, named with its place when the diagnostic is
    /// shown (see [`Diag::shown`]).
    pub rule: Option<CheckedBy>,
}

/// The validation rule that a variable's value failed: where its `validation` block is.
#[derive(Clone, Copy, Debug)]
pub struct CheckedBy {
    pub file: FileId,
    pub span: Span,
}

impl Diag {
    pub fn at(file: FileId, diag: Diagnostic) -> Diag {
        Diag {
            file: Some(file),
            diag,
            rule: None,
        }
    }

    /// A diagnostic in `file`, or about no file.
    pub fn in_file(file: Option<FileId>, diag: Diagnostic) -> Diag {
        Diag {
            file,
            diag,
            rule: None,
        }
    }

    /// A diagnostic about no source file.
    pub fn bare(diag: Diagnostic) -> Diag {
        Diag {
            file: None,
            diag,
            rule: None,
        }
    }

    /// The diagnostic as shown: a failed validation's detail ends naming the rule that checked
    /// it and where it is, as Terraform's does (`This was checked by the validation rule at
    /// main.tf:4,3-13.`).
    pub fn shown(&self, sources: &Sources) -> Diagnostic {
        let mut d = self.diag.clone();
        if let Some(rule) = self.rule {
            let at = sources
                .try_get(rule.file)
                .map_or_else(|| "the configuration".to_string(), |f| place(f, rule.span));
            d.detail = format!(
                "{}\n\nThis was checked by the validation rule at {at}.",
                d.detail
            );
        }
        d
    }

    pub fn is_error(&self) -> bool {
        self.diag.is_error()
    }
}

/// Where `span` is in `file`, as Terraform writes ranges in messages: `main.tf:3,1-15`, or
/// `main.tf:3,1-5,2` across lines.
pub fn place(file: &SourceFile, span: Span) -> String {
    let index = terrane_dsl::line_index::LineIndex::new(&file.text);
    let start = index.position(&file.text, span.start);
    let end = index.position(&file.text, span.end);
    if start.line == end.line {
        format!(
            "{}:{},{}-{}",
            file.name, start.line, start.column, end.column
        )
    } else {
        format!(
            "{}:{},{}-{},{}",
            file.name, start.line, start.column, end.line, end.column
        )
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

    /// Each failed validation's detail completed with its rule's place ([`Diag::shown`]), for
    /// renderers that take the diagnostics as they are.
    pub fn name_rules(&mut self, sources: &Sources) {
        for d in &mut self.0 {
            if d.rule.is_some() {
                d.diag = d.shown(sources);
                d.rule = None;
            }
        }
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diag::is_error)
    }

    pub fn append(&mut self, other: Diags) {
        self.0.extend(other.0);
    }
}
