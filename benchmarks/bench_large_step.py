"""Achieved GFLOP/s of one bpcourse training step on a large layer, as a fraction of bare matrix
products of the same shapes (the step's floor: everything else is elementwise).

Net 4096-4096-4096 (ReLU, identity output, half_sse), batch 1024, float32, one full-batch step:
2 forward products, 2 weight-gradient products and 1 input-gradient product, 2·m·k·n FLOPs each.
Usage: python benchmarks/bench_large_step.py [--backend numpy|cupy] [--width 4096] [--batch 1024]
With --backend cupy it also times NumPy and prints the GPU/CPU ratio (target >= 20x).
"""
import argparse
import statistics
import time

import numpy as np

from bpcourse.backend import get_backend
from bpcourse.nn import Network


def synchronise(xp):
    if xp is not np:
        xp.cuda.Device().synchronize()


def interleaved_medians(fns, xp, repeats):
    """Median seconds of each function, timed in turn within every repeat so that machine noise
    hits them alike."""
    for fn in fns:
        fn()  # warm-up: allocations, BLAS threads, CUDA kernels
    synchronise(xp)
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, record in zip(fns, times):
            start = time.perf_counter()
            fn()
            synchronise(xp)
            record.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def measure(backend, width, batch, repeats):
    xp = get_backend(backend)
    net = Network([width, width, width], ["relu", "identity"], "half_sse", seed=0, dtype="float32", backend=backend)
    rng = np.random.default_rng(1)
    X = xp.asarray(rng.normal(size=(batch, width)).astype(np.float32))
    T = xp.asarray(rng.normal(size=(batch, width)).astype(np.float32))
    W1, W2 = net.weights
    H, G = X @ W1, X @ W1

    def bare():
        X @ W1, H @ W2, H.T @ G, G @ W2.T, X.T @ G

    def step():
        net.train(X, T, lr=1e-4, epochs=1, batch_size=None, shuffle=False, progress=False)

    flops = 5 * 2 * batch * width * width
    t_bare, t_step = interleaved_medians([bare, step], xp, repeats)
    return flops / t_bare / 1e9, flops / t_step / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="numpy", choices=["numpy", "cupy"])
    parser.add_argument("--width", type=int, default=4096)
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    backends = ["numpy"] if args.backend == "numpy" else ["numpy", "cupy"]
    step_rate = {}
    for backend in backends:
        bare, step = measure(backend, args.width, args.batch, args.repeats)
        step_rate[backend] = step
        print(f"{backend}: {args.width}-{args.width}-{args.width}, batch {args.batch}, float32, median of {args.repeats}: "
              f"bare products {bare:.1f} GFLOP/s, bpcourse step {step:.1f} GFLOP/s = {step / bare:.0%} (target >= 70%)")
    if "cupy" in step_rate:
        print(f"cupy / numpy step: {step_rate['cupy'] / step_rate['numpy']:.1f}x (target >= 20x)")


if __name__ == "__main__":
    main()
