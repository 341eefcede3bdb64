"""HTTP for the store client: bounded requests, retried with backoff, authenticated.

urllib3 rather than urllib: it keeps connections open between requests (a sync
of 10,000 files is 10,000 PUTs; keep-alive measured about 1.8x faster against a
local Oxigraph server) and its pool is safe to share between threads, which the
parallel writes of a large sync need. Retries are kg's own rather than
urllib3's Retry, so that a connection refused fails at once, Retry-After is
capped, and the message of a request that failed for good tells how many
attempts it took and how long.

Every attempt is bounded as a whole by ``timeout``: connecting, sending and
receiving together, not each read (a server trickling a byte a second would
otherwise hold kg for hours).

urllib3 is imported only when a server is used: it imports logging, whose fork
handlers would swallow a Ctrl-C arriving while kg forks its worker processes.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit, urlunsplit

from ..problems import printable
from .digest import AuthError, Challenge, Digest, parse_challenges
from .sync import TargetError

DEFAULT_TIMEOUT = 30.0   # seconds for one request, all of it
DEFAULT_RETRIES = 2      # more attempts after the first, for transient failures
BACKOFF = 1.0            # seconds before the first retry, doubled for each next one
MAX_RETRY_AFTER = 10.0   # a server's Retry-After is obeyed up to this many seconds
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_CHUNK = 1 << 16
_MESSAGE = 300  # characters of a server's error message quoted


class RemoteError(TargetError):
    """A request that failed for good: names the method, URL and, when there was an answer, its status."""

    def __init__(self, method: str, url: str, status: int | None, detail: str, attempts: int = 1,
                 seconds: float = 0.0):
        self.method, self.url, self.status, self.detail = method, url, status, detail
        self.attempts, self.seconds = attempts, seconds
        where = f"{method} {url}"
        text = f"{where}: HTTP {status}: {detail}" if status is not None else f"{where}: {detail}"
        if attempts > 1:
            text += f" ({attempts} attempts, {seconds:.1f} s in all)"
        super().__init__(text)


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    server: str = ""  # the Server header: which software answered
    challenges: list[Challenge] = field(default_factory=list)  # of a 401
    location: str = ""  # of a redirect
    retry_after: float | None = None  # seconds, of a 429 or 503
    attempts: int = 1
    seconds: float = 0.0  # over all attempts
    max_rows: int | None = None  # X-SPARQL-MaxRows: Virtuoso cut the results at this many rows

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()


class _Timeout(Exception):
    """One attempt ran out of time (connect, send or receive)."""


class _Deadline(threading.local):
    at: float | None = None

    def left(self) -> float | None:
        return None if self.at is None else self.at - time.monotonic()


_deadline = _Deadline()


def _connection_classes():
    """urllib3's connection pools, with connections whose every send is bounded by the
    deadline of the request in progress (urllib3 alone bounds each send by the whole timeout)."""
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def bounded(base):
        def bounded_send(self, data):
            left = _deadline.left()
            if left is not None and self.sock is not None:
                if left <= 0:
                    raise TimeoutError("timed out")
                self.sock.settimeout(left)
            return base.send(self, data)
        return bounded_send

    class Connection(HTTPConnection):
        send = bounded(HTTPConnection)

    class SecureConnection(HTTPSConnection):
        send = bounded(HTTPSConnection)

    class Pool(HTTPConnectionPool):
        ConnectionCls = Connection

    class SecurePool(HTTPSConnectionPool):
        ConnectionCls = SecureConnection

    return {"http": Pool, "https": SecurePool}


class Http:
    """Requests to one server, shared by the threads of a parallel sync."""

    def __init__(self, user: str | None = None, password: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 retries: int = DEFAULT_RETRIES, backoff: float = BACKOFF, connections: int = 1,
                 notify: Callable[[str], None] | None = None):
        import urllib3

        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.user, self.password = user, password
        self.notify = notify or (lambda message: None)
        self.gate: Callable[[], str | None] | None = None  # before each attempt: a reason not to send, or None
        self._auth: str | Digest | None = None  # the scheme learnt from the server's first 401
        self._auth_lock = threading.Lock()
        self._headers = {"User-Agent": "kg (https://w3id.org/kg-news)"}
        self._pool = urllib3.PoolManager(maxsize=connections, block=True, retries=False)
        self._pool.pool_classes_by_scheme = _connection_classes()  # type: ignore[assignment,unused-ignore]

    @property
    def has_credentials(self) -> bool:
        return self.user is not None or self.password is not None

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> Answer:
        """Send the request, again on transient failures (timeouts, dropped connections, 429 and
        5xx answers, which PUT, DELETE and kg's queries may all be sent again for); then the
        answer, whatever its status. Raises RemoteError when no answer came."""
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            failure: str
            refused = self.gate() if self.gate is not None else None
            if refused:
                raise RemoteError(method, url, None, f"not sent: {refused}", attempt - 1, time.monotonic() - started)
            try:
                answer = self._authenticated(method, url, body, headers or {})
            except _Timeout:
                failure, wait = f"timed out after {self.timeout:g} s", None
            except RemoteError as err:
                if err.status is not None or not _transient(err.detail):
                    raise RemoteError(method, url, err.status, err.detail, attempt,
                                      time.monotonic() - started) from None
                failure, wait = err.detail, None
            else:
                if answer.status not in RETRY_STATUS or attempt > self.retries:
                    answer.attempts, answer.seconds = attempt, time.monotonic() - started
                    return answer
                failure, wait = f"HTTP {answer.status}", answer.retry_after
            if attempt > self.retries:
                raise RemoteError(method, url, None, failure, attempt, time.monotonic() - started)
            delay = self.backoff * 2 ** (attempt - 1)
            if wait is not None:
                delay = max(delay, min(wait, MAX_RETRY_AFTER))
            self.notify(f"{method} {url}: {failure}; retry {attempt} of {self.retries} in {delay:g} s")
            time.sleep(delay)

    def _authenticated(self, method: str, url: str, body: bytes | None, headers: dict) -> Answer:
        answer = self._once(method, url, body, {**headers, **self._authorization(method, url)})
        if answer.status == 401 and self.has_credentials and self._learn(answer, method, url):
            answer = self._once(method, url, body, {**headers, **self._authorization(method, url)})
        return answer

    def _authorization(self, method: str, url: str) -> dict:
        auth = self._auth
        if isinstance(auth, Digest):
            return {"Authorization": auth.header(method, url)}
        if auth == "basic":
            import urllib3
            return urllib3.make_headers(basic_auth=f"{self.user or ''}:{self.password or ''}")
        return {}

    def _learn(self, answer: Answer, method: str, url: str) -> bool:
        """Take the scheme of a 401's challenge; False when there is nothing new to try."""
        challenges = answer.challenges
        digest = next((c for c in challenges if c.scheme == "digest"), None)
        with self._auth_lock:
            previous = self._auth
            if digest is not None:
                stale = digest.params.get("stale", "").lower() == "true"
                if isinstance(previous, Digest) and previous.nonce == digest.params.get("nonce") and not stale:
                    return False  # the same challenge again: the credentials are wrong
                try:
                    self._auth = Digest(self.user or "", self.password or "", digest)
                except AuthError as err:
                    raise RemoteError(method, url, 401, str(err)) from None
                return True
            if any(c.scheme == "basic" for c in challenges) or not challenges:
                if previous == "basic":
                    return False
                self._auth = "basic"
                return True
        schemes = ", ".join(sorted({c.scheme for c in challenges}))
        raise RemoteError(method, url, 401, f"the server asks for {schemes} authentication; "
                                            f"kg speaks Basic and Digest")

    def _once(self, method: str, url: str, body: bytes | None, headers: dict) -> Answer:
        """One attempt, bounded as a whole by the timeout; redirects are not followed."""
        import urllib3
        from urllib3.exceptions import HTTPError as Urllib3Error
        from urllib3.exceptions import NewConnectionError
        from urllib3.exceptions import TimeoutError as Urllib3Timeout

        _deadline.at = time.monotonic() + self.timeout
        try:
            r = self._pool.request(method, url, body=body, headers={**self._headers, **headers},
                                   timeout=urllib3.Timeout(total=self.timeout), preload_content=False,
                                   redirect=False, retries=False)
            try:
                data = self._read(r)
            finally:
                r.release_conn()
        except NewConnectionError as err:  # refused, unreachable, unknown host (a subclass of timeouts)
            raise RemoteError(method, url, None, _reason(err)) from None
        except (Urllib3Timeout, TimeoutError):
            raise _Timeout() from None
        except Urllib3Error as err:
            if "timed out" in str(err).lower():
                raise _Timeout() from None
            raise RemoteError(method, url, None, _reason(err)) from None
        except OSError as err:
            raise RemoteError(method, url, None, _reason(err)) from None
        finally:
            _deadline.at = None
        return Answer(r.status, r.headers.get("Content-Type", ""), data, r.headers.get("Server", ""),
                      parse_challenges(r.headers.getlist("WWW-Authenticate")) if r.status == 401 else [],
                      r.headers.get("Location", ""), parse_retry_after(r.headers.get("Retry-After")),
                      max_rows=_int(r.headers.get("X-SPARQL-MaxRows")))

    @staticmethod
    def _read(r) -> bytes:
        """The body, each read given only the time left (one recv at a time, so a trickle cannot
        stretch it)."""
        chunks: list[bytes] = []
        while True:
            left = _deadline.left()
            if left is not None:
                if left <= 0:
                    raise _Timeout()
                sock = getattr(r.connection, "sock", None)
                if sock is not None:
                    sock.settimeout(left)
            chunk = r.read1(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    def close(self) -> None:
        self._pool.clear()


def _transient(detail: str) -> bool:
    """Worth another attempt: the connection was dropped or reset. Not a refused connection
    (nothing listens there: retrying only delays the message) nor a name that does not resolve."""
    return not detail.startswith(("connection refused", "cannot resolve"))


def _reason(err: Exception) -> str:
    """The root cause of a connection failure, without urllib3's wrapping."""
    cause = getattr(err, "reason", None) or err
    text = str(cause)
    if "Connection refused" in text or isinstance(cause, ConnectionRefusedError):
        return "connection refused (is the server running?)"
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return "cannot resolve the host name"
    return printable(text)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {redact(url)!r}")
    try:
        _ = parts.port  # ValueError where what follows the host's colon is not a number
        valid = "@" not in parts.path + parts.query
    except ValueError:
        valid = False
    if not valid:  # most likely a password with / ? # or @ in it, which then reads as host, path or query
        raise ValueError(f"not a valid URL: {redact(url)!r} (a user or password in a URL must have "
                         f"any of / ? # @ : in it percent-encoded)")
    return url


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """The URL without its user information (``http://USER:PASSWORD@host/``), and the user and
    password that were there, percent-decoded (None where absent)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    return (urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment)), unquote(user),
            unquote(password) if colon else None)


def credentials(urls: list[str], user: str | None, password: str | None) -> tuple[list[str], str | None, str | None]:
    """The URLs without user information, and the user and password to send: those given, and
    those the URLs hold, which count as if given. Raises ValueError where two disagree."""
    split = [split_credentials(url) for url in urls]
    user = _one("user", "--user (or KG_USER)", user, [(url, u) for url, (_, u, _) in zip(urls, split, strict=True)])
    password = _one("password", "--password (or KG_PASSWORD)", password,
                    [(url, p) for url, (_, _, p) in zip(urls, split, strict=True)])
    return [clean for clean, _, _ in split], user, password


def _one(name: str, option: str, given: str | None, in_urls: list[tuple[str, str | None]]) -> str | None:
    """The one value of the option and the URLs; the message names where they come from, not the values."""
    found = [(option, given)] if given is not None else []
    found += [(f"the URL {redact(url)}", value) for url, value in in_urls if value is not None]
    other = next((where for where, value in found if value != found[0][1]), None)
    if other is not None:
        raise ValueError(f"the {name} that {found[0][0]} gives is not the one {other} gives: give it once")
    return found[0][1] if found else None


def redact(url: str) -> str:
    """The URL as kg shows it: user information as ``***``. Where a password with an unencoded
    character cut the URL short, everything before the last ``@`` goes."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    return f"{scheme}://***@{rest.rpartition('@')[2]}"


def excerpt(body: bytes) -> str:
    """A server's error message, short and printable: HTML reduced to its text."""
    import html
    import re

    text = body.decode("utf-8", "replace")
    if "<" in text and re.search(r"<(html|body|h\d|p|xmp|title)\b", text, re.IGNORECASE):
        text = re.sub(r"<(script|style|title)\b.*?</\1>", " ", text, flags=re.IGNORECASE | re.DOTALL)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = " ".join(text.split())
    if len(text) > _MESSAGE:
        text = text[:_MESSAGE] + " ..."
    return printable(text)
