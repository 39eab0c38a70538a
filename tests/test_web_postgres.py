"""The reader over the PostgreSQL backend: the same pages and answers as over SQLite.

The database is created with a unique name and dropped afterwards; the test
skips with a message where no server runs at 127.0.0.1:5432.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from test_archive_factory import pg_database
from web_cables import sample_cables

from cablegram.web.app import create_app

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from cablegram.archive import open_archive

    index_dir = tmp_path_factory.mktemp("pgindex")
    mp = pytest.MonkeyPatch()
    mp.setenv("CABLEGRAM_INDEX_DIR", str(index_dir))
    for url in pg_database():
        archive = open_archive(url)
        for c in sample_cables():
            archive.add(c)
        with TestClient(create_app(archive=archive)) as c:
            yield c
        archive.close()
    mp.undo()


def test_cable_page_and_api(client: TestClient) -> None:
    html = client.get("/cables/07NOWHERE102").text
    assert "HERRING QUOTAS: SECOND ROUND" in html
    assert '<a href="/cables/07NOWHERE101">07NOWHERE101</a>' in html
    assert client.get("/api/cables/08ELSEWHERE7").json()["subject"] == "LIGHTHOUSE KEEPERS STRIKE"


def test_withheld_answers_like_missing(client: TestClient) -> None:
    w, m = client.get("/api/cables/09ELSEWHERE44"), client.get("/api/cables/09ELSEWHERE45")
    assert w.status_code == m.status_code == 404
    assert w.text.replace("44", "45") == m.text


def test_search_and_browse(client: TestClient) -> None:
    html = client.get("/search", params={"q": "herring"}).text
    assert "2 cables" in html and "<mark>" in html
    assert client.get("/tags").status_code == 200
    assert "09ELSEWHERE44" not in client.get("/search", params={"q": "lighthouse"}).text
