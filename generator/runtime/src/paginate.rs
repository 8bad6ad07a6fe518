//! Pagination: `.pages()` and `.items()` streams from an operation's `x-pagination`.
//!
//! A page is fetched only when the stream is polled past the previous one. The caller's
//! parameters are kept on every page; only the page, offset, token or cursor parameter
//! changes. The stream ends, without another request, when the last page said so: it was
//! empty, reached the total (or the total number of pages) the server states, was shorter
//! than the page size when the server states no total, or carried no next token.
//!
//! A server that never says so cannot hold a stream forever: the stream ends with
//! [`Error::Pagination`] when a page names a token or cursor already used in the stream
//! (`A, B, A`), when a page is byte for byte the page before it (the server ignored the page
//! number or offset), and when the list goes past the stream's page limit
//! ([`Pages::max_pages`], [`crate::ClientBuilder::max_pages`]; 10,000 by default).

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::Client;
use crate::error::Error;
use crate::request::Request;
use crate::response::{ErrorBody, RawResponse};

/// How an operation pages, as its `x-pagination` extension says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    style: Style,
    in_body: bool,
    param: &'static str,
    size_param: Option<&'static str>,
    first_page: i64,
    items: &'static str,
    next: &'static str,
    total: Option<&'static str>,
    total_pages: Option<&'static str>,
    replaces: &'static [&'static str],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Page,
    Offset,
    Token,
}

impl Pagination {
    const fn with(style: Style, param: &'static str, next: &'static str) -> Self {
        Self {
            style,
            in_body: false,
            param,
            size_param: None,
            first_page: 1,
            items: "",
            next,
            total: None,
            total_pages: None,
            replaces: &[],
        }
    }

    /// Page numbers in `param` (`page`), starting at 1.
    pub const fn page(param: &'static str) -> Self {
        Self::with(Style::Page, param, "")
    }

    /// An item offset in `param` (`offset`), starting at 0.
    pub const fn offset(param: &'static str) -> Self {
        Self::with(Style::Offset, param, "")
    }

    /// A token in `param` (`pageToken`) taken from the response at the JSON pointer `next`
    /// (`/nextPageToken`). Cursor pagination (`cursor` from `/page/next`) is the same.
    pub const fn token(param: &'static str, next: &'static str) -> Self {
        Self::with(Style::Token, param, next)
    }

    /// The parameter with the page size (`per_page`, `limit`).
    pub const fn size(mut self, param: &'static str) -> Self {
        self.size_param = Some(param);
        self
    }

    /// The parameters are fields of the JSON body instead of query parameters.
    pub const fn in_body(mut self) -> Self {
        self.in_body = true;
        self
    }

    /// The number of the first page, when it is not 1.
    pub const fn first_page(mut self, page: i64) -> Self {
        self.first_page = page;
        self
    }

    /// The JSON pointer of the items array in a page (`/data`; `` for a bare array).
    pub const fn items(mut self, pointer: &'static str) -> Self {
        self.items = pointer;
        self
    }

    /// The JSON pointer of the total number of items.
    pub const fn total(mut self, pointer: &'static str) -> Self {
        self.total = Some(pointer);
        self
    }

    /// The JSON pointer of the total number of pages.
    pub const fn total_pages(mut self, pointer: &'static str) -> Self {
        self.total_pages = Some(pointer);
        self
    }

    /// Parameters the token replaces: removed from the request once a token is sent (an API
    /// that refuses a time range beside a cursor).
    pub const fn replaces(mut self, params: &'static [&'static str]) -> Self {
        self.replaces = params;
        self
    }
}

/// The most pages a stream fetches unless the client builder or the stream sets another.
pub(crate) const DEFAULT_MAX_PAGES: u32 = 10_000;

/// Why a `.pages()` or `.items()` stream ended with [`Error::Pagination`] instead of paging
/// on. Token values are never shown: they are opaque, and may carry what the server keeps
/// secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaginationError {
    /// A page named as the next page a token or cursor the stream had already sent (the
    /// server goes round in a circle: `A, B, A`). That page itself was delivered.
    #[error("a page token repeated: page {page} named as the next page a token or cursor this list had already used")]
    RepeatedToken {
        /// The page that named it (1 for the stream's first page).
        page: u32,
    },
    /// A page was byte for byte the page before it: the server ignored the page number or
    /// offset. The repeated page was not delivered.
    #[error("a page repeated: page {page} is the same as the page before it (the server ignored the page number or offset)")]
    RepeatedPage {
        /// The repeated page (2 when the second page repeats the first).
        page: u32,
    },
    /// The stream fetched its most pages and the list was not over.
    #[error("the list did not end within {max_pages} pages, the most this stream fetches (set another with `.max_pages(..)`)")]
    TooManyPages {
        /// The limit: [`Pages::max_pages`] or [`crate::ClientBuilder::max_pages`].
        max_pages: u32,
    },
}

/// A stream of the pages of a list, each decoded as `P`.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<P, E = Value> {
    inner: BoxStream<'static, Result<P, Error<E>>>,
    max_pages: Arc<AtomicU32>,
}

/// A stream of the items of a list, page after page, each decoded as `I`.
#[must_use = "streams do nothing unless polled"]
pub struct Items<I, E = Value> {
    inner: BoxStream<'static, Result<I, Error<E>>>,
    max_pages: Arc<AtomicU32>,
}

impl<P, E> Pages<P, E> {
    /// Fetches at most `pages` pages, instead of the client's limit
    /// ([`crate::ClientBuilder::max_pages`], 10,000 by default): a list that is not over by
    /// then ends with [`Error::Pagination`] ([`PaginationError::TooManyPages`]) instead of
    /// another request. Counts from the stream's first page, also when set mid-stream.
    pub fn max_pages(self, pages: u32) -> Self {
        self.max_pages.store(pages, Ordering::Relaxed);
        self
    }
}

impl<I, E> Items<I, E> {
    /// Fetches at most `pages` pages, instead of the client's limit
    /// ([`crate::ClientBuilder::max_pages`], 10,000 by default): a list that is not over by
    /// then ends with [`Error::Pagination`] ([`PaginationError::TooManyPages`]) after the
    /// items of its last page, instead of another request.
    pub fn max_pages(self, pages: u32) -> Self {
        self.max_pages.store(pages, Ordering::Relaxed);
        self
    }
}

impl<P, E> Stream for Pages<P, E> {
    type Item = Result<P, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<I, E> Stream for Items<I, E> {
    type Item = Result<I, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<P, E> std::fmt::Debug for Pages<P, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pages")
    }
}

impl<I, E> std::fmt::Debug for Items<I, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Items")
    }
}

/// One fetched page: the response and its body as JSON.
struct RawPage {
    response: RawResponse,
    json: Value,
}

/// Where the next page starts.
enum Position {
    Page(i64),
    Offset(u64),
    Token(Option<String>),
}

struct Cursor<E> {
    client: Client,
    request: Request,
    pagination: Pagination,
    position: Position,
    /// Items seen so far.
    seen: u64,
    /// Items on the pages before the caller's first page (page style, when the page size is
    /// known), so that `skipped + seen` compares with the total.
    skipped: u64,
    /// The page size: requested, or else the length of the first page.
    page_size: Option<u64>,
    done: bool,
    /// Pages fetched so far.
    fetched: u32,
    /// The most pages to fetch, shared with the `Pages`/`Items` handle that sets it.
    max_pages: Arc<AtomicU32>,
    /// Every token or cursor sent so far, the caller's first one included.
    tokens: HashSet<String>,
    /// The length and hash of the previous page's body.
    previous: Option<(usize, u64)>,
    /// What ends the stream once the page that showed it has been delivered.
    failure: Option<PaginationError>,
    error: PhantomData<fn() -> E>,
}

impl Client {
    /// The pages of a paginated operation, starting with `request` as the caller built it.
    pub fn pages<P, E>(&self, request: Request, pagination: Pagination) -> Pages<P, E>
    where
        P: DeserializeOwned + Send + 'static,
        E: ErrorBody + Send + 'static,
    {
        let max_pages = Arc::new(AtomicU32::new(self.inner.max_pages));
        let inner = raw_pages::<E>(self.clone(), request, pagination, max_pages.clone())
            .and_then(|page| async move { page.response.decode_value(page.json) })
            .boxed();
        Pages { inner, max_pages }
    }

    /// The items of a paginated operation, page after page.
    pub fn items<I, E>(&self, request: Request, pagination: Pagination) -> Items<I, E>
    where
        I: DeserializeOwned + Send + 'static,
        E: ErrorBody + Send + 'static,
    {
        let items = pagination.items;
        let max_pages = Arc::new(AtomicU32::new(self.inner.max_pages));
        let inner = raw_pages::<E>(self.clone(), request, pagination, max_pages.clone())
            .and_then(move |mut page| async move {
                let list = match page.json.pointer_mut(items).map(Value::take) {
                    Some(Value::Array(list)) => list,
                    _ => Vec::new(),
                };
                list.into_iter()
                    .map(|item| page.response.decode_value::<I, E>(item))
                    .collect::<Result<Vec<I>, _>>()
            })
            .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
            .try_flatten()
            .boxed();
        Items { inner, max_pages }
    }
}

impl RawResponse {
    fn decode_value<T: DeserializeOwned, E>(&self, json: Value) -> Result<T, Error<E>> {
        serde_json::from_value(json).map_err(|source| self.decode_error(source))
    }
}

fn raw_pages<E>(
    client: Client,
    request: Request,
    pagination: Pagination,
    max_pages: Arc<AtomicU32>,
) -> impl Stream<Item = Result<RawPage, Error<E>>> + Send
where
    E: ErrorBody + Send + 'static,
{
    let position = match pagination.style {
        Style::Page => Position::Page(
            current(&request, &pagination, pagination.param)
                .and_then(|v| v.parse().ok())
                .unwrap_or(pagination.first_page),
        ),
        Style::Offset => Position::Offset(
            current(&request, &pagination, pagination.param)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
        ),
        Style::Token => Position::Token(current(&request, &pagination, pagination.param)),
    };
    let page_size = pagination
        .size_param
        .and_then(|param| current(&request, &pagination, param))
        .and_then(|size| size.parse().ok());
    let skipped = match position {
        Position::Page(start) => u64::try_from(start.saturating_sub(pagination.first_page))
            .unwrap_or(0)
            .saturating_mul(page_size.unwrap_or(0)),
        _ => 0,
    };
    let tokens = match &position {
        Position::Token(Some(first)) => HashSet::from([first.clone()]),
        _ => HashSet::new(),
    };
    let cursor = Cursor::<E> {
        client,
        request,
        pagination,
        position,
        seen: 0,
        skipped,
        page_size,
        done: false,
        fetched: 0,
        max_pages,
        tokens,
        previous: None,
        failure: None,
        error: PhantomData,
    };
    stream::try_unfold(cursor, |mut cursor| async move {
        if cursor.done {
            return Ok(None);
        }
        if let Some(problem) = cursor.failure.take() {
            return Err(Error::Pagination(problem));
        }
        let max_pages = cursor.max_pages.load(Ordering::Relaxed);
        if cursor.fetched >= max_pages {
            return Err(Error::Pagination(PaginationError::TooManyPages {
                max_pages,
            }));
        }
        let response = cursor
            .client
            .send::<E>(&cursor.request)
            .await?
            .error_for_status()?;
        cursor.fetched = cursor.fetched.saturating_add(1);
        let body = (response.body().len(), digest(response.body()));
        if cursor.previous.replace(body) == Some(body) {
            return Err(Error::Pagination(PaginationError::RepeatedPage {
                page: cursor.fetched,
            }));
        }
        let json: Value = response.decode_json(response.body())?;
        let count = match json.pointer(cursor.pagination.items) {
            Some(Value::Array(items)) => items.len() as u64,
            None | Some(Value::Null) => 0,
            Some(_) => {
                return Err(Error::decode(
                    response.status(),
                    format!(
                        "expected the page's items at `{}` to be an array",
                        cursor.pagination.items
                    ),
                    response.body(),
                ))
            }
        };
        cursor.advance(&json, count);
        Ok(Some((RawPage { response, json }, cursor)))
    })
}

/// The caller's value of a pagination parameter, as text.
fn current(request: &Request, pagination: &Pagination, param: &str) -> Option<String> {
    if pagination.in_body {
        match request.body_field(param)? {
            Value::String(text) => Some(text.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    } else {
        request.query_value(param)
    }
}

/// A hash of a page's body, to tell a page sent again from the next one.
fn digest(body: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    hasher.finish()
}

/// A number in the page at `pointer`, if there is one.
fn number(json: &Value, pointer: Option<&str>) -> Option<u64> {
    let value = json.pointer(pointer?)?;
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|text| text.parse().ok()))
}

impl<E> Cursor<E> {
    /// Decides from the page just read whether there is another, and sets the request up
    /// for it.
    fn advance(&mut self, json: &Value, count: u64) {
        self.seen = self.seen.saturating_add(count);
        if count == 0 {
            self.done = true;
            return;
        }
        // Without a requested size, the first page's length is taken as the page size.
        let size = *self.page_size.get_or_insert(count);
        let short = count < size;
        let p = self.pagination;
        match &mut self.position {
            Position::Page(page) => {
                let through = self.skipped.saturating_add(self.seen);
                let total = number(json, p.total);
                let total_pages = number(json, p.total_pages);
                // A total the server states is trusted over the length of the page (a server
                // may cap the page size below the one asked for).
                let over = match (total, total_pages) {
                    (None, None) => short,
                    _ => {
                        total.is_some_and(|total| through >= total)
                            || total_pages.is_some_and(|pages| {
                                u64::try_from(*page).is_ok_and(|page| page >= pages)
                            })
                    }
                };
                let Some(next) = page.checked_add(1).filter(|_| !over) else {
                    self.done = true;
                    return;
                };
                *page = next;
                let next = Value::from(next);
                self.set(p.param, next);
            }
            Position::Offset(offset) => {
                *offset = offset.saturating_add(count);
                let over = match number(json, p.total) {
                    Some(total) => *offset >= total,
                    None => short,
                };
                if over {
                    self.done = true;
                    return;
                }
                let next = Value::from(*offset);
                self.set(p.param, next);
            }
            Position::Token(token) => {
                let next = match json.pointer(p.next) {
                    Some(Value::String(text)) if !text.is_empty() => Some(text.clone()),
                    Some(Value::Number(number)) => Some(number.to_string()),
                    _ => None,
                };
                // No token: the list is over. A token already sent (the one just sent, or
                // any before it): the server goes round in a circle, which ends the stream
                // with an error once this page is delivered.
                match next {
                    None => self.done = true,
                    Some(next) if !self.tokens.insert(next.clone()) => {
                        self.failure = Some(PaginationError::RepeatedToken { page: self.fetched });
                    }
                    Some(next) => {
                        *token = Some(next.clone());
                        self.set(p.param, Value::String(next));
                        for param in p.replaces {
                            if p.in_body {
                                self.request.remove_body_field(param);
                            } else {
                                self.request.remove_query(param);
                            }
                        }
                    }
                }
            }
        }
    }

    fn set(&mut self, param: &str, value: Value) {
        if self.pagination.in_body {
            self.request.set_body_field(param, value);
        } else {
            let text = match value {
                Value::String(text) => text,
                other => other.to_string(),
            };
            self.request.set_query(param, text);
        }
    }
}
