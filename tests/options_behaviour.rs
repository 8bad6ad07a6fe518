//! Per-call options and typed responses (issue #19) through the generated `options-client`
//! (`tests/specs/options/`), against a wiremock server on 127.0.0.1.
//!
//! * The generated `operations.rs` is snapshotted, and the IR names the options: parameters
//!   named `timeout`, `header` and `max_retries` (query and header) keep their names, the
//!   options yield (`timeout_2`, ...), and an operation without such parameters gets the
//!   plain names.
//! * The colliding parameters still go on the wire; the renamed options still work.
//! * A call's timeout fires where the client's would not; `max_retries(0)` sends once and
//!   `max_retries(n)` retries `n` times; an extra header is sent, and one with a bad name or
//!   value is `Error::InvalidRequest` before anything is sent; an extra header does not follow
//!   a redirect to another origin; every page of `.items()` keeps the call's options.
//! * `send_with_response()` returns the typed body with the status and headers, for a JSON
//!   body, an `Option`, a response enum, text, bytes and no body; an API error carries its
//!   response's headers.

use std::time::Duration;

use options_client::types::{PutThingResponse, Thing};
use options_client::{Client, Error};
use serde_json::json;
use wiremock::matchers::{any, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn options_operations_snapshot() {
    insta::assert_snapshot!(clientgen_tests::fixture_output(
        "options",
        "src/operations.rs"
    ));
}

/// Parameters keep their names; the options take the next free ones, in every builder.
#[test]
fn option_setters_yield_to_parameters() {
    let (api, warnings) = clientgen_tests::lower_fixture("options");
    assert!(warnings.is_empty(), "{warnings:?}");
    let op = |name: &str| {
        api.operations
            .iter()
            .find(|op| op.method_name == name)
            .unwrap_or_else(|| panic!("no operation {name}"))
    };
    let search = op("search");
    let params: Vec<&str> = search.params.iter().map(|p| p.rust_name.as_str()).collect();
    assert_eq!(params, ["timeout", "max_retries", "header", "headers"]);
    assert_eq!(search.options.timeout, "timeout_2");
    assert_eq!(search.options.header, "header_2");
    assert_eq!(search.options.max_retries, "max_retries_2");
    let put = op("put_thing");
    assert_eq!(put.options.timeout, "timeout");
    assert_eq!(put.options.header, "header");
    assert_eq!(put.options.max_retries, "max_retries_2");
    let get = op("get_thing");
    assert_eq!(
        (
            get.options.timeout.as_str(),
            get.options.header.as_str(),
            get.options.max_retries.as_str()
        ),
        ("timeout", "header", "max_retries")
    );
}

fn thing(id: &str) -> serde_json::Value {
    json!({"id": id, "name": "a thing"})
}

/// A client of `server` with the given retries and a short backoff.
fn client(server: &MockServer, retries: u32) -> Client {
    Client::builder()
        .base_url(server.uri())
        .max_retries(retries)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
        .timeout(Duration::from_secs(5))
        .build()
        .expect("the client builds")
}

async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("recorded")
}

#[tokio::test]
async fn colliding_parameters_go_on_the_wire_and_renamed_options_work() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(thing("s")))
        .mount(&server)
        .await;
    let found = client(&server, 0)
        .search()
        .timeout(30)
        .max_retries(4)
        .header("param")
        .headers("q")
        .timeout_2(Duration::from_secs(3))
        .header_2("Idempotency-Key", "k-1")
        .max_retries_2(0)
        .send()
        .await
        .expect("the call succeeds");
    assert_eq!(found.id, "s");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(
        request.url.query(),
        Some("timeout=30&max_retries=4&headers=q")
    );
    assert_eq!(request.headers["header"], "param");
    assert_eq!(request.headers["idempotency-key"], "k-1");

    // A header parameter named `Max-Retries` beside the `max_retries_2` option.
    Mock::given(method("PUT"))
        .and(path("/things/t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(thing("t1")))
        .mount(&server)
        .await;
    let body = Thing::new("t1".into());
    client(&server, 0)
        .put_thing("t1", body)
        .max_retries(7)
        .max_retries_2(0)
        .header("X-Extra", "yes")
        .send()
        .await
        .expect("the call succeeds");
    let sent = requests(&server).await;
    let put = sent.last().expect("a request");
    assert_eq!(put.headers["max-retries"], "7");
    assert_eq!(put.headers["x-extra"], "yes");
}

#[tokio::test]
async fn a_calls_timeout_fires_where_the_clients_would_not() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(thing("slow"))
                .set_delay(Duration::from_millis(500)),
        )
        .mount(&server)
        .await;
    let client = client(&server, 0);
    let err = client
        .get_thing("slow")
        .timeout(Duration::from_millis(50))
        .send()
        .await
        .expect_err("the call times out");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    // The client's own timeout (5 s) lets the same call through.
    let slow = client.get_thing("slow").send().await.expect("no timeout");
    assert_eq!(slow.id, "slow");
    // The renamed option of `search` times out too.
    let err = client
        .search()
        .timeout(1)
        .timeout_2(Duration::from_millis(50))
        .send()
        .await
        .expect_err("the call times out");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn a_calls_retry_count_replaces_the_clients() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    // The client retries 3 times; the call not at all.
    let client = client(&server, 3);
    let err = client
        .get_thing("t")
        .max_retries(0)
        .send()
        .await
        .expect_err("503");
    assert_eq!(err.attempts(), 1);
    assert_eq!(requests(&server).await.len(), 1);
    // The call retries 5 times where the client would retry 3.
    let err = client
        .get_thing("t")
        .max_retries(5)
        .send()
        .await
        .expect_err("503");
    assert_eq!(err.attempts(), 6);
    assert_eq!(requests(&server).await.len(), 7);
    // Without the option, the client's count.
    let err = client.get_thing("t").send().await.expect_err("503");
    assert_eq!(err.attempts(), 4);
}

#[tokio::test]
async fn a_bad_extra_header_is_an_invalid_request_and_nothing_is_sent() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(thing("t")))
        .mount(&server)
        .await;
    let client = client(&server, 0);
    let err = client
        .get_thing("t")
        .header("bad name", "v")
        .send()
        .await
        .expect_err("a bad header name");
    assert!(
        matches!(&err, Error::InvalidRequest(why) if why.contains("bad name")),
        "{err:?}"
    );
    let err = client
        .get_thing("t")
        .header("X-Ok", "line\r\nbreak")
        .send()
        .await
        .expect_err("a bad header value");
    assert!(matches!(&err, Error::InvalidRequest(_)), "{err:?}");
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn send_with_response_gives_the_status_headers_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/things/t1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-1")
                .set_body_json(thing("t1")),
        )
        .mount(&server)
        .await;
    let response = client(&server, 0)
        .get_thing("t1")
        .send_with_response()
        .await
        .expect("the call succeeds");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "req-1");
    assert_eq!(response.attempts(), 1);
    assert_eq!(response.body().id, "t1");
    let (status, headers, body) = response.into_parts();
    assert_eq!((status.as_u16(), body.id.as_str()), (200, "t1"));
    assert!(headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn send_with_response_covers_every_kind_of_body() {
    let server = MockServer::start().await;
    let reply = |status: u16| ResponseTemplate::new(status).insert_header("x-request-id", "r");
    Mock::given(method("PUT"))
        .respond_with(reply(202).set_body_json(json!({"ticket": "later"})))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(reply(204))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(reply(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/things/t/note"))
        .respond_with(reply(200).set_body_string("a note"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/things/t/file"))
        .respond_with(reply(200).set_body_bytes(b"\x00\x01".to_vec()))
        .mount(&server)
        .await;
    let client = client(&server, 0);
    let body = Thing::new("t".into());

    let put = client
        .put_thing("t", body)
        .send_with_response()
        .await
        .expect("put");
    assert_eq!(put.status(), 202);
    assert!(matches!(put.body(), PutThingResponse::Accepted(ticket) if ticket.ticket == "later"));

    let patched = client
        .patch_thing("t")
        .send_with_response()
        .await
        .expect("patch");
    assert_eq!((patched.status().as_u16(), patched.body()), (204, &None));

    let deleted = client
        .delete_thing("t")
        .send_with_response()
        .await
        .expect("delete");
    assert_eq!(deleted.status(), 204);
    assert_eq!(deleted.headers()["x-request-id"], "r");
    deleted.into_inner();

    let note = client
        .get_note("t")
        .send_with_response()
        .await
        .expect("note");
    assert_eq!(note.headers()["x-request-id"], "r");
    assert_eq!(note.into_inner(), "a note");

    let file = client
        .get_file("t")
        .send_with_response()
        .await
        .expect("file");
    assert_eq!(file.headers()["x-request-id"], "r");
    assert_eq!(&file.into_inner()[..], b"\x00\x01");
    // A stream has its own status and headers.
    let stream = client.get_file("t").send_stream().await.expect("stream");
    assert_eq!(stream.headers()["x-request-id"], "r");
}

#[tokio::test]
async fn an_api_error_carries_the_response_headers() {
    let server = MockServer::start().await;
    Mock::given(any())
        .and(query_param("headers", "q"))
        .and(header("header", "h"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req-404")
                .set_body_json(json!({"message": "no such thing"})),
        )
        .mount(&server)
        .await;
    let err = client(&server, 0)
        .search()
        .headers("q")
        .header("h")
        .send_with_response()
        .await
        .expect_err("404");
    let Error::Api(api) = err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.status, 404);
    assert_eq!(api.headers["x-request-id"], "req-404");
    assert_eq!(
        api.body.map(|problem| problem.message).as_deref(),
        Some("no such thing")
    );
}

#[tokio::test]
async fn an_extra_header_stays_at_the_requests_origin() {
    let elsewhere = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(thing("moved")))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/things/moved", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    let moved = client(&server, 0)
        .get_thing("t")
        .header("Idempotency-Key", "k-2")
        .send()
        .await
        .expect("the redirect is followed");
    assert_eq!(moved.id, "moved");
    assert_eq!(requests(&server).await[0].headers["idempotency-key"], "k-2");
    let there = requests(&elsewhere).await;
    assert_eq!(there.len(), 1);
    assert!(!there[0].headers.contains_key("idempotency-key"));
}

#[tokio::test]
async fn every_page_keeps_the_calls_options() {
    let server = MockServer::start().await;
    let page = |n: &str| {
        ResponseTemplate::new(200).set_body_json(json!({"data": [thing(n)], "total_pages": 2}))
    };
    // The first request names no page; the second asks for page 2.
    Mock::given(method("GET"))
        .and(path("/things"))
        .and(query_param("page", "2"))
        .respond_with(page("2"))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/things"))
        .respond_with(page("1"))
        .mount(&server)
        .await;
    let pages: Vec<_> = futures::TryStreamExt::try_collect(
        client(&server, 0)
            .list_things()
            .header("X-Trace", "p")
            .timeout(Duration::from_secs(2))
            .items(),
    )
    .await
    .expect("two pages");
    assert_eq!(pages.len(), 2);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|request| request.headers["x-trace"] == "p"));
}
