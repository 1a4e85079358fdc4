// What a reached method brings with it: its declaring type, base types, static constructors,
// nested types used from it, fields it touches, properties and events through their accessors,
// delegates, typeof (ldtoken) and generic instantiations.
using System;
using System.Collections.Generic;
using Aotsim.Expectations;

[Kept] [KeptMember(".ctor()")]
class Base { }

[Kept] [KeptMember(".ctor()")]
class Derived : Base {
    [Kept] static int counter;
    [Kept] static Derived() { counter = 1; }
    [Kept] public int Value;
    int unusedField;
    [Kept] public int Touch() { Value = counter; return Value; }
}

[Kept]
class Outer {
    [Kept] [KeptMember(".ctor()")]
    public class Inner { [Kept] public void Run() { } }
    public class NeverUsed { }
}

[Kept] [KeptMember(".ctor()")]
class Settings {
    [Kept] [KeptBackingField] public string Name { [Kept] get; [Kept] set; }
    public int Unused { get; set; }
    [Kept] public int Size { [Kept] get { return 3; } set { } }
    [Kept] public event EventHandler Changed { [Kept] add { } remove { } }
}

[Kept] [KeptMember(".ctor(object,nint)")] [KeptMember("Invoke()")]
delegate int Producer();   // the runtime implements .ctor and Invoke: kept with the type, as ILLink does

[Kept]
static class Util {
    [Kept] public static int Seven() { return 7; }
    [Kept] public static T Echo<T>(T value) { return value; }
}

[Kept] [KeptMember(".ctor()")]
[Tag("payload")]                                   // a kept type keeps its attributes' constructors
class Payload { }

[Kept]
[AttributeUsage(AttributeTargets.Class)]
class TagAttribute : Attribute {
    [Kept] public TagAttribute(string name) { }
    public TagAttribute() { }                      // not the constructor the attribute uses
}

[Kept]
class Marker { }

[Kept] [KeptMember(".ctor()")]
class Box<T> { [Kept] public T Item; [Kept] public void Put(T x) { Item = x; } }

[Kept]
static class Program {
    [Kept]
    static void Main() {
        new Derived().Touch();
        new Outer.Inner().Run();
        var s = new Settings();
        s.Name = "x";
        Console.WriteLine(s.Name + s.Size);
        s.Changed += null;
        Producer p = Util.Seven;
        p();
        Util.Echo<Payload>(new Payload());
        Type t = typeof(Marker);
        var b = new Box<int>();
        b.Put(1);
    }
}
