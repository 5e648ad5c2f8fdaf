"""Shared fixtures: the repository's examples and packs, the CLI to compare with."""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

import qagida

ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "examples").glob("**/*.json"))


def cli_path():
    """The qagida CLI built from this repository (QAGIDA_CLI, else target/{debug,release})."""
    if os.environ.get("QAGIDA_CLI"):
        return os.environ["QAGIDA_CLI"]
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    for profile in ("debug", "release"):
        exe = target / profile / "qagida"
        if exe.exists():
            return str(exe)
    found = shutil.which("qagida")
    if found:
        return found
    pytest.fail("no qagida CLI: run `cargo build -p qagida-cli` or set QAGIDA_CLI")


def run_cli(*args, stdin=None):
    return subprocess.run([cli_path(), *map(str, args)], input=stdin, capture_output=True, check=False)


def cli_result(path, *extra):
    """The CLI's result for one document file, as parsed JSON."""
    out = run_cli("validate", *extra, path)
    assert out.returncode in (0, 1), out.stderr.decode()
    return json.loads(out.stdout)


@pytest.fixture(scope="session")
def pack():
    return qagida.Pack.default()
