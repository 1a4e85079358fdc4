//! The one display-name scheme used by the text format, reports, JSON and CLI look-ups.
//!
//! - type: `Ns.Name`, nested `Ns.Outer/Inner`, generic definitions keep their arity `List`1`;
//! - instantiation: `System.Collections.Generic.List<App.Foo>`; arrays `T[]`, by-refs `T&`;
//! - generic parameters by name (`T`), or `!0` / `!!0` where no name is known;
//! - method: `Ns.Type::Name(int32,string)`, generic methods `Name<T>(T)`;
//! - field, property, event: `Ns.Type::Name`; assembly: its simple name.

use crate::ids::*;
use crate::model::*;
use rustc_hash::FxHashMap as HashMap;
use std::fmt::Write;

/// Full names of every type, computed once, and the reverse index.
#[derive(Clone, Debug, Default)]
pub struct Names {
    type_names: Vec<String>,
    by_name: HashMap<String, Vec<TypeId>>,
}

/// True when `s` can be written without quotes in the text format.
pub fn is_plain_ident(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '`' | '$' | '@'))
}

/// Writes `s`, single-quoted (ILAsm style) when `quote` is set and it is not a plain identifier.
pub fn push_ident(out: &mut String, s: &str, quote: bool) {
    if !quote || is_plain_ident(s) || s == ".ctor" || s == ".cctor" {
        out.push_str(s);
    } else {
        out.push('\'');
        for c in s.chars() {
            if c == '\'' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('\'');
    }
}

impl Names {
    /// Computes the full name of every type.
    pub fn new(d: &ProgramData) -> Names {
        let mut type_names: Vec<String> = Vec::with_capacity(d.types.len());
        for (_, t) in d.types.iter() {
            type_names.push(Self::compute(d, t, false));
        }
        let mut by_name: HashMap<String, Vec<TypeId>> = HashMap::default();
        for (i, n) in type_names.iter().enumerate() {
            by_name.entry(n.clone()).or_default().push(TypeId::new(i));
        }
        Names { type_names, by_name }
    }

    fn compute(d: &ProgramData, t: &TypeData, quote: bool) -> String {
        let mut chain = vec![t];
        let mut cur = t.declaring_type;
        let mut guard = 0;
        while let Some(o) = cur {
            guard += 1;
            if guard > d.types.len() {
                break; // a nesting cycle; reported by validation
            }
            // Out of range only in a model that fails validation (the names are made beside it).
            let Some(outer) = d.types.get(o) else { break };
            chain.push(outer);
            cur = outer.declaring_type;
        }
        let mut s = String::new();
        for (i, ty) in chain.iter().rev().enumerate() {
            if i == 0 {
                if !ty.namespace.is_empty() {
                    for (j, part) in ty.namespace.split('.').enumerate() {
                        if j > 0 {
                            s.push('.');
                        }
                        push_ident(&mut s, part, quote);
                    }
                    s.push('.');
                }
            } else {
                s.push('/');
            }
            push_ident(&mut s, &ty.name, quote);
        }
        s
    }

    /// The full name of a type, e.g. `Ns.Outer/Inner`.
    pub fn type_name(&self, t: TypeId) -> &str {
        &self.type_names[t.index()]
    }

    /// The full name of a type with non-identifier parts quoted, as the text format writes it.
    pub fn type_name_quoted(&self, d: &ProgramData, t: TypeId) -> String {
        Self::compute(d, &d.types[t], true)
    }

    /// The types with this full name (one per assembly that declares it).
    pub fn types_named(&self, name: &str) -> &[TypeId] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// A signature as text, with generic parameters named from the context (`ctx_type` for
    /// `!N`, `ctx_method` for `!!N`).
    pub fn sig(&self, d: &ProgramData, sig: TypeRefId, ctx_type: Option<TypeId>, ctx_method: Option<MethodId>) -> String {
        let mut s = String::new();
        self.write_sig(&mut s, d, sig, ctx_type, ctx_method, false);
        s
    }

    /// Writes a signature; with `quote`, in the text format's spelling.
    pub fn write_sig(
        &self,
        out: &mut String,
        d: &ProgramData,
        sig: TypeRefId,
        ctx_type: Option<TypeId>,
        ctx_method: Option<MethodId>,
        quote: bool,
    ) {
        match &d.type_refs[sig] {
            TypeSig::Prim(p) => out.push_str(p.keyword()),
            TypeSig::Def(t) => self.write_type(out, d, *t, quote),
            TypeSig::Inst { def, args } => {
                let full = if quote { self.type_name_quoted(d, *def) } else { self.type_name(*def).to_string() };
                let suffix = format!("`{}", args.len());
                match full.strip_suffix(&suffix) {
                    Some(stripped) => out.push_str(stripped),
                    None => out.push_str(&full),
                }
                out.push('<');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.write_sig(out, d, *a, ctx_type, ctx_method, quote);
                }
                out.push('>');
            }
            TypeSig::Var(i) => {
                let name = ctx_type.and_then(|t| d.types[t].generic_params.get(*i as usize)).map(|g| g.name.as_str());
                self.write_generic_param(out, name, "!", *i);
            }
            TypeSig::MVar(i) => {
                let name = ctx_method.and_then(|m| d.methods[m].generic_params.get(*i as usize)).map(|g| g.name.as_str());
                self.write_generic_param(out, name, "!!", *i);
            }
            TypeSig::Array(e) => {
                self.write_sig(out, d, *e, ctx_type, ctx_method, quote);
                out.push_str("[]");
            }
            TypeSig::ByRef(e) => {
                self.write_sig(out, d, *e, ctx_type, ctx_method, quote);
                out.push('&');
            }
            TypeSig::Ptr(e) => {
                self.write_sig(out, d, *e, ctx_type, ctx_method, quote);
                out.push('*');
            }
        }
    }

    fn write_type(&self, out: &mut String, d: &ProgramData, t: TypeId, quote: bool) {
        if quote {
            out.push_str(&self.type_name_quoted(d, t));
        } else {
            out.push_str(self.type_name(t));
        }
    }

    /// A generic parameter prints by name when the name is a plain identifier that names no
    /// type and no primitive; otherwise by position.
    fn write_generic_param(&self, out: &mut String, name: Option<&str>, prefix: &str, i: u16) {
        match name {
            Some(n) if is_plain_ident(n) && !self.by_name.contains_key(n) && Prim::from_keyword(n).is_none() && !is_keyword(n) => {
                out.push_str(n)
            }
            _ => {
                let _ = write!(out, "{prefix}{i}");
            }
        }
    }

    /// `Ns.Type::Name(param,types)`, generic methods `Name<T>(…)`.
    pub fn method_name(&self, d: &ProgramData, m: MethodId) -> String {
        let mut s = String::new();
        self.write_method(&mut s, d, m, false);
        s
    }

    /// Writes a method's display name; with `quote`, in the text format's spelling.
    pub fn write_method(&self, out: &mut String, d: &ProgramData, m: MethodId, quote: bool) {
        let md = &d.methods[m];
        self.write_type(out, d, md.declaring_type, quote);
        out.push_str("::");
        push_ident(out, &md.name, quote);
        self.write_method_tail(out, d, m, quote);
    }

    /// Writes `<T,U>(param,types)` of a method.
    pub fn write_method_tail(&self, out: &mut String, d: &ProgramData, m: MethodId, quote: bool) {
        let md = &d.methods[m];
        if !md.generic_params.is_empty() {
            out.push('<');
            for (i, g) in md.generic_params.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                self.write_generic_param(out, Some(&g.name), "!!", i as u16);
            }
            out.push('>');
        }
        out.push('(');
        for (i, p) in md.params.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.write_sig(out, d, p.ty, Some(md.declaring_type), Some(m), quote);
        }
        out.push(')');
    }

    /// `Ns.Type::name`.
    pub fn field_name(&self, d: &ProgramData, f: FieldId) -> String {
        let fd = &d.fields[f];
        format!("{}::{}", self.type_name(fd.declaring_type), fd.name)
    }

    /// `Ns.Type::Name`.
    pub fn property_name(&self, d: &ProgramData, p: PropertyId) -> String {
        let pd = &d.properties[p];
        format!("{}::{}", self.type_name(pd.declaring_type), pd.name)
    }

    /// `Ns.Type::Name`.
    pub fn event_name(&self, d: &ProgramData, e: EventId) -> String {
        let ed = &d.events[e];
        format!("{}::{}", self.type_name(ed.declaring_type), ed.name)
    }
}

/// Words of the text format that cannot be used as bare generic parameter names.
pub fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "assembly"
            | "references"
            | "class"
            | "struct"
            | "interface"
            | "enum"
            | "delegate"
            | "method"
            | "field"
            | "property"
            | "event"
            | "implements"
            | "overrides"
            | "typeof"
            | "true"
            | "false"
            | "null"
            | "get"
            | "set"
            | "add"
            | "remove"
            | "locals"
            | "size"
            | "literal"
    )
}
