"""The portion fields are indexed only for an archive that searches under the portion policy.

Each paragraph below its cable's level is indexed a second time, in a field for
its level (portions.add_body), for readers cleared below the cable under the
portion policy. A new index goes without them; the first portion search (or
``cablegram policy set portion``) rebuilds it with them, and it keeps them.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_search_portions import CONF, mixed
from test_search_support import ListStore

from cablegram.access.principal import Principal
from cablegram.archive import open_archive
from cablegram.archive.index import STATE_FILE, SearchIndex
from cablegram.archive.indexdoc import document_json
from cablegram.archive.portions import PORTION_FIELDS
from cablegram.errors import ArchiveError

TODAY = date(2012, 6, 1)


def _store() -> ListStore:
    store = ListStore()
    store.add(mixed("07OSLO100"))
    return store


def test_a_new_index_goes_without_the_portion_fields(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "ix")
    index.sync(_store())
    assert index.portions() is False
    doc = json.loads(document_json("07OSLO100", mixed("07OSLO100"), portions=False))
    assert not set(doc) & set(PORTION_FIELDS)
    assert set(json.loads(document_json("07OSLO100", mixed("07OSLO100")))) & set(PORTION_FIELDS)
    # the whole-cable policy reads body alone: nothing changes for it
    owner = Principal.archive_owner()
    assert index.search("gannetword", owner, today=TODAY).total == 1


def test_a_portion_search_never_runs_on_an_index_without_them(tmp_path: Path) -> None:
    """Its readers below a cable's level would find nothing: an error, never silence."""
    index = SearchIndex(tmp_path / "ix")
    index.sync(_store())
    with pytest.raises(ArchiveError, match="portion fields"):
        index.search("gannetword", CONF, today=TODAY, portion=True)


def test_sync_for_portions_rebuilds_once_and_keeps_them(tmp_path: Path) -> None:
    store = _store()
    index = SearchIndex(tmp_path / "ix")
    index.sync(store)
    assert index.sync(store, portions=True) == 1  # rebuilt: one cable indexed again
    assert index.portions() is True
    assert {h.reference_id for h in index.search("gannetword", CONF, today=TODAY,
                                                   portion=True).results} == {"07OSLO100"}
    store.add(mixed("07OSLO101"))
    assert index.sync(store) == 1  # a plain sync keeps the mode: the new cable has them
    assert index.portions() is True
    assert {h.reference_id for h in index.search("gannetword", CONF, today=TODAY,
                                                   portion=True).results} == {"07OSLO100",
                                                                              "07OSLO101"}


def test_an_index_from_before_the_mode_has_the_portion_fields(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "ix")
    index.sync(_store(), portions=True)
    state_file = tmp_path / "ix" / STATE_FILE
    state = json.loads(state_file.read_text())
    del state["portions"]  # as an older cablegram wrote it (it always indexed them)
    state_file.write_text(json.dumps(state))
    assert index.portions() is True


def test_the_archive_builds_them_for_its_first_portion_search_and_ingests_with_them(
        tmp_path: Path) -> None:
    from test_archive_factory import write_jsonl

    archive = open_archive(str(tmp_path / "a.db"))
    archive.add(mixed("07OSLO100"))
    # an ingest into a new archive indexes without the portion fields
    write_jsonl(tmp_path / "one.jsonl", [mixed("07OSLO101")])
    archive.ingest([str(tmp_path / "one.jsonl")])
    index = archive._synced_index()
    assert index.portions() is False
    found = archive.search("gannetword", CONF, portion=True)  # rebuilt first
    assert {h.reference_id for h in found.results} == {"07OSLO100", "07OSLO101"}
    assert index.portions() is True
    # from now on an ingest builds its documents with them
    write_jsonl(tmp_path / "two.jsonl", [mixed("07OSLO102")])
    archive.ingest([str(tmp_path / "two.jsonl")])
    assert index.portions() is True
    found = archive.search("gannetword", CONF, portion=True)
    assert {h.reference_id for h in found.results} == {"07OSLO100", "07OSLO101", "07OSLO102"}
    archive.close()


def test_policy_set_portion_builds_them(tmp_path: Path) -> None:
    from cablegram.cli import cli

    db = str(tmp_path / "a.db")
    archive = open_archive(db)
    archive.add(mixed("07OSLO100"))
    archive.search("x", Principal.archive_owner())  # an index without the portion fields
    archive.close()
    result = CliRunner().invoke(cli, ["policy", "set", "portion", "--archive", db])
    assert result.exit_code == 0, result.output
    assert "rebuilt with portion fields: 1 cables" in result.output
    again = open_archive(db)
    assert again._load_index().portions() is True
    again.close()
