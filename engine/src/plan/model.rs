//! The plan: one model of what an apply will do, fed to every renderer (human, Markdown, JSON)
//! and carried out by the apply. Actions are a small closed enum.

use terrane_dsl::value::{Path, Value};

use crate::addrs::ResourceInstance;

/// What happens to one resource instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    NoOp,
    Create,
    /// A data source read during apply (its configuration depends on values not known yet).
    Read,
    Update,
    /// Replace: destroy the old object, then create the new one (the default).
    DeleteThenCreate,
    /// Replace with `create_before_destroy`: create the new object, then destroy the old.
    CreateThenDelete,
    Delete,
    /// Remove from the state without destroying (`removed` with `destroy = false`).
    Forget,
}

impl Action {
    pub fn is_replace(self) -> bool {
        matches!(self, Action::DeleteThenCreate | Action::CreateThenDelete)
    }

    /// Whether the action creates a new object.
    pub fn creates(self) -> bool {
        matches!(
            self,
            Action::Create | Action::DeleteThenCreate | Action::CreateThenDelete
        )
    }

    /// Whether the action destroys an object.
    pub fn deletes(self) -> bool {
        matches!(
            self,
            Action::Delete | Action::DeleteThenCreate | Action::CreateThenDelete
        )
    }
}

/// Why an action was chosen, when it is not obvious from the values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// An attribute that cannot change in place changed.
    ReplaceBecauseCannotUpdate,
    /// The object is tainted (a failed create, or `terrane taint`).
    ReplaceBecauseTainted,
    /// `-replace=ADDR`.
    ReplaceByRequest,
    /// `lifecycle { replace_triggered_by = [...] }`.
    ReplaceByTriggers,
    /// The instance is no longer in the configuration.
    DeleteBecauseNoResourceConfig,
    /// Its `count` no longer includes its index.
    DeleteBecauseCountIndex,
    /// Its `for_each` no longer includes its key.
    DeleteBecauseEachKey,
    /// Its module instance is no longer in the configuration.
    DeleteBecauseNoModule,
    /// A data source read at apply time because its configuration is not known yet.
    ReadBecauseConfigUnknown,
    /// A data source read at apply time because it depends on pending changes.
    ReadBecauseDependencyPending,
}

/// The planned change of one resource instance (or of a deposed object).
#[derive(Clone, Debug)]
pub struct ResourceChange {
    pub addr: ResourceInstance,
    /// `moved` from this address.
    pub prev_addr: Option<ResourceInstance>,
    pub deposed: Option<String>,
    pub action: Action,
    pub reason: Option<Reason>,
    /// The provider configuration (`provider["registry.terraform.io/hashicorp/aws"]`).
    pub provider: String,
    pub before: Option<Value>,
    /// After apply, with unknowns for what only the apply tells.
    pub after: Option<Value>,
    /// Attributes that force the replacement.
    pub replace_paths: Vec<Path>,
    /// Being imported by an `import` block, with this id.
    pub importing: Option<String>,
    /// `before` is the object of an interrupted create, found by its intent's token and not in
    /// the state yet: the apply records it first.
    pub adopted: bool,
}

/// The planned change of a root output.
#[derive(Clone, Debug)]
pub struct OutputChange {
    pub name: String,
    pub action: Action,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub sensitive: bool,
}

/// An attribute of a resource instance that a planned change refers to.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceAttr {
    /// The instance address (`module.m.aws_instance.web[0]`).
    pub resource: String,
    /// The attribute path (its first step: an attribute name).
    pub attr: Path,
}

/// Something the plan could not plan yet (`count`/`for_each` known only after apply).
#[derive(Clone, Debug)]
pub struct Deferred {
    pub address: String,
    pub reason: String,
}

/// A whole plan.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub changes: Vec<ResourceChange>,
    pub outputs: Vec<OutputChange>,
    pub deferred: Vec<Deferred>,
    /// Objects refresh found changed (`Update`) or gone (`Delete`) outside terrane: `before`
    /// is the object as the state recorded it, `after` as the provider read it.
    pub drift: Vec<ResourceChange>,
    /// The resource attributes that the planned changes (of resources and outputs) refer to,
    /// directly or through locals, variables and module calls: the drift worth showing.
    pub relevant_attributes: Vec<ResourceAttr>,
    /// A destroy plan (`-destroy`, `terrane destroy`).
    pub destroy: bool,
    /// A refresh-only plan (`-refresh-only`): no resource changes; applying it records the
    /// refreshed objects and the outputs in the state.
    pub refresh_only: bool,
    /// The nested-block shape of each resource type in the plan that has nested blocks, by
    /// [`super::shape::shape_key`].
    pub shapes: std::collections::BTreeMap<String, super::shape::BlockShape>,
    /// The state this plan was made against: a saved plan is refused if it changed.
    pub prior_lineage: String,
    pub prior_serial: u64,
    /// Pending intents (by address) of interrupted creates whose object the provider did not
    /// find and that no change settles: the apply clears them.
    pub cleared_intents: Vec<String>,
    /// The data source instances read while planning, by instance address, with their
    /// values: the apply uses them as they are (as Terraform does) and reads only the data
    /// sources the plan could not (`Action::Read` changes).
    pub data_reads: std::collections::BTreeMap<String, terrane_dsl::value::Value>,
}

impl Plan {
    /// Whether applying it would change anything (resources or outputs; for a refresh-only
    /// plan, drift too).
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.action != Action::NoOp)
            || self.outputs.iter().any(|o| o.action != Action::NoOp)
            || (self.refresh_only && !self.drift.is_empty())
    }

    /// The drift entry of `c`'s object, when refresh found it changed or gone.
    pub fn drift_of(&self, c: &ResourceChange) -> Option<&ResourceChange> {
        if c.deposed.is_some() {
            return None;
        }
        self.drift
            .iter()
            .find(|d| d.addr == c.addr && d.action != Action::NoOp)
    }

    /// Counts for the summary line: (add, change, destroy).
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut add = 0;
        let mut change = 0;
        let mut destroy = 0;
        for c in &self.changes {
            match c.action {
                Action::Create => add += 1,
                Action::Update => change += 1,
                Action::Delete => destroy += 1,
                Action::DeleteThenCreate | Action::CreateThenDelete => {
                    add += 1;
                    destroy += 1;
                }
                _ => {}
            }
        }
        (add, change, destroy)
    }
}
