//! Behaviour tests of the token exchanges that specs describe with `x-token-exchange`, for
//! the credentials users actually hold, against wiremock servers on 127.0.0.1 (nothing here
//! reaches the internet):
//!
//! * Sysdig on IBM Cloud (`sysdig-client`): `.ibm_api_key(..)` exchanges an IBM Cloud API key
//!   at IAM (`POST /identity/token`, a form body with `grant_type` and `apikey`, `Accept:
//!   application/json`), moved to a local stand-in with `.token_url(..)`. The stand-in checks
//!   the form body and its content type, and that none of the API's headers reach it; the API
//!   call carries `Authorization: Bearer <access_token>`; the token is reused across calls and
//!   clones, shared by concurrent calls, replaced before `expires_in` runs out and after a
//!   401; a 400 from IAM is `Error::Auth` naming the exchange, without the key; the key shows
//!   in no `Debug` output, tracing event or error; redirects to another origin take neither
//!   the access token (from an API call) nor the key (from IAM: a 307 is refused, a 302
//!   followed with a bare `GET`).
//! * Lacework Edge (`lacework-edge-client`): `.api_token(account, token)` sends the API token
//!   as `Authorization: Bearer` to `GET /api/v1/token_login?account=..`, and the JWT of its
//!   `LoginSession` (`token`) authenticates the next calls; `ttl_sec` drives the refresh, a
//!   `ttl_sec` of 0 keeps the JWT until a 401, a refused login is `Error::Auth`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

// ---------------------------------------------------------------------------------------------
// Sysdig on IBM Cloud: an IBM Cloud API key exchanged at IAM
// ---------------------------------------------------------------------------------------------

/// The IBM Cloud API key of the test clients.
const API_KEY: &str = "ibm-key-0123456789abcdef";

/// The `IBMInstanceID` every Sysdig test client sends.
const INSTANCE: &str = "a1b2c3d4-e5f6-4789-8abc-def012345678";

/// The IBM Cloud account ID (`Account` header) every Sysdig test client sends.
const ACCOUNT_ID: &str = "b0c1d2e3f4";

/// The grant type IAM's API-key exchange takes.
const GRANT_TYPE: &str = "urn:ibm:params:oauth:grant-type:apikey";

/// The form fields of a request body, decoded.
fn form_fields(request: &Request) -> Vec<(String, String)> {
    let body = String::from_utf8_lossy(&request.body);
    reqwest::Url::parse(&format!("http://form.invalid/?{body}"))
        .map(|url| url.query_pairs().into_owned().collect())
        .unwrap_or_default()
}

/// A request to the IAM stand-in as IBM documents it: `POST /identity/token`, a form body
/// with exactly `grant_type` and `apikey`, `Accept: application/json`, and nothing of the
/// Sysdig API (no `Authorization`, `IBMInstanceID` or `Account`).
fn iam_request() -> MockBuilder {
    Mock::given(method("POST"))
        .and(path("/identity/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(header("accept", "application/json"))
        .and(|request: &Request| {
            let mut fields = form_fields(request);
            fields.sort();
            fields
                == [
                    ("apikey".to_owned(), API_KEY.to_owned()),
                    ("grant_type".to_owned(), GRANT_TYPE.to_owned()),
                ]
        })
        .and(|request: &Request| {
            ["authorization", "ibminstanceid", "account"]
                .iter()
                .all(|name| !request.headers.contains_key(*name))
        })
}

/// IAM's answer: an access token valid for `expires_in` seconds, with the other fields IBM
/// documents.
fn iam_answer(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": token,
        "refresh_token": "not_supported",
        "token_type": "Bearer",
        "expires_in": expires_in,
        "expiration": 1_700_000_000 + expires_in,
        "scope": "ibm openid",
    }))
}

/// The IAM stand-in answering `token`, valid for an hour.
fn iam(token: &str) -> Mock {
    iam_request().respond_with(iam_answer(token, 3600))
}

/// `GET /api/cspm/v1/compliance/views` with `Bearer token` and the instance and account
/// headers.
fn views_with(token: &str) -> MockBuilder {
    Mock::given(method("GET"))
        .and(path("/api/cspm/v1/compliance/views"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .and(header("ibminstanceid", INSTANCE))
        .and(header("account", ACCOUNT_ID))
}

fn views() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "data": [] }))
}

/// A Sysdig client of `api` whose API key is exchanged at `iam` instead of IBM's IAM.
fn sysdig_builder(api: &MockServer, iam: &MockServer) -> sysdig_client::ClientBuilder {
    sysdig_client::Client::builder()
        .base_url(api.uri())
        .ibm_api_key(API_KEY)
        .token_url(format!("{}/identity/token", iam.uri()))
        .ibm_instance_id(INSTANCE)
        .account(ACCOUNT_ID)
        .retry_backoff(Duration::from_millis(10), Duration::from_millis(50))
}

fn sysdig(api: &MockServer, iam: &MockServer) -> sysdig_client::Client {
    sysdig_builder(api, iam).build().unwrap()
}

#[tokio::test]
async fn the_api_key_is_exchanged_at_iam_and_the_access_token_sent_as_bearer() {
    let (api, iam_server) = (MockServer::start().await, MockServer::start().await);
    iam("iam-1").expect(1).mount(&iam_server).await;
    views_with("iam-1")
        .respond_with(views())
        .expect(1)
        .mount(&api)
        .await;

    let views = sysdig(&api, &iam_server)
        .list_compliance_views()
        .send()
        .await
        .unwrap();

    assert_eq!(views, json!({ "data": [] }));
    // Nothing of the exchange went to the API's server.
    let to_api = api.received_requests().await.unwrap();
    assert_eq!(to_api.len(), 1);
    assert!(!String::from_utf8_lossy(&to_api[0].body).contains(API_KEY));
}

#[tokio::test]
async fn the_token_url_may_be_set_before_the_key() {
    let (api, iam_server) = (MockServer::start().await, MockServer::start().await);
    iam("iam-1").expect(1).mount(&iam_server).await;
    views_with("iam-1")
        .respond_with(views())
        .expect(1)
        .mount(&api)
        .await;
    let client = sysdig_client::Client::builder()
        .token_url(format!("{}/identity/token", iam_server.uri()))
        .base_url(api.uri())
        .ibm_instance_id(INSTANCE)
        .account(ACCOUNT_ID)
        .ibm_api_key(API_KEY)
        .build()
        .unwrap();

    client.list_compliance_views().send().await.unwrap();
}

#[tokio::test]
async fn the_access_token_is_reused_across_calls_and_clones() {
    let (api, iam_server) = (MockServer::start().await, MockServer::start().await);
    iam("iam-1").expect(1).mount(&iam_server).await;
    views_with("iam-1")
        .respond_with(views())
        .expect(3)
        .mount(&api)
        .await;
    let client = sysdig(&api, &iam_server);
    let clone = client.clone();

    client.list_compliance_views().send().await.unwrap();
    client.list_compliance_views().send().await.unwrap();
    clone.list_compliance_views().send().await.unwrap();
}

#[tokio::test]
async fn concurrent_calls_share_one_exchange() {
    let (api, iam_server) = (MockServer::start().await, MockServer::start().await);
    iam_request()
        .respond_with(iam_answer("iam-1", 3600).set_delay(Duration::from_millis(100)))
        .expect(1)
        .mount(&iam_server)
        .await;
    views_with("iam-1")
        .respond_with(views())
        .expect(8)
        .mount(&api)
        .await;
    let client = sysdig(&api, &iam_server);

    let results =
        futures::future::join_all((0..8).map(|_| client.list_compliance_views().send())).await;

    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

#[tokio::test]
async fn the_access_token_is_replaced_before_expires_in_runs_out() {
    let (api, iam_server) = (MockServer::start().await, MockServer::start().await);
    iam_request()
        .respond_with(iam_answer("iam-1", 1))
        .up_to_n_times(1)
        .expect(1)
        .mount(&iam_server)
        .await;
    iam("iam-2").expect(1).mount(&iam_server).await;
    for token in ["iam-1", "iam-2"] {
        views_with(token)
            .respond_with(views())
            .expect(1)
            .mount(&api)
            .await;
    }
    let client = sysdig(&api, &iam_server);

    client.list_compliance_views().send().await.unwrap();
    // A token of 1 second is replaced a tenth of its lifetime before it runs out.
    tokio::time::sleep(Duration::from_millis(950)).await;
    client.list_compliance_views().send().await.unwrap();
}

#[tokio::test]
async fn a_401_exchanges_the_key_again_once() {
    let (api, iam_server) = (MockServer::start().await, MockServer::start().await);
    iam("iam-1")
        .up_to_n_times(1)
        .expect(1)
        .mount(&iam_server)
        .await;
    iam("iam-2").expect(1).mount(&iam_server).await;
    views_with("iam-1")
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&api)
        .await;
    views_with("iam-2")
        .respond_with(views())
        .expect(1)
        .mount(&api)
        .await;

    sysdig(&api, &iam_server)
        .list_compliance_views()
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_400_from_iam_is_an_auth_error_that_names_the_exchange_not_the_key() {
    let (api, iam_server) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("POST"))
        .and(path("/identity/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "errorCode": "BXNIM0415E",
            "errorMessage": "Provided API key could not be found",
            "context": { "requestType": "apikey", "apikey": API_KEY },
        })))
        .expect(1)
        .mount(&iam_server)
        .await;
    views_with("never")
        .respond_with(views())
        .expect(0)
        .mount(&api)
        .await;

    let err = sysdig(&api, &iam_server)
        .list_compliance_views()
        .send()
        .await
        .unwrap_err();

    assert!(matches!(err, sysdig_client::Error::Auth(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("400"), "{text}");
    assert!(text.contains("/identity/token"), "{text}");
    assert!(text.contains("BXNIM0415E"), "{text}");
    assert!(!text.contains(API_KEY), "{text}");
    assert!(!format!("{err:?}").contains(API_KEY), "{err:?}");
}

#[tokio::test]
async fn the_key_shows_in_no_debug_output_or_tracing_event() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let (api, iam_server) = (MockServer::start().await, MockServer::start().await);
    iam("iam-1").mount(&iam_server).await;
    views_with("iam-1").respond_with(views()).mount(&api).await;

    let builder = sysdig_builder(&api, &iam_server);
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    client.list_compliance_views().send().await.unwrap();
    let client_debug = format!("{client:?}");

    for (what, text) in [
        ("builder", builder_debug),
        ("client", client_debug),
        ("tracing", capture.text()),
    ] {
        assert!(!text.contains(API_KEY), "{what}: {text}");
        assert!(!text.contains("iam-1"), "{what}: {text}");
    }
    assert!(
        capture.text().contains("/identity/token"),
        "the exchange has its span"
    );
}

#[tokio::test]
async fn an_unusable_token_url_fails_the_build() {
    let err = sysdig_client::Client::builder()
        .ibm_api_key(API_KEY)
        .ibm_instance_id(INSTANCE)
        .account(ACCOUNT_ID)
        .token_url("iam.cloud.ibm.com/identity/token")
        .build()
        .unwrap_err();

    assert!(
        matches!(err, sysdig_client::BuildError::InvalidTokenUrl { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_fixed_bearer_token_needs_no_exchange() {
    let (api, iam_server) = (MockServer::start().await, MockServer::start().await);
    iam("iam-1").expect(0).mount(&iam_server).await;
    views_with("fixed")
        .respond_with(views())
        .expect(1)
        .mount(&api)
        .await;
    let client = sysdig_client::Client::builder()
        .base_url(api.uri())
        .token_url(format!("{}/identity/token", iam_server.uri()))
        .bearer_token("fixed")
        .ibm_instance_id(INSTANCE)
        .account(ACCOUNT_ID)
        .build()
        .unwrap();

    client.list_compliance_views().send().await.unwrap();
}

/// Collects what a `tracing_subscriber::fmt` subscriber writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// What of the Sysdig client's secrets or API headers `request` carries: the IAM key or the
/// access token anywhere (URL, headers, body), `Authorization`, `IBMInstanceID`, `Account`,
/// `Referer`.
fn sysdig_secrets_in(request: &Request, token: &str) -> Vec<String> {
    let mut found: Vec<String> = ["authorization", "ibminstanceid", "account", "referer"]
        .into_iter()
        .filter(|name| request.headers.contains_key(*name))
        .map(str::to_owned)
        .collect();
    let mut text = format!(
        "{}\n{}",
        request.url,
        String::from_utf8_lossy(&request.body)
    );
    for (name, value) in &request.headers {
        text.push_str(&format!(
            "\n{name}: {}",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    found.extend(
        [API_KEY, token]
            .into_iter()
            .filter(|secret| text.contains(secret))
            .map(|secret| format!("the secret {secret}")),
    );
    found
}

#[tokio::test]
async fn an_exchanged_token_does_not_follow_a_redirect_to_another_origin() {
    let (api, iam_server) = (MockServer::start().await, MockServer::start().await);
    let other = MockServer::start().await;
    iam("iam-redirected").expect(1).mount(&iam_server).await;
    views_with("iam-redirected")
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/views", other.uri()).as_str()),
        )
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/views"))
        .respond_with(views())
        .mount(&other)
        .await;

    let views = sysdig(&api, &iam_server)
        .list_compliance_views()
        .send()
        .await
        .unwrap();

    assert_eq!(views, json!({ "data": [] }));
    let at_other = other.received_requests().await.unwrap();
    assert_eq!(at_other.len(), 1);
    assert_eq!(
        sysdig_secrets_in(&at_other[0], "iam-redirected"),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn the_token_request_never_takes_its_key_to_another_origin() {
    // A 307 would resend the form body, with the key, to the other origin: refused.
    let (api, iam_server) = (MockServer::start().await, MockServer::start().await);
    let other = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/token"))
        .respond_with(ResponseTemplate::new(307).insert_header(
            "location",
            format!("{}/identity/token", other.uri()).as_str(),
        ))
        .mount(&iam_server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(iam_answer("stolen", 3600))
        .mount(&other)
        .await;

    let err = sysdig(&api, &iam_server)
        .list_compliance_views()
        .send()
        .await
        .unwrap_err();

    assert!(matches!(err, sysdig_client::Error::Auth(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("307") && text.contains("another origin"),
        "{text}"
    );
    assert!(!text.contains(API_KEY), "{text}");
    assert!(other.received_requests().await.unwrap().is_empty());
    assert!(api.received_requests().await.unwrap().is_empty());

    // A 302 is followed with a GET that carries neither the form body nor anything else.
    let iam_server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/token"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("{}/identity/token", other.uri()).as_str(),
        ))
        .mount(&iam_server)
        .await;

    let _ = sysdig(&api, &iam_server)
        .list_compliance_views()
        .send()
        .await;

    let at_other = other.received_requests().await.unwrap();
    assert_eq!(at_other.len(), 1);
    assert_eq!(at_other[0].method.as_str(), "GET");
    assert!(at_other[0].body.is_empty());
    assert!(!at_other[0].headers.contains_key("content-type"));
    assert_eq!(
        sysdig_secrets_in(&at_other[0], "no token"),
        Vec::<String>::new()
    );
}

// ---------------------------------------------------------------------------------------------
// Lacework Edge: an API token exchanged at tokenLogin for the session's JWT
// ---------------------------------------------------------------------------------------------

/// The Lacework Edge API token of the test clients.
const API_TOKEN: &str = "edge-api-token-42";

/// The account name the test clients log in to.
const ACCOUNT: &str = "acme corp";

fn lacework(server: &MockServer) -> lacework_edge_client::Client {
    lacework_edge_client::Client::builder()
        .base_url(server.uri())
        .api_token(ACCOUNT, API_TOKEN)
        .retry_backoff(Duration::from_millis(10), Duration::from_millis(50))
        .build()
        .unwrap()
}

/// `GET /api/v1/token_login?account=..` with the API token as a bearer token.
fn token_login() -> MockBuilder {
    Mock::given(method("GET"))
        .and(path("/api/v1/token_login"))
        .and(query_param("account", ACCOUNT))
        .and(header(
            "authorization",
            format!("Bearer {API_TOKEN}").as_str(),
        ))
}

/// The `LoginSession` of the page's sample, with the JWT `token` and its `ttl_sec`.
fn session(token: &str, ttl_sec: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "account_name": ACCOUNT,
        "account_uuid": "9f0c",
        "login_type": 0,
        "status": 0,
        "token": token,
        "ttl_sec": ttl_sec,
        "user_uuid": "u-1",
        "uuid": "s-1",
        "view_pii_log_only": false,
    }))
}

/// `GET /api/v1/tokens` with `Bearer jwt`.
fn tokens_with(jwt: &str) -> MockBuilder {
    Mock::given(method("GET"))
        .and(path("/api/v1/tokens"))
        .and(header("authorization", format!("Bearer {jwt}").as_str()))
}

fn no_tokens() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "tokens": [] }))
}

#[tokio::test]
async fn the_api_token_logs_in_and_the_jwt_authenticates_the_next_calls() {
    let server = MockServer::start().await;
    token_login()
        .respond_with(session("jwt-1", 3600))
        .expect(1)
        .mount(&server)
        .await;
    tokens_with("jwt-1")
        .respond_with(no_tokens())
        .expect(2)
        .mount(&server)
        .await;
    let client = lacework(&server);

    let first = client.query_tokens().send().await.unwrap();
    client.query_tokens().send().await.unwrap();

    assert_eq!(
        serde_json::to_value(first).unwrap(),
        json!({ "tokens": [] })
    );
    let logins: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/api/v1/token_login")
        .map(|r| json!(r.url.query()))
        .collect();
    assert_eq!(logins, [json!("account=acme%20corp")]);
}

#[tokio::test]
async fn ttl_sec_drives_the_refresh() {
    let server = MockServer::start().await;
    token_login()
        .respond_with(session("jwt-1", 1))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    token_login()
        .respond_with(session("jwt-2", 3600))
        .expect(1)
        .mount(&server)
        .await;
    for jwt in ["jwt-1", "jwt-2"] {
        tokens_with(jwt)
            .respond_with(no_tokens())
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = lacework(&server);

    client.query_tokens().send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(950)).await;
    client.query_tokens().send().await.unwrap();
}

#[tokio::test]
async fn a_ttl_sec_of_0_keeps_the_jwt_until_a_401() {
    let server = MockServer::start().await;
    token_login()
        .respond_with(session("jwt-1", 0))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    token_login()
        .respond_with(session("jwt-2", 0))
        .expect(1)
        .mount(&server)
        .await;
    tokens_with("jwt-1")
        .respond_with(no_tokens())
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    tokens_with("jwt-1")
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    tokens_with("jwt-2")
        .respond_with(no_tokens())
        .expect(1)
        .mount(&server)
        .await;
    let client = lacework(&server);

    client.query_tokens().send().await.unwrap();
    client.query_tokens().send().await.unwrap();
    // The third call's JWT is refused: one new login, and the call succeeds.
    client.query_tokens().send().await.unwrap();
}

#[tokio::test]
async fn a_refused_login_is_an_auth_error_without_the_api_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/token_login"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(json!({ "error": "invalid api token" })),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = lacework(&server);
    let err = client.query_tokens().send().await.unwrap_err();

    assert!(
        matches!(err, lacework_edge_client::Error::Auth(_)),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("403"), "{text}");
    assert!(text.contains("/api/v1/token_login"), "{text}");
    assert!(!text.contains(API_TOKEN), "{text}");
    assert!(!format!("{client:?}").contains(API_TOKEN));
}

#[tokio::test]
async fn token_login_can_still_be_called_with_the_api_token_alone() {
    let server = MockServer::start().await;
    token_login()
        .respond_with(session("jwt-1", 3600))
        .expect(1)
        .mount(&server)
        .await;
    let client = lacework_edge_client::Client::builder()
        .base_url(server.uri())
        .api_token_auth_token(API_TOKEN)
        .build()
        .unwrap();

    let session = client.token_login(ACCOUNT).send().await.unwrap();

    assert_eq!(session.token.as_deref(), Some("jwt-1"));
    assert_eq!(session.ttl_sec, Some(3600));
}
