//! Limits on what a document may ask of the model: how deeply schemas nest.

use serde_yaml::{Mapping, Value};

use crate::diagnostics::{push_index, push_token, Diagnostic};

/// How deeply schemas may nest (`items`, `properties`, `additionalProperties`, `not`, `allOf`,
/// `oneOf`, `anyOf`) before the inner ones are read as any JSON value. The OpenAPI model reads
/// each schema first as a typed schema and then as a schema of any type, so a mismatch deep
/// inside costs twice as much per level: a small document nested a few dozen levels would
/// take hours. Real specs nest a handful of levels.
pub(super) const MAX_SCHEMA_DEPTH: usize = 12;

/// Replaces every schema nested more than [`MAX_SCHEMA_DEPTH`] schemas deep with `{}` (any
/// JSON value), with a warning for each.
pub(crate) fn limit_schema_depth(document: &mut Value, file: &str) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    limit(document, 0, &mut String::new(), file, &mut warnings);
    warnings
}

/// Visits every node; `depth` counts the schema keywords on the way to it. Keys are read as
/// keywords wherever they are, so a name that only looks like one counts too: the count errs
/// on the deep side.
fn limit(
    node: &mut Value,
    depth: usize,
    at: &mut String,
    file: &str,
    warnings: &mut Vec<Diagnostic>,
) {
    let schema = |node: &mut Value, at: &mut String, warnings: &mut Vec<Diagnostic>| {
        if depth >= MAX_SCHEMA_DEPTH && node.is_mapping() {
            *node = Value::Mapping(Mapping::new());
            warnings.push(
                Diagnostic::warning(
                    file,
                    format!("this schema is nested more than {MAX_SCHEMA_DEPTH} schemas deep; it is typed as a JSON value"),
                )
                .at(at.clone())
                .hint("move the inner schemas to `components/schemas` and refer to them with `$ref`"),
            );
        } else {
            limit(node, depth + 1, at, file, warnings);
        }
    };
    let len = at.len();
    match node {
        Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                let number;
                let key = match key {
                    Value::String(key) => key.as_str(),
                    Value::Number(n) => {
                        number = n.to_string();
                        number.as_str()
                    }
                    Value::Bool(true) => "true",
                    Value::Bool(false) => "false",
                    _ => "",
                };
                push_token(at, key);
                let key_len = at.len();
                match (key, child) {
                    ("items" | "not" | "additionalProperties", child) => {
                        schema(child, at, warnings);
                    }
                    ("properties", Value::Mapping(properties)) => {
                        for (name, child) in properties.iter_mut() {
                            push_token(at, name.as_str().unwrap_or_default());
                            schema(child, at, warnings);
                            at.truncate(key_len);
                        }
                    }
                    ("allOf" | "oneOf" | "anyOf", Value::Sequence(items)) => {
                        for (index, child) in items.iter_mut().enumerate() {
                            push_index(at, index);
                            schema(child, at, warnings);
                            at.truncate(key_len);
                        }
                    }
                    (_, child) => limit(child, depth, at, file, warnings),
                }
                at.truncate(len);
            }
        }
        Value::Sequence(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                push_index(at, index);
                limit(child, depth, at, file, warnings);
                at.truncate(len);
            }
        }
        _ => {}
    }
}
