"""The stored record (schema version 2): each text once, the Cable back exactly.

``raw`` has its own column, ``cleaned`` is zlib-compressed against raw in
``cleaned_z``, the record JSON holds neither. A cable read back from the store
must equal the cable as parsed, raw and cleaned included; a version 1 file is
migrated in place and reads back the same; an unknown version is refused.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import corpus_path
from hypothesis import given, settings
from hypothesis import strategies as st
from test_archive_factory import make_cable

from cablegram.access.principal import Principal
from cablegram.archive import open_archive
from cablegram.archive.store import (
    HEAD_ONLY,
    SCHEMA_VERSION,
    cleaned_tail,
    pack_cleaned,
    unpack_cleaned,
)
from cablegram.errors import ArchiveError
from cablegram.formats import read_paths
from cablegram.formats.jsonform import from_json, to_json
from cablegram.model import Cable

OWNER = Principal.archive_owner()

# An invented telegram with the parts cleaning changes: blank lines, SIPDIS, a
# page marker and a paragraph run across lines (T10, H10, A1).
SNIPPET = """\
UNCLAS SECTION 01 OF 02 TALLINN 000417

SIPDIS

E.O. 12958: N/A
TAGS: PREL ECON EN
SUBJECT: ESTONIA: FERRY TIMETABLE TALKS RESUME

1. (U) Ferry operators met the ministry on Tuesday to discuss
the winter timetable.

UNCLAS TALLINN 000417  002 OF 002

2. (U) Comment: no agreement was reached. End comment.
SMITH
"""


def _parsed(tmp_path: Path) -> list[Cable]:
    """The invented snippet and a handful of real corpus cables, as parsed."""
    (tmp_path / "in").mkdir()
    snippet = tmp_path / "in" / "snippet.txt"
    snippet.write_text(SNIPPET, encoding="utf-8")
    paths = [str(snippet)]
    try:
        root = corpus_path("cablegate-2010")
        paths += [str(p) for p in sorted(root.rglob("*.html"))[:40]]
    except pytest.skip.Exception:
        pass  # the snippet alone still checks the round trip
    return [c for c in read_paths(paths) if isinstance(c, Cable) and c.reference_id]


def test_stored_cables_equal_the_parsed_ones(archive_url: str, tmp_path: Path) -> None:
    cables = _parsed(tmp_path)
    assert cables and any(c.cleaned and c.cleaned != c.raw for c in cables)
    with open_archive(archive_url) as a:
        a.store.write_batch(cables)
        for c in cables:
            back = a.get(str(c.reference_id), OWNER).cable
            assert back.raw == c.raw
            assert back.cleaned == c.cleaned
            assert back == c
            assert from_json(to_json(c)) == c  # the JSON form alone is lossless too


def test_the_record_holds_each_text_once(tmp_path: Path) -> None:
    from cablegram.formats.telegram import parse_telegram, render_telegram

    # as the telegram reader reads it (make_cable's own cleaned text is not built so)
    cable = parse_telegram(render_telegram(
        make_cable("07OSLO77", body="The fjord ferry runs twice a week.")))
    db = tmp_path / "a.db"
    with open_archive(str(db)) as a:
        a.add(cable)
    conn = sqlite3.connect(db)
    record, raw, packed = conn.execute("SELECT record, raw, cleaned_z FROM cables").fetchone()
    conn.close()
    d = json.loads(record)
    assert "raw" not in d and "cleaned" not in d  # readable JSON, without the long texts
    assert raw == cable.raw
    # A telegram's cleaned text: its head only, the paragraphs are in the record.
    assert packed[:1] == HEAD_ONLY and len(packed) < len(cable.cleaned)
    tail = cleaned_tail(((p["number"], p["marking"], p["text"]) for p in d["paragraphs"]),
                        d["signature"])
    assert unpack_cleaned(raw, packed, tail) == cable.cleaned


@settings(max_examples=300, deadline=None)
@given(raw=st.text(), cleaned=st.text(), tail=st.text())
def test_packed_cleaned_text_comes_back_exactly(raw: str, cleaned: str, tail: str) -> None:
    for text in (cleaned, cleaned + tail):  # with and without the tail at its end
        packed = pack_cleaned(raw, text, tail)
        if not text:
            assert packed is None
        else:
            assert packed is not None and unpack_cleaned(raw, packed, tail) == text
            # zlib where the text does not end with the tail (or there is none)
            assert (packed[:1] == HEAD_ONLY) == bool(tail and text.endswith(tail))


def test_every_corpus_telegram_keeps_only_its_head(corpus: Path) -> None:
    # The telegram reader writes its cleaned text as its head, then cleaned_tail:
    # (nearly) every cable is kept by its head, and reads back exactly.
    from cablegram.formats import read_paths
    from cablegram.model import Cable

    cables = [c for c in read_paths([str(corpus)]) if isinstance(c, Cable) and c.paragraphs]
    heads = 0
    for c in cables:
        tail = cleaned_tail(((p.number, p.marking, p.text) for p in c.paragraphs), c.signature)
        packed = pack_cleaned(c.raw, c.cleaned, tail)
        assert packed is not None and unpack_cleaned(c.raw, packed, tail) == c.cleaned
        heads += packed[:1] == HEAD_ONLY
    assert heads >= 0.98 * len(cables)


def test_a_version_2_row_reads_back_the_same(tmp_path: Path) -> None:
    # Version 2 kept every cleaned text as zlib against raw: such rows still read.
    cable = make_cable("07OSLO79", body="The ferry was late again.")
    db = tmp_path / "v2.db"
    with open_archive(str(db)) as a:
        a.add(cable)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE cables SET cleaned_z = ?", (pack_cleaned(cable.raw, cable.cleaned),))
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with open_archive(str(db)) as a:
        assert a.get("07OSLO79", OWNER).cable == cable


def test_a_version_1_file_is_migrated_and_reads_back_the_same(tmp_path: Path) -> None:
    cable = make_cable("07OSLO78", body="Snow closed the airport road.")
    db = tmp_path / "old.db"
    with open_archive(str(db)) as a:
        a.add(cable)
    # Make it what version 1 wrote: cleaned inside the record, no cleaned_z column.
    conn = sqlite3.connect(db)
    (record,) = conn.execute("SELECT record FROM cables").fetchone()
    d = json.loads(record)
    d["cleaned"] = cable.cleaned
    conn.execute("UPDATE cables SET record = ?", (json.dumps(d),))
    conn.execute("ALTER TABLE cables DROP COLUMN cleaned_z")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with open_archive(str(db)) as a:
        assert a.get("07OSLO78", OWNER).cable == cable
        a.add(make_cable("07OSLO79", body="A new cable after the migration."))
        assert a.get("07OSLO79", OWNER).cable.cleaned
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        str(SCHEMA_VERSION),)
    conn.close()


def test_a_newer_schema_is_refused_with_its_version(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    with open_archive(str(db)):
        pass
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError, match=r"schema version 99 .* cannot be migrated"):
        open_archive(str(db))
