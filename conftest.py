"""The course's library is imported before pytest collects its modules for their doctests: in importlib
mode a module collected before its package was imported would be loaded a second time, under the same
name, with classes other than the ones the package uses (an exception raised by one copy would not be
caught as the other's)."""
import bpcourse  # noqa: F401

# The browser tests' shared fixture (``browser``: headless Chromium) and helpers.
pytest_plugins = ["tests.browsers"]
