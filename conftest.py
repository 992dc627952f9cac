"""The course's library is imported before pytest collects its modules for their doctests: in importlib
mode a module collected before its package was imported would be loaded a second time, under the same
name, with classes other than the ones the package uses (an exception raised by one copy would not be
caught as the other's)."""
import bpcourse  # noqa: F401

# The browser tests' shared fixture (``browser``: headless Chromium) and helpers.
pytest_plugins = ["tests.browsers"]

# The longest groups of tests start first (pytest-xdist, --dist loadscope --no-loadscope-reorder, hands the groups out
# in this order): a long one started last would keep one worker busy after the others have finished.
LONGEST_FIRST = ("tests/course/test_browser.py", "tests/course/test_site.py", "tests/tooling/test_assignments.py",
                 "tests/course/test_first_day.py", "solutions/06_training.ipynb", "notebooks/06_training.ipynb")


def pytest_collection_modifyitems(config, items):
    def rank(item):
        return next((i for i, path in enumerate(LONGEST_FIRST) if item.nodeid.startswith(path)), len(LONGEST_FIRST))
    items.sort(key=rank)
