#!/usr/bin/env bash
# Builds the HTTP request parser with libFuzzer + AddressSanitizer and fuzzes it.
# Usage: Fuzz/run-http-parser-fuzz.sh [seconds]   (default 60)
# Build products and the growing corpus go to ${FUZZ_WORK:-/tmp/http-parser-fuzz}; crashes are
# written there as crash-* files, with the reproducing input. Exits 3 when the toolchain cannot
# build the fuzzer (no libFuzzer runtime), non-zero otherwise on a crash or contract failure.
set -euo pipefail
seconds="${1:-60}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="${FUZZ_WORK:-/tmp/http-parser-fuzz}"
mkdir -p "$work/corpus"
cp -n "$here/HTTPParserFuzz/seeds/"* "$work/corpus/" 2>/dev/null || true

swiftc -parse-as-library -O -sanitize=fuzzer,address -enable-upcoming-feature ExistentialAny \
    -module-name HTTPParserFuzz \
    "$root"/Sources/HTTPServer/Parsing/*.swift "$here/HTTPParserFuzz/main.swift" \
    -o "$work/http-parser-fuzz" \
    || { echo "run-http-parser-fuzz: this toolchain cannot build the libFuzzer target" >&2; exit 3; }

cd "$work"
./http-parser-fuzz -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$work/" corpus "$here/HTTPParserFuzz/seeds"
