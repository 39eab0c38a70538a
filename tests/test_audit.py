"""The hash-chained audit log: record, list, verify, and tampering by raw SQL (point 5)."""

from __future__ import annotations

from typing import Any

import pytest

from cablegram.access import audit
from cablegram.access.principal import Principal
from cablegram.model import Level

ALICE = Principal("alice", Level.SECRET)


def _fill(db: Any, n: int = 5) -> None:
    for i in range(n):
        audit.record(db, ALICE, audit.READ, f"07OSLO{500 + i}", "get", "127.0.0.1",
                     {"i": i, "text": "é"})


def test_record_and_list(tiny_db: Any) -> None:
    _fill(tiny_db, 3)
    audit.record(tiny_db, "mallory", audit.LOGIN_FAILED, "mallory", "login", "10.0.0.9")
    es = audit.entries(tiny_db)
    assert [e.seq for e in es] == [1, 2, 3, 4]
    assert es[0].prev_hash == audit.GENESIS and es[1].prev_hash == es[0].hash
    assert es[3].principal == "mallory" and es[3].address == "10.0.0.9"
    assert [e.seq for e in audit.entries(tiny_db, action=audit.LOGIN_FAILED)] == [4]
    assert audit.entries(tiny_db, principal="alice", limit=1)[0].target == "07OSLO500"
    assert audit.chain_hash(es[1].prev_hash, es[1].body()) == es[1].hash
    v = audit.verify(tiny_db)
    assert v.ok and v.entries == 4 and str(v) == "audit log intact: 4 entries"


def test_empty_log_verifies(tiny_db: Any) -> None:
    assert audit.verify(tiny_db).ok


def test_altered_entry_is_named(tiny_db: Any) -> None:
    _fill(tiny_db)
    tiny_db.execute("UPDATE audit_log SET target = '07OSLO999' WHERE seq = 3")
    v = audit.verify(tiny_db)
    assert not v.ok and v.first_bad == 3 and "altered" in v.reason


def test_altered_and_rehashed_entry_breaks_the_next(tiny_db: Any) -> None:
    _fill(tiny_db)
    e = audit.entries(tiny_db)[2]
    forged = dict(e.body(), target="07OSLO999")
    tiny_db.execute("UPDATE audit_log SET target = ?, hash = ? WHERE seq = 3",
                    ("07OSLO999", audit.chain_hash(e.prev_hash, forged)))
    v = audit.verify(tiny_db)
    assert not v.ok and v.first_bad == 4 and "does not chain" in v.reason


def test_removed_entry_is_named(tiny_db: Any) -> None:
    _fill(tiny_db)
    tiny_db.execute("DELETE FROM audit_log WHERE seq = 2")
    v = audit.verify(tiny_db)
    assert not v.ok and v.first_bad == 2 and "missing" in v.reason


def test_removed_and_renumbered_entry_is_named(tiny_db: Any) -> None:
    _fill(tiny_db)
    tiny_db.execute("DELETE FROM audit_log WHERE seq = 2")
    for seq in (3, 4, 5):
        tiny_db.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (seq - 1, seq))
    v = audit.verify(tiny_db)
    assert not v.ok and v.first_bad == 2


def test_reordered_entries_are_named(tiny_db: Any) -> None:
    _fill(tiny_db)
    tiny_db.execute("UPDATE audit_log SET seq = -1 WHERE seq = 2")
    tiny_db.execute("UPDATE audit_log SET seq = 2 WHERE seq = 3")
    tiny_db.execute("UPDATE audit_log SET seq = 3 WHERE seq = -1")
    v = audit.verify(tiny_db)
    assert not v.ok and v.first_bad == 2 and "order" in v.reason


def test_truncated_tail_is_detected(tiny_db: Any) -> None:
    _fill(tiny_db)
    tiny_db.execute("DELETE FROM audit_log WHERE seq >= 4")
    v = audit.verify(tiny_db)
    assert not v.ok and v.first_bad == 4 and "cut off" in v.reason


def test_appending_after_tampering_still_fails(tiny_db: Any) -> None:
    _fill(tiny_db)
    tiny_db.execute("UPDATE audit_log SET principal = 'bob' WHERE seq = 1")
    audit.record(tiny_db, ALICE, audit.READ, "x", "get", "cli")
    assert audit.verify(tiny_db).first_bad == 1


@pytest.mark.parametrize("n", [1, 2])
def test_head_forgery_detected(tiny_db: Any, n: int) -> None:
    _fill(tiny_db, n)
    tiny_db.execute("UPDATE meta SET value = ? WHERE key = ?", (f"{n}:{'f' * 64}", audit.HEAD_KEY))
    v = audit.verify(tiny_db)
    assert not v.ok and v.first_bad == n
