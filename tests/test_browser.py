"""The reader in a real browser: headless Chromium driven by playwright against
the real server (``cablegram serve`` in a subprocess) over an invented archive.

Search, narrow by a facet, open a cable, follow a reference, go back; no
console errors; screenshots of the search page and a cable page are saved to
``artifacts/screenshots/`` for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browserkit import NEEDS_CHROMIUM, chromium, serving
from web_cables import build_archive, make_cable, sample_cables, t

from cablegram.model import Level

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "artifacts" / "screenshots"

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("playwright.sync_api")
    path = tmp_path_factory.mktemp("browser") / "archive.db"
    more = [make_cable(f"06NOWHERE{n}", f"PILCHARD LANDINGS REPORT {n}",
                       [f"Pilchard landings in the northern ports, week {n}, rose again.",
                        "The fisheries inspectorate expects a quieter month."],
                       when=t(2006, 1 + n % 12, 1 + n), tags=("EFIS", "ECON", "NW"))
            for n in range(1, 12)]
    confidential = make_cable(
        "08NOWHERE300", "HERRING QUOTAS: MINISTER SEEKS U.S. VIEWS",
        ["SUMMARY: The minister asked for our views on herring quotas before the third round. "
         "END SUMMARY.", "We undertook to report the request to Washington."],
        when=t(2008, 3, 3), level=Level.CONFIDENTIAL, tags=("EFIS", "PREL", "NW"),
        refs=("07NOWHERE102",))
    build_archive(path, [*sample_cables(), *more, confidential])
    with serving(path, "--open") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def _page(browser: Browser, width: int = 1280, height: int = 900) -> tuple[Page, list[str]]:
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    # Everything must come from our server: record any request to another host.
    page.on("request", lambda r: errors.append(f"external request {r.url}")
            if not r.url.startswith(("http://127.0.0.1", "data:")) else None)
    return page, errors


def test_search_narrow_open_follow_back(server: str, browser: Browser) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, errors = _page(browser)
    page.goto(server + "/")
    # "/" focuses the search box
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("herring OR pilchard")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=herring+OR+pilchard*")
    count = page.inner_text(".count")
    assert "14 cables" in count
    page.screenshot(path=str(SHOTS / "search.png"), full_page=True)

    # narrow by the PREL tag facet
    page.click(".facets a:has(.fv:text-is('PREL'))")
    page.wait_for_url("**tag%3APREL*")
    assert page.input_value("#q") == "herring OR pilchard tag:PREL"
    assert "2 cables" in page.inner_text(".count")

    # open the confidential cable, then follow its reference
    page.click("a[href='/cables/08NOWHERE300']")
    page.wait_for_url("**/cables/08NOWHERE300")
    assert page.inner_text(".banner >> nth=0") == "CONFIDENTIAL"
    page.screenshot(path=str(SHOTS / "cable.png"), full_page=True)
    page.click(".refs a[href='/cables/07NOWHERE102']")
    page.wait_for_url("**/cables/07NOWHERE102")
    assert "HERRING QUOTAS: SECOND ROUND" in page.inner_text("h1")
    # ... and its cited-by leads back
    assert page.locator("a[href='/cables/08NOWHERE300']").count() == 1

    page.go_back()
    page.wait_for_url("**/cables/08NOWHERE300")
    page.go_back()
    page.wait_for_url("**tag%3APREL*")
    assert errors == []


def test_histogram_click_and_paragraph_permalink(server: str, browser: Browser) -> None:
    page, errors = _page(browser)
    page.goto(server + "/search?q=")
    page.click(".histogram a[aria-label^='2006']")
    page.wait_for_url("**from%3A2006+to%3A2006*")
    assert "11 cables" in page.inner_text(".count")
    page.goto(server + "/cables/07NOWHERE101#p2")
    assert page.evaluate("location.hash") == "#p2"
    assert page.locator("#p2:target").count() == 1
    assert errors == []


def test_phone_layout_has_no_horizontal_scroll(server: str, browser: Browser) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, errors = _page(browser, width=390, height=844)
    for path, shot in (("/search?q=herring", "search-phone.png"),
                       ("/cables/08NOWHERE300", "cable-phone.png")):
        page.goto(server + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
        page.screenshot(path=str(SHOTS / shot), full_page=True)
    assert errors == []


def test_skip_link_is_first_and_reaches_main(server: str, browser: Browser) -> None:
    page, errors = _page(browser)
    page.goto(server + "/cables/07NOWHERE101")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert errors == []
