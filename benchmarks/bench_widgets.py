"""Responsiveness of the explorers: each update callback timed directly (median over repeated
moves), as a slider change or button press in the notebook would run it, figure rendering
included. Targets: descent explorer ≤ 100 ms per slider change, training explorer ≤ 1 s per
Train on XOR and two moons with default settings, step-through ≤ 50 ms per step.

Run: .venv/bin/python benchmarks/bench_widgets.py
"""
import statistics
import time

import matplotlib

matplotlib.use("Agg")

from bpcourse.examples import example_222, example_2321  # noqa: E402
from bpcourse.widgets import BackpropStepper, DescentExplorer, TrainingExplorer  # noqa: E402


def median_ms(action, repeats):
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        action(i)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def report(name, ms, limit_ms):
    print(f"{name:<48} {ms:8.1f} ms   (target ≤ {limit_ms:.0f} ms) {'ok' if ms <= limit_ms else 'SLOW'}")


def slider_moves(slider, values):
    return lambda i: setattr(slider, "value", values[i % len(values)])


def main():
    for surface in ("two_minima", "valley", "rosenbrock"):
        explorer = DescentExplorer(surface)
        lrs = [explorer.lr.value * f for f in (0.5, 0.7, 1.0, 1.4, 2.0)]
        report(f"descent explorer, {surface}: move the α slider", median_ms(slider_moves(explorer.lr, lrs), 15), 100)
        gammas = [0.5 + 0.04 * i for i in range(10)]
        report(f"descent explorer, {surface}: move the γ slider", median_ms(slider_moves(explorer.momentum, gammas), 15), 100)
    for data in ("XOR", "two moons"):
        train = TrainingExplorer(data).train
        report(f"training explorer, {data}: Train (defaults)", median_ms(lambda i, train=train: train(), 5), 1000)
    for name, example in (("2-2-2", example_222), ("2-3-2-1", example_2321)):
        step = BackpropStepper(*example()).next
        report(f"step-through {name}: Next", median_ms(lambda i, step=step: step(), 26), 50)


if __name__ == "__main__":
    main()
