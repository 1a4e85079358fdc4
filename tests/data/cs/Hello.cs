// Hello world: the smallest real program, for checking the whole-application size model
// against the published Native AOT hello-world figures (docs/app-model.md). Not a conformance
// fixture: it carries no expectations.
using System;

static class Hello
{
    static void Main()
    {
        Console.WriteLine("Hello, World!");
    }
}
