"""TAGS typing (rule T5): country, program, subject, organisation, person.

The vocabulary table (``cablegram/vocab/data/tags.csv``) decides first, so that
the reader, the generator and the web reader agree on every listed code; an
unlisted code is typed by a further list of organisations and then by its
shape: 2 letters is a country, ``K`` + 3 letters a program, a tag with a comma
or parentheses a person (``OVIP (RICE, CONDOLEEZZA)``), anything else a subject
tag (PREL, PGOV, MOPS ...).
"""

from __future__ import annotations

import re
from functools import lru_cache

from cablegram.model import Tag, TagKind
from cablegram.vocab.tags import tag_info

# Organisation tags seen in TAGS lines (T5). Data, not logic: extend freely.
ORGANISATIONS = frozenset({
    "NATO", "UN", "UNSC", "UNGA", "UNHRC", "UNHCR", "UNICEF", "UNESCO", "UNDP", "UNEP",
    "EUN", "EU", "IAEA", "OSCE", "OAS", "ASEAN", "APEC", "OPEC", "WTO", "IMF",
    "IBRD", "WHO", "FAO", "ICAO", "IMO", "ILO", "WIPO", "OECD", "NAM", "GCC", "ECOWAS",
    "SADC", "SCO", "CIS", "CSTO", "G8", "G20", "MERCOSUR", "UNASUR", "ICC", "ICJ",
    "ICTY", "ICTR", "INTERPOL", "OPCW", "CTBTO", "NSG", "MTCR", "MTCRE", "WASSENAAR",
    "IGAD", "ARF", "EAS", "OIC", "ALBA", "CARICOM", "SICA", "IDB", "ADB", "AFDB",
    "EBRD", "UNMIK", "UNAMA", "UNAMI", "UNIFIL", "UNMIS", "AMIS", "UNAMID", "ISAF",
    "KFOR", "EUFOR",
})

# One TAGS entry: a code, optionally with a parenthesised person or detail
# (``OVIP (STEINBERG, JAMES B.)``). Separators are spaces and commas (T5).
_TAG_TOKEN_RE = re.compile(r"([A-Za-z0-9][A-Za-z0-9_\-]*(?:\s*\([^)]*\)?)?)")


def tag_kind(code: str) -> TagKind:
    """The kind of one TAGS code (T5)."""
    if "," in code or "(" in code:
        return TagKind.PERSON
    info = tag_info(code)
    if info is not None:  # the vocabulary table first: AU is Austria, a country (T5)
        return info.kind
    if code in ORGANISATIONS:
        return TagKind.ORGANISATION
    if len(code) == 2 and code.isalpha():
        return TagKind.COUNTRY
    if len(code) == 4 and code[0] == "K" and code.isalpha():
        return TagKind.PROGRAM
    return TagKind.SUBJECT


# Each entry as written, typed once (speed, issue 2): whole TAGS lines repeat less
# often than their entries do, a Tag is a frozen value and its kind depends on its
# code alone (T5). Bounded: entries beyond the limit are typed each time.
_TAG_BY_ENTRY: dict[str, Tag] = {}
_TAG_BY_ENTRY_LIMIT = 8192


# TAGS lines repeat from cable to cable (speed, issue 2); the result is immutable.
@lru_cache(maxsize=4096)
def parse_tags(text: str) -> tuple[Tag, ...]:
    """Read the codes of a TAGS line (without the ``TAGS:`` label), typed by kind."""
    out: list[Tag] = []
    seen: set[str] = set()
    for m in _TAG_TOKEN_RE.finditer(text):
        entry: str = m.group(1)
        tag = _TAG_BY_ENTRY.get(entry)
        if tag is None:
            code = " ".join(entry.upper().split())
            tag = Tag(code, tag_kind(code))
            if len(_TAG_BY_ENTRY) < _TAG_BY_ENTRY_LIMIT:
                _TAG_BY_ENTRY[entry] = tag
        if tag.code in seen:
            continue
        seen.add(tag.code)
        out.append(tag)
    return tuple(out)


def is_tag_continuation(line: str) -> bool:
    """A line that only holds tag codes (a TAGS list that wrapped, T5)."""
    tokens = _TAG_TOKEN_RE.findall(line)
    if not tokens or _TAG_TOKEN_RE.sub("", line).strip(" ,;"):
        return False
    return all(len(t.split("(")[0].strip()) <= 6 for t in tokens)
