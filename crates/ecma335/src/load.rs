//! From parsed assemblies to the IL model: assembly references resolved (type forwarders
//! followed), type definitions declared, references resolved by name and signature, signatures
//! and method bodies lowered to the model's instructions, custom attributes decoded.

use crate::error::{Bad, Error, Location, R};
use crate::il::{self, Operand, RawInstr};
use crate::metadata::{compressed_u32, tid, Coded, Metadata};
use crate::pe::Image;
use aotsim_il::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// An assembly's bytes and the name errors call it by (usually its path).
#[derive(Clone, Debug)]
pub struct Input {
    /// How errors and diagnostics name the file.
    pub name: String,
    /// The file's contents.
    pub bytes: Vec<u8>,
}

/// Something the reader could not resolve; the analysis goes on without it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file it concerns.
    pub file: String,
    /// What happened.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// Counts of what was read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Assemblies read (given and resolved).
    pub assemblies: usize,
    /// Type definitions.
    pub types: usize,
    /// Method definitions.
    pub methods: usize,
    /// Method bodies decoded.
    pub bodies: usize,
    /// IL instructions decoded (prefixes included).
    pub il_instructions: usize,
    /// Bytes of IL code.
    pub il_bytes: usize,
}

#[derive(Clone, Debug)]
struct AsmTokens {
    file: String,
    types: (u32, u32),
    methods: (u32, u32),
    fields: (u32, u32),
    properties: Vec<(PropertyId, u32)>,
    events: Vec<(EventId, u32)>,
}

/// The metadata token of every model entity read from an assembly, to check results against
/// other tools by token.
#[derive(Clone, Debug, Default)]
pub struct TokenMap {
    asms: Vec<AsmTokens>,
}

impl TokenMap {
    fn find(&self, id: u32, range: impl Fn(&AsmTokens) -> (u32, u32), table: u32) -> Option<(AssemblyId, u32)> {
        self.asms.iter().enumerate().find_map(|(a, t)| {
            let (base, n) = range(t);
            (id >= base && id < base + n).then(|| (AssemblyId::new(a), (table << 24) | (id - base + 1)))
        })
    }
    /// `(assembly, token)` of a type definition.
    pub fn type_token(&self, t: TypeId) -> Option<(AssemblyId, u32)> {
        self.find(t.as_u32(), |a| a.types, 0x02)
    }
    /// `(assembly, token)` of a method definition.
    pub fn method_token(&self, m: MethodId) -> Option<(AssemblyId, u32)> {
        self.find(m.as_u32(), |a| a.methods, 0x06)
    }
    /// `(assembly, token)` of a field definition.
    pub fn field_token(&self, f: FieldId) -> Option<(AssemblyId, u32)> {
        self.find(f.as_u32(), |a| a.fields, 0x04)
    }
    /// `(assembly, token)` of a property.
    pub fn property_token(&self, p: PropertyId) -> Option<(AssemblyId, u32)> {
        self.asms.iter().enumerate().find_map(|(a, t)| {
            t.properties.binary_search_by_key(&p, |x| x.0).ok().map(|i| (AssemblyId::new(a), 0x1700_0000 | t.properties[i].1))
        })
    }
    /// `(assembly, token)` of an event.
    pub fn event_token(&self, e: EventId) -> Option<(AssemblyId, u32)> {
        self.asms
            .iter()
            .enumerate()
            .find_map(|(a, t)| t.events.binary_search_by_key(&e, |x| x.0).ok().map(|i| (AssemblyId::new(a), 0x1400_0000 | t.events[i].1)))
    }
    /// The file an assembly was read from.
    pub fn file(&self, a: AssemblyId) -> Option<&str> {
        self.asms.get(a.index()).map(|t| t.file.as_str())
    }
}

/// What [`load_with`] collects beyond the model.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadOptions {
    /// Per-method instruction counts by opcode group, clauses and max stack
    /// ([`aotsim_il::IlFeatures`]), for the size model.
    pub il_features: bool,
}

/// The program read from assemblies, with what could not be resolved and the tokens.
#[derive(Debug)]
pub struct Loaded {
    /// The validated program.
    pub program: Program,
    /// References that did not resolve, attributes that could not be decoded.
    pub diagnostics: Vec<Diagnostic>,
    /// Model id → metadata token.
    pub tokens: TokenMap,
    /// What was read.
    pub stats: Stats,
    /// With [`LoadOptions::il_features`]: per method (by id), what its body's IL does.
    pub il_features: Option<Vec<Option<aotsim_il::IlFeatures>>>,
}

/// Reads `inputs` (the first is the entry assembly, whose entry point becomes the program's) and
/// every assembly they reference that `resolve` can find by simple name. A reference `resolve`
/// cannot find is a [`Diagnostic`]; its types read as `System.Object` and calls into it keep
/// only their stack effect. Malformed input is an [`Error`] naming file, location and cause.
pub fn load(inputs: Vec<Input>, resolve: &mut dyn FnMut(&str) -> Option<Input>) -> Result<Loaded, Vec<Error>> {
    load_with(inputs, resolve, LoadOptions::default())
}

/// [`load`], collecting what `options` ask for beside the model.
pub fn load_with(inputs: Vec<Input>, resolve: &mut dyn FnMut(&str) -> Option<Input>, options: LoadOptions) -> Result<Loaded, Vec<Error>> {
    let mut inputs = inputs;
    let n_given = inputs.len();
    let mut diagnostics = Vec::new();
    let mut by_name: FxHashMap<String, usize> = FxHashMap::default();
    let mut asked: FxHashSet<String> = FxHashSet::default();
    // The given inputs are named first, so that a reference to one of them is never looked up.
    let mut refs_of = Vec::new();
    for i in 0..n_given {
        refs_of.push(name_input(&inputs, i, &mut by_name)?);
    }
    let mut i = 0;
    while i < inputs.len() {
        if i == refs_of.len() {
            refs_of.push(name_input(&inputs, i, &mut by_name)?);
        }
        let refs = std::mem::take(&mut refs_of[i]);
        for r in refs {
            let key = r.to_ascii_lowercase();
            if !by_name.contains_key(&key) && asked.insert(key) {
                if let Some(input) = resolve(&r) {
                    inputs.push(input);
                }
            }
        }
        i += 1;
    }
    let mut mods = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let img = Image::parse(&input.bytes).map_err(|b| vec![b.file(&input.name)])?;
        let md = Metadata::parse(&img).map_err(|b| vec![b.file(&input.name)])?;
        mods.push(Mod { file: &input.name, img, md });
    }
    let mut lw = Lowerer::new(&mods);
    lw.il_features = options.il_features.then(Vec::new);
    lw.run(&by_name).map_err(|e| vec![e])?;
    diagnostics.append(&mut lw.diags);
    let tokens = TokenMap { asms: std::mem::take(&mut lw.tokens) };
    let stats = Stats { assemblies: mods.len(), types: lw.b.data().types.len(), methods: lw.b.data().methods.len(), ..lw.stats.clone() };
    let program = lw.b.finish().map_err(|errs| {
        errs.into_iter()
            .take(50)
            .map(|e| Error { file: inputs[0].name.clone(), location: Location::File, cause: format!("the model read is invalid: {e}") })
            .collect::<Vec<_>>()
    })?;
    let il_features = lw.il_features.take().map(|mut v| {
        v.resize(program.methods.len(), None);
        v
    });
    Ok(Loaded { program, diagnostics, tokens, stats, il_features })
}

/// Records input `i`'s assembly name (an error when another input has it) and returns the names
/// it references.
fn name_input(inputs: &[Input], i: usize, by_name: &mut FxHashMap<String, usize>) -> Result<Vec<String>, Vec<Error>> {
    let (name, refs) = peek(&inputs[i].bytes).map_err(|b| vec![b.file(&inputs[i].name)])?;
    if let Some(&j) = by_name.get(&name.to_ascii_lowercase()) {
        return Err(vec![Error {
            file: inputs[i].name.clone(),
            location: Location::File,
            cause: format!("assembly {name} is also read from {}", inputs[j].name),
        }]);
    }
    by_name.insert(name.to_ascii_lowercase(), i);
    Ok(refs)
}

/// The assembly's name and the names it references, read without lowering anything.
fn peek(bytes: &[u8]) -> R<(String, Vec<String>)> {
    let img = Image::parse(bytes)?;
    let md = Metadata::parse(&img)?;
    let asm = md.table(tid::ASSEMBLY);
    if asm.rows == 0 {
        return Err(Bad { location: Location::File, cause: "has no Assembly row: a module, not an assembly".into() });
    }
    let name = md.string(asm.get(1, 7))?.to_string();
    let refs = md.table(tid::ASSEMBLY_REF);
    let names = (1..=refs.rows).map(|r| md.string(refs.get(r, 6)).map(str::to_string)).collect::<R<Vec<_>>>()?;
    Ok((name, names))
}

struct Mod<'a> {
    file: &'a str,
    img: Image<'a>,
    md: Metadata<'a>,
}

#[derive(Clone, Copy)]
enum Memo<T> {
    Todo,
    Busy,
    Done(T),
}

/// What a MemberRef resolved to.
#[derive(Clone, Copy, Debug)]
enum Member {
    Method(MethodRefId),
    Field(FieldRefId),
    /// Not resolved: only its stack effect is known.
    Opaque {
        pops: u8,
        returns: bool,
        has_this: bool,
    },
}

#[derive(Default)]
struct ModState<'a> {
    asm: Option<AssemblyId>,
    asm_refs: Vec<Option<usize>>,
    type_base: u32,
    method_base: u32,
    field_base: u32,
    top: FxHashMap<(&'a str, &'a str), u32>,
    exported: FxHashMap<(&'a str, &'a str), u32>,
    typeref: Vec<Memo<Option<TypeId>>>,
    typespec: Vec<Memo<TypeRefId>>,
    memberref: Vec<Memo<Member>>,
    methodspec: Vec<Memo<Option<MethodRefId>>>,
    props: Vec<Option<PropertyId>>,
    events: Vec<Option<EventId>>,
    /// Param row → (method, sequence).
    params: Vec<Option<(MethodId, u16)>>,
    /// GenericParam row → (owner is a method, owner id, number).
    gparams: Vec<Option<(bool, u32, u16)>>,
    extra_refs: FxHashSet<AssemblyId>,
    /// The reference of MethodDef row 1 and of Field row 1: every row has one, in row order
    /// ([`Lowerer::own_refs`]).
    method_ref_base: u32,
    field_ref_base: u32,
    /// The signature `Def(type)` of TypeDef row 1: every row has one, in row order.
    type_ref_base: u32,
    /// Memos of what body tokens lower to, so each distinct token is resolved once.
    ref_type_sigs: Vec<Option<TypeRefId>>,
    user_strings: FxHashMap<u32, StringId>,
    method_sigs: FxHashMap<u32, Sig>,
    field_sigs: FxHashMap<u32, TypeRefId>,
}

#[derive(Clone)]
struct Sig {
    has_this: bool,
    generic: u32,
    ret: TypeRefId,
    /// Shared, so that a memoised signature is handed out without copying.
    params: std::rc::Rc<[TypeRefId]>,
}

struct Lowerer<'m, 'a> {
    mods: &'m [Mod<'a>],
    st: Vec<ModState<'a>>,
    b: Builder,
    nested: FxHashMap<(TypeId, &'a str), TypeId>,
    diags: Vec<Diagnostic>,
    tokens: Vec<AsmTokens>,
    stats: Stats,
    object: TypeRefId,
    void: TypeRefId,
    dropped_attrs: Vec<usize>,
    il_features: Option<Vec<Option<aotsim_il::IlFeatures>>>,
}

/// A cursor over a signature or attribute blob; errors carry the file offset.
struct Cur<'a> {
    d: &'a [u8],
    at: usize,
    base: usize,
}

impl<'a> Cur<'a> {
    fn bad(&self, what: &str) -> Bad {
        Bad::at(self.base + self.at, what.to_string())
    }
    fn u8(&mut self) -> R<u8> {
        let v = *self.d.get(self.at).ok_or_else(|| self.bad("blob ends early"))?;
        self.at += 1;
        Ok(v)
    }
    fn peek(&self) -> R<u8> {
        self.d.get(self.at).copied().ok_or_else(|| self.bad("blob ends early"))
    }
    fn comp(&mut self) -> R<u32> {
        let (v, n) = compressed_u32(&self.d[self.at.min(self.d.len())..]).ok_or_else(|| self.bad("bad compressed integer"))?;
        self.at += n;
        Ok(v)
    }
    fn bytes(&mut self, n: usize) -> R<&'a [u8]> {
        let s = self.d.get(self.at..self.at.saturating_add(n)).ok_or_else(|| self.bad("blob ends early"))?;
        self.at += n;
        Ok(s)
    }
    fn uint(&mut self, n: usize) -> R<u64> {
        let b = self.bytes(n)?;
        Ok(b.iter().rev().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
    }
    /// A SerString: `0xFF` for null, else a compressed length and UTF-8.
    fn ser_string(&mut self) -> R<Option<&'a str>> {
        if self.peek()? == 0xff {
            self.at += 1;
            return Ok(None);
        }
        let n = self.comp()? as usize;
        let b = self.bytes(n)?;
        std::str::from_utf8(b).map(Some).map_err(|_| self.bad("string is not UTF-8"))
    }
}

const MAX_SIG_DEPTH: u32 = 64;

/// A TypeDef's visibility (`TypeAttributes.VisibilityMask`, §II.23.1.15).
fn type_visibility(flags: u32) -> Visibility {
    match flags & 7 {
        1 | 2 => Visibility::Public,
        3 => Visibility::Private,
        4 | 7 => Visibility::Protected,
        _ => Visibility::Internal, // NotPublic, NestedAssembly, NestedFamANDAssem
    }
}

/// A member's accessibility (`MemberAccessMask`, §II.23.1.10).
fn visibility(access: u32) -> Visibility {
    match access & 7 {
        6 => Visibility::Public,
        4 | 5 => Visibility::Protected,
        2 | 3 => Visibility::Internal,
        _ => Visibility::Private,
    }
}

/// The rows of a PropertyMap or EventMap as `(parent TypeDef row, first member, end)`, each
/// checked to lie inside the TypeDef and member tables.
fn map_runs(md: &Metadata, map: usize, n_members: u32) -> R<Vec<(u32, u32, u32)>> {
    let (t, td) = (md.table(map), md.table(tid::TYPE_DEF));
    (1..=t.rows)
        .map(|r| {
            let parent = t.get(r, 0);
            let (s, e) = run(t, r, 1, n_members);
            if !td.has(parent) || s == 0 || s > e || e > n_members + 1 {
                return Err(Bad::row(crate::metadata::TABLE_NAMES[map], r, "parent or member list out of range"));
            }
            Ok((parent, s, e))
        })
        .collect()
}

/// Method bodies per unit of work when decoding on both cores.
const BODY_CHUNK: usize = 256;

/// A worker's buffers, reused from body to body.
#[derive(Default)]
struct Scratch {
    /// The body being lowered (copied out at its exact length).
    instrs: Vec<Instr>,
    /// (IL offset, instruction index) of each decoded instruction.
    starts: Vec<(u32, u32)>,
    /// (instruction index, target IL offset, IL offset of the branch).
    branches: Vec<(usize, i64, u32)>,
    /// The `switch` tables, by IL offset until bound, then by instruction index.
    switches: Vec<Vec<u32>>,
}

/// The second core's share of reading: the names of every module's members, then the method
/// bodies in chunks. Neither needs the builder: reading a body, decoding its IL, lowering what
/// names no token or the module's own members and checking branches, arguments (counted in the
/// method's signature blob) and locals only reads the metadata, and the other tokens are looked
/// up in the module's [`Tables`] once the first core has made them ([`BodyDecoder::finish`]). The
/// first core declares types and members, resolves every reference row into those tables (it
/// owns the builder's interning), then interns the bodies' strings and stores the bodies
/// ([`Lowerer::resolve_bodies`], in order).
struct BodyDecoder<'m, 'a> {
    mods: &'m [Mod<'a>],
    /// Per module, the id of its first method.
    method_base: Vec<u32>,
    /// Per module, the reference id of its MethodDef row 1 and Field row 1
    /// ([`Lowerer::own_refs`]).
    method_ref_base: Vec<u32>,
    field_ref_base: Vec<u32>,
    /// Per module, the signature id of `Def` of its TypeDef row 1 ([`Lowerer::own_type_refs`]).
    type_ref_base: Vec<u32>,
    /// The MethodDef rows with a body, module by module.
    jobs: Vec<u32>,
    /// Runs of `jobs`, each in one module.
    chunks: Vec<ChunkSpan>,
    /// The next chunk nobody has claimed.
    next: std::sync::atomic::AtomicUsize,
    want_features: bool,
    /// With the features: per module, by MethodDef row, whether the declaring type is
    /// `beforefieldinit` (index 0 unused).
    before_field_init: Vec<Vec<bool>>,
}

#[derive(Clone, Copy)]
struct ChunkSpan {
    m: usize,
    start: usize,
    end: usize,
}

/// The bodies of one chunk in row order (the first error ends it) and the instructions of theirs
/// that name a token.
struct Decoded {
    m: usize,
    bodies: Vec<Result<DecodedBody, Error>>,
    pending: Vec<Pending>,
}

/// One body whose token-naming instructions are still placeholders.
struct DecodedBody {
    row: u32,
    id: MethodId,
    il_size: u32,
    locals_token: u32,
    /// Instructions decoded, prefixes included.
    n_raw: u32,
    instrs: Vec<Instr>,
    /// `switch` tables and handler starts ([`Body::flow`]).
    flow: Option<Box<Flow>>,
    /// Its locals (empty until [`BodyDecoder::finish`]).
    locals: Vec<TypeRefId>,
    /// This body's entries in its chunk's `pending`: every token-naming instruction, then, once
    /// finished, only its `ldstr`s.
    pending: std::ops::Range<u32>,
    features: Option<IlFeatures>,
}

impl<'m, 'a> BodyDecoder<'m, 'a> {
    /// `type_refs`: how many signatures exist before the types' own (`Def(type)`, one per type
    /// in order, [`Lowerer::own_type_refs`]).
    fn new(mods: &'m [Mod<'a>], want_features: bool, type_refs: u32) -> Self {
        let mut jobs = Vec::new();
        let mut chunks = Vec::new();
        let mut method_base = Vec::with_capacity(mods.len());
        let mut field_ref_base = Vec::with_capacity(mods.len());
        let mut type_ref_base = Vec::with_capacity(mods.len());
        let (mut methods, mut fields, mut types) = (0, 0, type_refs);
        for (m, md) in mods.iter().enumerate() {
            let mt = md.md.table(tid::METHOD_DEF);
            // Members declares the methods of each module in row order, after the modules before,
            // and then their references, in the same order.
            method_base.push(methods);
            methods += mt.rows;
            field_ref_base.push(fields);
            fields += md.md.table(tid::FIELD).rows;
            type_ref_base.push(types);
            types += md.md.table(tid::TYPE_DEF).rows;
            let first = jobs.len();
            for r in 1..=mt.rows {
                let (rva, impl_flags, flags) = (mt.get(r, 0), mt.get(r, 1), mt.get(r, 2));
                if rva != 0 && impl_flags & 3 == 0 && flags & 0x400 == 0 && flags & 0x2000 == 0 {
                    jobs.push(r);
                }
            }
            chunks.extend((first..jobs.len()).step_by(BODY_CHUNK).map(|start| ChunkSpan {
                m,
                start,
                end: (start + BODY_CHUNK).min(jobs.len()),
            }));
        }
        let before_field_init = if want_features { mods.iter().map(|md| before_field_init(&md.md)).collect() } else { Vec::new() };
        BodyDecoder {
            mods,
            method_ref_base: method_base.clone(),
            method_base,
            field_ref_base,
            type_ref_base,
            jobs,
            chunks,
            next: std::sync::atomic::AtomicUsize::new(0),
            want_features,
            before_field_init,
        }
    }

    /// Claims the next undecoded chunk.
    fn claim(&self) -> Option<usize> {
        let c = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        (c < self.chunks.len()).then_some(c)
    }

    /// Leaves the chunks nobody has claimed undecoded (after an error).
    fn stop(&self) {
        self.next.store(self.chunks.len(), std::sync::atomic::Ordering::Relaxed);
    }

    /// The worker: sends each module's member names, then decodes chunks until none is left,
    /// finishing each ([`BodyDecoder::finish`]) once its module's tables arrive, and sends each
    /// finished chunk with its number.
    fn work(
        &self,
        names: &std::sync::mpsc::Sender<MemberNames>,
        tx: &std::sync::mpsc::Sender<(usize, Decoded)>,
        tables_rx: &std::sync::mpsc::Receiver<std::sync::Arc<Tables>>,
    ) {
        for md in self.mods {
            if names.send(MemberNames::read(&md.md)).is_err() {
                return;
            }
        }
        let mut scratch = Scratch::default();
        // Each module's tables, as the main thread makes them; chunks decoded before their
        // module's tables are here wait, in order.
        let mut tables = Vec::new();
        let mut held: std::collections::VecDeque<(usize, Decoded)> = std::collections::VecDeque::new();
        loop {
            tables.extend(tables_rx.try_iter());
            while let Some((c, mut d)) = held.pop_front() {
                let Some(t) = tables.get(d.m) else {
                    held.push_front((c, d));
                    break;
                };
                self.finish(&mut d, t);
                if tx.send((c, d)).is_err() {
                    return;
                }
            }
            if let Some(c) = self.claim() {
                held.push_back((c, self.decode(c, &mut scratch)));
                continue;
            }
            if held.is_empty() {
                return;
            }
            // Everything is decoded: wait for the next module's tables (none come after an
            // error: the main thread then drops its sender).
            match tables_rx.recv() {
                Ok(t) => tables.push(t),
                Err(_) => return,
            }
        }
    }

    fn decode(&self, c: usize, s: &mut Scratch) -> Decoded {
        let span = self.chunks[c];
        let mut out = Decoded { m: span.m, bodies: Vec::with_capacity(span.end - span.start), pending: Vec::new() };
        for &row in &self.jobs[span.start..span.end] {
            let body = self.decode_body(span.m, row, s, &mut out.pending);
            let failed = body.is_err();
            out.bodies.push(body);
            if failed {
                break; // resolution stops at the first error
            }
        }
        out
    }

    /// Module `m`'s own references.
    fn own(&self, m: usize) -> OwnRefs<'_, 'a> {
        OwnRefs {
            md: &self.mods[m].md,
            method_ref_base: self.method_ref_base[m],
            field_ref_base: self.field_ref_base[m],
            type_ref_base: self.type_ref_base[m],
        }
    }

    /// Finishes the bodies of chunk `d` through their module's tables: their locals, and every
    /// instruction left pending but `ldstr`, which stays pending for the main thread. A body
    /// naming a row that did not resolve becomes an error and the chunk's last.
    fn finish(&self, d: &mut Decoded, t: &Tables) {
        let m = d.m;
        let own = self.own(m);
        let mut strings = Vec::new();
        let mut failed = None;
        for (i, body) in d.bodies.iter_mut().enumerate() {
            let Ok(b) = body else { break };
            let at_body = |il_offset: u32, cause: String| {
                Bad { location: Location::Body { method: b.row, il_offset }, cause }.file(self.mods[m].file)
            };
            let first = strings.len() as u32;
            let done = (|| {
                if b.locals_token != 0 {
                    b.locals = match t.locals.get((b.locals_token & 0x00ff_ffff) as usize).and_then(Option::as_ref) {
                        Some(Ok(l)) => l.clone(),
                        Some(Err(cause)) => return Err(at_body(0, format!("locals: {cause}"))),
                        None => return Err(at_body(0, "locals: not a local signature".into())),
                    };
                }
                for p in &d.pending[b.pending.start as usize..b.pending.end as usize] {
                    match t.lower(&own, p.op, p.token) {
                        Ok(Some(ins)) => b.instrs[p.index as usize] = ins,
                        Ok(None) => strings.push(*p),
                        Err(cause) => return Err(at_body(p.offset, cause)),
                    }
                }
                Ok(())
            })();
            b.pending = first..strings.len() as u32;
            if let Err(e) = done {
                *body = Err(e);
                failed = Some(i);
                break;
            }
        }
        if let Some(i) = failed {
            d.bodies.truncate(i + 1); // resolution stops at the first error
        }
        d.pending = strings;
    }

    /// Reads, decodes and partly lowers the body of MethodDef `row` of module `m`; instructions
    /// that name a token are placeholders listed in `pending`.
    fn decode_body(&self, m: usize, row: u32, s: &mut Scratch, pending: &mut Vec<Pending>) -> Result<DecodedBody, Error> {
        let md = &self.mods[m].md;
        let id = MethodId::new((self.method_base[m] + row - 1) as usize);
        let err = |b: Bad| b.file(self.mods[m].file);
        let at_body = |il_offset: u32, cause: String| err(Bad { location: Location::Body { method: row, il_offset }, cause });
        let rva = md.table(tid::METHOD_DEF).get(row, 0);
        let (off, data) = self.mods[m].img.slice_from_rva(rva).map_err(|b| err(Bad::row("MethodDef", row, b.cause)))?;
        let body = il::read_body(data).map_err(|b| {
            let at = match b.location {
                Location::Offset(o) => off as u64 + o,
                _ => off as u64,
            };
            err(Bad { location: Location::Offset(at), cause: format!("body of MethodDef row {row}: {}", b.cause) })
        })?;
        let n_locals = match body.locals_token {
            0 => 0,
            tok => local_sig(md, tok).map_err(|b| at_body(0, format!("locals: {}", b.cause)))?.1,
        };
        let n_args = arg_count(md, md.table(tid::METHOD_DEF).get(row, 4)).map_err(|b| err(Bad::row("MethodDef", row, b.cause)))?;
        let first_pending = pending.len() as u32;
        let mut counts = [0u16; OP_GROUPS.len()];
        let (Scratch { instrs, starts, branches, switches }, own) = (&mut *s, self.own(m));
        instrs.clear();
        starts.clear();
        branches.clear();
        switches.clear();
        let mut plain =
            Plain { out: instrs, starts, branches, switches, pending, own: &own, code: body.code, n_args, n_locals, localloc: false };
        let n_raw = plain.run(body.code, self.want_features.then_some(&mut counts)).map_err(|(o, c)| at_body(o, c))?;
        // Handlers and filters begin where control enters when an exception is thrown.
        let handlers = body
            .clauses
            .iter()
            .flat_map(|c| std::iter::once(c.handler_offset).chain((c.flags & 1 != 0).then_some(c.class_or_filter)))
            .map(|at| {
                plain.index_of(at).ok_or_else(|| {
                    at_body(at, format!("an exception handler begins at IL_{at:04x}, which is not the start of an instruction"))
                })
            })
            .collect::<Result<Vec<u32>, Error>>()?;
        let features = self.want_features.then(|| {
            let mt = md.table(tid::METHOD_DEF);
            let (impl_flags, flags) = (mt.get(row, 1), mt.get(row, 2));
            // NoInlining, Synchronized, InternalCall; the Runtime code type; PInvokeImpl.
            // A body that allocates on the stack is not inlined either (Mono: "localloc").
            let never = impl_flags & (0x0008 | 0x0020 | 0x1000) != 0 || impl_flags & 3 == 3 || flags & 0x2000 != 0 || plain.localloc;
            let mut hints = if never { IlFeatures::NO_INLINE } else { 0 };
            if impl_flags & 0x0100 != 0 {
                hints |= IlFeatures::ALWAYS_INLINE;
            }
            if self.before_field_init[m].get(row as usize).copied().unwrap_or(false) {
                hints |= IlFeatures::BEFORE_FIELD_INIT;
            }
            crate::il::il_features(&body, counts, hints)
        });
        Ok(DecodedBody {
            row,
            id,
            il_size: body.code.len() as u32,
            locals_token: body.locals_token,
            n_raw,
            instrs: s.instrs.as_slice().to_vec(),
            flow: Flow::of(std::mem::take(&mut s.switches), handlers),
            locals: Vec::new(),
            pending: first_pending..pending.len() as u32,
            features,
        })
    }
}

/// By MethodDef row, whether the TypeDef whose method list holds it is `beforefieldinit`
/// (lists out of order are reported by [`Lowerer::members`]; here they only leave rows false).
fn before_field_init(md: &Metadata) -> Vec<bool> {
    let (td, mt) = (md.table(tid::TYPE_DEF), md.table(tid::METHOD_DEF));
    let mut v = vec![false; mt.rows as usize + 1];
    for r in 1..=td.rows {
        if td.get(r, 0) & 0x0010_0000 != 0 {
            let (start, end) = run(td, r, 5, mt.rows);
            for x in v.iter_mut().take(end as usize).skip(start as usize) {
                *x = true;
            }
        }
    }
    v
}

/// The arguments a method signature blob declares, `this` included.
fn arg_count(md: &Metadata, blob: u32) -> R<usize> {
    let mut c = Cur { d: md.blob(blob)?, at: 0, base: md.blob_offset(blob) };
    let conv = c.u8()?;
    if conv & 0x10 != 0 {
        c.comp()?;
    }
    Ok(c.comp()? as usize + usize::from(conv & 0x20 != 0))
}

/// A module's method, field and parameter names as owned strings, by row (`None`: unreadable,
/// which [`Lowerer::members`] reports when it reads the name itself).
struct MemberNames {
    methods: Vec<Option<String>>,
    fields: Vec<Option<String>>,
    params: Vec<Option<String>>,
}

impl MemberNames {
    fn read(md: &Metadata) -> MemberNames {
        let column = |table: usize, col: usize| {
            let t = md.table(table);
            (1..=t.rows).map(|r| md.string(t.get(r, col)).ok().map(str::to_string)).collect()
        };
        MemberNames { methods: column(tid::METHOD_DEF, 3), fields: column(tid::FIELD, 1), params: column(tid::PARAM, 2) }
    }

    /// The name of row `row` (1-based) of `names`, moved out, or read from `md` when the worker
    /// could not (which gives the error).
    fn take<'a>(names: &mut [Option<String>], row: u32, md: &Metadata<'a>, index: u32) -> R<String> {
        match names.get_mut(row as usize - 1).and_then(Option::take) {
            Some(s) => Ok(s),
            None => md.string(index).map(str::to_string),
        }
    }
}

/// The main thread's side of the [`BodyDecoder`]: chunks in order, decoded and finished by the
/// worker or, when the next one is not there yet, by this thread from the unclaimed ones.
struct Feed {
    rx: std::sync::mpsc::Receiver<(usize, Decoded)>,
    ready: FxHashMap<usize, Decoded>,
    next: usize,
    scratch: Scratch,
    /// Every module's tables, made before the first chunk is taken.
    tables: Vec<std::sync::Arc<Tables>>,
}

impl Feed {
    /// The next chunk in order, waiting only when the worker has it in hand.
    fn take(&mut self, d: &BodyDecoder) -> Decoded {
        let want = self.next;
        self.next += 1;
        loop {
            if let Some(x) = self.ready.remove(&want) {
                return x;
            }
            let (c, x) = match self.rx.try_recv() {
                Ok(got) => got,
                Err(_) => match d.claim() {
                    Some(c) => {
                        let mut x = d.decode(c, &mut self.scratch);
                        let t = &self.tables[x.m];
                        d.finish(&mut x, t);
                        (c, x)
                    }
                    // Every chunk is claimed and `want` is the worker's: wait for it. The worker
                    // stops sending early only by panicking, which the join re-raises anyway.
                    None => self.rx.recv().expect("the body decoder sends every chunk it claims"),
                },
            };
            self.ready.insert(c, x);
        }
    }
}

/// An instruction that names a metadata token, lowered by [`Tables::lower`] (or, for `ldstr`,
/// [`Lowerer::ldstr`]).
#[derive(Clone, Copy)]
struct Pending {
    index: u32,
    offset: u32,
    op: u16,
    token: u32,
}

/// The local signature a StandAloneSig `token` names: a cursor after its header and the number
/// of locals it declares (checked against the blob's length).
fn local_sig<'a>(md: &Metadata<'a>, token: u32) -> R<(Cur<'a>, usize)> {
    let row = token & 0x00ff_ffff;
    let ss = md.table(tid::STAND_ALONE_SIG);
    if token >> 24 != 0x11 || !ss.has(row) {
        return Err(Bad::at(0, format!("local signature token 0x{token:08x} names no StandAloneSig row")));
    }
    let blob_idx = ss.get(row, 0);
    let mut c = Cur { d: md.blob(blob_idx)?, at: 0, base: md.blob_offset(blob_idx) };
    if c.u8()? != 0x07 {
        return Err(c.bad("local signature does not start with LOCAL_SIG (0x07)"));
    }
    let n = c.comp()?;
    if n as usize > c.d.len() {
        return Err(c.bad("more locals than the signature has bytes"));
    }
    Ok((c, n as usize))
}

/// What a body decoder knows of a module's own types and members: the reference ids of its
/// MethodDef and Field rows ([`Lowerer::own_refs`]) and the signatures of its TypeDef rows
/// ([`Lowerer::own_type_refs`]).
struct OwnRefs<'m, 'a> {
    md: &'m Metadata<'a>,
    method_ref_base: u32,
    field_ref_base: u32,
    type_ref_base: u32,
}

impl OwnRefs<'_, '_> {
    /// Whether MethodDef row `row` is an instance constructor.
    fn is_ctor(&self, row: u32) -> bool {
        matches!(self.md.string(self.md.table(tid::METHOD_DEF).get(row, 3)), Ok(".ctor"))
    }

    /// Whether MemberRef row `row` names a field (its signature starts with FIELD).
    fn memberref_is_field(&self, row: u32) -> bool {
        let mr = self.md.table(tid::MEMBER_REF);
        mr.has(row) && self.md.blob(mr.get(row, 2)).is_ok_and(|b| b.first() == Some(&0x06))
    }

    /// `op` with a MethodDef, Field or TypeDef token `tok`, lowered; `None` for any other token.
    fn lower(&self, op: u16, tok: u32) -> Option<Result<Instr, String>> {
        let row = tok & 0x00ff_ffff;
        match (op, (tok >> 24) as usize) {
            (0x28 | 0x6f | 0x73 | 0xfe06 | 0xfe07 | 0xd0, tid::METHOD_DEF) => {
                let mt = self.md.table(tid::METHOD_DEF);
                if !mt.has(row) {
                    return Some(Err(format!("token 0x{tok:08x} is not a method")));
                }
                if op == 0x73 && !matches!(self.md.string(mt.get(row, 3)), Ok(".ctor")) {
                    return Some(Err("newobj of a method that is not a constructor".into()));
                }
                Some(Ok(method_instr(op, MethodRefId::new((self.method_ref_base + row - 1) as usize))))
            }
            (0x7b..=0x80 | 0xd0, tid::FIELD) => {
                if !self.md.table(tid::FIELD).has(row) {
                    return Some(Err(format!("field token 0x{tok:08x} names no row")));
                }
                Some(Ok(field_instr(op, FieldRefId::new((self.field_ref_base + row - 1) as usize))))
            }
            (op, tid::TYPE_DEF) if names_type(op) || op == 0xd0 => {
                if !self.md.table(tid::TYPE_DEF).has(row) {
                    return Some(Err(format!("type token 0x{tok:08x} names no row")));
                }
                Some(Ok(type_instr(op, TypeRefId::new((self.type_ref_base + row - 1) as usize))))
            }
            _ => None,
        }
    }
}

/// What one module's body tokens lower to, by row (index 0 unused), made by the main thread
/// ([`Lowerer::tables`]) and read by whichever thread finishes a body ([`Tables::lower`]). An
/// `Err` is the cause the row did not resolve, reported where a body names it.
#[derive(Default)]
struct Tables {
    /// The member and whether it is a constructor (what `newobj` needs).
    memberref: Vec<Result<(Member, bool), String>>,
    methodspec: Vec<Result<Option<(MethodRefId, bool)>, String>>,
    typeref: Vec<TypeRefId>,
    typespec: Vec<Result<TypeRefId, String>>,
    /// The stack effect of a `calli` through the StandAloneSig row: pops, pushes.
    calli: Vec<Result<(u8, u8), String>>,
    /// The locals of a StandAloneSig row that is a LOCAL_SIG.
    locals: Vec<Option<Result<Vec<TypeRefId>, String>>>,
}

/// Row `row` of a table kept by row (index 0 unused); `None` past the table.
fn at<T: Clone>(table: &[Result<T, String>], row: u32) -> Option<Result<T, String>> {
    table.get(row as usize).filter(|_| row > 0).cloned()
}

impl Tables {
    /// `op` with the token `tok` that [`Plain`] left pending, lowered; `None` for `ldstr`
    /// ([`Lowerer::ldstr`]). The causes are those of the rows' resolution. Tokens of the module's
    /// own rows go through `own`, with its checks.
    fn lower(&self, own: &OwnRefs, op: u16, tok: u32) -> Result<Option<Instr>, String> {
        use SimpleOp as S;
        let row = tok & 0x00ff_ffff;
        // A method token (MethodDef, MemberRef, MethodSpec) as a member and whether it is a constructor.
        let method = |tok_table: u32| -> Result<Option<(Member, bool)>, String> {
            match tok_table {
                0x06 => match own.lower(0x28, tok) {
                    Some(Ok(Instr::Call(r))) => Ok(Some((Member::Method(r), own.is_ctor(row)))),
                    Some(Err(e)) => Err(e),
                    _ => Err(format!("token 0x{tok:08x} is not a method")),
                },
                0x0a => at(&self.memberref, row).ok_or_else(|| format!("MemberRef token 0x0a{row:06x} names no row"))?.map(Some),
                0x2b => at(&self.methodspec, row)
                    .ok_or_else(|| format!("MethodSpec token 0x2b{row:06x} names no row"))?
                    .map(|x| x.map(|(r, ctor)| (Member::Method(r), ctor))),
                _ => Err(format!("token 0x{tok:08x} is not a method")),
            }
        };
        let ty = || -> Result<TypeRefId, String> {
            match (tok >> 24) as usize {
                tid::TYPE_DEF => match own.lower(0x8c, tok) {
                    Some(Ok(Instr::Box(t))) => Ok(t),
                    _ => Err(format!("type token 0x{:02x}{row:06x} names no row", tid::TYPE_DEF)),
                },
                tid::TYPE_REF => self
                    .typeref
                    .get(row as usize)
                    .filter(|_| row > 0)
                    .copied()
                    .ok_or_else(|| format!("type token 0x{:02x}{row:06x} names no row", tid::TYPE_REF)),
                tid::TYPE_SPEC => {
                    at(&self.typespec, row).ok_or_else(|| format!("type token 0x{:02x}{row:06x} names no row", tid::TYPE_SPEC))?
                }
                _ => Err(format!("token 0x{tok:08x} is not a type")),
            }
        };
        // A field token (Field, MemberRef): `None` when the MemberRef did not resolve.
        let field = || -> Result<Option<FieldRefId>, String> {
            match tok >> 24 {
                0x04 => match own.lower(0x7b, tok) {
                    Some(Ok(Instr::LdFld(f))) => Ok(Some(f)),
                    Some(Err(e)) => Err(e),
                    _ => Err(format!("field token 0x{tok:08x} names no row")),
                },
                0x0a => match method(0x0a)? {
                    Some((Member::Field(f), _)) => Ok(Some(f)),
                    Some((Member::Method(_), _)) => Err("a field access names a method".into()),
                    _ => Ok(None),
                },
                _ => Err(format!("token 0x{tok:08x} is not a field")),
            }
        };
        Ok(Some(match op {
            0x28 | 0x6f | 0x73 | 0xfe06 | 0xfe07 => match method(tok >> 24)? {
                Some((Member::Method(r), ctor)) => {
                    if op == 0x73 && !ctor {
                        return Err("newobj of a method that is not a constructor".into());
                    }
                    method_instr(op, r)
                }
                Some((Member::Opaque { pops, returns, has_this }, _)) => match op {
                    0x73 => Instr::Stack { pops, pushes: 1 },
                    0xfe06 => Instr::Stack { pops: 0, pushes: 1 },
                    0xfe07 => Instr::Stack { pops: 1, pushes: 1 },
                    _ => Instr::Stack { pops: pops.saturating_add(u8::from(has_this)), pushes: u8::from(returns) },
                },
                Some((Member::Field(_), _)) => return Err("a call names a field".into()),
                None => Instr::Stack { pops: 0, pushes: 0 },
            },
            0x29 => {
                let calli = at(&self.calli, row).filter(|_| tok >> 24 == 0x11);
                let (pops, pushes) = calli.ok_or_else(|| format!("calli token 0x{tok:08x} names no StandAloneSig row"))??;
                Instr::Stack { pops, pushes }
            }
            0x72 => return Ok(None),
            op if names_type(op) => type_instr(op, ty()?),
            0x7b..=0x80 => match (field()?, op) {
                (Some(f), _) => field_instr(op, f),
                (None, 0x7b | 0x7c) => Instr::Op(S::Unary),
                (None, 0x7d) => Instr::Stack { pops: 2, pushes: 0 },
                (None, 0x7e | 0x7f) => Instr::Op(S::LdConst),
                (None, _) => Instr::Pop,
            },
            0xd0 => match tok >> 24 {
                0x01 | 0x02 | 0x1b => Instr::LdToken(Token::Type(ty()?)),
                0x04 | 0x0a if tok >> 24 == 0x04 || own.memberref_is_field(row) => {
                    field()?.map_or(Instr::Op(S::LdConst), |f| Instr::LdToken(Token::Field(f)))
                }
                0x06 | 0x0a | 0x2b => match method(tok >> 24)? {
                    Some((Member::Method(r), _)) => Instr::LdToken(Token::Method(r)),
                    _ => Instr::Op(S::LdConst),
                },
                _ => return Err(format!("ldtoken of token 0x{tok:08x}")),
            },
            op => return Err(format!("opcode 0x{op:x} names no token")),
        }))
    }
}

/// The instruction of opcode `op` (a call, `newobj`, `ldftn`, `ldvirtftn` or `ldtoken`) naming
/// method reference `r`.
fn method_instr(op: u16, r: MethodRefId) -> Instr {
    match op {
        0x28 => Instr::Call(r),
        0x6f => Instr::CallVirt(r),
        0x73 => Instr::NewObj(r),
        0xfe06 => Instr::LdFtn(r),
        0xfe07 => Instr::LdVirtFtn(r),
        _ => Instr::LdToken(Token::Method(r)),
    }
}

/// The instruction of opcode `op` (a field access or `ldtoken`) naming field reference `f`.
fn field_instr(op: u16, f: FieldRefId) -> Instr {
    match op {
        0x7b => Instr::LdFld(f),
        0x7c => Instr::LdFlda(f),
        0x7d => Instr::StFld(f),
        0x7e => Instr::LdSfld(f),
        0x7f => Instr::LdSflda(f),
        0x80 => Instr::StSfld(f),
        _ => Instr::LdToken(Token::Field(f)),
    }
}

/// Whether the token of opcode `op` always names a type: casts, `box`, `unbox`, `unbox.any`,
/// `newarr`, `initobj`, `constrained.`, and those kept for their stack effect and the type
/// ([`Instr::TypeOp`]): `cpobj`, `ldobj`, `stobj`, `ldelema`, `ldelem`, `stelem`, `refanyval`,
/// `mkrefany`, `sizeof`. (`ldtoken`'s may name a type, a method or a field.)
fn names_type(op: u16) -> bool {
    matches!(op, 0x74 | 0x75 | 0x79 | 0x8c | 0x8d | 0xa5 | 0xfe15 | 0xfe16 | 0x70 | 0x71 | 0x81 | 0x8f | 0xa3 | 0xa4 | 0xc2 | 0xc6 | 0xfe1c)
}

/// The instruction of opcode `op` (one that [`names_type`], or `ldtoken`) naming type `t`.
fn type_instr(op: u16, t: TypeRefId) -> Instr {
    match op {
        0x70 | 0x81 => Instr::TypeOp(SimpleOp::StInd, t),
        0x71 => Instr::TypeOp(SimpleOp::LdInd, t),
        0x8f | 0xa3 => Instr::TypeOp(SimpleOp::LdElem, t),
        0xa4 => Instr::TypeOp(SimpleOp::StElem, t),
        0xc2 | 0xc6 => Instr::TypeOp(SimpleOp::Unary, t),
        0xfe1c => Instr::TypeOp(SimpleOp::LdConst, t),
        0x74 => Instr::CastClass(t),
        0x75 => Instr::IsInst(t),
        0x79 | 0xa5 => Instr::UnboxAny(t),
        0x8c => Instr::Box(t),
        0x8d => Instr::NewArr(t),
        0xfe15 => Instr::InitObj(t),
        0xfe16 => Instr::Constrained(t),
        _ => Instr::LdToken(Token::Type(t)),
    }
}

/// The instruction opcode `op` lowers to when that needs no token, branch target or context
/// (`int`: its integer operand, if any); `None` for the others.
fn plain_op(op: u16, int: i64) -> Option<Instr> {
    use SimpleOp as S;
    let var = int as u16;
    Some(match op {
        0x00 | 0x01 => Instr::Op(S::Nop),
        0x02..=0x05 => Instr::LdArg(op - 0x02),
        0x06..=0x09 => Instr::LdLoc(op - 0x06),
        0x0a..=0x0d => Instr::StLoc(op - 0x0a),
        0x0e | 0xfe09 => Instr::LdArg(var),
        0x10 | 0xfe0b => Instr::StArg(var),
        0x11 | 0xfe0c => Instr::LdLoc(var),
        0x13 | 0xfe0e => Instr::StLoc(var),
        0x0f | 0x12 | 0xfe0a | 0xfe0d => Instr::Op(S::LdAddr),
        0x14 => Instr::LdNull,
        0x15..=0x1e => Instr::LdcI4(i32::from(op as i16 - 0x16)),
        0x1f | 0x20 => Instr::LdcI4(int as i32),
        0x21..=0x23 | 0xfe00 => Instr::Op(S::LdConst),
        0x25 => Instr::Dup,
        0x26 => Instr::Pop,
        0x27 => Instr::Stack { pops: 0, pushes: 0 },
        0x2a => Instr::Ret,
        0x46..=0x50 => Instr::Op(S::LdInd),
        0x51..=0x57 | 0xdf => Instr::Op(S::StInd),
        0x58..=0x64 | 0xd6..=0xdb | 0xfe01..=0xfe05 => Instr::Op(S::Binary),
        0x65..=0x6e | 0x76 | 0x82..=0x8b | 0xb3..=0xba | 0xc3 | 0xd1..=0xd5 | 0xe0 | 0xfe0f | 0xfe1d => Instr::Op(S::Unary),
        0x7a => Instr::Throw,
        0x8e => Instr::Op(S::LdLen),
        0x90..=0x9a => Instr::Op(S::LdElem),
        0x9b..=0xa2 => Instr::Op(S::StElem),
        0xdc | 0xfe1a => Instr::Stack { pops: 0, pushes: 0 },
        0xfe11 => Instr::Stack { pops: 1, pushes: 0 },
        0xfe17 | 0xfe18 => Instr::Stack { pops: 3, pushes: 0 },
        _ => return None,
    })
}

/// By first byte, the instruction of the one-byte opcodes that take no operand and lower by
/// [`plain_op`] (most of a body: `ldarg.0`, `ldloc.1`, `ret`, arithmetic…); `None` otherwise.
fn one_byte_plain() -> &'static [Option<Instr>; 256] {
    static TABLE: std::sync::OnceLock<[Option<Instr>; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|b| {
            let op = b as u16;
            let no_operand = b != 0xfe && il::info(op).is_some_and(|(_, kind)| kind == il::OperandKind::None);
            if no_operand {
                plain_op(op, 0)
            } else {
                None
            }
        })
    })
}

/// Lowers a body's instructions as they are decoded ([`Plain::push`]) with no metadata but
/// `own`: those that name a token other than the module's own methods, fields and types become
/// `Stack` placeholders recorded in `pending`; argument and local numbers are checked against
/// the counts given. Branches are bound to instruction indexes at the end
/// ([`Plain::bind_branches`]).
struct Plain<'x, 'o, 'm, 'a> {
    out: &'x mut Vec<Instr>,
    /// (IL offset, instruction index) of each decoded instruction.
    starts: &'x mut Vec<(u32, u32)>,
    /// (instruction index, target IL offset, IL offset of the branch).
    branches: &'x mut Vec<(usize, i64, u32)>,
    /// The `switch` tables: IL offsets until [`Plain::bind_branches`], then instruction indexes.
    switches: &'x mut Vec<Vec<u32>>,
    pending: &'x mut Vec<Pending>,
    own: &'o OwnRefs<'m, 'a>,
    code: &'x [u8],
    n_args: usize,
    n_locals: usize,
    /// Whether the body allocates on the stack (`localloc`).
    localloc: bool,
}

impl Plain<'_, '_, '_, '_> {
    #[inline(always)]
    fn push(&mut self, ri: &RawInstr) -> Result<(), (u32, String)> {
        let Plain { out, starts, branches, switches, pending, own, code, .. } = self;
        let code_len = code.len();
        let at = ri.offset;
        // Prefixes too: a branch may target one.
        starts.push((at, out.len() as u32));
        let int = match ri.operand {
            Operand::Int(v) => v,
            _ => 0,
        };
        let ins = match plain_op(ri.op, int) {
            Some(ins) => ins,
            None => match ri.op {
                op if names_type(op) || matches!(op, 0x28 | 0x29 | 0x6f | 0x72 | 0x73 | 0x7b..=0x80 | 0xd0 | 0xfe06 | 0xfe07) => {
                    let Operand::Token(token) = ri.operand else { unreachable!("these opcodes take a token") };
                    match own.lower(ri.op, token) {
                        Some(lowered) => lowered.map_err(|cause| (at, cause))?,
                        None => {
                            pending.push(Pending { index: out.len() as u32, offset: at, op: ri.op, token });
                            Instr::Stack { pops: 0, pushes: 0 }
                        }
                    }
                }
                0x2b | 0x38 | 0xdd | 0xde | 0x2c | 0x39 | 0x2d | 0x3a => {
                    let Operand::Target(t) = ri.operand else { unreachable!("branch operands are targets") };
                    branches.push((out.len(), t, at));
                    match ri.op {
                        0x2c | 0x39 => Instr::BrFalse(0),
                        0x2d | 0x3a => Instr::BrTrue(0),
                        _ => Instr::Br(0),
                    }
                }
                0x2e..=0x37 | 0x3b..=0x44 => {
                    let Operand::Target(t) = ri.operand else { unreachable!("branch operands are targets") };
                    if t < 0 || t >= code_len as i64 {
                        return Err((at, format!("branch to IL_{t:04x}, outside the code")));
                    }
                    branches.push((out.len(), t, at));
                    // beq, bge, bgt, ble, blt, bne.un, bge.un, bgt.un, ble.un, blt.un: the short
                    // forms from 0x2e, the long ones from 0x3b.
                    const ORDER: [Cmp; 10] =
                        [Cmp::Eq, Cmp::Ge, Cmp::Gt, Cmp::Le, Cmp::Lt, Cmp::NeUn, Cmp::GeUn, Cmp::GtUn, Cmp::LeUn, Cmp::LtUn];
                    let k = if ri.op >= 0x3b { ri.op - 0x3b } else { ri.op - 0x2e };
                    Instr::BrCmp(ORDER[k as usize], 0)
                }
                0x45 => {
                    // `decode_one` checked that the table and its targets lie in the code.
                    let Operand::Switch(count) = ri.operand else { unreachable!("switch takes a table") };
                    let table = &code[at as usize + 5..][..count as usize * 4];
                    let base = at as i64 + 5 + table.len() as i64;
                    let targets = table.chunks_exact(4).map(|b| (base + i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))) as u32);
                    switches.push(targets.collect());
                    Instr::Switch(switches.len() as u32 - 1)
                }
                0xfe12 | 0xfe13 | 0xfe14 | 0xfe19 | 0xfe1e => return Ok(()), // prefixes
                op => return Err((at, format!("opcode 0x{op:x} has no lowering"))),
            },
        };
        self.put(ins)
    }

    /// Appends a lowered instruction, its argument or local number checked.
    #[inline(always)]
    fn put(&mut self, ins: Instr) -> Result<(), (u32, String)> {
        if let Instr::LdArg(a) | Instr::StArg(a) | Instr::LdLoc(a) | Instr::StLoc(a) = ins {
            let limit = if matches!(ins, Instr::LdArg(_) | Instr::StArg(_)) { self.n_args } else { self.n_locals };
            if a as usize >= limit {
                return Err((0, format!("{ins:?} is out of range ({} arguments, {} locals)", self.n_args, self.n_locals)));
            }
        }
        self.out.push(ins);
        Ok(())
    }

    /// Decodes and lowers all of `code`; returns how many instructions it holds. The common
    /// one-byte instructions without operand are lowered by table ([`one_byte_plain`]).
    fn run(&mut self, code: &[u8], counts: Option<&mut [u16; OP_GROUPS.len()]>) -> Result<u32, (u32, String)> {
        let table = one_byte_plain();
        let mut counts = counts;
        let (mut at, mut n) = (0usize, 0u32);
        let mut prev = 0u16;
        while at < code.len() {
            if let Some(ins) = table[code[at] as usize] {
                if let Some(c) = counts.as_deref_mut() {
                    il::count(c, u16::from(code[at]), prev);
                }
                prev = u16::from(code[at]);
                self.starts.push((at as u32, self.out.len() as u32));
                self.put(ins)?;
                at += 1;
            } else {
                let (ri, next) = il::decode_one(code, at)?;
                self.localloc |= ri.op == 0xfe0f;
                if let Some(c) = counts.as_deref_mut() {
                    il::count(c, ri.op, prev);
                }
                prev = ri.op;
                self.push(&ri)?;
                at = next;
            }
            n += 1;
        }
        self.bind_branches()?;
        Ok(n)
    }

    /// The index of the instruction that starts at IL offset `at`, if one does.
    fn index_of(&self, at: u32) -> Option<u32> {
        let idx = self.starts.binary_search_by_key(&at, |s| s.0).ok()?;
        Some(self.starts[idx].1).filter(|&i| (i as usize) < self.out.len())
    }

    fn bind_branches(&mut self) -> Result<(), (u32, String)> {
        let tables = std::mem::take(self.switches);
        for table in tables {
            let bound = table
                .iter()
                .map(|&t| self.index_of(t).ok_or_else(|| (t, format!("switch target IL_{t:04x} is not the start of an instruction"))));
            let bound = bound.collect::<Result<Vec<u32>, _>>()?;
            self.switches.push(bound);
        }
        let Plain { out, starts, branches, .. } = self;
        for &(i, target, at) in branches.iter() {
            let idx = starts
                .binary_search_by_key(&target, |s| i64::from(s.0))
                .map_err(|_| (at, format!("branch to IL_{target:04x}, which is not the start of an instruction")))?;
            let to = starts[idx].1;
            if to as usize >= out.len() {
                return Err((at, format!("branch to IL_{target:04x}, past the last instruction")));
            }
            out[i] = match out[i] {
                Instr::BrFalse(_) => Instr::BrFalse(to),
                Instr::BrTrue(_) => Instr::BrTrue(to),
                Instr::BrCmp(c, _) => Instr::BrCmp(c, to),
                _ => Instr::Br(to),
            };
        }
        Ok(())
    }
}

/// Start and end (exclusive) of the member run of row `r` in a list column `col` of `t`.
fn run(t: &crate::metadata::Table, r: u32, col: usize, n_members: u32) -> (u32, u32) {
    let start = t.get(r, col);
    let end = if r < t.rows { t.get(r + 1, col) } else { n_members + 1 };
    (start, end)
}

impl<'m, 'a> Lowerer<'m, 'a> {
    fn new(mods: &'m [Mod<'a>]) -> Self {
        let mut b = Builder::new();
        let object = b.type_ref(TypeSig::Prim(Prim::Object));
        let void = b.type_ref(TypeSig::Prim(Prim::Void));
        Lowerer {
            mods,
            st: mods.iter().map(|_| ModState::default()).collect(),
            b,
            nested: FxHashMap::default(),
            diags: Vec::new(),
            tokens: Vec::new(),
            stats: Stats::default(),
            object,
            void,
            dropped_attrs: vec![0; mods.len()],
            il_features: None,
        }
    }

    fn diag(&mut self, m: usize, message: String) {
        self.diags.push(Diagnostic { file: self.mods[m].file.to_string(), message });
    }

    fn err(&self, m: usize, b: Bad) -> Error {
        b.file(self.mods[m].file)
    }

    fn run(&mut self, by_name: &FxHashMap<String, usize>) -> Result<(), Error> {
        let mods = self.mods;
        // Assemblies and their references.
        for (m, md) in mods.iter().enumerate() {
            let name = md.md.string(md.md.table(tid::ASSEMBLY).get(1, 7)).map_err(|b| self.err(m, b))?;
            self.st[m].asm = Some(self.b.add_assembly(name));
        }
        let mut missing: FxHashSet<String> = FxHashSet::default();
        for (m, md) in mods.iter().enumerate() {
            let refs = md.md.table(tid::ASSEMBLY_REF);
            for r in 1..=refs.rows {
                let name = md.md.string(refs.get(r, 6)).map_err(|b| self.err(m, b))?;
                let target = by_name.get(&name.to_ascii_lowercase()).copied();
                if target.is_none() && missing.insert(name.to_ascii_lowercase()) {
                    self.diag(
                        m,
                        format!(
                            "referenced assembly {name} was not found; its types read as System.Object and calls into it are not followed"
                        ),
                    );
                }
                self.st[m].asm_refs.push(target);
            }
        }
        let rows = |t: usize| mods.iter().map(|md| md.md.table(t).rows as usize).sum::<usize>();
        self.b.reserve(rows(tid::TYPE_DEF), rows(tid::METHOD_DEF), rows(tid::FIELD));
        // References: one per MethodDef and Field row (`own_refs`), and at most one per MemberRef
        // and MethodSpec row.
        self.b.reserve_refs(
            rows(tid::METHOD_DEF),
            rows(tid::FIELD),
            rows(tid::MEMBER_REF) + rows(tid::METHOD_SPEC),
            rows(tid::MEMBER_REF) / 4,
        );
        // A second core reads the members' names and then decodes the method bodies while this
        // one declares types and members and then resolves the bodies' tokens.
        let bodies = BodyDecoder::new(mods, self.il_features.is_some(), self.b.data().type_refs.len() as u32);
        std::thread::scope(|s| -> Result<(), Error> {
            let (tx, rx) = std::sync::mpsc::channel();
            let (names_tx, names_rx) = std::sync::mpsc::channel();
            let bodies = &bodies;
            let (tables_tx, tables_rx) = std::sync::mpsc::channel();
            let worker = s.spawn(move || bodies.work(&names_tx, &tx, &tables_rx));
            let mut feed = Feed { rx, ready: FxHashMap::default(), next: 0, scratch: Scratch::default(), tables: Vec::new() };
            let result = (|| {
                for m in 0..mods.len() {
                    self.declare_types(m).map_err(|b| self.err(m, b))?;
                }
                self.own_type_refs(&bodies.type_ref_base)?;
                for (m, md) in mods.iter().enumerate() {
                    for r in 1..=md.md.table(tid::TYPE_REF).rows {
                        self.typeref(m, r, 0);
                    }
                }
                for m in 0..mods.len() {
                    self.type_shapes(m).map_err(|b| self.err(m, b))?;
                }
                for m in 0..mods.len() {
                    // The worker sends every module's names before anything else; it stops
                    // early only by panicking, which the join re-raises.
                    let names = names_rx.recv().expect("the worker sends every module's member names");
                    self.own_refs(m, bodies.method_ref_base[m], bodies.field_ref_base[m], false)?;
                    self.members(m, names).map_err(|b| self.err(m, b))?;
                    debug_assert_eq!(self.st[m].method_base, bodies.method_base[m]);
                    self.own_refs(m, bodies.method_ref_base[m], bodies.field_ref_base[m], true)?;
                }
                for m in 0..mods.len() {
                    self.method_impls(m).map_err(|b| self.err(m, b))?;
                    let t = std::sync::Arc::new(self.tables(m));
                    // The worker stops early only by panicking, which the join re-raises.
                    let _ = tables_tx.send(std::sync::Arc::clone(&t));
                    feed.tables.push(t);
                }
                for m in 0..mods.len() {
                    while bodies.chunks.get(feed.next).is_some_and(|c| c.m == m) {
                        let chunk = feed.take(bodies);
                        self.resolve_bodies(chunk)?;
                    }
                    self.attributes(m).map_err(|b| self.err(m, b))?;
                }
                Ok(())
            })();
            bodies.stop();
            drop(tables_tx);
            worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            result
        })?;
        for m in 0..mods.len() {
            let asm = self.st[m].asm.expect("declared");
            let mut refs: Vec<AssemblyId> = self.st[m].asm_refs.iter().flatten().map(|&t| self.st[t].asm.expect("declared")).collect();
            refs.extend(self.st[m].extra_refs.iter().copied());
            refs.sort();
            refs.dedup();
            refs.retain(|&r| r != asm);
            self.b.assembly_mut(asm).references = refs;
            if self.dropped_attrs[m] > 0 {
                let n = self.dropped_attrs[m];
                self.diag(m, format!("{n} custom attribute(s) were dropped: their constructor or argument types did not resolve"));
            }
        }
        let ep = mods[0].img.entry_point_token;
        if ep != 0 {
            let row = ep & 0x00ff_ffff;
            if ep >> 24 != 0x06 || !mods[0].md.table(tid::METHOD_DEF).has(row) {
                return Err(self.err(0, Bad::at(0, format!("entry point token 0x{ep:08x} is not a method of this assembly"))));
            }
            self.b.set_entry_point(MethodId::new((self.st[0].method_base + row - 1) as usize));
        }
        Ok(())
    }

    // ---- Types -------------------------------------------------------------------------------

    fn declare_types(&mut self, m: usize) -> R<()> {
        let md = &self.mods[m].md;
        let asm = self.st[m].asm.expect("declared");
        let td = md.table(tid::TYPE_DEF);
        self.st[m].type_base = self.b.data().types.len() as u32;
        for r in 1..=td.rows {
            let flags = td.get(r, 0);
            let name = md.string(td.get(r, 1))?;
            let ns = md.string(td.get(r, 2))?;
            let kind = if flags & 0x20 != 0 { TypeKind::Interface } else { TypeKind::Class };
            let t = self.b.add_type(asm, None, ns, name, kind);
            let ty = self.b.type_mut(t);
            ty.visibility = type_visibility(flags);
            ty.is_abstract = flags & 0x80 != 0;
            ty.is_sealed = flags & 0x100 != 0;
        }
        let base = self.st[m].type_base;
        let nc = md.table(tid::NESTED_CLASS);
        let mut is_nested = vec![false; td.rows as usize + 1];
        for r in 1..=nc.rows {
            let (inner, outer) = (nc.get(r, 0), nc.get(r, 1));
            if !td.has(inner) || !td.has(outer) || inner == outer {
                return Err(Bad::row("NestedClass", r, "names a TypeDef row that does not exist, or nests a type in itself"));
            }
            let (i, o) = (TypeId::new((base + inner - 1) as usize), TypeId::new((base + outer - 1) as usize));
            if std::mem::replace(&mut is_nested[inner as usize], true) {
                return Err(Bad::row("NestedClass", r, "a type is nested in two types"));
            }
            self.b.type_mut(i).declaring_type = Some(o);
            self.b.type_mut(o).nested.push(i);
            let name = md.string(td.get(inner, 1))?;
            self.nested.insert((o, name), i);
        }
        for r in 1..=td.rows {
            if !is_nested[r as usize] {
                let key = (md.string(td.get(r, 2))?, md.string(td.get(r, 1))?);
                self.st[m].top.insert(key, r);
            }
        }
        let et = md.table(tid::EXPORTED_TYPE);
        for r in 1..=et.rows {
            let key = (md.string(et.get(r, 3))?, md.string(et.get(r, 2))?);
            self.st[m].exported.insert(key, r);
        }
        // Generic parameters of types (those of methods come with the methods).
        let gp = md.table(tid::GENERIC_PARAM);
        self.st[m].gparams = vec![None; gp.rows as usize + 1];
        for r in 1..=gp.rows {
            let number = gp.get(r, 0) as u16;
            if let Some((tid::TYPE_DEF, row)) = Coded::TypeOrMethodDef.decode(gp.get(r, 2)) {
                if !td.has(row) {
                    return Err(Bad::row("GenericParam", r, "owner TypeDef row does not exist"));
                }
                let t = TypeId::new((base + row - 1) as usize);
                let name = md.string(gp.get(r, 3))?;
                let params = &mut self.b.type_mut(t).generic_params;
                if number as usize != params.len() {
                    return Err(Bad::row("GenericParam", r, format!("parameter number {number} out of order")));
                }
                params.push(GenericParam { name: name.to_string(), attributes: Vec::new(), default_ctor: gp.get(r, 1) & 0x10 != 0 });
                self.st[m].gparams[r as usize] = Some((false, t.as_u32(), number));
            }
        }
        Ok(())
    }

    /// The type definition named `ns.name` in module `m`, following type forwarders.
    fn find_top(&mut self, m: usize, ns: &str, name: &str, depth: u32) -> Option<TypeId> {
        if let Some(&row) = self.st[m].top.get(&(ns, name)) {
            return Some(TypeId::new((self.st[m].type_base + row - 1) as usize));
        }
        let &row = self.st[m].exported.get(&(ns, name))?;
        if depth > 16 {
            return None;
        }
        let et = self.mods[m].md.table(tid::EXPORTED_TYPE);
        match Coded::Implementation.decode(et.get(row, 4)) {
            Some((tid::ASSEMBLY_REF, ar)) => {
                let target = self.st[m].asm_refs.get(ar.wrapping_sub(1) as usize).copied().flatten()?;
                self.find_top(target, ns, name, depth + 1)
            }
            _ => None,
        }
    }

    fn typeref(&mut self, m: usize, row: u32, depth: u32) -> Option<TypeId> {
        let md = &self.mods[m].md;
        let tr = md.table(tid::TYPE_REF);
        if !tr.has(row) {
            return None;
        }
        if self.st[m].typeref.is_empty() {
            self.st[m].typeref = vec![Memo::Todo; tr.rows as usize + 1];
        }
        match self.st[m].typeref[row as usize] {
            Memo::Done(t) => return t,
            Memo::Busy => return None,
            Memo::Todo => {}
        }
        self.st[m].typeref[row as usize] = Memo::Busy;
        let (Ok(name), Ok(ns)) = (md.string(tr.get(row, 1)), md.string(tr.get(row, 2))) else {
            self.st[m].typeref[row as usize] = Memo::Done(None);
            return None;
        };
        let scope = tr.get(row, 0);
        let (found, looked_in) = match Coded::ResolutionScope.decode(scope) {
            Some((tid::MODULE, _)) => (self.find_top(m, ns, name, 0), Some(m)),
            Some((tid::ASSEMBLY_REF, ar)) => match self.st[m].asm_refs.get(ar.wrapping_sub(1) as usize).copied().flatten() {
                Some(t) => (self.find_top(t, ns, name, 0), Some(t)),
                None => (None, None), // the missing assembly is reported once
            },
            Some((tid::TYPE_REF, outer)) if depth < 64 => {
                let o = self.typeref(m, outer, depth + 1);
                (o.and_then(|o| self.nested.get(&(o, name)).copied()), o.map(|_| m))
            }
            Some((tid::MODULE_REF, _)) => {
                self.diag(
                    m,
                    format!("TypeRef row {row} ({ns}.{name}) lives in another module of a multi-module assembly, which is not supported"),
                );
                (None, None)
            }
            _ if scope == 0 => (self.find_top(m, ns, name, 0), Some(m)),
            _ => (None, None),
        };
        if let Some(t) = found {
            let home = self.b.data().types[t].assembly;
            if Some(home) != self.st[m].asm {
                self.st[m].extra_refs.insert(home);
            }
        } else if let Some(l) = looked_in {
            let asm = self.mods[l].md.table(tid::ASSEMBLY);
            let asm_name = self.mods[l].md.string(asm.get(1, 7)).unwrap_or("?");
            let full = if ns.is_empty() { name.to_string() } else { format!("{ns}.{name}") };
            self.diag(m, format!("TypeRef row {row}: type {full} does not exist in assembly {asm_name}"));
        }
        self.st[m].typeref[row as usize] = Memo::Done(found);
        found
    }

    /// The signature of a TypeDefOrRef token's target (`System.Object` when it does not resolve).
    fn type_token(&mut self, m: usize, table: usize, row: u32, depth: u32) -> R<TypeRefId> {
        let md = &self.mods[m].md;
        match table {
            tid::TYPE_DEF if md.table(tid::TYPE_DEF).has(row) => Ok(TypeRefId::new((self.st[m].type_ref_base + row - 1) as usize)),
            tid::TYPE_REF if md.table(tid::TYPE_REF).has(row) => {
                if let Some(Some(s)) = self.st[m].ref_type_sigs.get(row as usize) {
                    return Ok(*s);
                }
                let s = self.typeref(m, row, 0).map_or(self.object, |t| self.b.type_ref(TypeSig::Def(t)));
                let memo = &mut self.st[m].ref_type_sigs;
                if memo.is_empty() {
                    memo.resize(md.table(tid::TYPE_REF).rows as usize + 1, None);
                }
                memo[row as usize] = Some(s);
                Ok(s)
            }
            tid::TYPE_SPEC if md.table(tid::TYPE_SPEC).has(row) => self.typespec(m, row, depth),
            _ => Err(Bad::at(0, format!("type token 0x{:02x}{row:06x} names no row", table))),
        }
    }

    fn typespec(&mut self, m: usize, row: u32, depth: u32) -> R<TypeRefId> {
        let md = &self.mods[m].md;
        let ts = md.table(tid::TYPE_SPEC);
        if self.st[m].typespec.is_empty() {
            self.st[m].typespec = vec![Memo::Todo; ts.rows as usize + 1];
        }
        match self.st[m].typespec[row as usize] {
            Memo::Done(t) => return Ok(t),
            Memo::Busy => return Err(Bad::row("TypeSpec", row, "the signature refers to itself")),
            Memo::Todo => {}
        }
        self.st[m].typespec[row as usize] = Memo::Busy;
        let blob_idx = ts.get(row, 0);
        let t = md.blob(blob_idx).and_then(|d| self.sig_type(m, &mut Cur { d, at: 0, base: md.blob_offset(blob_idx) }, depth + 1));
        // A row that fails is tried again where it is named next (every body and attribute that
        // names it gets its error, not "refers to itself").
        self.st[m].typespec[row as usize] = t.as_ref().map_or(Memo::Todo, |&t| Memo::Done(t));
        t
    }

    fn coded_type(&mut self, m: usize, c: &mut Cur, depth: u32) -> R<TypeRefId> {
        let v = c.comp()?;
        let (table, row) = Coded::TypeDefOrRef.decode(v).ok_or_else(|| c.bad("bad TypeDefOrRef in signature"))?;
        self.type_token(m, table, row, depth)
    }

    /// One type of a signature (§23.2.12), custom modifiers skipped.
    fn sig_type(&mut self, m: usize, c: &mut Cur, depth: u32) -> R<TypeRefId> {
        if depth > MAX_SIG_DEPTH {
            return Err(c.bad("signature nests deeper than 64 levels"));
        }
        let et = c.u8()?;
        let prim = |p| Ok::<_, Bad>(TypeSig::Prim(p));
        let sig = match et {
            0x01 => prim(Prim::Void)?,
            0x02 => prim(Prim::Bool)?,
            0x03 => prim(Prim::Char)?,
            0x04 => prim(Prim::Int8)?,
            0x05 => prim(Prim::UInt8)?,
            0x06 => prim(Prim::Int16)?,
            0x07 => prim(Prim::UInt16)?,
            0x08 => prim(Prim::Int32)?,
            0x09 => prim(Prim::UInt32)?,
            0x0a => prim(Prim::Int64)?,
            0x0b => prim(Prim::UInt64)?,
            0x0c => prim(Prim::Float32)?,
            0x0d => prim(Prim::Float64)?,
            0x0e => prim(Prim::String)?,
            0x18 | 0x1b | 0x16 => {
                if et == 0x1b {
                    self.method_sig_from(m, c, depth + 1)?; // function pointer: read as native int
                }
                prim(Prim::NInt)?
            }
            0x19 => prim(Prim::NUInt)?,
            0x1c => prim(Prim::Object)?,
            0x0f => TypeSig::Ptr(self.sig_type(m, c, depth + 1)?),
            0x10 => TypeSig::ByRef(self.sig_type(m, c, depth + 1)?),
            0x1d => TypeSig::Array(self.sig_type(m, c, depth + 1)?),
            0x14 => {
                let elem = self.sig_type(m, c, depth + 1)?;
                let _rank = c.comp()?;
                let n_sizes = c.comp()?;
                for _ in 0..n_sizes {
                    c.comp()?;
                }
                let n_lo = c.comp()?;
                for _ in 0..n_lo {
                    c.comp()?;
                }
                TypeSig::Array(elem) // multi-dimensional arrays read as single-dimensional
            }
            0x11 | 0x12 => return self.coded_type(m, c, depth + 1),
            0x13 | 0x1e => {
                let n = c.comp()?;
                let n = u16::try_from(n).map_err(|_| c.bad("generic parameter number out of range"))?;
                if et == 0x13 {
                    TypeSig::Var(n)
                } else {
                    TypeSig::MVar(n)
                }
            }
            0x15 => {
                let kind = c.u8()?;
                if kind != 0x11 && kind != 0x12 {
                    return Err(c.bad("GENERICINST not followed by CLASS or VALUETYPE"));
                }
                let def = self.coded_type(m, c, depth + 1)?;
                let n = c.comp()?;
                if n as usize > c.d.len() {
                    return Err(c.bad("more generic arguments than the blob has bytes"));
                }
                let mut args = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    args.push(self.sig_type(m, c, depth + 1)?);
                }
                match self.b.data().type_refs[def] {
                    TypeSig::Def(t) => {
                        let arity = self.b.data().types[t].generic_params.len();
                        if arity != args.len() {
                            return Err(c.bad(&format!("generic instantiation gives {} argument(s) for {arity} parameter(s)", args.len())));
                        }
                        TypeSig::Inst { def: t, args }
                    }
                    _ => return Ok(self.object), // an unresolved generic type
                }
            }
            0x1f | 0x20 => {
                c.comp()?; // the modifier's type
                return self.sig_type(m, c, depth + 1);
            }
            0x45 | 0x41 => return self.sig_type(m, c, depth + 1),
            _ => return Err(Bad::at(c.base + c.at - 1, format!("unknown element type 0x{et:02x} in signature"))),
        };
        Ok(self.b.type_ref(sig))
    }

    /// A method signature blob, decoded once per module and blob (many methods share one).
    fn method_sig(&mut self, m: usize, blob: u32) -> R<Sig> {
        if let Some(s) = self.st[m].method_sigs.get(&blob) {
            return Ok(s.clone());
        }
        let md = &self.mods[m].md;
        let mut c = Cur { d: md.blob(blob)?, at: 0, base: md.blob_offset(blob) };
        let sig = self.method_sig_from(m, &mut c, 0)?;
        self.st[m].method_sigs.insert(blob, sig.clone());
        Ok(sig)
    }

    fn method_sig_from(&mut self, m: usize, c: &mut Cur, depth: u32) -> R<Sig> {
        let conv = c.u8()?;
        let generic = if conv & 0x10 != 0 { c.comp()? } else { 0 };
        let n = c.comp()?;
        if n as usize > c.d.len() {
            return Err(c.bad("more parameters than the signature has bytes"));
        }
        let ret = self.sig_type(m, c, depth + 1)?;
        let mut params = Vec::with_capacity(n as usize);
        for _ in 0..n {
            if c.peek()? == 0x41 {
                c.at += 1; // vararg sentinel
            }
            params.push(self.sig_type(m, c, depth + 1)?);
        }
        Ok(Sig { has_this: conv & 0x20 != 0, generic, ret, params: params.into() })
    }

    fn field_sig(&mut self, m: usize, blob: u32) -> R<TypeRefId> {
        if let Some(&t) = self.st[m].field_sigs.get(&blob) {
            return Ok(t);
        }
        let t = self.field_sig_uncached(m, blob)?;
        self.st[m].field_sigs.insert(blob, t);
        Ok(t)
    }

    fn field_sig_uncached(&mut self, m: usize, blob: u32) -> R<TypeRefId> {
        let md = &self.mods[m].md;
        let mut c = Cur { d: md.blob(blob)?, at: 0, base: md.blob_offset(blob) };
        if c.u8()? != 0x06 {
            return Err(c.bad("field signature does not start with FIELD (0x06)"));
        }
        self.sig_type(m, &mut c, 0)
    }

    fn type_shapes(&mut self, m: usize) -> R<()> {
        let md = &self.mods[m].md;
        let td = md.table(tid::TYPE_DEF);
        let base = self.st[m].type_base;
        for r in 1..=td.rows {
            let t = TypeId::new((base + r - 1) as usize);
            let extends = td.get(r, 3);
            if extends == 0 {
                continue;
            }
            let (table, row) = Coded::TypeDefOrRef.decode(extends).ok_or_else(|| Bad::row("TypeDef", r, "bad Extends coded index"))?;
            let sig = self.type_token(m, table, row, 0).map_err(|b| Bad::row("TypeDef", r, format!("base type: {}", b.cause)))?;
            let Some(bdef) = sig_def(&self.b, sig) else { continue }; // unresolved base
            let (bns, bname) = {
                let bd = &self.b.data().types[bdef];
                (bd.namespace.clone(), bd.name.clone())
            };
            let me = &self.b.data().types[t];
            let is_enum_itself = me.namespace == "System" && me.name == "Enum";
            let kind = match (bns.as_str(), bname.as_str()) {
                _ if me.kind == TypeKind::Interface => TypeKind::Interface,
                ("System", "Enum") => TypeKind::Enum,
                ("System", "ValueType") if !is_enum_itself => TypeKind::Struct,
                ("System", "MulticastDelegate") => TypeKind::Delegate,
                _ => TypeKind::Class,
            };
            let ty = self.b.type_mut(t);
            ty.kind = kind;
            if kind != TypeKind::Interface {
                ty.base = Some(sig);
            }
        }
        let ii = md.table(tid::INTERFACE_IMPL);
        for r in 1..=ii.rows {
            let class = ii.get(r, 0);
            if !td.has(class) {
                return Err(Bad::row("InterfaceImpl", r, "class is not a TypeDef row"));
            }
            let (table, row) =
                Coded::TypeDefOrRef.decode(ii.get(r, 1)).ok_or_else(|| Bad::row("InterfaceImpl", r, "bad interface index"))?;
            let sig = self.type_token(m, table, row, 0).map_err(|b| Bad::row("InterfaceImpl", r, b.cause))?;
            if sig_def(&self.b, sig).is_some_and(|d| self.b.data().types[d].kind == TypeKind::Interface) {
                self.b.type_mut(TypeId::new((base + class - 1) as usize)).interfaces.push(sig);
            }
        }
        Ok(())
    }

    // ---- Members -----------------------------------------------------------------------------

    fn members(&mut self, m: usize, mut names: MemberNames) -> R<()> {
        let md = &self.mods[m].md;
        let td = md.table(tid::TYPE_DEF);
        let (ft, mt, pt) = (md.table(tid::FIELD), md.table(tid::METHOD_DEF), md.table(tid::PARAM));
        let base = self.st[m].type_base;
        self.st[m].field_base = self.b.data().fields.len() as u32;
        self.st[m].method_base = self.b.data().methods.len() as u32;
        self.st[m].params = vec![None; pt.rows as usize + 1];
        let (mut next_field, mut next_method) = (1u32, 1u32);
        for r in 1..=td.rows {
            let t = TypeId::new((base + r - 1) as usize);
            let own_sig = TypeRefId::new((self.st[m].type_ref_base + r - 1) as usize);
            let (fs, fe) = run(td, r, 4, ft.rows);
            let (ms, me) = run(td, r, 5, mt.rows);
            if fs > fe || fe > ft.rows + 1 || fs < next_field {
                return Err(Bad::row("TypeDef", r, format!("field list {fs}..{fe} is out of order or past the Field table")));
            }
            if ms > me || me > mt.rows + 1 || ms < next_method {
                return Err(Bad::row("TypeDef", r, format!("method list {ms}..{me} is out of order or past the MethodDef table")));
            }
            if fs != next_field || ms != next_method {
                return Err(Bad::row("TypeDef", r, "fields or methods belong to no type"));
            }
            next_field = fe;
            next_method = me;
            for f in fs..fe {
                let flags = ft.get(f, 0);
                let name = MemberNames::take(&mut names.fields, f, md, ft.get(f, 1))?;
                let ty = self.field_sig(m, ft.get(f, 2)).map_err(|b| Bad::row("Field", f, b.cause))?;
                let id = self.b.add_field(t, name, ty);
                self.b.own_field_ref(FieldRef { owner: own_sig, field: id });
                let fd = self.b.field_mut(id);
                fd.visibility = visibility(flags);
                fd.is_static = flags & 0x10 != 0;
            }
            for mr in ms..me {
                let flags = mt.get(mr, 2);
                let name = MemberNames::take(&mut names.methods, mr, md, mt.get(mr, 3))?;
                let sig = self.method_sig(m, mt.get(mr, 4)).map_err(|b| Bad::row("MethodDef", mr, b.cause))?;
                let id = self.b.add_method(t, name, sig.ret);
                let is_static = flags & 0x10 != 0;
                if is_static == sig.has_this {
                    return Err(Bad::row("MethodDef", mr, "static flag and the signature's HASTHIS disagree"));
                }
                let (ps, pe) = run(mt, mr, 5, pt.rows);
                let mut params: Vec<Param> =
                    sig.params.iter().map(|&ty| Param { name: String::new(), ty, attributes: Vec::new() }).collect();
                if 1 <= ps && ps <= pe && pe <= pt.rows + 1 {
                    for p in ps..pe {
                        let seq = pt.get(p, 1);
                        if seq as usize <= params.len() {
                            if seq > 0 {
                                params[seq as usize - 1].name = MemberNames::take(&mut names.params, p, md, pt.get(p, 2))?;
                            }
                            self.st[m].params[p as usize] = Some((id, seq as u16));
                        }
                    }
                }
                let md_ = self.b.method_mut(id);
                md_.visibility = visibility(flags);
                md_.flags = MethodFlags {
                    is_static,
                    is_virtual: flags & 0x40 != 0,
                    is_abstract: flags & 0x400 != 0,
                    is_newslot: flags & 0x100 != 0,
                    is_final: flags & 0x20 != 0,
                };
                md_.params = params;
                md_.generic_params =
                    (0..sig.generic).map(|i| GenericParam { name: format!("M{i}"), attributes: Vec::new(), default_ctor: false }).collect();
                // The method's own reference, as its module's bodies name it ([`Lowerer::own_refs`]).
                let generic_args = (0..sig.generic).map(|i| self.b.type_ref(TypeSig::MVar(i as u16))).collect();
                self.b.own_method_ref(MethodRef { owner: own_sig, method: id, generic_args });
            }
        }
        if next_field != ft.rows + 1 || next_method != mt.rows + 1 {
            return Err(Bad::row("TypeDef", td.rows, "the last type's member lists end before the Field or MethodDef table"));
        }
        let mbase = self.st[m].method_base;
        // Method generic parameter names.
        let gp = md.table(tid::GENERIC_PARAM);
        for r in 1..=gp.rows {
            if let Some((tid::METHOD_DEF, row)) = Coded::TypeOrMethodDef.decode(gp.get(r, 2)) {
                let number = gp.get(r, 0) as u16;
                if !mt.has(row) {
                    return Err(Bad::row("GenericParam", r, "owner MethodDef row does not exist"));
                }
                let id = MethodId::new((mbase + row - 1) as usize);
                let name = md.string(gp.get(r, 3))?;
                let Some(p) = self.b.method_mut(id).generic_params.get_mut(number as usize) else {
                    return Err(Bad::row("GenericParam", r, "more generic parameters than the method's signature declares"));
                };
                p.name = name.to_string();
                p.default_ctor = gp.get(r, 1) & 0x10 != 0;
                self.st[m].gparams[r as usize] = Some((true, id.as_u32(), number));
            }
        }
        // Literal values.
        let ct = md.table(tid::CONSTANT);
        let fbase = self.st[m].field_base;
        for r in 1..=ct.rows {
            if let Some((tid::FIELD, f)) = Coded::HasConstant.decode(ct.get(r, 1)) {
                if !ft.has(f) || ft.get(f, 0) & 0x40 == 0 {
                    continue;
                }
                let blob = md.blob(ct.get(r, 2))?;
                let le = |n: usize| blob.get(..n).map(|b| b.iter().rev().fold(0u64, |a, &x| (a << 8) | u64::from(x)));
                let value = match ct.get(r, 0) & 0xff {
                    0x02 => le(1).map(|v| Constant::Bool(v != 0)),
                    0x03 | 0x07 => le(2).map(|v| Constant::Int(v as i64)),
                    0x04 => le(1).map(|v| Constant::Int(i64::from(v as u8 as i8))),
                    0x05 => le(1).map(|v| Constant::Int(v as i64)),
                    0x06 => le(2).map(|v| Constant::Int(i64::from(v as u16 as i16))),
                    0x08 => le(4).map(|v| Constant::Int(i64::from(v as u32 as i32))),
                    0x09 => le(4).map(|v| Constant::Int(v as i64)),
                    0x0a | 0x0b => le(8).map(|v| Constant::Int(v as i64)),
                    0x0e => Some(Constant::String(crate::metadata::utf16_text(blob))),
                    0x12 => Some(Constant::Null),
                    _ => None, // floating-point literals: the model keeps no value
                };
                self.b.field_mut(FieldId::new((fbase + f - 1) as usize)).constant = value;
            }
        }
        // Explicit layouts: field offsets and declared sizes.
        let fl = md.table(tid::FIELD_LAYOUT);
        for r in 1..=fl.rows {
            let f = fl.get(r, 1);
            if !ft.has(f) {
                return Err(Bad::row("FieldLayout", r, format!("names Field row {f}, which does not exist")));
            }
            self.b.field_mut(FieldId::new((fbase + f - 1) as usize)).offset = Some(fl.get(r, 0));
        }
        let cl = md.table(tid::CLASS_LAYOUT);
        for r in 1..=cl.rows {
            let t = cl.get(r, 2);
            if !td.has(t) {
                return Err(Bad::row("ClassLayout", r, format!("names TypeDef row {t}, which does not exist")));
            }
            let size = cl.get(r, 1);
            self.b.type_mut(TypeId::new((base + t - 1) as usize)).class_size = (size > 0).then_some(size);
        }
        self.properties_and_events(m)?;
        self.tokens.push(AsmTokens {
            file: self.mods[m].file.to_string(),
            types: (base, td.rows),
            methods: (mbase, mt.rows),
            fields: (fbase, ft.rows),
            properties: self.st[m].props.iter().enumerate().filter_map(|(r, p)| p.map(|p| (p, r as u32))).collect(),
            events: self.st[m].events.iter().enumerate().filter_map(|(r, e)| e.map(|e| (e, r as u32))).collect(),
        });
        Ok(())
    }

    /// Interns `Def(type)` for every type of every module, in order, before any other signature
    /// names a type, so that TypeDef tokens map to signatures by arithmetic (in bodies, on the
    /// worker too): they must come out at the ids the body decoder counted.
    fn own_type_refs(&mut self, expected: &[u32]) -> Result<(), Error> {
        let first = self.b.data().type_refs.len();
        let n = self.b.data().types.len();
        for t in (0..n).map(TypeId::new) {
            self.b.type_ref(TypeSig::Def(t));
        }
        if self.b.data().type_refs.len() != first + n {
            return Err(self.err(0, Bad::at(0, "internal: a type's signature was interned before the types were declared")));
        }
        for m in 0..self.mods.len() {
            self.st[m].type_ref_base = (first as u32) + self.st[m].type_base;
            if expected.get(m) != Some(&self.st[m].type_ref_base) {
                return Err(self.err(m, Bad::at(0, "internal: the body decoder counted the types' signatures differently")));
            }
        }
        Ok(())
    }

    /// Checks that module `m`'s own references (one per MethodDef and Field row, made by
    /// [`Lowerer::members`] as it declares them, in row order) start (`done`: end) at the ids
    /// the body decoder counted: no other reference exists before every module's members are
    /// declared, so a body's MethodDef and Field tokens map to references by arithmetic.
    fn own_refs(&mut self, m: usize, method_ref_base: u32, field_ref_base: u32, done: bool) -> Result<(), Error> {
        let md = &self.mods[m].md;
        let (n_methods, n_fields) = if done { (md.table(tid::METHOD_DEF).rows, md.table(tid::FIELD).rows) } else { (0, 0) };
        let d = self.b.data();
        if d.method_refs.len() as u32 != method_ref_base + n_methods || d.field_refs.len() as u32 != field_ref_base + n_fields {
            return Err(self.err(m, Bad::at(0, "internal: the member references are not one per MethodDef and Field row, in order")));
        }
        self.st[m].method_ref_base = method_ref_base;
        self.st[m].field_ref_base = field_ref_base;
        Ok(())
    }

    fn properties_and_events(&mut self, m: usize) -> R<()> {
        let md = &self.mods[m].md;
        let base = self.st[m].type_base;
        let (prop, ev) = (md.table(tid::PROPERTY), md.table(tid::EVENT));
        self.st[m].props = vec![None; prop.rows as usize + 1];
        self.st[m].events = vec![None; ev.rows as usize + 1];
        for (parent, s, e) in map_runs(md, tid::PROPERTY_MAP, prop.rows)? {
            let t = TypeId::new((base + parent - 1) as usize);
            for p in s..e {
                let name = md.string(prop.get(p, 1))?;
                let blob = prop.get(p, 2);
                let mut c = Cur { d: md.blob(blob)?, at: 0, base: md.blob_offset(blob) };
                if c.u8()? & 0x0f != 0x08 {
                    return Err(Bad::row("Property", p, "signature does not start with PROPERTY (0x08)"));
                }
                c.comp()?;
                let ty = self.sig_type(m, &mut c, 0).map_err(|b| Bad::row("Property", p, b.cause))?;
                self.st[m].props[p as usize] = Some(self.b.add_property(t, name, ty));
            }
        }
        for (parent, s, e) in map_runs(md, tid::EVENT_MAP, ev.rows)? {
            let t = TypeId::new((base + parent - 1) as usize);
            for x in s..e {
                let name = md.string(ev.get(x, 1))?;
                let (table, row) = Coded::TypeDefOrRef.decode(ev.get(x, 2)).ok_or_else(|| Bad::row("Event", x, "bad event type"))?;
                let ty = if ev.get(x, 2) == 0 {
                    self.object
                } else {
                    self.type_token(m, table, row, 0).map_err(|b| Bad::row("Event", x, b.cause))?
                };
                self.st[m].events[x as usize] = Some(self.b.add_event(t, name, ty));
            }
        }
        let ms = md.table(tid::METHOD_SEMANTICS);
        let mt = md.table(tid::METHOD_DEF);
        for r in 1..=ms.rows {
            let sem = ms.get(r, 0);
            let method = ms.get(r, 1);
            if !mt.has(method) {
                return Err(Bad::row("MethodSemantics", r, "method is not a MethodDef row"));
            }
            let mid = MethodId::new((self.st[m].method_base + method - 1) as usize);
            match Coded::HasSemantics.decode(ms.get(r, 2)) {
                Some((tid::PROPERTY, p)) => {
                    if let Some(Some(pid)) = self.st[m].props.get(p as usize).copied() {
                        let pd = self.b.property_mut(pid);
                        match sem {
                            0x1 => pd.setter = Some(mid),
                            0x2 => pd.getter = Some(mid),
                            _ => {}
                        }
                    }
                }
                Some((tid::EVENT, e)) => {
                    if let Some(Some(eid)) = self.st[m].events.get(e as usize).copied() {
                        let ed = self.b.event_mut(eid);
                        match sem {
                            0x8 => ed.add = Some(mid),
                            0x10 => ed.remove = Some(mid),
                            _ => {}
                        }
                    }
                }
                _ => return Err(Bad::row("MethodSemantics", r, "association is neither a property nor an event")),
            }
        }
        Ok(())
    }

    /// `sig` with the type's generic parameters `!i` replaced by `args[i]`.
    fn subst(&mut self, sig: TypeRefId, args: &[TypeRefId]) -> TypeRefId {
        if args.is_empty() {
            return sig;
        }
        let s = self.b.data().type_refs[sig].clone();
        let new = match s {
            TypeSig::Var(i) => return args.get(i as usize).copied().unwrap_or(sig),
            TypeSig::Inst { def, args: a } => TypeSig::Inst { def, args: a.iter().map(|&x| self.subst(x, args)).collect() },
            TypeSig::Array(e) => TypeSig::Array(self.subst(e, args)),
            TypeSig::ByRef(e) => TypeSig::ByRef(self.subst(e, args)),
            TypeSig::Ptr(e) => TypeSig::Ptr(self.subst(e, args)),
            _ => return sig,
        };
        self.b.type_ref(new)
    }

    fn memberref(&mut self, m: usize, row: u32) -> R<Member> {
        let md = &self.mods[m].md;
        let mr = md.table(tid::MEMBER_REF);
        if !mr.has(row) {
            return Err(Bad::at(0, format!("MemberRef token 0x0a{row:06x} names no row")));
        }
        if self.st[m].memberref.is_empty() {
            self.st[m].memberref = vec![Memo::Todo; mr.rows as usize + 1];
        }
        if let Memo::Done(x) = self.st[m].memberref[row as usize] {
            return Ok(x);
        }
        let r = self.resolve_memberref(m, row).map_err(|b| Bad::row("MemberRef", row, b.cause))?;
        self.st[m].memberref[row as usize] = Memo::Done(r);
        Ok(r)
    }

    fn resolve_memberref(&mut self, m: usize, row: u32) -> R<Member> {
        let md = &self.mods[m].md;
        let mr = md.table(tid::MEMBER_REF);
        let name = md.string(mr.get(row, 1))?;
        let blob_idx = mr.get(row, 2);
        let blob = md.blob(blob_idx)?;
        let is_field = blob.first() == Some(&0x06);
        let (owner, sig, fty) = {
            let parent = mr.get(row, 0);
            let owner = match Coded::MemberRefParent.decode(parent) {
                Some((tid::METHOD_DEF, r)) if md.table(tid::METHOD_DEF).has(r) => {
                    // A vararg call site: the definition itself.
                    let id = MethodId::new((self.st[m].method_base + r - 1) as usize);
                    let t = self.b.data().methods[id].declaring_type;
                    let o = self.b.type_ref(TypeSig::Def(t));
                    return Ok(Member::Method(self.b.method_ref(MethodRef { owner: o, method: id, generic_args: Vec::new() })));
                }
                Some((t @ (tid::TYPE_DEF | tid::TYPE_REF | tid::TYPE_SPEC), r)) => Some(self.type_token(m, t, r, 0)?),
                Some((tid::MODULE_REF, _)) => None,
                _ => return Err(Bad::at(0, "bad parent coded index")),
            };
            if is_field {
                (owner, None, Some(self.field_sig(m, blob_idx)?))
            } else {
                (owner, Some(self.method_sig(m, blob_idx)?), None)
            }
        };
        let opaque = |sig: &Option<Sig>, void: TypeRefId| match sig {
            Some(s) => Member::Opaque { pops: s.params.len().min(254) as u8, returns: s.ret != void, has_this: s.has_this },
            None => Member::Opaque { pops: 0, returns: true, has_this: false },
        };
        let Some(mut cur) = owner else { return Ok(opaque(&sig, self.void)) };
        for _ in 0..64 {
            let (def, args) = match &self.b.data().type_refs[cur] {
                TypeSig::Def(t) => (*t, Vec::new()),
                TypeSig::Inst { def, args } => (*def, args.clone()),
                _ => return Ok(opaque(&sig, self.void)), // array methods, unresolved owners
            };
            let d = self.b.data();
            if let Some(fty) = fty {
                let found = d.types[def].fields.iter().copied().find(|&f| d.fields[f].name == name && d.fields[f].ty == fty);
                let found = found.or_else(|| {
                    let mut it = d.types[def].fields.iter().copied().filter(|&f| d.fields[f].name == name);
                    it.next().filter(|_| it.next().is_none())
                });
                if let Some(f) = found {
                    return Ok(Member::Field(self.b.field_ref(FieldRef { owner: cur, field: f })));
                }
            } else if let Some(s) = &sig {
                let matches = |md: &MethodData, exact: bool| {
                    md.name == name
                        && md.generic_params.len() == s.generic as usize
                        && md.flags.is_static != s.has_this
                        && md.params.len() == s.params.len()
                        && (!exact || (md.ret == s.ret && md.params.iter().map(|p| p.ty).eq(s.params.iter().copied())))
                };
                let methods = &d.types[def].methods;
                let found = methods.iter().copied().find(|&x| matches(&d.methods[x], true)).or_else(|| {
                    let mut it = methods.iter().copied().filter(|&x| matches(&d.methods[x], false));
                    it.next().filter(|_| it.next().is_none())
                });
                if let Some(x) = found {
                    let generic_args = (0..s.generic).map(|i| TypeSig::MVar(i as u16)).collect::<Vec<_>>();
                    let generic_args = generic_args.into_iter().map(|g| self.b.type_ref(g)).collect();
                    return Ok(Member::Method(self.b.method_ref(MethodRef { owner: cur, method: x, generic_args })));
                }
            }
            // Not declared here: look in the base type, seen through this instantiation.
            let Some(base) = self.b.data().types[def].base else { break };
            cur = self.subst(base, &args);
        }
        if let Some(t) = owner.and_then(|o| sig_def(&self.b, o)) {
            let tn = self.b.data().types[t].name.clone();
            self.diag(m, format!("MemberRef row {row}: {tn}::{name} matches no member"));
        }
        Ok(opaque(&sig, self.void))
    }

    fn methodspec(&mut self, m: usize, row: u32) -> R<Option<MethodRefId>> {
        let md = &self.mods[m].md;
        let ms = md.table(tid::METHOD_SPEC);
        if !ms.has(row) {
            return Err(Bad::at(0, format!("MethodSpec token 0x2b{row:06x} names no row")));
        }
        if self.st[m].methodspec.is_empty() {
            self.st[m].methodspec = vec![Memo::Todo; ms.rows as usize + 1];
        }
        if let Memo::Done(x) = self.st[m].methodspec[row as usize] {
            return Ok(x);
        }
        let base = match Coded::MethodDefOrRef.decode(ms.get(row, 0)) {
            Some((t, r)) => self.method_token(m, ((t as u32) << 24) | r)?,
            None => return Err(Bad::row("MethodSpec", row, "bad method index")),
        };
        let blob_idx = ms.get(row, 1);
        let mut c = Cur { d: md.blob(blob_idx)?, at: 0, base: md.blob_offset(blob_idx) };
        if c.u8()? != 0x0a {
            return Err(Bad::row("MethodSpec", row, "instantiation does not start with GENERICINST (0x0a)"));
        }
        let n = c.comp()?;
        if n as usize > c.d.len() {
            return Err(c.bad("more generic arguments than the blob has bytes"));
        }
        let mut args = Vec::with_capacity(n as usize);
        for _ in 0..n {
            args.push(self.sig_type(m, &mut c, 0)?);
        }
        let r = match base {
            Member::Method(r) => {
                let mref = self.b.data().method_refs[r].clone();
                let arity = self.b.data().methods[mref.method].generic_params.len();
                if arity != args.len() {
                    return Err(Bad::row("MethodSpec", row, format!("{} generic argument(s) for {arity} parameter(s)", args.len())));
                }
                Some(self.b.method_ref(MethodRef { generic_args: args, ..mref }))
            }
            _ => None,
        };
        self.st[m].methodspec[row as usize] = Memo::Done(r);
        Ok(r)
    }

    /// A method token (MethodDef, MemberRef) as a member.
    fn method_token(&mut self, m: usize, token: u32) -> R<Member> {
        let row = token & 0x00ff_ffff;
        match (token >> 24) as usize {
            tid::METHOD_DEF if self.mods[m].md.table(tid::METHOD_DEF).has(row) => {
                Ok(Member::Method(MethodRefId::new((self.st[m].method_ref_base + row - 1) as usize)))
            }
            tid::MEMBER_REF => self.memberref(m, row),
            _ => Err(Bad::at(0, format!("token 0x{token:08x} is not a method"))),
        }
    }

    fn method_impls(&mut self, m: usize) -> R<()> {
        let md = &self.mods[m].md;
        let mi = md.table(tid::METHOD_IMPL);
        for r in 1..=mi.rows {
            let body = Coded::MethodDefOrRef.decode(mi.get(r, 1));
            let decl = Coded::MethodDefOrRef.decode(mi.get(r, 2));
            let (Some((tid::METHOD_DEF, brow)), Some((dt, drow))) = (body, decl) else {
                continue; // a body in another type (MemberRef) is not modelled
            };
            if !md.table(tid::METHOD_DEF).has(brow) {
                return Err(Bad::row("MethodImpl", r, "body is not a MethodDef row"));
            }
            let body_id = MethodId::new((self.st[m].method_base + brow - 1) as usize);
            // A declaration that did not resolve is reported with its MemberRef.
            if let Member::Method(d) = self.method_token(m, ((dt as u32) << 24) | drow).map_err(|b| Bad::row("MethodImpl", r, b.cause))? {
                let target = self.b.data().method_refs[d].method;
                if self.b.data().methods[target].flags.is_virtual && self.b.data().methods[body_id].flags.is_virtual {
                    self.b.method_mut(body_id).overrides.push(d);
                }
            }
        }
        Ok(())
    }

    // ---- Bodies ------------------------------------------------------------------------------

    /// Stores the bodies of one finished chunk ([`BodyDecoder::finish`]) in order, their `ldstr`
    /// strings interned; the first body in error ends the read.
    fn resolve_bodies(&mut self, chunk: Decoded) -> Result<(), Error> {
        let m = chunk.m;
        for body in chunk.bodies {
            let d = body?;
            let at_body = |il_offset: u32, cause: String| Bad { location: Location::Body { method: d.row, il_offset }, cause };
            self.stats.bodies += 1;
            self.stats.il_instructions += d.n_raw as usize;
            self.stats.il_bytes += d.il_size as usize;
            if let (Some(v), Some(f)) = (&mut self.il_features, d.features) {
                if v.len() <= d.id.index() {
                    v.resize(d.id.index() + 1, None);
                }
                v[d.id.index()] = Some(f);
            }
            let mut instrs = d.instrs;
            for p in &chunk.pending[d.pending.start as usize..d.pending.end as usize] {
                instrs[p.index as usize] = self.ldstr(m, p.token).map_err(|c| self.err(m, at_body(p.offset, c)))?;
            }
            let md_ = self.b.method_mut(d.id);
            md_.il_size = d.il_size;
            md_.body = Some(Body { locals: d.locals, instrs, flow: d.flow });
        }
        Ok(())
    }

    /// `ldstr` of user string token `tok` (the one instruction [`Tables::lower`] leaves to this
    /// thread: strings are interned here).
    fn ldstr(&mut self, m: usize, tok: u32) -> Result<Instr, String> {
        if tok >> 24 != 0x70 {
            return Err(format!("ldstr token 0x{tok:08x} is not a user string"));
        }
        let idx = tok & 0x00ff_ffff;
        if let Some(&id) = self.st[m].user_strings.get(&idx) {
            return Ok(Instr::LdStr(id));
        }
        let s = self.mods[m].md.user_string(idx).ok_or_else(|| format!("user string 0x{tok:08x} lies outside #US"))?;
        let id = self.b.string(s);
        self.st[m].user_strings.insert(idx, id);
        Ok(Instr::LdStr(id))
    }

    /// What module `m`'s bodies' tokens lower to, for every MemberRef, MethodSpec, TypeRef,
    /// TypeSpec and StandAloneSig row (after every module's members and method overrides), so
    /// that the worker can finish the bodies by look-up ([`BodyDecoder`]). A row that does not
    /// resolve keeps its error, reported where a body names it.
    fn tables(&mut self, m: usize) -> Tables {
        let md = &self.mods[m].md;
        let rows = |t: usize| 1..=md.table(t).rows;
        let (mr, ms, tr, ts, ss) =
            (rows(tid::MEMBER_REF), rows(tid::METHOD_SPEC), rows(tid::TYPE_REF), rows(tid::TYPE_SPEC), rows(tid::STAND_ALONE_SIG));
        let is_ctor = |b: &Builder, r: MethodRefId| b.data().methods[b.data().method_refs[r].method].name == ".ctor";
        let mut t = Tables { memberref: vec![Err(String::new())], methodspec: vec![Err(String::new())], ..Tables::default() };
        for r in mr {
            let x = self.memberref(m, r).map(|x| (x, matches!(x, Member::Method(x) if is_ctor(&self.b, x))));
            t.memberref.push(x.map_err(|b| b.cause));
        }
        for r in ms {
            let x = self.methodspec(m, r).map(|x| x.map(|x| (x, is_ctor(&self.b, x))));
            t.methodspec.push(x.map_err(|b| b.cause));
        }
        t.typeref =
            std::iter::once(self.object).chain(tr.map(|r| self.type_token(m, tid::TYPE_REF, r, 0).unwrap_or(self.object))).collect();
        t.typespec = std::iter::once(Err(String::new())).chain(ts.map(|r| self.typespec(m, r, 0).map_err(|b| b.cause))).collect();
        t.calli.push(Err(String::new()));
        t.locals.push(None);
        for r in ss {
            let blob = self.mods[m].md.table(tid::STAND_ALONE_SIG).get(r, 0);
            if self.mods[m].md.blob(blob).is_ok_and(|b| b.first() == Some(&0x07)) {
                t.calli.push(Err("calli names a local signature".into()));
                t.locals.push(Some(self.locals(m, 0x1100_0000 | r).map_err(|b| b.cause)));
            } else {
                let calli = self
                    .method_sig(m, blob)
                    .map(|s| ((s.params.len() + usize::from(s.has_this) + 1).min(255) as u8, u8::from(s.ret != self.void)));
                t.calli.push(calli.map_err(|b| b.cause));
                t.locals.push(None);
            }
        }
        t
    }

    fn locals(&mut self, m: usize, token: u32) -> R<Vec<TypeRefId>> {
        let (mut c, n) = local_sig(&self.mods[m].md, token)?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(if c.peek()? == 0x16 {
                c.at += 1;
                self.object
            } else {
                self.sig_type(m, &mut c, 0)?
            });
        }
        Ok(v)
    }

    // ---- Custom attributes -------------------------------------------------------------------

    fn attributes(&mut self, m: usize) -> R<()> {
        let md = &self.mods[m].md;
        let ca = md.table(tid::CUSTOM_ATTRIBUTE);
        for r in 1..=ca.rows {
            let Some((table, row)) = Coded::HasCustomAttribute.decode(ca.get(r, 0)) else {
                return Err(Bad::row("CustomAttribute", r, "bad parent index"));
            };
            if !matches!(
                table,
                tid::ASSEMBLY | tid::TYPE_DEF | tid::METHOD_DEF | tid::FIELD | tid::PARAM | tid::PROPERTY | tid::EVENT | tid::GENERIC_PARAM
            ) {
                continue;
            }
            if !md.table(table).has(row) {
                return Err(Bad::row("CustomAttribute", r, "parent names no row"));
            }
            let ctor = match Coded::CustomAttributeType.decode(ca.get(r, 1)) {
                Some((t, row)) => match self.method_token(m, ((t as u32) << 24) | row) {
                    Ok(Member::Method(x)) => Some(self.b.data().method_refs[x].method),
                    Ok(_) => None,
                    Err(b) => return Err(Bad::row("CustomAttribute", r, b.cause)),
                },
                None => return Err(Bad::row("CustomAttribute", r, "bad constructor index")),
            };
            let Some(ctor) = ctor.filter(|&c| self.b.data().methods[c].name == ".ctor") else {
                self.dropped_attrs[m] += 1;
                continue;
            };
            let blob_idx = ca.get(r, 2);
            let decoded = md.blob(blob_idx).and_then(|d| {
                let mut c = Cur { d, at: 0, base: md.blob_offset(blob_idx) };
                self.attr_blob(m, ctor, &mut c)
            });
            let Ok(attr) = decoded else {
                self.dropped_attrs[m] += 1;
                continue;
            };
            let st = &self.st[m];
            match table {
                tid::ASSEMBLY => self.b.assembly_mut(st.asm.expect("declared")).attributes.push(attr),
                tid::TYPE_DEF => self.b.type_mut(TypeId::new((st.type_base + row - 1) as usize)).attributes.push(attr),
                tid::METHOD_DEF => self.b.method_mut(MethodId::new((st.method_base + row - 1) as usize)).attributes.push(attr),
                tid::FIELD => self.b.field_mut(FieldId::new((st.field_base + row - 1) as usize)).attributes.push(attr),
                tid::PROPERTY => {
                    if let Some(Some(p)) = st.props.get(row as usize).copied() {
                        self.b.property_mut(p).attributes.push(attr);
                    }
                }
                tid::EVENT => {
                    if let Some(Some(e)) = st.events.get(row as usize).copied() {
                        self.b.event_mut(e).attributes.push(attr);
                    }
                }
                tid::PARAM => {
                    if let Some(Some((mid, seq))) = st.params.get(row as usize).copied() {
                        let md_ = self.b.method_mut(mid);
                        if seq == 0 {
                            md_.ret_attributes.push(attr);
                        } else if let Some(p) = md_.params.get_mut(seq as usize - 1) {
                            p.attributes.push(attr);
                        }
                    }
                }
                _ => {
                    if let Some(Some((is_method, owner, n))) = st.gparams.get(row as usize).copied() {
                        let params = if is_method {
                            &mut self.b.method_mut(MethodId::new(owner as usize)).generic_params
                        } else {
                            &mut self.b.type_mut(TypeId::new(owner as usize)).generic_params
                        };
                        if let Some(p) = params.get_mut(n as usize) {
                            p.attributes.push(attr);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn attr_blob(&mut self, m: usize, ctor: MethodId, c: &mut Cur) -> R<CustomAttribute> {
        if c.uint(2)? != 1 {
            return Err(c.bad("custom attribute blob does not start with the prolog 0x0001"));
        }
        let params: Vec<TypeRefId> = self.b.data().methods[ctor].params.iter().map(|p| p.ty).collect();
        let mut args = Vec::with_capacity(params.len());
        for p in params {
            let kind = self.elem_kind_of_sig(p).ok_or_else(|| c.bad("constructor parameter of a type attributes cannot hold"))?;
            args.push(self.attr_value(m, kind, c, 0)?);
        }
        let n_named = c.uint(2)?;
        let mut named = Vec::new();
        for _ in 0..n_named {
            let _field_or_prop = c.u8()?;
            let kind = self.read_elem_kind(m, c, 0)?;
            let name = c.ser_string()?.unwrap_or_default().to_string();
            let value = self.attr_value(m, kind, c, 0)?;
            named.push(NamedArg { name, value });
        }
        Ok(CustomAttribute { ctor, args, named })
    }

    /// The serialization kind of a constructor parameter's type.
    fn elem_kind_of_sig(&self, sig: TypeRefId) -> Option<Elem> {
        let d = self.b.data();
        Some(match &d.type_refs[sig] {
            TypeSig::Prim(p) => match p {
                Prim::Bool => Elem::Int(1, false, true),
                Prim::Char | Prim::UInt16 => Elem::Int(2, false, false),
                Prim::Int8 => Elem::Int(1, true, false),
                Prim::UInt8 => Elem::Int(1, false, false),
                Prim::Int16 => Elem::Int(2, true, false),
                Prim::Int32 => Elem::Int(4, true, false),
                Prim::UInt32 => Elem::Int(4, false, false),
                Prim::Int64 => Elem::Int(8, true, false),
                Prim::UInt64 => Elem::Int(8, false, false),
                Prim::Float32 => Elem::Float(4),
                Prim::Float64 => Elem::Float(8),
                Prim::String => Elem::String,
                Prim::Object => Elem::Boxed,
                _ => return None,
            },
            TypeSig::Def(t) => {
                let td = &d.types[*t];
                if td.namespace == "System" && td.name == "Type" {
                    Elem::Type
                } else if td.kind == TypeKind::Enum {
                    Elem::Enum(sig, self.enum_size(*t))
                } else {
                    return None;
                }
            }
            TypeSig::Array(e) => Elem::Array(Box::new(self.elem_kind_of_sig(*e)?)),
            _ => return None,
        })
    }

    fn enum_size(&self, t: TypeId) -> u8 {
        let d = self.b.data();
        d.types[t]
            .fields
            .iter()
            .find(|&&f| !d.fields[f].is_static)
            .and_then(|&f| match d.type_refs[d.fields[f].ty] {
                TypeSig::Prim(Prim::Int8 | Prim::UInt8 | Prim::Bool) => Some(1),
                TypeSig::Prim(Prim::Int16 | Prim::UInt16 | Prim::Char) => Some(2),
                TypeSig::Prim(Prim::Int64 | Prim::UInt64) => Some(8),
                _ => None,
            })
            .unwrap_or(4)
    }

    /// A FieldOrPropType (§23.3) of a named or boxed argument.
    fn read_elem_kind(&mut self, m: usize, c: &mut Cur, depth: u32) -> R<Elem> {
        if depth > 8 {
            return Err(c.bad("attribute argument types nest too deep"));
        }
        let et = c.u8()?;
        Ok(match et {
            0x02 => Elem::Int(1, false, true),
            0x03 | 0x07 => Elem::Int(2, false, false),
            0x04 => Elem::Int(1, true, false),
            0x05 => Elem::Int(1, false, false),
            0x06 => Elem::Int(2, true, false),
            0x08 => Elem::Int(4, true, false),
            0x09 => Elem::Int(4, false, false),
            0x0a => Elem::Int(8, true, false),
            0x0b => Elem::Int(8, false, false),
            0x0c => Elem::Float(4),
            0x0d => Elem::Float(8),
            0x0e => Elem::String,
            0x50 => Elem::Type,
            0x51 => Elem::Boxed,
            0x1d => Elem::Array(Box::new(self.read_elem_kind(m, c, depth + 1)?)),
            0x55 => {
                let name = c.ser_string()?.unwrap_or_default();
                match self.type_by_name(m, name) {
                    Some(t) => {
                        let sig = self.b.type_ref(TypeSig::Def(t));
                        Elem::Enum(sig, self.enum_size(t))
                    }
                    None => return Err(c.bad("enum type of an attribute argument does not resolve")),
                }
            }
            _ => return Err(c.bad(&format!("unknown attribute argument type 0x{et:02x}"))),
        })
    }

    fn attr_value(&mut self, m: usize, kind: Elem, c: &mut Cur, depth: u32) -> R<AttrValue> {
        Ok(match kind {
            Elem::Int(n, signed, is_bool) => {
                let v = c.uint(n as usize)?;
                if is_bool {
                    AttrValue::Bool(v != 0)
                } else if signed {
                    let shift = 64 - 8 * u32::from(n);
                    AttrValue::Int(((v << shift) as i64) >> shift)
                } else {
                    AttrValue::Int(v as i64)
                }
            }
            Elem::Float(n) => {
                let v = c.uint(n as usize)?;
                let f = if n == 4 { f64::from(f32::from_bits(v as u32)) } else { f64::from_bits(v) };
                AttrValue::Int(f as i64)
            }
            Elem::String => c.ser_string()?.map_or(AttrValue::Null, |s| AttrValue::String(s.to_string())),
            Elem::Type => match c.ser_string()? {
                None => AttrValue::Null,
                Some(name) => match self.type_by_name(m, name) {
                    Some(t) => AttrValue::Type(self.b.type_ref(TypeSig::Def(t))),
                    None => AttrValue::String(name.to_string()),
                },
            },
            Elem::Enum(ty, n) => {
                let v = c.uint(n as usize)?;
                let shift = 64 - 8 * u32::from(n);
                AttrValue::Enum { ty, value: ((v << shift) as i64) >> shift }
            }
            Elem::Boxed => {
                let k = self.read_elem_kind(m, c, depth + 1)?;
                self.attr_value(m, k, c, depth + 1)?
            }
            Elem::Array(e) => {
                let n = c.uint(4)? as u32;
                if n != u32::MAX {
                    if n as usize > c.d.len() {
                        return Err(c.bad("attribute array longer than its blob"));
                    }
                    for _ in 0..n {
                        self.attr_value(m, (*e).clone(), c, depth + 1)?;
                    }
                }
                AttrValue::Null // the model holds no array values
            }
        })
    }

    /// A type named in a custom attribute (`Ns.Outer+Inner, Assembly, Version=…`).
    fn type_by_name(&mut self, m: usize, full: &str) -> Option<TypeId> {
        if full.contains('[') {
            return None; // generic instantiations by name are not resolved
        }
        let (name, asm) = match full.split_once(',') {
            Some((n, a)) => (n.trim(), Some(a.split(',').next().unwrap_or("").trim())),
            None => (full.trim(), None),
        };
        let mut parts = name.split('+');
        let first = parts.next()?;
        let (ns, top) = first.rsplit_once('.').unwrap_or(("", first));
        let candidates: Vec<usize> = match asm {
            Some(a) => self
                .mods
                .iter()
                .enumerate()
                .filter(|(_, md)| md.md.string(md.md.table(tid::ASSEMBLY).get(1, 7)).is_ok_and(|n| n.eq_ignore_ascii_case(a)))
                .map(|(i, _)| i)
                .collect(),
            None => std::iter::once(m).chain(0..self.mods.len()).collect(),
        };
        for cand in candidates {
            if let Some(mut t) = self.find_top(cand, ns, top, 0) {
                for inner in parts.by_ref() {
                    t = *self.nested.get(&(t, inner))?;
                }
                return Some(t);
            }
        }
        None
    }
}

/// How an attribute argument is serialized.
#[derive(Clone, Debug)]
enum Elem {
    /// Bytes, signed, bool.
    Int(u8, bool, bool),
    Float(u8),
    String,
    Type,
    Boxed,
    Enum(TypeRefId, u8),
    Array(Box<Elem>),
}

fn sig_def(b: &Builder, sig: TypeRefId) -> Option<TypeId> {
    match &b.data().type_refs[sig] {
        TypeSig::Def(t) => Some(*t),
        TypeSig::Inst { def, .. } => Some(*def),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The calibration directory as a reference resolver.
    fn resolve(name: &str) -> Option<Input> {
        let path = format!("{}/../../../shared/calibration/assemblies/{name}.dll", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).ok().map(|bytes| Input { name: path, bytes })
    }

    #[test]
    fn a_typespec_that_does_not_resolve_is_reported_with_its_cause() {
        // Each generic instantiation of the fixture damaged in turn: wherever it is named first (a
        // member's parent, a type operand), the read reports its cause.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/cs/Generics.exe");
        let original = std::fs::read(path).expect("fixture");
        let img = Image::parse(&original).expect("image");
        let md = Metadata::parse(&img).expect("metadata");
        let ts = md.table(tid::TYPE_SPEC);
        let generic = |r: u32| md.blob(ts.get(r, 0)).is_ok_and(|b| b.len() < 0x80 && b.first() == Some(&0x15));
        let rows: Vec<u32> = (1..=ts.rows).filter(|&r| generic(r)).collect();
        assert!(rows.len() > 3, "the fixture instantiates generics");
        for row in rows {
            let mut bytes = original.clone();
            bytes[md.blob_offset(ts.get(row, 0)) + 1] = 0x7f; // after the one-byte length: no element type
            let Err(errs) = load(vec![Input { name: "Generics.exe".into(), bytes }], &mut resolve) else { continue };
            let text = errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n");
            assert!(text.contains("Generics.exe") && text.contains("0x7f"), "TypeSpec row {row}: {text}");
        }
    }
}
