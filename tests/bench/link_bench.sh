#!/usr/bin/env bash
# link_bench.sh: what a slow link does to a run, and what sending each sample once wins back (issue 11).
# A benchmark, run by hand as root (a network namespace and tc); it prints figures, never fails on them.
#
#   tests/bench/link_bench.sh BUILD_DIR [--rates "5 1"] [--epochs 4] [--per-class 50] [--classes 10]
#                             [--size 224] [--batch 32] [--example3] [--mode NAME=ARGS]...
#
# The agent runs in a network namespace of its own behind `tc tbf` on both ends of a veth pair, at
# each rate in MB/s (tc's "mbps" is megabytes per second), and also on plain loopback. The data is
# real photographs (make-photo-dataset: mate-backgrounds cut into 500 × 375 crops, one class per
# photo). Each setting runs `tandem train` with the small CNN, random-resized crops and flips, for
# each mode, one right after the other; the first mode, "raw", is today's path: every sample sent
# raw, every epoch. Extra modes are `tandem train` options: e.g. --mode 'jpeg=--codec jpeg'.
# Per epoch it prints samples/s, bytes/sample on the wire and the agent cache's hit rate (from the
# run's JSON report; "-" where the run records none), and each mode's rate against raw's.
# KEEP=1 keeps the working folder (logs, reports).
# --example3 adds the seed question's "Example 3" at the first rate: upload the dataset as a tar over
# the same link, then train the same epochs from local files on the far side.
set -euo pipefail

usage() { sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
build=$(realpath "$1")
shift
rates="5 1" epochs=4 per_class=50 classes=10 size=224 batch=32 example3=0
modes=("raw=")
while [ $# -gt 0 ]; do
  case $1 in
    --rates) rates=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --per-class) per_class=$2; shift 2 ;;
    --classes) classes=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --example3) example3=1; shift ;;
    --mode) modes+=("$2"); shift 2 ;;
    *) usage ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "link_bench: run as root (it makes a network namespace and shapes it with tc)" >&2; exit 2; }
tandem=$build/app/tandem
agent=$build/colab_agent/tandem-agent
maker=$build/tests/bench/make-photo-dataset
for tool in "$tandem" "$agent" "$maker"; do
  [ -x "$tool" ] || { echo "link_bench: $tool is missing: build $build first" >&2; exit 1; }
done
export QT_QPA_PLATFORM=offscreen

work=$(mktemp -d)
ns=tandemlink$$
host_if=tl$$a ns_if=tl$$b
agent_pid=
cleanup() {
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  ip link del "$host_if" 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

ip netns add "$ns"
ip link add "$host_if" type veth peer name "$ns_if"
ip link set "$ns_if" netns "$ns"
ip addr add 10.77.0.1/24 dev "$host_if"
ip link set "$host_if" up
ip netns exec "$ns" ip addr add 10.77.0.2/24 dev "$ns_if"
ip netns exec "$ns" ip link set "$ns_if" up
ip netns exec "$ns" ip link set lo up

# Both directions: the batches go one way, metrics and pongs the other.
shape() {
  tc qdisc replace dev "$host_if" root tbf rate "$1"mbps burst 64kb latency 400ms
  ip netns exec "$ns" tc qdisc replace dev "$ns_if" root tbf rate "$1"mbps burst 64kb latency 400ms
}

data=$work/photos
"$maker" --out "$data" --per-class "$per_class" --classes "$classes" >/dev/null
"$agent" --generate-secret >"$work/secret"
echo "data: $(find "$data/train" -type f | wc -l) training and $(find "$data/val" -type f | wc -l) validation photos" \
  "($(du -sh "$data" | cut -f1)), ${size}px RGB, small CNN, batch $batch, $epochs epochs; load $(cut -d' ' -f1-3 /proc/loadavg)"

# Per epoch from the JSON report: samples/s over the epoch's batches (first span start to last span
# end, client clock), wire bytes per sample, and the cache hit rate where the batches record one.
summarise() {
  python3 - "$1" <<'PY'
import glob, json, sys
report = [p for p in glob.glob(sys.argv[1] + "/*.json") if not p.endswith((".trace.json", ".tandem-run.json"))][0]
run = json.load(open(report))["run"]
epochs = {}
for b in run["batches"]:
    e = epochs.setdefault(b["epoch"], {"start": None, "end": 0, "samples": 0, "bytes": 0, "hits": 0, "cached": False})
    starts = [s[1] for s in b["spans"]]
    ends = [s[2] for s in b["spans"]]
    e["start"] = min(starts) if e["start"] is None else min(e["start"], min(starts))
    e["end"] = max(e["end"], max(ends))
    e["samples"] += b["samples"]
    e["bytes"] += b.get("wireBytes", 0)
    if "cacheHits" in b:
        e["cached"] = True
        e["hits"] += b["cacheHits"]
for epoch in sorted(epochs):
    e = epochs[epoch]
    seconds = (e["end"] - e["start"]) / 1e9
    hit = "%.2f" % (e["hits"] / e["samples"]) if e["cached"] else "-"
    print("%d %.1f %.0f %s" % (epoch + 1, e["samples"] / seconds, e["bytes"] / e["samples"], hit))
PY
}

# run_mode LABEL URL_HOST IN_NAMESPACE ARGS...: one `tandem train` against a fresh agent.
run_mode() {
  local label=$1 host=$2 inns=$3
  shift 3
  local prefix=()
  [ "$inns" = 1 ] && prefix=(ip netns exec "$ns")
  "${prefix[@]}" "$agent" --listen "$host:8765" --secret-file "$work/secret" --device cpu --once >"$work/agent-$label.log" 2>&1 &
  agent_pid=$!
  for _ in $(seq 100); do
    "${prefix[@]}" ss -ltn 2>/dev/null | grep -q ":8765 " && break
    sleep 0.1
  done
  local start end
  start=$(date +%s%N)
  "$tandem" train --data "$data" --agent "ws://$host:8765" --secret-file "$work/secret" --epochs "$epochs" \
    --batch "$batch" --size "$size" --color rgb --model cnn --crop random --flip --device cpu --weights none \
    --report "$work/report-$label" "$@" >"$work/train-$label.log" 2>&1 || {
    echo "  $label: tandem train failed:"; tail -5 "$work/train-$label.log"; }
  end=$(date +%s%N)
  wait "$agent_pid" 2>/dev/null || true
  agent_pid=
  echo $(((end - start) / 1000000)) >"$work/wall-$label"
}

# bench_setting NAME KEY HOST IN_NAMESPACE: every mode at one link setting (KEY names its files).
bench_setting() {
  local setting=$2 host=$3 inns=$4
  echo "== $1"
  printf '  %-10s %5s %12s %14s %9s %9s\n' mode epoch samples/s bytes/sample hit-rate "vs raw"
  local spec label args
  for spec in "${modes[@]}"; do
    label=${spec%%=*}
    args=${spec#*=}
    # shellcheck disable=SC2086 # the mode's options are words
    run_mode "$setting-$label" "$host" "$inns" $args
    [ -d "$work/report-$setting-$label" ] || continue
    summarise "$work/report-$setting-$label" >"$work/epochs-$setting-$label"
    while read -r epoch rate bytes hit; do
      local base
      base=$(awk -v e="$epoch" '$1 == e { print $2 }' "$work/epochs-$setting-raw" 2>/dev/null)
      printf '  %-10s %5s %12s %14s %9s %8.2fx\n' "$label" "$epoch" "$rate" "$bytes" "$hit" \
        "$(awk -v a="$rate" -v b="${base:-0}" 'BEGIN { print (b > 0 ? a / b : 0) }')"
    done <"$work/epochs-$setting-$label"
    echo "  $label: $(($(cat "$work/wall-$setting-$label") / 1000)) s wall for $epochs epochs"
  done
}

bench_setting loopback loopback 127.0.0.1 0
for rate in $rates; do
  shape "$rate"
  bench_setting "$rate MB/s" "${rate}MBps" 10.77.0.2 1
done

if [ "$example3" = 1 ]; then
  rate=${rates%% *}
  shape "$rate"
  echo "== Example 3 at $rate MB/s: upload the dataset as a tar, then train from local files there"
  tar -C "$work" -cf "$work/photos.tar" photos
  mkdir -p "$work/far"
  ip netns exec "$ns" python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("10.77.0.2", 9000)); s.listen(1)
c, _ = s.accept()
with open(sys.argv[1], "wb") as f:
    while True:
        b = c.recv(1 << 16)
        if not b: break
        f.write(b)' "$work/far/photos.tar" &
  receiver=$!
  sleep 0.5
  start=$(date +%s%N)
  python3 -c '
import socket, sys
s = socket.create_connection(("10.77.0.2", 9000))
with open(sys.argv[1], "rb") as f: s.sendfile(f)
s.close()' "$work/photos.tar"
  wait "$receiver"
  upload=$((($(date +%s%N) - start) / 1000000))
  tar -C "$work/far" -xf "$work/far/photos.tar"
  start=$(date +%s%N)
  ip netns exec "$ns" "$tandem" train --data "$work/far/photos" --agent local --agent-program "$agent" \
    --epochs "$epochs" --batch "$batch" --size "$size" --color rgb --model cnn --crop random --flip --device cpu \
    --weights none >"$work/train-example3.log" 2>&1
  local_ms=$((($(date +%s%N) - start) / 1000000))
  seconds() { awk -v ms="$1" 'BEGIN { printf "%.1f", ms / 1000 }'; }
  echo "  tar of $(du -h "$work/photos.tar" | cut -f1): upload $(seconds "$upload") s, then $epochs epochs locally" \
    "$(seconds "$local_ms") s: $(seconds $((upload + local_ms))) s in all"
  for spec in "${modes[@]}"; do
    label=${spec%%=*}
    [ -f "$work/wall-${rate}MBps-$label" ] &&
      echo "  Tandem $label over the same link: $(seconds "$(cat "$work/wall-${rate}MBps-$label")") s"
  done
fi
