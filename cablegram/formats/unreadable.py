"""What a reader yields for input that is not a cable (issue 2: nothing read is lost)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Input that could not be read as a cable, kept with the reason.

    ``source`` names the file (or ``container!member``, or ``-`` for stdin),
    ``position`` says where in it (``"row 17"``, ``"whole file"``), ``reason``
    says what is wrong and names the rule where one applies, and ``raw`` keeps
    the bytes that were read so that nothing is silently dropped.
    """

    source: str
    position: str
    reason: str
    raw: bytes = b""

    def __str__(self) -> str:
        return f"{self.source} ({self.position}): {self.reason}"
