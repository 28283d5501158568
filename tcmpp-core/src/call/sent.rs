//! [`AppInfo`] as it is read: its keys one by one, every key this crate does not know put
//! straight into [`AppInfo::extra`].
//!
//! Written by hand rather than derived: a derived `#[serde(flatten)]` map buffers each unknown
//! key's value as serde's private `Content` and reads the map from those afterwards, and that
//! buffer's code (5 KB of a phone's library, 17 KB of a default release build) served this one
//! struct. What is read is the same, and so are the errors: the same messages, at the same
//! places.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::{APP_VER_TYPE, AppInfo, ver_type_of};

/// `AppInfo` as it is sent: every key read as [`AppInfo`] reads it, except `appVerType`, which
/// lands in `extra` with the other keys this crate does not know, so that a value no number can
/// be read from fails only the calls whose access check needs it.
pub(super) struct SentAppInfo {
    app_id: Option<String>,
    version: Option<String>,
    time: Option<i64>,
    name: Option<String>,
    icon_url: Option<String>,
    app_intro: Option<String>,
    app_developer: Option<String>,
    app_category: Option<String>,
    extra: Map<String, Value>,
}

impl From<SentAppInfo> for AppInfo {
    fn from(sent: SentAppInfo) -> Self {
        let mut extra = sent.extra;
        // A readable version type is taken out of `extra`; `null` is no version type; anything
        // else stays in `extra`, as sent.
        let app_ver_type = match crate::json::take_keys(&mut extra, APP_VER_TYPE, None) {
            None | Some(Value::Null) => None,
            Some(value) => match ver_type_of(&value) {
                Some(ver_type) => Some(ver_type),
                None => {
                    extra.insert(APP_VER_TYPE.to_owned(), value);
                    None
                }
            },
        };
        AppInfo {
            app_id: sent.app_id,
            app_ver_type,
            version: sent.version,
            time: sent.time,
            name: sent.name,
            icon_url: sent.icon_url,
            app_intro: sent.app_intro,
            app_developer: sent.app_developer,
            app_category: sent.app_category,
            extra,
        }
    }
}

impl<'de> Deserialize<'de> for SentAppInfo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A map only, as serde derives it for a struct with a flattened field.
        deserializer.deserialize_map(SentVisitor)
    }
}

/// A key of `AppInfo`: one of the fields read here, or any other, kept by its name.
enum Key {
    /// A text field: its place among [`SentVisitor`]'s (the order of [`SentAppInfo`]'s), and
    /// its key.
    Text(usize, &'static str),
    Time,
    Other(String),
}

impl Key {
    /// The field `name` is the key of, if any. A `match`, not a table of the keys: a table of
    /// strings is a relocation for each in the library.
    fn known(name: &str) -> Option<Key> {
        // Each key written twice, the one matched and the one kept: the same constant.
        Some(match name {
            "time" => Key::Time,
            "appId" => Key::Text(0, "appId"),
            "version" => Key::Text(1, "version"),
            "name" => Key::Text(2, "name"),
            "iconUrl" => Key::Text(3, "iconUrl"),
            "appIntro" => Key::Text(4, "appIntro"),
            "appDeveloper" => Key::Text(5, "appDeveloper"),
            "appCategory" => Key::Text(6, "appCategory"),
            _ => return None,
        })
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Reads a [`Key`] from a map's key.
struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(Key::known(name).unwrap_or_else(|| Key::Other(name.to_owned())))
    }

    fn visit_string<E: de::Error>(self, name: String) -> Result<Key, E> {
        Ok(Key::known(&name).unwrap_or(Key::Other(name)))
    }

    // Keys as bytes (not JSON's), read as `String` reads them.
    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Key, E> {
        match std::str::from_utf8(name) {
            Ok(name) => self.visit_str(name),
            Err(_) => Err(de::Error::invalid_value(de::Unexpected::Bytes(name), &self)),
        }
    }
}

/// Reads a [`SentAppInfo`] from a map.
struct SentVisitor;

impl<'de> Visitor<'de> for SentVisitor {
    type Value = SentAppInfo;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        // serde's derived text, named after the struct it once was.
        formatter.write_str("struct SentAppInfo")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SentAppInfo, A::Error> {
        // The text fields in one array: one read and one drop for the seven of them.
        let mut texts: [Option<Option<String>>; 7] = Default::default();
        let mut time = None;
        let mut extra = Map::new();
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Text(index, key) => field(&mut map, &mut texts[index], key)?,
                Key::Time => field(&mut map, &mut time, "time")?,
                // The last of a key sent twice, as a map reads it.
                Key::Other(key) => {
                    let value = map.next_value::<Value>()?;
                    extra.insert(key, value);
                }
            }
        }
        let [
            app_id,
            version,
            name,
            icon_url,
            app_intro,
            app_developer,
            app_category,
        ] = texts.map(Option::flatten);
        Ok(SentAppInfo {
            app_id,
            version,
            time: time.flatten(),
            name,
            icon_url,
            app_intro,
            app_developer,
            app_category,
            extra,
        })
    }
}

/// Reads the value of the field `key` into `slot`: a field sent twice is an error, even when
/// the first was `null`, as serde derives it.
fn field<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<Option<T>>,
    key: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::{Map, Value};

    use crate::AppInfo;

    /// The derived reader this module replaced, kept to compare with.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct SentAppInfo {
        #[serde(default)]
        app_id: Option<String>,
        #[serde(default)]
        version: Option<String>,
        #[serde(default)]
        time: Option<i64>,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        icon_url: Option<String>,
        #[serde(default)]
        app_intro: Option<String>,
        #[serde(default)]
        app_developer: Option<String>,
        #[serde(default)]
        app_category: Option<String>,
        #[serde(flatten)]
        extra: Map<String, Value>,
    }

    /// What the derived reader read, as the hand-written one's type.
    fn derived(sent: SentAppInfo) -> super::SentAppInfo {
        super::SentAppInfo {
            app_id: sent.app_id,
            version: sent.version,
            time: sent.time,
            name: sent.name,
            icon_url: sent.icon_url,
            app_intro: sent.app_intro,
            app_developer: sent.app_developer,
            app_category: sent.app_category,
            extra: sent.extra,
        }
    }

    /// One object's member each, among them every field, wrong types, `null`s, keys that are
    /// nearly a field's, escapes, and values serde_json refuses.
    const MEMBERS: &[&str] = &[
        r#""appId":"a""#,
        r#""appId":null"#,
        r#""appId":1"#,
        r#""appId":"\u00e9\n""#,
        r#""version":"1.0""#,
        r#""version":[]"#,
        r#""time":5"#,
        r#""time":-5"#,
        r#""time":"5""#,
        r#""time":1.5"#,
        r#""time":18446744073709551615"#,
        r#""name":"n""#,
        r#""name":{}"#,
        r#""iconUrl":"u""#,
        r#""appIntro":"i""#,
        r#""appDeveloper":"d""#,
        r#""appCategory":null"#,
        r#""appVerType":1"#,
        r#""appVerType":" 2""#,
        r#""appVerType":null"#,
        r#""appVerType":[1]"#,
        r#""appVerType":2.5"#,
        r#""x":{"y":[1,2.5,null,true,"z"]}"#,
        r#""x":-0"#,
        r#""extra":1"#,
        r#""app_id":"snake""#,
        r#""AppId":"A""#,
        r#""a\"b":1"#,
        r#""appI\u0064":"escaped""#,
        r#""":null"#,
        r#""n":12345678901234567890123"#,
        r#""n":1e400"#,
        r#""n":"\ud800""#,
        r#""n":tru"#,
    ];

    /// Texts that are not one object of members.
    const OTHERS: &[&str] = &[
        "",
        "[]",
        "[1]",
        r#""s""#,
        "1",
        "null",
        "true",
        "{",
        "{}",
        " { } ",
        r#"{"appId""#,
        r#"{"appId":}"#,
        r#"{"appId":"a""#,
        "{,}",
        r#"{"a":1,}"#,
        r#"{"a" 1}"#,
        r#"{1:2}"#,
        r#"{"a":1}}"#,
    ];

    /// A reader's result as an `AppInfo`, or its error's text.
    fn read(sent: Result<super::SentAppInfo, serde_json::Error>) -> Result<AppInfo, String> {
        sent.map(AppInfo::from).map_err(|error| error.to_string())
    }

    /// Both readers' results on `text`, from text and from bytes.
    fn both(text: &str) -> [(Result<AppInfo, String>, Result<AppInfo, String>); 2] {
        let old_str = serde_json::from_str::<SentAppInfo>(text).map(derived);
        let new_str = serde_json::from_str::<super::SentAppInfo>(text);
        let old_slice = serde_json::from_slice::<SentAppInfo>(text.as_bytes()).map(derived);
        let new_slice = serde_json::from_slice::<super::SentAppInfo>(text.as_bytes());
        [
            (read(old_str), read(new_str)),
            (read(old_slice), read(new_slice)),
        ]
    }

    #[test]
    fn reads_as_the_derived_reader_did() {
        let mut texts: Vec<String> = OTHERS.iter().map(|text| (*text).to_owned()).collect();
        for first in MEMBERS {
            texts.push(format!("{{{first}}}"));
            for second in MEMBERS {
                texts.push(format!("{{{first},{second}}}"));
                for third in MEMBERS.iter().step_by(3) {
                    texts.push(format!("{{{first}, {second} ,\n{third}}}"));
                }
            }
        }
        let mut accepted = 0;
        // Under `arbitrary_precision`, the derived reader buffers the other keys in serde's
        // `Content`, which holds no number of arbitrary precision: it refuses such a number,
        // which the hand-written one keeps, before anything else the text has wrong.
        let agree = |old: Result<AppInfo, String>, new: Result<AppInfo, String>, text: &str| {
            let buffer_refused = crate::json::arbitrary_precision()
                && old
                    .as_ref()
                    .is_err_and(|error| error.ends_with("expected any value"));
            if !buffer_refused {
                assert_eq!(old, new, "{text}");
            }
        };
        for text in &texts {
            for (old, new) in both(text) {
                accepted += usize::from(new.is_ok());
                agree(old, new, text);
            }
            // And from a `Value` (a text's last duplicate key only), as `from_value` reads it.
            if let Ok(value) = serde_json::from_str::<Value>(text) {
                let old = serde_json::from_value::<SentAppInfo>(value.clone()).map(derived);
                let new = serde_json::from_value::<super::SentAppInfo>(value);
                agree(read(old), read(new), text);
            }
        }
        // Both reading and refusing were compared.
        assert!(
            accepted > 1_000 && accepted < texts.len() * 2,
            "{accepted} of {}",
            texts.len()
        );
        // What the derived reader refused under `arbitrary_precision`, the hand-written one
        // keeps.
        if crate::json::arbitrary_precision() {
            let text = r#"{"appId":"a","n":12345678901234567890123,"m":1e400}"#;
            let app = read(serde_json::from_str::<super::SentAppInfo>(text)).unwrap();
            assert_eq!(app.extra["n"].to_string(), "12345678901234567890123");
            assert!(app.extra["m"].is_number());
        }
    }

    #[test]
    fn the_last_of_an_unknown_key_sent_twice_is_kept_and_a_field_sent_twice_is_refused() {
        let app: AppInfo = serde_json::from_str::<super::SentAppInfo>(r#"{"x":1,"y":0,"x":2}"#)
            .unwrap()
            .into();
        assert_eq!(app.extra["x"], 2);
        assert_eq!(app.extra.len(), 2);
        let error = serde_json::from_str::<super::SentAppInfo>(r#"{"appId":null,"appId":"a"}"#)
            .err()
            .unwrap();
        assert_eq!(
            error.to_string(),
            "duplicate field `appId` at line 1 column 21"
        );
    }
}
