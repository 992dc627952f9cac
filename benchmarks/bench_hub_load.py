"""A class at once on the course's hub: LEARNERS servers started together through the hub's REST API, then
every learner's copy of notebook 01 run top to bottom, all together, each through its own server's kernel,
under the hub's limits, with one runaway learner among them (the last: a cell that asks for twice the memory
limit, then an endless loop, which the kernel's CPU time ends).

The class is a throwaway one (coursetools.hubtrial: system accounts made for the run on `make hub`, removed
afterwards; needs root). Per learner: time to spawn (REST request to server ready), the server's CPU time
when ready, time to run notebook 01 (~/bpcourse/01_gradient_descent.ipynb, fetched from the server and
executed cell by cell in a new kernel; for the runaway, until its loop was stopped), peak resident memory of
the learner's processes (server and kernel, sampled every half second) and the failure, if any. The CPU-seconds
of a spawn: the server's own and its share of the hub's (the hub and the first-login copies it runs). Bounded:
every wait has TIMEOUT, the whole run DEADLINE; traffic goes to 127.0.0.1 only.
The figures of the last run on the project's 2-core machine are in benchmarks/HUB_LOAD.md.

Run: sudo .venv/bin/python benchmarks/bench_hub_load.py [--learners 20] [--cpu-limit 60]
"""
import argparse
import concurrent.futures
import os
import statistics
import sys
import threading
import time

from coursetools.hubtrial import Kernel, TrialHub, cpu_seconds, resident_memory

NOTEBOOK = "bpcourse/01_gradient_descent.ipynb"
TIMEOUT = 600      # seconds: one spawn, one cell
DEADLINE = 1800    # seconds: all spawns, then all runs
MIB = 2**20


def sample_memory(uids, peaks, stop, every=0.5):
    """Until ``stop`` is set: each uid's resident memory and the class's total, keeping the peaks."""
    while not stop.wait(every):
        now = {uid: resident_memory(uid) for uid in uids}
        for uid, rss in now.items():
            peaks[uid] = max(peaks.get(uid, 0), rss)
        peaks["total"] = max(peaks.get("total", 0), sum(now.values()))


def all_at_once(work, accounts, results, key):
    """Run ``work(account)`` for every account in parallel; store its value or its failure in ``results``."""
    if not accounts:
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(accounts)) as pool:
        futures = {pool.submit(work, account): account for account in accounts}
        done, late = concurrent.futures.wait(futures, timeout=DEADLINE)
        for future in done:
            try:
                results[futures[future]][key] = future.result()
            except Exception as error:  # a failure is a figure here: recorded, and the run goes on
                results[futures[future]].setdefault("failure", f"{key}: {type(error).__name__}: {str(error)[:200]}")
        for future in late:
            results[futures[future]].setdefault("failure", f"{key}: not done within {DEADLINE} s")


def run_away(trial, account):
    """The runaway learner: twice the memory limit asked in one kernel, an endless loop in another; returns
    the seconds until the loop was stopped. Raises unless both end with the hub's messages."""
    started = time.monotonic()
    limit = int(next(line for line in open(f"/proc/{trial.server_pid(account)}/limits")
                     if line.startswith("Max data size")).split()[4])
    with Kernel(trial, account) as hog, Kernel(trial, account) as loop:
        hogged = [o.get("ename") for o in hog.execute(f"import numpy as np\nbig = np.ones({2 * limit // 8})")]
        stopped = [o.get("ename") for o in loop.execute("while True:\n    pass", timeout=DEADLINE)]
    if hogged != ["MemoryError"] or stopped != ["CPUTimeLimit"]:
        raise RuntimeError(f"expected a MemoryError and a CPUTimeLimit, got {hogged} and {stopped}")
    return time.monotonic() - started


def table(results, peaks, uids, cores, wall, load, hub_cpu):
    """The per-learner table and the totals, as printed."""
    lines = [f"{'learner':<10}{'spawn s':>9}{'CPU s':>7}{'run s':>9}{'peak MiB':>10}  result"]
    for index, (account, r) in enumerate(results.items(), 1):
        spawn = f"{r['spawn']:.1f}" if "spawn" in r else "-"
        cpu = f"{r['cpu']:.1f}" if "cpu" in r else "-"
        run = f"{r['run']:.1f}" if "run" in r else "-"
        ok = "runaway: MemoryError, loop stopped" if r.get("runaway") and "run" in r else "ok"
        lines.append(f"{f'learner {index:02d}':<10}{spawn:>9}{cpu:>7}{run:>9}{peaks.get(uids[account], 0) / MIB:>10.0f}  "
                     f"{r.get('failure', ok)}")
    spawns = [r["spawn"] for r in results.values() if "spawn" in r]
    runs = [r["run"] for r in results.values() if "run" in r and not r.get("runaway")]
    servers = [r["cpu"] for r in results.values() if "cpu" in r]
    per_spawn = statistics.mean(servers) + hub_cpu / max(1, len(servers)) if servers else 0
    memory = [peaks.get(uid, 0) / MIB for uid in uids.values()]
    failures = sum("failure" in r for r in results.values())
    lines += ["",
              f"{len(results)} learners at once on {cores} cores, in {wall:.0f} s (load average before: {load:.1f})",
              f"spawn: median {statistics.median(spawns):.1f} s, max {max(spawns):.1f} s" if spawns else "spawn: none started",
              f"CPU per spawn: {per_spawn:.1f} s (server {statistics.mean(servers) if servers else 0:.1f} s, hub "
              f"{hub_cpu / max(1, len(servers)):.1f} s); {len(servers)} spawns need {per_spawn * len(servers):.0f} "
              f"CPU-seconds, {per_spawn * len(servers) / cores:.0f} s on {cores} cores at best",
              f"notebook 01, top to bottom (the runaway aside): median {statistics.median(runs):.1f} s, "
              f"max {max(runs):.1f} s" if runs else "notebook 01: no run finished",
              f"peak memory per learner: median {statistics.median(memory):.0f} MiB, max {max(memory):.0f} MiB; "
              f"the whole class at its peak {peaks.get('total', 0) / 2**30:.1f} GiB",
              f"failures: {failures}"]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=20, help="how many learners at once, the runaway one of them "
                                                                 "(default 20)")
    parser.add_argument("--cpu-limit", type=int, default=60, help="CPU-seconds of one kernel (make hub's CPU_LIMIT; "
                                                                  "default 60, so that the runaway's loop ends soon)")
    args = parser.parse_args(argv)
    if args.learners < 2:
        parser.error(f"--learners: expected at least 2 (one of them the runaway), got {args.learners}")
    if args.cpu_limit < 1:
        parser.error(f"--cpu-limit: expected a positive number of CPU-seconds, got {args.cpu_limit}")
    if os.geteuid() != 0:
        print("bench_hub_load: skipped, needs root (it makes system accounts): "
              "sudo .venv/bin/python benchmarks/bench_hub_load.py")
        return 0
    started = time.monotonic()
    with TrialHub(learners=[f"l{i:02d}" for i in range(1, args.learners + 1)], timeout=TIMEOUT,
                  settings={"CPU_LIMIT": args.cpu_limit}) as trial:
        uids = {account: uid for account, uid in zip(trial.accounts, trial.uids) if account in trial.learners}
        results = {account: {} for account in trial.learners}
        runaway = trial.learners[-1]
        results[runaway]["runaway"] = True
        peaks, stop = {}, threading.Event()
        sampler = threading.Thread(target=sample_memory, args=(list(uids.values()), peaks, stop), daemon=True)
        sampler.start()
        load, begun, hub = os.getloadavg()[0], time.monotonic(), trial.hub_pid()
        hub_before = cpu_seconds(hub, children=True)

        def spawn(account):
            seconds = trial.start_server(account)
            results[account]["cpu"] = cpu_seconds(trial.server_pid(account))
            return seconds
        all_at_once(spawn, trial.learners, results, "spawn")
        hub_cpu = cpu_seconds(hub, children=True) - hub_before
        started_ok = [account for account in trial.learners if "spawn" in results[account]]
        all_at_once(lambda account: run_away(trial, account) if account == runaway else
                    trial.run_notebook(account, NOTEBOOK), started_ok, results, "run")
        wall = time.monotonic() - begun
        stop.set()
        sampler.join()
        print(table(results, peaks, uids, os.cpu_count(), wall, load, hub_cpu))
    print(f"(hub set-up and clean-up included: {time.monotonic() - started:.0f} s)")
    return 1 if any("failure" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
