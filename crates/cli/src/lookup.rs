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
            out.extend(
                td.methods
                    .iter()
                    .filter(|&&m| p.method_name(m) == name)
                    .map(|&m| Item::Method(m)),
            );
            out.extend(
                td.fields
                    .iter()
                    .filter(|&&f| p.fields[f].name == member)
                    .map(|&f| Item::Field(f)),
            );
            out.extend(
                td.properties
                    .iter()
                    .filter(|&&x| p.properties[x].name == member)
                    .map(|&x| Item::Property(x)),
            );
            out.extend(
                td.events
                    .iter()
                    .filter(|&&e| p.events[e].name == member)
                    .map(|&e| Item::Event(e)),
            );
        }
    }
    out
}

/// Names of methods that start like `name`, to suggest when nothing matched.
pub fn suggestions(p: &Program, name: &str) -> Vec<String> {
    let stem = name.split('(').next().unwrap_or(name);
    let mut out: Vec<String> = p
        .methods
        .ids()
        .map(|m| p.method_name(m))
        .filter(|n| n.starts_with(stem))
        .take(5)
        .collect();
    if out.is_empty() {
        let ty = stem.split("::").next().unwrap_or(stem);
        out = p
            .types
            .ids()
            .map(|t| p.type_name(t).to_string())
            .filter(|n| n.starts_with(ty))
            .take(5)
            .collect();
    }
    out
}
