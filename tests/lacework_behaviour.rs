//! `lacework-edge-client` against a wiremock server on 127.0.0.1.
//!
//! * One operation of every resource (every tag of the spec): the request arrives with its
//!   method, path, exact query and the bearer token, the server answers with the page's own
//!   response sample for that operation, and the typed result encodes back to that sample.
//! * The server host is a variable with no default: the client is not built without `.host(..)`
//!   (or `.base_url(..)`), and a host that cannot be one is refused.
//! * Integer enums: known values decode to their variants, values the client does not know
//!   (a new status, a new data source) decode to `Unknown(n)` and are sent back unchanged;
//!   enum query filters are sent as the server expects them (`10001`, `PENDING`).
//! * Timestamps are `i64` milliseconds, exact beyond 2^53; an error body decodes as
//!   `ErrorResponse`; `deleteDevices` sends its body with `DELETE`; `login` sends no token.

use std::sync::OnceLock;

use clientgen_tests::{numbers_as_f64, without_nulls};
use futures::future::BoxFuture;
use lacework_edge_client::types::{
    self, Access, DataSource, EnumStatus, ErrorResponse, WorkflowRunStatus,
};
use lacework_edge_client::{BuildError, Client, Error};
use serde_json::{json, Value};
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| clientgen_tests::spec_json("lacework-edge"))
}

/// The spec's operation at a method and path.
fn operation(verb: &str, route: &str) -> &'static Value {
    let op = &spec()["paths"][route][verb.to_ascii_lowercase()];
    assert!(op.is_object(), "no operation {verb} {route}");
    op
}

/// The page's success sample of an operation, and its status.
fn success_sample(op: &Value) -> (u16, Value) {
    let responses = op["responses"].as_object().expect("responses");
    let (code, response) = responses
        .iter()
        .find(|(code, _)| code.starts_with('2'))
        .expect("a success response");
    let sample = response["content"]["application/json"]["example"].clone();
    (code.parse().expect("a status"), sample)
}

/// The page's request sample of an operation, as the body type.
fn request_sample<T: serde::de::DeserializeOwned>(verb: &str, route: &str) -> T {
    let sample = &operation(verb, route)["requestBody"]["content"]["application/json"]["example"];
    serde_json::from_value(without_nulls(sample)).expect("the request sample decodes")
}

async fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_token("edge-jwt")
        // tokenLogin takes the API token (`apiTokenAuth`); here it is the same value.
        .api_token_auth_token("edge-jwt")
        .max_retries(0)
        .build()
        .expect("a client for the mock server builds")
}

type Call = fn(&Client) -> BoxFuture<'_, Result<Value, String>>;

/// One operation of a resource: its method, spec path, the path and query it is sent with, and
/// the call (its typed result encoded as JSON).
struct Case {
    verb: &'static str,
    route: &'static str,
    sent_path: &'static str,
    query: &'static [(&'static str, &'static str)],
    call: Call,
}

macro_rules! case {
    ($verb:literal, $route:literal, $sent:literal, [$(($k:literal, $v:literal)),*], |$c:ident| $call:expr) => {
        Case {
            verb: $verb,
            route: $route,
            sent_path: $sent,
            query: &[$(($k, $v)),*],
            call: {
                fn call($c: &Client) -> BoxFuture<'_, Result<Value, String>> {
                    Box::pin(async move {
                        let result = $call.send().await.map_err(|err| err.to_string())?;
                        Ok(serde_json::to_value(result).expect("a result encodes"))
                    })
                }
                call
            },
        }
    };
}

fn cases() -> Vec<Case> {
    vec![
        case!(
            "GET",
            "/api/v1/accesses",
            "/api/v1/accesses",
            [("appid", "app-1"), ("userid", "user-1")],
            |c| c.query_accesses("app-1", "user-1")
        ),
        case!(
            "GET",
            "/api/v1/accounts/{name}",
            "/api/v1/accounts/acme",
            [],
            |c| c.get_account("acme")
        ),
        case!(
            "GET",
            "/api/v1/alert_configs",
            "/api/v1/alert_configs",
            [("status", "INIT,ACTIVE")],
            |c| c.query_alert_configs().status("INIT,ACTIVE")
        ),
        case!(
            "GET",
            "/api/v1/alerts",
            "/api/v1/alerts",
            [
                ("start_time", "1700000000000"),
                ("end_time", "1700003600000"),
                ("status_filter", "OPEN")
            ],
            |c| c.query_alerts("1700000000000", "1700003600000", "OPEN")
        ),
        case!(
            "GET",
            "/api/v1/app_control_policies/{uuid}",
            "/api/v1/app_control_policies/acp-1",
            [],
            |c| c.get_app_control_policy("acp-1")
        ),
        case!(
            "GET",
            "/api/v1/apps",
            "/api/v1/apps",
            [
                ("tag", "finance"),
                ("status", "ACTIVE"),
                ("datasource", "1,11")
            ],
            |c| c
                .query_apps()
                .tag("finance")
                .status("ACTIVE")
                .datasource("1,11")
        ),
        case!(
            "GET",
            "/api/v1/audit_events",
            "/api/v1/audit_events",
            [("start_time", "s"), ("end_time", "e")],
            |c| c.query_audit_events("s").end_time("e")
        ),
        case!(
            "GET",
            "/api/v1/blobs/{key}",
            "/api/v1/blobs/reports%2F2026",
            [],
            |c| c.get_blob("reports/2026")
        ),
        case!(
            "POST",
            "/api/v1/ca_certificates",
            "/api/v1/ca_certificates",
            [],
            |c| c.create_ca_certificate(request_sample("POST", "/api/v1/ca_certificates"))
        ),
        case!(
            "GET",
            "/api/v1/cards/{uuid}",
            "/api/v1/cards/card-1",
            [],
            |c| c.get_card("card-1")
        ),
        case!(
            "GET",
            "/api/v1/notification_channels/{uuid}",
            "/api/v1/notification_channels/ch-1",
            [("resolveDisplayNames", "true")],
            |c| c.get_notification_channel("ch-1", "true")
        ),
        case!(
            "GET",
            "/api/v1/client_configs/{uuid}",
            "/api/v1/client_configs/cc-1",
            [],
            |c| c.get_client_config("cc-1")
        ),
        case!(
            "GET",
            "/api/v1/connectors/{name}",
            "/api/v1/connectors/edge-east",
            [],
            |c| c.get_connector("edge-east")
        ),
        case!("GET", "/api/v1/countries", "/api/v1/countries", [], |c| c
            .query_countries()),
        case!("GET", "/api/v1/dashboards", "/api/v1/dashboards", [], |c| c
            .query_dashboards()),
        case!(
            "POST",
            "/api/v1/data_export_configs",
            "/api/v1/data_export_configs",
            [],
            |c| c.create_data_export_config(request_sample("POST", "/api/v1/data_export_configs"))
        ),
        case!(
            "POST",
            "/api/v1/customer_datasets",
            "/api/v1/customer_datasets",
            [],
            |c| c.create_customer_dataset()
        ),
        case!(
            "GET",
            "/api/v1/deployments/options",
            "/api/v1/deployments/options",
            [],
            |c| c.get_deployment_connector_options()
        ),
        case!("POST", "/api/v1/devices", "/api/v1/devices", [], |c| c
            .register_device(request_sample("POST", "/api/v1/devices"))),
        case!(
            "GET",
            "/api/v1/documents/{uuid}",
            "/api/v1/documents/doc-1",
            [],
            |c| c.get_document_metadata("doc-1")
        ),
        case!("GET", "/api/v1/gateways", "/api/v1/gateways", [], |c| c
            .query_gateways()),
        case!(
            "GET",
            "/api/v1/groups",
            "/api/v1/groups",
            [("datasource", "10001")],
            |c| c.query_groups().datasource("10001")
        ),
        case!(
            "GET",
            "/api/v1/integrations",
            "/api/v1/integrations",
            [("data_source", "10001")],
            |c| c.query_integrations().data_source(DataSource::Value10001)
        ),
        case!(
            "GET",
            "/api/v1/token_login",
            "/api/v1/token_login",
            [
                ("account", "acme"),
                ("redirect", "https://console.example/")
            ],
            |c| c.token_login("acme").redirect("https://console.example/")
        ),
        case!(
            "PATCH",
            "/api/v1/onboarding",
            "/api/v1/onboarding",
            [],
            |c| c.update_account_onboarding(request_sample("PATCH", "/api/v1/onboarding"))
        ),
        case!(
            "GET",
            "/api/v1/policies",
            "/api/v1/policies",
            [
                ("appid", "app-1"),
                ("userid", "user-1"),
                ("resolveDisplayNames", "false")
            ],
            |c| c.query_policies("app-1", "user-1", "false")
        ),
        case!(
            "GET",
            "/api/v1/posture_attributes/{uuid}",
            "/api/v1/posture_attributes/pa-1",
            [],
            |c| c.get_posture_attribute("pa-1")
        ),
        case!(
            "GET",
            "/api/v1/posture_profiles/{uuid}",
            "/api/v1/posture_profiles/pp-1",
            [],
            |c| c.get_posture_profile("pp-1")
        ),
        case!(
            "GET",
            "/api/v1/qs_views/{view}",
            "/api/v1/qs_views/user_logins",
            [("start_time", "s"), ("end_time", "e")],
            |c| c.query_qs_view("user_logins", "s", "e")
        ),
        case!(
            "GET",
            "/api/v1/tokens",
            "/api/v1/tokens",
            [("get_all", "true")],
            |c| c.query_tokens().get_all(true)
        ),
        case!(
            "GET",
            "/api/v1/users/{uuid}/devices",
            "/api/v1/users/user-1/devices",
            [],
            |c| c.get_user_devices("user-1")
        ),
        case!(
            "GET",
            "/api/v1/workflow_runs",
            "/api/v1/workflow_runs",
            [("status", "PENDING"), ("user_uuid", "user-1")],
            |c| c
                .query_workflow_runs()
                .status(WorkflowRunStatus::Pending)
                .user_uuid("user-1")
        ),
        case!(
            "GET",
            "/api/v1/workflows/{uuid}",
            "/api/v1/workflows/wf-1",
            [],
            |c| c.get_workflow("wf-1")
        ),
    ]
}

#[tokio::test]
async fn one_operation_of_every_resource_decodes_the_pages_response_sample() {
    let mut tags = std::collections::BTreeSet::new();
    for case in cases() {
        let server = MockServer::start().await;
        let op = operation(case.verb, case.route);
        tags.insert(op["tags"][0].as_str().expect("a tag").to_owned());
        // Served without Redoc's `null` placeholders (see `lacework_samples.rs`).
        let (status, sample) = success_sample(op);
        // An operation with no success sample returns untyped JSON: any body comes back as is.
        let sample = if sample.is_null() {
            json!({"untyped": [1, "two"]})
        } else {
            without_nulls(&sample)
        };
        Mock::given(method(case.verb))
            .and(path(case.sent_path))
            .and(header("authorization", "Bearer edge-jwt"))
            .respond_with(ResponseTemplate::new(status).set_body_json(&sample))
            .expect(1)
            .mount(&server)
            .await;
        let result = (case.call)(&client(&server).await)
            .await
            .unwrap_or_else(|err| panic!("{} {}: {err}", case.verb, case.route));
        let request = &server.received_requests().await.expect("recorded")[0];
        let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let expected: Vec<(String, String)> = case
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(query, expected, "{} {}: the query", case.verb, case.route);
        assert_eq!(
            numbers_as_f64(&result),
            numbers_as_f64(&sample),
            "{} {}: the decoded sample",
            case.verb,
            case.route
        );
    }
    let all: std::collections::BTreeSet<String> = spec()["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|tag| tag["name"].as_str().expect("a name").to_owned())
        .collect();
    assert_eq!(tags, all, "one case per resource");
}

#[tokio::test]
async fn the_host_must_be_set_and_fills_the_server_url() {
    let err = Client::builder().bearer_token("t").build().unwrap_err();
    assert!(matches!(err, BuildError::MissingBaseUrl), "{err:?}");

    let client = Client::builder()
        .host("edge.example.com")
        .bearer_token("t")
        .build()
        .expect("a host makes a client");
    assert_eq!(
        client.base_url().trim_end_matches('/'),
        "https://edge.example.com"
    );

    for bad in ["", "edge.example.com/api", "edge example"] {
        let err = Client::builder()
            .host(bad)
            .bearer_token("t")
            .build()
            .unwrap_err();
        match err {
            BuildError::InvalidServerVariable {
                method, variable, ..
            } => {
                assert_eq!((method, variable), ("host", "host"), "{bad:?}");
            }
            other => panic!("{bad:?}: expected InvalidServerVariable, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn unknown_enum_values_and_large_timestamps_survive_a_round_trip() {
    let server = MockServer::start().await;
    // Status 7 and data source 20001 are not on the page; the times are past 2^53.
    let access = json!({
        "uuid": "acc-1",
        "access_type": 2,
        "status": 7,
        "data_source": 20001,
        "create_time": 9_007_199_254_740_993_i64,
        "update_time": 1_732_233_600_123_i64,
    });
    Mock::given(method("GET"))
        .and(path("/api/v1/accesses/acc-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&access))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v1/accesses/acc-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&access))
        .mount(&server)
        .await;
    let client = client(&server).await;

    let got: Access = client.get_access("acc-1").send().await.expect("decodes");
    assert_eq!(got.status, Some(EnumStatus::Unknown(7)));
    assert_eq!(got.data_source, Some(DataSource::Unknown(20001)));
    assert_eq!(got.access_type, Some(types::AccessType::Value2));
    assert_eq!(got.create_time, Some(9_007_199_254_740_993));

    let mut update = types::UpdateAccessRequest::default();
    update.access = Some(got.clone());
    update.uuid = Some("acc-1".to_owned());
    client
        .update_access("acc-1", update)
        .send()
        .await
        .expect("sent");
    let sent: Value =
        serde_json::from_slice(&server.received_requests().await.expect("recorded")[1].body)
            .expect("a JSON body");
    assert_eq!(
        sent["access"], access,
        "unknown values go back as they came"
    );

    assert_eq!(EnumStatus::from(2), EnumStatus::Active);
    assert_eq!(EnumStatus::Deleted.value(), 4);
    assert_eq!(
        serde_json::to_value(EnumStatus::Suspended).expect("encodes"),
        json!(3)
    );
}

#[tokio::test]
async fn an_error_body_decodes_as_error_response() {
    let server = MockServer::start().await;
    let (_, sample) = {
        let op = operation("POST", "/api/v1/data_export_configs/validate");
        (
            (),
            op["responses"]["400"]["content"]["application/json"]["example"].clone(),
        )
    };
    Mock::given(any())
        .respond_with(ResponseTemplate::new(400).set_body_json(&sample))
        .mount(&server)
        .await;
    let mut body = types::ValidateRequest::default();
    body.account_name = Some("acme".to_owned());
    body.uuid = Some("dx-1".to_owned());
    let err = client(&server)
        .await
        .validate_data_export_config(body)
        .send()
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(
        api.body,
        Some({
            let mut built = ErrorResponse::default();
            built.message = Some("detailed error message".to_owned());
            built
        })
    );
}

#[tokio::test]
async fn delete_devices_sends_its_body_and_login_sends_no_token() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = client(&server).await;
    let mut body = types::DeleteDevicesRequest::default();
    body.account_name = Some("acme".to_owned());
    body.devices = Some(vec![{
        let mut built = types::DeviceToDelete::default();
        built.user_uuid = Some("user-1".to_owned());
        built.uuid = Some("dev-1".to_owned());
        built
    }]);
    client.delete_devices(body).send().await.expect("sent");
    client.login("acme").send().await.expect("sent");

    let received = server.received_requests().await.expect("recorded");
    assert_eq!(
        (received[0].method.as_str(), received[0].url.path()),
        ("DELETE", "/api/v1/devices")
    );
    let sent: Value = serde_json::from_slice(&received[0].body).expect("a JSON body");
    assert_eq!(
        sent,
        json!({"account_name": "acme", "devices": [{"user_uuid": "user-1", "uuid": "dev-1"}]})
    );
    assert!(received[0].headers.get("authorization").is_some());
    assert_eq!(received[1].url.path(), "/api/v1/login");
    assert!(
        received[1].headers.get("authorization").is_none(),
        "login is anonymous"
    );
}
