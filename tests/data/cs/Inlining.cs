// The IL that AggressiveInlining brings into a caller, for the size model's
// `aggressive_inlined_il` feature (tests/size_features.rs reads the sizes from the compiled
// assembly; build.sh compiles it with mcs, no optimisation).
using System.Runtime.CompilerServices;

static class Flags {
    // A constant callee: once inlined, a branch on it is decided.
    internal static bool Enabled() { return false; }
}

static class Lib {
    // Long (20 IL bytes or more) and marked: inlined only because of the mark.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Long(int x) { x = x * 3 + 1; x = x * 5 + 2; x = x * 7 + 3; x = x * 9 + 4; return x; }

    // Marked and long, and calls Long in turn: both bodies count.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Outer(int x) { x = x * 11 + 5; x = x * 13 + 6; return Long(x) + Long(x + 1); }

    // Short: inlined anyway, so it brings nothing in by the mark.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Short(int x) { return x + 1; }

    // Long, not marked: not inlined.
    internal static int Plain(int x) { x = x * 3 + 1; x = x * 5 + 2; x = x * 7 + 3; x = x * 9 + 4; return x; }
}

static class Program {
    static int CallsLong(int x) { return Lib.Long(x); }
    static int CallsOuter(int x) { return Lib.Outer(x); }
    static int CallsShortAndPlain(int x) { return Lib.Short(x) + Lib.Plain(x); }
    // The call to Long sits in code a decided branch removes: it brings nothing in.
    static int CallsLongWhenEnabled(int x) { if (Flags.Enabled()) { return Lib.Long(x); } return x; }
    static void Main() { }
}
