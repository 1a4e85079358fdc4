#!/usr/bin/env bash
# Times Mono.Cecil on the calibration assemblies, then aotsim's reader on the same files, in one go.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cecil=$(ls /usr/lib/mono/gac/Mono.Cecil/0.11*/Mono.Cecil.dll | head -1)
out=$(mktemp -d)
cp "$cecil" "$out/"
mcs -r:"$cecil" "$here/CecilRead.cs" -out:"$out/CecilRead.exe"
files=("$here"/../../../shared/calibration/assemblies/*.dll)
echo "Mono.Cecil:"
mono "$out/CecilRead.exe" "${files[@]}"
echo "aotsim:"
(cd "$here/../.." && cargo run --release --example read_assemblies -- 10 "${files[@]}")
rm -rf "$out"
