//! Runtime support shared by every client that `clientgen` generates.
//!
//! A generated crate is thin: it holds the types of its API and one request builder per
//! operation. Everything that is the same for every API lives here, written once by hand:
//! client configuration ([`ClientBuilder`]), credentials ([`Credential`], [`TokenProvider`]),
//! request execution with retries and rate limits ([`Client::execute`]), pagination
//! ([`Pages`], [`Items`]), parameter encoding in every OpenAPI style ([`Request`], [`Style`]),
//! body encoding (JSON, forms, multipart with [`FilePart`]s, bytes, text), response decoding
//! ([`RawResponse`] into a [`Response`] or the body alone, streamed downloads as [`ByteStream`], server-sent events as an
//! [`EventStream`]) and the one error type ([`Error`]),
//! whose API error bodies are decoded by [`ErrorBody`]. With the `mock` feature, `mock` is a
//! local server that answers typed expectations, for the tests of code that uses a client.
//!
//! Every attempt runs in a `tracing` span named `http_request` with the fields `method`,
//! `path` (the path template, never the URL, which may carry a key), `attempt` and `status`.
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod auth;
mod body;
mod builder;
mod client;
mod enums;
mod error;
#[cfg(feature = "mock")]
pub mod mock;
mod ordered;
mod paginate;
mod query;
mod rate_limit;
mod request;
mod response;
mod retry;
mod secret;
mod sse;
mod stream;
mod value;

pub use auth::{AccessToken, ApiKeyLocation, Credential, TokenCache, TokenExchange, TokenProvider};
pub use body::{FilePart, Multipart};
pub use builder::{ApiDescription, BuildError, ClientBuilder, OperationRateLimit, Setting};
pub use client::Client;
pub use error::{ApiError, BoxError, Error};
pub use paginate::{Items, Pages, Pagination, PaginationError};
pub use query::ClauseQuery;
pub use rate_limit::{RateLimit, RateLimiter};
pub use request::{Request, Security};
pub use response::{ErrorBody, RawResponse, Response, SuccessBody};
pub use secret::Secret;
pub use sse::{Event, EventStream, DONE};
pub use stream::ByteStream;
pub use value::Style;

/// The boxed future a [`TokenProvider`] returns.
pub use futures_util::future::BoxFuture;
/// Re-exported so generated crates and their users name the same `reqwest` version.
pub use reqwest;
/// Re-exported for the `Method` and `StatusCode` types used by generated code.
pub use reqwest::{Method, StatusCode};

/// The body of a download or a binary upload, as bytes.
pub use bytes::Bytes;

/// What the runtime's macros name (`serde`), so that a generated crate's own dependencies
/// never change what they expand to. Not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}
