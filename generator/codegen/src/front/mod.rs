//! `front`: spec text in, the OpenAPI model out, as one straight line of steps.
//!
//! [`load`] parses the text (`parse.rs`), reads the version and drops YAML tags
//! (`version.rs`), checks every reference (`refs.rs` knows where the grammar puts one,
//! `validate::references` whether it points at something), rewrites OpenAPI 3.1 forms into
//! 3.0 ones (`normalize.rs`), checks the OpenAPI objects and repairs what only loses typing
//! (`validate::structure`), limits how deeply schemas nest (`limits.rs`) and reads the
//! finished value into `openapiv3` (`model.rs`). Every problem is a located diagnostic; any
//! error stops the line before the model reads the document.

mod limits;
mod model;
mod normalize;
mod parse;
pub(crate) mod refs;
pub(crate) mod version;

use openapiv3::OpenAPI;

use crate::diagnostics::{located, Diagnostic, Locator};
use crate::validate;

/// The document read into the model, with the warnings met on the way (in document order).
pub(crate) struct Loaded {
    pub(crate) openapi: OpenAPI,
    pub(crate) warnings: Vec<Diagnostic>,
}

/// Reads spec text into the OpenAPI model: every step of the front end, in order. Returns
/// every problem found when any is an error.
pub(crate) fn load(text: &str, file: &str) -> Result<Loaded, Vec<Diagnostic>> {
    let mut document = parse::parse(text, file).map_err(|d| vec![*d])?;
    let mut problems = version::version(&mut document, text, file);
    if problems.iter().any(Diagnostic::is_error) {
        // Not OpenAPI 3.0/3.1: nothing else in it is worth checking.
        return Err(problems);
    }
    problems.extend(version::untag(&mut document, text, file));
    problems.extend(validate::references(&document, text, file));
    normalize::normalize(&mut document);
    problems.extend(validate::structure(&mut document, text, file));
    // Document order (a problem the locator cannot place comes first).
    problems.sort_by_key(|problem| problem.line_col);
    if problems.iter().any(Diagnostic::is_error) {
        return Err(problems);
    }
    let locator = Locator::new(text);
    problems.extend(
        limits::limit_schema_depth(&mut document, file)
            .into_iter()
            .map(|warning| located(warning, &locator)),
    );
    match model::into_openapi(document, text, file) {
        Ok(openapi) => Ok(Loaded {
            openapi,
            warnings: problems,
        }),
        Err(diagnostic) => {
            // The structural check missed this one: the model's own (first) complaint.
            problems.push(*diagnostic);
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests;
