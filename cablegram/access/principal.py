"""Who is asking: principals and the pure visibility rule (access control issue).

This module is the *decision core*. It imports only the model. The archive
translates the same rule into its SQL and tantivy filters (so that the filter
sits inside every query), and a property test checks that the translations
agree with :func:`may_read` on generated principals and cables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cablegram.model import Level
from cablegram.model.classification import DISTRIBUTION_CAPTIONS

# Caveats that restrict who may read a cable. NOFORN restricts by nationality
# (a principal holding the NOFORN authorisation is a US person); distribution
# captions restrict to named people or the cable's own distribution (C2, T3).
RESTRICTIVE_CAVEATS = frozenset({"NOFORN", *DISTRIBUTION_CAPTIONS})


@dataclass(frozen=True, slots=True)
class Principal:
    """A person (or the public, or the archive owner) and what they hold."""

    name: str
    clearance: Level = Level.UNCLASSIFIED
    caveats: frozenset[str] = field(default_factory=frozenset)
    posts: frozenset[str] = field(default_factory=frozenset)  # post names / RIs, upper case
    releaser_for: frozenset[str] = field(default_factory=frozenset)
    owner: bool = False  # the archive's owner sees everything (the command line's default)

    @classmethod
    def archive_owner(cls) -> Principal:
        return cls(name="owner", clearance=Level.TOP_SECRET, owner=True)

    @classmethod
    def public(cls) -> Principal:
        return cls(name="public")

    @property
    def is_public(self) -> bool:
        return self.name == "public" and not self.owner


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str


def effective_level(level: Level, declassify_on: date | None, today: date) -> Level:
    """A cable whose declassification date has passed reads as unclassified (C3)."""
    if declassify_on is not None and declassify_on <= today:
        return Level.UNCLASSIFIED
    return level


def may_read(
    principal: Principal,
    level: Level,
    caveats: frozenset[str] | tuple[str, ...],
    distribution: frozenset[str] | tuple[str, ...] = (),
    declassify_on: date | None = None,
    today: date | None = None,
) -> Decision:
    """The one visibility rule, for a whole cable or one portion.

    ``distribution`` holds the names and RIs of the cable's originator and
    addressees; a principal whose post is among them may read a cable whose
    distribution caption (NODIS, EXDIS, LIMDIS, STADIS) they do not hold.
    """
    if principal.owner:
        return Decision(True, "archive owner")
    today = today or date.today()
    eff = effective_level(level, declassify_on, today)
    if eff > principal.clearance:
        return Decision(False, f"needs clearance {eff.label}")
    if eff is Level.UNCLASSIFIED and declassify_on is not None and declassify_on <= today:
        return Decision(True, "declassified")
    dist = {d.upper() for d in distribution}
    for cav in caveats:
        if cav not in RESTRICTIVE_CAVEATS or cav in principal.caveats:
            continue
        if cav in DISTRIBUTION_CAPTIONS and principal.posts & dist:
            continue
        return Decision(False, f"needs caveat {cav}")
    return Decision(True, "cleared")
