//! Every handler's types, gathered from the registry into one set of named definitions.
//!
//! Data is described as serde *deserializes* it (a `#[serde(default)]` field or an `Option`
//! may be left out) and results as serde *serializes* them (a field with
//! `skip_serializing_if` may be missing, an `Option` is there as `null`): one generator per
//! direction. A type whose two descriptions differ is declared twice, the reply side's
//! declaration named with an `Output` suffix; every other type is declared once, however many
//! APIs use it.

mod rewrite;

use std::collections::{BTreeMap, BTreeSet};

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

use super::probe;
use crate::handler::{DataProbe, Described, Describer, Generators, HandlerKind, HandlerTypes};
use crate::registry::Registry;
use rewrite::{
    bound_integers, declare_alias, no_null_in_optional_keys, rename_refs, reply_side_names,
    success_object,
};
pub(crate) use rewrite::{escape_pointer, referenced_name};

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
                    .lookup(api.name)
                    .and_then(|entry| registry.methods_of(entry))
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
