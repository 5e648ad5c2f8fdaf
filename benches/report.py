#!/usr/bin/env python3
"""Prints the latest criterion figures as the tables of BENCHMARKS.md (absolute times and ratios).

    python3 benches/report.py [CRITERION_DIR]     # default: $CARGO_TARGET_DIR/criterion or benches/target/criterion
"""
import json
import os
import pathlib
import sys

default = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", pathlib.Path(__file__).parent / "target")) / "criterion"
base = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else default
est = {}
for b in base.rglob("new/benchmark.json"):
    meta = json.loads(b.read_text())
    e = json.loads((b.parent / "estimates.json").read_text())
    est[meta["full_id"]] = e["mean"]["point_estimate"]  # ns

def t(ns):
    return f"{ns / 1e6:.2f} ms" if ns >= 1e6 else f"{ns / 1e3:.2f} µs"

def get(k):
    return est.get(k)

print("## validate vs parse")
print("| document | serde_json parse | qagida validate | ratio |")
print("|---|---|---|---|")
for kind in ("valid", "invalid"):
    p, v = get(f"validate_vs_parse/serde_json_parse/{kind}_prescription"), get(f"validate_vs_parse/qagida_validate/{kind}_prescription")
    if p and v:
        print(f"| {kind} prescription | {t(p)} | {t(v)} | {v / p:.2f}× |")

print("\n## peers")
print("| document | qagida (13 rules) | qagida (full pack) | regorus | datalogic-rs | regorus ÷ qagida | datalogic ÷ qagida |")
print("|---|---|---|---|---|---|---|")
for kind in ("valid", "invalid"):
    for name in ("mdt_conclusion", "prescription", "dispensing"):
        d = f"{kind}_{name}"
        q, f, r, j = (get(f"peers/{e}/{d}") for e in ("qagida_subset", "qagida_full", "regorus", "datalogic"))
        if q and f and r and j:
            print(f"| {kind} {name} | {t(q)} | {t(f)} | {t(r)} | {t(j)} | {r / q:.1f}× | {j / q:.2f}× |")

geo = []
for kind in ("valid", "invalid"):
    for name in ("mdt_conclusion", "prescription", "dispensing"):
        q, j = get(f"peers/qagida_subset/{kind}_{name}"), get(f"peers/datalogic/{kind}_{name}")
        if q and j:
            geo.append(j / q)
if len(geo) == 6:
    import math
    print(f"\ndatalogic-rs ÷ qagida, geometric mean of the six documents: {math.exp(sum(map(math.log, geo)) / 6):.2f}")

floor = {kind: get(f"parse_floor/serde_json_value_default_features/{kind}_prescription") for kind in ("valid", "invalid")}
if all(floor.values()):
    print("\n## validate ÷ serde_json parse with default features (parse-floor)")
    for kind, p in floor.items():
        v = get(f"validate_vs_parse/qagida_validate/{kind}_prescription")
        if v:
            print(f"- {kind} prescription: {t(v)} ÷ {t(p)} = {v / p:.2f}×")

print("\n## pack load")
for k in ("pack_load/embedded", "pack_load/from_files", "pack_load/from_compiled"):
    if get(k):
        print(f"- {k}: {t(get(k))}")

print("\n## scaling")
for group, unit in (("scaling/need_lines", "line"), ("scaling/bundle_documents", "document"), ("scaling/bundle_one_patient", "document")):
    rows = sorted(((int(k.rsplit("/", 1)[1]), v) for k, v in est.items() if k.startswith(group + "/")))
    if rows:
        print(f"| {group} | total | per {unit} |")
        print("|---|---|---|")
        for n, v in rows:
            print(f"| {n:,} | {t(v)} | {t(v / n)} |")
        print()
