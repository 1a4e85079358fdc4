# Sourced by run.sh and throw.sh. `aot_symbols NAME` compiles NAME.cs (beside this file) with mcs,
# AOT-compiles it with `mono --aot=asmonly`, assembles the output and prints `nm -S` of it: one
# line per symbol, its size in hexadecimal second. Needs mono-devel and binutils (`as`, `nm`).
aot_symbols() {
    local here out
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    out=$(mktemp -d)
    mcs -o+ -unsafe -out:"$out/$1.exe" "$here/$1.cs" >/dev/null
    mono --aot=asmonly,outfile="$out/$1.s" "$out/$1.exe" >/dev/null 2>&1
    as -o "$out/$1.o" "$out/$1.s"
    nm -S "$out/$1.o"
    rm -rf "$out"
}
