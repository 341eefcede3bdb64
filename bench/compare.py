"""Compare two benchmark results (e.g. before and after a commit).

    python bench/compare.py bench/out/results-OLD.json bench/out/latest.json

For every measurement in both files: seconds and peak MB, old -> new, and
new/old (below 1.00 is faster or smaller).
"""
from __future__ import annotations

import json
import sys


def load(path: str) -> tuple[dict, dict]:
    with open(path, encoding="utf-8") as f:
        result = json.load(f)
    return result, {(r["size"], r["label"]): r for r in result["rows"]}


def ratio(old, new) -> str:
    return f"{new / old:.2f}" if old and new else ""


def fmt(value, spec) -> str:
    return "" if value is None else format(value, spec)


def _load(result: dict) -> str:
    machine = result.get("machine", {})
    values = [machine.get("load_average_start"), machine.get("load_average")]
    return " -> ".join(f"{v[0]:.2f}" for v in values if v)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    (old_result, old), (new_result, new) = load(argv[0]), load(argv[1])
    for name, result in (("old", old_result), ("new", new_result)):
        git = result.get("git", {})
        print(f"{name}: {git.get('commit', '?')[:10]}{' (dirty)' if git.get('dirty') else ''} "
              f"{result.get('started', '')}, load average {_load(result)}")
    lines = [["articles", "task", "old s", "new s", "new/old", "old MB", "new MB", "new/old"]]
    for key in [k for k in new if k in old]:
        o, n = old[key], new[key]
        lines.append([f"{key[0]:,}", key[1], fmt(o["seconds"], ".2f"), fmt(n["seconds"], ".2f"),
                      ratio(o["seconds"], n["seconds"]), fmt(o["peak_mb"], ".0f"), fmt(n["peak_mb"], ".0f"),
                      ratio(o["peak_mb"], n["peak_mb"])])
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    for line in lines:
        cells = (c.ljust(w) if i == 1 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True)))
        print("  ".join(cells).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
