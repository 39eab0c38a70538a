"""Reference ids (rules T1, T2, T7)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cablegram.model.fastinit import fast_init

# Origins spelled differently in REF lines and message reference numbers (T2, T7).
ORIGIN_ALIASES = {"SECSTATE": "STATE", "SECSTATEWASHDC": "STATE"}

_CANONICAL_RE = re.compile(r"^(?P<year>\d{2})(?P<origin>[A-Z][A-Z]*?)(?P<serial>\d+)$")
# "07 OSLO 525", "99 PRETORIA 12315", "OSLO 000525", "ABU DHABI 001234", "SECSTATE 64981"
_SPACED_RE = re.compile(
    r"^(?:(?P<year>\d{2,4})\s+)?(?P<origin>[A-Z][A-Z .'-]*?[A-Z])\s*(?P<serial>\d{1,7})$"
)


def expand_year(two_digits: int) -> int:
    """A two-digit year of a cable: 66-99 are 1900s, 00-65 are 2000s (T2)."""
    return 1900 + two_digits if two_digits >= 66 else 2000 + two_digits


@fast_init
@dataclass(frozen=True, slots=True, order=True)
class ReferenceId:
    """A cable's canonical id: 2-digit year + origin without spaces + serial (T2)."""

    year: int  # two digits, 0-99
    origin: str  # upper case, no spaces: "OSLO", "ABUDHABI", "STATE"
    serial: int

    def __str__(self) -> str:
        return f"{self.year:02d}{self.origin}{self.serial}"

    @property
    def full_year(self) -> int:
        return expand_year(self.year)

    @classmethod
    def parse(cls, text: str, *, year: int | None = None) -> ReferenceId:
        """Read any written form of a reference id.

        ``year`` (two or four digits) supplies the year where the text has none,
        as a REF without a year means the cable's own year (T7).
        """
        t = " ".join(text.strip().upper().split())
        m = _CANONICAL_RE.match(t)
        if m:
            return cls(int(m["year"]), _origin(m["origin"]), int(m["serial"]))
        m = _SPACED_RE.match(t)
        if m:
            y = m["year"]
            if y is None:
                if year is None:
                    raise ValueError(f"reference id {text!r} has no year and none was given")
                yy = year % 100
            else:
                yy = int(y) % 100
            return cls(yy, _origin(m["origin"]), int(m["serial"]))
        raise ValueError(f"not a reference id: {text!r}")

    @classmethod
    def try_parse(cls, text: str, *, year: int | None = None) -> ReferenceId | None:
        try:
            return cls.parse(text, year=year)
        except ValueError:
            return None


_NOT_A_LETTER_RE = re.compile(r"[^A-Z]")  # precompiled: read for every page (speed)


def _origin(raw: str) -> str:
    o = _NOT_A_LETTER_RE.sub("", raw.upper())
    return ORIGIN_ALIASES.get(o, o)
