//! Where the bridge's log lines go on Android (feature `logcat`): `tracing` events, panic
//! reports and Kotlin listener failures, which Android otherwise discards with stderr.
//!
//! What decides (the priority of a level, the text of an event or a panic, the order of the
//! panic hook) is here, built and tested on every platform; the one Android-only part is the
//! sink that hands a finished line to `__android_log_write` (crate `android_log-sys`). On other
//! targets [`install`] does nothing: desktop builds keep stderr.
//!
//! Only the bridge's own text is logged: `tcmpp-core`'s events never carry what a mini program
//! sent, and a listener failure is the JVM's message about the listener.

use std::fmt::{self, Write as _};
use std::panic::PanicHookInfo;
use std::sync::OnceLock;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// The tag every line is written under: `adb logcat -s tcmpp`.
pub const TAG: &str = "tcmpp";

/// A line's priority, numbered as Android's `android/log.h` numbers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// `ANDROID_LOG_VERBOSE`.
    Verbose = 2,
    /// `ANDROID_LOG_DEBUG`.
    Debug = 3,
    /// `ANDROID_LOG_INFO`.
    Info = 4,
    /// `ANDROID_LOG_WARN`.
    Warn = 5,
    /// `ANDROID_LOG_ERROR`.
    Error = 6,
}

impl Priority {
    /// The priority a `tracing` level is logged at: `TRACE` is verbose, the others by name.
    pub fn of(level: &Level) -> Self {
        match *level {
            Level::TRACE => Priority::Verbose,
            Level::DEBUG => Priority::Debug,
            Level::INFO => Priority::Info,
            Level::WARN => Priority::Warn,
            Level::ERROR => Priority::Error,
        }
    }
}

/// Where finished lines go: logcat on Android, whatever a test collects elsewhere.
pub trait LogSink: Send + Sync + 'static {
    /// Writes one line under [`TAG`].
    fn write(&self, priority: Priority, line: &str);
}

/// A `tracing` layer that writes each event as one line to a [`LogSink`].
#[derive(Debug)]
pub struct LogcatLayer<S> {
    sink: S,
}

impl<S: LogSink> LogcatLayer<S> {
    /// Events to `sink`.
    pub fn new(sink: S) -> Self {
        LogcatLayer { sink }
    }
}

impl<S: LogSink, C: Subscriber + for<'a> LookupSpan<'a>> Layer<C> for LogcatLayer<S> {
    fn on_new_span(&self, attributes: &Attributes<'_>, id: &Id, cx: Context<'_, C>) {
        if let Some(span) = cx.span(id) {
            let mut fields = Fields::default();
            attributes.record(&mut fields);
            span.extensions_mut().insert(SpanFields(fields.rest));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, cx: Context<'_, C>) {
        if let Some(span) = cx.span(id) {
            let mut fields = Fields::default();
            values.record(&mut fields);
            if let Some(known) = span.extensions_mut().get_mut::<SpanFields>() {
                known.0.push_str(&fields.rest);
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, cx: Context<'_, C>) {
        // The spans the event is in, outermost first: a call's `mini_api{api=…}` says which
        // call the line is about.
        let mut spans = String::new();
        if let Some(scope) = cx.event_scope(event) {
            for span in scope.from_root() {
                spans.push_str(span.name());
                if let Some(fields) = span.extensions().get::<SpanFields>() {
                    let _ = write!(spans, "{{{}}}", fields.0.trim_start());
                }
                spans.push_str(": ");
            }
        }
        self.sink.write(
            Priority::of(event.metadata().level()),
            &event_line(&spans, event),
        );
    }
}

/// A span's fields, as ` key=value` pairs, kept for the lines of the events inside it.
struct SpanFields(String);

/// An event as one line: `target: spans message key=value …`, the message first whatever the
/// order its fields were written in; `spans` is `name{fields}: ` per enclosing span, or empty.
pub fn event_line(spans: &str, event: &Event<'_>) -> String {
    let mut fields = Fields::default();
    event.record(&mut fields);
    let mut line = String::with_capacity(64);
    line.push_str(event.metadata().target());
    line.push_str(": ");
    line.push_str(spans);
    line.push_str(&fields.message);
    line.push_str(&fields.rest);
    line
}

/// An event's fields: the message, and the others as ` key=value`.
#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.rest, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        }
    }
}

/// A panic as one line: `panicked at src/lib.rs:7:5: the message`.
pub fn panic_line(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(a panic payload that is not text)");
    match info.location() {
        Some(at) => format!(
            "panicked at {}:{}:{}: {message}",
            at.file(),
            at.line(),
            at.column()
        ),
        None => format!("panicked: {message}"),
    }
}

/// Chains a panic hook that writes each panic to `sink`, at [`Priority::Error`], before the hook
/// that was there (the standard one prints to stderr and honours `RUST_BACKTRACE`). Handler
/// panics are still caught and answered as fail replies: the hook only reports them.
pub fn install_panic_hook(sink: impl LogSink) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        sink.write(Priority::Error, &panic_line(info));
        previous(info);
    }));
}

/// The sink [`report`] writes to, once [`install`] has chosen it.
static SINK: OnceLock<Box<dyn LogSink>> = OnceLock::new();

/// Writes a line of the bridge's own (a Kotlin listener that failed) where the bridge logs: the
/// installed sink, else stderr.
pub(crate) fn report(priority: Priority, line: &str) {
    match SINK.get() {
        Some(sink) => sink.write(priority, line),
        None => eprintln!("{TAG}: {line}"),
    }
}

/// Sends `tracing` events (when the app has set no subscriber of its own), panic reports and
/// listener failures to logcat; on other targets, nothing. Called by the bridge's native
/// methods, once; the app need not.
pub fn install() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        #[cfg(target_os = "android")]
        {
            use tracing_subscriber::layer::SubscriberExt as _;
            let _ = SINK.set(Box::new(logcat::Logcat));
            install_panic_hook(logcat::Logcat);
            let subscriber = tracing_subscriber::registry().with(LogcatLayer::new(logcat::Logcat));
            // An app with a subscriber of its own keeps it.
            let _ = tracing::subscriber::set_global_default(subscriber);
        }
    });
}

/// The Android-only part: a finished line to `__android_log_write`.
#[cfg(target_os = "android")]
mod logcat {
    use std::ffi::CString;

    use super::{LogSink, Priority, TAG};

    /// Android's log.
    pub(super) struct Logcat;

    impl LogSink for Logcat {
        #[allow(unsafe_code)] // Android's C logging function.
        fn write(&self, priority: Priority, line: &str) {
            // A NUL inside the line would end it early: cut there.
            let line = line.split('\0').next().unwrap_or_default();
            let (Ok(tag), Ok(text)) = (CString::new(TAG), CString::new(line)) else {
                return;
            };
            // SAFETY: both are NUL-terminated strings that outlive the call, which copies them.
            unsafe {
                android_log_sys::__android_log_write(
                    priority as std::ffi::c_int,
                    tag.as_ptr(),
                    text.as_ptr(),
                );
            }
        }
    }
}
