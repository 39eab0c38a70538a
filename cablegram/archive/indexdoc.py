"""The index's schema and the document of one cable: what the search index holds.

``index.py`` keeps the index in step with the store; ``searching.py`` reads it.
Both share this mapping, and its version: an index built with another one is
wiped and rebuilt from the store.
"""

from __future__ import annotations

from typing import Any, cast

import tantivy

from cablegram.archive.indexfilter import access_terms, declass_ordinal, distribution
from cablegram.archive.portions import PORTION_FIELDS, add_body, marks_of
from cablegram.archive.query import ANALYZER_NAME, F, norm_origin, norm_tag
from cablegram.archive.store import Prepared, Storable, prepare, storable
from cablegram.jsontext import compact
from cablegram.model import Cable, Level

# Bump when the schema or the document mapping changes: an index of another
# version is wiped and rebuilt from the store on the next sync.
SCHEMA_VERSION = 10
# The classification, precedence and caveats facets are counted from one value per
# cable, "level/PRECEDENCE/caveat set" (the caveats joined by CAVEAT_SEP): one
# aggregation over a single-valued fast field instead of three, one of them over a
# multi-valued field (a hundred or so distinct values; searching.py sums them per facet).
KEY_SEP = "/"
CAVEAT_SEP = "|"


def facet_key(level: Level, precedence: str, caveats: tuple[str, ...]) -> str:
    return KEY_SEP.join((str(int(level)), precedence, CAVEAT_SEP.join(sorted(set(caveats)))))


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    raw = "raw"
    sb.add_text_field(F.ID, stored=True, fast=True, tokenizer_name=raw)
    sb.add_text_field(F.SUBJECT, stored=True, tokenizer_name=ANALYZER_NAME)
    sb.add_text_field(F.BODY, stored=True, tokenizer_name=ANALYZER_NAME)
    sb.add_unsigned_field(F.PARA_LEVELS, stored=True)
    sb.add_text_field(F.TAGS, fast=True, tokenizer_name=raw)
    sb.add_text_field(F.ORIGIN, stored=True, fast=True, tokenizer_name=raw)
    sb.add_text_field(F.FM, tokenizer_name=ANALYZER_NAME)
    sb.add_text_field(F.TO, tokenizer_name=ANALYZER_NAME)
    sb.add_text_field(F.REFS, tokenizer_name=raw)
    sb.add_text_field(F.SIGNER, tokenizer_name=ANALYZER_NAME)
    sb.add_unsigned_field(F.LEVEL, stored=True, indexed=True, fast=True)
    sb.add_text_field(F.CAVEATS, stored=True, tokenizer_name=raw)
    sb.add_text_field(F.PRECEDENCE, tokenizer_name=raw)
    sb.add_text_field(F.FACET_KEY, fast=True, tokenizer_name=raw)
    sb.add_text_field(F.ACCESS, tokenizer_name=raw)  # indexfilter.access_terms
    sb.add_text_field(F.MONTH, fast=True, tokenizer_name=raw)
    sb.add_integer_field(F.TS, indexed=True, fast=True)
    sb.add_text_field(F.DTG, stored=True, tokenizer_name=raw)
    sb.add_integer_field(F.DECLASS, stored=True, indexed=True, fast=True)
    sb.add_text_field(F.DIST, tokenizer_name=raw)
    # The portion policy (portions.py): releasable portions, the floor, the subject's level.
    sb.add_unsigned_field(F.FLOOR, indexed=True)
    sb.add_unsigned_field(F.SUBJECT_LEVEL, stored=True)
    for name in PORTION_FIELDS:
        sb.add_text_field(name, tokenizer_name=ANALYZER_NAME)
    return sb.build()


class _Fields:
    """Records a document's values field by field, as :func:`document_json` sends them.

    It answers the three ``tantivy.Document`` methods the mapping calls, in the same
    order, so both forms of a document come from the one mapping below.
    """

    __slots__ = ("values",)

    def __init__(self) -> None:
        self.values: dict[str, list[Any]] = {}

    def add_text(self, field: str, text: str) -> None:
        self.values.setdefault(field, []).append(text)

    def add_unsigned(self, field: str, value: int) -> None:
        self.values.setdefault(field, []).append(value)

    def add_integer(self, field: str, value: int) -> None:
        self.values.setdefault(field, []).append(value)


def cable_document(reference_id: str, cable: Cable, portions: bool = True) -> tantivy.Document:
    """The index document of one cable (its current version); ``portions``: with the
    portion fields (``portions.add_body``), for an index that serves the portion policy."""
    d = tantivy.Document()
    for field, values in _values(reference_id, cable, marks_of(cable), portions).items():
        add = (d.add_unsigned if field in _UNSIGNED else d.add_integer if field in _INTEGER
               else d.add_text)
        for v in values:
            add(field, v)
    return d


# The numeric fields of build_schema(); every other field is text.
_UNSIGNED = frozenset({F.PARA_LEVELS, F.LEVEL, F.FLOOR, F.SUBJECT_LEVEL})
_INTEGER = frozenset({F.TS, F.DECLASS})


def document_json(reference_id: str, cable: Cable,
                  marks: tuple[Level, tuple[str, ...]] | None = None,
                  portions: bool = True) -> str:
    """:func:`cable_document` as the JSON text ``IndexWriter.add_json`` reads.

    An ingest builds it where the cable was parsed (a reader process): a str
    costs next to nothing to send, and tantivy reads it in Rust, so the
    process that writes the index never rebuilds a Cable (tests/test_index.py
    checks that both forms give the same document).
    """
    return compact(_values(reference_id, cable, marks_of(cable) if marks is None else marks,
                           portions))


def storable_indexed(item: object, portions: bool = True) -> Storable:
    """:func:`~cablegram.archive.store.storable`, with the index document of a cable
    (``portions``: with the portion fields).

    The cable's level and caveats (which read every portion mark, C1/C2) are
    computed once for both the row and the document.
    """
    if not isinstance(item, Cable):
        return storable(item)
    marks = marks_of(item)
    ready = prepare(item, marks)
    if isinstance(ready, Prepared):  # (a Rejected one is not indexed)
        ready = ready._replace(document=document_json(ready.reference_id, item, marks,
                                                      portions))
    return ready


def _values(reference_id: str, cable: Cable, marks: tuple[Level, tuple[str, ...]],
            portions: bool) -> dict[str, list[Any]]:
    """The document's values, field by field (lists built whole: a method call per
    value was a third of a reader process's time on the document, issue 3)."""
    f = _Fields()
    v = f.values
    v[F.ID] = [reference_id]
    if cable.subject:
        v[F.SUBJECT] = [cable.subject]
    # Only paragraph text is searched (T9): header lines and captions are fields.
    # Each paragraph is one value, with its portion level stored beside it so a
    # portion policy can withhold a paragraph's snippet (C1, C3).
    # Cable.level and Cable.caveats parse every portion mark at each call: the caller
    # computes them once (marks_of).
    level, caveats = marks
    # add_body calls add_text and add_unsigned only, which _Fields answers alike.
    add_body(cast(tantivy.Document, f), cable, level, portions)
    # Tags and origin are kept in the form tag:/origin: search for, so that a
    # click on a facet value finds exactly the cables it counted.
    if cable.tags:
        v[F.TAGS] = list(dict.fromkeys(norm_tag(t.code) for t in cable.tags))
    if cable.origin:
        v[F.ORIGIN] = [norm_origin(cable.origin)]
    fm = [x for x in (cable.originator_name, cable.originator_ri) if x]
    if fm:
        v[F.FM] = fm
    if cable.addressees:
        v[F.TO] = [x for a in cable.addressees for x in ((a.name, a.ri) if a.ri else (a.name,))]
    refs = list(dict.fromkeys(str(r.id) for r in cable.references if r.id is not None))
    if refs:
        v[F.REFS] = refs
    if cable.signature:
        v[F.SIGNER] = list(cable.signature)
    v[F.LEVEL] = [int(level)]
    if caveats:
        v[F.CAVEATS] = list(caveats)
    v[F.PRECEDENCE] = [cable.precedence.word]
    if cable.dtg is not None:
        # The year facet is summed from the month, both from the DTG, as year:/from:/to:
        # filter on the DTG (ts): a click on a facet value finds exactly what it counted.
        when = cable.dtg.when
        v[F.MONTH] = [f"{when.year:04d}-{when.month:02d}"]
        v[F.TS] = [int(when.timestamp())]
        v[F.DTG] = [cable.dtg.isoformat()]
    v[F.FACET_KEY] = [facet_key(level, cable.precedence.word, caveats)]
    declass = declass_ordinal(cable)
    v[F.DECLASS] = [declass]
    access = access_terms(declass, level, caveats)
    if access:
        v[F.ACCESS] = list(access)
    dist = distribution(cable)
    if dist:
        v[F.DIST] = list(dist)
    return v


__all__ = ["CAVEAT_SEP", "KEY_SEP", "SCHEMA_VERSION", "build_schema", "cable_document",
           "document_json", "facet_key", "storable_indexed"]
