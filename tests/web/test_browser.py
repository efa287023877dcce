"""A clerk at work in a real browser: Debian's chromium, driven by selenium,
against the server that ``docgen serve`` starts."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import docx
import pytest
from helpers import ROOT, SEED_DATA, free_port, require_tool
from support import SEED_NAME, score_row

from docgen.report.data import load

pytestmark = pytest.mark.browser

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1400",
]
WAIT = 30  # seconds a step may take on a loaded machine before the test gives up


@pytest.fixture
def server(tmp_path: Path):
    """`docgen serve` on a free port of 127.0.0.1, over a workspace holding the seed."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    shutil.copy(SEED_DATA, workspace / SEED_NAME)
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    command = [sys.executable, "-m", "docgen", "serve", "--workspace", str(workspace)]
    process = subprocess.Popen(
        [*command, "--port", str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + WAIT
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        "docgen serve did not start:\n" + (tmp_path / "server.log").read_text()
                    )
                time.sleep(0.1)
        yield url, workspace
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def browser(tmp_path: Path):
    chromium = require_tool("chromium", "chromium chromium-driver")
    chromedriver = require_tool("chromedriver", "chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield driver, downloads
    finally:
        driver.quit()


def _downloaded(folder: Path, suffix: str) -> Path:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        done = [p for p in folder.glob("*" + suffix) if p.stat().st_size > 0]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.1)
    pytest.fail(f"no {suffix} file was downloaded; the folder holds {list(folder.iterdir())}")


def test_a_clerk_unticks_step_5_sees_4_saves_and_downloads(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    url, workspace = server
    driver, downloads = browser
    wait = WebDriverWait(driver, WAIT)

    def click(element) -> None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def live_score_is(text: str) -> None:
        wait.until(shown.text_to_be_present_in_element((By.ID, "live-score"), text))
        assert driver.find_element(By.ID, "live-score").text == text

    driver.get(url + "/")
    click(driver.find_element(By.PARTIAL_LINK_TEXT, "3.2 ระดับผลสัมฤทธิ์"))
    live_score_is("5")

    click(driver.find_element(By.NAME, "indicator.result.steps[4].done"))
    live_score_is("4")
    weighted = driver.find_element(By.CSS_SELECTOR, 'td[data-live="weighted"]')
    assert weighted.text == "0.16"

    # the editor and the rows are the page's own scripts: use them as a clerk does
    obstacles = driver.find_element(By.CSS_SELECTOR, '[data-field="indicator.obstacles"]')
    click(obstacles)
    toolbar = obstacles.find_element(By.XPATH, "preceding-sibling::div[@role='toolbar']")
    click(toolbar.find_element(By.CSS_SELECTOR, '[data-command="bold"]'))
    obstacles.send_keys("งบประมาณล่าช้า")
    click(driver.find_element(By.CSS_SELECTOR, '[data-add-row="indicator.evidence"]'))
    driver.switch_to.active_element.send_keys("หลักฐานที่เพิ่มในเบราว์เซอร์")

    click(driver.find_element(By.CSS_SELECTOR, 'button[value="save"]'))
    wait.until(shown.text_to_be_present_in_element((By.CSS_SELECTOR, ".notice"), "บันทึกแล้ว"))
    live_score_is("4")
    saved = load(workspace / SEED_NAME).indicator
    assert [step.done for step in saved.result.steps] == [True, True, True, True, False]
    assert saved.obstacles == "<p><b>งบประมาณล่าช้า</b></p>"
    assert saved.evidence[-1] == "หลักฐานที่เพิ่มในเบราว์เซอร์"

    click(driver.find_element(By.CSS_SELECTOR, 'button[value="docx"]'))
    document = _downloaded(downloads, ".docx")
    assert document.name == "2550-r12-3.2.docx"
    payload = document.read_bytes()
    assert score_row(payload) == [saved.name, "4", "4", "4", "0.16"]
    runs = [r for p in docx.Document(io.BytesIO(payload)).paragraphs for r in p.runs]
    assert any(run.text == "งบประมาณล่าช้า" and run.bold for run in runs)


@pytest.mark.parametrize("path", ["/", f"/edit/{SEED_NAME}", "/new"], ids=["list", "edit", "new"])
def test_on_a_phone_no_page_scrolls_sideways(server, browser, path):
    url, _ = server
    driver, _ = browser
    driver.set_window_size(390, 844)
    driver.get(url + path)
    width = driver.execute_script("return document.documentElement.clientWidth")
    wider = driver.execute_script(
        "const w = document.documentElement.clientWidth;"
        "return [...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > w + 1)"
        ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
    )
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width, wider
    assert "docgen" not in driver.title
    bar = driver.execute_script(
        "const b = document.querySelector('.actionbar'); return b ? b.offsetHeight : 0"
    )
    assert bar <= 844 * 0.15  # the sticky bar leaves the screen to the form


def test_a_yaml_syntax_error_is_told_in_thai_with_its_line(server, browser):
    from selenium.webdriver.common.by import By

    url, workspace = server
    driver, _ = browser
    driver.set_window_size(390, 844)
    (workspace / "broken.yaml").write_text("report: {round: 12\nindicator: x\n", encoding="utf-8")
    driver.get(url + "/edit/broken.yaml")
    page = driver.find_element(By.CSS_SELECTOR, ".error-page")
    texts = [e.text for e in page.find_elements(By.CSS_SELECTOR, "h1, p, pre")]
    assert any("บรรทัดที่ 2" in text for text in texts), texts  # where YAML noticed it
    assert not [text for text in texts if re.search("[A-Za-z]", text)], texts
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
