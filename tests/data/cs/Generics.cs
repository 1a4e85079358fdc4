// Generic code: an instantiation keeps its type arguments; a generic method's instantiation keeps
// its definition; interface dispatch through a generic interface follows constructed types; and a
// static constructor comes with a type whose static state is used.
using System;
using System.Collections.Generic;
using Aotsim.Expectations;

[Kept] interface IHandler<T> { [Kept] void Handle(T item); }

[Kept] [KeptMember(".ctor()")]
class Order { }

[Kept] [KeptMember(".ctor()")]
class OrderHandler : IHandler<Order> {
    [Kept] public void Handle(Order item) { }
}

class InvoiceHandler : IHandler<Order> {              // never constructed
    public void Handle(Order item) { }
}

[Kept] [KeptMember(".ctor()")]
class Repository<T> {
    [Kept] List<T> items = new List<T>();
    [Kept] public void Add(T item) { items.Add(item); }
    public int Count() { return items.Count; }           // never called
}

[Kept]
static class Registry {
    [Kept] static Dictionary<string, int> table;
    [Kept] static Registry() { table = new Dictionary<string, int>(); }
    [Kept] public static void Register(string name) { table[name] = 1; }
}

// `new T()` compiles to Activator.CreateInstance<T>(), whose T .NET annotates
// PublicParameterlessConstructor (an API model here, as Mono's class library has no annotations):
// Make<Gadget> keeps Gadget's constructor though nothing calls it directly.
[Kept] [KeptMember(".ctor()")]
class Gadget { public void Unused() { } }

[Kept]
static class Factory {
    [Kept] public static T Make<T>() where T : new() { return new T(); }
}

[Kept]
static class Pipeline {
    [Kept] public static void Run<T>(IHandler<T> handler, T item) { handler.Handle(item); }
}

[Kept]
static class Program {
    [Kept]
    static void Main() {
        var repo = new Repository<Order>();
        var order = new Order();
        repo.Add(order);
        Pipeline.Run<Order>(new OrderHandler(), order);
        Registry.Register("orders");
        Factory.Make<Gadget>();
    }
}
