"""Throughput of the Python package against the CLI, on one machine in one run (not a test).

    python bindings/python/bench/throughput.py [--docs 1000000] [--cli target/release/qagida] [--no-spark]

Writes a batch of --docs documents (benches/gen-ndjson.py's mix: every valid and invalid
example in turn, ids made unique, one broken line in 1,000), then times
  1. the CLI: `qagida validate --ndjson FILE > /dev/null` (one worker per core);
  2. `Pack.validate_arrow` on the same lines as one Arrow column (binary), the table built
     before the timing (reading the file is not validation);
  3. `qagida.spark.validate` on Spark local[N] (N = cores) over `spark.read.text(FILE)`,
     written to Spark's `noop` sink; the session is started, and the job run once on a small
     file, before the timing: JVM start-up excluded.
and prints BENCHMARKS.md's table: documents/s and the ratios.
"""

import argparse
import os
import pathlib
import platform
import shutil
import subprocess
import sys
import tempfile
import time

import pyarrow as pa

import qagida

ROOT = pathlib.Path(__file__).resolve().parents[3]


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--cli", default=str(ROOT / "target/release/qagida"))
    ap.add_argument("--no-spark", action="store_true")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="qagida-bench-"))
    batch = tmp / "batch.ndjson"
    subprocess.run([sys.executable, ROOT / "benches/gen-ndjson.py", batch, "--lines", str(args.docs)], check=True)
    size = batch.stat().st_size
    print(f"# {args.docs} documents, {size / 1048576:.1f} MiB; {cores} cores, {cpu_model()}; load average {os.getloadavg()}")
    rows = []

    t = time.perf_counter()
    with open(os.devnull, "wb") as null:
        subprocess.run([args.cli, "validate", "--ndjson", batch], stdout=null, check=False)
    cli_s = time.perf_counter() - t
    rows.append(("CLI `validate --ndjson`", cli_s))

    lines = batch.read_bytes().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    table = pa.table({"doc": pa.array(lines, type=pa.binary())})
    del lines
    pack = qagida.Pack.default()
    t = time.perf_counter()
    out = pack.validate_arrow(table)
    arrow_s = time.perf_counter() - t
    assert out.num_rows == table.num_rows == args.docs
    rows.append(("Python `Pack.validate_arrow`", arrow_s))
    del out, table

    if not args.no_spark:
        from pyspark.sql import SparkSession

        from qagida import spark as qspark

        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        spark = SparkSession.builder.master(f"local[{cores}]").config("spark.ui.enabled", "false").getOrCreate()
        small = tmp / "small.ndjson"
        small.write_bytes(b"\n".join(batch.read_bytes().split(b"\n")[:2000]))

        def job(path):
            df = spark.read.text(str(path)).withColumnRenamed("value", "doc")
            qspark.validate(df).write.format("noop").mode("overwrite").save()

        job(small)  # warm: JVM, Python workers, the pack read on the executors
        t = time.perf_counter()
        job(batch)
        rows.append((f"Spark local[{cores}] `qagida.spark.validate`", time.perf_counter() - t))
        spark.stop()

    print()
    print("| what | seconds | documents/s | MB/s | ÷ CLI |")
    print("|---|---:|---:|---:|---:|")
    for what, secs in rows:
        print(f"| {what} | {secs:.2f} | {args.docs / secs:,.0f} | {size / secs / 1e6:.1f} | {cli_s / secs:.2f} |")


if __name__ == "__main__":
    try:
        main()
    finally:
        for d in pathlib.Path(tempfile.gettempdir()).glob("qagida-bench-*"):
            shutil.rmtree(d, ignore_errors=True)
