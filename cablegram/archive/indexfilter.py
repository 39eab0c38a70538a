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

Evaluated clause by clause, that exclusion was most of a search's time: for
every hit tantivy seeks into a range over the ``declass`` fast field, a range
over ``level`` and two term sets (about 6 ms of CPU over a result of 130k of
251k cables, paid again by each facet pass, and 2 ms for a rare word). So each
cable also carries ``access`` terms (:func:`access_terms`) that hold its level
and each caveat beside its declassify-on date (``Y2031/L/3``,
``M203103/C/NOFORN``, ``D20310304/C/NOFORN``: year, month and day), and the
exclusion becomes one regular expression over them (:func:`_withheld_terms`):
"a date after today, and a level above the clearance or a caveat the principal
lacks". tantivy turns it into one bitset of the withheld cables per segment,
and a hit costs one bit test. Only the distribution waiver of a caption needs
a second clause. The expression does not depend on the index, so the compiled
query is kept per (principal's rule, day): compiling it costs about 1 ms.

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
from cablegram.archive.query import F, regex_escape
from cablegram.model import Cable, Level

Occur = tantivy.Occur
# Cables without a declassification date are never declassified by date (C3).
NEVER = date.max.toordinal()
_CACHE_SIZE = 256  # compiled filters kept (principals x days)
_cache: dict[tuple[object, ...], tuple[tantivy.Schema, tantivy.Query | None]] = {}


def distribution(cable: Cable) -> tuple[str, ...]:
    """The values indexed in ``dist``: exactly the access core's ``distribution_of``.

    Originator and TO/INFO addressees, names and RIs, upper case (H8); XMT
    entries are excluded from a collective, so they are not distribution.
    """
    return tuple(sorted(distribution_of(cable)))


def declass_ordinal(cable: Cable) -> int:
    return cable.declassify_on.toordinal() if cable.declassify_on is not None else NEVER


def _ymd(ordinal: int) -> tuple[str, str, str]:
    d = date.fromordinal(ordinal)
    return f"{d.year:04d}", f"{d.month:02d}", f"{d.day:02d}"


def access_terms(declass: int, level: Level, caveats: tuple[str, ...] | list[str]) -> list[str]:
    """The ``access`` terms of a cable: its level and each caveat beside the
    declassify-on date at three precisions, ``Y2031/L/3``, ``M203103/L/3``,
    ``D20310304/L/3``, ``Y2031/C/NOFORN``, ...; the date is 9999-12-31 without one.

    The filter asks for the years after this one, the months after this one in
    this year and the days after today in this month: the few terms it visits
    (a day alone would make it walk every future day's terms, 12k of them at
    251k synthetic cables, 3 ms a search)."""
    y, m, d = _ymd(declass)
    values = [f"L/{int(level)}", *(f"C/{c}" for c in sorted(set(caveats)))]
    return [f"{when}/{v}" for when in (f"Y{y}", f"M{y}{m}", f"D{y}{m}{d}") for v in values]


def after(digits: str) -> str | None:
    """A regular expression for the digit strings of ``digits``' length greater than
    it (None: there are none): ``2026`` -> ``(202[7-9]|20[3-9][0-9]{1}|...)``."""
    alts = []
    for i, ch in enumerate(digits):
        if ch != "9":
            rest = len(digits) - i - 1
            alts.append(digits[:i] + f"[{int(ch) + 1}-9]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return "(" + "|".join(alts) + ")" if alts else None


def later_than(today: date) -> str | None:
    """A regular expression for the date part of the access terms of the dates after
    ``today`` (None: there are none)."""
    y, m, d = _ymd(today.toordinal())
    parts = [f"Y{a}" if (a := after(y)) else None,
             f"M{y}{a}" if (a := after(m)) else None,
             f"D{y}{m}{a}" if (a := after(d)) else None]
    alts = [p for p in parts if p is not None]
    return "(" + "|".join(alts) + ")" if alts else None


def _alternatives(values: list[str]) -> str:
    return "(" + "|".join(regex_escape(v) for v in values) + ")"


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
    if level_field == F.LEVEL:
        key = (id(schema), today.toordinal(), int(principal.clearance),
               principal.caveats & RESTRICTIVE_CAVEATS, principal.posts)
        hit = _cache.get(key)
        if hit is not None and hit[0] is schema:
            return hit[1]
        query = _withheld_terms(principal, schema, today)
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[key] = (schema, query)  # (the schema kept alive: its id stays its own)
        return query
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


def _withheld_terms(principal: Principal, schema: tantivy.Schema, today: date
                    ) -> tantivy.Query | None:
    """:func:`withheld_query` over the ``access`` terms (see the module docstring)."""
    above = [str(int(lv)) for lv in Level if lv > principal.clearance]
    lacking = RESTRICTIVE_CAVEATS - principal.caveats
    controls = sorted(lacking - DISTRIBUTION_LIKE)
    captions = sorted(lacking & DISTRIBUTION_LIKE)
    if not above and not lacking:
        return None
    later = later_than(today)
    if later is None:
        return tantivy.Query.empty_query()  # nothing is still to be declassified
    hard = [f"L/{_alternatives(above)}"] if above else []
    waivable = captions if principal.posts else []
    if unwaived := controls + ([] if principal.posts else captions):
        hard.append(f"C/{_alternatives(unwaived)}")
    clauses: list[tantivy.Query] = []
    if hard:
        clauses.append(tantivy.Query.regex_query(
            schema, F.ACCESS, f"{later}/(" + "|".join(hard) + ")"))
    if waivable:
        # Waived where one of the principal's posts is in the distribution.
        clauses.append(tantivy.Query.boolean_query([
            (Occur.Must, tantivy.Query.regex_query(
                schema, F.ACCESS, f"{later}/C/{_alternatives(waivable)}")),
            (Occur.MustNot, _terms(schema, F.DIST, sorted(principal.posts))),
        ]))
    if len(clauses) == 1:
        return clauses[0]
    return tantivy.Query.boolean_query([(Occur.Should, c) for c in clauses])


def restrict(query: tantivy.Query, principal: Principal, schema: tantivy.Schema,
             today: date | None = None) -> tantivy.Query:
    """``query`` limited to what ``principal`` may read: the one query of a search."""
    withheld = withheld_query(principal, schema, today)
    if withheld is None:
        return query
    return tantivy.Query.boolean_query([(Occur.Must, query), (Occur.MustNot, withheld)])
