use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use crate::body::{form_fields, FormStyle, Multipart};
use crate::value::{flatten, simple, Flat};

/// Characters left as they are in a path segment: RFC 3986 "unreserved", plus `:` and `@`,
/// which a segment may hold as they are (image digests like `sha256:..` stay readable to
/// servers that route on the raw path). Everything else, `/` and `?` included, is
/// percent-encoded, so a parameter is always exactly one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'@');

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
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Body>,
    /// The body's `Content-Type`, when it is not the default of its kind.
    pub(crate) content_type: Option<String>,
    pub(crate) security: Option<Security>,
    pub(crate) problem: Option<String>,
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

    /// Replaces `{name}` in the path with the value, percent-encoded as one path segment.
    pub fn path_param<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        let text = match simple(value) {
            Ok(Some(text)) => text,
            Ok(None) => return self.fail(format!("path parameter `{name}` has no value")),
            Err(err) => return self.fail(format!("path parameter `{name}`: {err}")),
        };
        // URL parsers resolve `.` and `..` segments (even percent-encoded ones), which would
        // send the request to another resource; refuse them instead.
        if text.is_empty() || text == "." || text == ".." {
            return self.fail(format!("path parameter `{name}` may not be {text:?}"));
        }
        let encoded = utf8_percent_encode(&text, SEGMENT).to_string();
        self.path = self.path.replace(&format!("{{{name}}}"), &encoded);
        self
    }

    /// Adds a query parameter. `None` adds nothing; an array adds the name once per element
    /// (OpenAPI's `form` style with `explode: true`); an object adds `name[key]=value` pairs.
    pub fn query<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match flatten(value) {
            Ok(Flat::Absent) => {}
            Ok(Flat::Scalar(text)) => self.query.push((name.to_owned(), text)),
            Ok(Flat::List(items)) => {
                self.query
                    .extend(items.into_iter().map(|text| (name.to_owned(), text)));
            }
            Ok(Flat::Object(pairs)) => self.query.extend(
                pairs
                    .into_iter()
                    .map(|(key, text)| (format!("{name}[{key}]"), text)),
            ),
            Err(err) => return self.fail(format!("query parameter `{name}`: {err}")),
        }
        self
    }

    /// Adds a header parameter; `None` adds nothing.
    pub fn header<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match simple(value) {
            Ok(Some(text)) => self.headers.push((name.to_owned(), text)),
            Ok(None) => {}
            Err(err) => return self.fail(format!("header `{name}`: {err}")),
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

    /// Sets an `application/x-www-form-urlencoded` body. `body` must encode as an object;
    /// `encoding` gives the style of the fields the spec declares one for (the others are
    /// written the [`FormStyle`] default way).
    pub fn form<T: Serialize + ?Sized>(mut self, body: &T, encoding: &[(&str, FormStyle)]) -> Self {
        match form_fields(body, encoding) {
            Ok(fields) => self.body = Some(Body::Form(fields)),
            Err(err) => return self.fail(format!("request body: {err}")),
        }
        self
    }

    /// Sets a form body when there is one.
    pub fn optional_form<T: Serialize>(
        self,
        body: Option<&T>,
        encoding: &[(&str, FormStyle)],
    ) -> Self {
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

    /// The path with its parameters filled in (before the query string).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The value of a query parameter (the first, if it repeats).
    pub(crate) fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Replaces every value of a query parameter with one value.
    pub(crate) fn set_query(&mut self, name: &str, value: String) {
        self.query.retain(|(key, _)| key != name);
        self.query.push((name.to_owned(), value));
    }

    /// Removes a query parameter.
    pub(crate) fn remove_query(&mut self, name: &str) {
        self.query.retain(|(key, _)| key != name);
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
        assert_eq!(request.query_value("page"), Some("2"));
        assert_eq!(request.query.len(), 2);

        let mut post = Request::new(Method::POST, "/a/search");
        post.set_body_field("page", Value::from(3));
        assert_eq!(post.body_field("page"), Some(&Value::from(3)));
        let mut list = Request::new(Method::POST, "/a").json(&[1, 2]);
        list.set_body_field("page", Value::from(3));
        assert!(list.problem.is_some());
    }
}
