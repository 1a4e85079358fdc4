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

// Generic code is measured as Mono compiles it for reference types: once, shared, looking its
// type arguments up at run time. Some callees stay out of line there.
struct WithCctor<T> {
    static readonly int start = Start();
    static int Start() { return 3; }
    internal static int Peek() { return start; }
    // Not inlined into shared code that does not know T: the class constructor would have to run
    // for a class known only at run time.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Add(int x) { x = x * 3 + 1; x = x * 5 + 2; x = x * 7 + 3; x = x * 9 + 4; return x; }
}

struct NoCctor<T> {
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Add(int x) { x = x * 3 + 1; x = x * 5 + 2; x = x * 7 + 3; x = x * 9 + 4; return x; }
}

struct Pair<T> {
    internal T item;
    internal int n;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Pair(T item, int n) { this.item = item; this.n = n; }
}

static class Make {
    // Constructs a generic struct with newobj: Mono calls the constructor (with the type's vtable)
    // when the struct is instantiated over reference types, and then gives up inlining Of.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Pair<T> Of<T>(T item, int n) { n = n * 3 + 1; n = n * 5 + 2; n = n * 7 + 3; return new Pair<T>(item, n); }

    // Allocates on the stack: never inlined.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe int Alloc(int x) { int* p = stackalloc int[4]; p[0] = x * 3 + 1; p[1] = x * 5 + 2; return p[0] + p[1]; }
}

static class Shared {
    static int CctorShared<T>(int x) { return WithCctor<T>.Add(x); }
    static int CctorClosed(int x) { return WithCctor<string>.Add(x); }
    static int NoCctorShared<T>(int x) { return NoCctor<T>.Add(x); }
    static int PairShared<T>(T item) { return Make.Of(item, 1).n; }
    static int PairOfString(string item) { return Make.Of(item, 1).n; }
    static int PairOfInt(int item) { return Make.Of(item, 1).n; }
    static int Alloc(int x) { return Make.Alloc(x); }
}

// Stores through a reference to a reference (`stind.ref`) take a write barrier each; of an int
// none. `SetOut` is inlined into `CallsSetOut`, and its store with it.
static class Barriers {
    static void SetOut(out object o, object x) { o = x; }
    static void SetInt(out int o, int x) { o = x; }
    static void Both(out object a, out string b, object x) { a = x; b = null; }
    static object CallsSetOut(object x) { object o; SetOut(out o, x); return o; }
}

static class Program {
    static int CallsLong(int x) { return Lib.Long(x); }
    static int CallsOuter(int x) { return Lib.Outer(x); }
    static int CallsShortAndPlain(int x) { return Lib.Short(x) + Lib.Plain(x); }
    // The call to Long sits in code a decided branch removes: it brings nothing in.
    static int CallsLongWhenEnabled(int x) { if (Flags.Enabled()) { return Lib.Long(x); } return x; }
    static void Main() { }
}
