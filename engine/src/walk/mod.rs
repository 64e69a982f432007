//! The graph walk: visits every node once all it depends on is done, in parallel where the
//! graph allows. Variables, locals, outputs, providers and module calls are evaluated in the
//! walk's own task; each resource instance becomes a job (refresh, plan, apply: see [`job`])
//! run on the tokio runtime with at most `parallelism` provider calls at once. The walk's task
//! owns the computed [`values::Values`] and the state's change set, so jobs never share
//! mutable data: they send their outcome back and the walk records it.
//!
//! A node whose dependency failed is skipped (and so are its dependents); independent branches
//! go on. Every error is collected with its file and span.

pub mod body;
mod drift;
pub mod eval;
mod imports;
mod intents;
pub mod job;
pub(crate) mod nodes;
mod outcome;
pub mod provision;
mod recorded;
pub mod resource;
pub mod scope;
pub mod timeouts;
pub mod values;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use petgraph::graph::NodeIndex;
use petgraph::Direction;
use terrane_provider::{Host, Provider};
use terrane_state::{ChangeSet, Snapshot};

use crate::config::Config;
use crate::graph::{Graph, Node};
use crate::inputs::InputValue;
use crate::plan::model::{Deferred, Plan, ResourceChange};
use crate::source::{Diag, Diags};
use eval::Evaluator;
use scope::RunInfo;
use values::Values;

/// What a walk is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// `validate`: variables unknown, no provider calls beyond validation, no state.
    Validate,
    /// `plan`: refresh and plan every instance; nothing changes.
    Plan,
    /// `apply`: carry out a plan, recording each result in the state as it comes.
    Apply,
    /// `console`: evaluate against the state as it is: recorded values, no provider calls
    /// beyond configuring providers.
    Eval,
    /// Before destroys: evaluate as `Eval` does and configure every provider configuration
    /// (the walk's output hands them over), so that destroying an object the configuration no
    /// longer has uses the provider block's settings.
    Providers,
}

/// Options of a plan or apply walk.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    pub phase: Phase,
    pub refresh: bool,
    pub parallelism: usize,
    /// `-replace=ADDR` addresses.
    pub replace: Vec<String>,
    /// `-target=ADDR`: only these (resources, instances or modules) and what they depend on.
    pub targets: Vec<String>,
    /// `-refresh-only`: refresh every object, plan no change; references see the refreshed
    /// objects.
    pub refresh_only: bool,
    /// The refresh walk of a destroy plan (with `refresh_only`): the objects of pending
    /// intents that the provider finds are adopted and planned for destruction.
    pub destroy: bool,
}

/// The nodes a targeted walk visits: the targets and everything they depend on (all nodes
/// when there are no targets).
fn targeted_nodes(graph: &Graph, targets: &[String]) -> Option<HashSet<NodeIndex>> {
    if targets.is_empty() {
        return None;
    }
    let g = &graph.graph;
    let mut stack: Vec<NodeIndex> = g
        .node_indices()
        .filter(|i| {
            let name = match &g[*i] {
                Node::Resource(path, r) => {
                    if path.is_root() {
                        r.to_string()
                    } else {
                        format!("{path}.{r}")
                    }
                }
                Node::ModuleCall(path, n) => {
                    if path.is_root() {
                        format!("module.{n}")
                    } else {
                        format!("{path}.module.{n}")
                    }
                }
                _ => return false,
            };
            targets.iter().any(|t| {
                let base = t.split('[').next().unwrap_or(t);
                crate::plan::moves::within(&name, base).is_some()
                    || crate::plan::moves::within(base, &name).is_some()
            })
        })
        .collect();
    // Everything inside a targeted module counts too.
    let modules: Vec<crate::addrs::ModulePath> = stack
        .iter()
        .filter_map(|i| match &g[*i] {
            Node::ModuleCall(p, n) => Some(p.child(n)),
            _ => None,
        })
        .collect();
    stack.extend(g.node_indices().filter(|i| {
        let m = g[*i].module();
        modules.iter().any(|t| m.0.starts_with(&t.0))
    }));
    let mut seen = HashSet::new();
    while let Some(i) = stack.pop() {
        if seen.insert(i) {
            stack.extend(g.neighbors_directed(i, Direction::Outgoing));
        }
    }
    Some(seen)
}

/// Everything a walk reads.
pub struct WalkInput<'a> {
    pub config: &'a Config,
    pub graph: &'a Graph,
    pub inputs: &'a BTreeMap<String, InputValue>,
    pub run: RunInfo,
    pub evaluator: Evaluator,
    pub prior: &'a Snapshot,
    /// The plan being applied (apply only).
    pub plan: Option<&'a Plan>,
    pub options: WalkOptions,
    pub host: Arc<dyn Host>,
    /// Where apply progress goes (the CLI prints it); `None` for none.
    pub events: Option<crate::events::EventSink>,
}

/// What a walk produced.
#[derive(Default)]
pub struct WalkOutput {
    pub values: Values,
    pub changes: Vec<ResourceChange>,
    pub deferred: Vec<Deferred>,
    /// What refresh found changed or gone outside terrane (plan phase).
    pub drift: Vec<ResourceChange>,
    /// The nested-block shapes of the resource types planned that have nested blocks.
    pub shapes: BTreeMap<String, crate::plan::shape::BlockShape>,
    pub diags: Diags,
    /// Root outputs: value and whether the output is sensitive.
    pub outputs: BTreeMap<String, (terrane_dsl::value::Value, bool)>,
    /// Pending intents (by address) whose object the provider did not find (plan phase).
    pub cleared_intents: Vec<String>,
    /// Data source instances read (plan phase), by instance address: see [`Plan::data_reads`].
    pub data_reads: BTreeMap<String, terrane_dsl::value::Value>,
    /// The configured providers, by provider node (`Phase::Providers` only).
    pub providers: HashMap<Node, Arc<dyn Provider>>,
}

/// The walk's mutable state.
pub(crate) struct Walker<'a, 'w> {
    pub input: &'w WalkInput<'a>,
    pub values: Values,
    pub out: WalkOutput,
    /// Configured provider instances, by provider node.
    pub providers: HashMap<Node, Arc<dyn Provider>>,
    pub failed: HashSet<NodeIndex>,
    /// Resources whose provider is not available (validation goes on past them).
    pub unavailable: HashSet<NodeIndex>,
    /// Ctrl-C was pressed: no new work starts.
    pub stopping: bool,
    /// Jobs waiting for a slot, and how many are running.
    pub queue: std::collections::VecDeque<job::Job>,
    pub in_flight: usize,
    pub state: Option<&'w mut dyn ChangeSet>,
    pub prior_by_addr: HashMap<String, usize>,
    /// Prior records by resource (`AbsResource` string), for finding orphaned instances.
    pub prior_by_resource: HashMap<String, Vec<usize>>,
    /// At apply: the plan's action for each instance address.
    pub planned_actions: HashMap<String, crate::plan::model::Action>,
    /// At apply: the plan's drift entry (its index) for each instance address that drifted.
    pub drifted: HashMap<String, usize>,
}

/// Outcome of visiting a node.
pub(crate) enum Visit {
    Done,
    Failed,
    /// Jobs were started; the node is done when they all report back.
    Pending,
}

/// Runs the walk.
pub fn walk<'a, 'w>(input: &'w WalkInput<'a>, state: Option<&'w mut dyn ChangeSet>) -> WalkOutput {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let mut out = WalkOutput::default();
            out.diags.0.push(Diag::bare(terrane_dsl::Diagnostic::error(
                "Cannot start the runtime",
                format!("terrane could not start its task runtime: {e}."),
                terrane_dsl::syntax::Span::empty(0),
            )));
            return out;
        }
    };
    let prior_by_addr = input
        .prior
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.deposed.is_none())
        .map(|(i, r)| (r.address.clone(), i))
        .collect();
    let mut prior_by_resource: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in input.prior.resources.iter().enumerate() {
        prior_by_resource
            .entry(crate::apply::order::resource_part(&r.address).to_string())
            .or_default()
            .push(i);
    }
    let planned_actions = input
        .plan
        .map(|p| {
            p.changes
                .iter()
                .filter(|c| c.deposed.is_none())
                .map(|c| (c.addr.to_string(), c.action))
                .collect()
        })
        .unwrap_or_default();
    let drifted = input.plan.map(drift::index).unwrap_or_default();
    let mut w = Walker {
        input,
        values: Values::default(),
        out: WalkOutput::default(),
        providers: HashMap::new(),
        failed: HashSet::new(),
        unavailable: HashSet::new(),
        stopping: false,
        queue: std::collections::VecDeque::new(),
        in_flight: 0,
        state,
        prior_by_addr,
        prior_by_resource,
        planned_actions,
        drifted,
    };
    rt.block_on(async {
        w.run().await;
        w.settle_orphan_intents().await;
    });
    if matches!(input.options.phase, Phase::Plan | Phase::Apply) && !w.out.diags.has_errors() {
        w.run_checks();
    }
    w.out.values = std::mem::take(&mut w.values);
    if input.options.phase == Phase::Providers {
        w.out.providers = std::mem::take(&mut w.providers);
    }
    w.out
}

impl<'a, 'w> Walker<'a, 'w> {
    async fn run(&mut self) {
        let g = &self.input.graph.graph;
        let mut remaining: HashMap<NodeIndex, usize> = g
            .node_indices()
            .map(|i| (i, g.neighbors_directed(i, Direction::Outgoing).count()))
            .collect();
        let mut ready: Vec<NodeIndex> = remaining
            .iter()
            .filter(|(_, n)| **n == 0)
            .map(|(i, _)| *i)
            .collect();
        ready.sort_by(|a, b| g[*b].cmp(&g[*a]));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<job::Outcome>();
        let semaphore = Arc::new(tokio::sync::Semaphore::new(
            self.input.options.parallelism.max(1),
        ));
        let mut pending: HashMap<NodeIndex, resource::PendingNode> = HashMap::new();
        let mut done = 0usize;
        let total = g.node_count();
        let targeted = targeted_nodes(self.input.graph, &self.input.options.targets);
        while done < total {
            while let Some(n) = ready.pop() {
                let dep_failed = g
                    .neighbors_directed(n, Direction::Outgoing)
                    .any(|d| self.failed.contains(&d));
                let visit = if targeted.as_ref().is_some_and(|t| !t.contains(&n)) {
                    Visit::Done
                } else if dep_failed || self.stopping {
                    Visit::Failed
                } else {
                    self.visit(n, &tx, &semaphore, &mut pending)
                };
                match visit {
                    Visit::Pending => {}
                    Visit::Done | Visit::Failed => {
                        if matches!(visit, Visit::Failed) {
                            self.failed.insert(n);
                        }
                        done += 1;
                        for d in g.neighbors_directed(n, Direction::Incoming) {
                            if let Some(r) = remaining.get_mut(&d) {
                                *r -= 1;
                                if *r == 0 {
                                    ready.push(d);
                                }
                            }
                        }
                    }
                }
            }
            if done >= total {
                break;
            }
            // Start queued jobs while there is room.
            let limit = self.input.options.parallelism.max(1);
            if self.stopping {
                // Interrupted: queued jobs do not start; they report back as skipped.
                while let Some(job) = self.queue.pop_front() {
                    self.in_flight += 1;
                    let _ = tx.send(job.skipped());
                }
            }
            while self.in_flight < limit {
                let Some(job) = self.queue.pop_front() else {
                    break;
                };
                self.in_flight += 1;
                let tx = tx.clone();
                tokio::spawn(async move {
                    let o = job.run().await;
                    let _ = tx.send(o);
                });
            }
            let outcome = if self.stopping || self.input.options.phase == Phase::Validate {
                rx.recv().await
            } else {
                tokio::select! {
                    o = rx.recv() => o,
                    _ = tokio::signal::ctrl_c() => {
                        // Ctrl-C: start nothing new, let the calls in flight finish and be
                        // recorded, then stop.
                        self.stopping = true;
                        self.error(Diag::bare(terrane_dsl::Diagnostic::error(
                            "Operation interrupted",
                            "terrane was interrupted: the operations in progress were allowed to finish and were recorded in the state; nothing else was started.",
                            terrane_dsl::syntax::Span::empty(0),
                        )));
                        continue;
                    }
                }
            };
            let Some(outcome) = outcome else {
                break;
            };
            self.in_flight = self.in_flight.saturating_sub(1);
            let n = outcome.node;
            if let Some(finished) = self.record_outcome(outcome, &mut pending) {
                if !finished {
                    self.failed.insert(n);
                }
                done += 1;
                for d in g.neighbors_directed(n, Direction::Incoming) {
                    if let Some(r) = remaining.get_mut(&d) {
                        *r -= 1;
                        if *r == 0 {
                            ready.push(d);
                        }
                    }
                }
            }
        }
    }

    /// `check` blocks: each failed assertion is a warning, never an error.
    fn run_checks(&mut self) {
        for (path, module) in &self.input.config.modules {
            for check in &module.checks {
                for inst in self.values.module_instances(path) {
                    let before = self.out.diags.0.len();
                    // As Terraform: each failed assertion is reported at its condition.
                    for a in &check.asserts {
                        self.check_conditions(
                            std::slice::from_ref(a),
                            module,
                            &inst,
                            &values::Repetition::default(),
                            None,
                            "Check block assertion failed",
                            (Some(a.condition.file), a.condition.span()),
                        );
                    }
                    for d in &mut self.out.diags.0[before..] {
                        d.diag.severity = terrane_dsl::Severity::Warning;
                    }
                }
            }
        }
    }

    fn visit(
        &mut self,
        n: NodeIndex,
        tx: &tokio::sync::mpsc::UnboundedSender<job::Outcome>,
        semaphore: &Arc<tokio::sync::Semaphore>,
        pending: &mut HashMap<NodeIndex, resource::PendingNode>,
    ) -> Visit {
        let node = self.input.graph.graph[n].clone();
        match &node {
            Node::Variable(path, name) => self.visit_variable(path, name),
            Node::Local(path, name) => self.visit_local(path, name),
            Node::Output(path, name) => self.visit_output(path, name),
            Node::ModuleCall(path, name) => self.visit_module_call(path, name),
            Node::Provider(path, pref) => self.visit_provider(&node, path, pref),
            Node::Resource(path, r) => self.visit_resource(n, path, r, tx, semaphore, pending),
        }
    }

    pub(crate) fn error(&mut self, diag: Diag) {
        self.out.diags.0.push(diag);
    }
}

pub use intents::adopted_dependencies;
pub use recorded::{recorded_provider, Recorded};
pub use resource::restore_marks;

/// Whether the walk's values include `addr` (an instance the configuration still has).
pub fn resource_values_cover(values: &Values, addr: &crate::addrs::ResourceInstance) -> bool {
    values
        .resources
        .get(&(addr.module.clone(), addr.resource.clone()))
        .is_some_and(|r| {
            r.expansion == values::Expansion::Unknown || r.instances.contains_key(&addr.key)
        })
}
