//! The document's version, read before anything else, and the YAML tags OpenAPI gives no
//! meaning, dropped.

use serde_yaml::Value;

use crate::diagnostics::{located, push_index, push_token, Diagnostic, Locator};

/// Checks the document's version: OpenAPI 3.0 or 3.1, not Swagger 2.0. A version written as a
/// number (`openapi: 3.1`) is read as its text, with a warning. Anything else is an error, and
/// nothing else is worth checking in such a document.
pub(crate) fn version(document: &mut Value, text: &str, file: &str) -> Vec<Diagnostic> {
    let locator = Locator::new(text);
    let mut problems = Vec::new();
    if let Some(map) = document.as_mapping_mut() {
        if let Some(Value::Number(number)) = map.get("openapi") {
            let written = number.to_string();
            problems.push(located(
                Diagnostic::warning(
                    file,
                    format!("`openapi: {written}` is a number, not a string; it is read as \"{written}\""),
                )
                .at("/openapi")
                .hint(format!("quote the version: `openapi: '{written}'` (YAML reads `3.10` as the number 3.1)")),
                &locator,
            ));
            map.insert("openapi".into(), Value::String(written));
        }
    }
    match document.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0") || version.starts_with("3.1") => {}
        Some(version) => problems.push(located(
            Diagnostic::error(file, format!("unsupported OpenAPI version {version:?}"))
                .at("/openapi")
                .hint("clientgen reads OpenAPI 3.0 and 3.1 documents"),
            &locator,
        )),
        None if document.get("swagger").is_some() => problems.push(located(
            Diagnostic::error(file, "this is a Swagger 2.0 document")
                .at("/swagger")
                .hint("convert it to OpenAPI 3 first (for example with swagger2openapi)"),
            &locator,
        )),
        None if document.get("openapi").is_some() => problems.push(located(
            Diagnostic::error(file, "the `openapi` version is not a string")
                .at("/openapi")
                .hint("an OpenAPI document starts with `openapi: 3.0.3` or `openapi: 3.1.0`"),
            &locator,
        )),
        None => problems.push(located(
            Diagnostic::error(file, "the document has no `openapi` version field")
                .at("")
                .hint("an OpenAPI document starts with `openapi: 3.0.3` or `openapi: 3.1.0`"),
            &locator,
        )),
    }
    problems
}

/// Drops every YAML tag (`!Ref x`): tags mean nothing to OpenAPI, and the model cannot read a
/// tagged value. The value stays; each tag is a located warning.
pub(crate) fn untag(document: &mut Value, text: &str, file: &str) -> Vec<Diagnostic> {
    let locator = Locator::new(text);
    let mut problems = Vec::new();
    untag_at(document, &mut String::new(), &mut |at, tag| {
        problems.push(located(
            Diagnostic::warning(
                file,
                format!("the YAML tag `{tag}` means nothing in OpenAPI; it is dropped and the value kept"),
            )
            .at(at)
            .hint("remove the tag"),
            &locator,
        ));
    });
    problems
}

fn untag_at(node: &mut Value, at: &mut String, found: &mut impl FnMut(String, String)) {
    while let Value::Tagged(tagged) = node {
        found(at.clone(), tagged.tag.to_string());
        let value = std::mem::take(&mut tagged.value);
        *node = value;
    }
    let len = at.len();
    match node {
        Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                match key {
                    Value::String(key) => push_token(at, key),
                    Value::Number(number) => push_token(at, &number.to_string()),
                    Value::Bool(flag) => push_token(at, &flag.to_string()),
                    _ => at.push('/'),
                }
                untag_at(child, at, found);
                at.truncate(len);
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                push_index(at, index);
                untag_at(item, at, found);
                at.truncate(len);
            }
        }
        _ => {}
    }
}
