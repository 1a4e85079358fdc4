#!/usr/bin/env python3
"""Checks the size model's inlining decisions against what Mono's AOT compiler emitted.

Usage:
    mono --aot=asmonly,outfile=mscorlib.s /usr/lib/mono/4.5/mscorlib.dll
    aotsim calibrate ../shared/calibration/mono-x64/mscorlib.csv \
        --assemblies ../shared/calibration/assemblies --form linear --no-cross-validation \
        --export-inlining decisions.csv
    python3 decisions.py mscorlib.s decisions.csv [TOP]

In Mono's assembly output the code of the method in MethodDef row i (0-based) lies between the
labels `.Lm_<i in hex>` and `.Lme_<i in hex>`, and a direct call is `call .Lp_N`, where the PLT
entry `.Lp_N` is followed by `.size plt_<symbol>`: the callee's type, its instantiation and its
name, with every character that is not a letter, digit or `_` turned into `_`. A call site the
model inlines should leave no call to its callee in the caller's code; one it does not inline
should. Callees whose name is overloaded in their type are skipped (the symbols tell overloads
apart only by their parameter types), and so are the callers the compiler emitted no code for.
Calls to `System.String` and `System.Object`, which Mono's symbols name `string` and `object`,
are never found. A caller that calls the same callee twice, once inlined and once not, counts as a call for both.
Virtual and interface calls, intrinsics and code that folding removed leave no PLT call either,
so "model calls, no call emitted" mixes those with real misses; "model inlines, call emitted" is
the clean count of the model's mistakes.
"""
import collections
import csv
import re
import sys


def calls_by_method(asm_path):
    """Token -> the PLT symbols the method's code calls, and all method tokens seen."""
    plt, pending = {}, None
    calls = collections.defaultdict(list)
    token = None
    with open(asm_path) as f:
        for line in f:
            if line.startswith(".Lp_"):
                pending = line.strip().rstrip(":")
            elif pending and line.startswith("\t.size plt_"):
                plt[pending] = line.split()[1].split(",")[0][len("plt_"):]
                pending = None
            elif line.startswith(".Lm_"):
                token = 0x06000001 + int(line.strip()[4:].rstrip(":"), 16)
                calls[token]
            elif line.startswith(".Lme_"):
                token = None
            elif token is not None and line.startswith("call .Lp_"):
                calls[token].append(line.split()[1])
    return {t: [plt.get(x, "") for x in xs] for t, xs in calls.items()}


def mangle(s):
    return re.sub(r"[^A-Za-z0-9_]", "_", s)


def main():
    asm_path, decisions_path = sys.argv[1], sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    calls = calls_by_method(asm_path)
    patterns = {}
    table = collections.Counter()
    wrong = collections.Counter()
    with open(decisions_path, newline="") as f:
        for row in csv.DictReader(f):
            token = int(row["token"], 16)
            if row["overloads"] != "1" or token not in calls:
                continue
            key = (row["callee_type"], row["callee"])
            if key not in patterns:
                # The symbol: the type (namespace included), maybe an instantiation, the name.
                patterns[key] = re.compile(re.escape(mangle(key[0])) + r"(_\w+?)?_" + re.escape(mangle(key[1])) + r"(_|$)")
            emitted = any(patterns[key].search(s) for s in calls[token])
            inlined = row["inlined"] == "1"
            table[(inlined, emitted)] += 1
            if inlined and emitted:
                wrong[key] += 1
    print(f"{'':28}{'call emitted':>14}{'no call':>10}")
    for inlined, label in ((True, "model inlines"), (False, "model calls")):
        print(f"{label:28}{table[(inlined, True)]:>14}{table[(inlined, False)]:>10}")
    print(f"\nmodel inlines, call emitted (top {top}):")
    for (ty, name), n in wrong.most_common(top):
        print(f"{n:6}  {ty}::{name}")


if __name__ == "__main__":
    main()
