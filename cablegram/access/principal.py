"""Who is asking: principals and the pure visibility rule (access control issue).

This module is the *decision core*. It imports only the model and the
vocabulary. The archive translates the same rule into its SQL and tantivy
filters (so that the filter sits inside every query), and a property test
checks that the translations agree with :func:`may_read` on generated
principals and cables.

The rule, for a cable or one portion of it:

1. the archive owner reads everything;
2. a level whose declassification date has passed reads as UNCLASSIFIED (C3);
3. the principal's clearance must be at least the (effective) level (C1);
4. every restrictive caveat must be held: NOFORN (C2) by a US person; a
   distribution caption (NODIS, EXDIS, LIMDIS, STADIS) or a channel caption
   (ROGER, CHEROKEE, AGREMENT ...; T3) either by holding that caption, or by
   belonging to a post or office on the cable's distribution (its originator
   or an addressee). Other captions (SIPDIS, SENSITIVE) restrict nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from cablegram.model import Cable, Level, Paragraph
from cablegram.model.classification import DISTRIBUTION_CAPTIONS
from cablegram.vocab.tags import captions as _caption_table

# Channel captions (T3) limit a cable to its channel's distribution just as
# NODIS or EXDIS do; the list is data (vocab/data/captions.csv, kind "channel").
CHANNEL_CAPTIONS = frozenset(c.code for c in _caption_table().values() if c.kind == "channel")
# Captions satisfied by holding the caption or by a post on the distribution.
DISTRIBUTION_LIKE = frozenset(DISTRIBUTION_CAPTIONS | CHANNEL_CAPTIONS)
# Caveats that restrict who may read a cable. NOFORN restricts by nationality
# (a principal holding the NOFORN authorisation is a US person); distribution
# and channel captions restrict to named people or the cable's own distribution.
RESTRICTIVE_CAVEATS = frozenset({"NOFORN", *DISTRIBUTION_LIKE})
# Portion-mark controls (T9) that restrict a single paragraph: NF = NOFORN.
PORTION_CONTROL_CAVEATS = {"NF": "NOFORN", "NOFORN": "NOFORN"}


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

    def __bool__(self) -> bool:
        return self.allowed


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
    distribution or channel caption they do not hold.
    """
    if principal.owner:
        return Decision(True, "archive owner")
    today = today or date.today()
    eff = effective_level(level, declassify_on, today)
    if eff > principal.clearance:
        return Decision(False, f"needs clearance {eff.label if eff is not Level.SBU else 'SBU'}")
    if eff is Level.UNCLASSIFIED and declassify_on is not None and declassify_on <= today:
        return Decision(True, "declassified")
    dist = {d.upper() for d in distribution}
    for cav in caveats:
        if cav not in RESTRICTIVE_CAVEATS or cav in principal.caveats:
            continue
        if cav in DISTRIBUTION_LIKE and principal.posts & dist:
            continue
        return Decision(False, f"needs caveat {cav}")
    return Decision(True, "cleared")


# -- whole cables and portions ------------------------------------------------------------


def distribution_of(cable: Cable) -> frozenset[str]:
    """Upper-case names and RIs of the originator and every addressee (H8).

    Excluded (XMT) members are not on the distribution.
    """
    names: set[str] = set()
    for value in (cable.originator_name, cable.originator_ri):
        if value:
            names.add(" ".join(value.upper().split()))
    for a in cable.addressees:
        names.add(" ".join(a.name.upper().split()))
        if a.ri:
            names.add(a.ri.upper())
    return frozenset(names)


def decide(principal: Principal, cable: Cable, today: date | None = None) -> Decision:
    """May ``principal`` read the whole of ``cable``? (the ``whole-cable`` policy)."""
    return may_read(principal, cable.level, cable.caveats, distribution_of(cable),
                    cable.declassify_on, today)


def portion_caveats(paragraph: Paragraph) -> tuple[str, ...]:
    """Restrictive controls of one portion mark: ``(S//NF)`` -> ``("NOFORN",)`` (T9)."""
    p = paragraph.portion
    if p is None:
        return ()
    out = [PORTION_CONTROL_CAVEATS[c] for c in p.controls if c in PORTION_CONTROL_CAVEATS]
    return tuple(dict.fromkeys(out))


def paragraph_level(cable: Cable, paragraph: Paragraph) -> Level:
    """A portion's level; an unmarked portion of a classified cable counts at the
    cable's level, since every classified paragraph should carry a mark (C4)."""
    level = paragraph.level
    return cable.level if level is None else level


def decide_paragraph(principal: Principal, cable: Cable, paragraph: Paragraph,
                     today: date | None = None) -> Decision:
    """May ``principal`` read this portion (the ``portion`` policy, C3)?

    The cable's own caveats apply to every portion (a NODIS cable is NODIS
    throughout); the portion adds its level and its own controls.
    """
    caveats = tuple(dict.fromkeys((*cable.caveats, *portion_caveats(paragraph))))
    return may_read(principal, paragraph_level(cable, paragraph), caveats,
                    distribution_of(cable), cable.declassify_on, today)


def portion_floor(cable: Cable) -> Level:
    """The lowest level at which a part of ``cable`` can be released.

    Under the ``portion`` policy a cable is shown (partly) exactly when
    ``may_read(principal, portion_floor(cable), cable.caveats, distribution,
    declassify_on)`` allows it: one number per cable, so the archive can keep
    it in a column and filter on it inside the query. Portions with their own
    restrictive controls (NF) do not lower the floor, so that the floor never
    depends on who asks.
    """
    levels: Iterable[Level] = (paragraph_level(cable, p) for p in cable.paragraphs
                               if not portion_caveats(p))
    return min(levels, default=cable.level)


def decide_partial(principal: Principal, cable: Cable, today: date | None = None) -> Decision:
    """Under the ``portion`` policy: is any part of ``cable`` shown to ``principal``?"""
    return may_read(principal, portion_floor(cable), cable.caveats, distribution_of(cable),
                    cable.declassify_on, today)
