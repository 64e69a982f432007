//! Apply progress for people, as Terraform prints it (`terraform_data.x: Creating...`,
//! `... Creation complete after 0s [id=...]`, `terraform_data.x (local-exec): output`): one plain
//! line per event when the output is piped; on a terminal the same lines scroll above a live
//! status line (indicatif) counting what is in progress and what is done.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};

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

fn line(e: &Event) -> String {
    match e {
        Event::Started { address, verb } => format!("{address}: {verb}..."),
        Event::Finished {
            address,
            verb,
            elapsed,
            id,
        } => {
            let id = id
                .as_ref()
                .map(|i| format!(" [id={i}]"))
                .unwrap_or_default();
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
    }
}

/// A progress display; `finish` clears the live line.
pub struct Progress {
    pub sink: EventSink,
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The display for this run: live on a terminal (unless `plain`), plain lines otherwise.
pub fn start(plain: bool) -> Progress {
    if plain || !std::io::stdout().is_terminal() {
        return Progress {
            sink: Arc::new(|e: Event| {
                let _ = writeln!(std::io::stdout().lock(), "{}", line(&e));
            }),
            bar: None,
        };
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let running = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let b = bar.clone();
    let sink: EventSink = Arc::new(move |e: Event| {
        match &e {
            Event::Started { .. } => {
                running.fetch_add(1, Ordering::Relaxed);
            }
            Event::Finished { .. } => {
                running.fetch_sub(1, Ordering::Relaxed);
                done.fetch_add(1, Ordering::Relaxed);
            }
            Event::Output { .. } => {}
        }
        b.println(line(&e));
        b.set_message(format!(
            "{} in progress, {} done",
            running.load(Ordering::Relaxed),
            done.load(Ordering::Relaxed)
        ));
    });
    Progress {
        sink,
        bar: Some(bar),
    }
}

/// The `-json` stream's progress: one hook message a line (`apply_start`, `apply_complete`,
/// `provision_progress`).
pub fn json_sink() -> EventSink {
    Arc::new(|e: Event| {
        let ts = crate::clock::rfc3339_micros_now();
        let _ = writeln!(
            std::io::stdout().lock(),
            "{}",
            crate::render::json_hooks::event(&e, &ts)
        );
    })
}
