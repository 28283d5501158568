//! A handler's result as the map of a [`Reply::Success`](super::Reply::Success): serialized
//! straight into a `serde_json` map, without the result's own `errMsg` and `errCode`, which
//! would contradict the reply's routing.
//!
//! A struct's fields are named by the program, so the two are left out as the struct is
//! serialized: a comparison of each field's name, no search of the map afterwards (which cost
//! a seed call about 2 % more). Any other result (a map, an `Option`, a raw value) is searched
//! once it is built.

use serde::ser::{self, Serialize, Serializer};
use serde_json::{Map, Value};

use serde_json::value::Serializer as Values;
type Error = serde_json::Error;

/// `value` as JSON, without `errMsg` and `errCode` among its top-level keys.
pub(crate) fn result_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, Error> {
    let (mut value, filtered) = value.serialize(ResultSerializer)?;
    if !filtered {
        if let Value::Object(map) = &mut value {
            strip_reply_keys(map);
        }
    }
    Ok(value)
}

/// Removes `errMsg` and `errCode` from `map`, looking for them first: a removal searches the
/// map, and nearly every result has neither.
pub(crate) fn strip_reply_keys(map: &mut Map<String, Value>) {
    if map.contains_key("errMsg") || map.contains_key("errCode") {
        map.remove("errMsg");
        map.remove("errCode");
    }
}

/// Serializes as `serde_json::value::Serializer` does, and says whether the value was a struct
/// whose `errMsg` and `errCode` fields were left out as it was serialized.
struct ResultSerializer;

/// A struct, its `errMsg` and `errCode` fields left out; `raw` for serde_json's raw value, a
/// struct whose one field is JSON text, which may hold them.
struct ResultStruct {
    inner: <Values as Serializer>::SerializeStruct,
    raw: bool,
}

/// Another compound value, serialized as `serde_json` does.
struct Unfiltered<S>(S);

macro_rules! delegate {
    ($($method:ident($($arg:ident: $ty:ty),*))*) => {
        $(
            fn $method(self, $($arg: $ty),*) -> Result<(Value, bool), Error> {
                Values.$method($($arg),*).map(|value| (value, false))
            }
        )*
    };
}

impl Serializer for ResultSerializer {
    type Ok = (Value, bool);
    type Error = Error;
    type SerializeSeq = Unfiltered<<Values as Serializer>::SerializeSeq>;
    type SerializeTuple = Unfiltered<<Values as Serializer>::SerializeTuple>;
    type SerializeTupleStruct = Unfiltered<<Values as Serializer>::SerializeTupleStruct>;
    type SerializeTupleVariant = Unfiltered<<Values as Serializer>::SerializeTupleVariant>;
    type SerializeMap = Unfiltered<<Values as Serializer>::SerializeMap>;
    type SerializeStruct = ResultStruct;
    type SerializeStructVariant = Unfiltered<<Values as Serializer>::SerializeStructVariant>;

    delegate! {
        serialize_bool(v: bool) serialize_i8(v: i8) serialize_i16(v: i16) serialize_i32(v: i32)
        serialize_i64(v: i64) serialize_i128(v: i128) serialize_u8(v: u8) serialize_u16(v: u16)
        serialize_u32(v: u32) serialize_u64(v: u64) serialize_u128(v: u128)
        serialize_f32(v: f32) serialize_f64(v: f64) serialize_char(v: char)
        serialize_str(v: &str) serialize_bytes(v: &[u8]) serialize_none() serialize_unit()
        serialize_unit_struct(name: &'static str)
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(Value, bool), Error> {
        Values.serialize_some(value).map(|value| (value, false))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(Value, bool), Error> {
        Values
            .serialize_newtype_struct(name, value)
            .map(|value| (value, false))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(Value, bool), Error> {
        Values
            .serialize_newtype_variant(name, index, variant, value)
            .map(|value| (value, false))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Values.serialize_seq(len).map(Unfiltered)
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, Error> {
        Values.serialize_tuple(len).map(Unfiltered)
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Values.serialize_tuple_struct(name, len).map(Unfiltered)
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Values
            .serialize_tuple_variant(name, index, variant, len)
            .map(Unfiltered)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Values.serialize_map(len).map(Unfiltered)
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<ResultStruct, Error> {
        Values
            .serialize_struct(name, len)
            .map(|inner| ResultStruct {
                inner,
                raw: name == RAW_VALUE,
            })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Values
            .serialize_struct_variant(name, index, variant, len)
            .map(Unfiltered)
    }
}

/// serde_json's raw value serializes as a struct of this name, its one field the text.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

impl ser::SerializeStruct for ResultStruct {
    type Ok = (Value, bool);
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        // The reply's own keys: left out, as the renderings leave them out.
        if key == "errMsg" || key == "errCode" {
            return Ok(());
        }
        self.inner.serialize_field(key, value)
    }

    fn end(self) -> Result<(Value, bool), Error> {
        // A raw value's text may hold the keys: it is searched once it is read.
        let raw = self.raw;
        ser::SerializeStruct::end(self.inner).map(|value| (value, !raw))
    }
}

macro_rules! unfiltered {
    ($trait:ident, $($method:ident)*) => {
        impl<S: ser::$trait<Ok = Value, Error = Error>> ser::$trait for Unfiltered<S> {
            type Ok = (Value, bool);
            type Error = Error;
            $(
                fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                    self.0.$method(value)
                }
            )*
            fn end(self) -> Result<(Value, bool), Error> {
                self.0.end().map(|value| (value, false))
            }
        }
    };
}

unfiltered!(SerializeSeq, serialize_element);
unfiltered!(SerializeTuple, serialize_element);
unfiltered!(SerializeTupleStruct, serialize_field);
unfiltered!(SerializeTupleVariant, serialize_field);

impl<S: ser::SerializeMap<Ok = Value, Error = Error>> ser::SerializeMap for Unfiltered<S> {
    type Ok = (Value, bool);
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.0.serialize_key(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.0.serialize_value(value)
    }

    fn end(self) -> Result<(Value, bool), Error> {
        self.0.end().map(|value| (value, false))
    }
}

impl<S: ser::SerializeStructVariant<Ok = Value, Error = Error>> ser::SerializeStructVariant
    for Unfiltered<S>
{
    type Ok = (Value, bool);
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.0.serialize_field(key, value)
    }

    fn end(self) -> Result<(Value, bool), Error> {
        self.0.end().map(|value| (value, false))
    }
}
