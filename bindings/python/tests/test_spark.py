"""qagida.spark.validate on Spark local[2]: N rows in, N rows out, the results validate()'s; a
row that is not JSON gets valid = null and its error, and the job goes on. Needs pyspark and a
Java runtime (.ci/python.sh installs both); QAGIDA_REQUIRE_SPARK=1 makes their absence a
failure rather than a skip."""

import os
import sys

import pytest

from conftest import EXAMPLES
from test_arrow import expected_row

try:
    from pyspark.sql import SparkSession
except ImportError:  # pragma: no cover - the CI installs it
    if os.environ.get("QAGIDA_REQUIRE_SPARK") == "1":
        raise
    pytest.skip("pyspark is not installed", allow_module_level=True)

import qagida
import qagida.spark


@pytest.fixture(scope="module")
def spark():
    # The executors' Python is this one, where qagida is installed (on a cluster: the wheel
    # installed on every executor, see the README).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("qagida-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "7")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_adds_valid_error_and_findings_to_every_row_in_order(spark, pack):
    texts = [p.read_text() for p in EXAMPLES]
    rows = [(i, t) for i, t in enumerate(texts)] + [(len(texts), "{broken"), (len(texts) + 1, None)]
    df = spark.createDataFrame(rows, "id long, doc string").repartition(3)
    out = qagida.spark.validate(df, "doc")
    assert out.columns == ["id", "doc", "valid", "error", "findings"]
    got = {r["id"]: r for r in out.collect()}
    assert len(got) == len(rows)
    for i, t in enumerate(texts):
        row = got[i].asDict(recursive=True)
        assert {k: row[k] for k in ("valid", "error", "findings")} == expected_row(pack.validate(t))
    assert got[len(texts)]["valid"] is None and "not valid JSON" in got[len(texts)]["error"]
    assert got[len(texts) + 1]["valid"] is None and got[len(texts) + 1]["error"] == "no document: the row is null"


def test_spark_takes_a_pack_and_options_and_refuses_a_missing_column(spark):
    pack = qagida.Pack.load_layers(EXAMPLES[0].parents[2] / "rules/kz-orphan")
    df = spark.createDataFrame([(EXAMPLES[0].read_text(),)], "doc string")
    row = qagida.spark.validate(df, pack=pack, lang="en", as_of="2026-06-01").collect()[0].asDict(recursive=True)
    assert {k: row[k] for k in ("valid", "error", "findings")} == expected_row(pack.validate(EXAMPLES[0].read_text(), lang="en", as_of="2026-06-01"))
    with pytest.raises(ValueError, match="no column `body`"):
        qagida.spark.validate(df, "body")
    # Options are checked on the driver, before any task runs.
    with pytest.raises(ValueError, match="no language `xx`"):
        qagida.spark.validate(df, lang="xx")
