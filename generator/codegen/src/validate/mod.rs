//! `validate`: the checks of the whole document that run in the front end's straight line
//! (`front::load`), every problem collected rather than the first.
//!
//! [`references`] finds every `$ref` that points at nothing, and only reads. [`structure`]
//! (on the normalized document) compares the document with what `openapiv3` needs
//! (`fields.rs`: the table of fields of each OpenAPI object; `structure.rs`: the walk and the
//! checks that span several fields; `schema.rs`: schemas). It is the one step that still
//! repairs while it checks: an element the generator can do without is left out when a problem
//! is found inside it, and schema keywords of the wrong type are dropped, each with a warning,
//! because what is dropped depends on what the walk finds inside it.

mod fields;
mod schema;
mod structure;

use serde_yaml::Value;

use crate::diagnostics::{located, Diagnostic, Locator};
use crate::front::refs::{collect_refs, resolve};

/// Checks every `$ref` of the bundled document: each must point at something in it. (A
/// reference to another file left in it is one bundling could not follow and reported.)
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
            // A reference to another file that bundling could not follow: reported there.
            None => continue,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<Diagnostic> {
        let mut value: Value = serde_yaml::from_str(text).unwrap_or(Value::Null);
        let mut problems = crate::front::version::version(&mut value, text, "t.yaml");
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
        let problems = crate::front::version::untag(&mut value, text, "t.yaml");
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
