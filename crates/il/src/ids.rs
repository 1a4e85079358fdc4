//! Dense `u32` entity ids and the typed vectors they index (cranelift's `PrimaryMap` in small).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

/// An entity id: a dense `u32` index into one table of the program.
pub trait EntityId: Copy + Eq + Ord + std::hash::Hash + fmt::Debug {
    /// The id of the `index`-th entity. Panics past `u32::MAX` entities (a builder limit).
    fn new(index: usize) -> Self;
    /// The position of this entity in its table.
    fn index(self) -> usize;
}

macro_rules! entity_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(u32);

        impl EntityId for $name {
            #[inline]
            fn new(index: usize) -> Self {
                $name(u32::try_from(index).expect("more than u32::MAX entities"))
            }
            #[inline]
            fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl $name {
            /// The raw `u32` of this id.
            #[inline]
            pub fn as_u32(self) -> u32 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    };
}

entity_id!(
    /// An assembly of the program.
    AssemblyId, "asm#");
entity_id!(
    /// A type definition (class, struct, interface, enum, delegate).
    TypeId, "type#");
entity_id!(
    /// A method definition.
    MethodId, "method#");
entity_id!(
    /// A field definition.
    FieldId, "field#");
entity_id!(
    /// A property definition.
    PropertyId, "property#");
entity_id!(
    /// An event definition.
    EventId, "event#");
entity_id!(
    /// An interned type signature ([`crate::TypeSig`]): `List<Foo>`, `int32[]`, `!0`.
    TypeRefId, "tref#");
entity_id!(
    /// An interned method reference: a method definition seen through an instantiated owner.
    MethodRefId, "mref#");
entity_id!(
    /// An interned field reference.
    FieldRefId, "fref#");
entity_id!(
    /// An interned user string (the operand of `ldstr`).
    StringId, "str#");

/// A vector indexed by an entity id. Serialises as a plain JSON array.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdVec<I, T> {
    items: Vec<T>,
    #[serde(skip)]
    _id: PhantomData<fn(I) -> I>,
}

impl<I: EntityId, T> IdVec<I, T> {
    /// An empty table.
    pub fn new() -> Self {
        IdVec { items: Vec::new(), _id: PhantomData }
    }

    /// A table of `n` copies of `value` (for side tables keyed by another table's ids).
    pub fn filled(n: usize, value: T) -> Self
    where
        T: Clone,
    {
        IdVec { items: vec![value; n], _id: PhantomData }
    }

    /// Makes room for `n` more items (readers that know their row counts avoid regrowing).
    pub fn reserve(&mut self, n: usize) {
        self.items.reserve(n);
    }

    /// Appends `value` and returns its id.
    pub fn push(&mut self, value: T) -> I {
        let id = I::new(self.items.len());
        self.items.push(value);
        id
    }

    /// The number of entities.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when the table is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The entity for `id`, or `None` when `id` is out of range.
    pub fn get(&self, id: I) -> Option<&T> {
        self.items.get(id.index())
    }

    /// True when `id` names an entity of this table.
    pub fn contains(&self, id: I) -> bool {
        id.index() < self.items.len()
    }

    /// All ids in order.
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = I> + ExactSizeIterator + use<I, T> {
        (0..self.items.len()).map(I::new)
    }

    /// `(id, entity)` pairs in id order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + ExactSizeIterator {
        self.items.iter().enumerate().map(|(i, t)| (I::new(i), t))
    }

    /// The entities in id order.
    pub fn values(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The entities as a slice.
    pub fn as_slice(&self) -> &[T] {
        &self.items
    }
}

impl<I: EntityId, T> Default for IdVec<I, T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<I: EntityId, T> Index<I> for IdVec<I, T> {
    type Output = T;
    #[inline]
    fn index(&self, id: I) -> &T {
        &self.items[id.index()]
    }
}

impl<I: EntityId, T> IndexMut<I> for IdVec<I, T> {
    #[inline]
    fn index_mut(&mut self, id: I) -> &mut T {
        &mut self.items[id.index()]
    }
}

impl<I: EntityId, T: fmt::Debug> fmt::Debug for IdVec<I, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<I: EntityId, T> FromIterator<T> for IdVec<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(iter: It) -> Self {
        IdVec { items: iter.into_iter().collect(), _id: PhantomData }
    }
}
