"""The dossier's PDF: the same HTML printed by headless Chromium (``--print-to-pdf``).

Debian's ``chromium`` (or ``chromium-browser`` / ``google-chrome``) is run on the local
file with networking switched off by flags and a throwaway profile; the HTML itself
fetches nothing (its Content-Security-Policy allows no source). When no Chromium is
installed, or it fails, :func:`print_pdf` returns the reason and no PDF is written.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..base.i18n import t

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT = 120  # seconds
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw")


def browser() -> str | None:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html: Path, pdf: Path, lang: str = "nl") -> str | None:
    """Print ``html`` to ``pdf``; None when written, else the reason (in ``lang``)."""
    exe = browser()
    if exe is None:
        return t("dossier.pdf.no_browser", lang)
    with tempfile.TemporaryDirectory(prefix="lirt-chromium-") as profile:
        try:
            run = subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}",
                                  f"--print-to-pdf={pdf}", html.resolve().as_uri()],
                                 capture_output=True, text=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return t("dossier.pdf.failed", lang, reason=type(exc).__name__)
    if run.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        last = (run.stderr.strip().splitlines() or [f"exit {run.returncode}"])[-1]
        return t("dossier.pdf.failed", lang, reason=last[:200])
    return None
