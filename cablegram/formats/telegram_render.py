"""Cable to telegram text, in the layout of the seed 07OSLO525 (format doc section 1).

``parse_telegram(render_telegram(c))`` gives back the same record.
"""

from __future__ import annotations

from cablegram.formats.telegram_header import render_addressee
from cablegram.model import Cable, Level, Paragraph


def render_telegram(cable: Cable) -> str:
    """The telegram form: header (H1-H9), then the text (T1-T11)."""
    c = cable
    out: list[str] = []
    h = c.header
    if h is not None:
        if h.transmission_id:
            out.append(h.transmission_id)
        if h.routing_precedence:
            out.append(" ".join((h.routing_precedence, *h.routing)))
        if h.station:
            serial = f"#{h.station_serial:04d}" if h.station_serial is not None else "#0000"
            section = f"/{h.section:02d}" if h.section is not None else ""
            tof = f" {h.time_of_file}" if h.time_of_file else ""
            out.append(f"DE {h.station} {serial}{section}{tof}")
        if h.security_warning:
            out.append(" ".join((h.security_warning, *h.operating_signals)))
    if c.dtg is not None:
        prosigns = h.dtg_prosigns if h is not None and h.dtg_prosigns else c.precedence.prosign
        line = f"{prosigns} {c.dtg}"
        if h is not None and not h.security_warning and h.operating_signals:
            line += " " + " ".join(h.operating_signals)
        out.append(line)
    if c.originator_name:
        out.append(f"FM {c.originator_name}")
    for word, group in (("TO", c.to), ("INFO", c.info), ("XMT", c.xmt)):
        for i, a in enumerate(group):
            text = render_addressee(a)
            out.append(f"{word} {text}" if i == 0 else text)
    text = _render_text(c)
    if out:
        return "\n".join(out) + "\n\n" + text
    return text


def _first_line(c: Cable) -> str:
    if c.classification_line:
        return c.classification_line
    cl = c.classification
    if cl.admin_control == "LIMITED OFFICIAL USE":
        level = "LIMITED OFFICIAL USE"
    elif cl.level is Level.SBU:
        level = "UNCLAS SENSITIVE"
    else:
        level = cl.level.spaced
    controls = [x for x in cl.caveats if x in ("NOFORN",) and x not in c.captions]
    ctl = "".join(f"//{x}" for x in controls)
    section = f" SECTION {c.section[0]:02d} OF {c.section[1]:02d}" if c.section else ""
    mrn = c.mrn or (f"{c.origin} {c.reference_id.serial:06d}" if c.origin and c.reference_id
                    else "")
    return f"{level}{ctl}{section} {mrn}".rstrip()


def _paragraph(p: Paragraph) -> str:
    lead = f"{p.number}. " if p.number is not None else ""
    mark = f"({p.marking}) " if p.marking else ""
    # Blocks of a paragraph (sub-paragraphs, sentences after a blank line) each
    # start a line; a blank line between them keeps them apart when read back.
    return lead + mark + p.text.replace("\n", "\n\n")


def _render_text(c: Cable) -> str:
    blocks: list[str] = []
    if c.classification_line or c.mrn or c.origin:
        blocks.append(_first_line(c))
    if c.captions:
        blocks.append("\n\n".join(c.captions))
    blocks.extend(c.passing)
    head: list[str] = []
    if c.eo is not None:
        head.append(f"E.O. {c.eo}: {c.declassify_instruction or ''}".rstrip())
    if c.tags:
        head.append("TAGS: " + " ".join(t.code for t in c.tags))
    if c.subject is not None or c.subject_marking:
        subject = " ".join(x for x in (c.subject_marking, c.subject) if x)
        head.append(f"SUBJECT: {subject}")
    if head:
        blocks.append("\n".join(head))
    if c.references:
        blocks.append(f"REF: {_references(c)}")
    if c.classified_by is not None:
        blocks.append(f"Classified By: {c.classified_by.text}")
    for p in c.paragraphs:
        blocks.append(_paragraph(p))
    if c.signature:
        blocks.append("\n".join(c.signature))
    return "\n\n".join(blocks) + "\n"


def _references(c: Cable) -> str:
    """The REF block (T7): a lettered list, or references separated by ``;``.
    Cables read from one lettered item (``B. ALGIERS 110 AND ALGIERS 140``)
    share its letter and are written back as one item, comma-separated."""
    if not any(r.letter for r in c.references):
        return "; ".join(r.text for r in c.references)
    items: list[str] = []
    prev: str | None = None
    for r in c.references:
        if r.letter and r.letter == prev:
            items[-1] += f", {r.text}"
        else:
            items.append(f"{r.letter}. {r.text}" if r.letter else r.text)
        prev = r.letter
    return " ".join(items)
