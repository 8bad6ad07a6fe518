//! Server-sent events (issue #16) through the generated `sse-client`, against a raw TCP
//! server on 127.0.0.1 that answers with chunked transfer encoding and writes each byte of
//! the event stream as a chunk of its own, flushed, so every event, line, field and UTF-8
//! character arrives split. A connection ends cleanly (the last chunk) or drops (the socket
//! closes mid-body, which the client sees as a transport error).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use sse_client::types::{ChatRequest, Message, StreamEventsEvent};
use sse_client::{Client, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The generated builders: `send()` returning the stream for an event-only response,
/// `send_events()` beside `send()` for the LLM-style one, the resumption header.
#[test]
fn sse_operations_snapshot() {
    insta::assert_snapshot!(clientgen_tests::fixture_output("sse", "src/operations.rs"));
}

/// The API as the IR gives it: which method returns which event type, and which resumes.
#[test]
fn sse_api_surface_snapshot() {
    let (api, warnings) = clientgen_tests::lower_fixture("sse");
    assert!(warnings.is_empty(), "{warnings:?}");
    insta::assert_snapshot!(clientgen_tests::api_surface(&api));
}

/// A stream call that takes longer than this hangs.
const GUARD: Duration = Duration::from_secs(10);

/// What the server does on one connection, after the response head.
#[derive(Clone)]
enum Step {
    /// Writes these bytes one chunk per byte, flushing each.
    Bytes(Vec<u8>),
    /// Writes these bytes in chunks of this size, flushing each.
    Chunks(Vec<u8>, usize),
    /// Writes `data: ` and then `a` for ever (until the client goes away).
    EndlessLine,
    /// Waits.
    Sleep(Duration),
    /// Ends the body with the last chunk.
    End,
    /// Closes the connection without the last chunk.
    Drop,
}

fn text(s: &str) -> Step {
    Step::Bytes(s.as_bytes().to_vec())
}

/// A server that answers its `n`th connection with `scripts[n]` (a 200 `text/event-stream`)
/// and records each request's head and body.
struct Server {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    async fn start(scripts: Vec<Vec<Step>>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        tokio::spawn(async move {
            for script in scripts {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let seen = Arc::clone(&seen);
                tokio::spawn(async move {
                    let _ = serve(socket, script, seen).await;
                });
            }
        });
        Server { url, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("requests").clone()
    }
}

async fn serve(
    mut socket: TcpStream,
    script: Vec<Step>,
    seen: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    // The head, then a body of `Content-Length` bytes.
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut buffer).await?;
        if n == 0 {
            return Ok(());
        }
        received.extend_from_slice(&buffer[..n]);
        if let Some(at) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&received[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    while received.len() < head_end + length {
        let n = socket.read(&mut buffer).await?;
        if n == 0 {
            break;
        }
        received.extend_from_slice(&buffer[..n]);
    }
    seen.lock()
        .expect("requests")
        .push(String::from_utf8_lossy(&received).into_owned());
    socket
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n",
        )
        .await?;
    socket.flush().await?;
    for step in script {
        match step {
            Step::Bytes(bytes) => {
                for byte in bytes {
                    socket.write_all(b"1\r\n").await?;
                    socket.write_all(&[byte]).await?;
                    socket.write_all(b"\r\n").await?;
                    socket.flush().await?;
                }
            }
            Step::Chunks(bytes, size) => {
                for chunk in bytes.chunks(size) {
                    socket
                        .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                        .await?;
                    socket.write_all(chunk).await?;
                    socket.write_all(b"\r\n").await?;
                    socket.flush().await?;
                }
            }
            Step::EndlessLine => {
                socket.write_all(b"6\r\ndata: \r\n").await?;
                loop {
                    // Fails once the client has closed the connection.
                    socket.write_all(b"1\r\na\r\n").await?;
                    socket.flush().await?;
                }
            }
            Step::Sleep(wait) => tokio::time::sleep(wait).await,
            Step::End => {
                socket.write_all(b"0\r\n\r\n").await?;
                socket.flush().await?;
            }
            Step::Drop => {
                socket.shutdown().await?;
                return Ok(());
            }
        }
    }
    // Keep the connection open until the client is done with it.
    let _ = socket.read(&mut buffer).await;
    Ok(())
}

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .timeout(Duration::from_secs(2))
        .max_retries(2)
        .build()
        .expect("client")
}

fn chat_request() -> ChatRequest {
    let mut built = ChatRequest::new(
        "gpt".to_owned(),
        vec![Message::new("user".to_owned(), "Hi".to_owned())],
    );
    built.stream = Some(true);
    built
}

fn chunk(id: &str, content: &str) -> String {
    format!(r#"{{"id":"{id}","choices":[{{"index":0,"delta":{{"content":"{content}"}}}}]}}"#)
}

#[tokio::test]
async fn llm_events_arrive_typed_byte_by_byte_and_done_ends_the_stream() {
    let body = [
        // A comment, and a comment-only block that dispatches nothing.
        ": keep-alive\n\n".to_owned(),
        format!("data: {}\n\n", chunk("c1", "Hel")),
        // Every field, CRLF line ends, a comment inside the event.
        format!(
            "event: delta\r\nid: 7\r\n: note\r\nretry: 250\r\ndata: {}\r\n\r\n",
            chunk("c2", "lo")
        ),
        // One JSON value over several `data:` lines, joined with line feeds.
        "data: {\"id\": \"c3\",\ndata: \"choices\": [{\"index\": 0,\ndata:\"delta\":{\"content\":\"é!\"}}]}\n\n".to_owned(),
        "data: [DONE]\n\n".to_owned(),
        // Never delivered: the stream ended at the sentinel.
        format!("data: {}\n\n", chunk("c4", "late")),
    ]
    .concat();
    let server = Server::start(vec![vec![text(&body), Step::End]]).await;
    let client = client(&server.url);
    let mut stream = client
        .create_chat_completion(chat_request())
        .send_events()
        .await
        .expect("stream");
    assert_eq!(stream.status(), 200);
    let mut events = Vec::new();
    let collected = tokio::time::timeout(GUARD, async {
        while let Some(item) = stream.next().await {
            events.push(item.expect("event"));
        }
    })
    .await;
    assert!(collected.is_ok(), "the stream did not end at [DONE]");
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(events[0].event, "message");
    assert_eq!(events[0].id, None);
    assert_eq!(events[0].data.id, "c1");
    assert_eq!(events[1].event, "delta");
    assert_eq!(events[1].id.as_deref(), Some("7"));
    assert_eq!(events[1].retry, Some(Duration::from_millis(250)));
    let delta = |i: usize| {
        events[i].data.choices[0]
            .delta
            .as_ref()
            .and_then(|d| d.content.clone())
    };
    assert_eq!(delta(1).as_deref(), Some("lo"));
    assert_eq!(events[2].data.id, "c3");
    assert_eq!(delta(2).as_deref(), Some("é!"));
    // The last event ID sticks until another is set.
    assert_eq!(events[2].id.as_deref(), Some("7"));
    assert_eq!(stream.last_event_id().as_deref(), Some("7"));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = requests[0].to_ascii_lowercase();
    assert!(request.starts_with("post /chat/completions "), "{request}");
    assert!(
        request.contains("\r\naccept: text/event-stream\r\n"),
        "{request}"
    );
    assert!(request.contains("\"stream\":true"), "{request}");
}

#[tokio::test]
async fn a_bad_event_is_an_error_for_that_event_only() {
    let body = [
        // Not JSON: a struct cannot take it.
        "data: not json\n\n".to_owned(),
        format!("data: {}\n\n", chunk("c1", "ok")),
        // JSON of the wrong shape.
        "data: {\"id\": 5}\n\n".to_owned(),
        format!("data: {}\n\n", chunk("c2", "still ok")),
    ]
    .concat();
    let server = Server::start(vec![vec![text(&body), Step::End]]).await;
    let client = client(&server.url);
    let stream = client
        .create_chat_completion(chat_request())
        .send_events()
        .await
        .expect("stream");
    let items: Vec<_> = tokio::time::timeout(GUARD, stream.collect())
        .await
        .expect("the stream ends when the server does");
    assert_eq!(items.len(), 4, "{items:?}");
    assert!(
        matches!(&items[0], Err(Error::Decode { excerpt, .. }) if excerpt == "not json"),
        "{:?}",
        items[0]
    );
    assert_eq!(items[1].as_ref().expect("event").data.id, "c1");
    assert!(
        matches!(&items[2], Err(Error::Decode { .. })),
        "{:?}",
        items[2]
    );
    assert_eq!(items[3].as_ref().expect("event").data.id, "c2");
}

#[tokio::test]
async fn a_oneof_event_type_decodes_each_alternative_and_untyped_streams_keep_text() {
    let body = "data: {\"kind\":\"created\",\"id\":\"a\",\"name\":\"A\"}\n\ndata: {\"kind\":\"deleted\",\"id\":\"a\"}\n\ndata: {\"kind\":\"created\"}\n\n";
    let server = Server::start(vec![vec![text(body), Step::End]]).await;
    let items: Vec<_> = client(&server.url)
        .stream_events()
        .send()
        .await
        .expect("stream")
        .collect()
        .await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(
        matches!(&items[0], Ok(e) if matches!(&e.data, StreamEventsEvent::Created(c) if c.name.as_deref() == Some("A")))
    );
    assert!(
        matches!(&items[1], Ok(e) if matches!(&e.data, StreamEventsEvent::Deleted(d) if d.id == "a"))
    );
    // A known kind whose body does not fit is that event's decode error.
    assert!(
        matches!(&items[2], Err(Error::Decode { .. })),
        "{:?}",
        items[2]
    );

    // No schema: each event's data as a JSON value, or as a string when it is not JSON.
    let server = Server::start(vec![vec![
        text("data: {\"line\": 1}\n\ndata: plain text\ndata: on two lines\n\n"),
        Step::End,
    ]])
    .await;
    let items: Vec<_> = client(&server.url)
        .tail_logs()
        .send()
        .await
        .expect("stream")
        .map(|item| item.expect("event").data)
        .collect()
        .await;
    assert_eq!(
        items,
        [
            serde_json::json!({"line": 1}),
            serde_json::json!("plain text\non two lines")
        ]
    );
}

#[tokio::test]
async fn a_dropped_stream_resumes_with_last_event_id() {
    let server = Server::start(vec![
        vec![
            text("id: 1\ndata: {\"kind\":\"created\",\"id\":\"a\"}\n\n"),
            text("id: 2\nretry: 20\ndata: {\"kind\":\"created\",\"id\":\"b\"}\n\n"),
            // Half an event, then the connection drops: that event is lost.
            text("id: 3\ndata: {\"kind\""),
            Step::Drop,
        ],
        vec![
            text("id: 3\ndata: {\"kind\":\"deleted\",\"id\":\"a\"}\n\n"),
            text("data: [DONE]\n\n"),
            Step::End,
        ],
    ])
    .await;
    let client = client(&server.url);
    let mut stream = client
        .stream_events()
        .topic("accounts")
        .send()
        .await
        .expect("stream");
    let mut ids = Vec::new();
    let read = tokio::time::timeout(GUARD, async {
        while let Some(item) = stream.next().await {
            ids.push(item.expect("event").id);
        }
    })
    .await;
    assert!(read.is_ok(), "the resumed stream did not end");
    assert_eq!(ids, [Some("1".into()), Some("2".into()), Some("3".into())]);
    assert_eq!(stream.last_event_id().as_deref(), Some("3"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let first = requests[0].to_ascii_lowercase();
    let second = requests[1].to_ascii_lowercase();
    assert!(!first.contains("last-event-id"), "{first}");
    assert!(first.starts_with("get /events?topic=accounts "), "{first}");
    // The same request again, resuming after the last event seen.
    assert!(
        second.starts_with("get /events?topic=accounts "),
        "{second}"
    );
    assert!(second.contains("\r\nlast-event-id: 2\r\n"), "{second}");
    assert!(
        second.contains("\r\naccept: text/event-stream\r\n"),
        "{second}"
    );
}

#[tokio::test]
async fn reconnections_are_bounded_by_the_retry_count() {
    let drop_after_one = || {
        vec![
            text("data: {\"kind\":\"deleted\",\"id\":\"x\"}\n\n"),
            text("data: {"),
            Step::Drop,
        ]
    };
    // A caller's own `Last-Event-ID` goes on the first request.
    let server = Server::start(vec![vec![text("data: {"), Step::Drop]; 4]).await;
    let items: Vec<_> = tokio::time::timeout(
        GUARD,
        Client::builder()
            .base_url(&server.url)
            .timeout(Duration::from_secs(2))
            .max_retries(2)
            .retry_backoff(Duration::from_millis(10), Duration::from_millis(10))
            .build()
            .expect("client")
            .stream_events()
            .last_event_id("41")
            .send()
            .await
            .expect("stream")
            .collect::<Vec<_>>(),
    )
    .await
    .expect("reconnecting ends");
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(
        matches!(items[0], Err(Error::Transport { .. })),
        "{items:?}"
    );
    let requests = server.requests();
    // The first connection and two reconnections, all from the caller's ID.
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(requests
        .iter()
        .all(|r| r.to_ascii_lowercase().contains("\r\nlast-event-id: 41\r\n")));

    // An event between two drops starts the count again.
    let server = Server::start(vec![
        drop_after_one(),
        drop_after_one(),
        drop_after_one(),
        vec![text("data: [DONE]\n\n"), Step::End],
    ])
    .await;
    let events: Vec<_> = tokio::time::timeout(
        GUARD,
        client(&server.url)
            .stream_events()
            .send()
            .await
            .expect("stream")
            .collect::<Vec<_>>(),
    )
    .await
    .expect("the stream ends");
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(events.iter().all(Result::is_ok), "{events:?}");
}

#[tokio::test]
async fn a_drop_without_last_event_id_ends_the_stream_with_an_error() {
    let server = Server::start(vec![vec![
        text(&format!("data: {}\n\n", chunk("c1", "x"))),
        text("data: {\"id\":"),
        Step::Drop,
    ]])
    .await;
    let items: Vec<_> = client(&server.url)
        .create_chat_completion(chat_request())
        .send_events()
        .await
        .expect("stream")
        .collect()
        .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].is_ok());
    assert!(
        matches!(items[1], Err(Error::Transport { .. })),
        "{items:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn an_endless_line_ends_at_the_event_size_bound() {
    let server = Server::start(vec![vec![
        text(&format!("data: {}\n\n", chunk("c1", "x"))),
        Step::EndlessLine,
    ]])
    .await;
    let small = Client::builder()
        .base_url(&server.url)
        .timeout(Duration::from_secs(2))
        .max_response_bytes(1024)
        .build()
        .expect("client");
    let items: Vec<_> = tokio::time::timeout(
        GUARD,
        small
            .create_chat_completion(chat_request())
            .send_events()
            .await
            .expect("stream")
            .collect::<Vec<_>>(),
    )
    .await
    .expect("the endless line is cut off");
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].is_ok());
    assert!(
        matches!(items[1], Err(Error::BodyTooLarge { limit: 1024, .. })),
        "{items:?}"
    );

    // The bound is per event: a stream of many small events is longer than it in all.
    let many: String = (0..40)
        .map(|i| format!("data: {}\n\n", chunk(&format!("c{i}"), "some text")))
        .collect();
    assert!(many.len() > 2048);
    let server = Server::start(vec![vec![text(&many), Step::End]]).await;
    let items: Vec<_> = tokio::time::timeout(
        GUARD,
        client(&server.url)
            .create_chat_completion(chat_request())
            .max_response_bytes(256)
            .send_events()
            .await
            .expect("stream")
            .collect::<Vec<_>>(),
    )
    .await
    .expect("the stream ends");
    assert_eq!(items.len(), 40);
    assert!(items.iter().all(Result::is_ok), "{items:?}");
}

#[tokio::test]
async fn a_stalled_stream_ends_at_the_timeout() {
    let server = Server::start(vec![vec![
        text(&format!("data: {}\n\n", chunk("c1", "x"))),
        // Half an event, then nothing.
        text("data: {"),
        Step::Sleep(Duration::from_secs(30)),
    ]])
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let started = tokio::time::Instant::now();
    let items: Vec<_> = tokio::time::timeout(
        GUARD,
        client
            .create_chat_completion(chat_request())
            .send_events()
            .await
            .expect("stream")
            .collect::<Vec<_>>(),
    )
    .await
    .expect("the stall is cut off");
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(matches!(items[1], Err(Error::Timeout { .. })), "{items:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_byte_order_mark_is_skipped_and_invalid_utf8_ends_the_stream() {
    // The mark arrives a byte at a time, as does every multi-byte character.
    let mut body = "\u{feff}data: \"ünïcode\"\n\n".as_bytes().to_vec();
    body.extend_from_slice(b"data: \"bad \xff byte\"\n\n");
    body.extend_from_slice(b"data: \"never\"\n\n");
    let server = Server::start(vec![vec![Step::Bytes(body), Step::End]]).await;
    let items: Vec<_> = tokio::time::timeout(
        GUARD,
        client(&server.url)
            .tail_logs()
            .send()
            .await
            .expect("stream")
            .collect::<Vec<_>>(),
    )
    .await
    .expect("the stream ends");
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(
        items[0].as_ref().expect("event").data,
        serde_json::json!("ünïcode")
    );
    assert!(matches!(items[1], Err(Error::Decode { .. })), "{items:?}");
}

/// The parser is given one line at a time: a long line in small chunks, and a chunk of many
/// short lines, cost time in proportion to their size (given the whole text, it would parse
/// its buffer again for each chunk and copy the rest of it for each line).
#[tokio::test]
async fn long_lines_and_many_lines_take_linear_time() {
    let mut body = format!("data: \"{}\"\n\n", "a".repeat(400_000)).into_bytes();
    body.extend(std::iter::repeat_n(b'\n', 200_000));
    body.extend_from_slice(b"data: \"last\"\n\n");
    let server = Server::start(vec![vec![Step::Chunks(body, 40), Step::End]]).await;
    let started = tokio::time::Instant::now();
    let items: Vec<_> = tokio::time::timeout(
        GUARD,
        client(&server.url)
            .tail_logs()
            .send()
            .await
            .expect("stream")
            .map(|item| item.map(|event| event.data.as_str().map(str::len)))
            .collect::<Vec<_>>(),
    )
    .await
    .expect("parsing is not quadratic");
    assert_eq!(items.len(), 2, "{:?}", items.len());
    assert_eq!(items[0].as_ref().ok(), Some(&Some(400_000)));
    assert_eq!(items[1].as_ref().ok(), Some(&Some(4)));
    assert!(started.elapsed() < GUARD);
}
