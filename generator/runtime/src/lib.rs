//! Runtime support shared by every client that `clientgen` generates.
//!
//! A generated crate is thin: it holds the types of its API and one request builder per
//! operation. Everything that is the same for every API lives here, written once by hand:
//! client configuration ([`ClientBuilder`]), request execution ([`Client::execute`]),
//! parameter encoding ([`Request`]), response decoding ([`Response`]) and the one error type
//! ([`Error`]).
#![warn(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod client;
mod error;
mod request;
mod response;
mod secret;
mod value;

pub use client::{BuildError, Client, ClientBuilder};
pub use error::{ApiError, Error};
pub use request::Request;
pub use response::Response;
pub use secret::Secret;

/// Re-exported so generated crates and their users name the same `reqwest` version.
pub use reqwest;
/// Re-exported for the `Method` and `StatusCode` types used by generated code.
pub use reqwest::{Method, StatusCode};
