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
