//! `cargo xtask real`: the generator on real public OpenAPI documents. Each document under
//! `tests/fixtures/real/` (and any other given) is generated into a crate outside the
//! workspace (`$TMPDIR/clientgen-real/<name>/`), the
//! generation timed, and the crate checked (and timed) with `cargo clippy -- -D warnings`, with
//! its default features (every operation group) and, when it has group features, with its
//! largest group alone ([`crate::feature_subsets`]).
//! The figures are printed as a Markdown table; the command fails when a document does not
//! generate or its crate does not pass clippy.
//!
//! Two columns measure how much of a document is typed: **JSON values** counts the places of
//! the IR ([`json_values`]) whose type is `serde_json::Value` or `Map<String, Value>`
//! (`TypeRef::Json`, `TypeRef::JsonObject`, also inside a `Vec` or a map): struct fields, alias
//! targets, union alternatives (the `Unknown` alternative every union has is not in the IR),
//! response enum variants, parameters, builder settings, request bodies, success types and
//! error types (an operation whose error responses declare no JSON body has `Value` as its
//! error type and counts one). **Typing lost** counts the generator's warnings that say a
//! schema was typed as a JSON value because the generator could not type it
//! ([`typing_lost`]: "JSON value", "not a component schema", "not supported yet" in the
//! message or hint), as opposed to a schema that declares any value (`{}`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clientgen::ir::{Api, ErrorType, Success, TypeKind, TypeRef};
use clientgen::{generate_with, Diagnostic, FileSystem, Settings};

/// How many times each document is generated; the median time is reported.
const RUNS: usize = 5;

/// What happened to one document.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The document's file name.
    pub file: String,
    /// Its `openapi` version field.
    pub version: String,
    /// What it generated, when it did.
    pub generated: Option<Counts>,
    /// The median generation time.
    pub time: Duration,
    /// How long clippy took on the crate (with the dependencies it had to build first).
    pub clippy_time: Option<Duration>,
    /// `None` when clippy was not run; else whether it passed, with its last lines when not.
    pub clippy: Option<Result<(), String>>,
    /// The errors, when it did not generate.
    pub errors: Vec<String>,
    /// The warnings, when it generated.
    pub warnings: Vec<String>,
}

/// The figures of a document that generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Operations.
    pub operations: usize,
    /// Named types.
    pub types: usize,
    /// Warnings.
    pub warnings: usize,
    /// Places typed as JSON values ([`json_values`]).
    pub json_values: usize,
    /// Warnings that say typing was lost ([`typing_lost`]).
    pub typing_lost: usize,
}

impl Counts {
    /// The figures of one generation: its IR and its warnings.
    pub fn of(api: &Api, warnings: &[Diagnostic]) -> Self {
        Counts {
            operations: api.operations.len(),
            types: api.types.len(),
            warnings: warnings.len(),
            json_values: json_values(api),
            typing_lost: typing_lost(warnings),
        }
    }
}

/// Whether a type is, or holds as array items or map values, a JSON value.
fn is_json(ty: &TypeRef) -> bool {
    ty.any(|ty| matches!(ty, TypeRef::Json | TypeRef::JsonObject))
}

/// The places of `api` typed as JSON values (`serde_json::Value` or `Map<String, Value>`,
/// alone or as the items of a `Vec` or the values of a map; each place counts once): struct
/// fields, alias targets, union alternatives, response enum variants, builder settings,
/// parameters, request bodies, success types and error types.
pub fn json_values(api: &Api) -> usize {
    let count = |tys: &mut dyn Iterator<Item = &TypeRef>| tys.filter(|ty| is_json(ty)).count();
    let in_types: usize = api
        .types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Struct { fields } => count(&mut fields.iter().map(|f| &f.ty)),
            TypeKind::Alias(ty) => usize::from(is_json(ty)),
            TypeKind::Union { variants, .. } => count(&mut variants.iter().map(|v| &v.ty)),
            TypeKind::Responses { variants, .. } => {
                count(&mut variants.iter().filter_map(|v| v.content.ty()))
            }
            TypeKind::StringEnum { .. }
            | TypeKind::IntEnum { .. }
            | TypeKind::MediaTypes { .. } => 0,
        })
        .sum();
    let in_settings = count(&mut api.settings.iter().map(|s| &s.ty));
    let in_operations: usize = api
        .operations
        .iter()
        .map(|op| {
            let success = match &op.success {
                Success::Json(ty) | Success::Optional(ty) | Success::Events(ty) => Some(ty),
                _ => None,
            };
            // An event stream beside JSON (`send_events()`); one that is the only success
            // is `Success::Events` and counted here too.
            let events = match (&op.success, &op.events) {
                (Success::Events(_), _) => None,
                (_, Some(events)) => Some(&events.ty),
                (_, None) => None,
            };
            let error = match &op.error {
                ErrorType::Json(ty) => Some(ty),
                ErrorType::ByStatus(_) => None,
            };
            count(
                &mut op
                    .params
                    .iter()
                    .map(|p| &p.ty)
                    .chain(op.body.as_ref().map(|b| &b.ty))
                    .chain(success)
                    .chain(events)
                    .chain(error),
            )
        })
        .sum();
    in_types + in_settings + in_operations
}

/// The warnings that say a schema was typed as a JSON value because the generator could not
/// type it: "JSON value", "not a component schema" or "not supported yet" in the message or
/// the hint.
pub fn typing_lost(warnings: &[Diagnostic]) -> usize {
    const SAYS: [&str; 3] = ["JSON value", "not a component schema", "not supported yet"];
    warnings
        .iter()
        .filter(|w| {
            let hint = w.hint.as_deref().unwrap_or_default();
            SAYS.iter()
                .any(|says| w.message.contains(says) || hint.contains(says))
        })
        .count()
}

impl Outcome {
    /// Whether the document generated and its crate passed clippy (when it was run).
    pub fn ok(&self) -> bool {
        self.generated.is_some() && !matches!(self.clippy, Some(Err(_)))
    }
}

/// The documents under `tests/fixtures/real/`, sorted by name.
pub fn documents(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join("tests/fixtures/real");
    let entries =
        std::fs::read_dir(&dir).map_err(|err| format!("cannot list {}: {err}", dir.display()))?;
    let is_document = |path: &Path| {
        path.is_file()
            && path
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
    };
    // A directory is a document split over several files; its entry file is named after the
    // directory (`redocly-cafe/redocly-cafe.yaml`), else `openapi.yaml`.
    let mut docs: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter_map(|path| {
            if !path.is_dir() {
                return is_document(&path).then_some(path);
            }
            let name = path.file_name()?.to_string_lossy().into_owned();
            ["yaml", "yml", "json"]
                .iter()
                .map(|ext| path.join(format!("{name}.{ext}")))
                .chain([path.join("openapi.yaml")])
                .find(|entry| is_document(entry))
        })
        .collect();
    docs.sort();
    Ok(docs)
}

/// A Cargo package name made from a file name (`twilio-bulkexports.json` ->
/// `twilio-bulkexports-client`).
pub(crate) fn crate_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{}-client", name.trim_matches('-'))
}

/// Generates `doc` into `out_root/<crate name>`, timing it, and runs clippy on the crate when
/// `clippy` is set (sharing `target_dir` between documents and the workspace's `Cargo.lock`).
pub fn run(root: &Path, doc: &Path, out_root: &Path, target_dir: &Path, clippy: bool) -> Outcome {
    let file = doc
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut outcome = Outcome {
        file: file.clone(),
        version: String::new(),
        generated: None,
        time: Duration::ZERO,
        clippy_time: None,
        clippy: None,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let text = match std::fs::read_to_string(doc) {
        Ok(text) => text,
        Err(err) => {
            outcome
                .errors
                .push(format!("cannot read {}: {err}", doc.display()));
            return outcome;
        }
    };
    outcome.version = text
        .lines()
        .find_map(|line| {
            let line = line.trim().trim_start_matches('"');
            let rest = line.strip_prefix("openapi")?.trim_start_matches('"');
            let value = rest.trim_start().strip_prefix(':')?;
            Some(
                value
                    .trim()
                    .trim_matches(|c| c == '"' || c == '\'' || c == ',')
                    .to_owned(),
            )
        })
        .unwrap_or_default();
    let name = crate_name(doc);
    let settings = Settings {
        runtime_path: root.join("generator/runtime").display().to_string(),
        generated_by: "cargo xtask real".to_owned(),
        ..Settings::new(name.clone())
    };
    let mut times = Vec::with_capacity(RUNS);
    let mut result = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        // The path as given, so that the files it refers to are found beside it.
        let generated = generate_with(&text, &doc.display().to_string(), &settings, &FileSystem);
        times.push(started.elapsed());
        result = Some(generated);
    }
    times.sort();
    outcome.time = times.get(RUNS / 2).copied().unwrap_or_default();
    let generated = match result {
        Some(Ok(generated)) => generated,
        Some(Err(problems)) => {
            outcome.errors = problems.iter().map(ToString::to_string).collect();
            return outcome;
        }
        None => return outcome,
    };
    outcome.generated = Some(Counts::of(&generated.api, &generated.warnings));
    outcome.warnings = generated.warnings.iter().map(ToString::to_string).collect();
    if !clippy {
        return outcome;
    }
    let out = out_root.join(&name);
    let written = clientgen::output::plan(&out, &generated.files)
        .and_then(|plan| clientgen::output::apply(&plan))
        .map_err(|err| err.to_string())
        .and_then(|()| {
            std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))
                .map(drop)
                .map_err(|err| format!("cannot copy Cargo.lock: {err}"))
        });
    if let Err(err) = written {
        outcome.clippy = Some(Err(format!("cannot write {}: {err}", out.display())));
        return outcome;
    }
    let started = Instant::now();
    let env = [("CARGO_TARGET_DIR", target_dir)];
    // Every group (the default), then one group alone: a crate must be clean with a subset
    // of its group features. (No group at all is checked on the workspace's crates by
    // `cargo xtask check`; here it would cost CI minutes for little more.) `--all-targets`
    // both times, so that the dependencies' features, and their builds, stay the same.
    let mut result = crate::clippy(&out, &["--all-targets".to_owned()], &env);
    if let Some(mut args) = crate::feature_subsets(&generated.api).pop() {
        if result.is_ok() {
            args.insert(0, "--all-targets".to_owned());
            result = crate::clippy(&out, &args, &env)
                .map_err(|err| format!("cargo clippy {}:\n{err}", args.join(" ")));
        }
    }
    outcome.clippy_time = Some(started.elapsed());
    outcome.clippy = Some(result);
    outcome
}

/// The outcomes as a Markdown table.
pub fn table(outcomes: &[Outcome]) -> String {
    let mut out = String::from(
        "| Document | OpenAPI | Operations | Types | Warnings | JSON values | Typing lost | Generation (median of 5) | clippy -D warnings | clippy time |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for o in outcomes {
        let figures = match o.generated {
            Some(c) => format!(
                "{} | {} | {} | {} | {}",
                c.operations, c.types, c.warnings, c.json_values, c.typing_lost
            ),
            None => "- | - | - | - | -".to_owned(),
        };
        let clippy = match (&o.generated, &o.clippy) {
            (None, _) => format!("does not generate ({} errors)", o.errors.len()),
            (Some(_), None) => "not run".to_owned(),
            (Some(_), Some(Ok(()))) => "clean".to_owned(),
            (Some(_), Some(Err(_))) => "FAILS".to_owned(),
        };
        let clippy_time = o
            .clippy_time
            .map_or_else(|| "-".to_owned(), |t| format!("{:.0} s", t.as_secs_f64()));
        out.push_str(&format!(
            "| `{}` | {} | {figures} | {:.1} ms | {clippy} | {clippy_time} |\n",
            o.file,
            o.version,
            o.time.as_secs_f64() * 1000.0
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clientgen::generate;

    #[test]
    fn crate_names_are_valid_package_names() {
        assert_eq!(
            crate_name(Path::new("a/twilio-bulkexports.json")),
            "twilio-bulkexports-client"
        );
        assert_eq!(
            crate_name(Path::new("Scalar Galaxy.v3.yaml")),
            "scalar-galaxy-v3-client"
        );
    }

    /// Every kind of place is counted once, `Vec<Value>` too; typed places are not.
    #[test]
    fn json_values_counts_each_untyped_place() {
        let spec = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - name: filter
        in: query
        content:
          application/json: {schema: {}}
    post:
      operationId: putThing
      requestBody:
        content:
          application/json: {schema: {type: object}}
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {$ref: "#/components/schemas/Thing"}}
        "404":
          description: missing
          content:
            application/json: {schema: {$ref: "#/components/schemas/Problem"}}
components:
  schemas:
    Thing:
      type: object
      properties:
        name: {type: string}
        meta: {}
        tags: {type: array, items: {}}
        extra: {type: object, additionalProperties: {type: object}}
        lost: {$ref: "#/components/responses/Nope"}
    Problem:
      type: object
      properties:
        detail: {type: string}
    Anything: {}
    Either:
      oneOf:
        - {type: string}
        - {type: object}
  responses:
    Nope: {description: a response without a body}
"##;
        let (api, warnings) = clientgen::lower(spec, "t.yaml").expect("the document lowers");
        // Thing: meta, tags, extra, lost; Anything; Either's object; the filter parameter; the
        // body. Not: `id`, `name`, the success type `Thing`, the error type `Problem`.
        assert_eq!(json_values(&api), 8, "{api:#?}");
        // `lost` refers to something that is not a component schema.
        assert_eq!(typing_lost(&warnings), 1, "{warnings:#?}");
        let counts = Counts::of(&api, &warnings);
        assert_eq!(counts.operations, 1);
        assert_eq!(counts.json_values, 8);
    }

    /// Box's `GET /authorize` answers text on `200` and on `default`: its error enum has one
    /// status, so the decoding `match` has one arm, which clippy rejects unless allowed.
    #[test]
    fn a_response_enum_with_only_default_allows_its_single_arm_match() {
        let spec = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /authorize:
    get:
      operationId: getAuthorize
      responses:
        "200":
          description: a page
          content:
            text/html: {schema: {type: string}}
        default:
          description: a page
          content:
            text/html: {schema: {type: string}}
"##;
        let settings = Settings::new("t-client".to_owned());
        let generated = generate(spec, "t.yaml", &settings).expect("the document generates");
        let types = generated.files.get("src/types.rs").expect("a types module");
        let allow = types
            .find("#[allow(clippy::match_single_binding)]")
            .expect("the single-arm match is allowed");
        let error_body = types
            .find("impl clientgen_runtime::ErrorBody for GetAuthorizeError")
            .expect("an error enum");
        assert!(error_body < allow, "{types}");
    }

    #[test]
    fn the_table_has_the_json_columns() {
        let outcome = Outcome {
            file: "a.yaml".to_owned(),
            version: "3.1.0".to_owned(),
            generated: Some(Counts {
                operations: 3,
                types: 4,
                warnings: 5,
                json_values: 6,
                typing_lost: 2,
            }),
            time: Duration::from_millis(12),
            clippy_time: Some(Duration::from_secs(7)),
            clippy: Some(Ok(())),
            errors: Vec::new(),
            warnings: Vec::new(),
        };
        let table = table(&[outcome]);
        assert!(table.contains("| JSON values | Typing lost |"), "{table}");
        assert!(
            table.contains("| `a.yaml` | 3.1.0 | 3 | 4 | 5 | 6 | 2 | 12.0 ms | clean | 7 s |"),
            "{table}"
        );
    }
}
