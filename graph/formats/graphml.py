"""GraphML for Gephi, Cytoscape and yEd: the writer (and reader) of every network kg writes.

The ``graphml`` export format, the network view, is graph/network/graphml.py; ``kg
export --network NAME`` writes the other networks with the same writer.

A streaming writer: one pass over the nodes and edges, text escaped by hand.
It is a little faster than ``networkx.write_graphml`` (1.1 s against 1.4 s with
lxml and 3.5 s without, for 32k nodes and 83k edges), and differs from it
where that matters to the tools (networkx's writer repeats edge ids, and
fails on, or writes unreadable XML for, control characters):

- key ids are ``n0``, ``n1``, ... and ``e0``, ... (Gephi reads the ids ``d3``
  and ``d7`` that networkx would write as node and edge labels);
- each attribute key has one GraphML type (``long``, ``double``, ``boolean``
  or ``string``); a key whose values differ in type is ``string``. No value is
  ever ``None`` or a list.
- edges carry no ``id``: ids must be unique in a GraphML file (Gephi drops an
  edge whose id it has seen), and an edge key such as ``about`` is not. The key
  is written as the edge attribute ``key``, which ``networkx.read_graphml``
  uses as the edge key.
- XML 1.0 cannot hold most control characters (U+0000-U+001F other than tab,
  line feed and carriage return; U+FFFE, U+FFFF), not even as character
  references. They are written as ``\\uXXXX``; a run of backslashes that
  stands before ``uXXXX`` or before such a character is doubled, so the text
  can be told apart and restored exactly (``unescape``, ``read_graphml``).
  Text without those characters and without ``\\uXXXX`` is written unchanged.
- carriage returns are written as ``&#13;`` (XML parsers turn a raw one into
  a line feed); ``<``, ``&``, ``>`` (so ``]]>``) and, in attributes, ``"``,
  tab and line feed are escaped.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, BinaryIO

from .network import text_of

if TYPE_CHECKING:
    import networkx as nx

EDGE_KEY_ATTRIBUTE = "key"  # networkx.read_graphml takes an id-less edge's key from it
_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)
_FORBIDDEN = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
_NEEDS_ESCAPE = re.compile(rf"{_FORBIDDEN}|\\+(?=u[0-9A-Fa-f]{{4}}|{_FORBIDDEN})")
_ESCAPED = re.compile(r"(\\+)u([0-9A-Fa-f]{4})")
_CHUNK = 4096  # elements written per block


def _escape_one(match: re.Match) -> str:
    found = match.group()
    return found * 2 if found[0] == "\\" else f"\\u{ord(found):04X}"


def escape(text: str) -> str:
    """Text that XML 1.0 can hold, reversibly (see the module's docstring)."""
    return _NEEDS_ESCAPE.sub(_escape_one, text)


def _unescape_one(match: re.Match) -> str:
    run, code = len(match.group(1)), match.group(2)
    return "\\" * (run // 2) + (chr(int(code, 16)) if run % 2 else "u" + code)


def unescape(text: str) -> str:
    """The inverse of ``escape``: the text as it was before it was written to GraphML."""
    return _ESCAPED.sub(_unescape_one, text) if "\\" in text else text


# Any character that _xml_text or _xml_attr changes (or that starts an escape): most
# text has none, and one search is far cheaper than the replacements.
_SPECIAL = re.compile(rf"{_FORBIDDEN}|[\\&<>\r\"\t\n]")


def _xml_text(text: str) -> str:
    if not _SPECIAL.search(text):
        return text
    return (escape(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _xml_attr(text: str) -> str:
    if not _SPECIAL.search(text):
        return text
    return (_xml_text(text).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;"))


def _double(value: float) -> str:
    # Java's Double.parseDouble (Gephi, yEd) reads NaN and Infinity, not nan and inf.
    if math.isnan(value):
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


def _string(value) -> str:
    return _xml_text(value if type(value) is str else text_of(value))


# Python type -> (GraphML attr.type, text of a value)
_TYPES = {
    bool: ("boolean", text_of),
    int: ("long", str),
    float: ("double", _double),
    str: ("string", _string),
}
STRING = _TYPES[str]
_LONG = range(-2**63, 2**63)  # GraphML's long is Java's


def _key_types(items: Iterable[dict]) -> dict[str, tuple]:
    """Attribute name -> (GraphML type, converter); ``string`` where types differ."""
    seen: dict[str, set] = {}
    for attrs in items:
        value_types(attrs, seen)
    return key_types(seen)


def value_types(attrs: dict, seen: dict[str, set]) -> None:
    """Add the types of these attribute values to ``seen`` (name -> types), as GraphML
    sees them: an int beyond Java's long is text."""
    for name, value in attrs.items():
        if value is None:
            continue
        kind = type(value)
        if kind is int and value not in _LONG:
            kind = str
        seen.setdefault(name, set()).add(kind)


def key_types(seen: dict[str, set]) -> dict[str, tuple]:
    """(GraphML type, converter) per attribute from the types its values have (value_types)."""
    return {name: _TYPES[next(iter(kinds))] if len(kinds) == 1 and next(iter(kinds)) in _TYPES else STRING
            for name, kinds in sorted(seen.items())}


def write_graph(g: nx.Graph, out: BinaryIO) -> None:
    """Write a NetworkX graph as GraphML (attribute values: bool, int, float, str).

    A multigraph's edge keys are written as the edge attribute ``key``."""
    multi = g.is_multigraph()
    edges = list(g.edges(keys=True, data=True) if multi else ((u, v, None, d) for u, v, d in g.edges(data=True)))
    write_parts(list(g.nodes(data=True)), edges, g.is_directed(), multi, out)


def write_parts(nodes: Sequence[tuple[str, dict]], edges: Sequence[tuple[str, str, object, dict]],
                directed: bool, multi: bool, out: BinaryIO) -> None:
    """Write nodes ``(id, attributes)`` and edges ``(source, target, key, attributes)``
    as GraphML, in the order given: the bytes ``write_graph`` writes for a graph that
    holds them (a graph built without networkx, for speed)."""
    node_types = _key_types(attrs for _, attrs in nodes)
    edge_types = _key_types(data for _, _, _, data in edges)
    node_keys, edge_keys = write_head(out, node_types, edge_types, directed, multi)
    write_nodes(out, nodes, node_keys)
    write_edges(out, edges, edge_keys, multi)


def write_head(out: BinaryIO, node_types: dict[str, tuple], edge_types: dict[str, tuple], directed: bool,
               multi: bool) -> tuple[dict, dict]:
    """The GraphML header: one key per attribute, with its type (see ``key_types``);
    returns the node keys and the edge keys, for write_nodes and write_edges."""
    edge_types = dict(edge_types)
    if multi:
        if EDGE_KEY_ATTRIBUTE in edge_types:
            raise ValueError(f"the edge attribute {EDGE_KEY_ATTRIBUTE!r} is reserved for the edge key")
        edge_types[EDGE_KEY_ATTRIBUTE] = STRING
    keys: dict[tuple[str, str], tuple[str, tuple]] = {}
    head = [_HEADER]
    for scope, types in (("node", node_types), ("edge", edge_types)):
        for i, (name, (xml_type, convert)) in enumerate(sorted(types.items())):
            # Not networkx's d0, d1, ...: Gephi takes the key id d3 for the node label
            # and d7 for the edge label (yEd's ids), whatever the attribute's name.
            key_id = f"{scope[0]}{i}"
            keys[scope, name] = (key_id, convert)
            head.append(f'  <key id="{key_id}" for="{scope}" attr.name="{_xml_attr(name)}" '
                        f'attr.type="{xml_type}" />\n')
    head.append(f'  <graph edgedefault="{"directed" if directed else "undirected"}">\n')
    out.write("".join(head).encode("utf-8"))
    node_keys = {name: key for (scope, name), key in keys.items() if scope == "node"}
    edge_keys = {name: key for (scope, name), key in keys.items() if scope == "edge"}
    return node_keys, edge_keys


def write_nodes(out: BinaryIO, nodes: Iterable[tuple[str, dict]], node_keys: dict) -> None:
    chunk: list[str] = []
    for node, attrs in nodes:
        chunk.append(f'    <node id="{_xml_attr(str(node))}">\n')
        chunk.extend(_data(attrs, node_keys))
        chunk.append("    </node>\n")
        if len(chunk) > _CHUNK:
            out.write("".join(chunk).encode("utf-8"))
            chunk.clear()
    out.write("".join(chunk).encode("utf-8"))


def write_edges(out: BinaryIO, edges: Iterable[tuple[str, str, object, dict]], edge_keys: dict, multi: bool) -> None:
    """The edges, then the end of the file."""
    chunk: list[str] = []
    rendered: dict[tuple, list[str]] = {}  # edges share few distinct attribute sets: render each once
    for u, v, key, data in edges:
        chunk.append(f'    <edge source="{_xml_attr(str(u))}" target="{_xml_attr(str(v))}">\n')
        data = {**data, EDGE_KEY_ATTRIBUTE: text_of(key)} if multi else data
        try:
            signature: tuple | None = tuple(sorted(data.items()))
            lines = rendered.get(signature)  # type: ignore[arg-type]
        except TypeError:  # an unhashable value: render it every time
            signature, lines = None, None
        if lines is None:
            lines = _data(data, edge_keys)
            if signature is not None and len(rendered) < _CHUNK:
                rendered[signature] = lines
        chunk.extend(lines)
        chunk.append("    </edge>\n")
        if len(chunk) > _CHUNK:
            out.write("".join(chunk).encode("utf-8"))
            chunk.clear()
    chunk.append("  </graph>\n</graphml>\n")
    out.write("".join(chunk).encode("utf-8"))


def _data(attrs: dict, keys: dict) -> list[str]:
    lines = []
    for name in sorted(attrs):
        value = attrs[name]
        if value is None:
            continue
        key_id, convert = keys[name]
        lines.append(f'      <data key="{key_id}">{convert(value)}</data>\n')
    return lines


def read_graphml(path, multigraph: bool = True) -> nx.Graph:
    """Read a GraphML file kg wrote back into the graph it was written from: a
    ``MultiDiGraph`` (``graph.to_networkx``), or with ``multigraph=False`` the
    ``DiGraph`` or ``Graph`` of a derived network.

    ``networkx.read_graphml`` gives the same graph, except that it keeps the
    edge attribute ``key`` and leaves text escaped as described above.
    """
    import networkx as nx

    if not multigraph:
        plain = nx.read_graphml(path)
        out = plain.__class__()
        out.add_nodes_from((unescape(n), _unescape_values(a)) for n, a in plain.nodes(data=True))
        out.add_edges_from((unescape(u), unescape(v), _unescape_values(d)) for u, v, d in plain.edges(data=True))
        return out
    read = nx.read_graphml(path, force_multigraph=True)
    g = nx.MultiDiGraph()
    g.add_nodes_from((unescape(n), _unescape_values(attrs)) for n, attrs in read.nodes(data=True))
    for u, v, key, data in read.edges(keys=True, data=True):
        data = _unescape_values(data)
        data.pop(EDGE_KEY_ATTRIBUTE, None)
        g.add_edge(unescape(u), unescape(v), unescape(key) if isinstance(key, str) else key, **data)
    return g


def _unescape_values(attrs: dict) -> dict:
    return {unescape(k): unescape(v) if isinstance(v, str) else v for k, v in attrs.items()}
