"""The ``user``, ``token``, ``audit`` and ``policy`` commands, run as real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from cablegram.access.users import principal_for_token
from cablegram.archive import open_archive
from cablegram.cli import cli
from cablegram.errors import CablegramError
from cablegram.model import Level


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run(archive: Path, *args: str, stdin: str | None = None) -> Ran:
    """In process, with the exit codes ``cablegram.cli.main`` maps errors to."""
    result = CliRunner().invoke(cli, [*args, "--archive", str(archive)], input=stdin)
    exc = result.exception
    if isinstance(exc, CablegramError):
        return Ran(exc.exit_code, result.stdout, f"error: {exc}")
    if exc is not None and not isinstance(exc, SystemExit):
        raise exc
    return Ran(result.exit_code, result.stdout, result.stderr)


def run_process(archive: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CABLEGRAM_INDEX_DIR": str(archive.parent / "index")}
    return subprocess.run([sys.executable, "-m", "cablegram", *args, "--archive", str(archive)],
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture(autouse=True)
def _cheap(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CABLEGRAM_ARGON2_CHEAP", "1")
    monkeypatch.setenv("CABLEGRAM_INDEX_DIR", str(tmp_path / "index"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "a.db"


def test_user_lifecycle(db: Path) -> None:
    r = run(db, "user", "add", "alice", "--clearance", "SECRET", "--caveat", "NOFORN",
            "--post", "AMEMBASSY OSLO", "--releaser", "AMEMBASSY OSLO", "--password-stdin",
            stdin="s3cret\n")
    assert r.returncode == 0, r.stderr
    assert "alice: SECRET; caveats NOFORN; posts AMEMBASSY OSLO" in r.stdout
    assert run(db, "user", "grant", "alice", "--caveat", "NODIS", "--clearance",
               "TOP SECRET").returncode == 0
    assert run(db, "user", "revoke", "alice", "--post", "amembassy oslo").returncode == 0
    [u] = json.loads(run(db, "user", "list", "--json").stdout)
    assert u == {"name": "alice", "clearance": "TOP SECRET", "caveats": ["NODIS", "NOFORN"],
                 "posts": [], "releaser_for": ["AMEMBASSY OSLO"], "has_password": True,
                 "created_at": u["created_at"]}
    assert run(db, "user", "remove", "alice").returncode == 0
    assert json.loads(run(db, "user", "list", "--json").stdout) == []


def test_errors_name_the_input_and_exit_non_zero(db: Path) -> None:
    r = run(db, "user", "add", "bob", "--clearance", "PURPLE")
    assert r.returncode == 64 and "'PURPLE' is not a level" in r.stderr
    r = run(db, "user", "grant", "nobody", "--caveat", "NOFORN")
    assert r.returncode == 66 and "no user 'nobody'" in r.stderr
    r = run(db, "user", "add", "bob", "--clearance", "SECRET", "--password-stdin", stdin="")
    assert r.returncode == 1 and "no password on standard input" in r.stderr
    assert "Traceback" not in r.stderr


def test_token_is_the_last_word(db: Path) -> None:
    assert run(db, "user", "add", "carol", "--clearance", "CONFIDENTIAL").returncode == 0
    r = run(db, "token", "create", "carol", "--label", "ci")
    assert r.returncode == 0
    token = r.stdout.split()[-1]
    with open_archive(str(db)) as a:
        assert principal_for_token(a, token).clearance is Level.CONFIDENTIAL
    [t] = json.loads(run(db, "token", "list", "--json").stdout)
    assert t["name"] == "carol" and t["label"] == "ci" and token not in json.dumps(t)
    assert run(db, "token", "revoke", t["id"]).returncode == 0
    assert json.loads(run(db, "token", "list", "--json").stdout) == []


def test_audit_verify_and_tampering(db: Path) -> None:
    for name in ("u1", "u2", "u3"):
        assert run(db, "user", "add", name, "--clearance", "SECRET").returncode == 0
    r = run(db, "audit", "verify")
    assert r.returncode == 0 and "intact: 3 entries" in r.stdout
    lines = run(db, "audit", "list", "--json").stdout.splitlines()
    assert [json.loads(x)["target"] for x in lines] == ["u1", "u2", "u3"]
    assert "user add" in run(db, "audit", "list").stdout
    with open_archive(str(db)) as a:
        a.db.execute("UPDATE audit_log SET principal = 'someone' WHERE seq = 2")
    r = run_process(db, "audit", "verify")  # the real exit code of the real command
    assert r.returncode == 1 and "broken at entry 2" in r.stderr


def test_policy_commands(db: Path) -> None:
    assert run(db, "policy", "show").stdout.strip() == "whole-cable"
    assert run(db, "policy", "set", "portion").returncode == 0
    assert run(db, "policy", "show").stdout.strip() == "portion"
    assert run(db, "policy", "set", "some").returncode == 2


def test_user_check_explains(db: Path) -> None:
    from cablegram.model import Cable, Classification, Paragraph, ReferenceId

    with open_archive(str(db)) as a:
        a.add(Cable(raw="x\n", reference_id=ReferenceId.parse("09ROME7"),
                    classification=Classification(Level.SECRET),
                    paragraphs=(Paragraph(1, "U", "A"), Paragraph(2, "S", "B"))))
    assert run(db, "user", "add", "dee", "--clearance", "CONFIDENTIAL").returncode == 0
    r = run(db, "user", "check", "dee", "09ROME7")
    assert r.stdout.splitlines() == [
        "dee may not read 09ROME7: needs clearance SECRET (policy whole-cable)",
        "  1. (U) released", "  2. (S) withheld: needs clearance SECRET"]
    assert run(db, "policy", "set", "portion").returncode == 0
    assert "released in part:" in run(db, "user", "check", "dee", "09ROME7").stdout
    j = json.loads(run(db, "user", "check", "public", "09ROME7", "--json").stdout)
    assert j["partly_released"] and not j["allowed"]
    assert run(db, "user", "check", "dee", "09ROME8").returncode == 66
