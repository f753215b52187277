#!/usr/bin/env bash
# README command 2: set up, build and run every test suite, then a 30-second fuzz smoke of the AlwaysOn
# codec. Exit status is non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
outpost_setup
swift build --build-tests
swift test
scripts/fuzz-wire.sh "${OUTPOST_FUZZ_SMOKE_SECONDS:-30}"
