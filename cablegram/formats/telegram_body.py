"""The numbered paragraphs of a telegram, their spans and the signature
(rules T9, T10, T11)."""

from __future__ import annotations

import re
from functools import lru_cache

from cablegram.formats.clean import repair_punctuation
from cablegram.model import Paragraph, Span

# T9: ``1. (C) text``; the number is followed by a space, ``(`` or the end
# (``1.4 (b)`` of a classified-by block is not a paragraph). The portion mark
# is kept as written: ``C``, ``S//NF``, ``SBU``, ``C - ENTIRE TEXT``.
T9_PARAGRAPH_RE = re.compile(
    r"^(?P<num>\d{1,3})\s?\.(?=\s|\(|$)\s*(?:\((?P<mark>[^()]{1,30})\)\.?)?\s*(?P<rest>.*)$"
)
# The same without ``rest``, for one line (no newline): the text is the line from
# ``m.end()`` on, without the regex walking it and copying it (speed, issue 2).
T9_PARAGRAPH_START_RE = re.compile(
    r"^(?P<num>\d{1,3})\s?\.(?=\s|\(|$)\s*(?:\((?P<mark>[^()]{1,30})\)\.?)?\s*"
)
# The inside of a portion mark begins with a level letter or word (T9, C1).
_T9_MARK_RE = re.compile(
    r"^\s*(?:TS|S|C|U|SBU|LOU|FOUO|CONFIDENTIAL|SECRET|UNCLASSIFIED|UNCLAS|"
    r"LIMITED OFFICIAL USE)(?![A-Za-z])",
    re.IGNORECASE,
)
# T9: a sub-paragraph starts with ``A.``, ``A)``, ``(A)``, ``(1)``, ``a.`` or a dash.
T9_SUBPARAGRAPH_RE = re.compile(
    r"^(?:[A-Za-z][.)]|\([A-Za-z0-9]{1,4}\)|\d{1,2}\)|-{1,2})\s"
)
# Sentence ends: a blank line after one separates blocks; a blank line in the
# middle of a sentence is a removed page break (T10) and is joined with a space.
_SENTENCE_END = frozenset('.:;!?")]')


# T11: a signature line is a short name: ``WHITNEY``, ``Whitehead``, ``RICE``.
T11_SIGNATURE_RE = re.compile(
    r"^[A-Za-z][A-Za-z'\-]*(?:\.?\s[A-Za-z][A-Za-z'.\-]*){0,3}(?<=[A-Za-z])$"
)
# The PlusD rendering glues a page number to the signature: ``WHITNEY619``.
_T11_TRAILING_DIGITS_RE = re.compile(r"^(?P<name>[A-Za-z][A-Za-z'\- ]*?[A-Za-z])\d{1,4}$")
# 1970s texts may set the signature at the end of the last text line, after a
# sentence and a run of spaces: ``... FOREIGN AFFAIRS.    PORTER`` (T11).
_T11_GLUED_RE = re.compile(r"^(?P<text>.*[.!?\"])[ \t]{3,}(?P<name>[A-Z][A-Z'\-]{1,30})$")
_NOT_SIGNATURES = frozenset({
    "END", "COMMENT", "SUMMARY", "TEXT", "END COMMENT", "END SUMMARY", "END TEXT", "NOTE",
    "END NOTE", "BT", "NNNN", "NNN", "SIPDIS", "UNQUOTE", "END QUOTE", "QUOTE",
})


# Portion marks repeat from paragraph to paragraph (speed, issue 2).
@lru_cache(maxsize=1024)
def portion_mark(inner: str | None) -> str | None:
    """The marking as written when ``inner`` is a portion mark, else None (T9)."""
    if inner is None or not _T9_MARK_RE.match(inner):
        return None
    return " ".join(inner.split())


def is_subparagraph(line: str) -> bool:
    # Cheap test first: most lines are running text (speed, issue 2).
    c0, c1 = line[:1], line[1:2]
    if not (c0 in ("(", "-") or c1 in (".", ")") or (c0.isdigit() and ")" in line[1:3])):
        return False
    return T9_SUBPARAGRAPH_RE.match(line) is not None


_MULTISPACE_RE = re.compile(r"[ \t]{2,}|\t")
# A run of two spaces or more (to be one): the literal two spaces first, which
# the regex engine finds faster than ``"  " in s`` does; one pass, where
# str.replace needs one per halving of the longest run (speed, issue 2).
_SPACE_RUN_RE = re.compile("   *")


class ParaBuilder:
    """A paragraph as it is read: number, mark and its text lines with separators.

    A plain class, not a dataclass: compiled, its ``__init__`` is native, where a
    dataclass's generated one runs interpreted (speed, issue 2).
    """

    __slots__ = ("chunks", "line", "marking", "number")

    def __init__(self, number: int | None, marking: str | None, line: int,
                 chunks: list[str] | None = None) -> None:
        self.number = number
        self.marking = marking
        self.line = line
        # The text lines, each after its separator: ``[sep, text, sep, text, ...]``,
        # flat so that build() joins them in one call (speed, issue 2). Every text
        # is a stripped, non-empty line (or a non-empty part of one), so the joined
        # text never starts or ends with a newline nor holds an empty line.
        self.chunks: list[str] = [] if chunks is None else chunks

    def __repr__(self) -> str:
        return (f"ParaBuilder(number={self.number!r}, marking={self.marking!r}, "
                f"line={self.line!r}, chunks={self.chunks!r})")

    def add(self, text: str, after_blank: bool) -> bool:
        """Append a text line; return True when a blank line inside a sentence was joined."""
        chunks = self.chunks
        if not chunks:
            chunks.append("")
            chunks.append(text)
            return False
        prev = chunks[-1]
        sub = is_subparagraph(text)
        joined = False
        if after_blank:
            if sub or (prev and prev[-1] in _SENTENCE_END):
                sep = "\n"
            else:
                sep, joined = " ", True
        else:
            sep = "\n" if sub else " "
        chunks.append(sep)
        chunks.append(text)
        return joined

    def build(self) -> tuple[Paragraph, int]:
        """The cleaned paragraph (A1 repaired) and the number of A1 repairs."""
        chunks = self.chunks
        # One line (speed): no join, and no newline to look for (a line holds none).
        single = len(chunks) == 2
        raw = chunks[0] + chunks[1] if single else "".join(chunks)
        # Runs of blanks to one space (a tab is rare: the other pattern then). A
        # text without two spaces in a row has no run: no call to sub (speed).
        if "\t" in raw:
            raw = _MULTISPACE_RE.sub(" ", raw)
        elif "  " in raw:
            raw = _SPACE_RUN_RE.sub(" ", raw)
        marking = self.marking
        if self.number is None and marking is None and raw[:1] == "(":
            # T9: a single paragraph is not numbered but still carries its mark.
            close = raw.find(")", 1, 32)
            found = portion_mark(raw[1:close]) if close > 0 else None
            if found is not None:
                marking, raw = found, raw[close + 1:].lstrip()
        text, repairs = repair_punctuation(raw)
        if not single and "\n" in text:
            subs = tuple(b for b in text.split("\n") if is_subparagraph(b))
        else:
            subs = (text,) if is_subparagraph(text) else ()
        return Paragraph(self.number, marking, text, subs), repairs


def take_signature(p: ParaBuilder) -> tuple[tuple[str, ...], list[str]]:
    """Remove the signature lines ending the last paragraph (T11).

    Returns the signature and notes about repairs (a page number glued on).
    """
    names: list[str] = []
    notes: list[str] = []
    chunks = p.chunks  # [sep, text, sep, text, ...]
    # Trailing lines without a letter (``>----`` left by a web page) are not text.
    while len(chunks) > 2 and not any(ch.isalpha() for ch in chunks[-1]):
        notes.append(f"trailing line {chunks[-1]!r} dropped")
        del chunks[-2:]
    while chunks and len(names) < 2:
        sep, text = chunks[-2], chunks[-1]
        s = text.strip()
        # Only a line ending in a digit (\d is a decimal digit) can hold glued
        # page digits: the pattern is not tried on the others (speed).
        m = _T11_TRAILING_DIGITS_RE.match(s) if s[-1:].isdecimal() else None
        if m is not None and not names:
            notes.append(f"digits after the signature {s!r} dropped")
            s = m["name"]
        if not T11_SIGNATURE_RE.match(s) or s.upper() in _NOT_SIGNATURES:
            break
        # A second name line only when it stands apart from the paragraph text.
        if (names and len(chunks) > 2 and sep != "\n"
                and chunks[-3].rstrip()[-1:] not in ".:;!?)"):
            break
        if len(chunks) == 2 and p.number is not None:
            break  # the paragraph's only line: text, not a signature
        names.insert(0, s)
        del chunks[-2:]
    # A glued signature follows three blanks or more (a tab among them): a line
    # without them is not tried (speed).
    if not names and chunks and ("   " in chunks[-1] or "\t" in chunks[-1]):
        g = _T11_GLUED_RE.match(chunks[-1])
        if g is not None and g["name"] not in _NOT_SIGNATURES:
            chunks[-1] = g["text"]
            names.append(g["name"])
            notes.append(f"signature {g['name']!r} split from the end of the last line")
    return tuple(names), notes


# The end of either span word in upper-cased text: one scan finds both words,
# skipping to each ``MM`` (a literal the regex engine looks for fast, speed).
_SPAN_TAIL_RE = re.compile("MM(?:ARY|ENT)")
_SPAN_WORDS = {"MMARY": ("SUMMARY", "summary", "SU"), "MMENT": ("COMMENT", "comment", "CO")}


def _span_events(text: str) -> list[tuple[int, str, bool]]:
    """Starts and ends of SUMMARY / COMMENT spans in one paragraph (T9): (pos, kind, start).

    A start is the word at the paragraph's start (``SUMMARY:``, ``(Comment)``,
    ``BEGIN SUMMARY``), ``(Summary:`` anywhere, or the upper-case word followed
    by a colon; an end is ``END SUMMARY`` / ``END OF COMMENT``. One scan for
    both words first: most paragraphs have neither. Events come in text order.
    """
    out: list[tuple[int, str, bool]] = []
    # An event needs the text to hold one of four spellings (``SUMMARY``,
    # ``Summary``, ``summary``, ``COMMENT``...: each holds one of them), and each
    # of those holds ``MM`` or ``mm``. The cheap test first, then the four: without
    # them the answer is none, and the upper-cased copy and its scan are skipped
    # (speed, issue 2: half the paragraphs with "mm" say "committee" or "command").
    if "mm" not in text and "MM" not in text:
        return out
    if not ("UMMAR" in text or "OMMEN" in text or "ummar" in text or "ommen" in text):
        return out
    upper = text.upper()
    found: list[tuple[int, str, str]] = []  # each word in ``upper``: pos, word, kind
    for m in _SPAN_TAIL_RE.finditer(upper):
        word, kind, head = _SPAN_WORDS[m[0]]
        pos = m.start() - 2
        if pos >= 0 and upper.startswith(head, pos):
            found.append((pos, word, kind))
    if not found:
        return out
    for pos, word, kind in found:
        # The text before the word, right-stripped, is ``upper[:j]`` (not copied).
        j = pos
        while j and upper[j - 1].isspace():
            j -= 1
        after = text[pos + 7:pos + 9].lstrip()[:1]
        if upper.endswith(("END", "END OF"), 0, j):
            out.append((pos, kind, False))
        elif (pos == 0 or upper[pos - 1] in " (") and (
                pos == 0 or (j <= 6 and upper[:j] in ("(", "BEGIN", "(BEGIN"))
                or (upper.endswith("(", 0, j) and after in (":", ".", ")"))
                or (text[pos:pos + 7] == word and after == ":")):
            out.append((pos, kind, True))
    return out


def find_spans(paragraphs: tuple[Paragraph, ...]) -> tuple[Span, ...]:
    """SUMMARY and COMMENT spans over paragraphs (T9)."""
    spans: list[Span] = []
    open_: dict[str, int] = {}
    for i, p in enumerate(paragraphs):
        for _pos, kind, is_start in _span_events(p.text):  # in text order
            if is_start:
                open_.setdefault(kind, i)
            elif kind in open_:
                first = open_.pop(kind)
                spans.append(Span(kind, _label(paragraphs, first), _label(paragraphs, i)))
    for kind, first in open_.items():
        spans.append(Span(kind, _label(paragraphs, first), _label(paragraphs, first)))
    spans.sort(key=lambda s: (s.first, s.kind))
    return tuple(spans)


def _label(paragraphs: tuple[Paragraph, ...], index: int) -> int:
    """A paragraph's number, or its 1-based position when unnumbered."""
    n = paragraphs[index].number
    return n if n is not None else index + 1
