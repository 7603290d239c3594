#!/usr/bin/env bash
# Builds the parser harnesses of Fuzz/Package.swift with libFuzzer + AddressSanitizer and fuzzes
# each for SECONDS: the JSON and XML readers (with the round-trip property), the NDJSON splitter,
# FHIRPath, the search-query parser and the JWS/JWK handling of the token endpoint.
#
# Usage: Fuzz/run-fuzz.sh SECONDS [HARNESS...]     (default: all; names as in Fuzz/Package.swift)
#
# Seeds: the official R4 examples and FHIRPath expressions from ../shared where present, the
# repository's SampleBundles and Fuzz/seeds otherwise; a dictionary of every R4 element and type
# name, generated from the type catalogue. A finding (crash, a failed property, a hang over 1 s,
# more than 2 GB) stops that harness with its input saved as $FUZZ_WORK/<harness>-crash-* and
# the script exits non-zero after running the others. Exits 3 when the toolchain cannot build
# libFuzzer targets. Each harness's final statistics line is printed ("<harness>: <n> runs …").
set -uo pipefail
seconds="${1:-60}"
shift || true
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
shared="$root/../shared"
work="${FUZZ_WORK:-/tmp/iop-fuzz}"
all=(JSONReaderFuzz XMLReaderFuzz NDJSONFuzz FHIRPathFuzz SearchQueryFuzz JWSFuzz)
harnesses=("$@")
((${#harnesses[@]})) || harnesses=("${all[@]}")
mkdir -p "$work"

# One -sanitize= list: given as two flags (--sanitize=fuzzer --sanitize=address) the swiftc driver
# keeps only the last, and the code gets no coverage instrumentation.
build=(swift build --package-path "$here" -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address --scratch-path "$work/build")
# SwiftPM keeps the gateway package's target list (a path dependency) from the last build in the
# scratch folder, so a source file added since is not compiled: start again when the file set
# changed.
sources_now=$(cd "$root" && find Sources -name '*.swift' | sort | sha256sum | cut -d' ' -f1)
if [[ -f "$work/build/sources.sha256" && "$(cat "$work/build/sources.sha256")" != "$sources_now" ]]; then
    rm -rf "$work/build"
fi
if ! "${build[@]}" >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log" >&2
    echo "run-fuzz: this toolchain cannot build the libFuzzer targets" >&2
    exit 3
fi
bin="$("${build[@]}" --show-bin-path)"
echo "$sources_now" >"$work/build/sources.sha256"

# The dictionary: every element name and type name of R4, as JSON keys and XML tags.
catalogue="$root/Sources/FHIRCore/Generated/R4CatalogueText.swift"
dictionary="$work/fhir.dict"
{
    awk -F'\t' '/^E\t/ { n = split($2, p, "."); name = p[n]; sub(/\[x\]$/, "", name); print name }
                /^T\t/ { print $3 }' "$catalogue" | sort -u | while read -r name; do
        printf '"\\"%s\\""\n"<%s "\n' "$name" "$name"
    done
    for token in '"resourceType"' '"value="' '"xmlns=\"http://hl7.org/fhir\""' '"<?xml"' '"&amp;"' '"&#x"' '"\\u00"' \
        '"where("' '"exists()"' '".resolve()"' '"%resource"' '"ofType("' '"iif("' '"repeat("' '"descendants()"' \
        '":missing"' '":exact"' '":not"' '"_include"' '"_revinclude"' '"_has:"' '"_sort"' '"_count"' '"ge"' '"|"' \
        '"eyJ"' '"RS384"' '"ES384"' '"\"alg\""' '"\"kid\""' '"\"kty\""'; do
        echo "$token"
    done
} >"$dictionary"

# Seeds per harness (small files only: libFuzzer keeps inputs to max_len).
seed() {
    local harness="$1" target="$work/seeds/$1"
    rm -rf "$target"
    mkdir -p "$target"
    cp "$here/seeds/$harness/"* "$target/" 2>/dev/null || true
    case "$harness" in
        JSONReaderFuzz | NDJSONFuzz)
            find "$root/SampleBundles" -name '*.json' -size -64k -exec cp {} "$target/" \; 2>/dev/null
            [[ -d "$shared/fhir-r4/examples" ]] && find "$shared/fhir-r4/examples" -name '*.json' -size -16k | head -n 400 | xargs -r cp -t "$target/"
            [[ "$harness" == NDJSONFuzz ]] && find "$root/SampleBundles" -name '*.ndjson' -size -64k -exec cp {} "$target/" \; 2>/dev/null
            ;;
        XMLReaderFuzz)
            find "$root/SampleBundles" -name '*.xml' -size -64k -exec cp {} "$target/" \; 2>/dev/null
            [[ -d "$shared/fhir-r4/examples" ]] && find "$shared/fhir-r4/examples" -name '*.xml' -size -16k | head -n 400 | xargs -r cp -t "$target/"
            ;;
        FHIRPathFuzz)
            # Every invariant of R4 (C lines of the catalogue), one expression per seed.
            awk -F'\t' '/^C\t/ { print $4 }' "$catalogue" | head -n 241 | split -l 1 - "$target/invariant-"
            ;;
    esac
    true
}

max_len() {
    case "$1" in
        JSONReaderFuzz | XMLReaderFuzz) echo 65536 ;;
        NDJSONFuzz) echo 16384 ;;
        JWSFuzz) echo 16384 ;;
        *) echo 1024 ;;
    esac
}

status=0
for harness in "${harnesses[@]}"; do
    seed "$harness"
    mkdir -p "$work/corpus/$harness"
    log="$work/$harness.log"
    (cd "$work" && LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0" SWIFT_BACKTRACE=enable=no \
        "$bin/$harness" -max_total_time="$seconds" -max_len="$(max_len "$harness")" -timeout=1 -rss_limit_mb=2048 \
        -dict="$dictionary" -print_final_stats=1 -artifact_prefix="$work/$harness-" \
        "corpus/$harness" "seeds/$harness") >"$log" 2>&1
    result=$?
    runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    speed=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}')
    coverage=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | grep -oE 'cov: [0-9]+' || true)
    if ((result != 0)); then
        status=1
        tail -n 40 "$log"
        echo "$harness: FINDING (exit $result), input in $work/$harness-*"
    else
        echo "$harness: ${runs:-?} runs in ${seconds} s (${speed:-?}/s), ${coverage:-cov: ?}"
    fi
done
exit "$status"
