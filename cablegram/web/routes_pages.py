"""The HTML reader: search, cables, versions, browsing by tag, origin and month.

Every route is a plain ``def`` (Starlette runs it in its thread pool) because
the archive is blocking I/O. Every read passes the request's principal.
"""

from __future__ import annotations

import itertools
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from cablegram.access.principal import Principal
from cablegram.archive.api import FACET_SIZE, MAX_FACET_SIZE, Archive, SearchResult, Sort
from cablegram.archive.diff import changed_fields
from cablegram.errors import NotFound, QueryError
from cablegram.web import querytools as qt
from cablegram.web import reads, views
from cablegram.web.deps import get_archive, get_principal
from cablegram.web.facetcache import FacetCache

router = APIRouter()

PAGE_SIZE = 20
MAX_QUERY = 2000  # as the API's q parameter
MAX_OFFSET = 10_000  # deep paging is what the export is for
SORTS: dict[str, str] = {"relevance": "Relevance", "-date": "Newest first", "date": "Oldest first"}
FACETS_SHOWN = 12
# /months/2007-05 ; /origins/OSLO ; /tags/PREL: what a browse path segment may hold
MONTH_RE = re.compile(r"^\d{4}-\d{2}$")
CODE_RE = re.compile(r"^[A-Za-z0-9 ._-]{1,40}$")

ArchiveDep = Annotated[Archive, Depends(get_archive)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]


def _templates(request: Request) -> Jinja2Templates:
    t: Jinja2Templates = request.app.state.templates
    return t


def _render(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> Response:
    ctx.setdefault("q", "")
    return _templates(request).TemplateResponse(request, name, ctx, status_code=status)


def _facet_cache(request: Request) -> FacetCache:
    cache: FacetCache = request.app.state.facet_cache
    return cache


def _sort(value: str, q: str) -> Sort:
    if value in SORTS:
        return value  # type: ignore[return-value]
    return "relevance" if q.strip() else "-date"


def _facet_views(result: SearchResult, q: str, sort: str) -> list[dict[str, Any]]:
    out = []
    for name, title in qt.FACET_TITLES.items():
        values = result.facets.get(name) or []
        if not values:
            continue
        items = []
        for value, count in values[:FACETS_SHOWN]:
            target, active = qt.facet_toggle(q, name, str(value))
            items.append({
                "value": value, "count": count,
                "url": qt.search_url(target, sort=sort),
                "active": active,
                "title": views.tag_meaning(str(value)) if name == "tags" else None,
            })
        out.append({"name": name, "title": title, "items": items,
                    "more": max(0, len(values) - FACETS_SHOWN)})
    return out


def search_page(request: Request, archive: Archive, principal: Principal, q: str, sort: str,
                offset: int, heading: str | None = None,
                intro: str | None = None) -> Response:
    """Run one search and render it; a bad query shows its message on the page."""
    eff_sort = _sort(sort, q)
    offset = max(0, min(offset, MAX_OFFSET))
    error = None
    result = SearchResult(total=0, results=[])
    try:
        if len(q) > MAX_QUERY:
            raise QueryError(f"the query is {len(q):,} characters long; the most is {MAX_QUERY:,}")
        if q.strip():
            result = reads.search(request, archive, principal, q, view="web-search",
                                  limit=PAGE_SIZE, offset=offset, sort=eff_sort)
        else:  # everything: live hits, counts from the short-lived cache
            hits = reads.search(request, archive, principal, q, view="web-search",
                                limit=PAGE_SIZE, offset=offset, sort=eff_sort, facets=False)
            counts = _facet_cache(request).counts(archive, principal)
            # the cache holds every value; a search reports the most frequent
            facets = {name: values[:FACET_SIZE] for name, values in counts.facets.items()}
            result = SearchResult(total=hits.total, results=hits.results,
                                  facets=facets, histogram=counts.histogram)
    except QueryError as exc:
        error = str(exc)
    ctx = {
        "q": q, "sort": eff_sort, "sorts": SORTS, "offset": offset, "result": result,
        "error": error, "heading": heading, "intro": intro,
        "facets": _facet_views(result, q, eff_sort),
        "bars": qt.histogram_bars(result.histogram, q, eff_sort),
        "hist_height": qt.HIST_HEIGHT,
        "pages": qt.pages(q, eff_sort, result.total, offset, PAGE_SIZE),
        "label_css": views.label_css,
        "first": offset + 1, "last": offset + len(result.results),
    }
    return _render(request, "search.html", ctx)


@router.get("/", include_in_schema=False)
def home(request: Request, archive: ArchiveDep, principal: PrincipalDep,
         q: str = "", sort: str = "", offset: int = 0) -> Response:
    return search_page(request, archive, principal, q, sort, offset)


@router.get("/search", include_in_schema=False)
def search(request: Request, archive: ArchiveDep, principal: PrincipalDep,
           q: str = "", sort: str = "", offset: int = 0) -> Response:
    return search_page(request, archive, principal, q, sort, offset)


@router.get("/help", include_in_schema=False)
def help_page(request: Request) -> Response:
    return _render(request, "help.html", {})


@router.get("/cables/{ref_id}", include_in_schema=False)
def cable_page(request: Request, ref_id: str, archive: ArchiveDep, principal: PrincipalDep,
               version: Annotated[int | None, Query(ge=1)] = None) -> Response:
    stored = reads.get(request, archive, principal, ref_id, view="web-page", version=version)
    canonical = str(stored.cable.reference_id) if stored.cable.reference_id else ref_id
    if canonical != ref_id:
        suffix = f"?version={version}" if version else ""
        return RedirectResponse(f"/cables/{canonical}{suffix}", status_code=301)
    cable = stored.cable
    refs = reads.refs(archive, principal, cable)
    ctx = {
        "stored": stored, "cable": cable, "ref_id": canonical, "refs": refs,
        "banner": views.banner(cable), "banner_css": views.level_css(cable.level),
        "tags": views.tag_views(cable.tags), "paragraphs": views.paragraph_views(cable),
        "title": cable.subject or canonical,
    }
    return _render(request, "cable.html", ctx)


@router.get("/cables/{ref_id}/raw", include_in_schema=False)
def cable_raw(request: Request, ref_id: str, archive: ArchiveDep, principal: PrincipalDep,
              version: Annotated[int | None, Query(ge=1)] = None) -> Response:
    """The exact text as read, byte for byte (as text/plain: never rendered as HTML)."""
    stored = reads.get(request, archive, principal, ref_id, view="web-raw", version=version)
    return PlainTextResponse(stored.cable.raw)


@router.get("/cables/{ref_id}/versions", include_in_schema=False)
def cable_versions(request: Request, ref_id: str, archive: ArchiveDep,
                   principal: PrincipalDep) -> Response:
    stored = reads.get(request, archive, principal, ref_id, view="web-versions")
    try:
        versions = sorted(archive.versions(ref_id, principal), key=lambda s: s.version)
    except NotFound:  # released in part (portion policy): only what was released
        versions = [stored]
    diffs = []
    for old, new in itertools.pairwise(versions):
        diffs.append({"old": old.version, "new": new.version,
                      "fields": changed_fields(old.cable, new.cable),
                      "lines": views.raw_diff(old.cable.raw, new.cable.raw,
                                              f"version {old.version}", f"version {new.version}")})
    current = versions[-1].cable
    ctx = {"ref_id": ref_id, "versions": versions, "diffs": diffs, "cable": current,
           "title": f"Versions of {ref_id}"}
    return _render(request, "versions.html", ctx)


def _browse(request: Request, archive: Archive, principal: Principal, kind: str) -> Response:
    """A list of tags, origins or months with their counts (visible cables only).

    All come from one search of everything visible: months from its histogram,
    tags and origins from its facets, asked for with every value
    (``MAX_FACET_SIZE``); the tag list goes on with the rest of the TAGS
    vocabulary, uncounted. (A GROUP BY over the store was tried for origins: it
    scans every row's text and took 2.7 s at 30k cables.)
    """
    result = _facet_cache(request).counts(archive, principal)
    items: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    if kind == "tags":
        for value, count in result.facets.get("tags", []):
            items.append({"value": value, "count": count, "url": f"/tags/{value}",
                          "meaning": views.tag_meaning(value)})
        items.sort(key=lambda i: i["value"])
        counted = {i["value"] for i in items}
        others = [{"value": code, "url": f"/tags/{code}", "meaning": meaning}
                  for code, meaning in views.vocabulary() if code not in counted]
    elif kind == "origins":
        for value, count in result.facets.get("origin", []):
            items.append({"value": value, "count": count, "url": f"/origins/{value}",
                          "meaning": None})
        items.sort(key=lambda i: i["value"])
    else:
        for period, count in sorted(result.histogram, reverse=True):
            items.append({"value": period, "count": count, "url": f"/months/{period}",
                          "meaning": None})
    titles = {"tags": "Tags", "origins": "Origins", "months": "Months"}
    partial = kind != "months" and len(items) >= MAX_FACET_SIZE
    return _render(request, "browse.html", {"kind": kind, "title": titles[kind], "items": items,
                                            "others": others, "total": result.total,
                                            "partial": partial})


@router.get("/tags", include_in_schema=False)
def tags(request: Request, archive: ArchiveDep, principal: PrincipalDep) -> Response:
    return _browse(request, archive, principal, "tags")


@router.get("/origins", include_in_schema=False)
def origins(request: Request, archive: ArchiveDep, principal: PrincipalDep) -> Response:
    return _browse(request, archive, principal, "origins")


@router.get("/months", include_in_schema=False)
def months(request: Request, archive: ArchiveDep, principal: PrincipalDep) -> Response:
    return _browse(request, archive, principal, "months")


def _checked(value: str, pattern: re.Pattern[str], what: str) -> str:
    if not pattern.match(value):
        raise NotFound(f"no {what} {value!r}")
    return value


@router.get("/tags/{tag}", include_in_schema=False)
def tag_page(request: Request, tag: str, archive: ArchiveDep, principal: PrincipalDep,
             sort: str = "-date", offset: int = 0) -> Response:
    code = _checked(tag, CODE_RE, "tag").upper()
    meaning = views.tag_meaning(code)
    return search_page(request, archive, principal, qt.field_term("tag", code), sort, offset,
                       heading=f"Tag {code}", intro=meaning)


@router.get("/origins/{origin}", include_in_schema=False)
def origin_page(request: Request, origin: str, archive: ArchiveDep, principal: PrincipalDep,
                sort: str = "-date", offset: int = 0) -> Response:
    code = _checked(origin, CODE_RE, "origin").upper().replace(" ", "")
    return search_page(request, archive, principal, qt.field_term("origin", code), sort, offset,
                       heading=f"Cables from {code}")


@router.get("/months/{month}", include_in_schema=False)
def month_page(request: Request, month: str, archive: ArchiveDep, principal: PrincipalDep,
               sort: str = "date", offset: int = 0) -> Response:
    m = _checked(month, MONTH_RE, "month")
    return search_page(request, archive, principal, f"from:{m} to:{m}", sort, offset,
                       heading=f"Cables of {m}")
