//! [`Tracked`], the second pass's deserializer of a borrowed [`Value`]: `serde_json`'s
//! deserializer of `&Value`, followed in what it accepts and refuses, with the path kept.

use serde::de::{self, Deserializer, Error as _, Unexpected, Visitor};
use serde_json::{Error, Map, Number, Value};

use super::access::{Entries, Seq, Variant};
use super::{Tracker, Tracking};

/// A deserializer of a borrowed value that keeps its path in `tracker`, if any.
pub(crate) struct Tracked<'de, 't> {
    pub(super) value: &'de Value,
    pub(super) tracker: Tracking<'t, 'de>,
}

impl<'de, 't> Tracked<'de, 't> {
    /// The second pass over `value`, its path kept in `tracker`.
    pub(in crate::data) fn new(value: &'de Value, tracker: &'t Tracker<'de>) -> Self {
        Tracked {
            value,
            tracker: Tracking::kept_in(tracker),
        }
    }

    /// The typed pass over `value`: as `serde_json`'s deserializer of `&Value`, nothing kept.
    pub(in crate::data) fn typed(value: &'de Value) -> Self {
        Tracked {
            value,
            tracker: Tracking::NONE,
        }
    }
}

/// The data of a call that sent none, told from `null` by its address: an empty object to
/// structs and maps, `None` to options, unit to `()`, and "no data" to everything else. The
/// typed pass of absent data takes it too, so that it shares its decoder with the second pass.
pub(in crate::data) static ABSENT: Value = Value::Null;

/// The name `serde_json`'s `RawValue` deserializes itself by.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

fn is_absent(value: &Value) -> bool {
    std::ptr::eq(value, &ABSENT)
}

/// What absent data is to a struct or a map.
fn no_entries() -> &'static Map<String, Value> {
    // A `OnceLock`, which the library has for its registry, not a `LazyLock` of its own (with
    // its poisoning and its message).
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

/// What a value is, as serde's errors name it.
fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null if is_absent(value) => Unexpected::Other("no data"),
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => number_unexpected(n),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

fn number_unexpected(n: &Number) -> Unexpected<'static> {
    if let Some(u) = n.as_u64() {
        Unexpected::Unsigned(u)
    } else if let Some(i) = n.as_i64() {
        Unexpected::Signed(i)
    } else {
        Unexpected::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// The refusal of a sequence or map of `len` entries that the visitor did not take all of.
#[cold]
fn too_long(len: usize, expected: &'static str) -> Error {
    Error::invalid_length(len, &expected)
}

pub(super) fn invalid_type(value: &Value, expected: &dyn de::Expected) -> Error {
    Error::invalid_type(unexpected(value), expected)
}

impl<'de, 't> Tracked<'de, 't> {
    #[inline]
    pub(super) fn seq<V: Visitor<'de>>(
        self,
        array: &'de [Value],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut seq = Seq {
            iter: array.iter(),
            index: 0,
            tracker: self.tracker,
        };
        match visitor.visit_seq(&mut seq) {
            Ok(value) if seq.iter.len() == 0 => Ok(value),
            Ok(_) => Err(too_long(array.len(), "fewer elements in array")),
            Err(error) => Err(error),
        }
    }

    /// A struct's data that is not an object: a sequence, absent data, or a refusal.
    #[inline(never)]
    fn not_object<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.value {
            Value::Array(a) => {
                self.tracker.record(fields);
                self.seq(a, visitor)
            }
            Value::Null if is_absent(self.value) => self.map(no_entries(), visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    // Out of line: placed in the data type's `deserialize`, it kept that from being inlined
    // into the typed pass (measured on the typed seed call).
    #[inline(never)]
    pub(super) fn map<V: Visitor<'de>>(
        self,
        object: &'de Map<String, Value>,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut map = Entries {
            iter: object.iter(),
            key: "",
            value: None,
            tracker: self.tracker,
        };
        match visitor.visit_map(&mut map) {
            Ok(value) if map.iter.len() == 0 => Ok(value),
            Ok(_) => Err(too_long(object.len(), "fewer elements in map")),
            Err(error) => Err(error),
        }
    }
}

/// Deserializer methods for numbers: a number visits as itself, anything else is refused.
/// The number is asked by the same method, as `serde_json`'s deserializer of a `Value` asks
/// it: with `serde_json`'s `arbitrary_precision` feature (which any crate of a host may turn
/// on) that reads the number's text as the type asked for, where `deserialize_any` would visit
/// the text itself; without it, the two are one.
macro_rules! numbers {
    ($($method:ident)*) => {
        $(
            #[inline]
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                match self.value {
                    Value::Number(n) => n.$method(visitor),
                    other => Err(invalid_type(other, &visitor)),
                }
            }
        )*
    };
}

impl<'de> Deserializer<'de> for Tracked<'de, '_> {
    type Error = Error;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null if is_absent(self.value) => self.map(no_entries(), visitor),
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => n.deserialize_any(visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(a) => self.seq(a, visitor),
            Value::Object(o) => self.map(o, visitor),
        }
    }

    numbers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Bool(b) => visitor.visit_bool(*b),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    #[inline]
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    #[inline]
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(a) => self.seq(a, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        // A `Box<RawValue>` is handed the value's text, as `serde_json` hands it: a map of one
        // entry under the name, to a visitor that knows it. Absent data has no text: it is
        // refused below, as "no data" is to every type that is not an object or an option.
        if name == RAW_VALUE && !is_absent(self.value) {
            return visitor.visit_map(de::value::MapDeserializer::<_, Error>::new(
                std::iter::once((RAW_VALUE, crate::json::text_of(self.value))),
            ));
        }
        visitor.visit_newtype_struct(self)
    }

    #[inline]
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Array(a) => self.seq(a, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    #[inline]
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null if is_absent(self.value) => self.map(no_entries(), visitor),
            Value::Object(o) => self.map(o, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // An object here, everything else out of line: the typed pass's common case is small
        // enough for the caller to take in (measured on the typed seed call).
        if let Value::Object(o) = self.value {
            self.tracker.record(fields);
            return self.map(o, visitor);
        }
        self.not_object(fields, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if is_absent(self.value) {
            return Err(invalid_type(self.value, &visitor));
        }
        self.tracker.record(variants);
        let (variant, value) = match self.value {
            Value::Object(o) => {
                let mut entries = o.iter();
                match (entries.next(), entries.next()) {
                    (Some((variant, value)), None) => (variant.as_str(), Some(value)),
                    _ => {
                        return Err(Error::invalid_value(
                            Unexpected::Map,
                            &"map with a single key",
                        ));
                    }
                }
            }
            Value::String(variant) => (variant.as_str(), None),
            other => return Err(invalid_type(other, &"string or map")),
        };
        visitor.visit_enum(Variant {
            variant,
            value,
            tracker: self.tracker,
        })
    }

    #[inline]
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}
