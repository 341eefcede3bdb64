"""The ``graphml`` export format: the network view (graph/network/view.py) as GraphML,
written with the GraphML writer (graph/formats/graphml.py). The formats registry finds
it by name (graph/formats/__init__.py), so formats need not import the network view."""
from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from pyoxigraph import Quad

from ..formats.graphml import write_parts
from .view import ViewSpool, encode_view, merge_pieces, view_parts

__all__ = ["ViewAssembler", "assemble_graphml", "encode_view", "write_graphml"]


def write_graphml(quads: Iterable[Quad], out: BinaryIO, **_options) -> None:
    """The network view of the quads, as GraphML."""
    assemble_graphml([encode_view(quads)], out)


def assemble_graphml(pieces: list, out: BinaryIO, **_options) -> None:
    """The export's way: each file's quads made plain data where they were mapped
    (encode_view, in the workers), merged here and written without building a networkx
    graph; the bytes ``write_graph`` writes for ``view_from_pieces(pieces)``."""
    nodes, edges = view_parts(merge_pieces(pieces))
    write_parts(list(nodes.items()), edges, True, True, out)


class ViewAssembler:
    """The export's way: each file's piece of the network view (made in the workers) goes
    to a ViewSpool on disk; the file is written once all are in (one type per attribute
    needs them all), without the view in memory."""

    def __init__(self, out: BinaryIO, **_options):
        self.out = out
        self.spool = ViewSpool()

    def add(self, piece) -> None:
        self.spool.add(piece)

    def finish(self) -> None:
        self.spool.write(self.out)
