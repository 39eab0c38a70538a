"""Audited archive reads: classified reads, denials and the release policy (points 4, 5)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from cablegram.access import audit, audited
from cablegram.access.principal import Principal
from cablegram.access.redact import set_policy
from cablegram.archive import open_archive
from cablegram.errors import NotFound
from cablegram.model import Cable, Classification, Dtg, Level, Paragraph, ReferenceId

ALICE = Principal("alice", Level.SECRET)
BOB = Principal("bob", Level.CONFIDENTIAL)


def _cable(rid: str, level: Level, paras: tuple[Paragraph, ...], *, subject_marking: str | None
           = None, decl: date | None = None) -> Cable:
    raw = "\n".join(f"{p.number}. ({p.marking}) {p.text}" for p in paras) + "\n"
    return Cable(raw=raw, cleaned=raw, reference_id=ReferenceId.parse(rid),
                 dtg=Dtg(datetime(2008, 3, 1, 9, 0, tzinfo=UTC)), origin="PARIS",
                 classification=Classification(level), subject="A SUBJECT LINE",
                 subject_marking=subject_marking, declassify_on=decl, paragraphs=paras)


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("CABLEGRAM_INDEX_DIR", str(tmp_path / "index"))
    a = open_archive(str(tmp_path / "a.db"))
    a.add(_cable("08PARIS1", Level.UNCLASSIFIED, (Paragraph(1, "U", "OPEN WORDS"),)))
    a.add(_cable("08PARIS2", Level.SECRET, (Paragraph(1, "U", "OPEN PART"),
                                            Paragraph(2, "C", "CONFIDENTIAL PART"),
                                            Paragraph(3, "S", "SECRET PART")),
                 subject_marking="(U)"))
    a.add(_cable("08PARIS3", Level.SECRET, (Paragraph(1, "S", "ALL SECRET"),)))
    a.add(_cable("08PARIS4", Level.SECRET, (Paragraph(1, "S", "OLD SECRET"),),
                 decl=date(2018, 3, 1)))
    yield a
    a.close()


def test_classified_read_is_audited_unclassified_is_not(archive: Any) -> None:
    audited.get(archive, "08PARIS1", ALICE, address="10.1.1.1")
    audited.get(archive, "08PARIS4", Principal.public())  # declassified (C3): not classified now
    assert audit.entries(archive.db) == []
    audited.get(archive, "08PARIS2", ALICE, view="api", address="10.1.1.1")
    [e] = audit.entries(archive.db)
    assert (e.principal, e.action, e.target, e.view, e.address) == \
        ("alice", "read", "08PARIS2", "api", "10.1.1.1")


def test_denied_read_is_audited_and_looks_missing(archive: Any) -> None:
    with pytest.raises(NotFound) as withheld:
        audited.get(archive, "08PARIS3", BOB)
    with pytest.raises(NotFound) as missing:
        audited.get(archive, "08PARIS999", BOB)
    assert str(withheld.value).replace("08PARIS3", "X") == \
        str(missing.value).replace("08PARIS999", "X")
    # both are on record, one entry each: the same work whether the id exists or not
    withheld_entry, missing_entry = audit.entries(archive.db)
    assert (withheld_entry.action, withheld_entry.target) == ("deny", "08PARIS3")
    assert json.loads(withheld_entry.detail)["reason"] == "needs clearance SECRET"
    assert (missing_entry.action, missing_entry.target) == ("deny", "08PARIS999")
    assert json.loads(missing_entry.detail)["reason"] == "not in the archive"


def test_portion_policy_releases_parts(archive: Any) -> None:
    with pytest.raises(NotFound):
        audited.get(archive, "08PARIS2", BOB)
    set_policy(archive.db, "portion")
    got = audited.get(archive, "08PARIS2", BOB).cable
    assert [p.text for p in got.paragraphs] == ["OPEN PART", "CONFIDENTIAL PART", "[withheld]"]
    assert "SECRET PART" not in got.raw and "3. (S) [withheld]" in got.raw
    assert got.subject == "A SUBJECT LINE"  # marked (U)
    pub = audited.get(archive, "08PARIS2", Principal.public()).cable
    assert [p.text for p in pub.paragraphs] == ["OPEN PART", "[withheld]", "[withheld]"]
    # nothing releasable: still answers like a missing id
    with pytest.raises(NotFound):
        audited.get(archive, "08PARIS3", BOB)
    actions = [(e.principal, e.action, e.target) for e in audit.entries(archive.db)]
    assert actions == [("bob", "deny", "08PARIS2"), ("bob", "read", "08PARIS2"),
                       ("public", "read", "08PARIS2"), ("bob", "deny", "08PARIS3")]
    assert audit.verify(archive.db).ok


def test_search_and_export_audited(archive: Any) -> None:
    r = audited.search(archive, "", ALICE, address="10.0.0.2")
    assert r.total == 4
    [e] = audit.entries(archive.db)
    assert e.action == "search" and set(json.loads(e.detail)["ids"]) >= {"08PARIS2", "08PARIS3"}
    assert [str(c.reference_id) for c in audited.export(archive, "", BOB)] == \
        ["08PARIS1", "08PARIS4"]
    ids = sorted(str(c.reference_id) for c in audited.export(archive, "", ALICE))
    assert ids == ["08PARIS1", "08PARIS2", "08PARIS3", "08PARIS4"]
    reads = [e.target for e in audit.entries(archive.db, action="read")]
    assert sorted(reads) == ["08PARIS2", "08PARIS3"]
