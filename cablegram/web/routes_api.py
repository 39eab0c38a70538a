"""The JSON API under ``/api`` (OpenAPI at ``/openapi.json``, a local docs page at ``/api/docs``).

Errors are JSON ``{"error": message}``. An unknown id is a 404, and a withheld
id answers exactly like an unknown one: same status, same body apart from the
id (the message is built from the requested id, never from the archive).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse

from cablegram.access.principal import Principal
from cablegram.access.redact import get_policy
from cablegram.archive.api import Archive
from cablegram.errors import NotFound
from cablegram.formats.jsonform import to_json
from cablegram.model import Cable
from cablegram.web import reads
from cablegram.web.deps import get_archive, get_principal

router = APIRouter(prefix="/api", tags=["cables"])

ArchiveDep = Annotated[Archive, Depends(get_archive)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
QueryText = Annotated[str, Query(description="a query in the query language (see /help)",
                                 max_length=2000)]
EXPORT_COLUMNS = ("reference_id", "dtg", "origin", "classification", "caveats", "precedence",
                  "tags", "subject", "references", "signer")


@router.get("/cables", summary="Search cables")
def search_cables(request: Request, archive: ArchiveDep, principal: PrincipalDep, q: QueryText = "",
                  limit: Annotated[int, Query(ge=0, le=100)] = 20,
                  offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
                  sort: Literal["relevance", "date", "-date"] = "relevance",
                  facets: bool = True) -> dict[str, Any]:
    """``total``, ``results`` (snippets are HTML-escaped with ``<mark>``), ``facets``
    and a month ``histogram``, over the cables the caller may read."""
    return reads.search(request, archive, principal, q, view="api-search", limit=limit,
                        offset=offset, sort=sort, facets=facets).as_dict()


@router.get("/cables/{ref_id}", summary="One cable in the JSON form")
def get_cable(request: Request, ref_id: str, archive: ArchiveDep, principal: PrincipalDep,
              version: Annotated[int | None, Query(ge=1)] = None) -> dict[str, Any]:
    return to_json(reads.get(request, archive, principal, ref_id, view="api",
                             version=version).cable)


@router.get("/cables/{ref_id}/refs", summary="What a cable cites and what cites it")
def get_refs(request: Request, ref_id: str, archive: ArchiveDep,
             principal: PrincipalDep) -> dict[str, Any]:
    # 404 for a cable that is missing or withheld, exactly alike
    cable = reads.get(request, archive, principal, ref_id, view="api-refs").cable
    refs = reads.refs(archive, principal, cable)

    def links(items: list[Any]) -> list[dict[str, Any]]:
        return [{"reference_id": r.reference_id, "in_archive": r.in_archive,
                 "subject": r.subject, "letter": r.letter, "text": r.text} for r in items]

    return {"reference_id": ref_id, "cites": links(refs.cites), "cited_by": links(refs.cited_by)}


@router.get("/cables/{ref_id}/versions", summary="Every stored version of a cable")
def get_versions(request: Request, ref_id: str, archive: ArchiveDep,
                 principal: PrincipalDep) -> dict[str, Any]:
    stored = reads.get(request, archive, principal, ref_id, view="api-versions")
    try:
        versions = archive.versions(ref_id, principal)
    except NotFound:  # released in part: only the released version
        versions = [stored]
    return {"reference_id": ref_id, "versions": [
        {"version": s.version, "current": s.current, "content_hash": s.content_hash,
         "ingested_at": s.ingested_at.isoformat(), "source": s.cable.source.format}
        for s in versions]}


@router.get("/cables/{ref_id}/telegram", summary="The cable as telegram text",
            response_class=PlainTextResponse)
def get_telegram(request: Request, ref_id: str, archive: ArchiveDep,
                 principal: PrincipalDep) -> Response:
    """The stored text when the cable was read from telegram text, else the
    telegram rendering of the record (``cablegram.formats.render_telegram``)."""
    cable = reads.get(request, archive, principal, ref_id, view="api-telegram").cable
    return PlainTextResponse(telegram_text(cable))


def telegram_text(cable: Cable) -> str:
    if cable.source.format in ("telegram", "text", "raw-telegram"):
        return cable.raw
    try:
        from cablegram.formats import render_telegram
    except ImportError:  # the writer is not there yet: the text as read is the best we have
        return cable.raw
    text: str = render_telegram(cable)
    return text


@router.get("/facets", summary="Facet counts and the month histogram of a query")
def get_facets(archive: ArchiveDep, principal: PrincipalDep, q: QueryText = "") -> dict[str, Any]:
    # The counts follow the archive's release policy, as the search page's do (issue 5.4).
    portion = get_policy(archive.db) == "portion"
    d = archive.search(q, principal, limit=0, facets=True, portion=portion).as_dict()
    return {"total": d["total"], "facets": d["facets"], "histogram": d["histogram"]}


@router.get("/stats", summary="Counts over the cables the caller may read")
def get_stats(archive: ArchiveDep, principal: PrincipalDep) -> dict[str, Any]:
    return archive.stats(principal)


@router.get("/export", summary="Every matching cable, streamed as CSV or JSON lines")
def export(request: Request, archive: ArchiveDep, principal: PrincipalDep, q: QueryText = "",
           format: Literal["csv", "jsonl"] = "jsonl") -> StreamingResponse:
    # Parse the query before the first byte goes out, so a bad query is a 400.
    archive.search(q, principal, limit=0, facets=False)
    cables = reads.export(request, archive, principal, q)
    if format == "csv":
        return StreamingResponse(_csv_lines(cables), media_type="text/csv; charset=utf-8",
                                 headers={"content-disposition":
                                          'attachment; filename="cables.csv"'})
    return StreamingResponse(_jsonl_lines(cables), media_type="application/x-ndjson",
                             headers={"content-disposition":
                                      'attachment; filename="cables.jsonl"'})


def _jsonl_lines(cables: Iterator[Cable]) -> Iterator[bytes]:
    for cable in cables:
        yield (json.dumps(to_json(cable), ensure_ascii=False) + "\n").encode()


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP
# "CSV injection"); cable text is untrusted, so such a cell gets a leading "'".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_row(cable: Cable) -> list[str]:
    return [_cell(v) for v in (
        str(cable.reference_id or ""), cable.dtg.isoformat() if cable.dtg else "",
        cable.origin or "", cable.classification.level.label,
        " ".join(cable.classification.caveats), cable.precedence.word,
        " ".join(t.code for t in cable.tags), cable.subject or "",
        " ".join(str(r.id) for r in cable.references if r.id), cable.signer or "",
    )]


def _csv_lines(cables: Iterator[Cable]) -> Iterator[bytes]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(EXPORT_COLUMNS)
    for n, cable in enumerate(cables, start=1):
        writer.writerow(csv_row(cable))
        if n % 200 == 0:  # stream in chunks, not one write per row
            yield buf.getvalue().encode()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode()


@router.get("/docs", include_in_schema=False)
def docs_page(request: Request) -> Response:
    """A documentation page built from the OpenAPI document, with no CDN assets."""
    spec = request.app.openapi()
    endpoints = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            endpoints.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "params": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                            "description": p.get("description", ""),
                            "schema": json.dumps(p.get("schema", {}))}
                           for p in op.get("parameters", [])],
            })
    templates = request.app.state.templates
    resp: Response = templates.TemplateResponse(request, "api_docs.html",
                                                {"endpoints": endpoints, "q": "",
                                                 "title": "API"})
    return resp
