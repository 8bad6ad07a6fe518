//! `x-query-language` on a parameter -> a typed builder of `field:value` clause queries.
//!
//! ```yaml
//! x-query-language:
//!   type: ViolationQuery          # the builder's name
//!   fields:                       # in the order of the docs
//!     - { name: state, description: the violation states to filter on }
//!     - { name: slack.channel_name, description: the slack channel names to filter on }
//! ```

use serde_json::Value;

use super::docs::doc;
use super::names::{pascal, type_name, Scope};
use crate::diagnostics::Diagnostic;
use crate::ir::{Operation, QueryField, QueryLanguage};

/// An extension found on a parameter while lowering operations.
pub(crate) struct Found {
    pub(crate) value: Value,
    pub(crate) pointer: String,
    pub(crate) param: String,
    pub(crate) builder: String,
}

pub(crate) fn lower(
    found: Vec<Found>,
    operations: &[Operation],
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<QueryLanguage> {
    let mut names = Scope::default();
    let mut languages = Vec::new();
    for language in found {
        let fields: Option<Vec<(&str, Option<&str>)>> = language
            .value
            .get("fields")
            .and_then(Value::as_array)
            .and_then(|fields| {
                fields
                    .iter()
                    .map(|field| {
                        let name = field.get("name").and_then(Value::as_str)?;
                        Some((name, field.get("description").and_then(Value::as_str)))
                    })
                    .collect()
            });
        let (Some(name), Some(fields)) =
            (language.value.get("type").and_then(Value::as_str), fields)
        else {
            diagnostics.push(
                Diagnostic::warning(file, "`x-query-language` needs `type` (a name) and `fields` (a list of `{name, description}`); no query builder is generated")
                    .at(language.pointer)
                    .hint("see the `x-query-language` row of ARCHITECTURE.md's spec extensions"),
            );
            continue;
        };
        let method = operations
            .iter()
            .find(|op| op.builder_name == language.builder)
            .map(|op| op.method_name.trim_start_matches("r#").to_owned())
            .unwrap_or_default();
        let type_name = names.claim(type_name(name));
        let field_enum = names.claim(format!("{type_name}Field"));
        let mut variants = Scope::with_reserved(&["Unknown"]);
        let fields = fields
            .into_iter()
            .map(|(wire, about)| QueryField {
                variant: variants.claim(pascal(wire)),
                wire: wire.to_owned(),
                doc: doc(&[about]),
            })
            .collect();
        languages.push(QueryLanguage {
            type_name,
            field_enum,
            used_by: (method, language.param),
            fields,
        });
    }
    languages
}
