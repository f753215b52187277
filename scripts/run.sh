#!/usr/bin/env bash
# README command 1: set up, build, and run Outpost's main job on the repository's own files.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
outpost_setup
swift build
exec scripts/demo.sh .build/debug/outpost .outpost/demo
