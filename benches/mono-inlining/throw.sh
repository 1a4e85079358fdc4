#!/usr/bin/env bash
# Compiles Throw.cs with mcs, AOT-compiles it with `mono --aot=asmonly` and prints the bytes of
# machine code of each method of `Throws`. Needs mono-devel and binutils (`as`, `nm`).
set -euo pipefail
source "$(dirname "$0")/aot.sh"
aot_symbols Throw | while read -r _ hex _ name; do
    if [[ $name == Throws_* && $name != Throws_Main ]]; then printf '%-40s %4d\n' "${name#Throws_}" $((16#$hex)); fi
done | sort
