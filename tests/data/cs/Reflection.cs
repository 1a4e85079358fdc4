// Type.GetType with a constant name is resolved at trim time, as ILLink does: the type it names is
// kept, and when the result flows into a [DynamicallyAccessedMembers] parameter, so are the members
// the annotation asks for. A name that resolves to nothing is IL2105 (Type.GetType returns null).
using System;
using System.Diagnostics.CodeAnalysis;
using Aotsim.Expectations;

namespace System.Diagnostics.CodeAnalysis {
    [Kept] [KeptMember(".ctor(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes)")]
    [AttributeUsage(AttributeTargets.All)]
    sealed class DynamicallyAccessedMembersAttribute : Attribute {
        public DynamicallyAccessedMembersAttribute(DynamicallyAccessedMemberTypes t) { }
    }
    [Kept] [KeptMember("value__")]
    [Flags] enum DynamicallyAccessedMemberTypes { [Kept] None = 0, [Kept] PublicParameterlessConstructor = 1, [Kept] PublicMethods = 8 }
}

namespace Plugins {
    [Kept]
    class Named { public void NotNeeded() { } }              // only the type: nothing asks for members

    [Kept]
    class Created {
        [Kept] public Created() { }
        [Kept] public void Run() { }
        void Hidden() { }
    }

    [Kept]
    class Outer {
        [Kept] public class Inner { }                            // nested names use '+'
    }

    class NeverNamed { }
}

[Kept]
static class Program {
    [Kept]
    static void Use([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor | DynamicallyAccessedMemberTypes.PublicMethods)] Type t) { }

    [Kept]
    [ExpectedWarning("IL2105")]
    static void Main() {
        Type.GetType("Plugins.Named");
        Use(Type.GetType("Plugins.Created"));
        Type.GetType("Plugins.Outer+Inner, Reflection");
        Type.GetType("Plugins.Missing");
    }
}
