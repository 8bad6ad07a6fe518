//! Generator settings for one crate: what `specs/<vendor>/client.toml` holds and the CLI's flags.

use serde::Deserialize;

/// Settings that are about the generated crate, not the API. `Hash`: `cargo xtask regen`
/// keys its cache on them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The crate name (`nudge-client`).
    pub name: String,
    /// The crate version.
    pub version: String,
    /// One-line crate description for Cargo.toml; the spec's title is used when absent.
    #[serde(default)]
    pub description: Option<String>,
    /// Path from the generated crate's directory to the `clientgen-runtime` crate.
    #[serde(default = "default_runtime_path")]
    pub runtime_path: String,
    /// The command that regenerates the crate, named in every generated file's header.
    #[serde(default = "default_generated_by")]
    pub generated_by: String,
    /// The captured vendor page the spec is reconstructed from (a file name in
    /// `../shared/vendor-docs/`); the generator ignores it, `cargo xtask audit` reads it.
    #[serde(default)]
    pub page: Option<String>,
    /// The `version` requirement on `clientgen-runtime`, so the crate can be packaged and
    /// published with that dependency resolved from a registry (the `path` serves the
    /// workspace).
    #[serde(default = "default_runtime_version")]
    pub runtime_version: String,
    /// The crate's licence, an SPDX expression (`MIT OR Apache-2.0`); `cargo xtask` takes the
    /// workspace's when `client.toml` gives none.
    #[serde(default)]
    pub license: Option<String>,
    /// The URL of the repository the crate's sources live in; `cargo xtask` takes the
    /// workspace's when `client.toml` gives none.
    #[serde(default)]
    pub repository: Option<String>,
    /// crates.io keywords (at most five).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// crates.io category slugs (`api-bindings`, `web-programming::http-client`).
    #[serde(default)]
    pub categories: Vec<String>,
    /// Whether the crate may be published (`publish = false` in its Cargo.toml when not):
    /// test fixtures are not.
    #[serde(default = "default_publish")]
    pub publish: bool,
}

/// The version of `clientgen-runtime` that generated code is written against (the runtime
/// crate's own version; a test checks they agree).
pub const RUNTIME_VERSION: &str = "0.1.0";

fn default_runtime_version() -> String {
    RUNTIME_VERSION.to_owned()
}

fn default_publish() -> bool {
    true
}

fn default_runtime_path() -> String {
    "../../generator/runtime".to_owned()
}

fn default_generated_by() -> String {
    "cargo xtask regen".to_owned()
}

impl Settings {
    /// Settings with defaults for everything but the crate name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            version: "0.1.0".to_owned(),
            description: None,
            runtime_path: default_runtime_path(),
            generated_by: default_generated_by(),
            page: None,
            runtime_version: default_runtime_version(),
            license: None,
            repository: None,
            keywords: Vec::new(),
            categories: Vec::new(),
            publish: true,
        }
    }

    /// Parses a `client.toml`.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|err| err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_version_is_the_runtime_crates_own() {
        let manifest: toml::Value =
            toml::from_str(include_str!("../../runtime/Cargo.toml")).unwrap();
        assert_eq!(
            manifest["package"]["version"].as_str(),
            Some(RUNTIME_VERSION),
            "generated crates would ask for another clientgen-runtime than this one"
        );
    }

    #[test]
    fn package_metadata_is_read_from_client_toml() {
        let settings = Settings::from_toml(
            "name = \"a-client\"\nversion = \"0.2.0\"\nkeywords = [\"a\"]\n\
             categories = [\"api-bindings\"]\nlicense = \"MIT\"\npublish = false\n",
        )
        .unwrap();
        assert_eq!(settings.keywords, ["a"]);
        assert_eq!(settings.categories, ["api-bindings"]);
        assert_eq!(settings.license.as_deref(), Some("MIT"));
        assert!(!settings.publish);
        assert_eq!(settings.runtime_version, RUNTIME_VERSION);
        assert!(Settings::new("b").publish);
    }
}
