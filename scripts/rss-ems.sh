#!/usr/bin/env bash
# Where the idle RSS of `outpost ems` goes: starts `outpost platform` and `outpost ems` (HTTPS + Basic auth, the
# configuration of scripts/bench-ems.sh), waits until isConnected answers true, then prints VmRSS (anonymous and
# file-backed), the mappings holding the most resident memory, and which ELF sections of the outpost binary
# have resident pages (read from /proc/PID/pagemap). Prints figures; it is not a test. See docs/rss.md.
#
#   scripts/rss-ems.sh path/to/outpost          # e.g. .build-release/release/outpost
#   RUNS=3 scripts/rss-ems.sh path/to/outpost   # repeat (each run a fresh process), print each
set -euo pipefail
BIN=$(realpath "${1:?usage: scripts/rss-ems.sh path/to/outpost}")
RUNS=${RUNS:-1}
for tool in openssl curl python3; do
    command -v "$tool" >/dev/null || { echo "rss-ems: $tool is missing" >&2; exit 1; }
done

source "$(dirname "$0")/lib/scratch.sh"
source "$(dirname "$0")/lib/ems-fixture.sh"
scratch_init rss-ems

PLATFORM_PORT=$(free_port); ADMIN_PORT=$(free_port)
USER=emsuser; PASS=rss-pass-123
AUTH="Authorization: Basic $(printf '%s:%s' "$USER" "$PASS" | base64)"
fixture_certificate rss
export OUTPOST_SECRET_KEY_FILE="$WORK/secret.key"
fixture_platform_config rss
"$BIN" platform --config "$WORK/platform.json" > "$WORK/platform.out" 2> "$WORK/platform.err" &
PIDS+=($!)

for run in $(seq 1 "$RUNS"); do
    EMS_PORT=$(free_port)
    fixture_ems_config rss "$EMS_PORT"
    rm -rf "$WORK/state"
    "$BIN" ems --config "$WORK/config.json" --state-dir "$WORK/state" --log-level error > "$WORK/ems.out" 2> "$WORK/ems.err" &
    EMS_PID=$!
    PIDS+=($EMS_PID)
    URL="https://127.0.0.1:$EMS_PORT/Thingworx/Things/LocalEms/Properties/isConnected"
    connected=no
    for _ in $(seq 1 600); do
        if curl -sk -H "$AUTH" "$URL" 2>/dev/null | grep -q '"isConnected":true'; then connected=yes; break; fi
        kill -0 "$EMS_PID" 2>/dev/null || { echo "rss-ems: outpost ems exited:" >&2; cat "$WORK/ems.err" >&2; exit 1; }
        sleep 0.1
    done
    [ "$connected" = yes ] || { echo "rss-ems: isConnected never became true" >&2; exit 1; }
    echo "run $run: $(awk '/VmRSS/ {r=$2} /RssAnon/ {a=$2} /RssFile/ {f=$2} /Threads/ {t=$2} END {printf "VmRSS %.1f MB (anon %.1f, file %.1f), %d threads", r/1024, a/1024, f/1024, t}' "/proc/$EMS_PID/status")"
    if [ "$run" = "$RUNS" ]; then
        echo "mappings with the most resident memory:"
        awk '/^[0-9a-f]+-[0-9a-f]+ / {name=$6; if (name == "") name="[anonymous]"; perm=$2}
             /^Rss:/ {r[name " " perm] += $2}
             END {for (k in r) if (r[k] >= 256) printf "  %6.1f MB  %s\n", r[k]/1024, k}' "/proc/$EMS_PID/smaps" | sort -rn | head -12
        echo "resident pages of the outpost binary by ELF section (MB resident of MB in the file):"
        python3 - "$EMS_PID" "$BIN" <<'PY'
import os, struct, subprocess, sys
pid, binary = int(sys.argv[1]), os.path.realpath(sys.argv[2])
sections = []
for line in subprocess.run(["readelf", "-S", "-W", binary], capture_output=True, text=True).stdout.splitlines():
    line = line.strip()
    if not line.startswith("[") or "]" not in line:
        continue
    fields = line.split("]", 1)[1].split()
    if len(fields) < 5 or fields[0] in ("Name", "NULL"):
        continue
    try:
        address, size = int(fields[2], 16), int(fields[4], 16)
    except ValueError:
        continue
    if address and size:
        sections.append((address, address + size, fields[0]))
resident = []
base = None
with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
    for line in open(f"/proc/{pid}/maps"):
        parts = line.split()
        if len(parts) < 6 or os.path.realpath(parts[5]) != binary:
            continue
        low, high = (int(x, 16) for x in parts[0].split("-"))
        offset = int(parts[2], 16)
        if base is None:
            base = low - offset
        pagemap.seek(low // 4096 * 8)
        entries = pagemap.read((high - low) // 4096 * 8)
        for i in range(0, len(entries), 8):
            if struct.unpack("<Q", entries[i:i + 8])[0] >> 63:
                resident.append(low + i // 8 * 4096 - base)
counts = {}
for page in resident:
    for low, high, name in sections:
        if low < page + 4096 and high > page:
            counts[name] = counts.get(name, 0) + 1
for low, high, name in sorted(sections, key=lambda s: -counts.get(s[2], 0)):
    if counts.get(name, 0) * 4 >= 128:
        print(f"  {counts[name] * 4 / 1024:6.1f} of {(high - low) / 1048576:6.1f}  {name}")
print(f"  {len(resident) * 4 / 1024:6.1f} MB of the binary resident in all")
PY
    fi
    kill "$EMS_PID"; wait "$EMS_PID" 2>/dev/null || true
done
