//! JSON Schemas as TypeScript type expressions: the names the declarations give definitions,
//! and the rendering of one schema into a type, with its doc comment.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::document::referenced_name;

/// Any JSON value, as the declarations' helper namespace spells it.
pub(super) const JSON_VALUE: &str = "Tcmpp.JsonValue";

/// A schema that is exactly an object with known properties and no others: an `interface`.
pub(super) fn plain_object(schema: &Value) -> Option<&Map<String, Value>> {
    let map = schema.as_object()?;
    let shaped_otherwise = [
        "$ref",
        "const",
        "enum",
        "oneOf",
        "anyOf",
        "allOf",
        "patternProperties",
    ]
    .iter()
    .any(|key| map.contains_key(*key));
    let open = map
        .get("additionalProperties")
        .is_some_and(|extra| extra != &Value::Bool(false));
    (map.get("type") == Some(&Value::from("object"))
        && map.contains_key("properties")
        && !shaped_otherwise
        && !open)
        .then_some(map)
}

/// The TypeScript name of each definition: its name made an identifier, unique, and kept away
/// from TypeScript's own type names.
pub(super) fn type_names<'a>(
    definitions: impl Iterator<Item = &'a String>,
) -> BTreeMap<String, String> {
    const RESERVED: &[&str] = &[
        "any",
        "bigint",
        "boolean",
        "never",
        "null",
        "number",
        "object",
        "string",
        "symbol",
        "undefined",
        "unknown",
        "void",
        "Tcmpp",
        "Array",
        "Record",
        "Promise",
    ];
    let mut used = BTreeSet::new();
    let mut names = BTreeMap::new();
    for name in definitions {
        let mut ident: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
            ident.insert(0, '_');
        }
        if RESERVED.contains(&ident.as_str()) {
            ident.push('_');
        }
        let mut unique = ident.clone();
        let mut n = 2;
        while !used.insert(unique.clone()) {
            unique = format!("{ident}{n}");
            n += 1;
        }
        names.insert(name.clone(), unique);
    }
    names
}

/// A type expression, and how loosely it binds, for the parentheses it needs inside another.
pub(super) struct Ts {
    pub(super) text: String,
    pub(super) form: Form,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Form {
    Union,
    Intersection,
    Atom,
}

impl Ts {
    pub(super) fn atom(text: impl Into<String>) -> Self {
        Ts {
            text: text.into(),
            form: Form::Atom,
        }
    }

    /// The text, in parentheses when it binds more loosely than `needed`.
    pub(super) fn at_least(self, needed: Form) -> String {
        if self.form < needed {
            format!("({})", self.text)
        } else {
            self.text
        }
    }

    pub(super) fn union(parts: Vec<Ts>) -> Ts {
        let mut texts: Vec<String> = Vec::with_capacity(parts.len());
        for part in parts {
            let text = part.at_least(Form::Intersection);
            if !texts.contains(&text) {
                texts.push(text);
            }
        }
        match texts.len() {
            0 => Ts::atom("never"),
            1 => Ts::atom(texts.remove(0)),
            _ => Ts {
                text: texts.join(" | "),
                form: Form::Union,
            },
        }
    }

    pub(super) fn intersection(parts: Vec<Ts>) -> Ts {
        let mut parts = parts;
        match parts.len() {
            0 => Ts::atom(JSON_VALUE),
            1 => parts.remove(0),
            _ => Ts {
                text: parts
                    .into_iter()
                    .map(|part| part.at_least(Form::Atom))
                    .collect::<Vec<_>>()
                    .join(" & "),
                form: Form::Intersection,
            },
        }
    }
}

/// Renders schemas as type expressions.
pub(super) struct Emitter<'a> {
    pub(super) names: &'a BTreeMap<String, String>,
    /// How a user type is named where the expression is written.
    pub(super) types_prefix: &'static str,
}

impl Emitter<'_> {
    pub(super) fn render(&self, schema: &Value) -> Ts {
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

    pub(super) fn reference(&self, reference: &str) -> Ts {
        match referenced_name(reference).and_then(|name| self.names.get(&name)) {
            Some(name) => Ts::atom(format!("{}{name}", self.types_prefix)),
            // schemars only refers to its own definitions; anything else is unknown here.
            None => Ts::atom(JSON_VALUE),
        }
    }

    /// The union of the `type`s the schema allows (implied by `properties` or `items` when it
    /// names none); `None` when nothing says.
    pub(super) fn shape(&self, map: &Map<String, Value>) -> Option<Ts> {
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

    pub(super) fn array(&self, map: &Map<String, Value>) -> Ts {
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

    pub(super) fn object(&self, map: &Map<String, Value>) -> Ts {
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
    pub(super) fn write_properties(
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
    pub(super) fn write_inline_properties(
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
    pub(super) fn index_signature(&self, map: &Map<String, Value>) -> Option<String> {
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

/// The properties of an object schema, sorted, with whether each may be left out.
pub(super) fn properties(
    map: &Map<String, Value>,
) -> impl Iterator<Item = (&String, &Value, bool)> {
    let required: BTreeSet<&str> = match map.get("required") {
        Some(Value::Array(keys)) => keys.iter().filter_map(Value::as_str).collect(),
        _ => BTreeSet::new(),
    };
    map.get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(move |(key, schema)| (key, schema, !required.contains(key.as_str())))
}

/// A JSDoc comment from the schema's `description` (the type's or field's doc comment).
/// `text` made safe inside a `/** … */` comment: a method or key may spell `*/`, which would end
/// it early and turn the rest into code.
pub(super) fn in_comment(text: &str) -> String {
    text.replace("*/", "*\\/")
}

pub(super) fn write_doc(out: &mut String, schema: &Value, indent: &str) {
    let Some(description) = schema.get("description").and_then(Value::as_str) else {
        return;
    };
    let description = in_comment(description);
    if !description.contains('\n') {
        let _ = writeln!(out, "{indent}/** {description} */");
        return;
    }
    let _ = writeln!(out, "{indent}/**");
    for line in description.lines() {
        if line.is_empty() {
            let _ = writeln!(out, "{indent} *");
        } else {
            let _ = writeln!(out, "{indent} * {line}");
        }
    }
    let _ = writeln!(out, "{indent} */");
}

/// A JSON value as a TypeScript literal type: JSON's literals are TypeScript's.
pub(super) fn literal(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| JSON_VALUE.to_owned())
}

pub(super) fn string_literal(text: &str) -> String {
    literal(&Value::from(text))
}

/// A property name as TypeScript needs it: bare when it is an identifier, quoted otherwise.
pub(super) fn property_key(key: &str) -> String {
    let identifier = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier {
        key.to_owned()
    } else {
        string_literal(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(schema: Value) -> String {
        let names = type_names(["Person".to_owned(), "string".to_owned()].iter());
        Emitter {
            names: &names,
            types_prefix: "Types.",
        }
        .render(&schema)
        .text
    }

    #[test]
    fn shapes_become_type_expressions() {
        assert_eq!(render(json!(true)), "Tcmpp.JsonValue");
        assert_eq!(render(json!({"type": ["string", "null"]})), "string | null");
        assert_eq!(
            render(
                json!({"type": "array", "items": {"anyOf": [{"type": "integer"}, {"type": "null"}]}})
            ),
            "(number | null)[]"
        );
        assert_eq!(
            render(
                json!({"type": "object", "properties": {"a b": {"type": "boolean"}, "x": {"$ref": "#/$defs/Person"}}, "required": ["x"]})
            ),
            r#"{ "a b"?: boolean; x: Types.Person }"#
        );
        assert_eq!(
            render(json!({"type": "object", "additionalProperties": {"type": "integer"}})),
            "{ [key: string]: number }"
        );
        assert_eq!(render(json!({"$ref": "#/$defs/string"})), "Types.string_");
        assert_eq!(render(json!({"enum": ["a", 1]})), r#""a" | 1"#);
        assert_eq!(
            render(json!({"type": "array", "prefixItems": [{"type": "string"}], "items": false})),
            "[string]"
        );
        assert_eq!(
            render(
                json!({"$ref": "#/$defs/Person", "type": "object", "properties": {"t": {"const": "k"}}, "required": ["t"]})
            ),
            r#"{ t: "k" } & Types.Person"#
        );
    }

    #[test]
    fn an_index_signature_admits_the_properties_beside_it() {
        assert_eq!(
            render(
                json!({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "integer"}})
            ),
            "{ a?: string; [key: string]: number | string | undefined }"
        );
    }
}
