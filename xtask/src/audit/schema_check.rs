//! Validates every example in a spec against the schema beside it, with the `jsonschema`
//! crate. OpenAPI 3.0 schemas are first rewritten into JSON Schema 2020-12 where the two
//! differ (`nullable`, boolean `exclusiveMinimum`/`exclusiveMaximum`).

use std::collections::BTreeMap;

use clientgen::diagnostics::pointer_token;
use serde_json::{json, Map, Value};

/// (pointer of the example, what is wrong, `x-page-differs` beside it) for each example that
/// does not validate.
pub fn invalid_examples(spec: &Value) -> Vec<(String, String, Option<String>)> {
    let converted = to_json_schema(spec);
    let mut out = Vec::new();
    let mut validators: BTreeMap<String, Option<jsonschema::Validator>> = BTreeMap::new();
    for (example_pointer, schema_pointer, example, holder) in examples(spec, String::new()) {
        let validator = validators.entry(schema_pointer.clone()).or_insert_with(|| {
            let mut root = match &converted {
                Value::Object(map) => map.clone(),
                _ => Map::new(),
            };
            root.insert(
                "$schema".to_owned(),
                json!("https://json-schema.org/draft/2020-12/schema"),
            );
            root.insert(
                "$ref".to_owned(),
                json!(format!("#{}", fragment(&schema_pointer))),
            );
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .build(&Value::Object(root))
                .ok()
        });
        let Some(validator) = validator else {
            out.push((
                example_pointer,
                format!("the schema at #{schema_pointer} cannot be compiled to check the example"),
                None,
            ));
            continue;
        };
        let errors: Vec<String> = validator
            .iter_errors(example)
            .take(3)
            .map(|e| {
                let at = e.instance_path().to_string();
                format!(
                    "{} {e}",
                    if at.is_empty() {
                        "at the root:".to_owned()
                    } else {
                        format!("at {at}:")
                    }
                )
            })
            .collect();
        if !errors.is_empty() {
            out.push((
                example_pointer,
                format!(
                    "the example does not validate against its schema #{schema_pointer}: {}",
                    errors.join("; ")
                ),
                super::differs(holder),
            ));
        }
    }
    out
}

/// (example pointer, schema pointer, example, the object holding both) of every media-type or
/// schema example.
fn examples(value: &Value, pointer: String) -> Vec<(String, String, &Value, &Value)> {
    let mut out = Vec::new();
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            for (k, item) in items.iter().enumerate() {
                out.extend(examples(item, format!("{pointer}/{k}")));
            }
        }
        return out;
    };
    let is_media = map.contains_key("schema") && pointer.contains("/content/");
    let is_schema = pointer.starts_with("/components/schemas/") && !pointer.contains("/content/");
    if is_media || is_schema {
        let schema_pointer = if is_media {
            format!("{pointer}/schema")
        } else {
            pointer.clone()
        };
        if let Some(example) = map.get("example") {
            out.push((
                format!("{pointer}/example"),
                schema_pointer.clone(),
                example,
                value,
            ));
        }
        if is_media {
            if let Some(named) = map.get("examples").and_then(Value::as_object) {
                for (name, example) in named {
                    if let Some(v) = example.get("value") {
                        out.push((
                            format!("{pointer}/examples/{}/value", pointer_token(name)),
                            schema_pointer.clone(),
                            v,
                            value,
                        ));
                    }
                }
            }
        }
    }
    for (key, child) in map {
        if key.starts_with("x-")
            || key == "example"
            || key == "examples"
            || key == "enum"
            || key == "default"
        {
            continue;
        }
        out.extend(examples(child, format!("{pointer}/{}", pointer_token(key))));
    }
    out
}

/// A JSON pointer as a URI fragment: characters a URI does not allow there (`{`, `}`, space,
/// `%`, ...) percent-encoded.
fn fragment(pointer: &str) -> String {
    const KEEP: &str = "-._~/!$&'()*+,;=:@";
    let mut out = String::with_capacity(pointer.len());
    for byte in pointer.bytes() {
        if byte.is_ascii_alphanumeric() || KEEP.as_bytes().contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The document with OpenAPI 3.0's schema dialect rewritten into JSON Schema's.
fn to_json_schema(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out: Map<String, Value> = map
                .iter()
                .map(|(k, v)| {
                    let keep_literal = k.starts_with("x-")
                        || k == "example"
                        || k == "examples"
                        || k == "enum"
                        || k == "default"
                        || k == "const";
                    (
                        k.clone(),
                        if keep_literal {
                            v.clone()
                        } else {
                            to_json_schema(v)
                        },
                    )
                })
                .collect();
            for (bound, flag) in [
                ("minimum", "exclusiveMinimum"),
                ("maximum", "exclusiveMaximum"),
            ] {
                if let Some(Value::Bool(exclusive)) = out.get(flag).cloned() {
                    out.remove(flag);
                    if exclusive {
                        if let Some(b) = out.remove(bound) {
                            out.insert(flag.to_owned(), b);
                        }
                    }
                }
            }
            if out.get("nullable") == Some(&Value::Bool(true)) {
                out.remove("nullable");
                if let Some(Value::Array(values)) = out.get_mut("enum") {
                    if !values.contains(&Value::Null) {
                        values.push(Value::Null);
                    }
                }
                match out.get("type").cloned() {
                    Some(Value::String(t)) => {
                        out.insert("type".to_owned(), json!([t, "null"]));
                    }
                    Some(_) => {}
                    None => {
                        return json!({"anyOf": [Value::Object(out), {"type": "null"}]});
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_checked_against_their_schemas_with_openapi_30_nullable() {
        let spec = json!({
            "paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/A"},
                "example": {"id": "not a number", "name": null}
            }}}}}}},
            "components": {"schemas": {"A": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "name": {"type": "string", "nullable": true}},
                "example": {"id": 1, "name": null}
            }}}
        });
        let invalid = invalid_examples(&spec);
        assert_eq!(invalid.len(), 1, "{invalid:?}");
        assert!(invalid[0].0.ends_with("application~1json/example"));
        assert!(invalid[0].1.contains("/id"), "{}", invalid[0].1);
    }
}
