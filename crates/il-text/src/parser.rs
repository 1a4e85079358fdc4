//! Recursive-descent parser: tokens → [`crate::ast`]. Stops at the first syntax error, which
//! names the line, the column, what was expected and what was found.

use crate::ast::*;
use crate::lexer::{Pos, Tok, Token};
use crate::ParseError;
use aotsim_il::{Cmp, Constant, Instr, Prim, SimpleOp, TypeKind, Visibility};

pub(crate) struct Parser {
    toks: Vec<Token>,
    i: usize,
}

type PResult<T> = Result<T, ParseError>;

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Quoted(s) => format!("'{s}'"),
        Tok::Int(v) => format!("number {v}"),
        Tok::Str(_) => "a string".into(),
        Tok::Punct(p) => format!("`{p}`"),
        Tok::Eof => "the end of the input".into(),
    }
}

const TYPE_KINDS: [(&str, TypeKind); 5] = [
    ("class", TypeKind::Class),
    ("struct", TypeKind::Struct),
    ("interface", TypeKind::Interface),
    ("enum", TypeKind::Enum),
    ("delegate", TypeKind::Delegate),
];

fn visibility(word: &str) -> Option<Visibility> {
    match word {
        "public" => Some(Visibility::Public),
        "protected" => Some(Visibility::Protected),
        "internal" => Some(Visibility::Internal),
        "private" => Some(Visibility::Private),
        _ => None,
    }
}

impl Parser {
    pub(crate) fn new(toks: Vec<Token>) -> Self {
        Parser { toks, i: 0 }
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.i].tok
    }

    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.i + n).min(self.toks.len() - 1)].tok
    }

    fn pos(&self) -> Pos {
        self.toks[self.i].pos
    }

    fn next(&mut self) -> Token {
        let t = self.toks[self.i].clone();
        if self.i + 1 < self.toks.len() {
            self.i += 1;
        }
        t
    }

    fn err<T>(&self, expected: &str) -> PResult<T> {
        Err(ParseError::at(self.pos(), format!("expected {expected}, found {}", describe(self.peek()))))
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == w)
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.next();
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.is_word(w) {
            self.next();
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, p: &str) -> PResult<()> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            self.err(&format!("`{p}`"))
        }
    }

    fn expect_word(&mut self, w: &str) -> PResult<()> {
        if self.eat_word(w) {
            Ok(())
        } else {
            self.err(&format!("`{w}`"))
        }
    }

    fn part(&mut self, what: &str) -> PResult<Part> {
        match self.peek().clone() {
            Tok::Ident(s) => {
                self.next();
                Ok(Part { text: s, quoted: false })
            }
            Tok::Quoted(s) => {
                self.next();
                Ok(Part { text: s, quoted: true })
            }
            _ => self.err(what),
        }
    }

    /// A dotted name: `a.b.c` (whitespace around dots allowed).
    fn dotted(&mut self, what: &str) -> PResult<Vec<Part>> {
        let mut parts = vec![self.part(what)?];
        while self.is_punct(".") {
            self.next();
            parts.push(self.part(what)?);
        }
        Ok(parts)
    }

    fn u32_lit(&mut self, what: &str) -> PResult<u32> {
        match *self.peek() {
            Tok::Int(v) if (0..=u32::MAX as i64).contains(&v) => {
                self.next();
                Ok(v as u32)
            }
            _ => self.err(what),
        }
    }

    fn u16_lit(&mut self, what: &str) -> PResult<u16> {
        match *self.peek() {
            Tok::Int(v) if (0..=u16::MAX as i64).contains(&v) => {
                self.next();
                Ok(v as u16)
            }
            _ => self.err(what),
        }
    }

    pub(crate) fn file(&mut self) -> PResult<Vec<AsmAst>> {
        let mut out = Vec::new();
        while *self.peek() != Tok::Eof {
            let attrs = self.attributes()?;
            let pos = self.pos();
            if !self.eat_word("assembly") {
                return self.err("`assembly`");
            }
            let name = join(&self.dotted("an assembly name")?);
            let mut refs = Vec::new();
            if self.eat_word("references") {
                loop {
                    let p = self.pos();
                    refs.push((join(&self.dotted("an assembly name")?), p));
                    if !self.eat_punct(",") {
                        break;
                    }
                }
            }
            self.expect_punct("{")?;
            let mut types = Vec::new();
            while !self.eat_punct("}") {
                if *self.peek() == Tok::Eof {
                    return self.err("`}` closing the assembly");
                }
                let attrs = self.attributes()?;
                types.push(self.type_decl(attrs, true)?);
            }
            out.push(AsmAst { name, refs, attrs, types, pos });
        }
        Ok(out)
    }

    fn attributes(&mut self) -> PResult<Vec<AttrAst>> {
        let mut out = Vec::new();
        while self.is_punct("[") && !matches!(self.peek_at(1), Tok::Ident(s) if s == "return") {
            out.push(self.attribute()?);
        }
        Ok(out)
    }

    fn attribute(&mut self) -> PResult<AttrAst> {
        self.expect_punct("[")?;
        self.attribute_inner()
    }

    /// An attribute after its opening `[` (and after `return:` for return-value attributes).
    fn attribute_inner(&mut self) -> PResult<AttrAst> {
        let pos = self.pos();
        let ty = self.type_ref()?;
        let mut args = Vec::new();
        let mut named = Vec::new();
        if self.eat_punct("(") && !self.eat_punct(")") {
            {
                loop {
                    if let (Tok::Ident(n), Tok::Punct("=")) = (self.peek().clone(), self.peek_at(1).clone()) {
                        self.next();
                        self.next();
                        named.push((n, self.attr_arg()?));
                    } else {
                        if !named.is_empty() {
                            return self.err("a named argument (`Name = value`) after named arguments");
                        }
                        args.push(self.attr_arg()?);
                    }
                    if self.eat_punct(")") {
                        break;
                    }
                    self.expect_punct(",")?;
                }
            }
        }
        self.expect_punct("]")?;
        Ok(AttrAst { ty, args, named, pos })
    }

    fn attr_arg(&mut self) -> PResult<AttrArg> {
        match self.peek().clone() {
            Tok::Str(s) => {
                self.next();
                Ok(AttrArg::Str(s))
            }
            Tok::Int(v) => {
                self.next();
                Ok(AttrArg::Int(v))
            }
            Tok::Ident(w) if w == "true" || w == "false" => {
                self.next();
                Ok(AttrArg::Bool(w == "true"))
            }
            Tok::Ident(w) if w == "null" => {
                self.next();
                Ok(AttrArg::Null)
            }
            Tok::Ident(w) if w == "typeof" => {
                self.next();
                self.expect_punct("(")?;
                let t = self.type_ref()?;
                self.expect_punct(")")?;
                Ok(AttrArg::TypeOf(t))
            }
            Tok::Punct("(") => {
                self.next();
                let t = self.type_ref()?;
                self.expect_punct(")")?;
                match *self.peek() {
                    Tok::Int(v) => {
                        self.next();
                        Ok(AttrArg::Cast(t, v))
                    }
                    _ => self.err("an integer after the enum cast"),
                }
            }
            Tok::Ident(_) | Tok::Quoted(_) | Tok::Punct("[") => {
                let mut flags = Vec::new();
                loop {
                    let t = self.type_ref()?;
                    self.expect_punct("::")?;
                    let member = self.part("an enum member name")?.text;
                    flags.push((t, member));
                    if !self.eat_punct("|") {
                        break;
                    }
                }
                Ok(AttrArg::Flags(flags))
            }
            _ => self.err("an attribute argument (string, number, true/false, null, typeof(T), (Enum)N or Enum::Member)"),
        }
    }

    fn generic_params(&mut self) -> PResult<Vec<GpAst>> {
        let mut out = Vec::new();
        if self.eat_punct("<") {
            loop {
                let attrs = self.attributes()?;
                // `new T`: the `new()` constraint (a parameter named `new` is still `<new>`).
                let default_ctor = self.is_word("new") && !matches!(self.peek_at(1), Tok::Punct(">" | ","));
                if default_ctor {
                    self.next();
                }
                let name = self.part("a generic parameter name")?.text;
                out.push(GpAst { name, attrs, default_ctor });
                if self.eat_punct(">") {
                    break;
                }
                self.expect_punct(",")?;
            }
        }
        Ok(out)
    }

    fn type_decl(&mut self, attrs: Vec<AttrAst>, top_level: bool) -> PResult<TypeAst> {
        let pos = self.pos();
        let kind = match self.peek() {
            Tok::Ident(w) => TYPE_KINDS.iter().find(|(k, _)| k == w).map(|(_, k)| *k),
            _ => None,
        };
        let Some(kind) = kind else {
            return self.err(if top_level {
                "a type (`class`, `struct`, `interface`, `enum`, `delegate`)"
            } else {
                "a member (`field`, `method`, `property`, `event`) or a nested type"
            });
        };
        self.next();
        let mut vis = Visibility::Public;
        let (mut is_abstract, mut is_sealed) = (kind == TypeKind::Interface, false);
        loop {
            match self.peek() {
                Tok::Ident(w) if visibility(w).is_some() => vis = visibility(w).unwrap_or_default(),
                Tok::Ident(w) if w == "abstract" => is_abstract = true,
                Tok::Ident(w) if w == "sealed" => is_sealed = true,
                Tok::Ident(w) if w == "static" => {
                    is_abstract = true;
                    is_sealed = true;
                }
                _ => break,
            }
            self.next();
        }
        let parts = self.dotted("a type name")?;
        let (namespace, last) = if top_level {
            let (last, ns) = parts.split_last().expect("dotted() returns at least one part");
            (join(ns), last.clone())
        } else {
            if parts.len() > 1 {
                return Err(ParseError::at(pos, "a nested type's name cannot have a namespace"));
            }
            (String::new(), parts[0].clone())
        };
        let gps = self.generic_params()?;
        let name =
            if !gps.is_empty() && !last.quoted && !last.text.contains('`') { format!("{}`{}", last.text, gps.len()) } else { last.text };
        let base = if self.eat_punct(":") { Some(self.type_ref()?) } else { None };
        let mut ifaces = Vec::new();
        if self.eat_word("implements") {
            loop {
                ifaces.push(self.type_ref()?);
                if !self.eat_punct(",") {
                    break;
                }
            }
        }
        self.expect_punct("{")?;
        let mut members = Vec::new();
        while !self.eat_punct("}") {
            if *self.peek() == Tok::Eof {
                return self.err("`}` closing the type");
            }
            members.push(self.member()?);
        }
        Ok(TypeAst { kind, vis, is_abstract, is_sealed, namespace, name, gps, base, ifaces, attrs, members, pos })
    }

    fn member(&mut self) -> PResult<MemberAst> {
        let attrs = self.attributes()?;
        let mut ret_attrs = Vec::new();
        while self.is_punct("[") {
            self.next();
            self.expect_word("return")?;
            self.expect_punct(":")?;
            ret_attrs.push(self.attribute_inner()?);
        }
        let pos = self.pos();
        if self.eat_word("field") {
            if !ret_attrs.is_empty() {
                return Err(ParseError::at(pos, "`[return: …]` attributes belong on methods"));
            }
            return self.field(attrs, pos).map(MemberAst::Field);
        }
        if self.eat_word("method") {
            return self.method(attrs, ret_attrs, pos).map(MemberAst::Method);
        }
        if !ret_attrs.is_empty() {
            return Err(ParseError::at(pos, "`[return: …]` attributes belong on methods"));
        }
        if self.eat_word("property") {
            return self.accessors(attrs, pos, &["get", "set"]).map(MemberAst::Property);
        }
        if self.eat_word("event") {
            return self.accessors(attrs, pos, &["add", "remove"]).map(MemberAst::Event);
        }
        self.type_decl(attrs, false).map(MemberAst::Type)
    }

    fn field(&mut self, attrs: Vec<AttrAst>, pos: Pos) -> PResult<FieldAst> {
        let mut vis = Visibility::Public;
        let mut is_static = false;
        let mut literal = false;
        loop {
            match self.peek() {
                Tok::Ident(w) if visibility(w).is_some() => vis = visibility(w).unwrap_or_default(),
                Tok::Ident(w) if w == "static" => is_static = true,
                Tok::Ident(w) if w == "literal" => literal = true,
                _ => break,
            }
            self.next();
        }
        let ty = self.type_ref()?;
        let name = self.part("a field name")?.text;
        let mut constant = None;
        if self.eat_punct("=") {
            constant = Some(match self.peek().clone() {
                Tok::Int(v) => Constant::Int(v),
                Tok::Str(s) => Constant::String(s),
                Tok::Ident(w) if w == "true" || w == "false" => Constant::Bool(w == "true"),
                Tok::Ident(w) if w == "null" => Constant::Null,
                _ => return self.err("a constant (number, string, true/false, null)"),
            });
            self.next();
        }
        if literal != constant.is_some() {
            return Err(ParseError::at(pos, "a `literal` field needs `= constant`, and only literal fields take one"));
        }
        self.eat_punct(";");
        Ok(FieldAst { attrs, vis, is_static: is_static || literal, ty, name, constant, pos })
    }

    fn method(&mut self, attrs: Vec<AttrAst>, ret_attrs: Vec<AttrAst>, pos: Pos) -> PResult<MethodAst> {
        let mut vis = Visibility::Public;
        let mut mods = MethodMods::default();
        loop {
            match self.peek() {
                Tok::Ident(w) if visibility(w).is_some() => vis = visibility(w).unwrap_or_default(),
                Tok::Ident(w) if w == "static" => mods.is_static = true,
                Tok::Ident(w) if w == "virtual" => mods.is_virtual = true,
                Tok::Ident(w) if w == "abstract" => {
                    mods.is_abstract = true;
                    mods.is_virtual = true;
                }
                Tok::Ident(w) if w == "newslot" => mods.is_newslot = true,
                Tok::Ident(w) if w == "final" => mods.is_final = true,
                Tok::Ident(w) if w == "entrypoint" => mods.entrypoint = true,
                _ => break,
            }
            self.next();
        }
        // Constructors may leave out their `void`.
        let ret =
            if matches!(self.peek(), Tok::Ident(w) if w == ".ctor" || w == ".cctor") { TyAst::Prim(Prim::Void) } else { self.type_ref()? };
        let name = self.part("a method name")?.text;
        let gps = self.generic_params()?;
        self.expect_punct("(")?;
        let mut params = Vec::new();
        if !self.eat_punct(")") {
            loop {
                let attrs = self.attributes()?;
                let ty = self.type_ref()?;
                let name = match self.peek() {
                    Tok::Ident(_) | Tok::Quoted(_) => self.part("a parameter name")?.text,
                    _ => String::new(),
                };
                params.push(ParamAst { attrs, ty, name });
                if self.eat_punct(")") {
                    break;
                }
                self.expect_punct(",")?;
            }
        }
        let mut overrides = Vec::new();
        let mut size = None;
        loop {
            if self.eat_word("overrides") {
                loop {
                    overrides.push(self.method_ref()?);
                    if !self.eat_punct(",") {
                        break;
                    }
                }
            } else if self.eat_word("size") {
                size = Some(self.u32_lit("the IL size in bytes")?);
            } else {
                break;
            }
        }
        let body = if self.is_punct("{") { Some(self.body()?) } else { None };
        self.eat_punct(";");
        Ok(MethodAst { attrs, ret_attrs, vis, mods, ret, name, gps, params, overrides, size, body, pos })
    }

    fn accessors(&mut self, attrs: Vec<AttrAst>, pos: Pos, words: &[&'static str; 2]) -> PResult<AccessorsAst> {
        let ty = self.type_ref()?;
        let name = self.part("a name")?.text;
        let mut accessors = Vec::new();
        while let Some(w) = words.iter().find(|w| self.is_word(w)) {
            self.next();
            let p = self.pos();
            let m = self.part("an accessor method name")?.text;
            self.expect_punct("(")?;
            let mut params = Vec::new();
            if !self.eat_punct(")") {
                loop {
                    params.push(self.type_ref()?);
                    if self.eat_punct(")") {
                        break;
                    }
                    self.expect_punct(",")?;
                }
            }
            accessors.push((w.to_string(), m, params, p));
        }
        self.eat_punct(";");
        Ok(AccessorsAst { attrs, ty, name, accessors, pos })
    }

    pub(crate) fn type_ref(&mut self) -> PResult<TyAst> {
        let pos = self.pos();
        let mut asm = None;
        if self.eat_punct("[") {
            asm = Some(join(&self.dotted("an assembly name")?));
            self.expect_punct("]")?;
        }
        let mut t = match self.peek().clone() {
            Tok::Punct("!") => {
                self.next();
                TyAst::Var { method: false, index: self.u16_lit("a generic parameter index")? }
            }
            Tok::Punct("!!") => {
                self.next();
                TyAst::Var { method: true, index: self.u16_lit("a generic parameter index")? }
            }
            Tok::Ident(w) if asm.is_none() && Prim::from_keyword(&w).is_some() => {
                self.next();
                TyAst::Prim(Prim::from_keyword(&w).unwrap_or(Prim::Void))
            }
            Tok::Ident(_) | Tok::Quoted(_) => {
                let parts = self.dotted("a type name")?;
                let mut nested = Vec::new();
                while self.eat_punct("/") {
                    nested.push(self.part("a nested type name")?);
                }
                let mut args = Vec::new();
                if self.eat_punct("<") {
                    loop {
                        args.push(self.type_ref()?);
                        if self.eat_punct(">") {
                            break;
                        }
                        self.expect_punct(",")?;
                    }
                }
                TyAst::Named { asm, parts, nested, args, pos }
            }
            _ => return self.err("a type"),
        };
        loop {
            if self.is_punct("[") && matches!(self.peek_at(1), Tok::Punct("]")) {
                self.next();
                self.next();
                t = TyAst::Array(Box::new(t));
            } else if self.eat_punct("&") {
                t = TyAst::ByRef(Box::new(t));
            } else if self.eat_punct("*") {
                t = TyAst::Ptr(Box::new(t));
            } else {
                return Ok(t);
            }
        }
    }

    pub(crate) fn method_ref(&mut self) -> PResult<MethodRefAst> {
        let pos = self.pos();
        let owner = self.type_ref()?;
        self.expect_punct("::")?;
        let name = self.part("a method name")?.text;
        let mut gargs = Vec::new();
        if self.eat_punct("<") {
            loop {
                gargs.push(self.type_ref()?);
                if self.eat_punct(">") {
                    break;
                }
                self.expect_punct(",")?;
            }
        }
        self.expect_punct("(")?;
        let mut params = Vec::new();
        if !self.eat_punct(")") {
            loop {
                params.push(self.type_ref()?);
                if self.eat_punct(")") {
                    break;
                }
                self.expect_punct(",")?;
            }
        }
        Ok(MethodRefAst { owner, name, gargs, params, pos })
    }

    fn field_ref(&mut self) -> PResult<FieldRefAst> {
        let pos = self.pos();
        let owner = self.type_ref()?;
        self.expect_punct("::")?;
        let name = self.part("a field name")?.text;
        Ok(FieldRefAst { owner, name, pos })
    }

    fn body(&mut self) -> PResult<BodyAst> {
        self.expect_punct("{")?;
        let mut locals = Vec::new();
        if self.eat_word("locals") {
            self.expect_punct("(")?;
            if !self.eat_punct(")") {
                loop {
                    locals.push(self.type_ref()?);
                    if self.eat_punct(")") {
                        break;
                    }
                    self.expect_punct(",")?;
                }
            }
        }
        // `handlers (…)`, not a label of that name (`handlers:`).
        let header = matches!((self.peek(), self.peek_at(1)), (Tok::Ident(w), Tok::Punct("(")) if w == "handlers");
        let handlers = if header {
            self.next();
            self.next();
            self.labels()?
        } else {
            Vec::new()
        };
        let mut instrs = Vec::new();
        let mut labels = Vec::new();
        loop {
            if self.eat_punct("}") {
                break;
            }
            let pos = self.pos();
            if let (Tok::Ident(l), Tok::Punct(":")) = (self.peek().clone(), self.peek_at(1).clone()) {
                self.next();
                self.next();
                labels.push((l, instrs.len(), pos));
                continue;
            }
            let op = match self.peek().clone() {
                Tok::Ident(w) => w,
                _ => return self.err("an instruction or `}`"),
            };
            self.next();
            // Opcodes with dots (`ldc.i4`, `unbox.any`) are lexed as words joined by glued dots.
            let mut op = op;
            while self.is_punct(".") && self.toks[self.i].glued {
                self.next();
                let suffix = match self.peek().clone() {
                    Tok::Ident(w) => Some(w),
                    Tok::Int(v) if v >= 0 => Some(v.to_string()),
                    _ => None,
                };
                if let Some(w) = suffix.filter(|_| self.toks[self.i].glued) {
                    self.next();
                    op = format!("{op}.{w}");
                    continue;
                }
                op.push('.');
            }
            let ins = self.instr(&op, pos)?;
            instrs.push((ins, pos));
        }
        Ok(BodyAst { locals, instrs, labels, handlers })
    }

    /// Labels separated by commas up to a closing `)` (the `(` already read).
    fn labels(&mut self) -> PResult<Vec<(String, Pos)>> {
        let mut out = Vec::new();
        if self.eat_punct(")") {
            return Ok(out);
        }
        loop {
            let pos = self.pos();
            out.push((self.part("a label")?.text, pos));
            if self.eat_punct(")") {
                return Ok(out);
            }
            self.expect_punct(",")?;
        }
    }

    fn instr(&mut self, op: &str, pos: Pos) -> PResult<InstrAst> {
        const METHOD_OPS: [&str; 5] = ["call", "callvirt", "newobj", "ldftn", "ldvirtftn"];
        const FIELD_OPS: [&str; 6] = ["ldfld", "ldflda", "stfld", "ldsfld", "ldsflda", "stsfld"];
        const TYPE_OPS: [&str; 18] = [
            "box",
            "unbox.any",
            "newarr",
            "castclass",
            "isinst",
            "initobj",
            "constrained.",
            "constrained",
            // Kept for their stack effect and the type they name (`Instr::TypeOp`).
            "ldobj",
            "stobj",
            "cpobj",
            "ldelema",
            "ldelem.any",
            "stelem.any",
            "sizeof",
            "mkrefany",
            "refanyval",
            "unbox",
        ];
        const BRANCH_OPS: [&str; 3] = ["br", "brtrue", "brfalse"];
        if let Some(k) = METHOD_OPS.iter().find(|k| **k == op) {
            return Ok(InstrAst::Method(k, self.method_ref()?));
        }
        if let Some(k) = FIELD_OPS.iter().find(|k| **k == op) {
            return Ok(InstrAst::Field(k, self.field_ref()?));
        }
        if let Some(k) = TYPE_OPS.iter().find(|k| **k == op) {
            let k: &'static str = if *k == "constrained" { "constrained." } else { k };
            return Ok(InstrAst::Type(k, self.type_ref()?));
        }
        if let Some(k) = BRANCH_OPS.iter().find(|k| **k == op) {
            let label = self.part("a label")?.text;
            return Ok(InstrAst::Branch(k, label));
        }
        if let Some(c) = Cmp::from_mnemonic(op) {
            let label = self.part("a label")?.text;
            return Ok(InstrAst::Compare(c, label));
        }
        if op == "switch" {
            self.expect_punct("(")?;
            return Ok(InstrAst::Switch(self.labels()?.into_iter().map(|(l, _)| l).collect()));
        }
        if op == "cmp" {
            return Err(ParseError::at(pos, "`cmp` is a compare-and-branch with its target now: write `beq`, `blt`, … LABEL"));
        }
        let short = |prefix: &str| op.strip_prefix(prefix).and_then(|n| n.parse::<u16>().ok()).filter(|n| *n <= 3);
        let plain = match op {
            "ldtoken" => {
                if self.eat_word("method") {
                    return Ok(InstrAst::TokenMethod(self.method_ref()?));
                }
                if self.eat_word("field") {
                    return Ok(InstrAst::TokenField(self.field_ref()?));
                }
                return Ok(InstrAst::Type("ldtoken", self.type_ref()?));
            }
            "ldstr" => {
                return match self.peek().clone() {
                    Tok::Str(s) => {
                        self.next();
                        Ok(InstrAst::Str(s))
                    }
                    _ => self.err("a string literal"),
                }
            }
            "ldnull" => Instr::LdNull,
            "stack" => {
                let pops = self.u16_lit("the number of values popped")?;
                let pushes = self.u16_lit("the number of values pushed")?;
                match (u8::try_from(pops), u8::try_from(pushes)) {
                    (Ok(pops), Ok(pushes)) => Instr::Stack { pops, pushes },
                    _ => return Err(ParseError::at(pos, "`stack` counts must be at most 255")),
                }
            }
            "ret" => Instr::Ret,
            "throw" => Instr::Throw,
            "pop" => Instr::Pop,
            "dup" => Instr::Dup,
            "ldc.i4" => match *self.peek() {
                Tok::Int(v) if i32::try_from(v).is_ok() => {
                    self.next();
                    Instr::LdcI4(v as i32)
                }
                _ => return self.err("an int32"),
            },
            "ldc.i4.m1" => Instr::LdcI4(-1),
            "ldarg" => Instr::LdArg(self.u16_lit("an argument index")?),
            "starg" => Instr::StArg(self.u16_lit("an argument index")?),
            "ldloc" => Instr::LdLoc(self.u16_lit("a local index")?),
            "stloc" => Instr::StLoc(self.u16_lit("a local index")?),
            "add" | "sub" | "mul" | "div" | "rem" | "and" | "or" | "xor" | "shl" | "shr" | "ceq" | "cgt" | "clt" => {
                Instr::Op(SimpleOp::Binary)
            }
            "neg" | "not" => Instr::Op(SimpleOp::Unary),
            _ => {
                if let Some(v) = op.strip_prefix("ldc.i4.").and_then(|n| n.parse::<i32>().ok()).filter(|n| (0..=8).contains(n)) {
                    Instr::LdcI4(v)
                } else if let Some(n) = short("ldarg.") {
                    Instr::LdArg(n)
                } else if let Some(n) = short("ldloc.") {
                    Instr::LdLoc(n)
                } else if let Some(n) = short("stloc.") {
                    Instr::StLoc(n)
                } else if let Some(s) = SimpleOp::from_mnemonic(op) {
                    Instr::Op(s)
                } else {
                    return Err(ParseError::at(pos, format!("unknown instruction `{op}`")));
                }
            }
        };
        Ok(InstrAst::Plain(plain))
    }
}

pub(crate) fn join(parts: &[Part]) -> String {
    parts.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join(".")
}
