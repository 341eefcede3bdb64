"""Compare the YAML loader's fast path with its exact libyaml path, value for value."""
from __future__ import annotations

import datetime

from graph.read import yamlsafe


def typed(value: object) -> object:
    """``value`` as nested tuples that differ whenever a value, its type, the order of a
    mapping or a datetime's tzinfo differ (and that make NaN equal to NaN)."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    if isinstance(value, datetime.datetime):
        return ("datetime", value.isoformat(), repr(value.tzinfo))
    return (type(value).__name__, repr(value))


def outcome(load, text: str, first_line: int = 2) -> tuple:
    """What ``load`` makes of ``text``: its data and warnings, or its error and line."""
    try:
        data, warnings = load(text, first_line)
    except yamlsafe.YAMLProblem as err:
        return ("error", str(err), err.line)
    return ("data", typed(data), warnings)


def difference(text: str, first_line: int = 2, load=None) -> str | None:
    """None if ``load`` (``yamlsafe.load``) and ``yamlsafe.load_exact`` agree on ``text``."""
    fast = outcome(load or yamlsafe.load, text, first_line)
    exact = outcome(yamlsafe.load_exact, text, first_line)
    return None if fast == exact else f"{text!r}\n  load:       {fast}\n  load_exact: {exact}"
