//! The printer: [`Program`] → text that parses back to the same program.

use aotsim_il::names::push_ident;
use aotsim_il::*;
use std::collections::BTreeSet;
use std::fmt::Write;

/// Prints `p` in the text format. `parse(print(p))` gives back `p` (up to the order of ids).
pub fn print(p: &Program) -> String {
    let mut w = Printer { p, out: String::new() };
    for (aid, a) in p.assemblies.iter() {
        if aid.index() > 0 {
            w.out.push('\n');
        }
        w.attrs(&a.attributes, 0, None);
        w.out.push_str("assembly ");
        w.dotted(&a.name);
        if !a.references.is_empty() {
            w.out.push_str(" references ");
            for (i, r) in a.references.iter().enumerate() {
                if i > 0 {
                    w.out.push_str(", ");
                }
                let name = p.assemblies[*r].name.clone();
                w.dotted(&name);
            }
        }
        w.out.push_str(" {\n");
        for &t in &a.types {
            if p.types[t].declaring_type.is_none() {
                w.ty(t, 1);
            }
        }
        w.out.push_str("}\n");
    }
    w.out
}

struct Printer<'a> {
    p: &'a Program,
    out: String,
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("    ");
    }
}

fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            '\0' => o.push_str("\\0"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

impl Printer<'_> {
    fn dotted(&mut self, name: &str) {
        for (i, part) in name.split('.').enumerate() {
            if i > 0 {
                self.out.push('.');
            }
            push_ident(&mut self.out, part, true);
        }
    }

    fn sig(&mut self, sig: TypeRefId, t: Option<TypeId>, m: Option<MethodId>) {
        self.p.names().write_sig(&mut self.out, self.p.data(), sig, t, m, true);
    }

    fn attrs(&mut self, attrs: &[CustomAttribute], level: usize, prefix: Option<&str>) {
        for a in attrs {
            indent(&mut self.out, level);
            self.attr(a, prefix);
            self.out.push('\n');
        }
    }

    fn attr(&mut self, a: &CustomAttribute, prefix: Option<&str>) {
        self.out.push('[');
        if let Some(pre) = prefix {
            self.out.push_str(pre);
        }
        let ty = self.p.methods[a.ctor].declaring_type;
        let name = self.p.names().type_name_quoted(self.p.data(), ty);
        self.out.push_str(&name);
        if !a.args.is_empty() || !a.named.is_empty() {
            self.out.push('(');
            let mut first = true;
            for v in &a.args {
                if !first {
                    self.out.push_str(", ");
                }
                first = false;
                self.value(v);
            }
            for n in &a.named {
                if !first {
                    self.out.push_str(", ");
                }
                first = false;
                let _ = write!(self.out, "{} = ", n.name);
                self.value(&n.value);
            }
            self.out.push(')');
        }
        self.out.push(']');
    }

    fn value(&mut self, v: &AttrValue) {
        match v {
            AttrValue::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            AttrValue::Int(i) => {
                let _ = write!(self.out, "{i}");
            }
            AttrValue::String(s) => self.out.push_str(&escape(s)),
            AttrValue::Null => self.out.push_str("null"),
            AttrValue::Type(t) => {
                self.out.push_str("typeof(");
                self.sig(*t, None, None);
                self.out.push(')');
            }
            AttrValue::Enum { ty, value } => {
                self.out.push('(');
                self.sig(*ty, None, None);
                let _ = write!(self.out, "){value}");
            }
        }
    }

    fn inline_attrs(&mut self, attrs: &[CustomAttribute]) {
        for a in attrs {
            self.attr(a, None);
            self.out.push(' ');
        }
    }

    fn ty(&mut self, t: TypeId, level: usize) {
        let p = self.p;
        let td = &p.types[t];
        self.attrs(&td.attributes, level, None);
        indent(&mut self.out, level);
        let _ = write!(self.out, "{} {}", td.kind.keyword(), td.visibility.keyword());
        if td.is_abstract && td.kind != TypeKind::Interface {
            self.out.push_str(" abstract");
        }
        if td.is_sealed {
            self.out.push_str(" sealed");
        }
        self.out.push(' ');
        if td.declaring_type.is_none() && !td.namespace.is_empty() {
            self.dotted(&td.namespace.clone());
            self.out.push('.');
        }
        let n = td.generic_params.len();
        let suffix = format!("`{n}");
        match td.name.strip_suffix(&suffix) {
            Some(stripped) if n > 0 && aotsim_il::names::is_plain_ident(stripped) => self.out.push_str(stripped),
            _ if n > 0 && aotsim_il::names::is_plain_ident(&td.name) && !td.name.contains('`') => {
                // A generic type whose name lacks the arity: quote it so the parser keeps it.
                let _ = write!(self.out, "'{}'", td.name);
            }
            _ => push_ident(&mut self.out, &td.name, true),
        }
        self.generic_params(&td.generic_params);
        if let Some(b) = td.base {
            self.out.push_str(" : ");
            self.sig(b, Some(t), None);
        }
        if !td.interfaces.is_empty() {
            self.out.push_str(" implements ");
            for (i, &iface) in td.interfaces.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.sig(iface, Some(t), None);
            }
        }
        self.out.push_str(" {\n");
        for &f in &td.fields {
            self.field(f, level + 1);
        }
        for &m in &td.methods {
            self.method(m, level + 1);
        }
        for &pr in &td.properties {
            let pd = &p.properties[pr];
            self.attrs(&pd.attributes, level + 1, None);
            indent(&mut self.out, level + 1);
            self.out.push_str("property ");
            self.sig(pd.ty, Some(t), None);
            self.out.push(' ');
            push_ident(&mut self.out, &pd.name, true);
            self.accessor("get", pd.getter);
            self.accessor("set", pd.setter);
            self.out.push('\n');
        }
        for &e in &td.events {
            let ed = &p.events[e];
            self.attrs(&ed.attributes, level + 1, None);
            indent(&mut self.out, level + 1);
            self.out.push_str("event ");
            self.sig(ed.ty, Some(t), None);
            self.out.push(' ');
            push_ident(&mut self.out, &ed.name, true);
            self.accessor("add", ed.add);
            self.accessor("remove", ed.remove);
            self.out.push('\n');
        }
        for &n in &td.nested {
            self.ty(n, level + 1);
        }
        indent(&mut self.out, level);
        self.out.push_str("}\n");
    }

    fn accessor(&mut self, kw: &str, m: Option<MethodId>) {
        let Some(m) = m else { return };
        let _ = write!(self.out, " {kw} ");
        let md = &self.p.methods[m];
        push_ident(&mut self.out, &md.name, true);
        self.out.push('(');
        for (i, prm) in md.params.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.sig(prm.ty, Some(md.declaring_type), Some(m));
        }
        self.out.push(')');
    }

    fn generic_params(&mut self, gps: &[GenericParam]) {
        if gps.is_empty() {
            return;
        }
        self.out.push('<');
        for (i, g) in gps.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.inline_attrs(&g.attributes);
            if g.default_ctor {
                self.out.push_str("new ");
            }
            push_ident(&mut self.out, &g.name, true);
        }
        self.out.push('>');
    }

    fn field(&mut self, f: FieldId, level: usize) {
        let fd = &self.p.fields[f];
        self.attrs(&fd.attributes, level, None);
        indent(&mut self.out, level);
        let _ = write!(self.out, "field {}", fd.visibility.keyword());
        if fd.is_static && fd.constant.is_none() {
            self.out.push_str(" static");
        }
        if fd.constant.is_some() {
            self.out.push_str(" literal");
        }
        self.out.push(' ');
        self.sig(fd.ty, Some(fd.declaring_type), None);
        self.out.push(' ');
        push_ident(&mut self.out, &fd.name, true);
        match &fd.constant {
            Some(Constant::Int(v)) => {
                let _ = write!(self.out, " = {v}");
            }
            Some(Constant::String(s)) => {
                let _ = write!(self.out, " = {}", escape(s));
            }
            Some(Constant::Bool(b)) => {
                let _ = write!(self.out, " = {b}");
            }
            Some(Constant::Null) => self.out.push_str(" = null"),
            None => {}
        }
        self.out.push('\n');
    }

    fn method_ref(&mut self, r: MethodRefId, ctx_t: TypeId, ctx_m: MethodId) {
        let mr = &self.p.method_refs[r];
        let target = &self.p.methods[mr.method];
        self.sig(mr.owner, Some(ctx_t), Some(ctx_m));
        self.out.push_str("::");
        push_ident(&mut self.out, &target.name, true);
        if !mr.generic_args.is_empty() {
            self.out.push('<');
            for (i, &g) in mr.generic_args.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                self.sig(g, Some(ctx_t), Some(ctx_m));
            }
            self.out.push('>');
        }
        self.out.push('(');
        for (i, prm) in target.params.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.sig(prm.ty, Some(target.declaring_type), Some(mr.method));
        }
        self.out.push(')');
    }

    fn field_ref(&mut self, r: FieldRefId, ctx_t: TypeId, ctx_m: MethodId) {
        let fr = &self.p.field_refs[r];
        self.sig(fr.owner, Some(ctx_t), Some(ctx_m));
        self.out.push_str("::");
        push_ident(&mut self.out, &self.p.fields[fr.field].name, true);
    }

    fn method(&mut self, m: MethodId, level: usize) {
        let p = self.p;
        let md = &p.methods[m];
        let t = md.declaring_type;
        self.attrs(&md.attributes, level, None);
        self.attrs(&md.ret_attributes, level, Some("return: "));
        indent(&mut self.out, level);
        let _ = write!(self.out, "method {}", md.visibility.keyword());
        let f = md.flags;
        for (on, word) in [
            (f.is_static, "static"),
            (f.is_virtual && !f.is_abstract, "virtual"),
            (f.is_abstract, "abstract"),
            (f.is_newslot, "newslot"),
            (f.is_final, "final"),
            (p.entry_point == Some(m), "entrypoint"),
        ] {
            if on {
                self.out.push(' ');
                self.out.push_str(word);
            }
        }
        self.out.push(' ');
        self.sig(md.ret, Some(t), Some(m));
        self.out.push(' ');
        push_ident(&mut self.out, &md.name, true);
        self.generic_params(&md.generic_params);
        self.out.push('(');
        for (i, prm) in md.params.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.inline_attrs(&prm.attributes);
            self.sig(prm.ty, Some(t), Some(m));
            if !prm.name.is_empty() {
                self.out.push(' ');
                push_ident(&mut self.out, &prm.name, true);
            }
        }
        self.out.push(')');
        for (i, &o) in md.overrides.iter().enumerate() {
            self.out.push_str(if i == 0 { " overrides " } else { ", " });
            self.method_ref(o, t, m);
        }
        let computed: u32 = md.body.as_ref().map_or(0, Body::encoded_size);
        if md.il_size != computed {
            let _ = write!(self.out, " size {}", md.il_size);
        }
        let Some(body) = &md.body else {
            self.out.push('\n');
            return;
        };
        self.out.push_str(" {\n");
        if !body.locals.is_empty() {
            indent(&mut self.out, level + 1);
            self.out.push_str("locals (");
            for (i, &l) in body.locals.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.sig(l, Some(t), Some(m));
            }
            self.out.push_str(")\n");
        }
        if !body.handlers().is_empty() {
            indent(&mut self.out, level + 1);
            let labels: Vec<String> = body.handlers().iter().map(|h| format!("IL_{h}")).collect();
            let _ = writeln!(self.out, "handlers ({})", labels.join(", "));
        }
        let targets: BTreeSet<u32> = body.targets().collect();
        for (i, ins) in body.instrs.iter().enumerate() {
            if targets.contains(&(i as u32)) {
                indent(&mut self.out, level);
                let _ = writeln!(self.out, "  IL_{i}:");
            }
            indent(&mut self.out, level + 1);
            self.instr(ins, body.switches(), t, m);
            self.out.push('\n');
        }
        indent(&mut self.out, level);
        self.out.push_str("}\n");
    }

    fn instr(&mut self, ins: &Instr, switches: &[Vec<u32>], t: TypeId, m: MethodId) {
        let o = |s: &mut Self, w: &str| s.out.push_str(w);
        match *ins {
            Instr::Call(r) => {
                o(self, "call ");
                self.method_ref(r, t, m)
            }
            Instr::CallVirt(r) => {
                o(self, "callvirt ");
                self.method_ref(r, t, m)
            }
            Instr::NewObj(r) => {
                o(self, "newobj ");
                self.method_ref(r, t, m)
            }
            Instr::LdFtn(r) => {
                o(self, "ldftn ");
                self.method_ref(r, t, m)
            }
            Instr::LdVirtFtn(r) => {
                o(self, "ldvirtftn ");
                self.method_ref(r, t, m)
            }
            Instr::LdToken(Token::Type(ty)) => {
                o(self, "ldtoken ");
                self.sig(ty, Some(t), Some(m))
            }
            Instr::LdToken(Token::Method(r)) => {
                o(self, "ldtoken method ");
                self.method_ref(r, t, m)
            }
            Instr::LdToken(Token::Field(r)) => {
                o(self, "ldtoken field ");
                self.field_ref(r, t, m)
            }
            Instr::LdFld(r) | Instr::LdFlda(r) | Instr::StFld(r) | Instr::LdSfld(r) | Instr::LdSflda(r) | Instr::StSfld(r) => {
                let w = match ins {
                    Instr::LdFld(_) => "ldfld ",
                    Instr::LdFlda(_) => "ldflda ",
                    Instr::StFld(_) => "stfld ",
                    Instr::LdSfld(_) => "ldsfld ",
                    Instr::LdSflda(_) => "ldsflda ",
                    _ => "stsfld ",
                };
                o(self, w);
                self.field_ref(r, t, m)
            }
            Instr::Box(ty)
            | Instr::UnboxAny(ty)
            | Instr::NewArr(ty)
            | Instr::CastClass(ty)
            | Instr::IsInst(ty)
            | Instr::InitObj(ty)
            | Instr::Constrained(ty)
            | Instr::TypeOp(_, ty) => {
                let w = match ins {
                    Instr::TypeOp(s, _) => {
                        o(self, s.typed_mnemonic().unwrap_or("stack"));
                        " "
                    }
                    Instr::Box(_) => "box ",
                    Instr::UnboxAny(_) => "unbox.any ",
                    Instr::NewArr(_) => "newarr ",
                    Instr::CastClass(_) => "castclass ",
                    Instr::IsInst(_) => "isinst ",
                    Instr::InitObj(_) => "initobj ",
                    _ => "constrained. ",
                };
                o(self, w);
                self.sig(ty, Some(t), Some(m))
            }
            Instr::LdStr(s) => {
                let lit = escape(&self.p.strings[s]);
                let _ = write!(self.out, "ldstr {lit}");
            }
            Instr::LdNull => o(self, "ldnull"),
            Instr::LdcI4(v) => {
                let _ = write!(self.out, "ldc.i4 {v}");
            }
            Instr::LdArg(n) => {
                let _ = write!(self.out, "ldarg {n}");
            }
            Instr::StArg(n) => {
                let _ = write!(self.out, "starg {n}");
            }
            Instr::LdLoc(n) => {
                let _ = write!(self.out, "ldloc {n}");
            }
            Instr::StLoc(n) => {
                let _ = write!(self.out, "stloc {n}");
            }
            Instr::Br(x) => {
                let _ = write!(self.out, "br IL_{x}");
            }
            Instr::BrTrue(x) => {
                let _ = write!(self.out, "brtrue IL_{x}");
            }
            Instr::BrFalse(x) => {
                let _ = write!(self.out, "brfalse IL_{x}");
            }
            Instr::BrCmp(c, x) => {
                let _ = write!(self.out, "{} IL_{x}", c.mnemonic());
            }
            Instr::Switch(k) => {
                let table = switches.get(k as usize).map_or(&[][..], Vec::as_slice);
                let labels: Vec<String> = table.iter().map(|x| format!("IL_{x}")).collect();
                let _ = write!(self.out, "switch ({})", labels.join(", "));
            }
            Instr::Ret => o(self, "ret"),
            Instr::Throw => o(self, "throw"),
            Instr::Pop => o(self, "pop"),
            Instr::Dup => o(self, "dup"),
            Instr::Op(s) => o(self, s.mnemonic()),
            Instr::Stack { pops, pushes } => o(self, &format!("stack {pops} {pushes}")),
        }
    }
}
