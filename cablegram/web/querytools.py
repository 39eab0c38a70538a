"""Query-string arithmetic for the reader: narrowing by facet and by date, paging.

The reader never builds SQL or index queries itself; it only edits the text of
a query in the archive's query language (docs/query-language.md) so that what
a click does is visible, and editable, in the search box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

# A date bound of the query language: `from:2007`, `to:2007-05`, `from:2007-05-18`.
# Kept next to the one place that rewrites it (narrowing by the histogram).
DATE_TERM_RE = re.compile(r"(?<!\S)(?:from|to):\d{4}(?:-\d{2}(?:-\d{2})?)?(?!\S)")
# A value that can be written bare after `field:` (no spaces, quotes or brackets).
BARE_VALUE_RE = re.compile(r"^[A-Za-z0-9_.\-/>=<]+$")

# facet name of SearchResult.facets -> field of the query language
FACET_FIELDS = {
    "tags": "tag",
    "origin": "origin",
    "classification": "class",
    "precedence": "precedence",
    "caveats": "caveat",
}
FACET_TITLES = {
    "tags": "Tags",
    "origin": "Origin",
    "classification": "Classification",
    "year": "Year",
    "precedence": "Precedence",
    "caveats": "Caveats",
}


def field_term(field: str, value: str) -> str:
    """``tag:PREL``, or ``class:"TOP SECRET"`` when the value holds a space."""
    if BARE_VALUE_RE.match(value):
        return f"{field}:{value}"
    return f'{field}:"{value.replace(chr(34), "")}"'


def add_term(query: str, term: str) -> str:
    """The query narrowed by one more (implicitly AND-ed) term, never twice."""
    q = query.strip()
    if term in q.split():
        return q
    return f"{q} {term}".strip()


def facet_query(query: str, facet: str, value: str) -> str:
    """The query narrowed to one facet value (a click on a facet)."""
    if facet == "year":
        return date_range_query(query, value, value)
    field = FACET_FIELDS.get(facet, facet)
    return add_term(query, field_term(field, value))


def facet_toggle(query: str, facet: str, value: str) -> tuple[str, bool]:
    """What a click on a facet value does: narrow to it, or, when the query
    already holds exactly that term, take it away again. Returns (query, active)."""
    if facet == "year":
        term_pair = f"from:{value} to:{value}"
        if term_pair in " ".join(query.split()):
            return " ".join(DATE_TERM_RE.sub(" ", query).split()), True
        return date_range_query(query, value, value), False
    term = field_term(FACET_FIELDS.get(facet, facet), value)
    words = query.split()
    if term in words:
        return " ".join(w for w in words if w != term), True
    return add_term(query, term), False


def date_range_query(query: str, start: str, end: str) -> str:
    """The query with its date bounds replaced by ``from:start to:end``."""
    rest = " ".join(DATE_TERM_RE.sub(" ", query).split())
    return f"{rest} from:{start} to:{end}".strip()


def search_url(query: str, *, sort: str = "relevance", offset: int = 0,
               path: str = "/search") -> str:
    params: dict[str, str | int] = {"q": query}
    if sort != "relevance":
        params["sort"] = sort
    if offset:
        params["offset"] = offset
    return f"{path}?{urlencode(params)}"


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of the result histogram, laid out for an inline SVG."""

    label: str  # "2007" or "2007-05"
    count: int
    url: str
    x: int
    width: int
    height: int
    y: int


HIST_HEIGHT = 60
HIST_WIDTH = 600


MAX_MONTH_BARS = 36
# A histogram period as the index reports it: "2007-05" (or a bare year).
PERIOD_RE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2}))?$")


def histogram_bars(histogram: list[tuple[str, int]], query: str, sort: str) -> list[Bar]:
    """A timeline by month, or by year when it would need more than 36 months.

    Empty periods between the first and the last are filled in, so the bars
    are a true time axis. Each bar links to the query narrowed to its period
    (``from:``/``to:``).
    """
    months: dict[tuple[int, int], int] = {}
    for period, n in histogram:
        m = PERIOD_RE.match(period)
        if m is None or not n:
            continue  # "unknown" dates cannot be placed on the axis
        key = (int(m["y"]), int(m["m"] or 1))
        months[key] = months.get(key, 0) + n
    if not months:
        return []
    (y0, m0), (y1, m1) = min(months), max(months)
    buckets: dict[str, int] = {}
    if (y1 - y0) * 12 + m1 - m0 + 1 > MAX_MONTH_BARS:
        for y in range(y0, y1 + 1):
            buckets[f"{y:04d}"] = 0
        for (y, _), n in months.items():
            buckets[f"{y:04d}"] += n
    else:
        y, mo = y0, m0
        while (y, mo) <= (y1, m1):
            buckets[f"{y:04d}-{mo:02d}"] = months.get((y, mo), 0)
            y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    top = max(buckets.values()) or 1
    width = max(2, min(40, HIST_WIDTH // len(buckets)))
    bars = []
    for i, (label, n) in enumerate(sorted(buckets.items())):
        h = max(1, round(HIST_HEIGHT * n / top)) if n else 0
        bars.append(Bar(label, n, search_url(date_range_query(query, label, label), sort=sort),
                        i * width, max(1, width - 1), h, HIST_HEIGHT - h))
    return bars


@dataclass(frozen=True, slots=True)
class PageLink:
    label: str
    url: str | None  # None: the current page, or a gap
    current: bool = False


def pages(query: str, sort: str, total: int, offset: int, limit: int) -> list[PageLink]:
    """Previous, a window of page numbers, next."""
    if total <= limit:
        return []
    count = (total + limit - 1) // limit
    here = offset // limit
    links: list[PageLink] = []
    if here > 0:
        links.append(PageLink("Previous", search_url(query, sort=sort, offset=(here - 1) * limit)))
    window = sorted({0, count - 1, *range(max(0, here - 2), min(count, here + 3))})
    last = -1
    for n in window:
        if n - last > 1:
            links.append(PageLink("…", None))
        links.append(PageLink(str(n + 1), None if n == here else
                              search_url(query, sort=sort, offset=n * limit), n == here))
        last = n
    if here < count - 1:
        links.append(PageLink("Next", search_url(query, sort=sort, offset=(here + 1) * limit)))
    return links
