"""The post directory: shipped data, lookups, import, learn (H7, H8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import corpus_path

from cablegram.errors import FormatError, NotFound
from cablegram.messaging.db import SqliteDb
from cablegram.messaging.directory import Directory, guess_foreign
from cablegram.messaging.draft import parse_addressee
from cablegram.model import Addressee, Cable
from cablegram.vocab.posts import parse_collectives_json, parse_posts_csv, shipped_collectives


@pytest.fixture
def directory(tmp_path: Path) -> Directory:
    return Directory(SqliteDb(tmp_path / "d.db"))


def test_every_addressee_of_the_seed_cable_is_known(directory: Directory) -> None:
    text = corpus_path("seed", "07OSLO525.md").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in text.splitlines()]
    start = next(i for i, ln in enumerate(lines) if ln.startswith("FM "))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("C O N F"))
    addressees = []
    for ln in lines[start + 1:end]:
        if ln:
            addressees.append(parse_addressee("to", re.sub(r"^(TO|INFO) ", "", ln), 0))
    assert len(addressees) == 8
    for a in addressees:
        found = directory.lookup(a.pla)
        assert found is not None, a.pla
        assert found.ri == a.ri, (a.pla, found.ri, a.ri)  # H8: RI/PLA as written
    assert directory.require("AMEMBASSY OSLO").ri == "RUEHNY"


def test_nato_collective_holds_the_nato_capitals(directory: Directory) -> None:
    nato = directory.require("ALL NATO POST COLLECTIVE")
    assert (nato.ri, nato.collective) == ("RUEHXP", True)
    members = {m.pla for m in directory.members(nato.pla)}
    assert {"AMEMBASSY OSLO", "AMEMBASSY LONDON", "AMEMBASSY ANKARA",
            "USMISSION USNATO"} <= members
    assert "AMEMBASSY CANBERRA" not in members
    assert all(not m.foreign for m in directory.members(nato.pla))


def test_lookup_by_ri_alias_origin_and_case(directory: Directory) -> None:
    assert directory.lookup("RUEHC").pla == "SECSTATE WASHDC"  # type: ignore[union-attr]
    assert directory.lookup("secstate  washington dc").pla == "SECSTATE WASHDC"  # type: ignore
    assert directory.lookup("RHMFSS/Joint STAFF WASHINGTON DC").kind == "military"  # type: ignore
    assert directory.lookup("OSLO").pla == "AMEMBASSY OSLO"  # type: ignore[union-attr]
    assert directory.lookup("ABU DHABI").pla == "AMEMBASSY ABU DHABI"  # type: ignore
    assert directory.lookup("AMEMBASSY ATLANTIS") is None
    with pytest.raises(NotFound, match="ATLANTIS"):
        directory.require("AMEMBASSY ATLANTIS")


def test_foreign_addresses() -> None:
    assert guess_foreign("RXDB", "NATO AIFS NORTHWOOD")  # H7: X is not a US nation letter
    assert guess_foreign("RAYWAE", "DSD CANBERRA")
    assert not guess_foreign("RUEHNY", "AMEMBASSY OSLO")
    assert not guess_foreign("RHMFSS", "JOINT STAFF WASHINGTON DC")


def test_add_post_and_collective(directory: Directory) -> None:
    directory.add("AMEMBASSY VALLETTA", "RUEHVT", origin="VALLETTA")
    c = directory.add("MEDITERRANEAN COLLECTIVE", "RUEHMED",
                      members=["AMEMBASSY VALLETTA", "AMEMBASSY ROME"])
    assert c.collective and c.kind == "collective"
    assert [m.pla for m in directory.members(c.pla)] == ["AMEMBASSY ROME", "AMEMBASSY VALLETTA"]
    with pytest.raises(NotFound):
        directory.add("BAD COLLECTIVE", members=["AMEMBASSY ATLANTIS"])
    with pytest.raises(FormatError, match="H7"):
        directory.add("AMEMBASSY NOWHERE", "XYZ")


def test_import_route2name(directory: Directory) -> None:
    path = corpus_path("routing", "route2name.csv")
    result = directory.import_file(path)
    assert result.new > 1000
    # RI ranges ("RHFJAAA THRU RHFJAAZ") are reported with their line, not lost
    assert any("THRU" in reason for _, reason in result.skipped)
    assert all(line > 0 for line, _ in result.skipped)
    assert directory.lookup("RUEHAB").pla == "AMEMBASSY ABIDJAN"  # type: ignore[union-attr]
    # shipped entries win: RUEHC stays SECSTATE WASHDC
    assert directory.get("SECSTATE WASHDC").source == "shipped"  # type: ignore[union-attr]
    assert directory.import_file(path).new == 0  # idempotent


def test_import_bad_row_names_file_and_line(tmp_path: Path, directory: Directory) -> None:
    bad = tmp_path / "ri.csv"
    bad.write_text("RUEHNY,AMEMBASSY OSLO\nRUEHXX\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        directory.import_file(bad)
    assert err.value.line == 2 and err.value.rule == "H7" and "ri.csv" in str(err.value)


def test_learn_from_archived_cables(directory: Directory) -> None:
    cable = Cable(raw="", originator_name="AMEMBASSY NUUK", originator_ri="RUEHNU",
                  to=(Addressee("SECSTATE WASHDC", "RUEHC"),),
                  info=(Addressee("AMCONSUL TORSHAVN", "RUEHTO"),
                        Addressee("NORTH ATLANTIC COLLECTIVE", "RUEHNAC", collective=True)))
    assert directory.learn_from([cable]) == 3
    assert directory.require("RUEHTO").pla == "AMCONSUL TORSHAVN"
    assert directory.require("NORTH ATLANTIC COLLECTIVE").collective
    assert directory.learn_from([cable]) == 0


def test_shipped_data_validates() -> None:
    assert len(shipped_collectives()) >= 1
    with pytest.raises(FormatError, match=":2:"):
        list(parse_posts_csv("ri,pla,origin,kind,foreign,aliases\nRUEHNY,,OSLO,embassy,0,\n"))
    with pytest.raises(FormatError, match="H8"):
        parse_collectives_json('{"collectives": [{"pla": "X COLLECTIVE", "members": []}]}')


def test_directory_commands(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from cablegram.cli import cli

    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    ri_file = tmp_path / "ri.csv"
    ri_file.write_text("RUEHNU,AMEMBASSY NUUK\nRUEHAA THRU RUEHAZ,SOMEWHERE\n", encoding="utf-8")
    res = runner.invoke(cli, ["directory", "import", str(ri_file), "--archive", db])
    assert res.exit_code == 0 and "imported 1 new" in res.output and "1 rows skipped" in res.output
    assert "ri.csv:2: skipped" in res.output  # stderr is mixed into output by CliRunner
    res = runner.invoke(cli, ["directory", "add", "NATO HQ BRUSSELS", "--ri", "RXNATO",
                              "--archive", db])
    assert res.exit_code == 0
    res = runner.invoke(cli, ["directory", "show", "RXNATO", "--json", "--archive", db])
    shown = json.loads(res.output)
    assert (shown["pla"], shown["foreign"], shown["kind"]) == ("NATO HQ BRUSSELS", True,
                                                               "foreign")
    res = runner.invoke(cli, ["directory", "list", "--kind", "collective", "--json",
                              "--archive", db])
    assert "ALL NATO POST COLLECTIVE" in {a["pla"] for a in json.loads(res.output)}
    res = runner.invoke(cli, ["directory", "show", "AMEMBASSY ATLANTIS", "--archive", db])
    assert res.exit_code != 0
    tele = corpus_path("raw-telegrams", "06NEWDELHI5135.txt")
    res = runner.invoke(cli, ["ingest", str(tele), "--archive", db])
    if res.exit_code == 0:  # the store engineer's command
        res = runner.invoke(cli, ["directory", "learn", "--archive", db])
        assert res.exit_code == 0 and "learned" in res.output
        res = runner.invoke(cli, ["directory", "show", "RUEHCG", "--json", "--archive", db])
        assert json.loads(res.output)["source"] == "learned"  # AMCONSUL CHENNAI
