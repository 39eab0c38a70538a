"""The tantivy search index, derived from the store's change feed.

One document per cable (its current version). The index is a cache: it can be
rebuilt from the store at any time, and it follows the store through
``store.changes_since(seq, limit)``, remembering the last change it applied in
``cablegram-index.json`` next to tantivy's files. That file is written
atomically *after* tantivy's commit, so a crash leaves the index at most
claiming to be older than it is; replaying a change is harmless (delete the id,
add the current version).

Every search runs ONE tantivy query: the parsed query (``query.py``) AND the
access filter (``indexfilter.py``). Totals, hits, facets, the month histogram
and snippets all come from that query, so nothing a principal may not read can
show through a count or a snippet.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import tantivy

from cablegram.access.principal import Principal
from cablegram.archive.api import SearchHit, SearchResult, Sort
from cablegram.archive.indexfilter import declass_ordinal, distribution, restrict
from cablegram.archive.portions import (
    PORTION_FIELDS,
    add_body,
    marks_of,
    partly_released,
    released_paragraphs,
    released_subject,
    restrict_portions,
)
from cablegram.archive.query import (
    ANALYZER_NAME,
    TEXT_FIELDS,
    And,
    F,
    Keyword,
    Node,
    Not,
    Or,
    Text,
    cable_analyzer,
    compile_query,
    has_text,
    norm_origin,
    norm_tag,
    parse,
    positive_text,
)
from cablegram.archive.snippets import SNIPPET_CHARS, snippet
from cablegram.errors import ArchiveError, QueryError
from cablegram.model import Cable, Level

# Bump when the schema or the document mapping changes: an index of another
# version is wiped and rebuilt from the store on the next sync.
SCHEMA_VERSION = 6
STATE_FILE = "cablegram-index.json"
STATE_FILE_TMP = "cablegram-index.tmp"
SORTS = ("relevance", "date", "-date")
FACET_FIELDS = {"tags": F.TAGS, "origin": F.ORIGIN, "classification": F.LEVEL,
                "year": F.YEAR, "precedence": F.PRECEDENCE, "caveats": F.CAVEAT_SET}
# Caveats are counted from one value per cable, the set joined by this separator:
# a multi-valued fast field costs several times more to aggregate over 250k cables.
CAVEAT_SEP = "|"
FACET_SIZE = 50  # values per facet, most frequent first
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
_BATCH = 2000  # changes pulled from the store per call
_COMMIT_EVERY = 20_000  # changes per tantivy commit during a sync
_HIGHLIGHT_EXPANSIONS = 30  # words a prefix* is highlighted as, most frequent first
_LOCK_WAIT = 30.0  # seconds to wait for another process's index writer
# tantivy's indexing threads. Building documents in Python is one core's work and
# the build's bottleneck, so one core is left to it: on 2 cores one indexing thread
# built 20k cables 5-8% faster than two (measured, 3 alternating pairs), and the
# index has fewer segments.
_WRITER_THREADS = max(1, min(4, (os.cpu_count() or 2) - 1))
WITHHELD = "[withheld]"  # a partly released hit's subject above the reader (as redact shows it)


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


class ChangeFeed(Protocol):
    """What the index needs from the store (the store engineer's contract)."""

    def changes_since(self, seq: int, limit: int) -> Sequence[tuple[int, str, Cable | None]]:
        """Changes with a sequence number above ``seq``, oldest first, at most ``limit``."""
        ...

    def max_seq(self) -> int: ...


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    raw = "raw"
    sb.add_text_field(F.ID, stored=True, fast=True, tokenizer_name=raw)
    sb.add_text_field(F.SUBJECT, stored=True, tokenizer_name=ANALYZER_NAME)
    sb.add_text_field(F.BODY, stored=True, tokenizer_name=ANALYZER_NAME)
    sb.add_unsigned_field(F.PARA_LEVELS, stored=True)
    sb.add_text_field(F.TAGS, fast=True, tokenizer_name=raw)
    sb.add_text_field(F.ORIGIN, stored=True, fast=True, tokenizer_name=raw)
    sb.add_text_field(F.FM, tokenizer_name=ANALYZER_NAME)
    sb.add_text_field(F.TO, tokenizer_name=ANALYZER_NAME)
    sb.add_text_field(F.REFS, tokenizer_name=raw)
    sb.add_text_field(F.SIGNER, tokenizer_name=ANALYZER_NAME)
    sb.add_unsigned_field(F.LEVEL, stored=True, indexed=True, fast=True)
    sb.add_text_field(F.CAVEATS, stored=True, tokenizer_name=raw)
    sb.add_text_field(F.CAVEAT_SET, fast=True, tokenizer_name=raw)
    sb.add_text_field(F.PRECEDENCE, fast=True, tokenizer_name=raw)
    sb.add_text_field(F.YEAR, fast=True, tokenizer_name=raw)
    sb.add_text_field(F.MONTH, fast=True, tokenizer_name=raw)
    sb.add_integer_field(F.TS, indexed=True, fast=True)
    sb.add_text_field(F.DTG, stored=True, tokenizer_name=raw)
    sb.add_integer_field(F.DECLASS, stored=True, indexed=True, fast=True)
    sb.add_text_field(F.DIST, tokenizer_name=raw)
    # The portion policy (portions.py): releasable portions, the floor, the subject's level.
    sb.add_unsigned_field(F.FLOOR, indexed=True)
    sb.add_unsigned_field(F.SUBJECT_LEVEL, stored=True)
    for name in PORTION_FIELDS:
        sb.add_text_field(name, tokenizer_name=ANALYZER_NAME)
    return sb.build()


def cable_document(reference_id: str, cable: Cable) -> tantivy.Document:
    """The index document of one cable (its current version)."""
    d = tantivy.Document()
    d.add_text(F.ID, reference_id)
    if cable.subject:
        d.add_text(F.SUBJECT, cable.subject)
    # Only paragraph text is searched (T9): header lines and captions are fields.
    # Each paragraph is one value, with its portion level stored beside it so a
    # portion policy can withhold a paragraph's snippet (C1, C3).
    # Cable.level and Cable.caveats parse every portion mark at each call: once here.
    level, caveats = marks_of(cable)
    add_body(d, cable, level)
    # Tags and origin are kept in the form tag:/origin: search for, so that a
    # click on a facet value finds exactly the cables it counted.
    for tag in dict.fromkeys(norm_tag(t.code) for t in cable.tags):
        d.add_text(F.TAGS, tag)
    if cable.origin:
        d.add_text(F.ORIGIN, norm_origin(cable.origin))
    for v in (cable.originator_name, cable.originator_ri):
        if v:
            d.add_text(F.FM, v)
    for a in cable.addressees:
        d.add_text(F.TO, a.name)
        if a.ri:
            d.add_text(F.TO, a.ri)
    for ref in dict.fromkeys(str(r.id) for r in cable.references if r.id is not None):
        d.add_text(F.REFS, ref)
    for line in cable.signature:
        d.add_text(F.SIGNER, line)
    d.add_unsigned(F.LEVEL, int(level))
    for cav in caveats:
        d.add_text(F.CAVEATS, cav)
    if caveats:
        d.add_text(F.CAVEAT_SET, CAVEAT_SEP.join(sorted(set(caveats))))
    d.add_text(F.PRECEDENCE, cable.precedence.word)
    if cable.dtg is not None:
        # The year facet counts the DTG's year, as year:/from:/to: filter on the DTG:
        # a click on a facet value finds exactly the cables it counted.
        when = cable.dtg.when
        d.add_text(F.YEAR, f"{when.year:04d}")
        d.add_text(F.MONTH, f"{when.year:04d}-{when.month:02d}")
        d.add_integer(F.TS, int(when.timestamp()))
        d.add_text(F.DTG, cable.dtg.isoformat())
    d.add_integer(F.DECLASS, declass_ordinal(cable))
    for v in distribution(cable):
        d.add_text(F.DIST, v)
    return d


class SearchIndex:
    """A tantivy index directory that follows an archive store."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.schema = build_schema()
        self._write_lock = threading.Lock()
        self._meta_mtime = 0.0
        self._open()

    # --- opening and state ---------------------------------------------------------

    def _open(self) -> None:
        state = self._read_state()
        if state is not None and state.get("schema") != SCHEMA_VERSION:
            self._wipe()  # another schema: rebuilt from the store on the next sync
            state = None
        if state is None:
            # (a state file being written by a process opening it at the same time is fine)
            if self.path.exists() and any(p.name != STATE_FILE_TMP for p in self.path.iterdir()):
                raise ArchiveError(f"{self.path} is not empty and is not a cablegram search "
                                   f"index (no {STATE_FILE}); choose another index directory")
            self.path.mkdir(parents=True, exist_ok=True)
            self._write_state(0)
        try:
            self.index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        except (OSError, ValueError) as exc:
            raise ArchiveError(f"cannot open the search index at {self.path}: {exc}; "
                               f"remove the directory and run `cablegram reindex`") from exc
        self.index.register_tokenizer(ANALYZER_NAME, cable_analyzer())

    def _wipe(self) -> None:
        for child in self.path.iterdir():
            if child.is_file() or child.is_symlink():
                child.unlink()

    def _read_state(self) -> dict[str, Any] | None:
        try:
            data = json.loads((self.path / STATE_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise ArchiveError(f"cannot read {self.path / STATE_FILE}: {exc}") from exc
        if not isinstance(data, dict):
            raise ArchiveError(f"{self.path / STATE_FILE} is not an index state object")
        return data

    def _write_state(self, seq: int) -> None:
        """Write the state file atomically: temporary file, fsync, rename, fsync dir."""
        target = self.path / STATE_FILE
        tmp = self.path / STATE_FILE_TMP
        payload = json.dumps({"schema": SCHEMA_VERSION, "last_seq": seq}).encode()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        dfd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)

    def last_seq(self) -> int:
        """The store change up to which the index is known to be complete."""
        state = self._read_state()
        return int(state.get("last_seq", 0)) if state else 0

    # --- writing -------------------------------------------------------------------

    def _writer(self) -> tantivy.IndexWriter:
        deadline = time.monotonic() + _LOCK_WAIT
        while True:
            try:
                return self.index.writer(heap_size=128_000_000, num_threads=_WRITER_THREADS)
            except ValueError as exc:
                if "LockBusy" not in str(exc) or time.monotonic() > deadline:
                    raise ArchiveError(f"cannot write the search index at {self.path}: "
                                       f"{exc}") from exc
                time.sleep(0.2)

    def _apply(self, writer: tantivy.IndexWriter,
               changes: Sequence[tuple[int, str, Cable | None]]) -> int:
        seq = 0
        for s, rid, cable in changes:
            writer.delete_documents_by_term(F.ID, rid)
            if cable is not None:
                try:
                    writer.add_document(cable_document(rid, cable))
                except (ValueError, OverflowError) as exc:
                    raise ArchiveError(f"cannot index cable {rid} (change {s}): {exc}") from exc
            seq = max(seq, s)
        return seq

    def sync(self, store: ChangeFeed) -> int:
        """Apply the store's changes since :meth:`last_seq`; return how many were applied.

        Cheap when there is nothing new (one read of the state file, two small
        store queries): the archive calls it before every search. An index
        ahead of its store (the database was replaced, or restored from an older
        backup) holds cables the store may not have: it is rebuilt, and the
        number of cables indexed is returned.
        """
        with self._write_lock:
            seq = self.last_seq()
            changes = store.changes_since(seq, _BATCH)
            if not changes:
                if seq and store.max_seq() < seq:
                    return self._rebuild(store)
                return 0
            writer = self._writer()
            applied = pending = 0
            try:
                if (fresh := self.last_seq()) != seq:
                    # Another process synced while we waited for the writer lock.
                    seq = fresh
                    changes = store.changes_since(seq, _BATCH)
                while changes:
                    seq = max(seq, self._apply(writer, changes))
                    applied += len(changes)
                    pending += len(changes)
                    if pending >= _COMMIT_EVERY:
                        writer.commit()
                        self._write_state(seq)
                        pending = 0
                    changes = store.changes_since(seq, _BATCH)
                if pending:
                    writer.commit()
                    self._write_state(seq)
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()
            if applied:
                self.index.reload()
            return applied

    def rebuild(self, store: ChangeFeed) -> int:
        """Index the store from scratch in one commit; return the number of cables indexed.

        Searches see the old index until the commit, never a half-built one.
        """
        with self._write_lock:
            return self._rebuild(store)

    def _rebuild(self, store: ChangeFeed) -> int:
        """The body of :meth:`rebuild`; the caller holds the write lock."""
        writer = self._writer()
        seq = 0
        try:
            writer.delete_all_documents()
            while changes := store.changes_since(seq, _BATCH):
                seq = max(seq, self._apply(writer, changes))
            writer.commit()
            self._write_state(seq)
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()
        self.index.reload()
        return int(self.index.searcher().num_docs)

    # --- reading -------------------------------------------------------------------

    def _searcher(self) -> tantivy.Searcher:
        # Another process (the ingesting command) may have committed: reload then.
        try:
            mtime = (self.path / "meta.json").stat().st_mtime
        except OSError:
            mtime = 0.0
        if mtime != self._meta_mtime:
            self._meta_mtime = mtime
            self.index.reload()
        return self.index.searcher()

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
               today: date | None = None, portion: bool = False) -> SearchResult:
        """Search what ``principal`` may read (see ``docs/query-language.md``).

        ``sort`` is ``relevance`` (for a query without words, newest first),
        ``date`` (oldest first) or ``-date`` (newest first); cables without a
        DTG sort last. Facet values are ordered by count, except ``year``
        (chronological) and ``classification`` (low to high).

        ``portion``: the archive runs the ``portion`` release policy; a reader
        cleared below a cable's level finds it through its released portions,
        and its hit shows only those (``portions.py``).
        """
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        if limit < 0 or offset < 0:
            raise QueryError("limit and offset must not be negative")
        if limit > MAX_LIMIT:
            raise QueryError(f"limit {limit} is more than {MAX_LIMIT} results a page; page "
                             f"with offset, or export the whole result set")
        node = parse(query)
        q = self._query(node, principal, today, portion)
        searcher = self._searcher()
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
            raise ArchiveError(f"search failed: {exc}") from exc
        total = int(getattr(res, "count", 0) or 0)  # count is missing from the stubs
        found = res.hits[:room] if room else []
        hits = self._hits(searcher, node, found, sort == "relevance",
                          principal if portion else None, today)
        facet_counts: dict[str, list[tuple[str, int]]] = {}
        histogram: list[tuple[str, int]] = []
        if facets and total:
            facet_counts, histogram = self._facets(searcher, q, total, costly(node))
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

    def _facets(self, searcher: tantivy.Searcher, q: tantivy.Query, total: int,
                costly_query: bool
                ) -> tuple[dict[str, list[tuple[str, int]]], list[tuple[str, int]]]:
        """The facets and the month histogram of ``q``: one aggregation pass.

        Tags (several per cable) are counted from their postings within the result
        when it is over 1/8 of the index, unless the query is costly to evaluate
        again (a phrase or a prefix: positions, a term automaton); then they are
        counted in the one aggregation pass (a phrase in 68% of 100k cables:
        aggregation with tags 38 ms against 25 + 24 ms without them plus postings).
        """
        by_postings = not costly_query and total * _POSTINGS_FACET_SHARE >= searcher.num_docs
        spec: dict[str, Any] = {
            name: {"terms": {"field": field, "size": FACET_SIZE, "segment_size": _SEGMENT_SIZE}}
            for name, field in FACET_FIELDS.items()
            if not (by_postings and name == "tags") and name != "year"
        }
        spec["classification"]["terms"]["size"] = len(Level)
        spec["caveats"]["terms"]["size"] = _HISTOGRAM_SIZE  # every combination: exact sums
        spec["month"] = {"terms": {"field": F.MONTH, "size": _HISTOGRAM_SIZE,
                                   "segment_size": _SEGMENT_SIZE}}
        try:
            raw = searcher.aggregate(q, spec)
        except ValueError as exc:
            raise ArchiveError(f"facet counts failed: {exc}") from exc

        def buckets(name: str) -> list[tuple[Any, int]]:
            return [(b["key"], int(b["doc_count"])) for b in raw.get(name, {}).get("buckets", [])]

        out: dict[str, list[tuple[str, int]]] = {}
        for name in FACET_FIELDS:
            if name == "tags" and by_postings:
                try:
                    out[name] = [(str(t), int(n)) for t, n in searcher.terms_with_prefix(
                        F.TAGS, "", filter_query=q, limit=FACET_SIZE)]
                except ValueError as exc:
                    raise ArchiveError(f"facet counts failed: {exc}") from exc
            elif name == "classification":
                by_label: dict[str, int] = {}
                for key, n in sorted(buckets(name), key=lambda kv: int(kv[0])):
                    label = Level(int(key)).label
                    by_label[label] = by_label.get(label, 0) + n
                out[name] = list(by_label.items())
            elif name == "year":
                # Summed from the month histogram (both come from the DTG, H6): one
                # aggregation less in the pass.
                per_year: dict[str, int] = {}
                for month, n in buckets("month"):
                    per_year[str(month)[:4]] = per_year.get(str(month)[:4], 0) + n
                out[name] = sorted(per_year.items())
            elif name == "caveats":
                per: dict[str, int] = {}
                for combo, n in buckets(name):
                    for cav in str(combo).split(CAVEAT_SEP):
                        per[cav] = per.get(cav, 0) + n
                out[name] = sorted(per.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE]
            else:
                out[name] = sorted(((str(k), n) for k, n in buckets(name)),
                                   key=lambda kv: (-kv[1], kv[0]))
        histogram = sorted((str(k), n) for k, n in buckets("month"))
        return out, histogram

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

    def close(self) -> None:
        """Nothing to release: writers are opened and closed per sync."""

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["FACET_FIELDS", "SCHEMA_VERSION", "TEXT_FIELDS", "ChangeFeed", "SearchIndex",
           "build_schema", "cable_document"]
