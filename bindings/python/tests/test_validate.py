"""Python's results are the CLI's: every example, every language, the pack's own test cases;
bad input is an exception with the reason, never a crash."""

import datetime
import json
import re

import pytest

import qagida
from conftest import EXAMPLES, ROOT, cli_result, run_cli


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_every_example_gets_the_same_result_as_from_the_cli(pack, path):
    assert pack.validate(path.read_bytes()) == cli_result(path)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_results_in_each_language_and_as_of_a_date_are_the_clis(pack, lang):
    path = ROOT / "examples/invalid/prescription.json"
    got = pack.validate(path.read_text(), lang=lang, as_of=datetime.date(2026, 6, 1))
    assert got == cli_result(path, "--lang", lang, "--as-of", "2026-06-01")
    assert got["as_of"] == "2026-06-01"
    assert pack.validate(path.read_text(), lang=lang, as_of="2026-06-01") == got


def test_a_document_as_str_bytes_or_dict_gives_one_result(pack):
    path = ROOT / "examples/invalid/dispensing.json"
    text = path.read_text()
    by_text = pack.validate(text)
    assert pack.validate(text.encode()) == by_text
    assert pack.validate(bytearray(text.encode())) == by_text
    assert pack.validate(json.loads(text)) == by_text
    assert by_text["valid"] is False and by_text["findings"]


def test_validate_many_keeps_order_and_puts_an_error_in_place_of_a_broken_document(pack):
    docs = [p.read_bytes() for p in EXAMPLES[:12]]
    docs.insert(3, "not json")
    got = pack.validate_many(docs, jobs=2)
    assert len(got) == len(docs)
    assert got[3] == {"error": "input is not valid JSON: expected ident at line 1 column 2"}
    rest = [g for i, g in enumerate(got) if i != 3]
    assert rest == [pack.validate(p.read_bytes()) for p in EXAMPLES[:12]]
    assert pack.validate_many(docs) == got


def test_the_pack_tests_pass_as_under_the_cli():
    national = qagida.Pack.load(ROOT / "rules/kz-orphan")
    outcomes = national.run_tests()
    out = run_cli("test", ROOT / "rules/kz-orphan")
    assert out.returncode == 0, out.stderr.decode()
    passed, failed = map(int, re.search(rb"(\d+) passed, (\d+) failed", out.stdout).groups())
    assert (len(outcomes), sum(not o["passed"] for o in outcomes)) == (passed + failed, failed) == (passed, 0)
    assert set(outcomes[0]) == {"rule_id", "name", "passed", "detail"}


def test_rules_and_explain_come_from_the_pack(pack):
    rules = pack.rules(lang="en")
    assert len(rules) == 54 and rules[0]["id"] == "MDT-01"
    assert set(rules[0]) >= {"id", "title", "severity", "applies_to", "effective_from"}
    explained = pack.explain("RX-01", lang="en")
    assert explained["id"] == "RX-01" and explained["checks"] and explained["tests"]["fail"] > 0
    with pytest.raises(KeyError, match="no rule `NOPE-1`"):
        pack.explain("NOPE-1")


def test_packs_load_from_a_directory_layers_a_stack_and_compiled_bytes(pack):
    by_stack = qagida.Pack.load(ROOT / "rules/default.toml")
    by_layers = qagida.Pack.load_layers(ROOT / "rules/kz-orphan", ROOT / "rules/kz-karaganda")
    compiled = qagida.Pack.from_compiled(pack.to_compiled(validation_only=True))
    doc = (ROOT / "examples/kz-karaganda/invalid/prescription-local-budget.json").read_bytes()
    results = [p.validate(doc) for p in (pack, by_stack, by_layers, compiled)]
    assert results[0]["valid"] is False
    assert all(r == results[0] for r in results)
    assert (pack.id, pack.version, pack.languages) == ("kz-orphan", "2026.3.2", ["ru", "kk", "en"])


def test_a_signed_pack_loads_only_under_its_key(tmp_path):
    keygen = run_cli("pack", "keygen", "--out", tmp_path / "k")
    assert keygen.returncode == 0, keygen.stderr.decode()
    import shutil

    shutil.copytree(ROOT / "rules/kz-orphan", tmp_path / "kz-orphan")
    signed = run_cli("pack", "sign", tmp_path / "kz-orphan", "--key", tmp_path / "k.key")
    assert signed.returncode == 0, signed.stderr.decode()
    p = qagida.Pack.load_signed(tmp_path / "kz-orphan", pubkeys=str(tmp_path / "k.pub"), min_version="2026.1.1")
    assert p.key_id
    with pytest.raises(qagida.PackError, match="refused"):
        qagida.Pack.load_signed(tmp_path / "kz-orphan", pubkeys=[str(tmp_path / "k.pub")], min_version="2099.1.1")
    (tmp_path / "kz-orphan/pack.toml").write_text((tmp_path / "kz-orphan/pack.toml").read_text() + "\n# edited\n")
    with pytest.raises(qagida.PackError, match="refused"):
        qagida.Pack.load_signed(tmp_path / "kz-orphan", pubkeys=[str(tmp_path / "k.pub")])


@pytest.mark.parametrize(
    "doc,kind,match",
    [
        ("not json", qagida.InputError, "not valid JSON"),
        (b"\xff\xfe", qagida.InputError, "input is not valid JSON"),
        ("[" * 10_000 + "]" * 10_000, qagida.InputError, "deep"),
        (object(), TypeError, "neither str, bytes nor a JSON-serialisable value"),
    ],
)
def test_bad_input_raises_with_the_reason(pack, doc, kind, match):
    with pytest.raises(kind, match=match):
        pack.validate(doc)


@pytest.mark.parametrize(
    "kwargs,match",
    [({"lang": "xx"}, "no language `xx`"), ({"as_of": "2026-13-01"}, "not a valid YYYY-MM-DD date"), ({"mode": "final"}, "mode `final`: unknown"), ({"as_of": 5}, "as_of")],
)
def test_bad_options_raise_value_or_type_errors(pack, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        pack.validate("{}", **kwargs)


def test_a_pack_that_does_not_load_raises_pack_error_with_its_diagnostics(tmp_path):
    import shutil

    shutil.copytree(ROOT / "rules/kz-orphan", tmp_path / "p")
    rules = sorted((tmp_path / "p/rules").glob("*.toml"))[0]
    rules.write_text(rules.read_text() + "\n[[rule]]\nid = \n")
    with pytest.raises(qagida.PackError) as e:
        qagida.Pack.load(tmp_path / "p")
    d = e.value.diagnostics[0]
    assert d["file"].endswith(rules.name) and d["line"] > 0 and d["message"]
    with pytest.raises(qagida.PackError, match="compiled"):
        qagida.Pack.from_compiled(b"garbage")
    with pytest.raises(qagida.PackError):
        qagida.Pack.load(tmp_path / "absent")


def test_explained_rules_keep_numbers_as_numbers(pack):
    for r in pack.rules():
        assert "$serde_json" not in json.dumps(pack.explain(r["id"]), ensure_ascii=False), r["id"]
    params = [p for r in pack.rules() for p in pack.explain(r["id"])["params"].values()]
    assert any(isinstance(p, (int, float)) and not isinstance(p, bool) for p in params)


def test_two_layers_of_one_directory_name_are_refused(tmp_path):
    import shutil

    shutil.copytree(ROOT / "rules/kz-orphan", tmp_path / "a/kz-orphan")
    shutil.copytree(ROOT / "rules/kz-orphan", tmp_path / "b/kz-orphan")
    with pytest.raises(qagida.PackError, match="two layers named `kz-orphan`"):
        qagida.Pack.load_layers(tmp_path / "a/kz-orphan", tmp_path / "b/kz-orphan")


def test_validate_many_refuses_one_document_and_reports_an_unconvertible_one_in_place(pack):
    with pytest.raises(TypeError, match="not one document"):
        pack.validate_many("{}")
    with pytest.raises(TypeError, match="not one document"):
        pack.validate_many(b"{}")
    got = pack.validate_many(["{}", object(), "\ud800"], jobs=10**6)
    assert "valid" in got[0]
    assert "neither str, bytes nor a JSON-serialisable value" in got[1]["error"]
    assert got[2]["error"]


def test_a_datetime_as_of_means_its_date(pack):
    doc = (ROOT / "examples/valid/prescription.json").read_text()
    assert pack.validate(doc, as_of=datetime.datetime(2026, 6, 1, 15, 30))["as_of"] == "2026-06-01"


def test_draft_mode_reports_what_is_present_and_wrong_and_lists_what_waits_as_the_cli(pack, tmp_path):
    doc = {"document_type": "mdt_conclusion", "date": "2026-04-02", "doses_per_day": 50}
    path = tmp_path / "half.json"
    path.write_text(json.dumps(doc))
    draft = pack.validate(doc, mode="draft")
    assert draft == cli_result(path, "--mode", "draft")
    assert [(f["rule_id"], f["path"]) for f in draft["findings"]] == [("MDT-03", "/doses_per_day")]
    assert any("/single_dose" in s["waits_for"] for s in draft["skipped"])
    submit = pack.validate(doc, mode="submit")
    assert "skipped" not in submit and submit == pack.validate(doc)
    assert any(f["rule_id"] == "MDT-01" for f in submit["findings"])


def test_rules_say_what_they_read(pack):
    mdt03 = next(r for r in pack.rules() if r["id"] == "MDT-03")
    assert "/doses_per_day" in mdt03["reads"]
