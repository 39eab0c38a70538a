"""Search over the real cables of ../shared/corpus (Cablegate 2010 pages and the seed).

The index is checked against the store it derives from: every stored cable is
found by its id with the store's subject, DTG and classification, and by the
day of its DTG; facet counts add up to the total; the founding example's
reference to 07STATE64981 is found by ``ref:``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import corpus_path

from cablegram.access.principal import Principal
from cablegram.archive import open_archive
from cablegram.archive.facade import SqlArchive
from cablegram.model import Cable

OWNER = Principal.archive_owner()
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlArchive]:
    pages = corpus_path("cablegate-2010")
    seed = corpus_path("seed")
    path = tmp_path_factory.mktemp("corpus") / "a.db"
    with open_archive(str(path)) as a:
        a.ingest([str(pages), str(seed)])
        yield a


@pytest.fixture(scope="module")
def stored(archive: SqlArchive) -> list[Cable]:
    return list(archive.export("", OWNER))


def test_every_stored_cable_is_found_by_id_with_its_fields(archive: SqlArchive,
                                                           stored: list[Cable]) -> None:
    assert len(stored) > 900
    wrong = []
    for c in stored:
        rid = str(c.reference_id)
        r = archive.search(f"id:{rid}", OWNER, facets=False)
        if r.total != 1:
            wrong.append((rid, "total", r.total))
            continue
        hit = r.results[0]
        got = (hit.subject, hit.dtg, hit.classification, hit.origin)
        want = (c.subject, c.dtg.isoformat() if c.dtg else None, c.level.label, c.origin)
        if got != want:
            wrong.append((rid, got, want))
    assert wrong == []


def test_every_dated_cable_is_found_by_its_day(archive: SqlArchive,
                                               stored: list[Cable]) -> None:
    missing = [str(c.reference_id) for c in stored if c.dtg is not None and archive.search(
        f"id:{c.reference_id} date:{c.dtg.when:%Y-%m-%d}", OWNER, facets=False).total != 1]
    assert missing == []


def test_facets_add_up_and_match_the_store(archive: SqlArchive, stored: list[Cable]) -> None:
    r = archive.search("", OWNER, limit=1)
    assert r.total == len(stored)
    assert sum(n for _, n in r.facets["classification"]) == r.total
    assert sum(n for _, n in r.facets["precedence"]) == r.total
    assert dict(r.facets["year"]) == dict(Counter(f"{c.dtg.when.year:04d}" for c in stored
                                                  if c.dtg))
    for year, n in r.facets["year"][:3]:  # a click on a year finds what it counted
        assert archive.search(f"year:{year}", OWNER, facets=False).total == n
    assert dict(r.histogram) == dict(Counter(f"{c.dtg.when:%Y-%m}" for c in stored if c.dtg))
    top_origin, n = r.facets["origin"][0]
    assert n == sum(1 for c in stored if c.origin == top_origin)


def test_the_founding_example(archive: SqlArchive) -> None:
    # 07OSLO525 cites SECSTATE 64981 (T7: a REF without a year is the cable's own year)
    assert "07OSLO525" in {h.reference_id for h in
                           archive.search("ref:07STATE64981", OWNER).results}
    r = archive.search('"cluster munitions" origin:OSLO signer:WHITNEY', OWNER)
    assert [h.reference_id for h in r.results] == ["07OSLO525"]
    assert "<mark>cluster</mark> <mark>munitions</mark>" in r.results[0].snippet
    assert archive.search("tag:PARM tag:NO class:CONFIDENTIAL to:RUEHC", OWNER).total >= 1


MARKED = ["embassy", '"prime minister"', "nuclear -iran", "elect*"]


@pytest.mark.parametrize("query", [
    *MARKED, "tag:PREL class:>=SECRET", "origin:STATE from:2009", "caveat:NOFORN",
    "precedence:IMMEDIATE to:RUEHC", "U.S.", "1.4(b)", "Ba,ath", "'; DROP TABLE cables; --",
])
def test_real_queries_run_and_mark_their_words(archive: SqlArchive, query: str) -> None:
    r = archive.search(query, OWNER)
    public = archive.search(query, Principal.public())
    assert public.total <= r.total
    everything = archive.search(query, OWNER, limit=max(r.total, 1), facets=False)
    assert {h.reference_id for h in public.results} <= \
        {h.reference_id for h in everything.results}
    for hit in r.results:
        assert "<script" not in hit.snippet.lower()
        # the only markup in a snippet is <mark>
        assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    if query in MARKED:
        assert r.total > 0
        assert any("<mark>" in h.snippet for h in r.results)


def test_public_sees_only_what_may_read_allows(archive: SqlArchive,
                                               stored: list[Cable]) -> None:
    from cablegram.access.principal import decide

    public = Principal.public()
    visible = {str(c.reference_id) for c in stored if decide(public, c).allowed}
    r = archive.search("", public, limit=len(stored))
    assert {h.reference_id for h in r.results} == visible
    assert r.total == len(visible)


def test_corpus_path_helper_points_outside_the_repo() -> None:
    here = Path(__file__).resolve().parents[1]
    assert here not in corpus_path("seed").parents


CLICK_FIELDS = {"tags": "tag", "origin": "origin", "classification": "class",
                "precedence": "precedence", "caveats": "caveat", "year": "year"}


@pytest.mark.parametrize("who", [OWNER, Principal.public()], ids=["owner", "public"])
def test_a_click_on_a_facet_value_finds_what_it_counted(archive: SqlArchive,
                                                        who: Principal) -> None:
    base = "embassy"
    r = archive.search(base, who)
    for facet, field in CLICK_FIELDS.items():
        for value, n in r.facets[facet][:6]:
            narrowed = f'{base} {field}:"{value}"'
            assert archive.search(narrowed, who, facets=False).total == n, narrowed
