//! `front`: spec text in, the OpenAPI model out, as one straight line of steps.
//!
//! [`load`] parses the text (`parse.rs`), reads the version and drops YAML tags
//! (`version.rs`), bundles the other files the document refers to into it (`bundle.rs`, reading
//! them through a [`Files`] the caller gives, `files.rs`), checks every reference (`refs.rs`
//! knows where the grammar puts one, `validate::references` whether it points at something),
//! rewrites OpenAPI 3.1 forms into
//! 3.0 ones (`normalize.rs`), checks the OpenAPI objects (`validate::structure`, which only
//! reads, and lists the repairs of what only loses typing), applies those repairs
//! (`repair.rs`), limits how deeply schemas nest (`limits.rs`) and reads the finished value
//! into `openapiv3` (`model.rs`). Every problem is a located diagnostic; any
//! error stops the line before the model reads the document.

mod bundle;
pub(crate) mod files;
mod limits;
mod model;
mod normalize;
mod parse;
pub(crate) mod refs;
pub(crate) mod repair;
pub(crate) mod version;

use openapiv3::OpenAPI;

pub(crate) use bundle::Bundle;
pub use files::{FileSystem, Files, NoFiles};

use crate::diagnostics::{located, Diagnostic, Locator};
use crate::validate;

/// The document read into the model, with the warnings met on the way (in document order).
pub(crate) struct Loaded {
    pub(crate) openapi: OpenAPI,
    pub(crate) warnings: Vec<Diagnostic>,
    /// Where the elements copied from other files came from.
    pub(crate) bundle: Bundle,
}

/// Reads spec text into the OpenAPI model: every step of the front end, in order. `file` names
/// the entry file; the files its references name are read from `files`. Returns every problem
/// found when any is an error, each in the file that holds it.
pub(crate) fn load(text: &str, file: &str, files: &dyn Files) -> Result<Loaded, Vec<Diagnostic>> {
    let mut document = parse::parse(text, file).map_err(|d| vec![*d])?;
    let mut problems = version::version(&mut document, text, file);
    if problems.iter().any(Diagnostic::is_error) {
        // Not OpenAPI 3.0/3.1: nothing else in it is worth checking.
        return Err(problems);
    }
    problems.extend(version::untag(&mut document, text, file));
    let (bundle, bundling) = bundle::bundle(&mut document, text, file, files);
    problems.extend(bundling);
    problems.extend(validate::references(&document, text, file));
    normalize::normalize(&mut document);
    let (found, repairs) = validate::structure(&document, text, file);
    problems.extend(found);
    repair::apply(&mut document, repairs);
    in_order(&mut problems, &bundle);
    if problems.iter().any(Diagnostic::is_error) {
        return Err(problems);
    }
    let locator = Locator::new(text);
    problems.extend(
        limits::limit_schema_depth(&mut document, file)
            .into_iter()
            .map(|warning| located(warning, &locator)),
    );
    in_order(&mut problems, &bundle);
    match model::into_openapi(document, text, file) {
        Ok(openapi) => Ok(Loaded {
            openapi,
            warnings: problems,
            bundle,
        }),
        Err(mut diagnostic) => {
            // The structural check missed this one: the model's own (first) complaint.
            bundle.place(&mut diagnostic);
            problems.push(*diagnostic);
            Err(problems)
        }
    }
}

/// Moves each problem about an element copied from another file to that file, then sorts them
/// in document order: the entry file's first (a problem the locator cannot place before the
/// others), then each other file's, by name.
pub(crate) fn in_order(problems: &mut [Diagnostic], bundle: &Bundle) {
    for problem in problems.iter_mut() {
        bundle.place(problem);
    }
    problems.sort_by(|a, b| {
        let key = |d: &Diagnostic| (!bundle.in_entry(d), d.file.clone(), d.line_col);
        key(a).cmp(&key(b))
    });
}

#[cfg(test)]
mod tests;
