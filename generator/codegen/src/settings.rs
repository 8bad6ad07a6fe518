//! Generator settings for one crate: what `specs/<vendor>/client.toml` holds and the CLI's flags.

use serde::Deserialize;

/// Settings that are about the generated crate, not the API.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
        }
    }

    /// Parses a `client.toml`.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|err| err.to_string())
    }
}
