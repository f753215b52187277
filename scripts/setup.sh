#!/usr/bin/env bash
# Installs the system packages Outpost builds and tests against (Debian 12), only when missing.
# Sourced by run.sh and test.sh, so each README command does all set-up by itself.
outpost_setup() {
  local packages=(liblua5.4-dev libssl-dev openssl pkg-config "$@")
  local missing=()
  for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
  fi
  command -v swift >/dev/null 2>&1 || { echo "swift not found: install Swift 6.3 and put it on PATH" >&2; return 1; }
}
