"""JSON-LD: the compacted form, with the project context embedded.

The document is ``{"@context": <vocab/context.jsonld>, "@graph": [node, ...]}``,
nodes sorted by ``@id``, their keys and values sorted: the same graph always
gives the same bytes. It is built straight from the quads with the context's term
definitions, not by JSON-LD compaction (pyld) or rdflib's serializer, which are
far too slow for a corpus; the tests expand the output with pyld and compare
the triples with the Turtle export.

A value that fits its term is written in the term's short form (an IRI string
for an ``@id`` term, a JSON number or boolean for an ``xsd:integer`` or
``xsd:boolean`` term, a string otherwise). A value that does not fit (a literal
whose datatype is not the term's, a language-tagged string, an IRI under a text
term) is written as an expanded value object, so that no value changes type.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, BinaryIO

from pyoxigraph import Quad

from ..mapping.plain import Triple, from_pyoxigraph, group_by_subject
from ..terms import RDF, XSD
from . import Format, FormatError, register

# vocab/context.jsonld, installed as the data package graph.vocab (graph/vocabulary/;
# not imported here, as it loads rdflib).
CONTEXT_PACKAGE, CONTEXT_FILE = "graph.vocab", "context.jsonld"
RDF_TYPE = RDF + "type"
XSD_STRING = XSD + "string"
XSD_INTEGER = XSD + "integer"
XSD_BOOLEAN = XSD + "boolean"
# Integers written as JSON numbers: canonical form, and small enough for a
# JavaScript number (2**53) and for JSON-LD's integer rule (below 10**21).
_NATIVE_INT = re.compile(r"0|-?[1-9][0-9]{0,14}")
_NATIVE_BOOL = {"true": True, "false": False}


@cache
def context() -> dict:
    """The project's JSON-LD context document, ``{"@context": {...}}``."""
    text = resources.files(CONTEXT_PACKAGE).joinpath(CONTEXT_FILE).read_text(encoding="utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class Term:
    name: str
    coerce: str | None  # "@id", a datatype IRI, or None (text)


class Compactor:
    """Compact IRIs and values with the term definitions of one context."""

    def __init__(self, ctx: dict):
        defs = ctx["@context"]
        unsupported = {"@vocab", "@base", "@language", "@direction", "@propagate", "@import"} & defs.keys()
        if unsupported:
            raise ValueError(f"the JSON-LD writer does not handle {', '.join(sorted(unsupported))} in the context")
        self.prefixes = {k: v for k, v in defs.items()
                         if isinstance(v, str) and not k.startswith("@") and v.endswith(("/", "#"))}
        self.terms: dict[str, Term] = {}
        for name, definition in sorted(defs.items()):
            if name.startswith("@") or name in self.prefixes:
                continue
            if isinstance(definition, str):
                iri, coerce = self.expand(definition), None
            else:
                if set(definition) - {"@id", "@type"}:
                    raise ValueError(f"the JSON-LD writer does not handle the definition of {name}: {definition}")
                iri = self.expand(definition["@id"])
                coerce = definition.get("@type")
                if coerce not in (None, "@id"):
                    coerce = self.expand(coerce)
            self.terms.setdefault(iri, Term(name, coerce))
        # An IRI that begins with a prefix and a colon (and not '//') would be
        # read back as a compact IRI: it cannot be written in this context.
        self._ambiguous = tuple(f"{p}:" for p in self.prefixes)

    def expand(self, value: str) -> str:
        prefix, colon, local = value.partition(":")
        if colon and prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return value

    def iri(self, text: str) -> str:
        if text.startswith(self._ambiguous) and not text.partition(":")[2].startswith("//"):
            raise FormatError(f"the IRI <{text}> would be read as a compact IRI in JSON-LD; "
                              "choose a --base that does not begin with a prefix of the context")
        return text

    def vocab(self, iri: str) -> str:
        """A class, datatype or property IRI: its term, else a compact IRI, else the IRI."""
        term = self.terms.get(iri)
        if term is not None:
            return term.name
        for prefix, ns in self.prefixes.items():
            local = iri[len(ns):]
            if iri.startswith(ns) and local and ":" not in local and not local.startswith("/"):
                return f"{prefix}:{local}"
        return self.iri(iri)

    def node(self, subject: str, props: dict[str, set[tuple[str, str | None]]]) -> dict:
        obj: dict = {"@id": self.iri(subject)}
        for iri, objects in props.items():
            if iri == RDF_TYPE:
                types = [self.vocab(o) for o, dt in objects if dt is None and not o.startswith("_:")]
                if types:
                    obj["@type"] = types[0] if len(types) == 1 else sorted(types)
                objects = {(o, dt) for o, dt in objects if dt is not None or o.startswith("_:")}
                if not objects:
                    continue
            term = self.terms.get(iri)
            key, coerce = (term.name, term.coerce) if term else (self.vocab(iri), None)
            values = [self.value(o, coerce) for o in objects]
            obj[key] = values[0] if len(values) == 1 else sorted(values, key=_order)
        return dict(sorted(obj.items()))  # "@id", "@type", then the terms

    def value(self, value: tuple[str, str | None], coerce: str | None):
        text, datatype = value
        if datatype is None:
            ref = self.iri(text)
            return ref if coerce == "@id" else {"@id": ref}
        if datatype[0] == "@":
            return {"@language": datatype[1:], "@value": text}
        if datatype == coerce:
            if datatype == XSD_INTEGER and _NATIVE_INT.fullmatch(text):
                return int(text)
            if datatype == XSD_BOOLEAN and text in _NATIVE_BOOL:
                return _NATIVE_BOOL[text]
            return text
        if datatype == XSD_STRING:
            return text if coerce is None else {"@value": text}
        return {"@type": self.vocab(datatype), "@value": text}


def _order(value) -> tuple:
    return (type(value).__name__, json.dumps(value, sort_keys=True, ensure_ascii=False))


def document(quads: Iterable[Quad], ctx: dict | None = None) -> dict:
    """The compacted JSON-LD document of the union of the quads' graphs (pyoxigraph quads)."""
    ctx = context() if ctx is None else ctx
    compactor = Compactor(ctx)
    nodes = [compactor.node(s, props) for s, props in group_by_subject(from_pyoxigraph(quads)).items()]
    nodes.sort(key=lambda n: n["@id"])
    return {"@context": ctx["@context"], "@graph": nodes}


def _dumps(value, compact_json: bool) -> str:
    if compact_json:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(value, ensure_ascii=False, indent=2)


def write_jsonld(quads: Iterable[Quad], out: BinaryIO, *, compact_json: bool = False, **_options) -> None:
    out.write(_dumps(document(quads), compact_json).encode("utf-8"))
    out.write(b"\n")


# --- the export's way: node objects made where each file is mapped -----------------

_MARK = "\x00kg-nodes\x00"  # stands for the nodes in the document's frame
_INDENT = "    "              # a node's depth in the indented document: {"@graph": [ node ]}


def encode_nodes(triples: list[Triple], *, compact_json: bool = False, **_options) -> list[tuple[str, str]]:
    """One graph's node objects as (@id, JSON text), written as they will stand in the document.

    Every node is described in one file (see graph.mapping), so nearly every @id
    comes from one piece; the few that do not are merged by assemble_nodes."""
    compactor = _compactor()
    pieces = []
    for subject, props in group_by_subject(triples).items():
        obj = compactor.node(subject, props)
        text = _dumps(obj, compact_json)
        pieces.append((obj["@id"], text if compact_json else text.replace("\n", "\n" + _INDENT)))
    return pieces


class NodeAssembler:
    """The document from the node objects of every file: byte for byte what write_jsonld gives.

    The node texts wait in a temporary file, in the order they come; memory holds only
    their @ids and places, so a large corpus is sorted by @id without being held whole.
    Nodes of one @id (an article in two files) are merged in path order."""

    def __init__(self, out: BinaryIO, *, compact_json: bool = False, **_options: Any):
        self.out, self.compact_json = out, compact_json
        self._file = tempfile.TemporaryFile(prefix="kg-jsonld-")
        self._ids: list[str] = []
        self._offsets = array("q")
        self._lengths = array("q")
        self._end = 0

    def add(self, piece: list[tuple[str, str]]) -> None:
        for node_id, text in piece:
            data = text.encode("utf-8")
            self._file.write(data)
            self._ids.append(node_id)
            self._offsets.append(self._end)
            self._lengths.append(len(data))
            self._end += len(data)

    def _text(self, i: int) -> str:
        return os.pread(self._file.fileno(), self._lengths[i], self._offsets[i]).decode("utf-8")

    def finish(self) -> None:
        try:
            self._file.flush()
            ids = self._ids
            order = sorted(range(len(ids)), key=ids.__getitem__)  # stable: duplicates stay in path order
            ctx = context()
            frame = _dumps({"@context": ctx["@context"], "@graph": [_MARK] if ids else []}, self.compact_json)
            head, _, tail = frame.partition(json.dumps(_MARK))
            separator = "," if self.compact_json else ",\n" + _INDENT
            out = self.out
            out.write(head.encode("utf-8"))
            at = 0
            while at < len(order):
                first = order[at]
                text = self._text(first)
                at += 1
                while at < len(order) and ids[order[at]] == ids[first]:
                    text = _merge(text, self._text(order[at]), self.compact_json)
                    at += 1
                out.write(((separator if first != order[0] else "") + text).encode("utf-8"))
            out.write(tail.encode("utf-8"))
            out.write(b"\n")
        finally:
            self._file.close()


def _merge(first: str, second: str, compact_json: bool) -> str:
    """Two node objects of one @id (an article in two files) as one."""
    a, b = json.loads(first), json.loads(second)
    for key, value in b.items():
        if key == "@id":
            continue
        values = _as_list(a.get(key)) + _as_list(value)
        unique = list({_order(v): v for v in values}.values())
        a[key] = unique[0] if len(unique) == 1 else sorted(unique, key=_order)
    text = _dumps(dict(sorted(a.items())), compact_json)
    return text if compact_json else text.replace("\n", "\n" + _INDENT)


def _as_list(value) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


@cache
def _compactor() -> Compactor:
    return Compactor(context())


register(Format("jsonld", ("json-ld",), "graph.jsonld", "application/ld+json", encode_nodes,
                assembler=NodeAssembler))
