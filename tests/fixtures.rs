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
//! * `names`: keywords, prelude type names, leading digits, punctuation and names that collide
//!   after case conversion, in schemas, fields, enum values, operationIds and parameters: every
//!   one is a valid, distinct Rust name and keeps its wire name.
//! * `recursion`: fields and alternatives that lead back to their own type are boxed; lists
//!   and maps are not; schemas defined only as each other become JSON values with a warning.
//! * `openapi31`: 3.1's type arrays, `const`, `examples`, numeric exclusive bounds, `$ref`
//!   siblings, 3.0 `nullable`, maps, `allOf` merging, and schemas whose keywords do not fit
//!   their type, each as a precise type.
//! * `webhooks`: a 3.1 document with webhooks and components but no paths.
//! * `loading`: a JSON document (UTF-16 surrogate pairs, integers beyond 64 bits, `$ref` as
//!   data in examples, defaults and `x-` extensions, a property named `$ref`) loads and types.
//! * `multifile`: a document split over several files (`./`, `../` and whole-file references,
//!   a JSON file referenced from YAML, a cycle across two files), bundled into one crate.
//! * `typing`: every well-formed schema gets a Rust type: `allOf` chains (a `$ref` to an
//!   `allOf` of a `$ref`, `type: object` beside `allOf`, a part whose property is a `oneOf`,
//!   an annotation-only part), `$ref`s to schemas that are not components (a component
//!   parameter's schema, a property of another schema, a response's schema), followed before
//!   their owner is lowered, identical inline schemas as one type, and fields shared by the
//!   alternatives of a `oneOf` (beside it, or in the other parts of an `allOf`).

use clientgen_tests::{fixture_output, lower_fixture};
use serde_json::{json, Value};
use unions_client::types::{
    Cat, Circle, Contact, Dog, Drawing, DrawingLabel, Email, Note, Pet, Phone, Setting, Shape,
};

#[test]
fn unions_types_snapshot() {
    insta::assert_snapshot!(fixture_output("unions", "src/types.rs"));
}

/// The fixture's API as the IR gives it: each union's discriminator and alternatives in the
/// order they are tried.
#[test]
fn unions_api_surface_snapshot() {
    let (api, warnings) = lower_fixture("unions");
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
        Pet::Cat({
            let mut built = Cat::new("cat".into(), "Tom".into());
            built.indoor = Some(true);
            built
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
        Shape::Circle(Circle::new("Circle".into(), 2.5))
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

// ---------------------------------------------------------------------------------------------
// names, recursion, openapi31, webhooks

#[test]
fn names_types_snapshot() {
    insta::assert_snapshot!(fixture_output("names", "src/types.rs"));
}

#[test]
fn names_api_surface_snapshot() {
    let (api, warnings) = lower_fixture("names");
    assert!(warnings.is_empty(), "{warnings:?}");
    insta::assert_snapshot!(clientgen_tests::api_surface(&api));
}

#[test]
fn every_awkward_field_name_keeps_its_wire_name() {
    use names_client::types::Type;
    let record = json!({
        "type": "t", "ref": "r", "self": "s", "Self": "S", "crate": "c", "super": "su",
        "match": "m", "move": "mo", "async": "a", "await": "aw", "dyn": "d", "fn": "f",
        "2fa": true, "first-name": "dash", "first.name": "dot", "first name": "space",
        "$count": 3, "@id": "at", "+1": 1, "-1": -1, "fooBar": "camel", "foo_bar": "snake",
        "ASC": "upper", "asc": "lower", "_": "underscore", "order": "a.b", "sign": "++",
        "flag": true,
    });
    let decoded: Type = round_trip(record);
    assert_eq!(decoded.r#type, "t");
    assert_eq!(decoded.self_.as_deref(), Some("s"));
    assert_eq!(decoded.self_2.as_deref(), Some("S"));
    assert_eq!(decoded.first_name_3.as_deref(), Some("space"));
    assert_eq!((decoded.plus_1, decoded.minus_1), (Some(1), Some(-1)));
    assert_eq!(decoded.foo_bar_2.as_deref(), Some("snake"));
    assert_eq!(decoded.value.as_deref(), Some("underscore"));
    assert_eq!(decoded.order, Some(names_client::types::SortOrder::AB3));
}

#[test]
fn enum_values_that_collide_after_case_conversion_stay_distinct() {
    use names_client::types::SortOrder;
    let values = [
        "ASC", "asc", "Asc", "", "type", "self", "Self", "Unknown", "unknown", "1st", "+1", "-1",
        "1", ">=", "a b", "a-b", "a.b",
    ];
    let decoded: Vec<SortOrder> = values.iter().map(|v| SortOrder::from(*v)).collect();
    for (value, variant) in values.iter().zip(&decoded) {
        assert!(
            !matches!(variant, SortOrder::Unknown(_)),
            "{value:?} is a known value"
        );
        assert_eq!(variant.as_str(), *value);
        assert_eq!(
            serde_json::from_value::<SortOrder>(json!(value)).expect("decodes"),
            *variant
        );
    }
    for (i, a) in decoded.iter().enumerate() {
        assert!(!decoded[i + 1..].contains(a), "{a:?} appears twice");
    }
    assert_eq!(SortOrder::Empty.as_str(), "");
    assert_eq!(
        SortOrder::from("DESC"),
        SortOrder::Unknown("DESC".to_owned())
    );
}

#[tokio::test]
async fn parameters_named_like_keywords_go_out_under_their_wire_names() {
    use wiremock::matchers::{header, method, path, query_param};
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(method("GET"))
        .and(path("/records/a%20b"))
        .and(query_param("ref", "main"))
        .and(query_param("self", "true"))
        .and(query_param("match", "-1"))
        .and(query_param("filter.name", "x"))
        .and(query_param("client", "c"))
        .and(query_param("send", "2"))
        .and(query_param("max_response_bytes", "3"))
        .and(header("X-Request-ID", "req-1"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({"type": "record"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = names_client::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("builds");
    let record = client
        .get_record("a b")
        .r#ref("main")
        .self_(true)
        .r#match(names_client::types::SortOrder::Minus1)
        .x_request_id("req-1")
        .filter_name("x")
        .client_2("c")
        .send_2(2)
        .max_response_bytes_2(3)
        // The builder's own limit setter, beside the parameter named like it.
        .max_response_bytes(1024)
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(record.r#type, "record");
}

#[test]
fn recursion_types_snapshot() {
    insta::assert_snapshot!(fixture_output("recursion", "src/types.rs"));
}

#[test]
fn recursion_api_surface_snapshot() {
    let (api, warnings) = lower_fixture("recursion");
    let rendered: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(format!(
        "{}\n{}",
        clientgen_tests::api_surface(&api),
        rendered.join("\n")
    ));
}

#[test]
fn recursive_values_decode_to_any_depth_and_encode_back() {
    use recursion_client::types::{Expr, ListNode, Not, Person, TreeNode};
    let mut list = json!({"value": 0});
    for value in 1..200 {
        list = json!({"value": value, "next": list});
    }
    let decoded: ListNode = round_trip(list);
    assert_eq!(decoded.value, 199);
    assert_eq!(decoded.next.as_ref().map(|n| n.value), Some(198));

    let tree = json!({
        "name": "root",
        "children": [{"name": "leaf"}],
        "by_name": {"x": {"name": "x"}},
        "parent": {"name": "up", "parent": {"name": "top"}},
    });
    let decoded: TreeNode = round_trip(tree);
    assert_eq!(
        decoded.parent.and_then(|p| p.parent).map(|p| p.name),
        Some("top".to_owned())
    );

    let expr = json!({"not": {"terms": [{"value": 1.5}, {"not": {"value": 2.0}}]}});
    let decoded: Expr = round_trip(expr);
    let Expr::Not(not) = decoded else {
        panic!("{decoded:?}")
    };
    let Not { not, .. } = *not;
    assert!(matches!(*not, Expr::Sum(_)), "{not:?}");

    let person =
        json!({"name": "Ada", "employer": {"name": "Engines", "owner": {"name": "Charles"}}});
    let decoded: Person = round_trip(person);
    assert_eq!(
        decoded.employer.and_then(|c| c.owner).and_then(|p| p.name),
        Some("Charles".to_owned())
    );
}

#[test]
fn a_recursive_json_union_and_aliases_of_each_other_take_any_value() {
    use recursion_client::types::{Json, Nested, Ping};
    let value = json!({"a": [1.0, "two", true, {"b": []}], "c": null});
    let _: Json = round_trip(value.clone());
    let ping: Ping = decode(value.clone());
    assert_eq!(ping, value);
    let nested: Nested = decode(json!([[1], [[2]]]));
    assert_eq!(nested.len(), 2);
}

#[test]
fn openapi31_types_snapshot() {
    insta::assert_snapshot!(fixture_output("openapi31", "src/types.rs"));
}

/// `allOf: [{$ref: Owner}, {description: ..}]` is an `Owner`, documented by the annotation.
#[test]
fn an_annotation_only_all_of_part_documents_the_field() {
    let types = fixture_output("openapi31", "src/types.rs");
    // The doc, then the field (after its serde attributes, which depend on how it is used).
    let doc = "/// Who approved the item (the description of an annotation-only `allOf` part documents the field).";
    let field = types
        .lines()
        .skip_while(|line| line.trim() != doc)
        .skip(1)
        .find(|line| !line.trim().starts_with("#["));
    assert_eq!(
        field.map(str::trim),
        Some("pub approver: Option<Owner>,"),
        "{types}"
    );
}

#[test]
fn openapi31_api_surface_snapshot() {
    let (api, warnings) = lower_fixture("openapi31");
    assert!(warnings.is_empty(), "{warnings:?}");
    insta::assert_snapshot!(clientgen_tests::api_surface(&api));
}

#[test]
fn openapi31_forms_decode_into_precise_types() {
    use openapi31_client::types::{Audited, Item, ItemKind, ItemShape, Owner, Status, Team};
    let item = json!({
        "id": 7, "kind": "item", "name": "Widget", "nickname": null, "price": 9.5,
        "legacy_note": null, "owner": {"login": "ada"}, "reviewer": null, "tags": {"a": "b"}, "counts": {"x": 1},
        "links": {"self": "https://x"}, "status": "retired", "template": {"login": "tpl"},
        "shape": {"slug": "core", "members": [{"login": "ada"}]},
        "header_names": "x-a", "either": 3,
    });
    let decoded: Item = decode(item.clone());
    assert_eq!(decoded.kind, ItemKind::Item);
    assert_eq!(decoded.nickname, None);
    assert_eq!(decoded.reviewer, None);
    assert_eq!(decoded.status, Some(Status::Retired));
    assert_eq!(decoded.template, Some(Owner::new("tpl".into())));
    assert!(matches!(decoded.shape, Some(ItemShape::Team(Team { .. }))));
    // Optional `null`s are left out when encoding; everything else comes back as it was.
    let mut expected = item;
    let object = expected.as_object_mut().expect("an object");
    object.remove("nickname");
    object.remove("legacy_note");
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), expected);

    // A status this version does not know is kept, not refused.
    let other: Item = decode(
        json!({"id": 1, "kind": "item", "name": "n", "price": 1, "status": "frozen", "reviewer": {"login": "bob"}}),
    );
    assert_eq!(other.reviewer.map(|r| r.login), Some("bob".to_owned()));
    assert_eq!(other.status, Some(Status::Unknown("frozen".into())));

    let audited: Audited =
        round_trip(json!({"login": "ada", "audited_at": "2026-01-02T03:04:05Z", "auditor": "bob"}));
    assert_eq!(audited.auditor, "bob");
}

#[test]
fn webhooks_types_snapshot() {
    insta::assert_snapshot!(fixture_output("webhooks", "src/types.rs"));
}

#[test]
fn a_document_with_only_webhooks_gives_its_types_and_reports_its_webhooks() {
    use webhooks_client::types::OrderShipped;
    let event: OrderShipped = round_trip(
        json!({"order_id": "o-1", "shipped_at": "2026-11-22T10:00:00Z", "carrier": "DHL"}),
    );
    assert_eq!(event.carrier.as_deref(), Some("DHL"));
    let (api, warnings) = lower_fixture("webhooks");
    assert!(api.operations.is_empty());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].pointer.as_deref(), Some("/webhooks"));
    assert!(warnings[0].message.contains("webhook"), "{}", warnings[0]);
    let client = webhooks_client::Client::builder()
        .base_url("https://hooks.example.com")
        .build()
        .expect("builds");
    assert_eq!(client.base_url(), "https://hooks.example.com");
}

#[test]
fn loading_types_snapshot() {
    insta::assert_snapshot!(fixture_output("loading", "src/types.rs"));
}

/// The JSON document loads: surrogate pairs decode to their character, the bounds beyond 64
/// bits are dropped with one located warning each, and no `$ref` inside an example, a default
/// or an `x-` extension is followed (each would be a dangling reference otherwise).
#[test]
fn a_json_document_with_surrogates_big_integers_and_ref_data_loads() {
    let (api, warnings) = lower_fixture("loading");
    let bounds: Vec<_> = warnings
        .iter()
        .filter(|w| w.message.contains("does not fit a 64-bit integer"))
        .map(|w| w.pointer.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        bounds,
        [
            "/paths/~1documents~1{id}/get/parameters/0/schema/minimum",
            "/paths/~1documents~1{id}/get/parameters/0/schema/maximum",
            "/components/schemas/Document/properties/size/maximum",
            "/components/schemas/Document/properties/offset/minimum",
        ],
        "{warnings:#?}"
    );
    assert_eq!(warnings.len(), bounds.len(), "{warnings:#?}");
    assert_eq!(api.title, "Loading \u{1f44d}");
    let surface = clientgen_tests::api_surface(&api);
    assert!(!surface.contains("Value"), "{surface}");
}

/// A property named `$ref` is the field `r#ref`, renamed on the wire; the example with `$ref`
/// keys decodes and encodes back unchanged.
#[test]
fn a_property_named_ref_is_a_renamed_field() {
    use loading_client::types::Document;
    let example = json!({
        "$ref": "#/definitions/Nowhere", "title": "\u{1f44d}", "size": 12,
        "links": {"$ref": "../elsewhere.json"},
    });
    let document: Document = decode(example.clone());
    assert_eq!(document.r#ref, "#/definitions/Nowhere");
    assert_eq!(
        document
            .links
            .as_ref()
            .and_then(|l| l.get("$ref"))
            .map(String::as_str),
        Some("../elsewhere.json")
    );
    assert_eq!(serde_json::to_value(&document).expect("encodes"), example);
}

#[test]
fn multifile_types_snapshot() {
    insta::assert_snapshot!(fixture_output("multifile", "src/types.rs"));
}

/// Schemas from other files keep their own names (`Money`, `Currency`, `errors.yaml` as
/// `Errors`); one whose name the entry document already uses is numbered (`Note2`).
#[test]
fn multifile_api_surface_snapshot() {
    let (api, warnings) = lower_fixture("multifile");
    assert!(warnings.is_empty(), "{warnings:?}");
    insta::assert_snapshot!(clientgen_tests::api_surface(&api));
}

/// The types of several files decode and encode back, through the cycle across
/// `orders.yaml` and `customer.json`.
#[test]
fn multifile_values_decode_across_files_and_encode_back() {
    use multifile_client::types::{Currency, Errors, Note, Order};
    let order = json!({
        "id": "o1",
        "total": {"amount": "1250", "currency": "EUR"},
        "note": "leave at the door",
        "customer": {
            "name": "Ada",
            "orders": [{"id": "o0", "total": {"amount": "1", "currency": "USD"}}],
            "lastOrder": {"id": "o0", "total": {"amount": "1", "currency": "USD"}}
        }
    });
    let decoded: Order = round_trip(order);
    assert_eq!(decoded.total.currency, Currency::Eur);
    let customer = decoded.customer.as_deref().map(|c| c.name.as_str());
    assert_eq!(customer, Some("Ada"));
    let last = decoded
        .customer
        .as_ref()
        .and_then(|c| c.last_order.as_ref())
        .map(|o| o.id.as_str());
    assert_eq!(last, Some("o0"));
    let problem: Errors = round_trip(json!({"message": "no", "code": 7}));
    assert_eq!(problem.code, Some(7));
    let note: Note = round_trip(json!({"text": "hi"}));
    assert_eq!(note.text.as_deref(), Some("hi"));
}

#[test]
fn typing_types_snapshot() {
    insta::assert_snapshot!(fixture_output("typing", "src/types.rs"));
}

/// No place of the fixture is a JSON value, and there are no warnings: if a construct
/// regresses to `serde_json::Value`, this fails.
#[test]
fn typing_api_surface_snapshot_has_no_json_values() {
    let (api, warnings) = lower_fixture("typing");
    assert!(warnings.is_empty(), "{warnings:?}");
    let surface = clientgen_tests::api_surface(&api);
    let unknown_variants = surface.matches("Unknown(Value)").count();
    assert_eq!(
        surface.matches("Value").count(),
        unknown_variants,
        "{surface}"
    );
    insta::assert_snapshot!(surface);
}

#[test]
fn all_of_chains_and_pointers_decode_into_one_struct_each() {
    use typing_client::types::{
        ListFleetResponse, Status, Trip, Truck, TruckCargo, TruckCargoVariant2, VehiclePosition,
    };
    let truck: Truck = round_trip(json!({
        "id": "t1", "name": "Big", "position": {"lat": 1.5, "lon": 2.5}, "status": "active",
        "payload": 12.0, "cargo": {"kind": "sand", "weight": 3.0},
    }));
    // Fields of the whole chain (Thing, Vehicle, Truck), the inherited position typed once.
    assert_eq!(truck.id, "t1");
    assert_eq!(truck.position, VehiclePosition::new(1.5, 2.5));
    assert_eq!(truck.status, Some(Status::Active));
    assert_eq!(
        truck.cargo,
        Some(TruckCargo::TruckCargoVariant2({
            let mut built = TruckCargoVariant2::new("sand".into());
            built.weight = Some(3.0);
            built
        }))
    );
    // Unknown fields are ignored, as by any struct.
    let extra: Truck = decode(json!({
        "id": "t2", "position": {"lat": 0, "lon": 0}, "payload": 1, "cargo": "gravel", "wheels": 18,
    }));
    assert_eq!(extra.cargo, Some(TruckCargo::String("gravel".into())));
    // A required field of a part deep in the chain is required.
    assert!(serde_json::from_value::<Truck>(
        json!({"position": {"lat": 0, "lon": 0}, "payload": 1})
    )
    .is_err());

    // `$ref`s to a property and to a response's schema, and an identical copy: the same types.
    let trip: Trip = round_trip(json!({
        "start": {"lat": 1.0, "lon": 2.0}, "end": {"lat": 3.0, "lon": 4.0}, "via": {"lat": 5.0, "lon": 6.0},
        "fleet": {"trucks": [], "total": 0},
    }));
    let via: Option<VehiclePosition> = trip.via;
    assert_eq!(via.map(|v| v.lon), Some(6.0));
    let fleet: Option<ListFleetResponse> = trip.fleet;
    assert_eq!(fleet.and_then(|f| f.total), Some(0));
}

/// The same enum for a component parameter and a parameter whose schema points at it; the
/// same response type for an operation whose response schema points at another's.
#[test]
fn pointers_to_parameter_and_response_schemas_reuse_their_types() {
    let (api, _) = lower_fixture("typing");
    let surface = clientgen_tests::api_surface(&api);
    assert!(surface.contains("setters .status(Status)"), "{surface}");
    assert!(surface.contains("setters .state(Status)"), "{surface}");
    assert!(
        surface.contains("fleet_summary() -> ListFleetResponse"),
        "{surface}"
    );
}

/// Fields beside a `oneOf` (or in the other parts of its `allOf`) are in every alternative.
#[test]
fn shared_fields_go_into_each_alternative_of_a_one_of() {
    use typing_client::types::{
        Delivery, DeliveryParcel, DeliveryVariant2, Shipment, ShipmentParcel, ShipmentVariant2,
    };
    assert_eq!(
        round_trip::<Shipment>(json!({"id": "s1", "weight": 2.5})),
        Shipment::ShipmentParcel(ShipmentParcel::new("s1".into(), 2.5))
    );
    assert_eq!(
        round_trip::<Shipment>(json!({"id": "s2", "pallets": 3})),
        Shipment::ShipmentVariant2(ShipmentVariant2::new("s2".into(), 3))
    );
    assert!(matches!(
        round_trip::<Delivery>(json!({"id": "d1", "name": "x", "weight": 1.0})),
        Delivery::DeliveryParcel(DeliveryParcel { weight, .. }) if weight == 1.0
    ));
    assert!(matches!(
        round_trip::<Delivery>(json!({"id": "d2", "letters": 4})),
        Delivery::DeliveryVariant2(DeliveryVariant2 { letters: 4, .. })
    ));
}
