//! Every handler's types, gathered from the registry into one set of named definitions.
//!
//! Data is described as serde *deserializes* it (a `#[serde(default)]` field or an `Option`
//! may be left out) and results as serde *serializes* them (a field with
//! `skip_serializing_if` may be missing, an `Option` is there as `null`): one generator per
//! direction. A type whose two descriptions differ is declared twice, the reply side's
//! declaration named with an `Output` suffix; every other type is declared once, however many
//! APIs use it.

use std::collections::{BTreeMap, BTreeSet};

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

use super::probe;
use crate::handler::{DataProbe, Described, Describer, Generators, HandlerKind, HandlerTypes};
use crate::registry::Registry;

/// One API as the generated files describe it.
pub(crate) struct ApiTypes {
    pub(crate) name: &'static str,
    /// The method, for a handler of one method of a multiplexed API, with the key of `data`
    /// that names it.
    pub(crate) method: Option<(&'static str, &'static str)>,
    pub(crate) rust_path: &'static str,
    /// Where the handler is, as `file:line`.
    pub(crate) location: String,
    /// A plain `fn`, which can answer `sync: true` calls.
    pub(crate) sync: bool,
    /// The schema of `data`; `None` when the handler takes no data parameter (anything goes).
    pub(crate) data: Option<Value>,
    /// Whether a call may leave `data` out.
    pub(crate) data_optional: bool,
    /// The schema of the success object, before `errMsg`.
    pub(crate) result: Value,
    /// Whether a fail reply may carry an `errCode`, and the call may be cancelled.
    pub(crate) code_and_cancel: bool,
    /// Whether the handler sends progress.
    pub(crate) progress: bool,
    /// The schema of a progress payload; `None` for any JSON value.
    pub(crate) progress_payload: Option<Value>,
    /// The schema of the fail body the handler declares, whose keys a fail object may carry
    /// beside `errMsg` and `errCode`.
    pub(crate) fail_body: Option<Value>,
}

/// Every API and every named type they use.
pub(crate) struct Document {
    /// Sorted by name, as the registry lists them: a multiplexed API once per method, sorted
    /// by method, next to each other (see [`Document::by_name`]).
    pub(crate) apis: Vec<ApiTypes>,
    /// The named types, by the name `$ref`s use (`#/$defs/<name>`), sorted.
    pub(crate) definitions: BTreeMap<String, Value>,
}

/// A handler type that does not implement `schemars::JsonSchema`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Missing {
    pub(crate) api: &'static str,
    pub(crate) rust_path: &'static str,
    pub(crate) location: String,
    /// `"data"`, `"reply"`, `"progress"` or `"fail body"`.
    pub(crate) role: &'static str,
    pub(crate) type_name: &'static str,
}

/// A data type whose schema says other than what serde reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Misdescribed {
    pub(crate) api: &'static str,
    pub(crate) rust_path: &'static str,
    pub(crate) location: String,
    /// The field's path in `data`.
    pub(crate) field: String,
    /// What is wrong, in words.
    pub(crate) problem: String,
}

/// Why a registry cannot be described: types without a schema, or with a schema that says
/// other than what serde reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problems {
    pub(crate) missing: Vec<Missing>,
    pub(crate) misdescribed: Vec<Misdescribed>,
}

/// Asks each data type what its schema cannot say: a field read by a `deserialize_with` the
/// schema does not know (reported), and the aliases serde reads (declared in the data type's
/// definition, beside the field they stand for).
fn ask_the_data_types(
    apis: &[ApiTypes],
    probes: &[Option<DataProbe>],
    definitions: &mut Map<String, Value>,
) -> Vec<Misdescribed> {
    let mut misdescribed = Vec::new();
    let mut declared_aliases: BTreeSet<String> = BTreeSet::new();
    for (api, probe) in apis.iter().zip(probes) {
        let (Some(schema), Some(probe)) = (&api.data, probe) else {
            continue;
        };
        let mut report = |field: String, problem: String| {
            misdescribed.push(Misdescribed {
                api: api.name,
                rust_path: api.rust_path,
                location: api.location.clone(),
                field,
                problem,
            });
        };
        for misread in probe::misread_fields(schema, definitions, probe.accepts) {
            report(
                misread.field,
                format!(
                    "its schema says {} but serde also reads {} there (a `deserialize_with`, `with` or `Deserialize` the schema does not follow): describe the field as it is read with `#[schemars(with = \"…\")]` (for serde_with's adapters, turn on serde_with's `schemars_1` feature)",
                    misread.declared, misread.read
                ),
            );
        }
        let Some(fields) = probe.fields else {
            continue;
        };
        let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(referenced_name)
        else {
            continue;
        };
        if declared_aliases.contains(&name) {
            continue;
        }
        let aliases = probe::aliases(schema, definitions, fields, probe.accepts);
        if aliases.is_empty() {
            continue;
        }
        let Some(definition) = definitions.get_mut(&name) else {
            continue;
        };
        for (alias, field) in aliases {
            if !declare_alias(definition, alias, &field) {
                report(
                    alias.to_owned(),
                    format!(
                        "serde reads it as an alias of `{field}`, which the declarations cannot say for this type: declare the alias as a field of its own, or drop it"
                    ),
                );
            }
        }
        declared_aliases.insert(name);
    }
    misdescribed
}

/// Declares `alias` beside `field` in an object's schema: an optional key of the field's
/// schema, never both at once (serde refuses a duplicate field); when the field is required,
/// the object takes one or the other. `false` when the schema is not a plain object.
fn declare_alias(definition: &mut Value, alias: &str, field: &str) -> bool {
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

impl Document {
    /// Describes every API of `registry`, or lists every type that cannot be described.
    pub(crate) fn of(registry: &Registry) -> Result<Self, Problems> {
        let settings = SchemaSettings::draft2020_12();
        let mut generators = Generators {
            data: settings.clone().for_deserialize().into_generator(),
            result: settings.for_serialize().into_generator(),
        };
        let mut apis = Vec::with_capacity(registry.len());
        let mut probes = Vec::with_capacity(registry.len());
        let mut missing = Vec::new();
        for api in registry.apis() {
            let entry = match api.method {
                Some(method) => registry
                    .methods(api.name)
                    .and_then(|methods| methods.get(method)),
                None => registry.lookup(api.name),
            };
            let Some(entry) = entry else {
                continue;
            };
            let mut describer = Describer {
                generators: &mut generators,
                types: HandlerTypes::default(),
            };
            (entry.describe.0)(&mut describer);
            let HandlerTypes {
                data,
                data_optional,
                result,
                fails_with_api_error,
                custom_context,
                progress,
                progress_payload,
                fail_body,
                data_probe,
            } = describer.types;
            probes.push(data_probe);
            let mut schema_of = |described: Option<Described>, role| match described {
                Some(Described::Schema(schema)) => Some(schema),
                Some(Described::Undescribed(type_name)) => {
                    missing.push(Missing {
                        api: api.name,
                        rust_path: api.rust_path,
                        location: api.location.to_string(),
                        role,
                        type_name,
                    });
                    None
                }
                None => None,
            };
            let data = schema_of(data, "data");
            let result = schema_of(result, "reply");
            let progress_payload = schema_of(progress_payload, "progress");
            let fail_body = schema_of(fail_body, "fail body");
            apis.push(ApiTypes {
                name: api.name,
                method: api.method.zip(api.method_key),
                rust_path: api.rust_path,
                location: api.location.to_string(),
                sync: api.kind == HandlerKind::Plain,
                data,
                data_optional,
                // `None` only for a type already listed as missing.
                result: success_object(result.unwrap_or(Value::Bool(true))),
                code_and_cancel: fails_with_api_error || custom_context,
                progress,
                progress_payload,
                fail_body,
            });
        }
        if !missing.is_empty() {
            return Err(Problems {
                missing,
                misdescribed: Vec::new(),
            });
        }
        let mut data_definitions = generators.data.take_definitions(true);
        let misdescribed = ask_the_data_types(&apis, &probes, &mut data_definitions);
        if !misdescribed.is_empty() {
            return Err(Problems {
                missing,
                misdescribed,
            });
        }
        let mut result_definitions = generators.result.take_definitions(true);
        for schema in result_definitions.values_mut() {
            no_null_in_optional_keys(schema);
        }
        let renamed = reply_side_names(&data_definitions, &result_definitions);
        let mut definitions: BTreeMap<String, Value> = data_definitions.into_iter().collect();
        for (name, mut schema) in result_definitions {
            rename_refs(&mut schema, &renamed);
            let name = renamed.get(&name).cloned().unwrap_or(name);
            definitions.entry(name).or_insert(schema);
        }
        // Progress payloads and fail bodies are serialized, as results are.
        for api in &mut apis {
            for schema in [&mut api.result]
                .into_iter()
                .chain(&mut api.progress_payload)
                .chain(&mut api.fail_body)
            {
                rename_refs(schema, &renamed);
                no_null_in_optional_keys(schema);
            }
        }
        for schema in definitions
            .values_mut()
            .chain(apis.iter_mut().flat_map(|api| {
                api.data
                    .iter_mut()
                    .chain([&mut api.result])
                    .chain(&mut api.progress_payload)
                    .chain(&mut api.fail_body)
            }))
        {
            bound_integers(schema);
        }
        Ok(Document { apis, definitions })
    }
}

impl Document {
    /// The APIs by name: a plain API alone, a multiplexed API with all its methods.
    pub(crate) fn by_name(&self) -> impl Iterator<Item = &[ApiTypes]> {
        self.apis.chunk_by(|a, b| a.name == b.name)
    }
}

/// The success object a result schema stands for: `()` and `None` (`null`) reply an empty
/// object, and a `serde_json::Value` (any value) an object of any keys, since anything else is
/// a fail reply.
fn success_object(schema: Value) -> Value {
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
fn no_null_in_optional_keys(schema: &mut Value) {
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
fn reply_side_names(
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
fn rename_refs(schema: &mut Value, renamed: &BTreeMap<String, String>) {
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
fn bound_integers(schema: &mut Value) {
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
