//! `validate`: checks of the whole document that must hold before lowering, every problem
//! collected rather than the first.

use serde_yaml::Value;

use crate::diagnostics::{locate, pointer_token, Diagnostic};

/// Checks the raw document: its version and every `$ref`.
pub(crate) fn document(document: &Value, text: &str, file: &str) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let located = |diagnostic: Diagnostic| match diagnostic
        .pointer
        .as_deref()
        .and_then(|p| locate(text, p))
    {
        Some((line, column)) => diagnostic.line_col(line, column),
        None => diagnostic,
    };
    match document.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0") || version.starts_with("3.1") => {}
        Some(version) => problems.push(located(
            Diagnostic::error(file, format!("unsupported OpenAPI version {version:?}"))
                .at("/openapi")
                .hint("clientgen reads OpenAPI 3.0 and 3.1 documents"),
        )),
        None if document.get("swagger").is_some() => problems.push(located(
            Diagnostic::error(file, "this is a Swagger 2.0 document")
                .at("/swagger")
                .hint("convert it to OpenAPI 3 first (for example with swagger2openapi)"),
        )),
        None => problems.push(
            Diagnostic::error(file, "the document has no `openapi` version field")
                .at("")
                .hint("an OpenAPI document starts with `openapi: 3.0.3` or `openapi: 3.1.0`"),
        ),
    }
    let mut refs = Vec::new();
    collect_refs(document, String::new(), &mut refs);
    for (at, target) in refs {
        let problem = match target.strip_prefix('#') {
            Some(pointer) if resolve(document, pointer).is_some() => continue,
            Some(_) => Diagnostic::error(file, format!("`$ref: {target}` points at nothing"))
                .hint("check the spelling of the target; component names are case-sensitive"),
            None => Diagnostic::error(
                file,
                format!("`$ref: {target}` refers outside this document"),
            )
            .hint("bundle the document into one file first (for example `redocly bundle`)"),
        };
        problems.push(located(problem.at(format!("{at}/$ref"))));
    }
    problems
}

fn collect_refs(node: &Value, at: String, out: &mut Vec<(String, String)>) {
    match node {
        Value::Mapping(map) => {
            for (key, child) in map {
                let Some(key) = key.as_str() else { continue };
                if key == "$ref" {
                    if let Some(target) = child.as_str() {
                        out.push((at.clone(), target.to_owned()));
                    }
                } else {
                    collect_refs(child, format!("{at}/{}", pointer_token(key)), out);
                }
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_refs(item, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

/// Follows a JSON pointer (`/components/schemas/App`) into the document.
pub(crate) fn resolve<'a>(document: &'a Value, pointer: &str) -> Option<&'a Value> {
    pointer
        .split('/')
        .skip(1)
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
        .try_fold(document, |node, token| match node {
            Value::Mapping(map) => map.get(token.as_str()),
            Value::Sequence(items) => token
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index)),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<Diagnostic> {
        let value: Value = serde_yaml::from_str(text).unwrap_or(Value::Null);
        document(&value, text, "t.yaml")
    }

    #[test]
    fn every_dangling_ref_is_reported_with_its_line() {
        let problems = check(
            "openapi: 3.0.0\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/B'\n    C:\n      $ref: '#/components/schemas/D'\n",
        );
        assert_eq!(problems.len(), 2);
        assert_eq!(
            problems[0].pointer.as_deref(),
            Some("/components/schemas/A/$ref")
        );
        assert_eq!(problems[0].line_col, Some((5, 7)));
    }

    #[test]
    fn swagger_2_is_refused_with_a_hint() {
        let problems = check("swagger: '2.0'\n");
        assert_eq!(problems.len(), 1);
        assert!(problems[0]
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("OpenAPI 3"));
    }
}
