use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use crate::body::{form_fields, Multipart};
use crate::value::{self, Style};

/// The security requirements of an operation: alternatives, each a set of scheme names
/// that must all be satisfied (OpenAPI's `security`).
pub type Security = &'static [&'static [&'static str]];

/// One request, described by what the operation knows: method, path template and parameters.
///
/// Generated request builders fill one in and hand it to [`crate::Client::execute`]. Problems
/// found while filling it (a parameter that cannot be encoded) are kept and reported as
/// [`crate::Error::InvalidRequest`] when it is executed, so building never fails half-way.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) path: String,
    /// Query pairs, each name and value already escaped by its style.
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Body>,
    /// The body's `Content-Type`, when it is not the default of its kind.
    pub(crate) content_type: Option<String>,
    pub(crate) security: Option<Security>,
    pub(crate) problem: Option<String>,
    /// An absolute URL to send the request to instead of the client's base URL and the
    /// path (a token endpoint outside the API): then no header setting or rate limit of the
    /// API applies.
    pub(crate) url: Option<String>,
    /// The most bytes the response body may have when read whole, instead of the client's.
    pub(crate) max_response_bytes: Option<u64>,
    /// The most bytes a streamed download may have, instead of the client's.
    pub(crate) max_download_bytes: Option<u64>,
    /// The time each attempt may take, instead of the client's timeout.
    pub(crate) timeout: Option<Duration>,
    /// The most retries, instead of the client's.
    pub(crate) max_retries: Option<u32>,
}

/// A request body as the request keeps it: owned, so every attempt sends it again.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Json(Value),
    /// Form fields in order, before percent-encoding.
    Form(Vec<(String, String)>),
    Multipart(Multipart),
    Bytes(Bytes),
    Text(String),
}

impl Request {
    /// A request for `path_template` (`/apps/{app_id}`), as written in the spec.
    pub fn new(method: Method, path_template: &'static str) -> Self {
        Self {
            method,
            path_template,
            path: path_template.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            content_type: None,
            security: None,
            problem: None,
            url: None,
            max_response_bytes: None,
            max_download_bytes: None,
            timeout: None,
            max_retries: None,
        }
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path template this request was made from.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// Replaces `{name}` in the path with the value in OpenAPI's default path style (`simple`:
    /// arrays comma-separated), percent-encoded as one path segment.
    pub fn path_param<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        self.path_param_with(name, value, Style::Simple { explode: false })
    }

    /// Replaces `{name}` in the path with the value written in `style` (`simple`, `label`,
    /// `matrix` or JSON): the style's delimiters as they are, the value's characters
    /// percent-encoded so that it stays within one path segment.
    pub fn path_param_with<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        style: Style,
    ) -> Self {
        let text = match value::path(name, value, style) {
            Ok(Some(text)) => text,
            Ok(None) => return self.fail(format!("path parameter `{name}` has no value")),
            Err(err) => return self.fail(format!("path parameter `{name}`: {err}")),
        };
        // URL parsers resolve `.` and `..` segments (even percent-encoded ones), which would
        // send the request to another resource; refuse them instead.
        if text.is_empty() || text == "." || text == ".." {
            return self.fail(format!("path parameter `{name}` may not be {text:?}"));
        }
        self.path = self.path.replace(&format!("{{{name}}}"), &text);
        self
    }

    /// Adds a query parameter in OpenAPI's default query style (`form`, exploded): `None` adds
    /// nothing, an array adds the name once per item (`id=1&id=2`), an object one pair per
    /// property (`R=100&G=200`).
    pub fn query<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        self.query_with(name, value, Style::Form { explode: true })
    }

    /// Adds a query parameter written in `style` (`form`, `spaceDelimited`, `pipeDelimited`,
    /// `deepObject` or JSON); `None` adds nothing.
    pub fn query_with<T: Serialize + ?Sized>(self, name: &str, value: &T, style: Style) -> Self {
        self.add_query(name, value, style, false)
    }

    /// Like [`Request::query_with`], for a parameter with `allowReserved: true`: the RFC 3986
    /// reserved characters of its values (`/`, `:`, `,`, ...) are sent as they are, except those
    /// that would break the query string (`#`, `&`, `+`, `[`, `]`).
    pub fn query_reserved<T: Serialize + ?Sized>(
        self,
        name: &str,
        value: &T,
        style: Style,
    ) -> Self {
        self.add_query(name, value, style, true)
    }

    fn add_query<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        style: Style,
        allow_reserved: bool,
    ) -> Self {
        match value::query(name, value, style, allow_reserved) {
            Ok(pairs) => self.query.extend(pairs),
            Err(err) => return self.fail(format!("query parameter `{name}`: {err}")),
        }
        self
    }

    /// Adds a header parameter in OpenAPI's default header style (`simple`: arrays
    /// comma-separated); `None` adds nothing.
    pub fn header<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        self.header_with(name, value, Style::Simple { explode: false })
    }

    /// The request with `name` set to `value` in place of any header of that name (an
    /// event stream's `Accept`, a reconnection's `Last-Event-ID`).
    pub(crate) fn replace_header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .retain(|(header, _)| !header.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds a header parameter written in `style` (`simple` or JSON); `None` adds nothing.
    /// The value is sent as it is: one with a line break fails when the request is sent.
    pub fn header_with<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        style: Style,
    ) -> Self {
        match value::header(value, style) {
            Ok(Some(text)) => self.headers.push((name.to_owned(), text)),
            Ok(None) => {}
            Err(err) => return self.fail(format!("header `{name}`: {err}")),
        }
        self
    }

    /// Adds a cookie parameter in OpenAPI's default cookie style (`form`, exploded); `None`
    /// adds nothing. All cookies of a request go in one `Cookie` header, `name=value` pairs
    /// joined with `; `.
    pub fn cookie<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        self.cookie_with(name, value, Style::Form { explode: true })
    }

    /// Adds a cookie parameter written in `style` (`form` or JSON); `None` adds nothing.
    /// Characters a cookie value may not hold (space, `"`, `,`, `;`, `\`, controls, and `%`
    /// itself) are percent-encoded.
    pub fn cookie_with<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        style: Style,
    ) -> Self {
        let pairs = match value::cookie(name, value, style) {
            Ok(pairs) if pairs.is_empty() => return self,
            Ok(pairs) => pairs,
            Err(err) => return self.fail(format!("cookie `{name}`: {err}")),
        };
        let text = pairs
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ");
        match self
            .headers
            .iter_mut()
            .find(|(header, _)| header.eq_ignore_ascii_case("cookie"))
        {
            Some((_, cookies)) => {
                cookies.push_str("; ");
                cookies.push_str(&text);
            }
            None => self.headers.push(("Cookie".to_owned(), text)),
        }
        self
    }

    /// Sets a JSON request body (`Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_value(body) {
            Ok(value) => self.body = Some(Body::Json(value)),
            Err(err) => return self.fail(format!("request body: {err}")),
        }
        self
    }

    /// Sets a JSON request body when there is one.
    pub fn optional_json<T: Serialize>(self, body: Option<&T>) -> Self {
        match body {
            Some(body) => self.json(body),
            None => self,
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body, its fields in declaration order.
    /// `body` must encode as an object; `null` fields are left out.
    ///
    /// `encoding` gives the style of the fields the spec's `encoding` declares one for, written
    /// as a query parameter in that style would be: [`Style::Form`] (exploded, an object's
    /// entries become fields of their own), [`Style::SpaceDelimited`],
    /// [`Style::PipeDelimited`], [`Style::DeepObject`] (`name[key]=value`). Another style
    /// makes the request fail with [`crate::Error::InvalidRequest`]. The other fields are
    /// written the default way: scalars as text, arrays as the name repeated once per element,
    /// objects as `name[key]=value` at any depth (array elements that are objects or arrays as
    /// `name[index][key]=value`).
    pub fn form<T: Serialize + ?Sized>(mut self, body: &T, encoding: &[(&str, Style)]) -> Self {
        match form_fields(body, encoding) {
            Ok(fields) => self.body = Some(Body::Form(fields)),
            Err(err) => return self.fail(format!("request body: {err}")),
        }
        self
    }

    /// Sets a form body when there is one.
    pub fn optional_form<T: Serialize>(self, body: Option<&T>, encoding: &[(&str, Style)]) -> Self {
        match body {
            Some(body) => self.form(body, encoding),
            None => self,
        }
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart(mut self, form: Multipart) -> Self {
        if let Some(problem) = &form.problem {
            return self.fail(format!("request body: {problem}"));
        }
        self.body = Some(Body::Multipart(form));
        self
    }

    /// Sets a multipart body when there is one.
    pub fn optional_multipart(self, form: Option<Multipart>) -> Self {
        match form {
            Some(form) => self.multipart(form),
            None => self,
        }
    }

    /// Sets a binary body, sent as it is (`Content-Type: application/octet-stream` unless
    /// [`Request::content_type`] says otherwise).
    pub fn bytes(mut self, body: Bytes) -> Self {
        self.body = Some(Body::Bytes(body));
        self
    }

    /// Sets a binary body when there is one.
    pub fn optional_bytes(self, body: Option<Bytes>) -> Self {
        match body {
            Some(body) => self.bytes(body),
            None => self,
        }
    }

    /// Sets a text body (`Content-Type: text/plain` unless [`Request::content_type`] says
    /// otherwise).
    pub fn text(mut self, body: String) -> Self {
        self.body = Some(Body::Text(body));
        self
    }

    /// Sets a text body when there is one.
    pub fn optional_text(self, body: Option<String>) -> Self {
        match body {
            Some(body) => self.text(body),
            None => self,
        }
    }

    /// The `Content-Type` of the body, instead of its kind's default (a `+json` media type,
    /// `image/png`, `text/csv`). A multipart body keeps its own, which names its boundary.
    pub fn content_type(mut self, content_type: &str) -> Self {
        self.content_type = Some(content_type.to_owned());
        self
    }

    /// Declares the operation's own security requirements, overriding the spec-wide ones.
    /// An empty list means the operation needs no credentials.
    pub fn security(mut self, security: Security) -> Self {
        self.security = Some(security);
        self
    }

    /// The most bytes the response body may have when it is read whole, for this request
    /// only; `None` keeps the client's ([`crate::ClientBuilder::max_response_bytes`]).
    pub fn max_response_bytes(mut self, limit: Option<u64>) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The most bytes the body of a streamed download may have, for this request only;
    /// `None` keeps the client's ([`crate::ClientBuilder::max_download_bytes`]).
    pub fn max_download_bytes(mut self, limit: Option<u64>) -> Self {
        self.max_download_bytes = limit;
        self
    }

    /// The time each attempt of this request may take (the response head and a body read
    /// whole; each chunk of a stream), for this request only; `None` keeps the client's
    /// ([`crate::ClientBuilder::timeout`]). The retry deadline still bounds the whole call.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The most times this request is retried, for this request only (`0`: never); `None`
    /// keeps the client's ([`crate::ClientBuilder::max_retries`]). Only what is safe to
    /// repeat is retried, whatever the count.
    pub fn max_retries(mut self, retries: Option<u32>) -> Self {
        self.max_retries = retries;
        self
    }

    /// Adds a header the operation does not declare (an idempotency key), sent as it is. It
    /// goes where header parameters go: with every attempt, and after a redirect only to the
    /// request's own origin. A name or value that is not valid in a header is
    /// [`crate::Error::InvalidRequest`] when the request is sent.
    pub fn extra_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds each of `headers` as [`Request::extra_header`] does, in order.
    pub fn extra_headers(mut self, headers: &[(String, String)]) -> Self {
        self.headers.extend(headers.iter().cloned());
        self
    }

    /// The path with its parameters filled in (before the query string).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query string as it is sent (without the `?`), every name and value escaped by its
    /// parameter's style.
    pub fn query_string(&self) -> String {
        self.query
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The path and, when there is one, the query string: what follows the base URL.
    pub(crate) fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query_string())
        }
    }

    /// The value of a query parameter (the first, if it repeats), decoded.
    pub(crate) fn query_value(&self, name: &str) -> Option<String> {
        let key = value::form(name);
        self.query
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, text)| value::decode(text))
    }

    /// Replaces every value of a query parameter with one value.
    pub(crate) fn set_query(&mut self, name: &str, text: String) {
        let key = value::form(name);
        self.query.retain(|(k, _)| *k != key);
        self.query.push((key, value::form(&text)));
    }

    /// Removes a query parameter.
    pub(crate) fn remove_query(&mut self, name: &str) {
        let key = value::form(name);
        self.query.retain(|(k, _)| *k != key);
    }

    /// Removes a top-level field of the JSON body, if the body is an object.
    pub(crate) fn remove_body_field(&mut self, name: &str) {
        if let Some(Body::Json(Value::Object(map))) = &mut self.body {
            map.remove(name);
        }
    }

    /// A top-level field of the JSON body.
    pub(crate) fn body_field(&self, name: &str) -> Option<&Value> {
        match self.body.as_ref()? {
            Body::Json(value) => value.get(name),
            _ => None,
        }
    }

    /// Sets a top-level field of the JSON body, creating an empty object body if there is none.
    pub(crate) fn set_body_field(&mut self, name: &str, value: Value) {
        match self
            .body
            .get_or_insert_with(|| Body::Json(Value::Object(Default::default())))
        {
            Body::Json(Value::Object(map)) => {
                map.insert(name.to_owned(), value);
            }
            _ => {
                self.problem.get_or_insert_with(|| {
                    format!("cannot set `{name}` for the next page: the request body is not a JSON object")
                });
            }
        }
    }

    fn fail(mut self, problem: String) -> Self {
        self.problem.get_or_insert(problem);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_stay_one_segment() {
        let request =
            Request::new(Method::GET, "/apps/{app_id}/x").path_param("app_id", "../x?y#z");
        assert_eq!(request.path(), "/apps/..%2Fx%3Fy%23z/x");
        assert!(request.problem.is_none());
        let digest =
            Request::new(Method::GET, "/images/{digest}").path_param("digest", "sha256:ab12@x+y");
        assert_eq!(digest.path(), "/images/sha256:ab12@x%2By");
    }

    #[test]
    fn dot_segments_are_refused() {
        for value in ["", ".", ".."] {
            let request = Request::new(Method::GET, "/a/{id}").path_param("id", value);
            assert!(request.problem.is_some(), "{value:?} was accepted");
        }
    }

    #[test]
    fn numbers_and_unicode_encode() {
        let request = Request::new(Method::GET, "/a/{id}/{name}")
            .path_param("id", &42_i64)
            .path_param("name", "café au lait");
        assert_eq!(request.path(), "/a/42/caf%C3%A9%20au%20lait");
    }

    #[test]
    fn query_arrays_repeat_and_none_is_skipped() {
        let request = Request::new(Method::GET, "/a")
            .query("tag", &vec!["x", "y"])
            .query("page", &Some(2_i64))
            .query("missing", &None::<i64>);
        assert_eq!(
            request.query,
            vec![
                ("tag".to_owned(), "x".to_owned()),
                ("tag".to_owned(), "y".to_owned()),
                ("page".to_owned(), "2".to_owned()),
            ]
        );
    }

    #[test]
    fn page_parameters_are_replaced_not_repeated() {
        let mut request = Request::new(Method::GET, "/a")
            .query("page", &1)
            .query("q", "x");
        request.set_query("page", "2".to_owned());
        assert_eq!(request.query_value("page").as_deref(), Some("2"));
        assert_eq!(request.query.len(), 2);
        // A token is escaped when it is set and decoded when it is read back.
        request.set_query("page token", "c2/+= x".to_owned());
        assert_eq!(
            request.query_value("page token").as_deref(),
            Some("c2/+= x")
        );
        assert_eq!(
            request.query_string(),
            "q=x&page=2&page%20token=c2%2F%2B%3D%20x"
        );
        request.remove_query("page token");
        assert_eq!(request.query_value("page token"), None);

        let mut post = Request::new(Method::POST, "/a/search");
        post.set_body_field("page", Value::from(3));
        assert_eq!(post.body_field("page"), Some(&Value::from(3)));
        let mut list = Request::new(Method::POST, "/a").json(&[1, 2]);
        list.set_body_field("page", Value::from(3));
        assert!(list.problem.is_some());
    }

    /// A request with every style of the OpenAPI specification's "Style Examples" for the
    /// parameter `color` (`["blue", "black", "brown"]`, or the object `{R: 100, G: 200, B:
    /// 150}`), in its place.
    #[test]
    fn every_style_in_its_place() {
        #[derive(Serialize)]
        #[allow(non_snake_case)]
        struct Rgb {
            R: u8,
            G: u8,
            B: u8,
        }
        let rgb = Rgb {
            R: 100,
            G: 200,
            B: 150,
        };
        let colors = ["blue", "black", "brown"];
        let request = Request::new(Method::GET, "/s/{simple}/l/{label}/m{matrix}")
            .path_param("simple", &colors)
            .path_param_with("label", &colors, Style::Label { explode: true })
            .path_param_with("matrix", &rgb, Style::Matrix { explode: true });
        assert_eq!(
            request.path(),
            "/s/blue,black,brown/l/.blue.black.brown/m;R=100;G=200;B=150"
        );
        let query = |style| {
            Request::new(Method::GET, "/")
                .query_with("color", &colors, style)
                .query_string()
        };
        assert_eq!(
            query(Style::Form { explode: true }),
            "color=blue&color=black&color=brown"
        );
        assert_eq!(
            query(Style::Form { explode: false }),
            "color=blue,black,brown"
        );
        assert_eq!(query(Style::SpaceDelimited), "color=blue%20black%20brown");
        assert_eq!(query(Style::PipeDelimited), "color=blue%7Cblack%7Cbrown");
        let objects = Request::new(Method::GET, "/")
            .query("color", &rgb)
            .query_with("deep", &rgb, Style::DeepObject);
        assert_eq!(
            objects.query_string(),
            "R=100&G=200&B=150&deep%5BR%5D=100&deep%5BG%5D=200&deep%5BB%5D=150"
        );
        let headers = Request::new(Method::GET, "/")
            .header("X-Colors", &colors)
            .header_with("X-Rgb", &rgb, Style::Simple { explode: true });
        assert_eq!(
            headers.headers,
            vec![
                ("X-Colors".to_owned(), "blue,black,brown".to_owned()),
                ("X-Rgb".to_owned(), "R=100,G=200,B=150".to_owned()),
            ]
        );
    }

    #[test]
    fn cookies_share_one_header() {
        let request = Request::new(Method::GET, "/")
            .cookie("session", "abc 123")
            .cookie("missing", &None::<String>)
            .cookie_with("colors", &["blue", "black"], Style::Form { explode: false })
            .cookie("tags", &["a", "b"]);
        assert_eq!(
            request.headers,
            vec![(
                "Cookie".to_owned(),
                "session=abc%20123; colors=blue,black; tags=a; tags=b".to_owned()
            )]
        );
        assert!(request.problem.is_none());
        assert!(Request::new(Method::GET, "/")
            .cookie("none", &None::<i64>)
            .headers
            .is_empty());
    }

    #[test]
    fn unencodable_values_keep_the_first_problem() {
        let request = Request::new(Method::GET, "/a/{id}")
            .query_with("filter", "x", Style::DeepObject)
            .path_param_with("id", "x", Style::DeepObject)
            .query("ok", "fine");
        assert_eq!(
            request.problem.as_deref(),
            Some("query parameter `filter`: the deepObject style needs an object or an array, not a single value")
        );
        let label_dot = Request::new(Method::GET, "/a/{id}").path_param_with(
            "id",
            ".",
            Style::Label { explode: false },
        );
        assert!(label_dot.problem.is_some(), "`..` reached the path");
        let wrong_place =
            Request::new(Method::GET, "/a").header_with("X-A", "x", Style::Form { explode: true });
        assert_eq!(
            wrong_place.problem.as_deref(),
            Some("header `X-A`: the form style is not defined for a header parameter")
        );
        let label_field = Request::new(Method::POST, "/a").form(
            &serde_json::json!({"f": ["x"]}),
            &[("f", Style::Label { explode: false })],
        );
        assert_eq!(
            label_field.problem.as_deref(),
            Some("request body: form field `f`: the label style is not defined for a form field")
        );
    }

    #[test]
    fn allow_reserved_leaves_reserved_characters() {
        let request = Request::new(Method::GET, "/")
            .query_reserved("path", "/a/b:c", Style::Form { explode: true })
            .query("escaped", "/a/b:c");
        assert_eq!(request.query_string(), "path=/a/b:c&escaped=%2Fa%2Fb%3Ac");
    }
}
