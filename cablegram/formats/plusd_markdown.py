"""The seed's form: a WikiLeaks PlusD page rendered as Markdown (07OSLO525).

Markdown artefacts undone before the telegram reader sees the text:
``**¶11.**`` is paragraph 1 (a ``¶1`` anchor followed by the text ``1.``),
``¶ 15.`` is paragraph 5, ``[MOPS](#)`` is a tag link, lines end in two
spaces (a Markdown line break). Blank lines where page breaks were removed
inside a paragraph, and ``&penal sanctions&`` (A1), are the telegram reader's
repairs.
"""

from __future__ import annotations

import re

from cablegram.formats.telegram import parse_telegram
from cablegram.model import Cable, Source

FORMAT = "plusd-markdown"

# A3 in Markdown: ``**¶11.**`` = anchor ¶1 + text "1."; the anchor's number
# repeats the paragraph's, so the mark and the doubled digits go.
_BOLD_PILCROW_RE = re.compile(r"^\*\*¶(?P<anchor>\d+)\.\*\*\s*", re.MULTILINE)
# ``¶ 15.``: anchor ¶1... then "5."? No: the anchor and the number run together
# with a space, ``¶ 1`` + ``5.`` where the anchor digit is a rendering of ¶.
_SPACED_PILCROW_RE = re.compile(r"^¶\s(?P<digits>\d+)\.\s", re.MULTILINE)
_LINK_RE = re.compile(r"\[([^\]]*)\]\(#?[^)]*\)")
_BOLD_RE = re.compile(r"\*\*([^*]+)\*\*")


def _paragraph_number(digits: str) -> str:
    """``11`` -> ``1``, ``15`` -> ``5``, ``110`` -> ``10``: drop the leading anchor digit 1."""
    return digits[1:] if len(digits) > 1 and digits[0] == "1" else digits


def markdown_to_telegram(text: str) -> str:
    """Undo the Markdown rendering; the result is telegram text."""
    text = text.replace("\r\n", "\n")
    text = _BOLD_PILCROW_RE.sub(lambda m: _paragraph_number(m["anchor"]) + ". ", text)
    text = _SPACED_PILCROW_RE.sub(lambda m: _paragraph_number(m["digits"]) + ". ", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _BOLD_RE.sub(r"\1", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def parse_plusd_markdown(text: str, *, path: str | None = None, strict: bool = False) -> Cable:
    """Read the seed's Markdown form into a Cable; raw keeps the Markdown unchanged."""
    cable = parse_telegram(markdown_to_telegram(text),
                           source=Source(format=FORMAT, path=path), strict=strict)
    from dataclasses import replace

    return replace(cable, raw=text)
