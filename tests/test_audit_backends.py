"""Users and the audit chain on both backends (SQLite file, PostgreSQL), with
concurrent writers on separate connections: the chain must stay one chain."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from cablegram.access import audit
from cablegram.access.principal import Principal
from cablegram.access.users import add_user, authenticate, create_token, principal_for_token
from cablegram.archive import open_archive
from cablegram.model import Level


@pytest.fixture
def url(archive_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CABLEGRAM_ARGON2_CHEAP", "1")
    monkeypatch.setenv("CABLEGRAM_INDEX_DIR", str(tmp_path / "index"))
    return archive_url


def test_users_and_tokens(url: str) -> None:
    with open_archive(url) as a:
        add_user(a, "alice", "SECRET", caveats=["NOFORN"], password="pw")
        assert authenticate(a, "alice", "pw").caveats == {"NOFORN"}
        token = create_token(a, "alice")
    with open_archive(url) as a:  # a second connection sees the same users
        assert principal_for_token(a, token).clearance is Level.SECRET


def test_concurrent_writers_keep_one_chain(url: str) -> None:
    handles: list[Any] = [open_archive(url) for _ in range(3)]
    try:
        audit.record(handles[0].db, "owner", audit.ADMIN, "start", "test", "cli")
        errors: list[BaseException] = []

        def write(db: Any, who: str) -> None:
            try:
                for i in range(15):
                    audit.record(db, Principal(who, Level.SECRET), audit.READ, f"{who}{i}",
                                 "get", "cli")
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(h.db, f"w{n}"))
                   for n, h in enumerate(handles)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        v = audit.verify(handles[0].db)
        assert v.ok and v.entries == 46, str(v)
        handles[0].db.execute("DELETE FROM audit_log WHERE seq = 20")
        assert audit.verify(handles[1].db).first_bad == 20
    finally:
        for h in handles:
            h.close()
