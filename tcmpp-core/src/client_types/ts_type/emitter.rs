//! The [`Emitter`]: one schema rendered as a TypeScript type expression.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::{Form, JSON_VALUE, Ts, literal, properties, property_key, write_doc};
use crate::client_types::document::referenced_name;

/// Renders schemas as type expressions.
pub(in crate::client_types) struct Emitter<'a> {
    pub(in crate::client_types) names: &'a BTreeMap<String, String>,
    /// How a user type is named where the expression is written.
    pub(in crate::client_types) types_prefix: &'static str,
}

impl Emitter<'_> {
    pub(in crate::client_types) fn render(&self, schema: &Value) -> Ts {
        let map = match schema {
            Value::Bool(true) => return Ts::atom(JSON_VALUE),
            Value::Bool(false) => return Ts::atom("never"),
            Value::Object(map) => map,
            // Not a schema; nothing constrains the value.
            _ => return Ts::atom(JSON_VALUE),
        };
        if let Some(value) = map.get("const") {
            return Ts::atom(literal(value));
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            return Ts::union(
                values
                    .iter()
                    .map(|value| Ts::atom(literal(value)))
                    .collect(),
            );
        }
        let mut parts = Vec::new();
        if let Some(shape) = self.shape(map) {
            parts.push(shape);
        }
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            parts.push(self.reference(reference));
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = map.get(key) {
                parts.push(Ts::union(
                    members.iter().map(|member| self.render(member)).collect(),
                ));
            }
        }
        if let Some(Value::Array(members)) = map.get("allOf") {
            parts.extend(members.iter().map(|member| self.render(member)));
        }
        Ts::intersection(parts)
    }

    pub(in crate::client_types) fn reference(&self, reference: &str) -> Ts {
        match referenced_name(reference).and_then(|name| self.names.get(&name)) {
            Some(name) => Ts::atom(format!("{}{name}", self.types_prefix)),
            // schemars only refers to its own definitions; anything else is unknown here.
            None => Ts::atom(JSON_VALUE),
        }
    }

    /// The union of the `type`s the schema allows (implied by `properties` or `items` when it
    /// names none); `None` when nothing says.
    pub(in crate::client_types) fn shape(&self, map: &Map<String, Value>) -> Option<Ts> {
        let types: Vec<&str> = match map.get("type") {
            Some(Value::String(name)) => vec![name.as_str()],
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            _ if ["properties", "additionalProperties", "patternProperties"]
                .iter()
                .any(|key| map.contains_key(*key)) =>
            {
                vec!["object"]
            }
            _ if map.contains_key("items") || map.contains_key("prefixItems") => vec!["array"],
            _ => return None,
        };
        Some(Ts::union(
            types
                .into_iter()
                .map(|name| match name {
                    "string" => Ts::atom("string"),
                    "number" | "integer" => Ts::atom("number"),
                    "boolean" => Ts::atom("boolean"),
                    "null" => Ts::atom("null"),
                    "array" => self.array(map),
                    "object" => self.object(map),
                    _ => Ts::atom(JSON_VALUE),
                })
                .collect(),
        ))
    }

    pub(in crate::client_types) fn array(&self, map: &Map<String, Value>) -> Ts {
        let rest = match map.get("items") {
            Some(Value::Bool(false)) => None,
            Some(items) => Some(self.render(items)),
            None => Some(Ts::atom(JSON_VALUE)),
        };
        match map.get("prefixItems") {
            Some(Value::Array(prefix)) => {
                let mut elements: Vec<String> =
                    prefix.iter().map(|item| self.render(item).text).collect();
                if let Some(rest) = rest {
                    elements.push(format!("...{}[]", rest.at_least(Form::Atom)));
                }
                Ts::atom(format!("[{}]", elements.join(", ")))
            }
            _ => Ts::atom(format!(
                "{}[]",
                rest.unwrap_or_else(|| Ts::atom("never"))
                    .at_least(Form::Atom)
            )),
        }
    }

    pub(in crate::client_types) fn object(&self, map: &Map<String, Value>) -> Ts {
        let mut text = String::from("{ ");
        let written = self.write_inline_properties(&mut text, map);
        if written {
            text.push(' ');
        }
        text.push('}');
        if text == "{ }" {
            // `{}` is any value but `null` and `undefined` in TypeScript: only right for an
            // object that has no keys at all, such as an empty result.
            if map.get("maxProperties").and_then(Value::as_u64) == Some(0) {
                return Ts::atom("{}");
            }
            return Ts::atom("{ [key: string]: never }");
        }
        Ts::atom(text)
    }

    /// The properties of an object type, one per line.
    pub(in crate::client_types) fn write_properties(
        &self,
        out: &mut String,
        map: &Map<String, Value>,
        indent: &str,
    ) {
        for (key, schema, optional) in properties(map) {
            write_doc(out, schema, indent);
            let _ = writeln!(
                out,
                "{indent}{}{}: {};",
                property_key(key),
                if optional { "?" } else { "" },
                self.render(schema).text
            );
        }
        if let Some(index) = self.index_signature(map) {
            let _ = writeln!(out, "{indent}{index};");
        }
    }

    /// The properties of an object type on one line; whether there were any.
    pub(in crate::client_types) fn write_inline_properties(
        &self,
        out: &mut String,
        map: &Map<String, Value>,
    ) -> bool {
        let mut members: Vec<String> = properties(map)
            .map(|(key, schema, optional)| {
                format!(
                    "{}{}: {}",
                    property_key(key),
                    if optional { "?" } else { "" },
                    self.render(schema).text
                )
            })
            .collect();
        members.extend(self.index_signature(map));
        out.push_str(&members.join("; "));
        !members.is_empty()
    }

    /// `[key: string]: T` for the keys an object allows besides its properties. Every property
    /// must fit the index signature in TypeScript, so the signature's type includes theirs.
    pub(in crate::client_types) fn index_signature(
        &self,
        map: &Map<String, Value>,
    ) -> Option<String> {
        let extra = match (
            map.get("additionalProperties"),
            map.get("patternProperties"),
        ) {
            (Some(Value::Bool(false)), _) => return None,
            (Some(extra), _) => self.render(extra),
            (None, Some(Value::Object(patterns))) => Ts::union(
                patterns
                    .values()
                    .map(|schema| self.render(schema))
                    .collect(),
            ),
            // Without `additionalProperties`, serde ignores unknown keys; the type lists the
            // known ones, so that a misspelt optional key is a compile error. An object that
            // names no key at all is a map.
            (None, _)
                if map
                    .get("properties")
                    .is_some_and(|p| p != &Value::Object(Map::new())) =>
            {
                return None;
            }
            (None, _) if map.get("maxProperties").and_then(Value::as_u64) == Some(0) => {
                return None;
            }
            (None, _) => Ts::atom(JSON_VALUE),
        };
        let mut members = vec![extra];
        let mut any_optional = false;
        for (_, schema, optional) in properties(map) {
            members.push(self.render(schema));
            any_optional |= optional;
        }
        if any_optional {
            members.push(Ts::atom("undefined"));
        }
        Some(format!("[key: string]: {}", Ts::union(members).text))
    }
}
