"""validate_arrow: one output row per input row, in order, each the same as validate()'s
result; null and broken rows get an error and the table goes on."""

import pyarrow as pa
import pytest

from conftest import EXAMPLES


def expected_row(result):
    """validate()'s result as validate_arrow() writes it: every finding's seven fields."""
    keys = ["rule_id", "severity", "path", "message", "clause", "actual", "expected"]
    return {"valid": result["valid"], "error": None, "findings": [{k: f.get(k) for k in keys} for f in result["findings"]]}


def table_of(docs, typ=pa.string()):
    return pa.table({"id": list(range(len(docs))), "doc": pa.array(docs, type=typ)})


@pytest.mark.parametrize("typ", [pa.string(), pa.large_string(), pa.binary(), pa.large_binary(), pa.string_view()], ids=str)
def test_every_example_round_trips_with_nulls_and_broken_rows_in_order(pack, typ):
    texts = [p.read_text() for p in EXAMPLES]
    docs = texts[:]
    docs.insert(2, None)
    docs.insert(5, "{not json")
    docs.append("")
    if typ in (pa.binary(), pa.large_binary()):
        docs = [d.encode() if d is not None else None for d in docs]
    out = pack.validate_arrow(table_of(docs, typ), "doc", jobs=2)
    assert out.num_rows == len(docs)
    assert out.column_names == ["valid", "error", "findings"]
    rows = out.to_pylist()
    assert rows[2] == {"valid": None, "error": "no document: the row is null", "findings": None}
    assert rows[5]["valid"] is None and "not valid JSON" in rows[5]["error"] and rows[5]["findings"] is None
    assert rows[-1]["valid"] is None and rows[-1]["error"]
    good = [r for i, r in enumerate(rows) if i not in (2, 5, len(rows) - 1)]
    assert good == [expected_row(pack.validate(t)) for t in texts]


def test_a_record_batch_and_a_multi_chunk_table_give_one_row_per_row(pack):
    texts = [p.read_text() for p in EXAMPLES[:6]]
    batch = pa.RecordBatch.from_pydict({"doc": texts})
    assert pack.validate_arrow(batch).num_rows == 6
    chunked = pa.concat_tables([table_of(texts[:2]), table_of(texts[2:])])
    assert chunked.column("doc").num_chunks == 2
    out = pack.validate_arrow(chunked)
    assert out.to_pylist() == [expected_row(pack.validate(t)) for t in texts]


def test_options_reach_every_row(pack):
    text = EXAMPLES[0].read_text()
    out = pack.validate_arrow(table_of([text]), lang="en", as_of="2026-06-01").to_pylist()[0]
    assert out == expected_row(pack.validate(text, lang="en", as_of="2026-06-01"))


def test_a_wrong_column_or_type_is_a_clear_error(pack):
    with pytest.raises(ValueError, match="no column `body`"):
        pack.validate_arrow(table_of(["{}"]), "body")
    with pytest.raises(ValueError, match="must hold strings or binary"):
        pack.validate_arrow(pa.table({"doc": [1, 2]}))
    with pytest.raises(TypeError, match="an Arrow table"):
        pack.validate_arrow(["{}"])


def test_an_empty_table_gives_an_empty_result_and_is_held_to_its_column(pack):
    out = pack.validate_arrow(table_of([]))
    assert out.num_rows == 0 and out.column_names == ["valid", "error", "findings"]
    with pytest.raises(ValueError, match="no column `body`"):
        pack.validate_arrow(table_of([]), "body")
    with pytest.raises(ValueError, match="must hold strings or binary"):
        pack.validate_arrow(pa.table({"doc": pa.array([], type=pa.int64())}))
