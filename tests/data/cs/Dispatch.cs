// Virtual and interface dispatch, RTA-style: an override or interface implementation survives
// only on a type that is constructed, and only when its slot is called.
using System;
using Aotsim.Expectations;

[Kept] interface IShape { [Kept] double Area(); double Perimeter(); }

[Kept] [KeptMember(".ctor()")]
class Circle : IShape {
    [Kept] public double Area() { return 3.0; }
    public double Perimeter() { return 6.0; }   // the slot is never called
}

class Square : IShape {                           // never constructed
    public double Area() { return 4.0; }
    public double Perimeter() { return 8.0; }
}

[Kept] [KeptMember(".ctor()")]
abstract class Animal {
    [Kept] public abstract string Speak();
    public virtual string Name() { return "animal"; }   // never called
}

[Kept] [KeptMember(".ctor()")]
class Dog : Animal {
    [Kept] public override string Speak() { return "woof"; }
    public override string Name() { return "dog"; }
}

class Cat : Animal {                               // never constructed
    public override string Speak() { return "meow"; }
}

[Kept] interface ICounter { [Kept] int Next(); }

[Kept] [KeptMember(".ctor()")]
class Counter : ICounter {
    [Kept] int ICounter.Next() { return 1; }         // explicit implementation
}

class Unused { public void Never() { } }

[Kept]
static class Program {
    [Kept]
    static void Main() {
        IShape s = new Circle();
        s.Area();
        Animal a = new Dog();
        a.Speak();
        ICounter c = new Counter();
        c.Next();
    }
}
