"""Fixes of the telegram codec's second pass (issue 2), each named after its rule:
invented snippets first, then the real corpus file that showed the fault."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from conftest import corpus_path
from hypothesis import given
from hypothesis import strategies as st

from cablegram.formats import read_paths
from cablegram.formats.clean import _A1_CLOSE_RE, _A1_DASH_RE, _A1_OPEN_RE
from cablegram.formats.jsonform import record_view
from cablegram.formats.telegram import parse_telegram, render_telegram
from cablegram.formats.telegram_body import T9_PARAGRAPH_RE, T9_PARAGRAPH_START_RE
from cablegram.formats.telegram_head import CAPTION_WORDS, read_references, split_captions
from cablegram.formats.telegram_header import (
    H8_ADDRESSEE_RE,
    _read_addressee,
    read_addressee,
    split_addressee,
)
from cablegram.formats.wikileaks import parse_wikileaks_html
from cablegram.model import Cable, Level, ReferenceId

OLD_HEAD = """PAGE 01   STATE  012345

ORIGIN    XYZ-01

DRAFTED BY A/ BC: DEFOE
APPROVED BY A/ BC: GHIJK
P R 030405 Z JUN 74
FM SECSTATE WASHDC
TO  AMEMBASSY ZENDA PRIORITY

LIMITED OFFICIAL USE STATE 012345

E. O. 11652:  N/ A
TAGS:   PREL  XY

SUBJECT:   A VISIT

1.   PLEASE TELL THE MINISTER OF THE VISIT.
"""


def _read_one(path: str) -> Cable:
    records = list(read_paths([str(path)]))
    assert len(records) == 1 and isinstance(records[0], Cable), records
    return records[0]


# --- H6 / H10: a space before the Z of a 1970s DTG ------------------------------
def test_h6_dtg_with_space_before_z() -> None:
    c = parse_telegram(OLD_HEAD + "\nSMITH\n")
    assert c.dtg is not None
    assert c.dtg.when == datetime(1974, 6, 3, 4, 5, tzinfo=UTC)
    assert c.header is not None and c.header.dtg_prosigns == "P R"
    assert not [w for w in c.warnings if w.rule == "H6"]


def test_h6_dtg_space_before_z_corpus() -> None:
    c = _read_one(str(corpus_path("plusd-1970s", "1973STATE097844_b.html")))
    assert c.dtg is not None and c.dtg.when == datetime(1973, 5, 22, 18, 28, tzinfo=UTC)


# --- H1 / T11: tape signals after the signature are not names --------------------
@pytest.mark.parametrize("tape", ["NMAFVVZCZ", "NNNN", "NNN", "ZCZC", "ZZ"])
def test_h1_tape_line_is_not_a_signature(tape: str) -> None:
    c = parse_telegram(OLD_HEAD + f"\nSMITH\n\n\nLIMITED OFFICIAL USE\n{tape}\n")
    assert c.signature == ("SMITH",)
    assert tape not in c.paragraphs[-1].text
    assert tape not in c.cleaned.split("SUBJECT")[1]


def test_h1_tape_line_reported() -> None:
    c = parse_telegram(OLD_HEAD + "\nSMITH\nNMAFVVZCZ\n")
    assert any(w.rule == "H1" and "NMAFVVZCZ" in w.message for w in c.warnings)


def test_h1_tape_line_corpus() -> None:
    c = _read_one(str(corpus_path("cfpf-bodies", "train", "1973OSLO01967.txt")))
    assert c.signature == ("CROWE",)


def test_t11_signature_at_the_end_of_the_last_line() -> None:
    # 1970s texts may set the name after the last sentence and a run of spaces.
    text = OLD_HEAD.replace("OF THE VISIT.", "OF THE VISIT.    SMITH")
    c = parse_telegram(text)
    assert c.signature == ("SMITH",)
    assert c.paragraphs[-1].text == "PLEASE TELL THE MINISTER OF THE VISIT."
    assert any(w.rule == "T11" for w in c.warnings)


def test_t11_a_capital_word_after_one_space_stays_text() -> None:
    c = parse_telegram(OLD_HEAD.replace("OF THE VISIT.", "OF THE VISIT. SMITH"))
    assert c.signature == ()
    assert c.paragraphs[-1].text.endswith("VISIT. SMITH")


def test_t11_glued_signature_corpus() -> None:
    c = _read_one(str(corpus_path("plusd-1970s", "1973STATE097844_b.html")))
    assert c.signature == ("PORTER",)
    assert c.paragraphs[-1].text.endswith("MINISTER FOREIGN AFFAIRS.")


# --- T7: several cables in one REF item ---------------------------------------
@pytest.mark.parametrize("text", [
    "ZENDA 1091: ZENDA 263: STRELSAU 1603",
    "ZENDA 1091, ZENDA 263, STRELSAU 1603",
    "ZENDA 1091; ZENDA 263; STRELSAU 1603",
    "ZENDA 1091 AND ZENDA 263 AND STRELSAU 1603",
])
def test_t7_separated_references(text: str) -> None:
    refs = read_references(text, 2008)
    assert [r.id for r in refs] == [ReferenceId(8, "ZENDA", 1091), ReferenceId(8, "ZENDA", 263),
                                    ReferenceId(8, "STRELSAU", 1603)]
    assert [r.text for r in refs] == ["ZENDA 1091", "ZENDA 263", "STRELSAU 1603"]


@pytest.mark.parametrize("text", [
    "STATE CA-3400 NOV 2, 1966",  # a date, not a second cable
    "ZENDA 8760 AND PREVIOUS",
    "ZENDA 12 AND OTHERS, AND E-MAIL OF 3/4",
])
def test_t7_not_a_list_of_cables(text: str) -> None:
    assert len(read_references(text, 2008)) == 1


def test_t7_lettered_item_with_two_cables_keeps_its_letter() -> None:
    refs = read_references("A. ZENDA 111 B. ZENDA 110 AND 07 ZENDA 140", 2008)
    assert [(r.letter, r.id) for r in refs] == [
        ("A", ReferenceId(8, "ZENDA", 111)), ("B", ReferenceId(8, "ZENDA", 110)),
        ("B", ReferenceId(7, "ZENDA", 140))]


def test_t7_colon_list_in_a_telegram_round_trips() -> None:
    text = OLD_HEAD.replace("SUBJECT:   A VISIT\n", "SUBJECT:   A VISIT\n\nREF: A. ZENDA 1: "
                            "ZENDA 2 B. STATE 3\n")
    c = parse_telegram(text)
    assert [(r.letter, str(r.id)) for r in c.references] == [
        ("A", "74ZENDA1"), ("A", "74ZENDA2"), ("B", "74STATE3")]
    again = parse_telegram(render_telegram(c))
    assert again.references == c.references


def test_t7_colon_list_corpus() -> None:
    c = _read_one(str(corpus_path("cablegate-2011", "1972", "02", "72TEHRAN1164.html")))
    assert [str(r.id) for r in c.references] == ["72TEHRAN1091", "72TEHRAN263", "72MOSCOW1603"]


# --- T2: a Cablegate page whose text has no message reference number ---------------
def _page(table_id: str, text: str) -> bytes:
    cells = "".join(f"<td>{v}</td>" for v in (
        f"<a href='/cable/2000/11/{table_id}.html'>{table_id}</a>", "2000-11-29 13:01",
        "2010-12-08 21:09", "CONFIDENTIAL", "Embassy Zenda"))
    pre = text.replace("\n", "&#x000A;")
    return (f"<html><body><table class='cable'><tr>{cells}</tr></table>"
            f"<code><pre>{pre}</pre></code></body></html>").encode()


PARTIAL = """This record is a partial extract of the original cable.

291359Z Nov 00

1. (C) THE MINISTER CALLED.

SMITH
"""


def test_t2_reference_id_from_the_page_table() -> None:
    c = parse_wikileaks_html(_page("00ZENDA6677", PARTIAL))
    assert c.reference_id == ReferenceId(0, "ZENDA", 6677)
    assert c.origin == "ZENDA"
    assert any(w.rule == "T2" and "Reference ID" in w.message for w in c.warnings)


def test_t2_text_wins_over_the_page_table() -> None:
    text = "C O N F I D E N T I A L ZENDA 000042\n\n1. (C) THE MINISTER CALLED.\n"
    c = parse_wikileaks_html(_page("00ZENDA6677", text))
    assert c.reference_id is not None and c.reference_id.serial == 42
    assert any(w.rule == "T2" and "00ZENDA6677" in w.message for w in c.warnings)


def test_t2_matching_table_adds_no_warning() -> None:
    text = "C O N F I D E N T I A L ZENDA 006677\n\n1. (C) THE MINISTER CALLED.\n"
    c = parse_wikileaks_html(_page("00ZENDA6677", text))
    assert c.reference_id == ReferenceId(0, "ZENDA", 6677)
    assert not [w for w in c.warnings if w.rule == "T2"]


def test_t2_every_corpus_page_has_a_reference_id() -> None:
    root = corpus_path("cablegate-2010")
    for path in sorted(root.rglob("*.html")):
        c = parse_wikileaks_html(path.read_bytes(), path=str(path))
        assert c.reference_id is not None, path


# --- T1: a draft's classification line without a message reference number ---------
DRAFT_BODY = """
SIPDIS

E.O. 12958: DECL: 01/01/2019
TAGS: PREL XY
SUBJECT: A DRAFT

1. (C) THE MINISTER CALLED.

SMITH
"""


@pytest.mark.parametrize(("line", "level", "section"), [
    ("C O N F I D E N T I A L", Level.CONFIDENTIAL, None),
    ("SECRET", Level.SECRET, None),
    ("S E C R E T SECTION 01 OF 03", Level.SECRET, (1, 3)),
    ("UNCLAS", Level.UNCLASSIFIED, None),
    ("UNCLAS SENSITIVE", Level.SBU, None),
    ("T O P S E C R E T", Level.TOP_SECRET, None),
])
def test_t1_level_only_line(line: str, level: Level, section: tuple[int, int] | None) -> None:
    c = parse_telegram(line + "\n" + DRAFT_BODY)
    assert c.classification.level is level
    assert c.section == section
    assert c.classification_line == line
    assert c.reference_id is None and c.mrn is None
    assert c.captions == ("SIPDIS",)
    assert c.subject == "A DRAFT" and c.signature == ("SMITH",)
    assert any(w.rule == "T1" and "no message reference number" in w.message
               for w in c.warnings)


def test_t1_level_only_line_after_a_header() -> None:
    head = ("FM AMEMBASSY ZENDA\nTO SECSTATE WASHDC IMMEDIATE\nINFO AMEMBASSY STRELSAU\n\n")
    c = parse_telegram(head + "SECRET\n" + DRAFT_BODY)
    assert c.classification.level is Level.SECRET
    assert [a.name for a in c.info] == ["AMEMBASSY STRELSAU"]


def test_t1_banner_before_a_full_line_is_still_a_banner() -> None:
    # H10: the 1970s page banner repeats the level; the MRN line that follows wins.
    c = parse_telegram("LIMITED OFFICIAL USE\n\n" + OLD_HEAD)
    assert c.reference_id == ReferenceId(74, "STATE", 12345)
    assert c.classification_line == "LIMITED OFFICIAL USE STATE 012345"


# --- H8: the addressee reader agrees with the rule's pattern -----------------------
_ADDRESSEE_WORDS = ["RUEHC/", "ZEN/", "RUEHC /", "SECSTATE", "WASHDC", "AMEMBASSY", "NIACT",
                    "IMMEDIATE", "IMMED", "PRIORITY", "ROUTINE", "FLASH", "1234", "12345",
                    "0202-0203", "-", "1234-", "-5678", "\u0661\u0662\u0663\u0664", "/"]


@given(st.lists(st.sampled_from(_ADDRESSEE_WORDS), max_size=7))
def test_h8_split_addressee_matches_the_pattern(words: list[str]) -> None:
    s = " ".join(" ".join(words).split())
    m = H8_ADDRESSEE_RE.match(s)
    assert m is not None
    assert split_addressee(s) == (m["ri"], m["name"], m["prec"], m["mcn"])


@given(st.lists(st.sampled_from([*_ADDRESSEE_WORDS, "RUEHC/1234", "AFRICAN UNION", "ZEN/X"]),
                max_size=7), st.sampled_from([" ", "  ", " \t"]))
def test_h8_addressee_read_without_its_mcn_is_the_full_reading(words: list[str],
                                                                sep: str) -> None:
    # read_addressee reads the line before a plain MCN once for every MCN (speed).
    line = sep.join(words)
    assert read_addressee(line) == _read_addressee(" ".join(line.split()))


# --- A1: the quote patterns, reordered for speed, find what the rule's form finds ----
_A1_OPEN_SPEC = re.compile(r"(?:(?<=^)|(?<=[\s(\[/-]))&(?=[\w$'])")
_A1_CLOSE_SPEC = re.compile(r"(?<=[A-Za-z.,!?;:)\]'])[&8](?=[\s.,;:!?)\]-]|$)")
_A1_DASH_SPEC = re.compile(r"(?<= )\)(?= )")


@given(st.text(alphabet="&8 a(/-[.,)x\n$'Z", max_size=14), st.integers(0, 14))
def test_a1_quote_patterns_match_their_specification(text: str, pos: int) -> None:
    for fast, spec in ((_A1_OPEN_RE, _A1_OPEN_SPEC), (_A1_CLOSE_RE, _A1_CLOSE_SPEC),
                       (_A1_DASH_RE, _A1_DASH_SPEC)):
        a, b = fast.search(text, pos), spec.search(text, pos)
        assert (a and a.span()) == (b and b.span())


def test_single_unnumbered_paragraph_keeps_its_portion_mark_t9() -> None:
    text = (
        "C O N F I D E N T I A L OSLO 000100\n\nE.O. 12958: DECL: 05/16/2017\n"
        "TAGS: PREL NO\nSUBJECT: AN INVENTED SINGLE PARAGRAPH CABLE\n\n"
        "(C) The ministry said it would consider the invented proposal\n"
        "and reply next week.\n\nDOE\n"
    )
    c = parse_telegram(text)
    assert [(p.number, p.marking) for p in c.paragraphs] == [(None, "C")]
    assert c.paragraphs[0].text.startswith("The ministry said")
    assert c.signer == "DOE"
    again = parse_telegram(render_telegram(c))
    assert record_view(again) == record_view(c)
    # a parenthesis that is not a portion mark stays text
    other = parse_telegram(text.replace("(C) The ministry", "(Invented) The ministry"))
    assert other.paragraphs[0].marking is None
    assert other.paragraphs[0].text.startswith("(Invented) The ministry")


# --- Patterns and shortcuts reordered for speed read what the rule's form reads ------
@given(st.lists(st.sampled_from(["1", "12", "123", "4", ".", " ", "\t", "(", ")", "C", "S//NF",
                                 "SBU", "x", "\u00a0", "\x0c", "- ENTIRE TEXT", "text"]),
                max_size=9).map("".join))
def test_t9_paragraph_start_reads_what_the_full_pattern_reads(line: str) -> None:
    full, start = T9_PARAGRAPH_RE.match(line), T9_PARAGRAPH_START_RE.match(line)
    assert (full is None) == (start is None)
    if full is not None and start is not None:
        assert (full["num"], full["mark"], full["rest"]) == (
            start["num"], start["mark"], line[start.end():])


def _split_captions_spec(line: str) -> tuple[list[str], str]:
    # The reading before the first-word shortcut (T3).
    if re.match(r"^(?:[A-Z]+\s){0,2}SENSITIVE$", line.strip()):
        return [" ".join(line.split())], ""
    words = re.split(r"[\s,;/]+", line.strip())
    caps = []
    for w in words:
        u = w.upper().strip(".")
        if u not in CAPTION_WORDS:
            break
        caps.append(u)
    if not caps:
        return [], line.strip()
    return caps, " ".join(words[len(caps):]).strip()


@given(st.lists(st.sampled_from(["SIPDIS", "NOFORN", "nodis", "EXDIS.", "DEA", "SENSITIVE",
                                 "PASS", "TO", " ", ",", "/", ";", "\t", "x"]),
                max_size=6).map("".join))
def test_t3_split_captions_reads_what_the_rule_reads(line: str) -> None:
    assert split_captions(line) == _split_captions_spec(line)


# --- T7: a dash before the serial of a 1970s REF (seen in 1974ATHENS02959) -----------
def test_t7_dash_before_the_serial_is_a_cable_reference_in_the_dtg_year() -> None:
    assert [r.id for r in read_references("STATE -054321", 1974)] == [
        ReferenceId(74, "STATE", 54321)]
    c = parse_telegram(OLD_HEAD.replace("SUBJECT:   A VISIT\n",
                                        "SUBJECT:   A VISIT\n\nREF: STATE -054321\n"))
    assert [(r.text, r.id) for r in c.references] == [
        ("STATE -054321", ReferenceId(74, "STATE", 54321))]  # the year from the DTG (JUN 74)
    # A dash between two numbers is still no serial: ``STATE 1234-5`` is free text.
    assert [r.id for r in read_references("STATE 1234-5", 1974)] == [None]
