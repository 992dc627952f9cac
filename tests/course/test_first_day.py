"""The first day: `make lab` ends its output with the URL to open, and says nothing more while the learner works;
the first notebook opens with nothing over it (no toast asking about "official Jupyter news", no dialog).

JupyterLab is started as `make lab` starts it on a fresh machine: a copy of the learner notebooks, new empty
folders for Jupyter's configuration, user settings, workspaces and runtime files, no token (the test opens the URL
the lab printed); only the port is the test's, a free one. The page is saved to tests/artifacts/browser/first_day.png.
"""
import os
import re
import shutil
import subprocess
import time
import urllib.request

import pytest

from coursetools.hubtrial import free_port
from tests.conftest import ROOT
from tests.course import test_browser
from tests.course.test_browser import NOTEBOOKS, new_page, refuse_dialog, screenshot, stop

pytestmark = test_browser.pytestmark  # the browser tests' mark and skip

URL = re.compile(r"http://127\.0\.0\.1:\d+/lab\?token=\w+")
LAST_LINES = 3    # the URL is among the last lines of `make lab`'s output ...
MOST_LINES = 10   # ... which is short: make's command line, the server's few lines that say where to open it


def output(log):
    """The lines `make lab` has printed so far."""
    return log.read_text(errors="replace").splitlines()


def printed_url(log, proc, timeout=120):
    """The URL with its token that `make lab` printed, once the server answers at it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"`make lab` exited with {proc.returncode}:\n" + "\n".join(output(log)[-40:]))
        found = URL.search(log.read_text(errors="replace"))
        try:
            if found:
                urllib.request.urlopen(found.group().replace("/lab?", "/api/status?"), timeout=2)
                return found.group()
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"`make lab` printed no URL that answers within {timeout} s:\n" + "\n".join(output(log)[-40:]))


@pytest.fixture(scope="module")
def fresh_lab(tmp_path_factory):
    """`make lab` as on a fresh machine; yields the URL it printed, the file of its output, and the lab as the
    browser tests' helpers take it (base url, token, folder)."""
    home = tmp_path_factory.mktemp("first_day")
    folder = home / "notebooks"
    folder.mkdir()
    for path in NOTEBOOKS:
        shutil.copy(path, folder)
    lab_args = (f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={free_port()} "
                f"--LabApp.user_settings_dir={home / 'settings'} --LabApp.workspaces_dir={home / 'workspaces'}")
    env = {name: value for name, value in os.environ.items() if not name.startswith("JUPYTER_")}
    env.update(JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    log = home / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen(["make", "lab", f"NOTEBOOK_DIR={folder}", f"LAB_ARGS={lab_args}"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = printed_url(log, proc)
        base, token = url.split("/lab?token=")
        yield url, log, (base, token, folder)
    finally:
        stop(proc, str(home))


def test_make_lab_ends_with_the_url_and_the_first_notebook_opens_with_nothing_over_it(browser, fresh_lab):
    url, log, lab = fresh_lab
    name = NOTEBOOKS[0].name
    with new_page(browser, lab) as page:
        page.goto(url)
        page.locator(".jp-DirListing-item", has_text=name).dblclick(timeout=60_000)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
        page.wait_for_selector(".jp-StatusBar-TextItem:has-text('| Idle')", timeout=60_000)  # its kernel has started
        time.sleep(1)  # and what the page puts up on start has come up
        screenshot(page, "first_day")
        refuse_dialog(page, f"opening {name}")
        toasts = page.locator(".Toastify__toast").all_inner_texts()
        assert toasts == [], f"the page shows notifications (screenshot first_day.png): {toasts}"
    lines = output(log)  # the server has started a kernel and waits: nothing more is coming
    assert any(url in line for line in lines[-LAST_LINES:]), "`make lab` must end with its URL, got:\n" + "\n".join(lines)
    assert len(lines) <= MOST_LINES, f"`make lab` printed {len(lines)} lines:\n" + "\n".join(lines)
