//! A handler's result without its own `errMsg` and `errCode`, which would contradict the
//! reply's routing: serialized straight into a `serde_json` map (a [`Reply::Success`]) or into
//! text (a rendered reply).
//!
//! A struct's fields are named by the program, so the two are left out as the struct is
//! serialized: a comparison of each field's name, no search of the map or the text afterwards
//! (which cost a seed call 1 to 2 % more). Any other result (a map, an `Option`, a raw value)
//! is searched once it is written.
//!
//! [`Reply::Success`]: super::Reply::Success

use std::cell::Cell;

use serde::ser::{self, Serialize, Serializer};
use serde_json::{Map, Value};

/// `value` as JSON, without `errMsg` and `errCode` among its top-level keys.
pub(crate) fn result_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, serde_json::Error> {
    let shape = Cell::new(Shape::Other);
    let mut value = value.serialize(Filtered {
        inner: serde_json::value::Serializer,
        shape: &shape,
    })?;
    if shape.get() != Shape::FilteredStruct {
        if let Value::Object(map) = &mut value {
            strip_reply_keys(map);
        }
    }
    Ok(value)
}

/// `value`'s JSON text, and whether a struct's `errMsg` and `errCode` fields were left out as it
/// was written (`false`: the text is as `serde_json` writes it, and may hold them); `None` when
/// it does not serialize, or not as an object: a struct, a map, a struct or newtype variant,
/// or nothing (`null`, the empty result), seen through options and newtype structs. (A raw JSON
/// value is not one: its text could spell `errMsg` with escapes that a search of the text would
/// not see, and its white space is its own.)
///
/// The shape is noted as the value is written, not found by a pass of its own, which would be
/// one more instantiation of the value's `Serialize` per handler. The price is paid by the
/// other shapes only: a result that is not an object (a fail reply) or a raw value is written
/// here in full, and its text thrown away for the path through a `Value`.
pub(crate) fn result_text<T: Serialize + ?Sized>(value: &T) -> Option<(String, bool)> {
    let shape = Cell::new(Shape::Other);
    // Through `to_string`, which knows its bytes are UTF-8 and does not check them again.
    let text = serde_json::to_string(&FilteredValue {
        value,
        shape: &shape,
    })
    .ok()?;
    match shape.get() {
        Shape::Other => None,
        Shape::Object => Some((text, false)),
        Shape::FilteredStruct => Some((text, true)),
    }
}

/// What [`Filtered`] notes of the value it writes, at its top level (through options and
/// newtype structs).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Not an object, nor nothing: a number, a string, a sequence, a unit variant, a raw value.
    Other,
    /// A map, a struct or newtype variant, or nothing.
    Object,
    /// A struct, its `errMsg` and `errCode` fields left out as it was written.
    FilteredStruct,
}

/// `value`, serialized through [`Filtered`] by whichever serializer is given.
struct FilteredValue<'v, 'f, T: ?Sized> {
    value: &'v T,
    shape: &'f Cell<Shape>,
}

impl<T: Serialize + ?Sized> Serialize for FilteredValue<'_, '_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Filtered {
            inner: serializer,
            shape: self.shape,
        })
    }
}

/// Removes `errMsg` and `errCode` from `map`; [`take_keys`](crate::json::take_keys) looks for them
/// first, and nearly every result has neither.
pub(crate) fn strip_reply_keys(map: &mut Map<String, Value>) {
    crate::json::take_keys(map, "errMsg", Some("errCode"));
}

/// Serializes as `inner` does, noting the value's [`Shape`]; a struct at the top level (through
/// options and newtype structs, which `serde_json` writes as their content) without its
/// `errMsg` and `errCode` fields.
struct Filtered<'f, S> {
    inner: S,
    shape: &'f Cell<Shape>,
}

impl<S> Filtered<'_, S> {
    /// Notes that the value renders as an object, and hands on the serializer.
    #[inline]
    fn object(self) -> S {
        self.shape.set(Shape::Object);
        self.inner
    }
}

/// A struct, its `errMsg` and `errCode` fields left out: written as the map `serde_json` makes
/// of it, or, for `serde_json`'s own structs (a raw value, whose one field is JSON text that
/// may hold the keys; a number with `arbitrary_precision`), as the struct.
struct FilteredStruct<'f, St, M> {
    inner: Fields<St, M>,
    shape: &'f Cell<Shape>,
}

/// Where a struct's fields are written.
enum Fields<St, M> {
    /// One of `serde_json`'s own structs.
    Private(St),
    /// Any other struct, as the map `serde_json`'s serializers write it as: its fields written
    /// here by `serialize_key` and `serialize_value`, which `serde_json` inlines, not by the
    /// default `serialize_entry` a struct's field goes through, whose being inlined or not into
    /// the result's `Serialize` moved the seed call by 80 instructions from one build to the
    /// next (measured, docs/PERFORMANCE.md).
    Map(M),
}

macro_rules! delegate {
    ($($method:ident($($arg:ident: $ty:ty),*))*) => {
        $(
            fn $method(self, $($arg: $ty),*) -> Result<S::Ok, S::Error> {
                self.inner.$method($($arg),*)
            }
        )*
    };
}

impl<'f, S: Serializer> Serializer for Filtered<'f, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = S::SerializeSeq;
    type SerializeTuple = S::SerializeTuple;
    type SerializeTupleStruct = S::SerializeTupleStruct;
    type SerializeTupleVariant = S::SerializeTupleVariant;
    type SerializeMap = S::SerializeMap;
    type SerializeStruct = FilteredStruct<'f, S::SerializeStruct, S::SerializeMap>;
    type SerializeStructVariant = S::SerializeStructVariant;

    delegate! {
        serialize_bool(v: bool) serialize_i8(v: i8) serialize_i16(v: i16) serialize_i32(v: i32)
        serialize_i64(v: i64) serialize_i128(v: i128) serialize_u8(v: u8) serialize_u16(v: u16)
        serialize_u32(v: u32) serialize_u64(v: u64) serialize_u128(v: u128)
        serialize_f32(v: f32) serialize_f64(v: f64) serialize_char(v: char)
        serialize_str(v: &str) serialize_bytes(v: &[u8])
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str)
    }

    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.object().serialize_none()
    }

    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.object().serialize_unit()
    }

    fn serialize_unit_struct(self, name: &'static str) -> Result<S::Ok, S::Error> {
        self.object().serialize_unit_struct(name)
    }

    // Both of `serde_json`'s serializers write an option's and a newtype struct's content as
    // it is: written here through `Filtered` again, to see its shape, with the same output.
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.object()
            .serialize_newtype_variant(name, index, variant, value)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<S::SerializeSeq, S::Error> {
        self.inner.serialize_seq(len)
    }

    fn serialize_tuple(self, len: usize) -> Result<S::SerializeTuple, S::Error> {
        self.inner.serialize_tuple(len)
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<S::SerializeTupleStruct, S::Error> {
        self.inner.serialize_tuple_struct(name, len)
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<S::SerializeTupleVariant, S::Error> {
        self.inner
            .serialize_tuple_variant(name, index, variant, len)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<S::SerializeMap, S::Error> {
        self.object().serialize_map(len)
    }

    #[inline]
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        // Both of `serde_json`'s serializers write a struct that is not one of their own as
        // the map of its fields (`serialize_map(Some(len))`).
        let inner = if name.starts_with(SERDE_JSON_PRIVATE) {
            Fields::Private(self.inner.serialize_struct(name, len)?)
        } else {
            Fields::Map(self.inner.serialize_map(Some(len))?)
        };
        Ok(FilteredStruct {
            inner,
            shape: self.shape,
        })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<S::SerializeStructVariant, S::Error> {
        self.object()
            .serialize_struct_variant(name, index, variant, len)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// How the names of `serde_json`'s own structs start: its raw value serializes as a struct
/// named `$serde_json::private::RawValue`, its one field the text.
const SERDE_JSON_PRIVATE: &str = "$serde_json::private::";

impl<St, M> ser::SerializeStruct for FilteredStruct<'_, St, M>
where
    St: ser::SerializeStruct,
    M: ser::SerializeMap<Ok = St::Ok, Error = St::Error>,
{
    type Ok = St::Ok;
    type Error = St::Error;

    #[inline(always)]
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), St::Error> {
        match &mut self.inner {
            Fields::Map(map) => {
                // The reply's own keys: left out, as the renderings leave them out.
                if key == "errMsg" || key == "errCode" {
                    return Ok(());
                }
                map.serialize_key(key)?;
                map.serialize_value(value)
            }
            Fields::Private(inner) => inner.serialize_field(key, value),
        }
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), St::Error> {
        match &mut self.inner {
            // `serde_json` skips a field by writing nothing.
            Fields::Map(_) => Ok(()),
            Fields::Private(inner) => inner.skip_field(key),
        }
    }

    #[inline]
    fn end(self) -> Result<St::Ok, St::Error> {
        match self.inner {
            Fields::Map(map) => {
                self.shape.set(Shape::FilteredStruct);
                map.end()
            }
            // A raw value is not an object here: its text may hold the keys, which the map
            // path reads and leaves out.
            Fields::Private(inner) => inner.end(),
        }
    }
}
