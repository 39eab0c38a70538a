"""Searching the tantivy index: hits, snippets, facets and the month histogram.

Every search runs ONE tantivy query: the parsed query (``query.py``) AND the
access filter (``indexfilter.py``). Totals, hits, facets, the month histogram
and snippets all come from that query, so nothing a principal may not read can
show through a count or a snippet. Its passes over the index (the top hits, a
facet aggregation, the tag postings) run at once on a small thread pool.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import Any, TypeVar

import tantivy

from cablegram.access.principal import Principal
from cablegram.archive.api import FACET_SIZE, MAX_FACET_SIZE, SearchHit, SearchResult, Sort
from cablegram.archive.indexdoc import CAVEAT_SEP, KEY_SEP
from cablegram.archive.indexfilter import restrict
from cablegram.archive.portions import (
    partly_released,
    released_paragraphs,
    released_subject,
    restrict_portions,
)
from cablegram.archive.query import (
    And,
    F,
    Keyword,
    MatchNone,
    Node,
    Not,
    Or,
    Text,
    compile_query,
    has_text,
    parse,
    positive_text,
)
from cablegram.archive.snippets import SNIPPET_CHARS, snippet
from cablegram.errors import ArchiveError, QueryError
from cablegram.model import Level

SORTS = ("relevance", "date", "-date")
# The facets, in the order a result lists them.
FACET_FIELDS = ("tags", "origin", "classification", "year", "precedence", "caveats")
MAX_LIMIT = 10_000  # results a page; more is an export
# Large enough that every segment reports every value: the counts are exact, not
# tantivy's per-segment top-N estimate.
_SEGMENT_SIZE = 1_000_000
_HISTOGRAM_SIZE = 5000  # months: far more than the archive spans
# Tags are many per cable. Over a large share of the index, counting each tag's
# postings within the result is 3x faster than tantivy's terms aggregation over
# a multi-valued fast field (14 ms against 46 ms at 250k hits); over a small
# result the aggregation wins (it only visits the hits). The share is 1/8.
_POSTINGS_FACET_SHARE = 8
_HIGHLIGHT_EXPANSIONS = 30  # words a prefix* is highlighted as, most frequent first
WITHHELD = "[withheld]"  # a partly released hit's subject above the reader (as redact shows it)
# A search's passes over the index (top hits, the facet aggregation, the tag
# postings) each run inside tantivy with the GIL released, so they can run at
# once: on this 2-core machine two threads ran 1.8x the passes per second of
# one (the aggregation, the top hits and the tag postings alike, at 251k
# cables). The facet passes of a search go to this pool while its own thread
# finds the hits and their snippets.
_PASS_THREADS = 2
_T = TypeVar("_T")


class _Passes:
    """A per-process pool for the facet passes (recreated after a fork: a forked
    child has none of its parent's threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._pid = 0

    def submit(self, fn: Callable[..., _T], *args: Any) -> Future[_T]:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = ThreadPoolExecutor(_PASS_THREADS, thread_name_prefix="search-pass")
                self._pid = os.getpid()
            return self._pool.submit(fn, *args)


_passes = _Passes()


def costly(node: Node) -> bool:
    """Is the query costly to evaluate a second time (a phrase, or a prefix)?"""
    if isinstance(node, Text):
        return len(node.terms) > 1 or node.prefix
    if isinstance(node, Keyword):
        return node.prefix
    if isinstance(node, And | Or):
        return any(costly(n) for n in node.nodes)
    if isinstance(node, Not):
        return costly(node.node)
    return False


def most_matching(node: Node, searcher: tantivy.Searcher) -> int:
    """An upper bound of the cables ``node`` matches, from the term dictionary alone.

    It decides how a search counts its tags before the search has run (see
    ``Searching._tag_pass``): only the speed depends on it, never a count. A
    phrase matches no more cables than its rarest word, an AND no more than its
    rarest part; a prefix, a range or a NOT is bounded by the index.
    """
    everything = int(searcher.num_docs)
    if isinstance(node, Text) and not node.prefix:
        return min(everything, sum(min(searcher.doc_freq(f, t) for t in node.terms)
                                   for f in node.fields))
    if isinstance(node, Keyword) and not node.prefix:
        return min(everything, searcher.doc_freq(node.field, node.value))
    if isinstance(node, And):
        parts = [most_matching(n, searcher) for n in node.nodes if not isinstance(n, Not)]
        return min(parts, default=everything)
    if isinstance(node, Or):
        return min(everything, sum(most_matching(n, searcher) for n in node.nodes))
    return 0 if isinstance(node, MatchNone) else everything


def _terms(field: str, size: int) -> dict[str, Any]:
    """A terms aggregation over ``field``: its ``size`` most frequent values, exact."""
    return {"terms": {"field": field, "size": size, "segment_size": _SEGMENT_SIZE}}


def _buckets(raw: dict[str, Any], name: str) -> list[tuple[Any, int]]:
    """(value, count) of the terms aggregation ``name`` in an aggregation's result."""
    return [(b["key"], int(b["doc_count"])) for b in raw.get(name, {}).get("buckets", [])]


def _by_count(pairs: list[tuple[Any, int]]) -> list[tuple[str, int]]:
    """Facet values most frequent first, then by value."""
    return sorted(((str(k), n) for k, n in pairs), key=lambda kv: (-kv[1], kv[0]))


def _keyed_facets(keys: list[tuple[Any, int]]) -> dict[str, list[tuple[str, int]]]:
    """The classification (low to high), precedence and caveats facets summed from
    the counts of each facet key (``level/PRECEDENCE/caveat set``)."""
    levels: dict[int, int] = {}
    precedence: dict[str, int] = {}
    caveats: dict[str, int] = {}
    for key, n in keys:
        level, prec, cavs = str(key).split(KEY_SEP, 2)
        levels[int(level)] = levels.get(int(level), 0) + n
        precedence[prec] = precedence.get(prec, 0) + n
        for cav in cavs.split(CAVEAT_SEP):
            if cav:
                caveats[cav] = caveats.get(cav, 0) + n
    by_label: dict[str, int] = {}
    for level_value in sorted(levels):
        label = Level(level_value).label
        by_label[label] = by_label.get(label, 0) + levels[level_value]
    return {"classification": list(by_label.items()),
            "precedence": _by_count(list(precedence.items())),
            "caveats": _by_count(list(caveats.items()))[:FACET_SIZE]}


class Searching:
    """The read side of :class:`~cablegram.archive.index.SearchIndex`.

    A mixin: the index supplies ``schema`` and a fresh ``_searcher()``.
    """

    schema: tantivy.Schema

    def _searcher(self) -> tantivy.Searcher:
        raise NotImplementedError

    def portions(self) -> bool:
        raise NotImplementedError

    def _query(self, node: Node, principal: Principal, today: date | None,
               portion: bool = False) -> tantivy.Query:
        try:
            if portion:
                return restrict_portions(node, principal, self.schema, today)
            return restrict(compile_query(node, self.schema), principal, self.schema, today)
        except ValueError as exc:  # a clause tantivy refuses; the parser should prevent it
            raise QueryError(f"the query cannot be run: {exc}") from exc

    def search(self, query: str, principal: Principal, *, limit: int = 20, offset: int = 0,
               sort: Sort = "relevance", facets: bool = True,
               today: date | None = None, portion: bool = False,
               facet_size: int = FACET_SIZE) -> SearchResult:
        """Search what ``principal`` may read (see ``docs/query-language.md``).

        ``sort`` is ``relevance`` (for a query without words, newest first),
        ``date`` (oldest first) or ``-date`` (newest first); cables without a
        DTG sort last. Facet values are ordered by count, except ``year``
        (chronological) and ``classification`` (low to high).

        ``portion``: the archive runs the ``portion`` release policy; a reader
        cleared below a cable's level finds it through its released portions,
        and its hit shows only those (``portions.py``).

        ``facet_size``: values of the tags and origin facets (the most frequent
        first), up to ``MAX_FACET_SIZE``.
        """
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        if limit < 0 or offset < 0:
            raise QueryError("limit and offset must not be negative")
        if not 1 <= facet_size <= MAX_FACET_SIZE:
            raise QueryError(f"facet_size must be from 1 to {MAX_FACET_SIZE}, not {facet_size}")
        if limit > MAX_LIMIT:
            raise QueryError(f"limit {limit} is more than {MAX_LIMIT} results a page; page "
                             f"with offset, or export the whole result set")
        node = parse(query)
        if portion and not self.portions():
            # Its readers below a cable's level would find nothing through its portions:
            # never answer as if there were none (the archive syncs with portions first).
            raise ArchiveError("this search index has no portion fields: sync it with "
                               "portions=True before a search under the portion policy")
        q = self._query(node, principal, today, portion)
        searcher = self._searcher()
        # The facet passes do not depend on the hits: they run while the hits are found.
        # A costly query (a phrase, a prefix) counts its tags in the aggregation; any
        # other's in a pass of their own (see _tag_pass).
        costly_query = costly(node)
        aggregation = _passes.submit(self._aggregate, searcher, q, costly_query,
                                     facet_size) if facets else None
        tags: Future[list[tuple[str, int]]] | None = None
        if facets and not costly_query:
            tags = _passes.submit(self._tag_pass, searcher, q, most_matching(node, searcher),
                                  facet_size)
        if sort == "relevance" and not has_text(node):
            sort = "-date"
        # tantivy reserves room for offset + limit hits up front: never ask for more
        # than the index holds (an offset of 10**12 would abort the process).
        room = min(limit, max(int(searcher.num_docs) - offset, 0))
        try:
            if room == 0:
                res = searcher.search(q, 1, count=True)
            elif sort == "relevance":
                res = searcher.search(q, room, count=True, offset=offset)
            else:
                order = tantivy.Order.Asc if sort == "date" else tantivy.Order.Desc
                res = searcher.search(q, room, count=True, offset=offset,
                                      order_by_field=F.TS, order=order)
        except ValueError as exc:
            for running in (aggregation, tags):
                if running is not None:
                    running.cancel()
            raise ArchiveError(f"search failed: {exc}") from exc
        total = int(getattr(res, "count", 0) or 0)  # count is missing from the stubs
        found = res.hits[:room] if room else []
        hits = self._hits(searcher, node, found, sort == "relevance",
                          principal if portion else None, today)
        raw = aggregation.result() if aggregation is not None else None
        tag_counts = tags.result() if tags is not None else None
        facet_counts: dict[str, list[tuple[str, int]]] = {}
        histogram: list[tuple[str, int]] = []
        if raw is not None and total:
            facet_counts, histogram = self._facets(raw, tag_counts)
        return SearchResult(total=total, results=hits, facets=facet_counts, histogram=histogram)

    def _hits(self, searcher: tantivy.Searcher, node: Node,
              found: list[tuple[Any, tantivy.DocAddress]], scored: bool,
              portion_reader: Principal | None = None, today: date | None = None
              ) -> list[SearchHit]:
        if not found:
            return []
        generator = None
        highlight = self._expand_prefixes(searcher, positive_text(node, F.BODY))
        terms = tuple(dict.fromkeys(t for h in highlight for t in h.terms))
        if highlight:
            hq = compile_query(highlight[0], self.schema) if len(highlight) == 1 else \
                tantivy.Query.boolean_query([(tantivy.Occur.Should, compile_query(t, self.schema))
                                             for t in highlight])
            generator = tantivy.SnippetGenerator.create(searcher, hq, self.schema, F.BODY)
            generator.set_max_num_chars(SNIPPET_CHARS)
        hits = []
        for key, addr in found:
            doc = searcher.doc(addr)
            level = doc.get_first(F.LEVEL)
            subject = doc.get_first(F.SUBJECT)
            if portion_reader is not None and partly_released(
                    portion_reader, int(level or 0), doc.get_first(F.DECLASS), today):
                # Only the released portions may show: a snippet cut from them alone.
                if not released_subject(portion_reader, doc.get_first(F.SUBJECT_LEVEL)):
                    subject = WITHHELD if subject is not None else None
                doc = self._released_doc(portion_reader, doc)
            hits.append(SearchHit(
                reference_id=str(doc.get_first(F.ID)),
                subject=subject,
                dtg=doc.get_first(F.DTG),
                classification=Level(int(level) if level is not None else 0).label,
                caveats=tuple(str(c) for c in doc.get_all(F.CAVEATS)),
                origin=doc.get_first(F.ORIGIN),
                snippet=snippet(generator, doc, F.BODY, terms),
                score=float(key) if scored and key is not None else 0.0,
            ))
        return hits

    @staticmethod
    def _released_doc(reader: Principal, doc: tantivy.Document) -> tantivy.Document:
        """A hit's stored fields with only the paragraphs ``reader`` may read."""
        out = tantivy.Document()
        for name in (F.ID, F.DTG, F.ORIGIN):
            if (v := doc.get_first(name)) is not None:
                out.add_text(name, str(v))
        out.add_unsigned(F.LEVEL, int(doc.get_first(F.LEVEL) or 0))
        for cav in doc.get_all(F.CAVEATS):
            out.add_text(F.CAVEATS, str(cav))
        for text in released_paragraphs(reader, [str(v) for v in doc.get_all(F.BODY)],
                                         [int(v) for v in doc.get_all(F.PARA_LEVELS)]):
            out.add_text(F.BODY, text)
        return out

    @staticmethod
    def _expand_prefixes(searcher: tantivy.Searcher, texts: list[Text]) -> list[Text]:
        """Prefix terms as the words they matched (tantivy cannot highlight a regex)."""
        out: list[Text] = []
        for t in texts:
            if t.prefix and len(t.terms) == 1:
                words = searcher.terms_with_prefix(F.BODY, t.terms[0], limit=_HIGHLIGHT_EXPANSIONS)
                out.extend(Text((F.BODY,), (w,)) for w, _ in words)
            else:
                out.append(t)
        return out

    @staticmethod
    def _aggregate(searcher: tantivy.Searcher, q: tantivy.Query, with_tags: bool,
                   size: int = FACET_SIZE) -> dict[str, Any]:
        """One aggregation pass over the result of ``q``: origin, the facet key and the
        month, and the tags when ``with_tags``."""
        # Every value of the key and of the month: the sums below are exact.
        spec: dict[str, Any] = {"origin": _terms(F.ORIGIN, size),
                                "key": _terms(F.FACET_KEY, _HISTOGRAM_SIZE),
                                "month": _terms(F.MONTH, _HISTOGRAM_SIZE)}
        if with_tags:
            spec["tags"] = _terms(F.TAGS, size)
        try:
            return dict(searcher.aggregate(q, spec))
        except ValueError as exc:
            raise ArchiveError(f"facet counts failed: {exc}") from exc

    @staticmethod
    def _tag_pass(searcher: tantivy.Searcher, q: tantivy.Query, bound: int,
                  size: int = FACET_SIZE) -> list[tuple[str, int]]:
        """The tags facet of a query that is cheap to evaluate again, in a pass of its own.

        Tags are several per cable. Over a result of at least 1/8 of the index they
        are counted from each tag's postings within the result (3x faster than a
        terms aggregation over the multi-valued fast field: 14 ms against 46 ms at
        250k hits); over a smaller one the aggregation wins (it only visits the
        hits). The pass starts beside the search, before the total is known:
        ``bound`` is :func:`most_matching` (a result bounded below 1/8 of the index
        is small; an unbounded one is taken as large).

        A costly query (a phrase, a prefix: positions, a term automaton) is not
        evaluated again: its tags come from the aggregation pass (a phrase in 68% of
        100k cables: aggregation with tags 38 ms against 25 + 24 ms without them
        plus postings).
        """
        try:
            if bound * _POSTINGS_FACET_SHARE >= searcher.num_docs:
                return [(str(t), int(n)) for t, n in searcher.terms_with_prefix(
                    F.TAGS, "", filter_query=q, limit=size)]
            raw = searcher.aggregate(q, {"tags": _terms(F.TAGS, size)})
        except ValueError as exc:
            raise ArchiveError(f"facet counts failed: {exc}") from exc
        return _by_count(_buckets(raw, "tags"))

    @staticmethod
    def _facets(raw: dict[str, Any], tag_counts: list[tuple[str, int]] | None
                ) -> tuple[dict[str, list[tuple[str, int]]], list[tuple[str, int]]]:
        """The facets and the month histogram from the aggregation pass (and the tag
        postings pass, when there was one). Classification, precedence and caveats
        come from one aggregation over the facet key, the year from the month
        histogram."""
        out: dict[str, list[tuple[str, int]]] = {}
        out["tags"] = tag_counts if tag_counts is not None else _by_count(_buckets(raw, "tags"))
        out["origin"] = _by_count(_buckets(raw, "origin"))
        out.update(_keyed_facets(_buckets(raw, "key")))
        histogram = sorted((str(k), n) for k, n in _buckets(raw, "month"))
        # The year is summed from the month histogram (both come from the DTG, H6).
        per_year: dict[str, int] = {}
        for month, n in histogram:
            per_year[month[:4]] = per_year.get(month[:4], 0) + n
        out["year"] = sorted(per_year.items())
        return {name: out[name] for name in FACET_FIELDS}, histogram

    def ids(self, query: str, principal: Principal, *, today: date | None = None
            ) -> Iterator[str]:
        """Every reference id the query matches for ``principal``, oldest first."""
        node = parse(query)
        q = self._query(node, principal, today)
        searcher = self._searcher()
        total = int(getattr(searcher.search(q, 1, count=True), "count", 0) or 0)
        if not total:
            return
        res = searcher.search(q, total, count=False, order_by_field=F.TS,
                              order=tantivy.Order.Asc)
        for _, addr in res.hits:
            yield str(searcher.doc(addr).get_first(F.ID))

    def num_docs(self) -> int:
        return int(self._searcher().num_docs)


__all__ = ["FACET_FIELDS", "FACET_SIZE", "MAX_FACET_SIZE", "MAX_LIMIT", "SORTS", "Searching",
           "costly",
           "most_matching"]
