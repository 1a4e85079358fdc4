#!/usr/bin/env bash
# Compiles Throw.cs with mcs, AOT-compiles it with `mono --aot=asmonly` and prints the bytes of
# machine code of each method of `Throws`. Needs mono-devel and binutils (`as`, `nm`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
mcs -o+ -out:"$out/Throw.exe" "$here/Throw.cs" >/dev/null
mono --aot=asmonly,outfile="$out/Throw.s" "$out/Throw.exe" >/dev/null 2>&1
as -o "$out/Throw.o" "$out/Throw.s"
nm -S "$out/Throw.o" | while read -r _ hex _ name; do
    if [[ $name == Throws_* && $name != Throws_Main ]]; then printf '%-40s %4d\n' "${name#Throws_}" $((16#$hex)); fi
done | sort
rm -rf "$out"
