//! Downloads read as they arrive, instead of whole.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::stream::{self, BoxStream, StreamExt};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;

use crate::error::Error;

/// The body of a successful download, chunk by chunk as the server sends it.
///
/// The request was retried as the client's policy allows until its status and headers came;
/// a failure while the body streams (the connection drops, or no chunk arrives within the
/// client's timeout) ends the stream with an error and is not retried. Read it with
/// [`ByteStream::chunk`], or as a [`Stream`] (`futures::StreamExt::next`).
#[must_use = "streams do nothing unless polled"]
pub struct ByteStream<E = Value> {
    status: StatusCode,
    headers: HeaderMap,
    inner: BoxStream<'static, Result<Bytes, Error<E>>>,
}

impl<E: Send + 'static> ByteStream<E> {
    /// The chunks of `response`, each awaited for at most `idle` (the client's timeout).
    pub(crate) fn new(response: reqwest::Response, idle: Duration, attempts: u32) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let chunks = response.bytes_stream();
        let inner = stream::unfold(Some(chunks), move |chunks| async move {
            let mut chunks = chunks?;
            match tokio::time::timeout(idle, chunks.next()).await {
                Ok(Some(Ok(chunk))) => Some((Ok(chunk), Some(chunks))),
                Ok(Some(Err(err))) => {
                    Some((Err(Error::from_reqwest(err.without_url(), attempts)), None))
                }
                Ok(None) => None,
                Err(_) => Some((Err(Error::Timeout { attempts }), None)),
            }
        })
        .boxed();
        Self {
            status,
            headers,
            inner,
        }
    }
}

impl<E> ByteStream<E> {
    /// The HTTP status (a success).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (`Content-Type`, `Content-Length`, `Content-Disposition`).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The next chunk of the body, or `None` once it is complete.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error<E>> {
        self.inner.next().await.transpose()
    }
}

impl<E> Stream for ByteStream<E> {
    type Item = Result<Bytes, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<E> std::fmt::Debug for ByteStream<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}
