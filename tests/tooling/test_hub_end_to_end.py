"""The course's hub end to end (`make test-hub`, not part of `make test`): `make hub` serves a throwaway class
(coursetools.hubtrial: two learners and an instructor, real system accounts with random passwords, PAM logins).

The instructor releases notebook 01 with the formgrader of its server. Each learner logs in on the hub's
login page in headless Chromium, fetches the assignment with nbgrader's assignment list (its server's
/assignments API, called from the learner's page), opens it in JupyterLab, types an answer to exercise 01.1
(Ada the right one, Bob a wrong one), runs the notebook, saves it and submits it the same way. The
instructor collects and autogrades with the formgrader; the gradebook must give Ada the point and Bob none,
and Ada's Validate button (her server's nbgrader) must give the autograder's verdict. Ada's kernel must be
refused Bob's files; a second login must keep Ada's edits; Ctrl+C must stop the hub alone (the servers run on)
and `make hub-stop` the class, leaving no process behind; the accounts and everything else are removed afterwards.
The faults (a runaway learner, a crashed hub, idle servers) are tests/tooling/test_hub_faults.py.

Needs root (it makes system accounts) and Debian's Chromium; skips without them.
"""
import json
import os
import pwd
import stat
import time
import urllib.error

import nbformat
import pytest

from coursetools import assignments
from coursetools.hub import hand_over
from coursetools.hubtrial import Kernel, TrialHub
from tests.browsers import CHROMIUM
from tests.course import test_browser as ui
from tests.tooling.test_assignments import failed_exercises, grade_id, solved
from tests.tooling.test_assignments import released as released_notebook

NAME = "01_gradient_descent"
NOTEBOOK = f"{NAME}/{NAME}.ipynb"
ANSWERS = {  # exercise 01.1: one gradient-descent step
    "ada": '''def gd_step(w, grad, lr):\n    """The weight after one step."""\n    return w - lr * grad''',
    "bob": '''def gd_step(w, grad, lr):\n    """The weight after one step."""\n    return w + lr * grad''',
}
ANSWER_CELL = ".jp-CodeCell:has(.cm-content:has-text('def gd_step'))"
CHECK_CELL = ".jp-CodeCell:has(.cm-content:has-text('checks.check_step(gd_step)'))"

pytestmark = [
    pytest.mark.hub,
    pytest.mark.skipif(os.geteuid() != 0, reason="the hub test makes system accounts and runs `make hub`: run "
                                                  "`sudo make test-hub` (or .ci/run, as root)"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="the hub test needs Debian's Chromium at /usr/bin/chromium: "
                                                     "`sudo apt-get install chromium`"),
]


@pytest.fixture(scope="module")
def trial():
    hub = TrialHub(learners=list(ANSWERS), notebooks=[f"{NAME}.ipynb"])
    with hub:
        yield hub
    assert not any(account_exists(account) for account in hub.accounts), "an account of the test is left"
    assert not hub.folder.exists() and not hub.leftovers(), "the test's hub left files or processes"


def account_exists(account):
    try:
        return bool(pwd.getpwnam(account))
    except KeyError:
        return False


def instructor(trial, method, path):
    """The instructor's formgrader API (its server, through the hub, with the trial's token)."""
    return trial.request(method, f"/user/{trial.instructor}/formgrader/api{path}", timeout=trial.timeout)


@pytest.fixture(scope="module")
def released(trial):
    trial.start_server(trial.instructor)
    return instructor(trial, "POST", f"/assignment/{NAME}/release")


def lab_settings(account):
    """The browser tests' JupyterLab settings (every cell in the page) in the learner's home."""
    folder = os.path.join(pwd.getpwnam(account).pw_dir, ".jupyter")
    for name, values in ui.SETTINGS.items():
        path = os.path.join(folder, "lab", "user-settings", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as out:
            json.dump(values, out)
    hand_over(folder, account)


def nbgrader_list(page, trial, account, action):
    """nbgrader's assignment list in the learner's server (fetch or submit), called from the learner's page."""
    url = f"{trial.url}/user/{account}/"
    xsrf = next(c["value"] for c in page.context.cookies(url) if c["name"] == "_xsrf")
    response = page.request.post(f"{url}assignments/{action}", headers={"X-XSRFToken": xsrf}, timeout=120_000,
                                 form={"course_id": assignments.COURSE_ID, "assignment_id": NAME})
    assert response.ok, f"{account}: {action}: HTTP {response.status}"
    return response.json()


def saved_answer(trial, account):
    """The answer cell of the file on the learner's server."""
    nb = trial.request("GET", f"/user/{account}/api/contents/{NOTEBOOK}")["content"]
    return next(cell["source"] for cell in nb["cells"] if "def gd_step" in cell["source"])


def learn(browser, trial, short):
    """One learner's session: log in, fetch, answer 01.1, run all, save, submit; returns what the check printed
    and nbgrader's answers to fetch and submit."""
    account = trial.name(short)
    lab_settings(account)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{trial.url}/hub/login")
        page.fill("#username_input", account)
        page.fill("#password_input", trial.passwords[account])
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{account}/lab**", timeout=trial.timeout * 1000)
        page.wait_for_selector("#jp-main-dock-panel", timeout=120_000)
        fetched = nbgrader_list(page, trial, account, "fetch")
        ui.open_url(page, f"{trial.url}/user/{account}/lab/tree/{NOTEBOOK}?reset")
        page.locator(f"{ANSWER_CELL} .cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(ANSWERS[short])
        ui.run_all(page, ui.stored_outputs(trial.course / "release" / NOTEBOOK)["code_cells"])
        check = page.locator(CHECK_CELL)
        check.scroll_into_view_if_needed()
        printed = check.locator(".jp-OutputArea-output").inner_text()
        ui.screenshot(page, f"hub_{short}_exercise_01_1")
        assert save(page, lambda: ANSWERS[short].splitlines()[-1] in saved_answer(trial, account)), f"{account}: not saved"
        submitted = nbgrader_list(page, trial, account, "submit")
        return {"printed": printed, "fetched": fetched, "submitted": submitted}
    finally:
        context.close()


def save(page, saved):
    """File ▸ Save Notebook until JupyterLab has saved it (its tab no longer marked dirty: a menu click can
    come before focus), then ``saved()`` reads the file. Only then: a read while the file is being written
    finds it half-written, and jupyter_server's recovery from its backup copy then races the writer and can
    lose the file (seen as 404s on every later read)."""
    for _ in range(3):
        page.click(".lm-MenuBar-itemLabel:text-is('File')")
        page.click(".lm-Menu-itemLabel:text-is('Save Notebook')")
        if eventually(lambda: page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-dirty").count() == 0, timeout=20):
            return saved()
    return False


def eventually(done, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.5)
    return False


@pytest.fixture(scope="module")
def sessions(browser, trial, released):
    return {short: learn(browser, trial, short) for short in ANSWERS}


@pytest.fixture(scope="module")
def grades(trial, sessions):
    collected = instructor(trial, "POST", f"/assignment/{NAME}/collect")
    graded = {account: instructor(trial, "POST", f"/submission/{NAME}/{account}/autograde") for account in trial.learners}
    rows = assignments.grade_rows(trial.course, [(account, NAME) for account in trial.learners])
    return collected, graded, rows


def test_the_instructor_releases_with_the_formgrader(released):
    assert released["success"], released


def test_first_login_gives_each_learner_the_notebooks_in_a_private_home(trial, sessions):
    expected = sorted(p.name for p in (assignments.ROOT / "notebooks").glob("*.ipynb"))
    for account in trial.learners:
        entry = pwd.getpwnam(account)
        assert stat.S_IMODE(os.stat(entry.pw_dir).st_mode) == 0o700
        folder = os.path.join(entry.pw_dir, "bpcourse")
        assert sorted(n for n in os.listdir(folder) if n.endswith(".ipynb")) == expected
        assert "never replaces a notebook" in open(os.path.join(folder, "README.md")).read()
        assert {os.stat(os.path.join(folder, n)).st_uid for n in os.listdir(folder)} == {entry.pw_uid}


def test_learners_answer_in_jupyterlab_and_submit_with_nbgrader(trial, sessions):
    assert "passed ✓" in sessions["ada"]["printed"]
    assert "moves uphill" in sessions["bob"]["printed"] and "passed" not in sessions["bob"]["printed"]
    for short, session in sessions.items():
        assert session["fetched"]["success"] and session["submitted"]["success"], session
        statuses = {a["status"] for a in session["submitted"]["value"] if a["assignment_id"] == NAME}
        assert "submitted" in statuses, f"{short}: {session['submitted']}"


def test_the_instructor_collects_and_autogrades_and_the_grades_differ(trial, grades):
    collected, graded, rows = grades
    assert collected["success"], collected
    for account, answer in graded.items():
        assert answer["success"], f"{account}: autograde failed:\n{answer.get('error', answer)[-3000:]}"
    scores = {(row["learner"], row["exercise"]): row["score"] for row in rows}
    ada, bob = trial.learners
    assert scores[ada, "01.1"] == 1 and scores[bob, "01.1"] == 0
    assert scores[ada, "01.2"] == scores[bob, "01.2"] == 0  # not answered by either
    totals = {account: instructor(trial, "GET", f"/submission/{NAME}/{account}")["score"] for account in trial.learners}
    assert totals == {ada: 1, bob: 0}


@pytest.fixture(scope="module")
def validated(trial, sessions):
    """What Ada's Validate button answers (her server's nbgrader) on her submitted notebook, on the notebook
    solved, and on her copy of the course's notebook in ~/bpcourse, untouched (it has no nbgrader metadata)."""
    ada = trial.learners[0]
    content = json.loads(nbformat.writes(solved(trial.course, NAME)))
    trial.request("PUT", f"/user/{ada}/api/contents/solved.ipynb", {"type": "notebook", "content": content})
    paths = {"submitted": NOTEBOOK, "solved": "solved.ipynb", "untouched copy": f"bpcourse/{NAME}.ipynb"}
    return {what: trial.request("POST", f"/user/{ada}/assignments/validate", {"path": path}, timeout=trial.timeout)
            for what, path in paths.items()}


def test_a_learners_validate_gives_the_autograders_verdict(trial, grades, validated):
    """Validate runs the notebook as the autograder does: on Ada's submission it fails exactly the exercises the
    autograder scored 0, on the solved notebook it passes, and on her untouched copy every check fails, not done."""
    _, _, rows = grades
    assert all(answer["success"] for answer in validated.values()), validated
    exercises = {assignments.exercise_of(grade_id(cell)) for cell in released_notebook(trial.course, NAME).cells
                 if cell.metadata.nbgrader["grade"]}
    zeros = {row["exercise"] for row in rows if row["learner"] == trial.learners[0] and row["score"] == 0}
    assert set(failed_exercises(validated["submitted"]["value"], trial.course, NAME)) == zeros == exercises - {"01.1"}
    assert validated["solved"]["value"] == {}
    untouched = failed_exercises(validated["untouched copy"]["value"], trial.course, NAME)
    assert set(untouched) == exercises and all("not done yet" in error for error in untouched.values())


def test_only_the_instructor_has_the_formgrader(trial, sessions):
    assert instructor(trial, "GET", "/status")["status"]
    with pytest.raises(urllib.error.HTTPError) as refused:
        trial.request("GET", f"/user/{trial.learners[0]}/formgrader/api/status")
    assert refused.value.code == 404


def test_a_learner_cannot_open_another_learners_notebook(trial, sessions):
    ada, bob = trial.learners
    with Kernel(trial, ada) as kernel:
        mine = kernel.execute(f"import os\nprint(len(open({NOTEBOOK!r}).read()) > 0)")
        theirs = kernel.execute(f"open(os.path.join(os.path.expanduser('~{bob}'), {NOTEBOOK!r})).read()")
    assert [o.get("text") for o in mine] == ["True\n"]
    assert [(o["msg_type"], o.get("ename")) for o in theirs] == [("error", "PermissionError")]
    assert "Permission denied" in theirs[0]["evalue"]


def test_a_later_login_keeps_the_learners_edits_and_adds_missing_notebooks(trial, sessions):
    ada = trial.learners[0]
    edited = "bpcourse/00_introduction.ipynb"
    model = trial.request("GET", f"/user/{ada}/api/contents/{edited}")
    model["content"]["cells"][0]["source"] = "# my notes"
    trial.request("PUT", f"/user/{ada}/api/contents/{edited}", {"type": "notebook", "content": model["content"]})
    trial.request("DELETE", f"/user/{ada}/api/contents/bpcourse/03_chain_rule.ipynb")
    trial.stop_server(ada)
    trial.start_server(ada)
    assert trial.request("GET", f"/user/{ada}/api/contents/{edited}")["content"]["cells"][0]["source"] == "# my notes"
    assert trial.request("GET", f"/user/{ada}/api/contents/bpcourse/03_chain_rule.ipynb")["content"]["cells"]


def test_ctrl_c_stops_the_hub_alone_and_make_hub_stop_ends_the_class(trial, grades):
    servers = [trial.server_pid(account) for account in trial.accounts]
    trial.interrupt()
    assert trial.proc.poll() is not None, "make hub still runs"
    assert all(servers) and [trial.server_pid(account) for account in trial.accounts] == servers, "Ctrl+C stopped servers"
    _, left = trial.stop_class()
    assert left == [], f"processes left behind: {left}"
