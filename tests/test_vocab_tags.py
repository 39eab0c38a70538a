"""The TAGS and captions tables (rules T3, T5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cablegram.errors import FormatError
from cablegram.model import TagKind
from cablegram.vocab import tags as vt


def test_shipped_tables_load_and_hold_the_seed_tags() -> None:
    table = vt.tags()
    # 07OSLO525 is tagged MOPS PARM PREL NATO NO (format doc, section 1)
    assert table["MOPS"].kind is TagKind.SUBJECT
    assert table["PARM"].kind is TagKind.SUBJECT
    assert table["PREL"].meaning == "External political relations"
    assert table["NATO"].kind is TagKind.ORGANISATION
    assert table["NO"] == vt.TagInfo("NO", TagKind.COUNTRY, "Norway")
    assert table["KPAO"].kind is TagKind.PROGRAM
    assert len(vt.by_kind(TagKind.COUNTRY)) > 190
    assert vt.captions()["NODIS"].kind == "distribution"
    assert vt.captions()["SIPDIS"].kind == "handling"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("PGOV", TagKind.SUBJECT),
        ("RS", TagKind.COUNTRY),  # State's code for Russia (T5)
        ("ZQ", TagKind.COUNTRY),  # unknown, but 2 letters means a country (T5)
        ("KZZZ", TagKind.PROGRAM),  # unknown 4 letters starting with K (T5)
        ("PZZZ", TagKind.SUBJECT),
        ("OVIP (RICE, CONDOLEEZZA)", TagKind.PERSON),  # a comma names a person (T5)
        ("UNSC", TagKind.ORGANISATION),
        ("CTM", TagKind.SUBJECT),  # unknown and not 2 letters: a subject tag (T5)
        (" prel ", TagKind.SUBJECT),
    ],
)
def test_kind_of(code: str, kind: TagKind) -> None:
    assert vt.kind_of(code) is kind


def test_bad_tables_name_file_line_and_rule(tmp_path: Path) -> None:
    bad = tmp_path / "tags.csv"
    bad.write_text("code,kind,meaning\nPREL,subject,x\nNOR,country,Norway\n")
    with pytest.raises(FormatError) as exc:
        vt.load_tags(bad)
    msg = str(exc.value)
    assert f"{bad}:3" in msg and "NOR" in msg and "T5" in msg

    bad.write_text("code,kind,meaning\nPREL,subject,x\nPREL,subject,y\n")
    with pytest.raises(FormatError, match="twice"):
        vt.load_tags(bad)

    bad.write_text("code,kind,meaning\nXYZW,planet,x\n")
    with pytest.raises(FormatError, match="unknown tag kind"):
        vt.load_tags(bad)

    bad.write_text("code,kind,meaning\nPABC,program,x\n")
    with pytest.raises(FormatError, match="starting with K"):
        vt.load_tags(bad)

    caps = tmp_path / "captions.csv"
    caps.write_text("code,kind,meaning\nNODIS,secret-sauce,x\n")
    with pytest.raises(FormatError, match="caption kind"):
        vt.load_captions(caps)


def test_reader_types_tags_by_the_vocabulary_table_first() -> None:  # T5
    from cablegram.formats.tags import tag_kind
    from cablegram.vocab.tags import tags

    for code, info in tags().items():
        assert tag_kind(code) is info.kind, code
    assert tag_kind("AU") is TagKind.COUNTRY  # Austria: two letters are a country
