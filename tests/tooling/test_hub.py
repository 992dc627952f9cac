"""The hub's set-up without a hub (fast; `make test-hub` runs the hub itself): the default configuration
serves 127.0.0.1 with PAM and names no test account, limits each learner, culls idle servers and leaves the
class running when the hub stops; the first-login copy, the course link, the limits and `make hub-stop`
refuse what they must; `make test` leaves the hub's end-to-end and fault tests to `make test-hub`."""
import json
import pathlib
import re
import signal
import sqlite3
import subprocess
import time

import pytest

from coursetools import cli, hub
from tests.conftest import ROOT, dry_run

CONFIG = (ROOT / "hub" / "jupyterhub_config.py").read_text()


def test_default_configuration_listens_on_localhost_with_pam_and_names_no_test_account():
    assert 'c.JupyterHub.bind_url = "http://127.0.0.1:8000"' in CONFIG
    assert 'c.JupyterHub.authenticator_class = "pam"' in CONFIG
    assert not re.search(r"bpctest|_password|\.password|api_token|Dummy|SharedPassword|allow_all", CONFIG, re.I)


def test_learners_servers_have_no_formgrader_and_read_the_shared_exchange():
    learners = (ROOT / "hub" / "learners" / "jupyter_server_config.json").read_text()
    assert '"nbgrader.server_extensions.formgrader": false' in learners
    assert "c.Exchange.root" in (ROOT / "hub" / "everyone" / "nbgrader_config.py").read_text()


def test_closed_directories_names_the_folder_others_cannot_enter(tmp_path):
    closed = tmp_path / "closed"
    (closed / "inside").mkdir(parents=True)
    closed.chmod(0o700)
    assert str(closed.resolve()) in hub.closed_directories(closed / "inside")
    closed.chmod(0o711)
    assert str(closed.resolve()) not in hub.closed_directories(closed / "inside")


def test_give_notebooks_needs_notebooks_and_keeps_every_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="source: expected a folder of notebooks"):
        hub.give_notebooks(tmp_path, tmp_path / "home")
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "01_a.ipynb").write_text("{}")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "README.md").write_text("mine")
    assert hub.give_notebooks(tmp_path / "course", tmp_path / "home") == ["01_a.ipynb"]
    assert (tmp_path / "home" / "README.md").read_text() == "mine"


def test_link_course_refuses_to_replace_a_folder(tmp_path):
    (tmp_path / "course").mkdir()
    with pytest.raises(FileExistsError, match="link: expected nothing or a link to"):
        hub.link_course(pathlib.Path("/nonexistent-course"), tmp_path / "course")


def test_make_test_leaves_the_hub_to_make_test_hub():
    assert '-m "not hub"' in dry_run("test")
    assert "-m hub" in dry_run("test-hub") and "tests/tooling/test_hub_end_to_end.py" in dry_run("test-hub")
    assert "tests/tooling/test_hub_faults.py" in dry_run("test-hub")
    assert "make test && make test-hub" in (ROOT / ".ci" / "run").read_text()


def test_the_hubs_commands_say_a_mistake_in_one_line_with_status_2(tmp_path, capsys):
    (tmp_path / "course").mkdir()
    assert cli.run(hub.main, "python -m coursetools.hub", ["give", str(tmp_path), str(tmp_path / "home")]) == 2
    assert cli.run(hub.main, "python -m coursetools.hub", ["link", "/nonexistent-course", str(tmp_path / "course")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"python -m coursetools.hub: source: expected a folder of notebooks, got {str(tmp_path)!r} (no *.ipynb there)",
        f"python -m coursetools.hub: link: expected nothing or a link to /nonexistent-course at {tmp_path / 'course'}, "
        "got something else there; move it away so that the instructor's ~/course can point at the course"]


def test_the_class_outlives_the_hub_and_idle_servers_end():
    assert "c.JupyterHub.cleanup_servers = False" in CONFIG and "c.JupyterHub.cleanup_proxy = False" in CONFIG
    assert '"jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}"' in CONFIG
    assert re.search(r'IDLE_TIMEOUT = int\(os.environ.get\("BPCOURSE_IDLE_TIMEOUT"\) or 3600\)', CONFIG)
    assert "coursetools.hub stop /srv/hub-state" in dry_run("hub-stop", "HUB_STATE=/srv/hub-state")
    assert f"coursetools.hub stop {ROOT / 'hub' / 'state'}" in dry_run("hub-stop")


def test_each_server_and_its_kernels_run_under_the_limits():
    assert "c.Spawner.cmd = limited(" in CONFIG and 'parse_size(os.environ.get("BPCOURSE_MEMORY_LIMIT") or "1G")' in CONFIG
    assert hub.limited(["server"], memory=hub.parse_size("1G"), nice=5)[:2] == ["/usr/bin/prlimit", "--data=1073741824"]
    kernel = json.loads((ROOT / "hub" / "jupyter" / "kernels" / "python3" / "kernel.json").read_text())
    assert kernel["argv"][-1] == "--ext=coursetools.hub"
    assert "BPCOURSE_MEMORY_LIMIT=$(MEMORY_LIMIT)" in (ROOT / "Makefile").read_text()


@pytest.mark.parametrize("call, message", [
    (lambda: hub.parse_size("lots"), "size: expected a positive number of bytes with an optional unit"),
    (lambda: hub.parse_size("0G"), "got '0G'"),
    (lambda: hub.limited(["server"], memory="1G", nice=5), "memory: expected a positive number of bytes, got '1G'"),
    (lambda: hub.limited(["server"], memory=2**30, nice=-5), "nice: expected a niceness from 0 to 19, got -5"),
])
def test_the_limits_refuse_what_they_cannot_mean(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_server_pids_reads_the_running_servers_from_the_hubs_database(tmp_path):
    database = tmp_path / "jupyterhub.sqlite"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE spawners (id INTEGER, server_id INTEGER, state TEXT)")
        db.executemany("INSERT INTO spawners VALUES (?, ?, ?)",
                       [(1, 7, '{"pid": 4242}'), (2, None, '{"pid": 4343}'), (3, 8, "{}"), (4, 9, None)])
    db.close()
    assert hub.server_pids(database) == [4242]


def test_make_hub_stop_refuses_a_folder_that_is_not_there(tmp_path, capsys):
    assert cli.run(hub.main, "python -m coursetools.hub", ["stop", str(tmp_path / "nowhere")]) == 2
    assert "state: expected the hub's state folder (HUB_STATE)" in capsys.readouterr().err


def test_a_server_and_what_it_started_are_found_and_ended():
    """What ``make hub-stop`` does to a server, on a shell (the server) that started a sleep (its kernel)."""
    server, below = subprocess.Popen(["sh", "-c", "sleep 300 & wait"]), []
    try:
        deadline = time.monotonic() + 10
        while not (below := hub.descendants(server.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(below) == 1 and hub.running(below[0], "sleep 300") and hub.running(server.pid, "sh -c")
        assert not hub.running(server.pid, "jupyterhub-singleuser")
        assert hub._end([server.pid, *below], grace=5) == [server.pid, *below]
        assert not any(hub.running(pid) for pid in [server.pid, *below])   # the shell a zombie until waited for
        assert hub.signal_each([server.pid], 0) == [server.pid] and server.wait(5) == -signal.SIGTERM
        assert hub.signal_each([server.pid], 0) == [] and hub.proc_stat(server.pid) is None
    finally:   # what this test started, should it stop half-way
        hub.signal_each([pid for pid in below if hub.running(pid, "sleep 300")], signal.SIGKILL)
        server.kill()
        server.wait(5)
