"""A short-lived cache of the facet counts of the empty query, per principal.

The home page and the browse pages (/tags, /origins, /months) show counts over
*everything* a reader may see: an aggregation over every visible document,
the most expensive search there is, and the same answer for every visit. The
hits are always fetched live (and audited); only the counts are kept, for
``TTL`` seconds, keyed by the whole principal (so no reader ever sees another
reader's counts), in a small LRU. After an ingest the counts catch up within
``TTL`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from cablegram.access.principal import Principal
from cablegram.access.redact import get_policy
from cablegram.archive.api import FACET_SIZE, Archive

TTL = 30.0
MAX_ENTRIES = 128


@dataclass(frozen=True, slots=True)
class Counts:
    total: int
    facets: dict[str, list[tuple[str, int]]]
    histogram: list[tuple[str, int]]


class FacetCache:
    """``facet_size``: values of the tags and origin facets kept (the web app keeps
    every value: the browse pages list them all)."""

    def __init__(self, ttl: float = TTL, max_entries: int = MAX_ENTRIES,
                 facet_size: int = FACET_SIZE) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.facet_size = facet_size
        self._lock = threading.Lock()
        self._entries: OrderedDict[Principal, tuple[float, Counts]] = OrderedDict()

    def counts(self, archive: Archive, principal: Principal) -> Counts:
        """Facets and histogram of the empty query for ``principal``."""
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(principal)
            if hit is not None and now - hit[0] < self.ttl:
                self._entries.move_to_end(principal)
                return hit[1]
        # Computed outside the lock: two readers at once may both compute; harmless.
        portion = get_policy(archive.db) == "portion"  # the release policy (issue 5.4)
        r = archive.search("", principal, limit=0, facets=True, portion=portion,
                           facet_size=self.facet_size)
        counts = Counts(r.total, r.facets, r.histogram)
        with self._lock:
            self._entries[principal] = (now, counts)
            self._entries.move_to_end(principal)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return counts

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
