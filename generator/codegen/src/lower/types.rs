//! Schemas -> named types and type references. Component schemas get their names before any
//! schema is lowered, so references (forward, mutual, recursive) resolve by name alone.

use std::collections::BTreeMap;

use openapiv3::{
    AdditionalProperties, IntegerFormat, IntegerType, NumberFormat, ObjectType, OpenAPI,
    ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::docs::{doc, inferred};
use super::names::{pascal, snake, type_name, Scope};
use crate::diagnostics::{pointer_token, Diagnostic};
use crate::ir::{Field, IntVariant, TypeDef, TypeKind, TypeRef, Variant};

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
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> TypeSpace<'a> {
    /// Names every component schema, then lowers each one.
    pub(crate) fn new(spec: &'a OpenAPI, file: &'a str) -> Self {
        let mut space = Self {
            spec,
            file,
            component_names: BTreeMap::new(),
            scope: Scope::default(),
            defs: Vec::new(),
            inline: BTreeMap::new(),
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
        space
    }

    /// The lowered types, sorted by name.
    pub(crate) fn into_types(self) -> (Vec<TypeDef>, Vec<Diagnostic>) {
        let mut defs = self.defs;
        defs.sort_by(|a, b| a.name.cmp(&b.name));
        (defs, self.diagnostics)
    }

    fn define_component(&mut self, name: String, schema: &ReferenceOr<Schema>, pointer: &str) {
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
        self.defs.push(TypeDef { name, doc, kind });
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
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                let object = ObjectType {
                    properties: any.properties.clone(),
                    required: any.required.clone(),
                    additional_properties: any.additional_properties.clone(),
                    ..ObjectType::default()
                };
                Some(self.struct_kind(name, &object, pointer))
            }
            SchemaKind::AllOf { all_of } => self.merged_all_of(name, all_of, pointer),
            _ => None,
        }
    }

    fn struct_kind(&mut self, name: &str, object: &ObjectType, pointer: &str) -> TypeKind {
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for (wire_name, property) in &object.properties {
            let property_pointer = format!("{pointer}/properties/{}", pointer_token(wire_name));
            let hint = format!("{name}{}", pascal(wire_name));
            let property = boxed_ref(property);
            let (ty, nullable) = self.type_ref(&property, &hint, &property_pointer);
            let (description, why) = match &property {
                ReferenceOr::Item(schema) => (
                    schema.schema_data.description.clone(),
                    inferred(schema.schema_data.extensions.get("x-inferred")),
                ),
                ReferenceOr::Reference { reference } => {
                    (self.component_description(reference), None)
                }
            };
            fields.push(Field {
                rust_name: scope.claim(snake(wire_name)),
                wire_name: wire_name.clone(),
                doc: doc(&[description.as_deref(), why.as_deref()]),
                ty,
                required: object.required.contains(wire_name),
                nullable,
            });
        }
        TypeKind::Struct { fields }
    }

    /// `allOf` whose parts are all objects: one struct with every part's fields.
    fn merged_all_of(
        &mut self,
        name: &str,
        parts: &[ReferenceOr<Schema>],
        pointer: &str,
    ) -> Option<TypeKind> {
        let mut merged = ObjectType::default();
        for part in parts {
            let schema = self.resolve(part)?;
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => {
                    merged.properties.extend(object.properties.clone());
                    merged.required.extend(object.required.iter().cloned());
                }
                _ => return None,
            }
        }
        Some(self.struct_kind(name, &merged, pointer))
    }

    fn resolve<'s>(&'s self, schema: &'s ReferenceOr<Schema>) -> Option<&'s Schema> {
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix(SCHEMA_PREFIX)?;
                match self.spec.components.as_ref()?.schemas.get(name)? {
                    ReferenceOr::Item(schema) => Some(schema),
                    // One level of indirection is enough for allOf merging; deeper chains
                    // fall back to a JSON value.
                    ReferenceOr::Reference { .. } => None,
                }
            }
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
                return match target {
                    Some(name) => (TypeRef::Named(name.clone()), false),
                    None => {
                        self.warn(
                            pointer,
                            format!("`$ref: {reference}` is not a component schema"),
                        );
                        (TypeRef::Json, false)
                    }
                };
            }
            ReferenceOr::Item(schema) => schema,
        };
        let nullable = schema.schema_data.nullable;
        if let Some(ty) = self.inline.get(pointer) {
            return (ty.clone(), nullable);
        }
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) if string.enumeration.is_empty() => {
                match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                    VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => TypeRef::Uuid,
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
            SchemaKind::OneOf { one_of: variants } | SchemaKind::AnyOf { any_of: variants }
                if variants.len() == 1 =>
            {
                return match variants.first() {
                    Some(only) => self.type_ref(only, hint, pointer),
                    None => (TypeRef::Json, nullable),
                };
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                return match all_of.first() {
                    Some(only) => {
                        let (ty, inner_nullable) = self.type_ref(only, hint, pointer);
                        (ty, nullable || inner_nullable)
                    }
                    None => (TypeRef::Json, nullable),
                };
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
            _ => match self.named_kind(hint, schema, pointer) {
                Some(kind) => {
                    let name = self.scope.claim(type_name(hint));
                    self.inline
                        .insert(pointer.to_owned(), TypeRef::Named(name.clone()));
                    let why = inferred(schema.schema_data.extensions.get("x-inferred"));
                    let doc = doc(&[schema.schema_data.description.as_deref(), why.as_deref()]);
                    self.defs.push(TypeDef {
                        name: name.clone(),
                        doc,
                        kind,
                    });
                    TypeRef::Named(name)
                }
                None => {
                    self.warn(
                        pointer,
                        "this schema form is not supported yet; it is typed as a JSON value"
                            .to_owned(),
                    );
                    TypeRef::Json
                }
            },
        };
        (ty, nullable)
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

    fn warn(&mut self, pointer: &str, message: String) {
        self.diagnostics.push(
            Diagnostic::warning(self.file, message)
                .at(pointer)
                .hint("the generated code accepts any JSON value here"),
        );
    }
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

/// Whether an integer schema lists values (`null` aside): then it is an enum of its own.
fn is_int_enum(integer: &IntegerType) -> bool {
    integer.enumeration.iter().any(Option::is_some)
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
