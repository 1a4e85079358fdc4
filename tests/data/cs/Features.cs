// Feature switches on compiled C#. The runner trims this fixture with `App.Telemetry` set to
// false: the call it guards goes, and the rest of `Main` stays, though parts of it are reached
// only through a compare-and-branch (`bge`), a `switch` table, an exception handler or a filter,
// which the unreachable-block removal must follow like any branch.
using System;
using System.Diagnostics.CodeAnalysis;
using Aotsim.Expectations;

namespace System.Diagnostics.CodeAnalysis {
    [Kept] [KeptMember(".ctor(string)")]
    [AttributeUsage(AttributeTargets.Property)]
    sealed class FeatureSwitchDefinitionAttribute : Attribute { public FeatureSwitchDefinitionAttribute(string name) { } }
}

[Kept]
static class Features {
    [Kept] [FeatureSwitchDefinition("App.Telemetry")]
    public static bool Telemetry { [Kept] get { return Environment.GetEnvironmentVariable("TELEMETRY") != null; } }
}

static class Telemetry {
    public static void Send() { }
}

[Kept]
static class Program {
    [Kept]
    static int Main(string[] args) {
        int a = args.Length;
        if (Features.Telemetry)
            Telemetry.Send();
        if (a >= 3) Then(); else Else();
        switch (a) {
            case 0: One(); break;
            case 1: Two(); break;
            case 2: Three(); break;
            case 3: Four(); break;
            case 4: Five(); break;
        }
        try {
            Risky(a);
        } catch (InvalidOperationException) {
            Recover();
        } catch (Exception e) when (Filter(e)) {
            Filtered();
        } finally {
            Cleanup();
        }
        return a;
    }
    [Kept] static void Then() { }
    [Kept] static void Else() { }
    [Kept] static void One() { }
    [Kept] static void Two() { }
    [Kept] static void Three() { }
    [Kept] static void Four() { }
    [Kept] static void Five() { }
    [Kept] static void Risky(int a) { if (a > 5) throw new InvalidOperationException(); }
    [Kept] static void Recover() { }
    [Kept] static bool Filter(Exception e) { return e is ArgumentException; }
    [Kept] static void Filtered() { }
    [Kept] static void Cleanup() { }
}
