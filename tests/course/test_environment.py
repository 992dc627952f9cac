"""The locked environment: the lock covers requirements.txt, and the Makefile installs where it is told."""
import re

import pytest
from packaging.requirements import Requirement

from tests.conftest import ROOT, dry_run


def requirements(path):
    """The named requirements of a requirements file (comments, options and ``-e .`` left out)."""
    lines = (line.split("#")[0].strip() for line in (ROOT / path).read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def test_lock_pins_every_requirement_to_a_version_it_allows():
    pins = {}
    for req in requirements("requirements-lock.txt"):
        (spec,) = req.specifier
        assert spec.operator == "==", f"requirements-lock.txt: expected exact pins, got {req}"
        pins.setdefault(canonical(req.name), []).append(spec.version)
    for req in requirements("requirements.txt"):
        versions = pins.get(canonical(req.name))
        assert versions, f"{req.name} is in requirements.txt but not in requirements-lock.txt: run `make lock`"
        assert all(req.specifier.contains(v) for v in versions), f"{req.name}: lock has {versions}, requirements.txt asks {req}"


@pytest.mark.parametrize("target", ["slides", "lint"])
def test_install_stamp_follows_bin(tmp_path, target):
    commands = dry_run(target, f"BIN={tmp_path}/bin")
    assert f"touch {tmp_path}/bin/.bpcourse-installed" in commands
    assert f"{tmp_path}/bin/python -m uv pip install" in commands and "-r requirements-lock.txt" in commands
    assert ".venv" not in commands


def test_drift_canary_installs_the_newest_releases_in_its_own_environment():
    commands = dry_run("test-latest")
    assert "VENV=.venv-latest INSTALL_FROM=requirements.txt INSTALL_FLAGS=--upgrade" in commands
