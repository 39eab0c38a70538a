"""The Archive both backends share: the store for records, tantivy for search.

Every read takes a Principal and puts the visibility rule inside the SQL
(:mod:`cablegram.archive.sqlfilter`). A cable the principal may not see raises
:class:`NotFound` with exactly the message of a missing one.

The search index is derived from the store: before every search the facade
asks it to catch up with the store's change sequence, so an index that lags
or is missing is brought up to date, never trusted blindly.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from cablegram.access.principal import Principal
from cablegram.archive.api import (
    FACET_SIZE,
    Db,
    IngestSummary,
    QuarantineEntry,
    Refs,
    SearchResult,
    Sort,
    StoredCable,
)
from cablegram.archive.db import PostgresDb, SqliteDb, _redact
from cablegram.archive.ingest import ingest_paths
from cablegram.archive.refs import resolve_refs
from cablegram.archive.sqlfilter import visibility_sql
from cablegram.archive.store import SqlStore, canonical_id, unstorable
from cablegram.errors import ArchiveError, FormatError, NotFound
from cablegram.model import Cable

_EXPORT_CHUNK = 500


def default_index_dir(url: str, db: SqliteDb | PostgresDb) -> Path:
    """``cablegram.db`` -> ``cablegram.index/``; PostgreSQL: a per-server cache dir."""
    if isinstance(db, SqliteDb):
        return Path(db.path).with_suffix(".index")
    env = os.environ.get("CABLEGRAM_INDEX_DIR")
    if env:
        return Path(env)
    digest = hashlib.sha256(_redact(url).encode()).hexdigest()[:16]
    return Path.home() / ".cache" / "cablegram" / digest


class SqlArchive:
    """:class:`cablegram.archive.api.Archive` over a :class:`SqlStore`."""

    def __init__(self, url: str, store: SqlStore, index_dir: Path | None = None) -> None:
        self.url = url
        self.store = store
        self.db: Db = store.db  # typed as the protocol: an Archive's db is a Db
        self.index_dir = index_dir or default_index_dir(url, store.db)
        self._index: Any = None
        self._index_lock = threading.Lock()

    def __enter__(self) -> SqlArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ----------------------------------------------------------------

    def ingest(self, paths: Iterable[str], *, progress: bool = False) -> IngestSummary:
        """Store every cable of ``paths`` and index it on the way (the parsed cable is
        in hand: reading it back from the store was most of an index build); the
        index then follows the store as after any sync."""
        with self._index_lock:
            index = self._load_index()
        summary = ingest_paths(self.store, paths, progress=progress, feed=index.feed(self.store))
        self._synced_index()  # whatever the feed could not apply (see IngestFeed)
        return summary

    def add(self, cable: Cable) -> Literal["new", "unchanged", "version"]:
        if cable.reference_id is None:
            raise FormatError("a cable without a reference id cannot be archived",
                              source=cable.source.path, rule="T2")
        problem = unstorable(cable.raw)
        if problem:
            raise FormatError(f"cable {cable.reference_id} cannot be archived: {problem}",
                              source=cable.source.path)
        outcome = self.store.write_batch([cable])[0]
        if outcome == "new":
            return "new"
        if outcome == "version":
            return "version"
        return "unchanged"

    # -- reading ----------------------------------------------------------------

    def _vis(self, principal: Principal, table: str = "c") -> tuple[str, list[Any]]:
        return visibility_sql(principal, self.db.dialect, table=table)

    def get(self, reference_id: str, principal: Principal,
            version: int | None = None) -> StoredCable:
        rid = canonical_id(reference_id)
        vis, params = self._vis(principal)
        args: list[Any] = [rid]
        if version is None:
            where = "c.reference_id = ? AND c.current = 1"
        else:
            where = "c.reference_id = ? AND c.version = ?"
            args.append(int(version))
        rows = self.store.stored(f"{where} AND {vis}", [*args, *params])
        if not rows:
            raise _not_found(rid, version)
        return rows[0]

    def versions(self, reference_id: str, principal: Principal) -> list[StoredCable]:
        rid = canonical_id(reference_id)
        vis, params = self._vis(principal)
        rows = self.store.stored(f"c.reference_id = ? AND {vis}", [rid, *params],
                                 order="c.version")
        if not rows:
            raise _not_found(rid, None)
        return rows

    def refs(self, reference_id: str, principal: Principal) -> Refs:
        cable = self.get(reference_id, principal).cable
        vis, params = self._vis(principal)
        return resolve_refs(self.db, cable, vis, params)

    def export(self, query: str, principal: Principal) -> Iterator[Cable]:
        """Current versions matching ``query`` (empty: every visible cable), streamed."""
        vis, params = self._vis(principal)
        if not query.strip():
            for sc in self.store.iter_stored(f"c.current = 1 AND {vis}", params):
                yield sc.cable
            return
        index = self._synced_index()
        chunk: list[str] = []
        for rid in index.ids(query, principal):
            chunk.append(rid)
            if len(chunk) >= _EXPORT_CHUNK:
                yield from self._by_ids(chunk, vis, params)
                chunk = []
        if chunk:
            yield from self._by_ids(chunk, vis, params)

    def _by_ids(self, ids: list[str], vis: str, params: list[Any]) -> Iterator[Cable]:
        marks = ", ".join("?" for _ in ids)
        # The SQL filter applies again: the index is derived data, never the authority.
        found = {str(sc.cable.reference_id): sc.cable for sc in self.store.stored(
            f"c.current = 1 AND c.reference_id IN ({marks}) AND {vis}", [*ids, *params])}
        for rid in ids:
            if rid in found:
                yield found[rid]

    def stats(self, principal: Principal) -> dict[str, Any]:
        vis, params = self._vis(principal)
        q = self.db.query
        cables = int(q(f"SELECT COUNT(*) FROM cables c WHERE c.current = 1 AND {vis}",
                       params)[0][0])
        versions = int(q(f"SELECT COUNT(*) FROM cables c WHERE {vis}", params)[0][0])
        by_class = {str(k): int(n) for k, n in q(
            f"SELECT c.classification, COUNT(*) FROM cables c WHERE c.current = 1 AND {vis} "
            f"GROUP BY c.classification ORDER BY c.classification", params)}
        by_year = {str(k) if k is not None else "unknown": int(n) for k, n in q(
            f"SELECT c.year, COUNT(*) FROM cables c WHERE c.current = 1 AND {vis} "
            f"GROUP BY c.year ORDER BY c.year", params)}
        quarantined = int(q("SELECT COUNT(*) FROM quarantine")[0][0])
        return {"cables": cables, "versions": versions, "quarantined": quarantined,
                "by_classification": by_class, "by_year": by_year}

    def quarantine(self) -> list[QuarantineEntry]:
        return self.store.quarantine()

    # -- search -----------------------------------------------------------------

    def _load_index(self) -> Any:
        if self._index is None:
            try:
                from cablegram.archive.index import SearchIndex
            except ImportError as exc:
                raise ArchiveError("search is not available in this build: the search index "
                                   "module (cablegram.archive.index) is missing") from exc
            self._index = SearchIndex(self.index_dir)
        return self._index

    def _synced_index(self, wait: bool = True, portions: bool = False) -> Any:
        with self._index_lock:
            index = self._load_index()
            index.sync(self.store, wait=wait, portions=portions)
            return index

    def search(self, query: str, principal: Principal, *, limit: int = 20, offset: int = 0,
               sort: Sort = "relevance", facets: bool = True,
               portion: bool = False, facet_size: int = FACET_SIZE) -> SearchResult:
        # A search does not queue behind another process's ingest (see SearchIndex.sync).
        # (a search under the portion policy needs the index's portion fields: the
        # first one builds them, see SearchIndex.portions)
        index = self._synced_index(wait=False, portions=portion)
        result: SearchResult = index.search(query, principal, limit=limit, offset=offset,
                                            sort=sort, facets=facets, portion=portion,
                                            facet_size=facet_size)
        return result

    def index_portions(self) -> int:
        """Give the search index the portion fields a search under the portion policy
        reads (see SearchIndex.portions): the number of cables indexed again, 0 when
        it had them. The first portion search would do it otherwise."""
        with self._index_lock:
            index = self._load_index()
            return 0 if index.portions() else int(index.rebuild(self.store, portions=True))

    def reindex(self) -> int:
        with self._index_lock:
            return int(self._load_index().rebuild(self.store))

    def close(self) -> None:
        if self._index is not None and hasattr(self._index, "close"):
            self._index.close()
        self.store.close()


def _not_found(rid: str, version: int | None) -> NotFound:
    """The same words for a missing cable and one the principal may not see."""
    if version is None:
        return NotFound(f"no cable {rid} in the archive")
    return NotFound(f"no version {version} of cable {rid} in the archive")
