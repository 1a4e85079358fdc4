#!/usr/bin/env bash
# Compiles Context.cs with mcs, AOT-compiles it with `mono --aot=asmonly` and prints, for each
# method of S<T>, C<T> and G, the calls its code makes to Mono's generic-context (rgctx) fetch
# trampolines and to its generic class initialisation (a method not listed makes no call at
# all). Needs mono-devel and python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mcs -o+ -nowarn:169,414,649 -out:"$out/Context.exe" "$here/Context.cs" >/dev/null
mono --aot=asmonly,outfile="$out/Context.s" "$out/Context.exe" >/dev/null 2>&1
python3 - "$out/Context.s" <<'PY'
import collections, re, sys
lines = open(sys.argv[1]).read().split("\n")
plt, cur = {}, None
for l in lines:
    if l.startswith(".Lp_"):
        cur = l.strip()[:-1]
    elif cur and l.lstrip().startswith(".size plt_"):
        plt[cur], cur = l.split()[1].split(",")[0], None
calls, name = collections.defaultdict(collections.Counter), None
for l in lines:
    m = re.match(r"^([A-Za-z_]\w*):$", l)
    if m:
        name = m.group(1)
    elif l.startswith("call .Lp_") and name:
        sym = plt.get(l.split()[1], "")
        calls[name]["fetches"] += "rgctx_fetch" in sym
        calls[name]["inits"] += "generic_class_init" in sym
for n in sorted(calls):
    if n.startswith(("S_1_", "C_1_", "G_")):
        print(f"{n[:60]:60} fetches {calls[n]['fetches']}  class inits {calls[n]['inits']}")
PY
