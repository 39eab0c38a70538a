"""Untrusted cable text made safe to render.

Cable text comes from anyone who published a cable. Jinja2's autoescape stops
live tags; this module adds what escaping does not do:

* bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and friends) can make
  text read differently from what it is ("Trojan Source", CVE-2021-42574), so
  every one is replaced by a visible ``[U+202E]`` marker before rendering;
* search snippets arrive as HTML (escaped text with ``<mark>``): only the
  ``<mark>`` tags are let through, anything else that looks like a tag is
  escaped again, in case a backend forgot.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

# Unicode bidirectional formatting characters (UAX #9, table 1) plus the
# Arabic letter mark: embeddings, overrides, isolates and implicit marks.
BIDI_CONTROLS_RE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The only markup a search snippet may carry.
MARK_TAG_RE = re.compile(r"(</?mark>)")


def _visible(m: re.Match[str]) -> str:
    return f"[U+{ord(m.group()):04X}]"


def neutralise(text: str) -> str:
    """The text with every bidi control replaced by a visible marker."""
    return BIDI_CONTROLS_RE.sub(_visible, text)


def finalize(value: Any) -> Any:
    """Jinja2 ``finalize`` hook: runs on every ``{{ }}`` before escaping.

    Markup (already safe HTML built by us) passes through; plain strings lose
    their bidi controls; ``None`` prints as nothing.
    """
    if value is None:
        return ""
    if isinstance(value, Markup):
        return Markup(neutralise(str(value)))
    if isinstance(value, str):
        return neutralise(value)
    return value


def snippet_html(snippet: str) -> Markup:
    """A search snippet as safe HTML: text escaped, ``<mark>`` kept."""
    parts = MARK_TAG_RE.split(snippet)
    out = []
    for part in parts:
        if part in ("<mark>", "</mark>"):
            out.append(part)
        else:
            # already escaped by the archive: escape only what is still a tag char
            out.append(part.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;"))
    html = "".join(out)
    # balance <mark> so a truncated snippet cannot swallow the rest of the page
    opened = html.count("<mark>") - html.count("</mark>")
    if opened > 0:
        html += "</mark>" * opened
    return Markup(neutralise(html))


def plain(text: str | None) -> Markup:
    """Escape and neutralise explicitly (for text built outside templates)."""
    return Markup(neutralise(str(escape(text or ""))))
