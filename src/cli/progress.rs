//! How apply shows its events: JSON lines, plain lines, or on a terminal
//! the same lines above a live bar of how many resources have settled.

use super::console::{self, outln};
use decom_executor::{Event, EventKind};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub enum Progress {
    Json,
    Lines,
    Live(ProgressBar),
}

impl Progress {
    /// `total`: resources in the plan. Live only on a terminal.
    pub fn new(json: bool, terminal: bool, total: usize) -> Progress {
        if json {
            return Progress::Json;
        }
        if !terminal {
            return Progress::Lines;
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stdout());
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed}] {pos}/{len} resources settled {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Progress::Live(bar)
    }

    pub fn event(&self, e: &Event) {
        match self {
            Progress::Json => {
                console::print_json(serde_json::to_value(e).unwrap_or_default(), false)
            }
            Progress::Lines => {
                if let Some(line) = e.line() {
                    outln!("{line}");
                }
            }
            Progress::Live(bar) => {
                if let Some(line) = e.line() {
                    bar.println(console::stdout_text(&line));
                }
                if settles(e.event) {
                    bar.inc(1);
                }
            }
        }
    }

    pub fn finish(&self) {
        if let Progress::Live(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// Whether the event is a resource's last.
fn settles(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::Deleted
            | EventKind::AlreadyGone
            | EventKind::Failed
            | EventKind::Skipped
            | EventKind::Interrupted
    )
}
