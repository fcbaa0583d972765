"""The exposure report's HTML page in a real browser: headless Chromium (Debian `chromium` and `chromium-driver`)
driven by Selenium, on the exposure report of ../shared/realworld. Skips, saying why, where no browser is
installed; CI installs one (.ci/run). The screenshot is kept under pytest's temporary directory, or in
$SVCLINT_SCREENSHOT_DIR when that is set."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import REPO, SHARED
from svclint.cli import cli

REALWORLD = SHARED / "realworld"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
    if CHROMIUM is None or not os.path.exists(CHROMEDRIVER):
        pytest.skip("no headless browser: install Debian's chromium and chromium-driver (as .ci/run does)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def realworld_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not REALWORLD.is_dir():
        pytest.skip(f"{REALWORLD} is not here")
    page = tmp_path_factory.mktemp("exposure") / "realworld.html"
    cwd = Path.cwd()
    os.chdir(REPO)
    try:
        result = CliRunner().invoke(cli, ["exposure", "-q", "-j", "1", "-f", "html", "-o", str(page), str(REALWORLD)])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    return page


def _visible_entries(driver: Any) -> list[Any]:
    return [e for e in driver.find_elements("css selector", "details.entry") if e.is_displayed()]


def test_realworld_report_renders_searches_and_filters(browser: Any, realworld_page: Path) -> None:
    browser.get(realworld_page.as_uri())
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    assert errors == []  # no script error, no refused resource (the page's policy admits only its own)
    everything = _visible_entries(browser)
    assert len(everything) > 100
    shown = browser.find_element("id", "shown").text
    assert shown == f"{len(everything)} of {len(everything)} shown"

    search = browser.find_element("id", "search")
    search.send_keys("wordpress")
    narrowed = _visible_entries(browser)
    assert 0 < len(narrowed) < len(everything)
    assert all("wordpress" in entry.text.lower() for entry in narrowed)

    search.clear()
    search.send_keys(" ")  # an input event with no words: everything again
    browser.find_element("css selector", "input[name=via][value=HostPort]").click()
    no_host_ports = _visible_entries(browser)
    assert len(no_host_ports) < len(everything)
    assert all(entry.get_attribute("data-via") != "HostPort" for entry in no_host_ports)

    first = no_host_ports[0]
    first.find_element("css selector", "summary").click()
    assert first.find_element("css selector", "svg.path").is_displayed()
    screenshot = Path(os.environ.get("SVCLINT_SCREENSHOT_DIR") or realworld_page.parent) / "exposure-realworld.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 10_000
    assert browser.get_log("browser") == []
