#!/usr/bin/env bash
# Runs the sample application against a local etcd on 127.0.0.1:2379: installs Debian's etcd-server when etcd is
# missing (elsewhere, says how to get it), starts etcd (v2 enabled) unless one is already answering there, writes
# the demo configuration under /config/sample-app/ when there is none, builds and runs the application, and stops
# the etcd it started when the application exits, unless other instances of the sample still use it.
# Extra arguments go to the application, e.g. ./run-sample.sh --etcd.api=v2 --server.port=9090; a second instance
# (./run-sample.sh --server.port=8081, in another terminal) uses the etcd the first one started.
set -euo pipefail
cd "$(dirname "$0")"

ENDPOINT=http://127.0.0.1:2379
PEER=http://127.0.0.1:2380
etcd_pid=""
data_dir=""

cleanup() {
    if [ -n "$etcd_pid" ] && others_campaign; then
        echo "Leaving the etcd this script started running (pid $etcd_pid, data in $data_dir): another instance of"
        echo "the sample still uses it. Stop it with: kill $etcd_pid"
        return
    fi
    if [ -n "$etcd_pid" ]; then
        echo "Stopping the etcd this script started (pid $etcd_pid)"
        kill "$etcd_pid" 2>/dev/null || true
        wait "$etcd_pid" 2>/dev/null || true
    fi
    if [ -n "$data_dir" ]; then
        rm -rf "$data_dir"
    fi
}
trap cleanup EXIT

# Whether other instances of the sample still campaign in its election (sample-app/leader), on either API: this
# one resigned as it stopped.
others_campaign() {
    local range="{\"key\":\"$(b64 sample-app/leader/)\",\"range_end\":\"$(b64 sample-app/leader0)\",\"count_only\":true}"
    curl -sf -m 2 -X POST "$ENDPOINT/v3/kv/range" -d "$range" 2>/dev/null | grep '"count"' >/dev/null \
        || curl -sf -m 2 "$ENDPOINT/v2/keys/sample-app/leader" 2>/dev/null | grep '"nodes"' >/dev/null
}
b64() { printf '%s' "$1" | base64 | tr -d '\n'; }

healthy() {
    curl -sf -m 2 "$ENDPOINT/health" 2>/dev/null | grep '"health":"true"' >/dev/null  # not -q: an early exit could SIGPIPE curl under pipefail
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# curl talks to etcd below; on Debian, installed with etcd-server when missing.
apt_missing=()
command -v curl >/dev/null 2>&1 || apt_missing+=(curl)
command -v etcd >/dev/null 2>&1 || apt_missing+=(etcd-server)
if [ "${#apt_missing[@]}" -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's ${apt_missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${apt_missing[@]}"
fi
command -v curl >/dev/null 2>&1 || { echo "curl is needed: install it, and run this script again." >&2; exit 1; }

if healthy; then
    echo "Using the etcd already answering at $ENDPOINT"
else
    if ! command -v etcd >/dev/null 2>&1; then
        echo "etcd is not installed. Install etcd 3.4 or 3.5 (https://etcd.io/docs/v3.5/install/), put it on" >&2
        echo "the PATH, and run this script again; or start one yourself on $ENDPOINT with --enable-v2=true." >&2
        exit 1
    fi
    data_dir=$(mktemp -d -t etcd-sample-XXXXXX)
    echo "Starting etcd on $ENDPOINT (data in $data_dir, log in $data_dir/etcd.log)"
    # In a session of its own, so the terminal's Ctrl-C reaches only the application: etcd (Go) would stop on it,
    # though a background command starts with SIGINT ignored, and another instance may still use it.
    detach=()
    command -v setsid >/dev/null 2>&1 && detach=(setsid)
    ${detach[@]+"${detach[@]}"} etcd --name sample --data-dir "$data_dir/data" \
        --listen-client-urls "$ENDPOINT" --advertise-client-urls "$ENDPOINT" \
        --listen-peer-urls "$PEER" --initial-advertise-peer-urls "$PEER" \
        --initial-cluster "sample=$PEER" --enable-v2=true > "$data_dir/etcd.log" 2>&1 &
    etcd_pid=$!
    for _ in $(seq 1 150); do
        healthy && break
        if ! kill -0 "$etcd_pid" 2>/dev/null; then
            echo "etcd exited; its log:" >&2
            cat "$data_dir/etcd.log" >&2
            etcd_pid=""
            exit 1
        fi
        sleep 0.2
    done
    healthy || { echo "etcd did not become healthy; see $data_dir/etcd.log" >&2; exit 1; }
fi

# The demo configuration, through the API the application will read it with (v3 unless --etcd.api=v2).
api=v3
port=8080
for arg in "$@"; do
    case "$arg" in
        --etcd.api=v2|--etcd.api=V2) api=v2 ;;
        --etcd.api=*) api=v3 ;;
        --server.port=*) port=${arg#--server.port=} ;;
    esac
done
put_demo() {  # key below /config/sample-app/, value
    if [ "$api" = v2 ]; then
        curl -sf -m 5 -X PUT "$ENDPOINT/v2/keys/config/sample-app/$1" --data-urlencode "value=$2" >/dev/null
    else
        curl -sf -m 5 -X POST "$ENDPOINT/v3/kv/put" \
            -d "{\"key\":\"$(b64 "/config/sample-app/$1")\",\"value\":\"$(b64 "$2")\"}" >/dev/null
    fi
}
has_config() {
    if [ "$api" = v2 ]; then
        curl -sf -m 5 "$ENDPOINT/v2/keys/config/sample-app" >/dev/null
    else
        curl -sf -m 5 -X POST "$ENDPOINT/v3/kv/range" -d "{\"key\":\"$(b64 /config/sample-app/)\",\"range_end\":\"$(b64 /config/sample-app0)\",\"count_only\":true}" \
            | grep '"count"' >/dev/null
    fi
}
if has_config; then
    echo "Using the configuration already under /config/sample-app/ ($api)"
else
    echo "Writing the demo configuration under /config/sample-app/ ($api)"
    put_demo sample/greeting "Hello from etcd"
    put_demo sample/banner/text "This banner's text and colour live in etcd"
    put_demo sample/banner/color "#2f855a"
    put_demo sample/features/dark-mode "false"
    put_demo sample/features/new-checkout "true"
fi

./mvnw -q -B -DskipTests install
echo "Starting the sample on http://localhost:$port/ (Ctrl-C stops it, and the etcd this script started unless another instance still uses it)"
java -jar sample-app/target/sample-app-0.1.0-SNAPSHOT.jar --etcd.endpoints="$ENDPOINT" "$@"
