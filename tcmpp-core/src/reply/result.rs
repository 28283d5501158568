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
    let marks = Marks::default();
    let mut value = value.serialize(Filtered {
        inner: serde_json::value::Serializer,
        marks: &marks,
        filter: true,
    })?;
    if !marks.filtered.get() {
        if let Value::Object(map) = &mut value {
            strip_reply_keys(map);
        }
    }
    Ok(value)
}

/// `value`'s JSON text, and whether a struct's `errMsg` and `errCode` fields were left out as it
/// was written (`false`: the text is as `serde_json` writes it, and may hold them); `None` when
/// it does not serialize, or not as an object: a struct, a map, a struct or newtype variant, or
/// nothing (`null`, the empty result), seen through options and newtypes. (A raw JSON value is
/// not one: its text could spell `errMsg` with escapes that a search of the text would not see.)
///
/// The shape is found as the value is written, not by a pass of its own, which would be one
/// more instantiation of the value's `Serialize` per handler.
pub(crate) fn result_text<T: Serialize + ?Sized>(value: &T) -> Option<(String, bool)> {
    let marks = Marks::default();
    // Through `to_string`, which knows its bytes are UTF-8 and does not check them again.
    let text = serde_json::to_string(&FilteredValue {
        value,
        marks: &marks,
    })
    .ok()?;
    if !marks.object.get() {
        return None;
    }
    Some((text, marks.filtered.get()))
}

/// What [`Filtered`] learns as it writes a value.
#[derive(Default)]
struct Marks {
    /// A struct's `errMsg` and `errCode` fields were left out at the top level.
    filtered: Cell<bool>,
    /// The value is one of the shapes that render as an object (see [`result_text`]).
    object: Cell<bool>,
}

/// `value`, serialized through [`Filtered`] by whichever serializer is given.
struct FilteredValue<'v, 'f, T: ?Sized> {
    value: &'v T,
    marks: &'f Marks,
}

impl<T: Serialize + ?Sized> Serialize for FilteredValue<'_, '_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Filtered {
            inner: serializer,
            marks: self.marks,
            filter: true,
        })
    }
}

/// Removes `errMsg` and `errCode` from `map`, looking for them first: a removal searches the
/// map, and nearly every result has neither.
pub(crate) fn strip_reply_keys(map: &mut Map<String, Value>) {
    if map.contains_key("errMsg") || map.contains_key("errCode") {
        map.remove("errMsg");
        map.remove("errCode");
    }
}

/// Serializes as `inner` does, noting the value's shape in `marks`; with `filter`, a struct
/// without its `errMsg` and `errCode` fields, setting `marks.filtered`. Options and newtypes
/// are seen through for the shape (as `serde_json` writes them: their content, as it is), not
/// for the filter.
struct Filtered<'f, S> {
    inner: S,
    marks: &'f Marks,
    filter: bool,
}

impl<S> Filtered<'_, S> {
    /// Notes that the value renders as an object, and hands on the serializer.
    fn object(self) -> S {
        self.marks.object.set(true);
        self.inner
    }
}

/// A struct, its `errMsg` and `errCode` fields left out when `filter` (not for serde_json's raw
/// value, a struct whose one field is JSON text, which may hold them).
struct FilteredStruct<'f, S> {
    inner: S,
    marks: &'f Marks,
    filter: bool,
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
    type SerializeStruct = FilteredStruct<'f, S::SerializeStruct>;
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

    // `serde_json`'s serializers write an option's and a newtype's content as it is: written
    // here through `Filtered` again, to see its shape, with the same text and value.
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        value.serialize(Filtered {
            filter: false,
            ..self
        })
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(Filtered {
            filter: false,
            ..self
        })
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

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        let raw = name == RAW_VALUE;
        self.marks.object.set(!raw);
        Ok(FilteredStruct {
            inner: self.inner.serialize_struct(name, len)?,
            marks: self.marks,
            filter: self.filter && !raw,
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

/// serde_json's raw value serializes as a struct of this name, its one field the text.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

impl<S: ser::SerializeStruct> ser::SerializeStruct for FilteredStruct<'_, S> {
    type Ok = S::Ok;
    type Error = S::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        // The reply's own keys: left out, as the renderings leave them out.
        if key == "errMsg" || key == "errCode" {
            return Ok(());
        }
        self.inner.serialize_field(key, value)
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
        self.inner.skip_field(key)
    }

    fn end(self) -> Result<S::Ok, S::Error> {
        // A raw value's text, or a struct inside an option or a newtype, may hold the keys:
        // it is searched once it is written.
        self.marks.filtered.set(self.filter);
        self.inner.end()
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde_json::value::RawValue;

    use super::result_text;

    #[derive(Serialize)]
    struct Point {
        x: u8,
        #[serde(rename = "errMsg")]
        message: &'static str,
    }

    #[derive(Serialize)]
    struct Wrapped(Point);

    #[derive(Serialize)]
    enum Shape {
        Unit,
        Newtype(u8),
        Tuple(u8, u8),
        Struct { x: u8 },
    }

    /// The shapes that render as an object are found as the value is written, through options
    /// and newtypes; a struct is filtered only at the top level.
    #[test]
    fn the_shape_is_found_as_the_value_is_written() {
        let point = Point { x: 1, message: "m" };
        assert_eq!(result_text(&point), Some((r#"{"x":1}"#.to_owned(), true)));
        let inside = Some(Wrapped(Point { x: 1, message: "m" }));
        assert_eq!(
            result_text(&inside),
            Some((r#"{"x":1,"errMsg":"m"}"#.to_owned(), false))
        );
        assert_eq!(result_text(&()), Some(("null".to_owned(), false)));
        assert_eq!(result_text(&None::<u8>), Some(("null".to_owned(), false)));
        let map = std::collections::BTreeMap::from([("a", 1)]);
        assert_eq!(result_text(&map), Some((r#"{"a":1}"#.to_owned(), false)));
        assert!(result_text(&Shape::Newtype(1)).is_some());
        assert!(result_text(&Shape::Struct { x: 1 }).is_some());
        for other in [
            &Shape::Unit as &dyn erased::Text,
            &Shape::Tuple(1, 2),
            &1u8,
            &"s",
            &[1u8],
        ] {
            assert_eq!(other.text(), None);
        }
        assert_eq!(result_text(&Some(1u8)), None);
        let raw = RawValue::from_string(r#"{"a":1}"#.to_owned()).unwrap();
        assert_eq!(result_text(&raw), None);
        assert_eq!(result_text(&Some(raw)), None);
    }

    /// `result_text` of values of several types in one list.
    mod erased {
        pub(super) trait Text {
            fn text(&self) -> Option<(String, bool)>;
        }

        impl<T: serde::Serialize> Text for T {
            fn text(&self) -> Option<(String, bool)> {
                super::result_text(self)
            }
        }
    }
}
