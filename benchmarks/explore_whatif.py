"""Time a what-if in the explorer from the click to the updated page, in headless Chromium.

    .venv/bin/python -m benchmarks.explore_whatif [--repeat 5]

For Limburg with its sites (instances/limburg-2024) and without them (a copy without
locations.csv): the server starts on a free port, the page opens and the base is solved;
then REPEAT what-ifs "Gennep, asylum: at most N places" (N = 45, 44, ...: each a new
question, so nothing comes from the kept results; only the pool Noord is solved again, the
other pools' outcomes are kept) are typed into the form and applied, and the time from the
click to the rendered result is read from the page (``window.explorerTiming``, measured
with ``performance.now()``). Then one undo (a kept result). Prints the median and range.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(instance: Path, repeat: int, profile: Path) -> dict[str, object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from lirt_opt.explore.server import start
    from lirt_opt.explore.session import Explorer

    explorer = Explorer(instance, lang="nl")
    explorer.warm()
    server, _ = start(explorer, port=0)
    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
                 f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options,
                              service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))

    def settle(steps: int) -> None:
        end = time.monotonic() + 300
        while time.monotonic() < end:
            if driver.execute_script(f"return document.body.dataset.steps === '{steps}' && "
                                     f"document.body.dataset.shown === '{steps - 1}' && "
                                     "document.body.dataset.busy === '0'"):
                return
            time.sleep(0.02)
        raise RuntimeError("no result")

    try:
        t0 = time.perf_counter()
        driver.get(server.url)
        settle(1)
        first = time.perf_counter() - t0
        form = driver.find_element(By.ID, "form-offer")
        Select(form.find_element(By.NAME, "municipality")).select_by_value("GM0907")
        Select(form.find_element(By.NAME, "op")).select_by_value("cap")
        times = []
        for i in range(repeat):
            field = form.find_element(By.NAME, "value")
            field.clear()
            field.send_keys(str(45 - i))
            form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            settle(i + 2)
            times.append(driver.execute_script("return window.explorerTiming.lastMs") / 1000)
        driver.find_element(By.ID, "undo").click()
        settle(repeat)
        undo = driver.execute_script("return window.explorerTiming.lastMs") / 1000
    finally:
        driver.quit()
        server.shutdown()
        server.server_close()
        explorer.close()
    return {"first_result_s": first, "whatif_s": times, "undo_s": undo}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "limburg-no-sites"
        shutil.copytree(ROOT / "instances" / "limburg-2024", bare,
                        ignore=shutil.ignore_patterns("locations.csv", "*.py"))
        for label, inst in (("without sites", bare), ("with sites", ROOT / "instances" / "limburg-2024")):
            r = run(inst, args.repeat, Path(tmp) / f"profile-{label.replace(' ', '-')}")
            w = r["whatif_s"]
            assert isinstance(w, list)
            print(f"Limburg {label}: page with the base result {r['first_result_s']:.2f} s; "
                  f"what-if click -> page median {statistics.median(w):.3f} s "
                  f"(min {min(w):.3f}, max {max(w):.3f}, n={len(w)}); undo {r['undo_s']:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
