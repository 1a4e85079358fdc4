//! The declarative tables of a program: what a reader or builder fills in and JSON carries.

use crate::ids::*;
use serde::{Deserialize, Serialize};

/// All tables of a program, as written by a builder or read from JSON. Not yet validated: turn it
/// into a [`crate::Program`] with [`crate::Program::from_data`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProgramData {
    /// Assemblies, in declaration order.
    pub assemblies: IdVec<AssemblyId, AssemblyData>,
    /// Type definitions, nested types included.
    pub types: IdVec<TypeId, TypeData>,
    /// Method definitions.
    pub methods: IdVec<MethodId, MethodData>,
    /// Field definitions.
    pub fields: IdVec<FieldId, FieldData>,
    /// Property definitions.
    pub properties: IdVec<PropertyId, PropertyData>,
    /// Event definitions.
    pub events: IdVec<EventId, EventData>,
    /// Interned type signatures.
    pub type_refs: IdVec<TypeRefId, TypeSig>,
    /// Interned method references.
    pub method_refs: IdVec<MethodRefId, MethodRef>,
    /// Interned field references.
    pub field_refs: IdVec<FieldRefId, FieldRef>,
    /// Interned user strings.
    pub strings: IdVec<StringId, String>,
    /// The program's entry point (`Main`), if it has one.
    pub entry_point: Option<MethodId>,
}

/// An assembly: a unit of deployment that owns types and references other assemblies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssemblyData {
    /// Simple name, e.g. `System.Private.CoreLib`.
    pub name: String,
    /// Assemblies this one references.
    pub references: Vec<AssemblyId>,
    /// Assembly-level custom attributes.
    pub attributes: Vec<CustomAttribute>,
    /// Types declared in this assembly (top-level and nested), in declaration order.
    pub types: Vec<TypeId>,
}

/// What sort of type a definition is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TypeKind {
    /// A reference type.
    Class,
    /// A value type.
    Struct,
    /// An interface.
    Interface,
    /// An enumeration (a value type).
    Enum,
    /// A delegate (a reference type deriving from `System.MulticastDelegate`).
    Delegate,
}

impl TypeKind {
    /// The keyword of the text format.
    pub fn keyword(self) -> &'static str {
        match self {
            TypeKind::Class => "class",
            TypeKind::Struct => "struct",
            TypeKind::Interface => "interface",
            TypeKind::Enum => "enum",
            TypeKind::Delegate => "delegate",
        }
    }

    /// True for value types (structs and enums).
    pub fn is_value_type(self) -> bool {
        matches!(self, TypeKind::Struct | TypeKind::Enum)
    }
}

/// Accessibility of a type or member.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Visible everywhere.
    Public,
    /// Visible to derived types.
    Protected,
    /// Visible inside the assembly.
    Internal,
    /// Visible inside the declaring type.
    #[default]
    Private,
}

impl Visibility {
    /// The keyword of the text format.
    pub fn keyword(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Protected => "protected",
            Visibility::Internal => "internal",
            Visibility::Private => "private",
        }
    }

    /// True for the members that other assemblies can see (`public`, `protected`).
    pub fn is_externally_visible(self) -> bool {
        matches!(self, Visibility::Public | Visibility::Protected)
    }
}

/// A generic parameter of a type or method.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenericParam {
    /// Its name (`T`).
    pub name: String,
    /// Attributes on the parameter (e.g. `[DynamicallyAccessedMembers]`).
    pub attributes: Vec<CustomAttribute>,
    /// The `new()` constraint: arguments must have a public parameterless constructor, which
    /// trimming keeps for them (as ILLink does).
    #[serde(default)]
    pub default_ctor: bool,
}

/// A type definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypeData {
    /// The assembly that declares it.
    pub assembly: AssemblyId,
    /// Namespace, empty for the global namespace and for nested types.
    pub namespace: String,
    /// Metadata name; generic types carry their arity (`List`1`).
    pub name: String,
    /// Class, struct, interface, enum or delegate.
    pub kind: TypeKind,
    /// Accessibility.
    pub visibility: Visibility,
    /// `abstract` (static classes are `abstract sealed`).
    pub is_abstract: bool,
    /// `sealed`.
    pub is_sealed: bool,
    /// The enclosing type of a nested type.
    pub declaring_type: Option<TypeId>,
    /// Generic parameters.
    pub generic_params: Vec<GenericParam>,
    /// The base type (`System.Object` for most classes), if any.
    pub base: Option<TypeRefId>,
    /// Interfaces the type declares it implements.
    pub interfaces: Vec<TypeRefId>,
    /// Methods, in declaration order.
    pub methods: Vec<MethodId>,
    /// Fields, in declaration order.
    pub fields: Vec<FieldId>,
    /// Properties, in declaration order.
    pub properties: Vec<PropertyId>,
    /// Events, in declaration order.
    pub events: Vec<EventId>,
    /// Nested types, in declaration order.
    pub nested: Vec<TypeId>,
    /// Custom attributes.
    pub attributes: Vec<CustomAttribute>,
    /// The size in bytes its layout declares (`[StructLayout(Size = …)]`, the ClassLayout table),
    /// when it declares one.
    #[serde(default)]
    pub class_size: Option<u32>,
}

/// Flags of a method definition.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodFlags {
    /// No `this`.
    pub is_static: bool,
    /// Dispatched through a virtual slot.
    pub is_virtual: bool,
    /// Has no body; derived types must provide one.
    pub is_abstract: bool,
    /// Starts a new slot instead of overriding one of the base type (`newslot`).
    pub is_newslot: bool,
    /// Cannot be overridden further (`final`, C# `sealed override`).
    pub is_final: bool,
}

/// A method parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// Its name (may be empty).
    pub name: String,
    /// Its type.
    pub ty: TypeRefId,
    /// Attributes on the parameter.
    pub attributes: Vec<CustomAttribute>,
}

/// A method definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MethodData {
    /// The type that declares it.
    pub declaring_type: TypeId,
    /// Its name (`.ctor` and `.cctor` for constructors).
    pub name: String,
    /// Accessibility.
    pub visibility: Visibility,
    /// Static / virtual / abstract / newslot / final.
    pub flags: MethodFlags,
    /// Generic parameters.
    pub generic_params: Vec<GenericParam>,
    /// Return type (`void` is [`Prim::Void`]).
    pub ret: TypeRefId,
    /// Attributes on the return value.
    pub ret_attributes: Vec<CustomAttribute>,
    /// Parameters, `this` excluded.
    pub params: Vec<Param>,
    /// Methods this one explicitly overrides or implements (`.override`, MethodImpl).
    pub overrides: Vec<MethodRefId>,
    /// Custom attributes.
    pub attributes: Vec<CustomAttribute>,
    /// The body, for methods that have IL.
    pub body: Option<Body>,
    /// Size of the IL code in bytes (read from the assembly, or estimated from the instructions).
    pub il_size: u32,
}

impl MethodData {
    /// True for instance and static constructors.
    pub fn is_constructor(&self) -> bool {
        self.name == ".ctor" || self.name == ".cctor"
    }

    /// True for the static constructor (type initializer).
    pub fn is_static_constructor(&self) -> bool {
        self.name == ".cctor"
    }
}

/// A method body: its locals and the instructions that matter to the analyses, in order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// Types of the local variables.
    pub locals: Vec<TypeRefId>,
    /// Instructions in IL order; branch targets are indexes into this list.
    pub instrs: Vec<Instr>,
    /// The control flow the instructions do not carry themselves (`switch` tables, exception
    /// handlers), when the body has any: out of line, as most bodies have none.
    #[serde(default)]
    pub flow: Option<Box<Flow>>,
}

/// The control flow of a body beyond its branch instructions' own targets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    /// The target tables of the body's `switch` instructions: [`Instr::Switch`]`(k)` jumps to
    /// one of `switches[k]` or falls through.
    #[serde(default)]
    pub switches: Vec<Vec<u32>>,
    /// The instructions where exception handlers and filters begin: code that runs when an
    /// exception is thrown, reached by no branch.
    #[serde(default)]
    pub handlers: Vec<u32>,
}

impl Flow {
    /// The flow of a body with these `switch` tables and handler starts: none when both are
    /// empty, as [`Body::flow`] keeps it.
    pub fn of(switches: Vec<Vec<u32>>, handlers: Vec<u32>) -> Option<Box<Flow>> {
        (!switches.is_empty() || !handlers.is_empty()).then(|| Box::new(Flow { switches, handlers }))
    }
}

impl Body {
    /// A body of these locals and instructions, with no `switch` and no exception handler.
    pub fn new(locals: Vec<TypeRefId>, instrs: Vec<Instr>) -> Body {
        Body { locals, instrs, flow: None }
    }

    /// A body with these `switch` tables and handler starts ([`Flow::of`]).
    pub fn with_flow(locals: Vec<TypeRefId>, instrs: Vec<Instr>, switches: Vec<Vec<u32>>, handlers: Vec<u32>) -> Body {
        Body { locals, instrs, flow: Flow::of(switches, handlers) }
    }

    /// The target tables of the `switch` instructions ([`Flow::switches`]).
    pub fn switches(&self) -> &[Vec<u32>] {
        self.flow.as_ref().map_or(&[], |f| f.switches.as_slice())
    }

    /// Where exception handlers and filters begin ([`Flow::handlers`]).
    pub fn handlers(&self) -> &[u32] {
        self.flow.as_ref().map_or(&[], |f| f.handlers.as_slice())
    }

    /// The encoded size of the body's instructions in bytes ([`Instr::encoded_size`], plus 4
    /// bytes per `switch` target): the IL size of a body written in the text format.
    pub fn encoded_size(&self) -> u32 {
        let table_bytes: usize = self.switches().iter().map(|t| 4 * t.len()).sum();
        self.instrs.iter().map(Instr::encoded_size).sum::<u32>() + table_bytes as u32
    }

    /// Where control may enter the body: its first instruction and every handler.
    pub fn entries(&self) -> impl Iterator<Item = usize> + '_ {
        (!self.instrs.is_empty()).then_some(0).into_iter().chain(self.handlers().iter().map(|&h| h as usize))
    }

    /// The instructions control may go to from instruction `i`: its branch or `switch` targets,
    /// and the next one unless `i` ends its block. Targets past the end are left out.
    pub fn successors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let ins = self.instrs.get(i);
        let table: &[u32] = match ins {
            Some(Instr::Switch(k)) => self.switches().get(*k as usize).map_or(&[], Vec::as_slice),
            _ => &[],
        };
        let target = ins.and_then(Instr::branch_target);
        let next = ins.filter(|ins| !ins.ends_block()).map(|_| i + 1);
        let n = self.instrs.len();
        target.into_iter().chain(table.iter().copied()).map(|t| t as usize).chain(next).filter(move |&t| t < n)
    }

    /// Where basic blocks begin, by instruction index: the entry, handlers, branch and `switch`
    /// targets, and the instruction after a branch or `switch`; with `after_ends`, the one after
    /// `ret` and `throw` too (a flow analysis starts a block there; Mono's AOT compiler, which
    /// only marks targets and what follows branches, does not).
    pub fn block_starts(&self, after_ends: bool) -> Vec<bool> {
        let n = self.instrs.len();
        let mut start = vec![false; n];
        if let Some(s) = start.first_mut() {
            *s = true;
        }
        for t in self.targets() {
            if let Some(s) = start.get_mut(t as usize) {
                *s = true;
            }
        }
        for (i, ins) in self.instrs.iter().enumerate() {
            if ins.branch_target().is_some() || matches!(ins, Instr::Switch(_)) || (after_ends && ins.ends_block()) {
                if let Some(s) = start.get_mut(i + 1) {
                    *s = true;
                }
            }
        }
        start
    }

    /// Every branch and `switch` target and handler start, with repeats.
    pub fn targets(&self) -> impl Iterator<Item = u32> + '_ {
        let branches = self.instrs.iter().filter_map(Instr::branch_target);
        branches.chain(self.switches().iter().flatten().copied()).chain(self.handlers().iter().copied())
    }
}

/// A constant value of a literal field or a parameter default.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Constant {
    /// A boolean.
    Bool(bool),
    /// Any integer, enums included.
    Int(i64),
    /// A string.
    String(String),
    /// `null`.
    Null,
}

/// A field definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldData {
    /// The type that declares it.
    pub declaring_type: TypeId,
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: TypeRefId,
    /// Accessibility.
    pub visibility: Visibility,
    /// Static field.
    pub is_static: bool,
    /// The compile-time constant of a `literal` field (enum members, `const`).
    pub constant: Option<Constant>,
    /// Custom attributes.
    pub attributes: Vec<CustomAttribute>,
    /// Its byte offset in a type with explicit layout (`[FieldOffset(…)]`, the FieldLayout
    /// table); fields at the same offset overlap.
    #[serde(default)]
    pub offset: Option<u32>,
}

/// A property: a name over a getter and a setter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PropertyData {
    /// The type that declares it.
    pub declaring_type: TypeId,
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: TypeRefId,
    /// The `get` accessor.
    pub getter: Option<MethodId>,
    /// The `set` accessor.
    pub setter: Option<MethodId>,
    /// Custom attributes.
    pub attributes: Vec<CustomAttribute>,
}

/// An event: a name over `add` and `remove` accessors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    /// The type that declares it.
    pub declaring_type: TypeId,
    /// Its name.
    pub name: String,
    /// Its delegate type.
    pub ty: TypeRefId,
    /// The `add` accessor.
    pub add: Option<MethodId>,
    /// The `remove` accessor.
    pub remove: Option<MethodId>,
    /// Custom attributes.
    pub attributes: Vec<CustomAttribute>,
}

/// A built-in type with its own element type in signatures.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Prim {
    Void,
    Bool,
    Char,
    Int8,
    UInt8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Float32,
    Float64,
    NInt,
    NUInt,
    String,
    Object,
}

impl Prim {
    /// Every primitive, in a fixed order.
    pub const ALL: [Prim; 17] = [
        Prim::Void,
        Prim::Bool,
        Prim::Char,
        Prim::Int8,
        Prim::UInt8,
        Prim::Int16,
        Prim::UInt16,
        Prim::Int32,
        Prim::UInt32,
        Prim::Int64,
        Prim::UInt64,
        Prim::Float32,
        Prim::Float64,
        Prim::NInt,
        Prim::NUInt,
        Prim::String,
        Prim::Object,
    ];

    /// The keyword of the text format (ILAsm's spelling).
    pub fn keyword(self) -> &'static str {
        match self {
            Prim::Void => "void",
            Prim::Bool => "bool",
            Prim::Char => "char",
            Prim::Int8 => "int8",
            Prim::UInt8 => "uint8",
            Prim::Int16 => "int16",
            Prim::UInt16 => "uint16",
            Prim::Int32 => "int32",
            Prim::UInt32 => "uint32",
            Prim::Int64 => "int64",
            Prim::UInt64 => "uint64",
            Prim::Float32 => "float32",
            Prim::Float64 => "float64",
            Prim::NInt => "nint",
            Prim::NUInt => "nuint",
            Prim::String => "string",
            Prim::Object => "object",
        }
    }

    /// The primitive spelled `word`, if any.
    pub fn from_keyword(word: &str) -> Option<Prim> {
        Prim::ALL.iter().copied().find(|p| p.keyword() == word)
    }
}

/// A type as it appears in a signature or an instruction operand. Interned: equal signatures
/// have equal [`TypeRefId`]s, so comparing ids compares structure.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TypeSig {
    /// A built-in type.
    Prim(Prim),
    /// A non-generic type, or a generic type definition left open (`typeof(List<>)`).
    Def(TypeId),
    /// A generic instantiation, `List<Foo>`.
    Inst {
        /// The generic type definition.
        def: TypeId,
        /// One argument per generic parameter.
        args: Vec<TypeRefId>,
    },
    /// The N-th generic parameter of the enclosing type (`!N`).
    Var(u16),
    /// The N-th generic parameter of the enclosing method (`!!N`).
    MVar(u16),
    /// A single-dimensional array, `T[]`.
    Array(TypeRefId),
    /// A managed reference, `T&`.
    ByRef(TypeRefId),
    /// An unmanaged pointer, `T*`.
    Ptr(TypeRefId),
}

/// A method definition as referenced from code: through its (possibly instantiated) owner and
/// with its method generic arguments.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MethodRef {
    /// The declaring type as the call site sees it (`List<Foo>` for `List`1::Add`).
    pub owner: TypeRefId,
    /// The method definition.
    pub method: MethodId,
    /// Arguments for the method's own generic parameters.
    pub generic_args: Vec<TypeRefId>,
}

/// A field definition as referenced from code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldRef {
    /// The declaring type as the access site sees it.
    pub owner: TypeRefId,
    /// The field definition.
    pub field: FieldId,
}

/// The operand of `ldtoken`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Token {
    /// `ldtoken T` (`typeof(T)`).
    Type(TypeRefId),
    /// `ldtoken method M`.
    Method(MethodRefId),
    /// `ldtoken field F`.
    Field(FieldRefId),
}

/// An instruction that creates an edge, moves a value the dataflow tracks, or branches.
/// Everything else is [`Instr::Op`] with its stack effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Instr {
    Call(MethodRefId),
    CallVirt(MethodRefId),
    NewObj(MethodRefId),
    LdFtn(MethodRefId),
    LdVirtFtn(MethodRefId),
    LdToken(Token),
    LdFld(FieldRefId),
    LdFlda(FieldRefId),
    StFld(FieldRefId),
    LdSfld(FieldRefId),
    LdSflda(FieldRefId),
    StSfld(FieldRefId),
    Box(TypeRefId),
    UnboxAny(TypeRefId),
    NewArr(TypeRefId),
    CastClass(TypeRefId),
    IsInst(TypeRefId),
    InitObj(TypeRefId),
    /// `constrained. T` prefix of the following `callvirt`.
    Constrained(TypeRefId),
    LdStr(StringId),
    LdNull,
    LdcI4(i32),
    LdArg(u16),
    StArg(u16),
    LdLoc(u16),
    StLoc(u16),
    /// Unconditional branch to the instruction at this index.
    Br(u32),
    /// Branch when the popped value is true / non-null / non-zero.
    BrTrue(u32),
    /// Branch when the popped value is false / null / zero.
    BrFalse(u32),
    /// Compare the two popped values and branch when the comparison holds (`beq`, `bne.un`,
    /// `blt`, …).
    BrCmp(Cmp, u32),
    /// `switch`: pop an index and jump to that entry of table `k` of [`Body::switches`], or fall
    /// through when it is out of range.
    Switch(u32),
    Ret,
    Throw,
    Pop,
    Dup,
    /// Any other instruction, by its stack effect.
    Op(SimpleOp),
    /// An instruction with the stack effect of the op that also names a type, which it keeps:
    /// `ldobj` ([`SimpleOp::LdInd`]), `stobj` and `cpobj` (`StInd`), `ldelema` and `ldelem` of a
    /// type (`LdElem`), `stelem` of a type (`StElem`, `stelem.any` in the text format), `sizeof`
    /// (`LdConst`), `mkrefany` and `refanyval` (`Unary`). Other ops are invalid here.
    TypeOp(SimpleOp, TypeRefId),
    /// An instruction whose operand the model cannot name (a call to a method of an assembly
    /// that was not found, `calli`), kept only for its stack effect.
    Stack {
        /// Values popped.
        pops: u8,
        /// Values pushed.
        pushes: u8,
    },
}

/// The comparison of a compare-and-branch instruction ([`Instr::BrCmp`]); `…Un` compare
/// integers as unsigned (and floating-point values unordered).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Cmp {
    Eq,
    NeUn,
    Ge,
    GeUn,
    Gt,
    GtUn,
    Le,
    LeUn,
    Lt,
    LtUn,
}

impl Cmp {
    /// Every comparison, in a fixed order.
    pub const ALL: [Cmp; 10] = [Cmp::Eq, Cmp::NeUn, Cmp::Ge, Cmp::GeUn, Cmp::Gt, Cmp::GtUn, Cmp::Le, Cmp::LeUn, Cmp::Lt, Cmp::LtUn];

    /// The branch's mnemonic (`beq`, `bne.un`, `bge`, …).
    pub fn mnemonic(self) -> &'static str {
        match self {
            Cmp::Eq => "beq",
            Cmp::NeUn => "bne.un",
            Cmp::Ge => "bge",
            Cmp::GeUn => "bge.un",
            Cmp::Gt => "bgt",
            Cmp::GtUn => "bgt.un",
            Cmp::Le => "ble",
            Cmp::LeUn => "ble.un",
            Cmp::Lt => "blt",
            Cmp::LtUn => "blt.un",
        }
    }

    /// The comparison of the branch spelled `word`, if any.
    pub fn from_mnemonic(word: &str) -> Option<Cmp> {
        Cmp::ALL.iter().copied().find(|c| c.mnemonic() == word)
    }

    /// Whether the branch is taken for two `int32` values (`a` pushed first).
    pub fn holds(self, a: i32, b: i32) -> bool {
        let (ua, ub) = (a as u32, b as u32);
        match self {
            Cmp::Eq => a == b,
            Cmp::NeUn => a != b,
            Cmp::Ge => a >= b,
            Cmp::GeUn => ua >= ub,
            Cmp::Gt => a > b,
            Cmp::GtUn => ua > ub,
            Cmp::Le => a <= b,
            Cmp::LeUn => ua <= ub,
            Cmp::Lt => a < b,
            Cmp::LtUn => ua < ub,
        }
    }
}

/// Instructions that only move values around: they matter for stack order, not for edges. Those
/// that also name a type are [`Instr::TypeOp`] of one of these (`ldobj` is `TypeOp(LdInd, T)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum SimpleOp {
    Nop,
    /// Binary arithmetic and comparison (`add`, `ceq`, …): pops two, pushes one.
    Binary,
    /// Unary arithmetic and conversion (`neg`, `conv.i8`, …): pops one, pushes one.
    Unary,
    /// A constant that is not an `int32` (`ldc.i8`, `ldc.r8`): pushes one.
    LdConst,
    /// `ldlen`: pops the array, pushes its length.
    LdLen,
    /// `ldelem*`: pops array and index, pushes the element.
    LdElem,
    /// `stelem*`: pops array, index and value.
    StElem,
    /// Loads a local or argument address (`ldloca`, `ldarga`): pushes one.
    LdAddr,
    /// Indirect load (`ldind.*`): pops an address, pushes a value.
    LdInd,
    /// Indirect store (`stind.*`): pops an address and a value.
    StInd,
}

impl SimpleOp {
    /// The mnemonic of the instruction with a type operand ([`Instr::TypeOp`]) of this stack
    /// effect, for the ops that have one.
    pub fn typed_mnemonic(self) -> Option<&'static str> {
        Some(match self {
            SimpleOp::LdInd => "ldobj",
            SimpleOp::StInd => "stobj",
            SimpleOp::LdElem => "ldelema",
            SimpleOp::StElem => "stelem.any",
            SimpleOp::LdConst => "sizeof",
            SimpleOp::Unary => "mkrefany",
            _ => return None,
        })
    }

    /// Every op, in a fixed order.
    pub const ALL: [SimpleOp; 10] = [
        SimpleOp::Nop,
        SimpleOp::Binary,
        SimpleOp::Unary,
        SimpleOp::LdConst,
        SimpleOp::LdLen,
        SimpleOp::LdElem,
        SimpleOp::StElem,
        SimpleOp::LdAddr,
        SimpleOp::LdInd,
        SimpleOp::StInd,
    ];

    /// The mnemonic of the text format.
    pub fn mnemonic(self) -> &'static str {
        match self {
            SimpleOp::Nop => "nop",
            SimpleOp::Binary => "binop",
            SimpleOp::Unary => "unop",
            SimpleOp::LdConst => "ldconst",
            SimpleOp::LdLen => "ldlen",
            SimpleOp::LdElem => "ldelem",
            SimpleOp::StElem => "stelem",
            SimpleOp::LdAddr => "ldaddr",
            SimpleOp::LdInd => "ldind",
            SimpleOp::StInd => "stind",
        }
    }

    /// The op spelled `word`, if any.
    pub fn from_mnemonic(word: &str) -> Option<SimpleOp> {
        SimpleOp::ALL.iter().copied().find(|o| o.mnemonic() == word)
    }

    /// `(pops, pushes)`.
    pub fn stack_effect(self) -> (u8, u8) {
        match self {
            SimpleOp::Nop => (0, 0),
            SimpleOp::Binary => (2, 1),
            SimpleOp::Unary => (1, 1),
            SimpleOp::LdConst => (0, 1),
            SimpleOp::LdLen => (1, 1),
            SimpleOp::LdElem => (2, 1),
            SimpleOp::StElem => (3, 0),
            SimpleOp::LdAddr => (0, 1),
            SimpleOp::LdInd => (1, 1),
            SimpleOp::StInd => (2, 0),
        }
    }
}

/// The reference an instruction's operand holds: a method (calls, `newobj`, `ldftn`, `ldtoken`
/// of a method), a field (field access, `ldtoken` of a field) or a type (`box`, casts, `newarr`,
/// `initobj`, `constrained.`, `ldtoken` of a type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperandRef {
    /// A method reference.
    Method(MethodRefId),
    /// A field reference.
    Field(FieldRefId),
    /// A type signature.
    Type(TypeRefId),
}

impl Instr {
    /// The method, field or type the instruction names, if any.
    pub fn operand_ref(&self) -> Option<OperandRef> {
        match *self {
            Instr::Call(r)
            | Instr::CallVirt(r)
            | Instr::NewObj(r)
            | Instr::LdFtn(r)
            | Instr::LdVirtFtn(r)
            | Instr::LdToken(Token::Method(r)) => Some(OperandRef::Method(r)),
            Instr::LdFld(r)
            | Instr::LdFlda(r)
            | Instr::StFld(r)
            | Instr::LdSfld(r)
            | Instr::LdSflda(r)
            | Instr::StSfld(r)
            | Instr::LdToken(Token::Field(r)) => Some(OperandRef::Field(r)),
            Instr::LdToken(Token::Type(t))
            | Instr::Box(t)
            | Instr::UnboxAny(t)
            | Instr::NewArr(t)
            | Instr::CastClass(t)
            | Instr::IsInst(t)
            | Instr::InitObj(t)
            | Instr::Constrained(t)
            | Instr::TypeOp(_, t) => Some(OperandRef::Type(t)),
            _ => None,
        }
    }

    /// The encoded size of the instruction in bytes (ECMA-335 Partition III), used to estimate
    /// the IL size of bodies written in the text format; a `switch` counts without its table
    /// ([`Body::encoded_size`] adds it).
    pub fn encoded_size(&self) -> u32 {
        match self {
            Instr::Call(_)
            | Instr::CallVirt(_)
            | Instr::NewObj(_)
            | Instr::LdToken(_)
            | Instr::LdFld(_)
            | Instr::LdFlda(_)
            | Instr::StFld(_)
            | Instr::LdSfld(_)
            | Instr::LdSflda(_)
            | Instr::StSfld(_)
            | Instr::Box(_)
            | Instr::UnboxAny(_)
            | Instr::NewArr(_)
            | Instr::CastClass(_)
            | Instr::IsInst(_)
            | Instr::LdStr(_)
            | Instr::Br(_)
            | Instr::BrTrue(_)
            | Instr::BrFalse(_)
            | Instr::BrCmp(..)
            | Instr::Switch(_) => 5,
            Instr::LdFtn(_) | Instr::LdVirtFtn(_) | Instr::InitObj(_) | Instr::Constrained(_) => 6,
            Instr::TypeOp(SimpleOp::LdConst, _) => 6,
            Instr::TypeOp(..) => 5,
            Instr::Stack { .. } => 5,
            Instr::LdcI4(v) => {
                if (-1..=8).contains(v) {
                    1
                } else if i8::try_from(*v).is_ok() {
                    2
                } else {
                    5
                }
            }
            Instr::LdArg(n) | Instr::StArg(n) | Instr::LdLoc(n) | Instr::StLoc(n) => {
                if *n < 4 {
                    1
                } else if *n < 256 {
                    2
                } else {
                    4
                }
            }
            Instr::Op(SimpleOp::LdConst) => 9,
            Instr::Op(SimpleOp::LdAddr) => 2,
            Instr::LdNull | Instr::Ret | Instr::Throw | Instr::Pop | Instr::Dup | Instr::Op(_) => 1,
        }
    }

    /// `(pops, pushes)` of the instruction on the evaluation stack, for every instruction whose
    /// effect does not depend on a callee's signature: calls, `newobj` and `constrained.` read
    /// as `(0, 0)` (their callers count arguments from the method), as do `br` and `ret`.
    pub fn fixed_stack_effect(&self) -> (usize, usize) {
        match *self {
            Instr::Call(_) | Instr::CallVirt(_) | Instr::NewObj(_) | Instr::Constrained(_) | Instr::Br(_) | Instr::Ret => (0, 0),
            Instr::LdFtn(_)
            | Instr::LdToken(_)
            | Instr::LdSfld(_)
            | Instr::LdSflda(_)
            | Instr::LdStr(_)
            | Instr::LdNull
            | Instr::LdcI4(_)
            | Instr::LdArg(_)
            | Instr::LdLoc(_) => (0, 1),
            Instr::LdVirtFtn(_)
            | Instr::LdFld(_)
            | Instr::LdFlda(_)
            | Instr::Box(_)
            | Instr::UnboxAny(_)
            | Instr::NewArr(_)
            | Instr::CastClass(_)
            | Instr::IsInst(_) => (1, 1),
            Instr::StFld(_) => (2, 0),
            Instr::StSfld(_)
            | Instr::InitObj(_)
            | Instr::StArg(_)
            | Instr::StLoc(_)
            | Instr::BrTrue(_)
            | Instr::BrFalse(_)
            | Instr::Switch(_)
            | Instr::Throw
            | Instr::Pop => (1, 0),
            Instr::BrCmp(..) => (2, 0),
            Instr::Dup => (1, 2),
            Instr::Op(s) | Instr::TypeOp(s, _) => {
                let (a, b) = s.stack_effect();
                (a as usize, b as usize)
            }
            Instr::Stack { pops, pushes } => (pops as usize, pushes as usize),
        }
    }

    /// The branch target of a branch instruction.
    pub fn branch_target(&self) -> Option<u32> {
        match self {
            Instr::Br(t) | Instr::BrTrue(t) | Instr::BrFalse(t) | Instr::BrCmp(_, t) => Some(*t),
            _ => None,
        }
    }

    /// True when control never falls through to the next instruction.
    pub fn ends_block(&self) -> bool {
        matches!(self, Instr::Br(_) | Instr::Ret | Instr::Throw)
    }
}

/// A value in a custom attribute's arguments.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttrValue {
    /// A boolean.
    Bool(bool),
    /// An integer of any width.
    Int(i64),
    /// A string.
    String(String),
    /// `null` (a null string, type or array).
    Null,
    /// `typeof(T)`.
    Type(TypeRefId),
    /// A value of an enum type.
    Enum {
        /// The enum type.
        ty: TypeRefId,
        /// The underlying value.
        value: i64,
    },
}

/// A named argument of a custom attribute (`Url = "…"`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NamedArg {
    /// Property or field name.
    pub name: String,
    /// Its value.
    pub value: AttrValue,
}

/// A custom attribute: the constructor that builds it and its arguments.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CustomAttribute {
    /// The attribute's constructor.
    pub ctor: MethodId,
    /// Constructor arguments, in order.
    pub args: Vec<AttrValue>,
    /// Named property and field arguments.
    pub named: Vec<NamedArg>,
}

#[cfg(test)]
mod cmp_tests {
    use super::Cmp;

    #[test]
    fn comparisons_read_their_mnemonics_and_compare_signed_or_unsigned() {
        for c in Cmp::ALL {
            assert_eq!(Cmp::from_mnemonic(c.mnemonic()), Some(c));
        }
        assert!(Cmp::Lt.holds(-1, 0) && !Cmp::LtUn.holds(-1, 0));
        assert!(Cmp::GtUn.holds(-1, 0) && !Cmp::Gt.holds(-1, 0));
        assert!(Cmp::Eq.holds(3, 3) && !Cmp::NeUn.holds(3, 3) && Cmp::LeUn.holds(3, 3) && Cmp::GeUn.holds(3, 3));
        assert!(Cmp::Le.holds(2, 3) && !Cmp::Ge.holds(2, 3));
    }
}
