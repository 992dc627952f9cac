"""How long `make lint` takes from nothing: a new venv, empty download caches, the locked environment
installed (uv, pinned in requirements-lock.txt), then ruff.

Run by hand (not part of `make bench`: it needs the package registry): python3 benchmarks/setup_time.py
"""
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def locked_packages():
    lines = (ROOT / "requirements-lock.txt").read_text().splitlines()
    return len({line.split("==")[0] for line in lines if "==" in line.split("#")[0]})


def main():
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, UV_CACHE_DIR=f"{tmp}/uv-cache", PIP_NO_CACHE_DIR="1")
        start = time.perf_counter()
        subprocess.run(["make", "-s", "lint", f"VENV={tmp}/venv"], cwd=ROOT, env=env, check=True)
        seconds = time.perf_counter() - start
    print(f"set-up from nothing ({locked_packages()} locked packages, empty caches) and ruff: {seconds:.1f} s "
          f"on {os.cpu_count()} cores, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
