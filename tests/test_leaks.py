"""Nothing withheld leaks through any read path (access control issue, point 3).

Property-based: hypothesis generates small corpora (levels, caveats,
distribution and channel captions, declassification dates, portion marks,
references between cables) and principals (clearances, caveats, posts). Each
corpus is ingested into a real SQLite archive with its real tantivy index in a
temporary directory, and for every principal and every read path -- search
totals, facets, histogram, snippets, get, versions, refs/cited-by, export,
stats, and the web API and pages -- we check that

* no text of a withheld cable (its subject, its paragraphs) appears;
* totals and facet counts equal those of the visible set computed with
  :func:`cablegram.access.principal.may_read` (through ``decide``);
* more clearance never sees less;
* a withheld id answers exactly like a missing id.

Every cable carries unique marker words (``SUBJMARK007END``, ``PARAMARK007P1END``)
so that a leak is a plain substring match on whatever a read path returns.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cablegram.access import audited
from cablegram.access.principal import Principal, decide
from cablegram.access.redact import redact, set_policy
from cablegram.access.users import add_user, create_token
from cablegram.archive import open_archive
from cablegram.errors import NotFound
from cablegram.model import (
    Addressee,
    Cable,
    Classification,
    Dtg,
    Level,
    Paragraph,
    Reference,
    ReferenceId,
    Tag,
)
from cablegram.vocab.tags import kind_of

POSTS = [("AMEMBASSY OSLO", "RUEHNY", "OSLO"), ("AMEMBASSY PARIS", "RUEHFR", "PARIS"),
         ("SECSTATE WASHDC", "RUEHC", "STATE")]
CABLE_CAVEATS = ["NOFORN", "NODIS", "EXDIS", "ROGER", "SIPDIS"]
HELD_CAVEATS = ["NOFORN", "NODIS", "EXDIS", "ROGER"]
TAGS = ["PREL", "PGOV", "MOPS", "NO", "FR"]
COMMON = "COMMONWORD"
MISSING = "07OSLO99999"
TODAY = date.today()


def subj_mark(i: int) -> str:
    return f"SUBJMARK{i:03d}END"


def para_mark(i: int, j: int) -> str:
    return f"PARAMARK{i:03d}P{j}END"


@st.composite
def corpora(draw: st.DrawFn) -> list[Cable]:
    n = draw(st.integers(1, 6))
    out: list[Cable] = []
    for i in range(n):
        level = draw(st.sampled_from(list(Level)))
        caveats = tuple(draw(st.lists(st.sampled_from(CABLE_CAVEATS), max_size=2, unique=True)))
        fm, to = draw(st.sampled_from(POSTS)), draw(st.sampled_from(POSTS))
        decl = draw(st.sampled_from([None, date(2015, 1, 1), date(2040, 1, 1)]))
        paras = []
        for j in range(1, draw(st.integers(1, 3)) + 1):
            plevel = draw(st.sampled_from([lv for lv in Level if lv <= level]))
            nf = draw(st.booleans()) and j > 1
            mark = plevel.letter + ("//NF" if nf else "")
            paras.append(Paragraph(j, mark, f"{COMMON} {para_mark(i, j)} TEXT"))
        refs = ()
        if out and draw(st.booleans()):
            target = draw(st.sampled_from(out)).reference_id
            refs = (Reference(text=f"A. {target}", letter="A", id=target),)
        tags = tuple(Tag(t, kind_of(t)) for t in draw(
            st.lists(st.sampled_from(TAGS), min_size=1, max_size=3, unique=True)))
        month = draw(st.integers(1, 12))
        rid = ReferenceId(7, fm[2], 100 + i)
        subject = f"{subj_mark(i)} ABOUT THINGS"
        raw = "\n".join([f"{level.spaced} {fm[2]} {100 + i:06d}", *caveats,
                         f"SUBJECT: {subject}", *(f"{p.number}. ({p.marking}) {p.text}"
                                                  for p in paras)]) + "\n"
        out.append(Cable(
            raw=raw, cleaned=raw, reference_id=rid,
            dtg=Dtg(datetime(2007, month, 10, 12, 0, tzinfo=UTC)), origin=fm[2],
            originator_name=fm[0], originator_ri=fm[1],
            to=(Addressee(to[0], ri=to[1]),), classification=Classification(level, caveats),
            captions=caveats, declassify_on=decl, tags=tags, subject=subject,
            references=refs, paragraphs=tuple(paras)))
    return out


@st.composite
def principals(draw: st.DrawFn) -> Principal:
    posts = draw(st.lists(st.sampled_from([p[k] for p in POSTS for k in (0, 1)]), max_size=2,
                          unique=True))
    return Principal(name="p", clearance=draw(st.sampled_from(list(Level))),
                     caveats=frozenset(draw(st.lists(st.sampled_from(HELD_CAVEATS),
                                                     max_size=3, unique=True))),
                     posts=frozenset(posts))


def raised(p: Principal) -> Principal:
    """The same principal with more clearance (and caveats): must never see less."""
    return dataclasses.replace(p, name=p.name + "+", clearance=Level.TOP_SECRET,
                               caveats=p.caveats | {"NOFORN"})


def markers(c: Cable, i: int) -> list[str]:
    return [subj_mark(i), *(para_mark(i, p.number or 0) for p in c.paragraphs)]


class World:
    """A corpus in a real archive, the visible sets, and helpers to check an output."""

    def __init__(self, root: Path, corpus: list[Cable]) -> None:
        self.corpus = corpus
        self.by_id = {str(c.reference_id): (i, c) for i, c in enumerate(corpus)}
        self.archive = open_archive(str(root / "archive.db"))
        for c in corpus:
            self.archive.add(c)

    def visible(self, p: Principal) -> set[str]:
        return {rid for rid, (_, c) in self.by_id.items() if decide(p, c).allowed}

    def withheld_markers(self, p: Principal) -> list[str]:
        vis = self.visible(p)
        return [m for rid, (i, c) in self.by_id.items() if rid not in vis
                for m in markers(c, i)]

    def assert_clean(self, p: Principal, text: str, where: str) -> None:
        for m in self.withheld_markers(p):
            assert m not in text, f"{where}: withheld text {m} shown to {p}"

    def expected_facets(self, vis: set[str]) -> dict[str, Counter[str]]:
        cs = [self.by_id[r][1] for r in vis]
        return {
            "tags": Counter(t.code for c in cs for t in dict.fromkeys(c.tags)),
            "origin": Counter(c.origin or "" for c in cs),
            "classification": Counter(c.level.label for c in cs),
            "year": Counter(f"{c.year:04d}" for c in cs),
            "precedence": Counter(c.precedence.word for c in cs),
            "caveats": Counter(cav for c in cs for cav in dict.fromkeys(c.caveats)),
        }

    def assert_facets(self, got: dict[str, Counter[str]], vis: set[str], where: str) -> None:
        want = self.expected_facets(vis)
        for name in sorted(set(got) | set(want)):
            assert got.get(name, Counter()) == want.get(name, Counter()), f"{where}: {name}"

    def expected_histogram(self, vis: set[str]) -> Counter[str]:
        return Counter(f"{c.dtg.when:%Y-%m}" for r in vis
                       if (c := self.by_id[r][1]).dtg is not None)


def check_archive_paths(w: World, p: Principal) -> None:
    a, vis = w.archive, w.visible(p)
    for q in ("", COMMON):
        r = a.search(q, p, limit=100)
        assert r.total == len(vis), f"search {q!r} total for {p}"
        assert {h.reference_id for h in r.results} == vis
        if vis:
            got = {k: Counter(dict(v)) for k, v in r.facets.items()}
            w.assert_facets(got, vis, f"facets for {p}")
            assert Counter(dict(r.histogram)) == w.expected_histogram(vis)
        w.assert_clean(p, repr(r), f"search {q!r}")
    for rid, (i, c) in w.by_id.items():
        for m in markers(c, i):
            assert a.search(m, p).total == (1 if rid in vis else 0), f"search {m} for {p}"
    readers = (a.get, a.versions, a.refs)
    missing_msgs = []
    for read in readers:
        with pytest.raises(NotFound) as missing:
            read(MISSING, p)
        missing_msgs.append(str(missing.value))
    for rid in w.by_id:
        if rid in vis:
            assert a.get(rid, p).cable.raw == w.by_id[rid][1].raw
            refs = a.refs(rid, p)
            assert {x.reference_id for x in refs.cited_by} <= vis
            for link in refs.cites:
                assert link.in_archive == (link.reference_id in vis)
                assert (link.subject is None) == (link.reference_id not in vis)
            w.assert_clean(p, repr(refs), f"refs {rid}")
            continue
        for read, missing_msg in zip(readers, missing_msgs, strict=True):
            with pytest.raises(NotFound) as exc:
                read(rid, p)
            assert str(exc.value).replace(rid, MISSING) == missing_msg
    for q in ("", COMMON):
        exported = list(a.export(q, p))
        assert {str(c.reference_id) for c in exported} == vis
        w.assert_clean(p, repr(exported), "export")
    stats = a.stats(p)
    assert stats["cables"] == len(vis)
    assert stats["by_classification"] == dict(
        Counter(w.by_id[r][1].classification.banner for r in vis))


def check_monotone(w: World, p: Principal) -> None:
    more = raised(p)
    assert w.visible(p) <= w.visible(more)
    mine = {h.reference_id for h in w.archive.search("", p, limit=100).results}
    theirs = {h.reference_id for h in w.archive.search("", more, limit=100).results}
    assert mine <= theirs, f"{more} sees less than {p}"


# CABLEGRAM_LEAK_EXAMPLES=500 (and CABLEGRAM_LEAK_RANDOM=1) for a long hunt.
EXAMPLES = int(os.environ.get("CABLEGRAM_LEAK_EXAMPLES", "12"))
RANDOM = os.environ.get("CABLEGRAM_LEAK_RANDOM") == "1"
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CABLEGRAM_ARGON2_CHEAP", "1")
    with tempfile.TemporaryDirectory() as idx:
        monkeypatch.setenv("CABLEGRAM_INDEX_DIR", idx)
        yield


def _world(tmp: str, corpus: list[Cable]) -> World:
    # each example gets its own index directory, next to its archive
    os.environ["CABLEGRAM_INDEX_DIR"] = str(Path(tmp) / "index")
    return World(Path(tmp), corpus)


@SETTINGS
@given(corpus=corpora(), people=st.lists(principals(), min_size=1, max_size=3))
def test_archive_read_paths_leak_nothing(corpus: list[Cable], people: list[Principal]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        w = _world(tmp, corpus)
        try:
            for p in [Principal.public(), *people]:
                check_archive_paths(w, p)
                check_monotone(w, p)
        finally:
            w.archive.close()


@SETTINGS
@given(corpus=corpora(), people=st.lists(principals(), min_size=1, max_size=2))
def test_portion_policy_releases_only_releasable_text(corpus: list[Cable],
                                                       people: list[Principal]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        w = _world(tmp, corpus)
        try:
            set_policy(w.archive.db, "portion")
            for p in [Principal.public(), *people]:
                for rid, (i, c) in w.by_id.items():
                    released = redact(c, p, "portion")
                    if released is None:
                        with pytest.raises(NotFound):
                            audited.get(w.archive, rid, p)
                        continue
                    got = audited.get(w.archive, rid, p).cable
                    assert got == released
                    more = redact(c, raised(p), "portion")  # more clearance never sees less
                    assert more is not None
                    assert all(g.text == "[withheld]" or g == m for g, m in
                               zip(got.paragraphs, more.paragraphs, strict=True))
                    shown = repr(got)
                    for para in c.paragraphs:
                        m = para_mark(i, para.number or 0)
                        assert (m in shown) == (para.text in got.body), f"{rid} {m} for {p}"
                    if decide(p, c).allowed:
                        continue
                    withheld = [para_mark(i, q.number or 0) for q, g in
                                zip(c.paragraphs, got.paragraphs, strict=True)
                                if g.text == "[withheld]"]
                    for m in withheld:
                        assert m not in shown
                check_portion_search(w, p)
        finally:
            w.archive.close()


def check_portion_search(w: World, p: Principal) -> None:
    """Under the portion policy search finds a cable through its released portions only:
    no text of a withheld portion in any hit or snippet, totals and facets equal to the
    cables of which something is released, a marker found exactly when it is released."""
    released = {rid: r for rid, (_, c) in w.by_id.items()
                if (r := redact(c, p, "portion")) is not None}
    shown_text = {rid: repr(r) for rid, r in released.items()}
    hidden = [m for rid, (i, c) in w.by_id.items() for m in markers(c, i)
              if m not in shown_text.get(rid, "")]
    vis = set(released)
    for q in ("", COMMON, "ABOUT", f"{COMMON} TEXT", f'"{COMMON}"'):
        r = audited.search(w.archive, q, p, limit=100)
        want = vis if q != "ABOUT" else {rid for rid, c in released.items()
                                          if c.subject != "[withheld]"}
        assert r.total == len(want), f"portion search {q!r} total for {p}"
        assert {h.reference_id for h in r.results} == want
        if want:
            got = {k: Counter(dict(v)) for k, v in r.facets.items()}
            w.assert_facets(got, want, f"portion facets {q!r} for {p}")
            assert Counter(dict(r.histogram)) == w.expected_histogram(want)
        out = repr(r)
        for m in hidden:
            assert m not in out, f"portion search {q!r}: withheld {m} shown to {p}"
    for rid, (i, c) in w.by_id.items():
        for m in markers(c, i):
            r = audited.search(w.archive, m, p)
            assert r.total == (1 if m in shown_text.get(rid, "") else 0), \
                f"portion search {m} for {p}"
            out = repr(r)
            assert not [h for h in hidden if h in out], f"portion search {m} for {p}"
    r = audited.search(w.archive, f"NOT {COMMON}", p, limit=100)
    assert r.total == 0  # every released cable shows the common word in a released portion


# -- the web API and pages ------------------------------------------------------------------

fastapi = pytest.importorskip("fastapi")


def _client(w: World) -> Any:
    from fastapi.testclient import TestClient

    from cablegram.web.app import create_app

    return TestClient(create_app(archive=w.archive))


def check_web_paths(w: World, c: Any, p: Principal, headers: dict[str, str]) -> None:
    vis = w.visible(p)
    r = c.get("/api/cables", params={"q": COMMON, "limit": 100}, headers=headers)
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == len(vis)
    assert {h["reference_id"] for h in body["results"]} == vis
    w.assert_clean(p, r.text, "/api/cables")
    f = c.get("/api/facets", params={"q": ""}, headers=headers).json()
    assert f["total"] == len(vis)
    if vis:
        got = {k: Counter({x["value"]: x["count"] for x in v}) for k, v in f["facets"].items()}
        w.assert_facets(got, vis, f"/api/facets for {p}")
    stats = c.get("/api/stats", headers=headers).json()
    assert stats["cables"] == len(vis)
    exp = c.get("/api/export", params={"q": ""}, headers=headers)
    assert exp.status_code == 200
    w.assert_clean(p, exp.text, "/api/export")
    assert len([x for x in exp.text.splitlines() if x.strip()]) == len(vis)
    for path in ("/search?q=" + COMMON, "/", "/tags", "/origins", "/months", "/tags/PREL",
                 "/origins/OSLO", "/months/2007-05"):
        page = c.get(path, headers=headers)
        w.assert_clean(p, page.text, path)
    missing_api = c.get(f"/api/cables/{MISSING}", headers=headers)
    missing_page = c.get(f"/cables/{MISSING}", headers=headers)
    for rid in w.by_id:
        for path, missing in ((f"/api/cables/{rid}", missing_api),
                              (f"/cables/{rid}", missing_page),
                              (f"/api/cables/{rid}/refs", None),
                              (f"/api/cables/{rid}/versions", None),
                              (f"/api/cables/{rid}/telegram", None),
                              (f"/cables/{rid}/raw", None),
                              (f"/cables/{rid}/versions", None)):
            r = c.get(path, headers=headers)
            w.assert_clean(p, r.text, path)
            if rid in vis:
                assert r.status_code == 200, path
            else:
                assert r.status_code == 404, path
                if missing is not None:
                    assert r.text.replace(rid, MISSING) == missing.text, path


def check_web_portion(w: World, c: Any, p: Principal, headers: dict[str, str]) -> None:
    """Under the portion policy a page shows released portions only."""
    for rid, (i, cable) in w.by_id.items():
        released = redact(cable, p, "portion")
        for path in (f"/api/cables/{rid}", f"/cables/{rid}", f"/cables/{rid}/raw",
                     f"/api/cables/{rid}/telegram"):
            r = c.get(path, headers=headers)
            assert r.status_code == (404 if released is None else 200), f"{path} for {p}"
            hidden = markers(cable, i) if released is None else [
                m for m in markers(cable, i) if m not in repr(released)]
            for m in hidden:
                assert m not in r.text, f"{path}: withheld {m} shown to {p}"


@settings(max_examples=max(EXAMPLES // 2, 1), deadline=None, derandomize=not RANDOM,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(corpus=corpora(), people=st.lists(principals(), min_size=1, max_size=2))
def test_web_read_paths_leak_nothing(corpus: list[Cable], people: list[Principal]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        w = _world(tmp, corpus)
        try:
            with _client(w) as c:
                check_web_paths(w, c, Principal.public(), {})
                for n, p in enumerate(people):
                    name = f"user{n}"
                    add_user(w.archive, name, p.clearance, caveats=p.caveats, posts=p.posts)
                    token = create_token(w.archive, name)
                    check_web_paths(w, c, dataclasses.replace(p, name=name),
                                    {"Authorization": f"Bearer {token}"})
                set_policy(w.archive.db, "portion")
                check_web_portion(w, c, Principal.public(), {})
                for n, p in enumerate(people):
                    token = create_token(w.archive, f"user{n}")
                    check_web_portion(w, c, dataclasses.replace(p, name=f"user{n}"),
                                      {"Authorization": f"Bearer {token}"})
        finally:
            w.archive.close()
