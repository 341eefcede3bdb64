"""A scene as one self-contained HTML page: pan, zoom, a node's label on hovering,
its page opened on a click; works offline, from the file alone.

The page embeds cytoscape.js (MIT license, The Cytoscape Consortium; its notice is
at the top of the embedded script and in assets/LICENSE-cytoscape.txt), our script
(page.js) and the scene as JSON. Nothing is fetched when the page is viewed.
cytoscape.js draws on a 2D canvas, so the page needs no WebGL (sigma.js would),
and it brings pan, pinch and wheel zoom, hit-testing and events we need not write.
"""
from __future__ import annotations

import html
import json
from importlib import resources
from typing import BinaryIO

from .scene import COLOURS, Scene

CYTOSCAPE = "cytoscape.min.js"  # 3.34.4, from the npm package cytoscape
CYTOSCAPE_VERSION = "3.34.4"

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kg draw">
<title>{title}</title>
<style>
html, body {{ margin: 0; height: 100%; font-family: "DejaVu Sans", Verdana, sans-serif; background: #ffffff; }}
header {{ position: absolute; top: 0; left: 0; right: 0; padding: 8px 14px; z-index: 2; pointer-events: none; }}
h1 {{ font-size: 16px; font-weight: normal; margin: 0 0 2px 0; color: #222222; }}
header p {{ font-size: 12px; margin: 0; color: #555555; }}
#graph {{ position: absolute; top: 0; bottom: 0; left: 0; right: 0; }}
#legend {{ position: absolute; left: 14px; bottom: 14px; z-index: 2; font-size: 12px; background: rgba(255,255,255,0.9);
          border: 1px solid #cccccc; border-radius: 4px; padding: 6px 10px; }}
#legend span.dot {{ display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; }}
#tip {{ position: absolute; z-index: 3; font-size: 12px; background: #222222; color: #ffffff; padding: 4px 8px;
       border-radius: 3px; pointer-events: none; max-width: 420px; }}
</style>
</head>
<body>
<header><h1>{title}</h1><p>{summary}. Scroll or pinch to zoom, drag to pan; hover a node for its name,
click it to open its page.</p></header>
<div id="graph" role="img" aria-label="{title}"></div>
<div id="legend"><div>size: {measure}</div>{legend}</div>
<div id="tip" hidden></div>
<script>
{cytoscape}
</script>
<script id="kg-data" type="application/json">{data}</script>
<script>
{page}
</script>
</body>
</html>
"""


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _json_in_html(value) -> str:
    """JSON that cannot end the <script> element holding it, nor start a comment in it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def scene_data(scene: Scene) -> dict:
    return {
        "network": scene.network,
        "directed": scene.directed,
        "measure": scene.measure,
        "colours": COLOURS,
        "nodes": [{"label": n.label, "kind": n.kind, "measure": n.measure, "x": n.x, "y": n.y,
                   "radius": n.radius, "url": n.url, "labelled": n.labelled} for n in scene.nodes],
        "edges": [[e.source, e.target, e.weight] for e in scene.edges],
    }


def render(scene: Scene, out: BinaryIO) -> None:
    legend = "".join(f'<div><span class="dot" style="background:{COLOURS.get(kind, "#333333")}"></span>'
                     f"{html.escape(kind)} ({count:,})</div>" for kind, count in scene.kinds().items())
    page = _PAGE.format(
        title=html.escape(scene.title),
        summary=f"{len(scene.nodes):,} nodes, {len(scene.edges):,} edges drawn",
        measure=html.escape(scene.measure),
        legend=legend,
        cytoscape=_asset(f"assets/{CYTOSCAPE}").strip(),
        data=_json_in_html(scene_data(scene)),
        page=_asset("page.js").strip(),
    )
    out.write(page.encode("utf-8"))
