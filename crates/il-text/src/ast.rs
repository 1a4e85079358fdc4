//! The syntax tree of the text format, before names are resolved.

use crate::lexer::Pos;
use aotsim_il::{Constant, Prim, TypeKind, Visibility};

#[derive(Clone, Debug)]
pub(crate) struct Part {
    pub text: String,
    pub quoted: bool,
}

#[derive(Clone, Debug)]
pub(crate) enum TyAst {
    Prim(Prim),
    Var { method: bool, index: u16 },
    Named { asm: Option<String>, parts: Vec<Part>, nested: Vec<Part>, args: Vec<TyAst>, pos: Pos },
    Array(Box<TyAst>),
    ByRef(Box<TyAst>),
    Ptr(Box<TyAst>),
}

#[derive(Clone, Debug)]
pub(crate) enum AttrArg {
    Str(String),
    Int(i64),
    Bool(bool),
    Null,
    TypeOf(TyAst),
    Cast(TyAst, i64),
    Flags(Vec<(TyAst, String)>),
}

#[derive(Clone, Debug)]
pub(crate) struct AttrAst {
    pub ty: TyAst,
    pub args: Vec<AttrArg>,
    pub named: Vec<(String, AttrArg)>,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub(crate) struct GpAst {
    pub name: String,
    pub attrs: Vec<AttrAst>,
    /// `new T`: the `new()` constraint.
    pub default_ctor: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct AsmAst {
    pub name: String,
    pub refs: Vec<(String, Pos)>,
    pub attrs: Vec<AttrAst>,
    pub types: Vec<TypeAst>,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub(crate) struct TypeAst {
    pub kind: TypeKind,
    pub vis: Visibility,
    pub is_abstract: bool,
    pub is_sealed: bool,
    pub namespace: String,
    pub name: String,
    pub gps: Vec<GpAst>,
    pub base: Option<TyAst>,
    pub ifaces: Vec<TyAst>,
    pub attrs: Vec<AttrAst>,
    pub members: Vec<MemberAst>,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub(crate) enum MemberAst {
    Field(FieldAst),
    Method(MethodAst),
    Property(AccessorsAst),
    Event(AccessorsAst),
    Type(TypeAst),
}

#[derive(Clone, Debug)]
pub(crate) struct FieldAst {
    pub attrs: Vec<AttrAst>,
    pub vis: Visibility,
    pub is_static: bool,
    pub ty: TyAst,
    pub name: String,
    pub constant: Option<Constant>,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub(crate) struct ParamAst {
    pub attrs: Vec<AttrAst>,
    pub ty: TyAst,
    pub name: String,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct MethodMods {
    pub is_static: bool,
    pub is_virtual: bool,
    pub is_abstract: bool,
    pub is_newslot: bool,
    pub is_final: bool,
    pub entrypoint: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct MethodAst {
    pub attrs: Vec<AttrAst>,
    pub ret_attrs: Vec<AttrAst>,
    pub vis: Visibility,
    pub mods: MethodMods,
    pub ret: TyAst,
    pub name: String,
    pub gps: Vec<GpAst>,
    pub params: Vec<ParamAst>,
    pub overrides: Vec<MethodRefAst>,
    pub size: Option<u32>,
    pub body: Option<BodyAst>,
    pub pos: Pos,
}

/// A property (`get`/`set`) or an event (`add`/`remove`).
#[derive(Clone, Debug)]
pub(crate) struct AccessorsAst {
    pub attrs: Vec<AttrAst>,
    pub ty: TyAst,
    pub name: String,
    /// (keyword, method name, parameter types, position)
    pub accessors: Vec<(String, String, Vec<TyAst>, Pos)>,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub(crate) struct MethodRefAst {
    pub owner: TyAst,
    pub name: String,
    pub gargs: Vec<TyAst>,
    pub params: Vec<TyAst>,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub(crate) struct FieldRefAst {
    pub owner: TyAst,
    pub name: String,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub(crate) enum InstrAst {
    Method(&'static str, MethodRefAst),
    Field(&'static str, FieldRefAst),
    Type(&'static str, TyAst),
    TokenMethod(MethodRefAst),
    TokenField(FieldRefAst),
    Str(String),
    Branch(&'static str, String),
    /// A compare-and-branch (`beq LABEL`, …).
    Compare(aotsim_il::Cmp, String),
    /// `switch (L1, L2, …)`.
    Switch(Vec<String>),
    /// An instruction without a reference operand, already final.
    Plain(aotsim_il::Instr),
}

#[derive(Clone, Debug)]
pub(crate) struct BodyAst {
    pub locals: Vec<TyAst>,
    pub instrs: Vec<(InstrAst, Pos)>,
    pub labels: Vec<(String, usize, Pos)>,
    /// `handlers (L1, …)`: where exception handlers begin.
    pub handlers: Vec<(String, Pos)>,
}
