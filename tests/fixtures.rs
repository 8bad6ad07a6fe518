//! The construct fixtures under `tests/specs/` (one small document per construct the generator
//! supports, each generated into `tests/generated/<name>` and compiled with warnings denied in
//! the workspace): their generated types are snapshotted, and their clients decode and encode
//! what the construct promises.
//!
//! * `unions`: `oneOf`/`anyOf` as enums. A discriminator (with a mapping, by `$ref` or bare
//!   name, or without one, by schema name) picks the alternative; an unknown discriminator
//!   value is kept in `Unknown`; a known one whose body does not fit is an error. Untagged
//!   alternatives are tried so that none shadows another: a struct with required fields before
//!   one without, integers before numbers, a string last. A `null` alternative makes a field
//!   optional.

use clientgen_tests::repo_root;
use serde_json::{json, Value};
use unions_client::types::{
    Cat, Circle, Contact, Dog, Drawing, DrawingLabel, Email, Note, Pet, Phone, Setting, Shape,
};

fn generated(fixture: &str, file: &str) -> String {
    std::fs::read_to_string(repo_root().join("tests/generated").join(fixture).join(file))
        .expect("the generated file is readable")
}

#[test]
fn unions_types_snapshot() {
    insta::assert_snapshot!(generated("unions", "src/types.rs"));
}

/// The fixture's API as the IR gives it: each union's discriminator and alternatives in the
/// order they are tried.
#[test]
fn unions_api_surface_snapshot() {
    let path = repo_root().join("tests/specs/unions/openapi.yaml");
    let text = std::fs::read_to_string(path).expect("the spec is readable");
    let (api, warnings) = clientgen::lower(&text, "tests/specs/unions/openapi.yaml")
        .unwrap_or_else(|problems| panic!("{problems:?}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    insta::assert_snapshot!(clientgen_tests::api_surface(&api));
}

fn decode<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("decodes")
}

/// Decodes, after checking that encoding gives the same JSON back.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: Value) -> T {
    assert_eq!(clientgen_tests::round_trip::<T>(&value), value);
    decode(value)
}

#[test]
fn a_discriminator_with_a_mapping_picks_the_alternative() {
    let cat = json!({"petType": "cat", "name": "Tom", "indoor": true});
    assert_eq!(
        round_trip::<Pet>(cat),
        Pet::Cat(Cat {
            pet_type: "cat".into(),
            name: "Tom".into(),
            indoor: Some(true)
        })
    );
    let dog = json!({"petType": "dog", "name": "Rex"});
    assert!(matches!(
        round_trip::<Pet>(dog),
        Pet::Dog(Dog { barks: None, .. })
    ));
    // A kind of pet this client does not know yet is kept as sent.
    let parrot = json!({"petType": "parrot", "name": "Polly", "talks": true});
    assert_eq!(round_trip::<Pet>(parrot.clone()), Pet::Unknown(parrot));
    // A known tag with a body that does not fit is an error, not a silent `Unknown`.
    let broken = json!({"petType": "cat"});
    let err = serde_json::from_value::<Pet>(broken).unwrap_err();
    assert!(err.to_string().contains("name"), "{err}");
}

#[test]
fn a_discriminator_without_a_mapping_selects_by_schema_name() {
    let circle = json!({"kind": "Circle", "radius": 2.5});
    assert_eq!(
        round_trip::<Shape>(circle),
        Shape::Circle(Circle {
            kind: "Circle".into(),
            radius: 2.5
        })
    );
    let square = json!({"kind": "Square", "side": 3.0});
    assert!(matches!(round_trip::<Shape>(square), Shape::Square(_)));
}

#[test]
fn untagged_objects_are_tried_pickiest_first() {
    // `Note` has no required field and would take every object: it is tried last.
    let phone = json!({"number": "555-0100", "country": "US"});
    assert!(matches!(
        round_trip::<Contact>(phone),
        Contact::Phone(Phone { .. })
    ));
    let email = json!({"address": "a@example.com"});
    assert!(matches!(
        round_trip::<Contact>(email),
        Contact::Email(Email { .. })
    ));
    let note = json!({"text": "call back"});
    assert!(matches!(
        round_trip::<Contact>(note),
        Contact::Note(Note { .. })
    ));
}

#[test]
fn untagged_scalars_are_tried_so_that_none_shadows_another() {
    assert_eq!(round_trip::<Setting>(json!(3)), Setting::Integer(3));
    assert_eq!(round_trip::<Setting>(json!(3.5)), Setting::Number(3.5));
    assert_eq!(round_trip::<Setting>(json!(true)), Setting::Boolean(true));
    assert_eq!(
        round_trip::<Setting>(json!("on")),
        Setting::String("on".into())
    );
    assert_eq!(
        round_trip::<Setting>(json!(["a", "b"])),
        Setting::Array(vec!["a".into(), "b".into()])
    );
    assert!(matches!(
        round_trip::<Setting>(json!({"k": "v"})),
        Setting::Object(_)
    ));
    // Nothing takes `null` or a list of numbers: kept as sent.
    assert_eq!(
        round_trip::<Setting>(json!([1, 2])),
        Setting::Unknown(json!([1, 2]))
    );
}

#[test]
fn unions_nest_and_null_alternatives_make_fields_optional() {
    let drawing = json!({
        "shape": {"kind": "Square", "side": 1.0},
        "contact": {"address": "a@example.com"},
        "settings": {"grid": true, "zoom": 2, "title": "plan"},
        "nickname": "sketch",
        "label": {"text": "north", "color": "red"}
    });
    let decoded: Drawing = round_trip(drawing);
    assert_eq!(decoded.nickname.as_deref(), Some("sketch"));
    assert!(matches!(
        decoded.label,
        Some(DrawingLabel::DrawingLabelVariant2(_))
    ));
    let plain =
        json!({"shape": {"kind": "Circle", "radius": 1.0}, "label": "north", "nickname": null});
    let decoded: Drawing = decode(plain);
    assert_eq!(decoded.nickname, None);
    assert_eq!(decoded.label, Some(DrawingLabel::String("north".into())));
}

#[test]
fn a_discriminator_over_inline_alternatives_falls_back_to_trying_them_with_a_warning() {
    let spec = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Event:
      oneOf:
        - type: object
          required: [kind, at]
          properties: {kind: {type: string}, at: {type: integer}}
        - $ref: '#/components/schemas/Ping'
      discriminator: {propertyName: kind}
    Ping:
      type: object
      properties: {kind: {type: string}}
"#;
    let (api, warnings) = clientgen::lower(spec, "event.yaml").expect("lowers");
    let event = api.types.iter().find(|t| t.name == "Event").expect("Event");
    let clientgen::ir::TypeKind::Union {
        discriminator,
        variants,
    } = &event.kind
    else {
        panic!("{event:?}")
    };
    assert_eq!(discriminator, &None);
    let names: Vec<&str> = variants.iter().map(|v| v.rust_name.as_str()).collect();
    assert_eq!(names, ["EventVariant1", "Ping"], "required fields first");
    assert!(variants.iter().all(|v| v.tags.is_empty()));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(
        warnings[0].pointer.as_deref(),
        Some("/components/schemas/Event/discriminator")
    );
}

#[test]
fn a_union_over_schemas_that_alias_each_other_terminates() {
    // `A: {$ref: B}` and `B: {$ref: A}` alias each other; ordering the untagged alternatives
    // follows aliases a bounded number of steps (found by the fuzz target).
    let spec = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    A: {$ref: '#/components/schemas/B'}
    B: {$ref: '#/components/schemas/A'}
    U:
      oneOf:
        - $ref: '#/components/schemas/A'
        - type: string
"#;
    let (api, _) = clientgen::lower(spec, "cycle.yaml").expect("lowers");
    assert!(api.types.iter().any(|t| t.name == "U"));
}
