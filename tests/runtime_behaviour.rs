//! Behaviour of the runtime that every generated client shares, through `showcase-client`
//! (generated from `tests/specs/showcase/openapi.yaml`, a made-up spec with every kind of
//! credential, a client-wide header, every pagination style and rate limits), against real
//! HTTP servers on 127.0.0.1: wiremock, and a raw TCP listener where a connection must be cut.
//!
//! * Retries: 429 with `Retry-After` in seconds and as an HTTP date, 503 twice, a reset
//!   connection, what is not retried (POST on 503, timeouts), the budget running out, the
//!   deadline; a `Retry-After` over the cap (`max_retry_after`) ends the call at once with
//!   the wait in the error, a raised cap waits it out.
//! * Response size limits, against raw servers that send an endless body, announce a huge
//!   `Content-Length` or trickle a byte at a time: endless success and error bodies, the
//!   announced length, the limit's edge, per-call overrides, pages, the download limit and the
//!   download's total timeout.
//! * Credentials: a token refresh shared by concurrent calls, a 401 that fetches a new token,
//!   expiry, each operation's security scheme, the required `Organization` setting.
//! * Redirects, against two wiremock servers (two origins): for each credential kind, a 302
//!   and a 307 to the other origin reach it with no credential and no `Referer` and the call
//!   completes; a same-origin redirect keeps them all; a 307 with a body to another origin
//!   is refused, to the same one resent; a 303 after a POST is a bare GET; loops end after
//!   10 redirects; a download redirected to a signed URL keeps its query as written.
//! * Transport errors name their cause (a raw server's bad status line, duplicate
//!   `Content-Length`, closed connection) on one line, without the URL.
//! * `.max_concurrent_requests(n)`: a counting raw server never sees more than `n` requests
//!   in flight from 40 calls through clones; a download stream holds its slot until it ends
//!   or is dropped.
//! * Refusals: CR/LF in settings, header parameters and credentials; malformed JSON.
//! * Rate limits shared by clones, never waited past the retry deadline; tracing spans with
//!   no secret in them.
//! * Integer enums (named by `x-enum-varnames` and not): known and unknown values decoded,
//!   encoded again exactly, and sent back through a client.
//! * Pagination: three pages in each style (page number in the query and in the body, offset,
//!   token, cursor), each stop condition, and failures mid-stream; servers that never end a
//!   list (cycling tokens and cursors, the same page again, an endless list) end the stream
//!   with `Error::Pagination`, at the default page limit or one set on the builder or stream.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use showcase_client::types::{SearchRequest, Widget, WidgetPriority, WidgetStatus};
use showcase_client::{
    AccessToken, BoxError, BuildError, ByteStream, Client, ClientBuilder, Error, PaginationError,
};
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

/// Bounds a call that must not wait: far longer than it takes, far shorter than the waits
/// it must not make, and no timing assertion beyond that.
async fn at_once<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), call)
        .await
        .expect("the call waited")
}

#[tokio::test]
async fn a_retry_after_over_the_cap_ends_the_call_at_once_with_the_wait_in_the_error() {
    let server = MockServer::start().await;
    get_widget_answers(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "59"),
        None,
    )
    .await;
    // The issue's case: a 5 s timeout used to be held for 2 × 59 s.
    let client = builder(&server.uri())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();

    let started = Instant::now();
    let err = at_once(client.get_widget(1).send()).await.unwrap_err();
    println!(
        "Retry-After: 59 with .timeout(5s): {:.3} s",
        started.elapsed().as_secs_f64()
    );

    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 429);
    assert_eq!(api.retry_after, Some(Duration::from_secs(59)));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(59)));
    assert_eq!(err.attempts(), 1);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_cap_raised_above_the_retry_after_waits_it_out() {
    let server = MockServer::start().await;
    get_widget_answers(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "59"),
        Some(1),
    )
    .await;
    get_widget_answers(&server, ok_json(widget(1)), None).await;
    let client = builder(&server.uri())
        .max_retry_after(Duration::from_secs(60))
        .build()
        .unwrap();

    // Waiting out 59 s is too long for a test, and tokio's paused clock would also fire the
    // request timeouts while a real socket is read; so: still waiting, after one request.
    let waiting =
        tokio::time::timeout(Duration::from_millis(1500), client.get_widget(1).send()).await;

    assert!(waiting.is_err(), "the call did not wait: {waiting:?}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_retry_after_under_the_cap_but_past_the_deadline_is_not_waited_for() {
    let server = MockServer::start().await;
    get_widget_answers(
        &server,
        ResponseTemplate::new(503).insert_header("retry-after", "10"),
        None,
    )
    .await;
    let client = builder(&server.uri())
        .retry_deadline(Duration::from_secs(5))
        .build()
        .unwrap();

    let err = at_once(client.get_widget(1).send()).await.unwrap_err();

    assert_eq!(
        (err.status().map(|s| s.as_u16()), err.attempts()),
        (Some(503), 1)
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(10)));
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
// Response size limits and the download timeout
// ---------------------------------------------------------------------------------------------

/// How [`body_server`] sends its bodies.
#[derive(Clone, Copy, Debug)]
enum Sent {
    /// Chunked, 64 KiB at a time as fast as the client takes them, never ending.
    Endless,
    /// A `Content-Length` of this many bytes, then nothing: the connection stays open until
    /// the client hangs up.
    Announced(u64),
    /// This many bytes, with their `Content-Length`.
    Sized(usize),
    /// This many bytes, chunked (no `Content-Length`), 1000 at a time.
    Chunked(usize),
    /// Chunked, one byte every 100 ms, never ending.
    Trickle,
}

/// What a [`body_server`] saw.
#[derive(Default)]
struct Seen {
    requests: AtomicU32,
    /// The client closed the connection before the server was done with the body.
    hung_up: AtomicBool,
}

/// A server on 127.0.0.1 that answers every request with `status` and a body sent as `sent`
/// (wiremock cannot send a body that never ends). Returns its base URL and what it saw.
async fn body_server(status: u16, sent: Sent) -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let seen = Arc::new(Seen::default());
    let seen_by_server = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let seen = seen_by_server.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0_u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => request.extend_from_slice(&buf[..read]),
                    }
                }
                seen.requests.fetch_add(1, Ordering::SeqCst);
                let length = match sent {
                    Sent::Announced(n) => format!("content-length: {n}"),
                    Sent::Sized(n) => format!("content-length: {n}"),
                    Sent::Endless | Sent::Chunked(_) | Sent::Trickle => {
                        "transfer-encoding: chunked".to_owned()
                    }
                };
                let head = format!(
                    "HTTP/1.1 {status} Status\r\ncontent-type: application/octet-stream\r\n{length}\r\nconnection: close\r\n\r\n"
                );
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = |size: usize| {
                    let mut chunk = format!("{size:x}\r\n").into_bytes();
                    chunk.resize(chunk.len() + size, b' ');
                    chunk.extend_from_slice(b"\r\n");
                    chunk
                };
                let finished = match sent {
                    Sent::Endless => {
                        let chunk = chunk(64 * 1024);
                        loop {
                            if socket.write_all(&chunk).await.is_err() {
                                break false;
                            }
                        }
                    }
                    Sent::Announced(_) => {
                        // Nothing more is sent; a read ends when the client hangs up.
                        let _ = socket.read(&mut buf).await;
                        false
                    }
                    Sent::Sized(n) => socket.write_all(&vec![b' '; n]).await.is_ok(),
                    Sent::Chunked(n) => {
                        let mut sent = Ok(());
                        for start in (0..n).step_by(1000) {
                            sent = sent.and(socket.write_all(&chunk((n - start).min(1000))).await);
                        }
                        sent.and(socket.write_all(b"0\r\n\r\n").await).is_ok()
                    }
                    Sent::Trickle => loop {
                        if socket.write_all(&chunk(1)).await.is_err() {
                            break false;
                        }
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    },
                };
                if !finished {
                    seen.hung_up.store(true, Ordering::SeqCst);
                }
            });
        }
    });
    (format!("http://{address}"), seen)
}

/// `work`, which must end: the tests make no timing assertions, this only keeps a regression
/// from hanging the suite.
async fn ends<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), work)
        .await
        .expect("the call ended")
}

/// Waits (guarded by [`ends`]) until the client has closed the connection.
async fn hangs_up(seen: &Seen) {
    ends(async {
        while !seen.hung_up.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
}

/// The bytes of a download until its stream ends, and the error it ended with, if any; no
/// item follows the error.
async fn drain(mut stream: ByteStream) -> (usize, Option<Error>) {
    let mut read = 0;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => read += chunk.len(),
            Err(err) => {
                assert!(
                    stream.next().await.is_none(),
                    "the stream ends after its error"
                );
                return (read, Some(err));
            }
        }
    }
    (read, None)
}

fn too_large(err: &Error) -> (u64, u16, u32) {
    match err {
        Error::BodyTooLarge {
            limit,
            status,
            attempts,
        } => (*limit, status.as_u16(), *attempts),
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn an_endless_200_body_ends_at_the_default_limit() {
    let (uri, seen) = body_server(200, Sent::Endless).await;
    let client = builder(&uri).build().unwrap();

    let err = ends(client.get_widget(1).send()).await.unwrap_err();

    assert_eq!(too_large(&err), (32 * 1024 * 1024, 200, 1));
    assert_eq!(
        err.to_string(),
        "the HTTP 200 OK response body is larger than the limit of 33554432 bytes"
    );
    hangs_up(&seen).await;
}

#[tokio::test]
async fn an_endless_500_body_ends_at_the_builders_limit() {
    let (uri, seen) = body_server(500, Sent::Endless).await;
    let client = builder(&uri).max_response_bytes(1 << 20).build().unwrap();

    let err = ends(client.get_widget(1).send()).await.unwrap_err();

    assert_eq!(too_large(&err), (1 << 20, 500, 1));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    hangs_up(&seen).await;
}

#[tokio::test]
async fn a_body_too_large_is_not_retried_even_on_a_retried_status() {
    let (uri, seen) = body_server(503, Sent::Endless).await;
    let client = builder(&uri).max_response_bytes(1 << 20).build().unwrap();

    let err = ends(client.get_widget(1).send()).await.unwrap_err();

    assert_eq!(too_large(&err), (1 << 20, 503, 1));
    assert_eq!(seen.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_content_length_above_the_limit_fails_before_the_body_is_read() {
    // The server announces 10 GiB and sends none of it: reading would wait for the timeout.
    let (uri, seen) = body_server(200, Sent::Announced(10 << 30)).await;
    let client = builder(&uri)
        .timeout(Duration::from_secs(600))
        .build()
        .unwrap();

    let err = ends(client.export_widget(1).send()).await.unwrap_err();

    assert_eq!(too_large(&err), (32 * 1024 * 1024, 200, 1));
    hangs_up(&seen).await;
}

#[tokio::test]
async fn a_body_up_to_the_limit_is_read_and_one_byte_more_is_not() {
    for (sent, read) in [
        (Sent::Sized(4095), Some(4095)),
        (Sent::Sized(4096), Some(4096)),
        (Sent::Sized(4097), None),
        // Without a `Content-Length`, the limit is enforced while reading.
        (Sent::Chunked(4096), Some(4096)),
        (Sent::Chunked(4097), None),
    ] {
        let (uri, _) = body_server(200, sent).await;
        let client = builder(&uri).max_response_bytes(4096).build().unwrap();

        let result = ends(client.export_widget(1).send()).await;

        match read {
            Some(len) => assert_eq!(result.unwrap().len(), len, "{sent:?}"),
            None => assert_eq!(too_large(&result.unwrap_err()), (4096, 200, 1), "{sent:?}"),
        }
    }
}

#[tokio::test]
async fn the_limit_is_raised_or_lowered_for_one_call() {
    let (uri, _) = body_server(200, Sent::Sized(4096)).await;
    let small = builder(&uri).max_response_bytes(1024).build().unwrap();
    let default = builder(&uri).build().unwrap();

    let err = ends(small.export_widget(1).send()).await.unwrap_err();
    assert_eq!(too_large(&err), (1024, 200, 1));
    let raised = ends(small.export_widget(1).max_response_bytes(8192).send()).await;
    assert_eq!(raised.unwrap().len(), 4096);

    assert_eq!(
        ends(default.export_widget(1).send()).await.unwrap().len(),
        4096
    );
    let err = ends(default.export_widget(1).max_response_bytes(1024).send())
        .await
        .unwrap_err();
    assert_eq!(too_large(&err), (1024, 200, 1));
}

#[tokio::test]
async fn an_endless_page_ends_the_items_stream_with_body_too_large() {
    let (uri, seen) = body_server(200, Sent::Endless).await;
    let client = builder(&uri).build().unwrap();

    let items: Vec<_> = ends(
        client
            .list_widgets()
            .max_response_bytes(1 << 20)
            .items()
            .collect(),
    )
    .await;

    assert_eq!(items.len(), 1, "the error ends the stream");
    let Some(Err(err)) = items.first() else {
        panic!("expected an error, got {items:?}")
    };
    assert_eq!(too_large(err), (1 << 20, 200, 1));
    assert_eq!(seen.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn downloads_have_no_limit_by_default_and_stop_at_the_download_limit() {
    let (uri, _) = body_server(200, Sent::Chunked(64 * 1024)).await;
    // The response limit does not apply to a streamed download.
    let client = builder(&uri).max_response_bytes(1024).build().unwrap();

    let stream = ends(client.export_widget(1).send_stream()).await.unwrap();
    let (read, err) = ends(drain(stream)).await;
    assert_eq!(read, 64 * 1024);
    assert!(err.is_none(), "got {err:?}");

    let call = client.export_widget(1).max_download_bytes(10_000);
    let stream = ends(call.send_stream()).await.unwrap();
    let (read, err) = ends(drain(stream)).await;
    assert!(read <= 10_000, "read {read} bytes");
    assert_eq!(too_large(&err.expect("an error")), (10_000, 200, 1));
}

#[tokio::test]
async fn an_endless_download_stops_at_the_builders_download_limit() {
    let (uri, seen) = body_server(200, Sent::Endless).await;
    let client = builder(&uri).max_download_bytes(1 << 20).build().unwrap();

    let stream = ends(client.export_widget(1).send_stream()).await.unwrap();
    let (read, err) = ends(drain(stream)).await;

    assert!(read <= 1 << 20, "read {read} bytes");
    assert_eq!(too_large(&err.expect("an error")), (1 << 20, 200, 1));
    hangs_up(&seen).await;
}

#[tokio::test]
async fn a_download_announced_above_the_download_limit_fails_before_streaming() {
    let (uri, seen) = body_server(200, Sent::Announced(10 << 30)).await;
    let client = builder(&uri).build().unwrap();

    let call = client.export_widget(1).max_download_bytes(1 << 20);
    let err = ends(call.send_stream()).await.unwrap_err();

    assert_eq!(too_large(&err), (1 << 20, 200, 1));
    hangs_up(&seen).await;
}

#[tokio::test]
async fn a_trickling_download_ends_at_the_download_timeout() {
    // One byte every 100 ms never trips the idle timeout, only the total one.
    let (uri, seen) = body_server(200, Sent::Trickle).await;
    let client = builder(&uri)
        .timeout(Duration::from_secs(5))
        .download_timeout(Duration::from_millis(500))
        .build()
        .unwrap();

    let stream = ends(client.export_widget(1).send_stream()).await.unwrap();
    let (read, err) = ends(drain(stream)).await;

    assert!(read > 0, "some bytes came before the timeout");
    let err = err.expect("an error");
    assert!(matches!(err, Error::Timeout { attempts: 1 }), "got {err:?}");
    hangs_up(&seen).await;
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

#[tokio::test]
async fn a_rate_limit_wait_past_the_retry_deadline_is_not_made() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ok_json(json!({"access_token": "t", "expires_in": 3600})))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .basic_auth("id", "secret")
        .retry_deadline(Duration::from_millis(300))
        .build()
        .unwrap();

    client.exchange_token().send().await.unwrap();
    // The next request may go in a second, after this call's deadline: it is not sent.
    let err = at_once(client.exchange_token().send()).await.unwrap_err();

    let Error::RateLimited { wait } = &err else {
        panic!("expected a rate-limit error, got {err:?}")
    };
    assert!(*wait > Duration::from_millis(300), "{wait:?}");
    assert_eq!(err.attempts(), 0);
    assert!(err.to_string().contains("rate limit"), "{err}");
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
// Redirects: no credential reaches another origin
// ---------------------------------------------------------------------------------------------

/// The secrets of [`secret_builder`], each distinct, so that any of them found anywhere in a
/// request (a header, the query, a `Referer`) is a leak.
const BEARER: &str = "bearer-secret-1";
const PASSWORD: &str = "basic-password-2";
const HEADER_KEY: &str = "header-key-3";
const QUERY_KEY: &str = "query-key-4";
const COOKIE_KEY: &str = "cookie-key-5";
const PROVIDED: &str = "provided-token-6";
const SECRETS: [&str; 6] = [
    BEARER, PASSWORD, HEADER_KEY, QUERY_KEY, COOKIE_KEY, PROVIDED,
];

/// A client of `uri` with every credential of the showcase API set, and no retries.
fn secret_builder(uri: &str) -> ClientBuilder {
    Client::builder()
        .base_url(uri)
        .bearer_token(BEARER)
        .basic_auth("user", PASSWORD)
        .header_key(HEADER_KEY)
        .query_key(QUERY_KEY)
        .cookie_key(COOKIE_KEY)
        .organization(ORG)
        .max_retries(0)
}

/// A credential kind, with the operation of the showcase API that sends it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// `Authorization: Bearer` from `.bearer_token(..)` (`GET /widgets/1`).
    Bearer,
    /// `Authorization: Bearer` from a token provider, the path exchanged tokens take too.
    Provided,
    /// `Authorization: Basic` (`GET /basic`).
    Basic,
    /// `X-API-Key` (`GET /keyed/header`).
    HeaderKey,
    /// `?api_key=` (`GET /keyed/query`).
    QueryKey,
    /// `Cookie: session_key=` beside a cookie parameter (`GET /keyed/cookie`).
    CookieKey,
    /// Bearer, header, query and cookie credentials at once (`GET /files/report.csv`, a
    /// download).
    All,
}

const KINDS: [Kind; 7] = [
    Kind::Bearer,
    Kind::Provided,
    Kind::Basic,
    Kind::HeaderKey,
    Kind::QueryKey,
    Kind::CookieKey,
    Kind::All,
];

impl Kind {
    /// The path of the operation that sends this credential.
    fn path(self) -> &'static str {
        match self {
            Kind::Bearer | Kind::Provided => "/widgets/1",
            Kind::Basic => "/basic",
            Kind::HeaderKey => "/keyed/header",
            Kind::QueryKey => "/keyed/query",
            Kind::CookieKey => "/keyed/cookie",
            Kind::All => "/files/report.csv",
        }
    }

    /// A client of `uri` that holds this credential.
    fn client(self, uri: &str) -> Client {
        match self {
            Kind::Provided => Client::builder()
                .base_url(uri)
                .token_provider(|| async { Ok::<_, BoxError>(AccessToken::new(PROVIDED, None)) })
                .organization(ORG)
                .max_retries(0)
                .build()
                .unwrap(),
            _ => secret_builder(uri).build().unwrap(),
        }
    }

    /// Calls the operation; `Ok` when it succeeded.
    async fn call(self, client: &Client) -> Result<(), String> {
        let text = |err: Error| err.to_string();
        match self {
            Kind::Bearer | Kind::Provided => {
                client.get_widget(1).send().await.map(drop).map_err(text)
            }
            Kind::Basic => client.who_am_i_basic().send().await.map_err(text),
            Kind::HeaderKey => client.keyed_by_header().send().await.map_err(text),
            Kind::QueryKey => client.keyed_by_query().send().await.map_err(text),
            Kind::CookieKey => client
                .keyed_by_cookie()
                .theme("dark")
                .send()
                .await
                .map_err(text),
            Kind::All => client
                .download_file("report.csv")
                .send()
                .await
                .map(drop)
                .map_err(text),
        }
    }

    /// Whether `request` carries this kind's credential.
    fn carried_by(self, request: &wiremock::Request) -> bool {
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        let query_key = request
            .url
            .query_pairs()
            .any(|(name, value)| name == "api_key" && value == QUERY_KEY);
        match self {
            Kind::Bearer => header("authorization") == format!("Bearer {BEARER}"),
            Kind::Provided => header("authorization") == format!("Bearer {PROVIDED}"),
            Kind::Basic => header("authorization").starts_with("Basic "),
            Kind::HeaderKey => header("x-api-key") == HEADER_KEY,
            Kind::QueryKey => query_key,
            Kind::CookieKey => header("cookie").contains(&format!("session_key={COOKIE_KEY}")),
            Kind::All => {
                header("authorization") == format!("Bearer {BEARER}")
                    && header("x-api-key") == HEADER_KEY
                    && query_key
                    && header("cookie").contains(&format!("session_key={COOKIE_KEY}"))
            }
        }
    }
}

/// What in `request` is a credential or gives one away: the credential headers, the query
/// key, a `Referer` (the URL it came from), and any secret anywhere in its URL or headers.
/// Empty for a clean request.
fn credentials_in(request: &wiremock::Request) -> Vec<String> {
    let mut found: Vec<String> = ["authorization", "x-api-key", "cookie", "referer"]
        .into_iter()
        .filter(|name| request.headers.contains_key(*name))
        .map(str::to_owned)
        .collect();
    if request.url.query_pairs().any(|(name, _)| name == "api_key") {
        found.push("api_key in the query".to_owned());
    }
    let mut text = request.url.to_string();
    for (name, value) in &request.headers {
        text.push_str(&format!(
            "\n{name}: {}",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    for secret in SECRETS {
        if text.contains(secret) {
            found.push(format!("the secret {secret}"));
        }
    }
    found
}

/// Where the redirect of `kind` goes on the other origin, and what it answers there.
async fn other_origin_answers(other: &MockServer, kind: Kind) -> String {
    let (target, response) = match kind {
        Kind::Bearer | Kind::Provided => ("/elsewhere/widget", ok_json(widget(1))),
        Kind::All => (
            "/elsewhere/file",
            ResponseTemplate::new(200)
                .set_body_raw(b"a,b\n1,2\n".to_vec(), "application/octet-stream"),
        ),
        _ => ("/elsewhere/empty", ResponseTemplate::new(204)),
    };
    Mock::given(method("GET"))
        .and(path(target))
        .respond_with(response)
        .mount(other)
        .await;
    format!("{}{target}", other.uri())
}

/// The scenario of issue #17: for every credential kind, the API answers its operation with a
/// `status` redirect to another origin (another port of 127.0.0.1). Returns, per kind, the
/// call's outcome, the requests the other origin received, and the credentials among them.
async fn cross_origin_redirects(
    status: u16,
) -> Vec<(Kind, Result<(), String>, usize, Vec<String>)> {
    let mut seen = Vec::new();
    for kind in KINDS {
        let api = MockServer::start().await;
        let other = MockServer::start().await;
        let target = other_origin_answers(&other, kind).await;
        Mock::given(method("GET"))
            .and(path(kind.path()))
            .respond_with(ResponseTemplate::new(status).insert_header("location", target.as_str()))
            .mount(&api)
            .await;
        let outcome = kind.call(&kind.client(&api.uri())).await;
        let received = requests(&other).await;
        let leaked = received.iter().flat_map(credentials_in).collect();
        seen.push((kind, outcome, received.len(), leaked));
    }
    seen
}

#[tokio::test]
async fn no_credential_reaches_another_origin_on_a_302_or_307_and_the_call_completes() {
    let mut failures = Vec::new();
    for status in [302, 307] {
        for (kind, outcome, received, leaked) in cross_origin_redirects(status).await {
            println!("{status} {kind:?}: {outcome:?}, the other origin received {received}, credentials: {leaked:?}");
            if outcome.is_err() || received != 1 || !leaked.is_empty() {
                failures.push(format!(
                    "{status} {kind:?}: {outcome:?}, {received} received, {leaked:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// What the operation of `kind` answers at the end of its redirects.
fn final_answer(kind: Kind) -> ResponseTemplate {
    match kind {
        Kind::Bearer | Kind::Provided => ok_json(widget(1)),
        Kind::All => ResponseTemplate::new(200)
            .set_body_raw(b"a,b\n1,2\n".to_vec(), "application/octet-stream"),
        _ => ResponseTemplate::new(204),
    }
}

#[tokio::test]
async fn a_same_origin_redirect_keeps_every_credential() {
    for status in [302, 307] {
        for kind in KINDS {
            let api = MockServer::start().await;
            let moved = format!("/moved{}", kind.path());
            Mock::given(method("GET"))
                .and(path(kind.path()))
                .respond_with(
                    ResponseTemplate::new(status).insert_header("location", moved.as_str()),
                )
                .mount(&api)
                .await;
            Mock::given(method("GET"))
                .and(path(moved.as_str()))
                .respond_with(final_answer(kind))
                .mount(&api)
                .await;

            let outcome = kind.call(&kind.client(&api.uri())).await;

            assert!(outcome.is_ok(), "{status} {kind:?}: {outcome:?}");
            let received = requests(&api).await;
            assert_eq!(received.len(), 2, "{status} {kind:?}");
            let second = &received[1];
            assert!(kind.carried_by(second), "{status} {kind:?}: {second:?}");
            assert_eq!(second.headers.get("organization").unwrap(), ORG);
            assert!(!second.headers.contains_key("referer"), "{status} {kind:?}");
            // The query key is sent once, not once more for each redirect.
            let keys = second
                .url
                .query_pairs()
                .filter(|(name, _)| name == "api_key")
                .count();
            let expected = usize::from(matches!(kind, Kind::QueryKey | Kind::All));
            assert_eq!(keys, expected, "{status} {kind:?}: {}", second.url);
        }
    }
}

#[tokio::test]
async fn a_307_with_a_body_is_refused_to_another_origin_and_resent_to_the_same_one() {
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/widgets/1"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/widgets/1", other.uri()).as_str()),
        )
        .mount(&api)
        .await;
    Mock::given(method("PUT"))
        .and(path("/widgets/2"))
        .respond_with(ResponseTemplate::new(308).insert_header("location", "/widgets/3"))
        .mount(&api)
        .await;
    Mock::given(method("PUT"))
        .and(path("/widgets/3"))
        .and(header("authorization", format!("Bearer {BEARER}").as_str()))
        .and(body_json(widget(2)))
        .respond_with(ok_json(widget(2)))
        .mount(&api)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ok_json(widget(1)))
        .mount(&other)
        .await;
    let client = secret_builder(&api.uri()).build().unwrap();
    let body = |id| serde_json::from_value::<Widget>(widget(id)).unwrap();

    let err = client.replace_widget(1, body(1)).send().await.unwrap_err();

    assert!(
        matches!(&err, Error::Redirect { status, attempts: 1, .. } if status.as_u16() == 307),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the redirect (HTTP 307 Temporary Redirect) was not followed: a 307 to another origin \
         would send the request body there"
    );
    assert!(requests(&other).await.is_empty());

    let stored = client.replace_widget(2, body(2)).send().await.unwrap();
    assert_eq!(stored.id, 2);
}

#[tokio::test]
async fn a_303_after_a_post_fetches_the_other_origin_with_get_and_nothing_else() {
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/widgets/search"))
        .respond_with(
            ResponseTemplate::new(303)
                .insert_header("location", format!("{}/results/7", other.uri()).as_str()),
        )
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/results/7"))
        .respond_with(ok_json(json!({"values": [widget(7)], "total_pages": 1})))
        .mount(&other)
        .await;
    let client = secret_builder(&api.uri()).build().unwrap();
    let mut search = SearchRequest::default();
    search.query = Some("red".into());

    let results = client.search_widgets(search).send().await.unwrap();

    assert_eq!(results.values.map(|v| ids(&v)), Some(vec![7]));
    let received = requests(&other).await;
    assert_eq!(received.len(), 1);
    assert!(received[0].body.is_empty());
    assert!(!received[0].headers.contains_key("content-type"));
    assert!(!received[0].headers.contains_key("organization"));
    assert_eq!(credentials_in(&received[0]), Vec::<String>::new());
}

#[tokio::test]
async fn redirect_loops_end_after_ten_redirects_and_credentials_never_come_back() {
    // At one origin: the first request and ten redirects.
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/widgets/1"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/widgets/1"))
        .mount(&api)
        .await;
    let err = secret_builder(&api.uri())
        .build()
        .unwrap()
        .get_widget(1)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    assert!(err.to_string().contains("more than 10 redirects"), "{err}");
    assert_eq!(requests(&api).await.len(), 11);

    // Between two origins: once the chain has left the API's origin, no request carries a
    // credential, not even those that come back to it.
    let api = MockServer::start().await;
    let other = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/keyed/header"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/bounce", other.uri()).as_str()),
        )
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/bounce"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/keyed/header", api.uri()).as_str()),
        )
        .mount(&other)
        .await;
    let err = secret_builder(&api.uri())
        .build()
        .unwrap()
        .keyed_by_header()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    let at_api = requests(&api).await;
    let at_other = requests(&other).await;
    assert_eq!(at_api.len() + at_other.len(), 11);
    assert_eq!(at_api[0].headers.get("x-api-key").unwrap(), HEADER_KEY);
    for request in at_api.iter().skip(1).chain(&at_other) {
        assert_eq!(
            credentials_in(request),
            Vec::<String>::new(),
            "{}",
            request.url
        );
    }
}

#[tokio::test]
async fn a_download_redirected_to_a_signed_url_elsewhere_completes_without_credentials() {
    const SIGNED: &str = "X-Signature=ab%2Fc%3D&Expires=1700000000&api_key=storage-owned";
    let api = MockServer::start().await;
    let storage = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/files/report.csv"))
        .respond_with(
            ResponseTemplate::new(302).insert_header(
                "location",
                // A careless server echoes the key too; it is taken out, the rest kept as written.
                format!(
                    "{}/bucket/report.csv?{SIGNED}&api_key={QUERY_KEY}",
                    storage.uri()
                )
                .as_str(),
            ),
        )
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/bucket/report.csv"))
        .and(query_param("X-Signature", "ab/c="))
        .respond_with(final_answer(Kind::All))
        .mount(&storage)
        .await;
    let client = secret_builder(&api.uri()).build().unwrap();

    let whole = client.download_file("report.csv").send().await.unwrap();
    let mut stream = client
        .download_file("report.csv")
        .send_stream()
        .await
        .unwrap();
    let mut streamed = Vec::new();
    while let Some(chunk) = stream.chunk().await.unwrap() {
        streamed.extend_from_slice(&chunk);
    }

    assert_eq!(whole.as_ref(), b"a,b\n1,2\n");
    assert_eq!(streamed, b"a,b\n1,2\n");
    let received = requests(&storage).await;
    assert_eq!(received.len(), 2);
    for request in &received {
        assert_eq!(request.url.query(), Some(SIGNED));
        assert!(!request.headers.contains_key("organization"));
        // `api_key=storage-owned` is the storage's own parameter, not the client's key.
        let found = credentials_in(request);
        assert_eq!(found, ["api_key in the query"], "{}", request.url);
    }
}

// ---------------------------------------------------------------------------------------------
// Transport errors and the concurrency cap
// ---------------------------------------------------------------------------------------------

/// A server that reads each request head and answers it with `response` as written (then
/// closes the connection): what no well-behaved HTTP server sends.
async fn raw_server(response: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0_u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => request.extend_from_slice(&buf[..read]),
                    }
                }
                let _ = socket.write_all(response).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_transport_error_shows_its_cause_on_one_line_without_the_url() {
    let cases: [(&'static [u8], &str); 3] = [
        (
            b"HTTP/1.1 abc Nope\r\n\r\n",
            "invalid HTTP status-code parsed",
        ),
        (
            b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello",
            "invalid content-length parsed",
        ),
        (b"", "connection closed before message completed"),
    ];
    for (response, cause) in cases {
        let uri = raw_server(response).await;
        let client = secret_builder(&uri).build().unwrap();

        let err = client.keyed_by_query().send().await.unwrap_err();

        let text = err.to_string();
        println!("{text}");
        assert!(
            matches!(err, Error::Transport { attempts: 1, .. }),
            "{err:?}"
        );
        assert!(
            text.starts_with("transport error: error sending request"),
            "{text}"
        );
        assert!(text.contains(cause), "{text}");
        assert!(!text.contains('\n'), "{text}");
        assert!(
            !text.contains("127.0.0.1") && !text.contains(QUERY_KEY),
            "{text}"
        );
    }
}

/// A server that answers `204` to every request after a short pause, on kept-alive
/// connections, and counts the most requests it had in flight at once and the connections
/// it accepted.
async fn counting_server() -> (String, Arc<AtomicU32>, Arc<AtomicU32>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let most = Arc::new(AtomicU32::new(0));
    let connections = Arc::new(AtomicU32::new(0));
    let in_flight = Arc::new(AtomicU32::new(0));
    let (most_seen, accepted) = (most.clone(), connections.clone());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            accepted.fetch_add(1, Ordering::SeqCst);
            let (most, in_flight) = (most_seen.clone(), in_flight.clone());
            tokio::spawn(async move {
                let mut pending = Vec::new();
                let mut buf = [0_u8; 1024];
                loop {
                    // One request head (the requests have no body), then the answer.
                    let end = loop {
                        if let Some(at) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                            break at + 4;
                        }
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(read) => pending.extend_from_slice(&buf[..read]),
                        }
                    };
                    pending.drain(..end);
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    if socket
                        .write_all(b"HTTP/1.1 204 No Content\r\n\r\n")
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    (format!("http://{address}"), most, connections)
}

/// Makes 40 calls at once through clones of `client`; returns the most requests the server
/// had in flight at once, and the connections it accepted.
async fn forty_calls_at_once(builder: ClientBuilder) -> (u32, u32) {
    let (uri, most, connections) = counting_server().await;
    let client = builder.base_url(uri).build().unwrap();
    let calls: Vec<_> = (0..40)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_public().send().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    (
        most.load(Ordering::SeqCst),
        connections.load(Ordering::SeqCst),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_share_the_cap_on_requests_in_flight() {
    let (most, connections) =
        forty_calls_at_once(builder("http://unused").max_concurrent_requests(4)).await;
    println!("40 calls, cap 4: at most {most} in flight, {connections} connections");
    assert!((1..=4).contains(&most), "{most} requests in flight at once");

    // Without a cap, for comparison (nothing asserted: how many overlap is up to timing).
    let (most, connections) = forty_calls_at_once(builder("http://unused")).await;
    println!("40 calls, no cap: at most {most} in flight, {connections} connections");
}

#[tokio::test]
async fn a_download_stream_holds_its_slot_until_it_ends_or_is_dropped() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/files/report.csv"))
        .respond_with(final_answer(Kind::All))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/public"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&api)
        .await;
    let client = secret_builder(&api.uri())
        .max_concurrent_requests(1)
        .build()
        .unwrap();

    // A stream held unread keeps the only slot: the next call waits until it is dropped.
    let stream = client
        .download_file("report.csv")
        .send_stream()
        .await
        .unwrap();
    let waiting = tokio::spawn({
        let client = client.clone();
        async move { client.get_public().send().await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        requests(&api).await.len(),
        1,
        "sent while the stream held the only slot"
    );
    drop(stream);
    let waited = tokio::time::timeout(Duration::from_secs(10), waiting).await;
    waited
        .expect("the dropped stream kept its slot")
        .unwrap()
        .unwrap();

    // A stream read to its end gives its slot back before it is dropped.
    let mut stream = client
        .download_file("report.csv")
        .send_stream()
        .await
        .unwrap();
    while stream.chunk().await.unwrap().is_some() {}
    assert_eq!(stream.chunk().await.unwrap(), None);
    let next = tokio::time::timeout(Duration::from_secs(10), client.get_public().send()).await;
    next.expect("the ended stream kept its slot").unwrap();
    drop(stream);
    assert_eq!(requests(&api).await.len(), 4);
}

#[tokio::test]
async fn waiting_for_a_slot_ends_at_the_retry_deadline() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/files/report.csv"))
        .respond_with(final_answer(Kind::All))
        .mount(&api)
        .await;
    let client = secret_builder(&api.uri())
        .max_concurrent_requests(1)
        .retry_deadline(Duration::from_millis(300))
        .build()
        .unwrap();

    // The only slot is held by an unread stream: the next call may not wait for it forever.
    let stream = client
        .download_file("report.csv")
        .send_stream()
        .await
        .unwrap();
    let waited = tokio::time::timeout(Duration::from_secs(10), client.get_public().send()).await;
    let err = waited
        .expect("the call waited past its deadline")
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(requests(&api).await.len(), 1, "nothing sent without a slot");
    drop(stream);
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
    let mut search = SearchRequest::default();
    search.query = Some("blue".to_owned());
    search.per_page = Some(2);

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
async fn a_token_repeated_at_once_ends_the_list_with_an_error_after_its_page() {
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

    let results: Vec<_> = client(&server).list_violations().items().collect().await;

    // Both pages' items, then the error instead of asking for `same` a second time.
    assert_eq!(results.len(), 3);
    let items: Vec<Widget> = results[..2]
        .iter()
        .map(|r| r.as_ref().unwrap().clone())
        .collect();
    assert_eq!(ids(&items), [1, 2]);
    assert!(
        matches!(
            &results[2],
            Err(Error::Pagination(PaginationError::RepeatedToken {
                page: 2
            }))
        ),
        "{:?}",
        results[2]
    );
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

/// Mounts a token or cursor list at `route` that goes round in a circle: no token → the first
/// of `cycle`, each token → the next, the last → the first again. `next` builds a page's
/// body from its next token.
async fn cycling(
    server: &MockServer,
    route: &str,
    param: &str,
    cycle: &[&str],
    next: fn(&str) -> Value,
) {
    let mut sent: Vec<Option<&str>> = vec![None];
    sent.extend(cycle.iter().map(|token| Some(*token)));
    for (i, token) in sent.iter().enumerate() {
        let following = cycle[i % cycle.len()];
        let mut mock = Mock::given(method("GET")).and(path(route));
        mock = match token {
            Some(token) => mock.and(query_param(param, *token)),
            None => mock.and(query_param_is_missing(param)),
        };
        mock.respond_with(ok_json(next(following)))
            .mount(server)
            .await;
    }
}

/// The outcome of each page of a stream: `Ok(())` or the error, and the requests it made.
async fn outcomes<P: std::fmt::Debug>(
    server: &MockServer,
    stream: impl futures::Stream<Item = Result<P, Error>>,
) -> (Vec<Result<(), Error>>, usize) {
    // A guard far above what a stream that ends should take: the old code never ended.
    let results: Vec<_> = at_once(stream.take(50).map(|page| page.map(drop)).collect()).await;
    (results, requests(server).await.len())
}

#[tokio::test]
async fn cycling_page_tokens_end_with_an_error_after_the_third_request() {
    let server = MockServer::start().await;
    cycling(
        &server,
        "/violations",
        "pageToken",
        &["secret-a", "secret-b"],
        |next| json!({"violations": widgets(&[1]), "nextPageToken": next}),
    )
    .await;

    let (results, sent) = outcomes(&server, client(&server).list_violations().pages()).await;

    // Pages 1 (→ a), 2 (→ b) and 3 (→ a again) are delivered, then the error, not a 4th request.
    assert_eq!(sent, 3);
    assert_eq!(results.len(), 4);
    assert!(results[..3].iter().all(Result::is_ok));
    let err = results[3].as_ref().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Pagination(PaginationError::RepeatedToken { page: 3 })
        ),
        "{err:?}"
    );
    let shown = err.to_string();
    assert!(shown.contains("a page token repeated"), "{shown}");
    assert!(!shown.contains("secret"), "the token is shown: {shown}");
}

#[tokio::test]
async fn cycling_cursors_end_with_an_error() {
    let server = MockServer::start().await;
    cycling(
        &server,
        "/events",
        "cursor",
        &["c1", "c2", "c3"],
        |next| json!({"data": widgets(&[1]), "page": {"next": next, "prev": null}}),
    )
    .await;

    let (results, sent) = outcomes(&server, client(&server).list_events().items()).await;

    assert_eq!(sent, 4);
    assert_eq!(results.len(), 5);
    assert!(
        matches!(
            &results[4],
            Err(Error::Pagination(PaginationError::RepeatedToken {
                page: 4
            }))
        ),
        "{:?}",
        results[4]
    );
}

#[tokio::test]
async fn the_same_full_page_again_is_an_error_for_page_numbers_and_offsets() {
    let server = MockServer::start().await;
    // A server that ignores the page number and the offset: the first page, always.
    Mock::given(method("GET"))
        .and(path("/widgets"))
        .respond_with(ok_json(json!({"data": widgets(&[1, 2]), "total": 1000})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/gadgets"))
        .respond_with(ok_json(json!({"items": widgets(&[1, 2]), "total": 1000})))
        .mount(&server)
        .await;
    let client = client(&server);

    let (results, sent) = outcomes(&server, client.list_widgets().per_page(2).pages()).await;
    assert_eq!((results.len(), sent), (2, 2));
    assert!(results[0].is_ok());
    let err = results[1].as_ref().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Pagination(PaginationError::RepeatedPage { page: 2 })
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("same as the page before it"),
        "{err}"
    );

    let (results, sent) = outcomes(&server, client.list_gadgets().limit(2).items()).await;
    // Items 1 and 2, then the error; two more requests (four in all).
    assert_eq!((results.len(), sent), (3, 4));
    assert!(
        matches!(
            &results[2],
            Err(Error::Pagination(PaginationError::RepeatedPage { page: 2 }))
        ),
        "{:?}",
        results[2]
    );
}

/// Mounts an endless page-number list at `/widgets`: page `n` has widgets `2n - 1` and `2n`,
/// of a million.
async fn endless(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/widgets"))
        .respond_with(|request: &wiremock::Request| {
            let page: i64 = request
                .url
                .query_pairs()
                .find(|(name, _)| name == "page")
                .and_then(|(_, value)| value.parse().ok())
                .unwrap_or(1);
            ok_json(json!({"data": widgets(&[2 * page - 1, 2 * page]), "total": 1_000_000}))
        })
        .mount(server)
        .await;
}

#[tokio::test]
async fn the_default_page_limit_ends_an_endless_list_after_10000_pages() {
    let server = MockServer::start().await;
    endless(&server).await;
    // The spec's 1000 requests a minute would make this take nine minutes.
    let client = builder(&server.uri()).rate_limiting(false).build().unwrap();

    let results: Vec<_> = client
        .list_widgets()
        .pages()
        .map(|page| page.map(drop))
        .collect()
        .await;

    assert_eq!(results.len(), 10_001);
    assert_eq!(requests(&server).await.len(), 10_000);
    let err = results[10_000].as_ref().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Pagination(PaginationError::TooManyPages { max_pages: 10_000 })
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("10000 pages"), "{err}");
}

#[tokio::test]
async fn the_page_limit_is_set_on_the_builder_and_overridden_per_stream() {
    let server = MockServer::start().await;
    endless(&server).await;
    let client = builder(&server.uri()).max_pages(5).build().unwrap();
    let limit = |results: &[Result<(), Error>]| match results.last() {
        Some(Err(Error::Pagination(PaginationError::TooManyPages { max_pages }))) => *max_pages,
        other => panic!("expected the page limit, got {other:?}"),
    };

    let (results, sent) = outcomes(&server, client.list_widgets().pages()).await;
    assert_eq!((results.len(), sent, limit(&results)), (6, 5, 5));

    let (results, sent) = outcomes(&server, client.list_widgets().pages().max_pages(3)).await;
    assert_eq!((results.len(), sent - 5, limit(&results)), (4, 3, 3));

    // On items: the items of 7 pages, then the error.
    let (results, sent) = outcomes(&server, client.list_widgets().items().max_pages(7)).await;
    assert_eq!((results.len(), sent - 8, limit(&results)), (15, 7, 7));
}

#[tokio::test]
async fn a_long_legitimate_list_is_not_cut() {
    let server = MockServer::start().await;
    // 60 pages of 2 widgets, then a short one; each page names the next token.
    Mock::given(method("GET"))
        .and(path("/violations"))
        .respond_with(|request: &wiremock::Request| {
            let page: i64 = request
                .url
                .query_pairs()
                .find(|(name, _)| name == "pageToken")
                .and_then(|(_, value)| value.strip_prefix('t').and_then(|n| n.parse().ok()))
                .unwrap_or(1);
            match page {
                61 => ok_json(json!({"violations": widgets(&[121])})),
                _ => ok_json(json!({
                    "violations": widgets(&[2 * page - 1, 2 * page]),
                    "nextPageToken": format!("t{}", page + 1),
                })),
            }
        })
        .mount(&server)
        .await;

    let items: Vec<Widget> = at_once(client(&server).list_violations().items().try_collect())
        .await
        .unwrap();

    assert_eq!(ids(&items), (1..=121).collect::<Vec<_>>());
    assert_eq!(requests(&server).await.len(), 61);
}
