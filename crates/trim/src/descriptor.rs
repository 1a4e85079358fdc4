//! ILLink descriptor files (`<linker><assembly><type …>`): roots read from XML.
//!
//! Supported as ILLink documents them (docs/data-formats.md in dotnet/runtime's illink):
//! - `<assembly fullname="A">` with `preserve="all"` or no children: every type of `A`;
//! - `<type fullname="Ns.T">` (nested `Ns.Outer/Inner`, prefix wildcard `Ns.Prefix*`) with
//!   `preserve="all|fields|methods|nothing"`; no `preserve` and no children means all;
//! - `<method name=…|signature="System.Void M(System.Int32)">`, `<field name=…|signature=…>`,
//!   `<property …>`, `<event …>`, nested `<type name=…>`; `<namespace fullname=…>`;
//! - `required="false"` (not a root); `feature`/`featurevalue`/`featuredefault` conditions.
//!
//! Unresolved names are warnings with ILLink's codes (IL2007, IL2008, IL2009, IL2012, IL2016,
//! IL2017), and trimming goes on; malformed XML is an error with its line and column.

use crate::dam::{flags, members};
use crate::members::{illink_type_name, methods_by_descriptor_signature};
use crate::{Diagnostic, Item, Root, RootKind};
use aotsim_il::*;
use std::collections::BTreeMap;

/// A descriptor that is not well-formed XML or not a `<linker>` document.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{col}: {message}")]
pub struct DescriptorError {
    /// The file.
    pub file: String,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub col: u32,
    /// What is wrong.
    pub message: String,
}

/// Roots and warnings read from one descriptor.
#[derive(Clone, Debug, Default)]
pub struct Descriptor {
    /// The roots, each with `RootKind::Descriptor { file, line }`.
    pub roots: Vec<Root>,
    /// Names that did not resolve.
    pub diagnostics: Vec<Diagnostic>,
}

struct Reader<'a> {
    p: &'a Program,
    file: &'a str,
    doc: &'a roxmltree::Document<'a>,
    features: &'a BTreeMap<String, bool>,
    out: Descriptor,
}

/// Reads the descriptor `text` (named `file` in messages) against `p`.
pub fn read_descriptor(p: &Program, text: &str, file: &str, features: &BTreeMap<String, bool>) -> Result<Descriptor, DescriptorError> {
    let doc = roxmltree::Document::parse(text).map_err(|e| {
        let pos = e.pos();
        DescriptorError { file: file.to_string(), line: pos.row, col: pos.col, message: format!("not well-formed XML: {e}") }
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "linker" {
        let pos = doc.text_pos_at(root.range().start);
        return Err(DescriptorError {
            file: file.to_string(),
            line: pos.row,
            col: pos.col,
            message: format!("expected a <linker> root element, found <{}>", root.tag_name().name()),
        });
    }
    let mut r = Reader { p, file, doc: &doc, features, out: Descriptor::default() };
    for asm in root.children().filter(|n| n.is_element()) {
        if asm.tag_name().name() == "assembly" && r.applies(asm) {
            r.assembly(asm);
        }
    }
    Ok(r.out)
}

impl<'a> Reader<'a> {
    fn line(&self, n: roxmltree::Node) -> u32 {
        self.doc.text_pos_at(n.range().start).row
    }

    fn kind(&self, n: roxmltree::Node) -> RootKind {
        RootKind::Descriptor { file: self.file.to_string(), line: self.line(n) }
    }

    fn warn(&mut self, n: roxmltree::Node, code: &'static str, message: String) {
        let location = Some(format!("{}:{}", self.file, self.line(n)));
        self.out.diagnostics.push(Diagnostic { code, message, location });
    }

    fn root(&mut self, n: roxmltree::Node, item: Item) {
        let kind = self.kind(n);
        self.out.roots.push(Root { item, kind });
    }

    /// `feature`/`featurevalue`/`featuredefault` and `required="false"`.
    fn applies(&self, n: roxmltree::Node) -> bool {
        if n.attribute("required") == Some("false") {
            return false;
        }
        match (n.attribute("feature"), n.attribute("featurevalue")) {
            (Some(f), Some(v)) => {
                let want = v.eq_ignore_ascii_case("true");
                match self.features.get(f) {
                    Some(&set) => set == want,
                    None => n.attribute("featuredefault") == Some("true"),
                }
            }
            _ => true,
        }
    }

    fn assembly(&mut self, n: roxmltree::Node) {
        let full = n.attribute("fullname").unwrap_or("");
        let simple = full.split(',').next().unwrap_or("").trim();
        let Some((aid, _)) = self.p.assemblies.iter().find(|(_, a)| a.name == simple) else {
            self.warn(n, "IL2007", format!("could not resolve assembly '{full}'"));
            return;
        };
        let children: Vec<_> = n.children().filter(|c| c.is_element()).collect();
        if n.attribute("preserve") == Some("all") || children.is_empty() {
            self.root(n, Item::Assembly(aid));
            for &t in &self.p.assemblies[aid].types.clone() {
                self.preserve(n, t, "all");
            }
            return;
        }
        for c in children {
            if !self.applies(c) {
                continue;
            }
            match c.tag_name().name() {
                "type" => self.type_element(c, aid),
                "namespace" => {
                    let ns = c.attribute("fullname").unwrap_or("");
                    let types: Vec<TypeId> = self.p.assemblies[aid]
                        .types
                        .iter()
                        .copied()
                        .filter(|&t| self.p.types[t].namespace == ns && self.p.types[t].declaring_type.is_none())
                        .collect();
                    if types.is_empty() {
                        self.warn(c, "IL2008", format!("could not resolve any type in namespace '{ns}' of assembly '{simple}'"));
                    }
                    for t in types {
                        self.preserve(c, t, "all");
                    }
                }
                _ => {}
            }
        }
    }

    fn type_element(&mut self, n: roxmltree::Node, aid: AssemblyId) {
        let full = n.attribute("fullname").unwrap_or("");
        let types: Vec<TypeId> = match full.strip_suffix('*') {
            Some(prefix) => self.p.assemblies[aid].types.iter().copied().filter(|&t| self.p.type_name(t).starts_with(prefix)).collect(),
            None => self.p.names().types_named(full).iter().copied().filter(|&t| self.p.types[t].assembly == aid).collect(),
        };
        if types.is_empty() {
            let asm = self.p.assemblies[aid].name.clone();
            self.warn(n, "IL2008", format!("could not resolve type '{full}' in assembly '{asm}'"));
        }
        for t in types {
            self.type_body(n, t);
        }
    }

    fn type_body(&mut self, n: roxmltree::Node, t: TypeId) {
        let children: Vec<_> = n.children().filter(|c| c.is_element()).collect();
        let preserve = n.attribute("preserve").unwrap_or(if children.is_empty() { "all" } else { "nothing" });
        self.preserve(n, t, preserve);
        for c in children {
            if !self.applies(c) {
                continue;
            }
            let name = c.attribute("name");
            let signature = c.attribute("signature");
            let td = &self.p.types[t];
            let tn = self.p.type_name(t).to_string();
            let found: Vec<Item> = match c.tag_name().name() {
                "method" => match (name, signature) {
                    (Some(nm), _) => td.methods.iter().copied().filter(|&m| self.p.methods[m].name == nm).map(Item::Method).collect(),
                    (None, Some(sig)) => methods_by_descriptor_signature(self.p, t, sig).into_iter().map(Item::Method).collect(),
                    _ => Vec::new(),
                },
                "field" => td
                    .fields
                    .iter()
                    .copied()
                    .filter(|&f| {
                        let fd = &self.p.fields[f];
                        name == Some(fd.name.as_str())
                            || signature.is_some_and(|s| {
                                squash(s) == squash(&format!("{}{}", illink_type_name(self.p, fd.ty, Some(t), None), fd.name))
                            })
                    })
                    .map(Item::Field)
                    .collect(),
                "property" => td
                    .properties
                    .iter()
                    .copied()
                    .filter(|&x| {
                        let pd = &self.p.properties[x];
                        name == Some(pd.name.as_str())
                            || signature.is_some_and(|s| {
                                squash(s) == squash(&format!("{}{}", illink_type_name(self.p, pd.ty, Some(t), None), pd.name))
                            })
                    })
                    .flat_map(|x| {
                        let pd = &self.p.properties[x];
                        let acc = c.attribute("accessors").unwrap_or("all");
                        let get = pd.getter.filter(|_| acc == "all" || acc.contains("get"));
                        let set = pd.setter.filter(|_| acc == "all" || acc.contains("set"));
                        std::iter::once(Item::Property(x)).chain([get, set].into_iter().flatten().map(Item::Method))
                    })
                    .collect(),
                "event" => td
                    .events
                    .iter()
                    .copied()
                    .filter(|&e| {
                        let ed = &self.p.events[e];
                        name == Some(ed.name.as_str())
                            || signature.is_some_and(|s| {
                                squash(s) == squash(&format!("{}{}", illink_type_name(self.p, ed.ty, Some(t), None), ed.name))
                            })
                    })
                    .flat_map(|e| {
                        let ed = &self.p.events[e];
                        std::iter::once(Item::Event(e)).chain([ed.add, ed.remove].into_iter().flatten().map(Item::Method))
                    })
                    .collect(),
                "type" => {
                    let nested: Vec<TypeId> = td.nested.iter().copied().filter(|&x| Some(self.p.types[x].name.as_str()) == name).collect();
                    if nested.is_empty() {
                        self.warn(c, "IL2008", format!("could not resolve nested type '{}' in '{tn}'", name.unwrap_or("")));
                    }
                    for x in nested {
                        self.type_body(c, x);
                    }
                    continue;
                }
                _ => continue,
            };
            if found.is_empty() {
                let (code, what) = match c.tag_name().name() {
                    "method" => ("IL2009", "method"),
                    "field" => ("IL2012", "field"),
                    "event" => ("IL2016", "event"),
                    _ => ("IL2017", "property"),
                };
                let sel = name.or(signature).unwrap_or("");
                self.warn(c, code, format!("could not find {what} '{sel}' on type '{tn}'"));
            }
            for item in found {
                self.root(c, item);
            }
        }
    }

    /// Roots `t` and what `preserve` asks for.
    fn preserve(&mut self, n: roxmltree::Node, t: TypeId, preserve: &str) {
        let f = match preserve {
            "all" => flags::ALL,
            "fields" => flags::PUBLIC_FIELDS | flags::NON_PUBLIC_FIELDS,
            "methods" => flags::PUBLIC_METHODS | flags::NON_PUBLIC_METHODS | flags::PUBLIC_CONSTRUCTORS | flags::NON_PUBLIC_CONSTRUCTORS,
            _ => 0,
        };
        let mut items = Vec::new();
        members(self.p, t, f, &mut items);
        if preserve == "all" {
            if let Some(c) = self.p.cctor(t) {
                items.push(Item::Method(c));
            }
        }
        for i in items {
            self.root(n, i);
        }
    }
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
