// Roots the code names for reflection: [DynamicDependency] on a reached method, and
// [DynamicallyAccessedMembers] on a parameter that a constant typeof flows into. The attribute
// types are matched by name, as ILLink does, so they are declared here for Mono's class library.
// (The enum's `value__` field is listed on the enum with [KeptMember].)
using System;
using System.Diagnostics.CodeAnalysis;
using Aotsim.Expectations;

namespace System.Diagnostics.CodeAnalysis {
    [Kept] [KeptMember(".ctor(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes)")]
    [AttributeUsage(AttributeTargets.All)]
    sealed class DynamicallyAccessedMembersAttribute : Attribute {
        public DynamicallyAccessedMembersAttribute(DynamicallyAccessedMemberTypes t) { }
    }
    // A kept enum keeps all its fields (ILLink marks every field of an enum).
    [Kept] [KeptMember("value__")]
    [Flags] enum DynamicallyAccessedMemberTypes {
        [Kept] None = 0, [Kept] PublicParameterlessConstructor = 1, [Kept] PublicConstructors = 3,
        [Kept] PublicMethods = 8, [Kept] PublicFields = 32
    }
    [Kept] [KeptMember(".ctor(string,System.Type)")]
    [AttributeUsage(AttributeTargets.All, AllowMultiple = true)]
    sealed class DynamicDependencyAttribute : Attribute {
        public DynamicDependencyAttribute(string memberSignature, Type type) { }
    }
}

[Kept]
class Plugin {
    [Kept] public Plugin() { }
    [Kept] public void Start() { }
    [Kept] public void Stop() { }
    private void Hidden() { }
    public int Count;
}

[Kept]
class Target {
    [Kept] public static void Invoked() { }
    public static void Other() { }
}

[Kept]
static class Program {
    [Kept]
    static void Inspect([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] Type t) { }

    [Kept]
    [DynamicDependency("Invoked", typeof(Target))]
    [DynamicDependency("NoSuchMember", typeof(Target))]
    [ExpectedWarning("IL2037")]
    static void Reflect() { }

    [Kept]
    static void Main() {
        Inspect(typeof(Plugin));
        Reflect();
    }
}
