"""Export formats, registered by name and alias (the way rdflib registers serializers).

Every format encodes one named graph's plain triples at a time
(``encode(triples, graph=IRI, **options)``), where the file is mapped: in a
worker process for large corpora. Then either
- a streaming format appends the pieces in path order after its ``header``, and
  never holds the whole graph (Turtle, N-Triples, N-Quads, TriG), or
- a piecewise format has an ``assembler(out, **options)`` that is given each piece
  (``add``) and writes the file once all are in (``finish``): JSON-LD sorts node
  objects by @id; GraphML gives each attribute one type.
Options a writer does not know are ignored (``compact_json`` is JSON-LD's).
``write(quads, out)`` writes pyoxigraph quads, for the Python API.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

from pyoxigraph import NamedNode, Quad
from pyoxigraph import Triple as OxTriple

from ..mapping.plain import Triple, from_pyoxigraph

Encoder = Callable[..., Any]     # (triples, graph=IRI, **options) -> a piece (bytes for streaming formats)


class Assembler(Protocol):
    """Puts the pieces of a piecewise format together (made by ``Format.assembler(out, **options)``)."""

    def add(self, piece: Any) -> None: ...

    def finish(self) -> None: ...

ALL = "all"  # the name that selects every format


class FormatError(ValueError):
    """The graph cannot be written faithfully in this format."""


@dataclass(frozen=True)
class Format:
    name: str
    aliases: tuple[str, ...]
    filename: str
    media_type: str
    encode: Encoder
    header: bytes = b""
    assembler: Callable[..., Assembler] | None = None  # set for piecewise formats

    @property
    def streams(self) -> bool:
        return self.assembler is None

    def write(self, quads: Iterable[Quad | OxTriple], out: BinaryIO, **options: Any) -> None:
        """Write pyoxigraph quads (or triples) as one file of this format (the Python API)."""
        runs = [(g, from_pyoxigraph(run)) for g, run in _runs(quads)]
        if self.assembler is not None:
            assembler = self.assembler(out, **options)
            for g, triples in runs:
                assembler.add(self.encode(triples, graph=g, **options))
            assembler.finish()
            return
        out.write(self.header)
        for g, triples in runs:
            out.write(self.encode(triples, graph=g, **options))


def _runs(quads: Iterable[Quad | OxTriple]) -> Iterator[tuple[str | None, list]]:
    """Consecutive quads of one named graph (None: the default graph), in order."""
    graph: object = object()
    run: list = []
    for q in quads:
        name = q.graph_name if isinstance(q, Quad) else None
        g = name.value if isinstance(name, NamedNode) else None
        if g != graph:
            if run:
                yield graph, run  # type: ignore[misc]
            graph, run = g, []
        run.append(q)
    if run:
        yield graph, run  # type: ignore[misc]


def streaming(name: str, aliases: tuple[str, ...], filename: str, media_type: str, encode: Encoder,
              header: bytes = b"") -> Format:
    return Format(name, aliases, filename, media_type, encode, header)


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


def encode_all(names: tuple[str, ...], options: dict[str, Any], triples: list[Triple],
               graph: str | None) -> dict[str, Any]:
    """One graph's piece in each of these formats (what a worker returns for a file)."""
    return {name: _REGISTRY[name].encode(triples, graph=graph, **options) for name in names}


def plugin(module: str, name: str) -> Callable[..., Any]:
    """A format's function or class, imported when first called: a format that lives in a
    later stage (GraphML of the network view) is registered by name, as rdflib finds its
    plugins, and the registry imports no stage above it."""
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)
    call.__qualname__ = f"{module}.{name}"
    return call


# The built-in formats register themselves when imported, in this order (`all` follows it).
# isort: off
from . import rdf  # noqa: E402,F401
from . import jsonld  # noqa: E402,F401
# isort: on
register(Format("graphml", (), "graph.graphml", "application/graphml+xml",
                plugin("graph.network.graphml", "encode_view"),
                assembler=plugin("graph.network.graphml", "ViewAssembler")))
