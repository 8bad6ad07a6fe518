//! Recursive types: a struct or union that contains itself by value has no size in Rust, and a
//! type alias that expands to itself is an error. Schemas can say both (`Node.next: $ref Node`,
//! `A: {$ref: B}` with `B: {$ref: A}`), so after every type is lowered:
//!
//! * every struct field and union alternative whose type leads back, by value, to the type that
//!   holds it is boxed (`Option<Box<Node>>`); `Vec` and maps already hold their items on the
//!   heap, so only named types, `Option`s and aliases of them count as "by value";
//! * a reference from an alias to an alias of the same expansion cycle (`type A = B; type B =
//!   A;`, `type Tree = Vec<Tree>;`) cannot be spelled in Rust at all: it becomes a JSON value,
//!   with a located warning.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::diagnostics::Diagnostic;
use crate::ir::{TypeDef, TypeKind, TypeRef};

/// Boxes recursive fields and alternatives, and cuts alias cycles (see the module docs).
pub(crate) fn break_cycles(
    defs: &mut [TypeDef],
    pointers: &BTreeMap<String, String>,
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    cut_alias_cycles(defs, pointers, file, diagnostics);
    box_recursive_fields(defs);
}

/// The named type a value of `ty` holds inline (not behind a `Vec` or a map), if any.
fn held_by_value(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

/// Every named type that `ty` mentions, at any depth.
fn mentioned<'t>(ty: &'t TypeRef, out: &mut Vec<&'t str>) {
    match ty {
        TypeRef::Named(name) => out.push(name),
        TypeRef::Vec(inner) | TypeRef::Map(inner) => mentioned(inner, out),
        _ => {}
    }
}

/// The names reachable from `start` along `edges` (`start` itself only through a cycle).
fn reachable<'n>(start: &str, edges: &BTreeMap<&'n str, Vec<&'n str>>) -> BTreeSet<&'n str> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = edges.get(start).cloned().unwrap_or_default();
    while let Some(name) = stack.pop() {
        if seen.insert(name) {
            stack.extend(edges.get(name).into_iter().flatten().copied());
        }
    }
    seen
}

/// The strongly connected component of each name along `edges` (Tarjan's algorithm): two
/// names have the same number when each reaches the other.
fn components<'n>(edges: &BTreeMap<&'n str, Vec<&'n str>>) -> HashMap<&'n str, usize> {
    struct Walk<'e, 'n> {
        edges: &'e BTreeMap<&'n str, Vec<&'n str>>,
        /// Visit order and lowest visit order reachable, of each name visited.
        order: HashMap<&'n str, (usize, usize)>,
        stack: Vec<&'n str>,
        on_stack: HashSet<&'n str>,
        component: HashMap<&'n str, usize>,
    }

    impl<'n> Walk<'_, 'n> {
        fn low(&self, name: &str) -> usize {
            self.order.get(name).map_or(usize::MAX, |&(_, low)| low)
        }

        fn visit(&mut self, name: &'n str) {
            let number = self.order.len();
            self.order.insert(name, (number, number));
            self.stack.push(name);
            self.on_stack.insert(name);
            let edges = self.edges;
            for &next in edges.get(name).into_iter().flatten() {
                let reached = match self.order.get(next) {
                    None => {
                        self.visit(next);
                        self.low(next)
                    }
                    Some(&(order, _)) if self.on_stack.contains(next) => order,
                    Some(_) => continue,
                };
                if let Some(entry) = self.order.get_mut(name) {
                    entry.1 = entry.1.min(reached);
                }
            }
            if self.low(name) == number {
                let id = self.component.len();
                while let Some(member) = self.stack.pop() {
                    self.on_stack.remove(member);
                    self.component.insert(member, id);
                    if member == name {
                        break;
                    }
                }
            }
        }
    }

    let mut walk = Walk {
        edges,
        order: HashMap::new(),
        stack: Vec::new(),
        on_stack: HashSet::new(),
        component: HashMap::new(),
    };
    for &name in edges.keys() {
        if !walk.order.contains_key(name) {
            walk.visit(name);
        }
    }
    walk.component
}

fn cut_alias_cycles(
    defs: &mut [TypeDef],
    pointers: &BTreeMap<String, String>,
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Alias -> the aliases its expansion mentions.
    let aliases: BTreeSet<String> = defs
        .iter()
        .filter(|def| matches!(def.kind, TypeKind::Alias(_)))
        .map(|def| def.name.clone())
        .collect();
    let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for def in defs.iter() {
        if let TypeKind::Alias(target) = &def.kind {
            let mut names = Vec::new();
            mentioned(target, &mut names);
            names.retain(|name| aliases.contains(*name));
            edges.insert(def.name.as_str(), names);
        }
    }
    // Each alias on a cycle, with the other aliases of its cycle.
    let cyclic: BTreeMap<String, BTreeSet<String>> = edges
        .keys()
        .filter_map(|&name| {
            let from_here = reachable(name, &edges);
            if !from_here.contains(name) {
                return None;
            }
            let cycle = from_here
                .into_iter()
                .filter(|other| reachable(other, &edges).contains(name))
                .map(str::to_owned)
                .collect();
            Some((name.to_owned(), cycle))
        })
        .collect();
    for def in defs.iter_mut() {
        let Some(cycle) = cyclic.get(&def.name) else {
            continue;
        };
        if let TypeKind::Alias(target) = &mut def.kind {
            replace_named(target, cycle);
        }
        let others: Vec<String> = cycle
            .iter()
            .filter(|other| **other != def.name)
            .map(|other| format!("`{other}`"))
            .collect();
        let message = if others.is_empty() {
            format!(
                "`{}` is defined as a list or map of itself and nothing else; the inner values are typed as JSON values",
                def.name
            )
        } else {
            format!(
                "`{}` and {} are defined only through each other; the reference of `{}` is typed as a JSON value",
                def.name,
                others.join(", "),
                def.name
            )
        };
        let mut diagnostic = Diagnostic::warning(file, message)
            .hint("give one of these schemas a `type` or `properties` of its own");
        if let Some(pointer) = pointers.get(&def.name) {
            diagnostic = diagnostic.at(pointer.clone());
        }
        diagnostics.push(diagnostic);
    }
}

/// Replaces every `Named(n)` with `n` in `names` by `Json`.
fn replace_named(ty: &mut TypeRef, names: &BTreeSet<String>) {
    match ty {
        TypeRef::Named(name) if names.contains(name.as_str()) => *ty = TypeRef::Json,
        TypeRef::Vec(inner) | TypeRef::Map(inner) => replace_named(inner, names),
        _ => {}
    }
}

fn box_recursive_fields(defs: &mut [TypeDef]) {
    // Type -> the named types it holds by value.
    let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for def in defs.iter() {
        let held: Vec<&str> = match &def.kind {
            TypeKind::Struct { fields } => {
                fields.iter().filter_map(|f| held_by_value(&f.ty)).collect()
            }
            TypeKind::Union { variants, .. } => variants
                .iter()
                .filter_map(|v| held_by_value(&v.ty))
                .collect(),
            TypeKind::Alias(target) => held_by_value(target).into_iter().collect(),
            // No schema refers to an operation's response, error or media type enum, so none
            // is on a cycle.
            TypeKind::StringEnum { .. }
            | TypeKind::IntEnum { .. }
            | TypeKind::Responses { .. }
            | TypeKind::MediaTypes { .. } => Vec::new(),
        };
        edges.insert(def.name.as_str(), held);
    }
    // (type, held type) pairs where the held type leads back to the type: the type itself, or
    // one of its strongly connected component (each reaches the other), found in one walk.
    let component = components(&edges);
    let mut recursive: BTreeSet<(String, String)> = BTreeSet::new();
    for (&owner, held) in &edges {
        for &target in held {
            if target == owner
                || component
                    .get(owner)
                    .is_some_and(|&c| component.get(target) == Some(&c))
            {
                recursive.insert((owner.to_owned(), target.to_owned()));
            }
        }
    }
    let boxed = |owner: &str, ty: &TypeRef| {
        held_by_value(ty)
            .is_some_and(|target| recursive.contains(&(owner.to_owned(), target.to_owned())))
    };
    for def in defs.iter_mut() {
        match &mut def.kind {
            TypeKind::Struct { fields } => {
                for field in fields {
                    field.boxed = boxed(&def.name, &field.ty);
                }
            }
            TypeKind::Union { variants, .. } => {
                for variant in variants {
                    variant.boxed = boxed(&def.name, &variant.ty);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Field, UnionVariant};

    fn field(name: &str, ty: TypeRef) -> Field {
        Field {
            rust_name: name.to_owned(),
            wire_name: name.to_owned(),
            doc: None,
            ty,
            required: false,
            nullable: false,
            boxed: false,
        }
    }

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: name.to_owned(),
            doc: None,
            kind,
            features: Vec::new(),
        }
    }

    fn named(name: &str) -> TypeRef {
        TypeRef::Named(name.to_owned())
    }

    fn run(defs: &mut [TypeDef]) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        break_cycles(defs, &BTreeMap::new(), "t.yaml", &mut diagnostics);
        diagnostics
    }

    fn boxed_fields(def: &TypeDef) -> Vec<(&str, bool)> {
        match &def.kind {
            TypeKind::Struct { fields } => fields
                .iter()
                .map(|f| (f.rust_name.as_str(), f.boxed))
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn a_field_of_its_own_type_is_boxed_and_a_list_of_it_is_not() {
        let mut defs = vec![def(
            "Node",
            TypeKind::Struct {
                fields: vec![
                    field("next", named("Node")),
                    field("children", TypeRef::Vec(Box::new(named("Node")))),
                    field("label", TypeRef::String),
                ],
            },
        )];
        assert!(run(&mut defs).is_empty());
        assert_eq!(
            boxed_fields(&defs[0]),
            vec![("next", true), ("children", false), ("label", false)]
        );
    }

    #[test]
    fn mutual_recursion_through_an_alias_and_a_union_is_boxed_where_it_can_be() {
        let mut defs = vec![
            def(
                "Expr",
                TypeKind::Union {
                    discriminator: None,
                    variants: vec![
                        UnionVariant {
                            rust_name: "Not".into(),
                            ty: named("Not"),
                            tags: Vec::new(),
                            boxed: false,
                        },
                        UnionVariant {
                            rust_name: "Integer".into(),
                            ty: TypeRef::I64,
                            tags: Vec::new(),
                            boxed: false,
                        },
                    ],
                },
            ),
            def("ExprRef", TypeKind::Alias(named("Expr"))),
            def(
                "Not",
                TypeKind::Struct {
                    fields: vec![field("operand", named("ExprRef"))],
                },
            ),
            def(
                "Leaf",
                TypeKind::Struct {
                    fields: vec![field("expr", named("Expr"))],
                },
            ),
        ];
        assert!(run(&mut defs).is_empty());
        let TypeKind::Union { variants, .. } = &defs[0].kind else {
            unreachable!()
        };
        assert!(variants[0].boxed && !variants[1].boxed);
        assert_eq!(boxed_fields(&defs[2]), vec![("operand", true)]);
        // `Leaf` holds an `Expr`, but no `Expr` holds a `Leaf`: nothing to box.
        assert_eq!(boxed_fields(&defs[3]), vec![("expr", false)]);
    }

    #[test]
    fn aliases_of_each_other_become_json_values_with_a_warning_each() {
        let mut defs = vec![
            def("A", TypeKind::Alias(named("B"))),
            def("B", TypeKind::Alias(TypeRef::Vec(Box::new(named("A"))))),
            def(
                "Tree",
                TypeKind::Alias(TypeRef::Map(Box::new(named("Tree")))),
            ),
            def("C", TypeKind::Alias(named("A"))),
        ];
        let warnings = run(&mut defs);
        assert_eq!(defs[0].kind, TypeKind::Alias(TypeRef::Json));
        assert_eq!(
            defs[1].kind,
            TypeKind::Alias(TypeRef::Vec(Box::new(TypeRef::Json)))
        );
        assert_eq!(
            defs[2].kind,
            TypeKind::Alias(TypeRef::Map(Box::new(TypeRef::Json)))
        );
        // `C` refers into the cycle but is not on it: it stays an alias of `A`.
        assert_eq!(defs[3].kind, TypeKind::Alias(named("A")));
        assert_eq!(warnings.len(), 3);
        assert!(warnings[0].message.contains("`B`"));
        assert!(warnings[2].message.contains("list or map of itself"));
    }
}
