//! The metadata root, its streams and heaps, and the tables stream with row sizes computed from
//! row counts and heap sizes (ECMA-335 Partition II §24.2). Zero-copy: tables are read in place.

use crate::error::{Bad, R};
use crate::pe::{u16_at, u32_at, Image};

/// Table numbers (the high byte of a token).
#[allow(missing_docs)]
pub mod tid {
    pub const MODULE: usize = 0x00;
    pub const TYPE_REF: usize = 0x01;
    pub const TYPE_DEF: usize = 0x02;
    pub const FIELD_PTR: usize = 0x03;
    pub const FIELD: usize = 0x04;
    pub const METHOD_PTR: usize = 0x05;
    pub const METHOD_DEF: usize = 0x06;
    pub const PARAM_PTR: usize = 0x07;
    pub const PARAM: usize = 0x08;
    pub const INTERFACE_IMPL: usize = 0x09;
    pub const MEMBER_REF: usize = 0x0a;
    pub const CONSTANT: usize = 0x0b;
    pub const CUSTOM_ATTRIBUTE: usize = 0x0c;
    pub const FIELD_MARSHAL: usize = 0x0d;
    pub const DECL_SECURITY: usize = 0x0e;
    pub const CLASS_LAYOUT: usize = 0x0f;
    pub const FIELD_LAYOUT: usize = 0x10;
    pub const STAND_ALONE_SIG: usize = 0x11;
    pub const EVENT_MAP: usize = 0x12;
    pub const EVENT_PTR: usize = 0x13;
    pub const EVENT: usize = 0x14;
    pub const PROPERTY_MAP: usize = 0x15;
    pub const PROPERTY_PTR: usize = 0x16;
    pub const PROPERTY: usize = 0x17;
    pub const METHOD_SEMANTICS: usize = 0x18;
    pub const METHOD_IMPL: usize = 0x19;
    pub const MODULE_REF: usize = 0x1a;
    pub const TYPE_SPEC: usize = 0x1b;
    pub const IMPL_MAP: usize = 0x1c;
    pub const FIELD_RVA: usize = 0x1d;
    pub const ENC_LOG: usize = 0x1e;
    pub const ENC_MAP: usize = 0x1f;
    pub const ASSEMBLY: usize = 0x20;
    pub const ASSEMBLY_PROCESSOR: usize = 0x21;
    pub const ASSEMBLY_OS: usize = 0x22;
    pub const ASSEMBLY_REF: usize = 0x23;
    pub const ASSEMBLY_REF_PROCESSOR: usize = 0x24;
    pub const ASSEMBLY_REF_OS: usize = 0x25;
    pub const FILE: usize = 0x26;
    pub const EXPORTED_TYPE: usize = 0x27;
    pub const MANIFEST_RESOURCE: usize = 0x28;
    pub const NESTED_CLASS: usize = 0x29;
    pub const GENERIC_PARAM: usize = 0x2a;
    pub const METHOD_SPEC: usize = 0x2b;
    pub const GENERIC_PARAM_CONSTRAINT: usize = 0x2c;
    pub const COUNT: usize = 0x2d;
}

/// Table names, by number, as errors print them.
pub const TABLE_NAMES: [&str; tid::COUNT] = [
    "Module",
    "TypeRef",
    "TypeDef",
    "FieldPtr",
    "Field",
    "MethodPtr",
    "MethodDef",
    "ParamPtr",
    "Param",
    "InterfaceImpl",
    "MemberRef",
    "Constant",
    "CustomAttribute",
    "FieldMarshal",
    "DeclSecurity",
    "ClassLayout",
    "FieldLayout",
    "StandAloneSig",
    "EventMap",
    "EventPtr",
    "Event",
    "PropertyMap",
    "PropertyPtr",
    "Property",
    "MethodSemantics",
    "MethodImpl",
    "ModuleRef",
    "TypeSpec",
    "ImplMap",
    "FieldRVA",
    "ENCLog",
    "ENCMap",
    "Assembly",
    "AssemblyProcessor",
    "AssemblyOS",
    "AssemblyRef",
    "AssemblyRefProcessor",
    "AssemblyRefOS",
    "File",
    "ExportedType",
    "ManifestResource",
    "NestedClass",
    "GenericParam",
    "MethodSpec",
    "GenericParamConstraint",
];

/// Coded index kinds (§24.2.6): the tables each can point into, by tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Coded {
    TypeDefOrRef,
    HasConstant,
    HasCustomAttribute,
    HasFieldMarshal,
    HasDeclSecurity,
    MemberRefParent,
    HasSemantics,
    MethodDefOrRef,
    MemberForwarded,
    Implementation,
    CustomAttributeType,
    ResolutionScope,
    TypeOrMethodDef,
}

const NONE: usize = usize::MAX;

impl Coded {
    /// The tables by tag (`NONE` for unused tags).
    pub fn tables(self) -> &'static [usize] {
        use tid::*;
        match self {
            Coded::TypeDefOrRef => &[TYPE_DEF, TYPE_REF, TYPE_SPEC],
            Coded::HasConstant => &[FIELD, PARAM, PROPERTY],
            Coded::HasCustomAttribute => &[
                METHOD_DEF,
                FIELD,
                TYPE_REF,
                TYPE_DEF,
                PARAM,
                INTERFACE_IMPL,
                MEMBER_REF,
                MODULE,
                DECL_SECURITY,
                PROPERTY,
                EVENT,
                STAND_ALONE_SIG,
                MODULE_REF,
                TYPE_SPEC,
                ASSEMBLY,
                ASSEMBLY_REF,
                FILE,
                EXPORTED_TYPE,
                MANIFEST_RESOURCE,
                GENERIC_PARAM,
                GENERIC_PARAM_CONSTRAINT,
                METHOD_SPEC,
            ],
            Coded::HasFieldMarshal => &[FIELD, PARAM],
            Coded::HasDeclSecurity => &[TYPE_DEF, METHOD_DEF, ASSEMBLY],
            Coded::MemberRefParent => &[TYPE_DEF, TYPE_REF, MODULE_REF, METHOD_DEF, TYPE_SPEC],
            Coded::HasSemantics => &[EVENT, PROPERTY],
            Coded::MethodDefOrRef => &[METHOD_DEF, MEMBER_REF],
            Coded::MemberForwarded => &[FIELD, METHOD_DEF],
            Coded::Implementation => &[FILE, ASSEMBLY_REF, EXPORTED_TYPE],
            Coded::CustomAttributeType => &[NONE, NONE, METHOD_DEF, MEMBER_REF, NONE],
            Coded::ResolutionScope => &[MODULE, MODULE_REF, ASSEMBLY_REF, TYPE_REF],
            Coded::TypeOrMethodDef => &[TYPE_DEF, METHOD_DEF],
        }
    }

    fn tag_bits(self) -> u32 {
        let n = self.tables().len() as u32;
        32 - (n - 1).leading_zeros()
    }

    /// Splits a coded value into (table, row); `None` for an unused or out-of-range tag.
    pub fn decode(self, v: u32) -> Option<(usize, u32)> {
        let bits = self.tag_bits();
        let tag = (v & ((1 << bits) - 1)) as usize;
        let t = *self.tables().get(tag)?;
        (t != NONE).then_some((t, v >> bits))
    }
}

/// A column's kind.
#[derive(Clone, Copy, Debug)]
enum Col {
    U16,
    U32,
    Str,
    Guid,
    Blob,
    Idx(usize),
    Coded(Coded),
}

fn schema(t: usize) -> &'static [Col] {
    use self::Coded as C;
    use tid::*;
    use Col::*;
    match t {
        MODULE => &[U16, Str, Guid, Guid, Guid],
        TYPE_REF => &[Coded(C::ResolutionScope), Str, Str],
        TYPE_DEF => &[U32, Str, Str, Coded(C::TypeDefOrRef), Idx(FIELD), Idx(METHOD_DEF)],
        FIELD_PTR => &[Idx(FIELD)],
        FIELD => &[U16, Str, Blob],
        METHOD_PTR => &[Idx(METHOD_DEF)],
        METHOD_DEF => &[U32, U16, U16, Str, Blob, Idx(PARAM)],
        PARAM_PTR => &[Idx(PARAM)],
        PARAM => &[U16, U16, Str],
        INTERFACE_IMPL => &[Idx(TYPE_DEF), Coded(C::TypeDefOrRef)],
        MEMBER_REF => &[Coded(C::MemberRefParent), Str, Blob],
        CONSTANT => &[U16, Coded(C::HasConstant), Blob],
        CUSTOM_ATTRIBUTE => &[Coded(C::HasCustomAttribute), Coded(C::CustomAttributeType), Blob],
        FIELD_MARSHAL => &[Coded(C::HasFieldMarshal), Blob],
        DECL_SECURITY => &[U16, Coded(C::HasDeclSecurity), Blob],
        CLASS_LAYOUT => &[U16, U32, Idx(TYPE_DEF)],
        FIELD_LAYOUT => &[U32, Idx(FIELD)],
        STAND_ALONE_SIG => &[Blob],
        EVENT_MAP => &[Idx(TYPE_DEF), Idx(EVENT)],
        EVENT_PTR => &[Idx(EVENT)],
        EVENT => &[U16, Str, Coded(C::TypeDefOrRef)],
        PROPERTY_MAP => &[Idx(TYPE_DEF), Idx(PROPERTY)],
        PROPERTY_PTR => &[Idx(PROPERTY)],
        PROPERTY => &[U16, Str, Blob],
        METHOD_SEMANTICS => &[U16, Idx(METHOD_DEF), Coded(C::HasSemantics)],
        METHOD_IMPL => &[Idx(TYPE_DEF), Coded(C::MethodDefOrRef), Coded(C::MethodDefOrRef)],
        MODULE_REF => &[Str],
        TYPE_SPEC => &[Blob],
        IMPL_MAP => &[U16, Coded(C::MemberForwarded), Str, Idx(MODULE_REF)],
        FIELD_RVA => &[U32, Idx(FIELD)],
        ENC_LOG => &[U32, U32],
        ENC_MAP => &[U32],
        ASSEMBLY => &[U32, U16, U16, U16, U16, U32, Blob, Str, Str],
        ASSEMBLY_PROCESSOR => &[U32],
        ASSEMBLY_OS => &[U32, U32, U32],
        ASSEMBLY_REF => &[U16, U16, U16, U16, U32, Blob, Str, Str, Blob],
        ASSEMBLY_REF_PROCESSOR => &[U32, Idx(ASSEMBLY_REF)],
        ASSEMBLY_REF_OS => &[U32, U32, U32, Idx(ASSEMBLY_REF)],
        FILE => &[U32, Str, Blob],
        EXPORTED_TYPE => &[U32, U32, Str, Str, Coded(C::Implementation)],
        MANIFEST_RESOURCE => &[U32, U32, Str, Coded(C::Implementation)],
        NESTED_CLASS => &[Idx(TYPE_DEF), Idx(TYPE_DEF)],
        GENERIC_PARAM => &[U16, U16, Coded(C::TypeOrMethodDef), Str],
        METHOD_SPEC => &[Coded(C::MethodDefOrRef), Blob],
        GENERIC_PARAM_CONSTRAINT => &[Idx(GENERIC_PARAM), Coded(C::TypeDefOrRef)],
        _ => &[],
    }
}

/// One table, read in place: row `r` (1-based) starts at `(r - 1) * row_size`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Table<'a> {
    data: &'a [u8],
    /// Number of rows.
    pub rows: u32,
    row_size: usize,
    offsets: [u8; 10],
    sizes: [u8; 10],
}

impl<'a> Table<'a> {
    /// Column `col` of row `row` (1-based). The caller checks `1 <= row <= rows`.
    #[inline]
    pub fn get(&self, row: u32, col: usize) -> u32 {
        let at = (row as usize - 1) * self.row_size + self.offsets[col] as usize;
        let d = &self.data[at..];
        if self.sizes[col] == 2 {
            u32::from(u16::from_le_bytes([d[0], d[1]]))
        } else {
            u32::from_le_bytes([d[0], d[1], d[2], d[3]])
        }
    }

    /// True when `row` is a row of this table.
    #[inline]
    pub fn has(&self, row: u32) -> bool {
        row >= 1 && row <= self.rows
    }
}

/// The metadata of one module: heaps and tables.
#[derive(Debug)]
pub struct Metadata<'a> {
    /// The `#Strings` heap.
    pub strings: &'a [u8],
    strings_at: usize,
    /// `#Strings` as text when the whole heap is UTF-8 (the usual case): a string is then a slice
    /// checked at its ends instead of being validated again at every read.
    strings_text: Option<&'a str>,
    /// The `#US` heap.
    pub user_strings: &'a [u8],
    /// The `#Blob` heap.
    pub blobs: &'a [u8],
    blobs_at: usize,
    /// Every table (empty ones have no rows).
    pub tables: [Table<'a>; tid::COUNT],
}

impl<'a> Metadata<'a> {
    pub(crate) fn parse(img: &Image<'a>) -> R<Metadata<'a>> {
        let data = img.data;
        let (rva, size) = img.metadata;
        let root = img.rva_to_offset(rva, size).map_err(|b| Bad { cause: format!("metadata root: {}", b.cause), ..b })?;
        let md = &data[root..root + size as usize];
        if u32_at(md, 0).ok() != Some(0x424a_5342) {
            return Err(Bad::at(root, "no metadata signature `BSJB` at the metadata root"));
        }
        let ver_len = u32_at(md, 12).map_err(|b| rebase(b, root))? as usize;
        if ver_len > 255 {
            return Err(Bad::at(root + 12, format!("metadata version string of {ver_len} bytes (at most 255)")));
        }
        let mut at = 16 + ver_len;
        let n_streams = u16_at(md, at + 2).map_err(|b| rebase(b, root))? as usize;
        at += 4;
        let (mut tables_s, mut strings, mut us, mut blobs) = (None, None, None, None);
        for _ in 0..n_streams {
            let off = u32_at(md, at).map_err(|b| rebase(b, root))? as usize;
            let len = u32_at(md, at + 4).map_err(|b| rebase(b, root))? as usize;
            let name_at = at + 8;
            let name_end = md[name_at.min(md.len())..]
                .iter()
                .take(32)
                .position(|&c| c == 0)
                .ok_or_else(|| Bad::at(root + name_at, "stream name is not terminated within 32 bytes"))?;
            let name = &md[name_at..name_at + name_end];
            at = name_at + ((name_end + 4) & !3);
            let stream = md
                .get(off..off.saturating_add(len))
                .ok_or_else(|| Bad::at(root + name_at, format!("stream {} runs past the metadata", String::from_utf8_lossy(name))))?;
            match name {
                b"#~" | b"#-" => tables_s = Some((stream, root + off)),
                b"#Strings" => strings = Some((stream, root + off)),
                b"#US" => us = Some(stream),
                b"#Blob" => blobs = Some((stream, root + off)),
                _ => {}
            }
        }
        let (ts, ts_at) = tables_s.ok_or_else(|| Bad::at(root, "metadata has no tables stream (`#~`)"))?;
        let (strings, strings_at) = strings.unwrap_or((&[], 0));
        let (blobs, blobs_at) = blobs.unwrap_or((&[], 0));
        let tables = parse_tables(ts, ts_at)?;
        let strings_text = std::str::from_utf8(strings).ok();
        Ok(Metadata { strings, strings_at, strings_text, user_strings: us.unwrap_or(&[]), blobs, blobs_at, tables })
    }

    /// The table numbered `t`.
    #[inline]
    pub fn table(&self, t: usize) -> &Table<'a> {
        &self.tables[t]
    }

    /// The string at `idx` in `#Strings`.
    pub fn string(&self, idx: u32) -> R<&'a str> {
        let i = idx as usize;
        let rest = self.strings.get(i..).ok_or_else(|| Bad::at(self.strings_at + i, format!("#Strings index 0x{idx:x} past the heap")))?;
        let end = memchr::memchr(0, rest).ok_or_else(|| Bad::at(self.strings_at + i, "unterminated string in #Strings"))?;
        let text = match self.strings_text {
            Some(heap) => heap.get(i..i + end),
            None => std::str::from_utf8(&rest[..end]).ok(),
        };
        text.ok_or_else(|| Bad::at(self.strings_at + i, "string in #Strings is not UTF-8"))
    }

    /// The blob at `idx` in `#Blob`, without its length prefix.
    pub fn blob(&self, idx: u32) -> R<&'a [u8]> {
        let i = idx as usize;
        let bad = || Bad::at(self.blobs_at + i, format!("#Blob index 0x{idx:x}: blob runs past the heap"));
        let rest = self.blobs.get(i..).ok_or_else(bad)?;
        let (len, n) = compressed_u32(rest).ok_or_else(bad)?;
        rest.get(n..n + len as usize).ok_or_else(bad)
    }

    /// The offset of blob `idx` in the file (for error locations).
    pub fn blob_offset(&self, idx: u32) -> usize {
        self.blobs_at + idx as usize
    }

    /// The user string at `idx` in `#US` (the `ldstr` operand), decoded from UTF-16.
    pub fn user_string(&self, idx: u32) -> Option<String> {
        let rest = self.user_strings.get(idx as usize..)?;
        let (len, n) = compressed_u32(rest)?;
        let bytes = rest.get(n..n + len as usize)?;
        Some(utf16_text(bytes))
    }
}

/// UTF-16LE text (an odd last byte is ignored; unpaired surrogates become U+FFFD). Most strings
/// in metadata are ASCII, whose high bytes are zero: those are copied without a UTF-16 buffer.
pub fn utf16_text(bytes: &[u8]) -> String {
    let pairs = bytes.chunks_exact(2);
    if pairs.clone().all(|c| c[0] < 0x80 && c[1] == 0) {
        return pairs.map(|c| char::from(c[0])).collect();
    }
    let units: Vec<u16> = pairs.map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    String::from_utf16_lossy(&units)
}

fn rebase(b: Bad, root: usize) -> Bad {
    match b.location {
        crate::error::Location::Offset(o) => Bad::at(root + o as usize, b.cause),
        _ => b,
    }
}

/// A compressed unsigned integer (§23.2): the value and how many bytes it took.
#[inline]
pub fn compressed_u32(d: &[u8]) -> Option<(u32, usize)> {
    let b0 = *d.first()?;
    if b0 & 0x80 == 0 {
        Some((u32::from(b0), 1))
    } else if b0 & 0xc0 == 0x80 {
        Some(((u32::from(b0 & 0x3f) << 8) | u32::from(*d.get(1)?), 2))
    } else if b0 & 0xe0 == 0xc0 {
        let v = (u32::from(b0 & 0x1f) << 24) | (u32::from(*d.get(1)?) << 16) | (u32::from(*d.get(2)?) << 8) | u32::from(*d.get(3)?);
        Some((v, 4))
    } else {
        None
    }
}

fn parse_tables(ts: &[u8], ts_at: usize) -> R<[Table<'_>; tid::COUNT]> {
    let heap_sizes = *ts.get(6).ok_or_else(|| Bad::at(ts_at, "tables stream header is truncated"))?;
    let valid = u64::from(u32_at(ts, 8).map_err(|_| Bad::at(ts_at, "tables stream header is truncated"))?)
        | u64::from(u32_at(ts, 12).map_err(|_| Bad::at(ts_at, "tables stream header is truncated"))?) << 32;
    let mut rows = [0u32; 64];
    let mut at = 24;
    for (t, r) in rows.iter_mut().enumerate() {
        if valid & (1 << t) != 0 {
            *r = u32_at(ts, at).map_err(|_| Bad::at(ts_at + at, "tables stream ends inside the row counts"))?;
            at += 4;
        }
    }
    if valid >> tid::COUNT != 0 {
        return Err(Bad::at(ts_at + 8, format!("tables stream declares unknown tables (valid mask 0x{valid:x})")));
    }
    if heap_sizes & 0x40 != 0 {
        at += 4; // extra data after the row counts
    }
    let str_size = if heap_sizes & 1 != 0 { 4 } else { 2 };
    let guid_size = if heap_sizes & 2 != 0 { 4 } else { 2 };
    let blob_size = if heap_sizes & 4 != 0 { 4 } else { 2 };
    let idx_size = |t: usize| if rows[t] < (1 << 16) { 2u8 } else { 4 };
    let coded_size = |c: Coded| {
        let max = c.tables().iter().filter(|&&t| t != NONE).map(|&t| rows[t]).max().unwrap_or(0);
        if u64::from(max) < (1u64 << (16 - c.tag_bits())) {
            2u8
        } else {
            4
        }
    };
    let mut tables: [Table; tid::COUNT] = [Table::default(); tid::COUNT];
    for (t, table) in tables.iter_mut().enumerate() {
        let mut off = 0usize;
        for (c, col) in schema(t).iter().enumerate() {
            let size = match *col {
                Col::U16 => 2,
                Col::U32 => 4,
                Col::Str => str_size,
                Col::Guid => guid_size,
                Col::Blob => blob_size,
                Col::Idx(t) => idx_size(t),
                Col::Coded(k) => coded_size(k),
            };
            table.offsets[c] = off as u8;
            table.sizes[c] = size;
            off += size as usize;
        }
        let bytes = u64::from(rows[t]) * off as u64;
        if at as u64 + bytes > ts.len() as u64 {
            return Err(Bad::at(
                ts_at + at,
                format!("table {}: {} rows of {off} bytes run past the end of the tables stream", TABLE_NAMES[t], rows[t]),
            ));
        }
        let len = bytes as usize;
        *table = Table { data: &ts[at..at + len], rows: rows[t], row_size: off, ..*table };
        at += len;
    }
    Ok(tables)
}
