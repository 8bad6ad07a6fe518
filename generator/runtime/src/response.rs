use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{excerpt, ApiError, Error};

/// A response read in full, before it is decoded into the operation's types.
#[derive(Debug, Clone)]
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    attempts: u32,
}

impl Response {
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

    /// Decodes a success body as JSON into `T`, or turns a non-success status into
    /// [`Error::Api`] with the body decoded as `E` where it can be. An empty body reads as
    /// JSON `null`, so it decodes into a JSON value or an `Option` but not into a struct.
    pub fn json<T: DeserializeOwned, E: DeserializeOwned>(self) -> Result<T, Error<E>> {
        let response = self.success()?;
        if response.body.iter().all(u8::is_ascii_whitespace) {
            return response.decode(b"null");
        }
        response.decode(&response.body)
    }

    /// The body of a success response as it came (a download), or [`Error::Api`].
    pub fn bytes<E: DeserializeOwned>(self) -> Result<Bytes, Error<E>> {
        self.success().map(|response| response.body)
    }

    /// Accepts any success status and ignores its body, for operations that declare none.
    pub fn empty<E: DeserializeOwned>(self) -> Result<(), Error<E>> {
        self.success().map(drop)
    }

    /// Decodes JSON that came with this response (its body or a part of it) into `T`; a
    /// failure quotes the start of the whole body.
    pub(crate) fn decode<T: DeserializeOwned, E>(&self, json: &[u8]) -> Result<T, Error<E>> {
        serde_json::from_slice(json).map_err(|source| self.decode_error(source))
    }

    pub(crate) fn decode_error<E>(&self, source: serde_json::Error) -> Error<E> {
        Error::Decode {
            status: self.status,
            source,
            excerpt: excerpt(&self.body),
        }
    }

    /// The response itself when its status is a success, else [`Error::Api`].
    pub(crate) fn success<E: DeserializeOwned>(self) -> Result<Self, Error<E>> {
        if self.status.is_success() {
            return Ok(self);
        }
        Err(Error::Api(ApiError {
            status: self.status,
            body: serde_json::from_slice(&self.body).ok(),
            excerpt: excerpt(&self.body),
            attempts: self.attempts,
        }))
    }
}
