"""The documented JSON form of a cable, and back (schema: ``cable.schema.json``).

The keys the issue names come first and keep their meaning exactly:
``classification`` is the level alone (``SECRET``), ``caveats`` the controls and
captions, ``precedence`` a full word with ROUTINE where none is written. The
remaining keys carry every other field of the model so that
``from_json(to_json(c)) == c`` and the archive can store this form as its
record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from cablegram.errors import FormatError
from cablegram.model import (
    Addressee,
    Cable,
    Classification,
    ClassifiedBy,
    Dtg,
    Level,
    Paragraph,
    ParseWarning,
    Precedence,
    Reference,
    ReferenceId,
    Source,
    Span,
    Tag,
    TagKind,
    TransmissionHeader,
)

JSON_FORM_VERSION = 1

# Keys that say where and how a record was read rather than what the cable says:
# two readings of the same cable from different forms agree on everything else.
PROVENANCE_KEYS = ("raw", "cleaned", "source", "warnings")


def _addressee(a: Addressee) -> dict[str, Any]:
    return {"ri": a.ri, "name": a.name, "precedence": a.precedence.word, "mcn": a.mcn,
            "collective": a.collective, "zen": a.zen}


def _header(h: TransmissionHeader | None) -> dict[str, Any] | None:
    if h is None:
        return None
    return {
        "transmission_id": h.transmission_id, "routing_precedence": h.routing_precedence,
        "routing": list(h.routing), "station": h.station, "station_serial": h.station_serial,
        "section": h.section, "time_of_file": h.time_of_file,
        "security_warning": h.security_warning, "operating_signals": list(h.operating_signals),
        "dtg_prosigns": h.dtg_prosigns,
    }


def to_json(cable: Cable) -> dict[str, Any]:
    """The cable as a JSON-serialisable dict."""
    c = cable
    cb = c.classified_by
    return {
        "reference_id": str(c.reference_id) if c.reference_id else None,
        "transmission_id": c.header.transmission_id if c.header else None,
        "origin": c.origin,
        "originator": {"ri": c.originator_ri, "name": c.originator_name},
        "dtg": c.dtg.isoformat() if c.dtg else None,
        "precedence": c.precedence.word,
        "classification": c.classification.level.label,
        "level": c.classification.level.name,
        "admin_control": c.classification.admin_control,
        "caveats": list(c.classification.caveats),
        "rel_to": list(c.classification.rel_to),
        "section": {"number": c.section[0], "of": c.section[1]} if c.section else None,
        "to": [_addressee(a) for a in c.to],
        "info": [_addressee(a) for a in c.info],
        "xmt": [_addressee(a) for a in c.xmt],
        "eo": c.eo,
        "declassify_on": c.declassify_on.isoformat() if c.declassify_on else None,
        "declassify_instruction": c.declassify_instruction,
        "tags": [t.code for t in c.tags],
        "tag_kinds": {t.code: t.kind.value for t in c.tags},
        "subject": c.subject,
        "subject_marking": c.subject_marking,
        "references": [{"letter": r.letter, "id": str(r.id) if r.id else None, "text": r.text}
                       for r in c.references],
        "classified_by": cb.text if cb else None,
        "classified_by_detail": (
            {"name": cb.name, "title": cb.title, "authority": cb.authority} if cb else None
        ),
        "reasons": list(cb.reasons) if cb else [],
        "paragraphs": [
            {"number": p.number, "marking": p.marking, "text": p.text,
             "subparagraphs": list(p.subparagraphs)}
            for p in c.paragraphs
        ],
        "spans": [{"kind": s.kind, "first": s.first, "last": s.last} for s in c.spans],
        "signer": c.signer,
        "signature": list(c.signature),
        "header": _header(c.header),
        "classification_line": c.classification_line,
        "mrn": c.mrn,
        "captions": list(c.captions),
        "passing": list(c.passing),
        "warnings": [{"line": w.line, "rule": w.rule, "message": w.message} for w in c.warnings],
        "source": {"format": c.source.format, "path": c.source.path,
                   "metadata": dict(c.source.metadata)},
        "raw": c.raw,
        "cleaned": c.cleaned,
        "json_form": JSON_FORM_VERSION,
    }


def record_view(cable: Cable) -> dict[str, Any]:
    """The JSON form without provenance: what the cable says, for comparing readings."""
    d = to_json(cable)
    for k in PROVENANCE_KEYS:
        d.pop(k, None)
    return d


def _from_addressee(d: dict[str, Any]) -> Addressee:
    return Addressee(name=d["name"], ri=d.get("ri"), precedence=Precedence.parse(d["precedence"]),
                     mcn=d.get("mcn"), collective=bool(d.get("collective")),
                     zen=bool(d.get("zen")))


def from_json(d: dict[str, Any]) -> Cable:
    """Rebuild a Cable from :func:`to_json` output; raise FormatError when it is not one."""
    try:
        return _from_json(d)
    except (KeyError, TypeError, ValueError) as exc:
        rid = d.get("reference_id") if isinstance(d, dict) else None
        raise FormatError(f"not a cable in the JSON form: {exc!r}",
                          source=str(rid) if rid else None, rule="json-form") from exc


def _from_json(d: dict[str, Any]) -> Cable:
    h = d.get("header")
    header = None
    if h is not None:
        header = TransmissionHeader(
            transmission_id=h.get("transmission_id"),
            routing_precedence=h.get("routing_precedence"),
            routing=tuple(h.get("routing") or ()), station=h.get("station"),
            station_serial=h.get("station_serial"), section=h.get("section"),
            time_of_file=h.get("time_of_file"), security_warning=h.get("security_warning"),
            operating_signals=tuple(h.get("operating_signals") or ()),
            dtg_prosigns=h.get("dtg_prosigns"),
        )
    level = Level[d["level"]] if d.get("level") else Level.parse(d.get("classification") or "U")
    cls = Classification(level=level, caveats=tuple(d.get("caveats") or ()),
                         rel_to=tuple(d.get("rel_to") or ()), admin_control=d.get("admin_control"))
    kinds = d.get("tag_kinds") or {}
    tags = tuple(Tag(code, TagKind(kinds.get(code, TagKind.SUBJECT.value)))
                 for code in d.get("tags") or ())
    cbd = d.get("classified_by_detail") or {}
    classified_by = None
    if d.get("classified_by") is not None:
        classified_by = ClassifiedBy(text=d["classified_by"], name=cbd.get("name"),
                                     title=cbd.get("title"), reasons=tuple(d.get("reasons") or ()),
                                     authority=cbd.get("authority"))
    src = d.get("source") or {}
    sec = d.get("section")
    rid = d.get("reference_id")
    return Cable(
        raw=d.get("raw") or "",
        reference_id=ReferenceId.parse(rid) if rid else None,
        header=header,
        dtg=Dtg(datetime.fromisoformat(d["dtg"].replace("Z", "+00:00"))) if d.get("dtg") else None,
        precedence=Precedence.parse(d.get("precedence") or "ROUTINE"),
        originator_name=(d.get("originator") or {}).get("name"),
        originator_ri=(d.get("originator") or {}).get("ri"),
        origin=d.get("origin"),
        to=tuple(_from_addressee(a) for a in d.get("to") or ()),
        info=tuple(_from_addressee(a) for a in d.get("info") or ()),
        xmt=tuple(_from_addressee(a) for a in d.get("xmt") or ()),
        classification=cls,
        classification_line=d.get("classification_line"),
        section=(int(sec["number"]), int(sec["of"])) if sec else None,
        mrn=d.get("mrn"),
        captions=tuple(d.get("captions") or ()),
        passing=tuple(d.get("passing") or ()),
        eo=d.get("eo"),
        declassify_instruction=d.get("declassify_instruction"),
        declassify_on=date.fromisoformat(d["declassify_on"]) if d.get("declassify_on") else None,
        tags=tags,
        subject=d.get("subject"),
        subject_marking=d.get("subject_marking"),
        references=tuple(
            Reference(text=r["text"], letter=r.get("letter"),
                      id=ReferenceId.parse(r["id"]) if r.get("id") else None)
            for r in d.get("references") or ()
        ),
        classified_by=classified_by,
        paragraphs=tuple(
            Paragraph(number=p.get("number"), marking=p.get("marking"), text=p["text"],
                      subparagraphs=tuple(p.get("subparagraphs") or ()))
            for p in d.get("paragraphs") or ()
        ),
        spans=tuple(Span(s["kind"], int(s["first"]), int(s["last"])) for s in d.get("spans") or ()),
        signature=tuple(d.get("signature") or ()),
        cleaned=d.get("cleaned") or "",
        warnings=tuple(ParseWarning(rule=w["rule"], message=w["message"], line=w.get("line"))
                       for w in d.get("warnings") or ()),
        source=Source(format=src.get("format") or "unknown", path=src.get("path"),
                      metadata=dict(src.get("metadata") or {})),
    )
