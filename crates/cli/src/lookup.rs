//! Finding items by their display names (see `aotsim_il::names`).

use aotsim_il::Program;
use aotsim_trim::Item;

/// Every item whose display name is `name`, in node order. Accepts an assembly name, a type
/// (`Ns.Outer/Inner`), a method (`Ns.Type::Name(int32)`), a field, property or event.
pub fn find_items(p: &Program, name: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for (a, ad) in p.assemblies.iter() {
        if ad.name == name {
            out.push(Item::Assembly(a));
        }
    }
    out.extend(p.names().types_named(name).iter().map(|&t| Item::Type(t)));
    if let Some((ty, member)) = name.split_once("::") {
        for &t in p.names().types_named(ty) {
            let td = &p.types[t];
            out.extend(td.methods.iter().filter(|&&m| p.method_name(m) == name).map(|&m| Item::Method(m)));
            out.extend(td.fields.iter().filter(|&&f| p.fields[f].name == member).map(|&f| Item::Field(f)));
            out.extend(td.properties.iter().filter(|&&x| p.properties[x].name == member).map(|&x| Item::Property(x)));
            out.extend(td.events.iter().filter(|&&e| p.events[e].name == member).map(|&e| Item::Event(e)));
        }
    }
    out
}

/// Up to five display names closest to `name` (by edit distance): the members of the named type
/// when the type exists, type names otherwise.
pub fn suggestions(p: &Program, name: &str) -> Vec<String> {
    let candidates: Vec<String> = match name.split_once("::") {
        Some((ty, _)) if !p.names().types_named(ty).is_empty() => p
            .names()
            .types_named(ty)
            .iter()
            .flat_map(|&t| {
                let td = &p.types[t];
                td.methods
                    .iter()
                    .map(|&m| p.method_name(m))
                    .chain(td.fields.iter().map(|&f| p.field_name(f)))
                    .chain(td.properties.iter().map(|&x| p.property_name(x)))
                    .chain(td.events.iter().map(|&e| p.event_name(e)))
                    .collect::<Vec<_>>()
            })
            .collect(),
        _ => p.types.ids().map(|t| p.type_name(t).to_string()).collect(),
    };
    let mut scored: Vec<(usize, String)> = candidates.into_iter().map(|c| (edit_distance(&c, name), c)).collect();
    scored.sort();
    let best = scored.first().map_or(0, |s| s.0);
    scored.into_iter().take_while(|(d, _)| *d <= best + 2).take(5).map(|(_, c)| c).collect()
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
