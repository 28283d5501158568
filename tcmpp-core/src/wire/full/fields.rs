//! The serde pass over a call object's top-level keys, each kept unparsed: it refuses a key
//! given twice and more keys than the limit.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::echo::bounded;
use crate::json::{raw_kind, strip_position};
use crate::wire::CallError;
use crate::wire::error::CallErrorKind;

/// The top-level keys of a call object, each still unparsed.
#[derive(Default)]
pub(super) struct Fields<'a> {
    pub(super) api_name: Option<&'a RawValue>,
    pub(super) data: Option<&'a RawValue>,
    pub(super) web_view_id: Option<&'a RawValue>,
    pub(super) state_event: Option<&'a RawValue>,
    pub(super) app_info: Option<&'a RawValue>,
    /// The other keys, each with its value's text: as the call keeps them, so that the reader
    /// moves the list rather than collecting a copy of it.
    pub(super) extra: Vec<(Cow<'a, str>, &'a str)>,
}

/// Refuses text that is not a JSON object, telling "not JSON at all" apart from "JSON, but not
/// an object". Builds nothing.
pub(super) fn not_an_object(json: &str) -> Result<(), CallError> {
    if json.trim_start().starts_with('{') {
        return Ok(());
    }
    Err(match serde_json::from_str::<&RawValue>(json) {
        Ok(raw) => CallError::new(CallErrorKind::NotAnObject(raw_kind(raw.get()))),
        Err(e) => CallError::of_json(&e),
    })
}

/// Whether [`read_fields`] keeps the keys other than the envelope's.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum KeepKeys {
    Yes,
    /// Only checked for duplicates: a legacy call's keys are its data's, read by the handler.
    No,
}

pub(super) fn read_fields(
    json: &str,
    max_keys: usize,
    keep: KeepKeys,
) -> Result<Fields<'_>, CallError> {
    not_an_object(json)?;
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let fields = FieldsSeed { max_keys, keep }
        .deserialize(&mut deserializer)
        .and_then(|fields| deserializer.end().map(|()| fields));
    fields.map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            let message = strip_position(&e);
            if let Some(key) = message.strip_prefix(DUPLICATE_KEY) {
                CallError::new(CallErrorKind::DuplicateKey(key.to_owned()))
            } else if message.starts_with(TOO_MANY_KEYS) {
                CallError::new(CallErrorKind::TooManyKeys(max_keys))
            } else {
                CallError::of_json(&e)
            }
        }
        _ => CallError::of_json(&e),
    })
}

const DUPLICATE_KEY: &str = "duplicate key ";
const TOO_MANY_KEYS: &str = "too many keys";

/// Reads a call object's top-level keys, refusing more than `max_keys` of them as soon as
/// there are.
struct FieldsSeed {
    max_keys: usize,
    keep: KeepKeys,
}

impl<'de> DeserializeSeed<'de> for FieldsSeed {
    type Value = Fields<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Fields<'de>, D::Error> {
        struct FieldsVisitor {
            max_keys: usize,
            keep: KeepKeys,
        }

        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a call object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields = Fields::default();
                // The first keys of a legacy call, which are not kept: compared as a unified
                // call's other keys are.
                let mut legacy_keys: Vec<Cow<'de, str>> = Vec::new();
                let mut later_keys = Map::new();
                let mut keys = 0_usize;
                while let Some(CowStr(key)) = map.next_key()? {
                    keys += 1;
                    if keys > self.max_keys {
                        return Err(de::Error::custom(TOO_MANY_KEYS));
                    }
                    let slot = match &*key {
                        _ if self.keep == KeepKeys::No => {
                            let first = legacy_keys.iter().map(|seen| &**seen);
                            if repeated(first, legacy_keys.len(), &mut later_keys, &key) {
                                return Err(duplicate_key(&key));
                            }
                            if legacy_keys.len() < SCANNED_KEYS {
                                legacy_keys.push(key);
                            }
                            map.next_value::<de::IgnoredAny>()?;
                            continue;
                        }
                        "api_name" => &mut fields.api_name,
                        "data" => &mut fields.data,
                        "webviewId" => &mut fields.web_view_id,
                        "stateEvent" => &mut fields.state_event,
                        "appInfo" => &mut fields.app_info,
                        _ => {
                            let first = fields.extra.iter().take(SCANNED_KEYS);
                            let first = first.map(|(seen, _)| &**seen);
                            if repeated(first, fields.extra.len(), &mut later_keys, &key) {
                                return Err(duplicate_key(&key));
                            }
                            let value: &RawValue = map.next_value()?;
                            fields.extra.push((key, value.get()));
                            continue;
                        }
                    };
                    if slot.is_some() {
                        return Err(duplicate_key(&key));
                    }
                    *slot = Some(map.next_value()?);
                }
                Ok(fields)
            }
        }

        deserializer.deserialize_map(FieldsVisitor {
            max_keys: self.max_keys,
            keep: self.keep,
        })
    }
}

/// How many keys (besides the envelope's) are checked for one given twice by a scan of those
/// read so far; those after them, by a B-tree as well.
const SCANNED_KEYS: usize = 64;

/// Whether `key` was given before: compared with each of the first keys (`first`, the first
/// [`SCANNED_KEYS`] of the `seen` so far), which copies and hashes nothing, so a key of
/// megabytes costs a comparison of lengths; a key after those is also looked up in, and put
/// into, `later`: serde_json's map of `Value`s, a B-tree (an `IndexMap`, hashed with SipHash's
/// random keys, in a build where serde_json's `preserve_order` is on: as correct). Keys a mini
/// program chooses cost at most the 64 comparisons and the tree's `log n`, however alike they
/// are; and the library has no hash table's code of its own for them.
fn repeated<'k>(
    mut first: impl Iterator<Item = &'k str>,
    seen: usize,
    later: &mut Map<String, Value>,
    key: &str,
) -> bool {
    first.any(|first| first == key)
        || (seen >= SCANNED_KEYS && later.insert(key.to_owned(), Value::Null).is_some())
}

/// The error of a key given twice, the key cut as a reply echoes it: a key of megabytes is not
/// copied into the message, then into the error, then into the reply.
fn duplicate_key<E: de::Error>(key: &str) -> E {
    E::custom(format_args!("{DUPLICATE_KEY}{}", bounded(key)))
}

/// A string that borrows from the input when it holds no escapes.
pub(super) struct CowStr<'a>(pub(super) Cow<'a, str>);

impl<'de> Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CowStrVisitor;

        impl<'de> Visitor<'de> for CowStrVisitor {
            type Value = CowStr<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<CowStr<'de>, E> {
                Ok(CowStr(Cow::Borrowed(s)))
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<CowStr<'de>, E> {
                Ok(CowStr(Cow::Owned(s.to_owned())))
            }

            fn visit_string<E: de::Error>(self, s: String) -> Result<CowStr<'de>, E> {
                Ok(CowStr(Cow::Owned(s)))
            }
        }

        deserializer.deserialize_str(CowStrVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::{KeepKeys, SCANNED_KEYS, read_fields};

    /// An object of `count` keys `k0`, `k1`, …, with `k<again>` given again after the last.
    fn object(count: usize, again: Option<usize>) -> String {
        let mut keys: Vec<String> = (0..count).map(|n| format!(r#""k{n}":{n}"#)).collect();
        keys.extend(again.map(|n| format!(r#""k{n}":0"#)));
        format!("{{{}}}", keys.join(","))
    }

    #[test]
    fn a_key_given_twice_is_found_among_the_scanned_keys_and_those_after_them() {
        let count = SCANNED_KEYS * 3;
        for keep in [KeepKeys::Yes, KeepKeys::No] {
            assert!(read_fields(&object(count, None), usize::MAX, keep).is_ok());
            for again in [0, SCANNED_KEYS - 1, SCANNED_KEYS, count - 1] {
                let error = read_fields(&object(count, Some(again)), usize::MAX, keep)
                    .err()
                    .expect("a key given twice");
                assert_eq!(
                    error.to_string(),
                    format!("invalid call: duplicate key `k{again}`")
                );
            }
        }
    }
}
