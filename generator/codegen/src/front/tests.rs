//! Tests of parsing, normalization and the depth limit.

use serde_yaml::{Mapping, Value};

use super::limits::{limit_schema_depth, MAX_SCHEMA_DEPTH};
use super::normalize::normalize;
use super::parse::parse;

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
    assert!(err
        .is_some_and(|err| err.line_col == Some((3, 3))
            && err.message.starts_with("the spec is not valid JSON")));
    assert!(parse("a: 1\na: 2\n", "dup.yaml").is_err());
    assert!(parse("{\"a\": 1, \"a\": 2}", "dup.json").is_err());
}

#[test]
fn syntax_errors_are_located() {
    let err = parse("openapi: 3.0.0\npaths: [\n", "bad.yaml").err();
    assert!(err.is_some_and(|err| err.line_col.is_some()));
}

/// In-memory files for the bundling tests.
fn files(list: &[(&str, &str)]) -> std::collections::BTreeMap<std::path::PathBuf, String> {
    list.iter()
        .map(|(path, text)| (std::path::PathBuf::from(path), (*text).to_owned()))
        .collect()
}

#[test]
fn schemas_of_other_files_are_bundled_once_under_their_own_names() {
    let entry = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: array, items: {$ref: 'dir/b.yaml#/B'}}\n    B: {type: string}\n    C: {type: array, items: {$ref: './dir/b.yaml#/B'}}\n";
    let other = "B:\n  type: object\n  properties:\n    a: {$ref: '../spec.yaml#/components/schemas/A'}\n    self: {$ref: '#/B'}\n";
    let source = files(&[("specs/dir/b.yaml", other)]);
    let lowered = crate::lower_with(entry, "specs/spec.yaml", &source);
    let (api, warnings) = lowered.unwrap_or_else(|problems| panic!("{problems:#?}"));
    assert!(warnings.is_empty(), "{warnings:#?}");
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    assert!(names.contains(&"B2"), "{names:?}");
    assert_eq!(
        names.iter().filter(|n| n.starts_with('B')).count(),
        2,
        "{names:?}"
    );
}

#[test]
fn a_url_a_missing_file_and_a_cycle_of_non_schemas_are_errors() {
    let entry = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a: {$ref: 'https://example.com/a.yaml'}\n  /b: {$ref: 'nope.yaml'}\n  /c: {$ref: 'loop.yaml#/P'}\n";
    let source = files(&[("loop.yaml", "P: {$ref: '#/Q'}\nQ: {$ref: '#/P'}\n")]);
    let problems = crate::lower_with(entry, "spec.yaml", &source)
        .err()
        .unwrap_or_default();
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(problems.len(), 3, "{messages:#?}");
    assert!(messages[0].contains("is a URL"));
    assert!(messages[1].contains("there is no such file"));
    assert!(messages[2].contains("leads back to itself"));
    assert_eq!(problems[2].file, "loop.yaml");
    assert_eq!(problems[0].line_col, Some((4, 3)));
}

#[test]
fn a_component_that_only_refers_to_another_file_becomes_that_schema() {
    let entry = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    List: {type: array, items: {$ref: 'schemas/pet.yaml'}}\n    Pet: {$ref: 'schemas/pet.yaml'}\n";
    let pet = "type: object\nproperties:\n  name: {type: string}\n";
    let source = files(&[("schemas/pet.yaml", pet)]);
    let (api, _) = crate::lower_with(entry, "openapi.yaml", &source)
        .unwrap_or_else(|problems| panic!("{problems:#?}"));
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["List", "Pet"]);
}
