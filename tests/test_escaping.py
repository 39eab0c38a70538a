"""Cable text is untrusted: every page shows it as text.

A made-up cable carries a live ``<script>``, other HTML, an attribute breaker
and bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 isolates) in
its subject and paragraphs. The pages must escape the markup and replace each
bidi control by a visible marker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_cables import build_archive, make_cable, t, web_client

from cablegram.web.text import neutralise, snippet_html

EVIL_SUBJECT = 'ZEBRA <script>alert("subject")</script> \u202eTXT.EXE\u202c'
EVIL_PARAS = [
    'ZEBRA crossing <img src=x onerror=alert(1)> and <b>bold</b> "quoted" & done.',
    "ZEBRA \u2066isolated\u2069 text with \u202elrevo\u202c and \u200fmark.",
    "</p></div><script>document.title='pwned'</script><!--",
]
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("esc") / "a.db"
    evil = make_cable("07NOWHERE666", EVIL_SUBJECT, EVIL_PARAS, when=t(2007, 7, 7),
                      tags=("PREL", "NW"))
    citing = make_cable("07NOWHERE667", "CITES THE ZEBRA CABLE", ["See reftel."],
                        when=t(2007, 7, 8), refs=("07NOWHERE666",))
    build_archive(path, [evil, citing])
    with web_client(path) as c:
        yield c


def _assert_inert(html: str) -> None:
    # the only script element is our own external one
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/static/app.js" defer>']
    assert "<img" not in html and "<b>bold" not in html and "<!--" not in html
    assert "onerror=alert" not in html or "&lt;img src=x onerror=alert(1)&gt;" in html
    assert not any(ch in html for ch in BIDI), "a bidi control reached the page"


def test_cable_page_shows_markup_as_text(client: TestClient) -> None:
    html = client.get("/cables/07NOWHERE666").text
    _assert_inert(html)
    assert "&lt;script&gt;alert(&#34;subject&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;/p&gt;&lt;/div&gt;&lt;script&gt;" in html
    assert "[U+202E]TXT.EXE[U+202C]" in html
    assert "[U+2066]isolated[U+2069]" in html


def test_title_element_is_escaped(client: TestClient) -> None:
    html = client.get("/cables/07NOWHERE666").text
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and "<script>" not in title.group(1) and "&lt;script&gt;" in title.group(1)


def test_reference_subject_on_citing_page_is_escaped(client: TestClient) -> None:
    html = client.get("/cables/07NOWHERE667").text
    _assert_inert(html)
    assert "&lt;script&gt;" in html  # the cited cable's subject, shown as text


def test_versions_and_raw(client: TestClient) -> None:
    _assert_inert(client.get("/cables/07NOWHERE666/versions").text)
    raw = client.get("/cables/07NOWHERE666/raw")
    # the raw text is served exactly, but as text/plain that browsers never run
    assert raw.headers["content-type"].startswith("text/plain")
    assert raw.headers["x-content-type-options"] == "nosniff"
    assert "<script>" in raw.text


def test_search_page_escapes_hits_and_snippets(client: TestClient) -> None:
    pytest.importorskip("cablegram.archive.index", reason="search index not built yet")
    html = client.get("/search?q=zebra").text
    _assert_inert(html)
    assert "07NOWHERE666" in html
    assert "&lt;script&gt;" in html


def test_query_text_is_escaped_when_echoed(client: TestClient) -> None:
    pytest.importorskip("cablegram.archive.index", reason="search index not built yet")
    q = '"><script>alert(1)</script>\u202e'
    html = client.get("/search", params={"q": q}).text
    _assert_inert(html)


def test_api_json_keeps_text_exact(client: TestClient) -> None:
    # JSON is data, not a page: the text is exact, and served as application/json
    r = client.get("/api/cables/07NOWHERE666")
    assert r.headers["content-type"] == "application/json"
    assert r.json()["subject"] == EVIL_SUBJECT


def test_neutralise_marks_every_bidi_control() -> None:
    assert neutralise("a\u202eb") == "a[U+202E]b"
    assert not any(ch in neutralise(BIDI) for ch in BIDI)


def test_snippet_keeps_only_mark_tags() -> None:
    s = snippet_html("a <mark>zebra</mark> &lt;b&gt; <script>x</script> <mark>open")
    assert str(s) == ("a <mark>zebra</mark> &lt;b&gt; &lt;script&gt;x&lt;/script&gt; "
                      "<mark>open</mark>")
