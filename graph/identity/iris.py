"""The IRIs kg mints: providers (by domain), topics (by label), the topic scheme, named graphs."""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from .urls import normalize_url


# Providers and topics are met in nearly every file, the same few thousand again and again:
# their keys and IRIs are remembered rather than quoted anew (urllib's quote is slow).
@lru_cache(maxsize=1 << 14)
def provider_key(domain: str) -> str:
    """Providers are one node per domain: lower-case, without 'www.'."""
    key = domain.strip().lower().rstrip(".")
    key = re.sub(r"^[a-z]+://", "", key).split("/", 1)[0]
    return key[4:] if key.startswith("www.") else key


@lru_cache(maxsize=1 << 14)
def topic_key(label: str) -> str:
    """Topics compare without case and surrounding or repeated space."""
    return " ".join(label.split()).casefold()


@lru_cache(maxsize=1 << 14)
def provider_iri(base: str, domain: str) -> str:
    return base + "provider/" + quote(provider_key(domain), safe="", errors="replace")


@lru_cache(maxsize=1 << 14)
def topic_iri(base: str, label: str) -> str:
    # Injective: '_' is escaped before spaces become '_'.
    slug = quote(topic_key(label), safe="", errors="replace").replace("_", "%5F").replace("%20", "_")
    return base + "topic/" + slug


def topic_scheme_iri(base: str) -> str:
    return base + "topics"


def source_graph_iri(base: str, rel: str) -> str:
    return base + "source/" + quote(rel, safe="/", errors="replace")


def corpus_graph_iri(base: str) -> str:
    """The named graph of the corpus-wide nodes (providers, topics)."""
    return base + "corpus"


def sync_graph_iri(base: str) -> str:
    """The named graph where `kg load` records each graph it wrote and its content hash."""
    return base + "sync"


def site_url(domain: str) -> str:
    return normalize_url(f"https://{provider_key(domain)}/")
