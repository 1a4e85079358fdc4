//! The reachability trimmer: from the roots, which assemblies, types, methods and fields
//! survive, and a typed reason for each.
//!
//! Semantics follow ILLink and the ILCompiler (docs/trimming.md has the rules): a kept member
//! keeps its declaring type, signature types and attributes; a kept type keeps its base types and
//! static constructor; `newobj` and `box` make a type *instantiated*; an override or interface
//! implementation is kept only when its slot is used **and** its type is instantiated (RTA) —
//! conditional edges in the [`DepGraph`], as in ILC's dependency framework. [`Precision::Cha`]
//! drops the instantiation condition for comparison.
//!
//! ```
//! use aotsim_trim::{trim, TrimConfig, Item};
//! let program = aotsim_il_text::parse(r#"
//!     assembly App {
//!         class App.Program {
//!             method public static entrypoint void Main() { call App.Program::Used() ret }
//!             method public static void Used() { ret }
//!             method public static void Unused() { ret }
//!         }
//!     }"#, "app.il").unwrap();
//! let result = trim(&program, &TrimConfig::default());
//! let unused = program.types[program.names().types_named("App.Program")[0]].methods[2];
//! assert!(!result.is_kept(Item::Method(unused)));
//! assert_eq!(result.kept_count().methods, 2);
//! ```
//!
//! Invariants: the program is never mutated; results are deterministic (iteration in id order).

pub mod dam;
pub mod descriptor;
pub mod dominators;
pub mod generics;
mod graph;
mod item;
pub mod members;
pub mod reference;
pub mod sweep;

pub use graph::{resolve_type_name, CondEdge, DepGraph};
pub use item::{EdgeKind, Item, Layout};

use aotsim_il::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// A warning found while trimming, with ILLink's code where one exists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// `IL2036`, `IL2008`, …
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// Where: `file:line` for diagnostics about an input file; for diagnostics about code, the
    /// display name of the member whose body raised it (`Ns.Type::Method()`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl Diagnostic {
    /// A diagnostic without a location.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { code, message: message.into(), location: None }
    }
}

/// How virtual and interface calls are resolved.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// Rapid type analysis: an override is kept only if its type is instantiated.
    #[default]
    Rta,
    /// Class-hierarchy analysis: every override of a used slot is kept.
    Cha,
}

/// Where a root comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RootKind {
    /// The program's entry point.
    EntryPoint,
    /// Given by the embedding program or on the command line.
    Explicit,
    /// A descriptor file entry.
    Descriptor {
        /// The descriptor file.
        file: String,
        /// Its line.
        line: u32,
    },
    /// Public surface of an assembly trimmed in library mode.
    LibraryMode,
    /// An assembly with the `copy` action: everything in it is kept.
    CopyAssembly,
}

/// A root: an item kept unconditionally, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Root {
    /// The item.
    pub item: Item,
    /// Where the root comes from.
    pub kind: RootKind,
}

/// What to trim from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrimConfig {
    /// Virtual dispatch resolution.
    pub precision: Precision,
    /// Root the program's entry point (default true).
    pub entry_point: bool,
    /// Further roots (explicit, or read from descriptor files).
    pub roots: Vec<Root>,
    /// Feature switch values (`--feature Name=false`): branches on a
    /// `[FeatureSwitchDefinition("Name")]` property's getter are folded.
    pub features: BTreeMap<String, bool>,
    /// Assemblies trimmed in library mode: their externally visible surface is rooted.
    pub library: Vec<String>,
    /// Assemblies with ILLink's `copy` action: kept whole.
    pub copy: Vec<String>,
    /// `[DynamicallyAccessedMembers]` requirements added to methods as data, beside the
    /// attributes in the program: the API models of the hazard tracer (`Type.GetMethod` needs
    /// `PublicMethods` on `this`), so a class library without annotations trims like .NET's.
    pub requirements: Vec<Requirement>,
    /// Edges to leave out of the graph, `(from, to)`: every edge from the first item to the
    /// second, conditional ones included (what-if experiments: "if A no longer used B").
    pub cuts: Vec<(Item, Item)>,
}

/// A `[DynamicallyAccessedMembers]` requirement on a method's parameter, `this` or generic
/// parameter, given as data.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Requirement {
    /// The method.
    pub method: MethodId,
    /// Which value.
    pub slot: Slot,
    /// `DynamicallyAccessedMemberTypes` flags.
    pub flags: i64,
}

/// A place on a method that can carry a `[DynamicallyAccessedMembers]` annotation.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    /// The implicit `this`.
    This,
    /// The i-th parameter (`this` not counted).
    Param(u16),
    /// The i-th generic parameter of the method.
    GenericParam(u16),
}

impl Default for TrimConfig {
    fn default() -> Self {
        TrimConfig {
            precision: Precision::Rta,
            entry_point: true,
            roots: Vec::new(),
            features: BTreeMap::new(),
            library: Vec::new(),
            copy: Vec::new(),
            requirements: Vec::new(),
            cuts: Vec::new(),
        }
    }
}

/// Counts of kept items by kind.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Assemblies.
    pub assemblies: usize,
    /// Types.
    pub types: usize,
    /// Methods.
    pub methods: usize,
    /// Fields.
    pub fields: usize,
    /// Properties.
    pub properties: usize,
    /// Events.
    pub events: usize,
}

const NONE: u32 = u32::MAX;

/// Why an item is kept: the edge that first reached it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The edge kind.
    pub kind: EdgeKind,
    /// The item the edge came from (none for roots).
    pub by: Option<Item>,
    /// For conditional edges, the second condition (the instantiated type).
    pub also: Option<Item>,
    /// For roots, where the root comes from.
    pub root: Option<RootKind>,
}

/// One step of a why-chain: an item and the reason it is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The item.
    pub item: Item,
    /// Why it is kept.
    pub reason: Reason,
}

/// The outcome of a trim: the kept set and a reason for each kept item.
#[derive(Clone, Debug)]
pub struct TrimResult {
    graph: DepGraph,
    roots: Vec<Root>,
    marks: Marks,
}

/// Builds the dependency graph and marks from the roots.
pub fn trim(p: &Program, config: &TrimConfig) -> TrimResult {
    let graph = DepGraph::build(p, config);
    mark(graph, p, config)
}

/// Marks from the roots over an already built graph.
pub fn mark(graph: DepGraph, p: &Program, config: &TrimConfig) -> TrimResult {
    let roots = collect_roots(p, config);
    let marks = mark_graph(&graph, &roots);
    TrimResult { graph, roots, marks }
}

/// The outcome of marking, without the graph: what [`mark_graph`] computes.
#[derive(Clone, Debug)]
pub struct Marks {
    marked: Vec<bool>,
    /// Per node: the node the first edge came from (or the root index) in the low bits and the
    /// edge kind above, as packed edges are; `NONE` when unmarked.
    why: Vec<u32>,
    /// Second conditions of conditional edges, by node (`NONE` elsewhere).
    also: Vec<u32>,
    order: Vec<u32>,
}

impl Marks {
    /// The number of marked nodes (pseudo-items included).
    pub fn n_marked(&self) -> usize {
        self.order.len()
    }

    /// The conditional edges that fired, as `(slot, kept node)`.
    pub fn fired_conditional(&self) -> Vec<(u32, u32)> {
        self.order.iter().filter(|&&n| self.also[n as usize] != NONE).map(|&n| (graph::unpack(self.why[n as usize]).0, n)).collect()
    }
}

/// The worklist over a borrowed graph: each node is queued once, when first marked, with the
/// edge that reached it; a conditional edge fires when the second of its conditions is marked.
/// Breadth-first, so each recorded reason lies on a shortest chain from a root.
pub fn mark_graph(graph: &DepGraph, roots: &[Root]) -> Marks {
    let n = graph.n_nodes();
    let mut marked = vec![false; n];
    let mut why = vec![NONE; n];
    let mut also = vec![NONE; n];
    // FIFO worklist: `order` is the queue, and once drained, the processing order.
    let mut order: Vec<u32> = Vec::with_capacity(n);
    for (i, r) in roots.iter().enumerate() {
        let node = graph.layout.node(r.item);
        if !marked[node as usize] {
            marked[node as usize] = true;
            why[node as usize] = i as u32 | ((EdgeKind::Root as u32) << graph::NODE_BITS);
            order.push(node);
        }
    }
    let mut head = 0;
    while head < order.len() {
        let node = order[head];
        head += 1;
        for &e in graph.packed(node) {
            let to = e & ((1 << graph::NODE_BITS) - 1);
            if !marked[to as usize] {
                marked[to as usize] = true;
                // Same packing as the edge: the kind bits stay, the target becomes the source.
                why[to as usize] = (e & !((1 << graph::NODE_BITS) - 1)) | node;
                order.push(to);
            }
        }
        for c in graph.conditional(node) {
            if marked[c.other as usize] && !marked[c.to as usize] {
                marked[c.to as usize] = true;
                // `from` is the slot (a method node), `also` the instantiated type.
                let (from, second) = if node < c.other { (node, c.other) } else { (c.other, node) };
                why[c.to as usize] = from | ((c.kind as u32) << graph::NODE_BITS);
                also[c.to as usize] = second;
                order.push(c.to);
            }
        }
    }
    Marks { marked, why, also, order }
}

/// The roots `config` asks for, entry point first. A rooted instance constructor also roots its
/// type as instantiated (what a root can construct, reflection can construct).
pub fn collect_roots(p: &Program, config: &TrimConfig) -> Vec<Root> {
    let mut roots = Vec::new();
    if config.entry_point {
        if let Some(e) = p.entry_point {
            roots.push(Root { item: Item::Method(e), kind: RootKind::EntryPoint });
        }
    }
    roots.extend(config.roots.iter().cloned());
    for (a, ad) in p.assemblies.iter() {
        let copy = config.copy.contains(&ad.name);
        if !copy && !config.library.contains(&ad.name) {
            continue;
        }
        let kind = if copy { RootKind::CopyAssembly } else { RootKind::LibraryMode };
        let mut root = |item: Item| roots.push(Root { item, kind: kind.clone() });
        root(Item::Assembly(a));
        for &t in &ad.types {
            if !copy && !externally_visible(p, t) {
                continue;
            }
            root(Item::Type(t));
            let td = &p.types[t];
            let visible = |v: Visibility| copy || v.is_externally_visible();
            td.methods.iter().filter(|&&m| visible(p.methods[m].visibility)).for_each(|&m| root(Item::Method(m)));
            td.fields.iter().filter(|&&f| visible(p.fields[f].visibility)).for_each(|&f| root(Item::Field(f)));
            td.properties.iter().for_each(|&x| root(Item::Property(x)));
            td.events.iter().for_each(|&e| root(Item::Event(e)));
        }
    }
    let instantiated: Vec<Root> = roots
        .iter()
        .filter_map(|r| match r.item {
            Item::Method(m) if p.methods[m].name == ".ctor" => {
                Some(Root { item: Item::Instantiated(p.methods[m].declaring_type), kind: r.kind.clone() })
            }
            _ => None,
        })
        .collect();
    roots.extend(instantiated);
    roots
}

/// A type other assemblies can see: public, and nested only in public types.
pub fn externally_visible(p: &Program, t: TypeId) -> bool {
    let mut cur = Some(t);
    while let Some(c) = cur {
        if !p.types[c].visibility.is_externally_visible() {
            return false;
        }
        cur = p.types[c].declaring_type;
    }
    true
}

impl TrimResult {
    /// The graph the trim ran on.
    pub fn graph(&self) -> &DepGraph {
        &self.graph
    }

    /// The conditional edges that fired, as `(slot, kept node)`.
    pub fn fired_conditional(&self) -> Vec<(u32, u32)> {
        self.marks.fired_conditional()
    }

    /// The display name of any item of this trim, instantiations included.
    pub fn name(&self, item: Item, p: &Program) -> String {
        self.graph.name(item, p)
    }

    /// The roots, in the order they were given.
    pub fn roots(&self) -> &[Root] {
        &self.roots
    }

    /// True when `item` survives.
    pub fn is_kept(&self, item: Item) -> bool {
        self.marks.marked[self.graph.layout.node(item) as usize]
    }

    /// True when node `n` is marked.
    pub fn is_marked_node(&self, n: u32) -> bool {
        self.marks.marked[n as usize]
    }

    /// Kept nodes in the order the worklist processed them.
    pub fn processing_order(&self) -> &[u32] {
        &self.marks.order
    }

    /// All kept items in node order (assemblies, types, methods, fields, properties, events;
    /// `Instantiated` pseudo-items left out).
    pub fn kept_items(&self) -> impl Iterator<Item = Item> + '_ {
        (0..self.graph.n_nodes() as u32)
            .filter(|&n| self.marks.marked[n as usize])
            .map(|n| self.graph.layout.item(n))
            .filter(|i| !i.is_pseudo())
    }

    /// All removed items in node order.
    pub fn removed_items(&self) -> impl Iterator<Item = Item> + '_ {
        (0..self.graph.n_nodes() as u32)
            .filter(|&n| !self.marks.marked[n as usize])
            .map(|n| self.graph.layout.item(n))
            .filter(|i| !i.is_pseudo())
    }

    /// Counts of kept items by kind.
    pub fn kept_count(&self) -> Counts {
        let mut c = Counts::default();
        for item in self.kept_items() {
            match item {
                Item::Assembly(_) => c.assemblies += 1,
                Item::Type(_) => c.types += 1,
                Item::Method(_) => c.methods += 1,
                Item::Field(_) => c.fields += 1,
                Item::Property(_) => c.properties += 1,
                Item::Event(_) => c.events += 1,
                Item::Instantiated(_) | Item::Instantiation(_) => {}
            }
        }
        c
    }

    /// Why `item` is kept, or `None` if it is removed.
    pub fn reason(&self, item: Item) -> Option<Reason> {
        let n = self.graph.layout.node(item) as usize;
        if !self.marks.marked[n] {
            return None;
        }
        let (from, kind) = graph::unpack(self.marks.why[n]);
        let node_item = |x: u32| (x != NONE).then(|| self.graph.layout.item(x));
        Some(match kind {
            EdgeKind::Root => Reason { kind, by: None, also: None, root: Some(self.roots[from as usize].kind.clone()) },
            _ => Reason { kind, by: node_item(from), also: node_item(self.marks.also[n]), root: None },
        })
    }

    /// The chain from a root to `item`: first step is the root, last is `item`. Empty when the
    /// item is removed.
    pub fn why_chain(&self, item: Item) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut cur = Some(item);
        while let Some(it) = cur {
            let Some(reason) = self.reason(it) else { break };
            cur = reason.by;
            steps.push(Step { item: it, reason });
            if steps.len() > self.graph.n_nodes() {
                break; // cannot happen: `from` was always marked earlier
            }
        }
        steps.reverse();
        steps
    }
}

/// A plain breadth-first search over the static edges of a CSR, from `roots`: the speed floor the
/// trimmer is measured against (it does no conditional edges, reasons or kinds).
pub fn bfs_csr(offsets: &[u32], targets: &[u32], roots: &[u32]) -> Vec<bool> {
    let n = offsets.len() - 1;
    let mut seen = vec![false; n];
    let mut queue: Vec<u32> = Vec::with_capacity(n);
    for &r in roots {
        if !seen[r as usize] {
            seen[r as usize] = true;
            queue.push(r);
        }
    }
    let mut head = 0;
    while head < queue.len() {
        let v = queue[head] as usize;
        head += 1;
        for &t in &targets[offsets[v] as usize..offsets[v + 1] as usize] {
            if !seen[t as usize] {
                seen[t as usize] = true;
                queue.push(t);
            }
        }
    }
    seen
}
