//! What [`Tracked`](super::Tracked) hands a visitor: a sequence's elements, a map's entries
//! and keys, an enum's variant, each value at its segment of the path.

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, Error as _, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};
use serde_json::{Error, Value};

use super::tracked::invalid_type;
use super::{Segment, Tracked, Tracking, at};

/// A sequence's elements, each at its index.
pub(super) struct Seq<'de, 't> {
    pub(super) iter: std::slice::Iter<'de, Value>,
    pub(super) index: usize,
    pub(super) tracker: Tracking<'t, 'de>,
}

impl<'de> SeqAccess<'de> for Seq<'de, '_> {
    type Error = Error;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.iter.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        at(self.tracker, Segment::Seq(index), value, seed).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// A map's entries, each value at its key.
pub(super) struct Entries<'de, 't> {
    pub(super) iter: serde_json::map::Iter<'de>,
    /// The key of the entry whose value is next, and the value, until it is taken.
    pub(super) key: &'de str,
    pub(super) value: Option<&'de Value>,
    pub(super) tracker: Tracking<'t, 'de>,
}

impl<'de> MapAccess<'de> for Entries<'de, '_> {
    type Error = Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.key = key;
        self.value = Some(value);
        // `match`es, not `?`, `map` and `is_err`: each of those is one more function per data
        // type in a debug build, where this is built once per handler.
        let Some(kept) = self.tracker.0 else {
            return match seed.deserialize(Key(key)) {
                Ok(key) => Ok(Some(key)),
                Err(error) => Err(error),
            };
        };
        // A key that does not fit (an unknown field) fails at the key itself. Not `?`, whose
        // conversion into this function's result is one more function per data type.
        #[allow(clippy::question_mark)]
        if let Err(error) = kept.enter(Segment::Key(key)) {
            return Err(error);
        }
        match seed.deserialize(Key(key)) {
            Ok(key) => {
                kept.leave(false);
                Ok(Some(key))
            }
            Err(error) => {
                kept.leave(true);
                Err(error)
            }
        }
    }

    #[inline]
    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        match self.value.take() {
            Some(value) => at(self.tracker, Segment::Key(self.key), value, seed),
            None => Err(Error::custom("value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// A map's key: a string, or the number or boolean it spells for a map keyed by those.
struct Key<'de>(&'de str);

/// Key methods for numbers, as `serde_json`'s deserializer of a `Value` reads a map's key: a
/// number read by its text reader that starts the key and ends it, or the same refusal.
macro_rules! numeric_keys {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                if !matches!(self.0.as_bytes().first(), Some(b'0'..=b'9' | b'-')) {
                    return Err(not_numeric());
                }
                let mut reader = serde_json::Deserializer::from_str(self.0);
                let number = reader.$method(visitor)?;
                // Nothing may follow the number, not even the white space `end` passes over.
                if self.0.ends_with([' ', '\n', '\t', '\r']) || reader.end().is_err() {
                    return Err(not_numeric());
                }
                Ok(number)
            }
        )*
    };
}

/// `serde_json`'s refusal of a key that is not a number where one was expected.
#[cold]
fn not_numeric() -> Error {
    Error::custom("invalid value: expected key to be a number in quotes")
}

impl<'de> Deserializer<'de> for Key<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str(self.0)
    }

    numeric_keys! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            key => Err(Error::invalid_type(Unexpected::Str(key), &visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(de::value::BorrowedStrDeserializer::new(self.0))
    }

    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

/// An enum's variant, and its content when it has some.
pub(super) struct Variant<'de, 't> {
    pub(super) variant: &'de str,
    pub(super) value: Option<&'de Value>,
    pub(super) tracker: Tracking<'t, 'de>,
}

impl<'de, 't> EnumAccess<'de> for Variant<'de, 't> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), Error> {
        // An unknown variant fails at the variant itself.
        self.tracker.enter(Segment::Variant(self.variant))?;
        let result = seed.deserialize(de::value::BorrowedStrDeserializer::<Error>::new(
            self.variant,
        ));
        self.tracker.leave(result.is_err());
        Ok((result?, self))
    }
}

impl<'de> Variant<'de, '_> {
    /// The variant's content, or the error of a unit variant where `expected` was wanted.
    fn content(&self, expected: &'static str) -> Result<&'de Value, Error> {
        match self.value {
            Some(value) => Ok(value),
            None => Err(Error::invalid_type(Unexpected::UnitVariant, &expected)),
        }
    }

    /// Runs `visit` on the variant's content, at the variant's segment.
    fn inside<T>(
        &self,
        visit: impl FnOnce(Tracked<'de, '_>) -> Result<T, Error>,
        value: &'de Value,
    ) -> Result<T, Error> {
        self.tracker.enter(Segment::Variant(self.variant))?;
        let result = visit(Tracked {
            value,
            tracker: self.tracker,
        });
        self.tracker.leave(result.is_err());
        result
    }
}

impl<'de> VariantAccess<'de> for Variant<'de, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.value {
            Some(value) => self.inside(|d| de::Deserialize::deserialize(d), value),
            None => Ok(()),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let value = self.content("newtype variant")?;
        self.inside(|d| seed.deserialize(d), value)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        let value = self.content("tuple variant")?;
        self.inside(
            |d| match d.value {
                Value::Array(a) if a.is_empty() => visitor.visit_unit(),
                Value::Array(a) => d.seq(a, visitor),
                other => Err(invalid_type(other, &"tuple variant")),
            },
            value,
        )
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.tracker.record(fields);
        let value = self.content("struct variant")?;
        self.inside(
            |d| match d.value {
                Value::Object(o) => d.map(o, visitor),
                other => Err(invalid_type(other, &"struct variant")),
            },
            value,
        )
    }
}
