//! Tests of the schema walk.

use super::*;
use crate::diagnostics::Diagnostic;

/// Checks the schema as the document's `/s`, and applies the repairs listed.
fn check_schema(yaml: &str, place: Place) -> (Vec<Diagnostic>, Value) {
    let schema: Value = serde_yaml::from_str(yaml).unwrap_or(Value::Null);
    let mut checker = Checker::new("t.yaml", yaml);
    checker.schema(&schema, "/s", place);
    let (problems, repairs) = checker.into_parts();
    let mut document = Mapping::new();
    document.insert(Value::from("s"), schema);
    let mut document = Value::Mapping(document);
    crate::front::repair::apply(&mut document, repairs);
    (problems, document["s"].clone())
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap_or(Value::Null)
}

#[test]
fn draft_3_required_moves_to_the_parent_and_property_names_are_not_keywords() {
    let (problems, schema) = check_schema(
        "type: object\nrequired: [id]\nproperties:\n  id: {type: string}\n  name: {type: string, required: true}\n  note: {type: string, required: false}\n  required: {type: string}\n  type: {$ref: '#/components/schemas/T', required: true}\n",
        Place::Other,
    );
    assert_eq!(schema["required"], yaml("[id, name, type]"));
    assert_eq!(schema["properties"]["note"], yaml("{type: string}"));
    assert_eq!(schema["properties"]["required"], yaml("{type: string}"));
    let pointers: Vec<&str> = problems
        .iter()
        .map(|p| p.pointer.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(
        pointers,
        [
            "/s/properties/name/required",
            "/s/properties/note/required",
            "/s/properties/type/required"
        ]
    );
    assert!(problems.iter().all(|p| !p.is_error()));
}

#[test]
fn unknown_type_names_are_dropped_with_the_probable_type_as_hint() {
    for (name, meant) in [
        ("bool", "`type: boolean`"),
        ("int", "`type: integer`"),
        ("float", "`type: number`"),
        ("str", "`type: string`"),
        ("double", "`type: number`"),
        ("long", "`type: integer`"),
        ("String", "`type: string`"),
    ] {
        let (problems, schema) =
            check_schema(&format!("type: {name}\ndescription: d\n"), Place::Other);
        assert_eq!(schema, yaml("description: d"), "{name}");
        let [problem] = problems.as_slice() else {
            panic!("{problems:#?}")
        };
        assert!(!problem.is_error());
        assert_eq!(problem.pointer.as_deref(), Some("/s/type"));
        assert_eq!(
            problem.hint.as_deref(),
            Some(format!("did you mean {meant}?").as_str())
        );
    }
    let (problems, _) = check_schema("type: frobnicate\n", Place::Other);
    assert_eq!(problems[0].hint.as_deref(), Some(TYPE_HINT));
}

#[test]
fn keywords_of_the_wrong_type_are_dropped_and_nested_schemas_reached() {
    let (problems, schema) = check_schema(
        "type: object\nproperties:\n  a:\n    type: array\n    items:\n      type: string\n      enum: x\n      minLength: -1\n      nullable: null\n  b:\n    allOf:\n      - {type: int}\n      - string\n  c:\n    additionalProperties: {type: str, required: true}\n    not: {maximum: .inf}\n  d: {discriminator: {mapping: {}}, oneOf: [{type: object}], required: [a, 1]}\n",
        Place::Other,
    );
    assert_eq!(schema["properties"]["a"]["items"], yaml("{type: string}"));
    assert_eq!(schema["properties"]["b"]["allOf"], yaml("[{}, {}]"));
    assert_eq!(
        schema["properties"]["c"],
        yaml("{additionalProperties: {}, not: {}}")
    );
    assert_eq!(
        schema["properties"]["d"],
        yaml("{oneOf: [{type: object}], required: [a]}")
    );
    let pointers: Vec<&str> = problems
        .iter()
        .map(|p| p.pointer.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(
        pointers,
        [
            "/s/properties/a/items/enum",
            "/s/properties/a/items/minLength",
            "/s/properties/a/items/nullable",
            "/s/properties/b/allOf/0/type",
            "/s/properties/b/allOf/1",
            "/s/properties/c/additionalProperties/type",
            "/s/properties/c/additionalProperties/required",
            "/s/properties/c/not/maximum",
            "/s/properties/d/discriminator",
            "/s/properties/d/required",
        ]
    );
    assert!(problems.iter().all(|p| !p.is_error() && p.hint.is_some()));
}

#[test]
fn a_boolean_required_in_a_parameter_schema_points_to_the_parameter() {
    let (problems, schema) = check_schema("type: string\nrequired: false\n", Place::Parameter);
    assert_eq!(schema, yaml("type: string"));
    assert!(problems[0]
        .hint
        .as_deref()
        .is_some_and(|h| h.contains("beside its `schema`")));
}

#[test]
fn boolean_and_scalar_schemas() {
    let (problems, schema) = check_schema("true", Place::Other);
    assert!(problems.is_empty());
    assert_eq!(schema, Value::Mapping(Mapping::new()));
    let (problems, schema) = check_schema("string", Place::Other);
    assert_eq!(problems.len(), 1);
    assert_eq!(schema, Value::Mapping(Mapping::new()));
}
