#!/usr/bin/env bash
# Counts, for every method of a calibration assembly, the garbage collector's write barriers in
# the code `mono --aot` emits for it (each card mark's `and r, 0x7fffff`) and compares them with
# the size model's `barrier_stores` feature. Usage: barriers.sh [ASSEMBLY] (default mscorlib),
# from the repository root after `cargo build --release`. Needs mono-devel and python3.
set -euo pipefail
name=${1:-mscorlib}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
asm="$root/../shared/calibration/assemblies"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cp "$asm"/*.dll "$out/"
(cd "$out" && MONO_PATH="$out" mono --aot=asmonly,outfile="$out/$name.s" "$name.dll" >/dev/null 2>&1)
"$root/target/release/aotsim" calibrate "$root"/../shared/calibration/mono-x64/*.csv --assemblies "$asm" \
    --export-features "$out/features.csv" --form linear --no-cross-validation -o "$out/profile.json" >/dev/null 2>&1
python3 - "$out/$name.s" "$out/features.csv" "$name.dll" <<'PY'
import collections, csv, re, sys
# Per method (by MethodDef row: `.Lm_N` is row N + 1), the barriers in its bytes.
counts, cur, code = {}, None, []
def flush():
    if cur is not None:
        n = 0
        for i in range(len(code) - 5):
            mask = code[i + 2:i + 6] == [255, 255, 127, 0]
            if mask and ((code[i] == 0x81 and 0xe0 <= code[i + 1] <= 0xe7) or (code[i] == 0x48 and code[i + 1] == 0x25)):
                n += 1
        counts["0x06%06x" % (cur + 1)] = n
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"^\.Lm_([0-9a-f]+):", line)
    if m or line.startswith(".Lme_"):
        flush()
        cur, code = (int(m.group(1), 16) if m else None), []
        continue
    s = line.strip()
    if cur is not None and s.startswith(".byte"):
        code += [int(x) for x in s[5:].split(",")]
    elif cur is not None and (s.startswith(".long") or s.startswith("call")):
        code.append(-1)
flush()
rows = csv.reader(open(sys.argv[2]))
header = next(rows)
col = header.index("barrier_stores")
same = methods = model = mono = 0
off = collections.Counter()
for r in rows:
    if r[0] != sys.argv[3] or r[1] not in counts:
        continue
    methods += 1
    f, c = float(r[col]), counts[r[1]]
    model += f
    mono += c
    same += f == c
    off["model more" if f > c else "Mono more" if f < c else "same"] += 1
print(f"{sys.argv[3]}: {methods} methods, the model's count equal to Mono's for {same}; "
      f"totals {model:.0f} (model) and {mono} (Mono); {dict(off)}")
PY
