//! The PE/COFF container (ECMA-335 Partition II §25): sections, RVA → file offset, the CLI header.

use crate::error::{Bad, R};

/// Little-endian reads that fail with the offset instead of panicking.
pub(crate) fn u16_at(d: &[u8], at: usize) -> R<u16> {
    d.get(at..at.wrapping_add(2))
        .filter(|_| at.checked_add(2).is_some())
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .ok_or_else(|| Bad::at(at, "file ends inside a 2-byte field"))
}

pub(crate) fn u32_at(d: &[u8], at: usize) -> R<u32> {
    d.get(at..at.wrapping_add(4))
        .filter(|_| at.checked_add(4).is_some())
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| Bad::at(at, "file ends inside a 4-byte field"))
}

#[derive(Clone, Copy, Debug)]
struct Section {
    va: u32,
    vsize: u32,
    raw_ptr: u32,
    raw_size: u32,
}

/// A parsed PE image: its sections and the CLI header's fields.
#[derive(Debug)]
pub(crate) struct Image<'a> {
    pub data: &'a [u8],
    sections: Vec<Section>,
    /// RVA and size of the metadata root.
    pub metadata: (u32, u32),
    /// The CLI header's entry point token (0 when none).
    pub entry_point_token: u32,
    /// The CLI header's flags (`COMIMAGE_FLAGS_*`).
    pub flags: u32,
}

impl<'a> Image<'a> {
    pub fn parse(data: &'a [u8]) -> R<Image<'a>> {
        if data.get(0..2) != Some(b"MZ") {
            return Err(Bad::at(0, "not a PE file (no `MZ` signature)"));
        }
        let pe = u32_at(data, 0x3c)? as usize;
        if data.get(pe..pe.saturating_add(4)) != Some(b"PE\0\0") {
            return Err(Bad::at(pe, "no `PE\\0\\0` signature where the DOS header points"));
        }
        let coff = pe + 4;
        let n_sections = u16_at(data, coff + 2)? as usize;
        let opt_size = u16_at(data, coff + 16)? as usize;
        let opt = coff + 20;
        let magic = u16_at(data, opt)?;
        let (n_dirs_at, dirs_at) = match magic {
            0x10b => (opt + 92, opt + 96),
            0x20b => (opt + 108, opt + 112),
            m => return Err(Bad::at(opt, format!("unknown optional header magic 0x{m:x} (expected PE32 0x10b or PE32+ 0x20b)"))),
        };
        let n_dirs = u32_at(data, n_dirs_at)? as usize;
        if n_dirs <= 14 || dirs_at + 15 * 8 > opt + opt_size {
            return Err(Bad::at(n_dirs_at, "the optional header has no CLI header directory: not a .NET assembly"));
        }
        let cli_rva = u32_at(data, dirs_at + 14 * 8)?;
        let cli_size = u32_at(data, dirs_at + 14 * 8 + 4)?;
        if cli_rva == 0 || cli_size < 24 {
            return Err(Bad::at(dirs_at + 14 * 8, "the CLI header directory is empty: a native image, not a .NET assembly"));
        }
        let sec_at = opt + opt_size;
        if n_sections > 96 {
            return Err(Bad::at(coff + 2, format!("{n_sections} sections (the PE format allows 96)")));
        }
        let mut sections = Vec::with_capacity(n_sections);
        for i in 0..n_sections {
            let s = sec_at + i * 40;
            sections.push(Section {
                vsize: u32_at(data, s + 8)?,
                va: u32_at(data, s + 12)?,
                raw_size: u32_at(data, s + 16)?,
                raw_ptr: u32_at(data, s + 20)?,
            });
        }
        let mut img = Image { data, sections, metadata: (0, 0), entry_point_token: 0, flags: 0 };
        let cli = img.rva_to_offset(cli_rva, 24).map_err(|b| Bad { cause: format!("CLI header: {}", b.cause), ..b })?;
        img.metadata = (u32_at(data, cli + 8)?, u32_at(data, cli + 12)?);
        img.flags = u32_at(data, cli + 16)?;
        img.entry_point_token = u32_at(data, cli + 20)?;
        Ok(img)
    }

    /// The file offset of `len` bytes at `rva`, when they lie inside one section's raw data.
    pub fn rva_to_offset(&self, rva: u32, len: u32) -> R<usize> {
        for s in &self.sections {
            let span = s.vsize.max(s.raw_size);
            if rva >= s.va && (rva - s.va) < span {
                let off = u64::from(s.raw_ptr) + u64::from(rva - s.va);
                let end = off + u64::from(len);
                if end > u64::from(s.raw_ptr) + u64::from(s.raw_size) || end > self.data.len() as u64 {
                    return Err(Bad::at(off as usize, format!("RVA 0x{rva:x} + {len} bytes runs past its section's data or the file")));
                }
                return Ok(off as usize);
            }
        }
        Err(Bad::at(0, format!("RVA 0x{rva:x} lies in no section")))
    }

    /// The bytes from `rva` to the end of its section's raw data.
    pub fn slice_from_rva(&self, rva: u32) -> R<(usize, &'a [u8])> {
        for s in &self.sections {
            let span = s.vsize.max(s.raw_size);
            if rva >= s.va && (rva - s.va) < span {
                let off = s.raw_ptr as usize + (rva - s.va) as usize;
                let end = (s.raw_ptr as usize).saturating_add(s.raw_size as usize).min(self.data.len());
                if off >= end {
                    return Err(Bad::at(off, format!("RVA 0x{rva:x} lies past its section's data")));
                }
                return Ok((off, &self.data[off..end]));
            }
        }
        Err(Bad::at(0, format!("RVA 0x{rva:x} lies in no section")))
    }
}
