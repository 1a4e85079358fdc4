//! `aotsim why`: the chain of reasons from a root to an item.

use crate::lookup::{find_items, suggestions};
use crate::output::{print_json, Timings};
use crate::trim::{print_diagnostics, root_text, TrimArgs};
use crate::Format;
use aotsim_trim::{Item, Step};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The program: a `.il` text file, a `.json` or `.aotb` model, or a `.dll`/`.exe` assembly.
    file: PathBuf,
    #[command(flatten)]
    read: crate::ReadArgs,
    /// The item, by display name: `Ns.Type`, `Ns.Type::Method(int32,string)`, `Ns.Type::field`.
    item: String,
    #[command(flatten)]
    trim: TrimArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(serde::Serialize)]
struct Answer {
    item: String,
    kind: &'static str,
    kept: bool,
    chain: Vec<NamedStep>,
}

#[derive(serde::Serialize)]
struct NamedStep {
    name: String,
    #[serde(flatten)]
    step: Step,
    #[serde(skip_serializing_if = "Option::is_none")]
    also_name: Option<String>,
}

pub fn run(a: &Args, t: &mut Timings) -> anyhow::Result<ExitCode> {
    let loaded = crate::load(std::slice::from_ref(&a.file), &a.read)?;
    let p = loaded.program;
    t.phase("read");
    let items = find_items(&p, &a.item);
    if items.is_empty() {
        let hint = suggestions(&p, &a.item);
        let mut lines = vec![format!("{}: no item is named {}", a.file.display(), a.item)];
        if !hint.is_empty() {
            lines.push(format!("did you mean: {}", hint.join(", ")));
        }
        return Err(anyhow::Error::new(crate::InputError { lines }));
    }
    let (cfg, diagnostics) = a.trim.config(&p)?;
    print_diagnostics(&diagnostics);
    let result = aotsim_trim::trim(&p, &cfg);
    t.phase("trim");
    let answers: Vec<Answer> = items
        .iter()
        .filter(|i| !matches!(i, Item::Instantiated(_)))
        .map(|&item| Answer {
            item: item.name(&p),
            kind: item.kind_name(),
            kept: result.is_kept(item),
            chain: result
                .why_chain(item)
                .into_iter()
                .map(|step| NamedStep { name: result.name(step.item, &p), also_name: step.reason.also.map(|x| result.name(x, &p)), step })
                .collect(),
        })
        .collect();
    match a.format {
        Format::Json => print_json(&answers)?,
        Format::Text => {
            for ans in &answers {
                if !ans.kept {
                    println!("{} {} is removed: no root reaches it", ans.kind, ans.item);
                    continue;
                }
                println!("{} {} is kept:", ans.kind, ans.item);
                for (i, s) in ans.chain.iter().enumerate() {
                    let why = match (&s.step.reason.root, &s.also_name) {
                        (Some(root), _) => format!("root: {}", root_text(root)),
                        (None, Some(also)) => format!("{}, because {also}", s.step.reason.kind),
                        (None, None) => s.step.reason.kind.to_string(),
                    };
                    let arrow = if i == 0 { "   " } else { "-> " };
                    println!("  {}{arrow}{} {}  [{why}]", "  ".repeat(i.min(1)), s.step.item.kind_name(), s.name);
                }
            }
        }
    }
    t.phase("report");
    Ok(ExitCode::SUCCESS)
}
