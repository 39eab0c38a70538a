"""The visibility rule as SQL: a Principal becomes a WHERE clause + parameters.

This is :func:`cablegram.access.principal.may_read` translated, term by term,
so that the filter sits *inside* every archive query (counts and "cited by"
lists cannot leak). ``tests/test_archive_sqlfilter.py`` checks with hypothesis
that the two agree on generated principals and cables.

may_read, for a non-owner::

    visible = declassified                            (C3: the DECL date has passed)
              or (level <= clearance                  (C1)
                  and for each restrictive caveat c the principal lacks:
                      c not on the cable
                      or (c is a distribution caption (NODIS...)
                          and one of the principal's posts is in the distribution))
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from cablegram.access import principal as _rule
from cablegram.access.principal import RESTRICTIVE_CAVEATS, Principal
from cablegram.model import Cable
from cablegram.model.classification import DISTRIBUTION_CAPTIONS

# Captions a post on the cable's distribution satisfies (NODIS ... and, where the
# access core defines them, channel captions; T3, C2).
DISTRIBUTION_LIKE: frozenset[str] = getattr(_rule, "DISTRIBUTION_LIKE", DISTRIBUTION_CAPTIONS)

CAVEAT_SEP = "|"


def caveats_column(caveats: tuple[str, ...] | frozenset[str]) -> str:
    """``|NOFORN|SIPDIS|``: delimited so that one caveat is matched exactly."""
    return CAVEAT_SEP + CAVEAT_SEP.join(caveats) + CAVEAT_SEP if caveats else CAVEAT_SEP


def distribution(cable: Cable) -> list[tuple[str, str | None, str | None]]:
    """``(role, NAME, RI)`` of the originator and each addressee, upper case.

    These names and RIs are the cable's distribution for the access rule: a
    principal whose post is among them may read a NODIS/EXDIS/LIMDIS/STADIS
    cable (C2). XMT lines are *excluded* addressees (H8) and do not count.
    """
    rows: list[tuple[str, str | None, str | None]] = []
    if cable.originator_name or cable.originator_ri:
        rows.append(("from", _up(cable.originator_name), _up(cable.originator_ri)))
    for role, group in (("to", cable.to), ("info", cable.info), ("xmt", cable.xmt)):
        rows.extend((role, _up(a.name), _up(a.ri)) for a in group)
    return rows


def distribution_names(cable: Cable) -> frozenset[str]:
    """The set may_read expects as ``distribution``."""
    return frozenset(v for role, name, ri in distribution(cable) if role != "xmt"
                     for v in (name, ri) if v)


def _up(s: str | None) -> str | None:
    """Upper case with runs of spaces folded, as the access core's distribution_of does."""
    return " ".join(s.upper().split()) if s else None


def visibility_sql(
    principal: Principal,
    dialect: Literal["sqlite", "postgresql"],
    *,
    table: str = "cables",
    today: date | None = None,
) -> tuple[str, list[Any]]:
    """A boolean SQL expression over ``table`` (needs columns level, caveats,
    declassify_on, id) that is true exactly where may_read allows."""
    if principal.owner:
        return "1=1", []
    today = today or date.today()
    contains = "instr" if dialect == "sqlite" else "strpos"
    params: list[Any] = []
    terms = [f"{table}.level <= ?"]
    params.append(int(principal.clearance))
    for cav in sorted(RESTRICTIVE_CAVEATS - principal.caveats):
        absent = f"{contains}({table}.caveats, ?) = 0"
        params.append(caveats_column((cav,)))
        if cav in DISTRIBUTION_LIKE and principal.posts:
            posts = sorted(principal.posts)
            marks = ", ".join("?" for _ in posts)
            # A post reads a distribution-captioned cable it is on (C2); XMT
            # lines list addressees that were *not* sent the cable (H8).
            absent += (f" OR EXISTS (SELECT 1 FROM cable_addressees a"
                       f" WHERE a.cable_row = {table}.id AND a.role <> 'xmt'"
                       f" AND (a.name IN ({marks}) OR a.ri IN ({marks})))")
            params.extend(posts)
            params.extend(posts)
        terms.append(f"({absent})")
    cleared = " AND ".join(terms)
    sql = f"(({table}.declassify_on IS NOT NULL AND {table}.declassify_on <= ?) OR ({cleared}))"
    return sql, [today.isoformat(), *params]
