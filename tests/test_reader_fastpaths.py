"""The telegram reader's shortcuts (speed, issue 2) give what their plain form
gives: each shortcut beside the rule's plain reading, on generated inputs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cablegram._native import source_module
from cablegram.formats.clean import strip_pilcrow
from cablegram.formats.jsonform import to_json
from cablegram.formats.telegram_body import _SPACE_RUN_RE, _span_events
from cablegram.formats.telegram_head import _T8_REASONS_RE, _search_reasons, read_classified_by
from cablegram.formats.telegram_reader import TelegramReader
from cablegram.model import Source

# The plain reader below subclasses the reader's interpreted form (a class mypyc
# compiled cannot be subclassed from Python); the fast one is whichever form runs.
_SourceReader = source_module("cablegram.formats.telegram_reader").TelegramReader


# --- T9: SUMMARY and COMMENT spans -------------------------------------------------
def _span_events_plain(text: str) -> list[tuple[int, str, bool]]:
    """The rule's reading: every SUMMARY and COMMENT in the upper-cased text."""
    out: list[tuple[int, str, bool]] = []
    if not ("UMMAR" in text or "OMMEN" in text or "ummar" in text or "ommen" in text):
        return out
    upper = text.upper()
    for word in ("SUMMARY", "COMMENT"):
        kind = word.lower()
        pos = upper.find(word)
        while pos >= 0:
            before = upper[:pos].rstrip()
            after = text[pos + 7:pos + 9].lstrip()[:1]
            if before.endswith(("END", "END OF")):
                out.append((pos, kind, False))
            elif (pos == 0 or upper[pos - 1] in " (") and (
                    pos == 0 or before in ("(", "BEGIN", "(BEGIN")
                    or (before.endswith("(") and after in (":", ".", ")"))
                    or (text[pos:pos + 7] == word and after == ":")):
                out.append((pos, kind, True))
            pos = upper.find(word, pos + 7)
    return out


_SPAN_PIECES = st.sampled_from([
    "SUMMARY", "Summary", "summary", "SuMMARY", "COMMENT", "Comment", "comment", "MMARY",
    "MMENT", "SU", "CO", "END", "END OF", "BEGIN", "(", ")", ":", ".", " ", "  ", "\n",
    "\u00a0", "\u00df", "\u017f", "x", "recommend", "RECOMMEND",
])


@given(st.lists(_SPAN_PIECES, max_size=12).map("".join))
def test_t9_span_events_match_the_plain_reading(text: str) -> None:
    # The same events, and in text order (find_spans reads them in that order).
    assert _span_events(text) == sorted(_span_events_plain(text))


# --- T9: runs of spaces --------------------------------------------------------------
@given(st.text(alphabet=" a\n.", max_size=40))
def test_t9_space_runs_become_one_space(text: str) -> None:
    plain = text
    while "  " in plain:
        plain = plain.replace("  ", " ")
    assert _SPACE_RUN_RE.sub(" ", text) == plain


# --- T8: the reasons of a classified-by block -----------------------------------------
_T8_WORDS = st.sampled_from([
    "for", "the", "reason", "reasons", "REASONS", "Reason", "rea\u017fon", ",", ".", ";", ":",
    "1.4", "1.5", "(b)", "(d)", "and", "CHARGE", "T.", "Doe", "For", "THE", "fore", "x",
])


@given(st.lists(_T8_WORDS, max_size=10).map(" ".join))
def test_t8_reasons_search_matches_the_plain_search(text: str) -> None:
    fast, plain = _search_reasons(text), _T8_REASONS_RE.search(text)
    assert (fast and (fast.span(), fast.groups())) == (plain and (plain.span(), plain.groups()))
    read_classified_by(text)  # and the block still reads


# --- T9-T11: the body loop's fast paths -------------------------------------------------
class _PlainReader(_SourceReader):  # type: ignore[misc, valid-type]
    """The body loop without its fast paths: every line through _body_line."""

    def _read_body(self, start: int) -> int:
        for idx, line in enumerate(self.lines[start:], start):
            s = line.strip()
            if not s:
                self.pending_blank = True
                continue
            if s[0] == "\u00b6":
                s, _ = strip_pilcrow(s)
                if not s:
                    continue
            self._body_line(s, idx + 1)
            if not self.body_started:
                return idx + 1
        return len(self.lines)


_HEAD = ("C O N F I D E N T I A L OSLO 000100\n\nE.O. 12958: DECL: 05/16/2017\n"
         "TAGS: PREL NO\nSUBJECT: AN INVENTED CABLE\n\n")
# Body lines: running text long and short, and every kind _body_line treats
# apart (numbered with text, sub-paragraphs, page markers, banners, tape, SIPDIS).
_BODY_LINES = st.sampled_from([
    "1. (C) The ministry said it would consider the invented proposal.",
    "2. (C) Short start.", "3. Text.", "5. (C)", "6.",
    "The ministry said it would consider the proposal and",
    "reply next week after the holiday, the minister added.", "and reply.", "as he said,",
    "Post comment", "PAGE 02 OSLO 00000100 002 OF 002", "Oslo 00000100 002 of 002",
    "SECRET", "S E C R E T", "Secret text here", "CONFIDENTIAL", "SIPDIS", "NNNN", "BT",
    "ZZ1234", "NMAFVVZCZ", "A. First point of the list goes here.", "(A) Point.",
    "- dash item", "a) letter item", "1) numbered item", "\u00b64. (U) Marked paragraph.",
    "\u00b6", "", "", "Paper 12 of the day", "Page 2 of the text", "DOE", "x" * 45 + "1",
    "Done.  Spaces\tand tabs", "C O N F I D E N T I A L OSLO 000101",
    # blank lines and long running text, more often: the fast paths' cases
    "", "", "", "the minister added that the talks would go on next week",
    "The talks would go on next week, the minister said, and he",
    "said so at length in the meeting of the committee (see above)",
])


@settings(max_examples=400)
@given(st.lists(_BODY_LINES, min_size=4, max_size=16))
def test_t9_body_fast_paths_read_as_the_plain_loop(lines: list[str]) -> None:
    text = _HEAD + "\n".join(lines) + "\n"
    src = Source(format="telegram")
    fast = TelegramReader(text, src, False).read(raw=text)
    plain = _PlainReader(text, src, False).read(raw=text)
    assert to_json(fast) == to_json(plain)


def test_t9_a_numbered_line_without_text_then_a_long_line() -> None:
    """``1. (C)`` alone, then its text on a long line: the text does not start with a
    space (the long-line shortcut once added one before the paragraph's first words)."""
    text = _HEAD + "1. (C)\nThe ministry said it would consider the proposal and\nreply.\n"
    cable = TelegramReader(text, Source(format="telegram"), False).read(raw=text)
    assert cable.paragraphs[0].text == ("The ministry said it would consider the proposal "
                                        "and reply.")
