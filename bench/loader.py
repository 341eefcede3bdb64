"""Time the YAML loader alone on a corpus's front matters, on one core.

    python bench/loader.py DIR            # yamlsafe.load: yaml_rs where provable
    python bench/loader.py DIR --exact    # yamlsafe.load_exact: the libyaml path alone

Files are read and split first (not timed); then every front matter is loaded once and
the loop's CPU time is printed, with how many front matters took the fast path. Pair
runs of the two (farm-bench --vs) rather than comparing single runs.
"""
from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--exact", action="store_true", help="the libyaml path alone (the old loader)")
    args = parser.parse_args()
    texts = front_matters(args.folder)
    load = yamlsafe.load_exact if args.exact else yamlsafe.load
    start = time.process_time()
    for text in texts:
        load(text, 2)
    seconds = time.process_time() - start
    fast = 0 if args.exact else sum(yamlfast.load(t, yamlsafe._timestamp) is not yamlfast.UNSURE for t in texts)
    print(f"{'load_exact' if args.exact else 'load'}: {len(texts)} front matters in {seconds:.3f} s CPU "
          f"({seconds / len(texts) * 1e6:.0f} us each); fast path {fast}")


if __name__ == "__main__":
    main()
