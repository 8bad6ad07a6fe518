//! Server-sent events (`text/event-stream`) read as a stream of typed events.
//!
//! The text is parsed incrementally by `eventsource-stream`; this module feeds it complete
//! UTF-8 text (a byte order mark taken off, invalid bytes an error), bounds the text an event
//! may take before it is complete, decodes each event's `data` as JSON, ends at the `[DONE]`
//! sentinel, and reconnects with `Last-Event-ID` when the operation declares that header.

use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use eventsource_stream::{EventStreamError, Eventsource};
use futures_core::Stream;
use futures_util::stream::{self, BoxStream, StreamExt};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::Client;
use crate::error::{excerpt, Error};
use crate::request::Request;
use crate::response::ErrorBody;
use crate::stream::ByteStream;

/// The `data` that ends a stream instead of being an event, as OpenAI-style APIs send it.
pub const DONE: &str = "[DONE]";

/// One server-sent event, its `data` decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The event's type: its `event:` field, `message` without one.
    pub event: String,
    /// The last event ID the stream has set (`id:`), as the SSE standard keeps it: it stays
    /// until an event sets another. `None` until one does.
    pub id: Option<String>,
    /// The reconnection time the event asked for (`retry:`, in milliseconds).
    pub retry: Option<Duration>,
    /// The event's `data:` lines joined with line feeds, decoded as JSON (a type that
    /// decodes from a string takes the text as it is when it is not JSON).
    pub data: T,
}

/// The events of a `text/event-stream` response, decoded as they arrive.
///
/// Each item is an event, or an error. An event whose `data` does not decode as `T` is an
/// [`Error::Decode`] item for that event only: the stream goes on. The stream ends when the
/// server closes it, or at an event whose data is `[DONE]` (not delivered). It ends with an
/// error when:
///
/// - no chunk arrives within the client's timeout ([`Error::Timeout`]);
/// - one event takes more than the response limit before it is complete
///   ([`Error::BodyTooLarge`]; [`crate::ClientBuilder::max_response_bytes`], or the request
///   builder's `.max_response_bytes(..)`), so nothing a server sends fills memory, not even an
///   endless line; the download limit and timeout, when set, bound each connection;
/// - the text is not UTF-8, or not an event stream ([`Error::Decode`]);
/// - the connection drops ([`Error::Transport`]), unless the operation declares a
///   `Last-Event-ID` header: then the stream reconnects, sending the ID of the last event
///   seen, after the last `retry:` the server asked for (at most the client's
///   `max_retry_after`; without one, the client's first backoff), at most the client's retry
///   count times in a row without an event between.
///
/// The request was retried as the client's policy allows until its status and headers came,
/// with the client's credentials, redirects and concurrency cap (a slot is held until the
/// stream ends or is dropped). [`EventStream::last_event_id`] gives the ID to resume from
/// yourself.
#[must_use = "streams do nothing unless polled"]
pub struct EventStream<T, E = Value> {
    status: StatusCode,
    headers: HeaderMap,
    last_event_id: Arc<Mutex<Option<String>>>,
    inner: BoxStream<'static, Result<Event<T>, Error<E>>>,
}

impl<T, E> EventStream<T, E> {
    /// The HTTP status of the first response (a success).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the first response.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The ID of the last event received (`id:`), to resume from with a `Last-Event-ID`
    /// header; `None` until an event sets one.
    pub fn last_event_id(&self) -> Option<String> {
        self.last_event_id
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The next event, `None` once the stream has ended.
    pub async fn event(&mut self) -> Option<Result<Event<T>, Error<E>>> {
        self.inner.next().await
    }
}

impl<T, E> Stream for EventStream<T, E> {
    type Item = Result<Event<T>, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T, E> std::fmt::Debug for EventStream<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .field("last_event_id", &self.last_event_id())
            .finish_non_exhaustive()
    }
}

/// The events of one connection, as `eventsource-stream` parses them.
type Parsed<E> = BoxStream<'static, Result<eventsource_stream::Event, EventStreamError<Error<E>>>>;

/// Everything the stream needs between two events: how to connect again, and what it has seen.
struct Session<E> {
    client: Client,
    request: Request,
    /// The header that resumes the stream (`Last-Event-ID`), when the operation has one.
    resume: Option<&'static str>,
    events: Option<Parsed<E>>,
    /// Bytes given to the parser since it last produced an event.
    pending: Arc<AtomicU64>,
    /// The most bytes one event may take.
    limit: u64,
    status: StatusCode,
    last_event_id: Arc<Mutex<Option<String>>>,
    /// The reconnection time the server last asked for.
    retry: Option<Duration>,
    /// Reconnections since the last event.
    reconnects: u32,
}

impl Client {
    /// Sends a request whose success response is a `text/event-stream`, as
    /// [`Client::execute_stream`] does (retries until the head arrives), and returns its
    /// events decoded as `T`. The request asks for `text/event-stream` in its `Accept`
    /// header. With `resume` (the name of the operation's `Last-Event-ID` header), a dropped
    /// connection is opened again with that header set to the last event's ID.
    pub async fn events<T, E>(
        &self,
        request: Request,
        resume: Option<&'static str>,
    ) -> Result<EventStream<T, E>, Error<E>>
    where
        T: DeserializeOwned + Send + 'static,
        E: ErrorBody + Send + 'static,
    {
        let request = request.replace_header("Accept", "text/event-stream");
        let first = self.execute_stream::<E>(request.clone()).await?;
        let status = first.status();
        let headers = first.headers().clone();
        let limit = request
            .max_response_bytes
            .unwrap_or(self.inner.limits.max_response_bytes);
        let pending = Arc::new(AtomicU64::new(0));
        let last_event_id = Arc::new(Mutex::new(None));
        let session = Session {
            client: self.clone(),
            events: Some(parse(first, Arc::clone(&pending), limit)),
            request,
            resume,
            pending,
            limit,
            status,
            last_event_id: Arc::clone(&last_event_id),
            retry: None,
            reconnects: 0,
        };
        let inner = stream::unfold(Some(session), |session| async move {
            let mut session = session?;
            let (item, goes_on) = session.next().await?;
            Some((item, goes_on.then_some(session)))
        })
        .fuse()
        .boxed();
        Ok(EventStream {
            status,
            headers,
            last_event_id,
            inner,
        })
    }
}

impl<E: ErrorBody + Send + 'static> Session<E> {
    /// The next item and whether the stream goes on after it; `None` when it is over.
    async fn next<T: DeserializeOwned>(&mut self) -> Option<(Result<Event<T>, Error<E>>, bool)> {
        loop {
            let events = match &mut self.events {
                Some(events) => events,
                None => match self.connect().await {
                    Ok(events) => self.events.insert(events),
                    Err(err) => return Some((Err(err), false)),
                },
            };
            let err = match events.next().await? {
                Ok(event) => {
                    self.pending.store(0, Ordering::Relaxed);
                    self.reconnects = 0;
                    // Only a decode error of one event's data lets the stream go on.
                    return self.deliver(event).map(|item| (item, true));
                }
                Err(EventStreamError::Transport(err)) => err,
                Err(EventStreamError::Utf8(err)) => {
                    return Some((Err(self.malformed(&err)), false))
                }
                Err(EventStreamError::Parser(err)) => {
                    return Some((Err(self.malformed(&err)), false))
                }
            };
            let resumable = self.resume.is_some()
                && matches!(err, Error::Transport { .. })
                && self.reconnects < self.client.max_retries_for(&self.request);
            if !resumable {
                return Some((Err(err), false));
            }
            self.reconnects = self.reconnects.saturating_add(1);
            self.events = None;
            let policy = &self.client.inner.retry;
            let wait = self
                .retry
                .unwrap_or(policy.initial_backoff)
                .min(policy.max_retry_after);
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "event stream dropped; reconnecting"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// The event as the caller gets it, or `None` at the `[DONE]` sentinel.
    fn deliver<T: DeserializeOwned>(
        &mut self,
        event: eventsource_stream::Event,
    ) -> Option<Result<Event<T>, Error<E>>> {
        let id = (!event.id.is_empty()).then_some(event.id);
        if id.is_some() {
            *self
                .last_event_id
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = id.clone();
        }
        if event.retry.is_some() {
            self.retry = event.retry;
        }
        if event.data.trim() == DONE {
            return None;
        }
        let data = match serde_json::from_str::<T>(&event.data) {
            Ok(data) => data,
            Err(source) => match T::deserialize(Value::String(event.data.clone())) {
                // A type that takes a string takes the text as it is.
                Ok(data) if serde_json::from_str::<Value>(&event.data).is_err() => data,
                _ => {
                    return Some(Err(Error::Decode {
                        status: self.status,
                        source,
                        excerpt: excerpt(event.data.as_bytes()),
                    }))
                }
            },
        };
        Some(Ok(Event {
            event: event.event,
            id,
            retry: event.retry,
            data,
        }))
    }

    /// Opens the stream again, with the last event's ID.
    async fn connect(&mut self) -> Result<Parsed<E>, Error<E>> {
        let mut request = self.request.clone();
        let last = self
            .last_event_id
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let (Some(header), Some(id)) = (self.resume, last) {
            request = request.replace_header(header, &id);
        }
        let bytes = self.client.execute_stream::<E>(request).await?;
        self.pending.store(0, Ordering::Relaxed);
        Ok(parse(bytes, Arc::clone(&self.pending), self.limit))
    }

    /// The error that ends a stream whose text is not UTF-8 or not an event stream.
    fn malformed(&self, what: &dyn std::fmt::Display) -> Error<E> {
        Error::Decode {
            status: self.status,
            source: serde::de::Error::custom(format!("not a valid event stream: {what}")),
            excerpt: String::new(),
        }
    }
}

/// The events of `bytes`: its text (see [`text`]) through the parser.
fn parse<E: Send + 'static>(
    bytes: ByteStream<E>,
    pending: Arc<AtomicU64>,
    limit: u64,
) -> Parsed<E> {
    text(bytes, pending, limit).eventsource().boxed()
}

/// What the parser reads: the body's text, one line at a time, each with its line end (a line
/// split between chunks waits for its end, so the parser, which parses its whole buffer again
/// for each piece it is given and copies what follows each line it takes, never works on more
/// than a line: its work stays linear in the body, not quadratic), in complete UTF-8
/// characters (a character split between chunks waits for its end; a leading byte order mark
/// is dropped, since the parser cannot take one split from its stream); and an error instead
/// of a chunk that would take the text given since the last event past `limit` bytes, or
/// that is not UTF-8.
fn text<E: Send + 'static>(
    bytes: ByteStream<E>,
    pending: Arc<AtomicU64>,
    limit: u64,
) -> BoxStream<'static, Result<String, Error<E>>> {
    struct State<E> {
        bytes: ByteStream<E>,
        /// The start of a character the last chunk ended in (at most 3 bytes).
        carry: Vec<u8>,
        /// The start of a line the last chunk ended in (within `limit`).
        line: String,
        started: bool,
    }
    let state = State {
        bytes,
        carry: Vec::new(),
        line: String::new(),
        started: false,
    };
    stream::unfold(Some(state), move |state| {
        let pending = Arc::clone(&pending);
        async move {
            let mut state = state?;
            let status = state.bytes.status();
            let attempts = state.bytes.attempts;
            loop {
                let chunk = match state.bytes.next().await? {
                    Ok(chunk) => chunk,
                    Err(err) => return Some((vec![Err(err)], None)),
                };
                let total = pending
                    .fetch_add(chunk.len() as u64, Ordering::Relaxed)
                    .saturating_add(chunk.len() as u64);
                if total > limit {
                    let err = Error::BodyTooLarge {
                        limit,
                        status,
                        attempts,
                    };
                    return Some((vec![Err(err)], None));
                }
                let mut buffer = std::mem::take(&mut state.carry);
                buffer.extend_from_slice(&chunk);
                let mut text = match String::from_utf8(buffer) {
                    Ok(text) => text,
                    Err(err) if err.utf8_error().error_len().is_none() => {
                        // The chunk ends inside a character: keep its start for the next.
                        let valid = err.utf8_error().valid_up_to();
                        let mut bytes = err.into_bytes();
                        state.carry = bytes.split_off(valid);
                        match String::from_utf8(bytes) {
                            Ok(text) => text,
                            Err(err) => return Some((vec![Err(not_utf8(status, &err))], None)),
                        }
                    }
                    Err(err) => return Some((vec![Err(not_utf8(status, &err))], None)),
                };
                if !state.started && !text.is_empty() {
                    state.started = true;
                    if let Some(rest) = text.strip_prefix('\u{feff}') {
                        text = rest.to_owned();
                    }
                }
                // A CR LF split in two lines is one line end to the parser, which waits after
                // a CR for what follows.
                let mut lines = Vec::new();
                for piece in text.split_inclusive(['\n', '\r']) {
                    state.line.push_str(piece);
                    if piece.ends_with(['\n', '\r']) {
                        lines.push(Ok(std::mem::take(&mut state.line)));
                    }
                }
                if !lines.is_empty() {
                    return Some((lines, Some(state)));
                }
            }
        }
    })
    .flat_map(stream::iter)
    .boxed()
}

fn not_utf8<E>(status: StatusCode, err: &std::string::FromUtf8Error) -> Error<E> {
    Error::Decode {
        status,
        source: serde::de::Error::custom(format!("the event stream is not UTF-8: {err}")),
        excerpt: String::new(),
    }
}
