//! `securitySchemes` and `security` -> credentials of the client builder; headers that every
//! operation carries -> settings of the client builder.

use openapiv3::{
    APIKeyLocation, OpenAPI, ReferenceOr, SecurityRequirement, SecurityScheme as Spec,
};

use super::docs::doc;
use super::names::{snake, Scope};
use crate::diagnostics::{pointer_token, Diagnostic};
use crate::ir::{
    KeyLocation, Operation, ParamLocation, SchemeKind, SecurityScheme, Setting, TokenExchange,
};

/// Methods of the generated `ClientBuilder` that credentials and settings may not take.
const BUILDER_RESERVED: &[&str] = &[
    "base_url",
    "build",
    "credential",
    "fmt",
    "from",
    "http_client",
    "inner",
    "into",
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

/// Attaches each bearer scheme's `x-token-exchange` (`{operation: <operationId>, token:
/// <path>, expires_in: <path>, lifetime_seconds: <n>}`): the named operation, authenticated
/// with a basic scheme, hands out the tokens.
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
    let basics: Vec<String> = schemes
        .iter()
        .filter(|s| s.kind == SchemeKind::Basic)
        .map(|s| s.name.clone())
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
        let mut fail = |message: String| {
            diagnostics.push(
                Diagnostic::warning(file, format!("{message}; the client offers no token exchange"))
                    .at(at.clone())
                    .hint("write `x-token-exchange: {operation: <operationId of a basic-authenticated operation>, token: <response field>}`"),
            );
        };
        let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
        let (Some(operation_id), Some(token)) = (text("operation"), text("token")) else {
            fail("`x-token-exchange` needs `operation` and `token`".to_owned());
            continue;
        };
        let found = spec.paths.iter().find_map(|(path, item)| match item {
            ReferenceOr::Item(item) => item
                .iter()
                .find(|(_, op)| op.operation_id.as_deref() == Some(operation_id))
                .map(|(method, _)| (method.to_ascii_uppercase(), path.clone())),
            ReferenceOr::Reference { .. } => None,
        });
        let Some(op) = found.and_then(|(method, path)| {
            operations
                .iter()
                .find(|op| op.http_method == method && op.path == path)
        }) else {
            fail(format!("no operation has the operationId `{operation_id}`"));
            continue;
        };
        let security = op.security.as_ref().or(root_security);
        let basic = match security.map(Vec::as_slice) {
            Some([alternative]) => match alternative.as_slice() {
                [name] if basics.contains(name) => name.clone(),
                _ => String::new(),
            },
            _ => String::new(),
        };
        if basic.is_empty() {
            fail(format!(
                "the token operation `{operation_id}` must require exactly one HTTP basic scheme"
            ));
            continue;
        }
        *exchange = Some(TokenExchange {
            method: scope.claim("client_credentials".to_owned()),
            basic_scheme: basic,
            http_method: op.http_method.clone(),
            path: op.path.clone(),
            accept: op.accept.clone(),
            token: super::paging::pointer(token),
            expires_in: text("expires_in").map(super::paging::pointer),
            lifetime_seconds: value
                .get("lifetime_seconds")
                .and_then(serde_json::Value::as_u64),
        });
    }
}

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
