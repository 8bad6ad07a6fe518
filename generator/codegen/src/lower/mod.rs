//! `lower`: `openapiv3` -> IR. Every naming decision of the generator happens below here.

mod docs;
mod names;
mod operations;
mod types;

use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme};

use crate::diagnostics::Diagnostic;
use crate::ir::Api;

/// Lowers a parsed spec. Problems are returned beside the IR; the caller decides whether any
/// of them stops generation.
pub(crate) fn lower(spec: &OpenAPI, file: &str) -> (Api, Vec<Diagnostic>) {
    let mut types = types::TypeSpace::new(spec, file);
    let (operations, mut diagnostics) = operations::lower(spec, &mut types, file);
    let (types, type_diagnostics) = types.into_types();
    diagnostics.extend(type_diagnostics);
    let default_server = spec
        .servers
        .first()
        .map(|server| server.url.clone())
        .filter(|url| {
            !url.contains('{') && (url.starts_with("http://") || url.starts_with("https://"))
        });
    let bearer_auth = spec.components.iter().flat_map(|c| c.security_schemes.values()).any(|scheme| {
        matches!(scheme, ReferenceOr::Item(SecurityScheme::HTTP { scheme, .. }) if scheme.eq_ignore_ascii_case("bearer"))
    });
    let api = Api {
        title: spec.info.title.clone(),
        description: docs::doc(&[spec.info.description.as_deref()]),
        api_version: spec.info.version.clone(),
        default_server,
        bearer_auth,
        types,
        operations,
    };
    (api, diagnostics)
}
