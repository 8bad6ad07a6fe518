//! Paths and operations -> IR operations: names, parameters, bodies and response types.

use std::collections::BTreeSet;

use openapiv3::{
    MediaType, OpenAPI, Operation as SpecOperation, Parameter, ParameterSchemaOrContent, PathStyle,
    QueryStyle, ReferenceOr, RequestBody, Response, Schema, SchemaKind, StatusCode, StringFormat,
    StringType, Type, VariantOrUnknownOrEmpty,
};

use super::docs::{doc, inferred};
use super::names::{pascal, snake, status_variant, Scope};
use super::types::TypeSpace;
use super::{paging, query, security};
use crate::diagnostics::{pointer_token, Diagnostic};
use crate::ir::{
    AcceptChoice, Body, BodyEncoding, CallOptions, Content, ErrorType, Events, MediaVariant,
    MultipartField, Operation, Param, ParamLocation, ParamStyle, PartKind, Serialization,
    StatusMatch, StatusVariant, Success, TypeDef, TypeKind, TypeRef,
};

/// Client methods that generated operations must not take.
/// The mock server's own methods (`emit/mock.rs`) are reserved too, since its other methods
/// are the client's.
const CLIENT_RESERVED: &[&str] = &[
    "builder",
    "base_url",
    "clone",
    "fmt",
    "from",
    "into",
    "start",
    "verify",
    "received_requests",
    "reset",
    "wiremock",
];
/// Names a request builder uses for itself (its setters take the others, in one scope per
/// builder: the parameters' first, then the `Accept` choice's, then the per-call options'). The
/// mock's expectation of the operation (`emit/mock.rs`) has the same setters beside its own
/// methods, reserved too.
const BUILDER_RESERVED: &[&str] = &[
    "respond",
    "respond_empty",
    "respond_error",
    "respond_with",
    "expect",
    "mount",
    "mount_as_scoped",
    "client",
    "send",
    "send_with_response",
    "send_stream",
    "send_events",
    "new",
    "body",
    "content_type",
    "request",
    "pages",
    "items",
    "max_response_bytes",
    "max_download_bytes",
];

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
            // The builder's setters (and fields): the parameters', then the `Accept` choice's,
            // then the per-call options'.
            let (params, mut setters) =
                cx.params(types, &item.parameters, op, path, &builder_name, &pointer);
            let body = cx.body(types, op, &builder_name, &pointer);
            let target = Target {
                builder: &builder_name,
                method: &method_name,
                http_method: method,
                path,
                pointer: &pointer,
            };
            let (success, error, accept, accept_choice, mut events, statuses) =
                cx.responses(types, op, &target, &mut setters);
            // The per-call options come last: a parameter keeps its name, an option yields.
            let options = CallOptions {
                timeout: setters.claim("timeout".to_owned()),
                header: setters.claim("header".to_owned()),
                max_retries: setters.claim("max_retries".to_owned()),
            };
            // A stream the spec lets resume: its `Last-Event-ID` header parameter.
            if let Some(events) = &mut events {
                events.last_event_id = params
                    .iter()
                    .find(|p| {
                        p.location == ParamLocation::Header
                            && p.wire_name.eq_ignore_ascii_case("last-event-id")
                    })
                    .map(|p| p.wire_name.clone());
            }
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
                success_status: statuses.0,
                empty_status: statuses.1,
                accept,
                accept_choice,
                error,
                events,
                deprecated: op.deprecated,
                security: security::requirements(op.security.as_ref()),
                rate_limit,
                pagination,
                options,
                feature: None,
            });
        }
    }
    (operations, pointers, cx.query_languages, cx.diagnostics)
}

/// The JSON pointers of the schemas of `multipart/form-data` request bodies (the component's
/// for a `$ref`), whose binary properties are files.
pub(crate) fn multipart_schemas(spec: &OpenAPI) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (path, item) in spec.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let Some(body) = op.request_body.as_ref().and_then(|body| {
                component(
                    spec,
                    body,
                    |c| &c.request_bodies,
                    "#/components/requestBodies/",
                )
            }) else {
                continue;
            };
            for (media, content) in &body.content {
                if essence(media) != "multipart/form-data" {
                    continue;
                }
                match &content.schema {
                    Some(ReferenceOr::Reference { reference }) => {
                        if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                            found.insert(format!("/components/schemas/{}", pointer_token(name)));
                        }
                    }
                    Some(ReferenceOr::Item(_)) => {
                        found.insert(format!(
                            "/paths/{}/{method}/requestBody/content/{}/schema",
                            pointer_token(path),
                            pointer_token(media)
                        ));
                    }
                    None => {}
                }
            }
        }
    }
    found
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
    ) -> (Vec<Param>, Scope) {
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

        // The builder's setters: the parameters' first.
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
                    self.param_content(types, content, location, &hint, &at)
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
        (params, scope)
    }

    /// How a parameter with a schema is written: its style with `explode` (by default true
    /// for `form` only, as OpenAPI says), where the combination is one OpenAPI defines. Styles
    /// that a location does not allow never get here: `validate::structure` removes them with a
    /// warning, and the front end applies that repair.
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
                        format!("the `deepObject` style writes objects (and, in Stripe's bracket convention, arrays), but this parameter is {kind}; it is sent in the query's default style ({fallback})"),
                        "give the parameter an object or array schema, or another style",
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
    fn param_content(
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
        // The media types in the order they are preferred: by kind, then as the spec lists
        // them.
        let mut offered: Vec<(RequestKind, usize, &String, &MediaType)> = body
            .content
            .iter()
            .enumerate()
            .map(|(index, (media, content))| (request_kind(media, content), index, media, content))
            .collect();
        offered.sort_by_key(|(kind, index, _, _)| (*kind, *index));
        let hint = format!("{builder}Request");
        for (kind, _, media, content) in offered {
            let media_at = format!("{at}/content/{}", pointer_token(media));
            let schema_at = format!("{media_at}/schema");
            let (ty, encoding, content_type) = match kind {
                RequestKind::Json => {
                    let ty = content.schema.as_ref().map_or(TypeRef::Json, |schema| {
                        types.type_ref(schema, &hint, &schema_at).0
                    });
                    (ty, BodyEncoding::Json, media.clone())
                }
                RequestKind::Form => {
                    let ty = content
                        .schema
                        .as_ref()
                        .map_or(TypeRef::JsonObject, |schema| {
                            types.type_ref(schema, &hint, &schema_at).0
                        });
                    if !is_object(types, &ty) {
                        self.warn(
                            &schema_at,
                            format!("a form body must be an object, not `{ty}`; the next media type is tried"),
                            "give the form body an object schema",
                        );
                        continue;
                    }
                    let styles = self.form_styles(types, &ty, content, &media_at);
                    (ty, BodyEncoding::Form { styles }, media.clone())
                }
                RequestKind::Multipart => {
                    let ty = content
                        .schema
                        .as_ref()
                        .map(|schema| types.type_ref(schema, &hint, &schema_at).0);
                    let Some(parts) = ty
                        .as_ref()
                        .and_then(|ty| self.multipart_fields(types, ty, content, &media_at))
                    else {
                        self.warn(
                            &media_at,
                            "a multipart body needs an object schema with properties (its parts); the next media type is tried",
                            "give the multipart body an object schema, one property per part",
                        );
                        continue;
                    };
                    let ty = ty.unwrap_or(TypeRef::JsonObject);
                    (
                        ty,
                        BodyEncoding::Multipart { parts },
                        "multipart/form-data".to_owned(),
                    )
                }
                RequestKind::Binary => (
                    TypeRef::Bytes,
                    BodyEncoding::Binary,
                    concrete(media)
                        .unwrap_or("application/octet-stream")
                        .to_owned(),
                ),
                RequestKind::Text => (
                    TypeRef::String,
                    BodyEncoding::Text,
                    concrete(media).unwrap_or("text/plain").to_owned(),
                ),
            };
            return Some(Body {
                ty,
                required: body.required,
                doc: doc(&[body.description.as_deref()]),
                encoding,
                content_type,
            });
        }
        self.warn(
            &at,
            "the request body has no media type the client can send; the operation is generated without a body",
            "declare an application/json, form, multipart, binary or text media type",
        );
        None
    }

    /// The `style`s the media type's `encoding` gives form fields. A field the body does not
    /// have is reported.
    fn form_styles(
        &mut self,
        types: &TypeSpace<'_>,
        ty: &TypeRef,
        content: &MediaType,
        at: &str,
    ) -> Vec<(String, Serialization)> {
        let fields = types.struct_fields(ty);
        let mut styles = Vec::new();
        for (name, encoding) in &content.encoding {
            if fields.is_some_and(|fields| !fields.iter().any(|f| &f.wire_name == name)) {
                self.unknown_encoding(at, name);
                continue;
            }
            // `explode` changes only `form`: the delimited styles always join, `deepObject`
            // always writes `name[key]=value`.
            let (style, explode) = match encoding.style {
                None => continue,
                Some(QueryStyle::Form) => (ParamStyle::Form, encoding.explode),
                Some(QueryStyle::SpaceDelimited) => (ParamStyle::SpaceDelimited, false),
                Some(QueryStyle::PipeDelimited) => (ParamStyle::PipeDelimited, false),
                Some(QueryStyle::DeepObject) => (ParamStyle::DeepObject, true),
            };
            styles.push((name.clone(), Serialization::Style { style, explode }));
        }
        styles
    }

    /// The parts of a multipart body: one per field of its struct, files told apart by type.
    fn multipart_fields(
        &mut self,
        types: &TypeSpace<'_>,
        ty: &TypeRef,
        content: &MediaType,
        at: &str,
    ) -> Option<Vec<MultipartField>> {
        let fields = types.struct_fields(ty)?;
        for name in content.encoding.keys() {
            if !fields.iter().any(|f| &f.wire_name == name) {
                self.unknown_encoding(at, name);
            }
        }
        let parts = fields
            .iter()
            .map(|field| {
                let kind = match types.resolve_alias(&field.ty) {
                    TypeRef::File => PartKind::File,
                    TypeRef::Vec(item) if types.resolve_alias(&item) == TypeRef::File => {
                        PartKind::Files
                    }
                    _ => PartKind::Value,
                };
                let content_type = content
                    .encoding
                    .get(&field.wire_name)
                    .and_then(|encoding| encoding.content_type.as_deref())
                    .and_then(|types| types.split(',').map(str::trim).find_map(concrete))
                    .map(str::to_owned);
                MultipartField {
                    rust_name: field.rust_name.clone(),
                    wire_name: field.wire_name.clone(),
                    kind,
                    optional: field.is_option(),
                    content_type,
                }
            })
            .collect();
        Some(parts)
    }

    fn unknown_encoding(&mut self, at: &str, name: &str) {
        self.warn(
            &format!("{at}/encoding/{}", pointer_token(name)),
            format!("`encoding` names `{name}`, which the body has no property for; it is ignored"),
            "name a property of the body's schema",
        );
    }

    /// The success type, the error type, the `Accept` header of an operation, when its
    /// download or text response offers several media types, the setter that chooses one
    /// (claimed in `setters`, the builder's scope), and the event stream a success response
    /// is or offers (its `Last-Event-ID` left for the caller, who has the parameters).
    #[allow(clippy::type_complexity)]
    fn responses(
        &mut self,
        types: &mut TypeSpace<'_>,
        op: &SpecOperation,
        target: &Target<'_>,
        setters: &mut Scope,
    ) -> (
        Success,
        ErrorType,
        Option<String>,
        Option<AcceptChoice>,
        Option<Events>,
        (u16, Option<u16>),
    ) {
        let mut codes: Vec<(&StatusCode, &ReferenceOr<Response>)> =
            op.responses.responses.iter().collect();
        codes.sort_by_key(|(code, _)| code_order(code));
        let all = codes
            .into_iter()
            .map(|(code, r)| {
                let status = match code {
                    StatusCode::Code(code) => StatusMatch::Code(*code),
                    StatusCode::Range(class) => StatusMatch::Range(*class),
                };
                (status, code.to_string(), r)
            })
            .chain(
                op.responses
                    .default
                    .as_ref()
                    .map(|r| (StatusMatch::Default, "default".to_owned(), r)),
            );
        let mut declared = Vec::new();
        for (status, key, response) in all {
            let at = format!("{}/responses/{key}", target.pointer);
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
            declared.push(Declared {
                status,
                shape: shape(&response.content),
                events: response
                    .content
                    .iter()
                    .find(|(media, _)| is_event_stream(media))
                    .map(|(media, content)| (media.as_str(), content.schema.as_ref())),
                doc: doc(&[Some(response.description.as_str())]),
                at,
            });
        }
        let class = |status: StatusMatch| match status {
            StatusMatch::Code(code) => Some(code / 100),
            StatusMatch::Range(class) => Some(class),
            StatusMatch::Default => None,
        };
        let mut successes: Vec<&Declared<'_>> = declared
            .iter()
            .filter(|d| class(d.status) == Some(2))
            .collect();
        // Without a 2xx response, `default` describes the successes too.
        if successes.is_empty() {
            successes.extend(declared.iter().filter(|d| d.status == StatusMatch::Default));
        }
        let errors: Vec<&Declared<'_>> = declared
            .iter()
            .filter(|d| class(d.status) != Some(2))
            .collect();
        // The client follows redirects: an operation that only redirects returns whatever
        // the target sends.
        let redirects = successes.is_empty() && declared.iter().any(|d| class(d.status) == Some(3));
        let events = if redirects {
            None
        } else {
            self.events(types, &successes, target)
        };
        let (success, accept, choice) = match &events {
            _ if redirects => (Success::Bytes, None, None),
            // Only an event stream: `send()` returns it (the runtime asks for it in `Accept`).
            Some(events) if !events.beside => (Success::Events(events.ty.clone()), None, None),
            _ => self.success_type(types, &successes, target, setters),
        };
        let error = self.error_type(types, &errors, target);
        // The statuses a mock answers with: a range as its first code, `default` as 200.
        let code = |d: &&Declared<'_>| match d.status {
            StatusMatch::Code(code) => code,
            StatusMatch::Range(class) => class * 100,
            StatusMatch::Default => 200,
        };
        let with_body = successes
            .iter()
            .find(|d| !matches!(d.shape, Shape::Empty))
            .or(successes.first())
            .map_or(200, code);
        let without_body = successes
            .iter()
            .find(|d| matches!(d.shape, Shape::Empty))
            .map(code);
        (
            success,
            error,
            accept,
            choice,
            events,
            (with_body, without_body),
        )
    }

    /// The event stream of the first success response that offers `text/event-stream`: its
    /// schema typed as `{Builder}Event` when inline, beside other media types when any
    /// success response has one.
    fn events(
        &mut self,
        types: &mut TypeSpace<'_>,
        successes: &[&Declared<'_>],
        target: &Target<'_>,
    ) -> Option<Events> {
        let (declared, (media, schema)) = successes
            .iter()
            .find_map(|d| d.events.map(|events| (d, events)))?;
        let ty = schema.map_or(TypeRef::Json, |schema| {
            let at = format!("{}/content/{}/schema", declared.at, pointer_token(media));
            types
                .type_ref(schema, &format!("{}Event", target.builder), &at)
                .0
        });
        Some(Events {
            ty,
            beside: successes.iter().any(|d| !matches!(d.shape, Shape::Empty)),
            last_event_id: None,
        })
    }

    fn success_type(
        &mut self,
        types: &mut TypeSpace<'_>,
        successes: &[&Declared<'_>],
        target: &Target<'_>,
        setters: &mut Scope,
    ) -> (Success, Option<String>, Option<AcceptChoice>) {
        let mut keys: Vec<String> = Vec::new();
        for key in successes.iter().filter_map(|d| d.shape.key()) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        let has_empty = successes.iter().any(|d| matches!(d.shape, Shape::Empty));
        let first = successes.iter().find(|d| !matches!(d.shape, Shape::Empty));
        let single = match (keys.len(), first) {
            (0, _) | (_, None) => return (Success::Empty, None, None),
            (1, Some(first)) => {
                (!has_empty || matches!(first.shape, Shape::Json { .. })).then_some(first)
            }
            _ => None,
        };
        if let Some(first) = single {
            let hint = format!("{}Response", target.builder);
            let accept = first.shape.accept();
            let success = match (
                self.content(types, &first.shape, &hint, &first.at),
                has_empty,
            ) {
                (Content::Json(ty), false) => Success::Json(ty),
                (Content::Json(ty), true) => Success::Optional(ty),
                (Content::Text, _) => Success::Text,
                (Content::Bytes, _) => Success::Bytes,
                (Content::Empty, _) => Success::Empty,
            };
            // A JSON response sends `Accept` only for a media type other than plain JSON (a
            // versioned one). A download or text response sends its media type; offering
            // several, it sends the one the caller chooses, by default the first.
            if matches!(success, Success::Bytes | Success::Text) {
                if let Some((default, choice)) =
                    accept_choice(types, setters, &first.shape.media(), target)
                {
                    return (success, Some(default), Some(choice));
                }
            }
            let accept = accept.filter(|media| media != "application/json");
            return (success, accept, None);
        }
        let mut media: Vec<String> = Vec::new();
        for declared in successes {
            for one in declared.shape.media() {
                if !media.iter().any(|m| m == one) {
                    media.push(one.to_owned());
                }
            }
        }
        let accept = (media != ["application/json"] && !media.is_empty()).then(|| media.join(", "));
        let name = self.status_enum(types, successes, target, false);
        (Success::ByStatus(name), accept, None)
    }

    fn error_type(
        &mut self,
        types: &mut TypeSpace<'_>,
        errors: &[&Declared<'_>],
        target: &Target<'_>,
    ) -> ErrorType {
        let mut keys: Vec<String> = Vec::new();
        let typed = |d: &&&Declared<'_>| matches!(d.shape, Shape::Json { .. } | Shape::Text(_));
        for key in errors.iter().filter(typed).filter_map(|d| d.shape.key()) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        let first = errors.iter().find(typed);
        match (keys.len(), first) {
            (0, _) | (_, None) => ErrorType::Json(TypeRef::Json),
            (1, Some(first)) if matches!(first.shape, Shape::Json { .. }) => {
                let hint = format!("{}Error", target.builder);
                match self.content(types, &first.shape, &hint, &first.at) {
                    Content::Json(ty) => ErrorType::Json(ty),
                    _ => ErrorType::Json(TypeRef::Json),
                }
            }
            _ => ErrorType::ByStatus(self.status_enum(types, errors, target, true)),
        }
    }

    /// What a response's body is read as, its schema lowered with `hint`.
    fn content(
        &mut self,
        types: &mut TypeSpace<'_>,
        shape: &Shape<'_>,
        hint: &str,
        at: &str,
    ) -> Content {
        match shape {
            Shape::Empty => Content::Empty,
            Shape::Json { media, schema } => {
                Content::Json(schema.map_or(TypeRef::Json, |schema| {
                    let at = format!("{at}/content/{}/schema", pointer_token(media));
                    types.type_ref(schema, hint, &at).0
                }))
            }
            Shape::Text(_) => Content::Text,
            Shape::Bytes(_) => Content::Bytes,
        }
    }

    /// The response enum of an operation (its successes, or its errors): one variant per
    /// declared status, named after the status, each body's inline schema after the variant.
    fn status_enum(
        &mut self,
        types: &mut TypeSpace<'_>,
        declared: &[&Declared<'_>],
        target: &Target<'_>,
        error: bool,
    ) -> String {
        let suffix = if error { "Error" } else { "Response" };
        let name = types.claim(&format!("{}{suffix}", target.builder));
        let mut scope = Scope::with_reserved(&["Other"]);
        let mut variants = Vec::new();
        for declared in declared {
            let rust_name = scope.claim(status_variant(declared.status));
            let hint = format!("{}{rust_name}", target.builder);
            let content = match self.content(types, &declared.shape, &hint, &declared.at) {
                // An error body is kept in the `ApiError`'s excerpt unless it is JSON or text.
                Content::Bytes if error => Content::Empty,
                content => content,
            };
            variants.push(StatusVariant {
                rust_name,
                status: declared.status,
                content,
                doc: declared.doc.clone(),
            });
        }
        let method = target.method.trim_start_matches("r#");
        let what = if error {
            "The error responses"
        } else {
            "The success responses"
        };
        let doc = format!(
            "{what} of [`Client::{method}`](crate::Client::{method}) (`{} {}`), by status.",
            target.http_method.to_ascii_uppercase(),
            target.path
        );
        types.push(TypeDef {
            name: name.clone(),
            doc: Some(doc),
            kind: TypeKind::Responses { error, variants },
            features: Vec::new(),
        });
        name
    }
}

/// What a parameter schema is when it is certainly not an object (`an array`, `a string`),
/// following one `$ref` to `components/schemas`; `None` for objects and for schemas whose
/// shape is not stated (any value, `allOf`, ...).
fn not_an_object(spec: &OpenAPI, schema: &ReferenceOr<Schema>) -> Option<&'static str> {
    let schema = component(spec, schema, |c| &c.schemas, "#/components/schemas/")?;
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => Some("a string"),
        SchemaKind::Type(Type::Number(_)) => Some("a number"),
        SchemaKind::Type(Type::Integer(_)) => Some("an integer"),
        SchemaKind::Type(Type::Boolean(_)) => Some("a boolean"),
        _ => None,
    }
}

/// The `Accept` choice of an operation whose download or text response offers several media
/// types, with the media type sent by default (the first): the `{Builder}Accept` enum (named
/// in the types' scope, one variant per media type in the spec's order) and its setter (in
/// the builder's). `None` for fewer than two media types.
fn accept_choice(
    types: &mut TypeSpace<'_>,
    setters: &mut Scope,
    media: &[&str],
    target: &Target<'_>,
) -> Option<(String, AcceptChoice)> {
    let [default, _, ..] = media else {
        return None;
    };
    let mut scope = Scope::default();
    let variants: Vec<MediaVariant> = media
        .iter()
        .map(|media| MediaVariant {
            rust_name: scope.claim(pascal(media)),
            media_type: (*media).to_owned(),
        })
        .collect();
    let default_variant = variants.first()?.rust_name.clone();
    let type_name = types.claim(&format!("{}Accept", target.builder));
    let setter = setters.claim("accept".to_owned());
    let method = target.method.trim_start_matches("r#");
    let builder = target.builder;
    let doc = format!(
        "The media types [`Client::{method}`](crate::Client::{method}) (`{} {}`) can answer with; the request asks for one in its `Accept` header. Choose it with [`{builder}::{setter}`](crate::operations::{builder}::{setter}); without that, the request asks for `{default}`, the first the spec lists (the `Default`).",
        target.http_method.to_ascii_uppercase(),
        target.path,
    );
    types.push(TypeDef {
        name: type_name.clone(),
        doc: Some(doc),
        kind: TypeKind::MediaTypes { variants },
        features: Vec::new(),
    });
    let choice = AcceptChoice {
        setter,
        type_name,
        default_variant,
    };
    Some(((*default).to_owned(), choice))
}

/// The operation whose responses are being lowered.
struct Target<'a> {
    builder: &'a str,
    method: &'a str,
    http_method: &'a str,
    path: &'a str,
    pointer: &'a str,
}

/// A response of the spec, resolved.
struct Declared<'s> {
    status: StatusMatch,
    /// The content other than `text/event-stream`.
    shape: Shape<'s>,
    /// The `text/event-stream` media type and its schema, when the response offers one.
    events: Option<(&'s str, Option<&'s ReferenceOr<Schema>>)>,
    doc: Option<String>,
    at: String,
}

/// What a response's content is, before any schema is lowered.
enum Shape<'s> {
    /// No content.
    Empty,
    /// JSON (the first JSON media type).
    Json {
        media: &'s str,
        schema: Option<&'s ReferenceOr<Schema>>,
    },
    /// Only `text/*` (or XML) media types.
    Text(Vec<&'s str>),
    /// A binary media type (a `format: binary` schema), or content that is neither JSON nor
    /// text: a download.
    Bytes(Vec<&'s str>),
}

impl Shape<'_> {
    /// What makes two responses carry the same type: the schema reference, or the inline
    /// schema itself; `None` for no content.
    fn key(&self) -> Option<String> {
        Some(match self {
            Shape::Empty => return None,
            Shape::Json { schema: None, .. } => "json".to_owned(),
            Shape::Json {
                schema: Some(ReferenceOr::Reference { reference }),
                ..
            } => format!("ref:{reference}"),
            Shape::Json {
                schema: Some(schema),
                ..
            } => format!(
                "inline:{}",
                serde_json::to_string(schema).unwrap_or_default()
            ),
            Shape::Text(_) => "text".to_owned(),
            Shape::Bytes(_) => "bytes".to_owned(),
        })
    }

    /// The media types an `Accept` header lists for it.
    fn media(&self) -> Vec<&str> {
        match self {
            Shape::Empty => Vec::new(),
            Shape::Json { media, .. } => vec![media],
            Shape::Text(media) | Shape::Bytes(media) => media.clone(),
        }
    }

    fn accept(&self) -> Option<String> {
        let media = self.media();
        (!media.is_empty()).then(|| media.join(", "))
    }
}

/// Reads a response's content, leaving out `text/event-stream` (read as [`Events`]): a
/// binary schema makes it a download whatever else it offers; otherwise JSON wins, then text
/// when every media type is text.
fn shape(content: &indexmap::IndexMap<String, MediaType>) -> Shape<'_> {
    let content: Vec<(&String, &MediaType)> = content
        .iter()
        .filter(|(media, _)| !is_event_stream(media))
        .collect();
    if content.is_empty() {
        return Shape::Empty;
    }
    let media: Vec<&str> = content.iter().map(|(media, _)| media.as_str()).collect();
    if content.iter().any(|(_, m)| is_binary(m.schema.as_ref())) {
        return Shape::Bytes(media);
    }
    if let Some((media, content)) = content.iter().find(|(media, _)| is_json(media)) {
        return Shape::Json {
            media,
            schema: content.schema.as_ref(),
        };
    }
    if media.iter().all(|m| is_text(m)) {
        Shape::Text(media)
    } else {
        Shape::Bytes(media)
    }
}

/// The kinds of request body, in the order they are preferred when a body offers several
/// media types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum RequestKind {
    Json,
    Form,
    Multipart,
    Binary,
    Text,
}

fn request_kind(media: &str, content: &MediaType) -> RequestKind {
    let essence = essence(media);
    if is_json(media) {
        RequestKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        RequestKind::Form
    } else if essence == "multipart/form-data" {
        RequestKind::Multipart
    } else if is_binary(content.schema.as_ref()) || !is_text(media) {
        RequestKind::Binary
    } else {
        RequestKind::Text
    }
}

/// Whether a form body of this type encodes as an object.
fn is_object(types: &TypeSpace<'_>, ty: &TypeRef) -> bool {
    match types.resolve_alias(ty) {
        TypeRef::Map(_) | TypeRef::JsonObject | TypeRef::Json => true,
        TypeRef::Named(_) => types.struct_fields(ty).is_some(),
        _ => false,
    }
}

/// A `type: string, format: binary` schema (3.1's `contentMediaType` is read as one).
fn is_binary(schema: Option<&ReferenceOr<Schema>>) -> bool {
    matches!(
        schema,
        Some(ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Type(Type::String(StringType {
                format: VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
                ..
            })),
            ..
        }))
    )
}

/// A media type that a `Content-Type` can name: no wildcard.
fn concrete(media: &str) -> Option<&str> {
    (!media.contains('*') && !media.trim().is_empty()).then_some(media.trim())
}

/// The media type without parameters, lower case (`Text/Plain; charset=x` -> `text/plain`).
fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Server-sent events, read as a stream of events rather than as text.
fn is_event_stream(media: &str) -> bool {
    essence(media) == "text/event-stream"
}

/// `text/*`, and XML, which is text too.
fn is_text(media: &str) -> bool {
    let essence = essence(media);
    essence.starts_with("text/") || essence == "application/xml" || essence.ends_with("+xml")
}

/// `(class, code)`: `200` -> (2, 200), `2XX` -> (2, 299), so exact codes sort before ranges.
fn code_order(code: &StatusCode) -> (u16, u16) {
    match code {
        StatusCode::Code(code) => (code / 100, *code),
        StatusCode::Range(class) => (*class, class * 100 + 99),
    }
}

pub(super) fn is_json(media: &str) -> bool {
    let essence = essence(media);
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
