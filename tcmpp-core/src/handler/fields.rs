//! What a handler's data type reads, asked of the type itself when its `describe` hook runs:
//! the per-handler half of the probes the client types check their schemas with.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

/// Whether the data type reads a JSON text.
pub(crate) type Accepts = fn(&str) -> bool;

/// `T`'s [`Accepts`].
pub(crate) fn accepts<T: serde::de::DeserializeOwned>(text: &str) -> bool {
    serde_json::from_str::<T>(text).is_ok()
}

/// The names serde reads for `T`'s fields, aliases included, when `T` is a struct without
/// `flatten` (serde's `FIELDS`); `None` otherwise.
pub(crate) fn field_names<T: serde::de::DeserializeOwned>() -> Option<&'static [&'static str]> {
    let mut probe = FieldsProbe { fields: None };
    let _ = T::deserialize(&mut probe);
    probe.fields
}

/// A deserializer that only records the field names a struct asks for.
struct FieldsProbe {
    fields: Option<&'static [&'static str]>,
}

#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("probed")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> Deserializer<'de> for &mut FieldsProbe {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        self.fields = Some(fields);
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}
