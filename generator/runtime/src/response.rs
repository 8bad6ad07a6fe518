use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{excerpt, ApiError, Error};

/// The body of an error response, decoded for [`ApiError::body`].
///
/// Every type that deserializes is decoded from JSON, whatever the status (an operation
/// whose error responses share one type). The error enums that generated crates declare for
/// operations whose error responses differ implement it by status instead.
pub trait ErrorBody: Sized {
    /// The body of a response with the non-success `status`, or `None` when it does not fit.
    fn from_response(status: StatusCode, body: &[u8]) -> Option<Self>;
}

impl<T: DeserializeOwned> ErrorBody for T {
    fn from_response(_status: StatusCode, body: &[u8]) -> Option<Self> {
        serde_json::from_slice(body).ok()
    }
}

/// A success type chosen by status: the response enums that generated crates declare for
/// operations whose success responses differ (`200` with one body, `201` with another,
/// `204` with none). Used through [`RawResponse::decode`].
pub trait SuccessBody: Sized {
    /// Decodes a response whose status is a success; a status the operation does not
    /// declare, or a body that does not fit, is [`Error::Decode`].
    fn from_response<E>(response: &RawResponse) -> Result<Self, Error<E>>;
}

/// A decoded response: the operation's typed body with the status and headers it came with.
///
/// What a generated builder's `send_with_response()` returns; `send()` returns only the body.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
    attempts: u32,
}

impl<T> Response<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// How many times the request was sent before this response, retries included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The decoded body, without the status and headers.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// The status, the headers and the decoded body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.body)
    }

    /// The same response with its body turned into another value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
            attempts: self.attempts,
        }
    }
}

/// A response read in full, before it is decoded into the operation's types.
#[derive(Debug, Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    attempts: u32,
}

impl RawResponse {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Bytes, attempts: u32) -> Self {
        Self {
            status,
            headers,
            body,
            attempts,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// How many times the request was sent before this response, retries included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Decodes the response with `decode` (one of [`RawResponse::json`],
    /// [`RawResponse::decode`], ...) and keeps its status and headers beside the body.
    pub fn typed<T, E>(
        self,
        decode: impl FnOnce(Self) -> Result<T, Error<E>>,
    ) -> Result<Response<T>, Error<E>> {
        let status = self.status;
        let headers = self.headers.clone();
        let attempts = self.attempts;
        decode(self).map(|body| Response {
            status,
            headers,
            body,
            attempts,
        })
    }

    /// Decodes a success body as JSON into `T`, or turns a non-success status into
    /// [`Error::Api`] with the body decoded as `E` where it can be. An empty body reads as
    /// JSON `null`, so it decodes into a JSON value or an `Option` but not into a struct.
    pub fn json<T: DeserializeOwned, E: ErrorBody>(self) -> Result<T, Error<E>> {
        self.error_for_status()?.json_body()
    }

    /// Like [`RawResponse::json`], for operations that answer some success statuses without a
    /// body (`204`): an empty body is `None`.
    pub fn optional_json<T: DeserializeOwned, E: ErrorBody>(self) -> Result<Option<T>, Error<E>> {
        self.error_for_status()?.optional_json_body()
    }

    /// The body of a success response as text (a `text/*` response), or [`Error::Api`]. A
    /// body that is not UTF-8 is [`Error::Decode`].
    pub fn text<E: ErrorBody>(self) -> Result<String, Error<E>> {
        self.error_for_status()?.text_body()
    }

    /// The body of a success response as it came (a download), or [`Error::Api`].
    pub fn bytes<E: ErrorBody>(self) -> Result<Bytes, Error<E>> {
        self.error_for_status().map(|response| response.body)
    }

    /// Accepts any success status and ignores its body, for operations that declare none.
    pub fn empty<E: ErrorBody>(self) -> Result<(), Error<E>> {
        self.error_for_status().map(drop)
    }

    /// Decodes a success response into the operation's response enum, or turns a
    /// non-success status into [`Error::Api`].
    pub fn decode<T: SuccessBody, E: ErrorBody>(self) -> Result<T, Error<E>> {
        T::from_response(&self.error_for_status()?)
    }

    /// The response itself when its status is a success, else [`Error::Api`] with the body
    /// decoded as `E` where it can be.
    pub fn error_for_status<E: ErrorBody>(self) -> Result<Self, Error<E>> {
        if self.status.is_success() {
            return Ok(self);
        }
        Err(Error::Api(ApiError {
            status: self.status,
            body: E::from_response(self.status, &self.body),
            excerpt: excerpt(&self.body),
            attempts: self.attempts,
            retry_after: crate::retry::retry_after(&self.headers, std::time::SystemTime::now()),
            headers: Box::new(self.headers),
        }))
    }

    /// The body decoded as JSON into `T`, whatever the status; an empty body reads as `null`.
    pub fn json_body<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return self.decode_json(b"null");
        }
        self.decode_json(&self.body)
    }

    /// The body decoded as JSON into `T`, or `None` when it is empty.
    pub fn optional_json_body<T: DeserializeOwned, E>(&self) -> Result<Option<T>, Error<E>> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        self.decode_json(&self.body).map(Some)
    }

    /// The body as text; a body that is not UTF-8 is [`Error::Decode`].
    pub fn text_body<E>(&self) -> Result<String, Error<E>> {
        match std::str::from_utf8(&self.body) {
            Ok(text) => Ok(text.to_owned()),
            Err(err) => Err(Error::decode(
                self.status,
                format!("the body is not UTF-8 text: {err}"),
                &self.body,
            )),
        }
    }

    /// The error for a success status the operation does not declare (a response enum has
    /// no variant for it).
    pub fn unexpected_status<E>(&self) -> Error<E> {
        Error::decode(
            self.status,
            format!(
                "HTTP {} is not a status the operation declares",
                self.status
            ),
            &self.body,
        )
    }

    /// Decodes JSON that came with this response (its body or a part of it) into `T`; a
    /// failure quotes the start of the whole body.
    pub(crate) fn decode_json<T: DeserializeOwned, E>(&self, json: &[u8]) -> Result<T, Error<E>> {
        serde_json::from_slice(json).map_err(|source| self.decode_error(source))
    }

    pub(crate) fn decode_error<E>(&self, source: serde_json::Error) -> Error<E> {
        Error::Decode {
            status: self.status,
            source,
            excerpt: excerpt(&self.body),
        }
    }
}

/// The most a response body read whole may have unless the builder sets another: 32 MiB.
///
/// Far above what a JSON API sends in one response (a page of a few hundred items is well
/// under a megabyte, and the largest vendor list responses are a few megabytes), so no
/// legitimate response meets it; yet small enough that a server sending an endless or
/// runaway body costs a bounded amount of memory per call, even with a few dozen calls in
/// flight. Files are streamed with `send_stream()`, which this limit does not apply to.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

/// How much of a response the client reads, and for how long: the builder's settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResponseLimits {
    /// The most a body read whole may have (success and error bodies, pages).
    pub(crate) max_response_bytes: u64,
    /// The most a streamed download may have (none by default).
    pub(crate) max_download_bytes: Option<u64>,
    /// The time a streamed download's body may take in all (none by default).
    pub(crate) download_timeout: Option<Duration>,
}

impl Default for ResponseLimits {
    fn default() -> Self {
        Self {
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_download_bytes: None,
            download_timeout: None,
        }
    }
}

/// Why a response body could not be read whole.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The connection failed, or the attempt's timeout passed, while the body arrived.
    Transport(reqwest::Error),
    /// The body announced or sent more than the limit.
    TooLarge,
}

/// Whether `response` announces (`Content-Length`) a body of more than `limit` bytes.
pub(crate) fn announces_more_than(response: &reqwest::Response, limit: u64) -> bool {
    response
        .content_length()
        .is_some_and(|length| length > limit)
}

/// At most this much is reserved up front for a body from its `Content-Length`; a body that
/// is really larger grows past it as it arrives.
const PREALLOCATE_AT_MOST: u64 = 8 * 1024 * 1024;

/// Reads the body of `response` whole, but never more than `limit` bytes of it: a
/// `Content-Length` above the limit fails before anything is read, and reading stops at the
/// first chunk that takes the total past it (the connection is dropped, not reused). A body
/// of exactly `limit` bytes is read.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limit: u64,
) -> Result<Bytes, ReadError> {
    if announces_more_than(&response, limit) {
        return Err(ReadError::TooLarge);
    }
    let announced = response.content_length().unwrap_or(0);
    let mut total: u64 = 0;
    // A body of one chunk is kept as it came, without a copy.
    let mut single: Option<Bytes> = None;
    let mut joined = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        total = total.saturating_add(chunk.len() as u64);
        if total > limit {
            return Err(ReadError::TooLarge);
        }
        if chunk.is_empty() {
            continue;
        }
        match single.take() {
            None if joined.is_empty() => single = Some(chunk),
            None => joined.extend_from_slice(&chunk),
            Some(earlier) => {
                let reserve = announced.min(PREALLOCATE_AT_MOST).max(total);
                joined.reserve(usize::try_from(reserve).unwrap_or(usize::MAX));
                joined.extend_from_slice(&earlier);
                joined.extend_from_slice(&chunk);
            }
        }
    }
    Ok(single.unwrap_or_else(|| joined.freeze()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn response(status: u16, body: &'static str) -> RawResponse {
        RawResponse::new(
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            Bytes::from_static(body.as_bytes()),
            1,
        )
    }

    #[test]
    fn optional_json_is_none_for_an_empty_body() {
        let none: Option<Value> = response(204, "").optional_json::<_, Value>().unwrap();
        assert_eq!(none, None);
        let some: Option<Value> = response(200, r#"{"a":1}"#)
            .optional_json::<_, Value>()
            .unwrap();
        assert_eq!(some, Some(json!({"a": 1})));
    }

    #[test]
    fn text_must_be_utf8() {
        assert_eq!(response(200, "hé").text::<Value>().unwrap(), "hé");
        let bad = RawResponse::new(
            StatusCode::OK,
            HeaderMap::new(),
            Bytes::from_static(&[0xff, 0xfe]),
            1,
        );
        assert!(matches!(bad.text::<Value>(), Err(Error::Decode { .. })));
    }

    #[test]
    fn typed_keeps_the_status_and_headers_beside_the_body() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "r-1".parse().unwrap());
        let raw = RawResponse::new(
            StatusCode::CREATED,
            headers,
            Bytes::from_static(br#"{"a":1}"#),
            2,
        );
        let typed = raw.typed(RawResponse::json::<Value, Value>).unwrap();
        assert_eq!(typed.status(), StatusCode::CREATED);
        assert_eq!(typed.headers()["x-request-id"], "r-1");
        assert_eq!(typed.attempts(), 2);
        assert_eq!(typed.body(), &json!({"a": 1}));
        assert_eq!(typed.map(|body| body["a"].clone()).into_inner(), json!(1));
    }

    #[test]
    fn an_api_error_keeps_the_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "r-2".parse().unwrap());
        let raw = RawResponse::new(StatusCode::NOT_FOUND, headers, Bytes::new(), 1);
        let Err(Error::Api(api)) = raw.typed(RawResponse::json::<Value, Value>) else {
            panic!("expected an API error")
        };
        assert_eq!(api.headers["x-request-id"], "r-2");
    }

    #[test]
    fn error_bodies_decode_through_error_body() {
        struct ByStatus(u16);
        impl ErrorBody for ByStatus {
            fn from_response(status: StatusCode, _body: &[u8]) -> Option<Self> {
                Some(Self(status.as_u16()))
            }
        }
        let Err(Error::Api(api)) = response(404, "gone").empty::<ByStatus>() else {
            panic!("expected an API error")
        };
        assert_eq!(api.body.map(|b| b.0), Some(404));
        let Err(Error::Api(api)) = response(400, r#"{"a":1}"#).empty::<Value>() else {
            panic!("expected an API error")
        };
        assert_eq!(api.body, Some(json!({"a": 1})));
    }
}
