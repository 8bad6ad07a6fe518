//! `cargo xtask diff`: the API change report between two versions of a spec, computed on the
//! IR. One pair of small specs exercises every kind of change (snapshotted report); a
//! throwaway git repository checks the command's own flow: the spec at `HEAD` against the
//! working tree, the crate's version bump, and a new crate.

use std::path::Path;
use std::process::Command;

use xtask::diff::{compare, diff, render, CrateReport, Impact};

const BEFORE: &str = r#"
openapi: 3.0.3
info: { title: Pets, version: "1" }
servers: [{ url: "https://api.example.com" }]
security: [{ token: [] }]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - { name: limit, in: query, schema: { type: integer } }
        - { name: kind, in: query, schema: { type: string } }
        - { name: X-Tenant, in: header, required: true, schema: { type: string } }
      responses:
        '200': { description: ok, content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/Pet' } } } } }
    post:
      operationId: createPet
      requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Pet' } } } }
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Pet' } } } }
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Pet' } } } }
    delete:
      operationId: deletePet
      parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
      responses: { '204': { description: gone } }
components:
  securitySchemes:
    token: { type: http, scheme: bearer }
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: { type: string }
        age: { type: integer }
        status: { $ref: '#/components/schemas/Status' }
    Status: { type: string, enum: [available, sold, lost] }
    Tag: { type: object, properties: { label: { type: string } } }
"#;

/// Every kind of change against [`BEFORE`]: an operation removed (`deletePet`), added
/// (`listOwners`), renamed (`getPet` -> `fetchPet`); parameters removed (`kind`), added
/// optional (`sort`) and required (`owner`), retyped (`limit`); a required body now optional;
/// a field added optional (`nickname`) and required (`species`), removed (`age`), retyped;
/// enum values removed (`lost`) and added (`pending`); a type removed (`Tag`) and added
/// (`Owner`); a header parameter that every operation now carries, so it moves to a builder
/// setting (`X-Tenant`), and a new one (`X-Region`); the server and a new API key scheme.
const AFTER: &str = r#"
openapi: 3.0.3
info: { title: Pets, version: "2" }
servers: [{ url: "https://api.example.org" }]
security: [{ token: [] }]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - { name: limit, in: query, schema: { type: string } }
        - { name: sort, in: query, schema: { type: string } }
        - { name: owner, in: query, required: true, schema: { type: string } }
        - { name: X-Tenant, in: header, required: true, schema: { type: string } }
        - { name: X-Region, in: header, required: true, schema: { type: string } }
      responses:
        '200': { description: ok, content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/Pet' } } } } }
    post:
      operationId: createPet
      parameters:
        - { name: X-Tenant, in: header, required: true, schema: { type: string } }
        - { name: X-Region, in: header, required: true, schema: { type: string } }
      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Pet' } } } }
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Pet' } } } }
  /pets/{id}:
    get:
      operationId: fetchPet
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer } }
        - { name: X-Tenant, in: header, required: true, schema: { type: string } }
        - { name: X-Region, in: header, required: true, schema: { type: string } }
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Pet' } } } }
  /owners:
    get:
      operationId: listOwners
      parameters:
        - { name: X-Tenant, in: header, required: true, schema: { type: string } }
        - { name: X-Region, in: header, required: true, schema: { type: string } }
      responses:
        '200': { description: ok, content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/Owner' } } } } }
components:
  securitySchemes:
    token: { type: http, scheme: bearer }
    key: { type: apiKey, in: header, name: X-Key }
  schemas:
    Pet:
      type: object
      required: [name, species]
      properties:
        name: { type: integer }
        nickname: { type: string }
        species: { type: string }
        status: { $ref: '#/components/schemas/Status' }
    Status: { type: string, enum: [available, sold, pending] }
    Owner: { type: object, properties: { name: { type: string } } }
"#;

fn lower(text: &str) -> clientgen::ir::Api {
    clientgen::lower(text, "t.yaml")
        .unwrap_or_else(|p| panic!("{p:#?}"))
        .0
}

#[test]
fn every_kind_of_change_is_reported_and_classified() {
    let changes = compare(&lower(BEFORE), &lower(AFTER));
    let report = CrateReport {
        name: "pets-client".to_owned(),
        version: "0.3.1".to_owned(),
        changes,
        new: false,
    };
    assert!(report.is_breaking());
    assert_eq!(report.next_version(), "0.4.0");
    insta::assert_snapshot!(render("v1", &[report]));
}

#[test]
fn no_change_and_additions_only() {
    let same = compare(&lower(BEFORE), &lower(BEFORE));
    assert!(same.is_empty(), "{same:#?}");

    let added = BEFORE.replace(
        "components:\n",
        "  /owners:\n    get:\n      operationId: listOwners\n      responses: { '204': { description: none } }\ncomponents:\n",
    );
    let changes = compare(&lower(BEFORE), &lower(&added));
    assert!(
        changes.iter().all(|c| c.impact == Impact::Addition),
        "{changes:#?}"
    );
    let bump = |version: &str| {
        CrateReport {
            name: "p".to_owned(),
            version: version.to_owned(),
            changes: changes.clone(),
            new: false,
        }
        .next_version()
    };
    assert_eq!(bump("0.3.1"), "0.3.2", "an addition before 1.0 is a patch");
    assert_eq!(bump("1.2.3"), "1.3.0");
}

/// The call compiles as before but the server receives another text: a breaking change, for
/// parameters and settings alike. A cookie parameter is reported as one.
#[test]
fn a_parameter_style_change_is_a_breaking_wire_change() {
    let spec = |ids: &str, reserved: &str, trace: &str| {
        format!(
            r#"
openapi: 3.0.3
info: {{ title: Pets, version: "1" }}
paths:
  /pets:
    parameters:
      - {{ name: X-Trace, in: header, {trace} schema: {{ type: object }} }}
    get:
      operationId: listPets
      parameters:
        - {{ name: ids, in: query, {ids} schema: {{ type: array, items: {{ type: integer }} }} }}
        - {{ name: next, in: query, {reserved} schema: {{ type: string }} }}
      responses: {{ '204': {{ description: ok }} }}
    delete:
      operationId: deletePets
      responses: {{ '204': {{ description: ok }} }}
"#
        )
    };
    let before = spec("", "", "");
    let after = spec(
        "style: pipeDelimited,",
        "allowReserved: true,",
        "explode: true,",
    )
    .replace(
        "    delete:\n      operationId: deletePets\n",
        "    delete:\n      operationId: deletePets\n      parameters: [{ name: session, in: cookie, schema: { type: string } }]\n",
    );
    let texts: Vec<(Impact, String)> = compare(&lower(&before), &lower(&after))
        .into_iter()
        .map(|c| (c.impact, c.text))
        .collect();
    assert_eq!(
        texts,
        [
            (
                Impact::Breaking,
                "setting `.x_trace(..)` (header `X-Trace`) is now sent as simple, explode: true, was simple, explode: false (a wire format change)".to_owned()
            ),
            (
                Impact::Breaking,
                "`list_pets`: query parameter `ids` is now sent as pipeDelimited, explode: false, was form, explode: true (a wire format change)".to_owned()
            ),
            (
                Impact::Breaking,
                "`list_pets`: query parameter `next` is now sent as form, explode: true, allowReserved, was form, explode: true (a wire format change)".to_owned()
            ),
            (
                Impact::Addition,
                "`delete_pets`: optional cookie parameter `session` added".to_owned()
            ),
        ]
    );
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
    std::fs::write(path, text).expect("a file");
}

#[test]
fn the_working_tree_is_compared_with_a_revision() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "specs/pets/openapi.yaml", BEFORE);
    write(
        root,
        "specs/pets/client.toml",
        "name = \"pets-client\"\nversion = \"1.4.0\"\n",
    );
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "v1"]);

    // Removing an operation and adding another: the removal breaks.
    let edited = BEFORE.replace(
        "    delete:\n      operationId: deletePet",
        "    put:\n      operationId: replacePet",
    );
    write(root, "specs/pets/openapi.yaml", &edited);
    write(root, "specs/cats/openapi.yaml", BEFORE);
    write(
        root,
        "specs/cats/client.toml",
        "name = \"cats-client\"\nversion = \"0.1.0\"\n",
    );

    let reports = diff(root, "HEAD").expect("the comparison runs");
    let names: Vec<&str> = reports.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["cats-client", "pets-client"]);
    assert!(reports[0].new && !reports[0].is_breaking());
    let pets = &reports[1];
    let texts: Vec<(Impact, &str)> = pets
        .changes
        .iter()
        .map(|c| (c.impact, c.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            (
                Impact::Breaking,
                "operation removed: `DELETE /pets/{id}` (`delete_pet`)"
            ),
            (
                Impact::Addition,
                "operation added: `PUT /pets/{id}` (`replace_pet`)"
            ),
        ]
    );
    assert_eq!(pets.next_version(), "2.0.0");
    let report = render("HEAD", &reports);
    assert!(
        report.contains("| `pets-client` | 1 | 1 | 0 | 1.4.0 → 2.0.0 |"),
        "{report}"
    );
    assert!(
        report.contains("| `cats-client` | 0 | 1 | 0 | 0.1.0 (new crate) |"),
        "{report}"
    );

    let error = diff(root, "no-such-rev").expect_err("a bad revision is an error");
    assert!(error.contains("no-such-rev"), "{error}");
}

/// A body that keeps its type but is sent as another media type breaks callers (the server
/// checks the `Content-Type`), and so does a new variant of a response enum (an exhaustive
/// `match` no longer compiles) or a variant that holds another type.
#[test]
fn body_media_types_and_response_enums_are_compared() {
    let before = r#"
openapi: 3.0.3
info: { title: Pets, version: "1" }
paths:
  /pets:
    post:
      operationId: createPet
      requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/Pet' } } } }
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Pet' } } } }
        '201': { description: queued, content: { text/plain: { schema: { type: string } } } }
components:
  schemas:
    Pet: { type: object, properties: { name: { type: string } } }
"#;
    let after = before
        .replace(
            "requestBody: { required: true, content: { application/json:",
            "requestBody: { required: true, content: { application/x-www-form-urlencoded:",
        )
        .replace(
            "'201': { description: queued, content: { text/plain: { schema: { type: string } } } }",
            "'201': { description: queued, content: { application/json: { schema: { type: string } } } }\n        '204': { description: nothing }",
        );
    let texts: Vec<(Impact, String)> = compare(&lower(before), &lower(&after))
        .into_iter()
        .map(|c| (c.impact, c.text))
        .collect();
    assert_eq!(
        texts,
        [
            (
                Impact::Breaking,
                "`create_pet`: request body media type changed from `application/json` to `application/x-www-form-urlencoded`".to_owned()
            ),
            (
                Impact::Breaking,
                "`CreatePetResponse`: variant `Created` now holds JSON `String`, was text".to_owned()
            ),
            (
                Impact::Addition,
                "`CreatePetResponse`: variants added: `NoContent` (204)".to_owned()
            ),
        ]
    );
}

/// A download's media types: a second one adds the `.accept(..)` choice; one removed from the
/// choice, or another first (the default), breaks callers; back to one removes the setter.
#[test]
fn a_download_media_type_choice_is_compared() {
    let spec = |media: &[&str]| {
        let content: Vec<String> = media
            .iter()
            .map(|m| format!("'{m}': {{ schema: {{ type: string, format: binary }} }}"))
            .collect();
        format!(
            r#"
openapi: 3.0.3
info: {{ title: Reports, version: "1" }}
paths:
  /report:
    get:
      operationId: getReport
      responses:
        '200': {{ description: ok, content: {{ {} }} }}
"#,
            content.join(", ")
        )
    };
    let texts = |before: &[&str], after: &[&str]| -> Vec<(Impact, String)> {
        compare(&lower(&spec(before)), &lower(&spec(after)))
            .into_iter()
            .map(|c| (c.impact, c.text))
            .collect()
    };
    let (csv, pdf, json) = ("text/csv", "application/pdf", "application/json");
    assert_eq!(
        texts(&[csv], &[csv, pdf]),
        [
            (
                Impact::Addition,
                "`get_report`: `.accept(GetReportAccept)` added: the response's media type is chosen, `text/csv` by default".to_owned()
            ),
            (
                Impact::Addition,
                "type added: `GetReportAccept` (media type enum)".to_owned()
            ),
        ]
    );
    assert_eq!(
        texts(&[csv, pdf, json], &[pdf, csv]),
        [
            (
                Impact::Breaking,
                "`get_report`: the media type asked for by default is `application/pdf`, was `text/csv`".to_owned()
            ),
            (
                Impact::Breaking,
                "`GetReportAccept`: media types removed: `application/json`".to_owned()
            ),
        ]
    );
    assert_eq!(
        texts(&[csv, pdf], &[csv]),
        [
            (
                Impact::Breaking,
                "`get_report`: `.accept(..)` removed (one media type left)".to_owned()
            ),
            (
                Impact::Breaking,
                "type removed: `GetReportAccept` (media type enum)".to_owned()
            ),
        ]
    );
}

/// A new parameter named like a per-call option takes the setter's name, so the option's
/// setter moves (`timeout` → `timeout_2`): a breaking change beside the addition.
#[test]
fn a_parameter_that_takes_an_options_name_is_a_breaking_change() {
    let spec = |params: &str| {
        format!(
            r#"
openapi: 3.0.3
info: {{ title: Jobs, version: "1" }}
paths:
  /jobs:
    get:
      operationId: listJobs
      parameters: [{params}]
      responses: {{ '204': {{ description: ok }} }}
"#
        )
    };
    let texts: Vec<(Impact, String)> = compare(
        &lower(&spec("")),
        &lower(&spec(
            "{ name: timeout, in: query, schema: { type: integer } }",
        )),
    )
    .into_iter()
    .map(|c| (c.impact, c.text))
    .collect();
    assert_eq!(
        texts,
        [
            (
                Impact::Breaking,
                "`list_jobs`: the per-call option `.timeout(..)` is now `.timeout_2(..)`"
                    .to_owned()
            ),
            (
                Impact::Addition,
                "`list_jobs`: optional query parameter `timeout` added".to_owned()
            ),
        ]
    );
}

/// `cargo xtask semver`'s table without cargo-semver-checks: every case edits the base spec as
/// it says and `diff` classifies it as cargo-semver-checks did on the generated crates when
/// the table was last run (`cargo xtask semver` checks that part with the tool itself).
#[test]
fn the_semver_cases_are_classified_as_cargo_semver_checks_does() {
    use xtask::semver::{base_spec, classify, CASES};
    let root = xtask::repo_root();
    let base = base_spec(&root).unwrap();
    let expected = [
        ("response_optional_field_added", Impact::Addition, "0.1.1"),
        ("request_optional_field_added", Impact::Addition, "0.1.1"),
        ("request_required_field_added", Impact::Breaking, "0.2.0"),
        ("response_field_removed", Impact::Breaking, "0.2.0"),
        (
            "request_optional_field_made_required",
            Impact::Breaking,
            "0.2.0",
        ),
        (
            "response_required_field_made_optional",
            Impact::Breaking,
            "0.2.0",
        ),
        ("enum_value_added", Impact::Addition, "0.1.1"),
        ("enum_value_removed", Impact::Breaking, "0.2.0"),
        ("response_status_added", Impact::Addition, "0.1.1"),
        ("operation_added", Impact::Addition, "0.1.1"),
        ("operation_removed", Impact::Breaking, "0.2.0"),
        ("optional_query_parameter_added", Impact::Addition, "0.1.1"),
        ("required_query_parameter_added", Impact::Breaking, "0.2.0"),
        (
            "optional_query_parameter_made_required",
            Impact::Breaking,
            "0.2.0",
        ),
        (
            "optional_query_parameter_removed",
            Impact::Breaking,
            "0.2.0",
        ),
    ];
    assert!(CASES.len() >= 12);
    let names: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    let want: Vec<&str> = expected.iter().map(|e| e.0).collect();
    assert_eq!(names, want);
    for (case, (name, impact, version)) in CASES.iter().zip(expected) {
        let verdict = classify(&root, &base, case).unwrap();
        assert_eq!(
            (verdict.impact, verdict.version.as_str()),
            (Some(impact), version),
            "{name}: {:#?}",
            verdict.changes
        );
    }
}

/// Cargo features follow the operation groups: a group gone (its feature removed), an
/// operation moved to another group and a type no longer compiled with a feature break builds
/// that name the old feature; a new group is an addition.
#[test]
fn cargo_features_removed_added_and_operations_moved() {
    let spec = |list: &str, get: &str| {
        format!(
            r#"
openapi: 3.0.3
info: {{ title: Pets, version: "1" }}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [{list}]
      responses: {{ '204': {{ description: none }} }}
  /pets/{{id}}:
    get:
      operationId: getPet
      tags: [{get}]
      parameters: [{{ name: id, in: path, required: true, schema: {{ type: integer }} }}]
      responses: {{ '200': {{ description: a pet, content: {{ application/json: {{ schema: {{ $ref: '#/components/schemas/Pet' }} }} }} }} }}
components:
  schemas:
    Pet: {{ type: object, properties: {{ name: {{ type: string }} }} }}
"#
        )
    };
    let texts = |changes: &[xtask::diff::Change]| -> Vec<(Impact, String)> {
        changes.iter().map(|c| (c.impact, c.text.clone())).collect()
    };
    // `getPet` moves from `pets` to `Pet Details`: a new feature, and a move; its `Pet`, always
    // compiled while there was one group, now is only with `pet-details`.
    let changes = compare(
        &lower(&spec("Pets", "Pets")),
        &lower(&spec("Pets", "Pet Details")),
    );
    assert_eq!(
        texts(&changes),
        [
            (
                Impact::Breaking,
                "`get_pet`: moved from cargo feature `pets` to `pet-details`".to_owned()
            ),
            (
                Impact::Breaking,
                "`Pet`: no longer compiled with cargo feature `pets`".to_owned()
            ),
            (
                Impact::Addition,
                "cargo feature added: `pet-details`".to_owned()
            ),
        ]
    );
    // Both in `Animals`: `pets` is gone.
    let changes = compare(
        &lower(&spec("Pets", "Pets")),
        &lower(&spec("Animals", "Animals")),
    );
    assert_eq!(
        texts(&changes),
        [
            (Impact::Breaking, "cargo feature removed: `pets`".to_owned()),
            (
                Impact::Breaking,
                "`list_pets`: moved from cargo feature `pets` to `animals`".to_owned()
            ),
            (
                Impact::Breaking,
                "`get_pet`: moved from cargo feature `pets` to `animals`".to_owned()
            ),
            (
                Impact::Addition,
                "cargo feature added: `animals`".to_owned()
            ),
        ]
    );
}
