"""One conformance suite, run on every archive backend (SQLite file, PostgreSQL).

Each test gets an empty archive; the PostgreSQL one lives in a database this
module creates and drops (skipped with a message where no server runs).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_archive_factory import canonical_dump, make_cable, pg_reset, write_jsonl

from cablegram.access.principal import Principal
from cablegram.archive import open_archive
from cablegram.archive.diff import diff_versions
from cablegram.archive.export import export_to
from cablegram.errors import ArchiveError, FormatError, NotFound
from cablegram.model import Level

OWNER = Principal.archive_owner()
PUBLIC = Principal.public()
CONFIDENTIAL_READER = Principal(name="cleo", clearance=Level.CONFIDENTIAL)


@pytest.fixture
def archive(archive_url: str) -> Iterator[Any]:
    with open_archive(archive_url) as a:
        yield a


def _corpus(tmp_path: Path) -> Path:
    """Four cables, a line that is not JSON and a cable with no reference id."""
    path = tmp_path / "cables.jsonl"
    no_id = make_cable("07OSLO9", path=str(path))
    no_id = type(no_id)(raw="UNCLAS\nno id here\n", source=no_id.source)
    return write_jsonl(path, [
        make_cable("07OSLO1", refs=("07STATE100", "07OSLO2")),
        make_cable("07OSLO2", level=Level.SECRET, caveats=("NOFORN",)),
        make_cable("07STATE100", refs=("07OSLO1",)),
        make_cable("06PARIS7", level=Level.CONFIDENTIAL, refs=("07OSLO1",)),
        "this line is not JSON",
        no_id,
    ])


# -- ingest ---------------------------------------------------------------------------------


def test_ingest_summary_counts_every_record(archive: Any, tmp_path: Path) -> None:
    s = archive.ingest([str(_corpus(tmp_path))])
    assert s.as_dict() == {"read": 6, "new": 4, "unchanged": 0, "versions": 0, "quarantined": 2}
    assert s.read == s.new + s.unchanged + s.versions + s.quarantined


def test_ingest_is_idempotent(archive: Any, tmp_path: Path) -> None:
    path = str(_corpus(tmp_path))
    archive.ingest([path])
    before = canonical_dump(archive)
    again = archive.ingest([path])
    assert again.as_dict() == {"read": 6, "new": 0, "unchanged": 4, "versions": 0,
                               "quarantined": 2}
    assert canonical_dump(archive) == before  # quarantine not duplicated either


def test_changed_text_is_a_new_version_and_current(archive: Any, tmp_path: Path) -> None:
    archive.ingest([str(_corpus(tmp_path))])
    changed = write_jsonl(tmp_path / "v2.jsonl", [make_cable("07OSLO1", body="Rain, then sun.",
                                                             refs=("07STATE100", "07OSLO2"))])
    s = archive.ingest([str(changed)])
    assert (s.new, s.versions, s.unchanged) == (0, 1, 0)
    current = archive.get("07OSLO1", OWNER)
    assert (current.version, current.current) == (2, True)
    assert "Rain, then sun." in current.cable.raw
    vs = archive.versions("07OSLO1", OWNER)
    assert [(v.version, v.current) for v in vs] == [(1, False), (2, True)]
    assert vs[0].content_hash != vs[1].content_hash
    assert archive.get("07OSLO1", OWNER, version=1).cable.raw == vs[0].cable.raw
    # the older text again is unchanged: the newest by ingest order stays current
    assert archive.add(vs[0].cable) == "unchanged"
    assert archive.get("07OSLO1", OWNER).version == 2
    text = diff_versions(vs[0].cable, vs[1].cable, label_a="v1", label_b="v2")
    assert "paragraphs" in text.splitlines()[0]
    assert "-1. (U) The weather in the capital was fine." in text
    assert "+1. (U) Rain, then sun." in text


def test_two_versions_in_one_batch(archive: Any, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "both.jsonl", [make_cable("09ROME3", body="first"),
                                                 make_cable("09ROME3", body="second"),
                                                 make_cable("09ROME3", body="first")])
    assert archive.ingest([str(path)]).as_dict() == {
        "read": 3, "new": 1, "unchanged": 1, "versions": 1, "quarantined": 0}
    assert [(v.version, v.current) for v in archive.versions("09ROME3", OWNER)] == [
        (1, False), (2, True)]


def test_add_reports_new_unchanged_version(archive: Any) -> None:
    c = make_cable("08ROME1")
    assert archive.add(c) == "new"
    assert archive.add(c) == "unchanged"
    assert archive.add(make_cable("08ROME1", body="other")) == "version"
    no_id = type(c)(raw="x")
    with pytest.raises(FormatError, match="T2"):
        archive.add(no_id)


def test_quarantine_keeps_reason_place_and_bytes(archive: Any, tmp_path: Path) -> None:
    path = _corpus(tmp_path)
    archive.ingest([str(path)])
    entries = archive.quarantine()
    assert len(entries) == 2
    by_pos = {e.position: e for e in entries}
    assert by_pos["line 5"].raw.rstrip(b"\n") == b"this line is not JSON"
    assert "not JSON" in by_pos["line 5"].reason
    assert all(e.source == str(path) for e in entries)
    assert any("T2" in e.reason and b"no id here" in e.raw for e in entries)


# -- reading through a principal ---------------------------------------------------------------


def test_get_and_notfound_same_for_missing_and_withheld(archive: Any, tmp_path: Path) -> None:
    archive.ingest([str(_corpus(tmp_path))])
    got = archive.get("07 OSLO 2", OWNER)  # any written form of the id (T2)
    assert str(got.cable.reference_id) == "07OSLO2"
    assert got.cable.level is Level.SECRET
    with pytest.raises(NotFound) as withheld:
        archive.get("07OSLO2", CONFIDENTIAL_READER)
    with pytest.raises(NotFound) as missing:
        archive.get("07OSLO3", CONFIDENTIAL_READER)
    assert str(withheld.value).replace("07OSLO2", "ID") == str(missing.value).replace(
        "07OSLO3", "ID")
    with pytest.raises(NotFound):
        archive.versions("07OSLO2", PUBLIC)
    assert archive.get("06PARIS7", CONFIDENTIAL_READER).cable.origin == "PARIS"
    with pytest.raises(NotFound):
        archive.get("06PARIS7", PUBLIC)


def test_declassified_and_distribution_rules_in_sql(archive: Any) -> None:
    archive.add(make_cable("99OSLO5", level=Level.SECRET, declassify_on=date(2009, 1, 1)))
    archive.add(make_cable("09OSLO6", level=Level.SECRET, caveats=("NODIS",),
                           to=("AMEMBASSY PARIS",), declassify_on=date(2099, 1, 1)))
    assert archive.get("99OSLO5", PUBLIC).version == 1  # C3: the DECL date has passed
    secret = Principal(name="s", clearance=Level.SECRET)
    with pytest.raises(NotFound):
        archive.get("09OSLO6", secret)
    on_list = Principal(name="p", clearance=Level.SECRET, posts=frozenset({"AMEMBASSY PARIS"}))
    assert archive.get("09OSLO6", on_list).version == 1
    holder = Principal(name="n", clearance=Level.SECRET, caveats=frozenset({"NODIS"}))
    assert archive.get("09OSLO6", holder).version == 1


def test_refs_resolve_and_never_reveal_withheld(archive: Any, tmp_path: Path) -> None:
    archive.ingest([str(_corpus(tmp_path))])
    r = archive.refs("07OSLO1", OWNER)
    assert [(x.reference_id, x.in_archive, x.letter) for x in r.cites] == [
        ("07STATE100", True, "A"), ("07OSLO2", True, "B")]
    assert r.cites[1].subject == "INVENTED SUBJECT OF 07OSLO2"
    assert [x.reference_id for x in r.cited_by] == ["06PARIS7", "07STATE100"]
    # the public sees the SECRET target as a bare id and not the CONFIDENTIAL citer
    p = archive.refs("07OSLO1", PUBLIC)
    assert [(x.reference_id, x.in_archive, x.subject) for x in p.cites] == [
        ("07STATE100", True, "INVENTED SUBJECT OF 07STATE100"), ("07OSLO2", False, None)]
    assert [x.reference_id for x in p.cited_by] == ["07STATE100"]
    with pytest.raises(NotFound):
        archive.refs("07OSLO2", PUBLIC)
    missing = archive.refs("07STATE100", OWNER).cites
    assert [(x.reference_id, x.in_archive) for x in missing] == [("07OSLO1", True)]


def test_refs_to_a_cable_not_in_the_archive(archive: Any) -> None:
    archive.add(make_cable("05ROME1", refs=("05STATE999",)))
    (link,) = archive.refs("05ROME1", OWNER).cites
    assert (link.reference_id, link.in_archive, link.subject) == ("05STATE999", False, None)


def test_stats_counts_what_the_principal_sees(archive: Any, tmp_path: Path) -> None:
    archive.ingest([str(_corpus(tmp_path))])
    archive.add(make_cable("07OSLO1", body="changed"))
    s = archive.stats(OWNER)
    assert s == {"cables": 4, "versions": 5, "quarantined": 2,
                 "by_classification": {"CONFIDENTIAL": 1, "SECRET//NOFORN": 1,
                                       "UNCLASSIFIED": 2},
                 "by_year": {"2006": 1, "2007": 3}}
    p = archive.stats(PUBLIC)
    assert (p["cables"], p["versions"], p["by_classification"]) == (2, 3, {"UNCLASSIFIED": 2})


def test_export_streams_visible_current_cables(archive: Any, tmp_path: Path) -> None:
    archive.ingest([str(_corpus(tmp_path))])
    ids = [str(c.reference_id) for c in archive.export("", OWNER)]
    assert sorted(ids) == ["06PARIS7", "07OSLO1", "07OSLO2", "07STATE100"]
    assert sorted(str(c.reference_id) for c in archive.export("", PUBLIC)) == [
        "07OSLO1", "07STATE100"]
    out = tmp_path / "e.csv"
    assert export_to(archive.export("", CONFIDENTIAL_READER), "csv", str(out), None) == 3
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["reference_id"] for r in rows} == {"06PARIS7", "07OSLO1", "07STATE100"}
    jl = tmp_path / "e.jsonl"
    export_to(archive.export("", OWNER), "jsonl", str(jl), None)
    first = json.loads(jl.read_text(encoding="utf-8").splitlines()[0])
    assert first["raw"].startswith("UNCLAS OSLO 000001")


def test_change_sequence_for_the_search_index(archive: Any) -> None:
    assert archive.store.max_seq() == 0
    archive.add(make_cable("01ROME1"))
    archive.add(make_cable("01ROME2"))
    archive.add(make_cable("01ROME1", body="v2"))
    assert archive.store.max_seq() == 3
    ch = archive.store.changes_since(0)
    assert [(s, rid) for s, rid, _ in ch] == [(2, "01ROME2"), (3, "01ROME1")]
    assert ch[1][2] is not None and "v2" in ch[1][2].raw
    assert [(s, rid) for s, rid, _ in archive.store.changes_since(2)] == [(3, "01ROME1")]
    assert archive.store.changes_since(3) == []
    assert [s for s, _, _ in archive.store.changes_since(0, limit=1)] == [1]


def test_search_is_answered_or_clearly_unavailable(archive: Any) -> None:
    archive.add(make_cable("03ROME4", body="The harbour cranes were idle."))
    try:
        import cablegram.archive.index  # noqa: F401
    except ImportError:
        with pytest.raises(ArchiveError, match="search is not available"):
            archive.search("cranes", OWNER)
        return
    hits = archive.search("cranes", OWNER)
    assert [h.reference_id for h in hits.results] == ["03ROME4"]


def test_backends_answer_identically(tmp_path: Path, pg_url: str) -> None:
    pg_reset(pg_url)
    path = str(_corpus(tmp_path))
    changed = str(write_jsonl(tmp_path / "v2.jsonl", [make_cable("07OSLO1", body="again")]))
    dumps = []
    for url in (f"sqlite:///{tmp_path / 'same.db'}", pg_url):
        with open_archive(url) as a:
            a.ingest([path])
            a.ingest([changed])
            dumps.append((canonical_dump(a), a.stats(PUBLIC), a.stats(OWNER),
                          a.refs("07OSLO1", PUBLIC)))
    assert dumps[0] == dumps[1]


def test_open_archive_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="does not exist"):
        open_archive(str(tmp_path / "no" / "such" / "dir" / "a.db"))
    with pytest.raises(ArchiveError, match="cannot connect"):
        open_archive("postgresql://postgres@127.0.0.1:1/none")


def test_text_no_backend_can_hold_is_quarantined_alike(archive: Any) -> None:
    from dataclasses import replace

    c = make_cable("04ROME8")
    nul = replace(c, raw=c.raw + "\x00", subject="A\x00B")
    surrogate = replace(make_cable("04ROME9"), raw="UNCLAS ROME 000009\n\udc80\n")
    s = archive.store.write_batch([nul, surrogate, replace(make_cable("04ROME7"),
                                                           subject="NUL \x00 in subject")])
    assert s == ["quarantined", "quarantined", "new"]
    reasons = sorted(e.reason for e in archive.quarantine())
    assert "NUL" in reasons[0] and "surrogates" in reasons[1]
    # the record keeps the exact subject; the query column a storable copy
    assert archive.get("04ROME7", OWNER).cable.subject == "NUL \x00 in subject"
    with pytest.raises(FormatError, match="NUL"):
        archive.add(nul)


def test_a_failed_transaction_leaves_the_store_usable(archive: Any) -> None:
    with pytest.raises(ArchiveError), archive.db.transaction():
        archive.db.execute("INSERT INTO meta (key, value) VALUES ('x', '1')")
        archive.db.execute("INSERT INTO meta (key, value) VALUES ('x', '2')")  # duplicate
    assert archive.db.query("SELECT value FROM meta WHERE key = 'x'") == []
    assert archive.add(make_cable("02ROME5")) == "new"


@pytest.mark.postgres
def test_postgres_reconnects_after_the_server_drops_it(pg_url: str) -> None:
    pg_reset(pg_url)
    with open_archive(pg_url) as a:
        a.add(make_cable("02ROME6"))
        pid = a.db.query("SELECT pg_backend_pid()")[0][0]
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(ArchiveError):  # the call that finds it dropped fails clearly
            a.get("02ROME6", OWNER)
        assert a.get("02ROME6", OWNER).version == 1  # and the next one reconnects
