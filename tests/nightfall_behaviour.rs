//! Behaviour tests of the generated Nightfall Workflow DLP client (`nightfall-client`) against
//! a wiremock server on 127.0.0.1 (nothing here reaches the internet).
//!
//! * Every one of the 8 operations is called once against a mock that matches its exact
//!   method, path, query parameters or JSON body and the `Authorization: Bearer` header, and
//!   must be hit exactly once (`expect(1)`). Responses are the spec's example for the
//!   operation (every field present); the decoded value is re-encoded and compared with the
//!   JSON that was sent, so nothing is lost. The list operations are called with every
//!   optional query parameter set, and the request must carry exactly those.
//! * Token pagination (`pageToken` → `nextPageToken`) on the three list operations: three
//!   pages each, the first without `pageToken`, the next ones with the previous page's
//!   `nextPageToken`, the caller's other parameters on every page, no request after the page
//!   without `nextPageToken`.
//! * Every sample of the page (each operation's request body and 200 response `example` in
//!   `specs/nightfall/openapi.yaml`, 9 in all) decodes into the generated type and re-encodes
//!   to the same JSON.
//! * Forward compatibility: unknown enum values are kept in `Unknown(..)` and re-encoded as
//!   sent; unknown response fields are ignored. Every integration the page names decodes
//!   into its own `Integration` variant; the fields the page shows a single sample value for
//!   (`risk`, `riskSource`, an annotation's `type`, an API key's `status` and `kind`) are
//!   open strings that take any value.
//! * Errors: a 401 with a JSON body is `Error::Api` with status 401 and the body.

use std::collections::BTreeSet;

use clientgen_tests::{reply, round_trip};
use futures::TryStreamExt;
use nightfall_client::types::{
    Action, AnnotateFindingRequest, Annotation, FindingList, Integration, TakeActionRequest,
    TakeActionResponse, Violation, ViolationList, ViolationSort, ViolationState,
};
use nightfall_client::{Client, Error};
use serde_json::{json, Value};
use wiremock::matchers::{query_param, query_param_is_missing};
use wiremock::{MockBuilder, MockServer, ResponseTemplate};

/// The bearer token every test client sends.
const TOKEN: &str = "nf-test-token";

const VIOLATION_ID: &str = "3f2b8c1e-7a4d-4e0f-9b6a-2c5d8e1f4a7b";
const FINDING_ID: &str = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const ANNOTATION_ID: &str = "123e4567-e89b-12d3-a456-426614174000";

/// A search query with quotes, spaces, `:`, `@`, parentheses and `&`: all must arrive intact.
const QUERY: &str = r#"state:(active OR pending) user_email:"ana@example.com" & slack"#;

/// Starts a mock server and a client that sends requests to it with the bearer token [`TOKEN`].
async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .build()
        .expect("a client for the mock server builds");
    (server, client)
}

/// A mock matching one `verb route` request with the bearer token [`TOKEN`].
fn on(verb: &str, route: &str) -> MockBuilder {
    clientgen_tests::on(verb, route, TOKEN)
}

/// Like [`on`], for a request that must carry a JSON body equal to `body`.
fn on_json(verb: &str, route: &str, body: Value) -> MockBuilder {
    clientgen_tests::on_json(verb, route, TOKEN, body)
}

/// Asserts that the only request `server` received carried exactly the query parameters
/// `expected` (decoded), nothing more.
async fn assert_query_is_exactly(server: &MockServer, expected: &[(&str, &str)]) {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "one request");
    let sent: BTreeSet<(String, String)> = requests[0]
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let expected: BTreeSet<(String, String)> = expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(sent, expected);
}

// ---------------------------------------------------------------------------------------------
// The spec and its samples
// ---------------------------------------------------------------------------------------------

/// `specs/nightfall/openapi.yaml`, parsed.
fn spec() -> serde_yaml::Value {
    let file = clientgen_tests::repo_root().join("specs/nightfall/openapi.yaml");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", file.display()));
    serde_yaml::from_str(&text).expect("the Nightfall spec is YAML")
}

/// Every operation of `spec`: its operationId and its operation object.
fn operations(spec: &serde_yaml::Value) -> Vec<(String, &serde_yaml::Value)> {
    const VERBS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let paths = spec["paths"].as_mapping().expect("the spec has paths");
    let mut found = Vec::new();
    for (route, item) in paths {
        for verb in VERBS {
            let operation = &item[verb];
            if operation.is_mapping() {
                let id = operation["operationId"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{verb} {route:?} has no operationId"));
                found.push((id.to_owned(), operation));
            }
        }
    }
    found
}

/// Every sample of a `content` object: each media type's `example` and the `value` of each of
/// its `examples`, as JSON.
fn samples(content: &serde_yaml::Value) -> Vec<Value> {
    let Some(media_types) = content.as_mapping() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for media in media_types.values() {
        if let Some(example) = media.get("example") {
            found.push(serde_json::to_value(example).unwrap());
        }
        if let Some(examples) = media.get("examples").and_then(|e| e.as_mapping()) {
            for example in examples.values() {
                found.push(serde_json::to_value(&example["value"]).unwrap());
            }
        }
    }
    found
}

/// The one example of the 200 response of `operation_id` in the spec.
fn response_example(operation_id: &str) -> Value {
    let spec = spec();
    let (_, operation) = operations(&spec)
        .into_iter()
        .find(|(id, _)| id == operation_id)
        .unwrap_or_else(|| panic!("no operation {operation_id} in the spec"));
    let mut found = samples(&operation["responses"]["200"]["content"]);
    assert_eq!(found.len(), 1, "{operation_id}: one 200 example");
    found.remove(0)
}

/// The one example of the request body of `operation_id` in the spec.
fn request_example(operation_id: &str) -> Value {
    let spec = spec();
    let (_, operation) = operations(&spec)
        .into_iter()
        .find(|(id, _)| id == operation_id)
        .unwrap_or_else(|| panic!("no operation {operation_id} in the spec"));
    let mut found = samples(&operation["requestBody"]["content"]);
    assert_eq!(found.len(), 1, "{operation_id}: one request body example");
    found.remove(0)
}

/// The spec's example violation (from `fetchViolation`) with the given id.
fn violation(id: &str) -> Value {
    let mut violation = response_example("fetchViolation");
    violation["id"] = json!(id);
    violation
}

/// The spec's example finding (from `fetchViolationFindings`) with the given id.
fn finding(id: &str) -> Value {
    let mut finding = response_example("fetchViolationFindings")["findings"][0].clone();
    finding["id"] = json!(id);
    finding
}

/// Where a sample sits in an operation.
#[derive(Debug, Clone, Copy)]
enum Place {
    RequestBody,
    Response200,
}

/// Decodes a sample of `operation_id` at `place` into the type the generated client uses
/// there, and re-encodes it.
fn round_trip_sample(operation_id: &str, place: Place, sample: &Value) -> Value {
    match (operation_id, place) {
        ("fetchViolations" | "searchViolations", Place::Response200) => {
            round_trip::<ViolationList>(sample)
        }
        ("fetchViolation", Place::Response200) => round_trip::<Violation>(sample),
        ("fetchViolationFindings", Place::Response200) => round_trip::<FindingList>(sample),
        ("takeActionOnViolations", Place::RequestBody) => round_trip::<TakeActionRequest>(sample),
        ("takeActionOnViolations", Place::Response200) => round_trip::<TakeActionResponse>(sample),
        ("fetchAnnotation" | "annotateFinding", Place::Response200) => {
            round_trip::<Annotation>(sample)
        }
        ("annotateFinding", Place::RequestBody) => round_trip::<AnnotateFindingRequest>(sample),
        (other, place) => panic!(
            "{other} has a {place:?} sample, but this test does not know its type: add it here"
        ),
    }
}

#[test]
fn every_sample_of_the_page_round_trips_through_the_generated_types() {
    let spec = spec();
    let operations = operations(&spec);

    let ids: BTreeSet<&str> = operations.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        BTreeSet::from([
            "annotateFinding",
            "fetchAnnotation",
            "fetchViolation",
            "fetchViolationFindings",
            "fetchViolations",
            "removeFindingAnnotation",
            "searchViolations",
            "takeActionOnViolations",
        ])
    );

    let mut checked = 0;
    for (id, operation) in &operations {
        let places = [
            (Place::RequestBody, &operation["requestBody"]["content"]),
            (
                Place::Response200,
                &operation["responses"]["200"]["content"],
            ),
        ];
        for (place, content) in places {
            for sample in samples(content) {
                let again = round_trip_sample(id, place, &sample);
                assert_eq!(again, sample, "{id} {place:?}: the sample changed");
                checked += 1;
            }
        }
    }

    // 7 responses (every operation but removeFindingAnnotation, which answers no body) and
    // 2 request bodies (takeActionOnViolations, annotateFinding).
    assert_eq!(checked, 9, "samples checked");
}

// ---------------------------------------------------------------------------------------------
// Every operation
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn fetch_violations_sends_every_query_parameter_and_decodes_the_example() {
    let (server, client) = setup().await;
    let body = response_example("fetchViolations");
    let mock = on("GET", "/dlp/v1/violations")
        .and(query_param("createdAfter", "1717200000"))
        .and(query_param("createdBefore", "1719791999"))
        .and(query_param("updatedAfter", "1718000000"))
        .and(query_param("limit", "25"))
        .and(query_param("pageToken", "tok/2+=="));
    reply(&server, mock, 200, &body).await;

    let list = client
        .fetch_violations()
        .created_after(1_717_200_000)
        .created_before(1_719_791_999)
        .updated_after(1_718_000_000)
        .limit(25)
        .page_token("tok/2+==")
        .send()
        .await
        .unwrap();

    assert_eq!(list.next_page_token.as_deref(), Some("text"));
    let violations = list.violations.as_deref().unwrap();
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].integration, Some(Integration::Slack));
    assert_eq!(violations[0].state, Some(ViolationState::Active));
    assert_eq!(
        violations[0].possible_actions.as_deref(),
        Some([Action::Acknowledge].as_slice())
    );
    assert_eq!(serde_json::to_value(&list).unwrap(), body);
    assert_query_is_exactly(
        &server,
        &[
            ("createdAfter", "1717200000"),
            ("createdBefore", "1719791999"),
            ("updatedAfter", "1718000000"),
            ("limit", "25"),
            ("pageToken", "tok/2+=="),
        ],
    )
    .await;
}

#[tokio::test]
async fn fetch_violation_puts_the_id_in_the_path_and_decodes_the_example() {
    let (server, client) = setup().await;
    let body = response_example("fetchViolation");
    reply(
        &server,
        on("GET", &format!("/dlp/v1/violations/{VIOLATION_ID}")),
        200,
        &body,
    )
    .await;

    let violation = client
        .fetch_violation(VIOLATION_ID.parse().unwrap())
        .send()
        .await
        .unwrap();

    assert_eq!(violation.id.as_deref(), Some("text"));
    assert_eq!(violation.risk.as_deref(), Some("UNSPECIFIED"));
    assert_eq!(violation.risk_source.as_deref(), Some("NIGHTFALL"));
    let metadata = violation.metadata.as_ref().unwrap();
    assert!(metadata.slack_metadata.is_some() && metadata.inline_email_metadata.is_some());
    assert_eq!(serde_json::to_value(&violation).unwrap(), body);
    assert_query_is_exactly(&server, &[]).await;
}

#[tokio::test]
async fn search_violations_sends_the_query_and_every_optional_parameter() {
    let (server, client) = setup().await;
    let body = response_example("searchViolations");
    let mock = on("GET", "/dlp/v1/violations/search")
        .and(query_param("query", QUERY))
        .and(query_param("createdAfter", "1717200000"))
        .and(query_param("createdBefore", "1719791999"))
        .and(query_param("updatedAfter", "1718000000"))
        .and(query_param("limit", "10"))
        .and(query_param("pageToken", "tok-7"))
        .and(query_param("sort", "RISK_DESC"));
    reply(&server, mock, 200, &body).await;

    let list = client
        .search_violations(QUERY)
        .created_after(1_717_200_000)
        .created_before(1_719_791_999)
        .updated_after(1_718_000_000)
        .limit(10)
        .page_token("tok-7")
        .sort(ViolationSort::RiskDesc)
        .send()
        .await
        .unwrap();

    assert_eq!(serde_json::to_value(&list).unwrap(), body);
    assert_query_is_exactly(
        &server,
        &[
            ("query", QUERY),
            ("createdAfter", "1717200000"),
            ("createdBefore", "1719791999"),
            ("updatedAfter", "1718000000"),
            ("limit", "10"),
            ("pageToken", "tok-7"),
            ("sort", "RISK_DESC"),
        ],
    )
    .await;
}

#[tokio::test]
async fn search_violations_sends_only_the_query_when_nothing_else_is_set() {
    let (server, client) = setup().await;
    let body = response_example("searchViolations");
    reply(
        &server,
        on("GET", "/dlp/v1/violations/search").and(query_param("query", QUERY)),
        200,
        &body,
    )
    .await;

    let list = client.search_violations(QUERY).send().await.unwrap();

    assert_eq!(serde_json::to_value(&list).unwrap(), body);
    assert_query_is_exactly(&server, &[("query", QUERY)]).await;
}

#[tokio::test]
async fn fetch_violation_findings_sends_the_id_page_token_and_limit() {
    let (server, client) = setup().await;
    let body = response_example("fetchViolationFindings");
    let mock = on(
        "GET",
        &format!("/dlp/v1/violations/{VIOLATION_ID}/findings"),
    )
    .and(query_param("pageToken", "f-2"))
    .and(query_param("limit", "1000"));
    reply(&server, mock, 200, &body).await;

    let list = client
        .fetch_violation_findings(VIOLATION_ID.parse().unwrap())
        .page_token("f-2")
        .limit(1000)
        .send()
        .await
        .unwrap();

    let findings = list.findings.as_deref().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].redacted_sensitive_text.as_deref(), Some("text"));
    assert_eq!(serde_json::to_value(&list).unwrap(), body);
    assert_query_is_exactly(&server, &[("pageToken", "f-2"), ("limit", "1000")]).await;
}

#[tokio::test]
async fn take_action_on_violations_posts_the_example_body_and_decodes_the_example() {
    let (server, client) = setup().await;
    let request = request_example("takeActionOnViolations");
    let body = response_example("takeActionOnViolations");
    reply(
        &server,
        on_json("POST", "/dlp/v1/violations/actions", request),
        200,
        &body,
    )
    .await;

    let action = TakeActionRequest::new(vec![ANNOTATION_ID.parse().unwrap()], Action::Acknowledge);
    let response = client
        .take_action_on_violations(action)
        .send()
        .await
        .unwrap();

    assert_eq!(
        response.submitted,
        Some(vec![ANNOTATION_ID.parse().unwrap()])
    );
    assert_eq!(serde_json::to_value(&response).unwrap(), body);
}

#[tokio::test]
async fn fetch_annotation_puts_the_id_in_the_path_and_decodes_the_example() {
    let (server, client) = setup().await;
    let body = response_example("fetchAnnotation");
    reply(
        &server,
        on("GET", &format!("/dlp/v1/annotations/{ANNOTATION_ID}")),
        200,
        &body,
    )
    .await;

    let annotation = client
        .fetch_annotation(ANNOTATION_ID.parse().unwrap())
        .send()
        .await
        .unwrap();

    assert_eq!(annotation.id, Some(ANNOTATION_ID.parse().unwrap()));
    assert_eq!(
        annotation.r#type.as_deref(),
        Some("DETECTOR_FALSE_POSITIVE")
    );
    assert_eq!(annotation.comment.as_deref(), Some("text"));
    assert_eq!(annotation.auto_apply, Some(true));
    assert_eq!(serde_json::to_value(&annotation).unwrap(), body);
}

#[tokio::test]
async fn annotate_finding_posts_the_example_body_and_decodes_the_example() {
    let (server, client) = setup().await;
    let request = request_example("annotateFinding");
    let body = response_example("annotateFinding");
    reply(
        &server,
        on_json(
            "POST",
            &format!("/dlp/v1/findings/{FINDING_ID}/annotate"),
            request,
        ),
        200,
        &body,
    )
    .await;

    let mut annotate = AnnotateFindingRequest::new("DETECTOR_FALSE_POSITIVE".into());
    annotate.comment = Some("text".into());
    annotate.auto_apply = Some(true);
    let annotation = client
        .annotate_finding(FINDING_ID.parse().unwrap(), annotate)
        .send()
        .await
        .unwrap();

    assert_eq!(serde_json::to_value(&annotation).unwrap(), body);
}

#[tokio::test]
async fn remove_finding_annotation_posts_to_the_finding_without_a_body() {
    let (server, client) = setup().await;
    on("POST", &format!("/dlp/v1/findings/{FINDING_ID}/unannotate"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    client
        .remove_finding_annotation(FINDING_ID.parse().unwrap())
        .send()
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].body.is_empty(), "a body was sent");
    assert_eq!(requests[0].url.query(), None);
}

// ---------------------------------------------------------------------------------------------
// Token pagination (`x-pagination` style token: pageToken → nextPageToken)
// ---------------------------------------------------------------------------------------------

/// The page tokens of a three-page listing: the first request has none, the last page
/// answers none. Slashes, `+` and `=` (base64 cursors) must arrive intact.
const PAGE_TOKENS: [Option<&str>; 3] = [None, Some("cGFnZTI=/+"), Some("cGFnZTM=/+")];

/// Mounts the three pages of a listing on `mock()`: page `n` matches its `pageToken` (none
/// for the first), holds `pages[n]` and names the next page's token (none on the last).
async fn mount_pages(
    server: &MockServer,
    mock: impl Fn() -> MockBuilder,
    items_key: &str,
    pages: [Vec<Value>; 3],
) {
    for (n, items) in pages.into_iter().enumerate() {
        let mut body = json!({ items_key: items });
        if let Some(Some(next)) = PAGE_TOKENS.get(n + 1) {
            body["nextPageToken"] = json!(next);
        }
        let page = match PAGE_TOKENS[n] {
            Some(token) => mock().and(query_param("pageToken", token)),
            None => mock().and(query_param_is_missing("pageToken")),
        };
        reply(server, page, 200, &body).await;
    }
}

#[tokio::test]
async fn fetch_violations_items_follow_the_next_page_token_to_the_last_page() {
    let (server, client) = setup().await;
    mount_pages(
        &server,
        || {
            on("GET", "/dlp/v1/violations")
                .and(query_param("limit", "2"))
                .and(query_param("createdAfter", "1717200000"))
        },
        "violations",
        [
            vec![violation("v1"), violation("v2")],
            vec![violation("v3"), violation("v4")],
            vec![violation("v5")],
        ],
    )
    .await;

    let violations: Vec<Violation> = client
        .fetch_violations()
        .limit(2)
        .created_after(1_717_200_000)
        .items()
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<_> = violations.iter().filter_map(|v| v.id.as_deref()).collect();
    assert_eq!(ids, ["v1", "v2", "v3", "v4", "v5"]);
    assert_eq!(
        serde_json::to_value(&violations[4]).unwrap(),
        violation("v5")
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn search_violations_pages_keep_the_query_sort_and_limit_on_every_page() {
    let (server, client) = setup().await;
    mount_pages(
        &server,
        || {
            on("GET", "/dlp/v1/violations/search")
                .and(query_param("query", QUERY))
                .and(query_param("sort", "TIME_ASC"))
                .and(query_param("limit", "1"))
        },
        "violations",
        [
            vec![violation("s1")],
            vec![violation("s2")],
            vec![violation("s3")],
        ],
    )
    .await;

    let pages: Vec<ViolationList> = client
        .search_violations(QUERY)
        .sort(ViolationSort::TimeAsc)
        .limit(1)
        .pages()
        .try_collect()
        .await
        .unwrap();

    let tokens: Vec<_> = pages
        .iter()
        .map(|page| page.next_page_token.as_deref())
        .collect();
    assert_eq!(tokens, [PAGE_TOKENS[1], PAGE_TOKENS[2], None]);
    let ids: Vec<_> = pages
        .iter()
        .flat_map(|page| page.violations.as_deref().unwrap())
        .filter_map(|v| v.id.as_deref())
        .collect();
    assert_eq!(ids, ["s1", "s2", "s3"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn fetch_violation_findings_items_follow_the_next_page_token_to_the_last_page() {
    let (server, client) = setup().await;
    let route = format!("/dlp/v1/violations/{VIOLATION_ID}/findings");
    mount_pages(
        &server,
        || on("GET", &route).and(query_param("limit", "2")),
        "findings",
        [
            vec![finding("f1"), finding("f2")],
            vec![finding("f3"), finding("f4")],
            vec![finding("f5")],
        ],
    )
    .await;

    let findings: Vec<_> = client
        .fetch_violation_findings(VIOLATION_ID.parse().unwrap())
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<_> = findings.iter().filter_map(|f| f.id.as_deref()).collect();
    assert_eq!(ids, ["f1", "f2", "f3", "f4", "f5"]);
    assert_eq!(serde_json::to_value(&findings[0]).unwrap(), finding("f1"));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

// ---------------------------------------------------------------------------------------------
// Forward compatibility: unknown enum values and unknown fields
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn unknown_enum_values_in_a_violation_are_kept_and_re_encoded_as_sent() {
    let (server, client) = setup().await;
    let mut body = violation("v-new");
    body["integration"] = json!("GITLAB");
    body["possibleActions"] = json!(["ACKNOWLEDGE", "ESCALATE_TO_SOC"]);
    body["state"] = json!("RESOLVED");
    body["risk"] = json!("HIGH");
    reply(
        &server,
        on("GET", &format!("/dlp/v1/violations/{VIOLATION_ID}")),
        200,
        &body,
    )
    .await;

    let violation = client
        .fetch_violation(VIOLATION_ID.parse().unwrap())
        .send()
        .await
        .unwrap();

    assert_eq!(
        violation.integration,
        Some(Integration::Unknown("GITLAB".into()))
    );
    assert_eq!(
        violation.possible_actions,
        Some(vec![
            Action::Acknowledge,
            Action::Unknown("ESCALATE_TO_SOC".into())
        ])
    );
    assert_eq!(
        violation.state,
        Some(ViolationState::Unknown("RESOLVED".into()))
    );
    assert_eq!(violation.risk.as_deref(), Some("HIGH"));
    assert_eq!(serde_json::to_value(&violation).unwrap(), body);
}

#[test]
fn every_integration_the_page_names_decodes_into_its_variant_and_back() {
    let named = [
        ("SLACK", Integration::Slack),
        ("CONFLUENCE", Integration::Confluence),
        ("GDRIVE", Integration::Gdrive),
        ("JIRA", Integration::Jira),
        ("GITHUB", Integration::Github),
        ("SALESFORCE", Integration::Salesforce),
        ("ZENDESK", Integration::Zendesk),
        ("NOTION", Integration::Notion),
        ("BROWSER", Integration::Browser),
        ("M365_TEAMS", Integration::M365Teams),
        ("M365_ONEDRIVE", Integration::M365Onedrive),
        ("INLINE_EMAIL", Integration::InlineEmail),
    ];
    for (wire, variant) in named {
        let decoded: Integration = serde_json::from_value(json!(wire)).unwrap();
        assert_eq!(decoded, variant, "{wire}");
        assert_eq!(serde_json::to_value(&decoded).unwrap(), json!(wire));
    }
}

#[test]
fn fields_with_a_single_sample_value_take_any_string() {
    let mut sent = violation("v-open");
    sent["risk"] = json!("HIGH");
    sent["riskSource"] = json!("USER");
    let decoded: Violation = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(decoded.risk.as_deref(), Some("HIGH"));
    assert_eq!(decoded.risk_source.as_deref(), Some("USER"));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), sent);

    let sent = json!({ "id": ANNOTATION_ID, "type": "NOT_A_VIOLATION" });
    let decoded: Annotation = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(decoded.r#type.as_deref(), Some("NOT_A_VIOLATION"));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), sent);

    let sent = json!({ "findings": [{ "id": "f1", "metadata": { "apiKeyMetaData": { "status": "VERIFIED", "kind": "AWS" } } }] });
    let decoded: FindingList = serde_json::from_value(sent.clone()).unwrap();
    let key = decoded.findings.as_deref().unwrap()[0]
        .metadata
        .as_ref()
        .and_then(|m| m.api_key_meta_data.as_ref())
        .unwrap();
    assert_eq!(
        (key.status.as_deref(), key.kind.as_deref()),
        (Some("VERIFIED"), Some("AWS"))
    );
    assert_eq!(serde_json::to_value(&decoded).unwrap(), sent);
}

#[test]
fn an_unknown_action_decodes_into_unknown_and_encodes_to_the_same_string() {
    let action: Action = serde_json::from_value(json!("ESCALATE_TO_SOC")).unwrap();
    assert_eq!(action, Action::Unknown("ESCALATE_TO_SOC".into()));
    assert_eq!(
        serde_json::to_value(&action).unwrap(),
        json!("ESCALATE_TO_SOC")
    );

    let known: Action = serde_json::from_value(json!("RESTRICT_TO_OWNER")).unwrap();
    assert_eq!(known, Action::RestrictToOwner);
}

#[tokio::test]
async fn an_unknown_action_is_sent_as_given() {
    let (server, client) = setup().await;
    let request = json!({ "violationUUIDs": [VIOLATION_ID], "action": "ESCALATE_TO_SOC" });
    let body = json!({ "submitted": [VIOLATION_ID] });
    reply(
        &server,
        on_json("POST", "/dlp/v1/violations/actions", request),
        200,
        &body,
    )
    .await;

    let action = TakeActionRequest::new(
        vec![VIOLATION_ID.parse().unwrap()],
        Action::Unknown("ESCALATE_TO_SOC".into()),
    );
    let response = client
        .take_action_on_violations(action)
        .send()
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(&response).unwrap(), body);
}

#[tokio::test]
async fn unknown_response_fields_are_ignored() {
    let (server, client) = setup().await;
    let expected = response_example("fetchViolations");
    let mut body = expected.clone();
    body["totalCount"] = json!(1);
    body["violations"][0]["assignee"] = json!({ "email": "ana@example.com" });
    body["violations"][0]["metadata"]["gitlabMetadata"] = json!({ "project": "x" });
    body["violations"][0]["metadata"]["slackMetadata"]["threadTs"] = json!("1718000000.000100");
    reply(&server, on("GET", "/dlp/v1/violations"), 200, &body).await;

    let list = client.fetch_violations().send().await.unwrap();

    assert_eq!(serde_json::to_value(&list).unwrap(), expected);
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_401_with_a_json_body_is_an_api_error() {
    let (server, client) = setup().await;
    let body =
        json!({ "code": 40100, "message": "Unauthenticated", "description": "invalid API key" });
    reply(&server, on("GET", "/dlp/v1/violations"), 401, &body).await;

    let err = client.fetch_violations().send().await.unwrap_err();

    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 401);
    assert_eq!(api.body.as_ref(), Some(&body));
    assert_eq!(api.attempts, 1, "a 401 with a fixed token is not retried");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
}

// ---------------------------------------------------------------------------------------------
// The search query language (`x-query-language` on `query`)
// ---------------------------------------------------------------------------------------------

#[test]
fn the_query_builder_writes_the_pages_syntax_and_escapes_every_special_character() {
    use nightfall_client::query::{ViolationQuery, ViolationQueryField as Field};

    let query = ViolationQuery::new()
        .any_of(Field::State, ["active", "pending"])
        .is(Field::SlackChannelName, "general");
    assert_eq!(
        query.to_string(),
        "state:(active OR pending) slack.channel_name:general"
    );

    // The page: "a value like (1+1):2 should be searched for using \(1\+1)\:2".
    let query = ViolationQuery::new().is(Field::GithubCommit, "(1+1):2");
    assert_eq!(query.to_string(), r"github.commit:\(1\+1\)\:2");

    // A value that tries to close its quotes and add a clause stays one value.
    let query = ViolationQuery::new().is(Field::UserName, r#"Ada" OR state:active"#);
    assert_eq!(query.to_string(), r#"user_name:"Ada\" OR state\:active""#);
    assert_eq!(
        Field::OnedriveDriveOwnerEmail.as_str(),
        "onedrive.drive_owner_email"
    );
}

#[tokio::test]
async fn search_violations_sends_a_built_query_as_is() {
    use nightfall_client::query::{ViolationQuery, ViolationQueryField as Field};

    let (server, client) = setup().await;
    let query = ViolationQuery::new()
        .is(Field::UserEmail, "ana@example.com")
        .any_of(Field::State, ["active", "pending"])
        .is(Field::JiraProjectName, "Sec Ops [EU]");
    let sent = r#"user_email:ana@example.com state:(active OR pending) jira.project_name:"Sec Ops \[EU\]""#;
    reply(
        &server,
        on("GET", "/dlp/v1/violations/search").and(query_param("query", sent)),
        200,
        &response_example("searchViolations"),
    )
    .await;

    client.search_violations(query).send().await.unwrap();
}
