"""kg draw, looked at as a user sees it: the SVG parsed (one mark per node drawn), the PNG's
pixels, the HTML page rendered, hovered and clicked in headless Chromium."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from browser import run_chromium
from conftest import kg

import graph
from graph.network.draw import scene_of

pytest.importorskip("matplotlib", reason="kg draw's extra: pip install -e '.[test]' installs it")
Image = pytest.importorskip("PIL.Image", reason="Pillow comes with matplotlib")

SVG = "{http://www.w3.org/2000/svg}"
ORANGE = (0xF5, 0x85, 0x18)  # providers
GREEN = (0x54, 0xA2, 0x4B)   # topics


def pixels(path):
    """(width, height), and the pixels as an array of RGB rows."""
    import numpy as np

    with Image.open(path) as img:
        rgb = img.convert("RGB")
        return rgb.size, np.asarray(rgb, dtype=int).reshape(-1, 3)


def near(data, colour, tolerance=40) -> int:
    """How many pixels are within ``tolerance`` of ``colour`` in every channel."""
    import numpy as np

    return int((np.abs(data - np.array(colour)) <= tolerance).all(axis=1).sum())


def not_white(data) -> int:
    return int((data != 255).any(axis=1).sum())


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """The ai-news provider network in every picture format, drawn by the kg command."""
    from conftest import AI_NEWS
    if not AI_NEWS.is_dir():
        pytest.skip(f"real corpus not found at {AI_NEWS}")
    out = tmp_path_factory.mktemp("draw")
    for suffix in ("svg", "png", "html"):
        run = kg("draw", str(AI_NEWS), "-o", str(out / f"providers.{suffix}"))
        assert run.returncode == 0, run.stderr
        assert "drew the providers network, 61 of 61 nodes" in run.stderr
    scene = scene_of(graph.to_networkx([AI_NEWS], network="providers"), "providers")
    return out, scene


def test_svg_parses_and_holds_one_mark_per_node(drawn):
    out, scene = drawn
    root = ET.parse(out / "providers.svg").getroot()
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}
    marks = [el for el in groups["nodes"].iter() if el.tag in (f"{SVG}use", f"{SVG}path", f"{SVG}circle")
             and el is not groups["nodes"]]
    # matplotlib draws a scatter as one <use> of a marker per point (or one <path> each)
    uses = [el for el in marks if el.tag == f"{SVG}use"]
    assert len(uses or marks) == len(scene.nodes) == 61
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    assert "MarketWatch" in texts and "provider (61)" in texts and "size: related links" in texts
    assert "legend" in groups and "edges" in groups


def test_png_is_a_picture_with_nodes(drawn):
    out, _ = drawn
    (width, height), data = pixels(out / "providers.png")
    assert (width, height) == (1200, 900)
    assert not_white(data) > 0.01 * len(data)
    assert near(data, ORANGE) > 2000  # the provider marks


def test_pictures_are_deterministic(drawn, tmp_path):
    from conftest import AI_NEWS
    out, _ = drawn
    for suffix in ("svg", "png", "html"):
        env = {**os.environ, "PYTHONHASHSEED": "7"}
        again = tmp_path / f"again.{suffix}"
        run = subprocess.run([sys.executable, "-m", "graph", "draw", str(AI_NEWS), "-o", str(again), "-q"],
                             capture_output=True, text=True, env=env, timeout=300, check=False)
        assert run.returncode == 0, run.stderr
        assert again.read_bytes() == (out / f"providers.{suffix}").read_bytes(), suffix


def test_html_is_self_contained(drawn):
    out, scene = drawn
    page = (out / "providers.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=|<link\b|<iframe|<img\b|@import", page, re.IGNORECASE)
    assert "url(" not in re.search(r"<style>(.*?)</style>", page, re.DOTALL).group(1)
    assert "Copyright (c) 2016-2026, The Cytoscape Consortium" in page  # its license travels with it
    data = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.DOTALL).group(1)
    scene_json = json.loads(data)
    assert len(scene_json["nodes"]) == len(scene.nodes) and len(scene_json["edges"]) == len(scene.edges)
    assert {n["url"] for n in scene_json["nodes"]} >= {"https://marketwatch.com/"}


def test_html_renders_in_headless_chromium(drawn, tmp_path):
    out, scene = drawn
    shot = tmp_path / "shot.png"
    run = run_chromium(out / "providers.html", f"--screenshot={shot}")
    assert shot.exists(), run.stderr[-2000:]
    (width, height), data = pixels(shot)
    assert (width, height) == (1200, 900)
    assert not_white(data) > 0.005 * len(data), "a blank page"
    assert near(data, ORANGE) > 1000, "no provider nodes to be seen"
    dom = run_chromium(out / "providers.html", "--dump-dom")
    assert f'data-rendered-nodes="{len(scene.nodes)}"' in dom.stdout, dom.stderr[-2000:]


HARNESS = """<!DOCTYPE html><html><body><pre id="result">waiting</pre>
<iframe id="f" src="{page}" width="1000" height="800"></iframe>
<script>
document.getElementById("f").addEventListener("load", function () {{
  var w = this.contentWindow, opened = [];
  w.open = function (url) {{ opened.push(url); return null; }};  // record, do not navigate
  var cy = w.kgGraph, node = cy.nodes().max(function (n) {{ return n.data("size"); }}).ele;
  node.emit("mouseover");
  var tip = w.document.getElementById("tip");
  var hovered = {{hidden: tip.hidden, text: tip.textContent, label: node.style("label")}};
  node.emit("mouseout");
  node.emit("tap");
  var nourl = cy.nodes().filter(function (n) {{ return !n.data("url"); }});
  if (nourl.length) {{ nourl[0].emit("tap"); }}
  document.getElementById("result").textContent = JSON.stringify(
    {{hovered: hovered, hiddenAfter: tip.hidden, opened: opened, node: node.data("label"),
      zoom: cy.zoom(), nodes: cy.nodes().length}});
}});
</script></body></html>"""


def test_html_hover_shows_the_label_and_a_click_opens_the_page(drawn, tmp_path):
    out, scene = drawn
    harness = tmp_path / "harness.html"
    harness.write_text(HARNESS.format(page=(out / "providers.html").resolve().as_uri()), encoding="utf-8")
    dom = run_chromium(harness, "--dump-dom", "--allow-file-access-from-files")
    found = re.search(r'<pre id="result">(.*?)</pre>', dom.stdout, re.DOTALL)
    assert found and found.group(1) != "waiting", dom.stderr[-2000:]
    result = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    biggest = max(scene.nodes, key=lambda n: n.radius)
    assert result["node"] == biggest.label == "MarketWatch"
    assert result["hovered"]["hidden"] is False and result["hovered"]["text"].startswith("MarketWatch (provider")
    assert result["hovered"]["label"] == "MarketWatch" and result["hiddenAfter"] is True
    assert result["opened"] == [biggest.url] == ["https://marketwatch.com/"]
    assert result["nodes"] == len(scene.nodes)


def test_topics_and_full_networks_and_a_cap_on_nodes(tmp_path, ai_news):
    run = kg("draw", str(ai_news), "--network", "topics", "-o", str(tmp_path / "topics.png"))
    assert run.returncode == 0, run.stderr
    _, data = pixels(tmp_path / "topics.png")
    assert near(data, GREEN) > 1000
    run = kg("draw", str(ai_news), "--network", "full", "--max-nodes", "50", "-o", str(tmp_path / "full.svg"))
    assert run.returncode == 0, run.stderr
    assert "50 of 300 nodes" in run.stderr
    root = ET.parse(tmp_path / "full.svg").getroot()
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "the 50 biggest of 300 nodes" in texts
    assert {"article", "topic"} <= {word for word in re.findall(r"(\w+) \(\d+\)", texts)}


def test_scene_is_seeded_and_keeps_the_biggest_nodes(ai_news):
    g = graph.to_networkx([ai_news], network="providers")
    first, second = scene_of(g, "providers"), scene_of(g, "providers")
    assert first == second
    other = scene_of(g, "providers", seed=2)
    assert [(n.x, n.y) for n in other.nodes] != [(n.x, n.y) for n in first.nodes]
    small = scene_of(g, "providers", max_nodes=5, labels=2)
    assert len(small.nodes) == 5 and sum(n.labelled for n in small.nodes) == 2
    assert all(0 <= n.x <= 1 and 0 <= n.y <= 1 for n in first.nodes)
    sizes = Counter(n.measure for n in first.nodes)
    assert max(sizes) == max(n.measure for n in small.nodes)


def test_usage_errors(tmp_path, seeds):
    run = kg("draw", str(seeds), "-o", str(tmp_path / "x.gif"))
    assert run.returncode == 2 and "cannot tell the picture format" in run.stderr
    run = kg("draw", str(seeds), "--network", "rdf", "-o", str(tmp_path / "x.svg"))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    run = kg("draw", str(tmp_path / "missing"), "-o", str(tmp_path / "x.svg"))
    assert run.returncode == 1 and "nothing drawn" in run.stderr
    assert not (tmp_path / "x.svg").exists()
    run = kg("draw", str(seeds), "-o", str(tmp_path / "no" / "such" / "dir" / "x.svg"))
    assert run.returncode == 1 and "cannot write" in run.stderr and "Traceback" not in run.stderr
