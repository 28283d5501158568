//! Resolving a call to a multiplexed API to the handler of the method its `data` names, before
//! the access check: by a scan of the data's text, never a parse of it.

use std::borrow::Cow;

use serde_json::Value;

use crate::context::CallContext;
use crate::data::{DataSource, MalformedData, is_json};
use crate::echo::bounded;
use crate::handler::ApiEntry;
use crate::json::{json_kind, raw_kind};
use crate::passes::{self, Pass};
use crate::registry::Methods;
use crate::reply::{FailureKind, Reply};
use crate::wire::member::{self, Member};

use super::flight::Flight;
use super::invoke::check_unchecked;

/// Why a call to a multiplexed API names no method that has a handler.
pub(super) enum MethodProblem {
    /// The method the call names has no handler (bounded for the reply).
    Unknown(String),
    /// `data` is an object without the method key.
    Missing,
    /// The call sent no `data`, or `null`.
    NoData,
    /// `data` is not an object: its kind.
    NotAnObject(&'static str),
    /// The method key's value is not a string: its kind.
    NotAString(&'static str),
    /// The method key is in `data` more than once.
    Repeated,
}

impl MethodProblem {
    /// The fail reply, which names the key and lists `permitted`, the methods the caller may
    /// call (a refusal reveals no method it may not), and what a log line says of it: the kind
    /// of problem, never what the mini program sent.
    pub(super) fn reply(
        &self,
        methods: &Methods,
        permitted: &[&'static str],
    ) -> (Reply, &'static str) {
        let key = methods.key;
        let listed = listed(permitted);
        let (message, logged_as) = match self {
            MethodProblem::Unknown(method) => (
                format!(
                    "{key}: unknown method \"{method}\"; the methods of {name} are {listed}",
                    name = methods.name
                ),
                "unknown method",
            ),
            MethodProblem::Missing => (
                format!(
                    "missing method: data has no \"{key}\"; the methods of {name} are {listed}",
                    name = methods.name
                ),
                "missing method",
            ),
            MethodProblem::NoData => (
                format!(
                    "missing method: the call has no data; send an object with \"{key}\", one of {listed}"
                ),
                "missing method",
            ),
            MethodProblem::NotAnObject(kind) => (
                format!(
                    "missing method: data is {kind}, not an object with \"{key}\"; the methods of {name} are {listed}",
                    name = methods.name
                ),
                "missing method",
            ),
            MethodProblem::NotAString(kind) => (
                format!("{key}: invalid type: {kind}, expected a string, one of {listed}"),
                "method is not a string",
            ),
            MethodProblem::Repeated => (
                format!("{key}: the method is given more than once; send it once"),
                "method given more than once",
            ),
        };
        (
            Reply::fail(FailureKind::InvalidData, format!("invalid data: {message}")),
            logged_as,
        )
    }
}

impl Flight<'_> {
    /// The handler of the method the call to `entry`'s multiplexed API names. Data that the
    /// chosen handler does not decode is validated here, as for a plain API without data.
    #[cold]
    #[inline(never)]
    pub(super) fn method_entry(
        &self,
        entry: &'static ApiEntry,
        cx: &mut CallContext<'_>,
    ) -> Result<Result<&'static ApiEntry, (&Methods, MethodProblem)>, MalformedData> {
        let Some(methods) = self.registry.methods_of(entry) else {
            // Every multiplexed entry has its table; without one, it is its own handler.
            return Ok(Ok(entry));
        };
        // The method borrows from the data, which is changed only once it is found.
        let mut checked = false;
        let found = match &cx.data {
            DataSource::Absent => Err(MethodProblem::NoData),
            DataSource::Value(value) => of_value(value, methods.key),
            DataSource::Text(text) => of_text(text, methods, &mut checked),
            DataSource::Unchecked(text) => {
                // No reader checked this data: the scan for the method is its read.
                passes::count(Pass::DataRead);
                of_text(text, methods, &mut checked)
            }
            DataSource::Scanned { .. } => match cx.data.scanned_member() {
                // The reader found it as it checked the data.
                Some((_, member)) => {
                    checked = true;
                    of_member(member, "", methods)
                }
                None => Err(MethodProblem::Missing),
            },
        }
        .and_then(|method| {
            methods
                .get(&method)
                .ok_or_else(|| MethodProblem::Unknown(bounded(&method).into_owned()))
        });
        // The scan that found the method checked the data too: a refusal needs no second pass.
        if checked {
            if let Some(text) = cx.data.unchecked() {
                cx.data = DataSource::Text(text);
            }
            if let Some((text, _)) = cx.data.scanned_member() {
                cx.data = DataSource::Text(text);
            }
        }
        let found = match found {
            Ok(found) => found,
            Err(problem) => return Ok(Err((methods, problem))),
        };
        if let Some(text) = cx.data.unchecked() {
            if !found.takes_data {
                check_unchecked(Some(text))?;
                cx.data = DataSource::Text(text);
            }
        }
        Ok(Ok(found))
    }
}

/// The methods, quoted and separated by commas, for replies that say which the caller may call.
fn listed(methods: &[&str]) -> String {
    // Pushed into one string, not `join`ed from quoted copies: `join`'s code would be this one
    // use's own.
    let mut text = String::new();
    for method in methods {
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push('"');
        text.push_str(method);
        text.push('"');
    }
    text
}

/// The method a call's data (a value) names.
fn of_value<'a>(value: &'a Value, key: &str) -> Result<Cow<'a, str>, MethodProblem> {
    match value {
        Value::Null => Err(MethodProblem::NoData),
        Value::Object(map) => match map.get(key) {
            Some(Value::String(method)) => Ok(Cow::Borrowed(method)),
            Some(other) => Err(MethodProblem::NotAString(json_kind(other))),
            None => Err(MethodProblem::Missing),
        },
        other => Err(MethodProblem::NotAnObject(json_kind(other))),
    }
}

/// The method a call's data (JSON text, perhaps not validated) names; `checked` says whether
/// the scan found the whole text to be JSON.
fn of_text<'a>(
    text: &'a str,
    methods: &Methods,
    checked: &mut bool,
) -> Result<Cow<'a, str>, MethodProblem> {
    let (member, whole) = member::find_checked(text, methods.key);
    *checked = whole;
    of_member(member, text, methods)
}

/// The method `member` names, what a scan of the data `text` found under the method key.
fn of_member<'a>(
    member: Member<'a>,
    text: &'a str,
    methods: &Methods,
) -> Result<Cow<'a, str>, MethodProblem> {
    match member {
        Member::Found(raw) if raw.starts_with('"') => Ok(decoded(raw, methods)),
        Member::Found(raw) => Err(MethodProblem::NotAString(raw_kind(raw))),
        Member::Missing => Err(MethodProblem::Missing),
        Member::NotAnObject if text.trim_start().starts_with("null") => Err(MethodProblem::NoData),
        Member::NotAnObject => Err(MethodProblem::NotAnObject(raw_kind(text))),
        Member::Repeated => Err(MethodProblem::Repeated),
        // Not JSON to the scan: a refused call's data is checked, and explained, by the
        // reader. Valid JSON the scan did not follow would be a bug here; it is read whole
        // rather than refused.
        // Checked first without building anything, so that malformed data costs a pass, not a
        // tree of values (`refuse` finds it is not JSON and the reader explains).
        Member::Malformed if !is_json(text) => Err(MethodProblem::Missing),
        Member::Malformed => match serde_json::from_str::<Value>(text) {
            Ok(value) => {
                of_value(&value, methods.key).map(|method| Cow::Owned(method.into_owned()))
            }
            Err(_) => Err(MethodProblem::Missing),
        },
    }
}

/// The text of the JSON string `raw`: as it is when it has no escapes; decoded when it may be
/// one of the methods; otherwise (too long to be one, or not JSON) cut for the reply's echo.
fn decoded<'a>(raw: &'a str, methods: &Methods) -> Cow<'a, str> {
    // `get`: `raw` is a string's text, quotes and all, and an index would be a panic site.
    let inner = raw
        .get(1..raw.len().saturating_sub(1).max(1))
        .unwrap_or_default();
    if !inner.as_bytes().contains(&b'\\') {
        return Cow::Borrowed(inner);
    }
    if inner.len() <= methods.longest_escaped() {
        if let Ok(text) = serde_json::from_str::<String>(raw) {
            return Cow::Owned(text);
        }
    }
    bounded(inner)
}
