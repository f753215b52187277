#!/usr/bin/env bash
# Fuzzes the AlwaysOn codec (target OutpostWireFuzz) with libFuzzer and AddressSanitizer.
#
# usage: scripts/fuzz-wire.sh [seconds] [extra libFuzzer flags…]
#   seconds   how long to run (default 60); the test command runs a 30-second smoke
#   OUTPOST_FUZZ_SANITIZERS=fuzzer   drop AddressSanitizer for about 5x more executions per second
#
# Every input must either fail to decode with a WireError whose offset lies inside it, or decode to a
# message that re-encodes to exactly the same bytes, decodes again to an equal message and survives the
# lossless JSON form; see Sources/OutpostWireFuzz/FuzzWire.swift. A crash, a leak, a single allocation
# over 256 MiB (-malloc_limit_mb) or an input taking over 10 s fails the run and leaves the input in
# $OUTPOST_FUZZ_DIR/artifacts (default .build-fuzz/wire-fuzz).
#
# The corpus starts from scripts/fuzz-wire-seeds.txt (every golden vector of alwayson.md §5 and
# ems-observed.md §8, the C SDK's quirks, generated messages) and grows in $OUTPOST_FUZZ_DIR/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
sanitizers="${OUTPOST_FUZZ_SANITIZERS:-fuzzer,address}"
# One build folder per sanitizer set, so switching does not rebuild everything.
if [ "$sanitizers" = "fuzzer,address" ]; then default_scratch=.build-fuzz; else default_scratch=".build-fuzz-${sanitizers//,/-}"; fi
scratch="${OUTPOST_FUZZ_SCRATCH:-$default_scratch}"
work="${OUTPOST_FUZZ_DIR:-.build-fuzz/wire-fuzz}"

# A normal build compiles a stub for this target; -DOUTPOST_FUZZ selects the libFuzzer entry points.
# The sanitizers go in one flag: given as two -sanitize= flags, swiftc keeps only the last (and
# coverage instrumentation silently disappears).
swift build -c release --scratch-path "$scratch" --product OutpostWireFuzz \
    -Xswiftc -sanitize="$sanitizers" \
    -Xswiftc -parse-as-library -Xswiftc -DOUTPOST_FUZZ

mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
while read -r name hex; do
    [ -n "$name" ] || continue
    printf '%b' "$(printf '%s' "$hex" | sed 's/../\\x&/g')" > "$work/seeds/$name"
done < scripts/fuzz-wire-seeds.txt

exec "$scratch/release/OutpostWireFuzz" \
    -max_total_time="$seconds" \
    -max_len=2048 \
    -timeout=10 \
    -malloc_limit_mb=256 \
    -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" \
    "$@" \
    "$work/corpus" "$work/seeds"
