"""The cable page, raw text, versions, and the per-cable API over a real SQLite archive."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_cables import build_archive, make_cable, sample_cables, t, web_client

from cablegram.model import ParseWarning


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "archive.db"
    cables = sample_cables()
    # a second version of 07NOWHERE101: one paragraph reworded
    first = cables[0]
    v2 = replace(first, raw=first.raw.replace("second round in June", "second round in July"),
                 paragraphs=(first.paragraphs[0],
                             replace(first.paragraphs[1], text="The minister asked for a "
                                     "second round in July.")))
    warned = replace(make_cable("06NOWHERE77", "A CABLE WITH A REPAIR", ["Text."],
                                when=t(2006, 6, 6)),
                     warnings=(ParseWarning("T10", "page marker removed from paragraph 1", 14),))
    build_archive(path, [*cables, v2, warned])
    return path


@pytest.fixture(scope="module")
def public(archive_path: Path) -> Iterator[TestClient]:
    with web_client(archive_path) as client:
        yield client


@pytest.fixture(scope="module")
def owner(archive_path: Path) -> Iterator[TestClient]:
    with web_client(archive_path, open_access=True) as client:
        yield client


def test_cable_page_shows_header_box_banner_and_paragraph_permalinks(public: TestClient) -> None:
    r = public.get("/cables/07NOWHERE102")
    assert r.status_code == 200
    html = r.text
    assert "HERRING QUOTAS: SECOND ROUND" in html
    # classification banner at top and bottom, coloured by level (C1)
    assert html.count('class="banner lvl-unclassified"') == 2
    assert '<time datetime="2007-06-20T12:00:00Z">20 June 2007, 12:00 UTC</time>' in html
    assert "201200Z JUN 07" in html  # the DTG as written (H6)
    # paragraphs with permalinks and portion-mark badges (T9)
    assert 'id="p1"' in html and 'href="#p2"' in html
    assert '<span class="badge lvl-unclassified" title="portion mark">(U)</span>' in html
    # addressees with RI, precedence and MCN (H8, H9)
    assert "RUEHC" in html and "1234" in html and "collective" in html


def test_references_link_to_archived_cables_or_say_not_in_archive(public: TestClient) -> None:
    html = public.get("/cables/07NOWHERE102").text
    assert '<a href="/cables/07NOWHERE101">07NOWHERE101</a>' in html  # T7: in the archive
    assert re.search(r"07STATE999</span> <span class=\"missing\">not in archive", html)


def test_cited_by_lists_citing_cables(public: TestClient) -> None:
    html = public.get("/cables/07NOWHERE101").text
    assert "Cited by" in html and '<a href="/cables/07NOWHERE102">' in html


def test_withheld_reference_shows_as_not_in_archive_to_public(public: TestClient) -> None:
    # 09ELSEWHERE44 (SECRET//NOFORN) cites 08ELSEWHERE7; the public must not see it cited
    html = public.get("/cables/08ELSEWHERE7").text
    assert "09ELSEWHERE44" not in html and "LIGHTHOUSE TREATY" not in html


def test_tags_show_their_meaning(public: TestClient) -> None:
    html = public.get("/cables/07NOWHERE101").text
    assert '<a href="/tags/PREL" class="tag tag-subject">PREL</a>' in html
    assert re.search(r"PREL</a> <span class=\"meaning\">[^<]+</span>", html)


def test_non_canonical_id_redirects_to_canonical(public: TestClient) -> None:
    r = public.get("/cables/07nowhere101", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/cables/07NOWHERE101"


def test_raw_text_is_plain_and_exact(public: TestClient) -> None:
    r = public.get("/cables/08ELSEWHERE7/raw")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    assert r.text == sample_cables()[2].raw


def test_versions_page_shows_the_difference(public: TestClient) -> None:
    html = public.get("/cables/07NOWHERE101/versions").text
    assert "Version 1 → 2" in html
    assert "Fields changed: <code>paragraphs</code>." in html
    assert '<span class="d-del">-2. (U) The minister asked for a second round in June.</span>' \
        in html
    assert '<span class="d-add">+2. (U) The minister asked for a second round in July.</span>' \
        in html
    old = public.get("/cables/07NOWHERE101/raw?version=1").text
    assert "in June" in old


def test_unknown_cable_is_a_404_page(public: TestClient) -> None:
    r = public.get("/cables/99NOWHERE1")
    assert r.status_code == 404
    assert "no cable 99NOWHERE1 in the archive" in r.text


def test_withheld_cable_page_answers_like_a_missing_one(public: TestClient,
                                                        owner: TestClient) -> None:
    assert owner.get("/cables/09ELSEWHERE44").status_code == 200
    withheld = public.get("/cables/09ELSEWHERE44")
    missing = public.get("/cables/09ELSEWHERE45")
    assert withheld.status_code == missing.status_code == 404
    assert withheld.text.replace("09ELSEWHERE44", "X") == missing.text.replace("09ELSEWHERE45", "X")
    for suffix in ("/raw", "/versions"):
        assert public.get("/cables/09ELSEWHERE44" + suffix).status_code == 404


def test_owner_sees_secret_banner_and_caveat(owner: TestClient) -> None:
    html = owner.get("/cables/09ELSEWHERE44").text
    assert html.count('class="banner lvl-secret"') == 2
    assert "SECRET//NOFORN" in html


# -- API ----------------------------------------------------------------------

def test_api_cable_is_the_json_form(public: TestClient) -> None:
    from cablegram.formats.jsonform import to_json

    r = public.get("/api/cables/08ELSEWHERE7")
    assert r.status_code == 200
    assert r.json() == to_json(sample_cables()[2])


def test_api_refs(public: TestClient) -> None:
    d = public.get("/api/cables/07NOWHERE102/refs").json()
    assert [(c["reference_id"], c["in_archive"]) for c in d["cites"]] == [
        ("07NOWHERE101", True), ("07STATE999", False)]
    d = public.get("/api/cables/07NOWHERE101/refs").json()
    assert [c["reference_id"] for c in d["cited_by"]] == ["07NOWHERE102"]


def test_api_telegram_is_text(public: TestClient) -> None:
    r = public.get("/api/cables/05NOWHERE55/telegram")
    assert r.headers["content-type"].startswith("text/plain")
    assert "SUBJECT: ANNUAL REPORT ON HARBOUR DUES" in r.text


def test_api_withheld_id_answers_exactly_like_unknown(public: TestClient) -> None:
    for suffix in ("", "/refs", "/telegram", "/versions"):
        w = public.get(f"/api/cables/09ELSEWHERE44{suffix}")
        m = public.get(f"/api/cables/09ELSEWHERE45{suffix}")
        assert w.status_code == m.status_code == 404
        assert w.json() == {"error": "no cable 09ELSEWHERE44 in the archive"}
        assert m.json() == {"error": "no cable 09ELSEWHERE45 in the archive"}
        assert dict(w.headers).keys() == dict(m.headers).keys()
        assert w.headers["content-length"] == m.headers["content-length"]


def test_api_bad_parameter_is_a_json_error(public: TestClient) -> None:
    r = public.get("/api/cables/08ELSEWHERE7?version=0")
    assert r.status_code == 422
    assert "version" in r.json()["error"]


def test_security_headers_forbid_other_hosts(public: TestClient) -> None:
    r = public.get("/cables/08ELSEWHERE7")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_pages_reference_no_other_host(public: TestClient) -> None:
    for path in ("/cables/07NOWHERE102", "/help", "/api/docs", "/static/site.css"):
        body = public.get(path).text
        assert not re.search(r"(?:src|href)=\"(?:https?:)?//", body), path
        assert "@import" not in body and "url(http" not in body


def test_openapi_and_local_docs_page(public: TestClient) -> None:
    spec = public.get("/openapi.json").json()
    for path in ("/api/cables", "/api/cables/{ref_id}", "/api/cables/{ref_id}/refs",
                 "/api/cables/{ref_id}/telegram", "/api/facets", "/api/export"):
        assert path in spec["paths"], path
    html = public.get("/api/docs").text
    assert "/api/export" in html and "cdn" not in html.lower()


def test_made_up_cable_helper_round_trips() -> None:
    c = make_cable("01NOWHERE1", "X", ["y"], when=t(2001, 1, 1))
    assert str(c.reference_id) == "01NOWHERE1"


def test_old_version_says_so(public: TestClient) -> None:
    old = public.get("/cables/07NOWHERE101?version=1").text
    assert "This is version 1, not the current text" in old
    assert "not the current text" not in public.get("/cables/07NOWHERE101").text


def test_reader_notes_list_the_warnings(public: TestClient) -> None:
    html = public.get("/cables/06NOWHERE77").text
    assert "Reader notes (1)" in html
    assert "line 14: page marker removed from paragraph 1 <span class=\"rule\">rule T10</span>" \
        in html
