//! The typed pass of text: `serde_json`'s reader, with a struct at the top read as a map.
//!
//! `serde_json`'s `deserialize_struct` reads an object or an array, so a data type's visitor is
//! built twice for text (a map access and a sequence access) and once more for a `Value`
//! ([`Tracked`](super::Tracked)). Data is nearly always an object: [`TopLevel`] reads a struct that
//! is one by `deserialize_map` (the same code for an object, without the array case), and refuses
//! anything else with a cue ([`NOT_AN_OBJECT`]) on which [`from_text`] reads the text as a `Value`
//! and decodes that with the `Value` decoder the type already has, on that cold path only. An array
//! given for a struct is thus decoded as `serde_json` decodes it from a `Value`; the words differ
//! from the text reader's only for an array longer than the struct ("invalid length", not "trailing
//! characters") and for text that a `Value` cannot hold (a number out of `f64`'s range, a lone
//! surrogate, which `serde_json` then calls an "unexpected end of hex escape"), refused for that
//! before anything else in the array. The reply never shows the text reader's "at line 1 column
//! N" either way: refusals are placed by path, not by position.

use serde::de::{DeserializeOwned, Deserializer, Error as _, Visitor};
use serde_json::de::StrRead;
use serde_json::{Error, Value};

use super::Tracked;

/// The error [`TopLevel`] answers a struct with when the text is not an object: the cue for the
/// `Value` route. Text no mini program's data makes `serde_json` say.
const NOT_AN_OBJECT: &str = "\u{0}tcmpp: not an object\u{0}";

/// `T` from `text`, as `serde_json::from_str` reads it, but for a struct whose text is not an
/// object (see [`not_an_object`]).
pub(crate) fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    let mut reader = serde_json::Deserializer::from_str(text);
    let top = TopLevel {
        object: starts_an_object(text),
        inner: &mut reader,
    };
    // `match`es, not `?`: each `?` is one more function per data type in a debug build.
    let value = match T::deserialize(top) {
        Ok(value) => value,
        Err(error) => return refused(error, text),
    };
    match reader.end() {
        Ok(()) => Ok(value),
        Err(error) => Err(error),
    }
}

/// The typed pass's refusal of `text`, or, for a struct's data that is not an object, `T` from
/// `text` read as a `Value` first.
#[cold]
#[inline(never)]
fn refused<T: DeserializeOwned>(error: Error, text: &str) -> Result<T, Error> {
    match as_value(error, text) {
        Ok(value) => T::deserialize(Tracked::typed(&value)),
        Err(error) => Err(error),
    }
}

/// Whether `T::deserialize` failed because a struct's text is not an object.
#[cold]
fn not_an_object(error: &Error) -> bool {
    error.is_data() && error.line() == 0 && error.to_string() == NOT_AN_OBJECT
}

/// The text of a struct that is not an object, as a `Value`; `error` itself when the typed pass
/// failed for another reason. Not generic: all of [`refused`] that does not decode `T`.
#[cold]
#[inline(never)]
fn as_value(error: Error, text: &str) -> Result<Value, Error> {
    if !not_an_object(&error) {
        return Err(error);
    }
    serde_json::from_str(text)
}

/// [`TopLevel`]'s answer to a struct that is not an object.
#[cold]
fn not_an_object_error() -> Error {
    Error::custom(NOT_AN_OBJECT)
}

/// Whether JSON text starts with `{`, after white space.
#[inline]
fn starts_an_object(text: &str) -> bool {
    // A loop over bytes, which sees the common case (no white space) in one test.
    for byte in text.bytes() {
        match byte {
            b'{' => return true,
            b' ' | b'\n' | b'\t' | b'\r' => {}
            _ => return false,
        }
    }
    false
}

/// `serde_json`'s deserializer of the whole text, but for a struct: read as a map when the text
/// is an object, refused with [`NOT_AN_OBJECT`] when not.
struct TopLevel<'r, 'de> {
    inner: &'r mut serde_json::Deserializer<StrRead<'de>>,
    object: bool,
}

/// Deserializer methods handed to `serde_json`'s as they are.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            #[inline]
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Error> {
                self.inner.$method($($arg,)* visitor)
            }
        )*
    };
}

impl<'de> Deserializer<'de> for TopLevel<'_, 'de> {
    type Error = Error;

    forward! {
        deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16();
        deserialize_i32(); deserialize_i64(); deserialize_i128(); deserialize_u8();
        deserialize_u16(); deserialize_u32(); deserialize_u64(); deserialize_u128();
        deserialize_f32(); deserialize_f64(); deserialize_char(); deserialize_str();
        deserialize_string(); deserialize_bytes(); deserialize_byte_buf(); deserialize_option();
        deserialize_unit(); deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str); deserialize_seq();
        deserialize_tuple(len: usize); deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map(); deserialize_identifier(); deserialize_ignored_any();
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
    }

    // `serde_json` reads an object the same way for a struct and for a map.
    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if self.object {
            return self.inner.deserialize_map(visitor);
        }
        Err(not_an_object_error())
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Point {
        x: u32,
        y: Option<String>,
    }

    #[test]
    fn a_struct_that_is_not_an_object_is_read_as_a_value() {
        assert_eq!(
            from_text::<Point>(" \n{\"x\": 1}").ok(),
            Some(Point { x: 1, y: None })
        );
        assert_eq!(
            from_text::<Point>(" [2, \"a\"] ").ok(),
            Some(Point {
                x: 2,
                y: Some("a".to_owned())
            })
        );
        // As `serde_json` reads the `Value`, and in its words (but for a number's, which
        // `serde_json` words its own way under `arbitrary_precision`).
        for text in ["[1]", "[1, null, 3]", "1", "\"p\"", "null", "[-1]"] {
            let value: Value = serde_json::from_str(text).unwrap();
            let ours = from_text::<Point>(text).map_err(|e| e.to_string());
            let theirs = Point::deserialize(&value).map_err(|e| e.to_string());
            if crate::json::arbitrary_precision() && ours.is_err() && theirs.is_err() {
                continue;
            }
            assert_eq!(ours, theirs, "{text}");
        }
        assert!(from_text::<Point>("").is_err());
        // Inside the top level, and for any other type, `serde_json` reads the text.
        assert_eq!(
            from_text::<Vec<Point>>("[[2, \"a\"]]").ok(),
            Some(vec![Point {
                x: 2,
                y: Some("a".to_owned())
            }])
        );
        assert_eq!(from_text::<Option<Point>>("null").ok(), Some(None));
        assert!(from_text::<Point>("{\"x\": 1} x").is_err());
        assert_eq!(
            from_text::<Point>("{\"x\": \"1\"}")
                .unwrap_err()
                .to_string(),
            "invalid type: string \"1\", expected u32 at line 1 column 9"
        );
    }
}
