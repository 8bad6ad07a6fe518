use std::fmt;

use reqwest::StatusCode;

/// A boxed error from user code, such as a [`crate::TokenProvider`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The API answered with a status the operation does not treat as success.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// The response body decoded as the operation's declared error type, when it decodes.
    pub body: Option<E>,
    /// The start of the raw response body, for the cases where `body` is `None`.
    pub excerpt: String,
    /// How many times the request was sent, retries included.
    pub attempts: u32,
}

/// Everything that can go wrong when calling an operation.
///
/// `E` is the operation's declared error body (`serde_json::Value` when the spec declares
/// none). Generated clients return this type from every call and never panic on a response.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = serde_json::Value> {
    /// The server answered with a non-success status (after any retries).
    Api(ApiError<E>),
    /// The request could not be sent or the response not received (DNS, TLS, connection
    /// refused or reset), after any retries.
    Transport {
        /// What the HTTP client reported.
        source: reqwest::Error,
        /// How many times the request was sent, retries included.
        attempts: u32,
    },
    /// A request did not complete within the configured timeout.
    Timeout {
        /// How many times the request was sent, retries included.
        attempts: u32,
    },
    /// The response had a success status but its body did not match the declared type.
    Decode {
        /// The HTTP status of the response.
        status: StatusCode,
        /// What the JSON decoder reported.
        source: serde_json::Error,
        /// The start of the body, enough to see what the server actually sent.
        excerpt: String,
    },
    /// The token provider could not supply an access token.
    Auth(BoxError),
    /// The request could not be built from the given arguments (a header value with a line
    /// break, a path parameter that is `.` or `..`, a parameter value its style cannot write,
    /// a body that does not serialize).
    InvalidRequest(String),
}

impl<E> Error<E> {
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status(),
            Error::Timeout { .. } | Error::Auth(_) | Error::InvalidRequest(_) => None,
        }
    }

    /// How many times the request was sent, retries included (0 when it never was).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(api) => api.attempts,
            Error::Transport { attempts, .. } | Error::Timeout { attempts } => *attempts,
            Error::Decode { .. } => 1,
            Error::Auth(_) | Error::InvalidRequest(_) => 0,
        }
    }

    /// An error reported by the HTTP client, classified.
    pub(crate) fn from_reqwest(source: reqwest::Error, attempts: u32) -> Self {
        if source.is_timeout() {
            Error::Timeout { attempts }
        } else {
            Error::Transport { source, attempts }
        }
    }

    /// A decode failure that did not come from `serde_json` itself (such as a page whose
    /// items are not an array).
    pub(crate) fn decode(status: StatusCode, message: impl fmt::Display, body: &[u8]) -> Self {
        Error::Decode {
            status,
            source: serde::de::Error::custom(message),
            excerpt: excerpt(body),
        }
    }
}

/// ` (after 3 attempts)`, or nothing for a single attempt.
struct Attempts(u32);

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 > 1 {
            write!(f, " (after {} attempts)", self.0)
        } else {
            Ok(())
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => {
                write!(
                    f,
                    "API error: HTTP {}{}",
                    api.status,
                    Attempts(api.attempts)
                )?;
                if !api.excerpt.is_empty() {
                    write!(f, ": {}", api.excerpt)?;
                }
                Ok(())
            }
            Error::Transport { source, attempts } => {
                write!(f, "transport error{}: {source}", Attempts(*attempts))
            }
            Error::Timeout { attempts } => {
                write!(f, "the request timed out{}", Attempts(*attempts))
            }
            Error::Decode {
                status,
                source,
                excerpt,
            } => {
                write!(f, "could not decode the HTTP {status} response: {source}; body starts with: {excerpt}")
            }
            Error::Auth(source) => write!(f, "could not obtain an access token: {source}"),
            Error::InvalidRequest(msg) => write!(f, "invalid request: {msg}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::Decode { source, .. } => Some(source),
            Error::Auth(source) => Some(source.as_ref()),
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

    #[test]
    fn display_counts_attempts_only_when_retried() {
        let once: Error = Error::Timeout { attempts: 1 };
        let thrice: Error = Error::Timeout { attempts: 3 };
        assert_eq!(once.to_string(), "the request timed out");
        assert_eq!(
            thrice.to_string(),
            "the request timed out (after 3 attempts)"
        );
        assert_eq!(thrice.attempts(), 3);
    }
}
