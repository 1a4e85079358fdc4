//! The intra-procedural dataflow: a stack machine over one method body that tracks constant
//! strings, `typeof` tokens, known `System.Type`s and values whose `[DynamicallyAccessedMembers]`
//! annotation is known from where they come from, through the stack, arguments and locals, with a
//! join at every branch target. Terminates on any input (the lattice has height two and blocks are
//! revisited only when their entry state changes); tolerates malformed bodies.

use aotsim_il::*;

/// Where an annotated value comes from.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Parameter `i` (`this` not counted) of the method being analysed.
    Param(u16),
    /// The return value of a method.
    Return(MethodId),
    /// A field.
    Field(FieldId),
    /// The implicit `this` of the method being analysed.
    This,
    /// A generic parameter (`typeof(T)`): of the type when `false`, of the method when `true`.
    GenericParam(bool, u16),
}

/// An abstract value.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Val {
    /// Nothing is known.
    Unknown,
    /// `null`.
    Null,
    /// A constant string.
    Str(StringId),
    /// `ldtoken T`: a `RuntimeTypeHandle` of a known type.
    Token(TypeRefId),
    /// A `System.Type` known to be this type.
    Type(TypeId),
    /// A `System.Type` (or handle) of unknown identity whose annotation is known from its origin
    /// (`flags` is 0 when the origin carries none).
    Annotated {
        /// `DynamicallyAccessedMemberTypes` the origin guarantees.
        flags: i64,
        /// Where it comes from.
        origin: Origin,
    },
}

fn join(a: Val, b: Val) -> Val {
    if a == b {
        a
    } else {
        Val::Unknown
    }
}

#[derive(Clone, Debug, PartialEq)]
struct State {
    stack: Vec<Val>,
    args: Vec<Val>,
    locals: Vec<Val>,
    /// Derived from the entry through known edges only (not seeded at an unreachable-looking
    /// block): underflow here means a malformed body.
    exact: bool,
}

impl State {
    fn join_from(&mut self, other: &State) -> bool {
        let before = self.clone();
        let n = self.stack.len().min(other.stack.len());
        self.stack.truncate(n);
        for (a, b) in self.stack.iter_mut().zip(&other.stack) {
            *a = join(*a, *b);
        }
        for (a, b) in self.args.iter_mut().zip(&other.args) {
            *a = join(*a, *b);
        }
        for (a, b) in self.locals.iter_mut().zip(&other.locals) {
            *a = join(*a, *b);
        }
        self.exact &= other.exact;
        *self != before
    }
}

/// What the checker sees, in instruction order, once the flow has reached its fixpoint.
#[derive(Debug)]
pub enum Event<'a> {
    /// A call, `callvirt`, `newobj`, `ldftn` or `ldvirtftn` of `method_ref`, with `this` (for
    /// instance calls) and the arguments.
    Call {
        /// Instruction index.
        at: usize,
        /// The callee as referenced.
        method_ref: MethodRefId,
        /// The receiver, for instance calls (not `newobj`, `ldftn`).
        this: Option<Val>,
        /// The arguments, `this` excluded (empty for `ldftn`).
        args: &'a [Val],
    },
    /// `ret` with a value.
    Return {
        /// Instruction index.
        at: usize,
        /// The value returned.
        value: Val,
    },
    /// A store to a field.
    StoreField {
        /// Instruction index.
        at: usize,
        /// The field.
        field: FieldId,
        /// The value stored.
        value: Val,
    },
}

/// How values are born: the program-specific parts of the flow.
pub trait Sources {
    /// The initial value of parameter `i` (`this` not counted).
    fn param(&self, i: u16) -> Val;
    /// The initial value of `this`, for instance methods.
    fn this(&self) -> Val;
    /// The value `method_ref` returns given its arguments (`Type.GetTypeFromHandle`,
    /// `Type.GetType("…")`, annotated returns), or `None` for a plain unknown.
    fn returned(&self, method_ref: MethodRefId, args: &[Val]) -> Option<Val>;
    /// The value read from a field.
    fn field(&self, field: FieldId) -> Val;
    /// The value of `ldtoken T`.
    fn token(&self, t: TypeRefId) -> Val;
}

/// Runs the flow over `body` of method `m` and reports the events; returns the indexes where the
/// stack underflowed on a path from the entry (a malformed body).
pub fn run(p: &Program, m: MethodId, body: &Body, src: &dyn Sources, visit: &mut dyn FnMut(Event)) -> Vec<usize> {
    let md = &p.methods[m];
    let n = body.instrs.len();
    if n == 0 {
        return Vec::new();
    }
    // Block leaders: the entry, handlers, branch and `switch` targets, and what follows a
    // branch, a `switch` or a block end.
    let leader = body.block_starts(true);
    let entry_state = State {
        stack: Vec::new(),
        args: (0..md.params.len()).map(|i| src.param(i as u16)).collect(),
        locals: vec![Val::Unknown; body.locals.len()],
        exact: true,
    };
    let unknown_state =
        State { stack: Vec::new(), args: vec![Val::Unknown; md.params.len()], locals: vec![Val::Unknown; body.locals.len()], exact: false };
    let this_val = (!md.flags.is_static).then(|| src.this());
    let mut entry: Vec<Option<State>> = vec![None; n];
    entry[0] = Some(entry_state);
    let mut work: Vec<usize> = vec![0];
    let mut underflows = Vec::new();
    let mut budget = 64 * n + 64;
    // Fixpoint, then one more pass that reports events with the final states.
    for reporting in [false, true] {
        if reporting {
            work = (0..n).filter(|&i| leader[i]).rev().collect();
            underflows.clear();
        }
        loop {
            let Some(start) = work.pop() else {
                // Blocks no edge reaches (exception handlers, dead code) start from nothing
                // known, and flow on from there.
                match (reporting, (0..n).find(|&l| leader[l] && entry[l].is_none())) {
                    (false, Some(l)) => {
                        entry[l] = Some(unknown_state.clone());
                        work.push(l);
                        continue;
                    }
                    _ => break,
                }
            };
            if budget == 0 {
                break; // cannot happen with this lattice; a guard all the same
            }
            budget -= 1;
            let Some(mut st) = entry[start].clone() else { continue };
            let mut i = start;
            loop {
                let ins = body.instrs[i];
                let mut pop = |st: &mut State| {
                    st.stack.pop().unwrap_or_else(|| {
                        if st.exact && reporting {
                            underflows.push(i);
                        }
                        Val::Unknown
                    })
                };
                match ins {
                    Instr::LdStr(s) => st.stack.push(Val::Str(s)),
                    Instr::LdNull => st.stack.push(Val::Null),
                    Instr::LdToken(Token::Type(t)) => st.stack.push(src.token(t)),
                    Instr::LdArg(a) => {
                        let v = match (this_val, a) {
                            (Some(t), 0) => t,
                            (Some(_), a) => st.args.get(a as usize - 1).copied().unwrap_or(Val::Unknown),
                            (None, a) => st.args.get(a as usize).copied().unwrap_or(Val::Unknown),
                        };
                        st.stack.push(v);
                    }
                    Instr::StArg(a) => {
                        let v = pop(&mut st);
                        let slot = if this_val.is_some() { (a as usize).checked_sub(1) } else { Some(a as usize) };
                        if let Some(s) = slot.and_then(|s| st.args.get_mut(s)) {
                            *s = v;
                        }
                    }
                    Instr::LdLoc(l) => st.stack.push(st.locals.get(l as usize).copied().unwrap_or(Val::Unknown)),
                    Instr::StLoc(l) => {
                        let v = pop(&mut st);
                        if let Some(s) = st.locals.get_mut(l as usize) {
                            *s = v;
                        }
                    }
                    Instr::Dup => {
                        let v = pop(&mut st);
                        st.stack.extend([v, v]);
                    }
                    Instr::CastClass(_) => {
                        let v = pop(&mut st);
                        st.stack.push(v);
                    }
                    Instr::LdFld(f) | Instr::LdSfld(f) => {
                        if matches!(ins, Instr::LdFld(_)) {
                            pop(&mut st);
                        }
                        st.stack.push(src.field(p.field_refs[f].field));
                    }
                    Instr::StFld(f) | Instr::StSfld(f) => {
                        let value = pop(&mut st);
                        if matches!(ins, Instr::StFld(_)) {
                            pop(&mut st);
                        }
                        if reporting {
                            visit(Event::StoreField { at: i, field: p.field_refs[f].field, value });
                        }
                    }
                    Instr::Ret => {
                        if p.type_refs[md.ret] != TypeSig::Prim(Prim::Void) {
                            let value = pop(&mut st);
                            if reporting {
                                visit(Event::Return { at: i, value });
                            }
                        }
                    }
                    Instr::Call(r) | Instr::CallVirt(r) | Instr::NewObj(r) | Instr::LdFtn(r) | Instr::LdVirtFtn(r) => {
                        let callee = &p.methods[p.method_refs[r].method];
                        let (args, this) = match ins {
                            Instr::LdFtn(_) => (Vec::new(), None),
                            Instr::LdVirtFtn(_) => (Vec::new(), Some(pop(&mut st))),
                            _ => {
                                let k = callee.params.len();
                                let mut args = vec![Val::Unknown; k];
                                for a in args.iter_mut().rev() {
                                    *a = pop(&mut st);
                                }
                                let this = (!callee.flags.is_static && !matches!(ins, Instr::NewObj(_))).then(|| pop(&mut st));
                                (args, this)
                            }
                        };
                        if reporting {
                            visit(Event::Call { at: i, method_ref: r, this, args: &args });
                        }
                        let pushes = match ins {
                            Instr::NewObj(_) | Instr::LdFtn(_) | Instr::LdVirtFtn(_) => true,
                            _ => p.type_refs[callee.ret] != TypeSig::Prim(Prim::Void),
                        };
                        if pushes {
                            let v = match ins {
                                Instr::Call(_) | Instr::CallVirt(_) => src.returned(r, &args).unwrap_or(Val::Unknown),
                                _ => Val::Unknown,
                            };
                            st.stack.push(v);
                        }
                    }
                    other => {
                        let (pops, pushes) = other.fixed_stack_effect();
                        for _ in 0..pops {
                            pop(&mut st);
                        }
                        st.stack.extend(std::iter::repeat_n(Val::Unknown, pushes));
                    }
                }
                // Successors: the next instruction is one only when it starts a block.
                let falls = !ins.ends_block();
                if !reporting {
                    for s in body.successors(i).filter(|&s| s != i + 1 || leader[s]) {
                        let changed = match &mut entry[s] {
                            Some(e) => e.join_from(&st),
                            slot @ None => {
                                *slot = Some(st.clone());
                                true
                            }
                        };
                        if changed {
                            work.push(s);
                        }
                    }
                }
                if !falls || i + 1 >= n || leader[i + 1] {
                    break;
                }
                i += 1;
            }
        }
    }
    underflows.sort_unstable();
    underflows.dedup();
    underflows
}
