#!/usr/bin/env bash
# WebAssembly package: installs what it needs on a clean machine (Rust, Node and Python are
# there), builds the npm package with the stable toolchain (scripts/build-wasm.mjs: wasm-pack
# builds the validator, compiler and tester modules, each within its size budget, and the native CLI
# compiles the default pack file shipped beside them), then runs
#   1. the wasm-bindgen tests under Node of the three crates, bindings/wasm, bindings/wasm-compiler, bindings/wasm-tester
#      (cargo's "test result:" lines),
#   2. the parity test: WASM modules vs native CLI on every example and the pack's own tests,
#   3. the forms layer: standardSchema (Standard Schema v1) on the built package, the document
#      types (generator unit test, then `tsc` on an example form), and the package as a vendor
#      installs it (npm pack, npm install, Node ESM and CommonJS, TypeScript, esbuild + Chromium),
#   4. the end-to-end tests of the two demo pages in headless Chromium (www/: a form for every
#      document type; www/react/: React + react-hook-form), after scripts/build-demo.mjs has
#      built what they need besides the package (www/dist/: the document model, the React bundle).
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

echo "== wasm: tools"
rustup target add wasm32-unknown-unknown

# The CLI must be exactly the version of the wasm-bindgen crate (pinned with `=` in
# bindings/wasm/Cargo.toml). The one tool installed without --locked (measured 2026-12-06):
# `cargo install wasm-bindgen-cli --version 0.2.130 --locked` fails in 0.5 s with
#   error: failed to select a version for the requirement `webpki-roots = "^1.0.10"` (locked to 1.0.11)
# (ureq 3.5.0's dependency; the registry here has webpki-roots up to 1.0.10), and so does
# `--locked --no-default-features`: cargo resolves the whole packaged lockfile whatever the features.
WASM_BINDGEN_VERSION=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' bindings/wasm/Cargo.lock)
: "${WASM_BINDGEN_VERSION:?no wasm-bindgen in bindings/wasm/Cargo.lock}"
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  echo "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
wasm-bindgen --version

# wasm-pack drives cargo and wasm-bindgen for each target (scripts/build-wasm.mjs, --mode
# no-install: it uses the wasm-bindgen above and downloads nothing). About 2.5 minutes.
WASM_PACK_VERSION=0.15.1
if ! wasm-pack --version 2>/dev/null | grep -qx "wasm-pack $WASM_PACK_VERSION"; then
  echo "installing wasm-pack $WASM_PACK_VERSION (about 2.5 minutes)"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked
fi
wasm-pack --version

# binaryen@132 (wasm-opt; Debian's 108 breaks the module) and playwright-core (no browser download).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
  || [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund
fi
wasm-opt --version

# Debian's Chromium for the e2e test (Playwright's own browser download can't work here).
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
fi

echo "== wasm: build the npm package (pkg/)"
node scripts/build-wasm.mjs

echo "== wasm: wasm-bindgen tests under Node (validator, compiler and tester modules)"
# bindings/wasm is the workspace root of the three crates (one Cargo.lock, one target directory).
(cd bindings/wasm && CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --workspace --target wasm32-unknown-unknown)

echo "== wasm: parity with the native CLI"
node tests-wasm/parity.mjs

echo "== wasm: Standard Schema and document types"
node --test tests-wasm/standard-schema.mjs tests-wasm/document-types.test.mjs
# The type test resolves '@qagida/validator' through pkg/package.json's "exports", as a vendor's
# project does, by a link in its own (uncommitted) node_modules.
mkdir -p tests-wasm/types/node_modules/@qagida
ln -sfn ../../../../pkg tests-wasm/types/node_modules/@qagida/validator
tsc -p tests-wasm/types
echo "tsc -p tests-wasm/types: ok"

echo "== wasm: the package as a vendor installs it (npm pack, Node ESM/CJS, TypeScript, esbuild + Chromium)"
node tests-wasm/package.mjs

echo "== wasm: the demo pages (www/dist/: document model, React bundle)"
node scripts/build-demo.mjs

echo "== wasm: the demo pages' dates (Node)"
node --test tests-wasm/dates.mjs

echo "== wasm: demo pages end to end (headless Chromium; screenshots in ${QAGIDA_SHOTS:-/tmp/qagida-shots})"
node tests-wasm/e2e.mjs
node tests-wasm/e2e-react.mjs
