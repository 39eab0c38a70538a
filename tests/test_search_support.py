"""Helpers for the search tests: invented cables and a list-backed change feed.

``ListStore`` implements the store's side of the index contract
(``changes_since``/``max_seq``) over a Python list; it is the contract itself,
not a stand-in for the SQLite store (whose glue test is in test_search_archive.py).
No test lives here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from cablegram.model import (
    Addressee,
    Cable,
    Classification,
    Dtg,
    Level,
    Paragraph,
    Precedence,
    Reference,
    ReferenceId,
    Tag,
    TagKind,
)


def make_cable(
    rid: str,
    *,
    subject: str = "INVENTED SUBJECT",
    paragraphs: Sequence[str] = ("An invented paragraph.",),
    level: Level = Level.UNCLASSIFIED,
    caveats: Sequence[str] = (),
    when: datetime | None = datetime(2007, 5, 18, 14, 33, tzinfo=UTC),
    tags: Sequence[str] = ("PREL",),
    to: Sequence[tuple[str, str | None]] = (("SECSTATE WASHDC", "RUEHC"),),
    info: Sequence[tuple[str, str | None]] = (),
    originator: tuple[str | None, str | None] = ("AMEMBASSY OSLO", "RUEHNY"),
    refs: Sequence[str] = (),
    signer: str | None = "WHITNEY",
    precedence: Precedence = Precedence.ROUTINE,
    declassify_on: date | None = None,
    marking: str | None = None,
) -> Cable:
    """An invented cable with the fields the index reads."""
    ref_id = ReferenceId.parse(rid)
    mark = marking or level.letter
    return Cable(
        raw=f"invented {rid}",
        reference_id=ref_id,
        dtg=Dtg(when) if when else None,
        precedence=precedence,
        originator_name=originator[0],
        originator_ri=originator[1],
        origin=ref_id.origin,
        to=tuple(Addressee(name=n, ri=r) for n, r in to),
        info=tuple(Addressee(name=n, ri=r) for n, r in info),
        classification=Classification(level=level, caveats=tuple(caveats)),
        tags=tuple(Tag(t, TagKind.COUNTRY if len(t) == 2 else TagKind.SUBJECT) for t in tags),
        subject=subject,
        references=tuple(Reference(text=r, id=ReferenceId.parse(r)) for r in refs),
        paragraphs=tuple(Paragraph(number=i + 1, marking=mark, text=t)
                         for i, t in enumerate(paragraphs)),
        signature=(signer,) if signer else (),
        declassify_on=declassify_on,
    )


class ListStore:
    """The store side of the index contract over a list of changes."""

    def __init__(self, identity: str = "list-store") -> None:
        self.changes: list[tuple[int, str, Cable | None]] = []
        self._identity = identity  # stores of one name are copies of one archive

    def add(self, cable: Cable) -> None:
        self.changes.append((len(self.changes) + 1, str(cable.reference_id), cable))

    def delete(self, rid: str) -> None:
        self.changes.append((len(self.changes) + 1, rid, None))

    def changes_since(self, seq: int, limit: int) -> list[tuple[int, str, Cable | None]]:
        return [c for c in self.changes if c[0] > seq][:limit]

    def max_seq(self) -> int:
        return self.changes[-1][0] if self.changes else 0

    def identity(self) -> str:
        return self._identity
