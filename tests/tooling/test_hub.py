"""The hub's set-up without a hub (fast; `make test-hub` runs the hub itself): the default configuration
serves 127.0.0.1 with PAM and names no test account; the first-login copy and the course link refuse what
they must; `make test` leaves the hub's end-to-end test to `make test-hub`."""
import pathlib
import re

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
    assert "make test && make test-hub" in (ROOT / ".ci" / "run").read_text()


def test_the_hubs_commands_say_a_mistake_in_one_line_with_status_2(tmp_path, capsys):
    (tmp_path / "course").mkdir()
    assert cli.run(hub.main, "python -m coursetools.hub", ["give", str(tmp_path), str(tmp_path / "home")]) == 2
    assert cli.run(hub.main, "python -m coursetools.hub", ["link", "/nonexistent-course", str(tmp_path / "course")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"python -m coursetools.hub: source: expected a folder of notebooks, got {str(tmp_path)!r} (no *.ipynb there)",
        f"python -m coursetools.hub: link: expected nothing or a link to /nonexistent-course at {tmp_path / 'course'}, "
        "got something else there; move it away so that the instructor's ~/course can point at the course"]
