//! The mutable builder: readers add entities and intern references, then `finish()` validates
//! and freezes the program.

use crate::error::ValidationError;
use crate::ids::*;
use crate::model::*;
use crate::program::Program;
use std::borrow::Borrow;
use std::hash::{BuildHasher, Hash};

/// Interns signatures and references so that structural equality is id equality.
#[derive(Default)]
pub(crate) struct Interner {
    type_refs: Index,
    method_refs: Index,
    field_refs: Index,
    strings: Index,
    /// By method (field), the reference added by [`Builder::own_method_ref`]
    /// ([`Builder::own_field_ref`]), kept here instead of in the index; `u32::MAX`: none. Every
    /// interned reference is in its index or here, so looking in both finds any.
    own_methods: Vec<u32>,
    own_fields: Vec<u32>,
}

/// The entries of one table found by value: a hash table of ids, each hashed and compared
/// through the entry it names, so each entry is stored once, in its table (a map from entry to
/// id would keep a second copy of every string and signature).
#[derive(Default)]
struct Index(hashbrown::HashTable<u32>);

fn hash_of<Q: Hash + ?Sized>(q: &Q) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(q)
}

impl Index {
    /// The id of the entry of `table` equal to `q`.
    fn get<I: EntityId, T: Borrow<Q>, Q: Hash + Eq + ?Sized>(&self, table: &IdVec<I, T>, q: &Q) -> Option<I> {
        let all = table.as_slice();
        self.0.find(hash_of(q), |&i| all[i as usize].borrow() == q).map(|&i| I::new(i as usize))
    }

    /// Adds `id`, an entry of `table` not yet in the index.
    fn insert<I: EntityId, T: Hash>(&mut self, table: &IdVec<I, T>, id: I) {
        let all = table.as_slice();
        self.0.insert_unique(hash_of(&all[id.index()]), id.index() as u32, |&i| hash_of(&all[i as usize]));
    }

    /// Pushes `value` onto `table` unless an equal entry is there; its id either way.
    fn intern<I: EntityId, T: Hash + Eq>(&mut self, table: &mut IdVec<I, T>, value: T) -> I {
        if let Some(id) = self.get(table, &value) {
            return id;
        }
        let id = table.push(value);
        self.insert(table, id);
        id
    }

    /// Indexes every entry of `table`; the first id that repeats an earlier entry is an error.
    fn rebuild<I: EntityId, T: Hash + Eq>(table: &IdVec<I, T>) -> Result<Index, I> {
        let mut me = Index::default();
        me.0.reserve(table.len(), |&i| hash_of(&table.as_slice()[i as usize]));
        for (id, value) in table.iter() {
            if me.get(table, value).is_some() {
                return Err(id);
            }
            me.insert(table, id);
        }
        Ok(me)
    }

    fn reserve<I: EntityId, T: Hash>(&mut self, table: &IdVec<I, T>, n: usize) {
        self.0.reserve(n, |&i| hash_of(&table.as_slice()[i as usize]));
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Interner {
    /// Rebuilds the indexes from already-interned tables (for programs read from JSON). Returns
    /// the first duplicate entry, which would break "equal structure ⇔ equal id", as an error.
    pub(crate) fn rebuild(data: &ProgramData) -> Result<Interner, ValidationError> {
        let repeats =
            |table: &str, id: &dyn std::fmt::Display| ValidationError::program(format!("{table}: entry {id} repeats an earlier entry"));
        Ok(Interner {
            type_refs: Index::rebuild(&data.type_refs).map_err(|id| repeats("type_refs", &id))?,
            method_refs: Index::rebuild(&data.method_refs).map_err(|id| repeats("method_refs", &id))?,
            field_refs: Index::rebuild(&data.field_refs).map_err(|id| repeats("field_refs", &id))?,
            strings: Index::rebuild(&data.strings).map_err(|id| repeats("strings", &id))?,
            own_methods: Vec::new(),
            own_fields: Vec::new(),
        })
    }

    /// The id of `sig` if it is interned.
    pub(crate) fn find_type_ref(&self, data: &ProgramData, sig: &TypeSig) -> Option<TypeRefId> {
        self.type_refs.get(&data.type_refs, sig)
    }

    pub(crate) fn type_ref(&mut self, data: &mut ProgramData, sig: TypeSig) -> TypeRefId {
        self.type_refs.intern(&mut data.type_refs, sig)
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
/// b.method_mut(main).body = Some(Body::new(vec![], vec![Instr::Ret]));
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
        self.interner.method_refs.reserve(&self.data.method_refs, method_refs);
        self.interner.field_refs.reserve(&self.data.field_refs, field_refs);
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
            class_size: None,
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
            offset: None,
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
        let id = self.data.method_refs.push(r);
        self.interner.method_refs.insert(&self.data.method_refs, id);
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
        self.interner.method_refs.get(&self.data.method_refs, r)
    }

    /// Interns a field reference.
    pub fn field_ref(&mut self, r: FieldRef) -> FieldRefId {
        if let Some(id) = self.find_field_ref(&r) {
            return id;
        }
        let id = self.data.field_refs.push(r);
        self.interner.field_refs.insert(&self.data.field_refs, id);
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
        self.interner.field_refs.get(&self.data.field_refs, r)
    }

    /// Interns a user string.
    pub fn string(&mut self, s: impl AsRef<str> + Into<String>) -> StringId {
        if let Some(id) = self.interner.strings.get(&self.data.strings, s.as_ref()) {
            return id;
        }
        let id = self.data.strings.push(s.into());
        self.interner.strings.insert(&self.data.strings, id);
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
