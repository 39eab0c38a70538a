"""A cable as an HTML ``<article>`` fragment (writer), for pages that embed it.

Cable text is untrusted. Every piece of it goes through :func:`html.escape`
(quotes included, so it is safe in attributes too); bidi and other control
characters are then replaced by a visible ``<span class="ctl">U+202E</span>``
so that an override cannot reorder what the reader sees, and each text run is
isolated in ``<bdi>`` so that right-to-left text inside cannot spill over the
labels around it.
"""

from __future__ import annotations

import html

from cablegram.formats.markdown import CONTROL_RE, summary_rows
from cablegram.model import Cable, Paragraph


def esc(text: str) -> str:
    """Escape untrusted text for HTML content or a quoted attribute; show controls."""
    escaped = html.escape(text, quote=True)
    return CONTROL_RE.sub(
        lambda m: f'<span class="ctl" title="control character">U+{ord(m.group(0)):04X}</span>',
        escaped,
    )


def _bdi(text: str) -> str:
    return f"<bdi>{esc(text)}</bdi>"


def _attr(text: str) -> str:
    """An attribute value: escaped, controls shown as ``U+XXXX`` text (no markup)."""
    return html.escape(CONTROL_RE.sub(lambda m: f"U+{ord(m.group(0)):04X}", text), quote=True)


def _paragraph(p: Paragraph, index: int) -> str:
    anchor = f"p{p.number}" if p.number is not None else f"u{index}"
    parts = [f'<p class="paragraph" id="{anchor}">']
    if p.number is not None:
        parts.append(f'<span class="number">{p.number}.</span> ')
    if p.marking:
        parts.append(f'<span class="portion" data-marking="{_attr(p.marking)}">'
                     f"({esc(p.marking)})</span> ")
    parts.append(f'<span class="text">{_bdi(p.text.strip())}</span></p>')
    return "".join(parts)


def render_html_fragment(cable: Cable) -> str:
    """The cable as one ``<article class="cable">`` element; all text escaped."""
    rid = str(cable.reference_id) if cable.reference_id else ""
    level = cable.classification.level.label
    out = [f'<article class="cable" data-reference-id="{_attr(rid)}" '
           f'data-classification="{_attr(level)}">']
    title = rid or "Cable without reference id"
    out.append("<header>")
    out.append(f'<h1><span class="reference-id">{esc(title)}</span>'
               + (f' <span class="subject">{_bdi(cable.subject)}</span>' if cable.subject
                  else "") + "</h1>")
    out.append('<dl class="fields">')
    for label, value in summary_rows(cable):
        out.append(f"<dt>{esc(label)}</dt><dd>{_bdi(value)}</dd>")
    out.append("</dl>")
    out.append("</header>")
    out.append('<section class="text">')
    if cable.paragraphs:
        out.extend(_paragraph(p, i) for i, p in enumerate(cable.paragraphs, 1))
    else:
        out.append(f'<pre class="telegram">{esc(cable.cleaned or cable.raw)}</pre>')
    out.append("</section>")
    if cable.signature:
        out.append(f'<footer class="signature">{_bdi(" / ".join(cable.signature))}</footer>')
    if cable.warnings:
        out.append('<aside class="warnings"><ul>')
        out.extend(f"<li>{esc(str(w))}</li>" for w in cable.warnings)
        out.append("</ul></aside>")
    out.append("</article>")
    return "\n".join(out)
