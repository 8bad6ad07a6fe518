//! `validate`: the checks of the whole document that run in the front end's straight line
//! (`front::load`), every problem collected rather than the first.
//!
//! Both only read the document. [`references`] finds every `$ref` that points at nothing.
//! [`structure`] (on the normalized document) compares the document with what `openapiv3`
//! needs (`fields.rs`: the table of fields of each OpenAPI object; `words.rs`: how values and
//! shapes are named in messages; `structure.rs`: the walk and the checks that span several
//! fields; `schema.rs`: schemas). Where a problem can be repaired (an element the generator can
//! do without left out, a number read as text, a schema keyword of the wrong type dropped), it
//! returns the [`Repair`] beside its warning; the front end applies the repairs, in order, to
//! the document (`front/repair.rs`).

mod fields;
mod schema;
mod structure;
mod words;

use serde_yaml::Value;

use crate::diagnostics::{located, Diagnostic, Locator};
use crate::front::refs::{collect_refs, resolve};

/// Checks every `$ref` of the bundled document: each must point at something in it. (A
/// reference to another file left in it is one bundling could not follow and reported.)
pub(crate) fn references(document: &Value, text: &str, file: &str) -> Vec<Diagnostic> {
    let locator = Locator::new(text);
    let mut problems = Vec::new();
    let mut refs = Vec::new();
    collect_refs(document, &mut refs);
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

/// One change the front end makes to the document before the model reads it, found by
/// [`structure`]. Repairs apply in the order they are listed, each pointer naming a place in
/// the document as the repairs before it left it (a map key read as text is found by that
/// text).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Repair {
    /// The JSON pointer of the value repaired (for [`Action::Remove`], of the map holding it).
    pub(crate) pointer: String,
    pub(crate) action: Action,
}

/// What a [`Repair`] does.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    /// Leave out the entry with this key of the map at the pointer.
    Remove(Value),
    /// Put this value at the pointer: a number read as text, a map whose keys are read as
    /// text, a schema that is not one read as `{}`, a list without its ill-typed entries. A
    /// map entry the pointer names that is not there is added at the map's end.
    Replace(Value),
}

/// Compares the (normalized) document with the OpenAPI objects the model reads, reporting
/// every missing or ill-typed field, and lists the repairs of what only loses typing (schema
/// keywords of the wrong type, unknown type names, JSON Schema draft-3 `required: true`), with
/// a warning each. Also warns about what the generator leaves out (webhooks, paths that do not
/// start with `/`, response keys that are not status codes).
pub(crate) fn structure(
    document: &Value,
    text: &str,
    file: &str,
) -> (Vec<Diagnostic>, Vec<Repair>) {
    let mut checker = structure::Checker::new(file, text);
    checker.document(document);
    checker.into_parts()
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
