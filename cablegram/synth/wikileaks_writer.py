"""Write a cable as a WikiLeaks Cablegate page (the layout of corpus/cablegate-2010).

The page is what the reader in ``cablegram.formats.wikileaks`` expects: a
5-cell table (Reference ID, Created, Released, Classification, Origin) and
two ``<code><pre>`` blocks, the transmission header and the text, with
``&#x000A;`` for every newline, ``/tag/`` links on the TAGS line and ``¶``
anchors before paragraph numbers (A3). Cable text is escaped; the page names
no other host. Unlike the 2010 release, our table's minutes are right.
"""

from __future__ import annotations

import html
import re

from cablegram.model import Cable

_NL = "&#x000A;"
# A3: WikiLeaks put a ``¶`` anchor before each paragraph number at a line start.
_PARA_RE = re.compile(r"^(\d{1,3})\. ", re.MULTILINE)
_TAGS_RE = re.compile(r"^TAGS: (.*)$", re.MULTILINE)
_OFFICES = (("AMEMBASSY ", "Embassy "), ("AMCONSUL ", "Consulate "),
            ("USMISSION ", "Mission "), ("USOFFICE ", "Office "))


def origin_label(cable: Cable) -> str:
    """The table's Origin cell: ``Embassy Oslo``, ``Secretary of State``."""
    name = cable.originator_name or cable.origin or ""
    if cable.origin == "STATE":
        return "Secretary of State"
    for prefix, label in _OFFICES:
        if name.startswith(prefix):
            return label + name[len(prefix):].title()
    return name.title()


def split_telegram(text: str) -> tuple[str, str]:
    """The transmission header (up to the first blank line) and the text after it."""
    head, sep, body = text.partition("\n\n")
    if not sep or not head.startswith(("VZCZC", "Z ", "O ", "P ", "R ")):
        return "", text
    return head, body.lstrip("\n")


def _body_html(body: str) -> str:
    esc = html.escape(body, quote=False)

    def tags(m: re.Match[str]) -> str:
        links = " ".join(f"<a href='/tag/{t}_0.html'>{t}</a>" for t in m.group(1).split())
        return f"TAGS: {links}"

    esc = _TAGS_RE.sub(tags, esc, count=1)
    esc = _PARA_RE.sub(lambda m: f"<a id='par{m[1]}' href='#par{m[1]}'>¶</a>{m[1]}. ", esc)
    return esc.replace("\n", _NL)


def page(cable: Cable, text: str, *, released: str = "2010-11-28 18:06") -> str:
    """The Cablegate page of a cable whose telegram text is ``text``."""
    rid = str(cable.reference_id) if cable.reference_id else "UNKNOWN"
    when = cable.dtg.when if cable.dtg else None
    created = f"{when:%Y-%m-%d %H:%M}" if when else ""
    ym = f"{when:%Y/%m}" if when else "0000/00"
    head, body = split_telegram(text)
    esc = html.escape
    level = cable.classification.level.label.lower()
    subject = esc(cable.subject or "")
    return (
        "<?xml version='1.0' encoding='utf-8' ?>\n"
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        "<html lang='en' xml:lang='en' xmlns='http://www.w3.org/1999/xhtml'>\n"
        "<head>\n<title>Cable Viewer</title>\n</head>\n<body>\n<div class='main'>\n"
        "<div class='pane big'>\n"
        f"<h3>Viewing cable {esc(rid)}, {subject}</h3>\n"
        "<table class='cable'>\n<tr>\n<th>Reference ID</th>\n<th>Created</th>\n"
        "<th>Released</th>\n<th>Classification</th>\n<th>Origin</th>\n</tr>\n<tr>\n"
        f"<td>\n<a href='/cable/{ym}/{esc(rid)}.html'>{esc(rid)}</a>\n</td>\n"
        f"<td>\n<a href='/date/{ym.replace('/', '-')}_0.html'>{created}</a>\n</td>\n"
        f"<td>\n<a href='/reldate/{released[:10]}_0.html'>{released}</a>\n</td>\n"
        f"<td>\n<a href='/classification/0_0.html' title='{level}'>"
        f"{esc(cable.classification.banner)}</a>\n</td>\n"
        f"<td>\n<a href='/origin/0_0.html'>{esc(origin_label(cable))}</a>\n</td>\n"
        "</tr>\n</table>\n"
        f"<code><pre>{esc(head, quote=False).replace(chr(10), _NL)}</pre></code>\n"
        f"<code><pre>{_body_html(body)}</pre></code>\n"
        "</div>\n</div>\n</body>\n</html>\n"
    )
