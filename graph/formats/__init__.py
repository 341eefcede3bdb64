"""Export formats, registered by name and alias (the way rdflib registers serializers).

Three kinds of writer:
- a streaming format has ``encode(quads, **options) -> bytes`` for one file's
  quads, run where the file is mapped (in a worker process for large corpora),
  and a ``header`` written once: the export appends the pieces in path order and
  never holds the whole graph (Turtle, N-Triples, N-Quads, TriG);
- a piecewise format also encodes each file's quads where they are mapped, but
  ``assemble(pieces, out, **options)`` puts the pieces together at the end
  (JSON-LD: node objects made in the workers, sorted by @id at the end);
- a whole-graph format has only ``write(quads, out, **options)``, given every
  quad (GraphML).
Options a writer does not know are ignored (``compact_json`` is JSON-LD's).
Every format has ``write``, which is what the Python API uses.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from pyoxigraph import Quad

Writer = Callable[..., None]  # (quads: Iterable[Quad], out: BinaryIO, **options) -> None
Encoder = Callable[..., object]  # (quads: list[Quad], **options) -> a piece (bytes for streaming formats)
Assembler = Callable[..., None]  # (pieces: list, out: BinaryIO, **options) -> None
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
    encode: Encoder | None = None  # set for streaming and piecewise formats
    header: bytes = b""
    assemble: Assembler | None = None  # set for piecewise formats

    @property
    def streams(self) -> bool:
        return self.encode is not None and self.assemble is None

    @property
    def in_pieces(self) -> bool:
        return self.encode is not None


def streaming(name, aliases, filename, media_type, encode: Encoder, header: bytes = b"") -> Format:
    """A streaming format, whose whole-graph writer is header + encoded quads."""
    def write(quads: Iterable[Quad], out: BinaryIO, **options) -> None:
        out.write(header)
        out.write(encode(list(quads), **options))

    return Format(name, aliases, filename, media_type, write, encode, header)


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


def encode_many(names: tuple[str, ...], keep_quads: bool, options: dict, quads: list[Quad]):
    """What a worker returns for one file: its quad count, its piece in each streaming
    or piecewise format, and the quads themselves when a whole-graph format needs them."""
    pieces = {name: _REGISTRY[name].encode(quads, **options) for name in names}
    return len(quads), pieces, (quads if keep_quads else None)


from . import rdf  # noqa: E402,F401  (registers the RDF formats)
from . import jsonld  # noqa: E402,F401
from . import graphml  # noqa: E402,F401
