//! Behaviour tests of the generated Nobl9 Audit client (`nobl9-client`) against a wiremock
//! server on 127.0.0.1: every operation, the access-token exchange (first use, reuse,
//! concurrent calls, expiry, a 401, a 429 on the token endpoint, its 1-per-3-seconds limit),
//! offset pagination, and every sample of the page decoded and re-encoded with nothing lost.

use std::time::{Duration, Instant};

use clientgen_tests::round_trip;
use futures::TryStreamExt;
use nobl9_client::types::{AccessToken, AuditLogPage, ObjectKind, SortBy, SortOrder};
use nobl9_client::{BuildError, Client};
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORG: &str = "nobl9-dev";
/// base64("id:secret")
const BASIC: &str = "Basic aWQ6c2VjcmV0";
const ACCEPT: &str = "application/json; version=v1alpha";

/// A client of `server` with client credentials `id`/`secret` and organization [`ORG`].
fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .client_credentials("id", "secret")
        .organization(ORG)
        .retry_backoff(Duration::from_millis(10), Duration::from_millis(50))
        .build()
        .unwrap()
}

/// A request to the token endpoint as the page describes it: Basic credentials, the
/// organization and the versioned `Accept` header.
fn token_request() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path("/api/accessToken"))
        .and(header("authorization", BASIC))
        .and(header("organization", ORG))
        .and(header("accept", ACCEPT))
}

/// The token endpoint answering `{"access_token": token}` plus the fields of `extra`.
fn token_endpoint(token: &str, extra: Value) -> Mock {
    let mut body = json!({ "access_token": token });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    token_request().respond_with(ResponseTemplate::new(200).set_body_json(body))
}

/// `GET /api/audit/v1/logs` with `Bearer token` and the organization.
fn logs_with(token: &str) -> wiremock::MockBuilder {
    Mock::given(method("GET"))
        .and(path("/api/audit/v1/logs"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .and(header("organization", ORG))
}

fn entry(event: &str) -> Value {
    json!({
        "timestamp": "2019-08-24T14:15:22Z",
        "actor": { "clientId": "c", "userId": "u", "type": "user" },
        "event": event,
        "data": { "name": "my-slo" },
    })
}

fn empty_page() -> Value {
    json!({ "data": [], "offset": 0, "limit": 100, "total": 0 })
}

// ---------------------------------------------------------------------------------------------
// Every operation
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn generate_access_token_sends_basic_credentials_organization_and_accept() {
    let server = MockServer::start().await;
    token_endpoint("t1", json!({}))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .basic_auth("id", "secret")
        .organization(ORG)
        .build()
        .unwrap();

    let token = client.generate_access_token().send().await.unwrap();

    assert_eq!(token.access_token, "t1");
}

#[tokio::test]
async fn get_all_audit_logs_sends_every_parameter_and_decodes_the_page() {
    let server = MockServer::start().await;
    token_endpoint("t1", json!({}))
        .expect(1)
        .mount(&server)
        .await;
    let page = json!({ "data": [entry("created")], "offset": 10, "limit": 5, "total": 11 });
    logs_with("t1")
        .and(query_param("limit", "5"))
        .and(query_param("offset", "10"))
        .and(query_param("sortBy", "timestamp"))
        .and(query_param("sortOrder", "desc"))
        .and(query_param("from", "2024-01-01T00:00:00Z"))
        .and(query_param("to", "2024-02-01T00:00:00Z"))
        .and(query_param("actor", "ada@example.com"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&page))
        .expect(1)
        .mount(&server)
        .await;

    let result = client(&server)
        .get_all_audit_logs()
        .limit(5)
        .offset(10)
        .sort_by(SortBy::Timestamp)
        .sort_order(SortOrder::Desc)
        .from("2024-01-01T00:00:00Z".parse().unwrap())
        .to("2024-02-01T00:00:00Z".parse().unwrap())
        .actor("ada@example.com")
        .send()
        .await
        .unwrap();

    assert_eq!(serde_json::to_value(&result).unwrap(), page);
}

#[tokio::test]
async fn get_object_audit_log_puts_kind_and_name_in_the_path() {
    let server = MockServer::start().await;
    token_endpoint("t1", json!({}))
        .expect(1)
        .mount(&server)
        .await;
    let page = json!({ "data": [entry("updated")], "offset": 0, "limit": 100, "total": 1 });
    Mock::given(method("GET"))
        .and(path("/api/audit/v1/logs/slo/latency%20p99"))
        .and(header("authorization", "Bearer t1"))
        .and(header("organization", ORG))
        .and(query_param("event", "updated"))
        .and(query_param("actorType", "user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&page))
        .expect(1)
        .mount(&server)
        .await;

    let result = client(&server)
        .get_object_audit_log(ObjectKind::Slo, "latency p99")
        .event("updated")
        .actor_type("user")
        .send()
        .await
        .unwrap();

    assert_eq!(serde_json::to_value(&result).unwrap(), page);
}

#[tokio::test]
async fn audit_logs_page_by_offset_until_the_total() {
    let server = MockServer::start().await;
    token_endpoint("t1", json!({}))
        .expect(1)
        .mount(&server)
        .await;
    for (offset, events) in [
        (None, ["a", "b"].as_slice()),
        (Some("2"), &["c", "d"]),
        (Some("4"), &["e"]),
    ] {
        let page = json!({
            "data": events.iter().map(|e| entry(e)).collect::<Vec<_>>(),
            "offset": offset.unwrap_or("0").parse::<i64>().unwrap(),
            "limit": 2,
            "total": 5,
        });
        let mock = logs_with("t1").and(query_param("limit", "2"));
        let mock = match offset {
            Some(offset) => mock.and(query_param("offset", offset)),
            None => mock.and(query_param_is_missing("offset")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(page))
            .expect(1)
            .mount(&server)
            .await;
    }

    let entries: Vec<_> = client(&server)
        .get_all_audit_logs()
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap();

    let events: Vec<_> = entries.iter().filter_map(|e| e.event.as_deref()).collect();
    assert_eq!(events, ["a", "b", "c", "d", "e"]);
}

#[tokio::test]
async fn the_organization_is_required() {
    let err = Client::builder()
        .client_credentials("id", "secret")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            BuildError::MissingSetting {
                method: "organization",
                ..
            }
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The access token
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_token_is_fetched_on_first_use_and_reused() {
    let server = MockServer::start().await;
    token_endpoint("t1", json!({}))
        .expect(1)
        .mount(&server)
        .await;
    logs_with("t1")
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_page()))
        .expect(3)
        .mount(&server)
        .await;
    let client = client(&server);
    let clone = client.clone();

    client.get_all_audit_logs().send().await.unwrap();
    client.get_all_audit_logs().send().await.unwrap();
    clone.get_all_audit_logs().send().await.unwrap();
}

#[tokio::test]
async fn concurrent_calls_share_one_token_request() {
    let server = MockServer::start().await;
    token_request()
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t1"}))
                .set_delay(Duration::from_millis(100)),
        )
        .expect(1)
        .mount(&server)
        .await;
    logs_with("t1")
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_page()))
        .expect(8)
        .mount(&server)
        .await;
    let client = client(&server);

    let results =
        futures::future::join_all((0..8).map(|_| client.get_all_audit_logs().send())).await;

    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

#[tokio::test]
async fn an_expiring_token_is_replaced_before_it_runs_out() {
    let server = MockServer::start().await;
    // A token that the server says lasts 1 second is replaced shortly before then.
    token_endpoint("t1", json!({"expires_in": 1}))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    token_endpoint("t2", json!({"expires_in": 3600}))
        .expect(1)
        .mount(&server)
        .await;
    for token in ["t1", "t2"] {
        logs_with(token)
            .respond_with(ResponseTemplate::new(200).set_body_json(empty_page()))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);

    client.get_all_audit_logs().send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(950)).await;
    client.get_all_audit_logs().send().await.unwrap();
}

#[tokio::test]
async fn a_401_fetches_a_new_token_within_the_rate_limit() {
    let server = MockServer::start().await;
    token_endpoint("t1", json!({}))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    token_endpoint("t2", json!({}))
        .expect(1)
        .mount(&server)
        .await;
    logs_with("t1")
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    logs_with("t2")
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_page()))
        .expect(1)
        .mount(&server)
        .await;

    let started = Instant::now();
    client(&server).get_all_audit_logs().send().await.unwrap();

    // The second token request waited for the endpoint's 1 request per 3 seconds.
    assert!(
        started.elapsed() >= Duration::from_millis(2900),
        "tokens were requested too fast"
    );
}

#[tokio::test]
async fn a_429_on_the_token_endpoint_is_retried_after_the_wait() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/accessToken"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    token_endpoint("t1", json!({}))
        .expect(1)
        .mount(&server)
        .await;
    logs_with("t1")
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_page()))
        .expect(1)
        .mount(&server)
        .await;

    client(&server).get_all_audit_logs().send().await.unwrap();
}

#[tokio::test]
async fn a_refused_token_request_is_an_auth_error_naming_the_status() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/accessToken"))
        .respond_with(ResponseTemplate::new(403).set_body_string("bad client secret"))
        .mount(&server)
        .await;

    let err = client(&server)
        .get_all_audit_logs()
        .send()
        .await
        .unwrap_err();

    assert!(matches!(err, nobl9_client::Error::Auth(_)), "{err:?}");
    assert!(err.to_string().contains("403"), "{err}");
    assert!(!err.to_string().contains("secret\""), "{err}");
}

// ---------------------------------------------------------------------------------------------
// The page's samples
// ---------------------------------------------------------------------------------------------

/// The `example` of the 200 response of `method path` in the Nobl9 spec, as JSON.
fn sample(spec: &serde_yaml::Value, route: &str, verb: &str) -> Value {
    let content = &spec["paths"][route][verb]["responses"]["200"]["content"];
    let media = content
        .as_mapping()
        .and_then(|m| m.values().next())
        .unwrap_or_else(|| panic!("{verb} {route} has no 200 content"));
    serde_json::to_value(&media["example"]).unwrap()
}

#[test]
fn every_sample_of_the_page_round_trips_through_the_generated_types() {
    let text =
        std::fs::read_to_string(clientgen_tests::repo_root().join("specs/nobl9/openapi.yaml"))
            .unwrap();
    let spec: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();

    let token = sample(&spec, "/api/accessToken", "post");
    assert_eq!(round_trip::<AccessToken>(&token), token);

    for route in ["/api/audit/v1/logs", "/api/audit/v1/logs/{kind}/{name}"] {
        let page = sample(&spec, route, "get");
        assert!(
            page["data"].as_array().is_some_and(|d| !d.is_empty()),
            "{route}"
        );
        assert_eq!(round_trip::<AuditLogPage>(&page), page, "{route}");
    }
}
