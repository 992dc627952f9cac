"""The course's hub under faults (`make test-hub`, not part of `make test`): a throwaway class on `make hub`
(coursetools.hubtrial: two learners and an instructor, real system accounts, the course's configuration).

- Bob runs away: a cell asks for twice his memory limit, another kernel loops for ever. The first cell fails
  with a MemoryError that names the limit (the kernel and its variables are kept); the loop ends when the
  kernel's CPU time is spent, with a message, and the kernel is started again. Meanwhile Ada runs notebook 01
  top to bottom, and her outputs are the notebook's own.
- The hub is killed (SIGKILL) while both have a kernel with a variable set and a notebook saved; `make hub`
  again: both log in on the login page, their servers and kernels are the same processes, the variable has
  its value, the notebooks are unchanged.
- Ctrl+C, to change a setting (a short idle timeout), stops the hub alone; the class runs on. Then the idle
  servers are culled with their kernels, the saved notebook is there at the next start, and a server used
  once is culled the timeout after that use, not before. `make hub-stop` ends the class.

Needs root (it makes system accounts); skips without it. Each test prints what it measured (-rP).
"""
import configparser
import os
import re
import threading
import time

import pytest

from coursetools.build import ROOT
from coursetools.hubtrial import Kernel, TrialHub, processes
from coursetools.stable_outputs import merge_streams

NOTEBOOK = "bpcourse/01_gradient_descent.ipynb"
SAVED = "bpcourse/00_introduction.ipynb"
CPU_LIMIT = 20     # CPU-seconds of one kernel in this class: notebook 01's kernel needs a few, a loop reaches it soon
IDLE_TIMEOUT = 20  # seconds, set at the restart of the Ctrl+C test

pytestmark = [
    pytest.mark.hub,
    pytest.mark.skipif(os.geteuid() != 0, reason="the hub's fault tests make system accounts and run `make hub`: run "
                                                  "`sudo make test-hub` (or .ci/run, as root)"),
]


@pytest.fixture(scope="module")
def trial():
    hub = TrialHub(learners=["ada", "bob"], notebooks=["01_gradient_descent.ipynb"], settings={"CPU_LIMIT": CPU_LIMIT})
    with hub:
        threads = [threading.Thread(target=hub.start_server, args=(account,)) for account in hub.learners]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        yield hub
    assert not hub.folder.exists() and not hub.leftovers(), "the test's hub left files or processes"


def data_limit(pid):
    """The hard limit on the memory ``pid`` may write to (RLIMIT_DATA), in bytes; None when unlimited."""
    line = next(line for line in open(f"/proc/{pid}/limits") if line.startswith("Max data size"))
    hard = line.split()[4]
    return None if hard == "unlimited" else int(hard)


def eventually(done, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := done():
            return value
        time.sleep(0.5)
    return None


def sanitiser(path=ROOT / "nbval_sanitize.cfg"):
    """nbval's rules for what varies between two clean runs (nbval_sanitize.cfg), as one function of a text."""
    rules = configparser.ConfigParser(interpolation=None)
    rules.read(path)
    pairs = [(re.compile(rules[s]["regex"]), rules[s]["replace"]) for s in rules.sections()]

    def sanitise(text):
        for regex, replace in pairs:
            text = regex.sub(replace, text)
        return text
    return sanitise


def comparable(outputs, sanitise):
    """What nbval compares of a cell's outputs (figures' bytes and widget models aside), in one form for the
    stored outputs and the messages a kernel sent."""
    merged = merge_streams([{"output_type": o.get("output_type") or o["msg_type"], "name": o.get("name"),
                             "text": "".join(o.get("text", "")), "data": o.get("data", {})} for o in outputs])
    return [(o["output_type"], o["name"], sanitise(o["text"]),
             {mime: sanitise("".join(value)) for mime, value in o["data"].items() if mime.startswith("text/")},
             sorted(o["data"])) for o in merged]


def test_a_runaway_learner_is_stopped_with_a_message_and_the_other_runs_notebook_01_as_stored(trial):
    ada, bob = trial.learners
    servers = {account: trial.server_pid(account) for account in trial.learners}
    limit = data_limit(servers[bob])
    assert limit is not None, "bob's server runs without a memory limit"
    loop_done = {}
    with Kernel(trial, bob) as hog, Kernel(trial, bob) as loop:
        hog_pid, loop_pid = hog.pid(), loop.pid()
        assert data_limit(hog_pid) == limit, "the kernel does not have its server's memory limit"
        hogged = hog.execute(f"import numpy as np\nbig = np.ones({2 * limit // 8})  # twice the limit")
        kept = hog.execute("kept = np.arange(4)\nprint(kept.sum(), 'big' in dir())")
        same_hog = hog.pid() == hog_pid

        def run_away():
            started = time.monotonic()
            loop_done["outputs"] = loop.execute("while True:\n    pass", timeout=10 * CPU_LIMIT + 120)
            loop_done["seconds"], loop_done["at"] = time.monotonic() - started, time.monotonic()
        runaway = threading.Thread(target=run_away)
        runaway.start()
        time.sleep(1)
        ada_started = time.monotonic()
        seconds, outputs = trial.execute_notebook(ada, NOTEBOOK)
        runaway.join()
        restarted = eventually(lambda: loop.pid() not in (None, loop_pid) and loop.pid(), timeout=60)
        ready = eventually(lambda: trial.request("GET", f"/user/{bob}/api/kernels/{loop.id}")["execution_state"] == "idle",
                           timeout=120)
        with Kernel(trial, bob, kernel_id=loop.id, shut_down=False) as again:  # a new connection to the new process
            after = again.execute("print('again')")
    errors = [o for o in hogged if o["msg_type"] == "error"]
    assert [e["ename"] for e in errors] == ["MemoryError"], hogged
    assert f"at most {limit / 2**30:.1f} GiB of memory" in errors[0]["evalue"] and "the hub's limit" in errors[0]["evalue"]
    assert [o.get("text") for o in kept] == ["6 False\n"] and same_hog, "the kernel did not survive its MemoryError"
    stopped = [o for o in loop_done["outputs"] if o["msg_type"] == "error"]
    assert [e["ename"] for e in stopped] == ["CPUTimeLimit"], loop_done["outputs"]
    assert f"{CPU_LIMIT} CPU-seconds" in stopped[0]["evalue"] and "starts again empty" in stopped[0]["evalue"]
    assert restarted and ready and [o.get("text") for o in after] == ["again\n"], "the kernel was not started again"
    assert ada_started < loop_done["at"], "Ada's notebook did not run while Bob's loop did"
    nb = trial.request("GET", f"/user/{ada}/api/contents/{NOTEBOOK}")["content"]
    sanitise = sanitiser()
    stored = {c["id"]: comparable(c["outputs"], sanitise) for c in nb["cells"] if c["cell_type"] == "code"}
    assert len(outputs) == sum(bool("".join(c["source"]).strip()) for c in nb["cells"] if c["cell_type"] == "code")
    for cell_id, live in outputs:
        assert comparable(live, sanitise) == stored[cell_id], f"Ada's notebook 01, cell {cell_id}: outputs differ"
    assert {account: trial.server_pid(account) for account in trial.learners} == servers, "a server was restarted"
    print(f"bob: {2 * limit / 2**30:.1f} GiB asked of a {limit / 2**30:.1f} GiB limit: {errors[0]['ename']}: "
          f"{errors[0]['evalue']}")
    print(f"bob: endless loop stopped after {loop_done['seconds']:.0f} s: {stopped[0]['ename']}: {stopped[0]['evalue']}; "
          f"kernel {loop_pid} ended, started again as {restarted}")
    print(f"ada: notebook 01 top to bottom in {seconds:.0f} s meanwhile, {len(outputs)} cells' outputs equal to "
          f"the notebook's own; both servers kept (pids {sorted(servers.values())})")


@pytest.fixture(scope="module")
def before_crash(trial):
    """Each learner's notebook, edited and saved, and a kernel with a variable set, left running."""
    state = {}
    for account in trial.learners:
        model = trial.request("GET", f"/user/{account}/api/contents/{SAVED}")["content"]
        model["cells"][0]["source"] = f"# {account}'s notes, saved before the crash"
        trial.request("PUT", f"/user/{account}/api/contents/{SAVED}", {"type": "notebook", "content": model})
        kernel = Kernel(trial, account, shut_down=False)
        kernel.execute(f"secret = {account[-3:]!r} * 2")
        state[account] = {"server": trial.server_pid(account), "kernel": kernel.id, "kernel_pid": kernel.pid(),
                          "notebook": trial.request("GET", f"/user/{account}/api/contents/{SAVED}")["content"],
                          "socket": kernel.socket}  # the notebook's page stays open
    return state


def test_a_killed_hub_comes_back_to_the_same_servers_kernels_and_notebooks(trial, before_crash):
    hub = trial.hub_pid()
    trial.crash()
    assert hub not in processes(mentioning=["jupyterhub -f"]), "the hub still runs"
    alive = {account: trial.server_pid(account) for account in trial.learners}
    started = time.monotonic()
    trial.restart()
    back = time.monotonic() - started
    landed = {account: trial.login(account) for account in trial.learners}
    for account, state in before_crash.items():
        state["socket"].close()
        assert landed[account].startswith(f"{trial.url}/user/{account}/"), f"{account}: login landed on {landed[account]}"
        assert alive[account] == trial.server_pid(account) == state["server"], f"{account}: the server was restarted"
        with Kernel(trial, account, kernel_id=state["kernel"], shut_down=False) as kernel:
            assert kernel.pid() == state["kernel_pid"], f"{account}: the kernel was restarted"
            assert [o.get("text") for o in kernel.execute("print(secret)")] == [f"{account[-3:] * 2}\n"]
        saved = trial.request("GET", f"/user/{account}/api/contents/{SAVED}")["content"]
        assert saved == state["notebook"], f"{account}: the saved notebook changed"
    print(f"hub {hub} killed (SIGKILL) with 2 servers and 2 kernels running; `make hub` answered again in {back:.0f} s; "
          f"both logged in ({', '.join(url.split(trial.url)[1] for url in landed.values())}); servers "
          f"{sorted(alive.values())} and kernels {sorted(s['kernel_pid'] for s in before_crash.values())} the same "
          f"processes; `secret` kept; saved notebooks unchanged")


def test_ctrl_c_to_change_a_setting_stops_the_hub_alone(trial, before_crash):
    servers = {account: trial.server_pid(account) for account in trial.learners}
    trial.interrupt()
    assert trial.proc.poll() is not None and not trial.hub_pid(), "make hub still runs after Ctrl+C"
    time.sleep(2)  # a hub that stops the servers has signalled them by now
    assert {account: trial.server_pid(account) for account in trial.learners} == servers, "Ctrl+C stopped servers"
    trial.restart(IDLE_TIMEOUT=IDLE_TIMEOUT)
    print(f"Ctrl+C: the hub stopped, servers {sorted(servers.values())} ran on; restarted with IDLE_TIMEOUT={IDLE_TIMEOUT}")


def culled(trial, account):
    return not trial.request("GET", f"/hub/api/users/{account}")["servers"] and not trial.server_pid(account)


def test_idle_servers_are_culled_and_their_saved_notebooks_kept(trial, before_crash):
    """The servers idle since before the restart end at once (the hub last heard of them minutes ago); a server
    started again and used ends IDLE_TIMEOUT seconds after its last use, not before; the notebook is kept."""
    servers = {account: trial.server_pid(account) for account in trial.learners}
    assert eventually(lambda: all(culled(trial, a) for a in trial.learners), timeout=6 * IDLE_TIMEOUT), \
        f"not culled within {6 * IDLE_TIMEOUT} s:\n{trial.log_tail()}"
    assert not any(processes(mentioning=[f"kernel-{s['kernel']}.json"]) for s in before_crash.values()), \
        "a culled server's kernel runs on"
    ada = trial.learners[0]
    trial.start_server(ada)
    saved = trial.request("GET", f"/user/{ada}/api/contents/{SAVED}")["content"]  # its last use
    used = time.monotonic()
    assert saved["cells"][0]["source"] == f"# {ada}'s notes, saved before the crash"
    assert saved == before_crash[ada]["notebook"]
    assert eventually(lambda: culled(trial, ada), timeout=6 * IDLE_TIMEOUT), f"not culled:\n{trial.log_tail()}"
    waited = time.monotonic() - used
    assert waited >= IDLE_TIMEOUT - 1, f"culled {waited:.0f} s after its last use, before the {IDLE_TIMEOUT} s timeout"
    print(f"idle servers {sorted(servers.values())} culled with their kernels; {ada}'s next start found the saved "
          f"notebook as it was; that server, used once, culled {waited:.0f} s later (timeout {IDLE_TIMEOUT} s)")


def test_make_hub_stop_ends_the_class(trial):
    ada = trial.learners[0]
    trial.start_server(ada)
    with Kernel(trial, ada, shut_down=False) as kernel:
        kernel_pid = kernel.pid()
    printed, left = trial.stop_class()
    assert trial.proc.poll() is not None, "make hub still runs"
    assert left == [], f"processes left: {left}"
    assert kernel_pid not in processes(mentioning=["ipykernel"])
    assert re.search(r"^hub: ended \d+$", printed, re.M) and re.search(r"^servers: ended \d+$", printed, re.M), printed
    print(f"make hub-stop:\n{printed.rstrip()}")
