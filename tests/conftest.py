"""What the test files share: figures drawn without a screen, the folder for pictures a test saves
to be looked at, a learner's untouched stub, and the text of a check's failure."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ARTIFACTS = Path(__file__).parent / "artifacts"  # git-ignored


def stub(*_):
    """An exercise not done yet, as the generated stubs are: it raises NotImplementedError."""
    raise NotImplementedError("exercise not done yet")


def failure(feedback):
    """The summary and lines of a check's ``feedback``, which must say the answer failed."""
    assert feedback.status == "failed", feedback
    return "\n".join([feedback.summary] + feedback.lines)
