"""A cable as a readable Markdown page (writer).

The page is a title, a table of the header fields, the numbered paragraphs with
their portion marks, and the signature. Cable text is untrusted: every
character Markdown gives a meaning to is escaped with a backslash, so a cable
cannot inject links, images, HTML or headings into a page built from it; bidi
and other control characters are shown as visible ``⟨U+202E⟩`` escapes so that
they cannot reorder what the reader sees.

:func:`summary_rows` gives the header fields as ``(label, value)`` pairs; the
HTML writer and the ``parse`` command use it too, so all three agree.
"""

from __future__ import annotations

import re

from cablegram.model import Addressee, Cable, Paragraph

# Bidi embedding/override/isolate controls and marks, and the C0/C1 controls
# other than tab and newline: shown as visible escapes, never passed through.
CONTROL_RE = re.compile(
    "[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
    "\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
# ASCII punctuation with a meaning somewhere in CommonMark or GFM inline syntax
# (emphasis, code, links, images, autolinks, HTML, entities, tables, strikethrough).
MD_INLINE_RE = re.compile(r"([\\`*_{}\[\]<>()#!|~&])")
# At the start of a line: headings, block quotes, list bullets, thematic breaks,
# setext underlines and ordered-list numbers ``12.`` / ``12)``.
MD_LINE_START_RE = re.compile(r"^(\s*)([-+=>]|\d+(?=[.)]))")


def visible_controls(text: str) -> str:
    """Replace each control character with a visible ``⟨U+XXXX⟩``."""
    return CONTROL_RE.sub(lambda m: f"⟨U+{ord(m.group(0)):04X}⟩", text)


def escape_markdown(text: str) -> str:
    """Escape untrusted text for use as Markdown inline content, line by line."""
    lines = []
    for line in visible_controls(text).split("\n"):
        line = MD_INLINE_RE.sub(r"\\\1", line)
        m = MD_LINE_START_RE.match(line)
        if m:
            lead, token = m.group(1), m.group(2)
            rest = line[m.end():]
            # ``1.`` would start an ordered list: escape the dot, else the token itself
            line = (f"{lead}{token}\\{rest}" if token.isdigit()
                    else f"{lead}\\{token}{rest}")
        lines.append(line)
    return "\n".join(lines)


def _cell(text: str) -> str:
    """A table cell: one line, escaped (a ``|`` would end the cell)."""
    return escape_markdown(" ".join(text.split()))


def _addressees(items: tuple[Addressee, ...]) -> str:
    out = []
    for a in items:
        s = a.name
        if a.ri:
            s = f"{a.ri}/{s}"
        if a.precedence.word != "ROUTINE":
            s += f" {a.precedence.word}"
        if a.mcn:
            s += f" {a.mcn}"
        out.append(s)
    return "; ".join(out)


def summary_rows(cable: Cable) -> list[tuple[str, str]]:
    """The header fields worth showing, as ``(label, plain text)``; empty ones left out."""
    c = cable
    rows: list[tuple[str, str]] = [
        ("Reference ID", str(c.reference_id) if c.reference_id else ""),
        ("Date", f"{c.dtg.isoformat()} ({c.dtg})" if c.dtg else ""),
        ("From", " ".join(x for x in (c.originator_name, f"({c.originator_ri})"
                                      if c.originator_ri else None) if x)),
        ("To", _addressees(c.to)),
        ("Info", _addressees(c.info)),
        ("Classification", c.classification.level.label),
        ("Caveats", " ".join(c.classification.caveats)),
        ("Precedence", c.precedence.word),
        ("Section", f"{c.section[0]} of {c.section[1]}" if c.section else ""),
        ("E.O.", " ".join(x for x in (c.eo, c.declassify_instruction) if x)),
        ("TAGS", " ".join(t.code for t in c.tags)),
        ("Subject", " ".join(x for x in (c.subject_marking, c.subject) if x)),
        ("References", "; ".join(
            f"{r.letter + '. ' if r.letter else ''}{r.id or r.text}" for r in c.references)),
        ("Classified by", c.classified_by.text if c.classified_by else ""),
        ("Source", " ".join(x for x in (c.source.format, c.source.path) if x)),
    ]
    return [(k, v) for k, v in rows if v]


def _title(cable: Cable) -> str:
    rid = str(cable.reference_id) if cable.reference_id else "Cable without reference id"
    return f"{rid}: {cable.subject}" if cable.subject else rid


def _paragraph(p: Paragraph) -> str:
    lead = []
    if p.number is not None:
        lead.append(f"**{p.number}\\.**")
    if p.marking:
        lead.append(escape_markdown(f"({p.marking})"))
    text = escape_markdown(p.text.strip())
    return " ".join([*lead, text]) if lead else text


def _fence(text: str) -> str:
    """A fenced block longer than any backtick run inside, so the text cannot close it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{visible_controls(text)}\n{fence}"


def render_markdown(cable: Cable) -> str:
    """The cable as a Markdown page."""
    parts = [f"# {escape_markdown(_title(cable))}", "", "| Field | Value |", "|---|---|"]
    parts += [f"| {k} | {_cell(v)} |" for k, v in summary_rows(cable)]
    parts.append("")
    if cable.paragraphs:
        parts.append("## Text")
        parts.append("")
        for p in cable.paragraphs:
            parts.append(_paragraph(p))
            parts.append("")
    else:
        parts += ["## Telegram text", "", _fence(cable.cleaned or cable.raw), ""]
    if cable.signature:
        parts.append("— " + escape_markdown(" / ".join(cable.signature)))
        parts.append("")
    if cable.warnings:
        parts += ["## Reader's notes", ""]
        parts += [f"- {escape_markdown(str(w))}" for w in cable.warnings]
        parts.append("")
    return "\n".join(parts)
