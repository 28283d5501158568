//! What a `tracing` subscriber writes while a closure runs: for tests that read the log lines a
//! call leaves behind.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything logged up to `level` while `run` runs; at TRACE, spans' opening and closing too.
pub(crate) fn logs_of(level: tracing::Level, run: impl FnOnce()) -> String {
    let captured = Captured::default();
    let writer = captured.clone();
    let span_events = if level == tracing::Level::TRACE {
        tracing_subscriber::fmt::format::FmtSpan::FULL
    } else {
        tracing_subscriber::fmt::format::FmtSpan::NONE
    };
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_span_events(span_events)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, run);
    String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
}
