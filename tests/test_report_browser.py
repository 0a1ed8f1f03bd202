"""report.html in headless Chromium: no console errors, one bar per municipality; a screenshot
is kept in tests/artifacts/ (git-ignored). Uses Debian's chromium and chromium-driver through
selenium (no browser download); skipped, saying why, only where they are not installed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import LIMBURG, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1200,900"]


def browser(tmp_path: Path, network_log: bool = False):
    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        pytest.skip("Chromium is not installed (Debian packages chromium and chromium-driver; "
                    ".ci/run installs them with apt-get where it can)")
    selenium = pytest.importorskip("selenium", reason="selenium is not installed (pip install -e .[test])")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    del selenium
    os.environ.setdefault("SE_OFFLINE", "true")  # never let selenium look for drivers online
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    logs = {"browser": "ALL", **({"performance": "ALL"} if network_log else {})}
    options.set_capability("goog:loggingPrefs", logs)
    return webdriver.Chrome(options=options, service=Service(DRIVER))


def test_report_in_headless_chromium(tmp_path, run_cli):
    out = tmp_path / "out"
    result = run_cli("solve", LIMBURG, "--scenario", LIMBURG / "scenarios" / "gennep-cap.toml",
                     "--report", "--out", out)
    assert result.exit_code == 0, result.output
    from selenium.webdriver.common.by import By

    driver = browser(tmp_path)
    try:
        driver.get((out / "report.html").resolve().as_uri())
        errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        assert errors == []
        bars = driver.find_elements(By.CSS_SELECTOR, "svg#load-chart rect.bar")
        assert len(bars) == 31  # Limburg's municipalities
        assert len({b.get_attribute("data-code") for b in bars}) == 31
        assert all(b.is_displayed() for b in bars[:5])
        assert len(driver.find_elements(By.CSS_SELECTOR, "svg#load-chart line.ref-line")) == 1
        # the check can fail: a console error is seen
        driver.execute_script("console.error('probe')")
        assert any("probe" in e["message"] for e in driver.get_log("browser"))
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1200, min(int(height), 8000))
        ARTIFACTS.mkdir(exist_ok=True)
        assert driver.save_screenshot(str(ARTIFACTS / "report-limburg-gennep-cap.png"))
    finally:
        driver.quit()
