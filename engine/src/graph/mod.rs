//! The dependency graph: one node per variable, local, output, resource (managed or data) and
//! module call of every module of the configuration, with an edge from each node to what its
//! expressions refer to and what its `depends_on` names. Instances (`count`, `for_each`, module
//! instances) are expanded when the walk reaches a node, because their keys are values.
//!
//! Building the graph also checks references: a reference to something undeclared is an error
//! at its span, with a "did you mean" suggestion; a cycle is an error naming every member.

pub mod build;
mod refs;

pub use build::build;
pub use refs::{resolve, Target};

use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::HashMap;

use crate::addrs::{ModulePath, Resource};
use crate::config::ProviderRef;

/// What a node stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    Variable(ModulePath, String),
    Local(ModulePath, String),
    Output(ModulePath, String),
    Resource(ModulePath, Resource),
    /// The expansion of a module call (`count`/`for_each`), in the calling module.
    ModuleCall(ModulePath, String),
    /// A provider configuration (declared by a `provider` block, or implied), in the module
    /// that declares it.
    Provider(ModulePath, ProviderRef),
}

impl Node {
    pub fn module(&self) -> &ModulePath {
        match self {
            Node::Variable(m, _)
            | Node::Local(m, _)
            | Node::Output(m, _)
            | Node::Resource(m, _)
            | Node::ModuleCall(m, _)
            | Node::Provider(m, _) => m,
        }
    }
}

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = self.module();
        if !m.is_root() {
            write!(f, "{m}.")?;
        }
        match self {
            Node::Variable(_, n) => write!(f, "var.{n}"),
            Node::Local(_, n) => write!(f, "local.{n}"),
            Node::Output(_, n) => write!(f, "output.{n}"),
            Node::Resource(_, r) => write!(f, "{r}"),
            Node::ModuleCall(_, n) => write!(f, "module.{n}"),
            Node::Provider(_, p) => write!(f, "provider.{p}"),
        }
    }
}

/// The graph: edges point from a node to the nodes it depends on.
#[derive(Debug, Default)]
pub struct Graph {
    pub graph: DiGraph<Node, ()>,
    pub index: HashMap<Node, NodeIndex>,
}

impl Graph {
    pub fn add(&mut self, node: Node) -> NodeIndex {
        if let Some(i) = self.index.get(&node) {
            return *i;
        }
        let i = self.graph.add_node(node.clone());
        self.index.insert(node, i);
        i
    }

    pub fn depend(&mut self, from: &Node, on: &Node) {
        if let (Some(a), Some(b)) = (self.index.get(from), self.index.get(on)) {
            if a != b && self.graph.find_edge(*a, *b).is_none() {
                self.graph.add_edge(*a, *b, ());
            }
        }
    }

    /// The nodes `node` depends on directly.
    pub fn dependencies(&self, node: &Node) -> Vec<&Node> {
        self.index
            .get(node)
            .map(|i| self.graph.neighbors(*i).map(|n| &self.graph[n]).collect())
            .unwrap_or_default()
    }

    /// DOT text for `terrane graph`.
    pub fn to_dot(&self) -> String {
        let mut lines: Vec<String> = Vec::new();
        for e in self.graph.raw_edges() {
            lines.push(format!(
                "  \"{}\" -> \"{}\"",
                self.graph[e.source()],
                self.graph[e.target()]
            ));
        }
        lines.sort();
        let mut nodes: Vec<String> = self
            .graph
            .node_indices()
            .map(|i| format!("  \"{}\"", self.graph[i]))
            .collect();
        nodes.sort();
        format!(
            "digraph {{\n  compound = \"true\"\n  newrank = \"true\"\n{}\n{}\n}}\n",
            nodes.join("\n"),
            lines.join("\n")
        )
    }
}
