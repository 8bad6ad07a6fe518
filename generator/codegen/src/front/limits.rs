//! Limits on what a document may ask of the model: how deeply schemas nest.

use serde_yaml::{Mapping, Value};

use crate::diagnostics::{pointer_token, Diagnostic};

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
    limit(document, 0, "", file, &mut warnings);
    warnings
}

/// Visits every node; `depth` counts the schema keywords on the way to it. Keys are read as
/// keywords wherever they are, so a name that only looks like one counts too: the count errs
/// on the deep side.
fn limit(node: &mut Value, depth: usize, at: &str, file: &str, warnings: &mut Vec<Diagnostic>) {
    let schema = |node: &mut Value, at: String, warnings: &mut Vec<Diagnostic>| {
        if depth >= MAX_SCHEMA_DEPTH && node.is_mapping() {
            *node = Value::Mapping(Mapping::new());
            warnings.push(
                Diagnostic::warning(
                    file,
                    format!("this schema is nested more than {MAX_SCHEMA_DEPTH} schemas deep; it is typed as a JSON value"),
                )
                .at(at)
                .hint("move the inner schemas to `components/schemas` and refer to them with `$ref`"),
            );
        } else {
            limit(node, depth + 1, &at, file, warnings);
        }
    };
    match node {
        Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                let key = match key {
                    Value::String(key) => key.clone(),
                    Value::Number(number) => number.to_string(),
                    Value::Bool(flag) => flag.to_string(),
                    _ => String::new(),
                };
                let at = format!("{at}/{}", pointer_token(&key));
                match (key.as_str(), child) {
                    ("items" | "not" | "additionalProperties", child) => {
                        schema(child, at, warnings);
                    }
                    ("properties", Value::Mapping(properties)) => {
                        for (name, child) in properties.iter_mut() {
                            let name = pointer_token(name.as_str().unwrap_or_default());
                            schema(child, format!("{at}/{name}"), warnings);
                        }
                    }
                    ("allOf" | "oneOf" | "anyOf", Value::Sequence(items)) => {
                        for (index, child) in items.iter_mut().enumerate() {
                            schema(child, format!("{at}/{index}"), warnings);
                        }
                    }
                    (_, child) => limit(child, depth, &at, file, warnings),
                }
            }
        }
        Value::Sequence(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                limit(child, depth, &format!("{at}/{index}"), file, warnings);
            }
        }
        _ => {}
    }
}
