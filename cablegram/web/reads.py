"""Archive reads for the web, through the access layer's audited wrappers.

``cablegram.access.audited`` applies the release policy (a reader cleared
below a cable's level may get its releasable portions) and appends classified
reads and denied reads to the audit trail, with the client's address. The web
calls these, never ``archive.get``/``search``/``export`` directly.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request

from cablegram.access import audited
from cablegram.access.principal import Principal
from cablegram.archive.api import Archive, RefLink, Refs, SearchResult, Sort, StoredCable
from cablegram.errors import NotFound
from cablegram.model import Cable


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def get(request: Request, archive: Archive, principal: Principal, ref_id: str, *,
        view: str, version: int | None = None) -> StoredCable:
    return audited.get(archive, ref_id, principal, view=view, address=address(request),
                       version=version)


def search(request: Request, archive: Archive, principal: Principal, query: str, *,
           view: str, limit: int, offset: int = 0, sort: Sort = "relevance",
           facets: bool = True) -> SearchResult:
    return audited.search(archive, query, principal, view=view, address=address(request),
                          limit=limit, offset=offset, sort=sort, facets=facets)


def export(request: Request, archive: Archive, principal: Principal,
           query: str) -> Iterator[Cable]:
    return audited.export(archive, query, principal, view="web-export",
                          address=address(request))


def refs(archive: Archive, principal: Principal, cable: Cable) -> Refs:
    """The reference graph around a cable the principal was given.

    A cable released in part (the portion policy) is not visible to the
    archive's own filter, so ``archive.refs`` answers NotFound; then the
    reader shows the cable's own REF list as bare ids and no cited-by, which
    reveals nothing the released text does not already say.
    """
    rid = str(cable.reference_id)
    try:
        return archive.refs(rid, principal)
    except NotFound:
        return Refs(cites=[RefLink(str(r.id), False, None, r.letter, r.text)
                           for r in cable.references if r.id is not None], cited_by=[])
