//! Schemas, reached only where the OpenAPI objects put them (`components/schemas`, a
//! parameter's, header's or media type's `schema`) and, inside a schema, through `properties`,
//! `items`, `additionalProperties`, `allOf`/`oneOf`/`anyOf` and `not`. Property names are never
//! read as keywords.
//!
//! A schema keyword of a type the model cannot read only narrows the value's type, so it is
//! dropped with a warning and generation goes on: an unknown `type` name (`bool`, `int`), a
//! `required` that is not a list of names, an `enum` that is not a list, a negative
//! `minLength`. JSON Schema draft 3's `required: true` inside a property moves to the object's
//! `required` list. Each of these is listed as a repair, which the front end applies; the walk
//! itself only reads (a schema whose keywords beside a `$ref` are rewritten is walked as
//! rewritten).

use std::borrow::Cow;

use serde_yaml::{Mapping, Value};

use super::fields::{describe, key_name, Kind};
use super::structure::Checker;
use super::Action;
use crate::diagnostics::pointer_token;

/// Where a schema stands, for what its `required` may mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// The schema of an object's property.
    Property,
    /// The schema of a parameter or header.
    Parameter,
    /// Anywhere else.
    Other,
}

/// The types OpenAPI 3.0 knows.
const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];

const TYPE_HINT: &str =
    "use one of `string`, `number`, `integer`, `boolean`, `array` or `object`, or leave `type` out for any value";

/// What a keyword must hold.
#[derive(Debug, Clone, Copy)]
enum Keyword {
    Type,
    /// A string or null.
    Text,
    /// `true` or `false`, not null.
    Flag,
    /// `true`, `false` or null.
    OptionalFlag,
    /// A finite number or null.
    Number,
    /// A whole number of 0 or more, or null.
    Count,
    Enum,
    Required,
    Properties,
    AdditionalProperties,
    /// One schema: `items`, `not`.
    Subschema,
    /// A list of schemas: `allOf`, `oneOf`, `anyOf`.
    Subschemas,
    /// An OpenAPI object: `discriminator`, `externalDocs`.
    Object(Kind),
    /// Not read by the model (`example`, `default`, extensions, unknown keywords).
    Other,
}

fn keyword(name: &str) -> Keyword {
    match name {
        "type" => Keyword::Type,
        "title" | "description" | "pattern" | "format" => Keyword::Text,
        "nullable" | "readOnly" | "writeOnly" | "deprecated" => Keyword::Flag,
        "exclusiveMinimum" | "exclusiveMaximum" | "uniqueItems" => Keyword::OptionalFlag,
        "multipleOf" | "minimum" | "maximum" => Keyword::Number,
        "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => {
            Keyword::Count
        }
        "enum" => Keyword::Enum,
        "required" => Keyword::Required,
        "properties" => Keyword::Properties,
        "additionalProperties" => Keyword::AdditionalProperties,
        "items" | "not" => Keyword::Subschema,
        "allOf" | "oneOf" | "anyOf" => Keyword::Subschemas,
        "discriminator" => Keyword::Object(Kind::Discriminator),
        "externalDocs" => Keyword::Object(Kind::ExternalDocs),
        _ => Keyword::Other,
    }
}

/// What becomes of a keyword.
enum Outcome {
    Keep,
    /// Kept, as this value.
    Replace(Value),
    /// Dropped, with this message and hint.
    Drop(String, String),
    /// Dropped; the warnings are already out.
    Dropped,
}

/// The OpenAPI type an unknown type name most likely means, as the hint says it.
fn probable_type(name: &str) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    Some(match name.as_str() {
        "bool" | "boolean" => "`type: boolean`",
        "int" | "int8" | "int16" | "int32" | "int64" | "integer" | "long" | "short" | "uint"
        | "uint32" | "uint64" | "i32" | "i64" | "u32" | "u64" | "bigint" => "`type: integer`",
        "float" | "double" | "decimal" | "number" | "real" | "numeric" | "f32" | "f64" => {
            "`type: number`"
        }
        "str" | "string" | "text" | "char" => "`type: string`",
        "date" => "`type: string` with `format: date`",
        "datetime" | "date-time" | "timestamp" => "`type: string` with `format: date-time`",
        "uuid" => "`type: string` with `format: uuid`",
        "file" | "binary" => "`type: string` with `format: binary`",
        "dict" | "map" | "hash" | "object" | "struct" | "record" => "`type: object`",
        "list" | "array" | "tuple" | "set" => "`type: array`",
        _ => return None,
    })
}

impl Checker<'_> {
    /// Checks the schema at `at`, listing its repairs.
    pub(super) fn schema(&mut self, value: &Value, at: &str, place: Place) {
        self.schema_in(value, at, place);
    }

    /// Checks a schema, listing its repairs; for a property's schema, returns its draft-3
    /// boolean `required` (left out), which the parent object turns into an entry of its
    /// `required`.
    fn schema_in(&mut self, value: &Value, at: &str, place: Place) -> Option<bool> {
        let Value::Mapping(original) = value else {
            self.not_a_schema(value, at);
            return None;
        };
        // The schema as repaired so far, which the rest of the walk reads.
        let mut map = Cow::Borrowed(original);
        let draft3 = match map.get("required") {
            Some(Value::Bool(flag)) if place == Place::Property => {
                let flag = *flag;
                map.to_mut().shift_remove("required");
                self.repair(at, Action::Remove(Value::from("required")));
                Some(flag)
            }
            _ => None,
        };
        // A `$ref`: `Ok` when a string, else what it is, for the message.
        let reference = map
            .get("$ref")
            .map(|r| r.is_string().then_some(()).ok_or_else(|| describe(r)));
        match reference {
            Some(Ok(())) if map.len() == 1 => return draft3,
            // Keywords beside a reference (3.1 allows them; 3.0 documents write `nullable` and
            // `description` there anyway) would be dropped by the model, which reads nothing
            // beside a `$ref`. As `allOf: [{$ref: ..}]` with the keywords beside it, the type
            // is still the reference's and the keywords are kept.
            Some(Ok(())) => {
                let map = map.to_mut();
                let mut reference = Mapping::new();
                if let Some(target) = map.shift_remove("$ref") {
                    reference.insert(Value::from("$ref"), target);
                }
                match map.get_mut("allOf") {
                    Some(Value::Sequence(parts)) => parts.insert(0, Value::Mapping(reference)),
                    _ => {
                        map.insert(
                            Value::from("allOf"),
                            Value::Sequence(vec![Value::Mapping(reference)]),
                        );
                    }
                }
                self.repair(at, Action::Replace(Value::Mapping(map.clone())));
            }
            Some(Err(found)) => {
                self.warning(
                    &format!("{at}/$ref"),
                    format!("`$ref` must be a string, but it is {found}; it is dropped"),
                    "write the reference as a string: `$ref: '#/components/schemas/Name'`",
                );
                map.to_mut().shift_remove("$ref");
                self.repair(at, Action::Remove(Value::from("$ref")));
            }
            None => {}
        }
        let mut newly_required = Vec::new();
        let integer = map.get("type").and_then(Value::as_str) == Some("integer");
        for (key, child) in map.iter() {
            let Some(name) = key.as_str() else {
                let shown = key_name(key).unwrap_or_else(|| describe(key));
                self.warning(
                    &format!("{at}/{}", pointer_token(&shown)),
                    format!("`{shown}` is not a schema keyword; it is ignored"),
                    "remove it; property names go under `properties`",
                );
                self.repair(at, Action::Remove(key.clone()));
                continue;
            };
            let keyword_at = format!("{at}/{}", pointer_token(name));
            let outcome = match keyword(name) {
                Keyword::Type => type_outcome(child),
                Keyword::Text => keep_if(
                    child.is_null() || child.is_string(),
                    child,
                    "a string",
                    "write it as a string",
                ),
                Keyword::Flag => keep_if(
                    child.is_bool(),
                    child,
                    "`true` or `false`",
                    "write `true` or `false`, without quotes",
                ),
                Keyword::OptionalFlag => keep_if(
                    child.is_null() || child.is_bool(),
                    child,
                    "`true` or `false`",
                    "write `true` or `false`, without quotes",
                ),
                Keyword::Number if integer && child.is_f64() => integer_bound(child),
                Keyword::Number => keep_if(
                    child.is_null() || child.as_f64().is_some_and(f64::is_finite),
                    child,
                    "a number",
                    "write a number, without quotes",
                ),
                Keyword::Count => keep_if(
                    child.is_null() || child.as_u64().is_some(),
                    child,
                    "a whole number of 0 or more",
                    "write a whole number of 0 or more, without quotes",
                ),
                Keyword::Enum => keep_if(
                    child.is_null() || child.is_sequence(),
                    child,
                    "a list of values",
                    "list the allowed values: `enum: [a, b]`",
                ),
                Keyword::Required => self.required(child, &keyword_at, place),
                Keyword::Properties => match child {
                    Value::Null => Outcome::Keep,
                    Value::Mapping(properties) => {
                        let properties = self.string_keys(properties, &keyword_at);
                        for (property, schema) in properties.iter() {
                            let property = property.as_str().unwrap_or_default().to_owned();
                            let property_at = format!("{keyword_at}/{}", pointer_token(&property));
                            match self.schema_in(schema, &property_at, Place::Property) {
                                Some(true) => {
                                    self.warning(
                                        &format!("{property_at}/required"),
                                        format!("`required: true` inside property `{property}` is JSON Schema draft 3; `{property}` is added to the object's `required` list"),
                                        format!("list the object's required properties beside `properties`: `required: [{property}]`"),
                                    );
                                    newly_required.push(property);
                                }
                                Some(false) => self.warning(
                                    &format!("{property_at}/required"),
                                    format!("`required: false` inside property `{property}` is JSON Schema draft 3; it is dropped, and `{property}` stays optional"),
                                    "remove it: a property is optional unless the object's `required` list names it",
                                ),
                                None => {}
                            }
                        }
                        Outcome::Keep
                    }
                    other => keep_if(
                        false,
                        other,
                        "a map from property names to schemas",
                        "write `properties` as a map: `properties: {id: {type: string}}`",
                    ),
                },
                Keyword::AdditionalProperties => match child {
                    Value::Null | Value::Bool(_) => Outcome::Keep,
                    Value::Mapping(_) => {
                        self.schema_in(child, &keyword_at, Place::Other);
                        Outcome::Keep
                    }
                    other => keep_if(
                        false,
                        other,
                        "`true`, `false` or a schema",
                        "write `additionalProperties: true`, or the schema of the values",
                    ),
                },
                Keyword::Subschema => {
                    if !child.is_null() {
                        self.schema_in(child, &keyword_at, Place::Other);
                    }
                    Outcome::Keep
                }
                Keyword::Subschemas => match child {
                    Value::Null => Outcome::Keep,
                    Value::Sequence(schemas) => {
                        for (index, schema) in schemas.iter().enumerate() {
                            self.schema_in(schema, &format!("{keyword_at}/{index}"), Place::Other);
                        }
                        Outcome::Keep
                    }
                    other => keep_if(
                        false,
                        other,
                        "a list of schemas",
                        "write the alternatives as a list: `- $ref: ..` lines",
                    ),
                },
                Keyword::Object(kind) => {
                    if child.is_null() {
                        Outcome::Keep
                    } else {
                        let mark = self.mark();
                        self.object(child, kind, &keyword_at, name);
                        if self.errors_since(mark) {
                            self.demote_since(mark, &format!("the schema's `{name}` is dropped"));
                            Outcome::Dropped
                        } else {
                            Outcome::Keep
                        }
                    }
                }
                Keyword::Other => Outcome::Keep,
            };
            match outcome {
                Outcome::Keep => {}
                Outcome::Replace(repaired) => self.repair(&keyword_at, Action::Replace(repaired)),
                Outcome::Drop(message, hint) => {
                    let message = message.replace("{keyword}", name);
                    self.warning(&keyword_at, message, hint.replace("{keyword}", name));
                    self.repair(at, Action::Remove(key.clone()));
                }
                Outcome::Dropped => self.repair(at, Action::Remove(key.clone())),
            }
        }
        if !newly_required.is_empty() {
            // The object's `required` as repaired: a list of names (kept, without what is not
            // a name), or left out or null (replaced by the new list).
            let mut names: Vec<Value> = match map.get("required") {
                Some(Value::Sequence(names)) => {
                    names.iter().filter(|n| n.is_string()).cloned().collect()
                }
                _ => Vec::new(),
            };
            for name in newly_required {
                if !names.iter().any(|n| n.as_str() == Some(name.as_str())) {
                    names.push(Value::String(name));
                }
            }
            self.repair(
                &format!("{at}/required"),
                Action::Replace(Value::Sequence(names)),
            );
        }
        draft3
    }

    /// Replaces a value that is not a schema object by `{}` (any JSON value): 3.1's `true`
    /// silently, anything else with a warning.
    fn not_a_schema(&mut self, value: &Value, at: &str) {
        self.repair(at, Action::Replace(Value::Mapping(Mapping::new())));
        let (message, hint) = match value {
            Value::Bool(true) => return,
            Value::Bool(_) => (
                "the schema `false` allows no value; it is read as any JSON value".to_owned(),
                "leave the property out if it must never be sent",
            ),
            Value::Sequence(_) => (
                "this schema is a list, not a schema object; it is read as any JSON value".to_owned(),
                "a list of schemas is JSON Schema's tuple form of `items`, which OpenAPI 3.0 lacks: give one schema for every item",
            ),
            other => (
                format!(
                    "this schema is {}, not a schema object; it is read as any JSON value",
                    describe(other)
                ),
                "write a schema object, such as `{type: string}`",
            ),
        };
        self.warning(at, message, hint);
    }

    /// `required`: a list of property names. Entries that are not strings are dropped; a
    /// boolean (draft 3, outside a property) or anything else drops the keyword.
    fn required(&mut self, value: &Value, at: &str, place: Place) -> Outcome {
        match value {
            Value::Null => Outcome::Keep,
            Value::Sequence(names) => {
                if let Some(bad) = names.iter().find(|n| !n.is_string()) {
                    let found = describe(bad);
                    self.warning(
                        at,
                        format!("`required` must list property names, but it holds {found}; what is not a string is dropped from the list"),
                        "list the names of the required properties as strings: `required: [id, name]`",
                    );
                    let names = names.iter().filter(|n| n.is_string()).cloned().collect();
                    return Outcome::Replace(Value::Sequence(names));
                }
                Outcome::Keep
            }
            Value::Bool(flag) => match place {
                Place::Parameter => Outcome::Drop(
                    format!("`required: {flag}` inside the schema of a parameter or header is not a list of property names; it is dropped"),
                    "a parameter or header is made required by `required: true` beside its `schema`, not inside it".to_owned(),
                ),
                Place::Property | Place::Other => Outcome::Drop(
                    format!("`required: {flag}` inside a schema must be a list of property names; it is dropped"),
                    "list the names of the required properties: `required: [id, name]`".to_owned(),
                ),
            },
            other => keep_if(
                false,
                other,
                "a list of property names",
                "list the names of the required properties: `required: [id, name]`",
            ),
        }
    }
}

/// Keeps a keyword whose value fits, else drops it with a message naming what it must be.
/// A bound (`minimum`, `maximum`, `multipleOf`) of an integer schema written as a
/// floating-point number: the model holds it as an `i64`. A whole number that a float holds
/// exactly (below 2^53) becomes that integer; anything else (a fraction, an integer beyond 64
/// bits, which loads as a float) cannot be said in the Rust type and is dropped.
fn integer_bound(child: &Value) -> Outcome {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match child.as_f64() {
        #[allow(clippy::cast_possible_truncation)]
        Some(number) if number.fract() == 0.0 && number.abs() < EXACT => {
            Outcome::Replace(Value::from(number as i64))
        }
        _ => Outcome::Drop(
            format!(
                "the integer schema's `{{keyword}}: {}` does not fit a 64-bit integer exactly; the bound is dropped",
                describe_number(child)
            ),
            "the value keeps its integer type (its `format`, else `i64`); write a bound that fits it, or make the schema `type: number` or a string".to_owned(),
        ),
    }
}

fn describe_number(value: &Value) -> String {
    match value {
        Value::Number(number) => number.to_string(),
        other => describe(other),
    }
}

fn keep_if(fits: bool, value: &Value, expected: &str, hint: &str) -> Outcome {
    if fits {
        return Outcome::Keep;
    }
    Outcome::Drop(
        format!(
            "the schema keyword `{{keyword}}` must be {expected}, but it is {}; it is dropped",
            describe(value)
        ),
        hint.to_owned(),
    )
}

/// `type`: one of the six OpenAPI types (3.1's lists and `null` are normalized before this).
/// Another name is dropped, with the type it probably means as the hint: the schema is not
/// guessed into that type.
fn type_outcome(value: &Value) -> Outcome {
    match value {
        Value::Null => Outcome::Keep,
        Value::String(name) if TYPES.contains(&name.as_str()) => Outcome::Keep,
        Value::String(name) => Outcome::Drop(
            format!("`type: {name}` is not an OpenAPI type; `type` is dropped, so the value is not typed (any JSON value)"),
            match probable_type(name) {
                Some(meant) => format!("did you mean {meant}?"),
                None => TYPE_HINT.to_owned(),
            },
        ),
        other => Outcome::Drop(
            format!(
                "`type` must be a string, but it is {}; `type` is dropped, so the value is not typed (any JSON value)",
                describe(other)
            ),
            TYPE_HINT.to_owned(),
        ),
    }
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
