//! `aotsim graph`: the dependency graph with typed edges, as DOT, DGML or a CSV edge list.

use crate::output::{csv_field, Timings};
use crate::trim::TrimArgs;
use aotsim_trim::{DepGraph, Item};
use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The program: a `.il` text file, a `.json` or `.aotb` model, or a `.dll`/`.exe` assembly.
    file: PathBuf,
    #[command(flatten)]
    read: crate::ReadArgs,
    #[command(flatten)]
    trim: TrimArgs,
    /// `dot` for Graphviz, `dgml` as the ILCompiler writes it, `edges` for a CSV `from,to,kind`.
    #[arg(long, value_enum, default_value_t = GraphFormat::Edges)]
    format: GraphFormat,
    /// Only edges between kept items (and conditional edges whose conditions both hold).
    #[arg(long)]
    kept_only: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    Dot,
    Dgml,
    Edges,
}

/// One edge of the export: `(from, to, kind, condition)`; `from` is `None` for `<root>`.
type Edge = (Option<u32>, u32, &'static str, Option<u32>);

pub fn run(a: &Args, t: &mut Timings) -> anyhow::Result<ExitCode> {
    let loaded = crate::load(std::slice::from_ref(&a.file), &a.read)?;
    let p = loaded.program;
    t.phase("read");
    let (config, diagnostics) = a.trim.config(&p)?;
    crate::trim::print_diagnostics(&diagnostics);
    let graph = DepGraph::build(&p, &config);
    t.phase("build");
    let result = aotsim_trim::mark(graph.clone(), &p, &config);
    t.phase("trim");
    let keep = |n: u32| !a.kept_only || result.is_marked_node(n);
    let mut edges: Vec<Edge> = Vec::new();
    for r in result.roots() {
        edges.push((None, graph.layout.node(r.item), "root", None));
    }
    for n in 0..graph.n_nodes() as u32 {
        for (to, kind) in graph.edges(n) {
            if keep(n) && keep(to) {
                edges.push((Some(n), to, kind.name(), None));
            }
        }
        for c in graph.conditional(n) {
            // Stored under both conditions: export it once, from the method (the smaller node).
            if n < c.other && keep(n) && keep(c.other) && keep(c.to) {
                edges.push((Some(n), c.to, c.kind.name(), Some(c.other)));
            }
        }
    }
    let name = |n: u32| graph.name(graph.layout.item(n), &p);
    let mut used: Vec<u32> = edges.iter().flat_map(|e| e.0.into_iter().chain([e.1])).collect();
    used.sort_unstable();
    used.dedup();
    let mut out = String::new();
    match a.format {
        GraphFormat::Edges => {
            out.push_str("from,to,kind,condition\n");
            for (from, to, kind, cond) in &edges {
                let from = from.map_or("<root>".to_string(), name);
                let cond = cond.map(name).unwrap_or_default();
                let _ = writeln!(out, "{},{},{kind},{}", csv_field(&from), csv_field(&name(*to)), csv_field(&cond));
            }
        }
        GraphFormat::Dot => {
            out.push_str("digraph aotsim {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n  \"<root>\" [shape=circle];\n");
            for &n in &used {
                let style = match (result.is_marked_node(n), graph.layout.item(n)) {
                    (false, _) => ", style=dashed, color=gray",
                    (true, Item::Instantiated(_) | Item::Instantiation(_)) => ", shape=ellipse",
                    (true, _) => "",
                };
                let _ = writeln!(out, "  n{n} [label={}{style}];", dot_str(&name(n)));
            }
            for (from, to, kind, cond) in &edges {
                let from = from.map_or("\"<root>\"".to_string(), |f| format!("n{f}"));
                let label = match cond {
                    Some(c) => format!("{kind} if {}", name(*c)),
                    None => kind.to_string(),
                };
                let style = if cond.is_some() { ", style=dashed" } else { "" };
                let _ = writeln!(out, "  {from} -> n{to} [label={}{style}];", dot_str(&label));
            }
            out.push_str("}\n");
        }
        GraphFormat::Dgml => {
            out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<DirectedGraph xmlns=\"http://schemas.microsoft.com/vs/2009/dgml\">\n  <Nodes>\n");
            out.push_str("    <Node Id=\"root\" Label=\"&lt;root&gt;\" />\n");
            for &n in &used {
                let _ = writeln!(out, "    <Node Id=\"{n}\" Label=\"{}\" Kept=\"{}\" />", xml(&name(n)), result.is_marked_node(n));
            }
            out.push_str("  </Nodes>\n  <Links>\n");
            for (from, to, kind, cond) in &edges {
                let from = from.map_or("root".to_string(), |f| f.to_string());
                let reason = match cond {
                    Some(c) => format!("{kind} if {}", name(*c)),
                    None => kind.to_string(),
                };
                let _ = writeln!(out, "    <Link Source=\"{from}\" Target=\"{to}\" Reason=\"{}\" />", xml(&reason));
            }
            out.push_str("  </Links>\n</DirectedGraph>\n");
        }
    }
    print!("{out}");
    t.phase("report");
    Ok(ExitCode::SUCCESS)
}

fn dot_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
