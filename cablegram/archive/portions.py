"""Portion-aware search: the ``portion`` release policy inside the one tantivy query.

Under the ``portion`` policy (docs/access.md) a reader cleared below a cable's
level still gets the portions at or below their level (C1, C3, T9). Search
follows the same rule: such a reader finds the cable through those portions
only, and its snippet is cut from them only. Nothing of a withheld portion may
show through a hit, a snippet, a total or a facet count.

How it is indexed: besides ``body`` (every paragraph, for readers of the whole
cable), each paragraph whose level is *below the cable's* is also indexed in
``body_p{L}`` (L its level) or, when its mark carries NF, ``body_nf{L}``; a
subject whose mark is below the cable's level goes to ``subject_p{L}``. Only
those can ever be released to a reader who may not read the whole cable (that
reader is cleared below the cable's level), so a cable whose portions all sit
at its level costs nothing extra to index. An index builds these fields only
once it serves the portion policy (``SearchIndex.portions``). ``floor`` holds
:func:`~cablegram.access.principal.portion_floor`.

The query of a principal under the policy is::

      (Q                     AND NOT withheld(level))
   OR (Q with its text in the portion fields the principal may read
                             AND withheld(level) AND NOT withheld(floor))

where ``withheld`` is the access filter of ``indexfilter.py`` on the cable's
level or on its floor: the caveats, distribution and declassification parts are
the same for a cable and its portions (``decide_paragraph``), so a cable whose
floor is visible has exactly its portions at or below the clearance released
(NF ones only to a NOFORN holder). A NOT clause on text means "not in what the
reader may see", so it cannot reveal that a withheld portion holds a word.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import lru_cache

import tantivy

from cablegram.access.principal import PORTION_CONTROL_CAVEATS, Principal
from cablegram.archive.indexfilter import withheld_query
from cablegram.archive.query import And, F, MatchNone, Node, Not, Or, Text, compile_query
from cablegram.model import Cable, Level, PortionMark

# A paragraph's stored level (``para_levels``) carries this bit when its mark has NF:
# its text is released only to a NOFORN holder (T9, C2).
NF_BIT = 8
LEVEL_MASK = 7
NOFORN = "NOFORN"
Occur = tantivy.Occur


def body_field(level: Level) -> str:
    return f"body_p{int(level)}"


def body_nf_field(level: Level) -> str:
    return f"body_nf{int(level)}"


def subject_field(level: Level) -> str:
    return f"subject_p{int(level)}"


PORTION_FIELDS = tuple(f(lv) for lv in Level for f in (body_field, body_nf_field, subject_field))


def subject_level(cable: Cable, level: Level | None = None) -> Level:
    """The subject's portion mark (T6), or the cable's level (``level``, when the
    caller has it) when unmarked.

    The same rule as ``cablegram.access.redact.subject_level`` (which the archive
    cannot import: it sits above it); a test checks that they agree.
    """
    if cable.subject_marking:
        try:
            return PortionMark.parse(cable.subject_marking).level
        except ValueError:
            pass
    return cable.level if level is None else level


@lru_cache(maxsize=1024)
def mark_info(marking: str | None) -> tuple[Level | None, bool]:
    """A portion mark's level (None: no or unreadable mark) and whether it carries a
    restrictive control (NF): ``Paragraph.level`` and ``portion_caveats`` of the
    access core, parsed once per distinct mark (parsing each paragraph's mark was
    most of the index build's Python time)."""
    if marking is None:
        return None, False
    try:
        mark = PortionMark.parse(marking)
    except ValueError:
        return None, False
    return mark.level, any(c in PORTION_CONTROL_CAVEATS for c in mark.controls)


def marks_of(cable: Cable) -> tuple[Level, tuple[str, ...]]:
    """``Cable.level`` and ``Cable.caveats`` (both read every portion mark: C1, C2)
    from the cached mark parses, in one pass; a test checks they agree."""
    level = cable.classification.level
    nf_any = False
    for p in cable.paragraphs:
        plevel, nf = mark_info(p.marking)
        if plevel is not None and plevel > level:
            level = plevel
        nf_any = nf_any or nf
    banner = cable.classification.caveats
    if nf_any and NOFORN not in banner:
        return level, (*banner, NOFORN)
    return level, banner


def add_body(doc: tantivy.Document, cable: Cable, top: Level | None = None,
             portions: bool = True) -> None:
    """Index the paragraphs (T9): ``body`` (one value each) with ``para_levels`` beside
    them, the portions a reader below the cable's level could be given (when
    ``portions``: the index serves the portion policy), and the floor.

    An unmarked portion of a classified cable counts at the cable's level (C4); the
    floor is ``portion_floor`` (portions with NF do not lower it).
    """
    top = cable.level if top is None else top
    floor: Level | None = None  # (a portion may be marked above its cable)
    if cable.paragraphs:
        for p in cable.paragraphs:
            level, nf = mark_info(p.marking)
            if level is None:
                level = top
            doc.add_text(F.BODY, p.text)
            doc.add_unsigned(F.PARA_LEVELS, int(level) | NF_BIT if nf else int(level))
            if portions and level < top:
                doc.add_text(body_nf_field(level) if nf else body_field(level), p.text)
            if not nf and (floor is None or level < floor):
                floor = level
    elif cable.cleaned:
        doc.add_text(F.BODY, cable.cleaned)
        doc.add_unsigned(F.PARA_LEVELS, int(top))
    doc.add_unsigned(F.FLOOR, int(top if floor is None else floor))
    if cable.subject:
        slevel = subject_level(cable, top)
        doc.add_unsigned(F.SUBJECT_LEVEL, int(slevel))
        if portions and slevel < top:
            doc.add_text(subject_field(slevel), cable.subject)


def readable_fields(principal: Principal) -> dict[str, tuple[str, ...]]:
    """For a reader who may not read a cable whole: the portion fields standing in
    for ``body`` and ``subject``."""
    levels = [lv for lv in Level if lv <= principal.clearance]
    body = [body_field(lv) for lv in levels]
    if NOFORN in principal.caveats:
        body += [body_nf_field(lv) for lv in levels]
    return {F.BODY: tuple(body), F.SUBJECT: tuple(subject_field(lv) for lv in levels)}


def released_text(node: Node, fields: dict[str, tuple[str, ...]]) -> Node:
    """``node`` with its subject and body text searched in the released portions only."""
    if isinstance(node, Text):
        mapped = tuple(dict.fromkeys(g for f in node.fields for g in fields.get(f, (f,))))
        return replace(node, fields=mapped) if mapped else MatchNone()
    if isinstance(node, Not):
        return Not(released_text(node.node, fields))
    if isinstance(node, And):
        return And(tuple(released_text(n, fields) for n in node.nodes))
    if isinstance(node, Or):
        return Or(tuple(released_text(n, fields) for n in node.nodes))
    return node


def partly_released(principal: Principal, level: int, declass: int | None,
                    today: date | None) -> bool:
    """Is a hit (which the principal may see at least in part) shown only in part?

    A hit in the result has passed the caveat and distribution checks, so only its
    level can withhold it whole, and not once its declassification date has passed.
    """
    if principal.owner or level <= principal.clearance:
        return False
    today = today or date.today()
    return declass is None or declass > today.toordinal()


def released_paragraphs(principal: Principal, values: list[str], levels: list[int]) -> list[str]:
    """The paragraphs of a partly released hit that the principal may read."""
    nf_ok = NOFORN in principal.caveats
    return [v for v, lv in zip(values, levels, strict=False)
            if (lv & LEVEL_MASK) <= principal.clearance and (nf_ok or not lv & NF_BIT)]


def released_subject(principal: Principal, level: int | None) -> bool:
    return level is not None and level <= principal.clearance


def restrict_portions(node: Node, principal: Principal, schema: tantivy.Schema,
                      today: date | None = None) -> tantivy.Query:
    """The one query of a search under the portion policy (see the module docstring)."""
    query = compile_query(node, schema)
    whole = withheld_query(principal, schema, today)
    if whole is None:
        return query
    floor = withheld_query(principal, schema, today, level_field=F.FLOOR)
    partial = compile_query(released_text(node, readable_fields(principal)), schema)
    part: list[tuple[tantivy.Occur, tantivy.Query]] = [
        (Occur.Must, partial), (Occur.Must, tantivy.Query.const_score_query(whole, 0.0))]
    if floor is not None:
        part.append((Occur.MustNot, floor))
    return tantivy.Query.boolean_query([
        (Occur.Should, tantivy.Query.boolean_query([(Occur.Must, query), (Occur.MustNot, whole)])),
        (Occur.Should, tantivy.Query.boolean_query(part)),
    ])
