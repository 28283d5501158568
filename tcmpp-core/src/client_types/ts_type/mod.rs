//! JSON Schemas as TypeScript type expressions: the names the declarations give definitions,
//! and the rendering of one schema into a type, with its doc comment.

mod emitter;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::{Map, Value};

pub(super) use emitter::Emitter;

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
