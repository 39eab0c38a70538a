"""Web authentication: login, sessions, CSRF, rate limiting, Bearer tokens (point 2)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from cablegram.access import audit
from cablegram.access.users import add_user, create_token
from cablegram.archive import open_archive
from cablegram.model import (
    Cable,
    Classification,
    Dtg,
    Level,
    Paragraph,
    ReferenceId,
)
from cablegram.web.app import create_app
from cablegram.web.auth import CSRF_COOKIE, SESSION_COOKIE, AuthSettings

SECRET_WORDS = "ZEPHYRINE ORCHESTRATED THE QUIET PLAN"


def _cable(rid: str, level: Level, text: str) -> Cable:
    raw = f"{level.spaced} {rid}\nSUBJECT: SUBJECT OF {rid}\n1. ({level.letter}) {text}\n"
    return Cable(raw=raw, cleaned=raw, reference_id=ReferenceId.parse(rid),
                 dtg=Dtg(datetime(2007, 5, 18, 14, 33, tzinfo=UTC)), origin="OSLO",
                 classification=Classification(level), subject=f"SUBJECT OF {rid}",
                 paragraphs=(Paragraph(1, level.letter, text),))


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("CABLEGRAM_ARGON2_CHEAP", "1")
    monkeypatch.setenv("CABLEGRAM_INDEX_DIR", str(tmp_path / "index"))
    a = open_archive(str(tmp_path / "a.db"))
    a.add(_cable("07OSLO1", Level.UNCLASSIFIED, "THE WEATHER WAS FINE"))
    a.add(_cable("07OSLO2", Level.SECRET, SECRET_WORDS))
    add_user(a, "alice", "SECRET", password="alice-pw")
    add_user(a, "bob", "CONFIDENTIAL", password="bob-pw")
    yield a
    a.close()


@pytest.fixture
def client(archive: Any) -> Iterator[TestClient]:
    app = create_app(archive=archive)
    app.state.auth_settings = AuthSettings(cookie_secure=False)
    with TestClient(app) as c:
        yield c


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF field in the form"
    return m.group(1)


def login(c: TestClient, name: str, password: str) -> Any:
    token = _csrf(c.get("/login").text)
    return c.post("/login", data={"name": name, "password": password, "csrf_token": token,
                                  "next": "/api/whoami"}, follow_redirects=False)


def test_public_without_credentials(client: TestClient) -> None:
    assert client.get("/api/whoami").json()["name"] == "public"
    assert client.get("/api/cables/07OSLO1").status_code == 200
    r = client.get("/api/cables/07OSLO2")
    assert r.status_code == 404 and SECRET_WORDS not in r.text


def test_login_sets_a_safe_session_cookie(client: TestClient, archive: Any) -> None:
    r = login(client, "alice", "alice-pw")
    assert r.status_code == 303 and r.headers["location"] == "/api/whoami"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    low = cookie.lower()
    assert "httponly" in low and "samesite=lax" in low and "path=/" in low
    sid = cookie.split("=", 1)[1].split(";")[0]
    # only a hash of the session id is stored server side
    assert not archive.db.query("SELECT 1 FROM access_sessions WHERE id_hash = ?",
                                (sid.split(".")[0],))
    assert client.get("/api/whoami").json()["name"] == "alice"
    assert SECRET_WORDS in client.get("/api/cables/07OSLO2").text
    assert [e.action for e in audit.entries(archive.db)][-2:] == ["login", "read"]


def test_forged_session_cookie_is_ignored(client: TestClient) -> None:
    login(client, "alice", "alice-pw")
    good = client.cookies.get(SESSION_COOKIE)
    assert good
    client.cookies.set(SESSION_COOKIE, good[:-2] + ("00" if not good.endswith("00") else "11"))
    assert client.get("/api/whoami").json()["name"] == "public"


def test_secure_flag_by_default_on_non_loopback(archive: Any) -> None:
    with TestClient(create_app(archive=archive)) as c:  # http to "testserver", not loopback
        first = c.get("/login").headers["set-cookie"]
        assert first.startswith(CSRF_COOKIE) and "secure" in first.lower()
    with TestClient(create_app(archive=archive), base_url="https://testserver") as c:
        r = login(c, "alice", "alice-pw")
        cookie = next(h for h in r.headers.get_list("set-cookie")
                      if h.startswith(SESSION_COOKIE))
        assert "secure" in cookie.lower()


def test_wrong_password_is_audited_and_says_nothing_more(client: TestClient,
                                                         archive: Any) -> None:
    r = login(client, "alice", "nope")
    assert r.status_code == 401 and "Unknown user or wrong password" in r.text
    r2 = login(client, "nobody", "nope")
    assert r2.status_code == 401 and "Unknown user or wrong password" in r2.text
    failed = audit.entries(archive.db, action=audit.LOGIN_FAILED)
    assert [e.target for e in failed] == ["alice", "nobody"]
    assert failed[0].address == "testclient"
    assert audit.verify(archive.db).ok


def test_login_without_csrf_is_refused(client: TestClient) -> None:
    client.get("/login")
    r = client.post("/login", data={"name": "alice", "password": "alice-pw"},
                    follow_redirects=False)
    assert r.status_code == 403
    r = client.post("/login", data={"name": "alice", "password": "alice-pw",
                                    "csrf_token": "forged.0000"}, follow_redirects=False)
    assert r.status_code == 403
    # the double-submit cookie must be one this server signed
    client.cookies.set(CSRF_COOKIE, "mine.0000")
    r = client.post("/login", data={"name": "alice", "password": "alice-pw",
                                    "csrf_token": "mine.0000"}, follow_redirects=False)
    assert r.status_code == 403


def test_logout_needs_the_session_csrf_token(client: TestClient) -> None:
    login(client, "alice", "alice-pw")
    pre_login_token = client.cookies.get(CSRF_COOKIE)
    assert client.post("/logout", data={"csrf_token": pre_login_token},
                       follow_redirects=False).status_code == 403
    token = _csrf(client.get("/logout").text)
    r = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/whoami").json()["name"] == "public"


def test_rate_limit_after_five_failures(client: TestClient, archive: Any) -> None:
    for _ in range(5):
        assert login(client, "bob", "wrong").status_code == 401
    r = login(client, "bob", "bob-pw")  # even the right password waits
    assert r.status_code == 429 and r.headers["retry-after"] == "60"
    # another user from the same address is not blocked
    assert login(client, "alice", "alice-pw").status_code == 303
    reasons = [e.detail for e in audit.entries(archive.db, action=audit.LOGIN_FAILED)]
    assert len(reasons) == 6 and "rate limited" in reasons[-1]


def test_the_rate_limit_is_shared_by_every_server_of_an_archive(
        archive: Any, tmp_path: Path) -> None:
    """Two servers (two apps, each with its own handle on the archive file) count
    the same failures: five spread over both block the next attempt on either."""
    other = open_archive(str(tmp_path / "a.db"))
    try:
        apps = [create_app(archive=archive), create_app(archive=other)]
        for app in apps:
            app.state.auth_settings = AuthSettings(cookie_secure=False)
        with TestClient(apps[0]) as one, TestClient(apps[1]) as two:
            for c in (one, two, one, two, one):
                assert login(c, "bob", "wrong").status_code == 401
            assert login(two, "bob", "bob-pw").status_code == 429
            assert login(one, "bob", "bob-pw").status_code == 429
    finally:
        other.close()


def test_a_failure_older_than_the_window_no_longer_counts(client: TestClient, archive: Any,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    from cablegram.web.auth import RateLimiter

    now = [1_800_000_000_000]  # ms
    monkeypatch.setattr(RateLimiter, "_now_ms", staticmethod(lambda: now[0]))
    failures = "SELECT count(*) FROM access_login_failures"
    for _ in range(5):
        assert login(client, "bob", "wrong").status_code == 401
    assert login(client, "alice", "wrong").status_code == 401
    assert login(client, "bob", "bob-pw").status_code == 429
    now[0] += 61_000
    assert login(client, "bob", "bob-pw").status_code == 303  # and clears bob's count
    assert archive.db.query(failures)[0][0] == 1  # alice's old failure
    assert login(client, "bob", "wrong").status_code == 401  # a new failure ...
    assert archive.db.query(failures)[0][0] == 1  # ... drops what left the window


def test_bearer_tokens(client: TestClient, archive: Any) -> None:
    token = create_token(archive, "bob")
    h = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/whoami", headers=h).json()["clearance"] == "CONFIDENTIAL"
    assert client.get("/api/cables/07OSLO2", headers=h).status_code == 404
    alice = {"Authorization": f"Bearer {create_token(archive, 'alice')}"}
    assert SECRET_WORDS in client.get("/api/cables/07OSLO2", headers=alice).text
    bad = client.get("/api/whoami", headers={"Authorization": "Bearer cgt_nope"})
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/whoami", headers={"Authorization": "Basic x"}).status_code == 401
    assert audit.entries(archive.db, action=audit.LOGIN_FAILED)[-1].detail == \
        '{"reason":"bad token"}'


def test_open_redirect_refused(client: TestClient) -> None:
    token = _csrf(client.get("/login").text)
    r = client.post("/login", data={"name": "alice", "password": "alice-pw", "csrf_token": token,
                                    "next": "//evil.example/"}, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_login_page_escapes_the_name(client: TestClient) -> None:
    token = _csrf(client.get("/login").text)
    r = client.post("/login", data={"name": "<script>x</script>", "password": "p",
                                    "csrf_token": token})
    assert "<script>x</script>" not in r.text and "&lt;script&gt;" in r.text


def test_facet_counts_follow_the_portion_policy(client: TestClient, archive: Any) -> None:
    """/api/facets counts what /api/cables finds, under either release policy (5.4)."""
    from cablegram.access.redact import set_policy

    mixed = Cable(
        raw="S E C R E T OSLO 000003\n1. (U) OPEN WORDS\n2. (S) CLOSED WORDS\n",
        reference_id=ReferenceId.parse("07OSLO3"), origin="OSLO",
        dtg=Dtg(datetime(2007, 5, 19, 9, 0, tzinfo=UTC)),
        classification=Classification(Level.SECRET), subject="A MIXED CABLE",
        subject_marking="U",
        paragraphs=(Paragraph(1, "U", "OPEN WORDS"), Paragraph(2, "S", "CLOSED WORDS")))
    archive.add(mixed)
    bob = {"Authorization": f"Bearer {create_token(archive, 'bob')}"}
    for policy, expected in (("whole-cable", 1), ("portion", 2)):
        set_policy(archive.db, policy)
        found = client.get("/api/cables", params={"q": ""}, headers=bob).json()["total"]
        counted = client.get("/api/facets", params={"q": ""}, headers=bob).json()["total"]
        assert found == counted == expected, policy
