#!/usr/bin/env bash
# Issue 13's speed and size targets, all from one run on this machine: the machine and the load
# average before each step, then every figure of BENCHMARKS.md's Targets table.
#
#   bash benches/targets.sh 2>&1 | tee /tmp/targets.txt      # ≈ 20 min; nothing else should run
#   QUICK=1 bash benches/targets.sh                          # criterion --quick (≈ 10 min)
#
# Steps: the peers benchmark (datalogic-rs ÷ qagida, regorus ÷ qagida), validate ÷ serde_json
# parse (criterion, with the parse-floor crate for serde_json's default features), pack load
# from the compiled form (criterion's logs in /tmp/qagida-targets-*.log), the WebAssembly module (size, gzipped; Node ÷ native), the CLI on a
# 100 MiB NDJSON batch (MB/s and peak memory). Never commit what it writes under /tmp.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/benches"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
quick=()
[ -n "${QUICK:-}" ] && quick=(--quick)
step() { printf '\n### %s (%s UTC, load average %s)\n' "$1" "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)"; }

step "machine"
echo "commit $(git -C "$root" rev-parse --short HEAD); $(nproc) CPUs: $(lscpu | sed -n 's/^Model name: *//p')"
echo "$(free -g | awk '/^Mem:/ {print $2}') GiB memory; $(rustc -V); node $(node -v)"

step "build"
cargo build --release --bin native_loop 2>&1 | tail -1
(cd "$root" && cargo build --release -p qagida-cli 2>&1 | tail -1)

step "peers"
cargo bench --bench peers -- "${quick[@]}" >/tmp/qagida-targets-peers.log 2>&1

step "validate vs parse"
cargo bench --bench validate_vs_parse -- "${quick[@]}" >/tmp/qagida-targets-vvp.log 2>&1
(cd parse-floor && cargo bench --bench parse -- "${quick[@]}" >/tmp/qagida-targets-floor.log 2>&1)

step "pack load from the compiled form"
cargo bench --bench pack_load -- "${quick[@]}" from_compiled >/tmp/qagida-targets-load.log 2>&1
"$CARGO_TARGET_DIR/release/native_loop" compiled 200

step "WebAssembly module: size and Node ÷ native"
(cd "$root" && node scripts/build-wasm.mjs --targets=web,nodejs 2>&1 | grep -E 'validator|target [0-9]')
step "WebAssembly under Node ÷ native"
node wasm-vs-native.mjs --iter=2000 2>&1 | tail -20

step "CLI --ndjson, 100 MiB"
batch=/tmp/qagida-targets-100m.ndjson
[ -f "$batch" ] || python3 gen-ndjson.py "$batch" 100
cli="$root/target/release/qagida"
for run in 1 2; do
  /usr/bin/time -f '%e s elapsed, %M KB peak RSS' "$cli" validate --ndjson "$batch" >/dev/null 2>/tmp/qagida-targets-time.txt || true
  t=$(tail -1 /tmp/qagida-targets-time.txt)
  secs=${t%% s*}
  echo "run $run: $t; $(python3 -c "print(f'{$(stat -c %s "$batch") / $secs / 1e6:.1f} MB/s')")"
done

step "criterion tables (benches/report.py)"
python3 report.py | sed -n '/^## validate vs parse/,/^## scaling/p'
step "done"
