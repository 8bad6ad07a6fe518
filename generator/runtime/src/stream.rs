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
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;

use crate::error::Error;

/// The body of a successful download, chunk by chunk as the server sends it.
///
/// The request was retried as the client's policy allows until its status and headers came;
/// a failure while the body streams (the connection drops, or no chunk arrives within the
/// client's timeout) ends the stream with an error and is not retried. So does a body larger
/// than the download limit ([`Error::BodyTooLarge`], see
/// [`crate::ClientBuilder::max_download_bytes`]) or slower in all than the download timeout
/// ([`Error::Timeout`], see [`crate::ClientBuilder::download_timeout`]); neither is set by
/// default. Read it with [`ByteStream::chunk`], or as a [`Stream`]
/// (`futures::StreamExt::next`).
#[must_use = "streams do nothing unless polled"]
pub struct ByteStream<E = Value> {
    status: StatusCode,
    headers: HeaderMap,
    /// How many times the request was sent before its head came, retries included.
    pub(crate) attempts: u32,
    inner: BoxStream<'static, Result<Bytes, Error<E>>>,
}

impl<E: Send + 'static> ByteStream<E> {
    /// The chunks of `response`, each awaited for at most `idle` (the client's timeout), at
    /// most `max_bytes` of them in all, until `total` has passed since now.
    pub(crate) fn new(
        response: reqwest::Response,
        idle: Duration,
        attempts: u32,
        max_bytes: Option<u64>,
        total: Option<Duration>,
    ) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let chunks = response.bytes_stream();
        let deadline = total.and_then(|total| Instant::now().checked_add(total));
        // The chunks still to read and how many bytes came before them; `None` once ended.
        let inner = stream::unfold(Some((chunks, 0u64)), move |state| async move {
            let (mut chunks, received) = state?;
            let wait = match deadline {
                Some(deadline) if Instant::now() >= deadline => {
                    return Some((Err(Error::Timeout { attempts }), None))
                }
                Some(deadline) => idle.min(deadline.saturating_duration_since(Instant::now())),
                None => idle,
            };
            match tokio::time::timeout(wait, chunks.next()).await {
                Ok(Some(Ok(chunk))) => {
                    let received = received.saturating_add(chunk.len() as u64);
                    match max_bytes.filter(|limit| received > *limit) {
                        Some(limit) => Some((
                            Err(Error::BodyTooLarge {
                                limit,
                                status,
                                attempts,
                            }),
                            None,
                        )),
                        None => Some((Ok(chunk), Some((chunks, received)))),
                    }
                }
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
            attempts,
            inner,
        }
    }

    /// The stream holding `slot` (of the client's cap on requests in flight) until it ends
    /// or is dropped. Fused: read after its end, it stays ended.
    pub(crate) fn holding(mut self, slot: Option<OwnedSemaphorePermit>) -> Self {
        let Some(slot) = slot else {
            return self;
        };
        let chunks = std::mem::replace(&mut self.inner, stream::empty().boxed());
        self.inner = stream::unfold(Some((chunks, slot)), |state| async move {
            let (mut chunks, slot) = state?;
            // At the end, the state and with it the slot are dropped.
            let chunk = chunks.next().await?;
            Some((chunk, Some((chunks, slot))))
        })
        .fuse()
        .boxed();
        self
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
