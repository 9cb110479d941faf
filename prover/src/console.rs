//! What commands tell people while they work, on standard error: each step behind a spinner
//! with its duration, and warnings.

use crate::Error;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;

/// Runs `work` behind a spinner; prints the step's name and duration when done.
pub fn step<T>(name: &str, work: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("template"));
    bar.set_message(name.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let start = Instant::now();
    let result = work();
    bar.finish_and_clear();
    let mark = if result.is_ok() { "done" } else { "failed" };
    eprintln!("{name:<28} {mark} in {:.2} s", start.elapsed().as_secs_f64());
    result
}

/// Prints a warning.
pub fn warn(message: impl std::fmt::Display) {
    eprintln!("warning: {message}");
}

/// Prints a note about progress or a result that is not the command's output.
pub fn note(message: impl std::fmt::Display) {
    eprintln!("{message}");
}

/// "1 public lane", "2 public lanes".
pub fn lanes_text(lanes: usize) -> String {
    format!("{lanes} public lane{}", if lanes == 1 { "" } else { "s" })
}
