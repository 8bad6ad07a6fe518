//! Rustdoc text from spec prose.

/// Joins the non-empty parts into one doc comment, made safe for rustdoc: no line is
/// indented (an indented line would start a code block, which doctests would compile) and a
/// code fence without a language is marked `text`.
pub fn doc(parts: &[Option<&str>]) -> Option<String> {
    let paragraphs: Vec<String> = parts
        .iter()
        .flatten()
        .map(|part| sanitize(part))
        .filter(|part| !part.is_empty())
        .collect();
    if paragraphs.is_empty() {
        None
    } else {
        Some(paragraphs.join("\n\n"))
    }
}

fn sanitize(text: &str) -> String {
    let mut in_fence = false;
    let lines: Vec<String> = text
        .trim()
        .lines()
        .map(|line| {
            let line = line.trim();
            if let Some(info) = line.strip_prefix("```") {
                let opening = !in_fence;
                in_fence = !in_fence;
                if opening && info.trim().is_empty() {
                    return "```text".to_owned();
                }
            }
            line.to_owned()
        })
        .collect();
    let mut out = lines.join("\n");
    if in_fence {
        out.push_str("\n```");
    }
    out
}

/// The note shown for elements a spec marks `x-inferred` (pass the extension's value).
pub fn inferred(why: Option<&serde_json::Value>) -> Option<String> {
    why.map(|why| match why.as_str() {
        Some(text) => format!("Not stated by the vendor's documentation; inferred: {text}"),
        None => "Not stated by the vendor's documentation; inferred.".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indented_lines_and_bare_fences_are_defused() {
        let text = doc(&[
            Some("Intro\n    indented code\n```\nlet x;\n```"),
            None,
            Some("  "),
        ]);
        assert_eq!(
            text.as_deref(),
            Some("Intro\nindented code\n```text\nlet x;\n```")
        );
    }
}
