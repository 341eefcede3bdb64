"""What the inputs hold: the files (and JSON API items) the first pass reads, and the
files that hold no item, found before anything is parsed."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..options import Options
from ..problems import Problem
from . import api
from .files import Source, discover


@dataclass
class Inputs:
    sources: list[Source]                  # files and JSON API items, in path order
    problems: list[Problem] = field(default_factory=list)
    passed: list[tuple[str, str]] = field(default_factory=list)    # (path, why): no item in it
    repeated: list[tuple[str, str]] = field(default_factory=list)  # (where, which): items met before
    files: int = 0                         # files found (JSON API pages count once)


def gather(inputs: Iterable, options: Options) -> Inputs:
    passed: list[tuple[str, str]] = []
    sources, problems = discover(inputs, site_url=options.site_url, passed=passed)
    expanded = api.expand(sources, options.max_file_size)
    return Inputs(expanded.sources, problems + expanded.problems, passed + expanded.passed, expanded.repeated,
                  files=len(sources) + len(passed))
