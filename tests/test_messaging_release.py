"""Release: authority, numbering, sections, one transaction, archive round trip."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_messaging_draft import DRAFT, draft

from cablegram.access.principal import Principal
from cablegram.archive import open_archive
from cablegram.errors import AccessDenied, ArchiveError, NotFound, ValidationError
from cablegram.messaging import numbering as num
from cablegram.messaging.release import release
from cablegram.messaging.schema import ensure_schema
from cablegram.messaging.transport_sqlite import SqliteTransport
from cablegram.model import Level, Precedence

NOW = datetime(2026, 5, 18, 14, 33, 27, tzinfo=UTC)
OSLO_RELEASER = Principal("ambassador", Level.SECRET, releaser_for=frozenset({"AMEMBASSY OSLO"}))


@pytest.fixture
def archive(tmp_path: Path):  # type: ignore[no-untyped-def]
    a = open_archive(str(tmp_path / "cables.db"))
    yield a
    a.close()


def _release(archive, text: str = DRAFT, who: Principal = OSLO_RELEASER, **kw):  # type: ignore
    return release(archive.db, text, who, SqliteTransport(archive.db), archive=archive,
                   now=kw.pop("now", NOW), **kw)


def test_release_assigns_every_number(archive) -> None:  # type: ignore[no-untyped-def]
    r = _release(archive)
    assert (r.reference_id, r.mrn, r.dtg, r.sections) == ("26OSLO1", "OSLO 000001",
                                                         "181433Z MAY 26", 1)
    lines = r.text.splitlines()
    assert lines[0] == "VZCZCXRO0001"  # H2
    assert lines[1].startswith("OO RUEHC ")  # H3: highest precedence IMMEDIATE
    assert "DE RUEHNY #0001 1381433" in lines  # H4: day 138 of 2026, station serial
    assert "ZNY CCCCC ZZH" in lines  # H5
    assert "O 181433Z MAY 26" in lines  # H6: action and info precedence both IMMEDIATE
    assert "TO RUEHC/SECSTATE WASHDC IMMEDIATE 0001" in lines  # H9: first of its series
    assert "INFO RUEHXP/ALL NATO POST COLLECTIVE IMMEDIATE" in lines  # no MCN on a collective
    assert "RUEKJCS/SECDEF WASHINGTON DC PRIORITY" in lines  # military: no MCN
    assert "XMT RUEHLO/AMEMBASSY LONDON" in lines
    assert "C O N F I D E N T I A L OSLO 000001" in lines  # T1
    assert lines[-1] == "EXAMPLE"
    dests = {d.destination: d for d in r.deliveries}
    assert "AMEMBASSY LONDON" not in dests  # XMT
    assert "AMEMBASSY OSLO" not in dests  # not to itself
    assert dests["AMEMBASSY PARIS"].mcn == "0001"  # collective member: numbered too
    assert dests["SECDEF WASHINGTON DC"].mcn is None
    assert dests["SECDEF WASHINGTON DC"].precedence is Precedence.PRIORITY
    assert len(dests) == 24 + 3  # NATO capitals minus Oslo and London, USNATO; + 3 named


def test_numbers_advance_per_series(archive) -> None:  # type: ignore[no-untyped-def]
    _release(archive)
    r2 = _release(archive, draft(**{"INFO ALL NATO POST COLLECTIVE IMMEDIATE\n": "",
                                    "XMT AMEMBASSY LONDON\n": ""}))
    assert r2.reference_id == "26OSLO2"
    assert "TO RUEHC/SECSTATE WASHDC IMMEDIATE 0002" in r2.text
    assert "RUEHBY/AMEMBASSY CANBERRA IMMEDIATE 0002" in r2.text
    assert r2.text.startswith("VZCZCXRO0002\n")
    # a new year starts a new reference series (T1) but not a new MCN series (H9)
    r3 = _release(archive, now=datetime(2027, 1, 2, 0, 5, tzinfo=UTC))
    assert r3.reference_id == "27OSLO1"
    assert "TO RUEHC/SECSTATE WASHDC IMMEDIATE 0003" in r3.text
    assert "DE RUEHNY #0001 0020005" in r3.text


def test_mcn_wraps_and_station_serial_is_mod_10000(archive) -> None:  # type: ignore
    db = archive.db
    ensure_schema(db)
    db.execute("INSERT INTO msg_counter VALUES (?, ?)",
               (num.mcn_series("AMEMBASSY OSLO", "SECSTATE WASHDC"), 9998))
    db.execute("INSERT INTO msg_counter VALUES (?, ?)", (num.mrn_series("OSLO", 2026), 12344))
    r = _release(archive, section_chars=200)
    assert r.sections > 1
    assert r.reference_id == "26OSLO12345"
    assert "DE RUEHNY #2345/01 1381433" in r.text  # H4: serial mod 10000, section 01
    first = 9999
    last = (9998 + r.sections) % 10000
    assert f"TO RUEHC/SECSTATE WASHDC IMMEDIATE {first:04d}-{last:04d}" in r.text  # H9
    assert f"SECTION 01 OF {r.sections:02d} OSLO 012345" in r.text
    assert f"OSLO 00012345  002 OF {r.sections:03d}" in r.text  # T10 page marker


def test_released_text_reads_back_as_the_archived_record(archive) -> None:  # type: ignore
    pytest.importorskip("cablegram.formats.telegram")
    from cablegram.formats.jsonform import record_view
    from cablegram.formats.telegram import parse_telegram

    for kw in ({}, {"section_chars": 300}):
        r = _release(archive, **kw)
        stored = archive.get(r.reference_id, Principal.archive_owner()).cable
        assert stored.raw == r.text
        again = parse_telegram(stored.raw)
        assert record_view(again) == record_view(stored)
        assert str(again.reference_id) == r.reference_id
        assert again.level is Level.CONFIDENTIAL
        assert [t.code for t in again.tags] == ["MOPS", "PREL", "NATO", "NO"]
        assert again.subject == "HERRING QUOTAS: NORWAY ASKS FOR A SECOND LOOK"
        assert [(p.number, p.marking) for p in again.paragraphs] == [(1, "C"), (2, "U"),
                                                                     (3, "C")]
        to = again.to[0]
        assert (to.name, to.ri, to.precedence) == ("SECSTATE WASHDC", "RUEHC",
                                                   Precedence.IMMEDIATE)
        assert to.mcn == {d.destination: d.mcn for d in r.deliveries}["SECSTATE WASHDC"]
        assert again.signature == ("EXAMPLE",)
        # the codec repairs nothing in our text but the page markers it removes (T10)
        assert {w.rule for w in again.warnings} <= {"T10"}
        assert again.section == ((1, r.sections) if r.sections > 1 else None)


def test_released_cable_is_read_under_access_control(archive) -> None:  # type: ignore
    r = _release(archive)
    with pytest.raises(NotFound):
        archive.get(r.reference_id, Principal.public())
    seen = archive.get(r.reference_id, Principal("reader", Level.CONFIDENTIAL))
    assert seen.cable.raw == r.text


def test_only_a_releaser_for_the_post_may_release(archive) -> None:  # type: ignore
    stockholm = Principal("dcm", Level.SECRET, releaser_for=frozenset({"AMEMBASSY STOCKHOLM"}))
    with pytest.raises(AccessDenied, match="AMEMBASSY OSLO"):
        _release(archive, who=stockholm)
    by_ri = Principal("dcm", Level.SECRET, releaser_for=frozenset({"RUEHNY"}))
    assert _release(archive, who=by_ri).reference_id == "26OSLO1"  # the refusal used no number


def test_invalid_draft_is_refused_with_every_problem(archive) -> None:  # type: ignore
    bad = draft(**{"TAGS: MOPS PREL NATO NO": "TAGS: NO", "2. (U) The": "2. The"})
    with pytest.raises(ValidationError) as err:
        _release(archive, bad)
    assert {p.rule for p in err.value.problems} == {"M14", "M16"}  # type: ignore[attr-defined]
    assert archive.db.query("SELECT COUNT(*) FROM msg_release")[0][0] == 0


def test_release_is_one_transaction(archive) -> None:  # type: ignore[no-untyped-def]
    transport = SqliteTransport(archive.db)
    archive.db.execute("DROP TABLE msg_queue")  # enqueueing will fail, for real
    with pytest.raises(ArchiveError):
        release(archive.db, DRAFT, OSLO_RELEASER, transport, archive=archive, now=NOW)
    db = archive.db
    assert db.query("SELECT COUNT(*) FROM msg_release")[0][0] == 0
    assert db.query("SELECT COUNT(*) FROM msg_sent")[0][0] == 0
    assert db.query("SELECT COUNT(*) FROM msg_counter")[0][0] == 0
    with pytest.raises(NotFound):
        archive.get("26OSLO1", Principal.archive_owner())
    # and the next attempt takes the first numbers
    r = _release(archive)
    assert r.reference_id == "26OSLO1" and "IMMEDIATE 0001" in r.text


def test_saved_draft_is_released_once(archive) -> None:  # type: ignore[no-untyped-def]
    from cablegram.errors import MessagingError
    from cablegram.messaging.release import get_draft, list_drafts, save_draft

    draft_id = save_draft(archive.db, DRAFT)
    assert get_draft(archive.db, draft_id) == (DRAFT, "draft", None)
    r = _release(archive, draft_id=draft_id)
    assert get_draft(archive.db, draft_id)[1:] == ("released", r.reference_id)
    with pytest.raises(MessagingError, match="already released"):
        _release(archive, draft_id=draft_id)
    assert _release(archive).reference_id == "26OSLO2"  # the refused attempt used no number
    assert [d["status"] for d in list_drafts(archive.db)] == ["released", "released"]


def test_dtg_carries_action_and_info_prosigns(archive) -> None:  # type: ignore
    text = draft(**{"INFO ALL NATO POST COLLECTIVE IMMEDIATE\nRUEHBY/AMEMBASSY CANBERRA "
                    "IMMEDIATE\nRUEKJCS/SECDEF WASHINGTON DC PRIORITY\nXMT AMEMBASSY LONDON\n":
                    "INFO AMEMBASSY CANBERRA\n"})
    r = _release(archive, text)
    assert "O R 181433Z MAY 26" in r.text.splitlines()  # H6: IMMEDIATE action, ROUTINE info
    assert "INFO RUEHBY/AMEMBASSY CANBERRA 0001" in r.text.splitlines()  # H8: no ROUTINE


def test_json_draft_is_released(archive) -> None:  # type: ignore[no-untyped-def]
    import json

    doc = {"from": "AMEMBASSY OSLO", "to": [{"address": "SECSTATE WASHDC",
                                              "precedence": "PRIORITY"}],
           "classification": "UNCLASSIFIED", "tags": ["PREL", "NO"],
           "subject": "HERRING", "paragraphs": [{"marking": "U", "text": "One."},
                                                {"marking": "U", "text": "Two."}],
           "signature": "EXAMPLE"}
    r = _release(archive, json.dumps(doc))
    assert "UNCLAS OSLO 000001" in r.text and "ZNR UUUUU ZZH" in r.text
    assert "TO RUEHC/SECSTATE WASHDC PRIORITY 0001" in r.text


def test_benchmark_runs_small() -> None:
    from cablegram.messaging.bench import run

    figures = run(posts=5, cables=2, backlog=200, flashes=3)
    assert figures["deliveries"] == 2 * 4  # each cable to the 5 posts but its originator
    assert figures["flash_delivered"] == 3
    assert figures["flash_p99_ms"] >= 0


@pytest.mark.slow
def test_concurrent_releasers_draw_unique_numbers(tmp_path: Path) -> None:
    """Four processes release at once: serials and MCNs stay unique and consecutive."""
    import subprocess
    import sys

    db = str(tmp_path / "c.db")
    open_archive(db).close()
    src = tmp_path / "d.txt"
    src.write_text(draft(**{"INFO ALL NATO POST COLLECTIVE IMMEDIATE\n": "",
                            "XMT AMEMBASSY LONDON\n": ""}), encoding="utf-8")
    script = ("import sys\nfrom cablegram.cli import main\nsrc, db = sys.argv[1:3]\n"
              "for _ in range(8):\n"
              "    sys.argv = ['cablegram', 'release', src, '--archive', db]\n"
              "    try:\n        main()\n    except SystemExit as e:\n"
              "        assert not e.code, e.code\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(src), db]) for _ in range(4)]
    assert all(p.wait(120) == 0 for p in procs)
    archive = open_archive(db)
    refs = sorted(int(r[0][6:]) for r in archive.db.query("SELECT reference_id FROM msg_release"))
    assert refs == list(range(1, 33))
    mcns = sorted(r[0] for r in archive.db.query(
        "SELECT mcn FROM msg_sent WHERE destination = 'SECSTATE WASHDC'"))
    assert mcns == [f"{n:04d}" for n in range(1, 33)]
    archive.close()
