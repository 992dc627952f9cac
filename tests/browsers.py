"""What the browser tests share: Debian's Chromium and its flags, Playwright, axe-core, and the marks that skip
a browser test, with the advice to follow, where one of them is missing."""
from pathlib import Path

import pytest

from tests.conftest import ROOT

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - playwright is in requirements.txt
    sync_playwright = PlaywrightTimeout = None

CHROMIUM = Path("/usr/bin/chromium")
# Chromium flags for a closed network and a root user (the probe-tested set; see docs/development.md).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
AXE = ROOT / "js" / "node_modules" / "axe-core" / "axe.min.js"


def browser_marks(what):
    """The marks of a browser test module: ``browser``, and a skip that names what is missing and how to get it."""
    return [
        pytest.mark.browser,
        pytest.mark.skipif(not CHROMIUM.exists() or sync_playwright is None,
                           reason=f"{what} need Debian's Chromium at /usr/bin/chromium: install it with "
                                  "`sudo apt-get install chromium`, then run `make test` again"),
        pytest.mark.skipif(not AXE.exists(), reason=f"{what} need axe-core: install the course's JavaScript with "
                                                    "`npm ci --prefix js` (`make test` does)"),
    ]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, one per test module."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
