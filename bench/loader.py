"""Time the YAML loader alone on a corpus's front matters, on one core.

    taskset -c 1 python bench/loader.py DIR [--rounds 7]

Files are read and split first (not timed). Then each round loads every front matter
with yamlsafe.load_exact (the libyaml path alone: the loader before yaml_rs) and with
yamlsafe.load (yaml_rs where provable), one right after the other, and prints the CPU
time of both and their ratio; the last line gives the medians. The two are paired
within each round, so a machine whose speed drifts moves both alike.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.read import yamlfast, yamlsafe
from graph.read.files import _DELIMITER, _END


def front_matters(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.rglob("*.md")):
        text = path.read_bytes().decode("utf-8-sig")
        start = _DELIMITER.match(text)
        end = start and _END.search(text, start.end())
        if end:
            texts.append(text[start.end(): end.start()])
    return texts


def cpu(load, texts: list[str]) -> float:
    start = time.process_time()
    for text in texts:
        load(text, 2)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    texts = front_matters(args.folder)
    fast = sum(yamlfast.load(t, yamlsafe._timestamp) is not yamlfast.UNSURE for t in texts)
    print(f"{len(texts)} front matters; the fast path reads {fast}")
    old, new = [], []
    for i in range(args.rounds):
        old.append(cpu(yamlsafe.load_exact, texts))
        new.append(cpu(yamlsafe.load, texts))
        print(f"round {i + 1}: load_exact {old[-1]:.3f} s, load {new[-1]:.3f} s, {old[-1] / new[-1]:.2f}x")
    ratio = statistics.median(o / n for o, n in zip(old, new, strict=True))
    print(f"median: load_exact {statistics.median(old):.3f} s ({statistics.median(old) / len(texts) * 1e6:.0f} us "
          f"each), load {statistics.median(new):.3f} s ({statistics.median(new) / len(texts) * 1e6:.0f} us each); "
          f"load is {ratio:.2f}x faster")


if __name__ == "__main__":
    main()
