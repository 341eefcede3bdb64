"""Triple stores: the embedded store, Graph Store Protocol servers, the sync plan, SPARQL queries."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .embedded import DEFAULT_STORE, EmbeddedStore
from .remote import DEFAULT_RETRIES, DEFAULT_TIMEOUT, WRITERS, GraphStoreClient, RemoteStore


def open_store(path: str | os.PathLike | None = None, *, endpoint: str | None = None,
               query_endpoint: str | None = None, user: str | None = None, password: str | None = None,
               timeout: float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES, connections: int = WRITERS,
               notify: Callable[[str], None] | None = None) -> EmbeddedStore | RemoteStore:
    """The store `kg load` and `kg query` use: the embedded store in the folder ``path``
    (default exports/store), or the server whose Graph Store Protocol URL is ``endpoint``
    (and whose SPARQL query URL is ``query_endpoint``, where it differs): ``connections``
    requests at once, each bounded by ``timeout`` seconds and tried ``retries`` more times;
    ``notify`` is told of each retry.

    Raises ValueError for an endpoint that is not an http(s) URL, or for both a path and an endpoint."""
    if endpoint is not None:
        if path is not None:
            raise ValueError("give a store folder or an endpoint, not both")
        return RemoteStore(GraphStoreClient(endpoint, query_endpoint, user, password, timeout, retries,
                                            connections=connections, notify=notify))
    if query_endpoint is not None:
        raise ValueError("a query endpoint goes with an endpoint")
    return EmbeddedStore(Path(path) if path is not None else DEFAULT_STORE)


__all__ = ["DEFAULT_STORE", "EmbeddedStore", "GraphStoreClient", "RemoteStore", "open_store"]
