#!/usr/bin/env bash
# Benchmarks `outpost ems` (release build) against nginx as the ceiling on the same machine, with the
# same TLS (P-256 certificate, TLS 1.2+) and HTTP Basic auth, wrk -t2 -c64 -d10s over keep-alive.
# Prints figures; it is not a test. Needs wrk and nginx (apt-get install -y wrk nginx).
#
#   scripts/bench-ems.sh            # build release (static runtime, function sections) into .build-ems-release, then measure
#   DURATION=5s scripts/bench-ems.sh
#   OUTPOST_BIN=path/to/outpost scripts/bench-ems.sh   # skip the build, measure that binary
#   RATE=5000 scripts/bench-ems.sh   # the fixed rate of (3), run with outpost-bench http-rate
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCRATCH=${SCRATCH:-.build-ems-release}
DURATION=${DURATION:-10s}
RATE=${RATE:-5000}
for tool in wrk nginx openssl curl; do
    command -v "$tool" >/dev/null || { echo "bench-ems: $tool is missing (apt-get install -y wrk nginx)" >&2; exit 1; }
done

if [ -n "${OUTPOST_BIN:-}" ]; then
    BIN=$OUTPOST_BIN
    LOAD=${OUTPOST_BENCH_BIN:-$(dirname "$OUTPOST_BIN")/outpost-bench}
else
    # The release build as shipped (docs/rss.md): Swift runtime linked in, one section per function so
    # the link's symbol order (scripts/outpost-startup.order) can pack the start-up and request code.
    # A first build takes 10-15 minutes on 2 cores.
    RELEASE=(-c release --static-swift-stdlib --scratch-path "$SCRATCH"
        -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections -Xcc -fdata-sections)
    swift build "${RELEASE[@]}" --product outpost >&2
    swift build "${RELEASE[@]}" --product outpost-bench >&2
    BIN="$ROOT/$SCRATCH/release/outpost"
    LOAD="$ROOT/$SCRATCH/release/outpost-bench"
fi

source scripts/lib/scratch.sh
source scripts/lib/ems-fixture.sh
scratch_init bench-ems

EMS_PORT=$(free_port); NGINX_PORT=$(free_port); PLATFORM_PORT=$(free_port); ADMIN_PORT=$(free_port)
USER=emsuser; PASS=bench-pass-123
AUTH="Authorization: Basic $(printf '%s:%s' "$USER" "$PASS" | base64)"

# Same certificate for both servers: P-256, key encrypted (nginx reads it with ssl_password_file).
fixture_certificate bench
echo bench-key-pass > "$WORK/key.pass"
export OUTPOST_SECRET_KEY_FILE="$WORK/secret.key"

fixture_platform_config bench
fixture_ems_config bench "$EMS_PORT"

"$BIN" platform --config "$WORK/platform.json" > "$WORK/platform.out" 2> "$WORK/platform.err" &
PIDS+=($!)
"$BIN" ems --config "$WORK/config.json" --state-dir "$WORK/state" --log-level error > "$WORK/ems.out" 2> "$WORK/ems.err" &
EMS_PID=$!
PIDS+=($EMS_PID)

# nginx: same TLS, Basic auth against an htpasswd entry, fixed answers.
printf '%s:%s\n' "$USER" "$(openssl passwd -apr1 "$PASS")" > "$WORK/htpasswd"
mkdir -p "$WORK/nginx"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log crit;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx; fastcgi_temp_path $WORK/nginx;
    uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$NGINX_PORT ssl;
        ssl_certificate $WORK/cert.pem; ssl_certificate_key $WORK/key.pem; ssl_password_file $WORK/key.pass;
        ssl_protocols TLSv1.2 TLSv1.3;
        auth_basic "bench"; auth_basic_user_file $WORK/htpasswd;
        default_type application/json;
        location / { return 200 '{"rows":[{"isConnected":true}]}'; }
    }
}
CONF
nginx -c "$WORK/nginx.conf" -g 'daemon off;' &
PIDS+=($!)

wait_for() { for _ in $(seq 1 200); do curl -sk -o /dev/null -H "$AUTH" "$1" && return 0; sleep 0.1; done; echo "bench-ems: $1 never answered" >&2; exit 1; }
wait_for "https://127.0.0.1:$EMS_PORT/Thingworx/Things/LocalEms/Properties/isConnected"
wait_for "https://127.0.0.1:$NGINX_PORT/"
for _ in $(seq 1 100); do
    curl -sk -H "$AUTH" "https://127.0.0.1:$EMS_PORT/Thingworx/Things/LocalEms/Properties/isConnected" | grep -q true && break
    sleep 0.1
done

# VmRSS, and its private (anonymous) and file-backed parts: most of an idle Swift process is shared
# library and binary pages (libswiftCore, Foundation, ICU) that other Swift processes share.
rss() { awk '/VmRSS/ {r=$2} /RssAnon/ {a=$2} /RssFile/ {f=$2} END {printf "%.1f MB (anon %.1f, file %.1f)", r/1024, a/1024, f/1024}' "/proc/$1/status"; }
hwm() { awk '/VmHWM/ {printf "%.1f MB", $2/1024}' "/proc/$1/status"; }
IDLE_RSS=$(rss "$EMS_PID")

cat > "$WORK/put.lua" <<'LUA'
wrk.method = "PUT"
wrk.body = '{"Temperature": 21.5}'
wrk.headers["Content-Type"] = "application/json"
LUA

rate() { awk '/Requests\/sec/ {print $2}'; }
bench() { wrk -t2 -c64 -d"$DURATION" -H "$AUTH" "$@" 2>&1; }

LOAD_BEFORE=$(uptime)
# CPU time the hypervisor gave to other guests during the runs (the `steal` column of /proc/stat): on a
# shared virtual machine it stalls every thread at random and moves latency percentiles by milliseconds.
cpu_ticks() { awk '/^cpu / {total=0; for (i=2; i<=NF; i++) total+=$i; print $9, total}' /proc/stat; }
read -r STEAL_BEFORE TOTAL_BEFORE < <(cpu_ticks)
ISC=/Thingworx/Things/LocalEms/Properties/isConnected
PUT=/Thingworx/Things/BenchThing/Properties/Temperature
ems_get=$(bench "https://127.0.0.1:$EMS_PORT$ISC" | rate)
nginx_get=$(bench "https://127.0.0.1:$NGINX_PORT$ISC" | rate)
ems_put=$(bench -s "$WORK/put.lua" "https://127.0.0.1:$EMS_PORT$PUT" | rate)
nginx_put=$(bench -s "$WORK/put.lua" "https://127.0.0.1:$NGINX_PORT$PUT" | rate)
LOADED_RSS=$(rss "$EMS_PID"); PEAK_RSS=$(hwm "$EMS_PID")
# (3) Open loop at a fixed rate (wrk2-style, `outpost-bench http-rate`): latency counted from when each
# request was due, so queueing behind a slow answer is charged. wrk2 is not packaged in Debian.
fixed() {
    "$LOAD" http-rate "$1" --rate "$RATE" --duration "${DURATION%s}" --connections 50 \
        --method PUT --body '{"Temperature": 21.5}' --header "$AUTH" --header 'Content-Type: application/json'
}
paced_ems=$(fixed "https://127.0.0.1:$EMS_PORT$PUT")
paced_nginx=$(fixed "https://127.0.0.1:$NGINX_PORT$PUT")
read -r STEAL_AFTER TOTAL_AFTER < <(cpu_ticks)
STEAL=$(awk -v s=$((STEAL_AFTER - STEAL_BEFORE)) -v t=$((TOTAL_AFTER - TOTAL_BEFORE)) 'BEGIN {printf "%.1f %%", t ? 100 * s / t : 0}')
NGINX_RSS=$(ps -o rss= --ppid "$(cat "$WORK/nginx.pid")" -p "$(cat "$WORK/nginx.pid")" | awk '{s+=$1} END {print s/1024 " MB"}')

ratio() { /usr/bin/python3 -c "import sys; a,b=float(sys.argv[1] or 0),float(sys.argv[2] or 0); print(f'{a/b:.2f}' if b else 'n/a')" "$1" "$2"; }
echo "outpost ems benchmark ($(nproc) cores, wrk -t2 -c64 -d$DURATION, HTTPS + Basic auth, keep-alive)"
echo "  load before: $LOAD_BEFORE"
echo "  load after:  $(uptime)"
echo "  CPU steal during the runs: $STEAL of all CPU time (time the hypervisor ran other guests)"
printf '  (1) GET isConnected (local):          %10s req/s   nginx %10s req/s   ratio %s\n' "$ems_get" "$nginx_get" "$(ratio "$ems_get" "$nginx_get")"
printf '  (2) PUT property -> platform, acked:  %10s req/s   nginx %10s req/s   ratio %s (nginx answers locally)\n' "$ems_put" "$nginx_put" "$(ratio "$ems_put" "$nginx_put")"
printf '  (3) PUT at a fixed %s req/s (open loop, 50 conns), latency ms:\n      ems   %s\n      nginx %s\n' "$RATE" "$paced_ems" "$paced_nginx"
printf '  (4) RSS outpost ems: idle %s, after load %s, peak %s;  nginx (master + workers) %s\n' "$IDLE_RSS" "$LOADED_RSS" "$PEAK_RSS" "$NGINX_RSS"
