//! The walk over the OpenAPI objects: each object's fields checked against its table in
//! `fields.rs`, then what depends on several fields (a parameter's `in`, `style`, `schema` or
//! `content`; a security scheme's `type`), every problem a located diagnostic. The walk only
//! reads: what can be repaired (see `fields.rs` for what is left out with a warning) it lists as
//! a [`Repair`], which the front end applies. Where the rest of the walk depends on a repair (a
//! map whose keys are read as text), it walks the repaired copy.

use std::borrow::Cow;

use serde_yaml::{Mapping, Value};

use super::fields::*;
use super::schema::Place;
use super::{Action, Repair};
use crate::diagnostics::located;
use crate::diagnostics::{pointer_token, Diagnostic, Locator, Severity};

/// Walks the document, collecting problems and the repairs of what can be repaired.
pub(super) struct Checker<'a> {
    file: &'a str,
    locator: Locator<'a>,
    problems: Vec<Diagnostic>,
    repairs: Vec<Repair>,
}

impl<'a> Checker<'a> {
    pub(super) fn new(file: &'a str, text: &'a str) -> Self {
        Self {
            file,
            locator: Locator::new(text),
            problems: Vec::new(),
            repairs: Vec::new(),
        }
    }

    /// The problems found, in walk order, and the repairs, in the order they apply.
    pub(super) fn into_parts(self) -> (Vec<Diagnostic>, Vec<Repair>) {
        (self.problems, self.repairs)
    }

    /// Lists a repair of the value at `pointer` (for [`Action::Remove`], of the map there).
    pub(super) fn repair(&mut self, pointer: &str, action: Action) {
        self.repairs.push(Repair {
            pointer: pointer.to_owned(),
            action,
        });
    }

    pub(super) fn error(&mut self, at: &str, message: impl Into<String>, hint: impl Into<String>) {
        let diagnostic = Diagnostic::error(self.file, message).at(at).hint(hint);
        self.problems.push(located(diagnostic, &self.locator));
    }

    pub(super) fn warning(
        &mut self,
        at: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let diagnostic = Diagnostic::warning(self.file, message).at(at).hint(hint);
        self.problems.push(located(diagnostic, &self.locator));
    }

    /// How many problems have been found so far; with [`Self::errors_since`] and
    /// [`Self::demote_since`], a part of the document can be checked on trial.
    pub(super) fn mark(&self) -> usize {
        self.problems.len()
    }

    pub(super) fn errors_since(&self, mark: usize) -> bool {
        self.problems.iter().skip(mark).any(Diagnostic::is_error)
    }

    /// Turns the errors found since `mark` into warnings saying what is left out instead.
    pub(super) fn demote_since(&mut self, mark: usize, left_out: &str) {
        for problem in self.problems.iter_mut().skip(mark) {
            if problem.is_error() {
                problem.severity = Severity::Warning;
                problem.message = format!("{}; {left_out}", problem.message);
            }
        }
    }

    /// Checks the whole document.
    pub(super) fn document(&mut self, document: &Value) {
        let Value::Mapping(root) = document else {
            return;
        };
        self.fields(root, ROOT, "", "the document");
        self.webhooks(root);
    }

    /// 3.1 webhooks are requests the API makes; a client has nothing to generate for them.
    fn webhooks(&mut self, root: &Mapping) {
        let Some(webhooks) = root.get("webhooks") else {
            return;
        };
        let count = webhooks.as_mapping().map_or(0, Mapping::len);
        if count == 0 && webhooks.is_mapping() {
            return;
        }
        let message = match count {
            0 => "`webhooks` is not a map of webhooks; it is ignored".to_owned(),
            1 => "`webhooks` lists 1 webhook, which is not generated: a client only makes requests, and a webhook is a request the API makes".to_owned(),
            n => format!("`webhooks` lists {n} webhooks, which are not generated: a client only makes requests, and webhooks are requests the API makes"),
        };
        self.warning(
            "/webhooks",
            message,
            "handle webhooks in your own server code; remove `webhooks` from the document to silence this warning",
        );
    }

    /// Checks the fields of an object against `fields`, in document order, then reports the
    /// required ones that are missing.
    fn fields(&mut self, map: &Mapping, fields: &[Field], at: &str, noun: &str) {
        for (key, child) in map {
            let Some(name) = key.as_str() else {
                // The model takes a number for a field's index; it is never meant as a field.
                let shown = key_name(key).unwrap_or_else(|| describe(key));
                self.warning(
                    &format!("{at}/{}", pointer_token(&shown)),
                    format!("`{shown}` is not a field of {noun}; it is ignored"),
                    "remove it, or quote it if it is meant as a name inside a map",
                );
                self.repair(at, Action::Remove(key.clone()));
                continue;
            };
            let Some(field) = fields.iter().find(|f| f.name == name) else {
                continue;
            };
            let child_at = format!("{at}/{}", pointer_token(name));
            if child.is_null() && matches!(field.need, Need::Optional) {
                continue;
            }
            let mark = self.mark();
            self.value(child, field.shape, &child_at, name);
            if field.droppable && self.errors_since(mark) {
                self.demote_since(
                    mark,
                    &format!("`{name}` is left out, as the generated client does not use it"),
                );
                self.repair(at, Action::Remove(key.clone()));
            }
        }
        // A field left out above is never a required one (`fields.rs`).
        for field in fields {
            if let Need::Required(hint) = field.need {
                if !map.contains_key(field.name) {
                    self.error(at, format!("{noun} has no `{}`", field.name), hint);
                }
            }
        }
    }

    /// Checks one value against its shape; `name` is its key, for messages.
    pub(super) fn value(&mut self, value: &Value, shape: Shape, at: &str, name: &str) {
        match shape {
            Shape::Any => {}
            Shape::Text => {
                if !value.is_string() {
                    self.wrong_type(value, shape, at, name);
                }
            }
            Shape::Scalar => {
                match value {
                    Value::String(_) => {}
                    Value::Number(_) | Value::Bool(_) => {
                        let text = key_name(value).unwrap_or_default();
                        self.warning(
                        at,
                        format!("`{name}: {text}` is a {}, not a string; it is read as \"{text}\"", if value.is_bool() { "boolean" } else { "number" }),
                        format!("quote it: `{name}: '{text}'` (YAML reads `1.10` as the number 1.1)"),
                    );
                        self.repair(at, Action::Replace(Value::String(text)));
                    }
                    _ => self.wrong_type(value, shape, at, name),
                }
            }
            Shape::Flag => {
                if !value.is_bool() {
                    self.wrong_type(value, shape, at, name);
                }
            }
            Shape::Choice(choices) => match value.as_str() {
                Some(choice) if choices.contains(&choice) => {}
                Some(choice) => self.error(
                    at,
                    format!("`{name}: {choice}` is not one of {}", list(choices)),
                    format!("use one of {}", list(choices)),
                ),
                None => self.wrong_type(value, shape, at, name),
            },
            Shape::Object(kind) => self.object(value, kind, at, name),
            Shape::RefOr(kind) => {
                if let Some(map) = value.as_mapping() {
                    match map.get("$ref") {
                        Some(Value::String(_)) => return,
                        Some(other) => {
                            let found = describe(other);
                            self.error(
                                &format!("{at}/$ref"),
                                format!("`$ref` must be a string, but it is {found}"),
                                "write the reference as a string: `$ref: '#/components/schemas/Name'`",
                            );
                            return;
                        }
                        None => {}
                    }
                }
                self.object(value, kind, at, name);
            }
            Shape::Schema => {
                self.schema(value, at, Place::Other);
            }
            Shape::ParameterSchema => {
                self.schema(value, at, Place::Parameter);
            }
            Shape::List(item) => match value {
                Value::Sequence(items) => {
                    for (index, element) in items.iter().enumerate() {
                        let element_name = format!("{name}[{index}]");
                        self.value(element, *item, &format!("{at}/{index}"), &element_name);
                    }
                }
                _ => self.wrong_type(value, shape, at, name),
            },
            Shape::Map(entry) => match value {
                Value::Mapping(map) => {
                    let map = self.string_keys(map, at);
                    for (key, child) in map.iter() {
                        let key = key.as_str().unwrap_or_default();
                        self.value(child, *entry, &format!("{at}/{}", pointer_token(key)), key);
                    }
                }
                _ => self.wrong_type(value, shape, at, name),
            },
        }
    }

    /// The model reads the keys of a map as strings: a number or boolean key (`200:`) is read as
    /// its text, with a warning; any other key is an error. Returns the map as the model reads
    /// it, which the repair listed puts in the document.
    pub(super) fn string_keys<'m>(&mut self, map: &'m Mapping, at: &str) -> Cow<'m, Mapping> {
        if map.keys().all(Value::is_string) {
            return Cow::Borrowed(map);
        }
        let mut keyed = Mapping::new();
        for (key, child) in map {
            let name = match key {
                Value::String(_) => {
                    keyed.insert(key.clone(), child.clone());
                    continue;
                }
                other => key_name(other),
            };
            match name {
                Some(name) if !keyed.contains_key(name.as_str()) => {
                    self.warning(
                        &format!("{at}/{}", pointer_token(&name)),
                        format!(
                            "the key `{name}` is a {}, not a string; it is read as \"{name}\"",
                            if key.is_bool() { "boolean" } else { "number" }
                        ),
                        format!("quote it: `'{name}':`"),
                    );
                    keyed.insert(Value::String(name), child.clone());
                }
                Some(name) => self.error(
                    &format!("{at}/{}", pointer_token(&name)),
                    format!("the key `{name}` appears twice, once quoted and once not"),
                    "remove one of the two entries",
                ),
                None => self.error(
                    at,
                    format!("a key of this map is {}, not a name", describe(key)),
                    "write each key as a string",
                ),
            }
        }
        self.repair(at, Action::Replace(Value::Mapping(keyed.clone())));
        Cow::Owned(keyed)
    }

    pub(super) fn wrong_type(&mut self, value: &Value, shape: Shape, at: &str, name: &str) {
        let found = describe(value);
        self.error(
            at,
            format!("`{name}` must be {}, but it is {found}", expected(shape)),
            how_to_write(shape),
        );
    }

    /// Checks an object: its fields, then what depends on several of them.
    pub(super) fn object(&mut self, value: &Value, kind: Kind, at: &str, name: &str) {
        let Value::Mapping(map) = value else {
            self.wrong_type(value, Shape::Object(kind), at, name);
            return;
        };
        match kind {
            Kind::Paths => return self.paths(map, at),
            Kind::Responses => return self.responses(map, at),
            Kind::Callback => return self.callback(map, at),
            Kind::SecurityScheme => return self.security_scheme(map, at),
            _ => {}
        }
        self.fields(map, fields(kind), at, noun(kind));
        match kind {
            Kind::Parameter => self.parameter(map, at),
            Kind::Header => self.schema_or_content(map, at, "header"),
            Kind::Link if !map.contains_key("operationRef") && !map.contains_key("operationId") => {
                self.error(
                    at,
                    "the link has neither `operationRef` nor `operationId`",
                    "name the operation the link leads to: `operationId: getUser`",
                );
            }
            _ => {}
        }
    }

    /// `paths`: keys starting with `/` are paths; `x-` keys are extensions; the model ignores
    /// anything else, so it is reported rather than dropped silently.
    fn paths(&mut self, map: &Mapping, at: &str) {
        for (key, item) in map {
            let shown = key_name(key).unwrap_or_else(|| describe(key));
            let item_at = format!("{at}/{}", pointer_token(&shown));
            match key.as_str() {
                Some(path) if path.starts_with('/') => {
                    self.value(item, Shape::RefOr(Kind::PathItem), &item_at, path);
                }
                Some(extension) if extension.starts_with("x-") => {}
                _ => self.warning(
                    &item_at,
                    format!("`{shown}` is not a path (paths start with `/`); its operations are not generated"),
                    format!("write the path with a leading slash: `/{shown}`"),
                ),
            }
        }
    }

    /// `responses`: status codes (`200`, `'404'`, `4XX`) and `default`; the model ignores any
    /// other key but `x-` extensions, so those are reported.
    fn responses(&mut self, map: &Mapping, at: &str) {
        for (key, response) in map {
            let shown = key_name(key).unwrap_or_else(|| describe(key));
            let response_at = format!("{at}/{}", pointer_token(&shown));
            if key.as_str() == Some("default") {
                if !response.is_null() {
                    self.value(
                        response,
                        Shape::RefOr(Kind::Response),
                        &response_at,
                        "default",
                    );
                }
            } else if is_status(key) {
                self.value(response, Shape::RefOr(Kind::Response), &response_at, &shown);
            } else if !shown.starts_with("x-") {
                self.warning(
                    &response_at,
                    format!("`{shown}` is not a status code; this response is ignored"),
                    "key responses by status code (`'200'`), range (`'2XX'`) or `default`",
                );
            }
        }
    }

    /// A callback: expressions (`{$request.body#/url}`) to path items.
    fn callback(&mut self, map: &Mapping, at: &str) {
        let map = self.string_keys(map, at);
        for (key, item) in map.iter() {
            let key = key.as_str().unwrap_or_default();
            self.value(
                item,
                Shape::Object(Kind::PathItem),
                &format!("{at}/{}", pointer_token(key)),
                key,
            );
        }
    }

    /// A security scheme: its `type` decides its other fields.
    fn security_scheme(&mut self, map: &Mapping, at: &str) {
        let kind = match map.get("type") {
            None => {
                return self.error(
                    at,
                    "the security scheme has no `type`",
                    format!("add its type, one of {}", list(SCHEME_TYPES)),
                )
            }
            Some(Value::String(kind)) => match kind.as_str() {
                "apiKey" => Kind::ApiKeyScheme,
                "http" => Kind::HttpScheme,
                "oauth2" => Kind::OAuth2Scheme,
                "openIdConnect" => Kind::OpenIdConnectScheme,
                other => {
                    return self.error(
                        &format!("{at}/type"),
                        format!("`type: {other}` is not a security scheme type clientgen reads"),
                        format!("use one of {}", list(SCHEME_TYPES)),
                    )
                }
            },
            Some(other) => {
                return self.wrong_type(
                    other,
                    Shape::Choice(SCHEME_TYPES),
                    &format!("{at}/type"),
                    "type",
                );
            }
        };
        self.fields(map, fields(kind), at, noun(kind));
    }

    /// A parameter's `in` (which decides its `style`), and its `schema` or `content`.
    fn parameter(&mut self, map: &Mapping, at: &str) {
        let location = match map.get("in") {
            None => {
                self.error(
                    at,
                    "the parameter has no `in`",
                    format!(
                        "say where the parameter is sent: `in:` one of {}",
                        list(LOCATIONS)
                    ),
                );
                None
            }
            Some(Value::String(location)) if LOCATIONS.contains(&location.as_str()) => {
                Some(location.clone())
            }
            Some(Value::String(location)) => {
                let hint = match location.as_str() {
                    "body" | "formData" => format!(
                        "a request body is the operation's `requestBody` in OpenAPI 3, not a parameter; other parameters use one of {}",
                        list(LOCATIONS)
                    ),
                    _ => format!("use one of {}", list(LOCATIONS)),
                };
                self.error(
                    &format!("{at}/in"),
                    format!("`in: {location}` is not a parameter location"),
                    hint,
                );
                None
            }
            Some(other) => {
                self.wrong_type(other, Shape::Choice(LOCATIONS), &format!("{at}/in"), "in");
                None
            }
        };
        if let (Some(location), Some(style)) = (location, map.get("style")) {
            let styles: &[&str] = match location.as_str() {
                "query" => QUERY_STYLES,
                // The location's default first.
                "path" => &["simple", "label", "matrix"],
                "header" => &["simple"],
                _ => &["form"],
            };
            if !style.as_str().is_some_and(|s| styles.contains(&s)) {
                let shown = key_name(style).unwrap_or_else(|| describe(style));
                self.warning(
                    &format!("{at}/style"),
                    format!(
                        "`style: {shown}` is not a style of a {location} parameter; it is sent in the {location} default style, `{}`{}",
                        styles.first().copied().unwrap_or_default(),
                        if matches!(location.as_str(), "query" | "cookie") { " with explode" } else { "" }
                    ),
                    format!("use one of {}", list(styles)),
                );
                // The location's default style, with its default `explode`.
                self.repair(at, Action::Remove(Value::from("style")));
                if map.contains_key("explode") {
                    self.repair(at, Action::Remove(Value::from("explode")));
                }
            }
        }
        self.schema_or_content(map, at, "parameter");
    }

    /// Parameters and headers need a type: `schema`, or `content` with one media type.
    fn schema_or_content(&mut self, map: &Mapping, at: &str, what: &str) {
        if !map.contains_key("schema") && !map.contains_key("content") {
            self.error(
                at,
                format!("the {what} has neither `schema` nor `content`"),
                format!("give the {what} a type: `schema: {{type: string}}`"),
            );
        }
    }
}

/// Whether a `responses` key is a status code as the model reads them: 100 to 999, as a
/// number or a three-digit string, or a range such as `4XX`.
fn is_status(key: &Value) -> bool {
    match key {
        Value::Number(number) => number.as_u64().is_some_and(|n| (100..1000).contains(&n)),
        Value::String(text) => {
            let bytes = text.as_bytes();
            match bytes {
                [first, b'X' | b'x', b'X' | b'x'] => first.is_ascii_digit(),
                [_, _, _] => text.parse::<u16>().is_ok_and(|n| (100..1000).contains(&n)),
                _ => false,
            }
        }
        _ => false,
    }
}

/// `a`, `b` or `c`, each in backticks.
fn list(choices: &[&str]) -> String {
    let quoted: Vec<String> = choices.iter().map(|c| format!("`{c}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

#[cfg(test)]
#[path = "structure_tests.rs"]
mod tests;
