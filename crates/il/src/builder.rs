//! The mutable builder: readers add entities and intern references, then `finish()` validates
//! and freezes the program.

use crate::error::ValidationError;
use crate::ids::*;
use crate::model::*;
use crate::program::Program;
use rustc_hash::FxHashMap as HashMap;

/// Interns signatures and references so that structural equality is id equality.
#[derive(Default)]
pub(crate) struct Interner {
    type_refs: HashMap<TypeSig, TypeRefId>,
    method_refs: HashMap<MethodRef, MethodRefId>,
    field_refs: HashMap<FieldRef, FieldRefId>,
    strings: HashMap<String, StringId>,
    /// By method (field), the reference added by [`Builder::own_method_ref`]
    /// ([`Builder::own_field_ref`]), kept here instead of in the maps; `u32::MAX`: none. Every
    /// interned reference is in its map or here, so looking in both finds any.
    own_methods: Vec<u32>,
    own_fields: Vec<u32>,
}

impl Interner {
    /// Rebuilds the maps from already-interned tables (for programs read from JSON). Returns the
    /// first duplicate entry, which would break "equal structure ⇔ equal id", as an error.
    pub(crate) fn rebuild(data: &ProgramData) -> Result<Interner, ValidationError> {
        let mut me = Interner::default();
        for (id, sig) in data.type_refs.iter() {
            if me.type_refs.insert(sig.clone(), id).is_some() {
                return Err(ValidationError::program(format!("type_refs: entry {id} repeats an earlier entry")));
            }
        }
        for (id, r) in data.method_refs.iter() {
            if me.method_refs.insert(r.clone(), id).is_some() {
                return Err(ValidationError::program(format!("method_refs: entry {id} repeats an earlier entry")));
            }
        }
        for (id, r) in data.field_refs.iter() {
            if me.field_refs.insert(r.clone(), id).is_some() {
                return Err(ValidationError::program(format!("field_refs: entry {id} repeats an earlier entry")));
            }
        }
        for (id, s) in data.strings.iter() {
            if me.strings.insert(s.clone(), id).is_some() {
                return Err(ValidationError::program(format!("strings: entry {id} repeats an earlier entry")));
            }
        }
        Ok(me)
    }

    /// The id of `sig` if it is interned.
    pub(crate) fn find_type_ref(&self, sig: &TypeSig) -> Option<TypeRefId> {
        self.type_refs.get(sig).copied()
    }

    pub(crate) fn type_ref(&mut self, data: &mut ProgramData, sig: TypeSig) -> TypeRefId {
        if let Some(&id) = self.type_refs.get(&sig) {
            return id;
        }
        let id = data.type_refs.push(sig.clone());
        self.type_refs.insert(sig, id);
        id
    }
}

/// Builds a [`Program`]: add assemblies, types and members, intern references, then
/// [`Builder::finish`].
///
/// ```
/// use aotsim_il::*;
/// let mut b = Builder::new();
/// let asm = b.add_assembly("App");
/// let object = b.add_type(asm, None, "System", "Object", TypeKind::Class);
/// let program_ty = b.add_type(asm, None, "App", "Program", TypeKind::Class);
/// let object_sig = b.type_ref(TypeSig::Def(object));
/// b.type_mut(program_ty).base = Some(object_sig);
/// let void = b.type_ref(TypeSig::Prim(Prim::Void));
/// let main = b.add_method(program_ty, "Main", void);
/// b.method_mut(main).flags.is_static = true;
/// b.method_mut(main).body = Some(Body { locals: vec![], instrs: vec![Instr::Ret] });
/// b.set_entry_point(main);
/// let program = b.finish().unwrap();
/// assert_eq!(program.method_name(main), "App.Program::Main()");
/// ```
#[derive(Default)]
pub struct Builder {
    data: ProgramData,
    interner: Interner,
}

impl Builder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes room for this many more types, methods and fields (a reader that knows its row
    /// counts avoids regrowing and copying the tables).
    pub fn reserve(&mut self, types: usize, methods: usize, fields: usize) {
        self.data.types.reserve(types);
        self.data.methods.reserve(methods);
        self.data.fields.reserve(fields);
    }

    /// Makes room for this many more own method and field references
    /// ([`Builder::own_method_ref`]) and other ones (tables and interning maps).
    pub fn reserve_refs(&mut self, own_methods: usize, own_fields: usize, method_refs: usize, field_refs: usize) {
        self.data.method_refs.reserve(own_methods + method_refs);
        self.data.field_refs.reserve(own_fields + field_refs);
        self.interner.method_refs.reserve(method_refs);
        self.interner.field_refs.reserve(field_refs);
    }

    /// The tables built so far.
    pub fn data(&self) -> &ProgramData {
        &self.data
    }

    /// Adds an assembly.
    pub fn add_assembly(&mut self, name: &str) -> AssemblyId {
        self.data.assemblies.push(AssemblyData {
            name: name.to_string(),
            references: Vec::new(),
            attributes: Vec::new(),
            types: Vec::new(),
        })
    }

    /// The assembly `id`, to edit.
    pub fn assembly_mut(&mut self, id: AssemblyId) -> &mut AssemblyData {
        &mut self.data.assemblies[id]
    }

    /// Adds a type to `assembly`, nested in `declaring_type` when given. Defaults: public,
    /// not abstract, not sealed, no base, no generic parameters.
    pub fn add_type(
        &mut self,
        assembly: AssemblyId,
        declaring_type: Option<TypeId>,
        namespace: &str,
        name: &str,
        kind: TypeKind,
    ) -> TypeId {
        let id = self.data.types.push(TypeData {
            assembly,
            namespace: namespace.to_string(),
            name: name.to_string(),
            kind,
            visibility: Visibility::Public,
            is_abstract: kind == TypeKind::Interface,
            is_sealed: false,
            declaring_type,
            generic_params: Vec::new(),
            base: None,
            interfaces: Vec::new(),
            methods: Vec::new(),
            fields: Vec::new(),
            properties: Vec::new(),
            events: Vec::new(),
            nested: Vec::new(),
            attributes: Vec::new(),
        });
        self.data.assemblies[assembly].types.push(id);
        if let Some(outer) = declaring_type {
            self.data.types[outer].nested.push(id);
        }
        id
    }

    /// The type `id`, to edit.
    pub fn type_mut(&mut self, id: TypeId) -> &mut TypeData {
        &mut self.data.types[id]
    }

    /// Adds a method to `ty`. Defaults: public, instance, non-virtual, no parameters, no body.
    pub fn add_method(&mut self, ty: TypeId, name: impl Into<String>, ret: TypeRefId) -> MethodId {
        let id = self.data.methods.push(MethodData {
            declaring_type: ty,
            name: name.into(),
            visibility: Visibility::Public,
            flags: MethodFlags::default(),
            generic_params: Vec::new(),
            ret,
            ret_attributes: Vec::new(),
            params: Vec::new(),
            overrides: Vec::new(),
            attributes: Vec::new(),
            body: None,
            il_size: 0,
        });
        self.data.types[ty].methods.push(id);
        id
    }

    /// The method `id`, to edit.
    pub fn method_mut(&mut self, id: MethodId) -> &mut MethodData {
        &mut self.data.methods[id]
    }

    /// Adds a field to `ty`. Defaults: public, instance, no constant.
    pub fn add_field(&mut self, ty: TypeId, name: impl Into<String>, field_ty: TypeRefId) -> FieldId {
        let id = self.data.fields.push(FieldData {
            declaring_type: ty,
            name: name.into(),
            ty: field_ty,
            visibility: Visibility::Public,
            is_static: false,
            constant: None,
            attributes: Vec::new(),
        });
        self.data.types[ty].fields.push(id);
        id
    }

    /// The field `id`, to edit.
    pub fn field_mut(&mut self, id: FieldId) -> &mut FieldData {
        &mut self.data.fields[id]
    }

    /// Adds a property to `ty`.
    pub fn add_property(&mut self, ty: TypeId, name: &str, prop_ty: TypeRefId) -> PropertyId {
        let id = self.data.properties.push(PropertyData {
            declaring_type: ty,
            name: name.to_string(),
            ty: prop_ty,
            getter: None,
            setter: None,
            attributes: Vec::new(),
        });
        self.data.types[ty].properties.push(id);
        id
    }

    /// The property `id`, to edit.
    pub fn property_mut(&mut self, id: PropertyId) -> &mut PropertyData {
        &mut self.data.properties[id]
    }

    /// Adds an event to `ty`.
    pub fn add_event(&mut self, ty: TypeId, name: &str, event_ty: TypeRefId) -> EventId {
        let id = self.data.events.push(EventData {
            declaring_type: ty,
            name: name.to_string(),
            ty: event_ty,
            add: None,
            remove: None,
            attributes: Vec::new(),
        });
        self.data.types[ty].events.push(id);
        id
    }

    /// The event `id`, to edit.
    pub fn event_mut(&mut self, id: EventId) -> &mut EventData {
        &mut self.data.events[id]
    }

    /// Interns a type signature.
    pub fn type_ref(&mut self, sig: TypeSig) -> TypeRefId {
        self.interner.type_ref(&mut self.data, sig)
    }

    /// Interns a method reference.
    pub fn method_ref(&mut self, r: MethodRef) -> MethodRefId {
        if let Some(id) = self.find_method_ref(&r) {
            return id;
        }
        let id = self.data.method_refs.push(r.clone());
        self.interner.method_refs.insert(r, id);
        id
    }

    /// Interns a method's reference as its own module names it (readers add one per method
    /// definition, most of which no other reference repeats): the same as
    /// [`Builder::method_ref`], but the first one per method is kept in a table by method
    /// instead of the hash map.
    pub fn own_method_ref(&mut self, r: MethodRef) -> MethodRefId {
        if let Some(id) = self.find_method_ref(&r) {
            return id;
        }
        let m = r.method.index();
        let own = &mut self.interner.own_methods;
        if own.len() <= m {
            own.resize(m + 1, u32::MAX);
        }
        if own[m] != u32::MAX {
            return self.method_ref(r);
        }
        let id = self.data.method_refs.push(r);
        self.interner.own_methods[m] = id.as_u32();
        id
    }

    fn find_method_ref(&self, r: &MethodRef) -> Option<MethodRefId> {
        let own = self.interner.own_methods.get(r.method.index()).copied().unwrap_or(u32::MAX);
        if own != u32::MAX && self.data.method_refs[MethodRefId::new(own as usize)] == *r {
            return Some(MethodRefId::new(own as usize));
        }
        if self.interner.method_refs.is_empty() {
            return None;
        }
        self.interner.method_refs.get(r).copied()
    }

    /// Interns a field reference.
    pub fn field_ref(&mut self, r: FieldRef) -> FieldRefId {
        if let Some(id) = self.find_field_ref(&r) {
            return id;
        }
        let id = self.data.field_refs.push(r.clone());
        self.interner.field_refs.insert(r, id);
        id
    }

    /// [`Builder::own_method_ref`] for a field.
    pub fn own_field_ref(&mut self, r: FieldRef) -> FieldRefId {
        if let Some(id) = self.find_field_ref(&r) {
            return id;
        }
        let f = r.field.index();
        let own = &mut self.interner.own_fields;
        if own.len() <= f {
            own.resize(f + 1, u32::MAX);
        }
        if own[f] != u32::MAX {
            return self.field_ref(r);
        }
        let id = self.data.field_refs.push(r);
        self.interner.own_fields[f] = id.as_u32();
        id
    }

    fn find_field_ref(&self, r: &FieldRef) -> Option<FieldRefId> {
        let own = self.interner.own_fields.get(r.field.index()).copied().unwrap_or(u32::MAX);
        if own != u32::MAX && self.data.field_refs[FieldRefId::new(own as usize)] == *r {
            return Some(FieldRefId::new(own as usize));
        }
        if self.interner.field_refs.is_empty() {
            return None;
        }
        self.interner.field_refs.get(r).copied()
    }

    /// Interns a user string.
    pub fn string(&mut self, s: impl AsRef<str> + Into<String>) -> StringId {
        if let Some(&id) = self.interner.strings.get(s.as_ref()) {
            return id;
        }
        let s: String = s.into();
        let id = self.data.strings.push(s.clone());
        self.interner.strings.insert(s, id);
        id
    }

    /// The signature of `ty` as seen from inside itself: `Def(ty)`, or `ty<!0, !1, …>`.
    pub fn self_sig(&mut self, ty: TypeId) -> TypeRefId {
        let arity = self.data.types[ty].generic_params.len();
        if arity == 0 {
            return self.type_ref(TypeSig::Def(ty));
        }
        let args = (0..arity).map(|i| self.type_ref(TypeSig::Var(i as u16))).collect();
        self.type_ref(TypeSig::Inst { def: ty, args })
    }

    /// Sets the program's entry point.
    pub fn set_entry_point(&mut self, method: MethodId) {
        self.data.entry_point = Some(method);
    }

    /// Validates and freezes the program, returning every validation error found.
    pub fn finish(self) -> Result<Program, Vec<ValidationError>> {
        Program::from_parts(self.data, self.interner)
    }
}
