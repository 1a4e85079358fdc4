// The baseline for the ECMA-335 reader's speed (docs/decisions.md, docs/performance.md): Mono.Cecil
// reads the given assemblies and decodes every method body, ten rounds in one process.
// Run with ./run.sh (needs Debian's mono-devel, which ships Mono.Cecil 0.11 in the GAC).
using System;
using System.Diagnostics;
using Mono.Cecil;
using Mono.Cecil.Cil;
class P {
  static void Main(string[] args) {
    for (int round = 0; round < 10; round++) {
      var sw = Stopwatch.StartNew();
      long types = 0, methods = 0, instrs = 0;
      foreach (var path in args) {
        var m = ModuleDefinition.ReadModule(path, new ReaderParameters { ReadingMode = ReadingMode.Deferred });
        foreach (var t in m.GetTypes()) {
          types++;
          foreach (var md in t.Methods) {
            methods++;
            if (md.HasBody) instrs += md.Body.Instructions.Count;
          }
        }
      }
      Console.WriteLine("round {0}: {1} types, {2} methods, {3} instructions, {4} ms", round, types, methods, instrs, sw.ElapsedMilliseconds);
    }
  }
}
