"""Export formats, registered by name and alias (the way rdflib registers serializers).

A format is a writer ``write(quads, out)`` that takes the corpus's quads (in
source order) and writes bytes to a binary file object.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from pyoxigraph import Quad

Writer = Callable[[Iterable[Quad], BinaryIO], None]


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
    """The format registered under a name or alias; KeyError lists the known ones."""
    try:
        return _BY_ALIAS[name.lower()]
    except KeyError:
        raise KeyError(f"unknown format '{name}'; known formats: {', '.join(known())}") from None


def known() -> list[str]:
    """Names and aliases, in registration order."""
    return [key for fmt in _REGISTRY.values() for key in (fmt.name, *fmt.aliases)]


def names() -> list[str]:
    return list(_REGISTRY)


from . import rdf  # noqa: E402,F401  (registers the RDF formats)
