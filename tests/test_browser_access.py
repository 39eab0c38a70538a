"""Access in a real browser: two users of different clearance log in to the real
server (``cablegram serve`` in a subprocess, headless Chromium via playwright)
and each sees exactly what their clearance allows; the public sees less still.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from browserkit import NEEDS_CHROMIUM, chromium, serving
from web_cables import build_archive, make_cable, t

from cablegram.model import Level

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SECRET_PHRASE = "The minister described the cod fleet plan in confidence"
CONF_PHRASE = "Quota talks resume in the spring"

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("playwright.sync_api")
    root = tmp_path_factory.mktemp("browser_access")
    path = root / "archive.db"
    build_archive(path, [
        make_cable("08NOWHERE1", "COD LANDINGS", ["Cod landings were steady."],
                   when=t(2008, 1, 5), tags=("EFIS", "NW")),
        make_cable("08NOWHERE2", "QUOTA TALKS", [CONF_PHRASE + "."], when=t(2008, 2, 5),
                   level=Level.CONFIDENTIAL, tags=("EFIS", "NW")),
        make_cable("08NOWHERE3", "COD FLEET PLAN", [SECRET_PHRASE + "."], when=t(2008, 3, 5),
                   level=Level.SECRET, tags=("EFIS", "NW")),
    ])
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "CABLEGRAM_COOKIE_SECURE": "0",
           "CABLEGRAM_INDEX_DIR": str(root / "index")}
    for name, level in (("sally", "SECRET"), ("cole", "CONFIDENTIAL")):
        subprocess.run([sys.executable, "-m", "cablegram", "user", "add", name, "--clearance",
                        level, "--password-stdin", "--archive", str(path)],
                       input=f"{name}-password\n", text=True, env=env, check=True,
                       capture_output=True)
    with serving(path, env=env) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def _login(browser: Browser, base: str, name: str, password: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(base + "/login?next=/search%3Fq%3Dcod")
    page.fill("#name", name)
    page.fill("#password", password)
    page.click("form.login button[type=submit]")
    page.wait_for_url("**/search?q=cod*")
    return page


def _status(page: Page, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    return response.status


def test_two_clearances_see_different_archives(server: str, browser: Browser) -> None:
    sally = _login(browser, server, "sally", "sally-password")
    cole = _login(browser, server, "cole", "cole-password")
    # each sees their own name on the login page
    for page, name in ((sally, "sally"), (cole, "cole")):
        page.goto(server + "/login")
        assert f"Logged in as {name}" in page.inner_text("main")

    assert _status(sally, server + "/cables/08NOWHERE3") == 200
    assert SECRET_PHRASE in sally.inner_text("main")
    assert _status(cole, server + "/cables/08NOWHERE3") == 404
    assert SECRET_PHRASE not in cole.content()
    assert _status(cole, server + "/cables/08NOWHERE2") == 200
    assert CONF_PHRASE in cole.inner_text("main")

    sally.goto(server + "/search?q=quota+OR+cod")
    cole.goto(server + "/search?q=quota+OR+cod")
    assert "3 cables" in sally.inner_text(".count")
    assert "2 cables" in cole.inner_text(".count")
    assert "COD FLEET PLAN" not in cole.content()

    # the public (a fresh browser context, no cookie) sees the unclassified cable only
    public = browser.new_context().new_page()
    public.goto(server + "/search?q=quota+OR+cod")
    assert "1 cable" in public.inner_text(".count")
    assert _status(public, server + "/cables/08NOWHERE2") == 404


def test_wrong_password_then_logout(server: str, browser: Browser) -> None:
    page = browser.new_context().new_page()
    page.goto(server + "/login")
    page.fill("#name", "cole")
    page.fill("#password", "not-it")
    page.click("form.login button[type=submit]")
    assert "Unknown user or wrong password" in page.inner_text("main")
    page.fill("#password", "cole-password")
    page.click("form.login button[type=submit]")
    page.wait_for_load_state()
    assert _status(page, server + "/cables/08NOWHERE2") == 200
    page.goto(server + "/logout")
    page.click("form.logout button[type=submit]")
    page.wait_for_load_state()
    assert _status(page, server + "/cables/08NOWHERE2") == 404
