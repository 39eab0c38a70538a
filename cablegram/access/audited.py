"""Archive reads with the audit trail and the release policy (access issue, points 4-5).

The command line and the web server call these instead of the bare archive
methods. Each one:

* reads through the archive, whose SQL/tantivy filter already hides what the
  principal may not see (the filter is inside the query);
* under the ``portion`` policy, lets a reader cleared below a cable's level see
  its releasable portions (:func:`cablegram.access.redact.redact`);
* appends to the audit log every read of classified content (``read``,
  ``search``) and every denied read of an existing cable (``deny``). The
  caller still gets the archive's own ``NotFound``, word for word the answer
  for a missing id.

``address`` is the client's IP address for the web, ``cli`` for the command line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from typing import Any

from cablegram.access import audit
from cablegram.access.principal import Principal, decide, effective_level
from cablegram.access.redact import get_policy, redact
from cablegram.archive.api import Archive, SearchResult, Sort, StoredCable
from cablegram.errors import NotFound
from cablegram.model import Cable, Level


def is_classified(cable: Cable, today: date | None = None) -> bool:
    """Above UNCLASSIFIED now (SBU counts: its reads are logged too)."""
    today = today or date.today()
    return effective_level(cable.level, cable.declassify_on, today) > Level.UNCLASSIFIED


def _rid(cable: Cable, fallback: str) -> str:
    return str(cable.reference_id) if cable.reference_id is not None else fallback


def get(archive: Archive, reference_id: str, principal: Principal, *, view: str = "get",
        address: str = "cli", version: int | None = None) -> StoredCable:
    """``archive.get`` with the policy applied and the read (or the denial) audited."""
    try:
        stored = archive.get(reference_id, principal, version)
    except NotFound as hidden:
        try:
            real = archive.get(reference_id, Principal.archive_owner(), version)
        except NotFound:
            # Truly missing. Audited all the same, so that a withheld id and a missing
            # one cost the same work (no timing tell, issue 5.3) and probing for ids
            # is on record.
            audit.record(archive.db, principal, audit.DENY, reference_id, view, address,
                         {"reason": "not in the archive", "version": version})
            raise hidden from None
        released = (redact(real.cable, principal, "portion")
                    if get_policy(archive.db) == "portion" else None)
        if released is None:
            audit.record(archive.db, principal, audit.DENY, _rid(real.cable, reference_id), view,
                         address, {"reason": decide(principal, real.cable).reason,
                                   "version": real.version})
            raise hidden from None
        stored = dataclasses.replace(real, cable=released)
        audit.record(archive.db, principal, audit.READ, _rid(real.cable, reference_id), view,
                     address, {"version": real.version, "released": "portion"})
        return stored
    if is_classified(stored.cable):
        audit.record(archive.db, principal, audit.READ, _rid(stored.cable, reference_id), view,
                     address, {"version": stored.version})
    return stored


def search(archive: Archive, query: str, principal: Principal, *, view: str = "search",
           address: str = "cli", limit: int = 20, offset: int = 0,
           sort: Sort = "relevance", facets: bool = True) -> SearchResult:
    """``archive.search``; a page that shows classified hits is audited with their ids.

    Under the ``portion`` policy a reader cleared below a cable's level also
    finds it through its released portions, and its hit shows only those
    (``cablegram/archive/portions.py``); under ``whole-cable`` search finds only
    cables the principal may read whole.
    """
    result = archive.search(query, principal, limit=limit, offset=offset, sort=sort,
                            facets=facets, portion=get_policy(archive.db) == "portion")
    shown = [h.reference_id for h in result.results if h.classification != "UNCLASSIFIED"]
    if shown:
        audit.record(archive.db, principal, audit.SEARCH, query, view, address,
                     {"ids": shown, "offset": offset})
    return result


def export(archive: Archive, query: str, principal: Principal, *, view: str = "export",
           address: str = "cli") -> Iterator[Cable]:
    """``archive.export``, each classified cable's export audited as a read."""
    for cable in archive.export(query, principal):
        if is_classified(cable):
            audit.record(archive.db, principal, audit.READ, _rid(cable, "?"), view, address)
        yield cable


def record_failed_login(archive_or_db: Any, name: str, address: str, view: str = "login",
                        reason: str = "bad credentials") -> None:
    db = getattr(archive_or_db, "db", archive_or_db)
    audit.record(db, name or "?", audit.LOGIN_FAILED, name or "?", view, address,
                 {"reason": reason})
