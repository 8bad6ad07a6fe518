//! Schemas -> named types and type references. Component schemas get their names before any
//! schema is lowered, so references (forward, mutual, recursive) resolve by name alone.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;

use openapiv3::{
    AdditionalProperties, AnySchema, ArrayType, BooleanType, IntegerFormat, IntegerType,
    NumberFormat, NumberType, ObjectType, OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat,
    StringType, Type, VariantOrUnknownOrEmpty,
};

use super::cycles;
use super::docs::{doc, inferred};
use super::names::{pascal, snake, type_name, Scope};
use super::operations::is_json;
use crate::diagnostics::{pointer_token, Diagnostic};
use crate::ir::{
    resolve_alias, Field, IntVariant, TypeDef, TypeKind, TypeRef, UnionVariant, Variant,
};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Every named type of one API, built up while schemas are lowered.
pub(crate) struct TypeSpace<'a> {
    spec: &'a OpenAPI,
    file: &'a str,
    /// Component schema name -> Rust type name.
    component_names: BTreeMap<String, String>,
    scope: Scope,
    defs: Vec<TypeDef>,
    /// Named types made from inline schemas, by the schema's JSON pointer: a schema reached
    /// twice (inside a shared component parameter) is one type.
    inline: BTreeMap<String, TypeRef>,
    /// Rust type name -> the JSON pointer of the schema it was made from, for diagnostics.
    pointers: BTreeMap<String, String>,
    /// Pointers of the schemas of multipart bodies: their binary properties are files.
    multipart: BTreeSet<String>,
    /// The document as JSON, made on the first `$ref` to a schema that is not a component
    /// (`#/components/schemas/A/properties/b`), to follow such pointers.
    document: OnceCell<Option<serde_json::Value>>,
    /// Pointers of the schemas being lowered through a `$ref` right now: a `$ref` back to one
    /// of them is a cycle of inline schemas.
    following: Vec<String>,
    /// Named types made from inline schemas, by their shape (the kind without docs): a shape
    /// seen twice is one type, named after the first place.
    shapes: BTreeMap<String, String>,
    /// Pointers and names of the inline schemas whose type is being made right now: a `$ref`
    /// back into one of them (a recursive inline object) names it early, in `recursive`.
    open: Vec<(String, String)>,
    /// Names given early to inline schemas that refer to themselves, by pointer.
    recursive: BTreeMap<String, String>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> TypeSpace<'a> {
    /// Names every component schema, then lowers each one. A `format: binary` property (or
    /// array of them) of one of the `multipart` schemas (JSON pointers) is a file; anywhere
    /// else a binary string is a `String`, as JSON can only carry text.
    pub(crate) fn new(spec: &'a OpenAPI, file: &'a str, multipart: BTreeSet<String>) -> Self {
        let mut space = Self {
            spec,
            file,
            component_names: BTreeMap::new(),
            scope: Scope::default(),
            defs: Vec::new(),
            inline: BTreeMap::new(),
            pointers: BTreeMap::new(),
            multipart,
            document: OnceCell::new(),
            following: Vec::new(),
            shapes: BTreeMap::new(),
            open: Vec::new(),
            recursive: BTreeMap::new(),
            diagnostics: Vec::new(),
        };
        let schemas = spec.components.as_ref().map(|c| &c.schemas);
        for name in schemas.into_iter().flat_map(|schemas| schemas.keys()) {
            let rust = space.scope.claim(type_name(name));
            space.component_names.insert(name.clone(), rust);
        }
        for (name, schema) in schemas.into_iter().flat_map(|schemas| schemas.iter()) {
            let rust = space.component_names.get(name).cloned().unwrap_or_default();
            let pointer = format!("/components/schemas/{}", pointer_token(name));
            space.define_component(rust, schema, &pointer);
        }
        // An inline schema met from here on (in operations) with a component's shape is that
        // component: a request body's `address` object is `Address`, not a copy of it.
        // Components keep their own names even when two have one shape: both are the API's.
        let components: BTreeSet<&str> =
            space.component_names.values().map(String::as_str).collect();
        for def in &space.defs {
            if components.contains(def.name.as_str()) {
                space
                    .shapes
                    .entry(shape_key(&def.kind))
                    .or_insert_with(|| def.name.clone());
            }
        }
        space
    }

    /// The lowered types, sorted by name.
    pub(crate) fn into_types(self) -> (Vec<TypeDef>, Vec<Diagnostic>) {
        let mut defs = self.defs;
        let mut diagnostics = self.diagnostics;
        defs.sort_by(|a, b| a.name.cmp(&b.name));
        cycles::break_cycles(&mut defs, &self.pointers, self.file, &mut diagnostics);
        absorb_open_strings(&mut defs);
        // Untagged alternatives are tried in order: the narrower ones first, so that none
        // shadows a later one (a struct with no required field accepts any object, `f64`
        // accepts integers, a string enum keeps any string).
        let ranks: Vec<Vec<u32>> = defs
            .iter()
            .map(|def| match &def.kind {
                TypeKind::Union {
                    discriminator: None,
                    variants,
                } => variants.iter().map(|v| shadow_rank(&v.ty, &defs)).collect(),
                _ => Vec::new(),
            })
            .collect();
        for (def, ranks) in defs.iter_mut().zip(ranks) {
            if let TypeKind::Union {
                discriminator: None,
                variants,
            } = &mut def.kind
            {
                let mut ranked: Vec<(u32, UnionVariant)> =
                    ranks.into_iter().zip(variants.drain(..)).collect();
                ranked.sort_by_key(|(rank, _)| *rank);
                variants.extend(ranked.into_iter().map(|(_, v)| v));
            }
        }
        (defs, diagnostics)
    }

    /// A name for a type that is not a schema (an operation's response enum), from the same
    /// scope as every schema type so that it cannot collide with one.
    pub(crate) fn claim(&mut self, hint: &str) -> String {
        self.scope.claim(type_name(hint))
    }

    /// Adds a type named by [`TypeSpace::claim`].
    pub(crate) fn push(&mut self, def: TypeDef) {
        self.defs.push(def);
    }

    /// Whether the schema at `pointer` is a property of a multipart body's schema, or the
    /// items of one.
    fn is_file(&self, pointer: &str) -> bool {
        [Some(pointer), pointer.strip_suffix("/items")]
            .into_iter()
            .flatten()
            .filter_map(|property| property.rsplit_once("/properties/"))
            .any(|(parent, name)| !name.contains('/') && self.multipart.contains(parent))
    }

    /// `ty` with aliases followed.
    pub(crate) fn resolve_alias(&self, ty: &TypeRef) -> TypeRef {
        resolve_alias(&self.defs, ty.clone())
    }

    /// The fields of the struct `ty` names (aliases followed), once lowered.
    pub(crate) fn struct_fields(&self, ty: &TypeRef) -> Option<&[Field]> {
        let TypeRef::Named(name) = self.resolve_alias(ty) else {
            return None;
        };
        match &self.defs.iter().find(|def| def.name == name)?.kind {
            TypeKind::Struct { fields } => Some(fields),
            _ => None,
        }
    }

    fn define_component(&mut self, name: String, schema: &ReferenceOr<Schema>, pointer: &str) {
        let retyped = match schema {
            ReferenceOr::Item(item) => retyped(item).map(ReferenceOr::Item),
            ReferenceOr::Reference { .. } => None,
        };
        let schema = retyped.as_ref().unwrap_or(schema);
        let kind = match schema {
            ReferenceOr::Item(schema) => match self.named_kind(&name, schema, pointer) {
                Some(kind) => kind,
                None => TypeKind::Alias(
                    self.type_ref(&ReferenceOr::Item(schema.clone()), &name, pointer)
                        .0,
                ),
            },
            ReferenceOr::Reference { .. } => {
                TypeKind::Alias(self.type_ref(schema, &name, pointer).0)
            }
        };
        let (description, why) = match schema {
            ReferenceOr::Item(schema) => (
                schema.schema_data.description.as_deref(),
                inferred(schema.schema_data.extensions.get("x-inferred")),
            ),
            ReferenceOr::Reference { .. } => (None, None),
        };
        let doc = doc(&[description, why.as_deref()]);
        self.pointers.insert(name.clone(), pointer.to_owned());
        self.defs.push(TypeDef {
            name,
            doc,
            kind,
            features: Vec::new(),
        });
    }

    /// The kind of a schema that needs a type of its own (struct or enum), if it does.
    fn named_kind(&mut self, name: &str, schema: &Schema, pointer: &str) -> Option<TypeKind> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
                Some(self.struct_kind(name, object, pointer))
            }
            SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
                Some(string_enum(string.enumeration.iter().flatten()))
            }
            SchemaKind::Type(Type::Integer(integer)) if is_int_enum(integer) => {
                Some(self.int_enum(integer, schema, pointer))
            }
            SchemaKind::OneOf { one_of: variants } if alternatives(variants) >= 2 => {
                Some(self.union_kind(name, schema, variants, pointer, "oneOf"))
            }
            SchemaKind::AnyOf { any_of: variants } if alternatives(variants) >= 2 => {
                Some(self.union_kind(name, schema, variants, pointer, "anyOf"))
            }
            SchemaKind::Any(any) if !any.one_of.is_empty() || !any.any_of.is_empty() => {
                self.distributed(name, schema, pointer)
            }
            SchemaKind::Any(any) if !any.all_of.is_empty() => self
                .merged_all_of(name, schema, pointer)
                .or_else(|| self.distributed(name, schema, pointer)),
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                let object = ObjectType {
                    properties: any.properties.clone(),
                    required: any.required.clone(),
                    additional_properties: any.additional_properties.clone(),
                    ..ObjectType::default()
                };
                Some(self.struct_kind(name, &object, pointer))
            }
            // `allOf` of one `$ref` (and annotations) is another name for the referenced type.
            SchemaKind::AllOf { all_of }
                if matches!(
                    typed_parts(all_of).collect::<Vec<_>>().as_slice(),
                    [(_, ReferenceOr::Reference { .. })]
                ) =>
            {
                None
            }
            SchemaKind::AllOf { .. } => self
                .merged_all_of(name, schema, pointer)
                .or_else(|| self.distributed(name, schema, pointer)),
            _ => None,
        }
    }

    fn struct_kind(&mut self, name: &str, object: &ObjectType, pointer: &str) -> TypeKind {
        let properties = object
            .properties
            .iter()
            .map(|(wire_name, property)| MergedProperty {
                wire_name: wire_name.clone(),
                schema: boxed_ref(property),
                pointer: format!("{pointer}/properties/{}", pointer_token(wire_name)),
                hint: format!("{name}{}", pascal(wire_name)),
            })
            .collect();
        self.fields(properties, &object.required)
    }

    /// A struct of `properties`, each lowered at its own place and named after it.
    fn fields(&mut self, properties: Vec<MergedProperty>, required: &[String]) -> TypeKind {
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for property in properties {
            let MergedProperty {
                wire_name,
                schema: property,
                pointer: property_pointer,
                hint,
            } = property;
            let (ty, nullable) = self.type_ref(&property, &hint, &property_pointer);
            let (description, why) = match &property {
                ReferenceOr::Item(schema) => (
                    schema
                        .schema_data
                        .description
                        .clone()
                        .or_else(|| annotated_description(schema)),
                    inferred(schema.schema_data.extensions.get("x-inferred")),
                ),
                ReferenceOr::Reference { reference } => {
                    (self.component_description(reference), None)
                }
            };
            fields.push(Field {
                rust_name: scope.claim(snake(&wire_name)),
                doc: doc(&[description.as_deref(), why.as_deref()]),
                ty,
                required: required.contains(&wire_name),
                nullable,
                boxed: false,
                wire_name,
            });
        }
        TypeKind::Struct { fields }
    }

    /// `allOf` whose parts are all objects (or `$ref`s to objects, or `allOf`s of them, at
    /// any depth): one struct with every part's fields. Each property keeps the place where it
    /// is written, so an inherited property is the same type in the parent and the child.
    /// `None` when a part is not an object (a string, an array, a `oneOf`).
    fn merged_all_of(&mut self, name: &str, schema: &Schema, pointer: &str) -> Option<TypeKind> {
        let mut merged = Merged::default();
        let mut visiting = vec![pointer.to_owned()];
        if !self.collect_all_of(schema, pointer, name, &mut merged, &mut visiting) {
            return None;
        }
        let properties = merged.properties.into_values().collect();
        Some(self.fields(properties, &merged.required))
    }

    /// Adds the properties of `schema` (at `pointer`, its inline types named from `base`) to
    /// `merged`; false when the schema is not an object.
    fn collect_all_of(
        &mut self,
        schema: &Schema,
        pointer: &str,
        base: &str,
        merged: &mut Merged,
        visiting: &mut Vec<String>,
    ) -> bool {
        if let SchemaKind::Any(any) = &schema.schema_kind {
            if !any.all_of.is_empty() {
                // `allOf` beside `properties` (and `type: object`): the parts, then the
                // properties of the schema itself.
                if !any.one_of.is_empty() || !any.any_of.is_empty() || any.items.is_some() {
                    return false;
                }
                if !self.collect_parts(&any.all_of, pointer, base, merged, visiting) {
                    return false;
                }
                merged.add(self, &any.properties, &any.required, pointer, base);
                return true;
            }
        }
        let retyped = retyped(schema);
        match &retyped.as_ref().unwrap_or(schema).schema_kind {
            SchemaKind::AllOf { all_of } => {
                self.collect_parts(all_of, pointer, base, merged, visiting)
            }
            SchemaKind::Type(Type::Object(object)) => {
                merged.add(self, &object.properties, &object.required, pointer, base);
                true
            }
            SchemaKind::Any(any)
                if any.one_of.is_empty() && any.any_of.is_empty() && any.items.is_none() =>
            {
                // Properties without a type, or only annotations (`nullable`, `description`).
                merged.add(self, &any.properties, &any.required, pointer, base);
                true
            }
            _ => false,
        }
    }

    fn collect_parts(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        pointer: &str,
        base: &str,
        merged: &mut Merged,
        visiting: &mut Vec<String>,
    ) -> bool {
        for (index, part) in typed_parts(parts) {
            let (schema, at, part_base) = match part {
                ReferenceOr::Item(schema) => (
                    schema.clone(),
                    format!("{pointer}/allOf/{index}"),
                    base.to_owned(),
                ),
                ReferenceOr::Reference { reference } => {
                    let Some((schema, at)) = self.schema_at(reference) else {
                        return false;
                    };
                    let part_base = self.place_name(&at);
                    (schema, at, part_base)
                }
            };
            if visiting.contains(&at) {
                // A part that includes the schema itself adds nothing new.
                continue;
            }
            visiting.push(at.clone());
            let ok = self.collect_all_of(&schema, &at, &part_base, merged, visiting);
            visiting.pop();
            if !ok {
                return false;
            }
        }
        true
    }

    /// Fields shared by every alternative of a `oneOf`/`anyOf` (`properties` beside it, or
    /// the other parts of an `allOf` one part of which is the `oneOf`): a union with one struct
    /// per alternative, the shared fields then the alternative's own (`{name}{Alternative}`).
    /// `None` when an alternative or a shared part is not an object.
    fn distributed(&mut self, name: &str, schema: &Schema, pointer: &str) -> Option<TypeKind> {
        let annotation = ReferenceOr::Item(Schema {
            schema_data: openapiv3::SchemaData::default(),
            schema_kind: SchemaKind::Any(AnySchema::default()),
        });
        // The alternatives, their keyword and pointer, and the shared part.
        let (alternatives, at, shared) = match &schema.schema_kind {
            SchemaKind::Any(any) => {
                let (alternatives, keyword) = match (any.one_of.is_empty(), any.any_of.is_empty()) {
                    (false, true) => (any.one_of.clone(), "oneOf"),
                    (true, false) => (any.any_of.clone(), "anyOf"),
                    _ => return None,
                };
                let mut rest = any.clone();
                rest.one_of.clear();
                rest.any_of.clear();
                let shared = Schema {
                    schema_data: openapiv3::SchemaData::default(),
                    schema_kind: SchemaKind::Any(rest),
                };
                (alternatives, format!("{pointer}/{keyword}"), shared)
            }
            SchemaKind::AllOf { all_of } => {
                let composed: Vec<(usize, Vec<ReferenceOr<Schema>>, &str)> = typed_parts(all_of)
                    .filter_map(|(index, part)| match part {
                        ReferenceOr::Item(part) => match &part.schema_kind {
                            SchemaKind::OneOf { one_of } => Some((index, one_of.clone(), "oneOf")),
                            SchemaKind::AnyOf { any_of } => Some((index, any_of.clone(), "anyOf")),
                            _ => None,
                        },
                        ReferenceOr::Reference { .. } => None,
                    })
                    .collect();
                let [(index, alternatives, keyword)] = composed.as_slice() else {
                    return None;
                };
                let mut parts = all_of.clone();
                if let Some(part) = parts.get_mut(*index) {
                    *part = annotation.clone();
                }
                let shared = Schema {
                    schema_data: openapiv3::SchemaData::default(),
                    schema_kind: SchemaKind::AllOf { all_of: parts },
                };
                (
                    alternatives.clone(),
                    format!("{pointer}/allOf/{index}/{keyword}"),
                    shared,
                )
            }
            _ => return None,
        };
        let mut common = Merged::default();
        let mut visiting = vec![pointer.to_owned()];
        if !self.collect_all_of(&shared, pointer, name, &mut common, &mut visiting) {
            return None;
        }
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let mut variants = Vec::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            if is_null_schema(alternative) {
                continue;
            }
            let alternative_at = format!("{at}/{index}");
            let (resolved, place, base, short) = match alternative {
                ReferenceOr::Item(item) => (
                    item.clone(),
                    alternative_at.clone(),
                    name.to_owned(),
                    format!("Variant{}", index + 1),
                ),
                ReferenceOr::Reference { reference } => {
                    let (resolved, place) = self.schema_at(reference)?;
                    let base = self.place_name(&place);
                    (resolved, place, base.clone(), base)
                }
            };
            let mut merged = Merged {
                properties: common.properties.clone(),
                required: common.required.clone(),
            };
            let mut visiting = vec![pointer.to_owned(), place.clone()];
            if !self.collect_all_of(&resolved, &place, &base, &mut merged, &mut visiting) {
                return None;
            }
            let properties = merged.properties.into_values().collect();
            let kind = self.fields(properties, &merged.required);
            let hint = format!("{name}{short}");
            let ty = TypeRef::Named(self.add_inline(&hint, kind, &alternative_at, None));
            let tags = discriminator_tags(discriminator, alternative);
            variants.push(UnionVariant {
                rust_name: scope.claim(variant_name(&ty)),
                ty,
                tags,
                boxed: false,
            });
        }
        if variants.len() < 2 {
            return None;
        }
        let tagged = discriminator.filter(|_| variants.iter().all(|v| !v.tags.is_empty()));
        if discriminator.is_some() && tagged.is_none() {
            self.diagnostics.push(
                Diagnostic::warning(
                    self.file,
                    "the discriminator cannot select an inline alternative; the alternatives are tried in turn instead".to_owned(),
                )
                .at(format!("{pointer}/discriminator"))
                .hint("make each alternative a `$ref` to a component schema"),
            );
            for variant in &mut variants {
                variant.tags.clear();
            }
        }
        Some(TypeKind::Union {
            discriminator: tagged.map(|d| d.property_name.clone()),
            variants,
        })
    }

    /// Adds a named type made from an inline schema at `pointer`, unless an earlier inline
    /// type has its shape; its name either way.
    fn add_inline(
        &mut self,
        hint: &str,
        kind: TypeKind,
        pointer: &str,
        doc: Option<String>,
    ) -> String {
        let shape = shape_key(&kind);
        if let Some(name) = self.shapes.get(&shape) {
            return name.clone();
        }
        let name = self.scope.claim(type_name(hint));
        self.shapes.insert(shape, name.clone());
        self.pointers.insert(name.clone(), pointer.to_owned());
        self.defs.push(TypeDef {
            name: name.clone(),
            doc,
            kind,
            features: Vec::new(),
        });
        name
    }

    /// The schema a `$ref` points at (following `$ref`s to `$ref`s), with its JSON pointer:
    /// a component schema, or any place of the document that holds a schema
    /// (`#/components/parameters/status/schema`, `#/components/schemas/A/properties/b`).
    fn schema_at(&self, reference: &str) -> Option<(Schema, String)> {
        let mut reference = reference.to_owned();
        for _ in 0..32 {
            let pointer = reference.strip_prefix('#')?.to_owned();
            let found = match reference
                .strip_prefix(SCHEMA_PREFIX)
                .filter(|name| !name.contains('/'))
            {
                Some(name) => self.spec.components.as_ref()?.schemas.get(name)?.clone(),
                None if !is_schema_place(&pointer) => return None,
                None => {
                    let document = self
                        .document
                        .get_or_init(|| serde_json::to_value(self.spec).ok())
                        .as_ref()?;
                    serde_json::from_value(document.pointer(&pointer)?.clone()).ok()?
                }
            };
            match found {
                ReferenceOr::Item(schema) => return Some((schema, pointer)),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }

    /// The string at `tokens` + `key` in the document, if it is one.
    fn written_at(&self, tokens: &[&str], key: &str) -> Option<String> {
        let document = self
            .document
            .get_or_init(|| serde_json::to_value(self.spec).ok())
            .as_ref()?;
        let mut node = document;
        for token in tokens.iter().copied().chain([key]) {
            node = match node {
                serde_json::Value::Object(map) => map.get(token)?,
                serde_json::Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        node.as_str().map(str::to_owned)
    }

    /// The name an inline schema at `pointer` gets, after its place: `VehiclePosition` for
    /// `/components/schemas/Vehicle/properties/position`, the parameter's name for a
    /// component parameter's schema, the operation's for a body or response schema.
    fn place_name(&self, pointer: &str) -> String {
        let tokens: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .collect();
        let (base, rest): (String, &[String]) = match tokens.as_slice() {
            [components, section, name, rest @ ..] if components == "components" => {
                match section.as_str() {
                    "schemas" => (
                        self.component_names
                            .get(name)
                            .cloned()
                            .unwrap_or_else(|| pascal(name)),
                        rest,
                    ),
                    "parameters" | "headers" => (pascal(name), rest.get(1..).unwrap_or(&[])),
                    _ => (pascal(name), rest),
                }
            }
            [paths, path, method, rest @ ..] if paths == "paths" => {
                let operation_id = self
                    .spec
                    .paths
                    .paths
                    .get(path)
                    .and_then(ReferenceOr::as_item)
                    .and_then(|item| item.iter().find(|(m, _)| m == method))
                    .and_then(|(_, op)| op.operation_id.clone());
                let base = operation_id.unwrap_or_else(|| format!("{method} {path}"));
                (pascal(&base), rest)
            }
            _ => (String::new(), tokens.as_slice()),
        };
        let mut name = base;
        let mut at: Vec<&str> = tokens
            .get(..tokens.len() - rest.len())
            .unwrap_or(&[])
            .iter()
            .map(String::as_str)
            .collect();
        let mut rest = rest.iter();
        while let Some(token) = rest.next() {
            at.push(token);
            match token.as_str() {
                "properties" => {
                    if let Some(next) = rest.next() {
                        at.push(next);
                        name.push_str(&pascal(next));
                    }
                }
                "parameters" => {
                    if let Some(next) = rest.next() {
                        at.push(next);
                        let written = self.written_at(&at, "name");
                        name.push_str(&pascal(written.as_deref().unwrap_or(next)));
                    }
                }
                "items" => name.push_str("Item"),
                "additionalProperties" => name.push_str("Value"),
                "oneOf" | "anyOf" => {
                    let index = rest.next().and_then(|i| {
                        at.push(i);
                        i.parse::<usize>().ok()
                    });
                    name.push_str(&format!("Variant{}", index.unwrap_or(0) + 1));
                }
                "allOf" | "content" => {
                    if let Some(next) = rest.next() {
                        at.push(next);
                    }
                }
                "requestBody" => name.push_str("Request"),
                "responses" => {
                    let status = rest.next();
                    if let Some(status) = status {
                        at.push(status);
                    }
                    let success = status.is_some_and(|s| s.starts_with('2'));
                    name.push_str(if success { "Response" } else { "Error" });
                }
                "schema" | "not" => {}
                other => name.push_str(&pascal(other)),
            }
        }
        if name.is_empty() {
            "Schema".to_owned()
        } else {
            name
        }
    }

    /// The JSON schema of `#/components/responses/{name}`, when `reference` names a response
    /// that has one (and it is not itself a reference to a response).
    fn response_schema(&self, reference: &str) -> Option<ReferenceOr<Schema>> {
        let name = reference.strip_prefix("#/components/responses/")?;
        let ReferenceOr::Item(response) = self.spec.components.as_ref()?.responses.get(name)?
        else {
            return None;
        };
        let schema = response
            .content
            .iter()
            .find(|(media, _)| is_json(media))?
            .1
            .schema
            .clone()?;
        match &schema {
            ReferenceOr::Reference { reference }
                if reference.starts_with("#/components/responses/") =>
            {
                None
            }
            _ => Some(schema),
        }
    }

    fn component_description(&self, reference: &str) -> Option<String> {
        let name = reference.strip_prefix(SCHEMA_PREFIX)?;
        match self.spec.components.as_ref()?.schemas.get(name)? {
            ReferenceOr::Item(schema) => schema.schema_data.description.clone(),
            ReferenceOr::Reference { .. } => None,
        }
    }

    /// The type of a schema used somewhere (a property, a parameter, a body), and whether it is
    /// nullable. Inline objects and enums become named types called `hint`.
    pub(crate) fn type_ref(
        &mut self,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        pointer: &str,
    ) -> (TypeRef, bool) {
        let schema = match schema {
            ReferenceOr::Reference { reference } => {
                let target = reference
                    .strip_prefix(SCHEMA_PREFIX)
                    .and_then(|name| self.component_names.get(name));
                if let Some(schema) = self.response_schema(reference) {
                    // A schema `$ref` to a whole response: the response's JSON schema was meant.
                    self.diagnostics.push(
                        Diagnostic::warning(
                            self.file,
                            format!("`$ref: {reference}` names a response, not a schema; the response's JSON schema is used"),
                        )
                        .at(pointer)
                        .hint("refer to the schema (`#/components/schemas/..`), or use the response itself as the `$ref` of the whole response"),
                    );
                    return self.type_ref(&schema, hint, pointer);
                }
                if let Some(name) = target {
                    return (TypeRef::Named(name.clone()), false);
                }
                return self.pointed(reference, pointer);
            }
            ReferenceOr::Item(schema) => schema,
        };
        let retyped = retyped(schema);
        let schema = retyped.as_ref().unwrap_or(schema);
        let mut nullable = schema.schema_data.nullable;
        if let SchemaKind::OneOf { one_of: variants } | SchemaKind::AnyOf { any_of: variants } =
            &schema.schema_kind
        {
            // `null` among the alternatives makes the value optional; one alternative left is
            // that alternative's type.
            let rest: Vec<&ReferenceOr<Schema>> =
                variants.iter().filter(|v| !is_null_schema(v)).collect();
            nullable |= rest.len() < variants.len();
            match rest.as_slice() {
                [] => return (TypeRef::Json, true),
                [only] => {
                    let (ty, inner_nullable) = self.type_ref(only, hint, pointer);
                    return (ty, nullable || inner_nullable);
                }
                _ => {}
            }
        }
        if let SchemaKind::AllOf { all_of } = &schema.schema_kind {
            // A part that only annotates may say `nullable`.
            nullable |= all_of.iter().any(
                |part| matches!(part, ReferenceOr::Item(part) if part.schema_data.nullable && annotates_only(part)),
            );
        }
        if let Some(ty) = self.inline.get(pointer) {
            return (ty.clone(), nullable);
        }
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) if string.enumeration.is_empty() => {
                match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                    VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => TypeRef::Uuid,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
                        if self.is_file(pointer) =>
                    {
                        TypeRef::File
                    }
                    _ => TypeRef::String,
                }
            }
            SchemaKind::Type(Type::Integer(integer)) if !is_int_enum(integer) => {
                match integer.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                    _ => TypeRef::I64,
                }
            }
            SchemaKind::Type(Type::Number(number)) => match number.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => {
                    let items = boxed_ref(items);
                    let (inner, _) =
                        self.type_ref(&items, &format!("{hint}Item"), &format!("{pointer}/items"));
                    TypeRef::Vec(Box::new(inner))
                }
                None => TypeRef::Vec(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => {
                match &object.additional_properties {
                    Some(AdditionalProperties::Schema(values)) => {
                        let (inner, _) = self.type_ref(
                            values,
                            &format!("{hint}Value"),
                            &format!("{pointer}/additionalProperties"),
                        );
                        TypeRef::Map(Box::new(inner))
                    }
                    _ => TypeRef::JsonObject,
                }
            }
            SchemaKind::AllOf { all_of } if typed_parts(all_of).count() == 1 => {
                // One part with a type, the others only annotations (`description`,
                // `nullable`): the value is that part's type.
                nullable |= all_of.iter().any(
                    |part| matches!(part, ReferenceOr::Item(part) if part.schema_data.nullable),
                );
                let Some((index, only)) = typed_parts(all_of).next() else {
                    return (TypeRef::Json, nullable);
                };
                let (ty, inner_nullable) =
                    self.type_ref(only, hint, &format!("{pointer}/allOf/{index}"));
                return (ty, nullable || inner_nullable);
            }
            SchemaKind::AllOf { all_of } if self.same_scalar(all_of) => {
                // Parts of one scalar type (a `$ref` to a string, and a `maxLength`): that
                // type, as the first part gives it.
                let Some((index, first)) = typed_parts(all_of).next() else {
                    return (TypeRef::Json, nullable);
                };
                let (ty, inner_nullable) =
                    self.type_ref(first, hint, &format!("{pointer}/allOf/{index}"));
                return (ty, nullable || inner_nullable);
            }
            SchemaKind::Any(any)
                if any.properties.is_empty()
                    && any.items.is_none()
                    && any.all_of.is_empty()
                    && any.one_of.is_empty()
                    && any.any_of.is_empty()
                    && any.typ.is_none() =>
            {
                TypeRef::Json
            }
            _ => match self.open_named_kind(hint, schema, pointer) {
                Some(kind) => {
                    // The same shape at another place (an inherited or copied property) is
                    // the type made there first; a schema that refers to itself was named
                    // when it did.
                    let shape = shape_key(&kind);
                    let early = self.recursive.remove(pointer);
                    if let (None, Some(name)) = (&early, self.shapes.get(&shape)) {
                        let ty = TypeRef::Named(name.clone());
                        self.inline.insert(pointer.to_owned(), ty.clone());
                        return (ty, nullable);
                    }
                    let name = early.unwrap_or_else(|| self.scope.claim(type_name(hint)));
                    self.inline
                        .insert(pointer.to_owned(), TypeRef::Named(name.clone()));
                    self.shapes.insert(shape, name.clone());
                    let why = inferred(schema.schema_data.extensions.get("x-inferred"));
                    let doc = doc(&[schema.schema_data.description.as_deref(), why.as_deref()]);
                    self.pointers.insert(name.clone(), pointer.to_owned());
                    self.defs.push(TypeDef {
                        name: name.clone(),
                        doc,
                        kind,
                        features: Vec::new(),
                    });
                    TypeRef::Named(name)
                }
                None => {
                    self.warn(pointer, unsupported(schema));
                    match self.recursive.remove(pointer) {
                        // Named for a `$ref` back into it: the name stays, as any JSON value.
                        Some(name) => {
                            self.pointers.insert(name.clone(), pointer.to_owned());
                            self.defs.push(TypeDef {
                                name: name.clone(),
                                doc: None,
                                kind: TypeKind::Alias(TypeRef::Json),
                                features: Vec::new(),
                            });
                            TypeRef::Named(name)
                        }
                        None => TypeRef::Json,
                    }
                }
            },
        };
        (ty, nullable)
    }

    /// The type of a `$ref` to a schema that is not a component (`#/components/schemas/A/
    /// properties/b`, `#/components/parameters/p/schema`, a response's schema): the schema
    /// there, lowered once at its own place and named after it, whichever is reached first.
    fn pointed(&mut self, reference: &str, pointer: &str) -> (TypeRef, bool) {
        let Some((schema, target)) = self.schema_at(reference) else {
            self.warn(
                pointer,
                format!("`$ref: {reference}` does not point at a schema"),
            );
            return (TypeRef::Json, false);
        };
        if let Some(ty) = self.inline.get(&target) {
            return (ty.clone(), schema.schema_data.nullable);
        }
        if let Some((_, hint)) = self.open.iter().find(|(open, _)| *open == target) {
            // A reference into the inline object being made: it is named now, and boxed
            // like any recursive type.
            let hint = hint.clone();
            let name = match self.recursive.get(&target) {
                Some(name) => name.clone(),
                None => {
                    let name = self.scope.claim(type_name(&hint));
                    self.recursive.insert(target.clone(), name.clone());
                    name
                }
            };
            return (TypeRef::Named(name), schema.schema_data.nullable);
        }
        if self.following.contains(&target) {
            self.warn(
                pointer,
                format!("`$ref: {reference}` leads back into the inline schema it is part of, which cannot be named"),
            );
            return (TypeRef::Json, false);
        }
        let hint = self.place_name(&target);
        self.following.push(target.clone());
        let ty = self.type_ref(&ReferenceOr::Item(schema), &hint, &target);
        self.following.pop();
        ty
    }

    /// Whether every part of an `allOf` that states a type states the same scalar type.
    fn same_scalar(&self, parts: &[ReferenceOr<Schema>]) -> bool {
        let mut found = None;
        for (_, part) in typed_parts(parts) {
            let scalar = match part {
                ReferenceOr::Item(schema) => scalar_type(schema),
                ReferenceOr::Reference { reference } => self
                    .schema_at(reference)
                    .and_then(|(schema, _)| scalar_type(&schema)),
            };
            match (scalar, found) {
                (None, _) => return false,
                (Some(scalar), Some(before)) if scalar != before => return false,
                (Some(scalar), _) => found = Some(scalar),
            }
        }
        found.is_some()
    }

    /// [`TypeSpace::named_kind`] of an inline schema, with the schema open for `$ref`s back
    /// into it.
    fn open_named_kind(&mut self, hint: &str, schema: &Schema, pointer: &str) -> Option<TypeKind> {
        self.open.push((pointer.to_owned(), hint.to_owned()));
        let kind = self.named_kind(hint, schema, pointer);
        self.open.pop();
        kind
    }

    /// An integer enum: each value once, `null` ignored, variants named by `x-enum-varnames`
    /// (openapi-generator's extension, one name per `enum` entry) or else after the value.
    fn int_enum(&mut self, integer: &IntegerType, schema: &Schema, pointer: &str) -> TypeKind {
        let names = schema.schema_data.extensions.get("x-enum-varnames");
        let names: Option<Vec<&str>> = names.and_then(|names| {
            let strings: Option<Vec<&str>> = names.as_array().and_then(|names| {
                names.iter().map(serde_json::Value::as_str).collect()
            });
            match strings {
                Some(names) if names.len() == integer.enumeration.len() => Some(names),
                _ => {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            self.file,
                            format!(
                                "`x-enum-varnames` must be a list of strings, one per `enum` entry ({} here); the variants are named after their values",
                                integer.enumeration.len()
                            ),
                        )
                        .at(format!("{pointer}/x-enum-varnames"))
                        .hint("list one name per `enum` entry, in the same order"),
                    );
                    None
                }
            }
        });
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let mut variants: Vec<IntVariant> = Vec::new();
        for (index, value) in integer.enumeration.iter().enumerate() {
            let Some(value) = *value else { continue };
            if variants.iter().any(|v| v.value == value) {
                continue;
            }
            let name = match names.as_ref().and_then(|names| names.get(index)) {
                Some(name) => pascal(name),
                None if value < 0 => format!("ValueMinus{}", value.unsigned_abs()),
                None => format!("Value{value}"),
            };
            variants.push(IntVariant {
                rust_name: scope.claim(name),
                value,
            });
        }
        TypeKind::IntEnum { variants }
    }

    /// A `oneOf`/`anyOf` of two or more alternatives (`null` ones aside, which only make the
    /// value optional). With a discriminator, each alternative that is a `$ref` is selected by
    /// the discriminator values its `mapping` gives it, or else by its schema name.
    fn union_kind(
        &mut self,
        name: &str,
        schema: &Schema,
        variants: &[ReferenceOr<Schema>],
        pointer: &str,
        keyword: &str,
    ) -> TypeKind {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut scope = Scope::with_reserved(&["Unknown"]);
        let mut out = Vec::new();
        for (index, variant) in variants.iter().enumerate() {
            if is_null_schema(variant) {
                continue;
            }
            let hint = format!("{name}Variant{}", index + 1);
            let (ty, _) = self.type_ref(variant, &hint, &format!("{pointer}/{keyword}/{index}"));
            let tags = discriminator_tags(discriminator, variant);
            out.push(UnionVariant {
                rust_name: scope.claim(variant_name(&ty)),
                ty,
                tags,
                boxed: false,
            });
        }
        let tagged = discriminator.filter(|_| out.iter().all(|v| !v.tags.is_empty()));
        if discriminator.is_some() && tagged.is_none() {
            self.diagnostics.push(
                Diagnostic::warning(
                    self.file,
                    "the discriminator cannot select an inline alternative; the alternatives are tried in turn instead".to_owned(),
                )
                .at(format!("{pointer}/discriminator"))
                .hint("make each alternative a `$ref` to a component schema"),
            );
        }
        if tagged.is_none() {
            for variant in &mut out {
                variant.tags.clear();
            }
        }
        TypeKind::Union {
            discriminator: tagged.map(|d| d.property_name.clone()),
            variants: out,
        }
    }

    fn warn(&mut self, pointer: &str, message: String) {
        self.diagnostics.push(
            Diagnostic::warning(self.file, message)
                .at(pointer)
                .hint("the generated code accepts any JSON value here"),
        );
    }
}

/// A schema the OpenAPI model could only read as "any type" (a keyword that does not belong
/// to its `type`, like `format` on an object or `items` on a string, or `type: object` beside
/// `oneOf`), read as the type it states: keywords that do not apply to that type are ignored.
/// `None` when the schema is already typed or says nothing more specific.
fn retyped(schema: &Schema) -> Option<Schema> {
    let SchemaKind::Any(any) = &schema.schema_kind else {
        return None;
    };
    let compositions = [
        !any.one_of.is_empty(),
        !any.any_of.is_empty(),
        !any.all_of.is_empty(),
    ];
    let composed = compositions.iter().filter(|c| **c).count();
    let kind = if composed == 1 && any.properties.is_empty() && any.items.is_none() {
        if !any.one_of.is_empty() {
            SchemaKind::OneOf {
                one_of: any.one_of.clone(),
            }
        } else if !any.any_of.is_empty() {
            SchemaKind::AnyOf {
                any_of: any.any_of.clone(),
            }
        } else {
            SchemaKind::AllOf {
                all_of: any.all_of.clone(),
            }
        }
    } else if composed > 0 {
        return None;
    } else {
        let typ = any.typ.as_deref().or(if any.items.is_some() {
            Some("array")
        } else if !any.enumeration.is_empty()
            && any.enumeration.iter().all(|v| v.is_string() || v.is_null())
        {
            Some("string")
        } else {
            None
        })?;
        SchemaKind::Type(match typ {
            "string" => Type::String(StringType {
                format: any.format.clone().into(),
                enumeration: any
                    .enumeration
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()?
                    .into_iter()
                    .map(Some)
                    .collect(),
                ..StringType::default()
            }),
            "integer" => Type::Integer(IntegerType {
                format: any.format.clone().into(),
                enumeration: any
                    .enumeration
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(|v| v.as_i64().map(Some))
                    .collect::<Option<Vec<_>>>()?,
                ..IntegerType::default()
            }),
            "number" => Type::Number(NumberType {
                format: any.format.clone().into(),
                ..NumberType::default()
            }),
            "boolean" => Type::Boolean(BooleanType::default()),
            "array" => Type::Array(ArrayType {
                items: any.items.clone(),
                min_items: None,
                max_items: None,
                unique_items: false,
            }),
            "object" => Type::Object(ObjectType {
                properties: any.properties.clone(),
                required: any.required.clone(),
                additional_properties: any.additional_properties.clone(),
                ..ObjectType::default()
            }),
            _ => return None,
        })
    };
    Some(Schema {
        schema_data: schema.schema_data.clone(),
        schema_kind: kind,
    })
}

fn string_enum<'v>(values: impl Iterator<Item = &'v String>) -> TypeKind {
    let mut scope = Scope::with_reserved(&["Unknown"]);
    let mut seen = Vec::new();
    let mut variants = Vec::new();
    for value in values {
        if seen.contains(value) {
            continue;
        }
        seen.push(value.clone());
        let rust_name = scope.claim(if value.is_empty() {
            "Empty".to_owned()
        } else {
            pascal(value)
        });
        variants.push(Variant {
            rust_name,
            wire_value: value.clone(),
        });
    }
    TypeKind::StringEnum { variants }
}

/// A `{type: 'null'}` alternative (3.1's null type, normalized to a bare `nullable`).
fn is_null_schema(schema: &ReferenceOr<Schema>) -> bool {
    match schema {
        ReferenceOr::Item(schema) => {
            schema.schema_data.nullable
                && matches!(&schema.schema_kind, SchemaKind::Any(any)
                    if any.typ.is_none()
                        && any.properties.is_empty()
                        && any.items.is_none()
                        && any.one_of.is_empty()
                        && any.any_of.is_empty()
                        && any.all_of.is_empty())
        }
        ReferenceOr::Reference { .. } => false,
    }
}

/// `anyOf: [string, {enum: [..]}]` (the usual way to say "these values, or others"): the string
/// alternative could never match, because a string enum keeps unknown values in its `Unknown`
/// variant, so it is dropped; a union left with one alternative becomes an alias of it.
fn absorb_open_strings(defs: &mut [TypeDef]) {
    let is_enum = |ty: &TypeRef, defs: &[TypeDef]| match resolve_alias(defs, ty.clone()) {
        TypeRef::Named(name) => defs
            .iter()
            .any(|d| d.name == name && matches!(d.kind, TypeKind::StringEnum { .. })),
        _ => false,
    };
    let open: Vec<bool> = defs
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Union {
                discriminator: None,
                variants,
            } => {
                variants.iter().any(|v| v.ty == TypeRef::String)
                    && variants.iter().any(|v| is_enum(&v.ty, defs))
            }
            _ => false,
        })
        .collect();
    for (def, open) in defs.iter_mut().zip(open) {
        let TypeKind::Union { variants, .. } = &mut def.kind else {
            continue;
        };
        if !open {
            continue;
        }
        variants.retain(|v| v.ty != TypeRef::String);
        if let [only] = variants.as_slice() {
            def.kind = TypeKind::Alias(only.ty.clone());
        }
    }
}

/// A schema that only annotates (`description`, `title`, `nullable`, `example`) and says nothing
/// about the value's type: `allOf: [{$ref: X}, {description: ..}]` is an `X`.
fn is_annotation(schema: &ReferenceOr<Schema>) -> bool {
    matches!(schema, ReferenceOr::Item(schema) if annotates_only(schema))
}

fn annotates_only(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == AnySchema::default())
}

/// A schema that only constrains a value whose type another `allOf` part gives (`maxLength`,
/// `pattern`, `minimum`, `required`), or only annotates.
fn constrains_only(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Any(any) => {
            any.typ.is_none()
                && any.properties.is_empty()
                && any.items.is_none()
                && any.additional_properties.is_none()
                && any.all_of.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.not.is_none()
                && any.enumeration.is_empty()
                && any.format.is_none()
        }
        _ => false,
    }
}

/// The scalar type a schema states, for `allOf`s of scalars: string, integer, number or
/// boolean, without `enum` (an enum is a type of its own).
fn scalar_type(schema: &Schema) -> Option<&'static str> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) if string.enumeration.is_empty() => Some("string"),
        SchemaKind::Type(Type::Integer(integer)) if !is_int_enum(integer) => Some("integer"),
        SchemaKind::Type(Type::Number(_)) => Some("number"),
        SchemaKind::Type(Type::Boolean(_)) => Some("boolean"),
        _ => None,
    }
}

/// The description an annotation part of an `allOf` gives (`allOf: [{$ref: X}, {description:
/// ..}]`).
fn annotated_description(schema: &Schema) -> Option<String> {
    let SchemaKind::AllOf { all_of } = &schema.schema_kind else {
        return None;
    };
    all_of.iter().find_map(|part| match part {
        ReferenceOr::Item(part) if annotates_only(part) => part.schema_data.description.clone(),
        _ => None,
    })
}

/// The parts of an `allOf` that say something about the type (not only annotations or
/// constraints), with their indices.
fn typed_parts(
    parts: &[ReferenceOr<Schema>],
) -> impl Iterator<Item = (usize, &ReferenceOr<Schema>)> {
    parts
        .iter()
        .enumerate()
        .filter(|(_, part)| !matches!(part, ReferenceOr::Item(part) if constrains_only(part)))
}

/// How many alternatives of a `oneOf`/`anyOf` are not `null`.
fn alternatives(variants: &[ReferenceOr<Schema>]) -> usize {
    variants.iter().filter(|v| !is_null_schema(v)).count()
}

/// The name of a union variant holding `ty`.
fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".to_owned(),
        TypeRef::I64 | TypeRef::I32 => "Integer".to_owned(),
        TypeRef::F64 | TypeRef::F32 => "Number".to_owned(),
        TypeRef::Bool => "Boolean".to_owned(),
        TypeRef::DateTime => "DateTime".to_owned(),
        TypeRef::Date => "Date".to_owned(),
        TypeRef::Uuid => "Uuid".to_owned(),
        TypeRef::Vec(_) => "Array".to_owned(),
        TypeRef::Map(_) | TypeRef::JsonObject => "Object".to_owned(),
        TypeRef::Json => "Value".to_owned(),
        TypeRef::File => "File".to_owned(),
        TypeRef::Bytes => "Bytes".to_owned(),
    }
}

/// Where an untagged alternative goes in the order of trying: lower first. Objects with more
/// required fields first (they are the pickiest), structs with none after every other object;
/// integers before numbers; formatted strings and closed forms before plain strings; any JSON
/// value last.
fn shadow_rank(ty: &TypeRef, defs: &[TypeDef]) -> u32 {
    // Aliases are followed a bounded number of steps: `A: {$ref: B}` and `B: {$ref: A}` are
    // aliases of each other, and following them one by one would never end.
    match &resolve_alias(defs, ty.clone()) {
        TypeRef::Named(name) => match defs.iter().find(|d| &d.name == name).map(|d| &d.kind) {
            Some(TypeKind::Struct { fields }) => {
                let required = fields.iter().filter(|f| f.required).count();
                100u32.saturating_sub(u32::try_from(required).unwrap_or(100))
            }
            Some(
                TypeKind::Union { .. } | TypeKind::Responses { .. } | TypeKind::MediaTypes { .. },
            ) => 150,
            Some(TypeKind::IntEnum { .. }) => 210,
            Some(TypeKind::StringEnum { .. }) => 260,
            Some(TypeKind::Alias(_)) | None => 150,
        },
        TypeRef::Map(_) | TypeRef::JsonObject => 120,
        TypeRef::Vec(_) => 130,
        TypeRef::I32 => 200,
        TypeRef::I64 => 205,
        TypeRef::F32 | TypeRef::F64 => 220,
        TypeRef::Bool => 230,
        TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date => 250,
        TypeRef::String | TypeRef::File | TypeRef::Bytes => 270,
        TypeRef::Json => 300,
    }
}

/// Whether an integer schema lists values (`null` aside): then it is an enum of its own.
fn is_int_enum(integer: &IntegerType) -> bool {
    integer.enumeration.iter().any(Option::is_some)
}

/// The warning for a schema no Rust type is made for: what it combines, and that it is typed
/// as a JSON value.
fn unsupported(schema: &Schema) -> String {
    let what = match &schema.schema_kind {
        SchemaKind::Not { .. } => "`not` (anything but a schema) has no Rust type",
        SchemaKind::AllOf { .. } => {
            "an `allOf` whose parts are not all objects (or all the same scalar type, or objects and one `oneOf` of objects) has no Rust type"
        }
        SchemaKind::Any(any) if !any.all_of.is_empty() => {
            "an `allOf` beside `oneOf`, `anyOf` or `items`, or whose parts are not all objects, has no Rust type"
        }
        SchemaKind::Any(any) if !any.one_of.is_empty() || !any.any_of.is_empty() => {
            "a `oneOf`/`anyOf` beside `items` or another `oneOf`/`anyOf`, or with shared `properties` and an alternative that is not an object, has no Rust type"
        }
        _ => "this schema form has no Rust type yet",
    };
    format!("{what}; it is typed as a JSON value")
}

/// Whether a JSON pointer names a place where OpenAPI puts a schema: a component schema, the
/// `schema` of a parameter, header or media type, or a schema inside one of those
/// (`properties/x`, `items`, `additionalProperties`, `allOf/0`, `oneOf/1`, `anyOf/2`, `not`).
fn is_schema_place(pointer: &str) -> bool {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    let root = match tokens.as_slice() {
        ["components", "schemas", _, ..] => 3,
        _ => match tokens.iter().position(|token| *token == "schema") {
            Some(index) => index + 1,
            None => return false,
        },
    };
    let mut rest = tokens.get(root..).unwrap_or(&[]).iter();
    while let Some(token) = rest.next() {
        match *token {
            "items" | "additionalProperties" | "not" => {}
            "properties" => {
                if rest.next().is_none() {
                    return false;
                }
            }
            "allOf" | "oneOf" | "anyOf" => {
                if rest.next().and_then(|i| i.parse::<usize>().ok()).is_none() {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

/// What makes two inline types the same: their kind, without docs.
fn shape_key(kind: &TypeKind) -> String {
    let mut kind = kind.clone();
    if let TypeKind::Struct { fields } = &mut kind {
        for field in fields {
            field.doc = None;
        }
    }
    format!("{kind:?}")
}

/// A property of a struct, with the place it is written and the name an inline type of it
/// gets.
#[derive(Clone)]
struct MergedProperty {
    wire_name: String,
    schema: ReferenceOr<Schema>,
    pointer: String,
    hint: String,
}

/// The properties of the parts of an `allOf`, in the order they first appear.
#[derive(Default)]
struct Merged {
    properties: IndexMap<String, MergedProperty>,
    required: Vec<String>,
}

impl Merged {
    /// Adds the properties of one part. A property another part already has keeps its
    /// place; the later definition wins, with a warning when the two say different things,
    /// except that one that only annotates (`description`) keeps the earlier type.
    fn add(
        &mut self,
        space: &mut TypeSpace<'_>,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        pointer: &str,
        base: &str,
    ) {
        for (wire_name, schema) in properties {
            let property = MergedProperty {
                wire_name: wire_name.clone(),
                schema: boxed_ref(schema),
                pointer: format!("{pointer}/properties/{}", pointer_token(wire_name)),
                hint: format!("{base}{}", pascal(wire_name)),
            };
            if let Some(earlier) = self.properties.get_mut(wire_name) {
                if is_annotation(&property.schema) {
                    continue;
                }
                if !same_type(&earlier.schema, &property.schema) {
                    space.diagnostics.push(
                        Diagnostic::warning(
                            space.file,
                            format!(
                                "`allOf` parts define the property `{wire_name}` differently (also at {}); the later definition is used",
                                earlier.pointer
                            ),
                        )
                        .at(&property.pointer)
                        .hint("define the property in one part, or the same way in each"),
                    );
                }
                *earlier = property;
            } else {
                self.properties.insert(wire_name.clone(), property);
            }
        }
        for name in required {
            if !self.required.contains(name) {
                self.required.push(name.clone());
            }
        }
    }
}

/// Whether two definitions of a property say the same about its type (annotations aside).
fn same_type(a: &ReferenceOr<Schema>, b: &ReferenceOr<Schema>) -> bool {
    match (a, b) {
        (ReferenceOr::Reference { reference: a }, ReferenceOr::Reference { reference: b }) => {
            a == b
        }
        (ReferenceOr::Item(a), ReferenceOr::Item(b)) => {
            a.schema_kind == b.schema_kind && a.schema_data.nullable == b.schema_data.nullable
        }
        _ => false,
    }
}

/// `ReferenceOr<Box<Schema>>` (properties, items) as `ReferenceOr<Schema>`.
fn boxed_ref(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(schema) => ReferenceOr::Item((**schema).clone()),
    }
}

/// The discriminator values that select `alternative`: the mapping's keys that name it (by
/// full `$ref` or bare schema name), else the schema's name; none for an inline alternative or
/// without a discriminator.
fn discriminator_tags(
    discriminator: Option<&openapiv3::Discriminator>,
    alternative: &ReferenceOr<Schema>,
) -> Vec<String> {
    let (Some(discriminator), ReferenceOr::Reference { reference }) = (discriminator, alternative)
    else {
        return Vec::new();
    };
    let short = reference.strip_prefix(SCHEMA_PREFIX).unwrap_or(reference);
    let mut tags: Vec<String> = discriminator
        .mapping
        .iter()
        .filter(|(_, target)| *target == reference || *target == short)
        .map(|(tag, _)| tag.clone())
        .collect();
    if tags.is_empty() {
        tags.push(short.to_owned());
    }
    tags
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, TypeKind, TypeRef};

    fn lower(schemas: &str) -> (Api, Vec<String>) {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        );
        let (api, warnings) = crate::lower(&text, "t.yaml").unwrap_or_else(|e| panic!("{e:?}"));
        (api, warnings.into_iter().map(|w| w.to_string()).collect())
    }

    fn kind<'a>(api: &'a Api, name: &str) -> &'a TypeKind {
        &api.types
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no type {name}: {:?}", api.types))
            .kind
    }

    fn field(api: &Api, name: &str, field: &str) -> TypeRef {
        match kind(api, name) {
            TypeKind::Struct { fields } => fields
                .iter()
                .find(|f| f.wire_name == field)
                .map(|f| f.ty.clone())
                .unwrap_or_else(|| panic!("no field {field}")),
            other => panic!("{name} is {other:?}"),
        }
    }

    #[test]
    fn all_of_parts_that_disagree_on_a_property_warn_and_the_later_wins() {
        let (api, warnings) = lower(
            "    A:\n      allOf:\n        - {type: object, properties: {size: {type: string}, name: {type: string}}}\n        - {type: object, properties: {size: {type: integer}, name: {description: the name}}}\n",
        );
        assert_eq!(field(&api, "A", "size"), TypeRef::I64);
        // A part that only documents a property keeps its type.
        assert_eq!(field(&api, "A", "name"), TypeRef::String);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("define the property `size` differently"),
            "{warnings:?}"
        );
    }

    #[test]
    fn all_of_of_one_scalar_type_is_that_type() {
        let (api, warnings) = lower(
            "    Id: {type: string}\n    Short:\n      allOf: [{$ref: '#/components/schemas/Id'}, {type: string, maxLength: 5}]\n    Bounded:\n      allOf: [{$ref: '#/components/schemas/Id'}, {maxLength: 5}]\n",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            kind(&api, "Short"),
            &TypeKind::Alias(TypeRef::Named("Id".into()))
        );
        assert_eq!(
            kind(&api, "Bounded"),
            &TypeKind::Alias(TypeRef::Named("Id".into()))
        );
    }

    #[test]
    fn a_ref_into_the_inline_object_it_is_part_of_is_a_boxed_recursive_type() {
        let (api, warnings) = lower(
            "    Tree:\n      type: object\n      properties:\n        root:\n          type: object\n          properties:\n            label: {type: string}\n            child: {$ref: '#/components/schemas/Tree/properties/root'}\n",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            field(&api, "Tree", "root"),
            TypeRef::Named("TreeRoot".into())
        );
        assert_eq!(
            field(&api, "TreeRoot", "child"),
            TypeRef::Named("TreeRoot".into())
        );
        let TypeKind::Struct { fields } = kind(&api, "TreeRoot") else {
            panic!("a struct");
        };
        assert!(fields.iter().any(|f| f.wire_name == "child" && f.boxed));
        // A list of itself, inline, cannot be named: a JSON value with a warning.
        let (_, warnings) = lower(
            "    L:\n      type: object\n      properties:\n        items:\n          type: array\n          items: {$ref: '#/components/schemas/L/properties/items'}\n",
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("leads back"), "{warnings:?}");
    }

    #[test]
    fn a_pointer_to_an_operation_parameter_schema_is_that_parameter_type() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: getX\n      parameters:\n        - {name: sort order, in: query, schema: {type: string, enum: [asc, desc]}}\n      responses: {'204': {description: ok}}\ncomponents:\n  schemas:\n    S: {type: object, properties: {o: {$ref: '#/paths/~1x/get/parameters/0/schema'}}}\n";
        let (api, warnings) = crate::lower(text, "t.yaml").unwrap_or_else(|e| panic!("{e:?}"));
        assert!(warnings.is_empty(), "{warnings:?}");
        let named = TypeRef::Named("GetXSortOrder".into());
        assert_eq!(field(&api, "S", "o"), named);
        assert_eq!(api.operations[0].params[0].ty, named);
    }

    #[test]
    fn schema_places() {
        use super::is_schema_place;
        assert!(is_schema_place(
            "/components/schemas/A/properties/b/items/allOf/0"
        ));
        assert!(is_schema_place("/components/parameters/p/schema"));
        assert!(is_schema_place(
            "/paths/~1x/get/responses/200/content/application~1json/schema/properties/schema"
        ));
        assert!(!is_schema_place("/components/responses/R"));
        assert!(!is_schema_place("/components/parameters/p"));
        assert!(!is_schema_place("/components/schemas/A/properties"));
        assert!(!is_schema_place("/components/schemas/A/example"));
    }

    #[test]
    fn identical_inline_schemas_are_one_type_but_components_stay_apart() {
        let (api, warnings) = lower(
            "    A: {type: object, properties: {x: {type: string}}}\n    B: {type: object, properties: {x: {type: string}}}\n    C:\n      type: object\n      properties:\n        p: {type: object, properties: {k: {type: string, enum: [a, b]}}}\n        q: {type: object, description: another doc, properties: {k: {type: string, enum: [a, b]}}}\n",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(api.types.iter().any(|t| t.name == "A"));
        assert!(api.types.iter().any(|t| t.name == "B"));
        assert_eq!(field(&api, "C", "p"), TypeRef::Named("Cp".into()));
        assert_eq!(field(&api, "C", "q"), TypeRef::Named("Cp".into()));
        assert!(!api.types.iter().any(|t| t.name == "CQ" || t.name == "CQK"));
    }

    #[test]
    fn pointers_name_their_types_after_their_place_whichever_comes_first() {
        let (api, warnings) = lower(
            "    First:\n      type: object\n      properties:\n        at: {$ref: '#/components/schemas/Second/properties/spot'}\n        mode: {$ref: '#/components/schemas/Second/properties/spot/properties/mode'}\n    Second:\n      type: object\n      properties:\n        spot:\n          type: object\n          properties:\n            mode: {type: string, enum: [on, off]}\n",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            field(&api, "First", "at"),
            TypeRef::Named("SecondSpot".into())
        );
        assert_eq!(
            field(&api, "Second", "spot"),
            TypeRef::Named("SecondSpot".into())
        );
        assert_eq!(
            field(&api, "First", "mode"),
            TypeRef::Named("SecondSpotMode".into())
        );
        assert_eq!(
            field(&api, "SecondSpot", "mode"),
            TypeRef::Named("SecondSpotMode".into())
        );
    }
}
