"""The parse floor: read every article file and parse its front matter, on all cores.

    python bench/floor.py CORPUS [--jobs N] [--parser libyaml|yaml_rs]

Nothing else: no records, no RDF. It is the least any tool that reads the
YAML must pay, so kg's time is reported as a multiple of it. The parser is
libyaml (PyYAML's `CSafeLoader`, the default) or yaml_rs (PyPI `yaml-rs`, in
Rust: `yaml_rs.loads` with its defaults); the reading and the cutting of the
front matter are the same for both. Prints one JSON line:
{"files": N, "parsed": M, "jobs": J, "parser": P}; exit status 3 when the
parser is not installed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from multiprocessing import Pool

import yaml

try:
    import yaml_rs
except ImportError:  # the yaml_rs floor then exits 3; the libyaml floor needs only PyYAML
    yaml_rs = None  # type: ignore[assignment]

SUFFIXES = (".md", ".markdown", ".txt")


def find(folder: str) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found += [os.path.join(dirpath, n) for n in sorted(filenames)
                  if n.lower().endswith(SUFFIXES) and not n.startswith(".")]
    return found


def front_matter(path: str) -> str | None:
    """The text between the opening `---` and the closing delimiter line, None when there is none."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    if not text.startswith("---"):
        return None
    start = text.find("\n", 3) + 1
    end = text.find("\n---", start - 1)  # the closing delimiter line
    if start == 0 or end < 0:
        return None
    return text[start:end]


def parse(path: str) -> int:
    """1 if the file's front matter parsed to a mapping with libyaml, else 0."""
    text = front_matter(path)
    if text is None:
        return 0
    try:
        data = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return 0
    return int(isinstance(data, dict))


def parse_rs(path: str) -> int:
    """1 if the file's front matter parsed to a mapping with yaml_rs, else 0."""
    text = front_matter(path)
    if text is None:
        return 0
    try:
        data = yaml_rs.loads(text)
    except yaml_rs.YAMLDecodeError:
        return 0
    return int(isinstance(data, dict))


PARSERS = {"libyaml": parse, "yaml_rs": parse_rs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)),
                        help="worker processes (default: the usable cores)")
    parser.add_argument("--parser", choices=sorted(PARSERS), default="libyaml",
                        help="the YAML parser (default libyaml)")
    args = parser.parse_args(argv)
    if args.parser == "yaml_rs" and yaml_rs is None:
        print("floor: yaml_rs is not installed (pip install yaml-rs)", file=sys.stderr)
        return 3
    parse_one = PARSERS[args.parser]
    paths = find(args.corpus)
    jobs = max(1, args.jobs)
    chunk = max(1, min(256, len(paths) // (jobs * 16)))
    if jobs == 1:
        parsed = sum(map(parse_one, paths))
    else:
        with Pool(jobs) as pool:
            parsed = sum(pool.imap_unordered(parse_one, paths, chunksize=chunk))
    print(json.dumps({"files": len(paths), "parsed": parsed, "jobs": jobs, "parser": args.parser}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
