//! Features of the size model computed on small programs in the text format, where the expected
//! value can be counted by hand.

use aotsim::size::{feature_names, features};

fn feature(program: &aotsim::il::Program, method: &str, name: &str) -> f64 {
    let m = program.methods.ids().find(|&m| program.method_name(m) == method).unwrap_or_else(|| panic!("no method {method}"));
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

/// The IL bytes that only `AggressiveInlining` brings into a caller, read from a compiled C#
/// fixture (the text format carries no such flags): `Lib.Long` is 31 IL bytes, `Lib.Outer` 32 and
/// calls `Long` twice; short callees are inlined anyway, long unmarked ones not at all, and a call
/// in code a decided branch removes brings nothing.
#[test]
fn aggressive_inlining_brings_in_the_il_of_long_callees_and_their_callees() {
    use aotsim::ecma335::{load_with, Input, LoadOptions};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cs/Inlining.exe");
    let input = Input { name: "Inlining.exe".into(), bytes: std::fs::read(&path).expect("fixture") };
    let loaded = load_with(vec![input], &mut |_| None, LoadOptions { il_features: true }).expect("fixture reads");
    let (p, il) = (&loaded.program, loaded.il_features.as_deref());
    let i = feature_names().iter().position(|n| n == "aggressive_inlined_il").expect("feature");
    let of = |name: &str| {
        let m = p.methods.ids().find(|&m| p.method_name(m) == name).unwrap_or_else(|| panic!("no method {name}"));
        features(p, m, il)[i]
    };
    assert_eq!(of("Program::CallsLong(int32)"), 31.0);
    assert_eq!(of("Program::CallsOuter(int32)"), 32.0 + 2.0 * 31.0);
    assert_eq!(of("Program::CallsShortAndPlain(int32)"), 0.0);
    assert_eq!(of("Program::CallsLongWhenEnabled(int32)"), 0.0);
}
