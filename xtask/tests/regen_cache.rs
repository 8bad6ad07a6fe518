//! `cargo xtask regen`'s cache: a crate is skipped only when nothing it was generated from
//! changed and its files on disk are as written; anything else regenerates it.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::cache::{self, Failure, Options, Report};

const SPEC: &str = "\
openapi: 3.0.3
info: {title: Pets, version: '1'}
servers: [{url: 'https://pets.example.com'}]
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        '200':
          description: A pet.
          content:
            application/json:
              schema: {$ref: './common.yaml#/Pet'}
";

const COMMON: &str = "\
Pet:
  type: object
  required: [name]
  properties:
    name: {type: string}
";

const OTHER_SPEC: &str = "\
openapi: 3.0.3
info: {title: Other, version: '1'}
paths:
  /ping:
    get:
      operationId: ping
      responses:
        '204': {description: Pong.}
";

fn settings(name: &str, version: &str) -> String {
    format!("name = \"{name}\"\nversion = \"{version}\"\nruntime_path = \"../../runtime\"\n")
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("a parent")).expect("create the directory");
    fs::write(path, text).expect("write the file");
}

/// A checkout with two specs (`pets`, whose response refers to `common.yaml`, and `other`)
/// and no test specs, and a cache file beside it.
struct Checkout {
    dir: tempfile::TempDir,
}

impl Checkout {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = dir.path();
        write(
            &root.join("Cargo.toml"),
            "[workspace.package]\nlicense = \"MIT\"\n",
        );
        write(&root.join("specs/pets/openapi.yaml"), SPEC);
        write(&root.join("specs/pets/common.yaml"), COMMON);
        write(
            &root.join("specs/pets/client.toml"),
            &settings("pets-client", "0.1.0"),
        );
        write(&root.join("specs/other/openapi.yaml"), OTHER_SPEC);
        write(
            &root.join("specs/other/client.toml"),
            &settings("other-client", "0.1.0"),
        );
        fs::create_dir_all(root.join("tests/specs")).expect("create tests/specs");
        Self { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn options(&self, generator: &str, force: bool) -> Options {
        Options {
            cache_file: self.root().join("target/xtask/regen-cache.json"),
            generator: Some(generator.to_owned()),
            force,
        }
    }

    fn regen_with(&self, options: &Options) -> Report {
        match cache::regen(self.root(), options) {
            Ok(report) => report,
            Err(Failure::Specs(problems)) => panic!("{}", problems.join("\n")),
            Err(Failure::Io(err)) => panic!("{err}"),
        }
    }

    fn regen(&self) -> Report {
        self.regen_with(&self.options("generator 1", false))
    }

    /// The labels of the crates a run generated (did not skip).
    fn regenerated(&self) -> Vec<String> {
        self.regen()
            .crates
            .into_iter()
            .filter(|c| !c.skipped)
            .map(|c| c.label)
            .collect()
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    fn edit(&self, relative: &str, from: &str, to: &str) {
        let path = self.path(relative);
        let text = fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{relative} lacks {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).expect("write");
    }
}

const PETS: &str = "generated/pets";
const OTHER: &str = "generated/other";

#[test]
fn an_unchanged_crate_is_skipped_and_its_summary_and_files_stay() {
    let checkout = Checkout::new();
    let first = checkout.regen();
    assert_eq!(first.skipped(), 0);
    assert!(first
        .crates
        .iter()
        .all(|c| c.changed == c.files && c.files > 0));
    let lib = fs::read_to_string(checkout.path("generated/pets/src/lib.rs")).expect("lib.rs");

    let second = checkout.regen();
    assert_eq!(second.skipped(), 2, "{second:?}");
    for (was, now) in first.crates.iter().zip(&second.crates) {
        assert_eq!(
            (&was.label, was.operations, was.types, was.files),
            (&now.label, now.operations, now.types, now.files)
        );
        assert_eq!(now.changed, 0);
    }
    assert!(second.summary().contains("unchanged (cached)"));
    assert_eq!(
        fs::read_to_string(checkout.path("generated/pets/src/lib.rs")).expect("lib.rs"),
        lib
    );
}

#[test]
fn a_changed_spec_regenerates_its_crate_only() {
    let checkout = Checkout::new();
    checkout.regen();
    checkout.edit("specs/pets/openapi.yaml", "A pet.", "One pet.");
    assert_eq!(checkout.regenerated(), [PETS]);
    assert_eq!(checkout.regenerated(), Vec::<String>::new());
}

#[test]
fn a_changed_setting_regenerates() {
    let checkout = Checkout::new();
    checkout.regen();
    checkout.edit("specs/other/client.toml", "0.1.0", "0.2.0");
    assert_eq!(checkout.regenerated(), [OTHER]);
    let manifest = fs::read_to_string(checkout.path("generated/other/Cargo.toml")).expect("read");
    assert!(manifest.contains("0.2.0"), "{manifest}");
    // The workspace's licence is a setting too, for every crate.
    checkout.edit("Cargo.toml", "MIT", "Apache-2.0");
    assert_eq!(checkout.regenerated(), [OTHER, PETS]);
    // A comment changes no setting.
    checkout.edit("specs/other/client.toml", "name", "# A comment.\nname");
    assert_eq!(checkout.regenerated(), Vec::<String>::new());
}

#[test]
fn a_changed_referenced_file_regenerates() {
    let checkout = Checkout::new();
    checkout.regen();
    checkout.edit(
        "specs/pets/common.yaml",
        "    name: {type: string}",
        "    name: {type: string}\n    age: {type: integer}",
    );
    assert_eq!(checkout.regenerated(), [PETS]);
    let types = fs::read_to_string(checkout.path("generated/pets/src/types.rs")).expect("read");
    assert!(types.contains("pub age"), "{types}");
}

#[test]
fn an_edited_missing_or_stale_output_file_regenerates() {
    let checkout = Checkout::new();
    checkout.regen();
    let lib = checkout.path("generated/pets/src/lib.rs");
    let generated = fs::read_to_string(&lib).expect("lib.rs");
    fs::write(&lib, format!("{generated}// edited\n")).expect("write");
    let report = checkout.regen();
    assert_eq!(
        report
            .crates
            .iter()
            .map(|c| (c.label.as_str(), c.skipped, c.changed))
            .collect::<Vec<_>>(),
        [(OTHER, true, 0), (PETS, false, 1)]
    );
    assert_eq!(fs::read_to_string(&lib).expect("lib.rs"), generated);

    fs::remove_file(checkout.path("generated/pets/README.md")).expect("remove");
    assert_eq!(checkout.regenerated(), [PETS]);
    assert!(checkout.path("generated/pets/README.md").is_file());

    // A generated file this generation does not produce is removed, as without the cache; a
    // hand-written one is left and does not stop the skip.
    let stale = checkout.path("generated/pets/src/old.rs");
    write(&stale, "// @generated by cargo xtask regen\n");
    write(&checkout.path("generated/pets/tests/mine.rs"), "// mine\n");
    assert_eq!(checkout.regenerated(), [PETS]);
    assert!(!stale.exists());
    assert!(checkout.path("generated/pets/tests/mine.rs").is_file());
    assert_eq!(checkout.regenerated(), Vec::<String>::new());
}

#[test]
fn another_generator_force_or_a_corrupt_cache_regenerates_everything() {
    let checkout = Checkout::new();
    checkout.regen();
    let rebuilt = checkout.regen_with(&checkout.options("generator 2", false));
    assert_eq!(rebuilt.skipped(), 0);
    assert_eq!(
        checkout
            .regen_with(&checkout.options("generator 2", false))
            .skipped(),
        2
    );

    let forced = checkout.regen_with(&checkout.options("generator 2", true));
    assert_eq!(forced.skipped(), 0);
    assert!(forced.crates.iter().all(|c| c.changed == 0));

    let options = checkout.options("generator 2", false);
    fs::write(&options.cache_file, "{ not json").expect("corrupt the cache");
    assert_eq!(checkout.regen_with(&options).skipped(), 0);
    assert_eq!(checkout.regen_with(&options).skipped(), 2);

    // No identity: nothing skipped, no cache kept.
    fs::remove_file(&options.cache_file).expect("remove the cache");
    let unknown = Options {
        generator: None,
        ..options.clone()
    };
    assert_eq!(checkout.regen_with(&unknown).skipped(), 0);
    assert!(!options.cache_file.exists());
}

#[test]
fn a_removed_spec_removes_its_generated_files() {
    let checkout = Checkout::new();
    checkout.regen();
    fs::remove_dir_all(checkout.path("specs/other")).expect("remove the spec");
    let report = checkout.regen();
    assert_eq!(report.skipped(), 1);
    assert_eq!(report.orphans.len(), 1);
    assert!(!checkout.path("generated/other").exists());
}

#[test]
fn a_spec_error_writes_nothing() {
    let checkout = Checkout::new();
    checkout.regen();
    checkout.edit("specs/pets/openapi.yaml", "./common.yaml", "./missing.yaml");
    checkout.edit("specs/other/client.toml", "0.1.0", "0.3.0");
    let result = cache::regen(checkout.root(), &checkout.options("generator 1", false));
    assert!(matches!(result, Err(Failure::Specs(_))), "{result:?}");
    let manifest = fs::read_to_string(checkout.path("generated/other/Cargo.toml")).expect("read");
    assert!(!manifest.contains("0.3.0"), "{manifest}");
}
