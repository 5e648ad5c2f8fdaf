#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for a short, bounded time (FUZZ_SECONDS each, default 30),
# starting from the committed seeds in fuzz/corpus/<target>/. Idempotent: new corpus entries
# go to a temporary directory, so the committed corpus is never changed; crash reproducers go
# to fuzz/artifacts/<target>/ (git-ignored). Exits 1 if any target crashed.
#
# Needs the nightly toolchain (installed on this project's machines) and cargo-fuzz, which is
# installed from crates.io on first use. Usage:
#   bash .ci/fuzz.sh                      # every target, 30 s each
#   FUZZ_SECONDS=300 bash .ci/fuzz.sh expr_parse
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-30}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(validate_bytes load_pack expr_parse compiled_pack)
fi

echo "== fuzz: toolchain"
if ! cargo +nightly --version; then
    echo "error: the nightly toolchain is needed for cargo fuzz (rustup toolchain install nightly)" >&2
    exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --version 0.13.2 --locked
fi
cargo fuzz --version

echo "== fuzz: build"
# No sanitizer by default: the library is `#![forbid(unsafe_code)]`, so AddressSanitizer only
# watches the dependencies' unsafe code, and it cost 4-5x the executions (load_pack measured
# at 200 ms/run with it and 45 ms without, on the default pack). FUZZ_SANITIZER=address brings
# it back for a run that wants it.
sanitizer="${FUZZ_SANITIZER:-none}"
cargo +nightly fuzz build -s "$sanitizer"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in "${targets[@]}"; do
    echo "== fuzz: $t for ${seconds}s"
    mkdir -p "$scratch/$t" "fuzz/artifacts/$t"
    if cargo +nightly fuzz run -s "$sanitizer" "$t" "$scratch/$t" "fuzz/corpus/$t" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="fuzz/artifacts/$t/" 2>"$scratch/$t.log"; then
        grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$scratch/$t.log" || true
    else
        tail -n 60 "$scratch/$t.log"
        echo "error: fuzz target $t failed; reproducer in fuzz/artifacts/$t/" >&2
        failed+=("$t")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}"
    exit 1
fi
echo "fuzz: ${#targets[@]} target(s) ran clean"
