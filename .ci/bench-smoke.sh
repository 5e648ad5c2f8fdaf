#!/usr/bin/env bash
# Keeps the benchmarks from rotting without timing anything: builds the benches crate
# (its own workspace: regorus, datalogic-rs, criterion) and runs every criterion benchmark once
# in test mode (`-- --test`), which also runs the peers' agreement check. Then builds the native
# timing loop. No figures are produced (see BENCHMARKS.md for how to measure).
set -euo pipefail
cd "$(dirname "$0")/../benches"
cargo bench --no-run
cargo bench -- --test
cargo build --release --bin native_loop --bin check_gen
python3 gen-ndjson.py "${TMPDIR:-/tmp}/qagida-bench-smoke.ndjson" 1 >/dev/null
rm -f "${TMPDIR:-/tmp}/qagida-bench-smoke.ndjson"
# The service's load benchmark (the server crate's), a fraction of a second per cell: it runs,
# and no request fails.
(cd .. && QAGIDA_LOAD_SECS=0.2 cargo bench -p qagida-server --bench load --locked >/dev/null)
echo "bench smoke: ok"
