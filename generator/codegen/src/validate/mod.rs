//! `validate`: checks of the whole document before it is read into the OpenAPI model, every
//! problem collected rather than the first.
//!
//! [`version`] runs on the raw document and stops the pipeline when the document is not
//! OpenAPI 3.0/3.1; [`references`] finds every `$ref` that points at nothing; [`structure`]
//! (after `load::normalize`) compares the document with what `openapiv3` needs
//! (`structure.rs`: the OpenAPI objects; `schema.rs`: schemas) and repairs the tolerable
//! oddities of schemas, each repair a located warning.

mod schema;
mod structure;

use serde_yaml::Value;

use crate::diagnostics::{pointer_token, Diagnostic, Locator};

/// Gives a diagnostic the line and column of its pointer, where they can be found.
pub(crate) fn located(diagnostic: Diagnostic, locator: &Locator<'_>) -> Diagnostic {
    match diagnostic.pointer.as_deref().and_then(|p| locator.find(p)) {
        Some((line, column)) => diagnostic.line_col(line, column),
        None => diagnostic,
    }
}

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
    untag_at(document, String::new(), &mut |at, tag| {
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

fn untag_at(node: &mut Value, at: String, found: &mut impl FnMut(String, String)) {
    if let Value::Tagged(tagged) = node {
        found(at.clone(), tagged.tag.to_string());
        let value = std::mem::take(&mut tagged.value);
        *node = value;
        return untag_at(node, at, found);
    }
    match node {
        Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                let token = match key {
                    Value::String(key) => key.clone(),
                    Value::Number(number) => number.to_string(),
                    Value::Bool(flag) => flag.to_string(),
                    _ => String::new(),
                };
                untag_at(child, format!("{at}/{}", pointer_token(&token)), found);
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                untag_at(item, format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

/// Checks every `$ref` of the raw document: each must point at something in the document.
pub(crate) fn references(document: &Value, text: &str, file: &str) -> Vec<Diagnostic> {
    let locator = Locator::new(text);
    let mut problems = Vec::new();
    let mut refs = Vec::new();
    collect_refs(document, String::new(), false, &mut refs);
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
        problems.push(located(problem.at(format!("{at}/$ref")), &locator));
    }
    problems
}

/// Compares the (normalized) document with the OpenAPI objects the model reads, reporting
/// every missing or ill-typed field, and repairs what only loses typing (schema keywords of the
/// wrong type, unknown type names, JSON Schema draft-3 `required: true`), with a warning each.
/// Also warns about what the generator leaves out (webhooks, paths that do not start with
/// `/`, response keys that are not status codes).
pub(crate) fn structure(document: &mut Value, text: &str, file: &str) -> Vec<Diagnostic> {
    let mut checker = structure::Checker::new(file, text);
    checker.document(document);
    checker.into_problems()
}

/// Where a key is the name of something (a property, a component, a status code, a media
/// type, a header), not a keyword: the maps under these keys (under `components` too).
const NAME_MAPS: [&str; 18] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "paths",
    "webhooks",
    "responses",
    "content",
    "headers",
    "encoding",
    "links",
    "callbacks",
    "variables",
    "securitySchemes",
    "schemas",
    "parameters",
    "requestBodies",
    "pathItems",
];

/// Whether a keyword's value is data, where a `$ref` key is no reference: examples, defaults,
/// enumerations, constants and extensions.
fn is_data(keyword: &str) -> bool {
    matches!(keyword, "example" | "default" | "enum" | "const" | "value")
        || keyword.starts_with("x-")
}

/// Collects every `$ref` where OpenAPI and JSON Schema put one. `names` marks a map whose keys
/// are names (`properties`, `responses`, components), so `$ref`, `default` or `x-id` there is a
/// name and its value an object. Outside those, the values of `example`, `default`, `enum`,
/// `const`, extensions (`x-..`) and an Example Object's `value` are data, and so is a schema's
/// `examples` list; a map of `examples` holds Example Objects or references to them.
fn collect_refs(node: &Value, at: String, names: bool, out: &mut Vec<(String, String)>) {
    match node {
        Value::Mapping(map) => {
            for (key, child) in map {
                let Some(key) = key.as_str() else { continue };
                let child_at = format!("{at}/{}", pointer_token(key));
                if names {
                    collect_refs(child, child_at, false, out);
                } else if key == "$ref" {
                    if let Some(target) = child.as_str() {
                        out.push((at.clone(), target.to_owned()));
                    }
                } else if is_data(key) || (key == "examples" && !child.is_mapping()) {
                } else if key == "components" {
                    // Component kinds are keywords (`x-..` extensions among them), the maps under
                    // them maps of names.
                    let Value::Mapping(kinds) = child else {
                        continue;
                    };
                    for (kind, components) in kinds {
                        let Some(kind) = kind.as_str() else { continue };
                        if !kind.starts_with("x-") {
                            let kind_at = format!("{child_at}/{}", pointer_token(kind));
                            collect_refs(components, kind_at, components.is_mapping(), out);
                        }
                    }
                } else {
                    let names =
                        (NAME_MAPS.contains(&key) || key == "examples") && child.is_mapping();
                    collect_refs(child, child_at, names, out);
                }
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_refs(item, format!("{at}/{index}"), false, out);
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
        let mut value: Value = serde_yaml::from_str(text).unwrap_or(Value::Null);
        let mut problems = version(&mut value, text, "t.yaml");
        problems.extend(references(&value, text, "t.yaml"));
        problems
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
    fn a_ref_in_data_is_data_and_a_ref_where_the_grammar_puts_one_is_checked() {
        let text = r##"openapi: 3.0.3
paths:
  /a:
    get:
      x-sample: {$ref: '#/nope/1'}
      responses:
        default: {$ref: '#/components/responses/Missing'}
        '200':
          description: ok
          content:
            application/json:
              example: {$ref: '#/nope/2'}
              examples:
                one: {value: {$ref: '#/nope/3'}}
                two: {$ref: '#/components/examples/Missing'}
components:
  schemas:
    A:
      default: {$ref: '#/nope/4'}
      enum: [{$ref: '#/nope/5'}]
      const: {$ref: '#/nope/6'}
      examples: [{$ref: '#/nope/7'}]
      properties:
        $ref: {$ref: '#/components/schemas/Missing'}
        default: {type: string}
  headers:
    x-id: {$ref: '#/components/headers/Missing'}
"##;
        let value: Value = serde_yaml::from_str(text).unwrap_or(Value::Null);
        let problems = references(&value, text, "t.yaml");
        let pointers: Vec<&str> = problems
            .iter()
            .filter_map(|p| p.pointer.as_deref())
            .collect();
        assert_eq!(
            pointers,
            [
                "/paths/~1a/get/responses/default/$ref",
                "/paths/~1a/get/responses/200/content/application~1json/examples/two/$ref",
                "/components/schemas/A/properties/$ref/$ref",
                "/components/headers/x-id/$ref",
            ]
        );
    }

    #[test]
    fn yaml_tags_are_dropped_with_a_warning() {
        let text = "openapi: 3.0.3\ninfo:\n  title: !Sub T\n  x-a: [!x 1]\n";
        let mut value: Value = serde_yaml::from_str(text).unwrap_or(Value::Null);
        let problems = untag(&mut value, text, "t.yaml");
        let pointers: Vec<&str> = problems
            .iter()
            .filter_map(|p| p.pointer.as_deref())
            .collect();
        assert_eq!(pointers, ["/info/title", "/info/x-a/0"]);
        assert_eq!(value["info"]["title"], Value::from("T"));
        assert_eq!(value["info"]["x-a"][0], Value::from(1));
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
