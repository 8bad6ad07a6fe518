//! The spec's first server: a fixed default URL, or a template whose variables the builder
//! fills (`https://{region}.example.com`).

use openapiv3::OpenAPI;

use super::docs::doc;
use super::names::{snake, Scope};
use crate::diagnostics::Diagnostic;
use crate::ir::{ServerTemplate, ServerVariable};

/// `(default_server, template)`. A variable with an empty default has no default: the user
/// must fill it, so there is no default server.
pub(crate) fn lower(
    spec: &OpenAPI,
    file: &str,
    scope: &mut Scope,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<String>, Option<ServerTemplate>) {
    let Some(server) = spec.servers.first() else {
        return (None, None);
    };
    let usable = |url: &str| url.starts_with("http://") || url.starts_with("https://");
    let names = template_names(&server.url);
    if names.is_empty() {
        if !usable(&server.url) {
            diagnostics.push(unusable(&server.url, file));
        }
        return (Some(server.url.clone()).filter(|u| usable(u)), None);
    }
    let declared = server.variables.as_ref();
    let mut variables = Vec::new();
    for name in &names {
        let Some(variable) = declared.and_then(|v| v.get(name)) else {
            diagnostics.push(
                Diagnostic::warning(
                    file,
                    format!("the server URL uses `{{{name}}}`, which `variables` does not declare; the client has no default server"),
                )
                .at("/servers/0/url")
                .hint(format!("declare `{name}` under the server's `variables` with a default")),
            );
            return (None, None);
        };
        let values = variable.enumeration.clone();
        variables.push(ServerVariable {
            name: name.clone(),
            arg: snake(name),
            default: Some(variable.default.clone()).filter(|d| !d.is_empty()),
            values,
            doc: doc(&[variable.description.as_deref()]),
        });
    }
    let filled = variables
        .iter()
        .try_fold(server.url.clone(), |url, variable| {
            let value = variable.default.as_ref()?;
            Some(url.replace(&format!("{{{}}}", variable.name), value))
        });
    if let Some(url) = filled.as_deref().filter(|url| !usable(url)) {
        diagnostics.push(unusable(url, file));
    }
    let filled = filled.filter(|url| usable(url));
    let method = match variables.as_slice() {
        [one] => scope.claim(one.arg.clone()),
        _ => scope.claim("server".to_owned()),
    };
    let template = ServerTemplate {
        url: server.url.clone(),
        method,
        variables,
        doc: doc(&[server.description.as_deref()]),
    };
    (filled, Some(template))
}

/// Why a server URL (its variables filled with their defaults) gives no default base URL:
/// relative (`/v3`: to wherever the document was served from, which the client cannot know),
/// or not HTTP.
fn unusable(url: &str, file: &str) -> Diagnostic {
    if url.contains("://") {
        return Diagnostic::warning(
            file,
            format!("the server URL `{url}` is not an http or https URL, so the client has no default base URL; `.base_url(..)` must be given one"),
        )
        .at("/servers/0/url")
        .hint("list the API's http or https server first under `servers`");
    }
    let path = if url.starts_with('/') {
        url.to_owned()
    } else {
        format!("/{url}")
    };
    Diagnostic::warning(
        file,
        format!("the server URL `{url}` is relative, so the client has no default base URL; `.base_url(..)` must be given the absolute URL, including the path `{path}`"),
    )
    .at("/servers/0/url")
    .hint(format!("write the server's absolute URL (`https://api.example.com{path}`) to give the client a default"))
}

/// The distinct `{name}`s of a server URL, in order.
fn template_names(url: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = url;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + len];
        if !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
        rest = &rest[start + len + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_variable_once_in_order() {
        assert_eq!(
            template_names("https://{region}.example.com:{port}/{region}"),
            ["region", "port"]
        );
        assert!(template_names("https://api.example.com").is_empty());
        assert!(template_names("https://{unclosed.example.com").is_empty());
    }

    #[test]
    fn relative_and_non_http_urls_say_what_base_url_needs() {
        let relative = unusable("/v3", "t.yaml");
        assert!(!relative.is_error());
        assert_eq!(relative.pointer.as_deref(), Some("/servers/0/url"));
        assert!(
            relative.message.contains("including the path `/v3`"),
            "{relative}"
        );
        assert!(relative
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("`https://api.example.com/v3`")));
        assert!(unusable("v3", "t.yaml").message.contains("the path `/v3`"));
        assert!(unusable("ftp://x.example.com", "t.yaml")
            .message
            .contains("not an http or https URL"));
    }
}
