"""Morph-KGC, the RML engine of the benchmark's optional row (bench/run.py --morph-kgc).

Morph-KGC pins pyoxigraph < 0.4 and kg needs 0.5, so it lives in a virtual
environment of its own (default bench/out/morph-kgc-venv, git-ignored), made
on first use with this Python's `venv` and pip, and reused after. A lock file
keeps two runs from building it at once; a marker file written last tells a
complete environment from one that an interrupted install left behind.

The row: bench/morph_convert.py writes the front matter as JSON tables (once
per corpus, not timed), then `python -m morph_kgc CONFIG` runs
bench/morph_mapping.ttl over them to N-Triples (timed).
"""
from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = "morph-kgc==2.10.0"   # pinned: the row compares one known engine across runs
MAPPING = HERE / "morph_mapping.ttl"
CONVERT = HERE / "morph_convert.py"
INSTALL_TIMEOUT = 900
MARKER = ".bench-complete"


@dataclass
class Engine:
    python: str | None    # the venv's interpreter, None when Morph-KGC cannot be had
    version: str | None
    reason: str = ""      # why not, for the row's n/a


def _version(python: Path) -> str | None:
    done = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('morph-kgc'))"],
                          check=False, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip() and not line.startswith("WARNING: Location")]
    return lines[-1].strip() if lines else "no message"


def ensure(venv: Path) -> Engine:
    """The Morph-KGC environment at venv, built if needed; never raises."""
    python = venv / "bin" / "python"
    try:
        venv.parent.mkdir(parents=True, exist_ok=True)
        with open(venv.parent / f"{venv.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if (venv / MARKER).exists() and (version := _version(python)):
                return Engine(str(python), version)
            shutil.rmtree(venv, ignore_errors=True)
            steps = [([sys.executable, "-m", "venv", str(venv)], "python -m venv"),
                     ([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PACKAGE],
                      f"pip install {PACKAGE}")]
            for cmd, what in steps:
                done = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=INSTALL_TIMEOUT,
                                      stdin=subprocess.DEVNULL)
                if done.returncode != 0:
                    shutil.rmtree(venv, ignore_errors=True)
                    return Engine(None, None, f"{what} failed: {_last_line(done.stderr or done.stdout)}")
            version = _version(python)
            if not version:
                return Engine(None, None, f"morph_kgc not importable in {venv}")
            (venv / MARKER).write_text(PACKAGE + "\n")
            return Engine(str(python), version)
    except subprocess.TimeoutExpired:
        shutil.rmtree(venv, ignore_errors=True)
        return Engine(None, None, f"installing {PACKAGE} took over {INSTALL_TIMEOUT} s")
    except OSError as err:
        return Engine(None, None, f"cannot make {venv}: {err.strerror or err}")


def write_config(folder: Path, output: Path) -> Path:
    """Morph-KGC's config: the mapping, N-Triples to output, its default process count (2 per core)."""
    config = folder / "morph-kgc.ini"
    config.write_text("[CONFIGURATION]\n"
                      f"output_file = {output}\n"
                      "output_format = N-TRIPLES\n"
                      "logging_level = WARNING\n"
                      "\n[DataSource1]\n"
                      f"mappings = {MAPPING}\n", encoding="utf-8")
    return config


def distinct_lines(path: Path) -> int:
    """Distinct statements of an N-Triples file (an engine may write a triple more than once)."""
    seen: set[int] = set()
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                seen.add(hash(line.rstrip()))
    return len(seen)
