#!/usr/bin/env bash
# Runs the sample application against a local etcd on 127.0.0.1:2379, starting one (v2 enabled) unless one is
# already answering there, and stopping the etcd it started when the application exits.
# Extra arguments go to the application, e.g. ./run-sample.sh --server.port=9090
set -euo pipefail
cd "$(dirname "$0")"

ENDPOINT=http://127.0.0.1:2379
PEER=http://127.0.0.1:2380
etcd_pid=""
data_dir=""

cleanup() {
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

healthy() {
    curl -sf -m 2 "$ENDPOINT/health" 2>/dev/null | grep -q '"health":"true"'
}

if healthy; then
    echo "Using the etcd already answering at $ENDPOINT"
else
    if ! command -v etcd >/dev/null 2>&1; then
        if command -v apt-get >/dev/null 2>&1; then
            echo "Installing Debian's etcd-server"
            if [ "$(id -u)" -eq 0 ]; then sudo_cmd=(); else sudo_cmd=(sudo); fi
            "${sudo_cmd[@]}" apt-get update -q
            "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q etcd-server
        else
            echo "etcd is not installed. Install etcd 3.4 or 3.5 (https://etcd.io/docs/v3.5/install/), put it on" >&2
            echo "the PATH, and run this script again; or start one yourself on $ENDPOINT with --enable-v2=true." >&2
            exit 1
        fi
    fi
    data_dir=$(mktemp -d -t etcd-sample-XXXXXX)
    echo "Starting etcd on $ENDPOINT (data in $data_dir, log in $data_dir/etcd.log)"
    etcd --name sample --data-dir "$data_dir/data" \
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

./mvnw -q -B -DskipTests install
java -jar sample-app/target/sample-app-0.1.0-SNAPSHOT.jar --etcd.endpoints="$ENDPOINT" "$@"
