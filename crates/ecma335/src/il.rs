//! Method bodies (ECMA-335 Partition II §25.4): tiny and fat headers, exception clauses, and the
//! full IL opcode table (Partition III), one- and two-byte, decoded into raw instructions.

use crate::error::{Bad, R};
use crate::pe::{u16_at, u32_at};
use aotsim_il::{IlFeatures, OP_GROUPS};

/// How an opcode's operand is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperandKind {
    /// No operand.
    None,
    /// `int8` (`ldc.i4.s`).
    I8,
    /// `uint8` variable number (`ldarg.s`) or prefix argument (`unaligned.`, `no.`).
    U8,
    /// `uint16` variable number (`ldarg`).
    U16,
    /// `int32` (`ldc.i4`).
    I32,
    /// `int64` (`ldc.i8`).
    I64,
    /// `float32` (`ldc.r4`).
    R4,
    /// `float64` (`ldc.r8`).
    R8,
    /// A metadata token.
    Token,
    /// A branch with an `int8` displacement.
    BrS,
    /// A branch with an `int32` displacement.
    Br,
    /// `switch`: a count and that many `int32` displacements.
    Switch,
}

/// An opcode's name and operand; `None` for unassigned codes.
type OpInfo = Option<(&'static str, OperandKind)>;

macro_rules! ops {
    ($($code:literal $name:literal $kind:ident),* $(,)?) => {{
        let mut t: [OpInfo; 256] = [None; 256];
        $( t[$code] = Some(($name, OperandKind::$kind)); )*
        t
    }};
}

/// One-byte opcodes.
pub static ONE_BYTE: [OpInfo; 256] = ops![
    0x00 "nop" None, 0x01 "break" None, 0x02 "ldarg.0" None, 0x03 "ldarg.1" None, 0x04 "ldarg.2" None,
    0x05 "ldarg.3" None, 0x06 "ldloc.0" None, 0x07 "ldloc.1" None, 0x08 "ldloc.2" None, 0x09 "ldloc.3" None,
    0x0a "stloc.0" None, 0x0b "stloc.1" None, 0x0c "stloc.2" None, 0x0d "stloc.3" None, 0x0e "ldarg.s" U8,
    0x0f "ldarga.s" U8, 0x10 "starg.s" U8, 0x11 "ldloc.s" U8, 0x12 "ldloca.s" U8, 0x13 "stloc.s" U8,
    0x14 "ldnull" None, 0x15 "ldc.i4.m1" None, 0x16 "ldc.i4.0" None, 0x17 "ldc.i4.1" None, 0x18 "ldc.i4.2" None,
    0x19 "ldc.i4.3" None, 0x1a "ldc.i4.4" None, 0x1b "ldc.i4.5" None, 0x1c "ldc.i4.6" None, 0x1d "ldc.i4.7" None,
    0x1e "ldc.i4.8" None, 0x1f "ldc.i4.s" I8, 0x20 "ldc.i4" I32, 0x21 "ldc.i8" I64, 0x22 "ldc.r4" R4,
    0x23 "ldc.r8" R8, 0x25 "dup" None, 0x26 "pop" None, 0x27 "jmp" Token, 0x28 "call" Token,
    0x29 "calli" Token, 0x2a "ret" None, 0x2b "br.s" BrS, 0x2c "brfalse.s" BrS, 0x2d "brtrue.s" BrS,
    0x2e "beq.s" BrS, 0x2f "bge.s" BrS, 0x30 "bgt.s" BrS, 0x31 "ble.s" BrS, 0x32 "blt.s" BrS,
    0x33 "bne.un.s" BrS, 0x34 "bge.un.s" BrS, 0x35 "bgt.un.s" BrS, 0x36 "ble.un.s" BrS, 0x37 "blt.un.s" BrS,
    0x38 "br" Br, 0x39 "brfalse" Br, 0x3a "brtrue" Br, 0x3b "beq" Br, 0x3c "bge" Br, 0x3d "bgt" Br,
    0x3e "ble" Br, 0x3f "blt" Br, 0x40 "bne.un" Br, 0x41 "bge.un" Br, 0x42 "bgt.un" Br, 0x43 "ble.un" Br,
    0x44 "blt.un" Br, 0x45 "switch" Switch, 0x46 "ldind.i1" None, 0x47 "ldind.u1" None, 0x48 "ldind.i2" None,
    0x49 "ldind.u2" None, 0x4a "ldind.i4" None, 0x4b "ldind.u4" None, 0x4c "ldind.i8" None, 0x4d "ldind.i" None,
    0x4e "ldind.r4" None, 0x4f "ldind.r8" None, 0x50 "ldind.ref" None, 0x51 "stind.ref" None, 0x52 "stind.i1" None,
    0x53 "stind.i2" None, 0x54 "stind.i4" None, 0x55 "stind.i8" None, 0x56 "stind.r4" None, 0x57 "stind.r8" None,
    0x58 "add" None, 0x59 "sub" None, 0x5a "mul" None, 0x5b "div" None, 0x5c "div.un" None, 0x5d "rem" None,
    0x5e "rem.un" None, 0x5f "and" None, 0x60 "or" None, 0x61 "xor" None, 0x62 "shl" None, 0x63 "shr" None,
    0x64 "shr.un" None, 0x65 "neg" None, 0x66 "not" None, 0x67 "conv.i1" None, 0x68 "conv.i2" None,
    0x69 "conv.i4" None, 0x6a "conv.i8" None, 0x6b "conv.r4" None, 0x6c "conv.r8" None, 0x6d "conv.u4" None,
    0x6e "conv.u8" None, 0x6f "callvirt" Token, 0x70 "cpobj" Token, 0x71 "ldobj" Token, 0x72 "ldstr" Token,
    0x73 "newobj" Token, 0x74 "castclass" Token, 0x75 "isinst" Token, 0x76 "conv.r.un" None, 0x79 "unbox" Token,
    0x7a "throw" None, 0x7b "ldfld" Token, 0x7c "ldflda" Token, 0x7d "stfld" Token, 0x7e "ldsfld" Token,
    0x7f "ldsflda" Token, 0x80 "stsfld" Token, 0x81 "stobj" Token, 0x82 "conv.ovf.i1.un" None,
    0x83 "conv.ovf.i2.un" None, 0x84 "conv.ovf.i4.un" None, 0x85 "conv.ovf.i8.un" None, 0x86 "conv.ovf.u1.un" None,
    0x87 "conv.ovf.u2.un" None, 0x88 "conv.ovf.u4.un" None, 0x89 "conv.ovf.u8.un" None, 0x8a "conv.ovf.i.un" None,
    0x8b "conv.ovf.u.un" None, 0x8c "box" Token, 0x8d "newarr" Token, 0x8e "ldlen" None, 0x8f "ldelema" Token,
    0x90 "ldelem.i1" None, 0x91 "ldelem.u1" None, 0x92 "ldelem.i2" None, 0x93 "ldelem.u2" None,
    0x94 "ldelem.i4" None, 0x95 "ldelem.u4" None, 0x96 "ldelem.i8" None, 0x97 "ldelem.i" None,
    0x98 "ldelem.r4" None, 0x99 "ldelem.r8" None, 0x9a "ldelem.ref" None, 0x9b "stelem.i" None,
    0x9c "stelem.i1" None, 0x9d "stelem.i2" None, 0x9e "stelem.i4" None, 0x9f "stelem.i8" None,
    0xa0 "stelem.r4" None, 0xa1 "stelem.r8" None, 0xa2 "stelem.ref" None, 0xa3 "ldelem" Token,
    0xa4 "stelem" Token, 0xa5 "unbox.any" Token, 0xb3 "conv.ovf.i1" None, 0xb4 "conv.ovf.u1" None,
    0xb5 "conv.ovf.i2" None, 0xb6 "conv.ovf.u2" None, 0xb7 "conv.ovf.i4" None, 0xb8 "conv.ovf.u4" None,
    0xb9 "conv.ovf.i8" None, 0xba "conv.ovf.u8" None, 0xc2 "refanyval" Token, 0xc3 "ckfinite" None,
    0xc6 "mkrefany" Token, 0xd0 "ldtoken" Token, 0xd1 "conv.u2" None, 0xd2 "conv.u1" None, 0xd3 "conv.i" None,
    0xd4 "conv.ovf.i" None, 0xd5 "conv.ovf.u" None, 0xd6 "add.ovf" None, 0xd7 "add.ovf.un" None,
    0xd8 "mul.ovf" None, 0xd9 "mul.ovf.un" None, 0xda "sub.ovf" None, 0xdb "sub.ovf.un" None,
    0xdc "endfinally" None, 0xdd "leave" Br, 0xde "leave.s" BrS, 0xdf "stind.i" None, 0xe0 "conv.u" None,
];

/// Two-byte opcodes, `0xFE` then this byte.
pub static TWO_BYTE: [OpInfo; 256] = ops![
    0x00 "arglist" None, 0x01 "ceq" None, 0x02 "cgt" None, 0x03 "cgt.un" None, 0x04 "clt" None,
    0x05 "clt.un" None, 0x06 "ldftn" Token, 0x07 "ldvirtftn" Token, 0x09 "ldarg" U16, 0x0a "ldarga" U16,
    0x0b "starg" U16, 0x0c "ldloc" U16, 0x0d "ldloca" U16, 0x0e "stloc" U16, 0x0f "localloc" None,
    0x11 "endfilter" None, 0x12 "unaligned." U8, 0x13 "volatile." None, 0x14 "tail." None,
    0x15 "initobj" Token, 0x16 "constrained." Token, 0x17 "cpblk" None, 0x18 "initblk" None, 0x19 "no." U8,
    0x1a "rethrow" None, 0x1c "sizeof" Token, 0x1d "refanytype" None, 0x1e "readonly." None,
];

/// An opcode: one byte, or `0xFE00 | second byte`.
pub type Opcode = u16;

/// The name and operand kind of `op`.
pub fn info(op: Opcode) -> OpInfo {
    if op >> 8 == 0xfe {
        TWO_BYTE[(op & 0xff) as usize]
    } else {
        ONE_BYTE[(op & 0xff) as usize]
    }
}

/// A decoded operand.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operand {
    /// No operand.
    None,
    /// An integer constant or a variable number.
    Int(i64),
    /// A floating-point constant.
    Float(f64),
    /// A metadata token.
    Token(u32),
    /// A branch target as an offset into the code (may be out of range: the caller checks).
    Target(i64),
    /// `switch` with this many targets (checked to lie in the code).
    Switch(u32),
}

/// One decoded instruction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RawInstr {
    /// Offset of the opcode in the code.
    pub offset: u32,
    /// The opcode.
    pub op: Opcode,
    /// Its operand.
    pub operand: Operand,
}

/// An exception-handling clause (§25.4.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clause {
    /// 0 catch, 1 filter, 2 finally, 4 fault.
    pub flags: u32,
    /// Protected region.
    pub try_offset: u32,
    /// Length of the protected region.
    pub try_length: u32,
    /// Handler start.
    pub handler_offset: u32,
    /// Handler length.
    pub handler_length: u32,
    /// Catch type token, or filter offset.
    pub class_or_filter: u32,
}

/// A method body: the header's fields, the code and the exception clauses.
#[derive(Clone, Debug)]
pub struct MethodBody<'a> {
    /// Max stack depth.
    pub max_stack: u16,
    /// StandAloneSig token of the locals (0 when none).
    pub locals_token: u32,
    /// `InitLocals` flag.
    pub init_locals: bool,
    /// The IL code.
    pub code: &'a [u8],
    /// Exception-handling clauses.
    pub clauses: Vec<Clause>,
}

/// Reads the body header at the start of `d` (which runs to the end of its section). Errors are
/// at offsets relative to `d`.
pub(crate) fn read_body(d: &[u8]) -> R<MethodBody<'_>> {
    let b0 = *d.first().ok_or_else(|| Bad::at(0, "method body is empty"))?;
    match b0 & 3 {
        2 => {
            let size = (b0 >> 2) as usize;
            let code = d.get(1..1 + size).ok_or_else(|| Bad::at(0, format!("tiny body of {size} bytes runs past its section")))?;
            Ok(MethodBody { max_stack: 8, locals_token: 0, init_locals: false, code, clauses: Vec::new() })
        }
        3 => {
            let flags = u16_at(d, 0)?;
            let header = ((flags >> 12) as usize) * 4;
            if header < 12 {
                return Err(Bad::at(0, format!("fat body header of {header} bytes (at least 12)")));
            }
            let max_stack = u16_at(d, 2)?;
            let size = u32_at(d, 4)? as usize;
            let locals_token = u32_at(d, 8)?;
            let code = d
                .get(header..header.saturating_add(size))
                .ok_or_else(|| Bad::at(4, format!("code of {size} bytes runs past its section")))?;
            let mut clauses = Vec::new();
            if flags & 0x8 != 0 {
                let mut at = (header + size + 3) & !3;
                loop {
                    let kind = *d.get(at).ok_or_else(|| Bad::at(at, "exception section header runs past its section"))?;
                    if kind & 1 == 0 {
                        return Err(Bad::at(at, format!("unknown method data section kind 0x{kind:x}")));
                    }
                    let fat = kind & 0x40 != 0;
                    let len = if fat { (u32_at(d, at)? >> 8) as usize } else { *d.get(at + 1).unwrap_or(&0) as usize };
                    let (clause_size, start) = if fat { (24, at + 4) } else { (12, at + 4) };
                    if len < 4 || d.len() < at.saturating_add(len) {
                        return Err(Bad::at(at, format!("exception section of {len} bytes runs past its section")));
                    }
                    let n = (len - 4) / clause_size;
                    for i in 0..n {
                        let c = start + i * clause_size;
                        clauses.push(if fat {
                            Clause {
                                flags: u32_at(d, c)?,
                                try_offset: u32_at(d, c + 4)?,
                                try_length: u32_at(d, c + 8)?,
                                handler_offset: u32_at(d, c + 12)?,
                                handler_length: u32_at(d, c + 16)?,
                                class_or_filter: u32_at(d, c + 20)?,
                            }
                        } else {
                            Clause {
                                flags: u32::from(u16_at(d, c)?),
                                try_offset: u32::from(u16_at(d, c + 2)?),
                                try_length: u32::from(d[c + 4]),
                                handler_offset: u32::from(u16_at(d, c + 5)?),
                                handler_length: u32::from(d[c + 7]),
                                class_or_filter: u32_at(d, c + 8)?,
                            }
                        });
                    }
                    if kind & 0x80 == 0 {
                        break;
                    }
                    at = (at + len + 3) & !3;
                }
            }
            for c in &clauses {
                let ends = [(c.try_offset, c.try_length), (c.handler_offset, c.handler_length)];
                if ends.iter().any(|&(o, l)| u64::from(o) + u64::from(l) > size as u64) {
                    return Err(Bad::at(0, "an exception clause's region lies outside the code"));
                }
            }
            Ok(MethodBody { max_stack, locals_token, init_locals: flags & 0x10 != 0, code, clauses })
        }
        _ => Err(Bad::at(0, format!("method body header byte 0x{b0:02x} is neither tiny nor fat"))),
    }
}

/// Decodes `code` instruction by instruction into `out`. Errors carry the IL offset.
pub fn decode(code: &[u8], out: &mut Vec<RawInstr>) -> Result<(), (u32, String)> {
    let mut at = 0usize;
    while at < code.len() {
        let (r, next) = decode_one(code, at)?;
        out.push(r);
        at = next;
    }
    Ok(())
}

/// Decodes the instruction at offset `at` of `code` (which must lie in it); returns it and the
/// offset of the next. Errors carry the IL offset.
#[inline]
pub fn decode_one(code: &[u8], mut at: usize) -> Result<(RawInstr, usize), (u32, String)> {
    let n = code.len();
    let start = at;
    let mut op = Opcode::from(code[at]);
    at += 1;
    if op == 0xfe {
        let second = *code.get(at).ok_or((start as u32, "code ends inside a two-byte opcode".to_string()))?;
        op = 0xfe00 | Opcode::from(second);
        at += 1;
    }
    let Some((_, kind)) = info(op) else {
        return Err((start as u32, format!("unknown opcode 0x{op:02x}")));
    };
    let need = match kind {
        OperandKind::None => 0,
        OperandKind::I8 | OperandKind::U8 | OperandKind::BrS => 1,
        OperandKind::U16 => 2,
        OperandKind::I32 | OperandKind::R4 | OperandKind::Token | OperandKind::Br | OperandKind::Switch => 4,
        OperandKind::I64 | OperandKind::R8 => 8,
    };
    let Some(b) = code.get(at..at + need) else {
        return Err((start as u32, format!("code ends inside the operand of {}", info(op).map_or("?", |i| i.0))));
    };
    let i32_of = |b: &[u8]| i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    at += need;
    let operand = match kind {
        OperandKind::None => Operand::None,
        OperandKind::I8 => Operand::Int(i64::from(b[0] as i8)),
        OperandKind::U8 => Operand::Int(i64::from(b[0])),
        OperandKind::U16 => Operand::Int(i64::from(u16::from_le_bytes([b[0], b[1]]))),
        OperandKind::I32 => Operand::Int(i64::from(i32_of(b))),
        OperandKind::I64 => Operand::Int(i64::from_le_bytes(b.try_into().unwrap_or([0; 8]))),
        OperandKind::R4 => Operand::Float(f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
        OperandKind::R8 => Operand::Float(f64::from_le_bytes(b.try_into().unwrap_or([0; 8]))),
        OperandKind::Token => Operand::Token(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        OperandKind::BrS => Operand::Target(at as i64 + i64::from(b[0] as i8)),
        OperandKind::Br => Operand::Target(at as i64 + i64::from(i32_of(b))),
        OperandKind::Switch => {
            let count = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            let bytes = (count as usize).checked_mul(4).filter(|&len| at + len <= n);
            let Some(len) = bytes else {
                return Err((start as u32, format!("switch with {count} targets runs past the code")));
            };
            let base = (at + len) as i64;
            for t in code[at..at + len].chunks_exact(4) {
                let target = base + i64::from(i32_of(t));
                if target < 0 || target >= n as i64 {
                    return Err((start as u32, format!("switch target IL_{target:04x} lies outside the code")));
                }
            }
            at += len;
            Operand::Switch(count)
        }
    };
    Ok((RawInstr { offset: start as u32, op, operand }, at))
}

/// The group of an opcode (an index into [`aotsim_il::OP_GROUPS`]).
pub fn group(op: Opcode) -> usize {
    match op {
        0x00 | 0x01 | 0xfe12 | 0xfe13 | 0xfe14 | 0xfe19 | 0xfe1e => 0,
        0x02..=0x05 | 0x0e | 0xfe09 => 1,
        0x0f | 0xfe0a => 2,
        0x10 | 0xfe0b => 3,
        0x06..=0x09 | 0x11 | 0xfe0c => 4,
        0x12 | 0xfe0d => 5,
        0x0a..=0x0d | 0x13 | 0xfe0e => 6,
        0x14 => 7,
        0x15..=0x20 => 8,
        0x21 => 9,
        0x22 | 0x23 => 10,
        0x25 => 11,
        0x26 => 12,
        0x28 => 13,
        0x6f => 14,
        0x27 | 0x29 => 15,
        0x73 => 16,
        0x2a => 17,
        0x2b | 0x38 => 18,
        0x2c | 0x2d | 0x39 | 0x3a => 19,
        0x2e..=0x37 | 0x3b..=0x44 => 20,
        0x45 => 21,
        0x46..=0x50 => 22,
        0x52..=0x57 | 0xdf => 23,
        0x51 => 53,
        0x58..=0x5a | 0xd6..=0xdb => 24,
        0x5b..=0x5e => 25,
        0x5f..=0x66 => 26,
        0x67..=0x6e | 0x76 | 0xd1..=0xd3 | 0xe0 => 27,
        0x82..=0x8b | 0xb3..=0xba | 0xd4 | 0xd5 => 28,
        0xfe01..=0xfe05 => 29,
        0x7b => 30,
        0x7c => 31,
        0x7d => 32,
        0x7e => 33,
        0x7f => 34,
        0x80 => 35,
        0x90..=0x9a | 0xa3 => 36,
        0x8f => 37,
        0x9b..=0xa2 | 0xa4 => 38,
        0x8e => 39,
        0x8d => 40,
        0x8c => 41,
        0x79 | 0xa5 => 42,
        0x74 => 43,
        0x75 => 44,
        0x72 => 45,
        0x7a | 0xfe1a => 46,
        0xdd | 0xde => 47,
        0xdc | 0xfe11 => 48,
        0xd0 => 49,
        0xfe06 | 0xfe07 => 50,
        0xfe16 => 52,
        _ => 51,
    }
}

/// Counts instruction `op`, which follows `prev`, in its group of `counts`: a `stind.ref` of
/// `null` with the other `stind`s (it stores without the collector's write barrier, the group
/// `stind_ref` counts those that take one).
pub fn count(counts: &mut [u16; OP_GROUPS.len()], op: Opcode, prev: Opcode) {
    let g = if op == 0x51 && prev == 0x14 { group(0x52) } else { group(op) };
    let c = &mut counts[g];
    *c = c.saturating_add(1);
}

/// The features of `body` whose opcodes [`count`] counted in `counts`: those, the clauses and
/// the max stack; `hints` are the method's flags the compiler reads ([`IlFeatures::hints`]).
pub fn il_features(body: &MethodBody, counts: [u16; OP_GROUPS.len()], hints: u8) -> IlFeatures {
    IlFeatures { counts, clauses: body.clauses.len().min(u16::MAX as usize) as u16, max_stack: body.max_stack, hints }
}
