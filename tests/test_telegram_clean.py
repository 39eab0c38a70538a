"""Artefact repairs (A1-A4, T10), TAGS typing (T5), spans (T9) and the small
readers of the telegram head: table-driven, invented snippets."""

from __future__ import annotations

from datetime import date

import pytest

from cablegram.formats.clean import is_archive_note, is_page_marker, repair_punctuation
from cablegram.formats.tags import parse_tags
from cablegram.formats.telegram_body import find_spans
from cablegram.formats.telegram_head import (
    read_classified_by,
    read_declassify_on,
    read_first_line,
    read_references,
)
from cablegram.formats.telegram_header import read_addressee
from cablegram.model import Paragraph, Precedence, TagKind


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("the &penal sanctions& clause", 'the "penal sanctions" clause'),  # A1 & ... &
        ("he said &no way8 today", 'he said "no way" today'),  # A1 & ... 8
        ("the Ba,ath party", "the Ba'ath party"),  # A1 apostrophe
        ("Betancourt,s value", "Betancourt's value"),
        ("long talks ) which ended", "long talks -- which ended"),  # A1 dash
        ("R&D and AT&T stay", "R&D and AT&T stay"),  # not quotes
        ("one, two, three", "one, two, three"),  # real commas stay
        ("in 2008 8 ships", "in 2008 8 ships"),  # a digit is not a closing quote
    ],
)
def test_a1_repairs(raw: str, cleaned: str) -> None:
    assert repair_punctuation(raw)[0] == cleaned


@pytest.mark.parametrize(
    ("line", "marker"),
    [
        ("BAKU 00001835  001.2 OF 003", True),  # T10
        ("Khartoum 00000881 002 of 002", True),
        ("ABU DHABI 00001234  002 OF 004", True),
        ("PAGE 02  ATHENS 02959  171944Z", True),  # H10
        ("The talks lasted 2 of 3 days", False),
        ("OSLO 000525", False),
    ],
)
def test_t10_page_markers(line: str, marker: bool) -> None:
    assert is_page_marker(line) is marker


@pytest.mark.parametrize(
    ("line", "note"),
    [
        ("Original Telegram was Confidential but has since been", True),  # A4
        ("de-classified", True),
        ("Copy from the National Archives", True),
        ("--------------------------------------------- ----", True),
        ("Declassified/Released US Department of State EO Systematic Review 30 JUN 2005", True),
        ("DEPT FOR EUR/WE", False),
    ],
)
def test_a4_archive_notes(line: str, note: bool) -> None:
    assert is_archive_note(line) is note


def test_t5_tag_kinds() -> None:
    tags = parse_tags("ovip (steinberg, james b.), prel, KPAO, nato, IAEA, NO, UNSC")
    assert [(t.code, t.kind) for t in tags] == [
        ("OVIP (STEINBERG, JAMES B.)", TagKind.PERSON), ("PREL", TagKind.SUBJECT),
        ("KPAO", TagKind.PROGRAM), ("NATO", TagKind.ORGANISATION),
        ("IAEA", TagKind.ORGANISATION), ("NO", TagKind.COUNTRY),
        ("UNSC", TagKind.ORGANISATION),
    ]


@pytest.mark.parametrize(
    ("instruction", "on"),
    [
        ("DECL: 05/16/2016", date(2016, 5, 16)),  # T4
        ("DECL: 2020/01/19", date(2020, 1, 19)),
        ("DNG: CO 05/16/2016", date(2016, 5, 16)),
        ("GDS 8/12/85 (TOMSETH, VICTOR L.) OR-P", date(1985, 8, 12)),
        ("DECL: MR", None), ("DECL: OADR", None), ("N/A", None), ("GDS", None),
        ("DECL: DECLASSIFIED BY NARA 09/02/2009", None),
        ("DECL: 13/45/2016", None),  # no such date: none, never a crash
    ],
)
def test_t4_declassify_on(instruction: str, on: date | None) -> None:
    assert read_declassify_on(instruction) == on


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A. STATE 1234 B. 06 PARIS 5733", [("A", "08STATE1234"), ("B", "06PARIS5733")]),
        ("A) ZENDA 12 B) SECSTATE 99", [("A", "08ZENDA12"), ("B", "08STATE99")]),
        ("(A) STATE 1 (B) OSC REPORT", [("A", "08STATE1"), ("B", None)]),
        ("STATE 106206 CIRCULAR; STATE CA-3400 NOV 2", [(None, "08STATE106206"), (None, None)]),
        ("09 SAN SALVADOR 1101", [(None, "09SANSALVADOR1101")]),
    ],
)
def test_t7_references(text: str, expected: list[tuple[str | None, str | None]]) -> None:
    refs = read_references(text, 2008)
    assert [(r.letter, str(r.id) if r.id else None) for r in refs] == expected


@pytest.mark.parametrize(
    ("text", "title", "name", "reasons", "authority"),
    [
        ("Deputy Chief of Mission, Kevin M. Johnson for reasons 1.4 b and d",
         "Deputy Chief of Mission", "Kevin M. Johnson", ("b", "d"), "1.4"),
        ("POL/MC Jane Roe for Reasons 1.4 (B) and (D)", "POL/MC", "Jane Roe", ("b", "d"), "1.4"),
        ("AMBASSADOR JOHN DOE. REASONS 1.5 (B) AND (D).", "AMBASSADOR", "JOHN DOE",
         ("b", "d"), "1.5"),
        ("CDA Ann Smith, reasons 1.4 (b,d)", "CDA", "Ann Smith", ("b", "d"), "1.4"),
    ],
)
def test_t8_classified_by(text: str, title: str, name: str, reasons: tuple[str, ...],
                          authority: str) -> None:
    cb = read_classified_by(text)
    assert (cb.title, cb.name, cb.reasons, cb.authority) == (title, name, reasons, authority)
    assert cb.text == text


@pytest.mark.parametrize(
    ("line", "ri", "name", "precedence", "mcn", "collective", "zen"),
    [
        ("RUEHC/SECSTATE WASHDC IMMEDIATE 5689", "RUEHC", "SECSTATE WASHDC",
         Precedence.IMMEDIATE, "5689", False, False),
        ("RUEHXP/ALL NATO POST COLLECTIVE IMMEDIATE", "RUEHXP", "ALL NATO POST COLLECTIVE",
         Precedence.IMMEDIATE, None, True, False),
        ("USMISSION USUN NEWYORK NIACT IMMEDIATE", None, "USMISSION USUN NEWYORK",
         Precedence.NIACT_IMMEDIATE, None, False, False),
        ("ZEN/AMCONSUL X", None, "AMCONSUL X", Precedence.ROUTINE, None, False, True),
        ("RUEHBY/AMEMBASSY CANBERRA 2276-2279", "RUEHBY", "AMEMBASSY CANBERRA",
         Precedence.ROUTINE, "2276-2279", False, False),
        ("SECSTATE WASHDC FLASH", None, "SECSTATE WASHDC", Precedence.FLASH, None, False, False),
    ],
)
def test_h8_addressee_lines(line: str, ri: str | None, name: str, precedence: Precedence,
                            mcn: str | None, collective: bool, zen: bool) -> None:
    a = read_addressee(line)
    assert (a.ri, a.name, a.precedence, a.mcn, a.collective, a.zen) == (
        ri, name, precedence, mcn, collective, zen)


def test_t1_unreadable_first_lines() -> None:
    assert read_first_line("CONFIDENTIAL") is None  # a bare banner has no MRN
    assert read_first_line("The embassy met 5") is None


@pytest.mark.parametrize(
    ("texts", "spans"),
    [
        (["SUMMARY: a. END SUMMARY.", "b."], {("summary", 1, 1)}),
        (["Summary: a.", "b. End Summary.", "(COMMENT: c. END comment)."],
         {("summary", 1, 2), ("comment", 3, 3)}),
        (["COMMENT. x.", "y. END", "z."], {("comment", 1, 1)}),
        (["He made no comment: none.", "No summary."], set()),
    ],
)
def test_t9_spans(texts: list[str], spans: set[tuple[str, int, int]]) -> None:
    paras = tuple(Paragraph(i, "C", t) for i, t in enumerate(texts, start=1))
    assert {(s.kind, s.first, s.last) for s in find_spans(paras)} == spans
