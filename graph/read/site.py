"""A Jekyll site as input: its URL, and which of its files hold items.

A folder with a ``_config.yml`` is a Jekyll site. Its URL (``url`` + ``baseurl``)
is what site-relative URLs (``/assets/images/organizations/a.com-50x50.jpg``)
are appended to, for the site's own files and for any folder inside it. Given as
an input itself, the site is read as Jekyll reads it: the collections (``_news/``,
``_learning/``, ...), the data records in ``_data/`` and the rest of the tree (the
JSON API, ``api/``); Jekyll's own folders (layouts, includes, the built ``_site/``)
are not walked, and the files at the top of the site (README.md, pages) are pages,
not items.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..identity.urls import UnusableURL, site_root
from ..problems import WARNING, Problem, kind
from . import yamlsafe

CONFIG = "_config.yml"
# Folders of a site that never hold items: Jekyll's own, and what tools install.
NOT_CONTENT = frozenset({"_includes", "_layouts", "_sass", "_site", "_plugins", "node_modules", "vendor"})
TOP_LEVEL_PAGE = "a page at the top of the site, not an item of a collection"


@dataclass(frozen=True)
class Site:
    root: str                 # the folder holding _config.yml
    url: str | None           # url + baseurl, without a trailing '/'; None when not given
    problems: tuple[Problem, ...] = field(default=(), compare=False)


class Sites:
    """Finds the site of each input folder, reading each _config.yml once per run."""

    def __init__(self) -> None:
        self._found: dict[str, Site | None] = {}

    def of(self, folder: str) -> Site | None:
        """The Jekyll site ``folder`` belongs to: the nearest folder at or above it with a
        _config.yml, looking no higher than a repository root (a folder holding .git)."""
        here = os.path.abspath(folder)
        passed = []
        site = None
        while here not in self._found:
            passed.append(here)
            if os.path.isfile(os.path.join(here, CONFIG)):
                site = read_config(here)
                break
            parent = os.path.dirname(here)
            if parent == here or os.path.exists(os.path.join(here, ".git")):
                break
            here = parent
        else:
            site = self._found[here]
        for folder_ in passed:
            self._found[folder_] = site
        return site

    def found(self) -> list[Site]:
        """The sites met, each once (their problems are reported once)."""
        return list({id(s): s for s in self._found.values() if s is not None}.values())


def read_config(root: str) -> Site:
    """The site's URL from its _config.yml; a config kg cannot use gives a warning."""
    path = os.path.join(root, CONFIG)

    def warn(message: str, line: int | None = None) -> Site:
        return Site(root, None, (Problem(path, line, WARNING, f"{message}; site-relative URLs are not resolved "
                                                              f"(give --site-url)"),))
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as err:
        return warn(f"cannot be read ({getattr(err, 'strerror', None) or err})")
    try:
        config, _ = yamlsafe.load(text, first_line=1)
    except yamlsafe.YAMLProblem as err:
        return warn(str(err), err.line)
    if not isinstance(config, dict):
        return warn("is not a mapping of settings")
    url, baseurl = config.get("url"), config.get("baseurl") or ""
    if url in (None, ""):
        return Site(root, None)  # fine until a relative URL needs it; that message says what to do
    if not isinstance(url, str):
        return warn(f"url is {kind(url)}, not a URL")
    if not isinstance(baseurl, str):
        return warn(f"baseurl is {kind(baseurl)}, not a path")
    try:
        return Site(root, site_root(f"{url.rstrip('/')}/{baseurl.strip('/')}"))
    except UnusableURL as err:
        return warn(f"url {url[:80]!r} with baseurl {baseurl[:80]!r} {err}")

