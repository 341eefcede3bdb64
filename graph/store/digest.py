"""HTTP authentication challenges and Digest authentication (RFC 7616, RFC 2617).

urllib3 speaks only Basic; Virtuoso's ``/sparql-graph-crud-auth`` asks for
Digest. requests and httpx both have a Digest implementation, but bringing in
either client only for this would put a second HTTP stack beside urllib3, and
the small Digest libraries on PyPI are unmaintained server-side helpers. So:
this module, tested against the RFCs' worked examples and a real Virtuoso.

Supported: algorithms MD5, MD5-sess, SHA-256, SHA-256-sess; qop ``auth`` (and
RFC 2069 servers that offer no qop). Not supported: qop ``auth-int`` alone
(it would hash every body) and ``userhash``; such a challenge gets a clear error.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
# One auth-param (name=token or name="quoted string") or the scheme that opens a challenge.
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_PART = re.compile(rf'\s*,?\s*(?:({_TOKEN})\s*=\s*(?:"((?:[^"\\]|\\.)*)"|({_TOKEN}))|({_TOKEN}=*))')


class AuthError(Exception):
    """A challenge kg cannot answer."""


@dataclass(frozen=True)
class Challenge:
    scheme: str  # lower-case: "basic", "digest", ...
    params: dict[str, str] = field(default_factory=dict)  # names lower-case


def parse_challenges(headers: list[str]) -> list[Challenge]:
    """The challenges of WWW-Authenticate header values (several per value are allowed)."""
    found: list[Challenge] = []
    for value in headers:
        pos = 0
        while pos < len(value):
            m = _PART.match(value, pos)
            if not m or m.end() == pos:
                break
            pos = m.end()
            name, quoted, token, scheme = m.groups()
            if scheme is not None:
                found.append(Challenge(scheme.lower(), {}))
            elif found:
                text = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else token
                found[-1].params[name.lower()] = text
    return found


class Digest:
    """Answers one Digest challenge; the nonce is reused with a growing count, as RFC 7616
    allows, so a sync of thousands of requests does not pay a 401 round trip for each."""

    def __init__(self, user: str, password: str, challenge: Challenge):
        p = challenge.params
        algorithm = p.get("algorithm", "MD5")
        base = algorithm.upper().removesuffix("-SESS")
        if base not in _HASHES:
            raise AuthError(f"the server asks for Digest with algorithm {algorithm}, which kg does not support "
                            f"(supported: MD5, SHA-256 and their -sess forms)")
        if p.get("userhash", "").lower() == "true":
            raise AuthError("the server asks for Digest with userhash, which kg does not support")
        qops = [q.strip().lower() for q in p.get("qop", "").split(",") if q.strip()]
        if qops and "auth" not in qops:
            raise AuthError(f"the server asks for Digest with qop={p['qop']}, which kg does not support (only auth)")
        if "nonce" not in p:
            raise AuthError("the server's Digest challenge has no nonce")
        self.user, self.password = user, password
        self.realm, self.nonce, self.opaque = p.get("realm", ""), p["nonce"], p.get("opaque")
        self.algorithm, self.qop = algorithm, ("auth" if qops else None)
        self.session = algorithm.upper().endswith("-SESS")
        self._hash = _HASHES[base]
        self._count = 0
        self._lock = threading.Lock()

    def _h(self, text: str) -> str:
        return self._hash(text.encode("utf-8")).hexdigest()

    def response(self, method: str, uri: str, nc: int, cnonce: str) -> str:
        """The ``response`` value (RFC 7616 section 3.4.1)."""
        ha1 = self._h(f"{self.user}:{self.realm}:{self.password}")
        if self.session:
            ha1 = self._h(f"{ha1}:{self.nonce}:{cnonce}")
        ha2 = self._h(f"{method}:{uri}")
        if self.qop is None:  # RFC 2069
            return self._h(f"{ha1}:{self.nonce}:{ha2}")
        return self._h(f"{ha1}:{self.nonce}:{nc:08x}:{cnonce}:{self.qop}:{ha2}")

    def header(self, method: str, url: str, cnonce: str | None = None) -> str:
        """The Authorization header for one request to ``url``."""
        parts = urlsplit(url)
        uri = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        with self._lock:
            self._count += 1
            nc = self._count
        cnonce = cnonce or secrets.token_hex(16)
        fields = [f"username={_quote(self.user)}", f"realm={_quote(self.realm)}", f"nonce={_quote(self.nonce)}",
                  f"uri={_quote(uri)}", f"algorithm={self.algorithm}",
                  f"response={_quote(self.response(method, uri, nc, cnonce))}"]
        if self.opaque is not None:
            fields.append(f"opaque={_quote(self.opaque)}")
        if self.qop is not None:
            fields += [f"qop={self.qop}", f"nc={nc:08x}", f"cnonce={_quote(cnonce)}"]
        return "Digest " + ", ".join(fields)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
