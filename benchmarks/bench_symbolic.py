"""Symbolic gradient of the two worked examples: build the net, derive ∂E/∂p for every parameter,
simplify the gradient by common-subexpression elimination and lambdify it, timed from scratch
(SymPy's cache cleared before each run; median of the runs). Targets: 2-2-2 ≤ 1 s, 2-3-2-1 ≤ 2 s.
Also checks the lambdified gradient against the numeric trainer, and times the largest net
allowed (MAX_PARAMETERS) for reference.

Run: .venv/bin/python benchmarks/bench_symbolic.py
"""
import statistics
import time

import numpy as np
from sympy.core.cache import clear_cache

from bpcourse.nn import Network
from bpcourse.symbolic import MAX_PARAMETERS, SymbolicNetwork

CASES = [
    ("2-2-2 (source 002)", Network([2, 2, 2], weights=[[[.15, .25], [.2, .3]], [[.4, .5], [.45, .55]]],
                                   biases=[[.35, .35], [.6, .6]]), [[.05, .1]], [[.01, .99]], "sequential", 1.0),
    ("2-3-2-1 (source 000)", Network([2, 3, 2, 1], weights=[[[-1, 2.5, 1], [1, 0.4, -1.5]],
                                                           [[2.2, 0.34], [-1.4, 1.05], [0.56, 3.1]], [[0.75], [-0.22]]]),
     [[.6, .7]], [[.9]], "numbered", 2.0),
    (f"3-4-3-2 ({MAX_PARAMETERS - 1} parameters, near the limit)", Network([3, 4, 3, 2], seed=0),
     [[.1, .2, .3]], [[.2, .8]], "numbered", None),
]


def timed_pipeline(net, naming):
    """Seconds for derive, simplify (cse) and lambdify, from a cold start; and the final function."""
    clear_cache()
    start = time.perf_counter()
    sym = SymbolicNetwork.from_network(net, naming=naming)
    sym.gradient()
    derived = time.perf_counter()
    sym.gradient_program()
    simplified = time.perf_counter()
    sym.gradient_function()
    done = time.perf_counter()
    return (derived - start, simplified - derived, done - simplified), sym


def agreement(sym, net, X, T):
    """Largest |symbolic − numeric| over the gradient, the shared bias summed as in the trainer."""
    grads = sym.gradient_at(net, X, T)
    dW, db = net.gradients(X, T)
    worst = 0.0
    for l, W in enumerate(sym.weights):
        for (j, k), w in np.ndenumerate(np.array(W, dtype=object)):
            worst = max(worst, abs(grads[w] - dW[l][j, k]))
    if db is not None:
        for l, B in enumerate(sym.biases):
            per_symbol = {}
            for b, g in zip(B, db[l]):
                per_symbol[b] = per_symbol.get(b, 0.0) + g
            worst = max(worst, max(abs(grads[b] - g) for b, g in per_symbol.items()))
    return worst


def main(repeats=5):
    for name, net, X, T, naming, target in CASES:
        runs = [timed_pipeline(net, naming) for _ in range(repeats)]
        parts = [statistics.median(run[0][i] for run in runs) for i in range(3)]
        total = statistics.median(sum(run[0]) for run in runs)
        verdict = "" if target is None else f"(target ≤ {target:.0f} s) {'ok' if total <= target else 'SLOW'}"
        print(f"{name:<42} derive {parts[0]:.3f} s, simplify {parts[1]:.3f} s, lambdify {parts[2]:.3f} s, "
              f"total {total:.3f} s {verdict}".rstrip())
        print(f"{'':<42} max |symbolic − trainer| = {agreement(runs[-1][1], net, X, T):.1e}")


if __name__ == "__main__":
    main()
