"""Telegram text reader and writer: invented snippets naming the rule they test,
strict mode, and the raw telegrams of the corpus."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import corpus_path

from cablegram.errors import RuleError
from cablegram.formats.encoding import decode_bytes
from cablegram.formats.telegram import parse_telegram, render_telegram
from cablegram.model import Level, Precedence, TagKind

# An invented cable in the seed's layout.
SNIPPET = """VZCZCXRO1234
PP RUEHAB RUEHCD
DE RUEHZZ #0042/01 0451230
ZNY SSSSS ZZH
P R 141230Z FEB 08
FM AMEMBASSY ZENDA
TO RUEHC/SECSTATE WASHDC NIACT IMMEDIATE 0101
RUEHXY/AMEMBASSY RURITANIA 0202-0203
INFO RUEHXP/ALL RURITANIA POSTS COLLECTIVE PRIORITY
ZEN/AMCONSUL STRELSAU
RUEHAB/AMEMBASSY A VERY LONG NAME THAT
WRAPS ONTO A SECOND LINE PRIORITY 0303
XMT AMEMBASSY GRAUSTARK

S E C R E T SECTION 01 OF 02 ZENDA 000042

NOFORN
SIPDIS

DEPT FOR EUR/CE

E.O. 12958: DECL: 2018/02/14
TAGS: PREL PGOV KPAO NATO OVIP (RASSENDYLL, RUDOLF) RU
SUBJECT: (S) THE PRISONER OF ZENDA: CASTLE
TALKS RESUME

REF: A) STATE 1234 B) 07 ZENDA 88 C) Embassy email of March 3

Classified By: Ambassador Fritz von Tarlenheim for reasons 1.4 (b) and (d)

1. (S//NF) SUMMARY: The king met the &usurper8 in the castle ) the talks
were long. Ba,ath party observers attended. END SUMMARY.

2. (C) The queen said:
A. first point;
B. second point.

ZENDA 00000042  001.2 OF 002

3. (S) COMMENT: Talks will go on and on
and on. END COMMENT.
SIPDIS
TARLENHEIM
"""


@pytest.fixture(scope="module")
def cable():  # type: ignore[no-untyped-def]
    return parse_telegram(SNIPPET)


def test_h2_h6_header(cable) -> None:  # type: ignore[no-untyped-def]
    h = cable.header
    assert h.transmission_id == "VZCZCXRO1234"
    assert h.routing_precedence == "PP" and h.routing == ("RUEHAB", "RUEHCD")
    assert (h.station, h.station_serial, h.section, h.time_of_file) == ("RUEHZZ", 42, 1,
                                                                       "0451230")
    assert h.security_warning == "ZNY SSSSS" and h.operating_signals == ("ZZH",)
    assert h.dtg_prosigns == "P R"
    assert str(cable.dtg) == "141230Z FEB 08"
    assert cable.originator_name == "AMEMBASSY ZENDA" and cable.originator_ri == "RUEHZZ"


def test_h8_h9_addressees(cable) -> None:  # type: ignore[no-untyped-def]
    to0, to1 = cable.to
    assert to0.precedence is Precedence.NIACT_IMMEDIATE and to0.niact and to0.mcn == "0101"
    assert to1.precedence is Precedence.ROUTINE and to1.mcn == "0202-0203"  # ROUTINE unwritten
    assert to1.mcn_range == (202, 203)
    coll, zen, wrapped = cable.info
    assert coll.collective and coll.mcn is None and coll.precedence is Precedence.PRIORITY
    assert zen.zen and zen.ri is None and zen.name == "AMCONSUL STRELSAU"
    assert wrapped.name == "AMEMBASSY A VERY LONG NAME THAT WRAPS ONTO A SECOND LINE"
    assert wrapped.mcn == "0303" and wrapped.precedence is Precedence.PRIORITY
    assert [a.name for a in cable.xmt] == ["AMEMBASSY GRAUSTARK"]
    # P1: the highest action precedence
    assert cable.precedence is Precedence.NIACT_IMMEDIATE


def test_t1_t3_first_line_and_captions(cable) -> None:  # type: ignore[no-untyped-def]
    assert str(cable.reference_id) == "08ZENDA42"
    assert cable.section == (1, 2) and cable.mrn == "ZENDA 000042"
    assert cable.level is Level.SECRET
    assert cable.captions == ("NOFORN", "SIPDIS")
    assert cable.caveats == ("NOFORN", "SIPDIS")
    assert cable.classification.banner == "SECRET//NOFORN"
    assert cable.passing == ("DEPT FOR EUR/CE",)


def test_t4_t5_t6(cable) -> None:  # type: ignore[no-untyped-def]
    assert cable.eo == "12958" and cable.declassify_on == date(2018, 2, 14)
    kinds = {t.code: t.kind for t in cable.tags}
    assert kinds["PREL"] is TagKind.SUBJECT and kinds["KPAO"] is TagKind.PROGRAM
    assert kinds["NATO"] is TagKind.ORGANISATION and kinds["RU"] is TagKind.COUNTRY
    assert kinds["OVIP (RASSENDYLL, RUDOLF)"] is TagKind.PERSON
    assert cable.subject == "THE PRISONER OF ZENDA: CASTLE TALKS RESUME"
    assert cable.subject_marking == "(S)"


def test_t7_references(cable) -> None:  # type: ignore[no-untyped-def]
    refs = cable.references
    assert [r.letter for r in refs] == ["A", "B", "C"]
    assert str(refs[0].id) == "08STATE1234"  # year-less: the cable's year
    assert str(refs[1].id) == "07ZENDA88"
    assert refs[2].id is None and refs[2].text == "Embassy email of March 3"


def test_t8_classified_by(cable) -> None:  # type: ignore[no-untyped-def]
    cb = cable.classified_by
    assert cb.title == "Ambassador" and cb.name == "Fritz von Tarlenheim"
    assert cb.reasons == ("b", "d") and cb.authority == "1.4"


def test_t9_t11_paragraphs_spans_signature(cable) -> None:  # type: ignore[no-untyped-def]
    p1, p2, p3 = cable.paragraphs
    assert (p1.number, p1.marking, p2.marking, p3.marking) == (1, "S//NF", "C", "S")
    assert p1.portion is not None and p1.portion.controls == ("NF",)
    assert p2.subparagraphs == ("A. first point;", "B. second point.")
    # T10: the page marker is gone; A1: quotes, apostrophe, dash repaired
    assert "ZENDA 00000042" not in cable.cleaned
    assert p1.text.startswith('SUMMARY: The king met the "usurper" in the castle -- the talks')
    assert "Ba'ath" in p1.text
    assert p3.text == "COMMENT: Talks will go on and on and on. END COMMENT."
    assert {(s.kind, s.first, s.last) for s in cable.spans} == {("summary", 1, 1),
                                                                 ("comment", 3, 3)}
    assert cable.signature == ("TARLENHEIM",)
    rules = {w.rule for w in cable.warnings}
    assert {"A1", "A2", "T10"} <= rules
    assert cable.raw == SNIPPET


def test_round_trip_of_the_snippet(cable) -> None:  # type: ignore[no-untyped-def]
    from cablegram.formats.jsonform import record_view

    assert record_view(parse_telegram(render_telegram(cable))) == record_view(cable)


@pytest.mark.parametrize(
    ("line", "level", "banner"),
    [
        ("UNCLAS PARIS 001234", Level.UNCLASSIFIED, "UNCLASSIFIED"),  # T1
        ("UNCLAS SENSITIVE PARIS 001234", Level.SBU, "UNCLASSIFIED//FOR OFFICIAL USE ONLY"),
        ("LIMITED OFFICIAL USE ATHENS 2959", Level.SBU, "UNCLASSIFIED//FOR OFFICIAL USE ONLY"),
        ("CONFIDENTIAL SECTION 01 OF 08 NEW DELHI 005135", Level.CONFIDENTIAL, "CONFIDENTIAL"),
        ("SECRET//NOFORN STATE 001234", Level.SECRET, "SECRET//NOFORN"),  # C2
        ("T O P S E C R E T STATE 000001", Level.TOP_SECRET, "TOP SECRET"),
        ("S e c r e t berlin 001068", Level.SECRET, "SECRET"),
    ],
)
def test_t1_classification_line_forms(line: str, level: Level, banner: str) -> None:
    c = parse_telegram(f"{line}\n\nE.O. 12958: N/A\nTAGS: PREL\nSUBJECT: TEST\n\n1. (U) Text.\n")
    assert c.level is level and c.classification.banner == banner
    assert c.classification_line == line


def test_h10_old_form_without_header() -> None:
    text = ("P R 281848Z DEC 66\nFM AMEMBASSY ZENDA\nTO SECSTATE WASHDC PRIORITY\n"
            "INFO USCINCSO\nAMEMBASSY RURITANIA\n\nUNCLASSIFIED ZENDA 2481\n\n"
            "Original Telegram was Confidential but has since been\nde-classified\n\n"
            "E.O. 12958: DECL: DECLASSIFIED BY NARA 09/02/2009\nTAGS: EFIS AR\n"
            "SUBJECT: SEAS\n\n1. FIRST.\n\n2. SECOND.\n\nSACCIO\n")
    c = parse_telegram(text)
    assert str(c.reference_id) == "66ZENDA2481"
    assert c.header is not None and c.header.transmission_id is None
    assert c.header.dtg_prosigns == "P R" and c.precedence is Precedence.PRIORITY
    assert [a.name for a in c.info] == ["USCINCSO", "AMEMBASSY RURITANIA"]
    assert c.declassify_on is None  # declassified by NARA, not a DECL date
    assert any(w.rule == "A4" for w in c.warnings)  # archive notes dropped
    assert c.passing == ()
    assert c.signer == "SACCIO"


def test_single_unnumbered_paragraph() -> None:
    c = parse_telegram("UNCLAS ZENDA 000001\n\nE.O. 12958: N/A\nTAGS: PREL\nSUBJECT: X\n\n"
                       "The whole message is one\nparagraph of text.\n\nSMITH\n")
    assert [(p.number, p.text) for p in c.paragraphs] == [(None,
                                                           "The whole message is one "
                                                           "paragraph of text.")]
    assert c.signer == "SMITH"


def test_decode_bytes_latin1_crlf_bom() -> None:
    assert decode_bytes(b"\xb61. (C) Text\r\nNext\rLast") == "¶1. (C) Text\nNext\nLast"
    assert decode_bytes("\ufeffUNCLAS".encode()) == "UNCLAS"
    assert decode_bytes(b"\xff\xfe\x00") == "ÿþ\x00"  # never raises


# --- strict mode: the first broken rule raises RuleError naming line and rule ----------
@pytest.mark.parametrize(
    ("text", "rule", "line"),
    [
        ("O 321433Z MAY 07\nFM AMEMBASSY ZENDA\n\nUNCLAS ZENDA 000001\n\n1. (U) Hi.\n",
         "H6", 1),
        ("C O N F I D E N T I A L ZENDA 000001\n\nE.O. 12958: DECL: 01/01/2020\n"
         "TAGS: PREL\nSUBJECT: X\n\n1. (C) Marked.\n\n2. Not marked.\n", "T9", 9),
        ("C O N F I D E N T I A L ZENDA 000001\n\nTAGS: PREL\nSUBJECT: X\n\n1. (C) Hi.\n",
         "C4", None),
    ],
)
def test_strict_mode_raises_rule_error(text: str, rule: str, line: int | None) -> None:
    with pytest.raises(RuleError) as info:
        parse_telegram(text, strict=True)
    assert info.value.rule == rule and info.value.line == line
    assert f"[rule {rule}]" in str(info.value)
    # default mode: the same text reads, with a warning naming the rule
    c = parse_telegram(text)
    assert any(w.rule == rule for w in c.warnings)


def test_strict_mode_accepts_a_clean_cable() -> None:
    c = parse_telegram(render_telegram(parse_telegram(SNIPPET)), strict=True)
    assert str(c.reference_id) == "08ZENDA42"


def test_raw_telegrams_of_the_corpus() -> None:
    files = sorted(corpus_path("raw-telegrams").glob("*.txt"))
    assert len(files) == 24
    for f in files:
        c = parse_telegram(decode_bytes(f.read_bytes()))
        assert str(c.reference_id) == f.stem, (f.name, c.warnings[:3])
        assert c.dtg is not None and c.header is not None and c.paragraphs, f.name
        assert c.to, f.name


OLD_FORM = """LIMITED OFFICIAL USE

PAGE 01  ZENDA 02959  171944Z

ACTION EUR-25

INFO  OCT-01  EA-11  ISO-00

/096 W
---------------------     064536
R 171600Z MAY 74
FM AMEMBASSY ZENDA
TO SECSTATE WASHDC 3410
INFO AMEMBASSY LONDON

LIMITED OFFICIAL USE ZENDA 2959

E.O. 11652: N/A
TAGS: PINS, GR
SUBJECT: ARRESTS

REF: STATE 097844
1. INQUIRIES MADE BY EMBASSY ON
WHEREABOUTS OF TWO MEN.

2. DEPARTMENT MAY WISH EMPHASIZE
LIMITED OFFICIAL USE

LIMITED OFFICIAL USE

PAGE 02  ZENDA 02959  171944Z

ACKNOWLEDGED PARTY AFFILIATIONS.
TASCA

LIMITED OFFICIAL USE

NNN
"""


@pytest.mark.parametrize("strict", [False, True])
def test_h10_1970s_form_with_page_lines_and_distribution(strict: bool) -> None:
    c = parse_telegram(OLD_FORM, strict=strict)
    assert str(c.reference_id) == "74ZENDA2959" and str(c.dtg) == "171600Z MAY 74"
    assert [(a.name, a.mcn) for a in c.to] == [("SECSTATE WASHDC", "3410")]
    assert [a.name for a in c.info] == ["AMEMBASSY LONDON"]  # not the distribution INFO
    assert c.classification.admin_control == "LIMITED OFFICIAL USE"
    assert (c.eo, c.declassify_instruction) == ("11652", "N/A")
    assert [str(r.id) for r in c.references] == ["74STATE97844"]
    # the page banner and PAGE 02 line are gone; paragraph 2 is whole
    assert c.paragraphs[1].text == "DEPARTMENT MAY WISH EMPHASIZE ACKNOWLEDGED PARTY AFFILIATIONS."
    assert c.signature == ("TASCA",)


def test_t4_t5_tags_run_onto_the_eo_line() -> None:
    c = parse_telegram("C O N F I D E N T I A L ZENDA 000585\n\nSIPDIS\n\n"
                       "E.O. 12958: DECL: 10/29/2018 TAGS: MARR MASS NO\n\n"
                       "Classified By: DCM X for reasons 1.4 b and d\n\n1. (C) Text.\n\nSMITH\n"
                       ">----\n")
    assert c.declassify_instruction == "DECL: 10/29/2018"
    assert [t.code for t in c.tags] == ["MARR", "MASS", "NO"]
    assert c.signature == ("SMITH",)


def test_t6_t7_t8_blocks_going_on_after_a_blank_line() -> None:
    c = parse_telegram(
        "C O N F I D E N T I A L ZENDA 001946\n\nE.O. 12958: DECL: 08/24/2019\nTAGS: PREL\n"
        "SUBJECT: CASTLE HOLDS EMERGENCY\nSESSION AS\n\nDEBATE REACHES FEVER PITCH\n\n"
        "REF: (A) ZENDA 2336 (B) SMITH 12/14/07\n\nE-MAIL TO THE COMMAND CENTER\n\n"
        "Classified By: AMBASSADOR JOHN DOE FOR REASONS\n\n1.4 B, D\n\n1. (C) Text.\n")
    assert c.subject == "CASTLE HOLDS EMERGENCY SESSION AS DEBATE REACHES FEVER PITCH"
    assert [r.text for r in c.references] == ["ZENDA 2336",
                                              "SMITH 12/14/07 E-MAIL TO THE COMMAND CENTER"]
    assert c.references[1].id is None
    assert c.classified_by is not None and c.classified_by.reasons == ("b", "d")
    assert [p.number for p in c.paragraphs] == [1]


def test_t9_a_number_inside_a_sentence_is_not_a_paragraph() -> None:
    # WikiLeaks put ¶ before "24." when a date wrapped onto a new line (A3).
    c = parse_telegram("C O N F I D E N T I A L ZENDA 000001\n\nE.O. 12958: DECL: 01/01/2020\n\n"
                       "1. (C) One.\n\n2. (C) We met on July\n¶24.  He agreed.\n\n3. (U) Three.\n")
    assert [p.number for p in c.paragraphs] == [1, 2, 3]
    assert c.paragraphs[1].text == "We met on July 24. He agreed."


def test_t8_classified_by_with_a_portion_mark() -> None:
    c = parse_telegram("C O N F I D E N T I A L ZENDA 000001\n\nE.O. 12958: DECL: 01/01/2020\n"
                       "TAGS: PREL\nSUBJECT: X\n\n(U) Classified by Ambassador Eric Doe; "
                       "reasons: 1.5 (b,d).\n\n1. (C) Hi.\n")
    assert c.classified_by is not None
    assert (c.classified_by.name, c.classified_by.authority) == ("Eric Doe", "1.5")
    assert [p.number for p in c.paragraphs] == [1]
