// What shared generic code fetches from its generic context (context.sh counts the calls to
// Mono's rgctx fetch trampolines in each method's code; the size model's `context_fetches`).
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

public struct S<T> {
    T a; int n;
    public int N => n;
    public int Get() { return N + N; }                       // own getter, inlined: 2 fetches
    public static int Stat(int x) => x + 1;
    public int UseStat() => Stat(n) + Stat(n);               // own static, inlined: 2
    [MethodImpl(MethodImplOptions.NoInlining)] public int Big() { return n * 3; }
    public int CallBig() => Big() + Big();                   // own method, not inlined: 2
    public int Fld() => n + n + n;                           // fields only: 0
}

public class C<T> {
    T a; int n;
    public int N => n;
    public int Get() { return N + N; }                       // instance of a class: 0
    public static int Stat(int x) => x + 1;
    public int UseStat() => Stat(n) + Stat(n);               // static of the class: 2
    [MethodImpl(MethodImplOptions.NoInlining)] public int Big() { return n * 3; }
    public int CallBig() => Big() + Big();                   // 0
    public int OtherStruct(S<T> s) => s.N + s.N;             // a struct's methods: 2
    public object Box(T x) => x;                             // boxing a reference type: 0
}

public class WithCctor<T> {
    static int count = Environment.TickCount;
    public int Count => count;
}

public static class G {
    public static int M<T>(T x) => 1;
    public static int Call<T>(T x) => M<T>(x) + M<T>(x);     // a generic method over T: 2
    public static int Closed(string x) => M<string>(x) + M<string>(x); // known types: 0
    public static T First<T>(IList<T> s) => s[0];            // an interface over T: 1
    public static int Count<T>(WithCctor<T> w) => w.Count;   // a class with a .cctor: 1 (+ init)
}

public static class Program { public static void Main() {} }
