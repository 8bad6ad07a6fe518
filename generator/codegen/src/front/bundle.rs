//! References to other files, bundled into the entry document.
//!
//! Every file a reference reaches is read once, by its path relative to the file that holds the
//! reference. A schema from another file is copied into the entry document's
//! `components/schemas` under its own name (the last token of its pointer, or the file's stem
//! for a whole file; numbered when the name is taken: `Money2`), once per file and pointer, so
//! cycles across files end; its reference becomes an internal one. Anything else (a parameter,
//! a response, a request body, a path item) is copied in place of the reference. Each copy
//! keeps where it came from, so that a problem found in it later names its own file, line and
//! column ([`Bundle::place`]). A URL reference is refused: the generator downloads nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_yaml::{Mapping, Value};

use super::files::{join, Files};
use super::refs::{collect_refs, resolve};
use super::{parse, version};
use crate::diagnostics::{locate, pointer_token, push_index, push_token, Diagnostic};

/// Where the copies of other files' elements came from.
#[derive(Debug, Default)]
pub(crate) struct Bundle {
    /// The entry file's name.
    entry: String,
    /// Each copy: its pointer in the entry document, its file and its pointer there.
    origins: Vec<(String, String, String)>,
    /// The text of each file read, for locating.
    texts: BTreeMap<String, String>,
}

impl Bundle {
    /// Moves a diagnostic about a copied element to the file it came from: that file's name,
    /// pointer, line and column.
    pub(crate) fn place(&self, diagnostic: &mut Diagnostic) {
        if diagnostic.file != self.entry {
            return;
        }
        let Some(pointer) = diagnostic.pointer.as_deref() else {
            return;
        };
        let origin = self
            .origins
            .iter()
            .filter(|(at, _, _)| {
                pointer == at
                    || pointer
                        .strip_prefix(at.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|(at, _, _)| at.len());
        let Some((at, file, from)) = origin else {
            return;
        };
        let moved = format!("{from}{}", pointer.get(at.len()..).unwrap_or_default());
        diagnostic.line_col = self.texts.get(file).and_then(|text| locate(text, &moved));
        diagnostic.file.clone_from(file);
        diagnostic.pointer = Some(moved);
    }

    /// Whether a diagnostic is about the entry file (else about one it refers to).
    pub(crate) fn in_entry(&self, diagnostic: &Diagnostic) -> bool {
        diagnostic.file == self.entry
    }
}

/// What bundling reads and decides.
struct Bundler<'a> {
    files: &'a dyn Files,
    entry: String,
    /// Every file read (or `None` when it could not be), by path.
    loaded: BTreeMap<String, Option<Value>>,
    /// The entry document's name of each schema copied in, by file and pointer.
    names: BTreeMap<(String, String), String>,
    /// The schema names the entry document uses.
    taken: BTreeSet<String>,
    /// Schemas named but not yet copied: name, file, pointer.
    pending: Vec<(String, String, String)>,
    /// The schemas queued for copying (or copied), by file and pointer.
    queued: BTreeSet<(String, String)>,
    /// Elements being copied in place, to refuse a cycle of them.
    inlining: Vec<(String, String)>,
    bundle: Bundle,
    problems: Vec<Diagnostic>,
}

/// Bundles every file the entry document refers to into it; returns the origins of the copies
/// and the problems found (unreadable files, pointers that point at nothing, URLs).
pub(crate) fn bundle(
    document: &mut Value,
    text: &str,
    file: &str,
    files: &dyn Files,
) -> (Bundle, Vec<Diagnostic>) {
    let taken = document
        .get("components")
        .and_then(|components| components.get("schemas"))
        .and_then(Value::as_mapping)
        .map(|schemas| {
            schemas
                .keys()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let mut bundler = Bundler {
        files,
        entry: file.to_owned(),
        loaded: BTreeMap::new(),
        names: BTreeMap::new(),
        taken,
        pending: Vec::new(),
        queued: BTreeSet::new(),
        inlining: Vec::new(),
        bundle: Bundle {
            entry: file.to_owned(),
            origins: Vec::new(),
            texts: BTreeMap::from([(file.to_owned(), text.to_owned())]),
        },
        problems: Vec::new(),
    };
    bundler.own_names(document);
    bundler.rewrite(document, file, false, "", "");
    let mut copies = Vec::new();
    while !bundler.pending.is_empty() {
        let (name, from, pointer) = bundler.pending.remove(0);
        let Some(mut schema) = bundler.target(&from, &pointer).cloned() else {
            continue;
        };
        let site = format!("/components/schemas/{}", pointer_token(&name));
        bundler.rewrite(&mut schema, &from, true, &site, &pointer);
        bundler.bundle.origins.push((site, from, pointer));
        copies.push((name, schema));
    }
    if !copies.is_empty() {
        if let Some(root) = document.as_mapping_mut() {
            let components = root
                .entry("components".into())
                .or_insert_with(|| Value::Mapping(Mapping::new()));
            if components.is_null() {
                *components = Value::Mapping(Mapping::new());
            }
            if let Some(components) = components.as_mapping_mut() {
                let schemas = components
                    .entry("schemas".into())
                    .or_insert_with(|| Value::Mapping(Mapping::new()));
                if schemas.is_null() {
                    *schemas = Value::Mapping(Mapping::new());
                }
                if let Some(schemas) = schemas.as_mapping_mut() {
                    for (name, schema) in copies {
                        schemas.insert(Value::String(name), schema);
                    }
                }
            }
        }
    }
    (bundler.bundle, bundler.problems)
}

/// Where a reference leads.
enum Target {
    /// The entry document, at this pointer.
    Entry(String),
    /// Another file (read), at this pointer.
    Other(String, String),
    /// Nowhere: the problem is reported.
    Failed,
}

/// Every discriminator mapping value inside `node`: the pointer of the schema holding the
/// discriminator, the mapping's key and its value.
fn discriminators(node: &Value, at: &mut String, found: &mut Vec<(String, String, String)>) {
    let len = at.len();
    match node {
        Value::Mapping(map) => {
            let mapping = map
                .get("discriminator")
                .and_then(|discriminator| discriminator.get("mapping"))
                .and_then(Value::as_mapping);
            for (key, value) in mapping.into_iter().flatten() {
                if let (Some(key), Some(value)) = (key.as_str(), value.as_str()) {
                    found.push((at.clone(), key.to_owned(), value.to_owned()));
                }
            }
            for (key, child) in map {
                if let Some(key) = key.as_str().filter(|key| !key.starts_with("x-")) {
                    push_token(at, key);
                    discriminators(child, at, found);
                    at.truncate(len);
                }
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                push_index(at, index);
                discriminators(item, at, found);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// What a place in a document holds, as far as references care.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Schema,
    /// A map of schemas (`properties`, `components/schemas`) or a list of them (`allOf`).
    Schemas,
    Other,
}

/// Whether the object at `at` (relative to a value whose own place is `base`) is a schema.
fn is_schema(base: Place, at: &str) -> bool {
    let mut place = base;
    let mut previous = String::new();
    for token in at.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        place = match place {
            Place::Schemas => Place::Schema,
            Place::Schema => match token.as_str() {
                "items" | "not" | "additionalProperties" | "schema" => Place::Schema,
                "properties" | "patternProperties" | "$defs" | "definitions" | "allOf"
                | "oneOf" | "anyOf" => Place::Schemas,
                _ => Place::Other,
            },
            Place::Other => match token.as_str() {
                "schema" => Place::Schema,
                "schemas" if previous == "components" => Place::Schemas,
                _ => Place::Other,
            },
        };
        previous = token;
    }
    place == Place::Schema
}

/// The object at `pointer` inside `value`.
fn resolve_mut<'v>(value: &'v mut Value, pointer: &str) -> Option<&'v mut Value> {
    pointer
        .split('/')
        .skip(1)
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
        .try_fold(value, |node, token| match node {
            Value::Mapping(map) => map.get_mut(token.as_str()),
            Value::Sequence(items) => token.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        })
}

impl Bundler<'_> {
    /// Rewrites every reference inside `value`, which sits at `origin` in `file` and at `site`
    /// in the entry document; `schema` says whether `value` itself is a schema.
    fn rewrite(&mut self, value: &mut Value, file: &str, schema: bool, site: &str, origin: &str) {
        let base = if schema { Place::Schema } else { Place::Other };
        let mut refs = Vec::new();
        collect_refs(value, &mut refs);
        // Objects replaced by a copy: references inside them are gone with them.
        let mut replaced: Vec<String> = Vec::new();
        for (at, target) in refs {
            if file == self.entry && target.starts_with('#') {
                continue;
            }
            if replaced.iter().any(|done| {
                at.strip_prefix(done.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            }) {
                continue;
            }
            let at_ref = format!("{origin}{at}/$ref");
            let (target_file, pointer) = match self.follow(file, &at_ref, &target) {
                Target::Entry(pointer) => {
                    if let Some(Value::Mapping(holder)) = resolve_mut(value, &at) {
                        holder.insert("$ref".into(), Value::String(format!("#{pointer}")));
                    }
                    continue;
                }
                Target::Other(target_file, pointer) => (target_file, pointer),
                Target::Failed => {
                    self.reported(value, &at, file, &target);
                    continue;
                }
            };
            if is_schema(base, &at) || pointer.starts_with("/components/schemas/") {
                let name = self.schema_name(&target_file, &pointer);
                if let Some(Value::Mapping(holder)) = resolve_mut(value, &at) {
                    let internal = format!("#/components/schemas/{}", pointer_token(&name));
                    holder.insert("$ref".into(), Value::String(internal));
                }
                continue;
            }
            let key = (target_file.clone(), pointer.clone());
            if self.inlining.contains(&key) {
                self.problem(
                    file,
                    &at_ref,
                    format!("`$ref: {target}` leads back to itself through other files"),
                    "only schemas may refer to themselves; break the cycle",
                );
                self.reported(value, &at, file, &target);
                continue;
            }
            let Some(mut copy) = self.target(&target_file, &pointer).cloned() else {
                continue;
            };
            let copy_site = format!("{site}{at}");
            self.inlining.push(key);
            self.rewrite(&mut copy, &target_file, false, &copy_site, &pointer);
            self.inlining.pop();
            self.bundle
                .origins
                .push((copy_site, target_file, pointer.clone()));
            if let Some(holder) = resolve_mut(value, &at) {
                *holder = copy;
            }
            replaced.push(at);
        }
        self.mappings(value, file, base, origin);
    }

    /// Gives a schema of another file the name of the entry document's component that is only a
    /// reference to it (`components: {schemas: {Pet: {$ref: './pet.yaml'}}}`), whichever
    /// reference reaches it first: the copy then replaces that component, rather than
    /// becoming a second type beside an alias.
    fn own_names(&mut self, document: &Value) {
        let schemas = document
            .get("components")
            .and_then(|components| components.get("schemas"))
            .and_then(Value::as_mapping);
        for (name, schema) in schemas.into_iter().flatten() {
            let (Some(name), Some(holder)) = (name.as_str(), schema.as_mapping()) else {
                continue;
            };
            let Some(target) = holder.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            if holder.len() != 1 || target.starts_with('#') || target.contains("://") {
                continue;
            }
            let (path, pointer) = target.split_once('#').unwrap_or((target, ""));
            let key = (join(&self.entry, path), pointer.to_owned());
            self.names.entry(key).or_insert_with(|| name.to_owned());
        }
    }

    /// A reference whose problem is reported: named by its file from now on, so that no later
    /// check takes it for a reference inside the entry document.
    fn reported(&self, value: &mut Value, at: &str, file: &str, target: &str) {
        if file != self.entry && target.starts_with('#') {
            if let Some(Value::Mapping(holder)) = resolve_mut(value, at) {
                holder.insert("$ref".into(), Value::String(format!("{file}{target}")));
            }
        }
    }

    /// Rewrites the values of each discriminator's `mapping` that name a schema in another file
    /// (`./Beverage.yaml`, `common.yaml#/components/schemas/Dog`), as their `$ref`s are.
    fn mappings(&mut self, value: &mut Value, file: &str, base: Place, origin: &str) {
        let mut found = Vec::new();
        discriminators(value, &mut String::new(), &mut found);
        for (at, key, target) in found {
            let named_by_path = target.contains('#')
                || [".yaml", ".yml", ".json"]
                    .iter()
                    .any(|ext| target.ends_with(ext));
            if !named_by_path || !is_schema(base, &at) {
                continue;
            }
            if file == self.entry && target.starts_with('#') {
                continue;
            }
            let at_value = format!("{origin}{at}/discriminator/mapping/{}", pointer_token(&key));
            let internal = match self.follow(file, &at_value, &target) {
                Target::Entry(pointer) => format!("#{pointer}"),
                Target::Other(target_file, pointer) => {
                    let name = self.schema_name(&target_file, &pointer);
                    format!("#/components/schemas/{}", pointer_token(&name))
                }
                Target::Failed => continue,
            };
            let mapping = resolve_mut(value, &format!("{at}/discriminator/mapping"));
            if let Some(Value::Mapping(mapping)) = mapping {
                mapping.insert(Value::String(key), Value::String(internal));
            }
        }
    }

    /// Where a reference leads: the entry document, an element of another file (read), or
    /// nowhere (with a problem at the reference).
    fn follow(&mut self, file: &str, at_ref: &str, target: &str) -> Target {
        let lower = target.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") || lower.contains("://") {
            self.problem(
                file,
                at_ref,
                format!("`$ref: {target}` is a URL; clientgen reads no document over the network"),
                "download the document next to this one and refer to it by its path: `$ref: './common.yaml#/components/schemas/Money'`",
            );
            return Target::Failed;
        }
        let (path, pointer) = target.split_once('#').unwrap_or((target, ""));
        let target_file = if path.is_empty() {
            file.to_owned()
        } else {
            join(file, path)
        };
        if target_file == self.entry {
            return Target::Entry(pointer.to_owned());
        }
        if !self.load(&target_file, file, at_ref, target) {
            return Target::Failed;
        }
        if self.target(&target_file, pointer).is_none() {
            self.problem(
                file,
                at_ref,
                format!("`$ref: {target}` points at nothing in `{target_file}`"),
                "check the pointer after `#` against that file; names are case-sensitive",
            );
            return Target::Failed;
        }
        Target::Other(target_file, pointer.to_owned())
    }

    /// The entry document's name for the schema at `pointer` in `file`, chosen the first time.
    fn schema_name(&mut self, file: &str, pointer: &str) -> String {
        let key = (file.to_owned(), pointer.to_owned());
        if let Some(name) = self.names.get(&key).cloned() {
            if self.queued.insert(key) {
                self.pending
                    .push((name.clone(), file.to_owned(), pointer.to_owned()));
            }
            return name;
        }
        let own = match pointer.rsplit_once('/') {
            Some((_, token)) if !token.is_empty() => token.replace("~1", "/").replace("~0", "~"),
            _ => Path::new(file)
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_else(|| "Schema".to_owned()),
        };
        let mut name = own.clone();
        let mut number = 2;
        while self.taken.contains(&name) {
            name = format!("{own}{number}");
            number += 1;
        }
        self.taken.insert(name.clone());
        self.names.insert(key.clone(), name.clone());
        self.queued.insert(key);
        self.pending
            .push((name.clone(), file.to_owned(), pointer.to_owned()));
        name
    }

    /// The element at `pointer` in a file already read.
    fn target(&self, file: &str, pointer: &str) -> Option<&Value> {
        let document = self.loaded.get(file)?.as_ref()?;
        resolve(document, pointer)
    }

    /// Reads and parses `path` once; false (with a problem at the reference) when it cannot.
    fn load(&mut self, path: &str, from: &str, at_ref: &str, target: &str) -> bool {
        if let Some(loaded) = self.loaded.get(path) {
            return loaded.is_some();
        }
        let text = match self.files.read(Path::new(path)) {
            Ok(text) => text,
            Err(err) => {
                let (why, hint) = match err.kind() {
                    std::io::ErrorKind::NotFound => (
                        "there is no such file".to_owned(),
                        "check the path: it is relative to the file that holds the `$ref`",
                    ),
                    std::io::ErrorKind::Unsupported => (
                        err.to_string(),
                        "generate with `clientgen generate` or `cargo xtask regen`, which read the files a document refers to",
                    ),
                    _ => (
                        format!("it cannot be read: {err}"),
                        "check that the file is readable",
                    ),
                };
                self.problem(
                    from,
                    at_ref,
                    format!("`$ref: {target}` refers to `{path}`; {why}"),
                    hint,
                );
                return false;
            }
        };
        let value = match parse::parse(&text, path) {
            Ok(mut value) => {
                self.problems
                    .extend(version::untag(&mut value, &text, path));
                Some(value)
            }
            Err(problem) => {
                self.problems.push(*problem);
                None
            }
        };
        self.bundle.texts.insert(path.to_owned(), text);
        let read = value.is_some();
        self.loaded.insert(path.to_owned(), value);
        read
    }

    /// An error at `at` in `file`, located in that file's text.
    fn problem(&mut self, file: &str, at: &str, message: String, hint: &str) {
        let mut problem = Diagnostic::error(file, message).at(at).hint(hint);
        if let Some((line, column)) = self
            .bundle
            .texts
            .get(file)
            .and_then(|text| locate(text, at))
        {
            problem = problem.line_col(line, column);
        }
        self.problems.push(problem);
    }
}
