"""qagida on Apache Spark: the documents of a DataFrame column validated on the executors.

    from qagida.spark import validate
    checked = validate(spark.read.text("prescriptions.ndjson").withColumnRenamed("value", "doc"))
    checked.filter("valid = false").select("findings").show()

The pack travels to the executors as its compiled bytes (no rule files on the workers); each
Python worker process reads it once. Every partition goes through ``mapInArrow``: its Arrow batches
reach ``Pack.validate_arrow`` without a Python object per row.
"""

import hashlib

from ._qagida import Pack

__all__ = ["validate", "result_schema"]

# Packs already read in this (executor) process, by the SHA-256 of their compiled bytes.
_PACKS = {}


def _pack(compiled):
    key = hashlib.sha256(compiled).digest()
    pack = _PACKS.get(key)
    if pack is None:
        pack = _PACKS[key] = Pack.from_compiled(compiled)
    return pack


def result_schema():
    """The Spark types of the three columns added: ``valid``, ``error``, ``findings``."""
    from pyspark.sql.types import ArrayType, BooleanType, StringType, StructField, StructType

    finding = StructType(
        [StructField(name, StringType(), nullable) for name, nullable in [
            ("rule_id", False), ("severity", False), ("path", False), ("message", False),
            ("clause", False), ("actual", True), ("expected", True),
        ]]
    )
    return [
        StructField("valid", BooleanType(), True),
        StructField("error", StringType(), True),
        StructField("findings", ArrayType(finding, True), True),
    ]


def validate(df, column="doc", *, pack=None, lang=None, as_of=None):
    """Returns ``df`` with three columns added: ``valid`` (null when the row could not be read),
    ``error`` and ``findings`` — N rows in, N rows out; a row that is not JSON gets
    ``valid = null`` and its ``error``, and the job goes on. ``pack``: a ``qagida.Pack``
    (default: the built-in pack). ``column`` holds each document's JSON text (string or
    binary)."""
    from pyspark.sql.types import StructType

    if column not in df.columns:
        raise ValueError(f"no column `{column}` (the DataFrame has {', '.join(df.columns)})")
    added = {f.name for f in result_schema()}
    clash = added.intersection(df.columns)
    if clash:
        raise ValueError(f"the DataFrame already has column(s) {', '.join(sorted(clash))}")
    pack = pack if pack is not None else Pack.default()
    # Options checked here, on the driver (a bad one raises ValueError now, not in every task).
    pack.validate("{}", lang=lang, as_of=as_of)
    compiled = pack.to_compiled(validation_only=True)
    schema = StructType(df.schema.fields + result_schema())

    def run(batches):
        import pyarrow as pa

        p = _pack(compiled)
        for batch in batches:
            res = p.validate_arrow(batch, column, lang=lang, as_of=as_of, jobs=1)
            columns = list(batch.columns) + [res.column(i).combine_chunks() for i in range(res.num_columns)]
            yield pa.RecordBatch.from_arrays(columns, names=batch.schema.names + res.schema.names)

    return df.mapInArrow(run, schema)
