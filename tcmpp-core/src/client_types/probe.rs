//! What serde reads that the schema does not say: found by asking the data type itself.
//!
//! schemars describes a field from its Rust type and the serde attributes it knows. It cannot
//! see through `#[serde(deserialize_with = "…")]` (or a `Deserialize` written by hand): a field
//! `money: f64` read by a function that also takes `"123.45"` is described as a number, and the
//! declarations would refuse a call the handler answers. So, for each data type, the probe makes
//! a value the schema accepts and serde reads, then gives each field, at any depth of plain
//! objects, a value of a JSON type its schema refuses (a string for a number or a boolean, a
//! number for a string): a field serde reads it for is described wrongly, and
//! [`Registry::client_types`](crate::Registry::client_types) refuses the registry, naming it.
//!
//! The probe claims a disagreement only where serde accepts what the schema refuses; where it
//! cannot make a value serde reads (a bound, a format, a custom type), it says nothing.
//!
//! It also reads the names serde takes for a struct's fields (`FIELDS`, which lists each
//! `#[serde(alias = "…")]`), so that an alias the schema leaves out is declared beside its field.

use serde_json::{Map, Value};

use super::document::referenced_name;
use crate::handler::Accepts;

/// A field serde reads a value of a JSON type for that its schema refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Misread {
    /// The field's path in `data`: `money`, `data.nonce`.
    pub(crate) field: String,
    /// What the schema says the field is: `number`, `string`, …
    pub(crate) declared: &'static str,
    /// The JSON value serde also read there.
    pub(crate) read: String,
}

/// Each field of `schema` that `accepts` reads a value of another JSON type for.
pub(crate) fn misread_fields(
    schema: &Value,
    definitions: &Map<String, Value>,
    accepts: Accepts,
) -> Vec<Misread> {
    let Some(base) = example(schema, definitions, 0) else {
        return Vec::new();
    };
    if !accepts(&base.to_string()) {
        return Vec::new();
    }
    let mut probe = ObjectProbe {
        definitions,
        base: &base,
        reads: &mut |path, replacement| {
            let mut value = base.clone();
            set(&mut value, path, replacement.clone());
            accepts(&value.to_string())
        },
        found: Vec::new(),
    };
    probe.object(schema, &mut Vec::new());
    probe.found
}

/// The alias names of `schema`'s top-level object: the names serde reads (`fields`) that are
/// not properties, each with the property it stands for (the one that, renamed to it, still
/// reads).
pub(crate) fn aliases(
    schema: &Value,
    definitions: &Map<String, Value>,
    fields: &[&'static str],
    accepts: Accepts,
) -> Vec<(&'static str, String)> {
    let Some(object) = resolve(schema, definitions).and_then(Value::as_object) else {
        return Vec::new();
    };
    let Some(properties) = object.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let extra: Vec<&'static str> = fields
        .iter()
        .copied()
        .filter(|name| !properties.contains_key(*name))
        .collect();
    if extra.is_empty() {
        return Vec::new();
    }
    let Some(Value::Object(base)) = example(schema, definitions, 0) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for alias in extra {
        for (property, property_schema) in properties {
            let Some(value) = example(property_schema, definitions, 1) else {
                continue;
            };
            let mut renamed = base.clone();
            renamed.remove(property);
            renamed.insert(alias.to_owned(), value.clone());
            let mut with_property = base.clone();
            with_property.insert(property.clone(), value.clone());
            with_property.insert(alias.to_owned(), value);
            // An alias reads the property's value, and serde refuses both at once (a
            // duplicate field).
            if accepts(&Value::Object(renamed).to_string())
                && !accepts(&Value::Object(with_property).to_string())
            {
                found.push((alias, property.clone()));
                break;
            }
        }
    }
    found
}

/// A walk through a data type's object schemas, replacing each field of a single JSON type in
/// `base` with values of other types and asking `reads` whether serde reads them.
struct ObjectProbe<'a> {
    definitions: &'a Map<String, Value>,
    base: &'a Value,
    reads: &'a mut dyn FnMut(&[String], &Value) -> bool,
    found: Vec<Misread>,
}

impl ObjectProbe<'_> {
    fn object(&mut self, schema: &Value, path: &mut Vec<String>) {
        let definitions = self.definitions;
        if path.len() > 4 {
            return;
        }
        let Some(object) = resolve(schema, definitions).and_then(Value::as_object) else {
            return;
        };
        if ["anyOf", "oneOf", "allOf"]
            .iter()
            .any(|key| object.contains_key(*key))
        {
            return;
        }
        let Some(properties) = object.get("properties").and_then(Value::as_object) else {
            return;
        };
        for (key, property) in properties {
            path.push(key.clone());
            let here = get(self.base, path);
            let resolved = resolve(property, definitions);
            match resolved.and_then(single_type) {
                Some("object") if here.is_some_and(Value::is_object) => {
                    self.object(property, path);
                }
                Some(declared) => {
                    for replacement in others(declared) {
                        if (self.reads)(path, &replacement) {
                            self.found.push(Misread {
                                field: path.join("."),
                                declared,
                                read: replacement.to_string(),
                            });
                            break;
                        }
                    }
                }
                None => {}
            }
            path.pop();
        }
    }
}

/// Values of JSON types other than `declared`, as pages send numbers and flags as strings.
fn others(declared: &str) -> Vec<Value> {
    match declared {
        "integer" | "number" => vec![Value::from("1")],
        "boolean" => vec![Value::from("true"), Value::from(1)],
        "string" => vec![Value::from(1)],
        _ => Vec::new(),
    }
}

/// The one JSON type a schema allows, when it allows exactly one (besides `null`, which the
/// probe leaves alone).
fn single_type(schema: &Value) -> Option<&'static str> {
    let map = schema.as_object()?;
    if ["anyOf", "oneOf", "allOf", "enum", "const", "$ref"]
        .iter()
        .any(|key| map.contains_key(*key))
    {
        return None;
    }
    let names: Vec<&str> = match map.get("type")? {
        Value::String(name) => vec![name.as_str()],
        Value::Array(names) => names
            .iter()
            .filter_map(Value::as_str)
            .filter(|name| *name != "null")
            .collect(),
        _ => return None,
    };
    match names.as_slice() {
        ["integer"] => Some("integer"),
        ["number"] => Some("number"),
        ["boolean"] => Some("boolean"),
        ["string"] => Some("string"),
        ["object"] => Some("object"),
        _ => None,
    }
}

fn resolve<'a>(schema: &'a Value, definitions: &'a Map<String, Value>) -> Option<&'a Value> {
    let mut schema = schema;
    for _ in 0..8 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => schema = definitions.get(&referenced_name(reference)?)?,
            None => return Some(schema),
        }
    }
    None
}

/// A small value the schema accepts, when one is easy to make.
fn example(schema: &Value, definitions: &Map<String, Value>, depth: usize) -> Option<Value> {
    if depth > 8 {
        return None;
    }
    let schema = resolve(schema, definitions)?;
    let map = match schema {
        Value::Bool(true) => return Some(Value::Null),
        Value::Object(map) => map,
        _ => return None,
    };
    if let Some(value) = map.get("const") {
        return Some(value.clone());
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        return values.first().cloned();
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = map.get(key) {
            return members
                .iter()
                .find_map(|member| example(member, definitions, depth + 1));
        }
    }
    let types: Vec<&str> = match map.get("type") {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        None if map.contains_key("properties") => vec!["object"],
        None => return Some(Value::Null),
        _ => return None,
    };
    if types.contains(&"null") {
        return Some(Value::Null);
    }
    let mut value = match *types.first()? {
        "string" => Value::from(""),
        "integer" | "number" => {
            let minimum = map.get("minimum").and_then(Value::as_i64).unwrap_or(0);
            Value::from(minimum.max(0))
        }
        "boolean" => Value::from(false),
        "array" => match map.get("prefixItems") {
            Some(Value::Array(items)) => Value::Array(
                items
                    .iter()
                    .map(|item| example(item, definitions, depth + 1))
                    .collect::<Option<_>>()?,
            ),
            _ => Value::Array(Vec::new()),
        },
        "object" => {
            let mut object = Map::new();
            let required: Vec<&str> = map
                .get("required")
                .and_then(Value::as_array)
                .map(|keys| keys.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let properties = map.get("properties").and_then(Value::as_object);
            for key in required {
                let property = properties.and_then(|properties| properties.get(key))?;
                object.insert(key.to_owned(), example(property, definitions, depth + 1)?);
            }
            Value::Object(object)
        }
        _ => return None,
    };
    // The keys `allOf` adds (a flattened struct, a tag).
    if let (Some(Value::Array(members)), Value::Object(object)) = (map.get("allOf"), &mut value) {
        for member in members {
            if let Value::Object(more) = example(member, definitions, depth + 1)? {
                object.extend(more);
            }
        }
    }
    Some(value)
}

fn get<'a>(value: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, key| value.get(key))
}

/// Sets `path` (every step but the last present) in `value`.
fn set(value: &mut Value, path: &[String], replacement: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut target = value;
    for key in parents {
        match target.get_mut(key) {
            Some(next) => target = next,
            None => return,
        }
    }
    if let Value::Object(map) = target {
        map.insert(last.clone(), replacement);
    }
}
