"""Classification levels, controls, captions and portion marks (rules C1-C4, T1, T3, T9)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import IntEnum

from cablegram.model.fastinit import fast_init


class Level(IntEnum):
    """Levels low to high (C1). The administrative controls sit between
    UNCLASSIFIED and CONFIDENTIAL; they are not classifications, so the JSON
    form reports them as ``UNCLASSIFIED`` with the control among the caveats."""

    UNCLASSIFIED = 0
    SBU = 1
    CONFIDENTIAL = 2
    SECRET = 3
    TOP_SECRET = 4

    @property
    def label(self) -> str:
        return "UNCLASSIFIED" if self is Level.SBU else self.name.replace("_", " ")

    @property
    def letter(self) -> str:
        """The portion-mark letter: U, SBU, C, S, TS (T9)."""
        return {0: "U", 1: "SBU", 2: "C", 3: "S", 4: "TS"}[int(self)]

    @property
    def warning(self) -> str:
        """The security warning of the transmission header (H5)."""
        return {0: "ZNR UUUUU", 1: "ZNR UUUUU", 2: "ZNY CCCCC", 3: "ZNY SSSSS",
                4: "ZNY TTTTT"}[int(self)]

    @property
    def spaced(self) -> str:
        """The first text line's spaced form (T1)."""
        if self in (Level.UNCLASSIFIED, Level.SBU):
            return "UNCLAS"
        return " ".join(self.label.replace(" ", ""))  # T O P S E C R E T

    @classmethod
    def parse(cls, text: str) -> Level:
        """Read a level from a banner word, a spaced banner or a portion letter."""
        key = _NOT_A_LETTER_RE.sub("", text.upper())
        if key in _LEVEL_WORDS:
            return _LEVEL_WORDS[key]
        raise ValueError(f"not a classification level: {text!r}")


_NOT_A_LETTER_RE = re.compile(r"[^A-Z]")  # precompiled: read for every cable (speed)
_LEVEL_WORDS = {
    "U": Level.UNCLASSIFIED, "UNCLAS": Level.UNCLASSIFIED, "UNCLASSIFIED": Level.UNCLASSIFIED,
    "SBU": Level.SBU, "LOU": Level.SBU, "LIMITEDOFFICIALUSE": Level.SBU,
    "FOUO": Level.SBU, "FOROFFICIALUSEONLY": Level.SBU, "UNCLASSIFIEDFOROFFICIALUSEONLY": Level.SBU,
    "SENSITIVEBUTUNCLASSIFIED": Level.SBU,
    "C": Level.CONFIDENTIAL, "CONFIDENTIAL": Level.CONFIDENTIAL,
    "S": Level.SECRET, "SECRET": Level.SECRET,
    "TS": Level.TOP_SECRET, "TOPSECRET": Level.TOP_SECRET,
}

# Dissemination controls (C2) and handling captions (T3). Captions restrict
# distribution; controls restrict nationality. Both travel in ``caveats``.
CONTROLS = ("NOFORN", "FGI", "REL TO", "ORCON", "PROPIN", "MR")
CAPTIONS = ("NODIS", "EXDIS", "LIMDIS", "STADIS", "SIPDIS", "SENSITIVE", "NOFORN")
DISTRIBUTION_CAPTIONS = frozenset({"NODIS", "EXDIS", "LIMDIS", "STADIS"})


@fast_init
@dataclass(frozen=True, slots=True)
class Classification:
    """A cable's classification: level, controls and captions (C1, C2, T3).

    ``caveats`` keeps controls and captions in the order they were read,
    without duplicates (a doubled SIPDIS, rule A2, counts once).
    """

    level: Level = Level.UNCLASSIFIED
    caveats: tuple[str, ...] = ()
    rel_to: tuple[str, ...] = ()
    admin_control: str | None = None  # "SBU", "LIMITED OFFICIAL USE", "FOR OFFICIAL USE ONLY"

    @property
    def noforn(self) -> bool:
        return "NOFORN" in self.caveats

    @property
    def banner(self) -> str:
        """The banner as the WikiLeaks table writes it (``SECRET//NOFORN``)."""
        if self.level is Level.SBU:
            base = "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
        else:
            base = self.level.label
        return base + ("//NOFORN" if self.noforn else "")

    def with_caveat(self, caveat: str) -> Classification:
        if caveat in self.caveats:
            return self
        return Classification(self.level, (*self.caveats, caveat), self.rel_to, self.admin_control)


_PORTION_RE = re.compile(
    r"^\(?(?P<level>TS|S|C|U|SBU|LOU|FOUO)(?P<ctl>(?:/{1,2}[A-Z][A-Z ]*?)*)\)?$"
)


@dataclass(frozen=True, slots=True)
class PortionMark:
    """A paragraph's portion mark, e.g. ``(C)``, ``(S//NF)``, ``(SBU)`` (T9)."""

    level: Level
    controls: tuple[str, ...] = field(default=())

    @classmethod
    def parse(cls, text: str) -> PortionMark:
        m = _PORTION_RE.match(text.strip().upper())
        if not m:
            raise ValueError(f"not a portion mark: {text!r}")
        letters = m.group("level")
        level = Level.parse(letters)
        ctl = tuple(c.strip() for c in re.split(r"/+", m.group("ctl")) if c.strip())
        return cls(level, ctl)

    def __str__(self) -> str:
        return "(" + "//".join((self.level.letter, *self.controls)) + ")"
