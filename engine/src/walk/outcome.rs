//! Recording a resource job's outcome: the state write (at apply, before its progress event is
//! reported), the plan's changes, drift and data source reads, postconditions, and the
//! instance's value for references; a node's values once all its jobs are in.

use std::collections::HashMap;

use petgraph::graph::NodeIndex;
use terrane_dsl::Diagnostic;

use super::job::Outcome;
use super::resource::PendingNode;
use super::values::ResourceValues;
use super::Walker;
use crate::source::Diag;

impl<'a, 'w> Walker<'a, 'w> {
    /// Records a job's outcome; `Some(ok)` when its node is complete.
    pub(crate) fn record_outcome(
        &mut self,
        o: Outcome,
        pending: &mut HashMap<NodeIndex, PendingNode>,
    ) -> Option<bool> {
        let node = pending.get_mut(&o.node)?;
        node.remaining -= 1;
        let file = node.file;
        let decl = node.decl;
        if !o.ok {
            node.ok = false;
        }
        for mut d in o.diags {
            if d.span.is_empty() && d.span.start == 0 {
                d.span = decl;
            }
            self.out.diags.0.push(Diag::at(file, d));
        }
        let addr = node.resource.clone();
        if let Some(state) = self.state.as_deref_mut() {
            let address = crate::addrs::AbsResource {
                module: o.module.clone(),
                resource: addr.clone(),
            }
            .instance(o.key.clone())
            .to_string();
            let res = if let Some(rec) = &o.record {
                state.put_resource(rec)
            } else if o.removed {
                state.remove_resource(&address, None)
            } else if !o.ok && !o.keep_intent {
                state.clear_intent(&address)
            } else {
                Ok(())
            };
            if let Err(e) = res {
                self.out.diags.0.push(Diag::at(
                    file,
                    Diagnostic::error(
                        "Failed to write the state",
                        format!("Recording {address}: {e}."),
                        decl,
                    ),
                ));
                node.ok = false;
            } else if let (Some(ev), Some(sink)) = (o.finished, &self.input.events) {
                // Reported only once recorded: what a user saw complete survives a crash.
                sink(ev);
            }
        }
        if o.intent_gone {
            let address = crate::addrs::AbsResource {
                module: o.module.clone(),
                resource: node.resource.clone(),
            }
            .instance(o.key.clone())
            .to_string();
            self.out.cleared_intents.push(address);
        }
        if o.data_read {
            let (module, resource) = (o.module.clone(), node.resource.clone());
            let abs = crate::addrs::AbsResource { module, resource };
            let address = abs.instance(o.key.clone()).to_string();
            self.out.data_reads.insert(address, o.value.clone());
        }
        if let Some(c) = o.change {
            self.out.changes.push(c);
        }
        if let Some(d) = o.drift {
            self.out.drift.push(d);
        }
        let path = node.path.clone();
        let resource = node.resource.clone();
        let rep = node
            .instances
            .get(&o.module)
            .map(|(exp, _)| exp.repetition(&o.key))
            .unwrap_or_default();
        let module = self.module(&path);
        if let Some(rc) = module.resources.get(&resource) {
            if o.ok && !rc.lifecycle.postconditions.is_empty() && o.value.is_wholly_known() {
                let passed = self.check_conditions(
                    &rc.lifecycle.postconditions,
                    module,
                    &o.module,
                    &rep,
                    Some(&o.value),
                    "Resource postcondition failed",
                    (Some(rc.file), rc.decl.span),
                );
                if !passed {
                    if let Some(n) = pending.get_mut(&o.node) {
                        n.ok = false;
                    }
                }
            }
        }
        let node = pending.get_mut(&o.node)?;
        if let Some((_, vals)) = node.instances.get_mut(&o.module) {
            vals.insert(o.key, o.value);
        }
        if node.remaining > 0 {
            return None;
        }
        let node = pending.remove(&o.node)?;
        let ok = node.ok;
        self.finish_resource(node);
        Some(ok)
    }

    pub(super) fn finish_resource(&mut self, node: PendingNode) {
        for (inst, (expansion, mut instances)) in node.instances {
            instances.shrink_to_fit();
            self.values.resources.insert(
                (inst, node.resource.clone()),
                ResourceValues {
                    expansion,
                    instances,
                },
            );
        }
    }
}
