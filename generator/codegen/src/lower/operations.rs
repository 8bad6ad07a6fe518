//! Paths and operations -> IR operations: names, parameters, bodies and response types.

use openapiv3::{
    MediaType, OpenAPI, Operation as SpecOperation, Parameter, ParameterSchemaOrContent, PathStyle,
    QueryStyle, ReferenceOr, RequestBody, Response, Schema, SchemaKind, StatusCode, StringFormat,
    StringType, Type, VariantOrUnknownOrEmpty,
};

use super::docs::{doc, inferred};
use super::names::{pascal, snake, Scope};
use super::types::TypeSpace;
use super::{paging, query, security};
use crate::diagnostics::{pointer_token, Diagnostic};
use crate::ir::{
    Body, Operation, Param, ParamLocation, ParamStyle, Serialization, Success, TypeRef,
};

/// Client methods that generated operations must not take.
const CLIENT_RESERVED: &[&str] = &["builder", "base_url", "clone", "fmt", "from", "into"];
/// Names a request builder uses for itself.
const BUILDER_RESERVED: &[&str] = &["client", "send", "new", "body", "request", "pages", "items"];

/// Lowers every operation of the spec, in path order.
pub(crate) fn lower(
    spec: &OpenAPI,
    types: &mut TypeSpace<'_>,
    file: &str,
) -> (
    Vec<Operation>,
    Vec<String>,
    Vec<query::Found>,
    Vec<Diagnostic>,
) {
    let mut cx = Context {
        spec,
        file,
        diagnostics: Vec::new(),
        query_languages: Vec::new(),
    };
    let mut method_scope = Scope::with_reserved(CLIENT_RESERVED);
    let mut builder_scope = Scope::default();
    let mut operations = Vec::new();
    let mut pointers = Vec::new();
    // operationId -> the pointer and method name of the first operation that has it.
    let mut first_ids: std::collections::BTreeMap<&str, (String, String)> = Default::default();
    for (path, item) in spec.paths.iter() {
        let item_pointer = format!("/paths/{}", pointer_token(path));
        let ReferenceOr::Item(item) = item else {
            cx.diagnostics.push(
                Diagnostic::warning(
                    file,
                    "a path item given by `$ref` is not supported; its operations are skipped",
                )
                .at(item_pointer)
                .hint("inline the path item"),
            );
            continue;
        };
        for (method, op) in item.iter() {
            let pointer = format!("{item_pointer}/{method}");
            let base = base_name(method, path, op);
            let method_name = method_scope.claim(snake(&base));
            if let Some(id) = op
                .operation_id
                .as_deref()
                .filter(|id| !id.trim().is_empty())
            {
                match first_ids.get(id) {
                    Some((first, first_name)) => cx.diagnostics.push(
                        Diagnostic::warning(
                            file,
                            format!("operationId `{id}` is also the operationId of {first} (method `{first_name}`); this operation's method is named `{method_name}`"),
                        )
                        .at(format!("{pointer}/operationId"))
                        .hint("give every operation an operationId of its own"),
                    ),
                    None => {
                        first_ids.insert(id, (pointer.clone(), method_name.clone()));
                    }
                }
            }
            let builder_name = builder_scope.claim(pascal(method_name.trim_start_matches("r#")));
            let params = cx.params(types, &item.parameters, op, path, &builder_name, &pointer);
            let body = cx.body(types, op, &builder_name, &pointer);
            let (success, error) = cx.responses(types, op, &builder_name, &pointer);
            let accept = match &success {
                Success::Bytes { accept } => Some(accept.clone()),
                _ => success_media(op).filter(|media| media != "application/json"),
            };
            let why = inferred(op.extensions.get("x-inferred"));
            let rate_limit = paging::rate_limit(
                op.extensions.get("x-rate-limit"),
                file,
                &pointer,
                &mut cx.diagnostics,
            );
            let pagination = paging::pagination(
                op.extensions.get("x-pagination"),
                file,
                &pointer,
                &mut cx.diagnostics,
            );
            pointers.push(pointer);
            operations.push(Operation {
                method_name,
                builder_name,
                http_method: method.to_ascii_uppercase(),
                path: path.clone(),
                summary: doc(&[op.summary.as_deref()]),
                description: doc(&[op.description.as_deref(), why.as_deref()]),
                params,
                body,
                success,
                accept,
                error,
                deprecated: op.deprecated,
                security: security::requirements(op.security.as_ref()),
                rate_limit,
                pagination,
            });
        }
    }
    (operations, pointers, cx.query_languages, cx.diagnostics)
}

/// The name an operation's method is made from: its operationId, else its summary, else its
/// method and path (`get /apps/{app_id}` -> `get apps app_id`).
fn base_name(method: &str, path: &str, op: &SpecOperation) -> String {
    if let Some(id) = op
        .operation_id
        .as_deref()
        .filter(|id| !id.trim().is_empty())
    {
        return id.to_owned();
    }
    if let Some(summary) = op.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        // A summary is prose: its words are split by spaces, not by case, so "OAuth" stays
        // one word (`search_oauth_grants`, not `search_o_auth_grants`).
        return summary.to_lowercase();
    }
    format!("{method} {path}")
}

struct Context<'a> {
    spec: &'a OpenAPI,
    file: &'a str,
    diagnostics: Vec<Diagnostic>,
    /// `x-query-language` extensions of parameters: the value, where it is, and the client
    /// method whose parameter it describes.
    query_languages: Vec<query::Found>,
}

impl Context<'_> {
    fn warn(&mut self, pointer: &str, message: impl Into<String>, hint: &str) {
        self.diagnostics.push(
            Diagnostic::warning(self.file, message)
                .at(pointer)
                .hint(hint),
        );
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>, hint: &str) {
        self.diagnostics
            .push(Diagnostic::error(self.file, message).at(pointer).hint(hint));
    }
}

/// An item, or the component its `$ref` names (one level; chains of references are not followed).
fn component<'s, T>(
    spec: &'s OpenAPI,
    item: &'s ReferenceOr<T>,
    section: fn(&'s openapiv3::Components) -> &'s indexmap::IndexMap<String, ReferenceOr<T>>,
    prefix: &str,
) -> Option<&'s T> {
    match item {
        ReferenceOr::Item(item) => Some(item),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix(prefix)?;
            match section(spec.components.as_ref()?).get(name)? {
                ReferenceOr::Item(item) => Some(item),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

impl Context<'_> {
    fn params(
        &mut self,
        types: &mut TypeSpace<'_>,
        shared: &[ReferenceOr<Parameter>],
        op: &SpecOperation,
        path: &str,
        builder: &str,
        pointer: &str,
    ) -> Vec<Param> {
        // Operation parameters override path-item parameters with the same name and location.
        let mut resolved: Vec<(&Parameter, String)> = Vec::new();
        let sources = shared
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    p,
                    format!(
                        "{}/parameters/{i}",
                        pointer.rsplit_once('/').map_or("", |(a, _)| a)
                    ),
                )
            })
            .chain(
                op.parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, format!("{pointer}/parameters/{i}"))),
            );
        for (param, mut at) in sources {
            // A shared component parameter is lowered at its own place, so that its schema
            // makes one type for every operation that uses it.
            if let ReferenceOr::Reference { reference } = param {
                if let Some(name) = reference.strip_prefix("#/components/parameters/") {
                    at = format!("/components/parameters/{}", pointer_token(name));
                }
            }
            let Some(param) = component(
                self.spec,
                param,
                |c| &c.parameters,
                "#/components/parameters/",
            ) else {
                self.warn(
                    &at,
                    "this parameter reference cannot be followed; the parameter is skipped",
                    "reference a parameter under #/components/parameters",
                );
                continue;
            };
            let data = param.parameter_data_ref();
            resolved.retain(|(p, _)| {
                let other = p.parameter_data_ref();
                !(other.name == data.name
                    && std::mem::discriminant(*p) == std::mem::discriminant(param))
            });
            resolved.push((param, at));
        }

        let mut scope = Scope::with_reserved(BUILDER_RESERVED);
        let mut params = Vec::new();
        for (param, at) in resolved {
            let data = param.parameter_data_ref();
            let (location, style, allow_reserved) = match param {
                Parameter::Path { style, .. } => (
                    ParamLocation::Path,
                    match style {
                        PathStyle::Simple => ParamStyle::Simple,
                        PathStyle::Label => ParamStyle::Label,
                        PathStyle::Matrix => ParamStyle::Matrix,
                    },
                    false,
                ),
                Parameter::Query {
                    style,
                    allow_reserved,
                    ..
                } => (
                    ParamLocation::Query,
                    match style {
                        QueryStyle::Form => ParamStyle::Form,
                        QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                        QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                        QueryStyle::DeepObject => ParamStyle::DeepObject,
                    },
                    *allow_reserved,
                ),
                Parameter::Header { .. } => (ParamLocation::Header, ParamStyle::Simple, false),
                Parameter::Cookie { .. } => (ParamLocation::Cookie, ParamStyle::Form, false),
            };
            if location == ParamLocation::Header
                && ["accept", "content-type", "authorization"]
                    .contains(&data.name.to_ascii_lowercase().as_str())
            {
                // OpenAPI says these header parameters are ignored; the client sets them.
                continue;
            }
            let hint = match at.strip_prefix("/components/parameters/") {
                Some(component) => pascal(component),
                None => format!("{builder}{}", pascal(&data.name)),
            };
            let (ty, serialization) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let ty = types.type_ref(schema, &hint, &format!("{at}/schema")).0;
                    let serialization =
                        self.serialization(location, style, data.explode, schema, &at);
                    (ty, serialization)
                }
                ParameterSchemaOrContent::Content(content) => {
                    self.content(types, content, location, &hint, &at)
                }
            };
            if let Some(language) = data.extensions.get("x-query-language") {
                self.query_languages.push(query::Found {
                    value: language.clone(),
                    pointer: format!("{at}/x-query-language"),
                    param: data.name.clone(),
                    builder: builder.to_owned(),
                });
            }
            let why = inferred(data.extensions.get("x-inferred"));
            params.push(Param {
                rust_name: scope.claim(snake(&data.name)),
                wire_name: data.name.clone(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                serialization,
                allow_reserved,
                doc: doc(&[data.description.as_deref(), why.as_deref()]),
            });
        }

        // Path parameters come first, in the order the path names them.
        let template_names = template_params(path);
        for name in &template_names {
            if !params
                .iter()
                .any(|p| p.location == ParamLocation::Path && &p.wire_name == name)
            {
                self.error(
                    pointer,
                    format!("the path `{path}` has `{{{name}}}` but the operation declares no path parameter `{name}`"),
                    "add the parameter with `in: path` and `required: true`",
                );
            }
        }
        params
            .retain(|p| p.location != ParamLocation::Path || template_names.contains(&p.wire_name));
        params.sort_by_key(|p| match p.location {
            ParamLocation::Path => template_names
                .iter()
                .position(|n| n == &p.wire_name)
                .unwrap_or(0),
            _ => template_names.len(),
        });
        params
    }

    /// How a parameter with a schema is written: its style with `explode` (by default true
    /// for `form` only, as OpenAPI says), where the combination is one OpenAPI defines. Styles
    /// that a location does not allow never get here (`load::parameter_styles` replaced them).
    fn serialization(
        &mut self,
        location: ParamLocation,
        style: ParamStyle,
        explode: Option<bool>,
        schema: &ReferenceOr<Schema>,
        at: &str,
    ) -> Serialization {
        let fallback = Serialization::default_for(location);
        match (style, explode) {
            (ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited, Some(true)) => {
                self.warn(
                    &format!("{at}/explode"),
                    format!(
                        "OpenAPI does not define the `{}` style with `explode: true`; the parameter is sent in the query's default style ({fallback}), one pair per item",
                        style.as_str()
                    ),
                    "remove `explode: true` to join the items with the style's delimiter",
                );
                fallback
            }
            (ParamStyle::DeepObject, _) => {
                if let Some(kind) = not_an_object(self.spec, schema) {
                    self.warn(
                        &format!("{at}/style"),
                        format!("the `deepObject` style writes objects, but this parameter is {kind}; it is sent in the query's default style ({fallback})"),
                        "give the parameter an object schema, or another style",
                    );
                    return fallback;
                }
                if explode == Some(false) {
                    self.warn(
                        &format!("{at}/explode"),
                        "OpenAPI defines the `deepObject` style only with `explode: true`; the parameter is sent as a deepObject (`name[key]=value`)",
                        "remove `explode: false`",
                    );
                }
                Serialization::Style {
                    style,
                    explode: true,
                }
            }
            (style, explode) => Serialization::Style {
                style,
                explode: explode.unwrap_or(style == ParamStyle::Form),
            },
        }
    }

    /// The type and serialization of a parameter given by `content` (one media type): JSON
    /// media types are sent as JSON text; another media type (`text/plain`) sends the value
    /// as the location's default style does, which for a string is the string itself.
    fn content(
        &mut self,
        types: &mut TypeSpace<'_>,
        content: &indexmap::IndexMap<String, MediaType>,
        location: ParamLocation,
        hint: &str,
        at: &str,
    ) -> (TypeRef, Serialization) {
        let Some((media, media_type)) = content.first() else {
            self.warn(
                &format!("{at}/content"),
                "this parameter's `content` names no media type; it is typed as a JSON value and sent as JSON text",
                "give `content` one media type with a schema",
            );
            return (TypeRef::Json, Serialization::Json);
        };
        let media_at = format!("{at}/content/{}", pointer_token(media));
        if content.len() > 1 {
            self.warn(
                &format!("{at}/content"),
                format!(
                    "a parameter's `content` must have exactly one media type; `{media}` is used"
                ),
                "keep one media type",
            );
        }
        let ty = match &media_type.schema {
            Some(schema) => {
                types
                    .type_ref(schema, hint, &format!("{media_at}/schema"))
                    .0
            }
            None => TypeRef::Json,
        };
        if is_json(media) {
            return (ty, Serialization::Json);
        }
        let essence = media.split(';').next().unwrap_or("").trim();
        if !essence.eq_ignore_ascii_case("text/plain") {
            self.warn(
                &media_at,
                format!("parameters of media type `{media}` are not supported; the value is sent in the {} default style ({})", location.as_str(), Serialization::default_for(location)),
                "use `application/json` or `text/plain`, or a `schema` with a style",
            );
        }
        (ty, Serialization::default_for(location))
    }

    fn body(
        &mut self,
        types: &mut TypeSpace<'_>,
        op: &SpecOperation,
        builder: &str,
        pointer: &str,
    ) -> Option<Body> {
        let body = op.request_body.as_ref()?;
        let at = format!("{pointer}/requestBody");
        let Some(body): Option<&RequestBody> = component(
            self.spec,
            body,
            |c| &c.request_bodies,
            "#/components/requestBodies/",
        ) else {
            self.warn(
                &at,
                "this request body reference cannot be followed; the operation has no body",
                "reference a body under #/components/requestBodies",
            );
            return None;
        };
        let Some((media, content)) = body.content.iter().find(|(media, _)| is_json(media)) else {
            self.warn(&at, "only JSON request bodies are supported yet; the operation is generated without a body", "declare an application/json body");
            return None;
        };
        let ty = match &content.schema {
            Some(schema) => {
                let schema_at = format!("{at}/content/{}/schema", pointer_token(media));
                types
                    .type_ref(schema, &format!("{builder}Request"), &schema_at)
                    .0
            }
            None => TypeRef::Json,
        };
        Some(Body {
            ty,
            required: body.required,
            doc: doc(&[body.description.as_deref()]),
        })
    }

    fn responses(
        &mut self,
        types: &mut TypeSpace<'_>,
        op: &SpecOperation,
        builder: &str,
        pointer: &str,
    ) -> (Success, TypeRef) {
        let mut success = None;
        let mut errors: Vec<TypeRef> = Vec::new();
        let mut codes: Vec<(&StatusCode, &ReferenceOr<Response>)> =
            op.responses.responses.iter().collect();
        codes.sort_by_key(|(code, _)| code_order(code));
        let all = codes
            .into_iter()
            .map(|(code, r)| (Some(code), r))
            .chain(op.responses.default.as_ref().map(|r| (None, r)));
        for (code, response) in all {
            let key = code.map_or_else(|| "default".to_owned(), ToString::to_string);
            let at = format!("{pointer}/responses/{key}");
            let Some(response) = component(
                self.spec,
                response,
                |c| &c.responses,
                "#/components/responses/",
            ) else {
                self.warn(
                    &at,
                    "this response reference cannot be followed; it is ignored",
                    "reference a response under #/components/responses",
                );
                continue;
            };
            let is_success = code.is_some_and(|code| code_order(code).0 == 2);
            if is_success && success.is_none() && is_download(&response.content) {
                let media: Vec<&str> = response.content.keys().map(String::as_str).collect();
                success = Some(Success::Bytes {
                    accept: media.join(", "),
                });
                continue;
            }
            let json = response.content.iter().find(|(media, _)| is_json(media));
            let ty = json.map(|(media, content)| match &content.schema {
                Some(schema) => {
                    let hint = if is_success {
                        format!("{builder}Response")
                    } else {
                        format!("{builder}Error")
                    };
                    types
                        .type_ref(
                            schema,
                            &hint,
                            &format!("{at}/content/{}/schema", pointer_token(media)),
                        )
                        .0
                }
                None => TypeRef::Json,
            });
            if is_success {
                if success.is_none() {
                    success = Some(ty.map_or(Success::Empty, Success::Json));
                }
            } else if let Some(ty) = ty {
                if !errors.contains(&ty) {
                    errors.push(ty);
                }
            }
        }
        let error = match errors.as_slice() {
            [one] => one.clone(),
            [] => TypeRef::Json,
            _ => {
                self.warn(&format!("{pointer}/responses"), "the error responses have different types; error bodies are typed as JSON values", "give the error responses one schema");
                TypeRef::Json
            }
        };
        (success.unwrap_or(Success::Empty), error)
    }
}

/// What a parameter schema is when it is certainly not an object (`an array`, `a string`),
/// following one `$ref` to `components/schemas`; `None` for objects and for schemas whose
/// shape is not stated (any value, `allOf`, ...).
fn not_an_object(spec: &OpenAPI, schema: &ReferenceOr<Schema>) -> Option<&'static str> {
    let schema = component(spec, schema, |c| &c.schemas, "#/components/schemas/")?;
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(_)) => Some("an array"),
        SchemaKind::Type(Type::String(_)) => Some("a string"),
        SchemaKind::Type(Type::Number(_)) => Some("a number"),
        SchemaKind::Type(Type::Integer(_)) => Some("an integer"),
        SchemaKind::Type(Type::Boolean(_)) => Some("a boolean"),
        _ => None,
    }
}

/// The JSON media type of the lowest 2xx response, as written in the spec.
fn success_media(op: &SpecOperation) -> Option<String> {
    let mut codes: Vec<(&StatusCode, &ReferenceOr<Response>)> = op
        .responses
        .responses
        .iter()
        .filter(|(code, _)| code_order(code).0 == 2)
        .collect();
    codes.sort_by_key(|(code, _)| code_order(code));
    let (_, ReferenceOr::Item(response)) = codes.first()? else {
        return None;
    };
    response
        .content
        .keys()
        .find(|media| is_json(media))
        .cloned()
}

/// Whether a success response is a download: it has a binary media type (a `format: binary`
/// string schema), or content that is all non-JSON. Such an operation returns the body's bytes.
fn is_download(content: &indexmap::IndexMap<String, MediaType>) -> bool {
    let binary = |media: &MediaType| {
        matches!(
            &media.schema,
            Some(ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Type(Type::String(StringType {
                    format: VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
                    ..
                })),
                ..
            }))
        )
    };
    content.values().any(binary) || (!content.is_empty() && !content.keys().any(|m| is_json(m)))
}

/// `(class, code)`: `200` -> (2, 200), `2XX` -> (2, 299), so exact codes sort before ranges.
fn code_order(code: &StatusCode) -> (u16, u16) {
    match code {
        StatusCode::Code(code) => (code / 100, *code),
        StatusCode::Range(class) => (*class, class * 100 + 99),
    }
}

pub(super) fn is_json(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The `{names}` of a path template, in order.
fn template_params(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_params_in_order() {
        assert_eq!(template_params("/a/{x}/b/{y}"), vec!["x", "y"]);
        assert!(template_params("/a").is_empty());
    }

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/problem+json"));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(!is_json("text/plain"));
    }
}
