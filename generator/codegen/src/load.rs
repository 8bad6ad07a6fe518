//! `load`: spec text (YAML or JSON) -> a normalized document value -> `openapiv3::OpenAPI`.

use openapiv3::OpenAPI;
use serde_yaml::{Mapping, Value};

use crate::diagnostics::{locate, pointer_token, Diagnostic};

/// Parses YAML or JSON text into a document value. JSON text (first non-blank character `{` or
/// `[`) is read by a JSON parser: YAML's escapes are not JSON's (a UTF-16 surrogate pair such as
/// `"\ud83d\udc4d"` is one character in JSON and an error in YAML). Text that starts like JSON
/// but is not JSON (a YAML flow mapping with bare keys) is read as YAML; if it is neither, the
/// JSON error is reported. Integers beyond 64 bits are read as floating-point numbers.
pub(crate) fn parse(text: &str, file: &str) -> Result<Value, Box<Diagnostic>> {
    let json_like = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '['])
        .then(|| serde_json::from_str::<Loaded>(text.trim_start_matches('\u{feff}')));
    match json_like {
        Some(Ok(Loaded(value))) => return Ok(value),
        Some(Err(json)) => {
            if let Ok(Loaded(value)) = serde_yaml::from_str::<Loaded>(text) {
                return Ok(value);
            }
            return Err(Box::new(
                Diagnostic::error(file, format!("the spec is not valid JSON: {json}"))
                    .hint("fix the syntax at the given line and column")
                    .line_col(json.line(), json.column()),
            ));
        }
        None => {}
    }
    serde_yaml::from_str::<Loaded>(text)
        .map(|Loaded(value)| value)
        .map_err(|err| {
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

/// A document value read from YAML or JSON: `serde_yaml::Value`'s own reading, except that
/// integers beyond 64 bits (which it refuses) become floating-point numbers, so a schema bound
/// such as `maximum: 99999999999999999999` loads (`validate` then drops the bounds an integer
/// schema cannot hold, with a warning). Duplicate keys are an error, as in `serde_yaml`.
struct Loaded(Value);

impl<'de> serde::Deserialize<'de> for Loaded {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LoadedVisitor).map(Loaded)
    }
}

struct LoadedVisitor;

impl<'de> serde::de::Visitor<'de> for LoadedVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("any YAML or JSON value")
    }

    fn visit_bool<E>(self, flag: bool) -> Result<Value, E> {
        Ok(Value::Bool(flag))
    }

    fn visit_i64<E>(self, number: i64) -> Result<Value, E> {
        Ok(Value::Number(number.into()))
    }

    fn visit_u64<E>(self, number: u64) -> Result<Value, E> {
        Ok(Value::Number(number.into()))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_i128<E>(self, number: i128) -> Result<Value, E> {
        Ok(Value::Number(match i64::try_from(number) {
            Ok(small) => small.into(),
            Err(_) => (number as f64).into(),
        }))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u128<E>(self, number: u128) -> Result<Value, E> {
        Ok(Value::Number(match u64::try_from(number) {
            Ok(small) => small.into(),
            Err(_) => (number as f64).into(),
        }))
    }

    fn visit_f64<E>(self, number: f64) -> Result<Value, E> {
        Ok(Value::Number(number.into()))
    }

    fn visit_str<E>(self, text: &str) -> Result<Value, E> {
        Ok(Value::String(text.to_owned()))
    }

    fn visit_string<E>(self, text: String) -> Result<Value, E> {
        Ok(Value::String(text))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        serde::Deserialize::deserialize(deserializer).map(|Loaded(value)| value)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut sequence = Vec::new();
        while let Some(Loaded(item)) = items.next_element()? {
            sequence.push(item);
        }
        Ok(Value::Sequence(sequence))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let mut mapping = Mapping::new();
        while let Some(Loaded(key)) = entries.next_key()? {
            if mapping.contains_key(&key) {
                let shown = serde_yaml::to_string(&key).unwrap_or_default();
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate entry with key {}",
                    shown.trim_end()
                )));
            }
            let Loaded(value) = entries.next_value()?;
            mapping.insert(key, value);
        }
        Ok(Value::Mapping(mapping))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use serde::de::VariantAccess;
        // serde_yaml gives a tagged value (`!Tag value`) as an enum variant named by the tag.
        let (tag, contents) = data.variant::<String>()?;
        let Loaded(value) = contents.newtype_variant()?;
        Ok(Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
            tag: serde_yaml::value::Tag::new(tag),
            value,
        })))
    }
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

/// How deeply schemas may nest (`items`, `properties`, `additionalProperties`, `not`, `allOf`,
/// `oneOf`, `anyOf`) before the inner ones are read as any JSON value. The OpenAPI model reads
/// each schema first as a typed schema and then as a schema of any type, so a mismatch deep
/// inside costs twice as much per level: a small document nested a few dozen levels would
/// take hours. Real specs nest a handful of levels.
const MAX_SCHEMA_DEPTH: usize = 12;

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
            Segment::Map { key } => Some(format!("/{}", pointer_token(key))),
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
    fn content_media_type_is_a_binary_string_unless_encoded() {
        let value = normalized(
            "openapi: 3.1.0\ncomponents:\n  schemas:\n    File: {contentMediaType: image/png}\n    Text: {type: string, contentMediaType: image/png, contentEncoding: base64}\n",
        );
        let file = &value["components"]["schemas"]["File"];
        assert_eq!(file["type"], Value::from("string"));
        assert_eq!(file["format"], Value::from("binary"));
        let text = &value["components"]["schemas"]["Text"];
        assert_eq!(text.get("format"), None);
    }

    #[test]
    fn encoding_defaults_are_made_explicit() {
        let value = normalized(
            "openapi: 3.0.3\nx:\n  encoding:\n    a: {style: form}\n    b: {style: pipeDelimited}\n    c: {explode: false}\n    d: {contentType: image/png}\n",
        );
        let encoding = &value["x"]["encoding"];
        assert_eq!(encoding["a"]["explode"], Value::from(true));
        assert_eq!(encoding["b"]["explode"], Value::from(false));
        assert_eq!(encoding["c"]["style"], Value::from("form"));
        assert_eq!(encoding["d"].get("style"), None);
        assert_eq!(encoding["d"].get("explode"), None);
    }

    #[test]
    fn schemas_nested_too_deep_become_json_values() {
        let mut inner = "{type: string}".to_owned();
        for _ in 0..MAX_SCHEMA_DEPTH + 2 {
            inner = format!("{{type: array, items: {inner}}}");
        }
        let mut value = normalized(&format!(
            "openapi: 3.0.3\ncomponents:\n  schemas:\n    A: {inner}\n"
        ));
        let warnings = limit_schema_depth(&mut value, "t.yaml");
        assert_eq!(warnings.len(), 1);
        let pointer = format!(
            "/components/schemas/A{}",
            "/items".repeat(MAX_SCHEMA_DEPTH + 1)
        );
        assert_eq!(warnings[0].pointer.as_deref(), Some(pointer.as_str()));
        let mut node = &value["components"]["schemas"]["A"];
        for _ in 0..=MAX_SCHEMA_DEPTH {
            node = &node["items"];
        }
        assert_eq!(node, &Value::Mapping(Mapping::new()));
    }

    #[test]
    fn json_is_read_as_json_and_surrogate_pairs_are_one_character() {
        let value =
            parse(r#"{"a": "\ud83d\udc4d", "b": [1, 2.5, null]}"#, "t.json").unwrap_or(Value::Null);
        assert_eq!(value["a"], Value::from("\u{1f44d}"));
        assert_eq!(value["b"][1], Value::from(2.5));
    }

    #[test]
    fn a_yaml_flow_mapping_is_still_yaml() {
        let value = parse("{openapi: 3.0.3, paths: {}}", "t.yaml").unwrap_or(Value::Null);
        assert_eq!(value["openapi"], Value::from("3.0.3"));
    }

    #[test]
    fn integers_beyond_64_bits_load_as_floats_from_yaml_and_json() {
        for text in [
            "{a: -9223372036854776000, b: 99999999999999999999, c: 18446744073709551615}",
            r#"{"a": -9223372036854776000, "b": 99999999999999999999, "c": 18446744073709551615}"#,
        ] {
            let value = parse(text, "t").unwrap_or(Value::Null);
            assert_eq!(
                value["a"].as_f64(),
                Some(-9_223_372_036_854_776_000.0),
                "{text}"
            );
            assert_eq!(value["b"].as_f64(), Some(1e20), "{text}");
            assert_eq!(value["c"].as_u64(), Some(u64::MAX), "{text}");
        }
    }

    #[test]
    fn duplicate_keys_and_json_syntax_errors_are_located() {
        let err = parse("{\n  \"a\": 1\n  \"b\": 2\n}\n", "bad.json").err();
        assert!(err.is_some_and(|err| err.line_col == Some((3, 3))
            && err.message.starts_with("the spec is not valid JSON")));
        assert!(parse("a: 1\na: 2\n", "dup.yaml").is_err());
        assert!(parse("{\"a\": 1, \"a\": 2}", "dup.json").is_err());
    }

    #[test]
    fn syntax_errors_are_located() {
        let err = parse("openapi: 3.0.0\npaths: [\n", "bad.yaml").err();
        assert!(err.is_some_and(|err| err.line_col.is_some()));
    }
}
