//! The generator as a whole: deterministic output, committed output up to date, the Nudge
//! document accepted exactly as published, and bad documents refused with located errors.

use clientgen::{generate, Settings};
use clientgen_tests::{fixture, repo_root};

/// The 19 operations of the published Nudge document, as client methods named after their
/// summaries.
const DOCUMENTED_OPERATIONS: [&str; 19] = [
    "search_apps",
    "get_app",
    "set_app_category",
    "search_accounts",
    "get_account",
    "search_oauth_grants",
    "get_oauth_grant",
    "search_events",
    "get_event",
    "search_users",
    "search_user_groups",
    "list_user_group_members",
    "search_notifications",
    "search_fields",
    "create_field",
    "search_labels",
    "create_label",
    "search_findings",
    "search_app_to_app_integrations",
];

#[test]
fn generating_twice_gives_the_same_bytes() {
    let root = repo_root();
    let first = xtask::generate_all(&root).unwrap_or_else(|p| panic!("{}", p.join("\n")));
    let second = xtask::generate_all(&root).unwrap_or_else(|p| panic!("{}", p.join("\n")));
    assert!(!first.is_empty());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(
            a.generated.files, b.generated.files,
            "{} differs between runs",
            a.vendor
        );
    }
}

/// Fails when `generated/` is not what `cargo xtask regen` would write.
#[test]
fn committed_output_is_up_to_date() {
    let root = repo_root();
    let crates = xtask::generate_all(&root).unwrap_or_else(|p| panic!("{}", p.join("\n")));
    let plans = xtask::plan(&root, &crates).unwrap_or_else(|err| panic!("{err}"));
    let stale: Vec<String> = plans
        .iter()
        .flat_map(|(_, plan)| xtask::describe(&root, plan))
        .collect();
    assert!(
        stale.is_empty(),
        "generated/ is stale, run `cargo xtask regen`:\n{}",
        stale.join("\n")
    );
}

#[test]
fn the_published_nudge_document_generates_as_is() {
    let spec = fixture("nudge-published.yaml");
    assert!(spec.starts_with("openapi: 3.1.0"));
    assert!(!spec.contains("operationId"));
    let generated = generate(
        &spec,
        "nudge-published.yaml",
        &Settings::new("nudge-published"),
    )
    .unwrap_or_else(|problems| panic!("{problems:#?}"));
    assert!(generated.warnings.is_empty(), "{:#?}", generated.warnings);
    let methods: Vec<&str> = generated
        .api
        .operations
        .iter()
        .map(|op| op.method_name.as_str())
        .collect();
    assert_eq!(methods, DOCUMENTED_OPERATIONS);
}

#[test]
fn the_normalized_spec_names_every_documented_operation_after_its_summary() {
    let output =
        xtask::generate(&repo_root(), "nudge").unwrap_or_else(|p| panic!("{}", p.join("\n")));
    let client = &output.generated.files["src/client.rs"];
    let readme = &output.generated.files["README.md"];
    for method in DOCUMENTED_OPERATIONS {
        assert!(
            client.contains(&format!("pub fn {method}(")),
            "{method} is not a Client method"
        );
        assert!(
            readme.contains(&format!("| `{method}` |")),
            "{method} is not in the README table"
        );
    }
}

#[test]
fn names_without_operation_id_or_summary_come_from_method_and_path_and_clashes_are_numbered() {
    let spec = r#"
openapi: 3.1.0
info: { title: T, version: '1' }
paths:
  /things/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: ok } }
    delete:
      summary: Get things id
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { '204': { description: gone } }
"#;
    let generated =
        generate(spec, "t.yaml", &Settings::new("t")).unwrap_or_else(|p| panic!("{p:#?}"));
    let names: Vec<&str> = generated
        .api
        .operations
        .iter()
        .map(|op| op.method_name.as_str())
        .collect();
    assert_eq!(names, ["get_things_id", "get_things_id_2"]);
}

#[test]
fn bad_documents_yield_every_problem_located_and_no_output() {
    let spec = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          $ref: '#/components/responses/Missing'\n  /b/{id}:\n    get:\n      responses:\n        '200':\n          $ref: '#/components/responses/AlsoMissing'\n";
    let problems = generate(spec, "bad.yaml", &Settings::new("bad"))
        .err()
        .unwrap_or_default();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems
        .iter()
        .all(|p| p.is_error() && p.line_col.is_some() && p.hint.is_some()));
    assert_eq!(problems[0].line_col, Some((8, 11)));
    let rendered = problems[0].to_string();
    assert!(rendered.contains("bad.yaml:8:11"), "{rendered}");

    for (text, needle) in [
        ("swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n", "Swagger 2.0"),
        ("openapi: 3.0.3\npaths: [\n", "not valid YAML"),
        ("openapi: 3.0.3\npaths: {}\n", "info"),
        ("openapi: 3.0.3\ninfo: { title: T, version: '1' }\npaths:\n  /a/{id}:\n    get:\n      responses: {}\n", "no path parameter `id`"),
    ] {
        let problems = generate(text, "bad.yaml", &Settings::new("bad")).err().unwrap_or_default();
        assert!(problems.iter().any(|p| p.message.contains(needle)), "{needle}: {problems:#?}");
    }
}
