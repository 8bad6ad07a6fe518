use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::paginate::PaginationError;

/// A boxed error from user code, such as a [`crate::TokenProvider`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The API answered with a status the operation does not treat as success.
///
/// Its `Debug` output names the response headers but shows none of their values, since an
/// error is often logged and a header may carry a session (`Set-Cookie`) or a token.
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
    /// The wait the response's `Retry-After` header asked for, when it has one (in seconds or
    /// as an HTTP date). A 429 or 503 whose wait is longer than
    /// [`crate::ClientBuilder::max_retry_after`] ends the call at once with this error, so
    /// the caller can decide whether to come back then.
    pub retry_after: Option<Duration>,
    /// The headers of the response (a request ID to quote to the vendor, rate-limit state);
    /// boxed, so that every `Result` with an [`Error`] stays small.
    pub headers: Box<HeaderMap>,
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// The header names, without their values.
        struct Names<'a>(&'a HeaderMap);
        impl fmt::Debug for Names<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list().entries(self.0.keys()).finish()
            }
        }
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("body", &self.body)
            .field("excerpt", &self.excerpt)
            .field("attempts", &self.attempts)
            .field("retry_after", &self.retry_after)
            .field("headers", &Names(&self.headers))
            .finish()
    }
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
    /// The response body is larger than the client allows: its `Content-Length` announced
    /// more than `limit` bytes (then nothing of it was read), or more than `limit` bytes
    /// arrived (then reading stopped there). The limit is
    /// [`crate::ClientBuilder::max_response_bytes`] for a body read whole (success or error
    /// status alike) and [`crate::ClientBuilder::max_download_bytes`] for a streamed download;
    /// generated request builders override either for one call. Not retried.
    BodyTooLarge {
        /// The limit, in bytes, that the body exceeded.
        limit: u64,
        /// The HTTP status of the response.
        status: StatusCode,
        /// How many times the request was sent, retries included.
        attempts: u32,
    },
    /// A redirect was not followed: more than 10 in a row (a loop), one to a URL that is not
    /// http or https, or a 307 or 308 that would send the request body to another origin
    /// (scheme, host or port), where the body and the request's credentials do not go. Not
    /// retried.
    Redirect {
        /// The status of the redirect that was not followed.
        status: StatusCode,
        /// Why it was not followed (never the URL, which may carry a signature or a key).
        reason: String,
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
    /// A `.pages()` or `.items()` stream stopped instead of paging on forever: the server
    /// named a page token or cursor again, sent the same page twice, or the list went past
    /// the stream's page limit. The pages before it were delivered.
    Pagination(PaginationError),
    /// The client-side rate limit (the spec's `x-rate-limit`) would have held the request
    /// past the retry deadline ([`crate::ClientBuilder::retry_deadline`]), so it was not sent.
    RateLimited {
        /// How long the rate limit asked the request to wait.
        wait: Duration,
    },
}

impl<E> Error<E> {
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. }
            | Error::BodyTooLarge { status, .. }
            | Error::Redirect { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status(),
            Error::Timeout { .. } | Error::Auth(_) | Error::InvalidRequest(_) => None,
            Error::Pagination(_) | Error::RateLimited { .. } => None,
        }
    }

    /// The wait the server's `Retry-After` header asked for, when an API error carries one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(api) => api.retry_after,
            _ => None,
        }
    }

    /// How many times the request was sent, retries included (0 when it never was).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(api) => api.attempts,
            Error::Transport { attempts, .. }
            | Error::Timeout { attempts }
            | Error::BodyTooLarge { attempts, .. }
            | Error::Redirect { attempts, .. } => *attempts,
            Error::Decode { .. } => 1,
            Error::Auth(_) | Error::InvalidRequest(_) => 0,
            // A pagination error is about the list, not one request; a rate-limited request
            // was never sent.
            Error::Pagination(_) | Error::RateLimited { .. } => 0,
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

/// An error with its causes on one line: the distinct messages of its `source()` chain,
/// joined with `: ` (so `error sending request: ...: invalid HTTP status-code parsed`, not
/// only the outermost `error sending request`). A message already contained in the text
/// before it adds nothing; line breaks become spaces.
struct Chain<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = self.0.to_string();
        let mut cause = self.0.source();
        while let Some(err) = cause {
            let message = err.to_string();
            if !message.is_empty() && !text.contains(&message) {
                text.push_str(": ");
                text.push_str(&message);
            }
            cause = err.source();
        }
        f.write_str(&text.replace(['\r', '\n'], " "))
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
                write!(f, "transport error{}: {}", Attempts(*attempts), Chain(source))
            }
            Error::Timeout { attempts } => {
                write!(f, "the request timed out{}", Attempts(*attempts))
            }
            Error::BodyTooLarge {
                limit,
                status,
                attempts,
            } => write!(
                f,
                "the HTTP {status} response body is larger than the limit of {limit} bytes{}",
                Attempts(*attempts)
            ),
            Error::Redirect {
                status,
                reason,
                attempts,
            } => write!(
                f,
                "the redirect (HTTP {status}) was not followed{}: {reason}",
                Attempts(*attempts)
            ),
            Error::Decode {
                status,
                source,
                excerpt,
            } => {
                write!(f, "could not decode the HTTP {status} response: {source}; body starts with: {excerpt}")
            }
            Error::Auth(source) => write!(f, "could not obtain an access token: {source}"),
            Error::InvalidRequest(msg) => write!(f, "invalid request: {msg}"),
            Error::Pagination(problem) => write!(f, "pagination stopped: {problem}"),
            Error::RateLimited { wait } => write!(
                f,
                "the client-side rate limit would hold the request for {:.1} s, past the retry deadline; it was not sent",
                wait.as_secs_f64()
            ),
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
    fn debug_names_the_headers_without_their_values() {
        let mut headers = HeaderMap::new();
        headers.insert("set-cookie", "session=s3cr3t".parse().unwrap());
        headers.insert("x-request-id", "req-1".parse().unwrap());
        let err: Error = Error::Api(ApiError {
            status: StatusCode::FORBIDDEN,
            body: None,
            excerpt: String::new(),
            attempts: 1,
            retry_after: None,
            headers: Box::new(headers),
        });
        let debug = format!("{err:?}");
        assert!(debug.contains("\"set-cookie\""), "{debug}");
        assert!(debug.contains("\"x-request-id\""), "{debug}");
        assert!(
            !debug.contains("s3cr3t") && !debug.contains("req-1"),
            "{debug}"
        );
    }

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

    #[test]
    fn body_too_large_names_the_limit_and_status() {
        let err: Error = Error::BodyTooLarge {
            limit: 1024,
            status: StatusCode::INTERNAL_SERVER_ERROR,
            attempts: 1,
        };
        assert_eq!(
            err.to_string(),
            "the HTTP 500 Internal Server Error response body is larger than the limit of 1024 bytes"
        );
        assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
        assert_eq!(err.attempts(), 1);
    }

    /// An error with a message and an optional cause, to build `source()` chains.
    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|cause| cause as _)
        }
    }

    #[test]
    fn a_chain_joins_the_distinct_messages_of_its_causes_on_one_line() {
        let root = Layer("invalid HTTP status-code parsed", None);
        let repeated = Layer("error sending request", Some(Box::new(root)));
        let empty = Layer("", Some(Box::new(repeated)));
        let wrapper = Layer("client error (SendRequest)", Some(Box::new(empty)));
        let top = Layer("error sending request", Some(Box::new(wrapper)));
        assert_eq!(
            Chain(&top).to_string(),
            "error sending request: client error (SendRequest): invalid HTTP status-code parsed"
        );
        let lines = Layer("first\r\nsecond", Some(Box::new(Layer("third\n", None))));
        assert_eq!(Chain(&lines).to_string(), "first  second: third ");
    }

    #[test]
    fn a_redirect_not_followed_names_the_status_and_the_reason() {
        let err: Error = Error::Redirect {
            status: StatusCode::TEMPORARY_REDIRECT,
            reason: "a 307 to another origin would send the request body there".to_owned(),
            attempts: 2,
        };
        assert_eq!(
            err.to_string(),
            "the redirect (HTTP 307 Temporary Redirect) was not followed (after 2 attempts): a \
             307 to another origin would send the request body there"
        );
        assert_eq!(err.status(), Some(StatusCode::TEMPORARY_REDIRECT));
        assert_eq!(err.attempts(), 2);
    }
}
