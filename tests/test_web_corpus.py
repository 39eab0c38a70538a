"""Real cables through the reader: the founding example, and every cable of the
shared corpus rendered without a fault (read from ../shared/corpus, never copied)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import corpus_path
from fastapi.testclient import TestClient

from cablegram.access.principal import Principal
from cablegram.web.app import create_app
from cablegram.web.text import BIDI_CONTROLS_RE


def _client(tmp: Path, *paths: Path) -> TestClient:
    from cablegram.archive import open_archive

    archive = open_archive(str(tmp / "a.db"))
    archive.ingest([str(p) for p in paths])
    return TestClient(create_app(archive=archive, open_access=True))


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = corpus_path("seed", "07OSLO525.md")
    client = _client(tmp_path_factory.mktemp("seed"), path)
    yield client
    client.app.state.archive.close()  # type: ignore[attr-defined]


def test_founding_example_page(seed: TestClient) -> None:
    r = seed.get("/cables/07OSLO525")
    assert r.status_code == 200, r.text[:300]
    html = r.text
    assert html.count('class="banner lvl-confidential"') == 2  # C1
    assert "CLUSTER MUNITIONS: NORWAY ASKS U.S. TO PROVE" in html  # T6
    assert '<time datetime="2007-05-18T14:33:00Z">18 May 2007, 14:33 UTC</time>' in html  # H6
    # seven paragraphs, each with a permalink and a (C) portion mark (T9)
    for n in range(1, 8):
        assert f'id="p{n}"' in html and f'href="#p{n}"' in html
    assert 'id="p8"' not in html
    assert html.count('title="portion mark">(C)</span>') == 7
    # REF: SECSTATE 64981 is cable 07STATE64981, not in this archive (T7)
    assert re.search(r"07STATE64981</span> <span class=\"missing\">not in archive", html)
    # addressees with RI, precedence and MCN (H8, H9)
    assert re.search(r"AMEMBASSY CANBERRA</td><td class=\"mono\">RUEHBY</td><td>IMMEDIATE</td>"
                     r"<td class=\"mono\">1061</td>", html)
    # TAGS with meanings (T5)
    for tag in ("MOPS", "PARM", "PREL", "NATO", "NO"):
        assert f'href="/tags/{tag}"' in html
    assert "WHITNEY" in html  # T11


def test_founding_example_api(seed: TestClient) -> None:
    d = seed.get("/api/cables/07OSLO525").json()
    assert d["classification"] == "CONFIDENTIAL" and len(d["paragraphs"]) == 7
    r = seed.get("/api/cables/07OSLO525/telegram")
    assert r.status_code == 200 and "OSLO" in r.text


@pytest.mark.slow
def test_every_corpus_cable_renders(tmp_path: Path) -> None:
    roots = [corpus_path("cablegate-2010"), corpus_path("raw-telegrams"),
             corpus_path("cablegate-2011")]
    client = _client(tmp_path, *roots)
    archive = client.app.state.archive  # type: ignore[attr-defined]
    ids = [str(c.reference_id) for c in archive.export("", Principal.archive_owner())]
    assert len(ids) > 900
    for rid in ids:
        r = client.get(f"/cables/{rid}")
        assert r.status_code == 200, (rid, r.text[:300])
        assert not BIDI_CONTROLS_RE.search(r.text), rid
    for q in ("", "nuclear", "tag:PREL", "origin:BAGHDAD", "class:SECRET", "from:2009-01"):
        assert client.get("/search", params={"q": q}).status_code == 200, q
    for page in ("/tags", "/origins", "/months"):
        assert client.get(page).status_code == 200
    archive.close()
