//! Where a `$ref` is a reference: the grammar of OpenAPI and JSON Schema, not every `$ref`
//! key (inside examples, defaults and extensions it is data, in a name map a name).

use serde_yaml::Value;

use crate::diagnostics::{push_index, push_token};

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
pub(crate) fn collect_refs(node: &Value, out: &mut Vec<(String, String)>) {
    collect_refs_at(node, &mut String::new(), false, out);
}

/// [`collect_refs`] under `at`, the pointer of `node` (restored on return).
fn collect_refs_at(node: &Value, at: &mut String, names: bool, out: &mut Vec<(String, String)>) {
    let len = at.len();
    match node {
        Value::Mapping(map) => {
            for (key, child) in map {
                let Some(key) = key.as_str() else { continue };
                if names {
                    push_token(at, key);
                    collect_refs_at(child, at, false, out);
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
                    push_token(at, key);
                    let child_len = at.len();
                    for (kind, components) in kinds {
                        let Some(kind) = kind.as_str() else { continue };
                        if !kind.starts_with("x-") {
                            push_token(at, kind);
                            collect_refs_at(components, at, components.is_mapping(), out);
                            at.truncate(child_len);
                        }
                    }
                } else {
                    let names =
                        (NAME_MAPS.contains(&key) || key == "examples") && child.is_mapping();
                    push_token(at, key);
                    collect_refs_at(child, at, names, out);
                }
                at.truncate(len);
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                push_index(at, index);
                collect_refs_at(item, at, false, out);
                at.truncate(len);
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
