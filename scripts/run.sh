#!/usr/bin/env bash
# README command 1: set up, build, and run the whole demo on the repository's own files:
# `outpost up` starts the reference platform, the EMS and the Lua script resource (config.json,
# config.lua, platform.json, scripts/) on 127.0.0.1 with TLS, state in .outpost/. Ctrl-C stops it.
# Arguments go to `outpost up` (e.g. `--ports auto`); OUTPOST_BUILD_PATH picks another build directory.
# scripts/demo.sh is a tour of the individual tools (validate, secret, cert, wire).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
outpost_setup
build=${OUTPOST_BUILD_PATH:-.build}
swift build --scratch-path "$build"
exec "$build/debug/outpost" up "$@"
