//! What a method body's IL does, in more detail than the model's instructions keep: counts by
//! opcode group (`OP_GROUPS`), exception clauses, declared stack depth. The assembly reader fills
//! it from raw IL; for programs without raw IL, [`IlFeatures::from_body`] approximates it from the
//! model's instructions. The size estimator reads it.

use crate::model::{Body, Instr, SimpleOp};

/// Opcode groups the size model counts: names, in order.
pub const OP_GROUPS: [&str; 54] = [
    "nop_prefix",
    "ldarg",
    "ldarga",
    "starg",
    "ldloc",
    "ldloca",
    "stloc",
    "ldnull",
    "ldc_i4",
    "ldc_i8",
    "ldc_real",
    "dup",
    "pop",
    "call",
    "callvirt",
    "calli_jmp",
    "newobj",
    "ret",
    "br",
    "brtrue_brfalse",
    "compare_branch",
    "switch",
    "ldind",
    "stind",
    "add_sub_mul",
    "div_rem",
    "bitwise",
    "conv",
    "conv_ovf",
    "compare",
    "ldfld",
    "ldflda",
    "stfld",
    "ldsfld",
    "ldsflda",
    "stsfld",
    "ldelem",
    "ldelema",
    "stelem",
    "ldlen",
    "newarr",
    "box",
    "unbox",
    "castclass",
    "isinst",
    "ldstr",
    "throw",
    "leave",
    "endfinally",
    "ldtoken",
    "ldftn",
    "misc",
    "constrained",
    "stind_ref",
];

/// What the size model reads from a method body beyond the model's instructions: instruction
/// counts by opcode group, exception clauses and the declared stack depth.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IlFeatures {
    /// Instructions per group of [`OP_GROUPS`].
    pub counts: [u16; OP_GROUPS.len()],
    /// Exception-handling clauses.
    pub clauses: u16,
    /// The header's max stack.
    pub max_stack: u16,
    /// What the compiler's inliner and class initialisation read from the method's and its
    /// type's flags: [`IlFeatures::NO_INLINE`], [`IlFeatures::ALWAYS_INLINE`],
    /// [`IlFeatures::BEFORE_FIELD_INIT`].
    pub hints: u8,
}

impl IlFeatures {
    /// Never inlined: `NoInlining`, `Synchronized`, an internal call or a runtime method.
    pub const NO_INLINE: u8 = 1;
    /// `AggressiveInlining`: inlined whatever its size.
    pub const ALWAYS_INLINE: u8 = 2;
    /// The declaring type is `beforefieldinit`: its class constructor may run at any time before
    /// the first static field access, so callers check it, not the type's own methods.
    pub const BEFORE_FIELD_INIT: u8 = 4;

    /// The group counts of a model body: exact where the model keeps the instruction, an
    /// approximation where it keeps only a stack effect (all arithmetic is `add_sub_mul`, all
    /// conversions `conv`); no clauses or stack depth; the type taken as `beforefieldinit` (what C#
    /// compilers emit for types without an explicit static constructor).
    pub fn from_body(body: &Body) -> IlFeatures {
        let mut counts = [0u16; OP_GROUPS.len()];
        for ins in &body.instrs {
            let g = match ins {
                Instr::Op(SimpleOp::Nop) => 0,
                Instr::LdArg(_) => 1,
                Instr::Op(SimpleOp::LdAddr) => 5,
                Instr::TypeOp(SimpleOp::LdElem, _) => 37,
                Instr::TypeOp(SimpleOp::LdInd, _) => 22,
                Instr::TypeOp(SimpleOp::StInd, _) => 23,
                Instr::TypeOp(SimpleOp::StElem, _) => 38,
                Instr::TypeOp(..) => 51,
                Instr::StArg(_) => 3,
                Instr::LdLoc(_) => 4,
                Instr::StLoc(_) => 6,
                Instr::LdNull => 7,
                Instr::LdcI4(_) => 8,
                Instr::Op(SimpleOp::LdConst) => 10,
                Instr::Dup => 11,
                Instr::Pop => 12,
                Instr::Call(_) => 13,
                Instr::CallVirt(_) => 14,
                Instr::Stack { .. } => 15,
                Instr::NewObj(_) => 16,
                Instr::Ret => 17,
                Instr::Br(_) => 18,
                Instr::BrTrue(_) | Instr::BrFalse(_) => 19,
                Instr::BrCmp(..) => 20,
                Instr::Switch(_) => 21,
                Instr::Op(SimpleOp::LdInd) => 22,
                Instr::Op(SimpleOp::StInd) => 23,
                Instr::Op(SimpleOp::Binary) => 24,
                Instr::Op(SimpleOp::Unary) => 27,
                Instr::LdFld(_) => 30,
                Instr::LdFlda(_) => 31,
                Instr::StFld(_) => 32,
                Instr::LdSfld(_) => 33,
                Instr::LdSflda(_) => 34,
                Instr::StSfld(_) => 35,
                Instr::Op(SimpleOp::LdElem) => 36,
                Instr::Op(SimpleOp::StElem) => 38,
                Instr::Op(SimpleOp::LdLen) => 39,
                Instr::NewArr(_) => 40,
                Instr::Box(_) => 41,
                Instr::UnboxAny(_) => 42,
                Instr::CastClass(_) => 43,
                Instr::IsInst(_) => 44,
                Instr::LdStr(_) => 45,
                Instr::Throw => 46,
                Instr::LdToken(_) => 49,
                Instr::LdFtn(_) | Instr::LdVirtFtn(_) => 50,
                Instr::InitObj(_) => 51,
                Instr::Constrained(_) => 52,
            };
            counts[g] = counts[g].saturating_add(1);
        }
        IlFeatures { counts, clauses: 0, max_stack: 0, hints: Self::BEFORE_FIELD_INIT }
    }
}
