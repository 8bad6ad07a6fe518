//! Our spec extensions for runtime behaviour: `x-rate-limit` and `x-pagination`.

use serde_json::Value;

use crate::diagnostics::{pointer_token, Diagnostic};
use crate::ir::{
    resolve_alias, Body, BodyEncoding, Operation, PageStyle, Pagination, ParamLocation, RateLimit,
    Success, TypeDef, TypeKind, TypeRef,
};

/// `x-rate-limit: {requests: 1200, period_seconds: 300}`.
pub(crate) fn rate_limit(
    value: Option<&Value>,
    file: &str,
    at: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RateLimit> {
    let value = value?;
    let requests = value.get("requests").and_then(Value::as_u64);
    let period = value.get("period_seconds").and_then(Value::as_u64);
    match (requests, period) {
        (Some(requests @ 1..=0xFFFF_FFFF), Some(period_seconds @ 1..)) => Some(RateLimit {
            requests: u32::try_from(requests).unwrap_or(u32::MAX),
            period_seconds,
        }),
        _ => {
            diagnostics.push(
                Diagnostic::warning(file, "`x-rate-limit` is not understood; no client-side rate limit is applied")
                    .at(format!("{at}/x-rate-limit"))
                    .hint("write `x-rate-limit: {requests: <positive integer>, period_seconds: <positive integer>}`"),
            );
            None
        }
    }
}

/// The extension as written: `style` and its parameters, before the response type is known.
pub(crate) fn pagination(
    value: Option<&Value>,
    file: &str,
    at: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Pagination> {
    let value = value?;
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let fail = |diagnostics: &mut Vec<Diagnostic>, message: String| {
        diagnostics.push(
            Diagnostic::warning(file, format!("{message}; the operation is generated without `.pages()` and `.items()`"))
                .at(format!("{at}/x-pagination"))
                .hint("see the `x-pagination` row of ARCHITECTURE.md's spec extensions for the keys of each style"),
        );
        None
    };
    let style = match text("style").as_deref() {
        Some("page") => PageStyle::Page,
        Some("offset") => PageStyle::Offset,
        Some("token") => PageStyle::Token,
        Some("cursor") => PageStyle::Cursor,
        other => {
            return fail(
                diagnostics,
                format!(
                    "`x-pagination` has style {other:?}; expected page, offset, token or cursor"
                ),
            )
        }
    };
    let (param_key, size_key, next_key) = match style {
        PageStyle::Page => ("page_param", "per_page_param", None),
        PageStyle::Offset => ("offset_param", "limit_param", None),
        PageStyle::Token => ("token_param", "limit_param", Some("next_token")),
        PageStyle::Cursor => ("cursor_param", "limit_param", Some("next_cursor")),
    };
    let Some(param) = text(param_key) else {
        return fail(diagnostics, format!("`x-pagination` lacks `{param_key}`"));
    };
    let next = match next_key {
        Some(key) => match text(key) {
            Some(path) => Some(pointer(&path)),
            None => return fail(diagnostics, format!("`x-pagination` lacks `{key}`")),
        },
        None => None,
    };
    let in_body = match text("in").as_deref() {
        None | Some("query") => false,
        Some("body") => true,
        Some(other) => {
            return fail(
                diagnostics,
                format!("`x-pagination` has `in: {other}`; expected query or body"),
            )
        }
    };
    Some(Pagination {
        style,
        in_body,
        param,
        size_param: text(size_key),
        first_page: value.get("first_page").and_then(Value::as_i64),
        items: pointer(&text("items").unwrap_or_default()),
        item_type: TypeRef::Json,
        next,
        total: text("total").map(|path| pointer(&path)),
        total_pages: text("total_pages").map(|path| pointer(&path)),
        replaces: value
            .get("replaces")
            .and_then(Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// A dotted path (`page.next`) or a JSON pointer (`/page/next`) as a JSON pointer.
pub(crate) fn pointer(path: &str) -> String {
    if path.is_empty() || path.starts_with('/') {
        return path.to_owned();
    }
    path.split('.')
        .map(|segment| format!("/{}", pointer_token(segment)))
        .collect()
}

/// Checks each operation's pagination against its parameters and types, and finds the item
/// type; a pagination that does not fit is dropped with a warning.
pub(crate) fn resolve(
    operations: &mut [Operation],
    pointers: &[String],
    types: &[TypeDef],
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (op, at) in operations.iter_mut().zip(pointers) {
        let Some(pagination) = op.pagination.as_mut() else {
            continue;
        };
        match check(pagination, &op.params, op.body.as_ref(), &op.success, types) {
            Ok(item_type) => pagination.item_type = item_type,
            Err(problem) => {
                diagnostics.push(
                    Diagnostic::warning(file, format!("{problem}; the operation is generated without `.pages()` and `.items()`"))
                        .at(format!("{at}/x-pagination"))
                        .hint("name parameters and response fields exactly as the operation declares them"),
                );
                op.pagination = None;
            }
        }
    }
}

fn check(
    pagination: &Pagination,
    params: &[crate::ir::Param],
    body: Option<&Body>,
    success: &Success,
    types: &[TypeDef],
) -> Result<TypeRef, String> {
    if !pagination.replaces.is_empty() && pagination.next.is_none() {
        return Err("`replaces` is only meaningful for the token and cursor styles".to_owned());
    }
    let names = std::iter::once(&pagination.param)
        .chain(pagination.size_param.as_ref())
        .chain(&pagination.replaces);
    for name in names {
        let found = if pagination.in_body {
            // The runtime moves between pages by editing the JSON body.
            match body {
                Some(body) if body.encoding == BodyEncoding::Json => {
                    field_type(types, &body.ty, name).is_some()
                }
                _ => false,
            }
        } else {
            params
                .iter()
                .any(|p| p.location == ParamLocation::Query && &p.wire_name == name)
        };
        if !found {
            let place = if pagination.in_body {
                "JSON request body field"
            } else {
                "query parameter"
            };
            return Err(format!(
                "`x-pagination` names the {place} `{name}`, which the operation does not have"
            ));
        }
    }
    let Success::Json(response) = success else {
        return Err("`x-pagination` is on an operation without a JSON response".to_owned());
    };
    let items = at_pointer(types, response, &pagination.items).ok_or_else(|| {
        format!(
            "the response has no field at `{}` for the items",
            pagination.items
        )
    })?;
    let item_type = match items {
        TypeRef::Vec(item) => *item,
        TypeRef::Json => TypeRef::Json,
        other => {
            return Err(format!(
                "the items at `{}` are not an array but {other:?}",
                pagination.items
            ))
        }
    };
    for pointer in [&pagination.next, &pagination.total, &pagination.total_pages]
        .into_iter()
        .flatten()
    {
        if at_pointer(types, response, pointer).is_none() {
            return Err(format!("the response has no field at `{pointer}`"));
        }
    }
    Ok(item_type)
}

/// The type at a JSON pointer inside `root`; `Json` once the path leaves typed ground.
fn at_pointer(types: &[TypeDef], root: &TypeRef, pointer: &str) -> Option<TypeRef> {
    let mut ty = resolve_alias(types, root.clone());
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        ty = match ty {
            TypeRef::Json | TypeRef::JsonObject => return Some(TypeRef::Json),
            TypeRef::Map(value) => *value,
            other => field_type(types, &other, &segment)?,
        };
        ty = resolve_alias(types, ty);
    }
    Some(ty)
}

/// The type of a struct's field named `wire` on the wire.
fn field_type(types: &[TypeDef], ty: &TypeRef, wire: &str) -> Option<TypeRef> {
    let TypeRef::Named(name) = resolve_alias(types, ty.clone()) else {
        return None;
    };
    let def = types.iter().find(|def| def.name == name)?;
    match &def.kind {
        TypeKind::Struct { fields } => fields
            .iter()
            .find(|field| field.wire_name == wire)
            .map(|field| field.ty.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_paths_become_pointers() {
        assert_eq!(pointer("page.next"), "/page/next");
        assert_eq!(pointer("data"), "/data");
        assert_eq!(pointer("/already/a/pointer"), "/already/a/pointer");
        assert_eq!(pointer(""), "");
        assert_eq!(pointer("a/b"), "/a~1b");
    }

    #[test]
    fn rate_limits_need_positive_numbers() {
        let mut diagnostics = Vec::new();
        let good = serde_json::json!({"requests": 1200, "period_seconds": 300});
        assert_eq!(
            rate_limit(Some(&good), "f", "", &mut diagnostics),
            Some(RateLimit {
                requests: 1200,
                period_seconds: 300
            })
        );
        let bad = serde_json::json!({"requests": 0, "period_seconds": 300});
        assert_eq!(rate_limit(Some(&bad), "f", "", &mut diagnostics), None);
        assert_eq!(diagnostics.len(), 1);
    }
}
