#!/usr/bin/env bash
# app_vs_cli.sh: trains the same data with the same settings in the desktop app
# (`tandem --dataset DIR --start --quit-when-done`, offscreen or under xvfb-run) and with
# `tandem train`, one right after the other, and prints both throughputs and their ratio.
# A benchmark: it prints figures and never fails on them.
#
#   tests/bench/app_vs_cli.sh BUILD_DIR DATASET [EPOCHS] [BATCH] [SIZE] [COLOR]
#
# DATASET: e.g. `BUILD_DIR/app/tandem sample-data --out /tmp/fmnist` (Fashion-MNIST as PNGs).
# QPA=xvfb runs the app under xvfb-run instead of the offscreen platform.
set -euo pipefail

build=${1:?usage: app_vs_cli.sh BUILD_DIR DATASET [EPOCHS] [BATCH] [SIZE] [COLOR]}
data=${2:?usage: app_vs_cli.sh BUILD_DIR DATASET [EPOCHS] [BATCH] [SIZE] [COLOR]}
epochs=${3:-2}
batch=${4:-64}
size=${5:-28}
color=${6:-gray}
tandem=$(realpath "$build/app/tandem")
data=$(realpath "$data")
export TANDEM_AGENT=${TANDEM_AGENT:-$(realpath "$build/colab_agent/tandem-agent")}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The app takes its settings from QSettings: give it a config home of its own with these settings.
export XDG_CONFIG_HOME=$work/config
mkdir -p "$XDG_CONFIG_HOME/Tandem"
cat >"$XDG_CONFIG_HOME/Tandem/tandem.conf" <<INI
[preprocess]
json="{\"width\":$size,\"height\":$size,\"color\":\"$color\",\"crop\":\"center\"}"

[training]
epochs=$epochs
batchSize=$batch
model=auto
device=cpu
saveWeights=false

[agent]
mode=local
INI

throughput() { sed -n 's/^throughput: \([0-9.]*\) samples\/s.*/\1/p' "$1" | tail -1; }

echo "dataset $data: $epochs epochs, batch $batch, ${size}px $color, local agent on the CPU"
echo "== desktop app (tandem --dataset DIR --start --quit-when-done)"
if [[ ${QPA:-offscreen} == xvfb ]]; then
    xvfb-run -a -s "-screen 0 1600x1000x24" "$tandem" --dataset "$data" --start --quit-when-done |
        tee "$work/app.txt"
else
    QT_QPA_PLATFORM=offscreen "$tandem" --dataset "$data" --start --quit-when-done | grep -E "^(tandem:|throughput|verdict)" |
        tee "$work/app.txt"
fi
echo "== headless (tandem train)"
"$tandem" train --data "$data" --epochs "$epochs" --batch "$batch" --size "$size" --color "$color" \
    --model auto --device cpu --weights none | grep -E '^(throughput|verdict|Finished)' | tee "$work/cli.txt"

app=$(throughput "$work/app.txt")
cli=$(throughput "$work/cli.txt")
echo
printf 'app %s samples/s, cli %s samples/s, app/cli = %s\n' "$app" "$cli" \
    "$(awk -v a="$app" -v c="$cli" 'BEGIN { if (c > 0) printf "%.2f", a / c; else print "n/a" }')"
