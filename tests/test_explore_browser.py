"""The explorer in headless Chromium (Debian's chromium + chromium-driver through selenium):
a whole meeting. Open the page, cap Gennep, see the changed places highlighted, give a
bad value and see the message next to the field, load the short scenario, apply the
first repair, undo, save the scenario; `lirt-opt solve --scenario` on the saved file
gives the proposal the page showed and `check` passes. No console errors, no request
leaves 127.0.0.1. Screenshots of every step go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from test_explore import GENNEP, limburg_without_sites, solved_and_checked
from test_report_browser import ARTIFACTS, browser

from lirt_opt.explore.server import start
from lirt_opt.explore.session import Explorer


def wait_for(driver, script: str, timeout: float = 120.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {script}")


def settled(driver, steps: int) -> None:
    wait_for(driver, f"return document.body.dataset.steps === '{steps}' && "
                     f"document.body.dataset.shown === '{steps - 1}' && "
                     "document.body.dataset.busy === '0'")


def shot(driver, name: str) -> None:
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1400, min(int(height), 6000))
    ARTIFACTS.mkdir(exist_ok=True)
    assert driver.save_screenshot(str(ARTIFACTS / f"explore-{name}.png"))
    driver.set_window_size(1400, 1000)


def cell_places(driver) -> dict[tuple[str, str], int]:
    rows = driver.execute_script(
        "return [...document.querySelectorAll('#places-table tr[data-code]')].map("
        "r => [r.dataset.code, r.dataset.group, r.querySelector('td.places').textContent])")
    return {(c, g): int(text.replace(".", "").replace(",", "")) for c, g, text in rows}


def test_a_meeting_in_headless_chromium(tmp_path, run_cli):
    inst = limburg_without_sites(tmp_path)
    explorer = Explorer(inst, lang="nl")
    explorer.warm()
    server, _ = start(explorer, port=0)
    driver = browser(tmp_path, network_log=True)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    try:
        driver.get(server.url)
        settled(driver, 1)
        assert driver.find_element(By.ID, "status").text.startswith("Evenwichtig")
        assert len(driver.find_elements(By.CSS_SELECTOR, "#tile-map rect.tile")) == 31
        assert len(driver.find_elements(By.CSS_SELECTOR, "#load-chart rect.bar")) == 31
        shot(driver, "1-open")

        # cap Gennep: a click on its tile picks it in the form
        driver.find_element(By.CSS_SELECTOR, f'#tile-map rect.tile[data-code="{GENNEP}"]').click()
        form = driver.find_element(By.ID, "form-offer")
        Select(form.find_element(By.NAME, "op")).select_by_value("cap")
        form.find_element(By.NAME, "value").send_keys("40")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        settled(driver, 2)
        cell = driver.find_element(By.CSS_SELECTOR,
                                   f'tr[data-code="{GENNEP}"][data-group="asylum"] td.places')
        assert cell.text == "40" and "down" in cell.get_attribute("class")
        assert driver.find_elements(By.CSS_SELECTOR, "#places-table td.places.up")  # others take over
        tile = driver.find_element(By.CSS_SELECTOR, f'#tile-map rect.tile[data-code="{GENNEP}"]')
        assert {"up", "down", "moved"} & set(tile.get_attribute("class").split())
        assert "Gennep" in driver.find_element(By.CSS_SELECTOR, '#history li[data-n="1"]').text
        shot(driver, "2-gennep-cap")

        # a bad value: the message next to the field, nothing changes
        field = form.find_element(By.NAME, "value")
        field.clear()
        field.send_keys("veertig")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        message = wait_for(driver, "return document.querySelector("
                                   "'#form-offer .err[data-for=value]').textContent")
        assert "geen heel getal" in message
        assert driver.execute_script("return document.body.dataset.steps") == "2"
        shot(driver, "3-bad-value")

        # the short scenario, then its first repair
        loader = driver.find_element(By.ID, "load")
        loader.send_keys(str(inst / "scenarios" / "zuid-short.toml"))
        settled(driver, 3)
        assert driver.find_element(By.ID, "status").text.startswith("Geen sluitend")
        assert driver.find_elements(By.CSS_SELECTOR, "#short-table tbody tr")
        shot(driver, "4-short")
        driver.find_element(By.CSS_SELECTOR, '#repairs li[data-rank="1"] button').click()
        settled(driver, 4)
        assert driver.find_element(By.ID, "status").text.startswith("Evenwichtig")
        shot(driver, "5-repaired")

        # undo the repair and the short scenario: back to the cap
        driver.find_element(By.ID, "undo").click()
        settled(driver, 3)
        driver.find_element(By.ID, "undo").click()
        settled(driver, 2)
        shown = cell_places(driver)
        assert shown[GENNEP, "asylum"] == 40
        shot(driver, "6-undone")

        # save: the link's file is what `solve --scenario` reads
        href = driver.find_element(By.ID, "save").get_attribute("href")
        with urllib.request.urlopen(href, timeout=30) as r:
            text = r.read().decode()
        assert solved_and_checked(run_cli, inst, text, tmp_path) == shown

        errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        assert errors == []
        urls = [json.loads(e["message"])["message"].get("params", {}).get("request", {}).get("url")
                for e in driver.get_log("performance")]
        urls = [u for u in urls if u and u.split(":")[0] in ("http", "https", "ws", "wss", "ftp")]
        assert urls and all(u.startswith(server.url) for u in urls), \
            [u for u in urls if not u.startswith(server.url)]
        # the checks can fail: a console error is seen
        driver.execute_script("console.error('probe')")
        assert any("probe" in e["message"] for e in driver.get_log("browser"))
    finally:
        driver.quit()
        server.shutdown()
        server.server_close()
        explorer.close()


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-q"])
