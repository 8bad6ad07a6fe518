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

    // Dangling references and structural problems come in the same run, in document order:
    // the first used to hide the others.
    let spec = "openapi: 3.0.3\ninfo: { title: T }\npaths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/Missing'\n        - in: query\n          schema: { type: string }\n";
    let problems = generate(spec, "bad.yaml", &Settings::new("bad"))
        .err()
        .unwrap_or_default();
    let found: Vec<(Option<(usize, usize)>, &str)> = problems
        .iter()
        .map(|p| (p.line_col, p.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (Some((2, 1)), "`info` has no `version`"),
            (Some((5, 5)), "the operation has no `responses`"),
            (
                Some((7, 11)),
                "`$ref: #/components/parameters/Missing` points at nothing"
            ),
            (Some((8, 9)), "the parameter has no `name`"),
        ]
    );

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

/// A spec whose two operations both carry the `Organization` header, with two security
/// schemes and a pagination that names a parameter the operation lacks.
const RUNTIME_FEATURES_SPEC: &str = r#"
openapi: 3.0.3
info: { title: T, version: '1' }
security: [{ token: [] }]
components:
  securitySchemes:
    token: { type: http, scheme: bearer }
    key: { type: apiKey, in: header, name: X-Key }
    cookie: { type: apiKey, in: cookie, name: session }
paths:
  /a:
    get:
      operationId: listA
      parameters:
        - { name: organization, in: header, required: true, schema: { type: string } }
        - { name: page, in: query, schema: { type: integer } }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: { type: array, items: { type: string } }
      x-pagination: { style: page, page_param: pag, items: data }
  /b:
    get:
      operationId: getB
      security: [{ key: [] }]
      parameters:
        - { name: Organization, in: header, required: true, schema: { type: string } }
        - { name: X-Trace, in: header, schema: { type: string } }
      responses: { '204': { description: ok } }
      x-rate-limit: { requests: 1, period_seconds: 3 }
"#;

#[test]
fn headers_on_every_operation_become_settings_and_schemes_become_credentials() {
    let (api, _) =
        clientgen::lower(RUNTIME_FEATURES_SPEC, "t.yaml").unwrap_or_else(|p| panic!("{p:#?}"));

    let settings: Vec<_> = api
        .settings
        .iter()
        .map(|s| (s.method.as_str(), s.wire_name.as_str(), s.required))
        .collect();
    assert_eq!(settings, [("organization", "organization", true)]);
    let params: Vec<Vec<&str>> = api
        .operations
        .iter()
        .map(|op| op.params.iter().map(|p| p.wire_name.as_str()).collect())
        .collect();
    assert_eq!(
        params,
        [vec!["page"], vec!["X-Trace"]],
        "the setting left every operation"
    );

    let methods: Vec<&str> = api
        .security_schemes
        .iter()
        .map(|s| s.method.as_str())
        .collect();
    assert_eq!(
        methods,
        ["bearer_token", "key", "cookie"],
        "every scheme is a credential, the API key in a cookie too"
    );
    assert_eq!(api.security, Some(vec![vec!["token".to_owned()]]));
    assert_eq!(
        api.operations[1].security,
        Some(vec![vec!["key".to_owned()]])
    );
    assert_eq!(
        api.operations[1].rate_limit,
        Some(clientgen::ir::RateLimit {
            requests: 1,
            period_seconds: 3
        })
    );
}

#[test]
fn a_pagination_that_does_not_fit_its_operation_is_dropped_with_a_located_warning() {
    let generated = generate(RUNTIME_FEATURES_SPEC, "t.yaml", &Settings::new("t"))
        .unwrap_or_else(|p| panic!("{p:#?}"));

    assert!(generated.api.operations[0].pagination.is_none());
    assert!(!generated.files["src/operations.rs"].contains("pub fn pages("));
    let warning = generated
        .warnings
        .iter()
        .find(|w| w.message.contains("`pag`"))
        .unwrap_or_else(|| panic!("no warning about `pag`: {:#?}", generated.warnings));
    assert_eq!(
        warning.pointer.as_deref(),
        Some("/paths/~1a/get/x-pagination")
    );
    assert!(warning.line_col.is_some() && warning.hint.is_some());
    assert!(
        !generated
            .warnings
            .iter()
            .any(|w| w.message.contains("security scheme `cookie`")),
        "an API key in a cookie is supported"
    );
}

#[test]
fn a_pagination_that_fits_gives_pages_and_items_of_the_item_type() {
    let spec = RUNTIME_FEATURES_SPEC.replace("page_param: pag,", "page_param: page,");
    let generated =
        generate(&spec, "t.yaml", &Settings::new("t")).unwrap_or_else(|p| panic!("{p:#?}"));

    let pagination = generated.api.operations[0].pagination.as_ref().unwrap();
    assert_eq!(pagination.item_type, clientgen::ir::TypeRef::String);
    assert_eq!(pagination.items, "/data");
    let operations = &generated.files["src/operations.rs"];
    assert!(
        operations.contains("clientgen_runtime::Items<String, serde_json::Value>"),
        "{operations}"
    );
}

#[test]
fn a_token_exchange_or_query_language_that_cannot_work_is_dropped_with_a_located_warning() {
    let spec = RUNTIME_FEATURES_SPEC
        .replace(
            "token: { type: http, scheme: bearer }",
            "token: { type: http, scheme: bearer, x-token-exchange: { operation: getB, token: t } }",
        )
        .replace(
            "- { name: page, in: query, schema: { type: integer } }",
            "- { name: page, in: query, schema: { type: integer }, x-query-language: { type: Q } }",
        );
    let generated =
        generate(&spec, "t.yaml", &Settings::new("t")).unwrap_or_else(|p| panic!("{p:#?}"));

    let find = |text: &str| {
        generated
            .warnings
            .iter()
            .find(|w| w.message.contains(text))
            .unwrap_or_else(|| panic!("no warning about {text}: {:#?}", generated.warnings))
    };
    // getB requires the API key scheme, not HTTP basic: the builder method cannot be named
    // `client_credentials`, and the spec names none.
    let exchange = find("needs `setter`");
    assert_eq!(
        exchange.pointer.as_deref(),
        Some("/components/securitySchemes/token/x-token-exchange")
    );
    let language = find("`x-query-language` needs");
    assert_eq!(
        language.pointer.as_deref(),
        Some("/paths/~1a/get/parameters/1/x-query-language")
    );
    assert!(generated.api.query_languages.is_empty());
    assert!(!generated.files.contains_key("src/query.rs"));
    assert!(!generated.files["src/client.rs"].contains("client_credentials"));
}

#[test]
fn token_exchanges_take_an_outside_url_or_an_operation_with_its_parameters() {
    let spec = RUNTIME_FEATURES_SPEC.replace(
        "token: { type: http, scheme: bearer }",
        "token: { type: http, scheme: bearer, x-token-exchange: { url: 'https://iam.example.com/token', form: { grant_type: apikey, apikey: '{credential}' }, token: access_token, expires_in: expires_in, setter: iam_key, x-inferred: the IAM docs } }",
    );
    let generated =
        generate(&spec, "t.yaml", &Settings::new("t")).unwrap_or_else(|p| panic!("{p:#?}"));
    let client = &generated.files["src/client.rs"];
    for wanted in [
        "pub fn iam_key(mut self, secret: impl Into<clientgen_runtime::Secret>)",
        "clientgen_runtime::TokenExchange::url(",
        ".form_secret(\"apikey\", secret)",
        ".form_field(\"grant_type\", \"apikey\")",
        "pub fn token_url(mut self, url: impl Into<String>)",
        "inferred: the IAM docs",
    ] {
        assert!(client.contains(wanted), "{wanted}\n{client}");
    }

    // getB, authenticated with the API key, hands out tokens for its optional header.
    let spec = RUNTIME_FEATURES_SPEC.replace(
        "token: { type: http, scheme: bearer }",
        "token: { type: http, scheme: bearer, x-token-exchange: { operation: getB, parameters: [x-trace], token: jwt, setter: login } }",
    );
    let generated =
        generate(&spec, "t.yaml", &Settings::new("t")).unwrap_or_else(|p| panic!("{p:#?}"));
    let client = &generated.files["src/client.rs"];
    assert!(
        client.contains(
            "x_trace: impl Into<String>,\n        key: impl Into<clientgen_runtime::Secret>,"
        ),
        "{client}"
    );
    assert!(client.contains(".header(\"X-Trace\", x_trace)"), "{client}");
    assert!(client.contains(".security(&[&[\"key\"]])"), "{client}");

    for (exchange, problem) in [
        ("{ url: 'https://iam.example.com/token', form: { apikey: key }, token: t, setter: s }", "no form field"),
        ("{ url: /token, form: { apikey: '{credential}' }, token: t, setter: s }", "absolute http(s) URL"),
        ("{ url: 'https://iam.example.com/token', token: t, setter: s }", "needs `form`"),
        ("{ url: 'https://x.io', operation: getB, form: { a: '{credential}' }, token: t, setter: s }", "both `operation` and `url`"),
        ("{ operation: getB, parameters: [nope], token: t, setter: s }", "no parameter `nope`"),
        ("{ operation: listA, token: t, setter: s }", "exactly one security scheme"),
        ("{ url: 'https://iam.example.com/token', form: { apikey: 'Bearer {credential}' }, token: t, setter: s }", "alone or plain text"),
    ] {
        let spec = RUNTIME_FEATURES_SPEC.replace(
            "token: { type: http, scheme: bearer }",
            &format!("token: {{ type: http, scheme: bearer, x-token-exchange: {exchange} }}"),
        );
        let generated =
            generate(&spec, "t.yaml", &Settings::new("t")).unwrap_or_else(|p| panic!("{p:#?}"));
        let warning = generated
            .warnings
            .iter()
            .find(|w| w.message.contains(problem))
            .unwrap_or_else(|| panic!("{exchange}: no warning about {problem}: {:#?}", generated.warnings));
        assert_eq!(
            warning.pointer.as_deref(),
            Some("/components/securitySchemes/token/x-token-exchange")
        );
        assert!(!generated.files["src/client.rs"].contains("TokenExchange"), "{exchange}");
    }
}

/// A small spec for servers, downloads and shared parameters; `SERVER` is replaced per test.
const SERVER_SPEC: &str = r#"
openapi: 3.0.3
info: { title: T, version: "1" }
servers:
  - SERVER
paths:
  /reports/{kind}:
    parameters:
      - $ref: '#/components/parameters/Kind'
    get:
      operationId: downloadReport
      responses:
        '200':
          description: the report
          content:
            text/csv: { schema: { type: string, format: binary } }
            application/json: { schema: {} }
    delete:
      operationId: deleteReport
      responses:
        '200': { description: removed, content: { application/json: { schema: {} } } }
components:
  parameters:
    Kind:
      name: kind
      in: path
      required: true
      schema: { type: string, enum: [daily, weekly] }
"#;

fn with_server(server: &str) -> clientgen::Generated {
    let spec = SERVER_SPEC.replace("SERVER", server);
    generate(&spec, "t.yaml", &Settings::new("t")).unwrap_or_else(|p| panic!("{p:#?}"))
}

#[test]
fn a_templated_server_gets_a_builder_method_and_its_defaults_make_the_default_url() {
    let generated = with_server(
        "{ url: 'https://{region}.example.com:{port}', variables: { region: { default: us-south, enum: [us-south, eu-de] }, port: { default: '443' } } }",
    );
    assert_eq!(
        generated.api.default_server.as_deref(),
        Some("https://us-south.example.com:443")
    );
    let server = generated.api.server.as_ref().expect("a server template");
    assert_eq!(
        server.method, "server",
        "two variables: one `server(..)` method"
    );
    let client = &generated.files["src/client.rs"];
    assert!(
        client.contains("pub fn server(mut self, region: &str, port: &str) -> Self"),
        "{client}"
    );
    assert!(client.contains("the spec lists `us-south`, `eu-de`"));

    let one = with_server(
        "{ url: 'https://{region}.example.com', variables: { region: { default: us-south } } }",
    );
    assert!(one.files["src/client.rs"].contains("pub fn region(mut self, region: &str) -> Self"));
    assert!(one.files["README.md"].contains(r#".region("us-south")"#));
}

#[test]
fn a_server_variable_without_a_default_must_be_set() {
    let generated = with_server(
        "{ url: 'https://{host}/api', variables: { host: { default: '', description: Your host } } }",
    );
    assert_eq!(generated.api.default_server, None);
    assert!(generated.files["src/client.rs"].contains("pub fn host(mut self, host: &str) -> Self"));
    assert!(generated.files["README.md"].contains(r#".host("YOUR_HOST")"#));
    assert!(!generated.files["src/lib.rs"].contains("DEFAULT_BASE_URL"));

    let undeclared = with_server("{ url: 'https://{host}/api' }");
    assert_eq!(undeclared.api.server, None);
    let warning = undeclared
        .warnings
        .iter()
        .find(|w| w.message.contains("`{host}`"))
        .unwrap_or_else(|| panic!("{:#?}", undeclared.warnings));
    assert_eq!(warning.pointer.as_deref(), Some("/servers/0/url"));
}

#[test]
fn a_binary_response_is_a_download_of_bytes_and_untyped_responses_are_counted() {
    let generated = with_server("{ url: 'https://api.example.com' }");
    let download = &generated.api.operations[0];
    assert_eq!(download.success, clientgen::ir::Success::Bytes);
    // Two media types: the caller chooses one, by default the first.
    assert_eq!(download.accept.as_deref(), Some("text/csv"));
    let choice = download.accept_choice.as_ref().expect("an Accept choice");
    assert_eq!(
        (choice.setter.as_str(), choice.type_name.as_str()),
        ("accept", "DownloadReportAccept")
    );
    let operations = &generated.files["src/operations.rs"];
    assert!(operations.contains(".header(\"Accept\", self.accept.media_type())"));
    assert!(operations.contains("accept: crate::types::DownloadReportAccept::TextCsv,"));
    let types = &generated.files["src/types.rs"];
    assert!(types.contains("Self::ApplicationJson => \"application/json\","));
    assert!(operations.contains("Result<clientgen_runtime::Bytes"));
    assert!(generated.files["src/lib.rs"].contains("pub use clientgen_runtime::Bytes;"));
    let readme = &generated.files["README.md"];
    assert!(
        readme.contains("1 of the 2 operations return an untyped JSON value"),
        "{readme}"
    );
    assert!(readme.contains("| `GET` | `/reports/{kind}` | `download_report` | bytes |"));
}

#[test]
fn an_enum_in_a_shared_parameter_is_one_type_named_after_the_parameter() {
    let generated = with_server("{ url: 'https://api.example.com' }");
    let enums: Vec<&str> = generated
        .api
        .types
        .iter()
        .filter(|def| matches!(def.kind, clientgen::ir::TypeKind::StringEnum { .. }))
        .map(|def| def.name.as_str())
        .collect();
    assert_eq!(enums, ["Kind"]);
    for op in &generated.api.operations {
        assert_eq!(
            op.params[0].ty,
            clientgen::ir::TypeRef::Named("Kind".to_owned())
        );
    }
}

#[test]
fn replaces_works_only_with_a_cursor_and_names_real_parameters_and_summaries_are_rustdoc_safe() {
    let spec = |pagination: &str| {
        format!(
            r#"
openapi: 3.0.3
info: {{ title: T, version: "1" }}
paths:
  /events:
    get:
      operationId: listEvents
      summary: List events [Digest]
      parameters:
        - {{ name: from, in: query, schema: {{ type: integer }} }}
        - {{ name: cursor, in: query, schema: {{ type: string }} }}
        - {{ name: page, in: query, schema: {{ type: integer }} }}
      x-pagination: {pagination}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {{ type: array, items: {{ type: string }} }}
                  prev: {{ type: string }}
"#
        )
    };
    let lowered = |pagination: &str| {
        generate(&spec(pagination), "t.yaml", &Settings::new("t"))
            .unwrap_or_else(|p| panic!("{p:#?}"))
    };

    let good = lowered(
        "{ style: cursor, cursor_param: cursor, next_cursor: prev, items: data, replaces: [from] }",
    );
    assert_eq!(
        good.api.operations[0]
            .pagination
            .as_ref()
            .map(|p| p.replaces.clone()),
        Some(vec!["from".to_owned()])
    );
    assert!(good.files["src/operations.rs"].contains(".replaces(&[\"from\"])"));
    assert!(
        good.files["src/client.rs"].contains("/// List events \\[Digest]"),
        "a summary's [brackets] are not an intra-doc link"
    );

    for (pagination, problem) in [
        (
            "{ style: page, page_param: page, items: data, replaces: [from] }",
            "only meaningful for the token and cursor styles",
        ),
        (
            "{ style: cursor, cursor_param: cursor, next_cursor: prev, items: data, replaces: [until] }",
            "`until`",
        ),
    ] {
        let generated = lowered(pagination);
        assert!(generated.api.operations[0].pagination.is_none(), "{pagination}");
        assert!(
            generated.warnings.iter().any(|w| w.message.contains(problem)),
            "{pagination}: {:#?}",
            generated.warnings
        );
    }
}

/// Integer enums: a component named by `x-enum-varnames` (a repeated value, `null`, and a
/// name that would be `Unknown`), inline ones in a property, a parameter and array items,
/// and two whose `x-enum-varnames` does not fit (one name too few, not a list).
const INT_ENUM_SPEC: &str = r#"
openapi: 3.0.3
info: { title: T, version: "1" }
paths:
  /jobs:
    get:
      operationId: listJobs
      parameters:
        - { name: level, in: query, schema: { type: integer, enum: [1, 2, 3] } }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { type: array, items: { $ref: '#/components/schemas/Job' } }
components:
  schemas:
    JobState:
      type: integer
      nullable: true
      description: The job's state.
      enum: [0, 1, 2, 1, null, 3]
      x-enum-varnames: [queued, running, done, running again, none, unknown]
    Job:
      type: object
      properties:
        state: { $ref: '#/components/schemas/JobState' }
        retries: { type: integer, enum: [-2, 0, 5] }
        codes: { type: array, items: { type: integer, format: int32, enum: [7] } }
        count: { type: integer, enum: [null] }
        mode:
          type: integer
          enum: [1, 2]
          x-enum-varnames: [only_one]
        flag: { type: integer, enum: [1], x-enum-varnames: on }
"#;

#[test]
fn integer_enums_are_named_types_with_variants_from_x_enum_varnames_or_their_values() {
    use clientgen::ir::{IntVariant, TypeKind, TypeRef};

    let generated =
        generate(INT_ENUM_SPEC, "t.yaml", &Settings::new("t")).unwrap_or_else(|p| panic!("{p:#?}"));
    let variants = |name: &str| -> Vec<(String, i64)> {
        let def = generated
            .api
            .types
            .iter()
            .find(|def| def.name == name)
            .unwrap_or_else(|| panic!("no type {name}: {:#?}", generated.api.types));
        match &def.kind {
            TypeKind::IntEnum { variants } => variants
                .iter()
                .map(|IntVariant { rust_name, value }| (rust_name.clone(), *value))
                .collect(),
            other => panic!("{name} is {other:?}"),
        }
    };
    let pairs = |expected: &[(&str, i64)]| -> Vec<(String, i64)> {
        expected
            .iter()
            .map(|(n, v)| ((*n).to_owned(), *v))
            .collect()
    };

    assert_eq!(
        variants("JobState"),
        pairs(&[("Queued", 0), ("Running", 1), ("Done", 2), ("Unknown2", 3)]),
        "each value once, `null` skipped, `Unknown` kept for unknown values"
    );
    assert_eq!(
        variants("JobRetries"),
        pairs(&[("ValueMinus2", -2), ("Value0", 0), ("Value5", 5)])
    );
    assert_eq!(variants("JobCodesItem"), pairs(&[("Value7", 7)]));
    assert_eq!(
        variants("ListJobsLevel"),
        // Not `[1, 2]`: `Job.mode` has that shape, and an identical inline enum is one type.
        pairs(&[("Value1", 1), ("Value2", 2), ("Value3", 3)])
    );
    assert_eq!(
        variants("JobMode"),
        pairs(&[("Value1", 1), ("Value2", 2)]),
        "names that do not fit are not used"
    );

    let job = generated.api.types.iter().find(|def| def.name == "Job");
    let Some(TypeKind::Struct { fields }) = job.map(|def| &def.kind) else {
        panic!("{job:#?}")
    };
    let types: Vec<(&str, &TypeRef)> = fields
        .iter()
        .map(|f| (f.wire_name.as_str(), &f.ty))
        .collect();
    assert_eq!(
        types,
        [
            ("state", &TypeRef::Named("JobState".to_owned())),
            ("retries", &TypeRef::Named("JobRetries".to_owned())),
            (
                "codes",
                &TypeRef::Vec(Box::new(TypeRef::Named("JobCodesItem".to_owned())))
            ),
            ("count", &TypeRef::I64),
            ("mode", &TypeRef::Named("JobMode".to_owned())),
            ("flag", &TypeRef::Named("JobFlag".to_owned())),
        ],
        "an enum of only `null` is a plain integer"
    );
    assert_eq!(
        generated.api.operations[0].params[0].ty,
        TypeRef::Named("ListJobsLevel".to_owned())
    );

    assert_eq!(variants("JobFlag"), pairs(&[("Value1", 1)]));
    let pointers: Vec<Option<&str>> = generated
        .warnings
        .iter()
        .map(|w| w.pointer.as_deref())
        .collect();
    assert_eq!(
        pointers,
        [
            Some("/components/schemas/Job/properties/mode/x-enum-varnames"),
            Some("/components/schemas/Job/properties/flag/x-enum-varnames"),
        ],
        "{:#?}",
        generated.warnings
    );
    let warning = &generated.warnings[0];
    assert!(!warning.is_error());
    assert!(
        warning
            .message
            .contains("`x-enum-varnames` must be a list of strings, one per `enum` entry (2 here)"),
        "{warning}"
    );
    assert_eq!(warning.line_col, Some((34, 11)));
    assert!(warning
        .hint
        .as_deref()
        .is_some_and(|h| h.contains("one name per `enum` entry")));
    assert!(generated.warnings[1]
        .message
        .contains("one per `enum` entry (1 here)"));

    let types_rs = &generated.files["src/types.rs"];
    for needle in [
        "pub enum JobState {",
        "    Unknown(i64),",
        "            3 => Self::Unknown2,",
        "            -2 => Self::ValueMinus2,",
        "impl From<JobState> for i64 {",
        "serializer.serialize_i64(self.value())",
    ] {
        assert!(types_rs.contains(needle), "{needle}\n{types_rs}");
    }
}

/// Schemas nested far deeper than any real spec (found by `generator_fuzz.rs`): the model's
/// reader recursed past a 2 MiB thread stack from about 40 levels, and a mismatch at the
/// bottom cost twice as much per level (hours for this small document). Past 12 levels the
/// inner schema is typed as a JSON value, with a located warning.
#[test]
fn deeply_nested_schemas_become_json_values_with_a_warning() {
    use clientgen::ir::{TypeKind, TypeRef};

    // 60 levels of `items`, with a string where the innermost schema should be.
    let mut schema = "'not a schema'".to_owned();
    for _ in 0..60 {
        schema = format!("{{ type: array, items: {schema} }}");
    }
    let spec = format!(
        "openapi: 3.0.3\ninfo: {{ title: T, version: '1' }}\npaths: {{}}\ncomponents:\n  schemas:\n    Deep:\n      {schema}\n"
    );
    let generated =
        generate(&spec, "deep.yaml", &Settings::new("deep")).unwrap_or_else(|p| panic!("{p:#?}"));
    // The string at the bottom is first replaced by any JSON value (the structural check), then
    // everything below level 12 is.
    let [repaired, warning] = generated.warnings.as_slice() else {
        panic!("{:#?}", generated.warnings)
    };
    assert!(
        repaired.message.contains("not a schema object"),
        "{repaired}"
    );
    assert!(!warning.is_error());
    assert!(
        warning.message.contains("nested more than 12 schemas deep"),
        "{warning}"
    );
    let pointer = format!("/components/schemas/Deep{}", "/items".repeat(13));
    assert_eq!(warning.pointer.as_deref(), Some(pointer.as_str()));
    // Flow-style YAML is located at its deepest block key, `Deep:`.
    assert_eq!(warning.line_col, Some((6, 5)));
    let mut expected = TypeRef::Json;
    for _ in 0..13 {
        expected = TypeRef::Vec(Box::new(expected));
    }
    let deep = generated.api.types.iter().find(|def| def.name == "Deep");
    assert_eq!(deep.map(|def| &def.kind), Some(&TypeKind::Alias(expected)));
}

/// A document nested as deep as the YAML reader allows (128 levels; here callbacks within
/// callbacks, which the model reads with several frames per level) is read on the
/// generator's own large stack: on a test thread's 2 MiB it overflowed from 7 levels.
#[test]
fn documents_nested_as_deep_as_yaml_allows_do_not_overflow_the_stack() {
    let nested = |levels: usize| {
        let mut operation = "{ responses: { '200': { description: ok } } }".to_owned();
        for _ in 0..levels {
            operation = format!(
                "{{ callbacks: {{ hook: {{ '{{$request.body#/url}}': {{ post: {operation} }} }} }}, responses: {{ '200': {{ description: ok }} }} }}"
            );
        }
        format!(
            "openapi: 3.0.3\ninfo: {{ title: T, version: '1' }}\npaths:\n  /a:\n    get: {operation}\n"
        )
    };
    let generated = generate(&nested(30), "deep.yaml", &Settings::new("deep"))
        .unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(generated.api.operations.len(), 1);

    // One level more is past the YAML reader's limit: an error with its line and column.
    let problems = generate(&nested(31), "deep.yaml", &Settings::new("deep"))
        .err()
        .unwrap_or_default();
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("recursion limit") && p.line_col.is_some()),
        "{problems:#?}"
    );
}

#[test]
fn a_schema_ref_to_a_whole_response_uses_the_responses_schema_with_a_warning() {
    let spec = r##"
openapi: 3.1.0
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: string}
        "404":
          description: missing
          content:
            application/json:
              schema:
                $ref: '#/components/responses/NotFound'
components:
  responses:
    NotFound:
      description: missing
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Error'
  schemas:
    Error:
      type: object
      properties:
        message: {type: string}
"##;
    let (api, warnings) = clientgen::lower(spec, "t.yaml").expect("lowers");
    assert_eq!(
        api.operations[0].error,
        clientgen::ir::ErrorType::Json(clientgen::ir::TypeRef::Named("Error".into()))
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0]
        .message
        .contains("names a response, not a schema"));
    assert_eq!(
        warnings[0].pointer.as_deref(),
        Some("/paths/~1a/get/responses/404/content/application~1json/schema")
    );
    assert!(warnings[0].line_col.is_some());
}

/// `openapiv3` panics ("somehow this parsed successfully the second time") on a schema whose
/// bound is not a finite number (`maximum: .inf`): the number fails the model, becomes `null`
/// in its retry, and then fits. The structural check drops the keyword first, with a warning.
#[test]
fn a_non_finite_bound_is_dropped_before_the_model_can_panic_on_it() {
    let spec = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\npaths: {}\ncomponents:\n  schemas:\n    Ratio:\n      type: number\n      maximum: .inf\n      minLength: .nan\n";
    let generated =
        generate(spec, "t.yaml", &Settings::new("t")).unwrap_or_else(|p| panic!("{p:#?}"));
    let pointers: Vec<Option<&str>> = generated
        .warnings
        .iter()
        .map(|w| w.pointer.as_deref())
        .collect();
    assert_eq!(
        pointers,
        [
            Some("/components/schemas/Ratio/maximum"),
            Some("/components/schemas/Ratio/minLength"),
        ]
    );
}

#[test]
fn json_is_parsed_as_json_and_a_surrogate_pair_reaches_the_docs_intact() {
    let spec = r##"{
  "openapi": "3.0.3",
  "info": {"title": "T", "version": "1"},
  "paths": {},
  "components": {"schemas": {"Like": {
    "type": "object",
    "description": "A thumbs up: \ud83d\udc4d",
    "properties": {"id": {"type": "string"}}
  }}}
}"##;
    let generated =
        generate(spec, "t.json", &Settings::new("t")).unwrap_or_else(|p| panic!("{p:#?}"));
    assert!(generated.files["src/types.rs"].contains("/// A thumbs up: \u{1f44d}"));
}

#[test]
fn bounds_beyond_64_bits_are_dropped_with_a_warning_from_yaml_and_json() {
    let yaml = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        n:\n          type: integer\n          minimum: -9223372036854776000\n          maximum: 99999999999999999999\n        x:\n          type: number\n          maximum: 99999999999999999999\n";
    let json = r#"{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {},
"components": {"schemas": {"A": {"type": "object", "properties": {
"n": {"type": "integer", "minimum": -9223372036854776000, "maximum": 99999999999999999999},
"x": {"type": "number", "maximum": 99999999999999999999}}}}}}"#;
    for (spec, file) in [(yaml, "t.yaml"), (json, "t.json")] {
        let generated =
            generate(spec, file, &Settings::new("t")).unwrap_or_else(|p| panic!("{p:#?}"));
        let pointers: Vec<_> = generated
            .warnings
            .iter()
            .filter_map(|w| w.pointer.as_deref())
            .collect();
        assert_eq!(
            pointers,
            [
                "/components/schemas/A/properties/n/minimum",
                "/components/schemas/A/properties/n/maximum"
            ],
            "{file}"
        );
        let types = &generated.files["src/types.rs"];
        assert!(types.contains("pub n: Option<i64>"), "{types}");
        assert!(types.contains("pub x: Option<f64>"), "{types}");
    }
}

#[test]
fn a_ref_in_examples_defaults_enums_and_extensions_is_data_and_a_property_may_be_named_ref() {
    let spec = r##"openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /things:
    get:
      x-sample: {$ref: '#/not/a/target'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
              example: {$ref: '#/not/a/target'}
              examples:
                one:
                  value: {$ref: '#/not/a/target'}
components:
  schemas:
    Thing:
      type: object
      default: {$ref: '#/not/a/target'}
      const: {$ref: '#/not/a/target'}
      x-note: {$ref: '#/not/a/target'}
      properties:
        $ref: {type: string, example: '#/x'}
        payload:
          enum: [{$ref: '#/not/a/target'}]
"##;
    let generated =
        generate(spec, "t.yaml", &Settings::new("t")).unwrap_or_else(|p| panic!("{p:#?}"));
    let types = &generated.files["src/types.rs"];
    assert!(types.contains("#[serde(rename = \"$ref\")]"), "{types}");
    assert!(types.contains("pub r#ref: Option<String>"), "{types}");
}

#[test]
fn an_inline_schema_with_a_components_shape_is_that_component() {
    let spec = r#"
openapi: 3.0.3
info: { title: Shapes, version: "1" }
paths:
  /places:
    post:
      operationId: createPlace
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                address:
                  description: Where it is (a copy of Address, with its own words).
                  type: object
                  properties:
                    city: { type: string, description: The town. }
                    zip: { type: string }
                nearby:
                  type: object
                  properties:
                    city: { type: string }
                    zip: { type: integer }
      responses:
        "204": { description: Created }
components:
  schemas:
    Address:
      type: object
      properties:
        city: { type: string }
        zip: { type: string }
    Postal:
      type: object
      properties:
        city: { type: string }
        zip: { type: string }
"#;
    let generated = generate(spec, "shapes.yaml", &Settings::new("shapes-client"))
        .unwrap_or_else(|p| panic!("{p:#?}"));
    let names: Vec<&str> = generated
        .api
        .types
        .iter()
        .map(|def| def.name.as_str())
        .collect();
    // `address` is `Address` (docs aside, one shape); `nearby` differs (an integer zip) and
    // keeps a type of its own; `Postal` is a component too and keeps its name.
    assert_eq!(
        names,
        [
            "Address",
            "CreatePlaceRequest",
            "CreatePlaceRequestNearby",
            "Postal"
        ]
    );
    let types = &generated.files["src/types.rs"];
    assert!(types.contains("pub address: Option<Address>"), "{types}");
}
