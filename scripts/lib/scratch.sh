# Sourced by the measuring scripts (bench-ems.sh, rss-ems.sh, rss-order.sh): one scratch directory
# and the background processes started for a run, both removed on exit however the script ends, and
# a free loopback port for each server.
#
#   source "$(dirname "$0")/lib/scratch.sh"
#   scratch_init bench-ems          # WORK=/tmp/outpost-bench-ems.XXXXXX, PIDS=()
#   some-server & PIDS+=($!)
#   PORT=$(free_port)

scratch_init() {
    WORK=$(mktemp -d "/tmp/outpost-$1.XXXXXX")
    PIDS=()
    trap scratch_cleanup EXIT
}

scratch_cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
