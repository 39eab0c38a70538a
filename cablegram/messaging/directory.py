"""The post directory in the archive database: lookups by RI, address or origin (H7, H8).

Seeded from the shipped vocabulary (``cablegram/vocab/data``) the first time
it is opened; ``import_route_file`` adds an RI-to-address list such as the
ACP 117 extract ``routing/route2name.csv``; ``learn`` adds the RI/address
pairs seen on archived cables' addressee lines.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cablegram.archive.api import Db
from cablegram.errors import FormatError, NotFound
from cablegram.messaging.schema import ensure_schema
from cablegram.model import Cable
from cablegram.model.routing import RoutingIndicator
from cablegram.vocab.posts import (
    PostEntry,
    normalise_pla,
    parse_posts_csv,
    shipped_collectives,
    shipped_posts,
)

# H8: an addressee written ``RI/PLA`` (``ZEN/`` marks one not transmitted to).
ADDRESSEE_PREFIX_RE = re.compile(r"^(?P<ri>[RQ][A-Z]{3,6}|ZEN)/(?P<pla>.+)$")
# H7: the second letter of an RI is the nation; U and H are the United States.
US_NATION_LETTERS = frozenset("UH")
# Kind of an imported address, from the first word of its PLA.
_KIND_BY_PREFIX = (("AMEMBASSY", "embassy"), ("AMCONSUL", "consulate"), ("USMISSION", "mission"),
                   ("US MISSION", "mission"), ("SECSTATE", "department"), ("SECDEF", "military"),
                   ("DEPT OF STATE", "department"))


@dataclass(frozen=True, slots=True)
class Address:
    """One directory entry as stored."""

    pla: str
    ri: str | None
    origin: str | None
    kind: str
    foreign: bool
    source: str

    @property
    def collective(self) -> bool:
        return self.kind == "collective"

    @property
    def military(self) -> bool:
        return self.kind == "military"

    def as_dict(self) -> dict[str, object]:
        return {"pla": self.pla, "ri": self.ri, "origin": self.origin, "kind": self.kind,
                "foreign": self.foreign, "source": self.source}


_COLS = "pla, ri, origin, kind, is_foreign, source"
_ADD_MEMBER = "INSERT INTO msg_collective_member VALUES (?, ?) ON CONFLICT DO NOTHING"
_ADD_ALIAS = "INSERT INTO msg_alias VALUES (?, ?) ON CONFLICT DO NOTHING"


def _opt(v: object) -> str | None:
    return None if v is None or v == "" else str(v)


def _row(r: tuple[object, ...]) -> Address:
    return Address(str(r[0]), _opt(r[1]), _opt(r[2]), str(r[3]), bool(r[4]), str(r[5]))


def guess_foreign(ri: str | None, pla: str) -> bool:
    """A non-US entity: the RI's nation letter is not U/H (H7), or a NATO body."""
    if ri and len(ri) > 1 and ri[1] not in US_NATION_LETTERS:
        return True
    return pla.startswith("NATO ") or (" NATO " in pla and not pla.startswith("US"))


def guess_kind(pla: str, foreign: bool) -> str:
    if foreign:
        return "foreign"
    if "COLLECTIVE" in pla:
        return "collective"
    for prefix, kind in _KIND_BY_PREFIX:
        if pla.startswith(prefix):
            return kind
    return "office"


@dataclass(frozen=True, slots=True)
class ImportResult:
    new: int
    skipped: tuple[tuple[int, str], ...]  # (line, reason)


class Directory:
    """Posts, offices and collectives, stored in messaging's tables."""

    def __init__(self, db: Db, *, seed: bool = True) -> None:
        self.db = db
        ensure_schema(db)
        if seed and not db.query("SELECT 1 FROM msg_address LIMIT 1"):
            self.seed()

    # -- writing -------------------------------------------------------------
    def seed(self) -> int:
        """Load the shipped posts and collectives (existing entries are kept)."""
        n = 0
        with self.db.transaction():
            for p in shipped_posts():
                n += self._insert(p, "shipped")
            for c in shipped_collectives():
                n += self._insert(PostEntry(c.pla, c.ri, None, "collective", False), "shipped")
                for m in c.members:
                    self.db.execute(_ADD_MEMBER,
                                    (c.pla, m))
        return n

    def _insert(self, p: PostEntry, source: str) -> int:
        n = self.db.execute(
            f"INSERT INTO msg_address ({_COLS}) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (p.pla, p.ri, p.origin, p.kind, int(p.foreign), source))
        for alias in p.aliases:
            self.db.execute(_ADD_ALIAS, (alias, p.pla))
        return max(n, 0)

    def add(self, pla: str, ri: str | None = None, *, origin: str | None = None,
            kind: str | None = None, foreign: bool | None = None, source: str = "manual",
            members: Iterable[str] = ()) -> Address:
        """Add or replace one entry (and, for a collective, its members)."""
        pla = normalise_pla(pla)
        if ri is not None:
            ri = ri.strip().upper()
            if not RoutingIndicator.is_valid(ri):
                raise FormatError(f"not a routing indicator: {ri!r}", source=pla, rule="H7")
        members = [normalise_pla(m) for m in members]
        foreign = guess_foreign(ri, pla) if foreign is None else foreign
        kind = kind or ("collective" if members else guess_kind(pla, foreign))
        with self.db.transaction():
            self.db.execute("DELETE FROM msg_address WHERE pla = ?", (pla,))
            self._insert(PostEntry(pla, ri, origin and origin.upper(), kind, foreign), source)
            for m in members:
                if self.lookup(m) is None:
                    raise NotFound(f"collective {pla}: member {m!r} is not in the directory")
                self.db.execute(_ADD_MEMBER,
                                (pla, m))
        got = self.lookup(pla)
        assert got is not None
        return got

    def import_file(self, path: str | Path) -> ImportResult:
        """Import a directory file; return the new addresses and the rows skipped.

        Two forms: cablegram's own ``posts.csv`` (header ``ri,pla,...``) or an
        RI list of ``RI,NAME`` rows without a header (``route2name.csv``). A row
        that is not an address (an RI range ``RHFJAAA THRU RHFJAAZ``, a bad RI) is
        skipped and reported with its line, never silently dropped; a row with
        neither RI nor name is an error.
        """
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        skipped: list[tuple[int, str]] = []
        if text.lstrip().lower().startswith("ri,pla"):
            entries = [(0, e) for e in parse_posts_csv(text, str(path))]
        else:
            entries = []
            for lineno, row in enumerate(csv.reader(text.splitlines()), start=1):
                if not row or not "".join(row).strip():
                    continue
                if len(row) < 2 or not row[0].strip() or not "".join(row[1:]).strip():
                    raise FormatError(f"expected RI,NAME, got {row!r}", source=str(path),
                                      line=lineno, rule="H7")
                ri, name = row[0].strip().upper(), normalise_pla(",".join(row[1:]))
                if not RoutingIndicator.is_valid(ri):
                    skipped.append((lineno, f"not a routing indicator: {ri!r} (H7)"))
                    continue
                foreign = guess_foreign(ri, name)
                entries.append((lineno, PostEntry(name, ri, None, guess_kind(name, foreign),
                                                  foreign)))
        n = 0
        with self.db.transaction():
            for lineno, e in entries:
                added = self._insert(e, f"import:{Path(path).name}")
                n += added
                if not added and lineno and self.get(e.pla) is not None \
                        and self.get(e.pla).ri != e.ri:  # type: ignore[union-attr]
                    skipped.append((lineno, f"{e.pla} is already in the directory with "
                                    f"another RI; {e.ri} not added"))
        return ImportResult(n, tuple(skipped))

    def learn_from(self, cables: Iterable[Cable]) -> int:
        """Add the RI/PLA pairs of archived cables' addressee lines not yet known (H8)."""
        n = 0
        with self.db.transaction():
            for cable in cables:
                pairs = [(a.ri, a.name, a.collective) for a in (*cable.to, *cable.info)]
                if cable.originator_name and cable.originator_ri:
                    pairs.append((cable.originator_ri, cable.originator_name, False))
                for ri, name, collective in pairs:
                    if not ri or not RoutingIndicator.is_valid(ri):
                        continue
                    pla = normalise_pla(name)
                    if self.lookup(pla) is not None:
                        continue
                    foreign = guess_foreign(ri, pla)
                    kind = "collective" if collective else guess_kind(pla, foreign)
                    n += self._insert(PostEntry(pla, ri, None, kind, foreign), "learned")
        return n

    # -- reading -------------------------------------------------------------
    def get(self, pla: str) -> Address | None:
        rows = self.db.query(f"SELECT {_COLS} FROM msg_address WHERE pla = ?", (pla,))
        return _row(rows[0]) if rows else None

    def by_ri(self, ri: str) -> list[Address]:
        rows = self.db.query(f"SELECT {_COLS} FROM msg_address WHERE ri = ? ORDER BY pla",
                             (ri.strip().upper(),))
        return [_row(r) for r in rows]

    def lookup(self, text: str) -> Address | None:
        """Find an address by PLA, other spelling, ``RI/PLA``, RI or origin (``OSLO``)."""
        t = normalise_pla(text)
        m = ADDRESSEE_PREFIX_RE.match(t)
        if m:
            t = normalise_pla(m["pla"])
        found = self.get(t)
        if found:
            return found
        alias = self.db.query("SELECT pla FROM msg_alias WHERE alias = ?", (t,))
        if alias:
            return self.get(str(alias[0][0]))
        if RoutingIndicator.is_valid(t):
            same_ri = self.by_ri(t)
            if same_ri:
                return same_ri[0]
        rows = self.db.query(f"SELECT {_COLS} FROM msg_address WHERE origin = ? ORDER BY pla",
                             (t.replace(" ", ""),))
        return _row(rows[0]) if rows else None

    def require(self, text: str) -> Address:
        found = self.lookup(text)
        if found is None:
            raise NotFound(f"no address {text!r} in the directory "
                           "(see `cablegram directory add` or `directory import`)")
        return found

    def members(self, collective: str) -> list[Address]:
        rows = self.db.query(
            f"SELECT {', '.join('a.' + c.strip() for c in _COLS.split(','))} "
            "FROM msg_collective_member m JOIN msg_address a ON a.pla = m.member "
            "WHERE m.collective = ? ORDER BY a.pla", (normalise_pla(collective),))
        return [_row(r) for r in rows]

    def all(self, kind: str | None = None) -> list[Address]:
        if kind:
            rows = self.db.query(f"SELECT {_COLS} FROM msg_address WHERE kind = ? ORDER BY pla",
                                 (kind,))
        else:
            rows = self.db.query(f"SELECT {_COLS} FROM msg_address ORDER BY pla")
        return [_row(r) for r in rows]
