"""The shipped post directory: posts, offices and collectives (rules H7, H8).

Vocabulary is data: ``data/posts.csv`` lists addresses (RI, plain-language
address, message-reference origin, kind, foreign flag, other spellings) and
``data/collectives.json`` the collective addressees with their member posts.
Both are validated when loaded; a bad row raises :class:`FormatError` naming
the file, the line and the rule.

The plain-language address (PLA) is an address's identity: one RI may serve
several addresses (``RUEKJCS`` carries SECDEF and the Joint Staff), but a PLA
names one office.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from cablegram.errors import FormatError
from cablegram.model.routing import RoutingIndicator

KINDS = frozenset({"department", "embassy", "consulate", "mission", "military", "agency",
                   "foreign", "office", "collective"})


def normalise_pla(text: str) -> str:
    """Upper case, single spaces: addresses are compared this way (``Joint STAFF``)."""
    return " ".join(text.upper().split())


@dataclass(frozen=True, slots=True)
class PostEntry:
    """One addressable office of the directory."""

    pla: str
    ri: str | None
    origin: str | None = None  # message-reference origin when it originates cables: "OSLO"
    kind: str = "office"
    foreign: bool = False  # a non-US entity: NOFORN traffic may not go there (C2)
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CollectiveEntry:
    """A collective addressee and its member posts, by PLA (H8)."""

    pla: str
    ri: str | None
    members: tuple[str, ...]


def _data(name: str) -> tuple[str, str]:
    ref = resources.files("cablegram.vocab").joinpath("data", name)
    return str(ref), ref.read_text(encoding="utf-8")


def parse_posts_csv(text: str, source: str = "posts.csv") -> Iterator[PostEntry]:
    """Read the directory CSV (header ``ri,pla,origin,kind,foreign,aliases``)."""
    rows = csv.DictReader(text.splitlines())
    for lineno, row in enumerate(rows, start=2):
        ri = (row.get("ri") or "").strip().upper() or None
        pla = normalise_pla(row.get("pla") or "")
        if not pla:
            raise FormatError("row has no plain-language address", source=source, line=lineno,
                              rule="H8")
        if ri is not None and not RoutingIndicator.is_valid(ri):
            raise FormatError(f"not a routing indicator: {ri!r}", source=source, line=lineno,
                              rule="H7")
        kind = (row.get("kind") or "office").strip().lower()
        if kind not in KINDS:
            raise FormatError(f"unknown kind {kind!r} (one of {sorted(KINDS)})", source=source,
                              line=lineno, rule="H8")
        foreign = (row.get("foreign") or "0").strip().lower() in ("1", "true", "yes")
        aliases = tuple(normalise_pla(a) for a in (row.get("aliases") or "").split("|")
                        if a.strip())
        origin = (row.get("origin") or "").strip().upper() or None
        yield PostEntry(pla, ri, origin, kind, foreign, aliases)


def parse_collectives_json(text: str, source: str = "collectives.json") -> list[CollectiveEntry]:
    """Read ``{"collectives": [{"pla", "ri", "members": [PLA, ...]}]}``."""
    try:
        doc = json.loads(text)
        items = doc["collectives"]
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError(f"not a collectives file: {exc}", source=source, rule="H8") from exc
    out: list[CollectiveEntry] = []
    for i, item in enumerate(items):
        pla = normalise_pla(str(item.get("pla", "")))
        ri = item.get("ri")
        members = item.get("members")
        if not pla or not isinstance(members, list) or not members:
            raise FormatError(f"collective #{i + 1} needs a pla and a non-empty members list",
                              source=source, rule="H8")
        if ri is not None and not RoutingIndicator.is_valid(str(ri)):
            raise FormatError(f"collective {pla}: not a routing indicator: {ri!r}",
                              source=source, rule="H7")
        out.append(CollectiveEntry(pla, ri, tuple(normalise_pla(str(m)) for m in members)))
    return out


@lru_cache(maxsize=1)
def shipped_posts() -> tuple[PostEntry, ...]:
    """The posts shipped with cablegram, checked on load."""
    source, text = _data("posts.csv")
    return tuple(parse_posts_csv(text, source))


@lru_cache(maxsize=1)
def shipped_collectives() -> tuple[CollectiveEntry, ...]:
    """The collectives shipped with cablegram; every member must be a shipped post."""
    source, text = _data("collectives.json")
    collectives = parse_collectives_json(text, source)
    known = {p.pla for p in shipped_posts()}
    for c in collectives:
        missing = [m for m in c.members if m not in known]
        if missing:
            raise FormatError(f"collective {c.pla}: members not in posts.csv: {missing}",
                              source=source, rule="H8")
    return tuple(collectives)
