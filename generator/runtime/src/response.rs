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
}

impl Response {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            status,
            headers,
            body,
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

    /// Decodes a success body as JSON into `T`, or turns a non-success status into
    /// [`Error::Api`] with the body decoded as `E` where it can be.
    pub fn json<T: DeserializeOwned, E: DeserializeOwned>(self) -> Result<T, Error<E>> {
        let response = self.success()?;
        serde_json::from_slice(&response.body).map_err(|source| Error::Decode {
            status: response.status,
            source,
            excerpt: excerpt(&response.body),
        })
    }

    /// Accepts any success status and ignores its body, for operations that declare none.
    pub fn empty<E: DeserializeOwned>(self) -> Result<(), Error<E>> {
        self.success().map(drop)
    }

    fn success<E: DeserializeOwned>(self) -> Result<Self, Error<E>> {
        if self.status.is_success() {
            return Ok(self);
        }
        Err(Error::Api(ApiError {
            status: self.status,
            body: serde_json::from_slice(&self.body).ok(),
            excerpt: excerpt(&self.body),
        }))
    }
}
