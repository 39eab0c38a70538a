"""Invented cables for the web tests (no corpus text: every word here is made up).

``make_cable`` builds a ``Cable`` value together with a telegram-like raw text,
so the tests exercise the real archive without depending on a reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cablegram.model import (
    Addressee,
    Cable,
    Classification,
    ClassifiedBy,
    Dtg,
    Level,
    Paragraph,
    Precedence,
    Reference,
    ReferenceId,
    Source,
    Span,
    Tag,
    TagKind,
)

if TYPE_CHECKING:
    from fastapi.testclient import TestClient


def _tag(code: str) -> Tag:
    if len(code) == 2:
        return Tag(code, TagKind.COUNTRY)
    if code.startswith("K") and len(code) == 4:
        return Tag(code, TagKind.PROGRAM)
    if code in ("NATO", "UN", "EUN", "IAEA"):
        return Tag(code, TagKind.ORGANISATION)
    return Tag(code, TagKind.SUBJECT)


def make_cable(rid: str, subject: str, paragraphs: list[str], *, when: datetime,
               level: Level = Level.UNCLASSIFIED, caveats: tuple[str, ...] = (),
               tags: tuple[str, ...] = ("PREL",), refs: tuple[str, ...] = (),
               origin_name: str = "AMEMBASSY NOWHERE", marking: str | None = None,
               declassify_on: date | None = None, signer: str = "SMITH",
               precedence: Precedence = Precedence.ROUTINE) -> Cable:
    ref_id = ReferenceId.parse(rid)
    mark = marking or level.letter
    paras = tuple(Paragraph(i, mark, text) for i, text in enumerate(paragraphs, start=1))
    references = tuple(Reference(text=r, letter=chr(65 + i), id=ReferenceId.parse(r))
                       for i, r in enumerate(refs))
    dtg = Dtg(when)
    spaced = level.spaced
    raw_lines = [
        f"{precedence.prosign} {dtg}",
        f"FM {origin_name}",
        f"TO RUEHC/SECSTATE WASHDC {precedence.word if precedence > 1 else ''}".rstrip(),
        f"{spaced} {ref_id.origin} {ref_id.serial:06d}",
        "",
        f"TAGS: {' '.join(tags)}",
        f"SUBJECT: {subject}",
    ]
    if refs:
        raw_lines.append("REF: " + " ".join(f"{chr(65 + i)}. {r}" for i, r in enumerate(refs)))
    raw_lines.append("")
    for p in paras:
        raw_lines.append(f"{p.number}. ({p.marking}) {p.text}")
        raw_lines.append("")
    raw_lines.append(signer)
    return Cable(
        raw="\n".join(raw_lines) + "\n",
        reference_id=ref_id,
        dtg=dtg,
        precedence=precedence,
        originator_name=origin_name,
        originator_ri="RUEHXX",
        origin=ref_id.origin,
        to=(Addressee("SECSTATE WASHDC", ri="RUEHC", precedence=precedence, mcn="1234"),),
        info=(Addressee("ALL NATO POST COLLECTIVE", ri="RUEHXP", collective=True),),
        classification=Classification(level=level, caveats=caveats),
        mrn=f"{ref_id.origin} {ref_id.serial:06d}",
        eo="12958" if level > Level.SBU else None,
        declassify_instruction="N/A" if level <= Level.SBU else "DECL: 01/01/2030",
        declassify_on=declassify_on,
        tags=tuple(_tag(t) for t in tags),
        subject=subject,
        references=references,
        classified_by=(ClassifiedBy(text="Classified By: Ambassador Jane Doe for reasons 1.4 (b)")
                       if level > Level.SBU else None),
        paragraphs=paras,
        spans=(Span("summary", 1, 1),),
        signature=(signer,),
        cleaned="\n\n".join(f"{p.number}. ({p.marking}) {p.text}" for p in paras),
        source=Source(format="telegram", path=f"invented/{rid}.txt"),
    )


def t(y: int, m: int, d: int, hh: int = 12) -> datetime:
    return datetime(y, m, d, hh, 0, tzinfo=UTC)


def sample_cables() -> list[Cable]:
    """A small invented archive: two posts, several years, a reference chain."""
    return [
        make_cable("07NOWHERE101", "FISHERIES TALKS OPEN IN THE NORTHERN CAPITAL",
                   ["SUMMARY: The fisheries ministry opened talks on herring quotas. "
                    "END SUMMARY.", "The minister asked for a second round in June."],
                   when=t(2007, 5, 18), tags=("EFIS", "PREL", "NW")),
        make_cable("07NOWHERE102", "HERRING QUOTAS: SECOND ROUND",
                   ["The second round on herring quotas ended without agreement.",
                    "Delegates will meet again in the autumn."],
                   when=t(2007, 6, 20), tags=("EFIS", "NW"), refs=("07NOWHERE101", "07STATE999")),
        make_cable("08ELSEWHERE7", "LIGHTHOUSE KEEPERS STRIKE",
                   ["Lighthouse keepers went on strike over pay.",
                    "The harbour authority expects a settlement soon."],
                   when=t(2008, 2, 3), tags=("ELAB", "XW"), origin_name="AMEMBASSY ELSEWHERE"),
        make_cable("09ELSEWHERE44", "SECRET TALKS ON THE LIGHTHOUSE TREATY",
                   ["The foreign minister confided plans for a lighthouse treaty.",
                    "He asked that the plans not be shared."],
                   when=t(2009, 9, 9), level=Level.SECRET, caveats=("NOFORN",),
                   tags=("PREL", "XW"), origin_name="AMEMBASSY ELSEWHERE",
                   refs=("08ELSEWHERE7",)),
        make_cable("05NOWHERE55", "ANNUAL REPORT ON HARBOUR DUES",
                   ["Harbour dues rose by a tenth this year."],
                   when=t(2005, 1, 10), tags=("ECON", "NW")),
    ]


def build_archive(path: Path, cables: list[Cable] | None = None) -> str:
    """Create a SQLite archive at ``path`` holding ``cables``; return its URL."""
    from cablegram.archive import open_archive

    archive = open_archive(str(path))
    try:
        for c in cables if cables is not None else sample_cables():
            archive.add(c)
    finally:
        archive.close()
    return str(path)


@contextmanager
def web_client(path: Path, *, open_access: bool = False) -> Iterator[TestClient]:
    """A TestClient over the reader serving the archive at ``path``; closes it after."""
    from fastapi.testclient import TestClient

    from cablegram.web.app import create_app

    app = create_app(str(path), open_access=open_access)
    with TestClient(app) as client:
        yield client
    app.state.archive.close()
