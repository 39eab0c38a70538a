"""`python -m cablegram.demo` builds a demo archive with users, and a second run reuses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cablegram import demo
from cablegram.access.principal import Principal
from cablegram.archive import open_archive


@pytest.mark.slow
def test_demo_builds_once_and_reuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CABLEGRAM_ARGON2_CHEAP", "1")  # argon2 cost is not what this tests
    args = ["--dir", str(tmp_path), "--count", "60", "--no-corpus", "--no-serve"]
    assert demo.main(args) == 0
    out = capsys.readouterr().out
    assert "demo-analyst" in out and "CONFIDENTIAL" in out  # logins are printed
    db = tmp_path / "cablegram.db"
    state = json.loads(db.with_name("cablegram.db.ingested.json").read_text())
    assert state["summary"]["new"] == 60
    archive = open_archive(str(db))
    try:
        assert archive.search("embassy", Principal.archive_owner(), limit=1).total > 0
        from cablegram.access import users

        names = {u.name for u in users.list_users(archive)}
        assert {u.name for u in demo.DEMO_USERS} <= names
        analyst = users.authenticate(archive, "analyst", "demo-analyst")
        assert analyst.clearance.name == "CONFIDENTIAL"
    finally:
        archive.close()
    mtime = db.stat().st_mtime_ns
    assert demo.main(args) == 0
    assert "reusing" in capsys.readouterr().out
    assert db.stat().st_mtime_ns == mtime  # nothing was ingested again
