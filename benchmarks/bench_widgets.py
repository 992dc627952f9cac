"""Responsiveness of the explorers: each update callback timed directly (median over repeated
moves), as a slider change or button press in the notebook would run it, figure rendering and
PNG encoding included. Targets: descent explorer ≤ 100 ms per slider change, training explorer
≤ 1 s per Train on XOR and two moons with default settings, step-through ≤ 50 ms per step.

Each line gives the median and 95th percentile of the wall-clock time (what the learner waits),
the fastest move, and the median CPU time of this process (the work done, which other programs on
a busy machine do not inflate); the verdict uses the wall-clock median. What the learner sees in
the browser (input to new image, with the messages to and from the kernel) is measured by
test_descent_slider_latency_in_the_browser in tests/course/test_browser.py and judged by
bench_browser_latency.py.

Run: .venv/bin/python benchmarks/bench_widgets.py
"""
import statistics
import time

import matplotlib

matplotlib.use("Agg")

from bpcourse.widgets import BackpropStepper, DescentExplorer, TrainingExplorer  # noqa: E402
from bpcourse.worked.examples import example_222, example_2321  # noqa: E402


def timings_ms(action, repeats):
    """(median wall, 95th percentile wall, fastest wall, median CPU) milliseconds of ``action(i)``
    for i = 0 … repeats − 1."""
    wall, cpu = [], []
    for i in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        action(i)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    p95 = statistics.quantiles(wall, n=20)[-1]
    return 1000 * statistics.median(wall), 1000 * p95, 1000 * min(wall), 1000 * statistics.median(cpu)


def report(name, timings, limit_ms):
    median, p95, fastest, cpu = timings
    print(f"{name:<48} {median:7.1f} ms  (95% {p95:6.1f}, fastest {fastest:6.1f}, CPU {cpu:6.1f})  target ≤ {limit_ms:.0f} ms  "
          f"{'ok' if median <= limit_ms else 'SLOW'}")


def slider_moves(slider, values):
    return lambda i: setattr(slider, "value", values[i % len(values)])


def main():
    for surface in ("two_minima", "valley", "rosenbrock"):
        explorer = DescentExplorer(surface)
        lrs = [explorer.lr.value * f for f in (0.5, 0.7, 1.0, 1.4, 2.0)]
        report(f"descent explorer, {surface}: move the α slider", timings_ms(slider_moves(explorer.lr, lrs), 20), 100)
        gammas = [0.5 + 0.04 * i for i in range(10)]
        report(f"descent explorer, {surface}: move the γ slider", timings_ms(slider_moves(explorer.momentum, gammas), 20), 100)
    explorer = DescentExplorer("valley")
    steps = [30, 40, 50, 60, 70]
    report("descent explorer, valley: move the steps slider", timings_ms(slider_moves(explorer.steps, steps), 20), 100)
    starts = [explorer.start[0].value + 0.1 * (i + 1) for i in range(5)]
    report("descent explorer, valley: move the start w1 slider", timings_ms(slider_moves(explorer.start[0], starts), 20), 100)
    for data in ("XOR", "two moons"):
        train = TrainingExplorer(data).train
        report(f"training explorer, {data}: Train (defaults)", timings_ms(lambda i, train=train: train(), 5), 1000)
    for name, example in (("2-2-2", example_222), ("2-3-2-1", example_2321)):
        step = BackpropStepper(*example()).next
        report(f"step-through {name}: Next", timings_ms(lambda i, step=step: step(), 26), 50)


if __name__ == "__main__":
    main()
