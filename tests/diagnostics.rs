//! What a user sees for a bad document (one small document per case under
//! `tests/fixtures/bad/`): every problem of the document in one run, each located
//! (`file:line:column` and JSON pointer) and with a hint, in document order, rendered as the CLI
//! prints them and snapshotted in `tests/snapshots/diagnostics__*.snap`. The tolerated oddities
//! of real documents are warnings beside a generated crate.

use clientgen::ir::{TypeKind, TypeRef};
use clientgen::{generate, Diagnostic, Generated, Settings};
use clientgen_tests::{fixture, repo_root};

/// The fixture's path as diagnostics name it: relative, so snapshots are the same anywhere.
fn file(name: &str) -> String {
    format!("tests/fixtures/bad/{name}")
}

fn run(name: &str) -> Result<Generated, Vec<Diagnostic>> {
    generate(
        &fixture(&format!("bad/{name}")),
        &file(name),
        &Settings::new("bad-client"),
    )
}

/// The problems of a document that must not generate.
fn problems(name: &str) -> Vec<Diagnostic> {
    match run(name) {
        Ok(generated) => panic!("{name} generated, with {:#?}", generated.warnings),
        Err(problems) => problems,
    }
}

/// The diagnostics as the CLI prints them (without colour): each with the offending line of
/// its file and a caret under the element (`annotate-snippets`).
fn rendered(problems: &[Diagnostic]) -> String {
    let read = |file: &str| std::fs::read_to_string(repo_root().join(file)).ok();
    clientgen::render_all(problems, read, false).join("\n\n")
}

/// `errors` errors; every diagnostic has a line and column, a hint and (unless it is a
/// syntax error, which has no place in a document that could not be read) a pointer; all in
/// document order, and rendered with the file's name and position.
fn assert_located(name: &str, problems: &[Diagnostic], errors: usize) {
    let found = problems.iter().filter(|p| p.is_error()).count();
    assert_eq!(found, errors, "{}", rendered(problems));
    for problem in problems {
        let Some((line, column)) = problem.line_col else {
            panic!("no line: {problem}")
        };
        assert!(
            problem
                .to_string()
                .contains(&format!("{}:{line}:{column}", file(name))),
            "{problem}"
        );
        assert!(
            problem.hint.as_deref().is_some_and(|h| !h.is_empty()),
            "no hint: {problem}"
        );
        let syntax = problem.message.starts_with("the spec is not valid");
        assert!(syntax || problem.pointer.is_some(), "no pointer: {problem}");
    }
    let positions: Vec<_> = problems.iter().map(|p| p.line_col).collect();
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(positions, sorted, "not in document order");
}

fn messages(problems: &[Diagnostic]) -> Vec<&str> {
    problems.iter().map(|p| p.message.as_str()).collect()
}

#[test]
fn yaml_syntax_error() {
    let problems = problems("yaml-syntax.yaml");
    assert_located("yaml-syntax.yaml", &problems, 1);
    assert_eq!(problems[0].line_col.map(|(line, _)| line), Some(11));
    insta::assert_snapshot!("yaml_syntax", rendered(&problems));
}

#[test]
fn json_syntax_error() {
    let problems = problems("json-syntax.json");
    assert_located("json-syntax.json", &problems, 1);
    assert_eq!(problems[0].line_col.map(|(line, _)| line), Some(7));
    insta::assert_snapshot!("json_syntax", rendered(&problems));
}

#[test]
fn swagger_2_is_refused() {
    let problems = problems("swagger-2.yaml");
    assert_located("swagger-2.yaml", &problems, 1);
    assert_eq!(problems[0].pointer.as_deref(), Some("/swagger"));
    insta::assert_snapshot!("swagger_2", rendered(&problems));
}

#[test]
fn openapi_4_is_refused() {
    let problems = problems("openapi-4.yaml");
    // `openapi: 4.0` is also a number: a warning says it is read as "4.0".
    assert_located("openapi-4.yaml", &problems, 1);
    assert_eq!(problems.len(), 2);
    assert!(problems[1]
        .message
        .contains("unsupported OpenAPI version \"4.0\""));
    insta::assert_snapshot!("openapi_4", rendered(&problems));
}

#[test]
fn every_dangling_ref_is_reported() {
    let problems = problems("dangling-refs.yaml");
    assert_located("dangling-refs.yaml", &problems, 4);
    let pointers: Vec<&str> = problems
        .iter()
        .filter_map(|p| p.pointer.as_deref())
        .collect();
    assert_eq!(
        pointers,
        [
            "/paths/~1pets/get/parameters/0/$ref",
            "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref",
            "/paths/~1pets/get/responses/default/$ref",
            "/components/schemas/Pet/properties/owner/$ref",
        ]
    );
    insta::assert_snapshot!("dangling_refs", rendered(&problems));
}

#[test]
fn every_missing_required_field_is_reported() {
    let problems = problems("missing-fields.yaml");
    assert_located("missing-fields.yaml", &problems, 8);
    assert_eq!(
        messages(&problems),
        [
            "`info` has no `title`",
            "`info` has no `version`",
            "the parameter has no `name`",
            "the parameter has no `in`",
            "the parameter has neither `schema` nor `content`",
            "the response has no `description`",
            "the operation has no `responses`",
            "the security scheme has no `name`",
        ]
    );
    insta::assert_snapshot!("missing_fields", rendered(&problems));
}

#[test]
fn wrong_container_types_are_reported() {
    let problems = problems("wrong-containers.yaml");
    assert_located("wrong-containers.yaml", &problems, 6);
    // `tags` is documentation only: left out with a warning rather than an error.
    let warnings: Vec<&Diagnostic> = problems.iter().filter(|p| !p.is_error()).collect();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].pointer.as_deref(), Some("/tags"));
    insta::assert_snapshot!("wrong_containers", rendered(&problems));
}

#[test]
fn different_problems_are_all_reported_in_one_run() {
    let problems = problems("many-problems.yaml");
    assert_located("many-problems.yaml", &problems, 4);
    let errors: Vec<&str> = problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(
        errors,
        [
            "`info` has no `version`",
            "`in: body` is not a parameter location",
            "`$ref: #/components/schemas/Orders` points at nothing",
            "the operation has no `responses`",
        ]
    );
    // The tolerated oddities beside them are warnings, reported in the same run.
    assert_eq!(problems.len() - errors.len(), 3);
    insta::assert_snapshot!("many_problems", rendered(&problems));
}

#[test]
fn tolerated_oddities_are_warnings_and_the_crate_is_generated() {
    let generated = run("tolerated.yaml").unwrap_or_else(|p| panic!("{}", rendered(&p)));
    let warnings = &generated.warnings;
    assert_located("tolerated.yaml", warnings, 0);
    assert_eq!(warnings.len(), 9, "{}", rendered(warnings));
    insta::assert_snapshot!("tolerated", rendered(warnings));

    // Draft-3 `required: true` made `id` required; `required: false` left `note` optional.
    let item = generated
        .api
        .types
        .iter()
        .find(|t| t.name == "Item")
        .map(|t| &t.kind);
    let Some(TypeKind::Struct { fields }) = item else {
        panic!("{item:?}")
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|f| f.wire_name == name)
            .unwrap_or_else(|| panic!("no field {name}"))
    };
    assert!(field("id").required);
    assert!(!field("note").required);
    // `type: int` is not guessed into an integer: any JSON value.
    assert_eq!(field("count").ty, TypeRef::Json);
    // The duplicate operationId is numbered, the relative server gives no default URL.
    let methods: Vec<&str> = generated
        .api
        .operations
        .iter()
        .map(|op| op.method_name.as_str())
        .collect();
    assert_eq!(methods, ["list_items", "list_items_2"]);
    assert_eq!(generated.api.default_server, None);
    assert!(generated.files.contains_key("src/lib.rs"));
}

/// A document split over files (`bad/multifile/`): a URL reference, a missing file, a pointer
/// that points at nothing in the other file, and problems inside the other file, each named by
/// the file that holds it, with that file's own line and column.
#[test]
fn every_problem_of_a_split_document_names_its_file() {
    let entry = file("multifile/openapi.yaml");
    let second = file("multifile/second.yaml");
    let files = |path: &std::path::Path| std::fs::read_to_string(repo_root().join(path));
    let problems = clientgen::generate_with(
        &fixture("bad/multifile/openapi.yaml"),
        &entry,
        &Settings::new("bad-client"),
        &files,
    )
    .err()
    .unwrap_or_default();
    let places: Vec<_> = problems
        .iter()
        .map(|p| (p.file.as_str(), p.line_col, p.message.as_str()))
        .collect();
    assert_eq!(places.len(), 5, "{}", rendered(&problems));
    assert!(problems
        .iter()
        .all(|p| p.is_error() && p.hint.is_some() && p.pointer.is_some()));
    assert_eq!(
        places
            .iter()
            .map(|(file, at, _)| (*file, *at))
            .collect::<Vec<_>>(),
        [
            (entry.as_str(), Some((10, 11))),
            (entry.as_str(), Some((17, 17))),
            (entry.as_str(), Some((19, 11))),
            (second.as_str(), Some((3, 3))),
            (second.as_str(), Some((10, 7))),
        ]
    );
    assert!(places[0].2.contains("is a URL"), "{}", places[0].2);
    assert!(
        places[1].2.contains("multifile/missing.yaml"),
        "{}",
        places[1].2
    );
    assert!(places[2]
        .2
        .contains("points at nothing in `tests/fixtures/bad/multifile/second.yaml`"));
    assert_eq!(problems[3].pointer.as_deref(), Some("/Broken/in"));
    insta::assert_snapshot!("multifile", rendered(&problems));
}
