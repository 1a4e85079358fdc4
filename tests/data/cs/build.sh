#!/usr/bin/env bash
# Regenerates the compiled fixtures from their C# source with Mono's mcs (Debian: mono-devel).
# The .dll/.exe files are committed, so the tests need no compiler; run this after editing a .cs.
set -euo pipefail
cd "$(dirname "$0")"
mcs -target:library -deterministic -out:Expectations.dll Expectations.cs
for src in Dispatch Types Dynamic Reflection Generics Features; do
    mcs -deterministic -nowarn:169,414,649,67 -r:Expectations.dll -out:"$src.exe" "$src.cs"
done
mcs -deterministic -out:Hello.exe Hello.cs
mcs -deterministic -unsafe -out:Inlining.exe Inlining.cs
