"""``cablegram search``: real subprocess runs against a real SQLite archive."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from test_search_support import make_cable

from cablegram.archive import open_archive
from cablegram.model import Level


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "a.db"
    with open_archive(str(path)) as a:
        a.add(make_cable("07OSLO525", subject="CLUSTER MUNITIONS", level=Level.CONFIDENTIAL,
                         paragraphs=["Norway asks about cluster munitions."],
                         tags=["PARM", "NO"]))
        a.add(make_cable("06PARIS100", subject="BUDGET [red]NOT MARKUP[/red]",
                         paragraphs=["Budget \x1b[31mterminal\x1b[0m munitions <b>x</b>."],
                         tags=["ECON"], when=datetime(2006, 1, 3, 8, 0, tzinfo=UTC)))
    return str(path)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cablegram", "search", *args],
                          capture_output=True, text=True, timeout=120,
                          env={"COLUMNS": "160", "PATH": "/usr/bin:/bin", "HOME": "/tmp"})


def test_json_output(archive: str) -> None:
    p = run("munitions", "--json", "--archive", archive)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["total"] == 2
    first = data["results"][0]
    assert set(first) >= {"reference_id", "subject", "dtg", "classification", "origin",
                          "snippet"}
    assert {f["value"] for f in data["facets"]["tags"]} == {"PARM", "NO", "ECON"}
    assert "<mark>munitions</mark>" in json.dumps(data)


def test_sort_limit_offset(archive: str) -> None:
    p = run("", "--json", "--sort", "date", "--limit", "1", "--offset", "1",
            "--archive", archive)
    data = json.loads(p.stdout)
    assert data["total"] == 2
    assert [r["reference_id"] for r in data["results"]] == ["07OSLO525"]


def test_as_public_sees_only_what_the_public_may(archive: str) -> None:
    p = run("munitions", "--json", "--as", "public", "--archive", archive)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["total"] == 1
    assert [r["reference_id"] for r in data["results"]] == ["06PARIS100"]
    assert {f["value"] for f in data["facets"]["tags"]} == {"ECON"}


def test_table_output_is_inert(archive: str) -> None:
    p = run("budget", "--archive", archive)
    assert p.returncode == 0, p.stderr
    assert "06PARIS100" in p.stdout
    assert "[red]NOT MARKUP[/red]" in p.stdout  # cable text is not rich markup
    assert "\x1b" not in p.stdout  # nor terminal control sequences
    assert "<b>x</b" in p.stdout  # the snippet's escaping undone for the terminal
    assert "1-1 of 1 cables" in p.stdout


def test_no_results(archive: str) -> None:
    p = run("nosuchword", "--archive", archive)
    assert p.returncode == 0
    assert "no cables match" in p.stdout


@pytest.mark.parametrize(("query", "message"), [
    ("(munitions", "'(' at position 1 is never closed"),
    ("class:HIGH", "'HIGH' is not a classification"),
    ("to:2007-13", "not a real date"),
])
def test_bad_query_exits_64_with_the_message(archive: str, query: str, message: str) -> None:
    p = run(query, "--archive", archive)
    assert p.returncode == 64
    assert message in p.stderr
    assert "Traceback" not in p.stderr


def test_bad_option_is_a_usage_error(archive: str) -> None:
    p = run("x", "--sort", "size", "--archive", archive)
    assert p.returncode == 2
    assert "size" in p.stderr
