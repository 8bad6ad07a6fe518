//! `lower`: `openapiv3` -> IR. Every naming decision of the generator happens below here.

mod cycles;
mod docs;
mod features;
mod names;
mod operations;
mod paging;
mod query;
mod security;
mod servers;
mod types;

pub(crate) use features::MAX_FEATURES;

use openapiv3::OpenAPI;

use crate::diagnostics::Diagnostic;
use crate::ir::Api;

/// Lowers a parsed spec. Problems are returned beside the IR; the caller decides whether any
/// of them stops generation.
pub(crate) fn lower(spec: &OpenAPI, file: &str) -> (Api, Vec<Diagnostic>) {
    let mut types = types::TypeSpace::new(spec, file, operations::multipart_schemas(spec));
    let (mut operations, pointers, languages, mut diagnostics) =
        operations::lower(spec, &mut types, file);
    let query_languages = query::lower(languages, &operations, file, &mut diagnostics);
    let (types, type_diagnostics) = types.into_types();
    diagnostics.extend(type_diagnostics);
    paging::resolve(&mut operations, &pointers, &types, file, &mut diagnostics);
    let mut builder_scope = security::builder_scope();
    let mut security_schemes = security::schemes(spec, file, &mut builder_scope, &mut diagnostics);
    let root_security = security::requirements(spec.security.as_ref());
    let settings = security::settings(&mut operations, &mut builder_scope);
    security::token_exchanges(
        spec,
        file,
        &mut security_schemes,
        &operations,
        root_security.as_ref(),
        &mut builder_scope,
        &mut diagnostics,
    );
    let rate_limit = paging::rate_limit(
        spec.extensions.get("x-rate-limit"),
        file,
        "",
        &mut diagnostics,
    );
    let (default_server, server) = servers::lower(spec, file, &mut builder_scope, &mut diagnostics);
    let mut api = Api {
        title: spec.info.title.clone(),
        description: docs::doc(&[spec.info.description.as_deref()]),
        api_version: spec.info.version.clone(),
        default_server,
        server,
        security_schemes,
        security: root_security,
        settings,
        rate_limit,
        query_languages,
        types,
        operations,
        features: Vec::new(),
    };
    features::assign(&mut api, spec, file, &mut diagnostics);
    (api, diagnostics)
}
