"""The cable record and its parts (every field of docs/cable-format.md).

All types are frozen: a parsed cable is a value. Readers build them, writers
render them, the archive stores their JSON form (``cablegram.formats.jsonform``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from cablegram.model.classification import Classification, Level, PortionMark
from cablegram.model.dtg import Dtg
from cablegram.model.fastinit import fast_init
from cablegram.model.ids import ReferenceId
from cablegram.model.precedence import Precedence


@fast_init
@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something a reader repaired or could not read, with the rule behind it."""

    rule: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.message} [rule {self.rule}]"


@fast_init
@dataclass(frozen=True, slots=True)
class Addressee:
    """One addressee line: ``[RI/]PLA [PRECEDENCE] [MCN]`` (H8, H9)."""

    name: str
    ri: str | None = None
    precedence: Precedence = Precedence.ROUTINE
    mcn: str | None = None  # as written: "5689" or a range "2276-2279"
    collective: bool = False
    zen: bool = False  # ZEN/ instead of an RI: not transmitted to (H8)

    @property
    def niact(self) -> bool:
        return self.precedence is Precedence.NIACT_IMMEDIATE

    @property
    def mcn_range(self) -> tuple[int, int] | None:
        """First and last continuity number, or None (H9)."""
        if not self.mcn:
            return None
        first, _, last = self.mcn.partition("-")
        return int(first), int(last or first)


class TagKind(StrEnum):
    COUNTRY = "country"
    SUBJECT = "subject"
    PROGRAM = "program"
    ORGANISATION = "organisation"
    PERSON = "person"


@fast_init
@dataclass(frozen=True, slots=True)
class Tag:
    """A TAGS entry typed by kind (T5)."""

    code: str
    kind: TagKind

    def __str__(self) -> str:
        return self.code


@fast_init
@dataclass(frozen=True, slots=True)
class Reference:
    """A REF entry: a lettered cable reference or free text (T7)."""

    text: str
    letter: str | None = None
    id: ReferenceId | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class Paragraph:
    """A numbered paragraph with its portion mark and sub-paragraphs (T9).

    ``text`` is the cleaned text of the whole paragraph, sub-paragraphs
    included; ``subparagraphs`` lists them again, split, for readers that want
    them one by one.
    """

    number: int | None
    marking: str | None  # as written inside the parentheses: "C", "S//NF", "SBU"
    text: str
    subparagraphs: tuple[str, ...] = ()

    @property
    def portion(self) -> PortionMark | None:
        if self.marking is None:
            return None
        try:
            return PortionMark.parse(self.marking)
        except ValueError:
            return None

    @property
    def level(self) -> Level | None:
        p = self.portion
        return p.level if p else None


@fast_init
@dataclass(frozen=True, slots=True)
class Span:
    """A marked span: ``SUMMARY: ... END SUMMARY.`` or ``COMMENT: ... END COMMENT.`` (T9).

    ``first`` and ``last`` are the paragraph numbers (or indexes, for
    unnumbered paragraphs) where the span starts and ends.
    """

    kind: str  # "summary" | "comment"
    first: int
    last: int


@fast_init
@dataclass(frozen=True, slots=True)
class ClassifiedBy:
    """The classified-by block (T8)."""

    text: str
    name: str | None = None
    title: str | None = None
    reasons: tuple[str, ...] = ()  # letters a-h
    authority: str | None = None  # "1.4" (E.O. 12958 as amended) or "1.5"


@fast_init
@dataclass(frozen=True, slots=True)
class TransmissionHeader:
    """ACP 127 format lines 1-10 as far as a published copy keeps them (H1-H6)."""

    transmission_id: str | None = None  # VZCZCXYZ0000 (H2)
    routing_precedence: str | None = None  # "OO" (H3)
    routing: tuple[str, ...] = ()  # routing indicators of this copy (H3)
    station: str | None = None  # DE RI (H4)
    station_serial: int | None = None
    section: int | None = None  # "/01" on the DE line
    time_of_file: str | None = None  # JJJHHMM (H4)
    security_warning: str | None = None  # "ZNY CCCCC" (H5)
    operating_signals: tuple[str, ...] = ()  # ZZH, ZDK ... (H5)
    dtg_prosigns: str | None = None  # "O", "P R" (H6)


@fast_init
@dataclass(frozen=True, slots=True)
class Source:
    """Where a record was read from, with the source's own metadata."""

    format: str
    path: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


@fast_init
@dataclass(frozen=True, slots=True)
class Cable:
    """One cable, exactly as its text says (every field of docs/cable-format.md)."""

    raw: str
    reference_id: ReferenceId | None = None
    header: TransmissionHeader | None = None
    dtg: Dtg | None = None
    precedence: Precedence = Precedence.ROUTINE
    originator_name: str | None = None  # FM line PLA
    originator_ri: str | None = None  # DE line RI, or the FM line's RI
    origin: str | None = None  # message reference number origin, no spaces: "OSLO"
    to: tuple[Addressee, ...] = ()
    info: tuple[Addressee, ...] = ()
    xmt: tuple[Addressee, ...] = ()
    classification: Classification = field(default_factory=Classification)
    classification_line: str | None = None
    section: tuple[int, int] | None = None  # SECTION n OF m (T1)
    mrn: str | None = None  # message reference number as written: "OSLO 000525"
    captions: tuple[str, ...] = ()  # T3, in order, doubled SIPDIS once
    passing: tuple[str, ...] = ()  # passing instructions (T3)
    eo: str | None = None  # "12958"
    declassify_instruction: str | None = None  # "DECL: 05/16/2016", "N/A", "OADR", "GDS"
    declassify_on: date | None = None
    tags: tuple[Tag, ...] = ()
    subject: str | None = None
    subject_marking: str | None = None  # "(C)" before the subject (T6)
    references: tuple[Reference, ...] = ()
    classified_by: ClassifiedBy | None = None
    paragraphs: tuple[Paragraph, ...] = ()
    spans: tuple[Span, ...] = ()
    signature: tuple[str, ...] = ()
    cleaned: str = ""
    warnings: tuple[ParseWarning, ...] = ()
    source: Source = field(default_factory=lambda: Source(format="unknown"))

    @property
    def signer(self) -> str | None:
        return self.signature[0] if self.signature else None

    @property
    def caveats(self) -> tuple[str, ...]:
        """The cable's controls and captions: the banner's, plus NOFORN when any
        portion carries it (``(C//NF)``), since a cable holding a NOFORN portion is
        not releasable to foreign nationals as a whole (C1, C2). Access control
        and the archive's filters use this, never the banner alone."""
        banner = self.classification.caveats
        if "NOFORN" in banner:
            return banner
        for p in self.paragraphs:
            mark = p.portion
            if mark is not None and ("NF" in mark.controls or "NOFORN" in mark.controls):
                return (*banner, "NOFORN")
        return banner

    @property
    def level(self) -> Level:
        """The cable's level: at least the highest portion mark in it (C1).

        ``classification`` keeps the banner exactly as written; a portion above it
        is a drafting fault the reader warns about, and access control must still
        treat the cable at the portion's level."""
        level = self.classification.level
        for p in self.paragraphs:
            pl = p.level
            if pl is not None and pl > level:
                level = pl
        return level

    @property
    def year(self) -> int | None:
        if self.dtg is not None:
            return self.dtg.when.year
        if self.reference_id is not None:
            return self.reference_id.full_year
        return None

    @property
    def addressees(self) -> tuple[Addressee, ...]:
        return self.to + self.info

    @property
    def body(self) -> str:
        """The paragraphs' cleaned text joined, for indexing."""
        return "\n\n".join(p.text for p in self.paragraphs)
