#!/usr/bin/env bash
# The Python package (bindings/python): installs what it needs on a clean machine (Rust, Node and
# Python are there) — a virtual environment with the package built from source by pip (maturin,
# the build backend, comes from PyPI), pyarrow, pandas, pyspark and pytest from PyPI, and a Java
# runtime from Debian for Spark — then runs the pytest suite: parity with the CLI on every
# example and the pack's own tests, bad input, Arrow round trips, Spark on local[2].
# Idempotent: a second run reuses the environment and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"

echo "== python: tools"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
apt_install() {
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "$@"
}
# pyspark 4 needs Java 17 or newer.
java_major() { java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ]; then
  apt_install openjdk-17-jre-headless || apt_install default-jre-headless
fi
java -version 2>&1 | head -n 1
# Debian's own python3 makes virtual environments only with python3-venv.
if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  apt_install python3-venv
fi
VENV="$ROOT/bindings/python/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
# Pinned test dependencies; the package's own build backend is pinned in its pyproject.toml.
"$VENV/bin/python" -m pip install -q "pytest==9.2.0" "pyarrow==26.0.1" "pandas==2.3.3" "pyspark==4.3.0"

echo "== python: build and install the package (pip install ./bindings/python)"
"$VENV/bin/python" -m pip install -q --force-reinstall --no-deps ./bindings/python
"$VENV/bin/python" -c "import qagida; print('qagida', qagida.__version__, qagida.Pack.default())"

echo "== python: tests (pytest, Spark on local[2])"
cargo build -q -p qagida-cli --locked
cd bindings/python
# Spark on loopback: no host name to resolve on a machine without a network.
SPARK_LOCAL_IP=127.0.0.1 QAGIDA_CLI="$ROOT/target/debug/qagida" QAGIDA_REQUIRE_SPARK=1 PYSPARK_PYTHON="$VENV/bin/python" "$VENV/bin/python" -m pytest -q tests
