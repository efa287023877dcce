"""Take the README's pictures of the web form with headless Chromium (`make screenshots`).

Serves a throw-away workspace holding the seed's data file, opens it in the form,
and saves two PNGs: the top of the form, and the milestone steps with step 5
unticked and the score the server computed for that.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from docgen.web import create_app

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "indicator-3.2.yaml"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--window-size=1200,1000",
]


def main(out_dir: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "reports"
        workspace.mkdir()
        shutil.copy(SEED, workspace / "2550-r12-3.2.yaml")
        server = make_server("127.0.0.1", 0, create_app(workspace, pdf=True))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "chromium"
        for flag in [*FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}"]:
            options.add_argument(flag)
        service = Service(executable_path=shutil.which("chromedriver") or "chromedriver")
        driver = webdriver.Chrome(service=service, options=options)
        try:
            driver.get(f"http://127.0.0.1:{server.server_port}/edit/2550-r12-3.2.yaml")
            driver.save_screenshot(str(out_dir / "web-form.png"))
            step = driver.find_element(By.ID, "step-4")
            driver.execute_script("arguments[0].scrollIntoView(); window.scrollBy(0, -110)", step)
            driver.find_element(By.NAME, "indicator.result.steps[4].done").click()
            WebDriverWait(driver, 30).until(
                shown.text_to_be_present_in_element((By.CSS_SELECTOR, '[data-live="score"]'), "4")
            )
            driver.save_screenshot(str(out_dir / "web-form-score.png"))
        finally:
            driver.quit()
            server.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
