"""``kg draw``: a picture of a network, as SVG or PNG (static) or HTML (interactive).

The layout is computed once, in scene.py (networkx's seeded spring layout);
static.py draws it with matplotlib, interactive.py writes a self-contained page
drawn by cytoscape.js. numpy, scipy and matplotlib come with the ``draw`` extra
(``pip install 'kg[draw]'``) and are imported only here.
"""
from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...commands.export import atomic_writer
from ...pipeline.corpus import Corpus
from ...problems import Report
from ...progress import Progress
from ..derived import FULL, PROVIDERS, TOPICS
from .scene import LABELS, MAX_NODES, SEED, Scene, scene_of

DRAWABLE = (PROVIDERS, TOPICS, FULL)
PICTURE_FORMATS = {".svg": "svg", ".png": "png", ".html": "html", ".htm": "html"}
# what each picture format needs, by import name (PyPI name)
NEEDS = {"svg": ("numpy", "scipy", "matplotlib"), "png": ("numpy", "scipy", "matplotlib"),
         "html": ("numpy", "scipy")}


class DrawError(ValueError):
    """The picture cannot be made: an unknown network or file type, a missing extra."""


@dataclass
class DrawResult:
    corpus: Corpus
    scene: Scene | None = None
    written: Path | None = None
    seconds: float = 0.0
    stopped: str | None = None


def picture_format(path: str | os.PathLike) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in PICTURE_FORMATS:
        raise DrawError(f"cannot tell the picture format of {path}: give a file ending in "
                        f"{', '.join(PICTURE_FORMATS)}")
    return PICTURE_FORMATS[suffix]


def check_extra(fmt: str) -> None:
    missing = [name for name in NEEDS[fmt] if importlib.util.find_spec(name) is None]
    if missing:
        raise DrawError(f"kg draw needs {', '.join(missing)} for a .{fmt} picture: pip install 'kg[draw]'")


def write_picture(scene: Scene, path: str | os.PathLike) -> Path:
    """Write a scene to ``path``, its format by the file name's suffix; the file is
    replaced only when complete."""
    fmt = picture_format(path)
    check_extra(fmt)
    target = Path(path)
    with atomic_writer(target) as out:
        if fmt == "html":
            from .interactive import render as render_html

            render_html(scene, out)
        else:
            from .static import render as render_static

            render_static(scene, out, fmt)
    return target


def draw(
    inputs: Iterable = ("seeds",),
    output: str | os.PathLike = "exports/providers.html",
    *,
    network: str = PROVIDERS,
    max_nodes: int = MAX_NODES,
    labels: int = LABELS,
    seed: int = SEED,
    report: Report | None = None,
    progress: Progress | None = None,
    **settings: Any,
) -> DrawResult:
    """Read the inputs and draw network ``network`` (providers, topics, full) into
    ``output`` (.svg, .png or .html). Raises DrawError before reading anything when
    the network, the file type or the extra is wrong; OSError when the file cannot
    be written. ``result.stopped`` says why nothing was drawn (no article read).
    ``settings`` are graph.options.Options (base, max_file_size, jobs, site_url)."""
    from .. import networks_of
    from ..source import open_corpus

    started = time.perf_counter()
    network = network.lower()
    if network not in DRAWABLE:
        raise DrawError(f"cannot draw network '{network}'; drawable networks: {', '.join(DRAWABLE)}")
    check_extra(picture_format(output))
    corpus = open_corpus(inputs, report=report, progress=progress, **settings)
    result = DrawResult(corpus)
    if not corpus.exported:
        result.stopped = "no article could be read; nothing drawn"
    else:
        g = networks_of(corpus, [network])[network]
        result.scene = scene_of(g, network, max_nodes, labels, seed)
        result.written = write_picture(result.scene, output)
    result.seconds = time.perf_counter() - started
    return result


__all__ = ["DRAWABLE", "DrawError", "DrawResult", "draw", "picture_format", "scene_of", "write_picture"]
