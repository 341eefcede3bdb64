"""The parse floor: read every article file and parse its front matter with libyaml, on all cores.

    python bench/floor.py CORPUS [--jobs N]

Nothing else: no records, no RDF. It is the least any tool that reads the
YAML must pay, so kg's time is reported as a multiple of it. Prints one JSON
line: {"files": N, "parsed": M, "jobs": J}.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from multiprocessing import Pool

import yaml

SUFFIXES = (".md", ".markdown", ".txt")


def find(folder: str) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found += [os.path.join(dirpath, n) for n in sorted(filenames)
                  if n.lower().endswith(SUFFIXES) and not n.startswith(".")]
    return found


def parse(path: str) -> int:
    """1 if the file's front matter parsed to a mapping, else 0."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    if not text.startswith("---"):
        return 0
    start = text.find("\n", 3) + 1
    end = text.find("\n---", start - 1)  # the closing delimiter line
    if start == 0 or end < 0:
        return 0
    try:
        data = yaml.load(text[start:end], Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return 0
    return int(isinstance(data, dict))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)),
                        help="worker processes (default: the usable cores)")
    args = parser.parse_args(argv)
    paths = find(args.corpus)
    jobs = max(1, args.jobs)
    chunk = max(1, min(256, len(paths) // (jobs * 16)))
    if jobs == 1:
        parsed = sum(map(parse, paths))
    else:
        with Pool(jobs) as pool:
            parsed = sum(pool.imap_unordered(parse, paths, chunksize=chunk))
    print(json.dumps({"files": len(paths), "parsed": parsed, "jobs": jobs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
