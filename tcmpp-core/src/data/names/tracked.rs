//! [`Tracked`], the second pass's deserializer of a borrowed [`Value`]: `serde_json`'s
//! deserializer of `&Value`, followed in what it accepts and refuses, with the path kept.

use serde::de::{self, Deserializer, Error as _, Unexpected, Visitor};
use serde_json::{Error, Map, Number, Value};

use super::Tracker;
use super::access::{Entries, Seq, Variant};

/// A deserializer of a borrowed value that keeps its path in `tracker`.
pub(in crate::data) struct Tracked<'de, 't> {
    pub(in crate::data) value: &'de Value,
    pub(in crate::data) tracker: &'t Tracker<'de>,
}

/// The data of a call that sent none, told from `null` by its address: an empty object to
/// structs and maps, `None` to options, unit to `()`, and "no data" to everything else. The
/// typed pass of absent data takes it too, so that it shares its decoder with the second pass.
pub(in crate::data) static ABSENT: Value = Value::Null;

fn is_absent(value: &Value) -> bool {
    std::ptr::eq(value, &ABSENT)
}

/// What absent data is to a struct or a map.
fn no_entries() -> &'static Map<String, Value> {
    static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
    &EMPTY
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

pub(super) fn invalid_type(value: &Value, expected: &dyn de::Expected) -> Error {
    Error::invalid_type(unexpected(value), expected)
}

impl<'de, 't> Tracked<'de, 't> {
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
        let value = visitor.visit_seq(&mut seq)?;
        if seq.iter.len() == 0 {
            Ok(value)
        } else {
            Err(Error::invalid_length(
                array.len(),
                &"fewer elements in array",
            ))
        }
    }

    pub(super) fn map<V: Visitor<'de>>(
        self,
        object: &'de Map<String, Value>,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut map = Entries {
            iter: object.iter(),
            value: None,
            tracker: self.tracker,
        };
        let value = visitor.visit_map(&mut map)?;
        if map.iter.len() == 0 {
            Ok(value)
        } else {
            Err(Error::invalid_length(
                object.len(),
                &"fewer elements in map",
            ))
        }
    }
}

/// Deserializer methods for numbers: a number visits as itself, anything else is refused.
macro_rules! numbers {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                match self.value {
                    Value::Number(n) => n.deserialize_any(visitor),
                    other => Err(invalid_type(other, &visitor)),
                }
            }
        )*
    };
}

impl<'de> Deserializer<'de> for Tracked<'de, '_> {
    type Error = Error;

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

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            other => Err(invalid_type(other, &visitor)),
        }
    }

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
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

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

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null if is_absent(self.value) => self.map(no_entries(), visitor),
            Value::Object(o) => self.map(o, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if is_absent(self.value) {
            return self.map(no_entries(), visitor);
        }
        self.tracker.record(fields);
        match self.value {
            Value::Array(a) => self.seq(a, visitor),
            Value::Object(o) => self.map(o, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
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

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}
