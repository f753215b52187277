#!/usr/bin/env bash
# Regenerates scripts/outpost-startup.order: the functions `outpost ems` runs from exec until it answers its
# first isConnected (uplink connected), then while it serves local reads and forwarded property writes (wrk),
# in the order callgrind first meets them. The release link (Package.swift,
# Linux) hands the file to lld (--symbol-ordering-file), which puts those functions' sections first in .text,
# so start-up and idle touch a few MB of code instead of blocks all over the binary. See docs/rss.md.
# A stale file is harmless (missing names are skipped); regenerate it after large changes.
#
#   scripts/rss-order.sh path/to/release/outpost     # needs valgrind (apt-get install -y valgrind), ~2 min
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:?usage: scripts/rss-order.sh path/to/release/outpost}")
command -v valgrind >/dev/null || { echo "rss-order: valgrind is missing (apt-get install -y valgrind)" >&2; exit 1; }
source scripts/lib/scratch.sh
scratch_init rss-order

# valgrind 3.19 crashes in libdispatch's sigsuspend on the async main thread: replace it with pause().
printf '#include <signal.h>\n#include <unistd.h>\nint sigsuspend(const sigset_t *m) { (void)m; return pause(); }\n' > "$WORK/shim.c"
cc -shared -fPIC -O2 -o "$WORK/shim.so" "$WORK/shim.c"
strip --strip-debug -o "$WORK/outpost" "$BIN"

EMS_PORT=$(free_port); PLATFORM_PORT=$(free_port); ADMIN_PORT=$(free_port)
AUTH="Authorization: Basic $(printf 'emsuser:order-pass-123' | base64)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -passout pass:order-key-pass 2>/dev/null
export OUTPOST_SECRET_KEY_FILE="$WORK/secret.key"
cat > "$WORK/platform.json" <<JSON
{ "listen": { "host": "127.0.0.1", "port": $PLATFORM_PORT, "resource": "/Thingworx/WS" }, "app_keys": ["order-app-key"],
  "admin": { "host": "127.0.0.1", "port": $ADMIN_PORT, "token": "order-admin-token" }, "store": { "path": "$WORK/things.json" } }
JSON
cat > "$WORK/config.json" <<JSON
{ "ws_servers": [{ "host": "127.0.0.1", "port": $PLATFORM_PORT }], "appKey": "order-app-key", "ws_connection": { "encryption": "none" },
  "http_server": { "host": "127.0.0.1", "port": $EMS_PORT, "ports_to_try": 0, "ssl": true, "certificate": "$WORK/cert.pem",
    "private_key": "$WORK/key.pem", "passphrase": "order-key-pass", "authenticate": true, "user": "emsuser",
    "password": "order-pass-123", "max_clients": 128 } }
JSON
"$BIN" platform --config "$WORK/platform.json" > "$WORK/platform.out" 2>&1 &
PIDS+=($!)
LD_PRELOAD="$WORK/shim.so" valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" \
    "$WORK/outpost" ems --config "$WORK/config.json" --state-dir "$WORK/state" --log-level error > "$WORK/ems.out" 2>&1 &
EMS_PID=$!
PIDS+=($EMS_PID)
for _ in $(seq 1 1800); do
    curl -sk -H "$AUTH" "https://127.0.0.1:$EMS_PORT/Thingworx/Things/LocalEms/Properties/isConnected" 2>/dev/null \
        | grep -q '"isConnected":true' && break
    sleep 0.1
done
sleep 2
# Then the request path (a local read and a forwarded property write, as devices send them), so the code
# every request runs lies together after the start-up code: fewer pages and TLB entries under load too.
if command -v wrk >/dev/null; then
    cat > "$WORK/put.lua" <<'LUA'
wrk.method = "PUT"
wrk.body = '{"Temperature": 21.5}'
wrk.headers["Content-Type"] = "application/json"
LUA
    wrk -t1 -c4 -d4s -H "$AUTH" "https://127.0.0.1:$EMS_PORT/Thingworx/Things/LocalEms/Properties/isConnected" > /dev/null
    wrk -t1 -c4 -d4s -H "$AUTH" -s "$WORK/put.lua" "https://127.0.0.1:$EMS_PORT/Thingworx/Things/OrderThing/Properties/Temperature" > /dev/null
else
    echo "rss-order: wrk is missing (apt-get install -y wrk): the order covers start-up only" >&2
fi
callgrind_control -d "$EMS_PID" > /dev/null
for _ in $(seq 1 100); do [ -s "$WORK/cg.out.1" ] && break; sleep 0.1; done
[ -s "$WORK/cg.out.1" ] || { echo "rss-order: no callgrind dump (did outpost ems start? see below)" >&2; cat "$WORK/ems.out" >&2; exit 1; }

# Functions of the binary in first-seen order; C++ names (the Swift runtime, ICU) are printed demangled by
# callgrind, so they are mapped back to their linker names through the symbol addresses.
nm --defined-only "$WORK/outpost" > "$WORK/names"
nm -C --defined-only "$WORK/outpost" > "$WORK/demangled"
python3 - "$WORK/cg.out.1" "$WORK/names" "$WORK/demangled" > scripts/outpost-startup.order <<'PY'
import re, sys
dump, names, demangled = sys.argv[1:4]
by_address = {}
for line in open(names):
    parts = line.split(None, 2)
    if len(parts) == 3:
        by_address.setdefault(parts[0], parts[2].strip())
linker_name = {}
for line in open(demangled):
    parts = line.split(None, 2)
    if len(parts) == 3 and parts[0] in by_address:
        linker_name.setdefault(parts[2].strip(), by_address[parts[0]])
objects, functions, current, seen = {}, {}, None, []
for line in open(dump, errors="replace"):
    match = re.match(r"^(c?ob|c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
    if not match:
        continue
    kind, number, name = match.groups()
    if kind in ("ob", "cob"):
        if name:
            objects[number] = name
        if kind == "ob":
            current = objects.get(number, "")
    else:
        if name:
            functions[number] = name
        if kind == "fn" and current and current.endswith("/outpost"):
            seen.append(re.sub(r"'\d+$", "", functions[number]))
written = set()
for name in seen:
    symbol = name if re.match(r"^[$A-Za-z_][$A-Za-z0-9_.]*$", name) else linker_name.get(name)
    if symbol and symbol not in written:
        written.add(symbol)
        print(symbol)
PY
echo "rss-order: $(wc -l < scripts/outpost-startup.order) functions written to scripts/outpost-startup.order"
