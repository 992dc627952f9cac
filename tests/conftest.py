"""What the test files share: figures drawn without a screen, the repository's root, the folder for
pictures a test saves to be looked at, a learner's untouched stub, the text of a check's failure, and what `make` would run."""
import os
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent        # the repository
ARTIFACTS = ROOT / "tests" / "artifacts"             # pictures the tests save, to be looked at (git-ignored)


def stub(*_):
    """An exercise not done yet, as the generated stubs are: it raises NotImplementedError."""
    raise NotImplementedError("exercise not done yet")


def failure(feedback):
    """The summary and lines of a check's ``feedback``, which must say the answer failed."""
    assert feedback.status == "failed", feedback
    return "\n".join([feedback.summary] + feedback.lines)


def dry_run(*args):
    """The commands ``make`` would run, free of the variables of any make this test runs under (a bare environment)."""
    env = {"PATH": os.environ["PATH"]}
    return subprocess.run(["make", "-n", "-B", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
