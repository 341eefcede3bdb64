"""Export formats, registered by name and alias (the way rdflib registers serializers).

A format is a writer ``write(quads, out, **options)`` that takes the corpus's
quads (in source order) and writes bytes to a binary file object. Options a
writer does not know are ignored (``compact_json`` is JSON-LD's).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from pyoxigraph import Quad

Writer = Callable[..., None]  # (quads: Iterable[Quad], out: BinaryIO, **options) -> None
ALL = "all"  # the name that selects every format


class FormatError(ValueError):
    """The graph cannot be written faithfully in this format."""


@dataclass(frozen=True)
class Format:
    name: str
    aliases: tuple[str, ...]
    filename: str
    media_type: str
    write: Writer


_REGISTRY: dict[str, Format] = {}
_BY_ALIAS: dict[str, Format] = {}


def register(fmt: Format) -> None:
    _REGISTRY[fmt.name] = fmt
    for key in (fmt.name, *fmt.aliases):
        _BY_ALIAS[key.lower()] = fmt


def get(name: str) -> Format:
    """The format registered under a name or alias; KeyError lists the known ones (and ``all``)."""
    try:
        return _BY_ALIAS[name.lower()]
    except KeyError:
        raise KeyError(f"unknown format '{name}'; known formats: {', '.join(known())}, {ALL}") from None


def known() -> list[str]:
    """Names and aliases, in registration order."""
    return [key for fmt in _REGISTRY.values() for key in (fmt.name, *fmt.aliases)]


def names() -> list[str]:
    return list(_REGISTRY)


def select(names_or_aliases: Iterable[str]) -> list[Format]:
    """The formats named (``all`` for every one), each once, in the order given."""
    chosen: list[Format] = []
    for name in names_or_aliases:
        for fmt in _REGISTRY.values() if name.lower() == ALL else [get(name)]:
            if fmt not in chosen:
                chosen.append(fmt)
    return chosen


from . import rdf  # noqa: E402,F401  (registers the RDF formats)
from . import jsonld  # noqa: E402,F401
from . import graphml  # noqa: E402,F401
