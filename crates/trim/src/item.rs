//! Items the trimmer keeps or removes, their node numbering, and the typed reasons for keeping.

use aotsim_il::*;
use serde::Serialize;
use std::fmt;

/// Anything the trimmer decides about, plus the `Instantiated` pseudo-item (a type, or one of its
/// subtypes, is constructed somewhere: the condition of virtual dispatch).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Item {
    /// An assembly.
    Assembly(AssemblyId),
    /// A type's definition (its metadata), not its members.
    Type(TypeId),
    /// A method.
    Method(MethodId),
    /// A field.
    Field(FieldId),
    /// A property.
    Property(PropertyId),
    /// An event.
    Event(EventId),
    /// The type, or a type derived from it, is constructed: its virtual slots can be reached.
    Instantiated(TypeId),
    /// A closed generic instantiation (`List<App.Foo>`, `Util::Make<App.Foo>()`) the code can
    /// create; its index names it in the graph's instantiation table.
    Instantiation(u32),
}

impl Item {
    /// True for the pseudo-items the graph adds (`Instantiated`, `Instantiation`): conditions, not
    /// things that survive in the output.
    pub fn is_pseudo(self) -> bool {
        matches!(self, Item::Instantiated(_) | Item::Instantiation(_))
    }

    /// The kind as a word: `assembly`, `type`, `method`, …
    pub fn kind_name(self) -> &'static str {
        match self {
            Item::Assembly(_) => "assembly",
            Item::Type(_) => "type",
            Item::Method(_) => "method",
            Item::Field(_) => "field",
            Item::Property(_) => "property",
            Item::Event(_) => "event",
            Item::Instantiated(_) => "instantiated",
            Item::Instantiation(_) => "instantiation",
        }
    }

    /// The display name of the item (see `aotsim_il::names`).
    pub fn name(self, p: &Program) -> String {
        match self {
            Item::Assembly(a) => p.assemblies[a].name.clone(),
            Item::Type(t) => p.type_name(t).to_string(),
            Item::Method(m) => p.method_name(m),
            Item::Field(f) => p.field_name(f),
            Item::Property(x) => p.property_name(x),
            Item::Event(e) => p.event_name(e),
            Item::Instantiated(t) => format!("{} (instantiated)", p.type_name(t)),
            Item::Instantiation(i) => format!("instantiation #{i}"),
        }
    }
}

/// Dense node numbers: every item kind gets a contiguous range.
#[derive(Clone, Debug)]
pub struct Layout {
    starts: [u32; 9],
}

impl Layout {
    /// The ranges for `p` and `n_instantiations` generic instantiations.
    pub fn new(p: &Program, n_instantiations: usize) -> Layout {
        let sizes = [
            p.assemblies.len(),
            p.types.len(),
            p.methods.len(),
            p.fields.len(),
            p.properties.len(),
            p.events.len(),
            p.types.len(),
            n_instantiations,
        ];
        let mut starts = [0u32; 9];
        for (i, n) in sizes.iter().enumerate() {
            starts[i + 1] = starts[i] + u32::try_from(*n).expect("fewer than 2^32 items");
        }
        Layout { starts }
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.starts[8] as usize
    }

    /// True when there are no nodes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The node of an item.
    #[inline]
    pub fn node(&self, item: Item) -> u32 {
        match item {
            Item::Assembly(x) => self.starts[0] + x.as_u32(),
            Item::Type(x) => self.starts[1] + x.as_u32(),
            Item::Method(x) => self.starts[2] + x.as_u32(),
            Item::Field(x) => self.starts[3] + x.as_u32(),
            Item::Property(x) => self.starts[4] + x.as_u32(),
            Item::Event(x) => self.starts[5] + x.as_u32(),
            Item::Instantiated(x) => self.starts[6] + x.as_u32(),
            Item::Instantiation(i) => self.starts[7] + i,
        }
    }

    /// The item of a node.
    pub fn item(&self, node: u32) -> Item {
        let k = self.starts[1..].iter().position(|&s| node < s).expect("node in range");
        let i = (node - self.starts[k]) as usize;
        match k {
            0 => Item::Assembly(AssemblyId::new(i)),
            1 => Item::Type(TypeId::new(i)),
            2 => Item::Method(MethodId::new(i)),
            3 => Item::Field(FieldId::new(i)),
            4 => Item::Property(PropertyId::new(i)),
            5 => Item::Event(EventId::new(i)),
            6 => Item::Instantiated(TypeId::new(i)),
            _ => Item::Instantiation(i as u32),
        }
    }
}

/// Why an edge exists: the typed reason an item keeps another.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum EdgeKind {
    /// A member keeps the type that declares it; a nested type keeps its enclosing type.
    DeclaringType,
    /// A type keeps its assembly.
    DeclaringAssembly,
    /// A member keeps the types in its signature (ILLink marks signature types).
    Signature,
    /// A body keeps the types of its locals.
    LocalType,
    /// A type keeps its base types.
    BaseType,
    /// A kept type keeps its static constructor.
    StaticCtor,
    /// A kept item keeps the constructors and `typeof` arguments of its attributes.
    Attribute,
    /// `call` of a method.
    Called,
    /// `callvirt` of a method (keeps the slot; overrides follow on instantiated types).
    VirtualCall,
    /// `newobj`: keeps the constructor and makes the type instantiated.
    NewObj,
    /// `ldftn` / `ldvirtftn` (a delegate target).
    LoadFunction,
    /// `ldtoken` (`typeof`, `methodof`, `fieldof`).
    LdToken,
    /// `ldfld`, `stfld`, `ldsfld`, …
    FieldAccess,
    /// `castclass`, `isinst`, `unbox.any`, `initobj`, `constrained.`
    TypeCheck,
    /// `ldobj`, `stobj`, `cpobj`, `ldelema`, `sizeof`, `mkrefany`, `refanyval`, and `ldelem` /
    /// `stelem` of a type: the type they name.
    TypeOperand,
    /// `newarr`: keeps the element type.
    ArrayElement,
    /// `box`: the value type is instantiated.
    Boxed,
    /// A type argument of a referenced instantiation (`List<Foo>` keeps `Foo`).
    GenericArgument,
    /// An accessor keeps its property or event.
    Accessor,
    /// An override keeps the method it overrides (its slot must exist).
    BaseMethod,
    /// An instantiated type is kept.
    Constructed,
    /// A type derived from this one is instantiated, so its virtual slots are live here too.
    InstantiatedBase,
    /// Value types are instantiated as soon as they are kept (they exist without `newobj`).
    ValueType,
    /// Enums keep all their fields (their names are read by `ToString` and parsing).
    EnumField,
    /// Delegate types keep their runtime-implemented methods.
    DelegateMember,
    /// Conditional: an override is kept because its slot is used and its type is instantiated.
    VirtualOverride,
    /// Conditional: an interface implementation is kept because the interface method is used and
    /// the implementing type is instantiated.
    InterfaceImpl,
    /// `[DynamicDependency]` on a kept member names this one.
    DynamicDependency,
    /// A `[DynamicallyAccessedMembers]` annotation requires this member of a type known to
    /// reach the annotated parameter or generic parameter.
    DamRequirement,
    /// `Type.GetType("Name")` with a constant name: the type it names.
    ReflectedTypeName,
    /// A body names a closed generic instantiation, or generic code creates one from its
    /// type arguments.
    GenericInstantiation,
    /// Kept because it is a root (see [`crate::RootKind`]).
    Root,
}

impl EdgeKind {
    /// Every kind, in declaration order.
    pub const ALL: [EdgeKind; 32] = [
        EdgeKind::DeclaringType,
        EdgeKind::DeclaringAssembly,
        EdgeKind::Signature,
        EdgeKind::LocalType,
        EdgeKind::BaseType,
        EdgeKind::StaticCtor,
        EdgeKind::Attribute,
        EdgeKind::Called,
        EdgeKind::VirtualCall,
        EdgeKind::NewObj,
        EdgeKind::LoadFunction,
        EdgeKind::LdToken,
        EdgeKind::FieldAccess,
        EdgeKind::TypeCheck,
        EdgeKind::TypeOperand,
        EdgeKind::ArrayElement,
        EdgeKind::Boxed,
        EdgeKind::GenericArgument,
        EdgeKind::Accessor,
        EdgeKind::BaseMethod,
        EdgeKind::Constructed,
        EdgeKind::InstantiatedBase,
        EdgeKind::ValueType,
        EdgeKind::EnumField,
        EdgeKind::DelegateMember,
        EdgeKind::VirtualOverride,
        EdgeKind::InterfaceImpl,
        EdgeKind::DynamicDependency,
        EdgeKind::DamRequirement,
        EdgeKind::ReflectedTypeName,
        EdgeKind::GenericInstantiation,
        EdgeKind::Root,
    ];

    /// The snake_case name used in reports and edge lists.
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::DeclaringType => "declaring_type",
            EdgeKind::DeclaringAssembly => "declaring_assembly",
            EdgeKind::Signature => "signature",
            EdgeKind::LocalType => "local_type",
            EdgeKind::BaseType => "base_type",
            EdgeKind::StaticCtor => "static_ctor",
            EdgeKind::Attribute => "attribute",
            EdgeKind::Called => "called",
            EdgeKind::VirtualCall => "virtual_call",
            EdgeKind::NewObj => "new_obj",
            EdgeKind::LoadFunction => "load_function",
            EdgeKind::LdToken => "ld_token",
            EdgeKind::FieldAccess => "field_access",
            EdgeKind::TypeCheck => "type_check",
            EdgeKind::TypeOperand => "type_operand",
            EdgeKind::ArrayElement => "array_element",
            EdgeKind::Boxed => "boxed",
            EdgeKind::GenericArgument => "generic_argument",
            EdgeKind::Accessor => "accessor",
            EdgeKind::BaseMethod => "base_method",
            EdgeKind::Constructed => "constructed",
            EdgeKind::InstantiatedBase => "instantiated_base",
            EdgeKind::ValueType => "value_type",
            EdgeKind::EnumField => "enum_field",
            EdgeKind::DelegateMember => "delegate_member",
            EdgeKind::VirtualOverride => "virtual_override",
            EdgeKind::InterfaceImpl => "interface_impl",
            EdgeKind::DynamicDependency => "dynamic_dependency",
            EdgeKind::DamRequirement => "dam_requirement",
            EdgeKind::ReflectedTypeName => "reflected_type_name",
            EdgeKind::GenericInstantiation => "generic_instantiation",
            EdgeKind::Root => "root",
        }
    }

    /// True for the kinds that need two items marked (ILC's conditional dependencies).
    pub fn is_conditional(self) -> bool {
        matches!(self, EdgeKind::VirtualOverride | EdgeKind::InterfaceImpl)
    }

    /// The kind with this discriminant (as packed into an edge word).
    #[inline]
    pub fn from_index(i: usize) -> EdgeKind {
        EdgeKind::ALL[i]
    }
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
