"""The options every command shares, checked where they are made."""
from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from .problems import printable
from .terms import DEFAULT_BASE

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024


class OptionsError(ValueError):
    """An option with a value kg cannot use; ``option`` names it (``base``, ``jobs``, ...)."""

    def __init__(self, option: str, problem: str):
        super().__init__(f"{option}: {problem}")
        self.option, self.problem = option, problem


@dataclass(frozen=True, kw_only=True)
class Options:
    """How a corpus is read and named (export, load, validate and stats take the same).

    base: the IRI under which provider, topic and named-graph IRIs are minted; it
        must be an absolute IRI ending in '/' or '#' (``https://example.org/kg/``).
    max_file_size: files larger than this many bytes are skipped, with an error.
    jobs: worker processes (None: one per core; 1: none).
    explain: keep what ``Corpus.explain_merges()`` lists (costs memory on large corpora).
    site_url: the site that site-relative URLs (``/assets/logo.jpg``) belong to, an
        http(s) URL such as ``https://example.github.io/news``; where it is None, a
        Jekyll site's ``_config.yml`` (``url`` + ``baseurl``) gives it.
    """

    base: str = DEFAULT_BASE
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    jobs: int | None = None
    explain: bool = False
    site_url: str | None = None

    def __post_init__(self) -> None:
        check_base(self.base)
        if self.site_url is not None:  # kept in the form relative URLs are appended to
            object.__setattr__(self, "site_url", check_site_url(self.site_url))
        if type(self.max_file_size) is not int or self.max_file_size < 1:
            raise OptionsError("max_file_size", f"{self.max_file_size!r} is not a number of bytes (1 or more)")
        if self.jobs is not None and (type(self.jobs) is not int or self.jobs < 1):
            raise OptionsError("jobs", f"{self.jobs!r} is not a number of worker processes (1 or more)")


def check_base(base: object) -> str:
    """A base IRI kg can mint IRIs under, or OptionsError saying what is wrong with it."""
    if not isinstance(base, str):
        raise OptionsError("base", f"{base!r} is not text")
    shown = printable(repr(base))
    if not base.endswith(("/", "#")):
        raise OptionsError("base", f"{shown} must end with '/' or '#' (IRIs are minted by appending to it, "
                                   f"e.g. https://example.org/kg/)")
    try:
        NamedNode(base + "x")
    except ValueError as err:
        raise OptionsError("base", f"{shown} is not an absolute IRI ({printable(str(err))})") from None
    return base


def check_site_url(url: object) -> str:
    """A site URL in the form relative URLs are appended to (no trailing '/'), or OptionsError."""
    from .identity.urls import UnusableURL, site_root

    if isinstance(url, str) and "@" in url.partition("://")[2].split("/", 1)[0]:
        # not shown: it would print the password; not used: it would be written into the graph
        raise OptionsError("site_url", "holds a user name or password (USER:PASSWORD@); give the site's "
                                       "public URL without them")
    try:
        return site_root(url)
    except UnusableURL as err:
        raise OptionsError("site_url", f"{printable(repr(url))} {err}") from None
