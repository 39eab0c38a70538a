"""The access rule as a tantivy filter: exactly :func:`~cablegram.access.principal.may_read`.

Every search adds this filter to its one query (style.md, "Access is enforced
inside the query"), so that totals, facets, histograms and snippets are
computed over visible cables only. ``may_read`` says, for a cable of
``level`` with ``caveats``, ``distribution`` and ``declassify_on``:

* the owner sees everything;
* a cable whose declassify-on date has passed reads as unclassified and is
  visible to everyone (C3);
* otherwise its level must be at most the principal's clearance (C1), and each
  restrictive caveat (NOFORN, the distribution captions NODIS, EXDIS, LIMDIS,
  STADIS and the channel captions such as ROGER; C2, T3) must be held by the
  principal, except that a distribution or channel caption is waived when one
  of the principal's posts is in the cable's distribution (originator and
  addressees, names and routing indicators).

As a tantivy clause, the cables to leave out (a ``MustNot`` of every search)::

    withheld = declass > today
               AND (   level > clearance
                    OR caveats IN (restrictive caveats the principal lacks, other than captions)
                    OR (caveats IN (captions the principal lacks) AND NOT dist IN (posts)))

Written as an exclusion rather than as a required "visible" clause because
tantivy then only seeks into it for the documents the query matched: a rare
word with the filter costs about 1 ms on 251k cables instead of 10 ms for a
required clause that has to walk the whole index (measured; see the report in
docs/query-language.md).

A property test (``tests/test_search_access.py``) checks on generated
principals and cables that this selects exactly the cables ``may_read`` allows.
"""

from __future__ import annotations

from datetime import date

import tantivy

from cablegram.access.principal import (
    DISTRIBUTION_LIKE,
    RESTRICTIVE_CAVEATS,
    Principal,
    distribution_of,
)
from cablegram.archive.query import F
from cablegram.model import Cable, Level

Occur = tantivy.Occur
# Cables without a declassification date are never declassified by date (C3).
NEVER = date.max.toordinal()
ACCESS_SEP = "/"  # between the parts of an access term
CAVEATS_SEP = "|"  # between its caveats (as indexdoc.CAVEAT_SEP)


def distribution(cable: Cable) -> tuple[str, ...]:
    """The values indexed in ``dist``: exactly the access core's ``distribution_of``.

    Originator and TO/INFO addressees, names and RIs, upper case (H8); XMT
    entries are excluded from a collective, so they are not distribution.
    """
    return tuple(sorted(distribution_of(cable)))


def declass_ordinal(cable: Cable) -> int:
    return cable.declassify_on.toordinal() if cable.declassify_on is not None else NEVER


def access_key(declass: int, level: Level, caveats: tuple[str, ...] | list[str]) -> str:
    """The ``access`` term of a cable: ``2031/3/NOFORN|SIPDIS`` (declassify-on year,
    level, caveats); year 9999 when it has no declassify-on date."""
    year = date.fromordinal(declass).year
    return ACCESS_SEP.join((f"{year:04d}", str(int(level)),
                            CAVEATS_SEP.join(sorted(set(caveats)))))


def parse_access_key(key: str) -> tuple[int, int, frozenset[str]]:
    """(declassify-on year, level, caveats) of an access term."""
    year, level, caveats = key.split(ACCESS_SEP, 2)
    return int(year), int(level), frozenset(c for c in caveats.split(CAVEATS_SEP) if c)


def _terms(schema: tantivy.Schema, field: str, values: list[str]) -> tantivy.Query:
    return tantivy.Query.term_set_query(schema, field, values)


def withheld_query(principal: Principal, schema: tantivy.Schema,
                   today: date | None = None, level_field: str = F.LEVEL
                   ) -> tantivy.Query | None:
    """The cables ``principal`` may not read, or None when they may read everything.

    ``level_field`` ``floor`` gives the cables of which nothing may be released
    under the portion policy (``portions.py``).
    """
    if principal.owner:
        return None
    today = today or date.today()
    reasons: list[tuple[tantivy.Occur, tantivy.Query]] = []
    if principal.clearance < max(Level):
        reasons.append((Occur.Should, tantivy.Query.range_query(
            schema, level_field, tantivy.FieldType.Unsigned, int(principal.clearance) + 1,
            None)))
    lacking = RESTRICTIVE_CAVEATS - principal.caveats
    controls = sorted(lacking - DISTRIBUTION_LIKE)
    captions = sorted(lacking & DISTRIBUTION_LIKE)
    if controls:
        reasons.append((Occur.Should, _terms(schema, F.CAVEATS, controls)))
    if captions:
        caption_q = _terms(schema, F.CAVEATS, captions)
        if principal.posts:
            # Waived where one of the principal's posts is in the distribution.
            caption_q = tantivy.Query.boolean_query([
                (Occur.Must, caption_q),
                (Occur.MustNot, _terms(schema, F.DIST, sorted(principal.posts))),
            ])
        reasons.append((Occur.Should, caption_q))
    if not reasons:
        return None
    not_declassified = tantivy.Query.range_query(
        schema, F.DECLASS, tantivy.FieldType.Integer, today.toordinal() + 1, None)
    return tantivy.Query.boolean_query([
        (Occur.Must, not_declassified),
        (Occur.Must, tantivy.Query.boolean_query(reasons)),
    ])


def restrict(query: tantivy.Query, principal: Principal, schema: tantivy.Schema,
             today: date | None = None) -> tantivy.Query:
    """``query`` limited to what ``principal`` may read: the one query of a search."""
    withheld = withheld_query(principal, schema, today)
    if withheld is None:
        return query
    return tantivy.Query.boolean_query([(Occur.Must, query), (Occur.MustNot, withheld)])
