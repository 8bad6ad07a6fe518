use std::fmt;

use reqwest::StatusCode;

/// The API answered with a status the operation does not treat as success.
#[derive(Debug)]
pub struct ApiError<E> {
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// The response body decoded as the operation's declared error type, when it decodes.
    pub body: Option<E>,
    /// The start of the raw response body, for the cases where `body` is `None`.
    pub excerpt: String,
}

/// Everything that can go wrong when calling an operation.
///
/// `E` is the operation's declared error body (`serde_json::Value` when the spec declares
/// none). Generated clients return this type from every call and never panic on a response.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = serde_json::Value> {
    /// The server answered with a non-success status.
    Api(ApiError<E>),
    /// The request could not be sent or the response not received (DNS, TLS, connection).
    Transport(reqwest::Error),
    /// The request did not complete within the configured timeout.
    Timeout,
    /// The response had a success status but its body did not match the declared type.
    Decode {
        /// The HTTP status of the response.
        status: StatusCode,
        /// What the JSON decoder reported.
        source: serde_json::Error,
        /// The start of the body, enough to see what the server actually sent.
        excerpt: String,
    },
    /// The request could not be built from the given arguments (a header value with a line
    /// break, a path parameter that is `.` or `..`, a body that does not serialize).
    InvalidRequest(String),
}

impl<E> Error<E> {
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
            Error::Transport(err) => err.status(),
            Error::Timeout | Error::InvalidRequest(_) => None,
        }
    }

    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        if err.is_timeout() {
            Error::Timeout
        } else {
            Error::Transport(err)
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) if api.excerpt.is_empty() => {
                write!(f, "API error: HTTP {}", api.status)
            }
            Error::Api(api) => write!(f, "API error: HTTP {}: {}", api.status, api.excerpt),
            Error::Transport(err) => write!(f, "transport error: {err}"),
            Error::Timeout => f.write_str("the request timed out"),
            Error::Decode {
                status,
                source,
                excerpt,
            } => {
                write!(f, "could not decode the HTTP {status} response: {source}; body starts with: {excerpt}")
            }
            Error::InvalidRequest(msg) => write!(f, "invalid request: {msg}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(err) => Some(err),
            Error::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// At most this many characters of a body are kept in an error.
const EXCERPT_CHARS: usize = 200;

/// The first [`EXCERPT_CHARS`] characters of a body, lossily decoded as UTF-8.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_cut_on_a_char_boundary() {
        let body = "é".repeat(300);
        let cut = excerpt(body.as_bytes());
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt(b"short"), "short");
    }
}
