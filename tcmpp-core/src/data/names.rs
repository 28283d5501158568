//! Where in its data a decode failed, and the names the data type itself declares: its struct
//! fields and enum variants, recorded as the type asks for them. A log line names a key of the
//! failure's path only when it is one of these (the program's text); any other key is the mini
//! program's (a map's key), and is logged as `[key]`.
//!
//! [`Tracked`] is a deserializer of a borrowed [`Value`] of its own, rather than a wrapper
//! around `serde_json`'s (and around every visitor, map, sequence and seed it hands on), so
//! that a data type's second pass adds one decoder to a build, not three layers of them: each
//! wrapper is generic over the type's visitors, and `serde_json`'s text or value deserializer
//! under them again.
//!
//! It follows `serde_json`'s deserializer of `&Value` in what it accepts and in its errors, so
//! that it fails where the typed pass failed; the message a refusal shows is the typed pass's
//! own. That makes it the typed pass of a `Value` too, with no path kept ([`Tracking::NONE`]):
//! a data type is decoded from a `Value` by one decoder, not by `serde_json`'s and this one.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Error as _};
use serde_json::{Error, Value};

pub(super) use tracked::ABSENT;
pub(crate) use tracked::Tracked;

mod access;
mod tracked;

/// The deepest data a second pass follows, as `serde_json` limits text: a value built in
/// memory may be deeper, and each level is a frame of the stack.
const MAX_DEPTH: usize = 128;

/// One step of the path to a failure.
#[derive(Clone, Debug)]
pub(super) enum Segment<'de> {
    /// An element of a sequence.
    Seq(usize),
    /// The value under a map's or struct's key.
    Key(&'de str),
    /// The content of an enum variant.
    Variant(&'de str),
}

/// A path as a reply shows it: keys and variants separated by `.`, indices as `[i]`, and the
/// top level as `.`.
pub(super) struct ShownPath<'p, 'de>(pub(super) &'p [Segment<'de>]);

impl fmt::Display for ShownPath<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str(".");
        }
        let mut separator = "";
        for segment in self.0 {
            match segment {
                Segment::Seq(index) => write!(f, "[{index}]")?,
                Segment::Key(name) | Segment::Variant(name) => {
                    f.write_str(separator)?;
                    f.write_str(name)?;
                }
            }
            separator = ".";
        }
        Ok(())
    }
}

/// What one second pass learns: the declared names, the path it is at, and the path of its
/// first (deepest) failure.
#[derive(Default)]
pub(super) struct Tracker<'de> {
    declared: RefCell<Vec<&'static str>>,
    path: RefCell<Vec<Segment<'de>>>,
    failed_at: RefCell<Option<Vec<Segment<'de>>>>,
}

impl<'de> Tracker<'de> {
    pub(super) fn record(&self, names: &'static [&'static str]) {
        let mut declared = self.declared.borrow_mut();
        for name in names {
            if !declared.contains(name) {
                declared.push(name);
            }
        }
    }

    /// The declared name equal to `key`, if any: the program's text, not the caller's.
    pub(super) fn declared(&self, key: &str) -> Option<&'static str> {
        self.declared
            .borrow()
            .iter()
            .copied()
            .find(|name| *name == key)
    }

    /// Where the pass failed, or the top level when it did not fail.
    pub(super) fn failed_at(&self) -> Vec<Segment<'de>> {
        self.failed_at.borrow().clone().unwrap_or_default()
    }

    /// Enters `segment` below the current path; refused below [`MAX_DEPTH`].
    pub(super) fn enter(&self, segment: Segment<'de>) -> Result<(), Error> {
        let mut path = self.path.borrow_mut();
        if path.len() >= MAX_DEPTH {
            return Err(Error::custom("recursion limit exceeded"));
        }
        path.push(segment);
        Ok(())
    }

    /// Leaves the segment [`enter`](Self::enter) entered, noting the path first when the step
    /// under it failed and no deeper one did.
    pub(super) fn leave(&self, failed: bool) {
        let mut path = self.path.borrow_mut();
        if failed {
            let mut failed_at = self.failed_at.borrow_mut();
            if failed_at.is_none() {
                *failed_at = Some(path.clone());
            }
        }
        path.pop();
    }
}

/// The tracker a [`Tracked`] pass keeps its path in, or none: the typed pass of a `Value`
/// (and of absent data) takes the same deserializer as the second pass with nothing kept, so
/// that a data type has one decoder of `Value`s, not two. Copied into every level.
#[derive(Clone, Copy)]
pub(super) struct Tracking<'t, 'de>(Option<&'t Tracker<'de>>);

// `inline`: with no path kept each of these is nothing, once placed in the typed pass, which
// is generic and so built in the user's crate; a call each costs the typed seed call about 400
// instructions (measured).
impl<'t, 'de> Tracking<'t, 'de> {
    /// The path kept in `tracker`.
    #[inline]
    pub(super) fn kept_in(tracker: &'t Tracker<'de>) -> Self {
        Tracking(Some(tracker))
    }

    /// Nothing kept: the typed pass.
    pub(super) const NONE: Self = Tracking(None);

    /// Records the names a type declares.
    #[inline]
    pub(super) fn record(self, names: &'static [&'static str]) {
        if let Some(tracker) = self.0 {
            tracker.record(names);
        }
    }

    /// Enters `segment`, as [`Tracker::enter`].
    #[inline]
    pub(super) fn enter(self, segment: Segment<'de>) -> Result<(), Error> {
        match self.0 {
            Some(tracker) => tracker.enter(segment),
            None => Ok(()),
        }
    }

    /// Leaves the segment entered, as [`Tracker::leave`].
    #[inline]
    pub(super) fn leave(self, failed: bool) {
        if let Some(tracker) = self.0 {
            tracker.leave(failed);
        }
    }
}

/// What [`value_of`] puts in place of a number out of `f64`'s range, which fails the typed
/// pass wherever it is and which a `Value` cannot hold.
const OUT_OF_RANGE: &str = "\u{0}tcmpp: number out of range\u{0}";

/// [`OUT_OF_RANGE`] as JSON text, as serde_json writes it (a test holds them equal): written
/// out rather than by `Value`'s `Display`, which would bring serde_json's pretty formatter into
/// the library.
const OUT_OF_RANGE_JSON: &str = "\"\\u0000tcmpp: number out of range\\u0000\"";

/// `text` as a `Value` for the second pass, each number out of `f64`'s range in it (where the
/// typed pass failed) replaced by [`OUT_OF_RANGE`], so that the second pass fails there too.
pub(super) fn value_of(text: &str) -> Option<Value> {
    let mut text = std::borrow::Cow::Borrowed(text);
    // A few such numbers at most are worth finding: the typed pass failed at the first.
    for _ in 0..8 {
        let error = match serde_json::from_str(&text) {
            Ok(value) => return Some(value),
            Err(error) => error,
        };
        if !error.to_string().starts_with("number out of range") {
            return None;
        }
        // `serde_json` places the error at the number's last byte (line and column from 1).
        let line_start = if error.line() <= 1 {
            0
        } else {
            // `memchr`'s byte search, which the library has, not `match_indices`' own code: a
            // newline is one byte.
            memchr::memchr_iter(b'\n', text.as_bytes()).nth(error.line() - 2)? + 1
        };
        let end = (line_start + error.column()).min(text.len());
        let in_number = |byte: &u8| matches!(byte, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E');
        let start = end
            - text.as_bytes()[..end]
                .iter()
                .rev()
                .take_while(|b| in_number(b))
                .count();
        if start == end {
            return None;
        }
        // `get`, not indexing: should the position ever fall inside a character, the value is
        // given up rather than a panic. Joined by `format!`, whose code the library has anyway,
        // not by `concat`, whose joining code this one use would inline.
        let (before, after) = (text.get(..start)?, text.get(end..)?);
        let replaced = format!("{before}{OUT_OF_RANGE_JSON}{after}");
        text = std::borrow::Cow::Owned(replaced);
    }
    None
}

/// Deserializes `seed` from `value` at `segment` below the current path.
// `always`: the typed pass of a `Value` calls it for every value; a call each costs the typed
// seed call about 40 instructions a field (measured).
#[inline(always)]
pub(super) fn at<'de, S: DeserializeSeed<'de>>(
    tracker: Tracking<'_, 'de>,
    segment: Segment<'de>,
    value: &'de Value,
    seed: S,
) -> Result<S::Value, Error> {
    // One test on the typed pass's way: nothing to keep.
    let Some(kept) = tracker.0 else {
        return seed.deserialize(Tracked { value, tracker });
    };
    kept.enter(segment)?;
    // The marker is the second pass's own: a caller's `Value` holding its text is a string.
    if value.as_str() == Some(OUT_OF_RANGE) {
        kept.leave(true);
        return Err(Error::custom("number out of range"));
    }
    let result = seed.deserialize(Tracked { value, tracker });
    kept.leave(result.is_err());
    result
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[test]
    fn the_out_of_range_text_is_what_serde_json_writes() {
        assert_eq!(OUT_OF_RANGE_JSON, Value::from(OUT_OF_RANGE).to_string());
    }

    #[test]
    fn a_number_out_of_range_is_replaced_where_it_is() {
        let value = value_of("{\"a\":1,\n \"b\": [2, -1e400, 1e999]}").unwrap();
        assert_eq!(value["b"][0], 2);
        assert_eq!(value["b"][1], Value::from(OUT_OF_RANGE));
        assert_eq!(value["b"][2], Value::from(OUT_OF_RANGE));
        assert_eq!(value_of("[\"\\ud800\"]"), None);
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum Action {
        Move { x: u32 },
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Plan {
        actions: Vec<Action>,
        limit: f64,
    }

    /// The path of the deepest failure, and the names the types declared on the way.
    fn failure(value: &Value) -> (String, Tracker<'_>) {
        let tracker = Tracker::default();
        let decoded = Plan::deserialize(Tracked::new(value, &tracker));
        assert!(decoded.is_err());
        let path = ShownPath(&tracker.failed_at()).to_string();
        (path, tracker)
    }

    #[test]
    fn a_failure_inside_a_variant_is_at_the_variant() {
        let value = json!({"actions": [{"Move": {"x": 1}}, {"Move": {"x": "far"}}], "limit": 1});
        let (path, tracker) = failure(&value);
        assert_eq!(path, "actions[1].Move.x");
        assert_eq!(tracker.declared("Move"), Some("Move"));
        assert_eq!(tracker.declared("x"), Some("x"));
        assert_eq!(tracker.declared("far"), None);
    }

    #[test]
    fn an_unknown_variant_and_a_missing_field_are_where_they_are() {
        let (path, _) = failure(&json!({"actions": [{"Jump": {}}], "limit": 1}));
        assert_eq!(path, "actions[0].Jump");
        let (path, _) = failure(&json!({"actions": [{"Move": {}}], "limit": 1}));
        assert_eq!(path, "actions[0].Move");
        let (path, _) = failure(&json!({"actions": []}));
        assert_eq!(path, ".");
    }

    #[test]
    fn a_number_out_of_range_fails_where_it_was() {
        let value = value_of("{\"actions\": [], \"limit\": 1e400}").unwrap();
        let (path, _) = failure(&value);
        assert_eq!(path, "limit");
    }

    /// `T` from `value` by the typed pass and by `serde_json`'s `&Value` deserializer: the same
    /// value, or the same words.
    fn typed_as_serde_json<T>(value: &Value)
    where
        T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let ours = T::deserialize(Tracked::typed(value)).map_err(|e| e.to_string());
        let theirs = T::deserialize(value).map_err(|e| e.to_string());
        assert_eq!(ours, theirs, "{value}");
    }

    #[test]
    fn the_typed_pass_of_a_value_is_serde_jsons() {
        use std::collections::BTreeMap;
        for key in [
            "1", "-2", "01", "1 ", " 1", "1x", "1.5", "x", "", "300", "true",
        ] {
            let value = json!({ key: 0 });
            typed_as_serde_json::<BTreeMap<u8, u8>>(&value);
            typed_as_serde_json::<BTreeMap<i64, u8>>(&value);
            typed_as_serde_json::<BTreeMap<i128, u8>>(&value);
            typed_as_serde_json::<BTreeMap<bool, u8>>(&value);
            typed_as_serde_json::<BTreeMap<String, u8>>(&value);
        }
        #[derive(Deserialize, Debug, PartialEq)]
        struct Point {
            x: u32,
            y: Option<String>,
        }
        for value in [
            json!({"x": 1}),
            json!([1, "a"]),
            json!([1, "a", 3]),
            json!({"x": -1}),
            json!({"x": 1, "y": 2}),
            json!(null),
            json!("p"),
            json!({"x": OUT_OF_RANGE}),
        ] {
            typed_as_serde_json::<Point>(&value);
            typed_as_serde_json::<Vec<Point>>(&json!([value]));
        }
        // Numbers as written (with `serde_json`'s `arbitrary_precision`, a `Value` keeps their
        // text, and each type reads it its own way).
        #[derive(Deserialize, Debug, PartialEq)]
        struct Reading {
            float: f64,
            whole: Option<u64>,
        }
        for text in [
            r#"{"float": 1.50}"#,
            r#"{"float": 1e2, "whole": 7}"#,
            r#"{"float": 100000000000000000000}"#,
            r#"{"float": -0.0, "whole": 18446744073709551615}"#,
            r#"{"float": 1, "whole": 1.0}"#,
            r#"{"float": 2, "whole": -1}"#,
        ] {
            let value: Value = serde_json::from_str(text).expect("the case is JSON");
            typed_as_serde_json::<Reading>(&value);
        }
        // A marker in a caller's value is a string like any other.
        typed_as_serde_json::<String>(&Value::from(OUT_OF_RANGE));
        // A `RawValue` is handed the value's text.
        let value = json!({"a": [1, {"b": null}]});
        let raw = Box::<serde_json::value::RawValue>::deserialize(Tracked::typed(&value));
        assert_eq!(raw.unwrap().get(), value.to_string());
    }

    /// `T` decoded from absent data, or serde's message.
    fn from_absent<T: serde::de::DeserializeOwned>() -> Result<T, String> {
        T::deserialize(Tracked::typed(&ABSENT)).map_err(|error| error.to_string())
    }

    #[test]
    fn absent_data_is_an_empty_object_none_or_no_data() {
        #[derive(Deserialize, Debug, PartialEq)]
        struct Optional {
            limit: Option<u32>,
        }
        assert_eq!(from_absent::<Optional>(), Ok(Optional { limit: None }));
        assert_eq!(
            from_absent::<Option<Plan>>().map(|plan| plan.is_none()),
            Ok(true)
        );
        assert_eq!(from_absent::<()>(), Ok(()));
        assert_eq!(
            from_absent::<std::collections::BTreeMap<String, u32>>(),
            Ok(Default::default())
        );
        assert_eq!(
            from_absent::<u32>(),
            Err("invalid type: no data, expected u32".to_owned())
        );
        assert_eq!(
            from_absent::<Action>().map(drop),
            Err("invalid type: no data, expected enum Action".to_owned())
        );
        assert_eq!(
            from_absent::<Plan>().map(drop),
            Err("missing field `actions`".to_owned())
        );
        // No text to hand a `RawValue`: refused, as before `Tracked` was the typed pass.
        assert!(from_absent::<Box<serde_json::value::RawValue>>().is_err());
        // `null` is not absent data.
        let null = Value::Null;
        let tracker = Tracker::default();
        assert!(Optional::deserialize(Tracked::new(&null, &tracker)).is_err());
    }
}
