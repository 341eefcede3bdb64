"""The lease a `kg load --endpoint` holds on a server's record while it changes the server,
so that two loads never write at once.

Neither Oxigraph server nor Virtuoso 7 has a conditional write to build a lock on: their Graph
Store Protocol sends no ETag and applies a PUT whatever its If-Match, If-None-Match or
If-Unmodified-Since, and a SPARQL ``INSERT ... WHERE { FILTER NOT EXISTS {...} }`` is no
test-and-set (sent by 8 clients at once it inserted more than one triple in 5 of 30 rounds on
Oxigraph, in 30 of 30 on Virtuoso). So a lease is announced, then checked: a load PUTs a graph
of its own, BASE/sync/lease/TOKEN (who, since when, in force until when), then reads every
lease graph, and holds the lease when its own is the only one in force; otherwise it takes its
own back, and tries again a little later, a few times. Of two loads that announce at once, at
least one sees the other when it reads: never both go on (both may give up).

A lease is in force until its ``dcterms:valid`` time, by the clock of the one who reads it; the
holder renews it every sixth of its length from a thread of its own, on a connection of its
own (so renewals never queue behind the writes). A lease no longer in force, or whose holder
is provably gone (the same kernel and PID namespace, no such process: killed), is removed by
the next load. The holder counts itself as holding for half the length after the start of
its last renewal, and sends nothing once that has passed: with a lease at least 4 times the
request timeout, every request it sent has ended before anyone else can take over, however
slow it was or however long it was stopped, with clocks up to a quarter of the length apart.
"""
from __future__ import annotations

import os
import random
import re
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from ..leftovers import owner_tag, process_gone
from .http import RemoteError
from .sync import TargetError

if TYPE_CHECKING:
    from .remote import GraphStoreClient

MIN_SECONDS = 60.0  # the shortest lease; it is 4 request timeouts where that is longer
TRIES = 3           # announcements before giving up to another load's lease
DCT = "http://purl.org/dc/terms/"
CREATOR, CREATED, VALID = NamedNode(DCT + "creator"), NamedNode(DCT + "created"), NamedNode(DCT + "valid")
XSD_DATETIME = NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


class LeaseTaken(TargetError):
    """Another kg load holds the lease."""


@dataclass(frozen=True)
class Found:
    """A lease graph as read from the server."""

    iri: str
    owner: str
    since: str
    until: datetime | None  # None: not a time (not a lease kg wrote)

    def in_force(self, now: datetime) -> bool:
        return self.until is not None and self.until > now and not process_gone(self.iri.rsplit("/", 1)[-1])


def stamp(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now() -> datetime:
    return datetime.now(timezone.utc)


_DATETIME = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?")


def _time(text: str) -> datetime | None:
    """An xsd:dateTime as servers write it back (Oxigraph drops trailing zeros of the
    fraction; no zone: UTC); None if it is not one."""
    m = _DATETIME.fullmatch(text.strip())
    if m is None:
        return None
    zone = m.group(3) or "Z"
    try:
        when = datetime.fromisoformat(m.group(1) + "+00:00" if zone == "Z" else m.group(1) + zone)
    except ValueError:
        return None
    return when + timedelta(microseconds=int((m.group(2) or "0")[:6].ljust(6, "0")))


class Lease:
    """The lease of one load on the record graph ``record_iri``: take(), then check() before
    each request that writes, held() before claiming what was written, release() at the end."""

    def __init__(self, client: GraphStoreClient, record_iri: str, seconds: float | None = None):
        self.client = client  # a connection of its own (GraphStoreClient.another)
        self.prefix = f"{record_iri}/lease/"
        self.iri = self.prefix + owner_tag() + uuid.uuid4().hex
        self.seconds = seconds or max(MIN_SECONDS, 4 * client.http.timeout)
        self.owner = f"kg on {socket.gethostname()}, process {os.getpid()}"
        self.since = ""
        self._held_until = 0.0  # time.monotonic()
        self._trouble = ""
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def take(self) -> None:
        """Hold the lease, or raise LeaseTaken naming the load that does (RemoteError when the
        server cannot be asked)."""
        live: list[Found] = []
        for attempt in range(TRIES):
            if attempt:
                time.sleep(random.uniform(0.1, 0.6))  # apart from another load that announced at once
            live = self._others()
            if live:
                continue
            started = time.monotonic()
            self.since = self.since or stamp(now())
            self._announce()
            live = self._others()
            if not live:
                self._held_until = started + self.seconds / 2
                self._renewer = threading.Thread(target=self._renew, name="kg-lease", daemon=True)
                self._renewer.start()
                return
            self._withdraw()
        first = min(live, key=lambda found: found.since)
        since = _time(first.since)
        shown = since.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") if since else first.since
        raise LeaseTaken(f"another kg load is writing to {self.client.store_url} since {shown} ({first.owner}); "
                         f"try again later")

    def check(self) -> str | None:
        """None while this load holds the lease; else why it no longer does."""
        if time.monotonic() < self._held_until:
            return None
        why = self._trouble or f"it was not renewed for {self.seconds / 2:g} s: was kg stopped?"
        return f"this load's lease on {self.client.store_url} ran out ({why})"

    def held(self) -> str | None:
        """check(), and the lease still on the server (no other load removed it)."""
        reason = self.check()
        if reason is None and not self.client.select(
                f"SELECT ?o WHERE {{ GRAPH <{self.iri}> {{ <{self.iri}> <{CREATOR.value}> ?o }} }}").rows:
            reason = f"this load's lease on {self.client.store_url} was removed (another kg load took it over)"
        return reason

    def release(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        try:
            self._withdraw()
        except RemoteError:
            pass  # it ends by itself
        self.client.close()

    # --- plumbing -------------------------------------------------------------

    def _announce(self) -> None:
        lease = NamedNode(self.iri)
        until = stamp(now() + timedelta(seconds=self.seconds))
        data = serialize([Triple(lease, CREATOR, Literal(self.owner)),
                          Triple(lease, CREATED, Literal(self.since, datatype=XSD_DATETIME)),
                          Triple(lease, VALID, Literal(until, datatype=XSD_DATETIME))],
                         format=RdfFormat.N_TRIPLES) or b""
        self.client.put_graph(self.iri, data)

    def _withdraw(self) -> None:
        self.client.delete_graph(self.iri)

    def _others(self) -> list[Found]:
        """The other loads' leases in force; those no longer in force are removed."""
        rows = self.client.select(
            f"SELECT ?l ?owner ?since ?until WHERE {{ GRAPH ?l {{ ?l <{CREATOR.value}> ?owner ; "
            f"<{CREATED.value}> ?since ; <{VALID.value}> ?until }} "
            f"FILTER (STRSTARTS(STR(?l), {Literal(self.prefix)})) }}").rows
        found: dict[str, Found] = {}
        for row in rows:  # a lease graph with more than one time: the latest counts
            until = _time(row["until"].value)
            held = found.get(row["l"].value)
            if held is None or (until is not None and (held.until is None or until > held.until)):
                found[row["l"].value] = Found(row["l"].value, row["owner"].value, row["since"].value, until)
        live = []
        at = now()
        for lease in found.values():
            if lease.iri == self.iri:
                continue
            if lease.in_force(at):
                live.append(lease)
            else:
                self.client.delete_graph(lease.iri)
        return live

    def _renew(self) -> None:
        while not self._stop.wait(self.seconds / 6):
            started = time.monotonic()
            if started >= self._held_until:
                return  # lapsed (kg was stopped, or renewals failed): another load may hold it by now
            try:
                self._announce()
            except RemoteError as err:
                self._trouble = f"cannot renew it: {err}"
                continue
            took = time.monotonic() - started
            if took < self.seconds / 4:
                self._held_until = started + self.seconds / 2
                self._trouble = ""
            else:
                self._trouble = f"renewing it took {took:.0f} s"
