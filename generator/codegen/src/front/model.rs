//! The finished document value read into the OpenAPI model.

use openapiv3::OpenAPI;
use serde_yaml::Value;

use crate::diagnostics::{locate, pointer_token, Diagnostic};

/// Reads the normalized value into the OpenAPI model, locating any mismatch.
pub(crate) fn into_openapi(
    document: Value,
    text: &str,
    file: &str,
) -> Result<OpenAPI, Box<Diagnostic>> {
    // The plain read first: tracking the path costs a string per key and is only needed to
    // place a mismatch, so the path is tracked only when there is one to place.
    if let Ok(openapi) = <OpenAPI as serde::Deserialize>::deserialize(&document) {
        return Ok(openapi);
    }
    serde_path_to_error::deserialize::<_, OpenAPI>(&document).map_err(|err| {
        let pointer = json_pointer(err.path());
        let mut diagnostic = Diagnostic::error(
            file,
            format!("the spec does not match OpenAPI 3.0/3.1: {}", err.inner()),
        )
        .at(pointer.clone())
        .hint("compare this element with the OpenAPI specification's object of the same name");
        if let Some((line, column)) = locate(text, &pointer) {
            diagnostic = diagnostic.line_col(line, column);
        }
        Box::new(diagnostic)
    })
}

fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(format!("/{index}")),
            Segment::Map { key } => Some(format!("/{}", pointer_token(key))),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}
