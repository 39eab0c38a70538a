"""Drafts and their validation: every rule of docs/messaging.md with the line it names.

The drafts here are invented text in the cable format. Other messaging tests
import DRAFT, draft() and the fixtures from this module.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from cablegram.messaging.db import SqliteDb
from cablegram.messaging.directory import Directory
from cablegram.messaging.draft import load_draft, read_draft
from cablegram.messaging.rules import RULES
from cablegram.messaging.validate import validate
from cablegram.model import Level, Precedence

TODAY = date(2026, 5, 18)

DRAFT = """\
FM AMEMBASSY OSLO
TO SECSTATE WASHDC IMMEDIATE
INFO ALL NATO POST COLLECTIVE IMMEDIATE
RUEHBY/AMEMBASSY CANBERRA IMMEDIATE
RUEKJCS/SECDEF WASHINGTON DC PRIORITY
XMT AMEMBASSY LONDON

C O N F I D E N T I A L

SIPDIS

E.O. 12958: DECL: 05/16/2036
TAGS: MOPS PREL NATO NO
SUBJECT: HERRING QUOTAS: NORWAY ASKS FOR A
SECOND LOOK

REF: STATE 64981

Classified By: Deputy Chief of Mission, Jane Q. Example for
reasons 1.4 b and d

1. (C) SUMMARY: The fisheries ministry met us on Tuesday to ask for
a second look at the herring quota. END SUMMARY.

2. (U) The herring are plentiful this year, and the cod are not.

3. (C) COMMENT: We should listen. END COMMENT.

EXAMPLE
"""


def draft(**replace: str) -> str:
    """DRAFT with lines replaced: draft(**{"TAGS: MOPS PREL NATO NO": "TAGS: NO"})."""
    text = DRAFT
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def directory(tmp_path: Path) -> Directory:
    return Directory(SqliteDb(tmp_path / "msg.db"))


def problems(text: str, directory: Directory) -> list[tuple[str, int | None, str]]:
    report = validate(read_draft(text, "d.txt"), directory, TODAY)
    return [(p.rule, p.line, p.severity) for p in report.problems]


def errors(text: str, directory: Directory) -> list[tuple[str, int | None]]:
    return [(r, ln) for r, ln, sev in problems(text, directory) if sev == "error"]


# -- reading ---------------------------------------------------------------------

def test_reads_every_part_with_its_line() -> None:
    d = read_draft(DRAFT)
    assert (d.originator, d.originator_line) == ("AMEMBASSY OSLO", 1)
    assert [(a.role, a.pla, a.ri, a.precedence, a.line) for a in d.addressees] == [
        ("to", "SECSTATE WASHDC", None, Precedence.IMMEDIATE, 2),
        ("info", "ALL NATO POST COLLECTIVE", None, Precedence.IMMEDIATE, 3),
        ("info", "AMEMBASSY CANBERRA", "RUEHBY", Precedence.IMMEDIATE, 4),
        ("info", "SECDEF WASHINGTON DC", "RUEKJCS", Precedence.PRIORITY, 5),
        ("xmt", "AMEMBASSY LONDON", None, Precedence.ROUTINE, 6),
    ]
    assert (d.level, d.classification_lineno) == (Level.CONFIDENTIAL, 8)
    assert d.captions == [("SIPDIS", 10)]
    assert (d.eo, d.declassify_on, d.eo_line) == ("12958", date(2036, 5, 16), 12)
    assert d.tags == ("MOPS", "PREL", "NATO", "NO")
    assert d.subject == "HERRING QUOTAS: NORWAY ASKS FOR A SECOND LOOK"  # T6: continues
    assert d.references == "STATE 64981"
    assert d.reasons == ("b", "d")  # T8: "1.4 b and d" across a line break
    assert [(p.number, p.marking, p.line) for p in d.paragraphs] == [
        (1, "C", 22), (2, "U", 25), (3, "C", 27)]
    assert d.paragraphs[0].text.endswith("quota. END SUMMARY.")
    assert (d.signature, d.signature_line) == (("EXAMPLE",), 29)


def test_niact_and_flash_words_and_ri_prefix() -> None:
    d = read_draft(draft(**{"TO SECSTATE WASHDC IMMEDIATE": "TO RUEHC/SECSTATE WASHDC NIACT "
                                                           "IMMEDIATE"}))
    assert (d.to[0].ri, d.to[0].precedence) == ("RUEHC", Precedence.NIACT_IMMEDIATE)


def test_single_unnumbered_paragraph_keeps_its_mark() -> None:
    body = DRAFT[: DRAFT.index("1. (C)")] + "(U) Thank you for the herring.\n\nEXAMPLE\n"
    d = read_draft(body)
    assert [(p.number, p.marking) for p in d.paragraphs] == [(None, "U")]


def test_json_draft_reads_like_text() -> None:
    doc = {"from": "AMEMBASSY OSLO", "to": [{"address": "SECSTATE WASHDC",
                                              "precedence": "IMMEDIATE"}],
           "info": ["AMEMBASSY CANBERRA"], "classification": "CONFIDENTIAL",
           "captions": ["SIPDIS"], "decl": "05/16/2036", "tags": ["PREL", "NO"],
           "subject": "HERRING", "classified_by": "Ambassador Jane Example, reasons 1.4 (d)",
           "paragraphs": [{"marking": "C", "text": "One."}, {"marking": "U", "text": "Two."}],
           "signature": "Example"}
    d = load_draft(json.dumps(doc), "d.json")
    assert d.originator == "AMEMBASSY OSLO"
    assert [a.pla for a in d.addressees] == ["SECSTATE WASHDC", "AMEMBASSY CANBERRA"]
    assert d.level is Level.CONFIDENTIAL and d.reasons == ("d",)
    assert [p.marking for p in d.paragraphs] == ["C", "U"]
    assert d.signature == ("EXAMPLE",)


# -- validation --------------------------------------------------------------------

def test_good_draft_has_no_errors(directory: Directory) -> None:
    assert errors(DRAFT, directory) == []


def test_every_rule_is_documented() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(r.doc and r.title for r in RULES)
    docs = Path(__file__).resolve().parents[1] / "docs" / "messaging.md"
    text = docs.read_text(encoding="utf-8")
    for r in RULES:
        assert f"**{r.id}**" in text, f"rule {r.id} is not documented in docs/messaging.md"


@pytest.mark.parametrize(("replace", "expected"), [
    # M1 originator unknown / collective
    ({"FM AMEMBASSY OSLO": "FM AMEMBASSY ATLANTIS"}, ("M1", 1)),
    ({"FM AMEMBASSY OSLO": "FM ALL NATO POST COLLECTIVE"}, ("M1", 1)),
    # M2 numbers release assigns
    ({"TO SECSTATE WASHDC IMMEDIATE": "TO SECSTATE WASHDC IMMEDIATE 5689"}, ("M2", 2)),
    ({"C O N F I D E N T I A L\n": "C O N F I D E N T I A L OSLO 000525\n"}, ("M2", 8)),
    ({"FM AMEMBASSY OSLO\n": "O 181433Z MAY 07\nFM AMEMBASSY OSLO\n"}, ("M2", 1)),
    # M3 no TO
    ({"TO SECSTATE WASHDC IMMEDIATE\nINFO": "INFO SECSTATE WASHDC IMMEDIATE\n"}, ("M3", 1)),
    # M4 unknown addressee
    ({"RUEHBY/AMEMBASSY CANBERRA": "AMEMBASSY ATLANTIS"}, ("M4", 4)),
    # M5 duplicate addressee
    ({"RUEHBY/AMEMBASSY CANBERRA IMMEDIATE": "RUEHC/SECSTATE WASHDC"}, ("M5", 4)),
    # M6 bad precedence word after a known address
    ({"TO SECSTATE WASHDC IMMEDIATE": "TO SECSTATE WASHDC URGENT"}, ("M6", 2)),
    ({"XMT AMEMBASSY LONDON": "XMT AMEMBASSY LONDON IMMEDIATE"}, ("M6", 6)),
    # M7 XMT without a collective / not a member
    ({"INFO ALL NATO POST COLLECTIVE IMMEDIATE\n": "INFO AMEMBASSY TOKYO\n"}, ("M7", 6)),
    ({"XMT AMEMBASSY LONDON": "XMT AMEMBASSY TOKYO"}, ("M7", 6)),
    # M8 NIACT not justified in paragraph 1
    ({"TO SECSTATE WASHDC IMMEDIATE": "TO SECSTATE WASHDC NIACT IMMEDIATE"}, ("M8", 22)),
    # M9 no classification line
    ({"C O N F I D E N T I A L\n": "CONFIDENTIALLY\n"}, ("M9", 8)),
    # M10 no E.O. line
    ({"E.O. 12958: DECL: 05/16/2036\n": ""}, ("M10", 8)),
    # M11 classified without Classified By / without an official
    ({"Classified By: Deputy Chief of Mission, Jane Q. Example for\nreasons 1.4 b and d\n":
      ""}, ("M11", 8)),
    ({"Classified By: Deputy Chief of Mission, Jane Q. Example for\n":
      "Classified By: for\n"}, ("M11", 19)),
    # M12 no reason
    ({"reasons 1.4 b and d": "reasons of state"}, ("M12", 19)),
    # M13 declassification too far, in the past, absent
    ({"DECL: 05/16/2036": "DECL: 05/16/2060"}, ("M13", 12)),
    ({"DECL: 05/16/2036": "DECL: 05/16/2020"}, ("M13", 12)),
    ({"E.O. 12958: DECL: 05/16/2036": "E.O. 12958: N/A"}, ("M13", 12)),
    # M14 no subject tag
    ({"TAGS: MOPS PREL NATO NO": "TAGS: NATO NO"}, ("M14", 13)),
    ({"TAGS: MOPS PREL NATO NO\n": ""}, ("M14", 8)),
    # M15 no subject
    ({"SUBJECT: HERRING QUOTAS: NORWAY ASKS FOR A\nSECOND LOOK\n": ""}, ("M15", 13)),
    # M16 unmarked / unreadable portion
    ({"2. (U) The herring": "2. The herring"}, ("M16", 25)),
    ({"2. (U) The herring": "2. (QQ) The herring"}, ("M16", 25)),
    # M17 portion above the banner; NOFORN portion in a cable that is not
    ({"2. (U) The herring": "2. (S) The herring"}, ("M17", 25)),
    ({"2. (U) The herring": "2. (C//NF) The herring"}, ("M17", 25)),
    # M18 NOFORN to a foreign addressee (named)
    ({"SIPDIS\n": "NOFORN\n", "RUEHBY/AMEMBASSY CANBERRA IMMEDIATE": "DSD CANBERRA"},
     ("M18", 4)),
    # M19 no signature
    ({"\nEXAMPLE\n": "\n"}, ("M19", 27)),
    # M22 NODIS to a collective
    ({"SIPDIS\n": "NODIS\n"}, ("M22", 3)),
    # M20 numbering
    ({"3. (C) COMMENT": "4. (C) COMMENT"}, ("M20", 27)),
])
def test_rule_names_rule_and_line(directory: Directory, replace: dict[str, str],
                                  expected: tuple[str, int]) -> None:
    found = errors(draft(**replace), directory)
    assert expected in found, found


def test_noforn_to_a_collective_with_a_foreign_member(directory: Directory) -> None:
    directory.add("NATO AIFS NORTHWOOD", "RXDB", foreign=True)
    directory.add("ALLIED ADDRESSEES COLLECTIVE", "RUEHZZ",
                  members=["AMEMBASSY LONDON", "NATO AIFS NORTHWOOD"])
    text = draft(**{"SIPDIS\n": "NOFORN\n",
                    "INFO ALL NATO POST COLLECTIVE IMMEDIATE": "INFO ALL NATO POST COLLECTIVE "
                    "IMMEDIATE\nALLIED ADDRESSEES COLLECTIVE", "XMT AMEMBASSY LONDON\n": ""})
    found = validate(read_draft(text), directory, TODAY).errors
    assert [(p.rule, p.line) for p in found] == [("M18", 4)]
    assert "NATO AIFS NORTHWOOD" in found[0].message


def test_niact_justified_passes(directory: Directory) -> None:
    text = draft(**{"TO SECSTATE WASHDC IMMEDIATE": "TO SECSTATE WASHDC NIACT IMMEDIATE",
                    "1. (C) SUMMARY:": "1. (C) This is a NIACT action request: the vote is "
                                       "at dawn. SUMMARY:"})
    assert errors(text, directory) == []


def test_unclassified_draft_needs_no_classifying_official(directory: Directory) -> None:
    text = draft(**{"C O N F I D E N T I A L": "UNCLAS", "E.O. 12958: DECL: 05/16/2036":
                    "E.O. 12958: N/A", "Classified By: Deputy Chief of Mission, Jane Q. "
                    "Example for\nreasons 1.4 b and d\n": "", "(C)": "(U)"})
    assert errors(text, directory) == []


def test_problem_format_names_file_line_and_rule(directory: Directory) -> None:
    report = validate(read_draft(draft(**{"TAGS: MOPS PREL NATO NO": "TAGS: NO"}), "x.txt"),
                      directory, TODAY)
    assert "x.txt:13: error: " in report.lines()[0] and "[rule M14]" in report.lines()[0]


def test_the_codec_reads_a_draft_too() -> None:
    """A draft is telegram text without the numbers release assigns: the codec reads
    its addressees, TAGS, subject, paragraphs and signature."""
    telegram = pytest.importorskip("cablegram.formats.telegram")
    c = telegram.parse_telegram(DRAFT)
    assert c.originator_name == "AMEMBASSY OSLO"
    assert [(a.name, a.precedence) for a in c.to] == [("SECSTATE WASHDC", Precedence.IMMEDIATE)]
    assert [a.name for a in c.xmt] == ["AMEMBASSY LONDON"]
    assert [t.code for t in c.tags] == list(read_draft(DRAFT).tags)
    assert c.subject == read_draft(DRAFT).subject
    assert [(p.number, p.marking) for p in c.paragraphs] == [(1, "C"), (2, "U"), (3, "C")]
    assert c.signature == ("EXAMPLE",)


def test_addressee_by_routing_indicator_alone(directory: Directory) -> None:
    text = draft(**{"TO SECSTATE WASHDC IMMEDIATE": "TO RUEHC IMMEDIATE"})
    assert errors(text, directory) == []
    assert directory.lookup(read_draft(text).to[0].pla).pla == "SECSTATE WASHDC"  # type: ignore
