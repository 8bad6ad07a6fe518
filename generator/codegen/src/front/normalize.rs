//! OpenAPI 3.1 forms rewritten into their 3.0 equivalents, and the defaults the model reads
//! wrongly made explicit.

use serde_yaml::{Mapping, Value};

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
                if let Some(Value::Mapping(encoding)) = map.get_mut("encoding") {
                    normalize_encoding(encoding);
                }
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
    // 3.1's `contentMediaType` on a string (or untyped) schema without `contentEncoding`:
    // raw bytes of that media type, which 3.0 writes `format: binary`.
    if map.contains_key("contentMediaType")
        && !map.contains_key("contentEncoding")
        && map.get("type").is_none_or(|t| t.as_str() == Some("string"))
    {
        map.insert("type".into(), "string".into());
        map.insert("format".into(), "binary".into());
    }
    // Schema `examples: [..]` (an array; media-type `examples` is a map) -> `example`.
    if let Some(Value::Sequence(examples)) = map.get("examples").cloned() {
        map.remove("examples");
        if let Some(first) = examples.into_iter().next() {
            map.entry("example".into()).or_insert(first);
        }
    }
}

/// A media type's `encoding` map (property name -> Encoding Object): OpenAPI's defaults made
/// explicit, because the model reads a missing `explode` as `false`. A `style` without
/// `explode` gets the style's default (`true` for `form`); an `explode` without `style` gets
/// `style: form`. Entries with neither keep the generator's own default encoding.
fn normalize_encoding(encoding: &mut Mapping) {
    for (_, entry) in encoding.iter_mut() {
        let Value::Mapping(entry) = entry else {
            continue;
        };
        let style = entry
            .get("style")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let has_explode = entry.get("explode").is_some_and(Value::is_bool);
        match style {
            Some(style) if !has_explode => {
                entry.insert("explode".into(), (style == "form").into());
            }
            None if has_explode => {
                entry.insert("style".into(), "form".into());
            }
            _ => {}
        }
    }
}
