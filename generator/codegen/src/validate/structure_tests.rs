//! Tests of the structure walk.

use super::*;

/// Checks the document, then applies the repairs listed, as the front end does.
fn check(text: &str) -> (Vec<Diagnostic>, Value) {
    let mut document: Value = serde_yaml::from_str(text).unwrap_or(Value::Null);
    let mut checker = Checker::new("t.yaml", text);
    checker.document(&document);
    let (problems, repairs) = checker.into_parts();
    crate::front::repair::apply(&mut document, repairs);
    (problems, document)
}

fn errors(problems: &[Diagnostic]) -> Vec<(&str, &str)> {
    problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| (p.pointer.as_deref().unwrap_or(""), p.message.as_str()))
        .collect()
}

#[test]
fn every_missing_required_field_is_reported_at_its_object() {
    let (problems, _) = check(
        "openapi: 3.0.3\ninfo:\n  description: x\npaths:\n  /a:\n    get:\n      parameters:\n        - in: query\n          schema: {type: string}\n        - name: b\n          in: body\n          schema: {type: string}\n        - name: c\n          in: query\n    post:\n      responses:\n        '200': {}\n",
    );
    assert_eq!(
        errors(&problems),
        [
            ("/info", "`info` has no `title`"),
            ("/info", "`info` has no `version`"),
            ("/paths/~1a/get/parameters/0", "the parameter has no `name`"),
            (
                "/paths/~1a/get/parameters/1/in",
                "`in: body` is not a parameter location"
            ),
            (
                "/paths/~1a/get/parameters/2",
                "the parameter has neither `schema` nor `content`"
            ),
            ("/paths/~1a/get", "the operation has no `responses`"),
            (
                "/paths/~1a/post/responses/200",
                "the response has no `description`"
            ),
        ]
    );
    assert!(problems
        .iter()
        .all(|p| p.line_col.is_some() && p.hint.is_some()));
    assert_eq!(problems[2].line_col, Some((8, 9)));
}

#[test]
fn wrong_containers_are_errors_and_unread_elements_are_left_out_with_a_warning() {
    let (problems, document) = check(
        "openapi: 3.0.3\ninfo: {title: T, version: '1', license: {url: x}}\nservers: {url: x}\ntags: {a: 1}\npaths:\n  /a:\n    get:\n      parameters: {a: 1}\n      responses:\n        '200':\n          description: ok\n          headers: {X-Y: {description: y}}\n",
    );
    assert_eq!(
        errors(&problems),
        [
            ("/servers", "`servers` must be a list, but it is a map"),
            (
                "/paths/~1a/get/parameters",
                "`parameters` must be a list, but it is a map"
            ),
        ]
    );
    let warnings: Vec<&str> = problems
        .iter()
        .filter(|p| !p.is_error())
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(
        warnings,
        [
            "the licence has no `name`; `license` is left out, as the generated client does not use it",
            "`tags` must be a list, but it is a map; `tags` is left out, as the generated client does not use it",
            "the header has neither `schema` nor `content`; `headers` is left out, as the generated client does not use it",
        ]
    );
    assert!(document["info"].get("license").is_none());
    assert!(document["paths"]["/a"]["get"]["responses"]["200"]
        .get("headers")
        .is_none());
}

#[test]
fn numbers_where_names_and_versions_belong_are_read_as_text() {
    let (problems, document) = check(
        "openapi: 3.0.3\ninfo: {title: T, version: 1.0}\npaths: {}\ncomponents:\n  schemas:\n    200: {type: string}\n",
    );
    assert!(problems.iter().all(|p| !p.is_error()), "{problems:#?}");
    assert_eq!(problems.len(), 2);
    assert_eq!(document["info"]["version"], Value::from("1.0"));
    assert!(document["components"]["schemas"].get("200").is_some());
}

#[test]
fn dropped_paths_responses_and_webhooks_are_warnings() {
    let (problems, _) = check(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\nwebhooks:\n  a: {}\n  b: {}\npaths:\n  users:\n    get: {responses: {'200': {description: ok}}}\n  /a:\n    get:\n      responses:\n        success: {description: ok}\n        2XX: {description: ok}\n        x-note: 1\n",
    );
    let found: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.pointer.as_deref().unwrap_or(""), p.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("/paths/users", "`users` is not a path (paths start with `/`); its operations are not generated"),
            ("/paths/~1a/get/responses/success", "`success` is not a status code; this response is ignored"),
            ("/webhooks", "`webhooks` lists 2 webhooks, which are not generated: a client only makes requests, and webhooks are requests the API makes"),
        ]
    );
    assert!(problems.iter().all(|p| !p.is_error()));
}

#[test]
fn security_schemes_are_checked_by_type() {
    let (problems, _) = check(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  securitySchemes:\n    a: {type: apiKey, in: body}\n    b: {type: mutualTLS}\n    c: {type: oauth2, flows: {clientCredentials: {scopes: {}}}}\n",
    );
    assert_eq!(
        errors(&problems),
        [
            (
                "/components/securitySchemes/a/in",
                "`in: body` is not one of `query`, `header` or `cookie`"
            ),
            (
                "/components/securitySchemes/a",
                "the security scheme has no `name`"
            ),
            (
                "/components/securitySchemes/b/type",
                "`type: mutualTLS` is not a security scheme type clientgen reads"
            ),
            (
                "/components/securitySchemes/c/flows/clientCredentials",
                "the OAuth 2 flow has no `tokenUrl`"
            ),
        ]
    );
}

#[test]
fn status_codes_as_the_model_reads_them() {
    for good in ["200", "4XX", "2xx", "999"] {
        assert!(is_status(&Value::from(good)), "{good}");
    }
    assert!(is_status(&Value::from(404)));
    for bad in ["success", "20", "2000", "099", "X00"] {
        assert!(!is_status(&Value::from(bad)), "{bad}");
    }
}
