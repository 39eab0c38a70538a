"""The archive commands, run as a user runs them (a real `cablegram` process)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_archive_factory import make_cable, write_jsonl

from cablegram.model import Level

EXE = [str(Path(sys.executable).with_name("cablegram"))]  # the installed entry point


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EXE, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def archive(tmp_path: Path) -> tuple[str, Path]:
    """An archive holding three invented cables, one of them in two versions."""
    db = str(tmp_path / "a.db")
    corpus = write_jsonl(tmp_path / "in.jsonl", [
        make_cable("07OSLO1", refs=("07STATE100",)),
        make_cable("07STATE100", level=Level.SECRET, caveats=("NOFORN",), refs=("07OSLO1",)),
        make_cable("07OSLO1", body="The weather turned \x1b[31mred\x1b[0m over the fjord.",
                   refs=("07STATE100",)),
        make_cable("07PARIS3"),
        "not json",
    ])
    return db, corpus


def _ingested(archive: tuple[str, Path]) -> str:
    db, corpus = archive
    r = run("ingest", str(corpus), "--archive", db, "--json")
    assert r.returncode == 0, r.stderr
    return db


def test_ingest_json_prints_exactly_the_five_counts(archive: tuple[str, Path]) -> None:
    db, corpus = archive
    r = run("ingest", str(corpus), "--archive", db, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"read": 5, "new": 3, "unchanged": 0, "versions": 1,
                                    "quarantined": 1}
    again = run("ingest", str(corpus), "--archive", f"sqlite:///{db}")
    assert again.returncode == 0
    assert again.stdout.strip() == ("read 5: 0 new, 4 unchanged, 0 new versions, "
                                    "1 quarantined")


def test_archive_comes_from_the_environment(archive: tuple[str, Path]) -> None:
    db, corpus = archive
    assert run("ingest", str(corpus), "--json", env={"CABLEGRAM_ARCHIVE": db}).returncode == 0
    r = run("stats", "--json", env={"CABLEGRAM_ARCHIVE": db})
    assert json.loads(r.stdout)["cables"] == 3


def test_quarantine_lists_reason_and_place(archive: tuple[str, Path]) -> None:
    db = _ingested(archive)
    r = run("quarantine", "--archive", db, "--json")
    (entry,) = json.loads(r.stdout)
    assert (entry["position"], entry["raw"].rstrip("\n")) == ("line 5", "not json")
    assert "not JSON" in entry["reason"]
    assert "line 5" in run("quarantine", "--archive", db).stdout


def test_show_formats(archive: tuple[str, Path]) -> None:
    db = _ingested(archive)
    text = run("show", "07OSLO1", "--archive", db).stdout
    assert text.startswith("07OSLO1  UNCLASSIFIED")
    tele = run("show", "07 OSLO 1", "--archive", db, "--format", "telegram", "--version", "1")
    assert tele.stdout.startswith("UNCLAS OSLO 000001\n")  # the stored raw text
    data = json.loads(run("show", "07OSLO1", "--archive", db, "--format", "json").stdout)
    assert data["reference_id"] == "07OSLO1"
    md = run("show", "07OSLO1", "--archive", db, "--format", "markdown")
    assert md.returncode == 0 and "07OSLO1" in md.stdout


def test_withheld_and_missing_answer_alike(archive: tuple[str, Path]) -> None:
    db = _ingested(archive)
    withheld = run("show", "07STATE100", "--archive", db, "--as", "public")
    missing = run("show", "07STATE999", "--archive", db, "--as", "public")
    assert withheld.returncode == missing.returncode == 66
    assert withheld.stderr.replace("07STATE100", "X") == missing.stderr.replace("07STATE999", "X")
    assert "Traceback" not in withheld.stderr
    assert run("show", "07STATE100", "--archive", db).returncode == 0  # the owner sees it


def test_unknown_user_is_a_clear_error(archive: tuple[str, Path]) -> None:
    db = _ingested(archive)
    r = run("stats", "--archive", db, "--as", "nobody")
    assert r.returncode != 0
    assert "nobody" in r.stderr and "Traceback" not in r.stderr


def test_diff_between_versions(archive: tuple[str, Path]) -> None:
    db = _ingested(archive)
    r = run("diff", "07OSLO1", "--archive", db)
    assert r.returncode == 0, r.stderr
    assert "--- 07OSLO1 version 1" in r.stdout and "+++ 07OSLO1 version 2" in r.stdout
    assert "-1. (U) The weather in the capital was fine." in r.stdout
    one = run("diff", "07PARIS3", "--archive", db)
    assert one.returncode == 66 and "only one version" in one.stderr


def test_refs_text_and_json(archive: tuple[str, Path]) -> None:
    db = _ingested(archive)
    data = json.loads(run("refs", "07OSLO1", "--archive", db, "--json").stdout)
    assert [(x["reference_id"], x["in_archive"]) for x in data["cites"]] == [
        ("07STATE100", True)]
    assert [x["reference_id"] for x in data["cited_by"]] == ["07STATE100"]
    public = json.loads(run("refs", "07OSLO1", "--archive", db, "--json", "--as",
                            "public").stdout)
    assert public == {"cites": [{"reference_id": "07STATE100", "in_archive": False,
                                 "subject": None, "letter": "A", "text": "07STATE100"}],
                      "cited_by": []}


def test_export_csv_jsonl_parquet(archive: tuple[str, Path], tmp_path: Path) -> None:
    db = _ingested(archive)
    out = tmp_path / "all.csv"
    r = run("export", "--format", "csv", "-o", str(out), "--archive", db, "--as", "public")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert sorted(r["reference_id"] for r in rows) == ["07OSLO1", "07PARIS3"]
    lines = run("export", "", "--format", "jsonl", "--archive", db).stdout.splitlines()
    assert sorted(json.loads(x)["reference_id"] for x in lines) == [
        "07OSLO1", "07PARIS3", "07STATE100"]
    pq = pytest.importorskip("pyarrow.parquet")
    pfile = tmp_path / "all.parquet"
    assert run("export", "--format", "parquet", "-o", str(pfile), "--archive",
               db).returncode == 0
    table: Any = pq.read_table(pfile)
    assert sorted(table.column("reference_id").to_pylist()) == [
        "07OSLO1", "07PARIS3", "07STATE100"]
    bad = run("export", "--format", "parquet", "--archive", db)
    assert bad.returncode == 74 and "standard output" in bad.stderr


def test_export_with_a_query_uses_the_index(archive: tuple[str, Path], tmp_path: Path) -> None:
    db = _ingested(archive)
    r = run("export", "fjord", "--format", "jsonl", "--archive", db)
    assert r.returncode == 0, r.stderr
    assert [json.loads(x)["reference_id"] for x in r.stdout.splitlines()] == ["07OSLO1"]


def test_stats_and_reindex(archive: tuple[str, Path]) -> None:
    db = _ingested(archive)
    owner = json.loads(run("stats", "--archive", db, "--json").stdout)
    assert owner == {"cables": 3, "versions": 4, "quarantined": 1,
                     "by_classification": {"SECRET//NOFORN": 1, "UNCLASSIFIED": 2},
                     "by_year": {"2007": 3}}
    assert json.loads(run("stats", "--archive", db, "--json", "--as",
                          "public").stdout)["cables"] == 2
    r = run("reindex", "--archive", db)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "indexed 3 cables"


def test_bad_archive_path_is_a_clear_error(tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    r = run("stats", "--archive", str(typo))
    assert r.returncode == 74
    assert "no archive at" in r.stderr and "Traceback" not in r.stderr
    assert not typo.exists()  # a read command never creates an archive
    r = run("ingest", str(tmp_path / "in.jsonl"), "--archive", str(tmp_path / "no" / "a.db"))
    assert r.returncode == 2 and "does not exist" in r.stderr  # the input is checked first
    (tmp_path / "in.jsonl").write_text("", encoding="utf-8")
    r = run("ingest", str(tmp_path / "in.jsonl"), "--archive", str(tmp_path / "no" / "a.db"))
    assert r.returncode == 74 and "does not exist" in r.stderr
    (tmp_path / "junk.db").write_text("not a database\n", encoding="utf-8")
    r = run("stats", "--archive", str(tmp_path / "junk.db"))
    assert r.returncode == 74 and "not a database" in r.stderr


def test_terminal_output_neutralises_control_characters() -> None:
    from cablegram.cli.options import safe_text

    assert safe_text("a\x1b[31mred\x07\n\tb") == "a\ufffd[31mred\ufffd\n\tb"
