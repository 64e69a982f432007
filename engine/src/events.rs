//! Progress events of an apply (a resource starts or finishes, a provisioner prints a line),
//! sent to a sink the CLI provides. The engine never prints; the CLI decides how events look
//! (a line per event when piped).

use std::sync::Arc;
use std::time::Duration;

/// One thing that happened during an apply.
#[derive(Clone, Debug)]
pub enum Event {
    /// A provider call started: `Creating...`, `Modifying...`, `Destroying...`, `Reading...`.
    Started { address: String, verb: &'static str },
    /// A provider call finished.
    Finished {
        address: String,
        verb: &'static str,
        elapsed: Duration,
        id: Option<String>,
    },
    /// A line a provisioner printed.
    Output {
        address: String,
        provisioner: String,
        line: String,
    },
}

/// Where events go.
pub type EventSink = Arc<dyn Fn(Event) + Send + Sync>;
