// The expectations library: fixtures state what the trimmer must keep on the code itself, the way
// ILLink's test suite does (Mono.Linker.Tests.Cases.Expectations). Anything in a fixture that
// carries no [Kept] (and is not listed by [KeptMember] or [KeptBackingField]) must be removed.
using System;

namespace Aotsim.Expectations {
    /// The item survives trimming.
    [AttributeUsage(AttributeTargets.All, AllowMultiple = false, Inherited = false)]
    public sealed class KeptAttribute : Attribute { }

    /// A member the compiler writes without source to put [Kept] on (e.g. ".ctor()") survives.
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface | AttributeTargets.Delegate | AttributeTargets.Enum, AllowMultiple = true, Inherited = false)]
    public sealed class KeptMemberAttribute : Attribute { public KeptMemberAttribute(string member) { } }

    /// The compiler-generated backing field of an auto-property survives.
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class KeptBackingFieldAttribute : Attribute { }

    /// Trimming the fixture reports this warning code.
    [AttributeUsage(AttributeTargets.All, AllowMultiple = true, Inherited = false)]
    public sealed class ExpectedWarningAttribute : Attribute { public ExpectedWarningAttribute(string code) { } }
}
