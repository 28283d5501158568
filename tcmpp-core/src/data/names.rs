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

use std::cell::Cell;
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
///
/// In `Cell`s, each taken out and put back around its one use, not `RefCell`s: nothing here
/// calls out while it holds one, so a `RefCell`'s check of a second borrow could never fail,
/// and each such check was a panic site in the library (its code and its location).
#[derive(Default)]
pub(super) struct Tracker<'de> {
    declared: Cell<Vec<&'static str>>,
    path: Cell<Vec<Segment<'de>>>,
    failed_at: Cell<Option<Vec<Segment<'de>>>>,
}

impl<'de> Tracker<'de> {
    pub(super) fn record(&self, names: &'static [&'static str]) {
        let mut declared = self.declared.take();
        for name in names {
            if !declared.contains(name) {
                declared.push(name);
            }
        }
        self.declared.set(declared);
    }

    /// The declared name equal to `key`, if any: the program's text, not the caller's.
    pub(super) fn declared(&self, key: &str) -> Option<&'static str> {
        let declared = self.declared.take();
        let found = declared.iter().copied().find(|name| *name == key);
        self.declared.set(declared);
        found
    }

    /// Where the pass failed, or the top level when it did not fail: taken, not copied, as
    /// it is asked once, when the pass is over.
    pub(super) fn failed_at(&self) -> Vec<Segment<'de>> {
        self.failed_at.take().unwrap_or_default()
    }

    /// Enters `segment` below the current path; refused below [`MAX_DEPTH`].
    pub(super) fn enter(&self, segment: Segment<'de>) -> Result<(), Error> {
        let mut path = self.path.take();
        let entered = if path.len() >= MAX_DEPTH {
            Err(Error::custom("recursion limit exceeded"))
        } else {
            path.push(segment);
            Ok(())
        };
        self.path.set(path);
        entered
    }

    /// Enters `segment`, where `value` is, for [`at`]: refused there when `value` is a number
    /// [`value_of`] found out of range. Out of line and not generic: `at` is inlined for each
    /// field of each data type, in each of its decoders, and only the second pass comes here.
    #[inline(never)]
    fn enter_value(&self, segment: Segment<'de>, value: &Value) -> Result<(), Error> {
        self.enter(segment)?;
        // The marker is the second pass's own: a caller's `Value` holding its text is a string.
        if value.as_str() == Some(OUT_OF_RANGE) {
            self.leave(true);
            return Err(Error::custom("number out of range"));
        }
        Ok(())
    }

    /// Leaves the segment [`enter`](Self::enter) entered, noting the path first when the step
    /// under it failed and no deeper one did.
    pub(super) fn leave(&self, failed: bool) {
        let mut path = self.path.take();
        if failed {
            let failed_at = self.failed_at.take();
            self.failed_at
                .set(Some(failed_at.unwrap_or_else(|| path.clone())));
        }
        path.pop();
        self.path.set(path);
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
    if let Some(kept) = tracker.0 {
        kept.enter_value(segment, value)?;
    }
    // One call of the seed for both passes, not one each: the seed's decoder (inlined, for
    // each field of each data type) is built once.
    let result = seed.deserialize(Tracked { value, tracker });
    if let Some(kept) = tracker.0 {
        kept.leave(result.is_err());
    }
    result
}

#[cfg(test)]
mod tests;
