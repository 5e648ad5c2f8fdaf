#!/usr/bin/env python3
"""Writes an NDJSON batch of mixed documents for the CLI throughput benchmark.

    python3 benches/gen-ndjson.py /tmp/batch-1g.ndjson 1024      # size in MiB
    python3 benches/gen-ndjson.py /tmp/batch-1m.ndjson --lines 1000000

Lines cycle through every valid and invalid example (seven document types), each made
unique (its `id` gets a serial), plus one broken line in every 1,000 (not JSON) so the
batch also exercises the error path. Never commit the output.
"""
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
out = sys.argv[1]
max_lines = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--lines" else None
mib = float("inf") if max_lines else float(sys.argv[2]) if len(sys.argv) > 2 else 1024
templates = []
for kind in ("valid", "invalid"):
    for p in sorted((root / "examples" / kind).glob("*.json")):
        templates.append(json.loads(p.read_text(encoding="utf-8")))
target = mib * 1024 * 1024
written = lines = 0
with open(out, "wb", buffering=1 << 20) as f:
    while written < target and (max_lines is None or lines < max_lines):
        lines += 1
        if lines % 1000 == 0:
            b = b'{"document_type": "prescription", "id": broken\n'
        else:
            doc = dict(templates[lines % len(templates)])
            if "id" in doc:
                doc["id"] = f"{doc['id']}-{lines}"
            b = (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        f.write(b)
        written += len(b)
print(f"{out}: {lines} lines, {written / 1048576:.1f} MiB")
