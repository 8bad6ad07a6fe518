//! `securitySchemes` and `security` -> credentials of the client builder; headers that every
//! operation carries -> settings of the client builder.

use openapiv3::{
    APIKeyLocation, OpenAPI, ReferenceOr, SecurityRequirement, SecurityScheme as Spec,
};

use super::docs::doc;
use super::names::{snake, Scope};
use crate::diagnostics::{pointer_token, Diagnostic};
use crate::ir::{
    ExchangeCredential, ExchangeParam, ExchangeTarget, FormValue, KeyLocation, Operation, Param,
    ParamLocation, SchemeKind, SecurityScheme, Serialization, Setting, TokenExchange, TypeRef,
};

/// Methods of the generated `ClientBuilder` that credentials and settings may not take.
const BUILDER_RESERVED: &[&str] = &[
    "base_url",
    "build",
    "credential",
    "download_timeout",
    "fmt",
    "from",
    "http_client",
    "inner",
    "into",
    "max_concurrent_requests",
    "max_download_bytes",
    "max_response_bytes",
    "max_retries",
    "new",
    "rate_limiting",
    "retry_backoff",
    "retry_deadline",
    "setting",
    "timeout",
    "user_agent",
];

/// The names a builder claims, shared by credentials and settings.
pub(crate) fn builder_scope() -> Scope {
    Scope::with_reserved(BUILDER_RESERVED)
}

/// The spec's security schemes, in order, with their builder methods.
pub(crate) fn schemes(
    spec: &OpenAPI,
    file: &str,
    scope: &mut Scope,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<SecurityScheme> {
    let Some(components) = &spec.components else {
        return Vec::new();
    };
    let api_keys = components
        .security_schemes
        .values()
        .filter(|s| matches!(s, ReferenceOr::Item(Spec::APIKey { .. })))
        .count();
    let (mut bearers, mut basics) = (0, 0);
    let mut schemes = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let at = format!("/components/securitySchemes/{}", pointer_token(name));
        let ReferenceOr::Item(scheme) = scheme else {
            diagnostics.push(
                Diagnostic::warning(file, format!("security scheme `{name}` is a reference; the client offers no credential for it"))
                    .at(at)
                    .hint("define the scheme inline"),
            );
            continue;
        };
        let (kind, method, description) = match scheme {
            Spec::HTTP {
                scheme: http,
                description,
                ..
            } if http.eq_ignore_ascii_case("bearer") => {
                bearer(name, &mut bearers, scope, description)
            }
            Spec::OAuth2 { description, .. } | Spec::OpenIDConnect { description, .. } => {
                bearer(name, &mut bearers, scope, description)
            }
            Spec::HTTP {
                scheme: http,
                description,
                ..
            } if http.eq_ignore_ascii_case("basic") => {
                basics += 1;
                let method = if basics == 1 {
                    "basic_auth".to_owned()
                } else {
                    format!("{}_basic_auth", snake(name))
                };
                (SchemeKind::Basic, scope.claim(method), description)
            }
            Spec::APIKey {
                location,
                name: wire,
                description,
                ..
            } => {
                let method = if api_keys == 1 {
                    "api_key".to_owned()
                } else {
                    snake(name)
                };
                let kind = SchemeKind::ApiKey {
                    location: match location {
                        APIKeyLocation::Query => KeyLocation::Query,
                        APIKeyLocation::Header => KeyLocation::Header,
                        APIKeyLocation::Cookie => KeyLocation::Cookie,
                    },
                    name: wire.clone(),
                };
                (kind, scope.claim(method), description)
            }
            other => {
                let what = match other {
                    Spec::HTTP { scheme, .. } => format!("HTTP `{scheme}` authentication"),
                    _ => "this kind of scheme".to_owned(),
                };
                diagnostics.push(
                    Diagnostic::warning(
                        file,
                        format!("security scheme `{name}` uses {what}, which the client does not support; it offers no credential for it"),
                    )
                    .at(at)
                    .hint("send the credential with a custom reqwest client (`.http_client(..)`)"),
                );
                continue;
            }
        };
        schemes.push(SecurityScheme {
            name: name.clone(),
            method,
            kind,
            doc: doc(&[description.as_deref()]),
        });
    }
    schemes
}

fn bearer<'d>(
    name: &str,
    count: &mut usize,
    scope: &mut Scope,
    description: &'d Option<String>,
) -> (SchemeKind, String, &'d Option<String>) {
    *count += 1;
    let (token, provider) = if *count == 1 {
        ("bearer_token".to_owned(), "token_provider".to_owned())
    } else {
        (
            format!("{}_token", snake(name)),
            format!("{}_token_provider", snake(name)),
        )
    };
    let method = scope.claim(token);
    let provider_method = scope.claim(provider);
    let kind = SchemeKind::Bearer {
        provider_method,
        exchange: None,
    };
    (kind, method, description)
}

/// The hint of every `x-token-exchange` warning: the two shapes it takes.
const EXCHANGE_HINT: &str = "write `x-token-exchange: {operation: <operationId of an operation that requires one basic, bearer or apiKey scheme>, token: <response field>, setter: <builder method>}` or `{url: <https URL>, form: {<field>: <text or \"{credential}\">}, token: <response field>, setter: <builder method>}`";

/// Attaches each bearer scheme's `x-token-exchange`: how the client obtains that scheme's
/// tokens from a credential the user holds. Either the API's own operation
/// (`{operation: <operationId>, parameters: [<name>], setter: <method>}`; the credential goes
/// to the one scheme the operation requires, the named parameters are arguments of the
/// builder method), or an endpoint outside the API (`{url: <URL>, method: POST, accept:
/// application/json, form: {<field>: <text or "{credential}">}, setter: <method>}`). Both take
/// `token` (path of the token in the response), optional `expires_in` (path of the lifetime
/// in seconds) and `lifetime_seconds` (the lifetime otherwise). Runs after the settings have
/// left the operations, so a token operation's header settings are not taken for parameters.
pub(crate) fn token_exchanges(
    spec: &OpenAPI,
    file: &str,
    schemes: &mut [SecurityScheme],
    operations: &[Operation],
    root_security: Option<&Vec<Vec<String>>>,
    scope: &mut Scope,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(components) = &spec.components else {
        return;
    };
    let kinds: Vec<(String, SchemeKind)> = schemes
        .iter()
        .map(|s| (s.name.clone(), s.kind.clone()))
        .collect();
    for scheme in schemes.iter_mut() {
        let SchemeKind::Bearer { exchange, .. } = &mut scheme.kind else {
            continue;
        };
        let Some(ReferenceOr::Item(Spec::HTTP { extensions, .. })) =
            components.security_schemes.get(&scheme.name)
        else {
            continue;
        };
        let Some(value) = extensions.get("x-token-exchange") else {
            continue;
        };
        let at = format!(
            "/components/securitySchemes/{}/x-token-exchange",
            pointer_token(&scheme.name)
        );
        let context = Context {
            spec,
            operations,
            root_security,
            kinds: &kinds,
            scheme: &scheme.name,
        };
        match exchange_of(value, &context, scope) {
            Ok(found) => *exchange = Some(Box::new(found)),
            Err(message) => diagnostics.push(
                Diagnostic::warning(
                    file,
                    format!("{message}; the client offers no token exchange"),
                )
                .at(at)
                .hint(EXCHANGE_HINT),
            ),
        }
    }
}

/// What reading one `x-token-exchange` needs from the rest of the spec.
struct Context<'a> {
    spec: &'a OpenAPI,
    operations: &'a [Operation],
    root_security: Option<&'a Vec<Vec<String>>>,
    /// Every scheme's kind, by name.
    kinds: &'a [(String, SchemeKind)],
    /// The scheme whose tokens are exchanged.
    scheme: &'a str,
}

/// One `x-token-exchange`, or why it cannot work. Names are claimed only once it can.
fn exchange_of(
    value: &serde_json::Value,
    context: &Context<'_>,
    scope: &mut Scope,
) -> Result<TokenExchange, String> {
    let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
    let Some(token) = text("token").filter(|t| !t.is_empty()) else {
        return Err("`x-token-exchange` needs `token`, the response field of the token".to_owned());
    };
    let setter = match value.get("setter") {
        None => None,
        Some(serde_json::Value::String(name)) if !snake(name).is_empty() => Some(snake(name)),
        Some(_) => return Err("`setter` of `x-token-exchange` must be a method name".to_owned()),
    };
    let target = match (text("operation"), text("url")) {
        (Some(operation_id), None) => {
            if value.get("form").is_some() {
                return Err("`form` of `x-token-exchange` goes only with `url`".to_owned());
            }
            operation_target(operation_id, value.get("parameters"), context)?
        }
        (None, Some(url)) => {
            if value.get("parameters").is_some() {
                return Err(
                    "`parameters` of `x-token-exchange` go only with `operation`".to_owned(),
                );
            }
            url_target(url, value)?
        }
        (Some(_), Some(_)) => {
            return Err(
                "`x-token-exchange` has both `operation` and `url`; it needs one".to_owned(),
            )
        }
        (None, None) => {
            return Err("`x-token-exchange` needs `operation` or `url`, and `token`".to_owned())
        }
    };
    let method = match (setter, &target) {
        (Some(setter), _) => setter,
        (
            None,
            ExchangeTarget::Operation {
                credential: ExchangeCredential::Basic,
                ..
            },
        ) => "client_credentials".to_owned(),
        (None, _) => {
            return Err("`x-token-exchange` needs `setter` (the builder method that takes the credential) unless the token operation uses HTTP basic".to_owned())
        }
    };
    let method = scope.claim(method);
    let target = match target {
        ExchangeTarget::Url {
            http_method,
            url,
            accept,
            form,
            ..
        } => ExchangeTarget::Url {
            http_method,
            url,
            accept,
            url_method: scope.claim("token_url".to_owned()),
            form,
        },
        operation => operation,
    };
    Ok(TokenExchange {
        method,
        target,
        token: super::paging::pointer(token),
        expires_in: text("expires_in").map(super::paging::pointer),
        lifetime_seconds: value
            .get("lifetime_seconds")
            .and_then(serde_json::Value::as_u64),
        inferred: doc(&[super::docs::inferred(value.get("x-inferred")).as_deref()]),
    })
}

/// `operation: <operationId>`: the operation, the credential of the one scheme it
/// requires, and the `parameters` the builder method takes.
fn operation_target(
    operation_id: &str,
    parameters: Option<&serde_json::Value>,
    context: &Context<'_>,
) -> Result<ExchangeTarget, String> {
    let found = context
        .spec
        .paths
        .iter()
        .find_map(|(path, item)| match item {
            ReferenceOr::Item(item) => item
                .iter()
                .find(|(_, op)| op.operation_id.as_deref() == Some(operation_id))
                .map(|(method, _)| (method.to_ascii_uppercase(), path.clone())),
            ReferenceOr::Reference { .. } => None,
        });
    let Some(op) = found.and_then(|(method, path)| {
        context
            .operations
            .iter()
            .find(|op| op.http_method == method && op.path == path)
    }) else {
        return Err(format!("no operation has the operationId `{operation_id}`"));
    };
    let security = op.security.as_ref().or(context.root_security);
    let scheme = match security.map(Vec::as_slice) {
        Some([alternative]) => match alternative.as_slice() {
            [name] => Some(name.clone()),
            _ => None,
        },
        _ => None,
    };
    let kind = scheme.as_ref().and_then(|scheme| {
        context
            .kinds
            .iter()
            .find(|(name, _)| name == scheme && name != context.scheme)
            .map(|(_, kind)| kind)
    });
    let (Some(scheme), Some(kind)) = (scheme, kind) else {
        return Err(format!(
            "the token operation `{operation_id}` must require exactly one security scheme the client supports, other than `{}`",
            context.scheme
        ));
    };
    let credential = match kind {
        SchemeKind::Basic => ExchangeCredential::Basic,
        SchemeKind::Bearer { .. } => ExchangeCredential::Bearer,
        SchemeKind::ApiKey { location, name } => ExchangeCredential::ApiKey {
            location: *location,
            name: name.clone(),
        },
    };
    let names: Vec<&str> = match parameters {
        None => Vec::new(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(serde_json::Value::as_str)
            .collect::<Option<_>>()
            .ok_or("`parameters` of `x-token-exchange` must list parameter names")?,
        Some(_) => return Err("`parameters` of `x-token-exchange` must be a list".to_owned()),
    };
    let matches = |p: &Param, name: &str| match p.location {
        ParamLocation::Header => p.wire_name.eq_ignore_ascii_case(name),
        _ => p.wire_name == name,
    };
    let mut args = Scope::with_reserved(&[
        "self",
        "client_id",
        "client_secret",
        "token",
        "key",
        "secret",
    ]);
    let mut taken = Vec::new();
    for name in &names {
        let Some(param) = op.params.iter().find(|p| matches(p, name)) else {
            return Err(format!(
                "the token operation `{operation_id}` has no parameter `{name}`"
            ));
        };
        let writable = matches!(param.location, ParamLocation::Query | ParamLocation::Header)
            && param.ty == TypeRef::String
            && param.serialization != Serialization::Json;
        if !writable {
            return Err(format!(
                "the parameter `{name}` of `{operation_id}` must be a string in the query or a header to be given to the builder"
            ));
        }
        taken.push(ExchangeParam {
            arg: args.claim(param.rust_name.clone()),
            wire_name: param.wire_name.clone(),
            location: param.location,
            doc: param.doc.clone(),
        });
    }
    if let Some(missing) = op
        .params
        .iter()
        .find(|p| p.required && !names.iter().any(|name| matches(p, name)))
    {
        return Err(format!(
            "the token operation `{operation_id}` requires the parameter `{}`, which `parameters` does not list",
            missing.wire_name
        ));
    }
    if op.body.as_ref().is_some_and(|body| body.required) {
        return Err(format!(
            "the token operation `{operation_id}` requires a request body"
        ));
    }
    Ok(ExchangeTarget::Operation {
        http_method: op.http_method.clone(),
        path: op.path.clone(),
        accept: op.accept.clone(),
        scheme,
        credential,
        parameters: taken,
    })
}

/// `url: <URL>`: an endpoint outside the API, with `method` (default POST), `accept`
/// (default `application/json`) and the `form` fields, one of them `{credential}`.
fn url_target(url: &str, value: &serde_json::Value) -> Result<ExchangeTarget, String> {
    let absolute = ["https://", "http://"].iter().any(|scheme| {
        url.get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
            && url.len() > scheme.len()
    });
    if !absolute || url.contains(char::is_whitespace) {
        return Err(format!(
            "`url` of `x-token-exchange` must be an absolute http(s) URL, not `{url}`"
        ));
    }
    let http_method = match value.get("method") {
        None => "POST".to_owned(),
        Some(serde_json::Value::String(method))
            if !method.is_empty() && method.chars().all(|c| c.is_ascii_alphabetic()) =>
        {
            method.to_ascii_uppercase()
        }
        Some(_) => return Err("`method` of `x-token-exchange` must be an HTTP method".to_owned()),
    };
    let accept = match value.get("accept") {
        None => "application/json".to_owned(),
        Some(serde_json::Value::String(accept)) if !accept.contains(['\r', '\n']) => accept.clone(),
        Some(_) => return Err("`accept` of `x-token-exchange` must be a media type".to_owned()),
    };
    let Some(fields) = value.get("form").and_then(serde_json::Value::as_object) else {
        return Err(
            "`x-token-exchange` with a `url` needs `form`, the fields of its form body".to_owned(),
        );
    };
    let mut form = Vec::new();
    for (name, field) in fields {
        let text = match field {
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Number(number) => number.to_string(),
            serde_json::Value::Bool(flag) => flag.to_string(),
            _ => {
                return Err(format!(
                    "the form field `{name}` of `x-token-exchange` must be text"
                ))
            }
        };
        form.push((
            name.clone(),
            match text.as_str() {
                CREDENTIAL => FormValue::Credential,
                _ if text.contains(CREDENTIAL) => {
                    return Err(format!(
                        "the form field `{name}` of `x-token-exchange` must be `{CREDENTIAL}` alone or plain text"
                    ))
                }
                _ => FormValue::Text(text),
            },
        ));
    }
    if !form
        .iter()
        .any(|(_, value)| *value == FormValue::Credential)
    {
        return Err(format!(
            "no form field of `x-token-exchange` is `{CREDENTIAL}`, so the credential would go nowhere"
        ));
    }
    Ok(ExchangeTarget::Url {
        http_method,
        url: url.to_owned(),
        accept,
        url_method: String::new(),
        form,
    })
}

/// The form value that stands for the credential the builder method takes.
const CREDENTIAL: &str = "{credential}";

/// Security requirements as alternatives of scheme names.
pub(crate) fn requirements(
    security: Option<&Vec<SecurityRequirement>>,
) -> Option<Vec<Vec<String>>> {
    security.map(|alternatives| {
        alternatives
            .iter()
            .map(|requirement| requirement.keys().cloned().collect())
            .collect()
    })
}

/// Moves the header parameters that every operation carries (matched by name, ignoring
/// case) out of the operations and into builder settings. A spec with a single operation
/// has none: there, a header is just that operation's parameter.
pub(crate) fn settings(operations: &mut [Operation], scope: &mut Scope) -> Vec<Setting> {
    let Some((first, rest)) = operations.split_first() else {
        return Vec::new();
    };
    if rest.is_empty() {
        return Vec::new();
    }
    let mut settings = Vec::new();
    for param in first
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
    {
        let carried_by = |op: &Operation| {
            op.params
                .iter()
                .find(|p| {
                    p.location == ParamLocation::Header
                        && p.wire_name.eq_ignore_ascii_case(&param.wire_name)
                })
                .cloned()
        };
        let Some(all) = rest.iter().map(carried_by).collect::<Option<Vec<_>>>() else {
            continue;
        };
        settings.push(Setting {
            method: scope.claim(snake(&param.wire_name)),
            wire_name: param.wire_name.clone(),
            ty: param.ty.clone(),
            serialization: param.serialization,
            required: param.required && all.iter().all(|p| p.required),
            doc: param.doc.clone(),
        });
    }
    for op in operations.iter_mut() {
        op.params.retain(|p| {
            p.location != ParamLocation::Header
                || !settings
                    .iter()
                    .any(|s| s.wire_name.eq_ignore_ascii_case(&p.wire_name))
        });
    }
    settings
}
