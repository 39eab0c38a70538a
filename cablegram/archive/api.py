"""The archive's public types and the protocol every backend implements.

The command line, the web server, access control and messaging talk to the
archive only through :class:`Archive` (see ``cablegram.archive.open_archive``).
Every read takes a :class:`~cablegram.access.principal.Principal`: the access
filter is applied *inside* each query (SQL ``WHERE`` and the tantivy query),
never to results afterwards, so counts, facets and snippets cannot leak.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from cablegram.access.principal import Principal
from cablegram.model import Cable

Sort = Literal["relevance", "date", "-date"]
FACET_SIZE = 50  # values of the tags and origin facets a search reports by default
# What a caller may ask for instead: enough for every tag and origin of an archive
# (Cablegate has a few thousand tags and ~270 origins); the browse pages do.
MAX_FACET_SIZE = 20_000


@dataclass(frozen=True, slots=True)
class StoredCable:
    """One version of a cable as the archive keeps it."""

    cable: Cable
    version: int  # 1, 2, ... per reference id
    current: bool  # the newest version is current
    content_hash: str  # sha256 of the raw text
    ingested_at: datetime


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """Input that could not be read as a cable, kept with its reason."""

    source: str  # file (or archive member) it came from
    position: str  # where in it: "row 17", "member a/b.html", "byte 0"
    reason: str
    raw: bytes
    at: datetime


@dataclass(slots=True)
class IngestSummary:
    read: int = 0
    new: int = 0
    unchanged: int = 0
    versions: int = 0
    quarantined: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"read": self.read, "new": self.new, "unchanged": self.unchanged,
                "versions": self.versions, "quarantined": self.quarantined}


@dataclass(frozen=True, slots=True)
class SearchHit:
    reference_id: str
    subject: str | None
    dtg: str | None  # ISO 8601 UTC
    classification: str  # level label
    caveats: tuple[str, ...]
    origin: str | None
    snippet: str  # HTML-escaped text with <mark>...</mark> around matches
    score: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    results: list[SearchHit]
    # facet name ("tags", "origin", "classification", "year", "precedence") ->
    # [(value, count)], counts over the whole (visible) result set
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    histogram: list[tuple[str, int]] = field(default_factory=list)  # ("2007-05", n)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "results": [
                {"reference_id": h.reference_id, "subject": h.subject, "dtg": h.dtg,
                 "classification": h.classification, "caveats": list(h.caveats),
                 "origin": h.origin, "snippet": h.snippet, "score": h.score}
                for h in self.results
            ],
            "facets": {k: [{"value": v, "count": c} for v, c in vs]
                       for k, vs in self.facets.items()},
            "histogram": [{"period": p, "count": c} for p, c in self.histogram],
        }


@dataclass(frozen=True, slots=True)
class RefLink:
    """One edge of the reference graph, resolved against the archive.

    ``subject`` is None when the target is missing *or not visible*: a withheld
    cable shows at most as a bare reference id.
    """

    reference_id: str
    in_archive: bool
    subject: str | None = None
    letter: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Refs:
    cites: list[RefLink]
    cited_by: list[RefLink]


class Db(Protocol):
    """A small SQL handle shared with access and messaging for their own tables.

    SQL uses ``?`` placeholders on both backends (translated for PostgreSQL)
    and portable types (INTEGER, BIGINT, TEXT, BLOB/BYTEA via ``dialect``).
    """

    dialect: Literal["sqlite", "postgresql"]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...
    def transaction(self) -> AbstractContextManager[None]: ...


class Archive(Protocol):
    """What every archive backend offers (one conformance test runs on each)."""

    url: str
    db: Db

    def ingest(self, paths: Iterable[str], *, progress: bool = False) -> IngestSummary: ...
    def add(self, cable: Cable) -> Literal["new", "unchanged", "version"]: ...
    def get(self, reference_id: str, principal: Principal,
            version: int | None = None) -> StoredCable: ...
    def versions(self, reference_id: str, principal: Principal) -> list[StoredCable]: ...
    def search(self, query: str, principal: Principal, *, limit: int = 20, offset: int = 0,
               sort: Sort = "relevance", facets: bool = True,
               portion: bool = False, facet_size: int = FACET_SIZE) -> SearchResult: ...
    def refs(self, reference_id: str, principal: Principal) -> Refs: ...
    def export(self, query: str, principal: Principal) -> Iterator[Cable]: ...
    def stats(self, principal: Principal) -> dict[str, Any]: ...
    def quarantine(self) -> list[QuarantineEntry]: ...
    def reindex(self) -> int: ...
    def close(self) -> None: ...
