//! Behaviour tests of the generated IBM Cloud Security and Compliance Center Workload
//! Protection (Sysdig Secure) client (`sysdig-client`) against a wiremock server on 127.0.0.1
//! (nothing here reaches the internet).
//!
//! * One test or more per section (tag) of the spec: CSPM, Reporting, Network topology,
//!   Network security, Captures, Scanning, Secure events, Activity audit, Events forwarding,
//!   Profiling, Falco lists, Falco rules files, Policies, Falco rules, Falco macros, Policy
//!   tuner, Ticketing and Cloud accounts. Each calls an operation with its required arguments
//!   and optional setters against a mock that matches the exact method, path, query
//!   parameters, JSON body, `Authorization: Bearer`, `IBMInstanceID` and `Account` headers
//!   (and `TeamID` where the client sets it), must be hit exactly once (`expect(1)`), and checks
//!   the decoded result: typed where the operation returns a type, `serde_json::Value`
//!   equality where it is untyped. Where optional parameters are set, the request must carry
//!   exactly those query parameters, nothing more.
//! * Pagination:
//!   - page numbers (CSPM `pageNumber`/`pageSize`, items at `/data`): three pages, a short
//!     last page ends the list, each request's `pageNumber` checked;
//!   - cursors from `page.prev` (secure events, activity audit): the first request carries
//!     `from`/`to` (nanosecond `i64`s, sent exactly) and no `cursor`, later ones the previous
//!     page's `page.prev` and no `from`/`to`, `limit` and the filters on every page, no
//!     request after the page without `page.prev`;
//!   - cursors from `responseMetadata.next_cursor` (scanning alerts): three pages, the list
//!     ends at an empty and at an absent `next_cursor`.
//! * Downloads: `download_report` offers `text/csv`, `application/json` and `application/pdf`
//!   and asks for exactly one: `text/csv` by default (the CSV body returned byte for byte),
//!   `application/pdf` after `.accept(DownloadReportAccept::ApplicationPdf)` (the PDF bytes
//!   returned as sent, whole and as a stream).
//! * Samples: every object or array `example` of a response in
//!   `specs/sysdig/openapi.yaml` (4: activity audit summary and events forwarding) decodes
//!   into the operation's generated type, through the client and directly, and re-encodes to
//!   the same JSON; a `SecureEvent` with every field of its schema does the same.
//! * Typed responses: the shapes the page states in words (cluster and namespace names, label
//!   keys, the owners map, the list of forwarding integrations, the number of captures
//!   deleted) decode through the client; the shapes taken from Sysdig's own code (its SDK's
//!   falco rules files, policy evaluation, profiles, scanning policies, exception lists and
//!   alerts; its Terraform provider's rules, macros, policies and cloud accounts) decode through
//!   the client or round-trip through their types unchanged.
//! * Empty bodies and errors: an untyped delete answered with an empty 204 or 200 returns
//!   `Value::Null`; a policy delete (200 with the deleted policy, or 204) returns
//!   `Option<SecurityPolicy>`, `None` for an empty 204; a 404 with a JSON body is
//!   `Error::Api` with status 404 and that body.
//! * The builder: `.region(..)` fills the server URL (default `us-south`), refuses an empty
//!   value or one with `/`; `IBMInstanceID` and `Account` are required, sent once on every
//!   request, and a value with a line break is refused; `TeamID` is sent only when set.

use clientgen_tests::{reply, round_trip};
use futures::TryStreamExt;
use serde_json::{json, Value};
use sysdig_client::types::{
    ActivityAuditEventType, ActivityAuditPage, ActivityAuditSummary, CaptureProduct,
    CloudAccountComponentType, DownloadReportAccept, EventsForwardingIntegration, FalcoList,
    FalcoListItems, GetImageVulnsComparisonStatus, ListCapturesOrder, ListCapturesSort,
    ListProfileGroupProfilesSortBy, ListProfileGroupProfilesStatusItem,
    ListRuleSummariesPolicyType, ListSecureEventsSpecialCategories, NetworkTopologyKind,
    ReportDomain, ReportType, ScanningAlert, ScanningAlertList, SecureEvent, SecureEventsPage,
    SortMethod, VulnerabilitySortBy, VulnerabilityType,
};
use sysdig_client::{BuildError, Bytes, Client, Error, DEFAULT_BASE_URL};
use wiremock::matchers::{body_json, header, query_param, query_param_is_missing};
use wiremock::{MockBuilder, MockServer, ResponseTemplate};

/// The IAM bearer token every test client sends.
const TOKEN: &str = "iam-test-token";

/// The `IBMInstanceID` every test client sends.
const INSTANCE: &str = "a1b2c3d4-e5f6-4789-8abc-def012345678";

/// The IBM Cloud account ID every test client sends as the `Account` header.
const ACCOUNT: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// The `TeamID` sent by the clients of [`setup_with_team`].
const TEAM: &str = "team-2f9c";

/// 2019-01-01T00:00:00Z and a day later, in nanoseconds: beyond 2^53, so a float on the way
/// would change them.
const FROM_NS: i64 = 1_546_300_800_000_000_000;
const TO_NS: i64 = 1_546_387_200_000_000_000;

/// Starts a mock server and a client that sends requests to it with [`TOKEN`] and
/// [`INSTANCE`] (and no team).
async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .ibm_instance_id(INSTANCE)
        .account(ACCOUNT)
        .build()
        .expect("a client for the mock server builds");
    (server, client)
}

/// Like [`setup`], with `.team_id(TEAM)`.
async fn setup_with_team() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .ibm_instance_id(INSTANCE)
        .account(ACCOUNT)
        .team_id(TEAM)
        .build()
        .expect("a client for the mock server builds");
    (server, client)
}

/// A mock matching one `verb route` request with the bearer token [`TOKEN`], the
/// `IBMInstanceID` header [`INSTANCE`] and the `Account` header [`ACCOUNT`].
fn on(verb: &str, route: &str) -> MockBuilder {
    clientgen_tests::on(verb, route, TOKEN)
        .and(header("IBMInstanceID", INSTANCE))
        .and(header("Account", ACCOUNT))
}

/// Like [`on`], also requiring the `TeamID` header [`TEAM`].
fn on_team(verb: &str, route: &str) -> MockBuilder {
    on(verb, route).and(header("TeamID", TEAM))
}

/// Like [`on`], for a request that must carry a JSON body equal to `body`.
fn on_json(verb: &str, route: &str, body: Value) -> MockBuilder {
    on(verb, route)
        .and(header("content-type", "application/json"))
        .and(body_json(body))
}

/// The query parameters of `request`, decoded and sorted (repeated names kept).
fn query_of(request: &wiremock::Request) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// `expected` as [`query_of`] would give it.
fn sorted(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// Every request `server` received, in order.
async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("recording is on")
}

/// Asserts that `server` received exactly one request and that it carried exactly the query
/// parameters `expected` (decoded), nothing more.
async fn assert_query_is_exactly(server: &MockServer, expected: &[(&str, &str)]) {
    let requests = received(server).await;
    assert_eq!(requests.len(), 1, "one request");
    assert_eq!(query_of(&requests[0]), sorted(expected));
}

/// The value of the header `name` of `request`, if it has one.
fn header_of<'r>(request: &'r wiremock::Request, name: &str) -> Option<&'r str> {
    request
        .headers
        .get(name)
        .map(|value| value.to_str().expect("a text header"))
}

// ---------------------------------------------------------------------------------------------
// The builder
// ---------------------------------------------------------------------------------------------

#[test]
fn region_eu_de_sends_requests_to_the_eu_de_server() {
    let client = Client::builder()
        .region("eu-de")
        .bearer_token(TOKEN)
        .ibm_instance_id(INSTANCE)
        .account(ACCOUNT)
        .build()
        .unwrap();
    assert_eq!(
        client.base_url(),
        "https://eu-de.security-compliance-secure.cloud.ibm.com"
    );
}

#[test]
fn without_region_or_base_url_requests_go_to_us_south() {
    let client = Client::builder()
        .bearer_token(TOKEN)
        .ibm_instance_id(INSTANCE)
        .account(ACCOUNT)
        .build()
        .unwrap();
    assert_eq!(
        client.base_url(),
        "https://us-south.security-compliance-secure.cloud.ibm.com"
    );
    assert_eq!(DEFAULT_BASE_URL, client.base_url());
}

#[test]
fn a_region_with_a_slash_or_an_empty_region_fails_to_build() {
    for bad in ["eu/de", ""] {
        let err = Client::builder()
            .region(bad)
            .bearer_token(TOKEN)
            .ibm_instance_id(INSTANCE)
            .account(ACCOUNT)
            .build()
            .unwrap_err();
        match &err {
            BuildError::InvalidServerVariable {
                method,
                variable,
                value,
                ..
            } => {
                assert_eq!(*method, "region");
                assert_eq!(*variable, "region");
                assert_eq!(value, bad);
            }
            other => panic!("{bad:?}: expected InvalidServerVariable, got {other:?}"),
        }
    }
}

#[test]
fn a_builder_without_ibm_instance_id_fails_naming_the_header() {
    let err = Client::builder()
        .region("us-south")
        .bearer_token(TOKEN)
        .account(ACCOUNT)
        .team_id(TEAM)
        .build()
        .unwrap_err();
    match &err {
        BuildError::MissingSetting { method, header } => {
            assert_eq!(*header, "IBMInstanceID");
            assert_eq!(*method, "ibm_instance_id");
        }
        other => panic!("expected MissingSetting, got {other:?}"),
    }
    assert!(err.to_string().contains("IBMInstanceID"), "{err}");
}

#[test]
fn a_builder_without_account_fails_naming_the_header() {
    let err = Client::builder()
        .region("us-south")
        .bearer_token(TOKEN)
        .ibm_instance_id(INSTANCE)
        .team_id(TEAM)
        .build()
        .unwrap_err();
    match &err {
        BuildError::MissingSetting { method, header } => {
            assert_eq!(*header, "Account");
            assert_eq!(*method, "account");
        }
        other => panic!("expected MissingSetting, got {other:?}"),
    }
    assert!(err.to_string().contains("Account"), "{err}");
}

#[test]
fn an_account_with_a_line_break_fails_to_build() {
    let err = Client::builder()
        .bearer_token(TOKEN)
        .ibm_instance_id(INSTANCE)
        .account("acc\r\nX-Injected: 1")
        .build()
        .unwrap_err();
    match &err {
        BuildError::InvalidSetting { method, header, .. } => {
            assert_eq!(*header, "Account");
            assert_eq!(*method, "account");
        }
        other => panic!("expected InvalidSetting, got {other:?}"),
    }
}

#[tokio::test]
async fn account_is_sent_once_as_the_account_header_of_every_request() {
    let (server, client) = setup_with_team().await;
    reply(
        &server,
        on_team("GET", "/api/v1/networkTopology/status"),
        200,
        &json!({}),
    )
    .await;
    reply(
        &server,
        on_team("POST", "/api/v1/secure/policyTuner/enable"),
        200,
        &json!({}),
    )
    .await;
    reply(
        &server,
        on_team("DELETE", "/api/v2/policies/7"),
        200,
        &json!({ "id": 7 }),
    )
    .await;

    client.get_network_topology_status().send().await.unwrap();
    client.enable_policy_tuner().send().await.unwrap();
    client.delete_security_policy("7").send().await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    for request in &requests {
        let values: Vec<&str> = request
            .headers
            .get_all("Account")
            .iter()
            .map(|value| value.to_str().expect("a text header"))
            .collect();
        assert_eq!(values, [ACCOUNT], "{} {}", request.method, request.url);
        assert_eq!(header_of(request, "IBMInstanceID"), Some(INSTANCE));
        assert_eq!(header_of(request, "TeamID"), Some(TEAM));
    }
}

#[tokio::test]
async fn team_id_is_sent_as_the_team_id_header() {
    let (server, client) = setup_with_team().await;
    let body = json!({ "status": "ok" });
    reply(
        &server,
        on_team("GET", "/api/v1/networkTopology/status"),
        200,
        &body,
    )
    .await;

    let status = client.get_network_topology_status().send().await.unwrap();

    assert_eq!(status, body);
    let requests = received(&server).await;
    assert_eq!(header_of(&requests[0], "TeamID"), Some(TEAM));
    assert_eq!(header_of(&requests[0], "IBMInstanceID"), Some(INSTANCE));
}

#[tokio::test]
async fn no_team_id_header_is_sent_without_team_id() {
    let (server, client) = setup().await;
    let body = json!({ "status": "ok" });
    reply(
        &server,
        on("GET", "/api/v1/networkSecurity/status"),
        200,
        &body,
    )
    .await;

    let status = client.get_network_security_status().send().await.unwrap();

    assert_eq!(status, body);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(header_of(&requests[0], "TeamID"), None);
    assert_eq!(
        header_of(&requests[0], "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

// ---------------------------------------------------------------------------------------------
// CSPM
// ---------------------------------------------------------------------------------------------

/// A filter with quotes, spaces, `=` and parentheses: it must arrive intact.
const CSPM_FILTER: &str = r#"pass=false and policy.name in ("CIS Docker Benchmark")"#;

#[tokio::test]
async fn cspm_compliance_results_items_follow_page_numbers_to_a_short_last_page() {
    let (server, client) = setup().await;
    let pages = [
        vec![json!({ "id": "r1" }), json!({ "id": "r2" })],
        vec![json!({ "id": "r3" }), json!({ "id": "r4" })],
        vec![json!({ "id": "r5" })],
    ];
    for (n, data) in pages.into_iter().enumerate() {
        let number = (n + 1).to_string();
        let mock = on("GET", "/api/cspm/v1/compliance/requirements")
            .and(query_param("filter", CSPM_FILTER))
            .and(query_param("pageSize", "2"))
            .and(query_param("pageNumber", number.as_str()));
        reply(
            &server,
            mock,
            200,
            &json!({ "data": data, "totalCount": 5 }),
        )
        .await;
    }

    let items: Vec<Value> = client
        .list_compliance_results()
        .filter(CSPM_FILTER)
        .page_number(1)
        .page_size(2)
        .items()
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<&str> = items
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["r1", "r2", "r3", "r4", "r5"]);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3, "no request after the short page");
    for (n, request) in requests.iter().enumerate() {
        let number = (n + 1).to_string();
        assert_eq!(
            query_of(request),
            sorted(&[
                ("filter", CSPM_FILTER),
                ("pageNumber", number.as_str()),
                ("pageSize", "2"),
            ]),
            "page {number}"
        );
    }
}

#[tokio::test]
async fn cspm_controls_pages_without_a_page_number_start_at_the_servers_first_page() {
    let (server, client) = setup().await;
    let first = on("GET", "/api/cspm/v1/policy/controls/search")
        .and(query_param("pageSize", "2"))
        .and(query_param_is_missing("pageNumber"));
    reply(
        &server,
        first,
        200,
        &json!({ "data": [{ "id": 1 }, { "id": 2 }] }),
    )
    .await;
    let second = on("GET", "/api/cspm/v1/policy/controls/search")
        .and(query_param("pageSize", "2"))
        .and(query_param("pageNumber", "2"));
    reply(&server, second, 200, &json!({ "data": [] })).await;

    let pages: Vec<Value> = client
        .list_cspm_controls()
        .page_size(2)
        .pages()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(
        pages,
        [
            json!({ "data": [{ "id": 1 }, { "id": 2 }] }),
            json!({ "data": [] })
        ]
    );
}

#[tokio::test]
async fn cspm_get_inventory_resource_sends_the_id_fields_and_team() {
    let (server, client) = setup_with_team().await;
    let body = json!({
        "hash": "62e348b71acd7be14a4bdfcc",
        "name": "kube-proxy",
        "platform": "Kubernetes",
        "posturecontrolsummary": [{ "name": "Privileged", "failedControls": 1 }]
    });
    let mock = on_team(
        "GET",
        "/api/cspm/v1/inventory/resources/62e348b71acd7be14a4bdfcc",
    )
    .and(query_param("fields", "name,platform,posturecontrolsummary"));
    reply(&server, mock, 200, &body).await;

    let resource = client
        .get_inventory_resource("62e348b71acd7be14a4bdfcc")
        .fields("name,platform,posturecontrolsummary")
        .send()
        .await
        .unwrap();

    assert_eq!(resource, body);
    assert_query_is_exactly(
        &server,
        &[("fields", "name,platform,posturecontrolsummary")],
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------------

/// The values of the `Accept` headers of `request`: one each.
fn accept_headers(request: &wiremock::Request) -> Vec<&str> {
    request
        .headers
        .get_all("accept")
        .iter()
        .map(|value| value.to_str().expect("a text header"))
        .collect()
}

#[tokio::test]
async fn reporting_download_report_asks_for_csv_by_default_and_returns_the_bytes_exactly() {
    let (server, client) = setup().await;
    // Quotes, commas, CRLF line ends, UTF-8 and no trailing newline: all kept as sent.
    let csv: &[u8] = "Image,Vulnerability,Severity,Package\r\n\
        \"docker.io/library/nginx:1.25\",CVE-2023-44487,High,\"libnghttp2, 1.52\"\r\n\
        quay.io/sysdig/agent,CVE-2024-0001,Critical,café-lib"
        .as_bytes();
    on(
        "GET",
        "/api/reporting/v1/scanning/reports/1ueqXHvmzvtwJV2lFr8z8wdydu",
    )
    .and(header("accept", "text/csv"))
    .respond_with(ResponseTemplate::new(200).set_body_raw(csv.to_vec(), "text/csv; charset=utf-8"))
    .expect(1)
    .mount(&server)
    .await;

    let report: Bytes = client
        .download_report(ReportDomain::Scanning, "1ueqXHvmzvtwJV2lFr8z8wdydu")
        .send()
        .await
        .unwrap();

    assert_eq!(report.as_ref(), csv);
    let requests = received(&server).await;
    // The first media type the spec lists, alone: never all three.
    assert_eq!(accept_headers(&requests[0]), ["text/csv"]);
    assert_eq!(requests[0].url.query(), None);
}

#[tokio::test]
async fn reporting_download_report_asks_for_only_the_chosen_media_type() {
    let (server, client) = setup().await;
    // A PDF's header, binary bytes that are not UTF-8, and its trailer.
    let mut pdf: Vec<u8> = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    pdf.extend((0..=255u8).cycle().take(4096));
    pdf.extend_from_slice(b"\n%%EOF\n");
    on(
        "GET",
        "/api/reporting/v1/scanning/reports/1ueqXHvmzvtwJV2lFr8z8wdydu",
    )
    .and(header("accept", "application/pdf"))
    .respond_with(ResponseTemplate::new(200).set_body_raw(pdf.clone(), "application/pdf"))
    .expect(2)
    .mount(&server)
    .await;

    let report: Bytes = client
        .download_report(ReportDomain::Scanning, "1ueqXHvmzvtwJV2lFr8z8wdydu")
        .accept(DownloadReportAccept::ApplicationPdf)
        .send()
        .await
        .unwrap();
    assert_eq!(report.as_ref(), pdf.as_slice());

    let mut stream = client
        .download_report(ReportDomain::Scanning, "1ueqXHvmzvtwJV2lFr8z8wdydu")
        .accept(DownloadReportAccept::ApplicationPdf)
        .send_stream()
        .await
        .unwrap();
    let mut streamed = Vec::new();
    while let Some(chunk) = stream.chunk().await.unwrap() {
        streamed.extend_from_slice(&chunk);
    }
    assert_eq!(streamed, pdf);

    for request in received(&server).await {
        assert_eq!(accept_headers(&request), ["application/pdf"]);
    }
    // The choices, in the spec's order, the first the default.
    assert_eq!(
        [
            DownloadReportAccept::default(),
            DownloadReportAccept::ApplicationJson,
            DownloadReportAccept::ApplicationPdf,
        ]
        .map(DownloadReportAccept::media_type),
        ["text/csv", "application/json", "application/pdf"]
    );
}

#[tokio::test]
async fn reporting_get_report_preview_posts_the_configuration() {
    let (server, client) = setup_with_team().await;
    let config = json!({
        "scope": "kubernetes.cluster.name = \"prod\"",
        "format": "csv",
        "columns": ["image", "vulnerability", "severity"]
    });
    let body = json!({ "rows": [["nginx", "CVE-2023-44487", "High"]], "total": 1 });
    let mock = on_json(
        "POST",
        "/api/reporting/v1/scanning/vulnerabilities/preview",
        config.clone(),
    )
    .and(header("TeamID", TEAM));
    reply(&server, mock, 200, &body).await;

    let preview = client
        .get_report_preview(ReportDomain::Scanning, ReportType::Vulnerabilities, config)
        .send()
        .await
        .unwrap();

    assert_eq!(preview, body);
}

// ---------------------------------------------------------------------------------------------
// Network topology and network security
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn network_topology_owner_topology_sends_every_filter() {
    let (server, client) = setup().await;
    let body = json!({
        "nodes": [{ "name": "checkout", "kind": "Deployment" }],
        "edges": [{ "from": "checkout", "to": "payments", "port": 8443 }]
    });
    let mock = on("GET", "/api/v1/networkTopology/ownerTopology")
        .and(query_param("namespace", "shop"))
        .and(query_param("cluster", "prod-eu"))
        .and(query_param("name", "checkout"))
        .and(query_param("kind", "Deployment"))
        .and(query_param("from", "1546300800000000000"))
        .and(query_param("to", "1546387200000000000"));
    reply(&server, mock, 200, &body).await;

    let topology = client
        .get_owner_topology()
        .namespace("shop")
        .cluster("prod-eu")
        .name("checkout")
        .kind(NetworkTopologyKind::Deployment)
        .from(FROM_NS)
        .to(TO_NS)
        .send()
        .await
        .unwrap();

    assert_eq!(topology, body);
    assert_query_is_exactly(
        &server,
        &[
            ("namespace", "shop"),
            ("cluster", "prod-eu"),
            ("name", "checkout"),
            ("kind", "Deployment"),
            ("from", "1546300800000000000"),
            ("to", "1546387200000000000"),
        ],
    )
    .await;
}

#[tokio::test]
async fn network_security_policy_overlay_sends_the_filters_and_the_policy_body() {
    let (server, client) = setup_with_team().await;
    let knp = json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": { "name": "deny-all", "namespace": "shop" },
        "spec": { "podSelector": {}, "policyTypes": ["Ingress"] }
    });
    let body = json!({ "edges": [{ "from": "checkout", "to": "payments", "blocked": true }] });
    let mock = on_json(
        "POST",
        "/api/v1/networkSecurity/networkPolicyOverlayOwnerTopology",
        knp.clone(),
    )
    .and(header("TeamID", TEAM))
    .and(query_param("namespace", "shop"))
    .and(query_param("cluster", "prod-eu"))
    .and(query_param("kind", "StatefulSet"));
    reply(&server, mock, 200, &body).await;

    let graph = client
        .get_network_policy_overlay_owner_topology()
        .namespace("shop")
        .cluster("prod-eu")
        .kind(NetworkTopologyKind::StatefulSet)
        .body(knp)
        .send()
        .await
        .unwrap();

    assert_eq!(graph, body);
    assert_query_is_exactly(
        &server,
        &[
            ("namespace", "shop"),
            ("cluster", "prod-eu"),
            ("kind", "StatefulSet"),
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Captures
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn captures_list_repeats_ids_and_statuses_and_sends_every_filter() {
    let (server, client) = setup().await;
    let body = json!({
        "captures": [{ "id": "cap-1", "status": "done" }, { "id": "cap-2", "status": "uploaded" }],
        "total": 2
    });
    reply(&server, on("GET", "/api/v1/captures"), 200, &body).await;

    let captures = client
        .list_captures()
        .id(vec!["cap-1".into(), "cap-2".into()])
        .offset(10)
        .sort(ListCapturesSort::DateRequested)
        .order(ListCapturesOrder::Desc)
        .from(1_700_000_000)
        .to(1_700_086_400)
        .product(CaptureProduct::Sds)
        .scope_filter(r#"kubernetes.namespace.name = "shop""#)
        .status(vec!["done".into(), "uploaded".into()])
        .limit(25)
        .request_id("req-7")
        .send()
        .await
        .unwrap();

    assert_eq!(captures, body);
    assert_query_is_exactly(
        &server,
        &[
            ("id", "cap-1"),
            ("id", "cap-2"),
            ("offset", "10"),
            ("sort", "date_requested"),
            ("order", "desc"),
            ("from", "1700000000"),
            ("to", "1700086400"),
            ("product", "sds"),
            ("scopeFilter", r#"kubernetes.namespace.name = "shop""#),
            ("status", "done"),
            ("status", "uploaded"),
            ("limit", "25"),
            ("requestId", "req-7"),
        ],
    )
    .await;
}

#[tokio::test]
async fn captures_create_posts_the_capture() {
    let (server, client) = setup().await;
    let capture = json!({
        "name": "incident-42",
        "agent": { "id": 7, "hostName": "node-1" },
        "duration": 30,
        "filters": "proc.name=nginx"
    });
    let body = json!({ "capture": { "id": 99, "name": "incident-42", "status": "requested" } });
    reply(
        &server,
        on_json("POST", "/api/v1/captures", capture.clone()),
        201,
        &body,
    )
    .await;

    let created = client.create_capture(capture).send().await.unwrap();

    assert_eq!(created, body);
}

// ---------------------------------------------------------------------------------------------
// Scanning
// ---------------------------------------------------------------------------------------------

/// Mounts three pages of scanning alerts: the first without `cursor`, then `c2`, `c3`; the
/// last page's `responseMetadata` is `last_metadata`.
async fn mount_alert_pages(server: &MockServer, last_metadata: Option<Value>) {
    let first = on("GET", "/api/scanning/v1/alerts")
        .and(query_param("limit", "2"))
        .and(query_param_is_missing("cursor"));
    let body = json!({
        "alerts": [{ "alertId": "a1" }, { "alertId": "a2" }],
        "responseMetadata": { "next_cursor": "c2/+=" }
    });
    reply(server, first, 200, &body).await;

    let second = on("GET", "/api/scanning/v1/alerts")
        .and(query_param("limit", "2"))
        .and(query_param("cursor", "c2/+="));
    let body = json!({
        "alerts": [{ "alertId": "a3" }, { "alertId": "a4" }],
        "responseMetadata": { "next_cursor": "c3" }
    });
    reply(server, second, 200, &body).await;

    let third = on("GET", "/api/scanning/v1/alerts")
        .and(query_param("limit", "2"))
        .and(query_param("cursor", "c3"));
    let mut body = json!({ "alerts": [{ "alertId": "a5" }, { "alertId": "a6" }] });
    if let Some(metadata) = last_metadata {
        body["responseMetadata"] = metadata;
    }
    reply(server, third, 200, &body).await;
}

#[tokio::test]
async fn scanning_alerts_pages_follow_next_cursor_and_stop_at_an_empty_one() {
    let (server, client) = setup().await;
    mount_alert_pages(&server, Some(json!({ "next_cursor": "" }))).await;

    let pages: Vec<ScanningAlertList> = client
        .list_scanning_alerts()
        .limit(2)
        .pages()
        .try_collect()
        .await
        .unwrap();

    let cursors: Vec<Option<&str>> = pages
        .iter()
        .map(|page| {
            page.response_metadata
                .as_ref()
                .and_then(|m| m.next_cursor.as_deref())
        })
        .collect();
    assert_eq!(cursors, [Some("c2/+="), Some("c3"), Some("")]);
    let ids: Vec<&str> = pages
        .iter()
        .flat_map(|page| page.alerts.as_deref().unwrap())
        .map(|alert| alert.alert_id.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["a1", "a2", "a3", "a4", "a5", "a6"]);
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn scanning_alerts_items_follow_next_cursor_and_stop_when_it_is_absent() {
    let (server, client) = setup().await;
    mount_alert_pages(&server, None).await;

    let alerts: Vec<ScanningAlert> = client
        .list_scanning_alerts()
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<&str> = alerts
        .iter()
        .map(|alert| alert.alert_id.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["a1", "a2", "a3", "a4", "a5", "a6"]);
    let cursors: Vec<Option<String>> = received(&server)
        .await
        .iter()
        .map(|request| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == "cursor")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert_eq!(cursors, [None, Some("c2/+=".into()), Some("c3".into())]);
}

#[tokio::test]
async fn scanning_get_image_vulns_sends_the_digest_type_and_every_filter() {
    let (server, client) = setup().await;
    let digest = "sha256:7492c1f615e3651629bd6c61777e9660caa3819cf3561a47d1d526dfeee02cf6";
    let body = json!({
        "imageDigest": digest,
        "vulnerabilities": [{ "vuln": "CVE-2023-44487", "severity": "High", "fix": "1.57.0" }]
    });
    // The digest is one path segment, its `:` sent as it is (RFC 3986 allows it in a segment).
    let route = "/api/scanning/v1/images/sha256:7492c1f615e3651629bd6c61777e9660caa3819cf3561a47d1d526dfeee02cf6/vuln/non-os";
    reply(&server, on("GET", route), 200, &body).await;

    let vulns = client
        .get_image_vulns(digest, VulnerabilityType::NonOs)
        .filter("CVE-2023")
        .sort_method(SortMethod::Asc)
        .sort_by(VulnerabilitySortBy::PackageName)
        .severities("critical,high")
        .fixable(true)
        .compare_to("sha256:0000")
        .comparison_status(GetImageVulnsComparisonStatus::New)
        .offset(0)
        .limit(100)
        .include_vuln_exceptions(false)
        .tag("docker.io/library/nginx:1.25")
        .bundle_id("default")
        .send()
        .await
        .unwrap();

    assert_eq!(vulns, body);
    assert_query_is_exactly(
        &server,
        &[
            ("filter", "CVE-2023"),
            ("sortMethod", "asc"),
            ("sortBy", "package_name"),
            ("severities", "critical,high"),
            ("fixable", "true"),
            ("compareTo", "sha256:0000"),
            ("comparisonStatus", "New"),
            ("offset", "0"),
            ("limit", "100"),
            ("includeVulnExceptions", "false"),
            ("tag", "docker.io/library/nginx:1.25"),
            ("bundleId", "default"),
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Secure events
// ---------------------------------------------------------------------------------------------

/// A secure event with every field of the spec's `SecureEvent` schema.
fn secure_event(id: &str, timestamp: i64) -> Value {
    json!({
        "id": id,
        "cursor": format!("cur-{id}"),
        "timestamp": timestamp,
        "source": "syscall",
        "description": "A shell was spawned in a container",
        "severity": 4,
        "agentId": 1_234_567_890_123_i64,
        "machineId": "02:42:ac:11:00:02",
        "content": {
            "falsePositive": false,
            "fields": {
                "proc.name": "bash",
                "proc.pid": 4242,
                "container.privileged": true,
                "fd.name": null,
                "proc.args": ["-c", "id"],
                "evt.arg": { "flags": "O_RDONLY" }
            },
            "output": "Shell spawned in a container (user=root container=checkout)",
            "policyId": 9_000_000_001_i64,
            "ruleName": "Terminal shell in container",
            "ruleTags": ["container", "shell", "mitre_execution"]
        },
        "labels": {
            "host.hostName": "node-1",
            "kubernetes.cluster.name": "prod-eu",
            "kubernetes.namespace.name": "shop"
        }
    })
}

/// Mounts a feed paged backwards through `page.prev` (secure events, activity audit): the
/// first of `pages` answers the request with `from`/`to` ([`FROM_NS`], [`TO_NS`]) and no
/// `cursor`; each later one the request with the previous page's `page.prev` as `cursor` and
/// no `from`/`to`. Every request must also meet `base`; each page is served exactly once.
async fn mount_prev_feed(server: &MockServer, base: impl Fn() -> MockBuilder, pages: &[Value]) {
    let mut cursor: Option<&str> = None;
    for page in pages {
        let mock = match cursor {
            None => base()
                .and(query_param("from", FROM_NS.to_string().as_str()))
                .and(query_param("to", TO_NS.to_string().as_str()))
                .and(query_param_is_missing("cursor")),
            Some(cursor) => base()
                .and(query_param("cursor", cursor))
                .and(query_param_is_missing("from"))
                .and(query_param_is_missing("to")),
        };
        reply(server, mock, 200, page).await;
        cursor = page["page"]["prev"].as_str();
    }
}

#[tokio::test]
async fn secure_events_items_follow_page_prev_and_drop_from_to_after_the_first_page() {
    let (server, client) = setup_with_team().await;
    let base = || {
        on_team("GET", "/api/v1/secureEvents")
            .and(query_param("limit", "2"))
            .and(query_param("filter", "severity >= 4"))
            .and(query_param("specialCategories", "exclude_simulation"))
    };
    let pages = [
        json!({
            "data": [secure_event("e1", TO_NS - 1), secure_event("e2", TO_NS - 2)],
            "page": { "prev": "LTltNGUybXIwdWkzZThhMjE1bjRn", "next": "bmV4dC0x", "total": 5 }
        }),
        json!({
            "data": [secure_event("e3", TO_NS - 3), secure_event("e4", TO_NS - 4)],
            "page": { "prev": "cHJldi0y+/=", "next": "bmV4dC0y", "total": 5 }
        }),
        json!({
            "data": [secure_event("e5", FROM_NS)],
            "page": { "next": "bmV4dC0z", "total": 5 }
        }),
    ];
    mount_prev_feed(&server, base, &pages).await;

    let events: Vec<SecureEvent> = client
        .list_secure_events()
        .from(FROM_NS)
        .to(TO_NS)
        .filter("severity >= 4")
        .limit(2)
        .special_categories(ListSecureEventsSpecialCategories::ExcludeSimulation)
        .items()
        .try_collect()
        .await
        .unwrap();

    let ids: Vec<&str> = events.iter().filter_map(|e| e.id.as_deref()).collect();
    assert_eq!(ids, ["e1", "e2", "e3", "e4", "e5"]);
    assert_eq!(events[4].timestamp, Some(FROM_NS));
    assert_eq!(
        serde_json::to_value(&events[0]).unwrap(),
        secure_event("e1", TO_NS - 1)
    );

    let requests = received(&server).await;
    assert_eq!(requests.len(), 3, "no request after the page without prev");
    let common = [
        ("limit", "2"),
        ("filter", "severity >= 4"),
        ("specialCategories", "exclude_simulation"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut all = common.to_vec();
        all.extend_from_slice(extra);
        sorted(&all)
    };
    assert_eq!(
        query_of(&requests[0]),
        with(&[
            ("from", "1546300800000000000"),
            ("to", "1546387200000000000")
        ])
    );
    assert_eq!(
        query_of(&requests[1]),
        with(&[("cursor", "LTltNGUybXIwdWkzZThhMjE1bjRn")])
    );
    assert_eq!(query_of(&requests[2]), with(&[("cursor", "cHJldi0y+/=")]));
    for request in &requests {
        assert_eq!(header_of(request, "TeamID"), Some(TEAM));
    }
}

#[tokio::test]
async fn secure_events_send_decodes_the_page_typed() {
    let (server, client) = setup().await;
    let body = json!({
        "data": [secure_event("e1", FROM_NS)],
        "page": { "prev": "p", "next": "n", "total": 1 }
    });
    let mock = on("GET", "/api/v1/secureEvents")
        .and(query_param("cursor", "LTltNGUybXIwdWkzZThhMjE1bjRn"))
        .and(query_param("limit", "1"));
    reply(&server, mock, 200, &body).await;

    let page: SecureEventsPage = client
        .list_secure_events()
        .cursor("LTltNGUybXIwdWkzZThhMjE1bjRn")
        .limit(1)
        .send()
        .await
        .unwrap();

    let info = page.page.as_ref().unwrap();
    assert_eq!(info.prev.as_deref(), Some("p"));
    assert_eq!(info.next.as_deref(), Some("n"));
    assert_eq!(info.total, Some(1));
    assert_eq!(serde_json::to_value(&page).unwrap(), body);
    assert_query_is_exactly(
        &server,
        &[("cursor", "LTltNGUybXIwdWkzZThhMjE1bjRn"), ("limit", "1")],
    )
    .await;
}

#[tokio::test]
async fn secure_events_get_secure_event_decodes_every_field_and_re_encodes_it() {
    let (server, client) = setup().await;
    let body = secure_event(
        "15cbf54e34df95404caad1c988cf7c42",
        1_700_000_000_123_456_789,
    );
    reply(
        &server,
        on(
            "GET",
            "/api/v1/secureEvents/15cbf54e34df95404caad1c988cf7c42",
        ),
        200,
        &body,
    )
    .await;

    let event = client
        .get_secure_event("15cbf54e34df95404caad1c988cf7c42")
        .send()
        .await
        .unwrap();

    assert_eq!(
        event.id.as_deref(),
        Some("15cbf54e34df95404caad1c988cf7c42")
    );
    assert_eq!(
        event.cursor.as_deref(),
        Some("cur-15cbf54e34df95404caad1c988cf7c42")
    );
    assert_eq!(event.timestamp, Some(1_700_000_000_123_456_789));
    assert_eq!(event.source.as_deref(), Some("syscall"));
    assert_eq!(
        event.description.as_deref(),
        Some("A shell was spawned in a container")
    );
    assert_eq!(event.severity, Some(4));
    assert_eq!(event.agent_id, Some(1_234_567_890_123));
    assert_eq!(event.machine_id.as_deref(), Some("02:42:ac:11:00:02"));
    let content = event.content.as_ref().unwrap();
    assert_eq!(content.false_positive, Some(false));
    let fields = content.fields.as_ref().unwrap();
    assert_eq!(fields["proc.name"], json!("bash"));
    assert_eq!(fields["proc.pid"], json!(4242));
    assert_eq!(fields["fd.name"], Value::Null);
    assert_eq!(fields.len(), 6);
    assert_eq!(
        content.output.as_deref(),
        Some("Shell spawned in a container (user=root container=checkout)")
    );
    assert_eq!(content.policy_id, Some(9_000_000_001));
    assert_eq!(
        content.rule_name.as_deref(),
        Some("Terminal shell in container")
    );
    assert_eq!(
        content.rule_tags.as_deref(),
        Some(
            ["container", "shell", "mitre_execution"]
                .map(String::from)
                .as_slice()
        )
    );
    let labels = event.labels.as_ref().unwrap();
    assert_eq!(labels["host.hostName"], "node-1");
    assert_eq!(labels.len(), 3);
    assert_eq!(serde_json::to_value(&event).unwrap(), body);
}

#[tokio::test]
async fn secure_events_time_series_sends_the_metric_and_the_exact_range() {
    let (server, client) = setup().await;
    let body = json!({ "series": [{ "severity": 4, "values": [[FROM_NS, 3]] }] });
    let mock = on("GET", "/api/v1/secureEvents/timeSeries")
        .and(query_param("metric", "severity"))
        .and(query_param("from", "1546300800000000000"))
        .and(query_param("to", "1546387200000000000"))
        .and(query_param("filter", "agent.id=1"))
        .and(query_param("rows", "10"));
    reply(&server, mock, 200, &body).await;

    let series = client
        .get_secure_events_time_series("severity", FROM_NS, TO_NS)
        .filter("agent.id=1")
        .rows(10)
        .send()
        .await
        .unwrap();

    assert_eq!(series, body);
    assert_eq!(series["series"][0]["values"][0][0].as_i64(), Some(FROM_NS));
    assert_query_is_exactly(
        &server,
        &[
            ("metric", "severity"),
            ("from", "1546300800000000000"),
            ("to", "1546387200000000000"),
            ("filter", "agent.id=1"),
            ("rows", "10"),
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Activity audit
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn activity_audit_items_follow_page_prev_and_drop_from_to_after_the_first_page() {
    let (server, client) = setup().await;
    let base = || {
        on("GET", "/api/v2/activityAudit/events")
            .and(query_param("limit", "2"))
            .and(query_param("types", "commands,kubernetes"))
            .and(query_param(
                "scopeFilter",
                r#"kubernetes.cluster.name = "prod""#,
            ))
            .and(query_param("filter", "userLoginName=\"root\""))
    };
    let event = |id: &str| json!({ "id": id, "type": "command", "cmdline": "id" });
    let pages = [
        json!({ "data": [event("a1"), event("a2")], "page": { "prev": "YXVkaXQtMg==", "total": 5 } }),
        json!({ "data": [event("a3"), event("a4")], "page": { "prev": "YXVkaXQtMw==", "total": 5 } }),
        json!({ "data": [event("a5")], "page": { "total": 5 } }),
    ];
    mount_prev_feed(&server, base, &pages).await;

    let pages: Vec<ActivityAuditPage> = client
        .list_activity_audit_events()
        .from(FROM_NS)
        .to(TO_NS)
        .limit(2)
        .scope_filter(r#"kubernetes.cluster.name = "prod""#)
        .filter("userLoginName=\"root\"")
        .types("commands,kubernetes")
        .pages()
        .try_collect()
        .await
        .unwrap();

    let prevs: Vec<Option<&str>> = pages
        .iter()
        .map(|page| page.page.as_ref().and_then(|p| p.prev.as_deref()))
        .collect();
    assert_eq!(prevs, [Some("YXVkaXQtMg=="), Some("YXVkaXQtMw=="), None]);
    let items: Vec<&Value> = pages
        .iter()
        .flat_map(|page| page.data.as_deref().unwrap())
        .collect();
    assert_eq!(
        items,
        [
            &event("a1"),
            &event("a2"),
            &event("a3"),
            &event("a4"),
            &event("a5")
        ]
    );

    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    let keys = |request: &wiremock::Request| -> Vec<String> {
        let mut keys: Vec<String> = query_of(request).into_iter().map(|(k, _)| k).collect();
        keys.dedup();
        keys
    };
    assert_eq!(
        keys(&requests[0]),
        ["filter", "from", "limit", "scopeFilter", "to", "types"]
    );
    for request in &requests[1..] {
        assert_eq!(
            keys(request),
            ["cursor", "filter", "limit", "scopeFilter", "types"]
        );
    }
}

#[tokio::test]
async fn activity_audit_items_stream_every_event_of_every_page() {
    let (server, client) = setup().await;
    let base = || on("GET", "/api/v2/activityAudit/events").and(query_param("limit", "1"));
    let pages = [
        json!({ "data": [{ "id": "x1" }], "page": { "prev": "p2" } }),
        json!({ "data": [{ "id": "x2" }], "page": { "prev": "p3" } }),
        json!({ "data": [{ "id": "x3" }], "page": {} }),
    ];
    mount_prev_feed(&server, base, &pages).await;

    let events: Vec<Value> = client
        .list_activity_audit_events()
        .from(FROM_NS)
        .to(TO_NS)
        .limit(1)
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(
        events,
        [
            json!({ "id": "x1" }),
            json!({ "id": "x2" }),
            json!({ "id": "x3" })
        ]
    );
}

#[tokio::test]
async fn activity_audit_get_event_sends_the_type_id_and_metrics() {
    let (server, client) = setup_with_team().await;
    let body = json!({ "id": "evt-9", "type": "kubernetes", "verb": "exec" });
    let mock = on_team("GET", "/api/v2/activityAudit/events/kubernetes/evt-9")
        .and(query_param("metrics", "host.hostName,kubernetes.pod.name"));
    reply(&server, mock, 200, &body).await;

    let event = client
        .get_activity_audit_event(ActivityAuditEventType::Kubernetes, "evt-9")
        .metrics("host.hostName,kubernetes.pod.name")
        .send()
        .await
        .unwrap();

    assert_eq!(event, body);
    assert_query_is_exactly(&server, &[("metrics", "host.hostName,kubernetes.pod.name")]).await;
}

// ---------------------------------------------------------------------------------------------
// The spec's response samples (events forwarding and activity audit)
// ---------------------------------------------------------------------------------------------

/// `specs/sysdig/openapi.yaml`, parsed.
fn spec() -> serde_yaml::Value {
    let file = clientgen_tests::repo_root().join("specs/sysdig/openapi.yaml");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", file.display()));
    serde_yaml::from_str(&text).expect("the Sysdig spec is YAML")
}

/// One response `example` of the spec that is an object or an array.
#[derive(Debug)]
struct Sample {
    operation_id: String,
    path: String,
    status: String,
    json: Value,
}

/// Every response `example` of `spec` that is an object or an array.
fn response_samples(spec: &serde_yaml::Value) -> Vec<Sample> {
    const VERBS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let paths = spec["paths"].as_mapping().expect("the spec has paths");
    let mut found = Vec::new();
    for (route, item) in paths {
        let route = route.as_str().expect("paths are strings");
        for verb in VERBS {
            let operation = &item[verb];
            let Some(responses) = operation["responses"].as_mapping() else {
                continue;
            };
            for (status, response) in responses {
                let Some(content) = response["content"].as_mapping() else {
                    continue;
                };
                for media in content.values() {
                    let Some(example) = media.get("example") else {
                        continue;
                    };
                    if example.is_mapping() || example.is_sequence() {
                        found.push(Sample {
                            operation_id: operation["operationId"]
                                .as_str()
                                .expect("every operation has an operationId")
                                .to_owned(),
                            path: route.to_owned(),
                            status: match status {
                                serde_yaml::Value::String(text) => text.clone(),
                                other => serde_json::to_string(other).unwrap(),
                            },
                            json: serde_json::to_value(example).unwrap(),
                        });
                    }
                }
            }
        }
    }
    found
}

#[tokio::test]
async fn every_object_or_array_response_sample_round_trips_through_the_client() {
    let spec = spec();
    let samples = response_samples(&spec);
    let ids: Vec<&str> = samples.iter().map(|s| s.operation_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "getActivityAuditSummary",
            "listEventsForwardingSupportedTargets",
            "listEventsForwardingChannels",
            "getEventsForwardingIntegration",
        ],
        "the spec's object and array response samples"
    );

    for sample in &samples {
        assert_eq!(sample.status, "200", "{sample:?}");
        // Directly through the generated type.
        let again = match sample.operation_id.as_str() {
            "getActivityAuditSummary" => round_trip::<Vec<ActivityAuditSummary>>(&sample.json),
            "listEventsForwardingSupportedTargets" | "listEventsForwardingChannels" => {
                round_trip::<Vec<String>>(&sample.json)
            }
            "getEventsForwardingIntegration" => {
                round_trip::<EventsForwardingIntegration>(&sample.json)
            }
            other => panic!("{other} has a sample, but this test does not know its type"),
        };
        assert_eq!(
            again, sample.json,
            "{}: the sample changed",
            sample.operation_id
        );

        // Through the client, served by a mock.
        let (server, client) = setup().await;
        let route = sample.path.replace("{integrationId}", "1");
        reply(&server, on("GET", &route), 200, &sample.json).await;
        let decoded = match sample.operation_id.as_str() {
            "getActivityAuditSummary" => {
                let summary = client.get_activity_audit_summary().send().await.unwrap();
                assert_eq!(summary[0].step, Some(60_000_000_000));
                let values = summary[0].values.as_ref().unwrap();
                assert_eq!(
                    values.command.as_ref().unwrap()[0],
                    [1_569_065_400_000_000_000, 36]
                );
                serde_json::to_value(&summary).unwrap()
            }
            "listEventsForwardingSupportedTargets" => {
                let targets = client
                    .list_events_forwarding_supported_targets()
                    .send()
                    .await
                    .unwrap();
                assert_eq!(targets, ["syslog", "splunk"]);
                serde_json::to_value(&targets).unwrap()
            }
            "listEventsForwardingChannels" => {
                let channels = client
                    .list_events_forwarding_channels()
                    .send()
                    .await
                    .unwrap();
                assert_eq!(channels, ["POLICY_EVENTS"]);
                serde_json::to_value(&channels).unwrap()
            }
            "getEventsForwardingIntegration" => {
                let integration = client
                    .get_events_forwarding_integration(1)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(integration.id, Some(1));
                assert_eq!(integration.r#type.as_deref(), Some("syslog"));
                let info = integration.connection_info.as_ref().unwrap();
                assert_eq!(info.service_url.as_deref(), Some("syslog-address"));
                assert_eq!(info.service_port, Some(514));
                serde_json::to_value(&integration).unwrap()
            }
            other => unreachable!("{other}"),
        };
        assert_eq!(decoded, sample.json, "{}", sample.operation_id);
    }
}

// ---------------------------------------------------------------------------------------------
// Events forwarding
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn events_forwarding_get_integration_decodes_the_integration_typed() {
    let (server, client) = setup_with_team().await;
    let body = json!({
        "id": 42,
        "name": "Forward to Splunk",
        "customerId": 7,
        "type": "splunk",
        "enabled": false,
        "channels": ["POLICY_EVENTS", "ACTIVITY_AUDIT"],
        "connectionInfo": { "ServiceURL": "https://splunk.example.com:8088", "ServicePort": 8088 }
    });
    reply(
        &server,
        on_team("GET", "/api/v1/eventsForwarding/integrations/42"),
        200,
        &body,
    )
    .await;

    let integration = client
        .get_events_forwarding_integration(42)
        .send()
        .await
        .unwrap();

    assert_eq!(integration, {
        let mut built = EventsForwardingIntegration::default();
        built.id = Some(42);
        built.name = Some("Forward to Splunk".into());
        built.customer_id = Some(7);
        built.r#type = Some("splunk".into());
        built.enabled = Some(false);
        built.channels = Some(vec!["POLICY_EVENTS".into(), "ACTIVITY_AUDIT".into()]);
        built.connection_info = Some({
            let mut built = sysdig_client::types::EventsForwardingConnectionInfo::default();
            built.service_url = Some("https://splunk.example.com:8088".into());
            built.service_port = Some(8088);
            built
        });
        built
    });
    assert_eq!(serde_json::to_value(&integration).unwrap(), body);
}

#[tokio::test]
async fn events_forwarding_update_integration_patches_the_body() {
    let (server, client) = setup().await;
    let patch = json!({ "enabled": false, "channels": ["POLICY_EVENTS"] });
    let body = json!({ "id": 42, "enabled": false, "channels": ["POLICY_EVENTS"] });
    reply(
        &server,
        on_json(
            "PATCH",
            "/api/v1/eventsForwarding/integrations/42",
            patch.clone(),
        ),
        200,
        &body,
    )
    .await;

    let updated = client
        .update_events_forwarding_integration(42, patch)
        .send()
        .await
        .unwrap();

    assert_eq!(updated, body);
}

// ---------------------------------------------------------------------------------------------
// Profiling
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn profiling_list_profile_group_profiles_sends_every_filter() {
    let (server, client) = setup().await;
    let body = json!({
        "profiles": [{ "profileId": "p-1", "profileName": "nginx", "score": 90, "status": "FINALIZED" }],
        "total": 1
    });
    reply(
        &server,
        on("GET", "/api/v1/profiling/profileGroups/group-7/profiles"),
        200,
        &body,
    )
    .await;

    let profiles = client
        .list_profile_group_profiles("group-7")
        .score(80)
        .status(vec![
            ListProfileGroupProfilesStatusItem::Finalized,
            ListProfileGroupProfilesStatusItem::Learning,
        ])
        .filter("nginx")
        .sort_by(ListProfileGroupProfilesSortBy::CreatedOn)
        .limit(50)
        .offset(100)
        .sort_method(SortMethod::Desc)
        .send()
        .await
        .unwrap();

    let listed = profiles.profiles.as_deref().expect("the profiles");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].profile_id.as_deref(), Some("p-1"));
    assert_eq!(listed[0].profile_name.as_deref(), Some("nginx"));
    assert_eq!(listed[0].score, Some(90.0));
    assert_eq!(listed[0].status.as_deref(), Some("FINALIZED"));
    assert_query_is_exactly(
        &server,
        &[
            ("score", "80"),
            // The spec declares `style: form, explode: false` ("a comma-separated list").
            ("status", "FINALIZED,LEARNING"),
            ("filter", "nginx"),
            ("sortBy", "createdOn"),
            ("limit", "50"),
            ("offset", "100"),
            ("sortMethod", "desc"),
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Falco lists
// ---------------------------------------------------------------------------------------------

/// A Falco list of trusted images, as sent when creating it (no id, no version).
fn trusted_images() -> FalcoList {
    let mut built = FalcoList::default();
    built.name = Some("trusted_images".into());
    built.items = Some({
        let mut built = FalcoListItems::default();
        built.items = Some(vec![
            "docker.io/library/nginx".into(),
            "quay.io/sysdig/agent".into(),
        ]);
        built
    });
    built.append = Some(false);
    built
}

#[tokio::test]
async fn falco_lists_create_sends_the_typed_list_and_skip_policy_v2_msg() {
    let (server, client) = setup_with_team().await;
    let sent = json!({
        "name": "trusted_images",
        "items": { "items": ["docker.io/library/nginx", "quay.io/sysdig/agent"] },
        "append": false
    });
    let body = json!({
        "id": 17,
        "version": 1,
        "name": "trusted_images",
        "items": { "items": ["docker.io/library/nginx", "quay.io/sysdig/agent"] },
        "append": false
    });
    let mock = on_json("POST", "/api/secure/falco/lists", sent)
        .and(header("TeamID", TEAM))
        .and(query_param("skipPolicyV2Msg", "true"));
    reply(&server, mock, 200, &body).await;

    let created: FalcoList = client
        .create_falco_list(trusted_images())
        .skip_policy_v2_msg(true)
        .send()
        .await
        .unwrap();

    assert_eq!(created, {
        let mut built = trusted_images();
        built.id = Some(17);
        built.version = Some(1);
        built
    });
    assert_query_is_exactly(&server, &[("skipPolicyV2Msg", "true")]).await;
}

#[tokio::test]
async fn falco_lists_update_puts_the_typed_list_and_skip_policy_v2_msg() {
    let (server, client) = setup().await;
    let mut list = trusted_images();
    list.id = Some(17);
    list.version = Some(1);
    list.append = Some(true);
    let sent = json!({
        "id": 17,
        "version": 1,
        "name": "trusted_images",
        "items": { "items": ["docker.io/library/nginx", "quay.io/sysdig/agent"] },
        "append": true
    });
    let mut body = sent.clone();
    body["version"] = json!(2);
    let mock = on_json("PUT", "/api/secure/falco/lists/17", sent)
        .and(query_param("skipPolicyV2Msg", "true"));
    reply(&server, mock, 200, &body).await;

    let updated = client
        .update_falco_list("17", list.clone())
        .skip_policy_v2_msg(true)
        .send()
        .await
        .unwrap();

    assert_eq!(updated, {
        let mut built = list;
        built.version = Some(2);
        built
    });
    assert_eq!(serde_json::to_value(&updated).unwrap(), body);
    assert_query_is_exactly(&server, &[("skipPolicyV2Msg", "true")]).await;
}

// ---------------------------------------------------------------------------------------------
// Falco rules files
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn falco_rules_files_update_custom_rules_file_puts_the_file() {
    let (server, client) = setup().await;
    let file = json!({
        "name": "custom_rules.yaml",
        "variants": [{
            "requiredEngineVersion": 0,
            "content": "- rule: My rule\n  condition: evt.type = open\n  output: \"opened (%fd.name)\"\n"
        }]
    });
    let mut body = file.clone();
    body["version"] = json!(3);
    reply(
        &server,
        on_json(
            "PUT",
            "/api/settings/falco/customRulesFiles/custom_rules.yaml",
            file.clone(),
        ),
        200,
        &body,
    )
    .await;

    let updated = client
        .update_custom_falco_rules_file("custom_rules.yaml", file)
        .send()
        .await
        .unwrap();

    assert_eq!(updated, body);
    assert_query_is_exactly(&server, &[]).await;
}

// ---------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn policies_list_security_policies_repeats_severity_and_sends_every_filter() {
    let (server, client) = setup_with_team().await;
    let body = json!([{ "id": 1, "name": "Write below etc", "severity": 3, "type": "falco" }]);
    reply(&server, on_team("GET", "/api/v2/policies"), 200, &body).await;

    let policies = client
        .list_security_policies()
        .limit(10)
        .filter("Write below")
        .severity(vec![3, 5])
        .policy_type("list_matching")
        .managed(false)
        .send()
        .await
        .unwrap();

    assert_eq!(policies.len(), 1);
    assert_eq!(policies[0].id, Some(1));
    assert_eq!(policies[0].name.as_deref(), Some("Write below etc"));
    assert_eq!(policies[0].severity, Some(3));
    assert_eq!(policies[0].r#type.as_deref(), Some("falco"));
    assert_eq!(serde_json::to_value(&policies).unwrap(), body);
    assert_query_is_exactly(
        &server,
        &[
            ("limit", "10"),
            ("filter", "Write below"),
            ("severity", "3"),
            ("severity", "5"),
            ("policyType", "list_matching"),
            ("managed", "false"),
        ],
    )
    .await;
}

#[tokio::test]
async fn policies_create_security_policy_posts_the_policy() {
    let (server, client) = setup().await;
    let policy = json!({
        "name": "Shell in container",
        "severity": 4,
        "type": "falco",
        "ruleNames": ["Terminal shell in container"],
        "actions": [{ "type": "POLICY_ACTION_CAPTURE", "beforeEventNs": 5_000_000_000_i64 }],
        "enabled": true
    });
    let mut body = policy.clone();
    body["id"] = json!(321);
    reply(
        &server,
        on_json("POST", "/api/v2/policies", policy.clone()),
        200,
        &body,
    )
    .await;

    let created = client.create_security_policy(policy).send().await.unwrap();

    assert_eq!(created.id, Some(321));
    let actions = created.actions.as_deref().expect("the actions");
    assert_eq!(actions[0].r#type.as_deref(), Some("POLICY_ACTION_CAPTURE"));
    assert_eq!(actions[0].before_event_ns, Some(5_000_000_000));
    assert_eq!(serde_json::to_value(&created).unwrap(), body);
}

// ---------------------------------------------------------------------------------------------
// Falco rules
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn falco_rules_get_rule_groups_by_names_repeats_names() {
    let (server, client) = setup().await;
    let body = json!([[{ "name": "Terminal shell in container", "origin": "Sysdig" }], []]);
    reply(
        &server,
        on("GET", "/api/policies/v3/rules/groups"),
        200,
        &body,
    )
    .await;

    let groups = client
        .get_rule_groups_by_names(vec![
            "Terminal shell in container".into(),
            "Write below etc & bin".into(),
        ])
        .send()
        .await
        .unwrap();

    assert_eq!(groups, body);
    assert_query_is_exactly(
        &server,
        &[
            ("names", "Terminal shell in container"),
            ("names", "Write below etc & bin"),
        ],
    )
    .await;
}

#[tokio::test]
async fn falco_rules_create_rule_sends_the_rule_and_skip_policy_v2_msg() {
    let (server, client) = setup().await;
    let rule = json!({
        "name": "Read sensitive file",
        "details": {
            "ruleType": "FALCO",
            "condition": { "condition": "open_read and fd.name in (sensitive_files)" },
            "output": "Sensitive file opened (file=%fd.name)",
            "priority": "warning",
            "source": "syscall"
        },
        "tags": ["filesystem"]
    });
    let mut body = rule.clone();
    body["id"] = json!(555);
    let mock = on_json("POST", "/api/secure/rules", rule.clone())
        .and(query_param("skipPolicyV2Msg", "false"));
    reply(&server, mock, 200, &body).await;

    let created = client
        .create_rule(rule)
        .skip_policy_v2_msg(false)
        .send()
        .await
        .unwrap();

    assert_eq!(created.id, Some(555));
    let details = created.details.as_ref().expect("the details");
    assert_eq!(details.rule_type.as_deref(), Some("FALCO"));
    assert_eq!(
        details
            .condition
            .as_ref()
            .and_then(|c| c.condition.as_deref()),
        Some("open_read and fd.name in (sensitive_files)")
    );
    assert_eq!(serde_json::to_value(&created).unwrap(), body);
    assert_query_is_exactly(&server, &[("skipPolicyV2Msg", "false")]).await;
}

#[tokio::test]
async fn falco_rules_list_rule_summaries_sends_the_policy_type() {
    let (server, client) = setup().await;
    let body = json!([{ "name": "Read sensitive file", "ids": [555] }]);
    let mock =
        on("GET", "/api/secure/rules/summaries").and(query_param("policyType", "aws_cloudtrail"));
    reply(&server, mock, 200, &body).await;

    let summaries = client
        .list_rule_summaries()
        .policy_type(ListRuleSummariesPolicyType::AwsCloudtrail)
        .send()
        .await
        .unwrap();

    assert_eq!(Value::Array(summaries), body);
}

// ---------------------------------------------------------------------------------------------
// Falco macros
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn falco_macros_update_macro_puts_the_macro_and_skip_policy_v2_msg() {
    let (server, client) = setup_with_team().await;
    let falco_macro = json!({
        "id": 88,
        "version": 4,
        "name": "open_read",
        "condition": { "condition": "evt.type in (open, openat) and evt.is_open_read=true" },
        "append": false
    });
    let mut body = falco_macro.clone();
    body["version"] = json!(5);
    let mock = on_json("PUT", "/api/secure/falco/macros/88", falco_macro.clone())
        .and(header("TeamID", TEAM))
        .and(query_param("skipPolicyV2Msg", "true"));
    reply(&server, mock, 200, &body).await;

    let updated = client
        .update_falco_macro("88", falco_macro)
        .skip_policy_v2_msg(true)
        .send()
        .await
        .unwrap();

    assert_eq!(updated.version, Some(5));
    assert_eq!(
        updated
            .condition
            .as_ref()
            .and_then(|c| c.condition.as_deref()),
        Some("evt.type in (open, openat) and evt.is_open_read=true")
    );
    assert_eq!(serde_json::to_value(&updated).unwrap(), body);
    assert_query_is_exactly(&server, &[("skipPolicyV2Msg", "true")]).await;
}

// ---------------------------------------------------------------------------------------------
// Policy tuner
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn policy_tuner_suggest_event_exclusions_posts_the_range_without_a_body() {
    let (server, client) = setup().await;
    let body =
        json!({ "exclusions": [{ "ruleName": "Terminal shell in container", "count": 12 }] });
    let mock = on("POST", "/api/v1/secure/policyTuner/excludeEvents")
        .and(query_param("start", "1546300800000000000"))
        .and(query_param("end", "1546387200000000000"))
        .and(query_param("limit", "20"));
    reply(&server, mock, 200, &body).await;

    let suggestions = client
        .suggest_event_exclusions()
        .start(FROM_NS)
        .end(TO_NS)
        .limit(20)
        .send()
        .await
        .unwrap();

    assert_eq!(suggestions, body);
    let requests = received(&server).await;
    assert!(requests[0].body.is_empty(), "a body was sent");
    assert_eq!(header_of(&requests[0], "content-type"), None);
    assert_query_is_exactly(
        &server,
        &[
            ("start", "1546300800000000000"),
            ("end", "1546387200000000000"),
            ("limit", "20"),
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Ticketing
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn ticketing_get_project_meta_fills_three_path_parameters_and_the_query() {
    let (server, client) = setup().await;
    let body = json!({ "issueTypes": [{ "id": "10001", "name": "Bug" }] });
    let mock = on(
        "GET",
        "/api/ticketing/v1/integrations/jira/int-5/project/SEC%20OPS/projectMeta",
    )
    .and(query_param("query", "issuetype=Bug"));
    reply(&server, mock, 200, &body).await;

    let meta = client
        .get_ticketing_project_meta("jira", "int-5", "SEC OPS")
        .query("issuetype=Bug")
        .send()
        .await
        .unwrap();

    assert_eq!(meta, body);
    assert_query_is_exactly(&server, &[("query", "issuetype=Bug")]).await;
}

// ---------------------------------------------------------------------------------------------
// Cloud accounts
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn cloud_accounts_get_cloud_account_sends_decrypt_true() {
    let (server, client) = setup_with_team().await;
    let body = json!({
        "id": "acc-123",
        "provider": "PROVIDER_AWS",
        "providerId": "123456789012",
        "components": [{ "type": "COMPONENT_TRUSTED_ROLE", "instance": "secure-posture" }],
        "secret": "decrypted-role-arn"
    });
    let mock =
        on_team("GET", "/api/cloudauth/v1/accounts/acc-123").and(query_param("decrypt", "true"));
    reply(&server, mock, 200, &body).await;

    let account = client
        .get_cloud_account("acc-123")
        .decrypt(true)
        .send()
        .await
        .unwrap();

    assert_eq!(account.id.as_deref(), Some("acc-123"));
    assert_eq!(account.provider.as_deref(), Some("PROVIDER_AWS"));
    assert_eq!(account.provider_id.as_deref(), Some("123456789012"));
    let components = account.components.as_deref().expect("the components");
    assert_eq!(
        components[0].r#type,
        Some(CloudAccountComponentType::ComponentTrustedRole)
    );
    assert_eq!(components[0].instance.as_deref(), Some("secure-posture"));
    assert_query_is_exactly(&server, &[("decrypt", "true")]).await;
}

// ---------------------------------------------------------------------------------------------
// Empty bodies and errors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_untyped_delete_answered_with_an_empty_204_returns_json_null() {
    let (server, client) = setup().await;
    on("DELETE", "/api/cloudauth/v1/accounts/acc-9")
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let deleted = client.delete_cloud_account("acc-9").send().await.unwrap();

    assert_eq!(deleted, Value::Null);
    let requests = received(&server).await;
    assert!(requests[0].body.is_empty(), "a body was sent");
}

#[tokio::test]
async fn a_policy_delete_answered_with_an_empty_204_returns_none() {
    let (server, client) = setup().await;
    on("DELETE", "/api/v2/policies/321")
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let deleted = client.delete_security_policy("321").send().await.unwrap();

    assert_eq!(deleted, None);
    let requests = received(&server).await;
    assert!(requests[0].body.is_empty(), "a body was sent");
}

#[tokio::test]
async fn a_policy_delete_answered_with_the_deleted_policy_returns_it() {
    let (server, client) = setup().await;
    let body = json!({ "id": 321, "name": "Shell in container", "enabled": false });
    reply(&server, on("DELETE", "/api/v2/policies/321"), 200, &body).await;

    let deleted = client
        .delete_security_policy("321")
        .send()
        .await
        .unwrap()
        .expect("the deleted policy");

    assert_eq!(deleted.id, Some(321));
    assert_eq!(deleted.name.as_deref(), Some("Shell in container"));
    assert_eq!(deleted.enabled, Some(false));
}

#[tokio::test]
async fn an_untyped_delete_answered_with_an_empty_200_returns_json_null() {
    let (server, client) = setup().await;
    on("DELETE", "/api/scanning/v1/policies/policy-3")
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;

    let deleted = client
        .delete_scanning_policy("policy-3")
        .send()
        .await
        .unwrap();

    assert_eq!(deleted, Value::Null);
    let requests = received(&server).await;
    assert!(requests[0].body.is_empty(), "a body was sent");
}

#[tokio::test]
async fn delete_captures_returns_the_number_of_captures_deleted() {
    let (server, client) = setup().await;
    reply(&server, on("DELETE", "/api/v1/captures"), 200, &json!(2)).await;

    let deleted = client
        .delete_captures()
        .id(vec!["cap-1".into()])
        .product(CaptureProduct::Sdc)
        .status(vec![
            sysdig_client::types::DeleteCapturesStatusItem::Done,
            sysdig_client::types::DeleteCapturesStatusItem::UploadingError,
        ])
        .send()
        .await
        .unwrap();

    assert_eq!(deleted, 2);
    assert_query_is_exactly(
        &server,
        &[
            ("id", "cap-1"),
            ("product", "sdc"),
            ("status", "done"),
            ("status", "uploadingError"),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_delete_answered_with_404_and_a_json_body_is_an_api_error() {
    let (server, client) = setup().await;
    let body = json!({ "code": 5, "message": "cloud account acc-404 not found" });
    reply(
        &server,
        on("DELETE", "/api/cloudauth/v1/accounts/acc-404"),
        404,
        &body,
    )
    .await;

    let err = client
        .delete_cloud_account("acc-404")
        .send()
        .await
        .unwrap_err();

    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.body.as_ref(), Some(&body));
    assert_eq!(api.attempts, 1, "a 404 is not retried");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

// ---------------------------------------------------------------------------------------------
// Typed responses: shapes the page states in words, and shapes from Sysdig's own code
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn network_topology_names_and_label_keys_decode_as_strings() {
    let (server, client) = setup().await;
    let clusters = json!(["prod-eu", "prod-us"]);
    let namespaces = json!(["default", "kube-system"]);
    let label_keys = json!(["app", "app.kubernetes.io/name"]);
    let owners = json!({
        "Deployment": [{ "name": "shop" }, { "name": "cart" }],
        "DaemonSet": []
    });
    reply(
        &server,
        on("GET", "/api/v1/networkTopology/clusters"),
        200,
        &clusters,
    )
    .await;
    reply(
        &server,
        on("GET", "/api/v1/networkTopology/namespaces"),
        200,
        &namespaces,
    )
    .await;
    reply(
        &server,
        on("GET", "/api/v1/networkTopology/workloadLabelKeys"),
        200,
        &label_keys,
    )
    .await;
    reply(
        &server,
        on("GET", "/api/v1/networkTopology/namespaceLabelKeys"),
        200,
        &label_keys,
    )
    .await;
    reply(
        &server,
        on("GET", "/api/v1/networkTopology/owners"),
        200,
        &owners,
    )
    .await;

    let got_clusters: Vec<String> = client
        .list_network_topology_clusters()
        .send()
        .await
        .unwrap();
    let got_namespaces: Vec<String> = client
        .list_network_topology_namespaces()
        .send()
        .await
        .unwrap();
    let workload_keys: Vec<String> = client.list_workload_label_keys().send().await.unwrap();
    let namespace_keys: Vec<String> = client.list_namespace_label_keys().send().await.unwrap();
    let got_owners = client.list_network_topology_owners().send().await.unwrap();

    assert_eq!(got_clusters, ["prod-eu", "prod-us"]);
    assert_eq!(got_namespaces, ["default", "kube-system"]);
    assert_eq!(workload_keys, ["app", "app.kubernetes.io/name"]);
    assert_eq!(namespace_keys, workload_keys);
    assert_eq!(got_owners["Deployment"].len(), 2);
    assert!(got_owners["DaemonSet"].is_empty());
    assert_eq!(serde_json::to_value(&got_owners).unwrap(), owners);
}

#[tokio::test]
async fn events_forwarding_list_integrations_decodes_each_integration() {
    let (server, client) = setup().await;
    // Two integrations shaped like the page's sample for one integration.
    let body = json!([
        {
            "id": 1,
            "name": "Forward to Syslog",
            "customerId": 1,
            "type": "syslog",
            "enabled": true,
            "channels": ["POLICY_EVENTS"],
            "connectionInfo": { "ServiceURL": "syslog-address", "ServicePort": 514 }
        },
        { "id": 2, "name": "Disabled", "type": "splunk", "enabled": false, "channels": [] }
    ]);
    reply(
        &server,
        on("GET", "/api/v1/eventsForwarding/integrations"),
        200,
        &body,
    )
    .await;

    let integrations = client
        .list_events_forwarding_integrations()
        .send()
        .await
        .unwrap();

    assert_eq!(integrations.len(), 2);
    assert_eq!(integrations[0].name.as_deref(), Some("Forward to Syslog"));
    assert_eq!(
        integrations[0]
            .connection_info
            .as_ref()
            .and_then(|info| info.service_port),
        Some(514)
    );
    assert_eq!(integrations[1].enabled, Some(false));
    assert_eq!(round_trip::<Vec<EventsForwardingIntegration>>(&body), body);
}

/// The default falco rules files as `get_default_falco_rules_files` of Sysdig's SDK
/// (`sdcclient/secure/_falco_rules_files_old.py`) documents them, in their response wrapper.
fn default_falco_rules_files() -> Value {
    json!({
        "defaultFalcoRulesFiles": {
            "tag": "v1.5.9",
            "files": [
                {
                    "name": "falco_rules.yaml",
                    "variants": [
                        { "content": "- required_engine_version: 29\n\n- list: foo\n", "requiredEngineVersion": 29 },
                        { "content": "- required_engine_version: 1\n\n- list: foo\n", "requiredEngineVersion": 1 }
                    ]
                },
                {
                    "name": "k8s_audit_rules.yaml",
                    "variants": [{ "content": "# some comment\n", "requiredEngineVersion": 0 }]
                }
            ],
            "defaultPolicies": [{ "name": "Suspicious Container Activity", "rules": ["Terminal shell in container"] }]
        }
    })
}

#[tokio::test]
async fn falco_rules_files_decode_as_the_sdk_documents_them() {
    let (server, client) = setup().await;
    let default_files = default_falco_rules_files();
    let custom_files = json!({
        "customFalcoRulesFiles": {
            "tag": "custom-3",
            "files": [{
                "name": "falco_rules_local.yaml",
                "variants": [{ "content": "- macro: never_true\n  condition: (evt.num=0)\n", "requiredEngineVersion": 0 }]
            }]
        }
    });
    reply(
        &server,
        on("GET", "/api/settings/falco/defaultRulesFiles"),
        200,
        &default_files,
    )
    .await;
    reply(
        &server,
        on_json(
            "PUT",
            "/api/settings/falco/customRulesFiles",
            custom_files.clone(),
        ),
        200,
        &custom_files,
    )
    .await;

    let defaults = client.get_default_falco_rules_files().send().await.unwrap();
    let saved = client
        .set_custom_falco_rules_files(custom_files.clone())
        .send()
        .await
        .unwrap();

    let set = defaults.default_falco_rules_files.as_ref().unwrap();
    assert_eq!(set.tag.as_deref(), Some("v1.5.9"));
    let files = set.files.as_deref().unwrap();
    assert_eq!(files[0].name.as_deref(), Some("falco_rules.yaml"));
    let variants = files[0].variants.as_deref().unwrap();
    assert_eq!(variants[0].required_engine_version, Some(29));
    assert_eq!(
        variants[1].content.as_deref(),
        Some("- required_engine_version: 1\n\n- list: foo\n")
    );
    assert_eq!(serde_json::to_value(&defaults).unwrap(), default_files);
    let custom = saved.custom_falco_rules_files.as_ref().unwrap();
    assert_eq!(
        custom.files.as_deref().unwrap()[0].name.as_deref(),
        Some("falco_rules_local.yaml")
    );
    assert_eq!(serde_json::to_value(&saved).unwrap(), custom_files);
}

#[tokio::test]
async fn scanning_policy_evaluation_decodes_what_the_sdk_reads() {
    let (server, client) = setup().await;
    // The fields `get_image_scanning_results` of Sysdig's SDK (`sdcclient/_scanning.py`) reads.
    let body = json!({
        "imageDigest": "sha256:6b0f1c2d",
        "imageId": "3c4d5e6f",
        "status": "fail",
        "nStop": 1,
        "nWarn": 2,
        "at": 1_700_000_000,
        "results": [{
            "policyId": "default",
            "policyName": "DefaultPolicy",
            "nStop": 1,
            "nWarn": 2,
            "gateResults": [{
                "ruleResults": [
                    { "gateAction": "stop", "checkOutput": "HIGH Vulnerability found in os package type (dpkg) - libssl" },
                    { "gateAction": "warn", "checkOutput": "Dockerfile directive 'HEALTHCHECK' not found" }
                ]
            }]
        }]
    });
    reply(
        &server,
        on(
            "GET",
            "/api/scanning/v1/images/sha256:6b0f1c2d/policyEvaluation",
        ),
        200,
        &body,
    )
    .await;
    reply(
        &server,
        on(
            "GET",
            "/api/scanning/v1/images/by_id/3c4d5e6f/policyEvaluation",
        ),
        200,
        &body,
    )
    .await;

    let evaluation = client
        .get_image_policy_evaluation("sha256:6b0f1c2d")
        .send()
        .await
        .unwrap();
    let by_id = client
        .get_image_policy_evaluation_by_id("3c4d5e6f")
        .send()
        .await
        .unwrap();

    assert_eq!(evaluation.n_stop, Some(1));
    assert_eq!(evaluation.at, Some(1_700_000_000));
    let result = &evaluation.results.as_deref().unwrap()[0];
    assert_eq!(result.policy_id.as_deref(), Some("default"));
    let rules = result.gate_results.as_deref().unwrap()[0]
        .rule_results
        .as_deref()
        .unwrap();
    assert_eq!(rules[1].gate_action.as_deref(), Some("warn"));
    assert_eq!(evaluation, by_id);
    assert_eq!(serde_json::to_value(&evaluation).unwrap(), body);
}

#[test]
fn shapes_from_sysdigs_code_round_trip_through_their_types() {
    use sysdig_client::types::{
        CloudAccount, CloudAccountFeature, FalcoMacro, FalcoRule, ProfileList, ScanningPolicy,
        SecurityPolicyWithRules, VulnException, VulnExceptionList,
    };

    // `get_image_profile` of Sysdig's SDK (`sdcclient/_secure.py`) documents this page of
    // profiles (its placeholder numbers made real).
    let proposal = |name: &str, rule_type: &str| {
        json!({
            "subcategories": [{
                "name": name,
                "ruleName": format!("{name} - 5e6f7a8b"),
                "ruleType": rule_type,
                "score": 87.5
            }],
            "score": 87.5
        })
    };
    let profiles = json!({
        "offset": 0,
        "limit": 99,
        "canLoadMore": false,
        "profiles": [{
            "profileGroupId": 0,
            "profileId": "5e6f7a8b",
            "profileVersion": 3,
            "profileName": "sysdig/agent:12.0@5e6f7a8b",
            "imageId": "5e6f7a8b",
            "imageName": "sysdig/agent:12.0",
            "processesProposal": proposal("process", "PROCESS"),
            "fileSystemProposal": proposal("filesystem", "FILESYSTEM"),
            "syscallProposal": proposal("syscalls", "SYSCALL"),
            "networkProposal": proposal("network", "NETWORK"),
            "containerImagesProposal": proposal("container image", "CONTAINER"),
            "status": "FINALIZED",
            "score": 92.25
        }]
    });
    assert_eq!(round_trip::<ProfileList>(&profiles), profiles);

    // The objects `sdcclient/_scanning.py` and `sdcclient/secure/scanning/_alerts.py` send,
    // with the ids the server adds.
    let policy = json!({
        "id": "policy_3f2a",
        "name": "No root",
        "comment": "Images must not run as root",
        "version": "1_0",
        "policyBundleId": "default",
        "rules": [{ "gate": "dockerfile", "trigger": "effective_user", "action": "STOP", "params": [] }]
    });
    assert_eq!(round_trip::<ScanningPolicy>(&policy), policy);
    let exception = json!({
        "id": "vuln-1",
        "gate": "vulnerabilities",
        "trigger_id": "CVE-2023-44487+*",
        "enabled": true,
        "is_busy": false,
        "notes": "Not reachable",
        "expiration_date": 1_735_689_600
    });
    assert_eq!(round_trip::<VulnException>(&exception), exception);
    let list = json!({ "version": "1_0", "name": "Accepted", "comment": "", "items": [exception] });
    assert_eq!(round_trip::<VulnExceptionList>(&list), list);
    let alert = json!({
        "alertId": "alert-9",
        "name": "A name",
        "description": "A description",
        "type": "repository",
        "triggers": { "unscanned": false, "analysis_update": true, "vuln_update": true, "policy_eval": true, "failed": false },
        "repositories": [{ "registry": "docker.io", "repository": "sysdig/agent", "tag": "latest" }],
        "onlyPassFail": true,
        "skipEventSend": false,
        "enabled": true,
        "notificationChannelIds": [12, 13]
    });
    assert_eq!(round_trip::<ScanningAlert>(&alert), alert);

    // The models of Sysdig's Terraform provider (`sysdig/internal/client/v2/model.go`).
    let rule = json!({
        "id": 555,
        "name": "Read sensitive file",
        "description": "An attempt to read a sensitive file",
        "tags": ["filesystem", "mitre_credential_access"],
        "version": 2,
        "details": {
            "ruleType": "FALCO",
            "append": false,
            "source": "syscall",
            "output": "Sensitive file opened (file=%fd.name)",
            "priority": "warning",
            "condition": { "condition": "open_read and sensitive_files", "components": [] },
            "exceptions": [{ "name": "trusted", "fields": ["proc.name"], "comps": ["in"], "values": [[["sshd"]]] }],
            "minimumEngineVersion": 7,
            "containers": { "items": ["nginx"], "matchItems": true },
            "allOutbound": false,
            "allInbound": true
        }
    });
    assert_eq!(round_trip::<FalcoRule>(&rule), rule);
    let falco_macro = json!({
        "id": 88,
        "version": 4,
        "name": "open_read",
        "condition": { "condition": "evt.type in (open, openat) and evt.is_open_read=true" },
        "append": false,
        "minimumEngineVersion": 0
    });
    assert_eq!(round_trip::<FalcoMacro>(&falco_macro), falco_macro);
    let composite = json!({
        "policy": {
            "id": 7, "isDefault": false, "name": "Drift", "description": "", "severity": 4,
            "enabled": true, "ruleNames": ["Drift rule"], "rules": [{ "ruleName": "Drift rule", "enabled": true }],
            "actions": [{ "type": "POLICY_ACTION_KILL", "isLimitedToContainer": false }],
            "scope": "", "version": 1, "notificationChannelIds": [], "type": "drift", "origin": "Secure UI",
            "runbook": "", "templateId": 0, "templateVersion": ""
        },
        "rules": [{
            "id": "41", "name": "Drift rule", "origin": "Secure UI", "versionId": "v1", "filename": "",
            "description": "", "details": { "ruleType": "DRIFT", "mode": "prevent" }, "tags": [],
            "version": 1, "createdOn": 1_700_000_000_000_i64, "modifiedOn": 1_700_000_000_000_i64
        }]
    });
    assert_eq!(round_trip::<SecurityPolicyWithRules>(&composite), composite);

    // A cloud account as protobuf's JSON mapping writes `cloud_account.pb.go`'s CloudAccount:
    // a 64-bit customer id as a string, timestamps in RFC 3339, enums by name.
    let account = json!({
        "id": "acc-123",
        "customerId": "4242",
        "enabled": true,
        "organizationId": "org-1",
        "name": "prod",
        "providerId": "123456789012",
        "providerAlias": "prod-aws",
        "provider": "PROVIDER_AWS",
        "feature": {
            "secureThreatDetection": {
                "type": "FEATURE_SECURE_THREAT_DETECTION",
                "enabled": true,
                "components": ["COMPONENT_EVENT_BRIDGE/secure-runtime"],
                "flags": { "region": "us-east-1" }
            }
        },
        "createdAt": "2024-05-01T10:00:00Z",
        "updatedAt": "2024-05-02T11:30:00Z",
        "components": [{
            "type": "COMPONENT_TRUSTED_ROLE",
            "instance": "secure-posture",
            "version": "v0.1.0",
            "createdAt": "2024-05-01T10:00:00Z",
            "validation": { "result": "VALIDATION_RESULT_SUCCESS" }
        }],
        "virtual": false,
        "providerTenantId": "o-abc",
        "organizationManagement": false,
        "verbosity": "VERBOSITY_UNSPECIFIED",
        "regulatoryFramework": "REGULATORY_FRAMEWORK_UNSPECIFIED",
        "providerPartition": "PROVIDER_PARTITION_UNSPECIFIED",
        "organizationalUnitPath": "",
        "parentUuid": ""
    });
    assert_eq!(round_trip::<CloudAccount>(&account), account);
    let decoded: CloudAccount = serde_json::from_value(account.clone()).unwrap();
    assert_eq!(
        decoded.created_at.map(|at| at.timestamp()),
        Some(1_714_557_600)
    );
    let feature = &decoded.feature.as_ref().unwrap()["secureThreatDetection"];
    let again: CloudAccountFeature = round_trip_into(feature);
    assert_eq!(&again, feature);
}

/// `value` encoded and decoded again as a `T`.
fn round_trip_into<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
    serde_json::from_value(serde_json::to_value(value).unwrap()).unwrap()
}
