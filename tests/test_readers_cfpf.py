"""The CFPF reader: NARA bodies with ``[[mention || n]]`` entity markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import corpus_path

from cablegram.formats import read_bytes
from cablegram.formats.cfpf import (
    id_from_name,
    parse_cfpf,
    parse_entities,
    split_trailer,
    strip_mentions,
)
from cablegram.model import Cable, ReferenceId, Source


def bare(text: str, source: Source) -> Cable:
    """A stand-in telegram parser: keeps the text, so extraction is tested alone."""
    return Cable(raw=text, source=source)


# (marked-up snippet, stripped text, [(mention text, entity)]) — invented text in
# the shapes seen in the corpus (named in the comment).
STRIP_CASES = [
    # plain mention (1973LAPAZ03608)
    ("MET [[MINISTER GOMEZ || 6]] TODAY", "MET MINISTER GOMEZ TODAY",
     [("MINISTER GOMEZ", 6)]),
    # nested at the start (1973LAPAZ03608: [[[[BOLIVIAN || 2 ]] JUDICIARY || 4]])
    ("[[[[RURITANIAN || 2 ]] COURTS || 4]] SLOW", "RURITANIAN COURTS SLOW",
     [("RURITANIAN COURTS", 4), ("RURITANIAN", 2)]),
    # padding inside the brackets and after a dot (1973BUENOS03147: 1.[[ BRANIFF ...)
    ("1.[[ ACME AIR || 2]] WILL FLY", "1. ACME AIR WILL FLY", [("ACME AIR", 2)]),
    # two nested in one (1973LAPAZ03608: [[ [[US || 8]] CINC [[ SO || 10]] ||  9]])
    ("[[ [[XX || 8]] CMD [[ YY || 10]] ||  9]] FOR", "XX CMD YY FOR",
     [("XX CMD YY", 9), ("XX", 8), ("YY", 10)]),
    # no space before the bars (1975STATE152120: [[COLOMBIA|| 3]])
    ("IN [[ZEMBLA|| 3]].", "IN ZEMBLA.", [("ZEMBLA", 3)]),
]


@pytest.mark.parametrize(("marked", "text", "mentions"), STRIP_CASES)
def test_strip_mentions(marked: str, text: str, mentions: list[tuple[str, int]]) -> None:
    s = strip_mentions(marked)
    assert s.text == text
    assert [(m["text"], m["entity"]) for m in s.mentions] == mentions
    for m in s.mentions:  # offsets point at the mention in the stripped text
        assert s.text[m["start"]:m["end"]] == m["text"]
    assert s.problems == ()


def test_unbalanced_markup_is_reported_not_lost() -> None:
    # 1979THEHA01153: "[[THE [[DUTCH UNIT || 5]];" never closes its first [[
    s = strip_mentions("WITH [[THE [[DUTCH UNIT || 5]]; AND || 7]] MORE ]] END")
    assert s.text == "WITH THE DUTCH UNIT; AND MORE  END"
    assert [m["text"] for m in s.mentions] == ["THE DUTCH UNIT; AND", "DUTCH UNIT"]
    assert any("closes no mention" in p for p in s.problems)


def test_entities_in_both_layouts() -> None:
    block = ("\ufeff1. HUGO ALVAREZ        PER.INDIVIDUAL\n"
             "2. RURITANIA         GPE.NATION \n"
             "3        ZEMBLA        GPE.SPECIAL\n"
             "4. NOBODY\n"
             "5         \n")
    assert parse_entities(block) == [
        {"n": 1, "name": "HUGO ALVAREZ", "type": "PER.INDIVIDUAL"},
        {"n": 2, "name": "RURITANIA", "type": "GPE.NATION"},
        {"n": 3, "name": "ZEMBLA", "type": "GPE.SPECIAL"},
        {"n": 4, "name": "NOBODY", "type": None},
        {"n": 5, "name": "", "type": None},
    ]


def test_trailer_split() -> None:
    body, trailer = split_trailer("TEXT\n\n*** Current Handling Restrictions *** n/a\n"
                                  "*** Current Classification *** CONFIDENTIAL\n")
    assert body == "TEXT"
    assert trailer == {"Current Handling Restrictions": "n/a",
                       "Current Classification": "CONFIDENTIAL"}


def test_id_from_file_name() -> None:
    # T2: canonical id drops the century and the serial's leading zeros
    assert id_from_name("cfpf/dev/1973LAPAZ03608.txt") == ReferenceId(73, "LAPAZ", 3608)
    assert id_from_name("x.zip!train/1977STATE051361.txt") == ReferenceId(77, "STATE", 51361)
    assert id_from_name("notes.txt") is None


SNIPPET = """\ufeff1. JOHN DOE        PER.IND
2. RURITANIA         GPE.NATION


@@@


1. [[AMBASSADOR DOE || 1]] MET [[RURITANIAN || 2]] OFFICIALS.


[[DOE || 1]]


*** Current Handling Restrictions *** n/a
*** Current Classification *** UNCLASSIFIED
"""


def test_parse_snippet_keeps_everything() -> None:
    c = parse_cfpf(SNIPPET, path="bodies/1976ZEMBLA01234.txt", parser=bare)
    assert c.raw == "1. AMBASSADOR DOE MET RURITANIAN OFFICIALS.\n\n\nDOE"
    assert c.reference_id == ReferenceId(76, "ZEMBLA", 1234)
    assert any(w.rule == "T2" and "file name" in w.message for w in c.warnings)
    meta = c.source.metadata
    assert c.source.format == "cfpf"
    assert [e["name"] for e in meta["entities"]] == ["JOHN DOE", "RURITANIA"]
    assert meta["current_classification"] == "UNCLASSIFIED"
    assert meta["current_handling"] == "n/a"
    assert [(c.raw[m["start"]:m["end"]], m["entity"]) for m in meta["mentions"]] == [
        ("AMBASSADOR DOE", 1), ("RURITANIAN", 2), ("DOE", 1)]


def _sample() -> list[Path]:
    root = corpus_path("cfpf-bodies")
    files = sorted(root.glob("*/*.txt"))
    # every unittest and dev file, and every fifth training file
    return [f for i, f in enumerate(files) if "train" not in f.parts or i % 5 == 0]


def test_corpus_sample_strips_markup() -> None:
    for f in _sample():
        c = parse_cfpf(f.read_bytes().decode("utf-8").replace("\r\n", "\n"), path=str(f),
                       parser=bare)
        assert not re.search(r"\[\[|\|\|\s*\d", c.raw), f
        assert c.reference_id == id_from_name(f.name), f
        assert c.source.metadata["entities"], f
        for m in c.source.metadata["mentions"]:
            assert c.raw[m["start"]:m["end"]].strip() == m["text"], f


def test_corpus_sample_read_as_cables() -> None:
    pytest.importorskip("cablegram.formats.telegram", reason="the telegram codec is not built")
    for f in _sample():
        records = list(read_bytes(f.read_bytes(), name=str(f)))
        assert len(records) == 1, f
        c = records[0]
        assert isinstance(c, Cable), (f, c)
        assert c.source.format == "cfpf"
        assert c.reference_id == id_from_name(f.name)
        assert "entities" in c.source.metadata


def test_strict_mode_raises_on_unbalanced_markup() -> None:
    pytest.importorskip("cablegram.formats.telegram", reason="the telegram codec is not built")
    from cablegram.errors import RuleError

    broken = SNIPPET.replace("[[DOE || 1]]", "[[DOE")
    [lenient] = list(read_bytes(broken.encode(), name="1976ZEMBLA01234.txt"))
    assert isinstance(lenient, Cable)
    assert any("never closed" in w.message for w in lenient.warnings)
    with pytest.raises(RuleError, match="unbalanced entity markup"):
        list(read_bytes(broken.encode(), name="1976ZEMBLA01234.txt", strict=True))


@pytest.mark.parametrize("tail", [
    # leading stars dropped on one line, trailing stars added on the other
    "*** Current Handling Restrictions *** n/a ***\nCurrent Classification *** CONFIDENTIAL\n",
    "*** Current Handling Restrictions *** n/a\n*** Current Classification *** CONFIDENTIAL\n",
])
def test_trailer_variants_leave_the_text(tail: str) -> None:
    body, trailer = split_trailer("THE INVENTED TEXT ENDS HERE.\n\nDOE\n\n\n" + tail)
    assert body.rstrip().endswith("DOE") and "***" not in body
    assert trailer == {"Current Handling Restrictions": "n/a",
                       "Current Classification": "CONFIDENTIAL"}


def test_a_last_line_without_the_trailer_form_stays_text() -> None:
    body, trailer = split_trailer("DOE\nTHE MINISTER SAID *** NOTHING MORE\n")
    assert trailer == {} and body == "DOE\nTHE MINISTER SAID *** NOTHING MORE"
