"""The line loop of :func:`cablegram.formats.telegram.parse_telegram`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from cablegram.errors import RuleError
from cablegram.formats.clean import (
    cleaned_text,
    is_archive_note,
    is_page_marker,
    strip_pilcrow,
)
from cablegram.formats.tags import is_tag_continuation, parse_tags
from cablegram.formats.telegram_body import (
    _SENTENCE_END,
    T9_PARAGRAPH_START_RE,
    ParaBuilder,
    find_spans,
    portion_mark,
    take_signature,
)
from cablegram.formats.telegram_head import (
    T1_BARE_LEVEL_RE,
    T4_EO_RE,
    T5_TAGS_RE,
    T6_SUBJECT_RE,
    T7_LETTER_START_RE,
    T7_REF_RE,
    T8_CLASSIFIED_BY_RE,
    FirstLine,
    read_classified_by,
    read_declassify_on,
    read_first_line,
    read_references,
    split_captions,
    split_subject_marking,
)
from cablegram.formats.telegram_header import (
    H1_TAPE_LINE_RE,
    H2_TRANSMISSION_ID_RE,
    H3_RI_ONLY_RE,
    H3_ROUTING_RE,
    H4_DE_RE,
    H5_SECURITY_RE,
    H6_DTG_LINE_RE,
    H8_RI_START_RE,
    H10_DISTRIBUTION_RE,
    HeaderState,
    origin_from_fm,
    read_addressee,
)
from cablegram.model import (
    Addressee,
    Cable,
    Classification,
    Dtg,
    Level,
    Paragraph,
    ParseWarning,
    PortionMark,
    Precedence,
    ReferenceId,
    Source,
    TransmissionHeader,
)

# T8: the reasons of a classified-by block, on a line of their own after a blank.
T8_REASONS_START_RE = re.compile(r"^(?:\(?1\.[45]\b|(?:for\s+)?reasons?\b)", re.IGNORECASE)
T8_MARKED_RE = re.compile(r"^\((?:U|SBU|C|S)\)\s+(?=classified\s+by\b)", re.IGNORECASE)
T4_TAGS_INSIDE_RE = re.compile(r"\s+TAGS?\s*:\s*", re.IGNORECASE)
_END_LINES = frozenset({"BT", "NNNN", "NNN", "#"})
# A date for a text without a DTG, or a function giving it (or None) when asked.
FallbackDtg = Dtg | Callable[[], Dtg | None] | None
_FIELD_MODES = ("subject", "tags", "ref", "classified", "passing")


class TelegramReader:
    """Reads one telegram; create one per text."""

    def __init__(self, text: str, source: Source, strict: bool,
                 fallback_dtg: FallbackDtg = None, lines: list[str] | None = None) -> None:
        # A reader of another form may know the date when the text has no
        # DTG (WikiLeaks "partial extract" pages): used only then, with a warning.
        # It may pass a function instead, called only then.
        self.fallback_dtg = fallback_dtg
        # ``lines``: the text's lines, when the caller has them (see read_telegram).
        self.lines = text.split("\n") if lines is None else lines
        self.source = source
        self.strict = strict
        self.warnings: list[ParseWarning] = []
        self.h = HeaderState()
        self.addr_mode: str | None = None  # "to" | "info" | "xmt" while reading addressees
        self.ri_start: tuple[str, bool] | None = None  # last addressee, starts with RI/?
        self.first: FirstLine | None = None
        self.first_line_text: str | None = None
        self.captions: list[str] = []
        self.passing: list[str] = []
        self.eo: str | None = None
        self.decl: str | None = None
        self.tags_text: list[str] = []
        self.subject: list[str] = []
        self.ref: list[str] = []
        self.classified: list[str] = []
        self.mode: str | None = None
        self.head_seen = False  # E.O., TAGS or SUBJECT read: unknown lines are body text
        self.paras: list[ParaBuilder] = []
        self.body_started = False
        self.pending_blank = False
        self.kept: list[str] = []  # cleaned lines before the body
        self.lookahead: bool | None = None
        self.last_number: int | None = None  # of the last numbered paragraph

    # -- warnings ---------------------------------------------------------------
    def note(self, rule: str, message: str, line: int | None, *, repair: bool = False) -> None:
        """Record a broken rule, or (``repair=True``) a repair the format expects.

        Strict mode raises at the first broken rule. Repairs never raise: the
        artefacts of published text (A1-A4), page markers and banners (T10,
        H10) and the 1970s distribution block are part of real cables.
        """
        if self.strict and not repair and not rule.startswith("A"):
            raise RuleError(message, source=self.source.path, line=line, rule=rule)
        self.warnings.append(ParseWarning(rule, message, line))

    # -- the loop ---------------------------------------------------------------
    def read(self, raw: str) -> Cable:
        # Two loops (speed, issue 2): the head, line by line through every
        # recogniser; then the body, where most lines are running text. The body
        # loop hands back to the head loop when _body_line restarts the head.
        i, n = 0, len(self.lines)
        while i < n:
            i = self._read_body(i) if self.body_started else self._read_head(i)
        return self._finish(raw)

    def _read_head(self, start: int) -> int:
        """Lines from ``start`` (0-based) until the body starts; the next index."""
        # The methods are called through self, not bound to locals: compiled,
        # that is a direct call; a bound method is a generic call (speed, issue 2).
        lines = self.lines
        # By index, not enumerate() of a copied slice: a native loop (speed).
        for idx in range(start, len(lines)):
            i = idx + 1  # 1-based line number
            s = lines[idx].strip()
            if not s:
                self._blank()
                continue
            if s[0] == "¶":
                s, _ = strip_pilcrow(s)
                if not s:
                    continue
            if self._header_line(s, i):
                self.kept.append(s)
                continue
            if self._head_line(s, i):
                continue
            self._start_body(i)
            self._body_line(s, i)
            return i
        return len(self.lines)

    def _read_body(self, start: int) -> int:
        """Body lines from ``start`` until the end (or a restart of the head)."""
        # The open paragraph's chunks, when a running-text line may join it directly.
        parts = self.paras[-1].chunks if self.paras and self.first is not None else None
        pending = self.pending_blank  # a local in the loop (speed); synced around calls
        lines = self.lines
        for idx in range(start, len(lines)):  # by index, as in _read_head (speed)
            s = lines[idx].strip()
            if not s:
                pending = True
                continue
            c0 = s[0]
            if c0 == "¶":  # A3; s is stripped: strip_pilcrow(s) inlined (speed)
                s = s[1:].lstrip()
                if not s:
                    continue
                c0 = s[0]
            # Fast paths: a line of running text inside a paragraph; every case
            # _body_line treats specially is excluded.
            if (parts is not None and not c0.isdigit() and c0 not in "(-"
                    and not s[-1].isdigit()):
                if pending:
                    # A long line after a blank one in a numbered paragraph (speed):
                    # ParaBuilder.add(s, True), a new line after a sentence, else
                    # a page break joined (T10).
                    if (len(s) >= 40 and parts and s[1] not in ".)"
                            and self.paras[-1].number is not None):
                        if parts[-1][-1:] in _SENTENCE_END:
                            parts.append("\n")
                            parts.append(s)
                        else:
                            parts.append(" ")
                            parts.append(s)
                            self.note("T10", "paragraph joined across a blank line "
                                      "(page break)", idx + 1, repair=True)
                        pending = False
                        continue
                elif len(s) >= 40:
                    # (a paragraph with no text yet, "1. (C)" alone, takes its first
                    # line through ParaBuilder.add: no space before it, T9)
                    if s[1] not in ".)" and parts:
                        parts.append(" ")
                        parts.append(s)
                        continue
                # A short line (speed): what _body_line does with it when it is
                # no SIPDIS, end, tape (these hold no space), page or banner line
                # (T10, H10), nor a sub-paragraph: ParaBuilder.add(s, False).
                elif (len(s) > 6 and parts and s[1] not in ".)" and " " in s
                      and not (c0 in "Pp" and is_page_marker(s))
                      and not (c0 in "CSTUELcsteul" and T1_BARE_LEVEL_RE.match(s))):
                    parts.append(" ")
                    parts.append(s)
                    continue
            self.pending_blank = pending
            self._body_line(s, idx + 1)
            if not self.body_started:
                return idx + 1
            pending = self.pending_blank
            parts = self.paras[-1].chunks if self.paras and self.first is not None else None
        self.pending_blank = pending
        return len(self.lines)

    def _blank(self) -> None:
        if self.body_started:
            self.pending_blank = True
        else:
            self.addr_mode = None
            if self.mode in ("subject", "classified", "ref"):
                # These blocks may go on after a blank line (see _head_line).
                self.mode = self.mode + "-blank"
            elif self.mode in ("passing", "tags"):
                self.mode = None

    # -- H1-H10 -------------------------------------------------------------------
    def _header_line(self, s: str, i: int) -> bool:
        h = self.h
        c0 = s[0]
        if (self.first is not None and self.addr_mode is None and c0 not in "VZOPRQD"
                and not c0.isdigit() and s not in _END_LINES):
            # After the classification line only a new header's lines (which start
            # with one of these letters or a digit) or an end line can follow: the
            # head's lines (E.O., TAGS, SUBJECT, captions) skip every test below.
            return False
        if self.addr_mode is not None:
            if self.first is None and c0 in "CSTUELcsteul" and (
                    read_first_line(s) is not None or self._bare_first_line(s, i) is not None):
                self.addr_mode = None
                return False
            if (c0 not in "TIX" or not s.startswith(("TO ", "INFO ", "XMT "))) \
                    and self._addressee_line(s, i):
                return True
        if c0 == "V" and H2_TRANSMISSION_ID_RE.match(s):
            self._new_header(i)
            self.h.transmission_id = s
            self.h.started = True
            return True
        if (c0 in "ZOPR" and len(s) > 1 and s[1] == c0 and h.routing_precedence is None
                and h.station is None and (m := H3_ROUTING_RE.match(s))):
            h.routing_precedence = m["prec"]
            h.routing.extend(m["ris"].split())
            h.started = True
            return True
        if c0 in "RQ" and h.routing_precedence and h.station is None and H3_RI_ONLY_RE.match(s):
            h.routing.extend(s.split())
            return True
        if c0 == "D" and s.startswith("DE ") and (m := H4_DE_RE.match(s)):
            if h.station is not None:
                self._new_header(i)
            h = self.h
            h.station = m["ri"]
            h.station_serial = int(m["serial"])
            h.section = int(m["section"]) if m["section"] else None
            h.time_of_file = m["tof"]
            h.started = True
            if m["tof"] is None:
                self.note("H4", f"DE line without a time of file: {s!r}", i)
            return True
        if c0 == "Z" and (m := H5_SECURITY_RE.match(s)):
            h.security_warning = " ".join(m["warning"].split())
            h.operating_signals.extend(m["signals"].split())
            if m["rest"]:
                h.operating_signals.append(" ".join(m["rest"].split()))
            h.started = True
            return True
        if (c0.isdigit() or c0 in "ZOPR") and (m := H6_DTG_LINE_RE.match(s)):
            if h.dtg_text is not None:
                self._new_header(i)
                h = self.h
            h.dtg_prosigns = " ".join(m["prosigns"].split()) or None
            dtg_text = m["dtg"]
            if dtg_text[6] == " ":  # ``221828 Z MAY 73`` (H6, H10)
                dtg_text = dtg_text[:6] + dtg_text[7:].lstrip()
            h.dtg_text = dtg_text
            h.dtg_line = i
            h.operating_signals.extend(m["signals"].split())
            h.started = True
            return True
        if c0 == "F" and s.startswith("FM ") and self.first is None:
            if h.fm is not None:
                self._new_header(i)
                h = self.h
            fm = s[3:].strip()
            if "/" in fm and H8_RI_START_RE.match(fm):
                ri, _, fm = fm.partition("/")
                h.fm_ri = ri.strip()
            h.fm = fm
            h.started = True
            return True
        if c0 in "TIX" and h.fm is not None and self.first is None:
            for word, kind in (("TO ", "to"), ("INFO ", "info"), ("XMT ", "xmt")):
                if s.startswith(word):
                    self.addr_mode = kind
                    rest = s[len(word):].strip()
                    if rest:
                        h.addressees.append((kind, rest, i))
                    return True
        if s in _END_LINES:
            return True
        if (not h.started and self.first is None and not self.head_seen
                and (H10_DISTRIBUTION_RE.match(s) or is_page_marker(s)
                     or T1_BARE_LEVEL_RE.match(s))
                and self._bare_first_line(s, i) is None):
            self.note("H10", f"1970s distribution or page line skipped: {s!r}", i, repair=True)
            return True
        # The 1970s distribution block may also sit between the DTG and FM lines.
        return (h.dtg_text is not None and h.fm is None and self.first is None
                and H10_DISTRIBUTION_RE.match(s) is not None)

    def _addressee_line(self, s: str, i: int) -> bool:
        """An addressee line, or the wrapped end of the previous one (H8)."""
        h = self.h
        if not h.addressees or self.addr_mode is None:
            return False
        if s.startswith(("E.O.", "TAGS", "SUBJECT", "CLASSIFIED", "SIPDIS")):
            self.addr_mode = None
            return False
        kind, prev, line = h.addressees[-1]
        # Whether the previous line starts with ``RI/`` was found on it (speed).
        known = self.ri_start
        ri_style = (known[1] if known is not None and known[0] is prev
                    else H8_RI_START_RE.match(prev) is not None)
        starts_ri = H8_RI_START_RE.match(s) is not None
        if starts_ri or not ri_style:
            h.addressees.append((self.addr_mode, s, i))
            self.ri_start = (s, starts_ri)
        else:
            # An RI-style list: a line without ``RI/`` continues the previous name.
            joined = prev + " " + s
            h.addressees[-1] = (kind, joined, line)
            self.ri_start = (joined, ri_style)  # the same start
        return True

    def _new_header(self, i: int) -> None:
        if self.h.started:
            self.note("H1", "a second transmission header; the first one is replaced", i)
        self.h = HeaderState()
        self.addr_mode = None

    # -- T1-T8 ----------------------------------------------------------------------
    def _head_line(self, s: str, i: int) -> bool:
        if s[0] == "(" and (m := T8_MARKED_RE.match(s)):
            s = s[m.end():]  # ``(U) Classified by ...``: the block carries a portion mark
        c0 = s[0]
        # For the label tests below (10 characters at most): the start of
        # s.upper(), without upper-casing a whole paragraph line (speed).
        u = s[:10].upper()
        if c0.isdigit() and T9_PARAGRAPH_START_RE.match(s) and (self.first or self.head_seen):
            return False
        if self.first is None and c0 in "CSTUELcsteul" and (fl := read_first_line(s)):
            self.first = fl
            self.first_line_text = " ".join(s.split())
            self.kept.append(s)
            if fl.dropped_s:
                self.note("T1", f"classification line lacks its leading S: {s!r}", i)
            self.mode = None
            return True
        if self.first is None and (fl := self._bare_first_line(s, i)):
            # A draft's classification line: level and section, no MRN (T1).
            self.first = fl
            self.first_line_text = " ".join(s.split())
            self.kept.append(s)
            self.mode = None
            return True
        if c0 in "Ee" and (m := T4_EO_RE.match(s)):
            self.eo = m["eo"]
            rest = m["rest"]
            # A few cables run TAGS onto the E.O. line: ``DECL: 10/29/2018 TAGS: MARR``.
            tags_at = T4_TAGS_INSIDE_RE.search(rest)
            if tags_at is not None:
                rest, tags = rest[:tags_at.start()], rest[tags_at.end():]
                self.tags_text = [tags]
            self.decl = " ".join(rest.split()) or None
            self.head_seen = True
            self.mode = "tags" if tags_at is not None else None
            self.kept.append(s)
            return True
        if c0 in "Tt" and u.startswith("TAG") and (m := T5_TAGS_RE.match(s)):
            self.tags_text = [m["rest"]]
            self.head_seen = True
            self.mode = "tags"
            self.kept.append(s)
            return True
        if c0 in "Ss" and u.startswith("SUBJ") and (m := T6_SUBJECT_RE.match(s)):
            self.subject = [m["rest"] if m["rest"] is not None else m["rest2"]]
            self.head_seen = True
            self.mode = "subject"
            self.kept.append(s)
            return True
        if c0 in "Rr" and u.startswith("REF") and (m := T7_REF_RE.match(s)):
            self.ref.append(m["rest"])
            self.mode = "ref"
            self.kept.append(s)
            return True
        if c0 in "Cc" and u.startswith("CLASSIFIED") and (m := T8_CLASSIFIED_BY_RE.match(s)):
            self.classified = [m["rest"]]
            self.head_seen = True
            self.mode = "classified"
            self.kept.append(s)
            return True
        if is_archive_note(s):
            self.note("A4", f"archive note dropped: {s!r}", i)
            return True
        if is_page_marker(s):
            self.note("T10", f"page marker removed: {s!r}", i, repair=True)
            return True
        caps, rest = split_captions(s)
        if caps and self.mode in (None, "passing", "ref-blank", "subject-blank",
                                  "classified-blank"):
            for cap in caps:
                if cap in self.captions:
                    self.note("A2", f"caption {cap} repeated", i)
                else:
                    self.captions.append(cap)
            if rest:
                self.passing.append(rest)
            self.kept.append(s)
            self.mode = None
            return True
        mode = self.mode
        if mode == "tags":
            if self.tags_text[-1].rstrip().endswith(",") or is_tag_continuation(s):
                self.tags_text.append(s)
                self.kept.append(s)
                return True
            self.mode = mode = None
        if mode == "subject" or (mode == "subject-blank" and self._head_field_ahead(i)):
            self.subject.append(s)
            self.mode = "subject"
            self.kept.append(s)
            return True
        if mode == "classified" or (mode == "classified-blank"
                                    and T8_REASONS_START_RE.match(s)):
            self.classified.append(s)
            self.mode = "classified"
            self.kept.append(s)
            return True
        if mode == "ref" or (mode == "ref-blank" and (T7_LETTER_START_RE.match(s)
                                                      or self._head_field_ahead(i))):
            self.ref.append(s)
            self.mode = "ref"
            self.kept.append(s)
            return True
        if self.head_seen or self.classified:
            return False
        if self.first is not None:
            if mode == "passing":
                self.passing[-1] += " " + " ".join(s.split())
            else:
                self.passing.append(" ".join(s.split()))
            self.mode = "passing"
            self.kept.append(s)
            return True
        if T1_BARE_LEVEL_RE.match(s) or not self.h.started or self._first_line_ahead(i):
            self.note("T1", f"line before the classification line skipped: {s!r}", i)
            return True
        return False

    def _bare_first_line(self, s: str, i: int) -> FirstLine | None:
        """A classification line without an MRN (T1), when no full one follows: a
        draft's; before a full line it is a 1970s page banner (H10)."""
        if s[0] not in "CSTUELcsteul" or len(s) > 60:
            return None
        fl = read_first_line(s, bare=True)
        if fl is None or self._first_line_ahead(i):
            return None
        return fl

    def _head_field_ahead(self, i: int) -> bool:
        """A SUBJECT or REF block goes on after a blank line when a REF or
        classified-by line (T7, T8) still follows, before any paragraph."""
        for s in self.lines[i:i + 6]:
            s = s.strip()
            u = s[:10].upper()
            if u.startswith("CLASSIFIED"):
                return T8_CLASSIFIED_BY_RE.match(s) is not None
            if u.startswith("REF"):
                return T7_REF_RE.match(s) is not None
            if s[:1].isdigit() or s[:1] == "¶":
                return False
        return False

    def _first_line_ahead(self, i: int) -> bool:
        """Is there a classification line (T1) ahead, before any paragraph?"""
        if self.lookahead is None:
            self.lookahead = False
            for s in self.lines[i:i + 60]:
                s = s.strip().lstrip("¶ ")
                if not s:
                    continue
                if s[0].isdigit() and T9_PARAGRAPH_START_RE.match(s):
                    break
                if s[0] in "CSTUELcsteul" and read_first_line(s):
                    self.lookahead = True
                    break
        return self.lookahead

    # -- T9-T11 ---------------------------------------------------------------------
    def _start_body(self, i: int) -> None:
        self.body_started = True
        self.pending_blank = False
        self.addr_mode = None
        self.mode = None

    def _body_line(self, s: str, i: int) -> None:
        c0 = s[0]
        if (self.first is None and c0 in "CSTUELcsteul" and self.last_number is None
                and read_first_line(s) is not None):
            # The classification line after a printout's own header (a form
            # from the messaging system's database): what came before it was
            # that printout, not the cable's head.
            self.note("T1", "text before the classification line dropped", i)
            self._restart_head()
            self._head_line(s, i)
            return
        if c0.isdigit() and (m := T9_PARAGRAPH_START_RE.match(s)):
            num = int(m["num"])
            last = self.last_number
            if last is None or num == last + 1 or (num > last and not self._mid_sentence()):
                if last is not None and num != last + 1:
                    self.note("T9", f"paragraph {num} follows paragraph {last}", i)
                written = m["mark"]
                mark = portion_mark(written)
                rest = s[m.end():]
                if written is not None and mark is None:
                    rest = f"({written}) {rest}".strip()
                # The text starts the paragraph's chunks as ParaBuilder.add would.
                self.paras.append(ParaBuilder(num, mark, i, ["", rest] if rest else []))
                self.last_number = num
                self.pending_blank = False
                return
        if len(s) < 40 or s[-1].isdigit():  # the rare lines below are short or end in a digit
            # Cheap checks before each pattern (speed): upper() never shortens a
            # string; a tape line has no space and holds N, Z or ZCZ; a banner
            # starts with a level's letter (as the head's checks do).
            if len(s) <= 6 and s.upper() == "SIPDIS":
                self.note("A2", "SIPDIS line inside the text removed", i)
                return
            if is_page_marker(s):
                self.note("T10", f"page marker removed: {s!r}", i, repair=True)
                self.pending_blank = False
                return
            if s in _END_LINES:
                return
            if (len(s) < 40 and " " not in s and (s[0] in "NZ" or "ZCZ" in s)
                    and H1_TAPE_LINE_RE.match(s)):
                self.note("H1", f"tape signal {s!r} removed (not a signature, T11)", i,
                          repair=True)
                return
            if len(s) < 40 and s[0] in "CSTUELcsteul" and T1_BARE_LEVEL_RE.match(s):
                self.note("H10", f"page banner removed: {s!r}", i, repair=True)
                self.pending_blank = False
                return
        if not self.paras:
            self.paras.append(ParaBuilder(None, None, i))
        elif (self.pending_blank and self.paras[-1].number is None and self._unnumbered_only()
              and self.paras[-1].chunks and self.paras[-1].chunks[-1][-1:] in ".:;!?\")"):
            # Unnumbered text: blank lines after a sentence separate paragraphs (T9).
            self.paras.append(ParaBuilder(None, None, i))
        if self.paras[-1].add(s, self.pending_blank):
            self.note("T10", "paragraph joined across a blank line (page break)", i, repair=True)
        self.pending_blank = False

    def _restart_head(self) -> None:
        self.captions, self.passing, self.tags_text, self.subject = [], [], [], []
        self.ref, self.classified, self.paras, self.kept = [], [], [], []
        self.last_number = None
        self.eo = self.decl = None
        self.mode = None
        self.head_seen = False
        self.body_started = False
        self.pending_blank = False

    def _mid_sentence(self) -> bool:
        """Does the text so far stop inside a sentence? Then a number at the start of
        the next line (``July\n24.``, ``¶24.`` after WikiLeaks' marking) is not a paragraph."""
        if self.pending_blank or not self.paras or not self.paras[-1].chunks:
            return False
        return self.paras[-1].chunks[-1][-1:] not in ".:;!?\")"

    def _unnumbered_only(self) -> bool:
        return all(p.number is None for p in self.paras)

    # -- assembly --------------------------------------------------------------------
    def _finish(self, raw: str) -> Cable:
        h = self.h
        fl = self.first
        dtg: Dtg | None = None
        if h.dtg_text is not None:
            try:
                dtg = Dtg.parse(h.dtg_text)
            except ValueError as exc:
                self.note("H6", f"bad date-time group {h.dtg_text!r}: {exc}", h.dtg_line)
        if dtg is None and self.fallback_dtg is not None:
            given = self.fallback_dtg
            # A function is called only now, when its date is needed (speed).
            fallback = given if isinstance(given, Dtg) else given()
            if fallback is not None:
                dtg = fallback
                self.note("H6", f"no date-time group in the text; {dtg} taken from the source",
                          None, repair=True)
        header = None
        if h.started:
            header = TransmissionHeader(
                transmission_id=h.transmission_id, routing_precedence=h.routing_precedence,
                routing=tuple(h.routing), station=h.station, station_serial=h.station_serial,
                section=h.section, time_of_file=h.time_of_file,
                security_warning=h.security_warning,
                operating_signals=tuple(h.operating_signals), dtg_prosigns=h.dtg_prosigns,
            )
        groups: dict[str, list[Addressee]] = {"to": [], "info": [], "xmt": []}
        for kind, text, _line in h.addressees:
            groups[kind].append(read_addressee(text))
        to, info, xmt = groups["to"], groups["info"], groups["xmt"]
        precedence = self._precedence(to, h)

        year = dtg.when.year if dtg else (fl.year if fl and fl.year is not None else None)
        rid: ReferenceId | None = None
        origin: str | None = None
        if fl is not None and set(fl.origin) == {"X"} and h.fm:
            # The origin was redacted (``XXXXXXXXXXXX 000004``): the FM line tells it (T2).
            fm_origin = origin_from_fm(h.fm)
            if fm_origin:
                self.note("T2", f"redacted origin read from the FM line: {fm_origin}", None)
                fl = replace(fl, origin=fm_origin)
        if fl is not None and not fl.bare:
            origin = fl.origin
            yy = year % 100 if year is not None else (fl.year if fl.year is not None else None)
            if yy is not None:
                rid = ReferenceId(yy, fl.origin, fl.serial)
            if h.station_serial is not None and fl.serial % 10000 != h.station_serial % 10000:
                self.note("H4", f"DE serial {h.station_serial} differs from the message "
                          f"reference serial {fl.serial}", None)
        else:
            if fl is not None:
                self.note("T1", "the classification line has no message reference number; "
                          f"level {fl.level.label} read from it", None)
            else:
                self.note("T1", "no classification line with a message reference number",
                          None)
            if h.fm and h.station_serial is not None and year is not None:
                origin = origin_from_fm(h.fm)
                if origin:
                    rid = ReferenceId(year % 100, origin, h.station_serial)
                    self.note("T2", f"reference id {rid} read from the FM and DE lines", None)

        classification = self._classification(fl, header)
        paragraphs, signature = self._paragraphs(classification.level)
        if self.first is not None:
            self._check_portions(classification, paragraphs)
        spans = find_spans(paragraphs)
        tags = parse_tags(" ".join(self.tags_text)) if self.tags_text else ()
        subject = " ".join(" ".join(self.subject).split()) or None
        marking = None
        if subject:
            marking, subject = split_subject_marking(subject)
            subject = subject or None
        refs = read_references(" ".join(self.ref), year) if self.ref else ()
        cb = read_classified_by(" ".join(self.classified)) if self.classified else None
        if classification.level >= Level.CONFIDENTIAL and self.first is not None \
                and self.eo is None:
            self.note("C4", "classified cable without an E.O. line", None)
        decl_on = read_declassify_on(self.decl) if self.decl else None
        cleaned = self._cleaned(paragraphs, signature)
        return Cable(
            raw=raw, reference_id=rid, header=header, dtg=dtg, precedence=precedence,
            originator_name=h.fm, originator_ri=h.station or h.fm_ri, origin=origin,
            to=tuple(to), info=tuple(info), xmt=tuple(xmt), classification=classification,
            classification_line=self.first_line_text, section=fl.section if fl else None,
            mrn=fl.mrn if fl and not fl.bare else None, captions=tuple(self.captions),
            passing=tuple(self.passing), eo=self.eo, declassify_instruction=self.decl,
            declassify_on=decl_on, tags=tags, subject=subject, subject_marking=marking,
            references=refs, classified_by=cb, paragraphs=paragraphs, spans=spans,
            signature=signature, cleaned=cleaned, warnings=tuple(self.warnings),
            source=self.source,
        )

    def _precedence(self, to: list[Addressee], h: HeaderState) -> Precedence:
        """The highest action precedence written; else the DTG prosign (P1, H6)."""
        written = [a.precedence for a in to if a.precedence is not Precedence.ROUTINE]
        if written:
            return max(written)
        if h.dtg_prosigns:
            try:
                return Precedence.from_prosign(h.dtg_prosigns.split()[0])
            except ValueError:
                pass
        if h.routing_precedence:
            try:
                return Precedence.from_prosign(h.routing_precedence[0])
            except ValueError:
                pass
        return Precedence.ROUTINE

    def _classification(self, fl: FirstLine | None, header: TransmissionHeader | None
                        ) -> Classification:
        """Level, controls and captions (C1, C2, T3): caveats in order, once each."""
        caveats: list[str] = []
        if fl is not None:
            level, admin, rel_to = fl.level, fl.admin_control, fl.rel_to
            caveats.extend(fl.controls)
        else:
            level, admin, rel_to = Level.UNCLASSIFIED, None, ()
            if header is not None and header.security_warning:
                level = _LEVEL_BY_WARNING.get(header.security_warning[-5:], Level.UNCLASSIFIED)
        for c in self.captions:
            if c not in caveats:
                caveats.append(c)
            # C1: a SENSITIVE caption on unclassified traffic makes it SBU.
            if c.endswith("SENSITIVE") and level is Level.UNCLASSIFIED:
                level, admin = Level.SBU, "SBU"
        return Classification(level, tuple(caveats), rel_to, admin)

    def _check_portions(self, cl: Classification, paragraphs: tuple[Paragraph, ...]) -> None:
        """C1: a cable's level is at least its highest portion mark.

        The record keeps the level its first line states (the archive tables do
        the same); a paragraph marked above it is reported.
        """
        if cl.level is Level.TOP_SECRET:
            return
        for p in paragraphs:
            level = _portion_level(p.marking) if p.marking else None
            if level is not None and level > cl.level and level >= Level.CONFIDENTIAL:
                self.note("C1", f"paragraph {p.number} is marked ({p.marking}), above the "
                          f"{cl.level.label} classification line", None)
                return

    def _paragraphs(self, level: Level) -> tuple[tuple[Paragraph, ...], tuple[str, ...]]:
        signature: tuple[str, ...] = ()
        if self.paras:
            signature, notes = take_signature(self.paras[-1])
            for n in notes:
                self.note("T11", n, None, repair=True)
            if not self.paras[-1].chunks and self.paras[-1].number is None:
                self.paras.pop()
        out: list[Paragraph] = []
        for p in self.paras:
            para, repairs = p.build()
            if repairs:
                self.note("A1", f"{repairs} punctuation artefact(s) repaired", p.line)
            if (level >= Level.CONFIDENTIAL and para.number is not None
                    and para.marking is None and self.first is not None):
                self.note("T9", f"paragraph {para.number} has no portion mark in a "
                          f"{level.label} cable", p.line)
            out.append(para)
        return tuple(out), signature

    def _cleaned(self, paragraphs: tuple[Paragraph, ...], signature: tuple[str, ...]) -> str:
        # As clean.cleaned_text writes it: the archive stores the head alone and
        # rebuilds the rest with clean.cleaned_tail.
        return cleaned_text(self.kept, [(p.number, p.marking, p.text) for p in paragraphs],
                            signature)


@lru_cache(maxsize=256)
def _portion_level(marking: str) -> Level | None:
    """The level of a portion mark as written (T9); markings repeat, so cached."""
    try:
        return PortionMark.parse(marking).level
    except ValueError:
        return None


_LEVEL_BY_WARNING = {
    "UUUUU": Level.UNCLASSIFIED, "EEEEE": Level.UNCLASSIFIED, "CCCCC": Level.CONFIDENTIAL,
    "SSSSS": Level.SECRET, "TTTTT": Level.TOP_SECRET,
}
