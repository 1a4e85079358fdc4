//! Features of the size model computed on small programs in the text format, where the expected
//! value can be counted by hand.

use aotsim::size::{feature_names, features};

fn feature(program: &aotsim::il::Program, method: &str, name: &str) -> f64 {
    let m = program.methods.ids().find(|&m| program.method_name(m) == method).unwrap_or_else(|| {
        let names: Vec<String> = program.methods.ids().map(|m| program.method_name(m)).collect();
        panic!("no method {method} among {names:?}")
    });
    let i = feature_names().iter().position(|n| n == name).unwrap_or_else(|| panic!("no feature {name}"));
    features(program, m, None)[i]
}

#[test]
fn a_branch_on_an_inlined_constant_callee_folds_the_code_it_skips() {
    let text = r#"
assembly A {
    class System.Object { method public .ctor() { ret } }
    class Log : System.Object {
        method public bool IsEnabled() { ldc.i4.0 ret }
        method public virtual bool IsEnabledVirtual() { ldc.i4.0 ret }
        method public bool Varies() { ldarg 0 ldfld Log::on ret }
        field bool on
    }
    class App : System.Object {
        method public static void Trace(Log log, string s) {
            ldarg 0 callvirt Log::IsEnabled()
            brfalse off
            ldarg 1 pop ldarg 1 pop ldarg 1 pop
          off:
            ret
        }
        method public static void TraceVirtual(Log log, string s) {
            ldarg 0 callvirt Log::IsEnabledVirtual()
            brfalse off
            ldarg 1 pop
          off:
            ret
        }
        method public static void TraceVaries(Log log, string s) {
            ldarg 0 call Log::Varies()
            brfalse off
            ldarg 1 pop
          off:
            ret
        }
    }
}
"#;
    let program = aotsim::text::parse(text, "fold.il").expect("valid");
    // IsEnabled() is `false` once inlined: the six instructions the branch skips are dead.
    assert_eq!(feature(&program, "App::Trace(Log,string)", "folded_dead_instrs"), 6.0);
    // A virtual callee is not inlined, and a callee whose value varies folds nothing.
    assert_eq!(feature(&program, "App::TraceVirtual(Log,string)", "folded_dead_instrs"), 0.0);
    assert_eq!(feature(&program, "App::TraceVaries(Log,string)", "folded_dead_instrs"), 0.0);
}

/// The folded-away code is found through every branch: a compare-and-branch and a `switch` in the
/// dead region take their targets with them, while a handler, which no branch reaches, stays.
#[test]
fn folded_code_follows_compare_branches_switches_and_handlers() {
    let text = r#"
assembly A {
    class System.Object { method public .ctor() { ret } }
    class Log : System.Object { method public bool IsEnabled() { ldc.i4.0 ret } }
    class App : System.Object {
        method public static void Trace(Log log, int32 a) {
            handlers (caught)
            ldarg 0 callvirt Log::IsEnabled()
            brfalse off
            ldarg 1 ldc.i4 3
            bge big
            ldarg 1
            switch (one)
            ret
          off:
            ret
          big:
            ldarg 1 pop ret
          one:
            ret
          caught:
            pop ret
        }
    }
}
"#;
    let program = aotsim::text::parse(text, "fold.il").expect("valid");
    // Dead: ldarg, ldc, bge, ldarg, switch, ret (6), `big` (3) and `one` (1); `caught` stays.
    assert_eq!(feature(&program, "App::Trace(Log,int32)", "folded_dead_instrs"), 10.0);
}

#[test]
fn type_checks_count_by_what_they_compile_to_and_pass_through_callees_vanish() {
    let text = r#"
assembly A {
    class System.Object { method public .ctor() { ret } }
    interface IShape { }
    class Shape : System.Object { }
    class sealed Circle : Shape { }
    struct Point { field int32 x method public .ctor() { ret } }
    class SR : System.Object {
        method public static string GetString(string name) { ldarg 0 ret }
        method public static string Twice(string name) { ldarg 0 ldarg 0 pop ret }
    }
    class App : System.Object {
        method public static void Casts(object o) {
            ldarg 0 castclass IShape pop
            ldarg 0 isinst IShape pop
            ldarg 0 castclass Shape pop
            ldarg 0 isinst Circle pop
            ldarg 0 castclass int32[] pop
            ldarg 0 unbox.any Point pop
            ldarg 0 unbox.any Shape pop
            ret
        }
        method public static string Message() {
            ldstr "x" call SR::GetString(string) call SR::Twice(string) ret
        }
        method public static void Make() {
            newobj Point::.ctor() pop
            ret
        }
    }
}
"#;
    let program = aotsim::text::parse(text, "casts.il").expect("valid");
    let casts = "App::Casts(object)";
    // Two checks against an interface, two against a class that is not sealed (`unbox.any` of a
    // class is a cast), one against an array; `Circle` is sealed and `Point` a value type.
    assert_eq!(feature(&program, casts, "casts_to_interface"), 2.0);
    assert_eq!(feature(&program, casts, "casts_to_open_class"), 2.0);
    assert_eq!(feature(&program, casts, "casts_to_array_or_variable"), 1.0);
    // GetString returns its argument: once inlined, nothing of it is left. Twice keeps a `pop`.
    assert_eq!(feature(&program, "App::Message()", "vanishing_calls"), 1.0);
    assert_eq!(feature(&program, "App::Message()", "inlined_net_instrs"), 1.0);
    assert_eq!(feature(&program, "App::Make()", "struct_newobj"), 1.0);
    assert_eq!(feature(&program, casts, "vanishing_calls"), 0.0);
}

#[test]
fn a_callee_that_makes_a_call_of_its_own_is_not_inlined() {
    let text = r#"
assembly A {
    class System.Object { method public .ctor() { ret } }
    class System.Exception : System.Object { method public .ctor(string m) { ret } }
    class System.ArgumentNullException : System.Exception { method public .ctor(string m) { ret } }
    class H : System.Object {
        method public static void Small() { ret }
        method public static void Big() size 200 { ret }
        method public static void CallsSmall() { call H::Small() ret }
        method public static void CallsBig() { call H::Big() ret }
        method public static void Check(object o) {
            ldarg 0 brtrue ok
            ldstr "o" newobj System.ArgumentNullException::.ctor(string) throw
          ok:
            ret
        }
        method public static void Build(object o) {
            ldstr "o" newobj System.ArgumentNullException::.ctor(string) pop
            ret
        }
    }
    class App : System.Object {
        method public static void Main() {
            call H::CallsSmall()
            call H::CallsBig()
            ldnull call H::Check(object)
            ldnull call H::Build(object)
            ret
        }
    }
}
"#;
    let program = aotsim::text::parse(text, "calls.il").expect("valid");
    let main = "App::Main()";
    // CallsSmall's call goes away with Small inlined into it, and an exception constructed to be
    // thrown at once is no call; CallsBig calls a method too large to inline, and Build constructs
    // an exception it does not throw: Mono compiles both as calls.
    assert_eq!(feature(&program, main, "calls_not_inlined"), 2.0);
    assert_eq!(feature(&program, main, "inlined_call"), 1.0);
    assert_eq!(feature(&program, main, "inlined_newobj"), 1.0);
    assert_eq!(feature(&program, main, "inlined_throw"), 1.0);
}

#[test]
fn methods_of_marshal_by_ref_classes_stay_calls_and_intrinsics_do_not_count_as_calls() {
    let text = r#"
assembly A {
    class System.Object {
        method public .ctor() { ret }
        method public System.Type GetType() size 100 { ldnull ret }
    }
    class System.Type : System.Object { }
    class System.MarshalByRefObject : System.Object { }
    class Remote : System.MarshalByRefObject {
        method public static int32 Twice(int32 x) { ldarg 0 ldc.i4 2 mul ret }
    }
    class H : System.Object {
        method public static int32 Twice(int32 x) { ldarg 0 ldc.i4 2 mul ret }
        method public static System.Type TypeOf(object o) { ldarg 0 callvirt System.Object::GetType() ret }
    }
    class App : System.Object {
        method public static void Main() {
            ldc.i4 1 call Remote::Twice(int32) pop
            ldc.i4 1 call H::Twice(int32) pop
            ldnull call H::TypeOf(object) pop
            ret
        }
    }
}
"#;
    let program = aotsim::text::parse(text, "remote.il").expect("valid");
    let main = "App::Main()";
    // The same body inlines from H and stays a call from a MarshalByRefObject (Mono's
    // `mono_method_check_inlining`; benches/mono-inlining measures both). TypeOf's only call is
    // `Object.GetType`, which Mono compiles inline: TypeOf is inlined, and its call counts as
    // an intrinsic.
    assert_eq!(feature(&program, main, "calls_not_inlined"), 1.0);
    assert_eq!(feature(&program, main, "inlined_add_sub_mul"), 1.0);
    assert_eq!(feature(&program, main, "inlined_callvirt"), 1.0);
    assert_eq!(feature(&program, "H::TypeOf(object)", "intrinsic_calls"), 1.0);
    assert_eq!(feature(&program, main, "intrinsic_calls"), 0.0);
}

#[test]
fn explicit_layouts_size_structs_by_their_offsets_and_declared_size() {
    let text = r#"
assembly A {
    class System.Object { method public .ctor() { ret } }
    struct Union { field int64 all field int32 lo field int32 hi }
    struct Padded { field int32 x }
    class App : System.Object {
        method public static void Take(Union u) { ret }
        method public static void Pad(Padded p) { ret }
    }
}
"#;
    let program = aotsim::text::parse(text, "layout.il").expect("valid");
    assert_eq!(feature(&program, "App::Take(Union)", "own_struct_param_bytes"), 16.0);
    // `[FieldOffset(0)] long all; [FieldOffset(0)] int lo; [FieldOffset(4)] int hi;` and
    // `[StructLayout(Size = 32)]`, as the ECMA-335 reader records them.
    let mut data = program.into_data();
    let union = data.types.ids().find(|&t| data.types[t].name == "Union").expect("Union");
    for (&f, offset) in data.types[union].fields.clone().iter().zip([0, 0, 4]) {
        data.fields[f].offset = Some(offset);
    }
    let padded = data.types.ids().find(|&t| data.types[t].name == "Padded").expect("Padded");
    data.types[padded].class_size = Some(32);
    let program = aotsim::il::Program::from_data(data).expect("valid");
    assert_eq!(feature(&program, "App::Take(Union)", "own_struct_param_bytes"), 8.0);
    assert_eq!(feature(&program, "App::Pad(Padded)", "own_struct_param_bytes"), 32.0);
}

/// Blocks that end in `throw` are compiled out of line: their `ldstr`s are helper calls that pass
/// the image outside the core library, and the core library's exceptions built from up to two
/// strings are one helper call (benches/mono-inlining/throw.sh measures both).
#[test]
fn strings_and_core_library_exceptions_in_throw_blocks_are_counted_apart() {
    let text = r#"
assembly System.Private.CoreLib {
    class System.Object { method public .ctor() { ret } }
    class System.Exception : System.Object {
        method public .ctor(string message) { ret }
        method public .ctor(string message, System.Exception inner) { ret }
    }
    class System.NotSupportedException : System.Exception { method public .ctor(string message) { ret } }
    class System.Guard : System.Object {
        method public static void Fail() {
            ldstr "core" newobj System.NotSupportedException::.ctor(string) throw
        }
    }
}
assembly App references System.Private.CoreLib {
    class OwnException : System.Exception { method public .ctor(string message) { ret } }
    class App : System.Object {
        method public static string Check(int32 x) {
            ldarg 0
            brtrue fine
            ldstr "hot" pop
            ldstr "a" newobj System.NotSupportedException::.ctor(string) throw
          fine:
            ldarg 0 ldc.i4 2
            bgt other
            ldstr "b" newobj OwnException::.ctor(string) throw
          other:
            ldstr "c" ldnull newobj System.Exception::.ctor(string,System.Exception) throw
        }
        method public static object Returned() {
            ldstr "d" newobj System.NotSupportedException::.ctor(string) ret
        }
    }
}
"#;
    let program = aotsim::text::parse(text, "throws.il").expect("valid");
    let check = "App::Check(int32)";
    // The block after `brtrue` runs from "hot" to the first throw: four strings in throw blocks.
    assert_eq!(feature(&program, check, "cold_ldstr"), 4.0);
    assert_eq!(feature(&program, check, "cold_ldstr_image_args"), 4.0);
    // Only NotSupportedException(string) qualifies: OwnException is not the core library's, and
    // (string, Exception) is not two strings.
    assert_eq!(feature(&program, check, "cold_corlib_exceptions"), 1.0);
    // Returned, not thrown: nothing out of line.
    assert_eq!(feature(&program, "App::Returned()", "cold_ldstr"), 0.0);
    assert_eq!(feature(&program, "App::Returned()", "cold_corlib_exceptions"), 0.0);
    // In the core library the helper takes no image.
    let fail = "System.Guard::Fail()";
    assert_eq!(feature(&program, fail, "cold_ldstr"), 1.0);
    assert_eq!(feature(&program, fail, "cold_ldstr_image_args"), 0.0);
    assert_eq!(feature(&program, fail, "cold_corlib_exceptions"), 1.0);
}

/// Feature `feature` of the method called `name` in the compiled fixture `Inlining.exe`, read
/// with the core library it references (`../shared/calibration/assemblies`: which types are
/// structs and which classes have static constructors decides some inlining).
fn feature_in_fixture(feature: &str) -> impl Fn(&str) -> f64 {
    use aotsim::ecma335::{load_with, Input, LoadOptions};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let input = Input { name: "Inlining.exe".into(), bytes: std::fs::read(root.join("tests/data/cs/Inlining.exe")).expect("fixture") };
    let refs = root.join("../shared/calibration/assemblies");
    let mut resolve = |name: &str| {
        let file = format!("{name}.dll");
        std::fs::read(refs.join(&file)).ok().map(|bytes| Input { name: file, bytes })
    };
    let loaded = load_with(vec![input], &mut resolve, LoadOptions { il_features: true }).expect("fixture reads");
    let i = feature_names().iter().position(|n| n == feature).expect("feature");
    move |name: &str| {
        let (p, il) = (&loaded.program, loaded.il_features.as_deref());
        let m = p.methods.ids().find(|&m| p.method_name(m) == name).unwrap_or_else(|| panic!("no method {name}"));
        features(p, m, il)[i]
    }
}

fn aggressive_il_in_fixture() -> impl Fn(&str) -> f64 {
    feature_in_fixture("aggressive_inlined_il")
}

/// `stind.ref` (the text format does not tell it from other `stind`s): a barrier each, none for
/// `null` or an int, and the inlined callee's with it.
#[test]
fn stores_through_references_to_references_count_their_write_barriers() {
    let of = feature_in_fixture("barrier_stores");
    assert_eq!(of("Barriers::SetOut(object&,object)"), 1.0);
    assert_eq!(of("Barriers::SetInt(int32&,int32)"), 0.0);
    assert_eq!(of("Barriers::Both(object&,string&,object)"), 1.0);
    assert_eq!(of("Barriers::CallsSetOut(object)"), 1.0);
}

/// The IL bytes that only `AggressiveInlining` brings into a caller, read from a compiled C#
/// fixture (the text format carries no such flags): `Lib.Long` is 31 IL bytes, `Lib.Outer` 32 and
/// calls `Long` twice; short callees are inlined anyway, long unmarked ones not at all, and a call
/// in code a decided branch removes brings nothing.
#[test]
fn aggressive_inlining_brings_in_the_il_of_long_callees_and_their_callees() {
    let of = aggressive_il_in_fixture();
    assert_eq!(of("Program::CallsLong(int32)"), 31.0);
    assert_eq!(of("Program::CallsOuter(int32)"), 32.0 + 2.0 * 31.0);
    assert_eq!(of("Program::CallsShortAndPlain(int32)"), 0.0);
    assert_eq!(of("Program::CallsLongWhenEnabled(int32)"), 0.0);
}

/// What keeps a marked callee out of line, each case checked against `mono --aot` on the same
/// fixture (the callers expected to bring in nothing call the callee there): shared generic code
/// calling into a class with a static constructor whose instantiation it does not know
/// (`WithCctor<T>`, 31 IL bytes; inlined for `WithCctor<string>` and for `NoCctor<T>`), a callee
/// that constructs a generic struct over reference types with `newobj` (`Make.Of`, 29 bytes;
/// inlined for `Pair<int>`), and a callee that allocates on the stack.
#[test]
fn shared_generic_code_struct_constructors_and_stack_allocation_keep_marked_callees_out_of_line() {
    let of = aggressive_il_in_fixture();
    assert_eq!(of("Shared::CctorShared<T>(int32)"), 0.0);
    assert_eq!(of("Shared::CctorClosed(int32)"), 31.0);
    assert_eq!(of("Shared::NoCctorShared<T>(int32)"), 31.0);
    assert_eq!(of("Shared::PairShared<T>(T)"), 0.0);
    assert_eq!(of("Shared::PairOfString(string)"), 0.0);
    assert_eq!(of("Shared::PairOfInt(int32)"), 29.0);
    assert_eq!(of("Shared::Alloc(int32)"), 0.0);
}

/// Field accesses Mono compiles to more than a load: a `[ThreadStatic]` field (a look-up in the
/// thread's static data), a static field of a class shared code knows only at run time (class
/// initialisation and static data through the generic context), and a field of a class derived
/// from `MarshalByRefObject` on anything but `this` (a remoting wrapper; a field of
/// `MarshalByRefObject` itself always).
#[test]
fn thread_statics_shared_statics_and_remote_fields_are_counted() {
    let text = r#"
assembly A {
    class System.Object { method public .ctor() { ret } }
    class System.ThreadStaticAttribute : System.Object { method public .ctor() { ret } }
    class System.MarshalByRefObject : System.Object {
        field object identity
        method public object get_Identity() { ldarg 0 ldfld System.MarshalByRefObject::identity ret }
    }
    class Stream : System.MarshalByRefObject {
        field int32 pos
        method public int32 Own() { ldarg 0 ldfld Stream::pos ret }
        method public void SetOwn(int32 v) { ldarg 0 ldarg 1 stfld Stream::pos ret }
        method public int32 Other(Stream s) { ldarg 1 ldfld Stream::pos ret }
        method public void SetOther(Stream s, int32 v) { ldarg 1 ldarg 2 stfld Stream::pos ret }
        method public static int32 Peek(Stream s) { ldarg 0 ldfld Stream::pos ret }
    }
    class Pool<T> : System.Object {
        field static object shared
        method public static object get_Shared() { ldsfld Pool<T>::shared ret }
    }
    class App : System.Object {
        [System.ThreadStaticAttribute]
        field static int32 current
        field static int32 plain
        method public static int32 Current() { ldsfld App::current ldsfld App::plain add ret }
        method public static object StringPool() { ldsfld Pool<string>::shared ret }
    }
}
"#;
    let program = aotsim::text::parse(text, "fields.il").expect("valid");
    assert_eq!(feature(&program, "App::Current()", "thread_static_access"), 1.0);
    // Shared code for Pool<T> finds its statics through the generic context; Pool<string> in a
    // non-generic method is a known class.
    assert_eq!(feature(&program, "Pool`1::get_Shared()", "shared_static_access"), 1.0);
    assert_eq!(feature(&program, "App::StringPool()", "shared_static_access"), 0.0);
    for own in ["Stream::Own()", "Stream::SetOwn(int32)"] {
        assert_eq!(feature(&program, own, "remote_field_access"), 0.0, "{own}");
    }
    for other in ["Stream::Other(Stream)", "Stream::SetOther(Stream,int32)", "Stream::Peek(Stream)"] {
        assert_eq!(feature(&program, other, "remote_field_access"), 1.0, "{other}");
    }
    assert_eq!(feature(&program, "System.MarshalByRefObject::get_Identity()", "remote_field_access"), 1.0);
}

/// Shared generic code fetches from the generic context what it needs at run time, anew at each
/// use and whether the callee is inlined or not (`benches/mono-inlining/context.sh`, Mono 6.8):
/// a struct method of `S<T>` calling its own getter twice makes two fetches (the callee's vtable
/// goes with the call: a struct has none of its own), a class's instance method none (the object
/// carries it), a static method of the class one per call, a generic method one per call of
/// another generic method over its parameter, and an interface call over the parameter one.
/// Boxing a parameter is none (it is a reference type); a class with a static constructor is
/// initialised at each call from another class too. Code compiled for known types fetches nothing.
#[test]
fn shared_generic_code_counts_its_generic_context_fetches() {
    let text = r#"
assembly A {
    class System.Object { method public .ctor() { ret } }
    struct S<T> {
        field int32 n
        method public int32 get_N() { ldarg 0 ldfld S<T>::n ret }
        method public int32 Get() { ldarg 0 call S<T>::get_N() ldarg 0 call S<T>::get_N() add ret }
        method public int32 Fld() { ldarg 0 ldfld S<T>::n ldarg 0 ldfld S<T>::n add ret }
    }
    class C<T> : System.Object {
        field int32 n
        method public int32 get_N() { ldarg 0 ldfld C<T>::n ret }
        method public static int32 Stat(int32 x) { ldarg 0 ldc.i4 1 add ret }
        method public int32 Get() { ldarg 0 call C<T>::get_N() ldarg 0 call C<T>::get_N() add ret }
        method public int32 UseStat() { ldc.i4 1 call C<T>::Stat(int32) ldc.i4 2 call C<T>::Stat(int32) add ret }
        method public int32 Inlined() { ldarg 0 call C<T>::UseStat() ret }
        method public object Box(T x) { ldarg 1 box T ret }
    }
    class WithCctor<T> : System.Object {
        field static int32 count
        method private static .cctor() { ret }
        method public int32 get_Count() { ldarg 0 pop ldc.i4 1 ret }
        method public int32 Again() { ldarg 0 call WithCctor<T>::get_Count() ret }
    }
    interface ISeq<T> { method public abstract T First() }
    class G : System.Object {
        method public static int32 M<T>(!!0 x) { ldc.i4 1 ret }
        method public static int32 Call<T>(!!0 x) { ldarg 0 call G::M<!!0>(!!0) ldarg 0 call G::M<!!0>(!!0) add ret }
        method public static int32 Closed(string x) { ldarg 0 call G::M<string>(!!0) ldarg 0 call G::M<string>(!!0) add ret }
        method public static object First<T>(ISeq<!!0> s) { ldarg 0 callvirt ISeq<!!0>::First() box !!0 ret }
        method public static int32 Count<T>(WithCctor<!!0> w) { ldarg 0 call WithCctor<!!0>::get_Count() ret }
    }
}
"#;
    let program = aotsim::text::parse(text, "context.il").expect("valid");
    let fetches = |m: &str| feature(&program, m, "context_fetches");
    assert_eq!(fetches("S`1::Get()"), 2.0);
    assert_eq!(fetches("S`1::Fld()"), 0.0);
    assert_eq!(fetches("C`1::Get()"), 0.0);
    assert_eq!(fetches("C`1::UseStat()"), 2.0);
    // UseStat is inlined (its callees are), and its fetches come with it.
    assert_eq!(fetches("C`1::Inlined()"), 2.0);
    assert_eq!(fetches("C`1::Box(T)"), 0.0);
    assert_eq!(fetches("G::Call<T>(T)"), 2.0);
    assert_eq!(fetches("G::Closed(string)"), 0.0);
    assert_eq!(fetches("G::First<T>(ISeq<T>)"), 1.0);
    assert_eq!(fetches("G::Count<T>(WithCctor<T>)"), 1.0);
    assert_eq!(feature(&program, "G::Count<T>(WithCctor<T>)", "context_class_inits"), 1.0);
    assert_eq!(feature(&program, "G::Call<T>(T)", "context_class_inits"), 0.0);
    // The class's own code runs initialised.
    assert_eq!(fetches("WithCctor`1::Again()"), 0.0);
}

#[test]
fn stores_of_references_count_their_write_barriers() {
    let text = r#"
assembly A {
    class System.Object { method public .ctor() { ret } }
    struct Pair<T1, T2> {
        field T1 a
        field T2 b
        method public .ctor(T1 x, T2 y) { ldarg 0 ldarg 1 stfld Pair<T1, T2>::a ldarg 0 ldarg 2 stfld Pair<T1, T2>::b ret }
    }
    struct Entry {
        field object key
        field int32 n
        field string name
    }
    class Holder : System.Object {
        field object o
        field int32 n
        field Entry e
        field static object s
        field static Entry se
        method public void Set(object x) { ldarg 0 ldarg 1 stfld Holder::o ldarg 0 ldc.i4 1 stfld Holder::n ret }
        method public void Clear() { ldarg 0 ldnull stfld Holder::o ret }
        method public void SetStatic(object x) { ldarg 1 stsfld Holder::s ret }
        method public void SetEntry(Entry x) { ldarg 0 ldarg 1 stfld Holder::e ret }
        method public Entry GetEntry() { ldarg 0 ldfld Holder::e ret }
        method public static void Out<T>(!!0& r, !!0 x) { ldarg 0 ldarg 1 stobj !!0 ret }
        method public static void OutInt(int32& r) { ldarg 0 ldc.i4 1 stobj int32 ret }
        method public static void Closed(Pair<int32, string>& p) { ldarg 0 ldc.i4 1 stfld Pair<int32, string>::a ldarg 0 ldnull pop ldnull stfld Pair<int32, string>::b ret }
        method public static void ClosedRef(Pair<int32, string>& p, string s) { ldarg 0 ldarg 1 stfld Pair<int32, string>::b ret }
        method public static object BoxEntry(Entry e) { ldarg 0 box Entry ret }
        method public static Entry UnboxEntry(object o) { ldarg 0 unbox.any Entry pop ldnull pop ldarg 0 unbox.any Entry ret }
        method public static void SetStaticEntry(Entry e) { ldarg 0 stsfld Holder::se ret }
        method public static Six GetSix(Six& s) { ldarg 0 ldobj Six ret }
        method public static One GetOne(One& s) { ldarg 0 ldobj One ret }
        method public static void Store<T>(!!0[] a, !!0 x) { ldarg 0 ldc.i4 0 ldarg 1 stelem.any !!0 ret }
        method public static void StoreEntry(Entry[] a, Entry x) { ldarg 0 ldc.i4 0 ldarg 1 stelem.any Entry ret }
        method public static object Swap(object& r, object x) { ldarg 0 ldarg 1 call System.Threading.Interlocked::Exchange(object&, object) ret }
    }
    struct Six {
        field object a
        field object b
        field object c
        field object d
        field object e
        field object f
    }
    struct One { field object a }
    class System.Threading.Interlocked : System.Object {
        method public static object Exchange(object& r, object x) { ldarg 1 ret }
    }
}
"#;
    let program = aotsim::text::parse(text, "barriers.il").expect("valid");
    let barriers = |m: &str| feature(&program, m, "barrier_stores");
    // Shared code: each type parameter holds a reference.
    assert_eq!(barriers("Pair`2::.ctor(T1,T2)"), 2.0);
    // A reference field takes one, an int none, a null none; a static field none.
    assert_eq!(barriers("Holder::Set(object)"), 1.0);
    assert_eq!(barriers("Holder::Clear()"), 0.0);
    assert_eq!(barriers("Holder::SetStatic(object)"), 0.0);
    // A struct copies with one for each reference it holds, into a field or the return buffer.
    assert_eq!(barriers("Holder::SetEntry(Entry)"), 2.0);
    assert_eq!(barriers("Holder::GetEntry()"), 2.0);
    assert_eq!(barriers("Holder::Out<T>(T&,T)"), 1.0);
    assert_eq!(barriers("Holder::OutInt(int32&)"), 0.0);
    // A closed instantiation: its fields' types are placed by their arguments.
    assert_eq!(barriers("Holder::Closed(Pair<int32,string>&)"), 0.0);
    assert_eq!(barriers("Holder::ClosedRef(Pair<int32,string>&,string)"), 1.0);
    // Boxing and unboxing copy; so does a static field of a struct.
    assert_eq!(barriers("Holder::BoxEntry(Entry)"), 2.0);
    assert_eq!(barriers("Holder::UnboxEntry(object)"), 4.0 + 2.0);
    assert_eq!(barriers("Holder::SetStaticEntry(Entry)"), 2.0);
    // Over five words a helper copies; a word comes back in a register.
    assert_eq!(barriers("Holder::GetSix(Six&)"), 0.0);
    assert_eq!(barriers("Holder::GetOne(One&)"), 0.0);
    // Array elements: a reference goes through the type-checking helper, a struct is copied.
    assert_eq!(barriers("Holder::Store<T>(T[],T)"), 0.0);
    assert_eq!(barriers("Holder::StoreEntry(Entry[],Entry)"), 2.0);
    assert_eq!(barriers("Holder::Swap(object&,object)"), 1.0);
}
