"""Networks as CSV tables, for spreadsheets and Gephi's spreadsheet import.

Two files per network: the edge list (``Source``, ``Target``, ``Type``, then
``Weight`` or ``Relation``, and the labels of both ends) and the node table
(``Id``, ``Label``, then every node attribute, by name). The column names are
the ones Gephi's "Import spreadsheet" recognises. UTF-8 without a byte-order
mark, RFC 4180 quoting, rows sorted. A text cell that a spreadsheet would run
as a formula (one that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is written with a leading ``'``.
"""
from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, BinaryIO

from .derived import WEIGHT
from .view import LABEL

if TYPE_CHECKING:
    import networkx as nx

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def edge_rows(g: nx.Graph) -> tuple[list[str], list[list]]:
    kind = "Directed" if g.is_directed() else "Undirected"
    weighted = not g.is_multigraph()
    header = ["Source", "Target", "Type", "Weight" if weighted else "Relation", "Source label", "Target label"]
    labels = dict(g.nodes(data=LABEL))
    if weighted:
        edges = [(u, v, d[WEIGHT]) for u, v, d in g.edges(data=True)]
    else:
        edges = [(u, v, k) for u, v, k in g.edges(keys=True)]
    rows = [[u, v, kind, value, labels[u], labels[v]] for u, v, value in sorted(edges, key=_edge_order)]
    return header, rows


def _edge_order(edge: tuple) -> tuple:
    u, v, value = edge
    return (u, v, str(value))


def node_rows(g: nx.Graph) -> tuple[list[str], list[list]]:
    names = sorted({name for _, attrs in g.nodes(data=True) for name in attrs} - {LABEL})
    header = ["Id", "Label", *names]
    rows = [[node, attrs.get(LABEL, node), *(_text(attrs.get(name)) for name in names)]
            for node, attrs in sorted(g.nodes(data=True))]
    return header, rows


def _text(value) -> object:
    return "" if value is None else value


def write_csv(header: list[str], rows: list[list], out: BinaryIO) -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text)  # RFC 4180: CRLF line ends, fields quoted where needed
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    out.write(text.getvalue().encode("utf-8"))


def write_edges(g: nx.Graph, out: BinaryIO) -> None:
    write_csv(*edge_rows(g), out)


def write_nodes(g: nx.Graph, out: BinaryIO) -> None:
    write_csv(*node_rows(g), out)
