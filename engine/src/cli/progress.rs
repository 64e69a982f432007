//! Apply progress for people: one plain line per event, as Terraform prints them
//! (`terraform_data.x: Creating...`, `... Creation complete after 0s [id=...]`,
//! `terraform_data.x (local-exec): output`).

use std::io::Write;
use std::sync::Arc;

use crate::events::{Event, EventSink};

fn done_word(verb: &str) -> &'static str {
    match verb {
        "Creating" => "Creation complete",
        "Modifying" => "Modifications complete",
        "Destroying" => "Destruction complete",
        "Reading" => "Read complete",
        _ => "Complete",
    }
}

/// The sink that prints events on standard output.
pub fn sink() -> EventSink {
    Arc::new(|e: Event| {
        let line = match e {
            Event::Started { address, verb } => format!("{address}: {verb}..."),
            Event::Finished {
                address,
                verb,
                elapsed,
                id,
            } => {
                let id = id.map(|i| format!(" [id={i}]")).unwrap_or_default();
                format!(
                    "{address}: {} after {}s{id}",
                    done_word(verb),
                    elapsed.as_secs()
                )
            }
            Event::Output {
                address,
                provisioner,
                line,
            } => format!("{address} ({provisioner}): {line}"),
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
    })
}
