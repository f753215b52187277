#!/usr/bin/env bash
# A tour of Outpost's individual tools on the repository's own files (scripts/run.sh runs the whole demo):
#   usage: scripts/demo.sh [OUTPOST_BINARY (.build/debug/outpost)] [STATE_DIR (.outpost/demo)]
#   1. validates config.json (every finding in one run, exit 1 on errors);
#   2. seals a secret with this install's key file;
#   3. creates a development certificate with an encrypted PKCS#8 key, then inspects and checks it;
#   4. decodes an AlwaysOn message captured from the protocol spec.
set -euo pipefail
outpost=${1:-.build/debug/outpost}
state=${2:-.outpost/demo}
mkdir -p "$state"
export OUTPOST_SECRET_KEY_FILE="$state/secret.key"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "outpost validate config.json"
"$outpost" validate config.json

step "outpost secret encrypt   (the secret comes from stdin, never from argv)"
sealed=$(printf 'outpost-demo-password' | "$outpost" secret encrypt)
echo "$sealed"

step "outpost cert self-signed --cn localhost --san DNS:localhost,IP:127.0.0.1 --out $state/tls"
rm -rf "$state/tls"
"$outpost" cert self-signed --cn localhost --san DNS:localhost,IP:127.0.0.1 --out "$state/tls" | tee "$state/passphrase.txt"

step "outpost cert inspect $state/tls/cert.pem"
"$outpost" cert inspect "$state/tls/cert.pem"

step "outpost cert check (passphrase from the sealed value printed above)"
grep -o 'enc:v1:[A-Za-z0-9+/=]*' "$state/passphrase.txt" | head -n 1 | "$outpost" secret decrypt > "$state/passphrase.plain"
chmod 600 "$state/passphrase.plain"
"$outpost" cert check --cert "$state/tls/cert.pem" --key "$state/tls/key.pem" --passphrase-file "$state/passphrase.plain"
rm -f "$state/passphrase.plain"

step "outpost wire decode   (AUTH request with app key 'abc', alwayson.md §5a)"
"$outpost" wire decode "01 14 00 00 00 01 00 00 00 00 FF FF FF FF 00 01 06 61 70 70 4B 65 79 03 61 62 63"
