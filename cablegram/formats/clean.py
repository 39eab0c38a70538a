"""Repairs of the published text's artefacts (rules A1-A4, T10).

The raw text is never changed; these functions build the cleaned text that
paragraphs carry. Each pattern sits next to the rule it implements.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# --- A1: smart punctuation lost in transmission -----------------------------
# An opening double quote became ``&`` (``&penal sanctions&``); a closing one
# ``&`` or ``8``. An opening ``&`` sits at a word start and is followed by a
# word character; ``R&D`` and ``AT&T`` (letters on both sides) are not quotes.
# The literal comes first (speed: the regex engine skips to it); the lookbehind
# spans the ``&`` itself: not preceded by a character outside the set = at the
# start or after one of them.
_A1_OPEN_RE = re.compile(r"&(?<![^\s(\[/-]&)(?=[\w$'])")
# A closing quote after an opening one: ``&`` or ``8`` right after a letter or
# punctuation and before a space, punctuation or the end.
_A1_CLOSE_RE = re.compile(r"[&8](?<=[A-Za-z.,!?;:)\]'][&8])(?=[\s.,;:!?)\]-]|$)")
# An apostrophe became a comma inside a word: ``Ba,ath``, ``Betancourt,s``.
# The literal comma comes first so that the regex engine can skip to it (speed).
_A1_APOSTROPHE_RE = re.compile(r",(?<=[A-Za-z],)(?=[a-z])")
# A dash became ``)`` between spaces: ``talks ) which``. The literal comes
# first, as above (speed); the lookbehind spans the ``)`` itself.
_A1_DASH_RE = re.compile(r"\)(?<= \))(?= )")


def repair_punctuation(text: str) -> tuple[str, int]:
    """Repair A1 artefacts in one paragraph's text; return the text and the repair count."""
    count = 0
    if "&" in text:
        text, count = _repair_quotes(text)
    # Each pattern only where it can match: most commas are followed by a space,
    # and a ``)`` between spaces is rare; a call to subn costs more than these
    # tests (speed, issue 2).
    if "," in text and _comma_before_lowercase(text):
        text, n = _A1_APOSTROPHE_RE.subn("'", text)
        count += n
    # ")" first: a one-character search is many times cheaper than " ) " (speed);
    # the pattern matches exactly the ``)`` of each " ) ".
    if ")" in text and " ) " in text:
        text, n = _A1_DASH_RE.subn("--", text)
        count += n
    return text, count


def _comma_before_lowercase(text: str) -> bool:
    """Is a comma followed by a letter a-z somewhere in ``text``? Without one,
    ``_A1_APOSTROPHE_RE`` cannot match (A1)."""
    j = text.find(",")
    while j >= 0:
        c = text[j + 1:j + 2]
        if c and "a" <= c <= "z":
            return True
        j = text.find(",", j + 1)
    return False


def _repair_quotes(text: str) -> tuple[str, int]:
    """Pair ``&`` openers with the next ``&``/``8`` closer (A1)."""
    out: list[str] = []
    pos = 0
    count = 0
    while True:
        m = _A1_OPEN_RE.search(text, pos)
        if m is None:
            break
        close = _A1_CLOSE_RE.search(text, m.end())
        # A closer must come before the next opener, or the pairing is unsure.
        nxt = _A1_OPEN_RE.search(text, m.end())
        if close is None or (nxt is not None and nxt.start() < close.start()):
            out.append(text[pos:m.end()])
            pos = m.end()
            continue
        out.append(text[pos:m.start()])
        out.append('"')
        out.append(text[m.end():close.start()])
        out.append('"')
        pos = close.end()
        count += 1
    out.append(text[pos:])
    return "".join(out), count


# --- A3: the paragraph mark WikiLeaks added --------------------------------
PILCROW = "¶"


def strip_pilcrow(line: str) -> tuple[str, bool]:
    """Remove a leading ``¶`` (A3); ``¶ 15.`` and ``¶1.`` both lose the mark."""
    s = line.lstrip()
    if s.startswith(PILCROW):
        return s[1:].lstrip(), True
    return line, False


# --- A4: archive notes of cables transcribed from paper ---------------------
_A4_NOTE_RE = re.compile(
    r"^(?:Original Telegram was\b|de-?classified\s*$|Copy from the National Archives"
    r"|RG \d+:|\d{4}-\d{2} Central Foreign Policy File|File: [A-Z]"
    r"|Declassified/Released US Department of State"
    r"|-{5,}[- ]*$)",
    re.IGNORECASE,
)


# The first characters any A4 note can start with: most lines are rejected by
# this test alone (speed, issue 2).
_A4_FIRST = frozenset("OoDdCcRrFf-0123456789")


def is_archive_note(line: str) -> bool:
    """A line an archive added to a cable transcribed from paper (A4)."""
    s = line.strip()
    return ((s[:1] in _A4_FIRST or s[:1].isdecimal())  # \d is any decimal digit
            and _A4_NOTE_RE.match(s) is not None)


# --- T10: page markers of multi-section cables ------------------------------
# ``BAKU 00001835  001.2 OF 003``, ``Khartoum 00000881 002 of 002``.
_T10_MARKER_RE = re.compile(
    r"^[A-Za-z][A-Za-z .'-]*?\s+\d{8}\s+\d{3}(?:\.\d+)?\s+OF\s+\d{3}$", re.IGNORECASE
)
# The 1970s form (H10): ``PAGE 02  ATHENS 02959  171944Z``.
_H10_PAGE_RE = re.compile(r"^PAGE\s+\d{2,3}\b")


def is_page_marker(line: str) -> bool:
    """A page marker line to drop from the cleaned text (T10, H10)."""
    s = line.strip()
    if not s:
        return False
    if s[0] in "Pp" and _H10_PAGE_RE.match(s):
        return True
    return s[-1].isdigit() and " 0" in s and _T10_MARKER_RE.match(s) is not None


# --- A2: SIPDIS doubled or inserted after lines beginning "Secret" ----------
def is_sipdis(line: str) -> bool:
    return line.strip().upper() == "SIPDIS"


# --- The cleaned text of a telegram ------------------------------------------


def cleaned_text(head: Sequence[str], paragraphs: Iterable[tuple[int | None, str | None, str]],
                 signature: Sequence[str]) -> str:
    """A telegram's cleaned text: its head lines, then each paragraph (number,
    marking, text) as ``1. (C) text``, then the signature; a blank line after each
    part but the last, which ends with one newline (``"\\n"`` for no part at all).
    The parts are joined once: a paragraph's text is copied once (speed, issue 2).
    """
    out: list[str] = ["\n".join(head), "\n\n"] if head else []
    for number, marking, text in paragraphs:
        if number is not None:
            out.append(f"{number}. ")
        if marking:
            out.append("(")
            out.append(marking)
            out.append(") ")
        out.append(text)
        out.append("\n\n")
    if signature:
        out.append("\n".join(signature))
        out.append("\n\n")
    if not out:
        return "\n"
    out[-1] = "\n"  # the text ends with one newline
    return "".join(out)


def cleaned_tail(paragraphs: Iterable[tuple[int | None, str | None, str]],
                 signature: Sequence[str]) -> str:
    """:func:`cleaned_text` after its head: '' when there are neither paragraphs
    nor signature. The archive keeps a telegram's head alone and rebuilds the rest
    with this from the record (archive.store.pack_cleaned)."""
    rows = list(paragraphs)
    return cleaned_text((), rows, signature) if rows or signature else ""
