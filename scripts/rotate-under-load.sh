#!/usr/bin/env bash
# Certificate rotation under load: runs `outpost ems` with a TLS directory, drives it with wrk over
# keep-alive connections (established before the rotation) and, at the same time, with a curl loop
# that makes a new TLS handshake per request, replaces the certificate twice meanwhile — once with
# good material, once with a key that does not match — and prints wrk's counts (non-2xx and socket
# errors), the curl loop's count of failures and the serials its handshakes saw, the reload log lines
# and the serial new handshakes see at the end.
#
# Usage: scripts/rotate-under-load.sh [path/to/outpost] [seconds]
set -euo pipefail
OUTPOST=${1:-.build/release/outpost}
SECONDS_TOTAL=${2:-12}
WORK=$(mktemp -d /tmp/outpost-rotate-XXXXXX)
EMS_PID=
cleanup() { [ -n "$EMS_PID" ] && kill "$EMS_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
cd "$WORK"
mkdir tls
ossl() { openssl "$@" >/dev/null 2>&1; }
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
ossl req -x509 -new -key ca.key -subj /CN=Rotate-CA -days 30 -out ca.pem -addext basicConstraints=critical,CA:TRUE
issue() { # name serial
  ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.plain"
  ossl req -new -key "$1.plain" -subj "/CN=$1" -out "$1.csr"
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$1.ext"
  ossl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -set_serial "$2" -days 30 -extfile "$1.ext" -out "$1.pem"
  ossl pkcs8 -topk8 -v2 aes-256-cbc -in "$1.plain" -out "$1.key" -passout pass:rotate-pass
}
install() { # cert key
  cp "$2" tls/.key.tmp && mv tls/.key.tmp tls/key.pem
  cp "$1" tls/.cert.tmp && mv tls/.cert.tmp tls/cert.pem
}
issue v1 1001; issue v2 1002; issue v3 1003
install v1.pem v1.key
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > config.json <<JSON
{ "ws_servers": [{ "host": "127.0.0.1", "port": 1 }], "appKey": "unused",
  "ws_connection": { "encryption": "none", "connect_retry_interval": 60000 },
  "http_server": { "host": "127.0.0.1", "port": $PORT, "ports_to_try": 0, "tls_directory": "$WORK/tls",
                   "passphrase": "rotate-pass", "authenticate": false, "max_clients": 64 } }
JSON
OUTPOST_SECRET_KEY_FILE="$WORK/secret.key" "$OUTPOST" ems --config config.json --state-dir state --log-level notice > ems.log 2>&1 &
EMS_PID=$!
for _ in $(seq 300); do grep -q "^listening" ems.log && break; sleep 0.1; done
grep -q "^listening" ems.log || { echo "ems did not start:"; cat ems.log; exit 1; }
URL="https://127.0.0.1:$PORT/Thingworx/Things/LocalEms/Properties/isConnected"
wrk -t2 -c16 -d"${SECONDS_TOTAL}s" "$URL" > wrk.txt 2>&1 &
WRK=$!
( end=$((SECONDS + SECONDS_TOTAL)); while [ $SECONDS -lt $end ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert ca.pem "https://localhost:$PORT/Thingworx/Things/LocalEms/Properties/isConnected" || true)
    echo "$code" >> handshakes.txt
  done ) &
LOOP=$!
sleep $((SECONDS_TOTAL / 3)); install v2.pem v2.key
sleep $((SECONDS_TOTAL / 3)); install v3.pem v1.key   # mismatched key: must be refused
wait $WRK || true
wait $LOOP || true
echo "== wrk (keep-alive connections opened before the rotations) =="; cat wrk.txt
echo "== new handshake per request (curl --cacert, verifies the chain) =="
echo "requests: $(wc -l < handshakes.txt), failures (not 200): $(grep -vc '^200$' handshakes.txt || true)"
echo "== reloads =="; grep -E "new TLS material" ems.log | sed 's/^.*http_server: //'
echo "== serial now served =="; openssl s_client -connect "127.0.0.1:$PORT" -noservername </dev/null 2>/dev/null | openssl x509 -noout -serial -subject
