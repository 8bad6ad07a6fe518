//! `load`: spec text (YAML or JSON) -> a normalized document value -> `openapiv3::OpenAPI`.

use openapiv3::OpenAPI;
use serde_yaml::{Mapping, Value};

use crate::diagnostics::{locate, Diagnostic};

/// Parses YAML or JSON text into a document value.
pub(crate) fn parse(text: &str, file: &str) -> Result<Value, Box<Diagnostic>> {
    serde_yaml::from_str::<Value>(text).map_err(|err| {
        let mut diagnostic = Diagnostic::error(
            file,
            format!("the spec is not valid YAML or JSON: {err}"),
        )
        .hint(
            "fix the syntax at the given line; a YAML document is indented with spaces, never tabs",
        );
        if let Some(location) = err.location() {
            diagnostic = diagnostic.line_col(location.line(), location.column());
        }
        Box::new(diagnostic)
    })
}

/// Rewrites the OpenAPI 3.1 forms that the 3.0 model cannot read into their 3.0 equivalents,
/// so one model serves both versions. 3.0 documents pass through unchanged.
pub(crate) fn normalize(document: &mut Value) {
    if let Some(map) = document.as_mapping_mut() {
        let is_31 = map
            .get("openapi")
            .and_then(Value::as_str)
            .is_some_and(|version| version.starts_with("3.1"));
        if is_31 {
            map.insert("openapi".into(), "3.0.3".into());
        }
        // 3.1 documents may carry only webhooks or components.
        if !map.contains_key("paths") {
            map.insert("paths".into(), Value::Mapping(Mapping::new()));
        }
    }
    walk(document, false);
}

/// Visits every node; `in_properties` marks the name -> schema map of `properties`, whose keys
/// are property names and must not be taken for schema keywords.
fn walk(node: &mut Value, in_properties: bool) {
    match node {
        Value::Mapping(map) => {
            if !in_properties {
                normalize_schema_keywords(map);
            }
            for (key, child) in map.iter_mut() {
                let is_properties = !in_properties && key.as_str() == Some("properties");
                walk(child, is_properties);
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|item| walk(item, false)),
        _ => {}
    }
}

/// The 3.1 schema forms, each recognised by a shape only a schema can have.
fn normalize_schema_keywords(map: &mut Mapping) {
    // `type: [integer, "null"]` -> `type: integer` + `nullable: true`.
    if let Some(Value::Sequence(types)) = map.get("type").cloned() {
        let nullable = types.iter().any(|t| t.as_str() == Some("null"));
        let rest: Vec<Value> = types
            .into_iter()
            .filter(|t| t.as_str() != Some("null"))
            .collect();
        match rest.as_slice() {
            [single] => {
                map.insert("type".into(), single.clone());
            }
            _ => {
                // Several types: no single 3.0 type says it; any value is accepted.
                map.remove("type");
            }
        }
        if nullable {
            map.insert("nullable".into(), true.into());
        }
    }
    if map.get("type").and_then(Value::as_str) == Some("null") {
        map.remove("type");
        map.insert("nullable".into(), true.into());
    }
    // `const: x` -> `enum: [x]`.
    if let Some(value) = map.remove("const") {
        map.insert("enum".into(), Value::Sequence(vec![value]));
    }
    // Numeric exclusive bounds -> 3.0's boolean form.
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(number @ Value::Number(_)) = map.get(exclusive).cloned() {
            map.insert(bound.into(), number);
            map.insert(exclusive.into(), true.into());
        }
    }
    // Schema `examples: [..]` (an array; media-type `examples` is a map) -> `example`.
    if let Some(Value::Sequence(examples)) = map.get("examples").cloned() {
        map.remove("examples");
        if let Some(first) = examples.into_iter().next() {
            map.entry("example".into()).or_insert(first);
        }
    }
}

/// Reads the normalized value into the OpenAPI model, locating any mismatch.
pub(crate) fn into_openapi(
    document: Value,
    text: &str,
    file: &str,
) -> Result<OpenAPI, Box<Diagnostic>> {
    serde_path_to_error::deserialize::<_, OpenAPI>(document).map_err(|err| {
        let pointer = json_pointer(err.path());
        let mut diagnostic = Diagnostic::error(
            file,
            format!("the spec does not match OpenAPI 3.0/3.1: {}", err.inner()),
        )
        .at(pointer.clone())
        .hint("compare this element with the OpenAPI specification's object of the same name");
        if let Some((line, column)) = locate(text, &pointer) {
            diagnostic = diagnostic.line_col(line, column);
        }
        Box::new(diagnostic)
    })
}

fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(format!("/{index}")),
            Segment::Map { key } => Some(format!("/{}", crate::diagnostics::pointer_token(key))),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(text: &str) -> Value {
        let mut value = parse(text, "t.yaml").unwrap_or(Value::Null);
        normalize(&mut value);
        value
    }

    #[test]
    fn type_arrays_with_null_become_nullable() {
        let value = normalized(
            "openapi: 3.1.0\ncomponents:\n  schemas:\n    A:\n      type: [integer, 'null']\n",
        );
        let schema = &value["components"]["schemas"]["A"];
        assert_eq!(schema["type"], Value::from("integer"));
        assert_eq!(schema["nullable"], Value::from(true));
        assert_eq!(value["openapi"], Value::from("3.0.3"));
    }

    #[test]
    fn a_property_named_const_is_not_a_keyword() {
        let value = normalized("openapi: 3.1.0\ncomponents:\n  schemas:\n    A:\n      properties:\n        const: {type: string}\n");
        assert_eq!(
            value["components"]["schemas"]["A"]["properties"]["const"]["type"],
            Value::from("string")
        );
    }

    #[test]
    fn const_and_exclusive_bounds() {
        let value = normalized(
            "openapi: 3.1.0\ncomponents:\n  schemas:\n    A: {const: x, exclusiveMinimum: 3}\n",
        );
        let schema = &value["components"]["schemas"]["A"];
        assert_eq!(
            schema["enum"],
            serde_yaml::from_str::<Value>("[x]").unwrap_or(Value::Null)
        );
        assert_eq!(schema["minimum"], Value::from(3));
        assert_eq!(schema["exclusiveMinimum"], Value::from(true));
    }

    #[test]
    fn syntax_errors_are_located() {
        let err = parse("openapi: 3.0.0\npaths: [\n", "bad.yaml").err();
        assert!(err.is_some_and(|err| err.line_col.is_some()));
    }
}
