"""The reader with credentials: every request's principal comes from deps.get_principal,
which asks the access layer's Bearer token / session lookup first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_cables import build_archive

from cablegram.model import Level
from cablegram.web.app import create_app

users = pytest.importorskip("cablegram.access.users", reason="access control not installed")


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    path = tmp_path_factory.mktemp("webauth") / "a.db"
    build_archive(path)
    app = create_app(str(path))
    archive = app.state.archive
    users.add_user(archive, "analyst", Level.SECRET, caveats=("NOFORN",))
    token = users.create_token(archive, "analyst", "test")
    with TestClient(app) as client:
        yield client, token
    archive.close()


def test_bearer_token_reads_what_the_user_may(setup: tuple[TestClient, str]) -> None:
    client, token = setup
    assert client.get("/api/cables/09ELSEWHERE44").status_code == 404  # public
    r = client.get("/api/cables/09ELSEWHERE44", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["classification"] == "SECRET"
    page = client.get("/cables/09ELSEWHERE44", headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 200 and ">analyst</a>" in page.text


def test_bad_token_is_a_401_json_error(setup: tuple[TestClient, str]) -> None:
    client, _ = setup
    r = client.get("/api/cables/08ELSEWHERE7", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and "error" in r.json()
    assert r.headers.get("www-authenticate") == "Bearer"


def test_public_header_offers_login(setup: tuple[TestClient, str]) -> None:
    client, _ = setup
    html = client.get("/cables/08ELSEWHERE7").text
    assert '<a href="/login">Log in</a>' in html
    login = client.get("/login")
    assert login.status_code == 200 and 'name="csrf_token"' in login.text
