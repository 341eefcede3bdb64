"""Identity: URLs in normal form, and which of them are one article.

Everything that decides "is this the same node?" lives here, so the rules can be
read and tested in one place.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import quote, urlsplit, urlunsplit

from pyoxigraph import NamedNode

from ..problems import kind

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": "80", "https": "443"}

# ASCII characters that may stand as they are in an IRI's path and query (RFC 3987
# unreserved, sub-delims, ':', '@', '/', '?'; not '[' ']' '#', which only the host
# or the fragment may hold); '%' is kept only before two hex digits.
_IRI_SAFE = set(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?@!$&'()*+,;="
)
_PCT = re.compile(r"%[0-9A-Fa-f]{2}")
_NEEDS_ESCAPE = re.compile(r"[^A-Za-z0-9\-._~:/?@!$&'()*+,;=]")  # not in _IRI_SAFE (or '%')

TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "ocid", "cmpid", "ito",
    "_ga", "igshid", "yclid", "twclid",
}


class UnusableURL(ValueError):
    """A URL that cannot identify a web resource (no scheme, javascript:, data:, ...)."""




def iri_escape(text: str) -> str:
    """Percent-encode what is not allowed in an IRI path or query; keep non-ASCII letters and digits."""
    if not _NEEDS_ESCAPE.search(text):
        return text  # the common case, at regex speed
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "%" and _PCT.match(text, i):
            out.append(text[i: i + 3].upper())
            i += 3
            continue
        if ch in _IRI_SAFE or (ord(ch) > 0x7F and unicodedata.category(ch)[0] in "LNM"):
            out.append(ch)
        else:
            out.append(quote(ch, safe="", errors="surrogatepass") if not _is_surrogate(ch) else "%EF%BF%BD")
        i += 1
    return "".join(out)


def _is_surrogate(ch: str) -> bool:
    return 0xD800 <= ord(ch) <= 0xDFFF


# A URL that normalize_url would return unchanged: lower-case scheme and host, no
# port, no fragment, only IRI-safe ASCII, no '%' (its hex digits need upper-casing).
_CLEAN = re.compile(r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*[a-z0-9]/[A-Za-z0-9\-._~:/?@!$&'()*+,;=]*\Z")
_TRACKING_HINT = re.compile(r"[?&](?:utm_|fbclid|gclid|dclid|msclkid|mc_|ocid|cmpid|ito|_ga|igshid|yclid|twclid)"
                            r"|[?&](?:&|\Z)|\?\Z", re.IGNORECASE)


def normalize_url(url: object) -> str:
    """A URL as an IRI: scheme and host lower-cased, default port, fragment and
    tracking parameters dropped, invalid characters percent-encoded.

    Raises UnusableURL for values that are not http(s) URLs.
    """
    if not isinstance(url, str):
        raise UnusableURL(f"is {kind(url)}, not a URL")
    if _CLEAN.match(url) and not _TRACKING_HINT.search(url):
        return url  # already in normal form: the common case, and the hot path
    return _normalize(url)


@lru_cache(maxsize=1 << 16)  # a URL is met many times (as a link, an image, a canonical form)
def _normalize(url: str) -> str:
    text = url.strip()
    if not text:
        raise UnusableURL("is empty")
    # Whitespace inside would break the split: escaped first, so 'https://a.b/x y' is
    # kept as 'https://a.b/x%20y'. Everything else an IRI may not hold (quotes, <>, {},
    # backslashes, control characters) is percent-encoded by iri_escape at the end.
    text = "".join("%20" if ch.isspace() else ch for ch in text)
    try:
        parts = urlsplit(text)
    except ValueError as err:
        raise UnusableURL(f"cannot be parsed ({err})") from None
    scheme = parts.scheme.lower()
    if not scheme:
        raise UnusableURL("has no scheme (expected http:// or https://)")
    if scheme not in ALLOWED_SCHEMES:
        raise UnusableURL(f"uses the scheme '{scheme}:', only http and https are accepted")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnusableURL("has no host")
    if not (_valid_host(host) or (":" in host and _IPV6.fullmatch(host))):
        raise UnusableURL("has an invalid host name")
    try:
        port = parts.port
    except ValueError:
        raise UnusableURL("has an invalid port") from None
    netloc = host.lower()
    if ":" in netloc:  # IPv6 literal
        netloc = f"[{netloc}]"
    if port is not None and str(port) != DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    path = parts.path or "/"
    iri = urlunsplit((scheme, netloc, iri_escape(path), iri_escape(query), ""))
    try:
        NamedNode(iri)  # the last word: the IRI parser of the writers must accept it
    except ValueError:
        raise UnusableURL("cannot be made into a valid IRI") from None
    return iri


_IPV6 = re.compile(r"[0-9a-f:.]+")


# --- site-relative URLs --------------------------------------------------------

def site_root(url: object) -> str:
    """A site's URL (``url`` + ``baseurl`` of a Jekyll site, or --site-url) in the form
    site-relative URLs are appended to: normalized, without a trailing '/', query or
    fragment. Raises UnusableURL."""
    root = normalize_url(url)
    parts = urlsplit(root)
    if parts.query:
        raise UnusableURL("has a query (?...); a site URL is a scheme, a host and a path")
    return root.rstrip("/")


def is_site_relative(value: object) -> bool:
    """A path on the site (``/assets/logo.jpg``, ``./a.png``, ``../a.png``) or a URL
    without its scheme (``//cdn.example/a.png``). Not ``www.a.example/x``: a host
    without a scheme is no place on the site."""
    return isinstance(value, str) and value.lstrip().startswith(("/", "./", "../"))


def on_site(value: str, site: str) -> str:
    """A site-relative URL made absolute as Jekyll's ``relative_url`` filter does it: the
    path is appended to the site's URL, baseurl included (``/assets/a.jpg`` on
    ``https://x.github.io/news`` is ``https://x.github.io/news/assets/a.jpg``); a URL
    without its scheme takes the site's."""
    value = value.strip()
    if value.startswith("//"):
        return urlsplit(site).scheme + ":" + value
    return site + "/" + value.lstrip("/")


def _valid_host(host: str) -> bool:
    """Letters (any script: IRIs allow internationalised names), digits, '-', '_' and '.'."""
    return all(ch.isalnum() or ch in "-._" for ch in host) and ".." not in host


def _is_tracking(param: str) -> bool:
    name = param.split("=", 1)[0].lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


# --- AMP and CDN forms -------------------------------------------------------

_CDN = re.compile(r"^https?://[^/]+\.cdn\.ampproject\.org/[cv]/(s/)?(.+)$", re.IGNORECASE)
_AMP_QUERY = {"amp", "amp=1", "amp=true", "outputtype=amp", "amp=yes"}


def fold_amp(iri: str) -> str:
    """Fold the generic AMP and AMP-cache forms of a normalized URL into the article URL.

    cdn.ampproject.org/c/s/HOST/PATH -> https://HOST/PATH; amp. hosts; /amp/ and
    /amp path forms; /google-amp/; ?amp, ?amp=1, ?outputType=amp; .amp.html.
    """
    if "amp" not in iri.lower():  # the common case: no AMP form to fold
        return iri
    cdn = _CDN.match(iri)
    if cdn:
        scheme = "https" if cdn.group(1) else "http"
        iri = normalize_url(f"{scheme}://{cdn.group(2)}")
    parts = urlsplit(iri)
    host = parts.netloc
    if host.startswith("amp.") and host.count(".") >= 2:
        host = host[4:]
    path = parts.path
    path = re.sub(r"/(?:google-)?amp(?=/)", "", path, count=1)
    path = re.sub(r"/amp(/?)$", r"\1", path)
    path = re.sub(r"\.amp\.html$", ".html", path)
    query = "&".join(p for p in parts.query.split("&") if p and p.lower() not in _AMP_QUERY)
    return urlunsplit((parts.scheme, host, path or "/", query, ""))


def is_amp_form(iri: str) -> bool:
    return fold_amp(iri) != iri


def canonical_url(url: str, pairs: Mapping[str, str] | None = None) -> str:
    """The one rule for an article's IRI; the resolver calls it for every article URL.

    1. normalize_url: scheme and host lower-cased, default port, fragment and
       tracking parameters dropped, percent-encoded into a valid IRI (a URL
       already in that form is taken as it is, at the cost of one match);
    2. a URL the corpus pairs with an article (a document's own ampWebUrl or
       cdnAmpWebUrl, given in ``pairs``) is that article;
    3. otherwise the generic AMP and AMP-cache forms are folded (fold_amp).
    Nothing else is assumed equal: www. or not, a trailing slash and other query
    parameters keep URLs distinct.
    """
    iri = normalize_url(url)
    if pairs:
        found = pairs.get(iri)
        if found is not None:
            return found
    folded = fold_amp(iri)
    return pairs.get(folded, folded) if pairs else folded
