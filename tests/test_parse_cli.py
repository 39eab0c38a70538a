"""``cablegram parse``, run as a real process (``python -m cablegram``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import corpus_path

pytest.importorskip("cablegram.formats.telegram", reason="the telegram codec is not built")

TELEGRAM = """R 011200Z JAN 09
FM AMEMBASSY ZEMBLA
TO SECSTATE WASHDC 0001
UNCLAS ZEMBLA 000012

E.O. 12958: N/A
TAGS: PREL ZZ
SUBJECT: AN INVENTED CABLE \u202eEVIL

1. THE FIRST PARAGRAPH.

DOE
"""


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cablegram", "parse", *args],
                          input=stdin, capture_output=True, timeout=120, check=False)


def json_lines(out: bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.decode().splitlines() if line.strip()]


def test_json_lines_and_errors_go_on(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text(TELEGRAM)
    bad = tmp_path / "b.txt"
    bad.write_text("nothing here")
    p = run("--json", str(good), str(bad), str(tmp_path / "missing.txt"))
    assert p.returncode == 0, p.stderr
    rows = json_lines(p.stdout)
    assert rows[0]["reference_id"] == "09ZEMBLA12"
    assert rows[0]["subject"] == "AN INVENTED CABLE \u202eEVIL"  # JSON keeps the text exactly
    assert "\u202e".encode() not in p.stdout  # but escaped, not raw
    assert rows[1]["error"] and rows[1]["source"] == str(bad)
    assert rows[1]["position"] == "whole file" and "telegram" in str(rows[1]["reason"])
    assert rows[2]["source"] == str(tmp_path / "missing.txt")
    assert "no such file" in str(rows[2]["reason"])


def test_nothing_readable_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "b.txt"
    bad.write_text("nothing here")
    p = run("--json", str(bad))
    assert p.returncode == 65
    assert json_lines(p.stdout)[0]["source"] == str(bad)
    p = run(str(bad))
    assert p.returncode == 65
    assert str(bad).encode() in p.stderr and p.stdout == b""


def test_summary_and_stdin() -> None:
    p = run("-", stdin=TELEGRAM.encode())
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert "09ZEMBLA12" in out and "AN INVENTED CABLE" in out
    assert "\u202e" not in out  # bidi override not passed to the terminal
    assert b"1 cable(s) read, 0 input(s) unreadable" in p.stderr


def test_strict_stops_with_exit_65(tmp_path: Path) -> None:
    bad = tmp_path / "b.txt"
    bad.write_text("nothing here")
    p = run("--strict", str(bad))
    assert p.returncode == 65
    assert b"b.txt" in p.stderr


def test_bad_format_name_is_a_usage_error() -> None:
    p = run("--format", "pdf", "-", stdin=b"")
    assert p.returncode == 2
    assert b"pdf" in p.stderr


def test_corpus_directory_as_json() -> None:
    root = corpus_path()
    p = run("--json", str(root / "plusd-1970s"), str(root / "cables-csv"))
    assert p.returncode == 0, p.stderr
    rows = json_lines(p.stdout)
    ids = [r.get("reference_id") for r in rows if "error" not in r]
    assert ids == ["73STATE97844", "74ATHENS2959", "74ATHENS3099", "66BUENOSAIRES2481",
                   "72TEHRAN1164"]
    # the licence file in cables-csv is not a cable: said so, not dropped
    errors = [r for r in rows if "error" in r]
    assert [Path(str(r["source"])).name for r in errors] == ["SOURCE-LICENSE"]


def test_format_forced_from_stdin() -> None:
    sample = corpus_path("cables-csv", "cables_sample.csv").read_bytes()
    p = run("--json", "--format", "cables-csv", "-", stdin=sample)
    assert p.returncode == 0, p.stderr
    rows = json_lines(p.stdout)
    assert [r["source"]["metadata"]["position"] for r in rows] == ["row 1", "row 2"]  # type: ignore[index]
