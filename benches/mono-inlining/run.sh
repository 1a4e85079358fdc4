#!/usr/bin/env bash
# Compiles Probe.cs with mcs, AOT-compiles it with `mono --aot=asmonly`, and prints, per callee,
# the bytes of its caller and of the caller of the same body marked NoInlining: equal means the
# callee was not inlined. Needs mono-devel and binutils (`as`, `nm`).
set -euo pipefail
source "$(dirname "$0")/aot.sh"
symbols=$(aot_symbols Probe)
declare -A size
while read -r _ hex _ name; do
    size[$name]=$((16#$hex))
done < <(grep ' Callers_' <<<"$symbols")
printf '%-22s %8s %10s  %s\n' callee caller "NoInlining" inlined
for key in "${!size[@]}"; do
    base=${key#Callers_}
    base=${base%%_*}
    if [[ $base == *No || $base == Main ]]; then continue; fi
    no=""
    for k in "${!size[@]}"; do
        if [[ $k == "Callers_${base}No_"* || $k == "Callers_${base}No" ]]; then no=${size[$k]}; fi
    done
    verdict=yes
    if [[ ${size[$key]} == "$no" ]]; then verdict=no; fi
    printf '%-22s %8s %10s  %s\n' "$base" "${size[$key]}" "$no" "$verdict"
done | sort
