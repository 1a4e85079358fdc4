//! `[DynamicallyAccessedMembers]`: which members of a type a set of
//! `DynamicallyAccessedMemberTypes` flags keeps, and where annotations sit.

use crate::item::Item;
use aotsim_il::*;

/// `DynamicallyAccessedMemberTypes` flag values (System.Diagnostics.CodeAnalysis).
pub mod flags {
    /// `PublicParameterlessConstructor`.
    pub const PUBLIC_PARAMETERLESS_CONSTRUCTOR: i64 = 0x0001;
    /// `PublicConstructors` (includes the parameterless one).
    pub const PUBLIC_CONSTRUCTORS: i64 = 0x0002 | PUBLIC_PARAMETERLESS_CONSTRUCTOR;
    /// `NonPublicConstructors`.
    pub const NON_PUBLIC_CONSTRUCTORS: i64 = 0x0004;
    /// `PublicMethods`.
    pub const PUBLIC_METHODS: i64 = 0x0008;
    /// `NonPublicMethods`.
    pub const NON_PUBLIC_METHODS: i64 = 0x0010;
    /// `PublicFields`.
    pub const PUBLIC_FIELDS: i64 = 0x0020;
    /// `NonPublicFields`.
    pub const NON_PUBLIC_FIELDS: i64 = 0x0040;
    /// `PublicNestedTypes`.
    pub const PUBLIC_NESTED_TYPES: i64 = 0x0080;
    /// `NonPublicNestedTypes`.
    pub const NON_PUBLIC_NESTED_TYPES: i64 = 0x0100;
    /// `PublicProperties`.
    pub const PUBLIC_PROPERTIES: i64 = 0x0200;
    /// `NonPublicProperties`.
    pub const NON_PUBLIC_PROPERTIES: i64 = 0x0400;
    /// `PublicEvents`.
    pub const PUBLIC_EVENTS: i64 = 0x0800;
    /// `NonPublicEvents`.
    pub const NON_PUBLIC_EVENTS: i64 = 0x1000;
    /// `Interfaces`.
    pub const INTERFACES: i64 = 0x2000;
    /// `All` (-1).
    pub const ALL: i64 = -1;
}

const DAM_ATTRIBUTE: &str = "System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembersAttribute";

/// The flags of a `[DynamicallyAccessedMembers]` among `attrs`, if there is one.
pub fn dam_flags(p: &Program, attrs: &[CustomAttribute]) -> Option<i64> {
    attrs.iter().find(|a| p.type_name(p.methods[a.ctor].declaring_type) == DAM_ATTRIBUTE).and_then(|a| match a.args.first() {
        Some(AttrValue::Enum { value, .. }) | Some(AttrValue::Int(value)) => Some(*value),
        _ => None,
    })
}

/// What a generic parameter guarantees of its arguments: its `[DynamicallyAccessedMembers]`,
/// plus a public parameterless constructor under the `new()` constraint (as ILLink reads it).
pub fn generic_param_flags(p: &Program, g: &GenericParam) -> Option<i64> {
    let annotated = dam_flags(p, &g.attributes);
    if g.default_ctor {
        Some(annotated.unwrap_or(0) | flags::PUBLIC_PARAMETERLESS_CONSTRUCTOR)
    } else {
        annotated
    }
}

fn has(f: i64, bits: i64) -> bool {
    f == flags::ALL || f & bits == bits
}

/// The members of `t` that `f` asks for, as items (the type itself included). Public and
/// non-public follow the member's visibility; inherited public members are not walked (ILLink
/// walks base types for public members; see docs/trimming.md).
pub fn members(p: &Program, t: TypeId, f: i64, out: &mut Vec<Item>) {
    let td = &p.types[t];
    out.push(Item::Type(t));
    for &m in &td.methods {
        let md = &p.methods[m];
        let public = md.visibility == Visibility::Public;
        let wanted = if md.name == ".ctor" {
            (public && md.params.is_empty() && has(f, flags::PUBLIC_PARAMETERLESS_CONSTRUCTOR))
                || (public && has(f, flags::PUBLIC_CONSTRUCTORS))
                || (!public && has(f, flags::NON_PUBLIC_CONSTRUCTORS))
        } else if md.name == ".cctor" {
            false
        } else {
            (public && has(f, flags::PUBLIC_METHODS)) || (!public && has(f, flags::NON_PUBLIC_METHODS))
        };
        if wanted {
            out.push(Item::Method(m));
        }
    }
    for &fl in &td.fields {
        let public = p.fields[fl].visibility == Visibility::Public;
        if (public && has(f, flags::PUBLIC_FIELDS)) || (!public && has(f, flags::NON_PUBLIC_FIELDS)) {
            out.push(Item::Field(fl));
        }
    }
    for &x in &td.properties {
        let pd = &p.properties[x];
        let public = [pd.getter, pd.setter].into_iter().flatten().any(|m| p.methods[m].visibility == Visibility::Public);
        if (public && has(f, flags::PUBLIC_PROPERTIES)) || (!public && has(f, flags::NON_PUBLIC_PROPERTIES)) {
            out.push(Item::Property(x));
            out.extend([pd.getter, pd.setter].into_iter().flatten().map(Item::Method));
        }
    }
    for &e in &td.events {
        let ed = &p.events[e];
        let public = [ed.add, ed.remove].into_iter().flatten().any(|m| p.methods[m].visibility == Visibility::Public);
        if (public && has(f, flags::PUBLIC_EVENTS)) || (!public && has(f, flags::NON_PUBLIC_EVENTS)) {
            out.push(Item::Event(e));
            out.extend([ed.add, ed.remove].into_iter().flatten().map(Item::Method));
        }
    }
    for &n in &td.nested {
        let public = p.types[n].visibility == Visibility::Public;
        if (public && has(f, flags::PUBLIC_NESTED_TYPES)) || (!public && has(f, flags::NON_PUBLIC_NESTED_TYPES)) {
            // ILLink keeps nested types named by the flags with all their members.
            members(p, n, flags::ALL, out);
        }
    }
    if has(f, flags::INTERFACES) {
        for &i in &td.interfaces {
            if let Some(d) = p.sig_def(i) {
                out.push(Item::Type(d));
            }
        }
    }
    // Kept constructors make the type constructible by reflection: instantiated.
    if out.iter().any(|i| matches!(i, Item::Method(m) if p.methods[*m].name == ".ctor" && p.methods[*m].declaring_type == t)) {
        out.push(Item::Instantiated(t));
    }
}
