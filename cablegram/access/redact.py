"""Portion-level release: the per-archive policy and ``redact`` (access issue, point 4).

An archive runs under one of two policies, kept in its ``meta`` table under
``access.policy``:

``whole-cable`` (the default)
    a principal sees a cable whole or not at all (:func:`~.principal.decide`).

``portion``
    as a released version does (C3), a principal cleared below a cable's level
    sees the portions at or below their level; every other paragraph is shown
    as withheld with its marking (``3. (S) [withheld]``). The header fields
    (reference id, date, addressees, classification, captions, TAGS, REF,
    classified-by, signature) are released; the subject is withheld when its
    marking (or, unmarked, the cable's level) is above the reader. A cable of
    which nothing can be released is not shown at all (:func:`decide_partial`).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Literal

from cablegram.access.principal import (
    Principal,
    decide,
    decide_paragraph,
    decide_partial,
    distribution_of,
    may_read,
)
from cablegram.access.schema import get_meta, set_meta
from cablegram.archive.api import Db
from cablegram.errors import QueryError
from cablegram.model import Cable, Level, Paragraph, PortionMark, Source

Policy = Literal["whole-cable", "portion"]
POLICIES: tuple[Policy, ...] = ("whole-cable", "portion")
POLICY_KEY = "access.policy"
WITHHELD = "[withheld]"


def get_policy(db: Db) -> Policy:
    value = get_meta(db, POLICY_KEY) or "whole-cable"
    return value if value in POLICIES else "whole-cable"


def set_policy(db: Db, policy: str) -> Policy:
    if policy not in POLICIES:
        raise QueryError(f"unknown release policy {policy!r}: use one of {', '.join(POLICIES)}")
    set_meta(db, POLICY_KEY, policy)
    return policy


def subject_level(cable: Cable) -> Level:
    """The subject's portion mark (T6), or the cable's level when unmarked."""
    if cable.subject_marking:
        try:
            return PortionMark.parse(cable.subject_marking).level
        except ValueError:
            pass
    return cable.level


def redact(cable: Cable, principal: Principal, policy: Policy = "whole-cable",
           today: date | None = None) -> Cable | None:
    """What ``principal`` may see of ``cable`` under ``policy``; None for nothing.

    Under ``portion`` a partly released cable comes back with withheld
    paragraphs replaced, ``raw`` and ``cleaned`` rebuilt from the released
    parts only, parse warnings and source metadata dropped (they can quote the
    text) and ``source.metadata["redacted"]`` listing what was withheld.
    """
    if decide(principal, cable, today).allowed:
        return cable
    if policy != "portion" or not decide_partial(principal, cable, today).allowed:
        return None
    withheld: list[int | None] = []
    paragraphs: list[Paragraph] = []
    for p in cable.paragraphs:
        if decide_paragraph(principal, cable, p, today).allowed:
            paragraphs.append(p)
        else:
            withheld.append(p.number)
            paragraphs.append(Paragraph(number=p.number, marking=p.marking, text=WITHHELD))
    subject = cable.subject
    subject_withheld = False
    if subject is not None and not may_read(
            principal, subject_level(cable), cable.caveats, distribution_of(cable),
            cable.declassify_on, today).allowed:
        subject, subject_withheld = WITHHELD, True
    out = dataclasses.replace(
        cable, subject=subject, paragraphs=tuple(paragraphs), warnings=(),
        source=Source(format=cable.source.format, path=cable.source.path,
                      metadata={"redacted": {"policy": "portion",
                                             "withheld_paragraphs": withheld,
                                             "subject_withheld": subject_withheld}}),
    )
    text = render_released(out)
    return dataclasses.replace(out, raw=text, cleaned=text)


def _para_line(p: Paragraph) -> str:
    mark = f"({p.marking}) " if p.marking else ""
    num = f"{p.number}. " if p.number is not None else ""
    return f"{num}{mark}{p.text}"


def render_released(cable: Cable) -> str:
    """The released parts as telegram text (T1-T11 order), for ``raw``/``cleaned``."""
    lines: list[str] = [cable.classification_line or
                        f"{cable.level.spaced} {cable.mrn or cable.reference_id or ''}".strip()]
    lines += list(cable.captions)
    if cable.eo or cable.declassify_instruction:
        lines.append(f"E.O. {cable.eo or ''}: {cable.declassify_instruction or ''}".strip())
    if cable.tags:
        lines.append("TAGS: " + " ".join(t.code for t in cable.tags))
    if cable.subject is not None:
        mark = f"{cable.subject_marking} " if cable.subject_marking else ""
        lines.append(f"SUBJECT: {mark}{cable.subject}")
    if cable.references:
        lines.append("REF: " + " ".join(r.text for r in cable.references))
    if cable.classified_by is not None:
        lines.append(cable.classified_by.text)
    lines.append("")
    for p in cable.paragraphs:
        lines += [_para_line(p), ""]
    lines += list(cable.signature)
    return "\n".join(lines).rstrip() + "\n"
