"""How long `make test` takes once the environment is set up: the wall time of each run, the CPU time the
whole machine spent meanwhile (read from /proc/stat, so Chromium, the kernels and nbgrader count too) and
pytest's closing line. Target: at most 4 minutes on 2 cores.

The environment is set up first, untimed (`make lint`, which installs it when needed).

Run by hand (not part of `make bench`: minutes, and it runs the whole suite):
    python3 benchmarks/suite_time.py [--runs N]
"""
import argparse
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET_S = 240


def busy_seconds():
    """CPU seconds the machine has spent on anything but idling and waiting for I/O, since boot (Linux)."""
    fields = [int(v) for v in pathlib.Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def timed_run():
    """One `make test`: (wall seconds, CPU seconds, pytest's closing line)."""
    cpu, start = busy_seconds(), time.perf_counter()
    run = subprocess.run(["make", "-s", "test"], cwd=ROOT, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - start, busy_seconds() - cpu
    lines = [line for line in run.stdout.splitlines() if " passed" in line or " failed" in line]
    if run.returncode:
        sys.stdout.write(run.stdout[-5000:] + run.stderr[-3000:])
        raise SystemExit(f"make test failed (exit {run.returncode})")
    return wall, cpu, (lines or ["?"])[-1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, choices=range(1, 11), metavar="N",
                        help="how many times to run make test, 1 to 10 (default 1)")
    args = parser.parse_args(argv)
    subprocess.run(["make", "-s", "lint"], cwd=ROOT, check=True)
    walls = []
    for run in range(1, args.runs + 1):
        wall, cpu, closing = timed_run()
        walls.append(wall)
        print(f"make test, run {run}: {wall:.0f} s wall, {cpu:.0f} CPU-seconds on {os.cpu_count()} cores "
              f"({cpu / wall:.2f} cores busy); pytest: {closing.strip('= ')}", flush=True)
    verdict = "ok" if max(walls) <= TARGET_S else "SLOW"
    print(f"make test: slowest of {args.runs} run(s) {max(walls):.0f} s  target ≤ {TARGET_S} s  {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
