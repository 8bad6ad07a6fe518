//! Behaviour of the runtime that every generated client shares, through `showcase-client`
//! (generated from `tests/specs/showcase/openapi.yaml`, a made-up spec with every kind of
//! credential, a client-wide header, every pagination style and rate limits), against real
//! HTTP servers on 127.0.0.1: wiremock, and a raw TCP listener where a connection must be cut.
//!
//! * Retries: 429 with `Retry-After` in seconds and as an HTTP date, 503 twice, a reset
//!   connection, what is not retried (POST on 503, timeouts), the budget running out, the
//!   deadline.
//! * Credentials: a token refresh shared by concurrent calls, a 401 that fetches a new token,
//!   expiry, each operation's security scheme, the required `Organization` setting.
//! * Refusals: CR/LF in settings, header parameters and credentials; malformed JSON.
//! * Rate limits shared by clones; tracing spans with no secret in them.
//! * Integer enums (named by `x-enum-varnames` and not): known and unknown values decoded,
//!   encoded again exactly, and sent back through a client.
//! * Pagination: three pages in each style (page number in the query and in the body, offset,
//!   token, cursor), each stop condition, and failures mid-stream.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use showcase_client::types::{SearchRequest, Widget, WidgetPriority, WidgetStatus};
use showcase_client::{AccessToken, BoxError, BuildError, Client, ClientBuilder, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok";
const ORG: &str = "acme";

/// A builder for a client of `uri` with a bearer token, the organization, and short backoff
/// so retry tests are quick.
fn builder(uri: &str) -> ClientBuilder {
    Client::builder()
        .base_url(uri)
        .bearer_token(TOKEN)
        .organization(ORG)
        .retry_backoff(Duration::from_millis(10), Duration::from_millis(50))
}

fn client(server: &MockServer) -> Client {
    builder(&server.uri()).build().unwrap()
}

fn widget(id: i64) -> Value {
    json!({"id": id, "name": format!("widget {id}"), "color": "red"})
}

fn widgets(ids: &[i64]) -> Vec<Value> {
    ids.iter().map(|id| widget(*id)).collect()
}

fn ids(items: &[Widget]) -> Vec<i64> {
    items.iter().map(|w| w.id).collect()
}

fn ok_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Mounts `response` for `GET /widgets/1`, answering at most `times` requests (all if `None`),
/// taking precedence over mocks mounted later.
async fn get_widget_answers(server: &MockServer, response: ResponseTemplate, times: Option<u64>) {
    let mut mock = Mock::given(method("GET")).and(path("/widgets/1"));
    mock = mock.and(header("authorization", "Bearer tok"));
    let mut mock = mock.respond_with(response);
    if let Some(times) = times {
        mock = mock.up_to_n_times(times);
    }
    mock.mount(server).await;
}

async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_429_with_retry_after_is_retried_after_the_wait_even_for_post() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/widgets/1"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/widgets/1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    let started = Instant::now();
    client(&server).touch_widget(1).send().await.unwrap();

    assert_eq!(requests(&server).await.len(), 2);
    // The backoff alone would be under 50 ms; only the header explains a wait of a second.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After was not honoured"
    );
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start().await;
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    get_widget_answers(
        &server,
        ResponseTemplate::new(503).insert_header("retry-after", date.as_str()),
        Some(1),
    )
    .await;
    get_widget_answers(&server, ok_json(widget(1)), None).await;

    let started = Instant::now();
    let widget = client(&server).get_widget(1).send().await.unwrap();

    assert_eq!(widget.id, 1);
    assert_eq!(requests(&server).await.len(), 2);
    // HTTP dates have whole seconds: a date 2 s ahead is at least 1 s away.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "the date was not honoured"
    );
}

#[tokio::test]
async fn a_503_twice_then_200_succeeds_on_the_third_attempt() {
    let server = MockServer::start().await;
    get_widget_answers(&server, ResponseTemplate::new(503), Some(2)).await;
    get_widget_answers(&server, ok_json(widget(1)), None).await;

    let widget = client(&server).get_widget(1).send().await.unwrap();

    assert_eq!(widget.name, "widget 1");
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn the_retry_budget_exhausted_reports_the_attempts() {
    let server = MockServer::start().await;
    get_widget_answers(
        &server,
        ResponseTemplate::new(503).set_body_string("down"),
        None,
    )
    .await;
    let client = builder(&server.uri()).max_retries(3).build().unwrap();

    let err = client.get_widget(1).send().await.unwrap_err();

    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!((api.status.as_u16(), api.attempts), (503, 4));
    assert_eq!(err.attempts(), 4);
    assert_eq!(
        err.to_string(),
        "API error: HTTP 503 Service Unavailable (after 4 attempts): down"
    );
    assert_eq!(requests(&server).await.len(), 4);
}

#[tokio::test]
async fn zero_retries_turns_retrying_off() {
    let server = MockServer::start().await;
    get_widget_answers(&server, ResponseTemplate::new(503), None).await;
    let client = builder(&server.uri()).max_retries(0).build().unwrap();

    let err = client.get_widget(1).send().await.unwrap_err();

    assert_eq!(
        (err.status().map(|s| s.as_u16()), err.attempts()),
        (Some(503), 1)
    );
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_post_is_not_retried_on_503() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/widgets/1"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;

    let err = client(&server).touch_widget(1).send().await.unwrap_err();

    assert_eq!(err.attempts(), 1);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_put_is_retried_on_503() {
    let server = MockServer::start().await;
    let mock = || Mock::given(method("PUT")).and(path("/widgets/1"));
    mock()
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mock().respond_with(ok_json(widget(1))).mount(&server).await;
    let body: Widget = serde_json::from_value(widget(1)).unwrap();

    let stored = client(&server)
        .replace_widget(1, body.clone())
        .send()
        .await
        .unwrap();

    assert_eq!(stored, body);
    let received = requests(&server).await;
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[0].body, received[1].body,
        "the retry sends the same body"
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_deadline_is_not_waited_for() {
    let server = MockServer::start().await;
    get_widget_answers(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "3600"),
        None,
    )
    .await;
    let client = builder(&server.uri())
        .retry_deadline(Duration::from_secs(5))
        .build()
        .unwrap();

    let err = client.get_widget(1).send().await.unwrap_err();

    assert_eq!(
        (err.status().map(|s| s.as_u16()), err.attempts()),
        (Some(429), 1)
    );
}

/// A server that cuts the first `cuts` connections after reading their request, then
/// answers every request with the JSON of widget 1. Returns its base URL and a count of
/// connections.
async fn cutting_server(cuts: u32) -> (String, Arc<AtomicU32>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicU32::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0_u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => request.extend_from_slice(&buf[..read]),
                    }
                }
                if n <= cuts {
                    return; // dropped: the connection closes with no response
                }
                let body = widget(1).to_string();
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    (format!("http://{address}"), connections)
}

#[tokio::test]
async fn a_reset_connection_is_retried() {
    let (uri, connections) = cutting_server(1).await;
    let client = builder(&uri).build().unwrap();

    let widget = client.get_widget(1).send().await.unwrap();

    assert_eq!(widget.id, 1);
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_reset_connection_without_retries_is_a_transport_error() {
    let (uri, connections) = cutting_server(u32::MAX).await;
    let client = builder(&uri).max_retries(0).build().unwrap();

    let err = client.get_widget(1).send().await.unwrap_err();

    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "got {err:?}"
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_response_slower_than_the_timeout_is_a_timeout_and_not_retried() {
    let server = MockServer::start().await;
    get_widget_answers(
        &server,
        ok_json(widget(1)).set_delay(Duration::from_secs(5)),
        None,
    )
    .await;
    let client = builder(&server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let err = client.get_widget(1).send().await.unwrap_err();

    assert!(matches!(err, Error::Timeout { attempts: 1 }), "got {err:?}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_an_excerpt() {
    let server = MockServer::start().await;
    get_widget_answers(
        &server,
        ResponseTemplate::new(200).set_body_string(r#"{"id": 1, "name": "trunc"#),
        None,
    )
    .await;

    let err = client(&server).get_widget(1).send().await.unwrap_err();

    let Error::Decode {
        status, excerpt, ..
    } = &err
    else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(excerpt, r#"{"id": 1, "name": "trunc"#);
}

// ---------------------------------------------------------------------------------------------
// Credentials and settings
// ---------------------------------------------------------------------------------------------

/// A token provider that counts its calls and hands out `token-1`, `token-2`, ... after a
/// short delay (so concurrent callers overlap with the fetch).
fn counting_provider(
    expires_in: Option<Duration>,
) -> (
    Arc<AtomicU32>,
    impl Fn() -> futures::future::BoxFuture<'static, Result<AccessToken, BoxError>> + Send + Sync,
) {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = calls.clone();
    let provider = move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        let fetch = async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok::<_, BoxError>(AccessToken::new(format!("token-{n}"), expires_in))
        };
        Box::pin(fetch) as futures::future::BoxFuture<'static, _>
    };
    (calls, provider)
}

fn provider_client(uri: &str, provider: impl showcase_client::TokenProvider) -> Client {
    Client::builder()
        .base_url(uri)
        .token_provider(provider)
        .organization(ORG)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_token_refresh_is_shared_by_concurrent_calls() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/widgets/1"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ok_json(widget(1)))
        .expect(10)
        .mount(&server)
        .await;
    let (calls, provider) = counting_provider(Some(Duration::from_secs(3600)));
    let client = provider_client(&server.uri(), provider);

    let results = futures::future::join_all((0..10).map(|_| client.get_widget(1).send())).await;

    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one fetch for ten calls");
}

#[tokio::test]
async fn a_401_fetches_a_new_token_once_and_retries() {
    let server = MockServer::start().await;
    Mock::given(path("/widgets/1"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/widgets/1"))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ok_json(widget(1)))
        .expect(1)
        .mount(&server)
        .await;
    let (calls, provider) = counting_provider(None);
    let client = provider_client(&server.uri(), provider);

    client.get_widget(1).send().await.unwrap();

    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_token_refused_twice_is_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(path("/widgets/1"))
        .respond_with(ResponseTemplate::new(401))
        .expect(2)
        .mount(&server)
        .await;
    let (calls, provider) = counting_provider(None);
    let client = provider_client(&server.uri(), provider);

    let err = client.get_widget(1).send().await.unwrap_err();

    assert_eq!(
        (err.status().map(|s| s.as_u16()), err.attempts()),
        (Some(401), 2)
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one refresh, not a loop");
}

#[tokio::test]
async fn an_expired_token_is_replaced_before_use() {
    let server = MockServer::start().await;
    Mock::given(path("/widgets/1"))
        .respond_with(ok_json(widget(1)))
        .mount(&server)
        .await;
    let (calls, provider) = counting_provider(Some(Duration::from_millis(100)));
    let client = provider_client(&server.uri(), provider);

    client.get_widget(1).send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    client.get_widget(1).send().await.unwrap();

    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let sent: Vec<_> = requests(&server)
        .await
        .iter()
        .map(|r| {
            r.headers
                .get("authorization")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(sent, ["Bearer token-1", "Bearer token-2"]);
}

#[tokio::test]
async fn a_failing_token_provider_is_an_auth_error_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let client = provider_client(&server.uri(), || async {
        Err::<AccessToken, BoxError>("the token endpoint said no".into())
    });

    let err = client.get_widget(1).send().await.unwrap_err();

    assert!(matches!(err, Error::Auth(_)), "got {err:?}");
    assert_eq!(
        err.to_string(),
        "could not obtain an access token: the token endpoint said no"
    );
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn each_operation_gets_the_credential_its_security_names() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .basic_auth("ada", "pw")
        .header_key("hk")
        .query_key("qk")
        .cookie_key("ck;1")
        .build()
        .unwrap();

    client.who_am_i_basic().send().await.unwrap();
    client.keyed_by_header().send().await.unwrap();
    client.keyed_by_query().send().await.unwrap();
    client.get_public().send().await.unwrap();
    client.touch_widget(1).send().await.unwrap();
    client.keyed_by_cookie().theme("dark").send().await.unwrap();
    client.keyed_by_cookie().send().await.unwrap();

    let received = requests(&server).await;
    let auth = |i: usize| {
        received[i]
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    // base64("ada:pw") = "YWRhOnB3"
    assert_eq!(auth(0).as_deref(), Some("Basic YWRhOnB3"));
    assert_eq!(auth(1), None);
    assert_eq!(received[1].headers.get("x-api-key").unwrap(), "hk");
    assert_eq!(auth(2), None);
    assert_eq!(received[2].url.query(), Some("api_key=qk"));
    assert_eq!(auth(3), None, "security: [] sends no credential");
    assert_eq!(
        auth(4).as_deref(),
        Some("Bearer tok"),
        "the spec-wide scheme"
    );
    // The cookie parameter and the key share the one `Cookie` header; `;` in the key is
    // escaped so it cannot start another cookie.
    let cookies = |i: usize| {
        received[i]
            .headers
            .get_all("cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(cookies(5), vec!["theme=dark; session_key=ck%3B1"]);
    assert_eq!(cookies(6), vec!["session_key=ck%3B1"]);
    assert_eq!(auth(5), None);
    for (i, request) in received.iter().enumerate().take(5) {
        assert!(cookies(i).is_empty(), "{}", request.url);
    }
    for request in &received {
        assert_eq!(request.headers.get("organization").unwrap(), ORG);
        assert!(
            request.headers.get("x-api-key").is_none() || request.url.path() == "/keyed/header"
        );
    }
}

#[tokio::test]
async fn the_organization_setting_is_required() {
    let err = Client::builder().bearer_token(TOKEN).build().unwrap_err();
    assert!(
        matches!(
            err,
            BuildError::MissingSetting {
                method: "organization",
                header: "Organization"
            }
        ),
        "got {err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the `Organization` header is required by every operation: set it with `.organization(..)`"
    );
}

// ---------------------------------------------------------------------------------------------
// Header values with CR or LF
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn crlf_in_a_setting_is_refused_when_building() {
    let err = builder("http://127.0.0.1:9")
        .organization("acme\r\nX-Injected: 1")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            BuildError::InvalidSetting {
                method: "organization",
                ..
            }
        ),
        "got {err:?}"
    );
}

#[tokio::test]
async fn crlf_in_a_header_parameter_or_credential_is_refused_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);

    let err = client
        .get_widget(1)
        .x_request_note("note\r\nX-Injected: 1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "got {err:?}");

    let client = builder(&server.uri())
        .bearer_token("tok\nX-Injected: 1")
        .build()
        .unwrap();
    let err = client.get_widget(1).send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "got {err:?}");

    assert!(requests(&server).await.is_empty(), "nothing may be sent");
}

// ---------------------------------------------------------------------------------------------
// Rate limits
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_operation_rate_limit_is_shared_by_clones() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ok_json(json!({"access_token": "t", "expires_in": 3600})))
        .expect(2)
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .basic_auth("id", "secret")
        .build()
        .unwrap();
    let clone = client.clone();

    let started = Instant::now();
    client.exchange_token().send().await.unwrap();
    clone.exchange_token().send().await.unwrap();

    // The spec allows 1 request per second on this operation: the clone's call waits.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "the clone did not wait"
    );
}

// ---------------------------------------------------------------------------------------------
// Tracing and secrets
// ---------------------------------------------------------------------------------------------

/// Collects what a `tracing_subscriber::fmt` subscriber writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

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

#[tokio::test]
async fn each_attempt_has_a_span_and_no_secret_shows_anywhere() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(path("/keyed/query"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/keyed/query"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .bearer_token("s3cret-token")
        .query_key("s3cret-key")
        .basic_auth("ada", "s3cret-password")
        .build()
        .unwrap();
    client.keyed_by_query().send().await.unwrap();
    // A transport error must not quote the URL, which carries the key.
    let unreachable = builder("http://127.0.0.1:9")
        .query_key("s3cret-key")
        .max_retries(0)
        .build()
        .unwrap();
    let err = unreachable.keyed_by_query().send().await.unwrap_err();

    let logged = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("http_request{method=GET path=/keyed/query attempt=1 status=503}"),
        "{logged}"
    );
    assert!(
        logged.contains("http_request{method=GET path=/keyed/query attempt=2 status=204}"),
        "{logged}"
    );
    assert!(logged.contains("retrying"), "{logged}");
    for text in [
        logged,
        format!("{client:?}"),
        format!("{err:?}"),
        err.to_string(),
    ] {
        assert!(!text.contains("s3cret"), "a secret leaked: {text}");
    }
    let builder_debug = format!("{:?}", builder("http://x").bearer_token("s3cret-token"));
    assert!(!builder_debug.contains("s3cret"), "{builder_debug}");
}

// ---------------------------------------------------------------------------------------------
// Integer enums
// ---------------------------------------------------------------------------------------------

#[test]
fn an_integer_enum_decodes_known_and_unknown_values_and_encodes_them_as_sent() {
    let known: WidgetStatus = serde_json::from_value(json!(1)).unwrap();
    let unknown: WidgetStatus = serde_json::from_value(json!(42)).unwrap();
    assert_eq!(known, WidgetStatus::Active, "named by `x-enum-varnames`");
    assert_eq!(unknown, WidgetStatus::Unknown(42));
    assert_eq!(serde_json::to_string(&known).unwrap(), "1");
    assert_eq!(serde_json::to_string(&unknown).unwrap(), "42");

    assert_eq!(known.to_string(), "1");
    assert_eq!(unknown.to_string(), "42");
    assert_eq!(WidgetStatus::from(2), WidgetStatus::Retired);
    assert_eq!(WidgetStatus::from(42), WidgetStatus::Unknown(42));
    assert_eq!(i64::from(WidgetStatus::Draft), 0);
    assert_eq!(i64::from(unknown), 42);
    assert_eq!(WidgetStatus::Retired.value(), 2);

    // Without names, variants are named after their values; the spec lists `1` twice.
    assert_eq!(WidgetPriority::from(-1), WidgetPriority::ValueMinus1);
    assert_eq!(WidgetPriority::from(1), WidgetPriority::Value1);
    assert_eq!(WidgetPriority::ValueMinus1.to_string(), "-1");
    assert_eq!(
        serde_json::from_value::<WidgetPriority>(json!(-7)).unwrap(),
        WidgetPriority::Unknown(-7)
    );

    for not_an_integer in [json!("1"), json!(1.5), json!(null)] {
        assert!(
            serde_json::from_value::<WidgetStatus>(not_an_integer.clone()).is_err(),
            "{not_an_integer}"
        );
    }
    let sample = json!({"id": 1, "name": "w", "status": 42, "priority": -1});
    assert_eq!(clientgen_tests::round_trip::<Widget>(&sample), sample);
}

#[tokio::test]
async fn a_widget_with_an_unknown_status_goes_back_to_the_server_unchanged() {
    let server = MockServer::start().await;
    let sent = json!({"id": 1, "name": "w", "status": 42, "priority": 2});
    get_widget_answers(&server, ok_json(sent.clone()), None).await;
    Mock::given(method("PUT"))
        .and(path("/widgets/1"))
        .and(body_json(sent.clone()))
        .respond_with(ok_json(sent.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let widget = client.get_widget(1).send().await.unwrap();
    assert_eq!(widget.status, Some(WidgetStatus::Unknown(42)));
    assert_eq!(widget.priority, Some(WidgetPriority::Value2));
    let stored = client
        .replace_widget(1, widget.clone())
        .send()
        .await
        .unwrap();

    assert_eq!(stored, widget);
}

// ---------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------

/// Mounts one page: a GET of `route` whose query matches `query` (a `None` value: the
/// parameter must be absent), answered with `body`, expected exactly `times` times.
async fn page(server: &MockServer, route: &str, query: &Query<'_>, body: Value, times: u64) {
    let mut mock = Mock::given(method("GET")).and(path(route));
    for (name, value) in query {
        mock = match value {
            Some(value) => mock.and(query_param(*name, *value)),
            None => mock.and(query_param_is_missing(*name)),
        };
    }
    mock.respond_with(ok_json(body))
        .expect(times)
        .mount(server)
        .await;
}

/// Query parameters a page request must carry: a `None` value means the parameter must be
/// absent.
type Query<'a> = [(&'a str, Option<&'a str>)];

/// Mounts the pages of a list at `route`, one [`page`] per row: its query, its body and how
/// many requests it must get.
async fn pages(server: &MockServer, route: &str, rows: &[(&Query<'_>, Value, u64)]) {
    for (query, body, times) in rows {
        page(server, route, query, body.clone(), *times).await;
    }
}

#[tokio::test]
async fn page_numbers_three_pages_with_the_callers_parameters() {
    let server = MockServer::start().await;
    let q = |page| {
        [
            ("page", page),
            ("per_page", Some("2")),
            ("color", Some("red")),
        ]
    };
    pages(
        &server,
        "/widgets",
        &[
            (&q(None), json!({"data": widgets(&[1, 2]), "total": 5}), 1),
            (
                &q(Some("2")),
                json!({"data": widgets(&[3, 4]), "total": 5}),
                1,
            ),
            (&q(Some("3")), json!({"data": widgets(&[5]), "total": 5}), 1),
        ],
    )
    .await;

    let items: Vec<Widget> = client(&server)
        .list_widgets()
        .per_page(2)
        .color("red")
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&items), [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn page_numbers_stop_at_the_total_without_another_request() {
    let server = MockServer::start().await;
    pages(
        &server,
        "/widgets",
        &[
            (
                &[("page", None)],
                json!({"data": widgets(&[1, 2]), "total": 4}),
                1,
            ),
            (
                &[("page", Some("2"))],
                json!({"data": widgets(&[3, 4]), "total": 4}),
                1,
            ),
            (&[("page", Some("3"))], json!({"data": []}), 0),
        ],
    )
    .await;

    let pages: Vec<_> = client(&server)
        .list_widgets()
        .pages()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(pages.len(), 2);
    assert_eq!(pages[1].total, Some(4));
}

#[tokio::test]
async fn page_numbers_stop_at_a_short_page_and_start_where_the_caller_says() {
    let server = MockServer::start().await;
    pages(
        &server,
        "/widgets",
        &[
            (&[("page", Some("3"))], json!({"data": widgets(&[5, 6])}), 1),
            (&[("page", Some("4"))], json!({"data": widgets(&[7])}), 1),
            (&[("page", Some("5"))], json!({"data": []}), 0),
        ],
    )
    .await;

    let items: Vec<Widget> = client(&server)
        .list_widgets()
        .page(3)
        .per_page(2)
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&items), [5, 6, 7]);
}

#[tokio::test]
async fn page_numbers_stop_at_an_empty_page() {
    let server = MockServer::start().await;
    pages(
        &server,
        "/widgets",
        &[
            (&[("page", None)], json!({"data": widgets(&[1, 2])}), 1),
            (&[("page", Some("2"))], json!({"data": widgets(&[3, 4])}), 1),
            (&[("page", Some("3"))], json!({"data": []}), 1),
        ],
    )
    .await;

    let items: Vec<Widget> = client(&server)
        .list_widgets()
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&items), [1, 2, 3, 4]);
}

#[tokio::test]
async fn page_numbers_in_the_body_three_pages() {
    let server = MockServer::start().await;
    for (number, ids) in [
        (None, [1, 2].as_slice()),
        (Some(2), &[3, 4]),
        (Some(3), &[5]),
    ] {
        let mut body = json!({"query": "blue", "per_page": 2});
        if let Some(number) = number {
            body["page"] = json!(number);
        }
        Mock::given(method("POST"))
            .and(path("/widgets/search"))
            .and(body_json(body))
            .respond_with(ok_json(json!({"values": widgets(ids), "total_pages": 3})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let search = SearchRequest {
        query: Some("blue".to_owned()),
        per_page: Some(2),
        ..SearchRequest::default()
    };

    let items: Vec<Widget> = client(&server)
        .search_widgets(search)
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&items), [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn offsets_three_pages_stopping_at_the_total() {
    let server = MockServer::start().await;
    let q = |offset| {
        [
            ("offset", offset),
            ("limit", Some("2")),
            ("color", Some("red")),
        ]
    };
    pages(
        &server,
        "/gadgets",
        &[
            (&q(None), json!({"items": widgets(&[1, 2]), "total": 6}), 1),
            (
                &q(Some("2")),
                json!({"items": widgets(&[3, 4]), "total": 6}),
                1,
            ),
            (
                &q(Some("4")),
                json!({"items": widgets(&[5, 6]), "total": 6}),
                1,
            ),
            (&q(Some("6")), json!({"items": []}), 0),
        ],
    )
    .await;

    let items: Vec<Widget> = client(&server)
        .list_gadgets()
        .limit(2)
        .color("red")
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&items), [1, 2, 3, 4, 5, 6]);
}

#[tokio::test]
async fn tokens_three_pages_stopping_when_the_token_is_missing() {
    let server = MockServer::start().await;
    let q = |token| {
        [
            ("pageToken", token),
            ("limit", Some("2")),
            ("color", Some("red")),
        ]
    };
    pages(
        &server,
        "/violations",
        &[
            (
                &q(None),
                json!({"violations": widgets(&[1, 2]), "nextPageToken": "t2"}),
                1,
            ),
            (
                &q(Some("t2")),
                json!({"violations": widgets(&[3, 4]), "nextPageToken": "t3"}),
                1,
            ),
            (&q(Some("t3")), json!({"violations": widgets(&[5, 6])}), 1),
        ],
    )
    .await;

    let pages: Vec<_> = client(&server)
        .list_violations()
        .limit(2)
        .color("red")
        .pages()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0].next_page_token.as_deref(), Some("t2"));
    assert_eq!(
        pages[2].violations.as_ref().map(|v| ids(v)),
        Some(vec![5, 6])
    );
}

#[tokio::test]
async fn a_repeated_token_ends_the_list() {
    let server = MockServer::start().await;
    pages(
        &server,
        "/violations",
        &[
            (
                &[("pageToken", None)],
                json!({"violations": widgets(&[1]), "nextPageToken": "same"}),
                1,
            ),
            (
                &[("pageToken", Some("same"))],
                json!({"violations": widgets(&[2]), "nextPageToken": "same"}),
                1,
            ),
        ],
    )
    .await;

    let items: Vec<Widget> = client(&server)
        .list_violations()
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&items), [1, 2]);
}

#[tokio::test]
async fn cursors_three_pages_stopping_at_a_null_next() {
    let server = MockServer::start().await;
    let q = |cursor| [("cursor", cursor), ("color", Some("red"))];
    pages(
        &server,
        "/events",
        &[
            (
                &q(None),
                json!({"data": widgets(&[1, 2]), "page": {"next": "c2", "prev": null}}),
                1,
            ),
            (
                &q(Some("c2")),
                json!({"data": widgets(&[3, 4]), "page": {"next": "c3", "prev": "c1"}}),
                1,
            ),
            (
                &q(Some("c3")),
                json!({"data": widgets(&[5, 6]), "page": {"next": null, "prev": "c2"}}),
                1,
            ),
        ],
    )
    .await;

    let items: Vec<Widget> = client(&server)
        .list_events()
        .color("red")
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&items), [1, 2, 3, 4, 5, 6]);
}

#[tokio::test]
async fn pages_are_fetched_only_when_polled() {
    let server = MockServer::start().await;
    pages(
        &server,
        "/widgets",
        &[
            (
                &[("page", None)],
                json!({"data": widgets(&[1, 2]), "total": 10}),
                1,
            ),
            (
                &[("page", Some("2"))],
                json!({"data": widgets(&[3, 4]), "total": 10}),
                0,
            ),
        ],
    )
    .await;

    let first_two: Vec<Widget> = client(&server)
        .list_widgets()
        .items()
        .take(2)
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&first_two), [1, 2]);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let server = MockServer::start().await;
    page(
        &server,
        "/widgets",
        &[("page", None)],
        json!({"data": widgets(&[1, 2]), "total": 6}),
        1,
    )
    .await;
    Mock::given(path("/widgets"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .expect(1)
        .mount(&server)
        .await;

    let results: Vec<_> = client(&server).list_widgets().items().collect().await;

    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
}

#[tokio::test]
async fn a_malformed_page_is_a_decode_error_with_an_excerpt() {
    let server = MockServer::start().await;
    Mock::given(path("/widgets"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"data": [{"id": 1,"#))
        .mount(&server)
        .await;
    Mock::given(path("/gadgets"))
        .respond_with(ok_json(json!({"items": {"not": "a list"}})))
        .mount(&server)
        .await;
    let client = client(&server);

    let err = client
        .list_widgets()
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { excerpt, .. } if excerpt == r#"{"data": [{"id": 1,"#),
        "got {err:?}"
    );

    let err = client
        .list_gadgets()
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    let Error::Decode {
        source, excerpt, ..
    } = &err
    else {
        panic!("expected a decode error, got {err:?}")
    };
    assert!(
        source.to_string().contains("`/items` to be an array"),
        "{source}"
    );
    assert!(excerpt.contains("not"), "{excerpt}");
}

#[tokio::test]
async fn a_stated_total_wins_over_a_page_shorter_than_asked_for() {
    let server = MockServer::start().await;
    // The caller asks for 10 per page; the server caps pages at 2 but says there are 4.
    pages(
        &server,
        "/widgets",
        &[
            (
                &[("page", None)],
                json!({"data": widgets(&[1, 2]), "total": 4}),
                1,
            ),
            (
                &[("page", Some("2"))],
                json!({"data": widgets(&[3, 4]), "total": 4}),
                1,
            ),
        ],
    )
    .await;

    let items: Vec<Widget> = client(&server)
        .list_widgets()
        .per_page(10)
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(ids(&items), [1, 2, 3, 4]);
}
