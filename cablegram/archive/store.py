"""The store: cables, their versions, references, distribution and quarantine in SQL.

:class:`Store` is the small protocol the search index follows (a change
sequence and the current version of each changed cable). :class:`SqlStore`
implements it once over a :class:`~cablegram.archive.db.SqliteDb` or
:class:`~cablegram.archive.db.PostgresDb`: all SQL here is portable, and the two
backend modules only open the connection and create the schema.

Versions: the same reference id with the same sha256 of the raw text is the
same version ("unchanged"); a different text is a new version, which becomes
current (the newest by ingest order). A batch is one transaction and the
(reference_id, content_hash) uniqueness makes a re-run after a crash a no-op
for everything already committed, so an interrupted ingest started again ends
with the same archive as an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import json
import uuid
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from cablegram.archive.api import QuarantineEntry, StoredCable
from cablegram.archive.db import PostgresDb, SqliteDb
from cablegram.archive.sqlfilter import caveats_column, distribution
from cablegram.errors import ArchiveError
from cablegram.formats.clean import cleaned_tail
from cablegram.formats.jsonform import from_json, to_json
from cablegram.jsontext import compact
from cablegram.model import Cable, Level, ReferenceId

# 2: "cleaned" left the record JSON for the cleaned_z column (docs/archive.md). A
# version 1 file is migrated in place on open: its rows keep "cleaned" in the record
# and cleaned_z NULL, which reads back the same.
# 3: cleaned_z may hold the cleaned text's head only (pack_cleaned); version 2 rows
# read back as they are, so the step changes nothing but the number.
SCHEMA_VERSION = 3
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: ("ALTER TABLE cables ADD COLUMN cleaned_z {blob}",),
    2: (),
}
_BLOB = {"sqlite": "BLOB", "postgresql": "BYTEA"}

# zlib level for cleaned_z. The cleaned text is the raw text with some lines dropped
# or repaired (T10, H10, A1), so with raw as the preset dictionary almost all of it is
# back-references: ~9 KB becomes ~230 bytes. Level 2 measured fastest for that size
# (level 1's matcher misses the long matches and ends larger and slower). memLevel 6
# halves the cost of setting up the compressor (0.075 -> 0.040 ms) for ~30 bytes more;
# it concerns the compressor only, any zlib reads the result.
_CLEANED_LEVEL = 2
_CLEANED_MEMLEVEL = 6

# Any constant works: it names the archive's writer lock among PostgreSQL advisory locks.
_PG_WRITER_LOCK = 7_2011_0525

Outcome = str  # "new" | "unchanged" | "version" | "quarantined"


class Store(Protocol):
    """What the search index needs from the archive's store."""

    def changes_since(self, seq: int, limit: int = 1000) -> list[tuple[int, str, Cable | None]]:
        """Changes after ``seq`` in order: (seq, reference id, current version or None)."""
        ...

    def max_seq(self) -> int:
        """The newest change's sequence number (0 for an empty archive)."""
        ...


@dataclass(frozen=True, slots=True)
class Rejected:
    """Input to quarantine: anything with source, position, reason and raw."""

    source: str
    position: str
    reason: str
    raw: bytes


class Prepared(NamedTuple):
    """A cable turned into its rows, ready for SQL (see :func:`prepare`).

    Plain strings and numbers: cheap to send from a reader process, so the
    work of serialising a cable can happen where it was parsed.
    """

    reference_id: str
    content_hash: str
    values: tuple[Any, ...]  # the cables columns from raw to source_metadata
    refs: tuple[tuple[str, str | None, str | None], ...]  # (to_id, letter, text)
    addressees: tuple[tuple[str, str | None, str | None], ...]  # (role, name, ri)
    # The search index's document as JSON, when an ingest indexes as it stores
    # (indexdoc.storable_indexed); the store itself never reads it.
    document: str | None = None


Storable = Prepared | Rejected


def prepare(cable: Cable, marks: tuple[Level, tuple[str, ...]] | None = None) -> Storable:
    """The rows of a cable, or why it goes to quarantine (no id, unstorable text).

    ``marks``: the cable's ``(level, caveats)`` when the caller has them already
    (``Cable.level`` and ``Cable.caveats`` read every portion mark at each call).
    """
    if cable.reference_id is None:
        return _no_id(cable)
    problem = unstorable(cable.raw)
    if problem:
        return _rejected(cable, problem)
    record = to_json(cable)
    record.pop("raw", None)  # kept once, in its own column
    record.pop("cleaned", None)  # kept once, compressed against raw (cleaned_z)
    c = cable
    level, caveats = (c.level, c.caveats) if marks is None else marks
    values = (
        c.raw,
        compact(record),
        pack_cleaned(c.raw, c.cleaned, cleaned_tail(
            ((p.number, p.marking, p.text) for p in c.paragraphs), c.signature)),
        int(level), _text(c.classification.banner), _text(caveats_column(caveats)),
        c.declassify_on.isoformat() if c.declassify_on else None,
        c.dtg.isoformat() if c.dtg else None, c.year, _text(c.origin), _text(c.subject),
        _text(c.source.format) or "unknown", _text(c.source.path),
        json.dumps(dict(c.source.metadata), ensure_ascii=False, default=str),
    )
    refs = tuple((str(r.id), _text(r.letter), _text(r.text))
                 for r in c.references if r.id is not None)
    addrs = tuple((role, _text(name), _text(ri)) for role, name, ri in distribution(c))
    return Prepared(str(c.reference_id), content_hash(c.raw), values, refs, addrs)


def storable(item: Any) -> Storable:
    """Anything a reader yields, ready for :meth:`SqlStore.write_batch`: a Cable is
    prepared, an ``Unreadable`` (source, position, reason, raw) becomes a Rejected."""
    if isinstance(item, Prepared | Rejected):
        return item
    if isinstance(item, Cable):
        return prepare(item)
    raw = getattr(item, "raw", b"")
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    return Rejected(source=str(getattr(item, "source", "?")),
                    position=str(getattr(item, "position", "?")),
                    reason=str(getattr(item, "reason", "unreadable input")), raw=bytes(raw))


def pack_cleaned(raw: str, cleaned: str, tail: str = "") -> bytes | None:
    """The cleaned_z column (None for an empty text); surrogatepass keeps any str
    exact both ways.

    A cleaned text that ends with ``tail`` (:func:`cleaned_tail`: its paragraphs and
    signature, which the record holds) is stored as :data:`HEAD_ONLY` and its head,
    the header lines before the first paragraph (some 600 bytes). Any other is zlib
    with ``raw`` as the preset dictionary: setting up that dictionary cost more than
    all the rest of storing a cable's rows (~40 us), for ~400 bytes saved.
    """
    if not cleaned:
        return None
    if tail and cleaned.endswith(tail):
        return HEAD_ONLY + cleaned[:len(cleaned) - len(tail)].encode("utf-8", "surrogatepass")
    z = zlib.compressobj(_CLEANED_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS, _CLEANED_MEMLEVEL,
                         zdict=raw.encode("utf-8", "surrogatepass"))
    return z.compress(cleaned.encode("utf-8", "surrogatepass")) + z.flush()


def unpack_cleaned(raw: str, packed: bytes, tail: str = "") -> str:
    """The inverse of :func:`pack_cleaned` (``tail`` as it was given there)."""
    packed = bytes(packed)
    if packed[:1] == HEAD_ONLY:
        return packed[1:].decode("utf-8", "surrogatepass") + tail
    z = zlib.decompressobj(zdict=raw.encode("utf-8", "surrogatepass"))
    return (z.decompress(packed) + z.flush()).decode("utf-8", "surrogatepass")


# The first byte of a cleaned_z that holds the head only; a zlib stream cannot
# start with it (its first byte names the method, 8, in its low four bits).
HEAD_ONLY = b"\x00"


def content_hash(raw: str) -> str:
    """sha256 of the raw text as UTF-8 (surrogates from undecodable bytes kept)."""
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


def canonical_id(text: str) -> str:
    """The canonical form of a reference id as asked for (T2), or the text as is."""
    rid = ReferenceId.try_parse(text)
    return str(rid) if rid else text.strip().upper()


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# In the order of a row as written: the Prepared values sit between content_hash and
# ingested_at.
CABLE_COLUMNS = ("id", "reference_id", "version", "current", "content_hash", "raw", "record",
                 "cleaned_z", "level", "classification", "caveats", "declassify_on", "dtg",
                 "year", "origin", "subject", "source_format", "source_path", "source_metadata",
                 "ingested_at")
_REF_COLUMNS = ("cable_row", "from_id", "to_id", "letter", "text")
_ADDR_COLUMNS = ("cable_row", "role", "name", "ri")
_CHANGE_COLUMNS = ("seq", "reference_id")
_INSERT_QUARANTINE = ("INSERT INTO quarantine (source, position, reason, raw, raw_hash, at) "
                      "VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING")
# Columns a StoredCable is rebuilt from, with the table alias "c".
STORED_SELECT = "c.id, c.reference_id, c.version, c.current, c.content_hash, c.raw, c.record, " \
                "c.ingested_at, c.cleaned_z"

_LOOKUP_CHUNK = 500  # reference ids per IN (...) lookup


@dataclass(slots=True)
class _IdState:
    hashes: set[str]
    max_version: int
    current_row: int | None


class SqlStore:
    """The archive's tables on one SQL connection (either dialect)."""

    def __init__(self, db: SqliteDb | PostgresDb) -> None:
        self.db = db
        self._identity: str | None = None

    # -- schema -----------------------------------------------------------------

    def init_schema(self, script: str) -> None:
        self.db.executescript(script)
        # The archive's identity, made once (an archive of an older cablegram gets its
        # own on the first open): a search index records which archive it follows.
        if not self.db.query("SELECT 1 FROM meta WHERE key = 'archive_id'"):
            self.db.execute("INSERT INTO meta (key, value) VALUES ('archive_id', ?) "
                            "ON CONFLICT DO NOTHING", (uuid.uuid4().hex,))
        rows = self.db.query("SELECT value FROM meta WHERE key = 'schema_version'")
        if not rows:
            self.db.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                            "ON CONFLICT DO NOTHING", (str(SCHEMA_VERSION),))
            return
        found = int(rows[0][0])
        if found > SCHEMA_VERSION or (found < SCHEMA_VERSION and found not in _MIGRATIONS):
            raise ArchiveError(f"archive schema version {found} is not the supported "
                               f"version {SCHEMA_VERSION} and cannot be migrated to it; "
                               f"use a matching cablegram")
        with self.db.transaction():  # each step whole or not at all
            for version in range(found, SCHEMA_VERSION):
                for sql in _MIGRATIONS[version]:
                    self.db.execute(sql.format(blob=_BLOB[self.db.dialect]))
            self.db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                            (str(SCHEMA_VERSION),))

    # -- writing ----------------------------------------------------------------

    def write_batch(self, items: Sequence[Cable | Storable]) -> list[Outcome]:
        """Store a batch in ONE transaction; return each item's outcome in order."""
        return self.write_changes(items)[0]

    def write_changes(self, items: Sequence[Cable | Storable]) -> tuple[list[Outcome], int]:
        """:meth:`write_batch`, and the change number of the batch's first new or
        version item: the others follow it one by one, in order (the batch holds the
        write lock, so nothing else takes a number in between)."""
        ready = [storable(it) for it in items]  # outside the transaction: CPU work
        at = now_iso()
        with self.db.transaction():
            if self.db.dialect == "postgresql":
                # One writer at a time: row ids and change numbers are taken as
                # max + 1, and followers must see changes commit in seq order.
                self.db.query("SELECT pg_advisory_xact_lock(?)", (_PG_WRITER_LOCK,))
            return self._write_locked(ready, at)

    def _write_locked(self, items: Sequence[Storable], at: str) -> tuple[list[Outcome], int]:
        state = self._lookup({it.reference_id for it in items if isinstance(it, Prepared)})
        next_row = int(self.db.query("SELECT COALESCE(MAX(id), 0) FROM cables")[0][0]) + 1
        next_seq = int(self.db.query("SELECT COALESCE(MAX(seq), 0) FROM changes")[0][0]) + 1
        first_seq = next_seq
        pending: dict[int, list[Any]] = {}  # row id -> cable row (mutable: current flag)
        demote: list[tuple[int]] = []
        refs: list[tuple[Any, ...]] = []
        addrs: list[tuple[Any, ...]] = []
        changes: list[tuple[int, str]] = []
        quarantine: list[tuple[Any, ...]] = []
        outcomes: list[Outcome] = []
        for it in items:
            if isinstance(it, Rejected):
                quarantine.append(_quarantine_row(it, at))
                outcomes.append("quarantined")
                continue
            rid, h = it.reference_id, it.content_hash
            st = state.setdefault(rid, _IdState(set(), 0, None))
            if h in st.hashes:
                outcomes.append("unchanged")
                continue
            outcomes.append("version" if st.max_version else "new")
            if st.current_row is not None:
                if st.current_row in pending:
                    pending[st.current_row][3] = 0
                else:
                    demote.append((st.current_row,))
            row_id = next_row
            next_row += 1
            st.max_version += 1
            st.hashes.add(h)
            st.current_row = row_id
            pending[row_id] = [row_id, rid, st.max_version, 1, h, *it.values, at]
            refs.extend((row_id, rid, to_id, letter, text) for to_id, letter, text in it.refs)
            addrs.extend((row_id, *a) for a in it.addressees)
            changes.append((next_seq, rid))
            next_seq += 1
        self.db.executemany("UPDATE cables SET current = 0 WHERE id = ?", demote)
        # New rows only (ids past MAX(id), hashes checked above): nothing can conflict,
        # so PostgreSQL may COPY them (see Db.insert_many).
        self.db.insert_many("cables", CABLE_COLUMNS, list(pending.values()))
        self.db.insert_many("cable_refs", _REF_COLUMNS, refs)
        self.db.insert_many("cable_addressees", _ADDR_COLUMNS, addrs)
        self.db.insert_many("changes", _CHANGE_COLUMNS, changes)
        self.db.executemany(_INSERT_QUARANTINE, quarantine)
        return outcomes, first_seq

    def _lookup(self, rids: set[str]) -> dict[str, _IdState]:
        state: dict[str, _IdState] = {}
        ordered = sorted(rids)
        for i in range(0, len(ordered), _LOOKUP_CHUNK):
            chunk = ordered[i:i + _LOOKUP_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            for rid, h, version, current, row in self.db.query(
                    f"SELECT reference_id, content_hash, version, current, id FROM cables "
                    f"WHERE reference_id IN ({marks})", chunk):
                st = state.setdefault(rid, _IdState(set(), 0, None))
                st.hashes.add(h)
                st.max_version = max(st.max_version, int(version))
                if current:
                    st.current_row = int(row)
        return state

    # -- reading ----------------------------------------------------------------

    def stored(self, where: str, params: Sequence[Any], order: str = "c.id",
               limit: int | None = None) -> list[StoredCable]:
        sql = f"SELECT {STORED_SELECT} FROM cables c WHERE {where} ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_stored(r) for r in self.db.query(sql, params)]

    def iter_stored(self, where: str, params: Sequence[Any],
                    batch: int = 500) -> Iterator[StoredCable]:
        """Stream matching rows in id order, ``batch`` at a time (keyset paging)."""
        last = 0
        while True:
            rows = self.db.query(
                f"SELECT {STORED_SELECT} FROM cables c WHERE c.id > ? AND ({where}) "
                f"ORDER BY c.id LIMIT {int(batch)}", [last, *params])
            for r in rows:
                yield _stored(r)
            if len(rows) < batch:
                return
            last = int(rows[-1][0])

    def quarantine(self) -> list[QuarantineEntry]:
        rows = self.db.query("SELECT source, position, reason, raw, at FROM quarantine ORDER BY id")
        return [QuarantineEntry(source=s, position=p, reason=r, raw=bytes(raw), at=parse_iso(at))
                for s, p, r, raw, at in rows]

    # -- the Store protocol -----------------------------------------------------

    def changes_since(self, seq: int, limit: int = 1000) -> list[tuple[int, str, Cable | None]]:
        rows = self.db.query("SELECT seq, reference_id FROM changes WHERE seq > ? "
                             "ORDER BY seq LIMIT ?", (int(seq), int(limit)))
        last: dict[str, int] = {}
        for s, rid in rows:  # keep each id once, at its newest change in this window
            last[rid] = int(s)
        current: dict[str, Cable] = {}
        ids = sorted(last)
        for i in range(0, len(ids), _LOOKUP_CHUNK):
            chunk = ids[i:i + _LOOKUP_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            for sc in self.stored(f"c.current = 1 AND c.reference_id IN ({marks})", chunk):
                current[str(sc.cable.reference_id)] = sc.cable
        return sorted(((s, rid, current.get(rid)) for rid, s in last.items()),
                      key=lambda t: t[0])

    def identity(self) -> str:
        """This archive's id (``meta.archive_id``): another database, even one holding
        as many changes, has another; a copy or a restored backup keeps it."""
        if self._identity is None:
            rows = self.db.query("SELECT value FROM meta WHERE key = 'archive_id'")
            if not rows:
                raise ArchiveError("the archive has no archive_id in its meta table; open "
                                   "it once with write access to give it one")
            self._identity = str(rows[0][0])
        return self._identity

    def max_seq(self) -> int:
        return int(self.db.query("SELECT COALESCE(MAX(seq), 0) FROM changes")[0][0])

    def close(self) -> None:
        self.db.close()


def _text(s: str | None) -> str | None:
    """A copy of a field for a query column: storable on every backend (the record
    keeps the exact value)."""
    if s is None:
        return None
    return s.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


def _stored(r: Sequence[Any]) -> StoredCable:
    _row, _rid, version, current, h, raw, record, at, cleaned_z = r
    d = json.loads(record)
    d["raw"] = raw
    if cleaned_z is not None:  # else a version 1 row: "cleaned" is in the record
        tail = ""
        if cleaned_z[:1] == HEAD_ONLY:
            tail = cleaned_tail(((p.get("number"), p.get("marking"), p["text"])
                                 for p in d.get("paragraphs") or ()),
                                d.get("signature") or ())
        d["cleaned"] = unpack_cleaned(raw, cleaned_z, tail)
    return StoredCable(cable=from_json(d), version=int(version), current=bool(current),
                       content_hash=h, ingested_at=parse_iso(at))


def unstorable(raw: str) -> str | None:
    """Why this text cannot be stored as text on every backend, or None.

    PostgreSQL's TEXT cannot hold NUL, and UTF-8 cannot hold lone surrogates;
    such a cable is quarantined (bytes kept) on both backends alike.
    """
    if "\x00" in raw:
        return "the text holds NUL characters, which cannot be stored as text"
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        return "the text holds characters that are not valid Unicode (lone surrogates)"
    return None


def _rejected(c: Cable, reason: str) -> Rejected:
    meta = c.source.metadata
    position = str(meta.get("position") or meta.get("row") or "whole input")
    return Rejected(source=c.source.path or c.source.format, position=position,
                    reason=reason, raw=c.raw.encode("utf-8", "surrogateescape"))


def _no_id(c: Cable) -> Rejected:
    return _rejected(c, "no reference id could be read from the cable (rule T2)")


def _quarantine_row(q: Rejected, at: str) -> tuple[Any, ...]:
    return (q.source, q.position, q.reason, q.raw, hashlib.sha256(q.raw).hexdigest(), at)
