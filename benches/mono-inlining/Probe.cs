// Which small callees does Mono 6.8's AOT compiler inline? Each pair of callers below calls a
// callee that may be inlined (`X`) and the same body marked NoInlining (`XNo`): where the two
// callers compile to the same number of bytes, the callee was not inlined. `run.sh` prints them.
using System;
using System.Runtime.CompilerServices;

class Box { public int v; public Box(int x) { v = x; } }

// Methods of classes derived from MarshalByRefObject: Mono does not inline them (a call may go to
// a proxy of an object in another application domain).
class Remote : MarshalByRefObject {
    internal static int Twice(int x) { return x * 2; }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static int TwiceNo(int x) { return x * 2; }
}

static class H {
    static int c;
    static Exception pending = new Exception();
    internal static void Big(int x) { c += x; c *= x; c -= x; c ^= x; c += x * x; c /= (x | 1); c += 7; c <<= 1; }
    internal static int Inner(Box b) { return b.v + 1; }

    internal static int Field(Box b) { return b.v + 1; }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static int FieldNo(Box b) { return b.v + 1; }
    internal static object Construct(int x) { return new Box(x); }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static object ConstructNo(int x) { return new Box(x); }
    internal static int CallsInlined(Box b) { return Inner(b) * 2; }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static int CallsInlinedNo(Box b) { return Inner(b) * 2; }
    internal static void ThrowsNew(object o) { if (o == null) throw new ArgumentNullException("o"); }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static void ThrowsNewNo(object o) { if (o == null) throw new ArgumentNullException("o"); }
    internal static void ThrowsField(object o) { if (o == null) throw pending; }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static void ThrowsFieldNo(object o) { if (o == null) throw pending; }
    internal static int Calls(int x) { Big(x); return x; }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static int CallsNo(int x) { Big(x); return x; }
    internal static void CallsWhenNull(object o) { if (o == null) Big(3); }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static void CallsWhenNullNo(object o) { if (o == null) Big(3); }
    internal static int CallsVirtual(object o) { return o.GetHashCode(); }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static int CallsVirtualNo(object o) { return o.GetHashCode(); }
    internal static Exception ReturnsNewException(string s) { return new InvalidOperationException(s); }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static Exception ReturnsNewExceptionNo(string s) { return new InvalidOperationException(s); }
    internal static int Intrinsic(ref int x) { return System.Threading.Interlocked.Increment(ref x); }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static int IntrinsicNo(ref int x) { return System.Threading.Interlocked.Increment(ref x); }
    internal static Type TypeOf() { return typeof(Box); }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static Type TypeOfNo() { return typeof(Box); }
    internal static Type GetsType(object o) { return o.GetType(); }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static Type GetsTypeNo(object o) { return o.GetType(); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] internal static int CallsAggressive(int x) { Big(x); return x; }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static int CallsAggressiveNo(int x) { Big(x); return x; }
    // A long body (24 statements, about 200 IL bytes): AggressiveInlining inlines it whatever its size.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] internal static int Long(int x) { x = x * 2 + 0; x = x * 3 + 1; x = x * 4 + 2; x = x * 5 + 3; x = x * 6 + 4; x = x * 7 + 5; x = x * 8 + 6; x = x * 2 + 7; x = x * 3 + 8; x = x * 4 + 9; x = x * 5 + 10; x = x * 6 + 11; x = x * 7 + 12; x = x * 8 + 13; x = x * 2 + 14; x = x * 3 + 15; x = x * 4 + 16; x = x * 5 + 17; x = x * 6 + 18; x = x * 7 + 19; x = x * 8 + 20; x = x * 2 + 21; x = x * 3 + 22; x = x * 4 + 23; return x; }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static int LongNo(int x) { x = x * 2 + 0; x = x * 3 + 1; x = x * 4 + 2; x = x * 5 + 3; x = x * 6 + 4; x = x * 7 + 5; x = x * 8 + 6; x = x * 2 + 7; x = x * 3 + 8; x = x * 4 + 9; x = x * 5 + 10; x = x * 6 + 11; x = x * 7 + 12; x = x * 8 + 13; x = x * 2 + 14; x = x * 3 + 15; x = x * 4 + 16; x = x * 5 + 17; x = x * 6 + 18; x = x * 7 + 19; x = x * 8 + 20; x = x * 2 + 21; x = x * 3 + 22; x = x * 4 + 23; return x; }
    // Generic, testing typeof(T), called from shared generic code: inlined there too.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] internal static int TypeTest<T>(int x) { if (typeof(T) == typeof(byte)) return x + 1; return x + 2; }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static int TypeTestNo<T>(int x) { if (typeof(T) == typeof(byte)) return x + 1; return x + 2; }
}

// A generic struct with a static constructor (its static readonly field), like `Vector<T>`: in
// shared generic code, where the struct's instantiation depends on the caller's own type
// parameter, its methods are not inlined even with AggressiveInlining (the inlined code would
// have to run the class constructor of a class known only at run time); a closed instantiation
// (`WithCctor<string>`) and the same struct without the constructor are inlined.
struct WithCctor<T> {
    static readonly int start = Start();
    static int Start() { return 3; }
    internal static int Peek() { return start; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] internal static int Add(int a, int b) { if (typeof(T) == typeof(byte)) return a + b + 1; return a + b; }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static int AddNo(int a, int b) { if (typeof(T) == typeof(byte)) return a + b + 1; return a + b; }
}
struct NoCctor<T> {
    [MethodImpl(MethodImplOptions.AggressiveInlining)] internal static int Add(int a, int b) { if (typeof(T) == typeof(byte)) return a + b + 1; return a + b; }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static int AddNo(int a, int b) { if (typeof(T) == typeof(byte)) return a + b + 1; return a + b; }
}

// A generic struct built with newobj: Mono calls its constructor, with the struct's vtable, when
// the struct is instantiated over reference types (or over the type parameters of shared code),
// and gives up inlining a callee that does so; over int it is inlined.
struct Pair<T> {
    internal T item;
    internal int n;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] internal Pair(T item, int n) { this.item = item; this.n = n; }
}
static class Make {
    [MethodImpl(MethodImplOptions.AggressiveInlining)] internal static Pair<T> Of<T>(T item, int n) { return new Pair<T>(item, n); }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static Pair<T> OfNo<T>(T item, int n) { return new Pair<T>(item, n); }
    // A body that allocates on the stack is never inlined.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] internal static unsafe int Alloc(int x) { int* p = stackalloc int[2]; p[0] = x; return p[0] + 1; }
    [MethodImpl(MethodImplOptions.NoInlining)] internal static unsafe int AllocNo(int x) { int* p = stackalloc int[2]; p[0] = x; return p[0] + 1; }
}

static class Callers {
    static int SharedCctor<T>(int x) { return WithCctor<T>.Add(x, x); }
    static int SharedCctorNo<T>(int x) { return WithCctor<T>.AddNo(x, x); }
    static int SharedNoCctor<T>(int x) { return NoCctor<T>.Add(x, x); }
    static int SharedNoCctorNo<T>(int x) { return NoCctor<T>.AddNo(x, x); }
    static int PairOfString(string s) { return Make.Of(s, 1).n; }
    static int PairOfStringNo(string s) { return Make.OfNo(s, 1).n; }
    static int PairOfInt(int x) { return Make.Of(x, 1).n; }
    static int PairOfIntNo(int x) { return Make.OfNo(x, 1).n; }
    static int Alloc(int x) { return Make.Alloc(x); }
    static int AllocNo(int x) { return Make.AllocNo(x); }
    static int ClosedCctor(int x) { return WithCctor<string>.Add(x, x); }
    static int ClosedCctorNo(int x) { return WithCctor<string>.AddNo(x, x); }
    static int Field(Box b) { return H.Field(b); }
    static int FieldNo(Box b) { return H.FieldNo(b); }
    static object Construct(int x) { return H.Construct(x); }
    static object ConstructNo(int x) { return H.ConstructNo(x); }
    static int CallsInlined(Box b) { return H.CallsInlined(b); }
    static int CallsInlinedNo(Box b) { return H.CallsInlinedNo(b); }
    static void ThrowsNew(object o) { H.ThrowsNew(o); }
    static void ThrowsNewNo(object o) { H.ThrowsNewNo(o); }
    static void ThrowsField(object o) { H.ThrowsField(o); }
    static void ThrowsFieldNo(object o) { H.ThrowsFieldNo(o); }
    static int Calls(int x) { return H.Calls(x); }
    static int CallsNo(int x) { return H.CallsNo(x); }
    static void CallsWhenNull(object o) { H.CallsWhenNull(o); }
    static void CallsWhenNullNo(object o) { H.CallsWhenNullNo(o); }
    static int CallsVirtual(object o) { return H.CallsVirtual(o); }
    static int CallsVirtualNo(object o) { return H.CallsVirtualNo(o); }
    static Exception ReturnsNewException(string s) { return H.ReturnsNewException(s); }
    static Exception ReturnsNewExceptionNo(string s) { return H.ReturnsNewExceptionNo(s); }
    static int CallsAggressive(int x) { return H.CallsAggressive(x); }
    static int CallsAggressiveNo(int x) { return H.CallsAggressiveNo(x); }
    static int Long(int x) { return H.Long(x); }
    static int LongNo(int x) { return H.LongNo(x); }
    static int Shared<T>(int x) { return H.TypeTest<T>(x); }
    static int SharedNo<T>(int x) { return H.TypeTestNo<T>(x); }
    static int Intrinsic(ref int x) { return H.Intrinsic(ref x); }
    static int IntrinsicNo(ref int x) { return H.IntrinsicNo(ref x); }
    static Type TypeOf() { return H.TypeOf(); }
    static Type TypeOfNo() { return H.TypeOfNo(); }
    static Type GetsType(object o) { return H.GetsType(o); }
    static Type GetsTypeNo(object o) { return H.GetsTypeNo(o); }
    static int MarshalByRef(int x) { return Remote.Twice(x); }
    static int MarshalByRefNo(int x) { return Remote.TwiceNo(x); }
    static void Main() { }
}
