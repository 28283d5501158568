//! Building a handler's data parameter from a call's `data`.

mod malformed;
mod names;
mod text;

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::echo::{bounded, bounded_to};
use crate::json::strip_position;
use crate::passes::{self, Pass};
use crate::wire::Member;

pub(crate) use malformed::{MalformedData, check_json, is_json};
pub(crate) use names::Tracked;
use names::{ABSENT, Segment, ShownPath, Tracker, value_of};
pub(crate) use text::from_text;

/// Where a call's `data` comes from.
pub(crate) enum DataSource<'a> {
    /// The mini program sent no `data`, or `null`.
    Absent,
    /// An already-parsed value, moved in from a [`MiniApiCall`](crate::MiniApiCall).
    Value(Value),
    /// The JSON text of `data`, borrowed from the call's text.
    Text(&'a str),
    /// Like `Text`, but not yet known to be valid JSON: decoding it is what validates it.
    Unchecked(&'a str),
    /// Like `Text`, with what the reader found under a multiplexed API's method key as it
    /// checked the text: a found value at `at..at + len` of `text`, or, with `at` at
    /// [`u32::MAX`], the key missing (`len` 0) or repeated (`len` 1). Offsets, not a `Member`,
    /// so that the variant is no larger than the others.
    Scanned { text: &'a str, at: u32, len: u32 },
}

/// What a typed pass reads, with one of a data type's two decoders.
pub(crate) enum TypedInput<'a> {
    /// Text, for [`from_text`].
    Text(&'a str),
    /// A value, for [`Tracked`] with no path kept.
    Value(Tracked<'a, 'a>),
}

/// Why `data` could not be decoded.
pub(crate) enum DataError {
    /// It does not fit the handler's type.
    Invalid(Mismatch),
    /// It is not valid JSON, so the call is not either.
    Malformed(MalformedData),
}

/// Why data does not fit a handler's type: for the mini program, serde's words (which quote
/// the offending value); for a log line, the field path and the type expected, never the value.
pub(crate) struct Mismatch {
    pub(crate) reason: String,
    pub(crate) logged_as: String,
}

impl<'a> DataSource<'a> {
    /// `data` as a value, for the handlers that ask for the whole call. Text that is valid JSON
    /// may still not fit a `Value` (a number out of range, a lone surrogate): that is an error,
    /// not a silent `None`.
    pub(crate) fn to_value(&self) -> Result<Option<Value>, String> {
        passes::count(Pass::DataRead);
        match self {
            DataSource::Absent => Ok(None),
            DataSource::Value(value) => Ok(Some(value.clone())),
            DataSource::Text(text)
            | DataSource::Unchecked(text)
            | DataSource::Scanned { text, .. } => serde_json::from_str(text)
                .map(Some)
                .map_err(|error| strip_position(&error)),
        }
    }

    /// Checked text, with what its scan found under the method key.
    pub(crate) fn scanned(text: &'a str, method: Member<'a>) -> Self {
        let (at, len) = match method {
            // The value is a slice of `text`; a call is far under 4 GiB.
            Member::Found(value) => (
                (value.as_ptr() as usize - text.as_ptr() as usize) as u32,
                value.len() as u32,
            ),
            Member::Repeated => (u32::MAX, 1),
            _ => (u32::MAX, 0),
        };
        DataSource::Scanned { text, at, len }
    }

    /// The text and what its scan found under the method key, for [`Scanned`](Self::Scanned).
    pub(crate) fn scanned_member(&self) -> Option<(&'a str, Member<'a>)> {
        match *self {
            DataSource::Scanned { text, at, len } => Some((
                text,
                match (at, len) {
                    (u32::MAX, 1) => Member::Repeated,
                    (u32::MAX, _) => Member::Missing,
                    // `get`, not an index, which could not fail: a panic site.
                    (at, len) => text
                        .get(at as usize..(at + len) as usize)
                        .map_or(Member::Missing, Member::Found),
                },
            )),
            _ => None,
        }
    }

    /// The text of `data` when it has not been validated yet.
    pub(crate) fn unchecked(&self) -> Option<&'a str> {
        match self {
            DataSource::Unchecked(text) => Some(text),
            _ => None,
        }
    }

    /// What the typed pass reads: the text, or the value (absent data is a static one, which
    /// [`Tracked`] tells from `null`). Decoding from a borrowed value copies its strings, but
    /// keeps the value for the second pass.
    #[inline]
    pub(crate) fn typed_input(&self) -> TypedInput<'_> {
        passes::count(Pass::DataRead);
        match self {
            DataSource::Unchecked(text)
            | DataSource::Text(text)
            | DataSource::Scanned { text, .. } => TypedInput::Text(text),
            DataSource::Value(value) => TypedInput::Value(Tracked::typed(value)),
            DataSource::Absent => TypedInput::Value(Tracked::typed(&ABSENT)),
        }
    }

    /// Deserializes `T`, as `Invocation::data` does, with the refusal as a [`DataError`].
    #[cfg(any(test, feature = "typed-client"))]
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<T, DataError> {
        let decoded = match self.typed_input() {
            TypedInput::Text(text) => from_text(text),
            TypedInput::Value(value) => T::deserialize(value),
        };
        match decoded {
            Ok(value) => Ok(value),
            Err(error) => Err(self.refused(error, tracked_pass::<T>)),
        }
    }

    /// Why the data does not fit, its typed pass having failed with `error` (whose words the
    /// mini program is shown): `tracked` decodes the data again to find where.
    #[cold]
    #[inline(never)]
    pub(crate) fn refused(
        self,
        error: serde_json::Error,
        tracked: for<'de> fn(Tracked<'de, '_>) -> Result<(), serde_json::Error>,
    ) -> DataError {
        let message = strip_position(&error);
        let value = match self {
            // A failure in text nobody validated yet: whether the text is JSON at all decides
            // which error the caller sees.
            DataSource::Unchecked(text) => match check_json(text) {
                Ok(()) => second_pass_value(text),
                Err(malformed) => return DataError::Malformed(malformed),
            },
            DataSource::Text(text) | DataSource::Scanned { text, .. } => second_pass_value(text),
            DataSource::Value(value) => Some(value),
            // Nothing is nested in absent data, so a failure is always at the top: no path to
            // track, and no names.
            DataSource::Absent => None,
        };
        let tracker = Tracker::default();
        let path = match &value {
            Some(value) => {
                // Should the second pass succeed after all, the data is still refused as its
                // typed pass refused it, at the top level: it explains a refusal, it never
                // overturns one.
                let _ = tracked(Tracked::new(value, &tracker));
                tracker.failed_at()
            }
            None => Vec::new(),
        };
        DataError::Invalid(describe(&path, &message, &tracker))
    }
}

/// The most values (approximately: the text's commas, brackets and braces) in text that the
/// second pass reads into a `Value` to place a refusal. A `Value` takes up to about a hundred
/// bytes for each (an entry of a map), however short its text (`[],` is 3 bytes), and a refusal
/// is to cost little more than the typed pass that refused: text with more is refused at the
/// top level, in the typed pass's words, with no path. Long strings cost their length, as in
/// the typed pass.
const MAX_PLACED_VALUES: usize = 4096;

/// Text's `Value` for the second pass, when it holds few enough values to build one.
fn second_pass_value(text: &str) -> Option<Value> {
    // A plain count, not `memchr`'s: this runs only on a refusal, and is smaller in the library.
    let values = text
        .bytes()
        .filter(|byte| matches!(byte, b',' | b'[' | b'{'))
        .count();
    if values > MAX_PLACED_VALUES {
        None
    } else {
        value_of(text)
    }
}

/// The second pass of a refused `T`, over the data as a `Value`: decoded again with the path of
/// its failure and the names `T` declares kept in the deserializer's tracker. One decoder of
/// `T` besides the typed ones, and not wrapped in anything, which would instantiate every
/// layer for every visitor `T` has.
pub(crate) fn tracked_pass<'de, T: DeserializeOwned>(
    deserializer: Tracked<'de, '_>,
) -> Result<(), serde_json::Error> {
    match T::deserialize(deserializer) {
        Ok(_) => Ok(()),
        Err(error) => Err(error),
    }
}

/// The longest description of bad data a reply carries, in characters: serde quotes the
/// offending value, which may be megabytes long.
const MAX_DESCRIPTION_CHARS: usize = 500;

/// What follows the last `marker` in `text`, as `rsplit_once` finds it: by a plain scan, not
/// `str`'s substring searcher, which each of its uses on a cold path (a refusal's message, a
/// panic's) would inline (about 600 bytes of a phone's library apiece).
pub(crate) fn after_last<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let bytes = text.as_bytes();
    let at = (0..bytes.len()).rev().find(|&at| {
        bytes
            .get(at..)
            .is_some_and(|rest| rest.starts_with(marker.as_bytes()))
    })?;
    text.get(at + marker.len()..)
}

/// serde's messages that end in what the type expected (`…, expected u32`), the part a log line
/// may repeat; what comes before it quotes the value or names the key.
const ENDS_IN_EXPECTED: [&str; 5] = [
    "invalid type: ",
    "invalid value: ",
    "invalid length ",
    "unknown field ",
    "unknown variant ",
];

fn describe(path_segments: &[Segment<'_>], message: &str, tracker: &Tracker<'_>) -> Mismatch {
    let path = ShownPath(path_segments).to_string();
    let mut reason = if path == "." {
        message.to_owned()
    } else {
        format!("{path}: {message}")
    };
    // Cut as every echo is, by the one function that cuts them.
    if let Cow::Owned(cut) = bounded_to(&reason, MAX_DESCRIPTION_CHARS) {
        reason = cut;
    }
    // What the type expected ends serde's own messages; any other message (a custom error of
    // the type's) may repeat the mini program's text anywhere, and is logged by its path alone.
    let expected = ENDS_IN_EXPECTED
        .iter()
        .any(|prefix| message.starts_with(prefix))
        .then(|| after_last(message, ", expected "))
        .flatten()
        .map_or(String::new(), |expected| {
            format!(", expected {}", bounded(expected))
        });
    // An unknown field's or variant's own name, the path's last segment, is left out.
    let names_itself =
        message.starts_with("unknown field") || message.starts_with("unknown variant");
    let segments = match path_segments {
        [rest @ .., _] if names_itself => rest,
        all => all,
    };
    Mismatch {
        reason,
        logged_as: format!(
            "invalid data at `{}`{expected}",
            logged_path(segments, tracker)
        ),
    }
}

/// A path as a log line may show it: indices, and the struct fields and enum variants the data
/// type declares; any other key (a map's, the mini program's) as `[key]`.
fn logged_path(segments: &[Segment<'_>], tracker: &Tracker<'_>) -> String {
    if segments.is_empty() {
        return ".".to_owned();
    }
    let mut logged = String::new();
    for segment in segments {
        let named = match segment {
            Segment::Seq(index) => {
                // Written into the path, not formatted into a string of its own and copied.
                let _ = write!(logged, "[{index}]");
                continue;
            }
            Segment::Key(key) => tracker.declared(key).unwrap_or("[key]"),
            Segment::Variant(variant) => tracker.declared(variant).unwrap_or("[variant]"),
        };
        if !logged.is_empty() {
            logged.push('.');
        }
        logged.push_str(named);
    }
    logged
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[test]
    fn after_last_is_what_rsplit_once_leaves() {
        let marker = ", expected ";
        for text in [
            "",
            ", expected ",
            "invalid type: string \"a\", expected u32",
            "invalid value: \", expected x\", expected a string, expected , expected é",
            "unknown field `a`, expected `b` or `c`",
            "no marker at all",
            ", expected",
            "é, expected ü",
        ] {
            assert_eq!(
                after_last(text, marker),
                text.rsplit_once(marker).map(|(_, after)| after),
                "{text:?}"
            );
        }
    }

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Person {
        name: String,
        age: u32,
    }

    fn reason(source: DataSource<'_>) -> String {
        match source.decode::<Person>() {
            Err(DataError::Invalid(mismatch)) => mismatch.reason,
            Err(DataError::Malformed(_)) => "malformed".to_owned(),
            Ok(person) => format!("decoded {person:?}"),
        }
    }

    #[test]
    fn a_refusal_is_placed_in_short_text_and_at_the_top_of_long_text() {
        let short = r#"{"name":"n","age":"x"}"#;
        assert_eq!(
            reason(DataSource::Text(short)),
            r#"age: invalid type: string "x", expected u32"#
        );
        assert_eq!(
            reason(DataSource::Value(serde_json::from_str(short).unwrap())),
            r#"age: invalid type: string "x", expected u32"#
        );
        // Data of many values is not read into a value to place the refusal: the typed pass's
        // words alone. A long string is.
        let padding = "[],".repeat(MAX_PLACED_VALUES / 2);
        let long = format!(r#"{{"padding":[{padding}[]],"name":"n","age":"x"}}"#);
        assert_eq!(
            reason(DataSource::Text(&long)),
            r#"invalid type: string "x", expected u32"#
        );
        let long_string = format!(r#"{{"name":"n","age":"{}"}}"#, "x".repeat(100_000));
        assert!(reason(DataSource::Text(&long_string)).starts_with("age: invalid type: string"));
        assert_eq!(reason(DataSource::Absent), "missing field `name`");
    }
}
