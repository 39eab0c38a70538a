"""Precedence (rules P1-P4, H3, H6, H8)."""

from __future__ import annotations

from datetime import timedelta
from enum import IntEnum


class Precedence(IntEnum):
    """Ordered precedences: higher value, higher precedence (P1).

    NIACT IMMEDIATE is IMMEDIATE with an at-any-hour flag (P1, H8); it orders
    above plain IMMEDIATE so that queues serve it first.
    """

    ROUTINE = 1
    PRIORITY = 2
    IMMEDIATE = 3
    NIACT_IMMEDIATE = 4
    FLASH = 5

    @property
    def word(self) -> str:
        """The word as written on an addressee line (H8)."""
        return self.name.replace("_", " ")

    @property
    def prosign(self) -> str:
        """The one-letter prosign of the DTG line and the routing line (H3, H6)."""
        return _PROSIGN[self]

    @property
    def needs_ack(self) -> bool:
        """FLASH and NIACT deliveries must be acknowledged (P4)."""
        return self in (Precedence.FLASH, Precedence.NIACT_IMMEDIATE)

    @property
    def objective(self) -> timedelta:
        """Speed-of-service objective (P2)."""
        return _OBJECTIVE[self]

    @classmethod
    def parse(cls, text: str) -> Precedence:
        """Read a precedence word or prosign letter; raise ValueError otherwise."""
        key = " ".join(text.strip().upper().split())
        if key in _BY_WORD:
            return _BY_WORD[key]
        raise ValueError(f"not a precedence: {text!r}")

    @classmethod
    def from_prosign(cls, letter: str) -> Precedence:
        for p, s in _PROSIGN.items():
            if s == letter and p is not Precedence.NIACT_IMMEDIATE:
                return p
        raise ValueError(f"not a precedence prosign: {letter!r}")


_PROSIGN = {
    Precedence.FLASH: "Z",
    Precedence.NIACT_IMMEDIATE: "O",
    Precedence.IMMEDIATE: "O",
    Precedence.PRIORITY: "P",
    Precedence.ROUTINE: "R",
}
_OBJECTIVE = {
    Precedence.FLASH: timedelta(minutes=10),
    Precedence.NIACT_IMMEDIATE: timedelta(minutes=30),
    Precedence.IMMEDIATE: timedelta(minutes=30),
    Precedence.PRIORITY: timedelta(hours=3),
    Precedence.ROUTINE: timedelta(hours=6),
}
_BY_WORD = {
    "FLASH": Precedence.FLASH,
    "NIACT IMMEDIATE": Precedence.NIACT_IMMEDIATE,
    "NIACT IMMED": Precedence.NIACT_IMMEDIATE,
    "IMMEDIATE": Precedence.IMMEDIATE,
    "IMMED": Precedence.IMMEDIATE,
    "PRIORITY": Precedence.PRIORITY,
    "ROUTINE": Precedence.ROUTINE,
    "Z": Precedence.FLASH,
    "O": Precedence.IMMEDIATE,
    "P": Precedence.PRIORITY,
    "R": Precedence.ROUTINE,
}
