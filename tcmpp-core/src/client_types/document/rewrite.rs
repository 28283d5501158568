//! Edits of the JSON Schemas schemars writes, and the `$ref`s between their definitions.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// Declares `alias` beside `field` in an object's schema: an optional key of the field's
/// schema, never both at once (serde refuses a duplicate field); when the field is required,
/// the object takes one or the other. `false` when the schema is not a plain object.
pub(super) fn declare_alias(definition: &mut Value, alias: &str, field: &str) -> bool {
    let Value::Object(map) = definition else {
        return false;
    };
    // An object that takes a required field or its alias already (an alias declared before).
    if let Some(Value::Array(members)) = map.get_mut("oneOf") {
        return members
            .iter_mut()
            .all(|member| declare_alias(member, alias, field));
    }
    if ["anyOf", "allOf", "$ref"]
        .iter()
        .any(|key| map.contains_key(*key))
    {
        return false;
    }
    let Some(Value::Object(properties)) = map.get("properties") else {
        return false;
    };
    let Some(field_schema) = properties.get(field).cloned() else {
        return false;
    };
    let required: Vec<Value> = match map.get("required") {
        Some(Value::Array(keys)) => keys.clone(),
        _ => Vec::new(),
    };
    if !required.iter().any(|key| key == field) {
        if let Some(Value::Object(properties)) = map.get_mut("properties") {
            properties.insert(alias.to_owned(), field_schema);
        }
        let both = serde_json::json!({ "required": [field, alias] });
        match map.get_mut("not") {
            Some(Value::Object(not)) => match not.get_mut("anyOf") {
                Some(Value::Array(pairs)) => pairs.push(both),
                _ => return false,
            },
            Some(_) => return false,
            None => {
                map.insert("not".to_owned(), serde_json::json!({ "anyOf": [both] }));
            }
        }
        return true;
    }
    // One object with the field, one with the alias in its place.
    let mut with_alias = map.clone();
    if let Some(Value::Object(properties)) = with_alias.get_mut("properties") {
        let mut renamed = Map::new();
        for (key, schema) in std::mem::take(properties) {
            if key == field {
                renamed.insert(alias.to_owned(), schema);
            } else {
                renamed.insert(key, schema);
            }
        }
        *properties = renamed;
    }
    with_alias.insert(
        "required".to_owned(),
        Value::Array(
            required
                .iter()
                .map(|key| {
                    if key == field {
                        Value::from(alias)
                    } else {
                        key.clone()
                    }
                })
                .collect(),
        ),
    );
    let mut with_field = map.clone();
    let mut outer = Map::new();
    for key in ["description", "title"] {
        if let Some(value) = with_field.remove(key) {
            outer.insert(key.to_owned(), value);
        }
        with_alias.remove(key);
    }
    outer.insert(
        "oneOf".to_owned(),
        Value::Array(vec![Value::Object(with_field), Value::Object(with_alias)]),
    );
    *map = outer;
    true
}

const DEFINITIONS: &str = "#/$defs/";

/// The success object a result schema stands for: `()` and `None` (`null`) reply an empty
/// object, and a `serde_json::Value` (any value) an object of any keys, since anything else is
/// a fail reply.
pub(super) fn success_object(schema: Value) -> Value {
    let empty = || serde_json::json!({ "type": "object", "maxProperties": 0 });
    match schema {
        Value::Bool(true) => serde_json::json!({ "type": "object" }),
        Value::Object(mut map) => {
            if map.get("type") == Some(&Value::from("null")) {
                return empty();
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                if types.iter().any(|name| name == "null") {
                    types.retain(|name| name != "null");
                    let rest = Value::Object(std::mem::take(&mut map));
                    return serde_json::json!({ "anyOf": [rest, empty()] });
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(members)) = map.get_mut(key) {
                    for member in members.iter_mut() {
                        if member.get("type") == Some(&Value::from("null")) {
                            *member = empty();
                        }
                    }
                }
            }
            Value::Object(map)
        }
        other => other,
    }
}

/// A serialized key that may be missing is one a `skip_serializing_if` leaves out; on an
/// `Option` it is `Option::is_none`, which leaves the key out rather than sending `null`. So
/// the reply side's optional keys are declared without `null` (`key?: T`, not
/// `key?: T | null`). A predicate that keeps a `None` (anything but `is_none` on an `Option`)
/// would send `null` there: declare such a field `#[schemars(with = "Option<T>")]` with the key
/// required, or prefer `is_none`.
pub(super) fn no_null_in_optional_keys(schema: &mut Value) {
    for_each_schema(schema, &mut |map| {
        let required: BTreeSet<String> = match map.get("required") {
            Some(Value::Array(keys)) => keys
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => BTreeSet::new(),
        };
        let Some(Value::Object(properties)) = map.get_mut("properties") else {
            return;
        };
        for (key, property) in properties.iter_mut() {
            if required.contains(key) {
                continue;
            }
            let Value::Object(property) = property else {
                continue;
            };
            if let Some(Value::Array(types)) = property.get_mut("type") {
                if types.len() > 1 {
                    types.retain(|name| name != "null");
                }
                if types.len() == 1 {
                    let only = types.remove(0);
                    property.insert("type".to_owned(), only);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(members)) = property.get_mut(key) {
                    if members.len() > 1 {
                        members.retain(|member| member.get("type") != Some(&Value::from("null")));
                    }
                    if members.len() == 1 {
                        let only = members.remove(0);
                        property.remove(key);
                        if let Value::Object(only) = only {
                            for (name, value) in only {
                                property.entry(name).or_insert(value);
                            }
                        }
                    }
                }
            }
        }
    });
}

/// The names that reply-side definitions take when they differ from the data-side definition
/// of the same name: a definition differs when its own schema does, or when it refers to one
/// that was renamed, so the renaming runs until nothing changes.
pub(super) fn reply_side_names(
    data: &Map<String, Value>,
    result: &Map<String, Value>,
) -> BTreeMap<String, String> {
    let taken: BTreeSet<&str> = data
        .keys()
        .chain(result.keys())
        .map(String::as_str)
        .collect();
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let mut changed = false;
        for (name, schema) in result {
            if renamed.contains_key(name) {
                continue;
            }
            let Some(data_schema) = data.get(name) else {
                continue;
            };
            let mut schema = schema.clone();
            rename_refs(&mut schema, &renamed);
            if schema != *data_schema {
                let mut new_name = format!("{name}Output");
                let mut n = 2;
                while taken.contains(new_name.as_str())
                    || renamed.values().any(|used| *used == new_name)
                {
                    new_name = format!("{name}Output{n}");
                    n += 1;
                }
                renamed.insert(name.clone(), new_name);
                changed = true;
            }
        }
        if !changed {
            return renamed;
        }
    }
}

/// Points every `$ref` to a renamed definition at its new name.
pub(super) fn rename_refs(schema: &mut Value, renamed: &BTreeMap<String, String>) {
    if renamed.is_empty() {
        return;
    }
    for_each_schema(schema, &mut |map| {
        if let Some(Value::String(reference)) = map.get_mut("$ref") {
            if let Some(new_name) = referenced_name(reference).and_then(|name| renamed.get(&name)) {
                *reference = format!("{DEFINITIONS}{}", escape_pointer(new_name));
            }
        }
    });
}

/// Calls `visit` on every object in `schema` that may be a schema, skipping the keywords whose
/// values are JSON data (`const`, `enum`, `default`, `examples`), not schemas.
pub(crate) fn for_each_schema(schema: &mut Value, visit: &mut impl FnMut(&mut Map<String, Value>)) {
    match schema {
        Value::Object(map) => {
            visit(map);
            for (key, value) in map.iter_mut() {
                if !matches!(key.as_str(), "const" | "enum" | "default" | "examples") {
                    for_each_schema(value, visit);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| for_each_schema(item, visit)),
        _ => {}
    }
}

/// The definition name a `$ref` points to, when it points into the definitions.
pub(crate) fn referenced_name(reference: &str) -> Option<String> {
    reference.strip_prefix(DEFINITIONS).map(unescape_pointer)
}

/// A JSON pointer token as written in a `$ref` (RFC 6901).
pub(crate) fn escape_pointer(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn unescape_pointer(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Adds the bounds of a sized integer to its schema where schemars leaves them out (it gives
/// `i32` to `u64` only a `format`), so that the schema refuses what serde refuses.
///
/// JSON Schema cannot refuse what serde_json also refuses for an integer type: a number with a
/// zero fraction, such as `1.0`, is an integer to JSON Schema and a float to serde_json.
pub(super) fn bound_integers(schema: &mut Value) {
    for_each_schema(schema, &mut |map| {
        let bounds: Option<(Value, Value)> = match map.get("format").and_then(Value::as_str) {
            Some("int32") => Some((i32::MIN.into(), i32::MAX.into())),
            Some("uint32") => Some((0.into(), u32::MAX.into())),
            Some("int64") => Some((i64::MIN.into(), i64::MAX.into())),
            Some("uint64") => Some((0.into(), u64::MAX.into())),
            _ => None,
        };
        if let Some((minimum, maximum)) = bounds {
            map.entry("minimum").or_insert(minimum);
            map.entry("maximum").or_insert(maximum);
        }
    });
}
