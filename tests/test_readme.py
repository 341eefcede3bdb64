"""README's shown outputs are real: every ```console block is run, in order, in one fresh
folder holding a copy of seeds/ and tests/site/ (and `ai-news`, the real corpus), and its
output must be what the README shows.

    python tests/test_readme.py --write   # run the blocks and write their real output into README.md

Times (`0.22 s`) are compared as numbers of seconds, whatever their value; a line `...`
stands for any lines (an abridged output). `oxigraph serve ... &` starts a real Oxigraph
server on a free port, which the commands and the output then name as localhost:7878.
kg's stdout and stderr are read together, unbuffered, as a terminal shows them.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
AI_NEWS = ROOT.parent / "shared" / "corpora" / "ai-news"
BLOCK = re.compile(r"^```console\n(.*?)^```\n", re.M | re.S)
TIME = re.compile(r"\b\d+\.\d+ s\b")
PORT = "localhost:7878"


@dataclass
class Step:
    command: str
    shown: list[str] = field(default_factory=list)


def blocks(text: str) -> list[tuple[re.Match, list[Step]]]:
    found = []
    for m in BLOCK.finditer(text):
        steps: list[Step] = []
        for line in m.group(1).splitlines():
            if line.startswith("$ "):
                steps.append(Step(line[2:]))
            else:
                assert steps, f"README.md: a console block must begin with a '$ ' command: {line!r}"
                steps[-1].shown.append(line)
        found.append((m, steps))
    return found


class Sandbox:
    """The folder the README's commands run in, and the servers they start."""

    def __init__(self, folder: Path):
        self.folder = folder
        shutil.copytree(ROOT / "seeds", folder / "seeds")
        shutil.copytree(ROOT / "tests" / "site", folder / "tests" / "site")
        if AI_NEWS.is_dir():
            (folder / "ai-news").symlink_to(AI_NEWS)
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        for name in ("KG_USER", "KG_PASSWORD"):
            self.env.pop(name, None)
        self.port: str | None = None
        self.servers: list = []

    def run(self, command: str) -> list[str]:
        if self.port:
            command = command.replace(PORT, self.port)
        argv = shlex.split(command)
        if argv[-1] == "&":
            self._start(argv[:-1])
            return []
        if argv[0] == "kg":
            argv = [sys.executable, "-m", "graph", *argv[1:]]
        done = subprocess.run(argv, cwd=self.folder, env=self.env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=300, check=False)
        out = done.stdout.replace("\r\n", "\n")  # CSV rows end in CRLF (the README says so)
        if self.port:
            out = out.replace(self.port, PORT)
        return out.splitlines()

    def _start(self, argv: list[str]) -> None:
        """`oxigraph serve --location DIR ...`: a real server, on a free port of 127.0.0.1."""
        assert argv[:2] == ["oxigraph", "serve"], f"README.md: only oxigraph serve may run in the background: {argv}"
        from servers import oxigraph_server
        location = argv[argv.index("--location") + 1]
        server = oxigraph_server(self.folder / location)
        self.servers.append(server)
        self.port = server.__enter__().url.removeprefix("http://")

    def close(self) -> None:
        for server in self.servers:
            server.__exit__(None, None, None)


def matches(shown: list[str], real: list[str]) -> bool:
    if "..." in shown:
        cut = shown.index("...")
        head, tail = shown[:cut], shown[cut + 1:]
        return (len(real) >= len(head) + len(tail) and matches(head, real[:len(head)])
                and matches(tail, real[len(real) - len(tail):] if tail else []))
    return len(shown) == len(real) and all(TIME.sub("T s", a) == TIME.sub("T s", b) for a, b in zip(shown, real, strict=False))


def abridged(shown: list[str], real: list[str]) -> list[str]:
    """The real output, cut where the README cuts it."""
    if "..." not in shown:
        return real
    cut = shown.index("...")
    tail = len(shown) - cut - 1
    return real[:cut] + ["..."] + (real[len(real) - tail:] if tail else [])


def run_readme(text: str) -> list[tuple[re.Match, list[Step], list[list[str]]]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="kg-readme-") as tmp:
        sandbox = Sandbox(Path(tmp))
        try:
            for m, steps in blocks(text):
                results.append((m, steps, [sandbox.run(step.command) for step in steps]))
        finally:
            sandbox.close()
    return results


def test_readme_outputs_are_what_kg_prints():
    import pytest
    if not AI_NEWS.is_dir():
        pytest.skip(f"real corpus not found at {AI_NEWS}")
    text = README.read_text(encoding="utf-8")
    assert len(blocks(text)) >= 5  # the blocks are found
    differ = []
    for _m, steps, outputs in run_readme(text):
        for step, real in zip(steps, outputs, strict=True):
            if not matches(step.shown, real):
                differ.append(f"$ {step.command}\n  README shows:\n    " + "\n    ".join(step.shown) +
                              "\n  kg prints:\n    " + "\n    ".join(real))
    assert not differ, "README.md differs from kg's real output (python tests/test_readme.py --write):\n" + \
        "\n".join(differ)


def write() -> None:
    text = README.read_text(encoding="utf-8")
    pieces, last = [], 0
    for m, steps, outputs in run_readme(text):
        body = []
        for step, real in zip(steps, outputs, strict=True):
            body += [f"$ {step.command}", *abridged(step.shown, real)]
        pieces += [text[last:m.start()], "```console\n", "\n".join(body), "\n```\n"]
        last = m.end()
    pieces.append(text[last:])
    README.write_text("".join(pieces), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(__doc__)
    sys.path.insert(0, str(Path(__file__).parent))
    write()
