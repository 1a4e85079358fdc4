//! Finding members by the names ILLink's inputs use: descriptor `signature`/`name` attributes
//! and `[DynamicDependency]` member signatures (`Method(System.Int32)`, `#ctor`, `Field`).

use crate::item::Item;
use aotsim_il::*;

/// A signature type in ILLink's spelling: `System.Int32`, ``System.Collections.Generic.List`1<System.String>``.
pub fn illink_type_name(p: &Program, sig: TypeRefId, ctx_t: Option<TypeId>, ctx_m: Option<MethodId>) -> String {
    match &p.type_refs[sig] {
        TypeSig::Prim(prim) => match prim {
            Prim::Void => "System.Void",
            Prim::Bool => "System.Boolean",
            Prim::Char => "System.Char",
            Prim::Int8 => "System.SByte",
            Prim::UInt8 => "System.Byte",
            Prim::Int16 => "System.Int16",
            Prim::UInt16 => "System.UInt16",
            Prim::Int32 => "System.Int32",
            Prim::UInt32 => "System.UInt32",
            Prim::Int64 => "System.Int64",
            Prim::UInt64 => "System.UInt64",
            Prim::Float32 => "System.Single",
            Prim::Float64 => "System.Double",
            Prim::NInt => "System.IntPtr",
            Prim::NUInt => "System.UIntPtr",
            Prim::String => "System.String",
            Prim::Object => "System.Object",
        }
        .to_string(),
        TypeSig::Inst { def, args } => {
            let args: Vec<String> = args.iter().map(|&a| illink_type_name(p, a, ctx_t, ctx_m)).collect();
            format!("{}<{}>", p.type_name(*def), args.join(","))
        }
        TypeSig::Array(e) => format!("{}[]", illink_type_name(p, *e, ctx_t, ctx_m)),
        TypeSig::ByRef(e) => format!("{}&", illink_type_name(p, *e, ctx_t, ctx_m)),
        TypeSig::Ptr(e) => format!("{}*", illink_type_name(p, *e, ctx_t, ctx_m)),
        TypeSig::Def(_) | TypeSig::Var(_) | TypeSig::MVar(_) => p.sig_name(sig, ctx_t, ctx_m),
    }
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The parameter list of `m` in ILLink's spelling and in ours, without spaces.
fn param_lists(p: &Program, m: MethodId) -> [String; 2] {
    let md = &p.methods[m];
    let ctx = (Some(md.declaring_type), Some(m));
    let illink: Vec<String> = md.params.iter().map(|x| illink_type_name(p, x.ty, ctx.0, ctx.1)).collect();
    let ours: Vec<String> = md.params.iter().map(|x| p.sig_name(x.ty, ctx.0, ctx.1)).collect();
    [illink.join(","), ours.join(",")]
}

/// Methods of `t` matching a descriptor `signature="RET NAME(PARAMS)"`.
pub fn methods_by_descriptor_signature(p: &Program, t: TypeId, signature: &str) -> Vec<MethodId> {
    let want = squash(signature);
    p.types[t]
        .methods
        .iter()
        .copied()
        .filter(|&m| {
            let md = &p.methods[m];
            let lists = param_lists(p, m);
            let rets =
                [illink_type_name(p, md.ret, Some(md.declaring_type), Some(m)), p.sig_name(md.ret, Some(md.declaring_type), Some(m))];
            rets.iter().any(|r| {
                lists.iter().any(|l| squash(&format!("{r}{}({l})", md.name)) == want || squash(&format!("{r} {}({l})", md.name)) == want)
            })
        })
        .collect()
}

/// Members of `t` named by a `[DynamicDependency]` member signature: `Name(T1,T2)` a method
/// overload, `Name` every member of that name, `#ctor` / `#cctor` the constructors.
pub fn members_by_doc_signature(p: &Program, t: TypeId, signature: &str) -> Vec<Item> {
    let sig = squash(signature).replace("#ctor", ".ctor").replace("#cctor", ".cctor");
    let (name, params) = match sig.split_once('(') {
        Some((n, rest)) => (n.to_string(), Some(rest.trim_end_matches(')').to_string())),
        None => (sig.clone(), None),
    };
    let td = &p.types[t];
    let mut out: Vec<Item> = td
        .methods
        .iter()
        .copied()
        .filter(|&m| p.methods[m].name == name && params.as_ref().is_none_or(|want| param_lists(p, m).iter().any(|l| l == want)))
        .map(Item::Method)
        .collect();
    if params.is_none() {
        out.extend(td.fields.iter().filter(|&&f| p.fields[f].name == name).map(|&f| Item::Field(f)));
        for &x in &td.properties {
            let pd = &p.properties[x];
            if pd.name == name {
                out.push(Item::Property(x));
                out.extend([pd.getter, pd.setter].into_iter().flatten().map(Item::Method));
            }
        }
        for &e in &td.events {
            let ed = &p.events[e];
            if ed.name == name {
                out.push(Item::Event(e));
                out.extend([ed.add, ed.remove].into_iter().flatten().map(Item::Method));
            }
        }
    }
    out
}
