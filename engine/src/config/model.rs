//! The configuration model: one [`Module`] per module directory, its declarations decoded from
//! the syntax tree, each expression kept with the file it came from.

use std::collections::BTreeMap;
use std::path::PathBuf;

use terrane_dsl::eval::{Traversal, UserFunctions};
use terrane_dsl::syntax::ast::{Body, Expr};
use terrane_dsl::syntax::Span;
use terrane_dsl::value::Constraint;

use crate::addrs::{ModulePath, Resource};
use crate::source::FileId;

/// An expression and the file it is written in.
#[derive(Clone, Debug)]
pub struct Ex {
    pub file: FileId,
    pub expr: Expr,
}

impl Ex {
    pub fn span(&self) -> Span {
        self.expr.span
    }
}

/// A declaration's place: its file and the span of its header (`variable "x"`), where
/// diagnostics about the whole declaration point.
#[derive(Clone, Copy, Debug)]
pub struct DeclRange {
    pub file: FileId,
    pub span: Span,
}

/// A `validation`, `precondition` or `postcondition` block.
#[derive(Clone, Debug)]
pub struct Condition {
    pub condition: Ex,
    pub error_message: Ex,
    pub decl: DeclRange,
}

#[derive(Clone, Debug)]
pub struct Variable {
    pub name: String,
    pub constraint: Constraint,
    /// Whether `type` was written (an untyped variable takes its value's own type).
    pub typed: bool,
    pub default: Option<Ex>,
    pub description: Option<String>,
    pub sensitive: bool,
    pub nullable: bool,
    pub ephemeral: bool,
    pub validations: Vec<Condition>,
    pub decl: DeclRange,
}

#[derive(Clone, Debug)]
pub struct Local {
    pub name: String,
    pub value: Ex,
    pub decl: DeclRange,
}

#[derive(Clone, Debug)]
pub struct Output {
    pub name: String,
    pub value: Option<Ex>,
    pub description: Option<String>,
    pub sensitive: bool,
    pub ephemeral: bool,
    pub depends_on: Vec<(FileId, Traversal)>,
    pub preconditions: Vec<Condition>,
    pub decl: DeclRange,
}

/// `ignore_changes`: nothing, some attribute paths, or `all`.
#[derive(Clone, Debug, Default)]
pub enum IgnoreChanges {
    #[default]
    None,
    Paths(Vec<Traversal>),
    All,
}

#[derive(Clone, Debug, Default)]
pub struct Lifecycle {
    pub create_before_destroy: bool,
    pub prevent_destroy: bool,
    pub ignore_changes: IgnoreChanges,
    pub replace_triggered_by: Vec<Ex>,
    pub preconditions: Vec<Condition>,
    pub postconditions: Vec<Condition>,
}

/// When a provisioner runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProvisionerWhen {
    Create,
    Destroy,
}

#[derive(Clone, Debug)]
pub struct Provisioner {
    pub kind: String,
    pub when: ProvisionerWhen,
    /// `on_failure = continue`.
    pub continue_on_failure: bool,
    pub body: Body,
    pub file: FileId,
    pub decl: DeclRange,
}

/// A reference to a provider configuration: `aws` or `aws.west`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProviderRef {
    pub name: String,
    pub alias: Option<String>,
}

impl std::fmt::Display for ProviderRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.alias {
            Some(a) => write!(f, "{}.{a}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A `resource` or `data` block.
#[derive(Clone, Debug)]
pub struct ResourceConfig {
    pub addr: Resource,
    pub count: Option<Ex>,
    pub for_each: Option<Ex>,
    /// The provider configuration named by `provider = aws.west`, or the implied default.
    pub provider: ProviderRef,
    pub provider_explicit: bool,
    pub depends_on: Vec<(FileId, Traversal)>,
    pub lifecycle: Lifecycle,
    pub provisioners: Vec<Provisioner>,
    /// The block's body without its meta-arguments (`count`, `lifecycle`, ...): what the
    /// provider's schema describes.
    pub body: Body,
    pub file: FileId,
    pub decl: DeclRange,
}

/// A `module` block.
#[derive(Clone, Debug)]
pub struct ModuleCall {
    pub name: String,
    pub source: String,
    pub source_span: Span,
    pub count: Option<Ex>,
    pub for_each: Option<Ex>,
    /// `providers = { aws = aws.west }`: the child's name -> the caller's configuration.
    pub providers: Vec<(ProviderRef, ProviderRef)>,
    pub depends_on: Vec<(FileId, Traversal)>,
    /// The input variables the call sets.
    pub inputs: BTreeMap<String, Ex>,
    /// The span of each input's name (where "Unsupported argument" points).
    pub input_spans: BTreeMap<String, Span>,
    pub decl: DeclRange,
}

/// A `provider` block.
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    pub addr: ProviderRef,
    pub body: Body,
    pub file: FileId,
    pub decl: DeclRange,
}

/// One `required_providers` entry.
#[derive(Clone, Debug)]
pub struct RequiredProvider {
    pub name: String,
    pub source: Option<String>,
    pub version: Option<String>,
    pub configuration_aliases: Vec<String>,
}

/// A `backend` block of the `terraform` (or `terrane`) block.
#[derive(Clone, Debug)]
pub struct BackendConfig {
    pub kind: String,
    pub body: Body,
    pub file: FileId,
    pub decl: DeclRange,
}

#[derive(Clone, Debug)]
pub struct Moved {
    pub from: (FileId, Traversal),
    pub to: (FileId, Traversal),
    pub decl: DeclRange,
}

#[derive(Clone, Debug)]
pub struct Removed {
    pub from: (FileId, Traversal),
    pub destroy: bool,
    pub decl: DeclRange,
}

#[derive(Clone, Debug)]
pub struct Import {
    pub to: Ex,
    pub id: Ex,
    pub for_each: Option<Ex>,
    pub provider: Option<ProviderRef>,
    pub decl: DeclRange,
}

#[derive(Clone, Debug)]
pub struct Check {
    pub name: String,
    pub asserts: Vec<Condition>,
    /// A scoped data source, when the check block has one.
    pub data: Option<ResourceConfig>,
    pub decl: DeclRange,
}

/// One module directory, decoded.
#[derive(Clone, Debug, Default)]
pub struct Module {
    pub path: ModulePath,
    pub dir: PathBuf,
    pub files: Vec<FileId>,
    /// `required_version` constraints, and whether each is in a `terrane` block (checked
    /// against terrane's version) rather than a `terraform` block.
    pub required_version: Vec<(String, DeclRange, bool)>,
    pub required_providers: BTreeMap<String, RequiredProvider>,
    pub backend: Option<BackendConfig>,
    pub variables: BTreeMap<String, Variable>,
    pub locals: BTreeMap<String, Local>,
    pub outputs: BTreeMap<String, Output>,
    pub resources: BTreeMap<Resource, ResourceConfig>,
    pub module_calls: BTreeMap<String, ModuleCall>,
    pub providers: BTreeMap<ProviderRef, ProviderConfig>,
    pub moved: Vec<Moved>,
    pub removed: Vec<Removed>,
    pub imports: Vec<Import>,
    pub checks: Vec<Check>,
    pub functions: UserFunctions,
    /// The file each user-defined function is written in.
    pub function_files: BTreeMap<String, FileId>,
}

/// The whole configuration: the root module and every module it calls, by path.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub modules: BTreeMap<ModulePath, Module>,
}

impl Config {
    pub fn root(&self) -> &Module {
        &self.modules[&ModulePath::root()]
    }

    pub fn module(&self, path: &ModulePath) -> Option<&Module> {
        self.modules.get(path)
    }
}
