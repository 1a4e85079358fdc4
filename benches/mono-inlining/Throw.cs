// What Mono's AOT compiler does with the blocks that end in `throw` (it compiles them out of
// line): `throw.sh` prints the machine-code bytes of each method below. Measured with Mono 6.8 on
// x86-64 (docs/size-model.md): an `ldstr` there is a helper call that takes the image and the
// string's token (17 bytes; 10 in the core library, which passes no image), and an exception of
// the core library built from up to two strings is one helper call from its type's token.
using System;

public class OwnException : Exception { public OwnException(string s) : base(s) {} }

public static class Throws {
    // A core-library exception from no, one or two strings: one helper call.
    public static void NoArgs() { throw new NotSupportedException(); }
    public static void OneString() { throw new NotSupportedException("x"); }
    public static void TwoStrings() { throw new ArgumentException("x", "y"); }
    public static void StringVariable(string s) { throw new NotSupportedException(s); }
    // Other arguments, or an exception of this assembly: allocated and constructed.
    public static void StringAndException(Exception e) { throw new InvalidOperationException("x", e); }
    public static void ThreeArgs() { throw new ArgumentOutOfRangeException("x", 1, "y"); }
    public static void Own() { throw new OwnException("x"); }
    // The same construction returned instead of thrown: not out of line.
    public static Exception Returned() { return new NotSupportedException("x"); }
    // Two throw blocks, each with its own string.
    public static void TwoBlocks(int x) { if (x > 0) throw new NotSupportedException("a"); throw new NotSupportedException("b"); }
    public static void Main() {}
}
