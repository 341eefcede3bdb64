"""A scene as a static picture, SVG or PNG, drawn with matplotlib.

matplotlib rather than SVG written by hand: one renderer for both formats, with
its own fonts (DejaVu Sans ships with it, so labels look the same on any
machine), text measured for the legend and labels. The SVG keeps text as text
(searchable, selectable), carries no date, and its element ids are derived from
a fixed salt, so the same scene gives the same bytes. The node marks are one
group, ``<g id="nodes">``, with one mark per node drawn.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import BinaryIO

from .scene import COLOURS, Scene

WIDTH, HEIGHT, DPI = 12.0, 9.0, 100   # inches; PNG pixels are 1200 x 900
MAX_POINTS = 900.0                    # the largest node's marker area, in points squared
MIN_POINTS = 12.0


def _marker_area(radius: float) -> float:
    return MIN_POINTS + (MAX_POINTS - MIN_POINTS) * radius ** 2


def render(scene: Scene, out: BinaryIO, fmt: str) -> None:
    """Write the scene as ``svg`` or ``png``."""
    import matplotlib

    matplotlib.use("Agg", force=True)  # no display: the file is all we make
    from matplotlib import rcParams
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    rcParams["svg.hashsalt"] = "kg"      # stable element ids
    rcParams["svg.fonttype"] = "none"    # text as text
    rcParams["font.family"] = "DejaVu Sans"

    fig = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, facecolor="white")
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.9))
    ax.set_axis_off()
    ax.set_xlim(-0.04, 1.04)
    ax.set_ylim(1.04, -0.04)  # y grows downwards, as in the scene
    ax.set_aspect("equal", adjustable="box")
    nodes = scene.nodes
    if scene.edges:
        heaviest = max(e.weight for e in scene.edges) or 1
        segments = [((nodes[e.source].x, nodes[e.source].y), (nodes[e.target].x, nodes[e.target].y))
                    for e in scene.edges]
        widths = [_width(e.weight, heaviest) for e in scene.edges]
        lines = LineCollection(segments, linewidths=widths, colors="#8c8c8c", alpha=0.45, zorder=1)
        lines.set_gid("edges")
        ax.add_collection(lines)
    marks = ax.scatter([n.x for n in nodes], [n.y for n in nodes], s=[_marker_area(n.radius) for n in nodes],
                       c=[COLOURS.get(n.kind, "#333333") for n in nodes], edgecolors="white", linewidths=0.6,
                       zorder=2)
    marks.set_gid("nodes")
    _labels(fig, ax, [n for n in nodes if n.labelled])
    kinds = scene.kinds()
    handles = [Line2D([], [], marker="o", linestyle="", markersize=9, markerfacecolor=COLOURS[kind],
                      markeredgecolor="white", label=f"{kind} ({count:,})") for kind, count in kinds.items()]
    legend = ax.legend(handles=handles, loc="lower left", frameon=True, fontsize=9,
                       title=f"size: {scene.measure}", title_fontsize=9)
    legend.set_gid("legend")
    fig.suptitle(scene.title, x=0.02, y=0.965, ha="left", fontsize=12)
    fig.text(0.98, 0.965, f"{len(nodes):,} nodes, {len(scene.edges):,} edges drawn", ha="right",
             va="baseline", fontsize=9, color="#555555")
    if fmt == "svg":
        fig.savefig(out, format="svg", metadata={"Date": None})
    else:
        fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})


def _width(weight: int, heaviest: int) -> float:
    """Line width in points: thin for weight 1, 3 for the heaviest edge (log scale)."""
    return 0.5 + 2.5 * math.log(weight) / math.log(heaviest) if heaviest > 1 else 0.6


def _labels(fig, ax, labelled: list) -> None:
    """Labels, biggest node first, each above, below, right or left of its node,
    where it overlaps no label placed before it (else it is left out: the HTML
    picture shows every label on hovering)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    placed: list = []
    for n in sorted(labelled, key=lambda n: (-n.radius, n.id)):
        gap = math.sqrt(_marker_area(n.radius)) / 2 + 2
        for dx, dy, ha, va in ((0, gap, "center", "bottom"), (0, -gap, "center", "top"),
                               (gap, 0, "left", "center"), (-gap, 0, "right", "center")):
            text = ax.annotate(_short(n.label), (n.x, n.y), xytext=(dx, dy), textcoords="offset points",
                               ha=ha, va=va, fontsize=9, color="#222222", zorder=3,
                               # a white backing, not a path effect, which would turn SVG text into paths
                               bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none",
                                     "alpha": 0.75})
            box = text.get_window_extent(renderer).expanded(1.04, 1.1)
            if not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
            text.remove()


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def suffix_format(path: Path) -> str:
    return path.suffix.lower().lstrip(".")
