"""Digits classifier 64-128-64-10 (ReLU, softmax + cross-entropy, batch 64, lr 0.1, momentum 0.9,
20 epochs, float64): bpcourse vs a minimal hand-written NumPy loop of the same maths vs
scikit-learn's MLPClassifier vs PyTorch on the CPU (where installed).

Both bpcourse and the NumPy loop record the per-epoch training loss and accuracy (the history).
Prints the fastest of 7 runs of each, the ratios and the held-out accuracy; then the peak memory of
a bpcourse run in a fresh process. Implementations are interleaved run by run, in a rotating order,
so machine noise hits them alike; the fastest run is the one least disturbed by other work on the
machine. Every implementation runs on one BLAS (and PyTorch) thread unless --threads says otherwise:
the ratios compare what each adds to the same arithmetic, and on this 2-core machine two BLAS threads
make whole processes fast or slow at random (the same code took 0.13 s in one process, 0.19 s in the
next). --threads 0 leaves each library its own default. Usage:
python benchmarks/bench_digits.py [--repeats 7] [--threads 1]
"""
import argparse
import subprocess
import sys
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from bpcourse.datasets import digits, train_test_split
from bpcourse.nn import Network

SIZES, LR, MOMENTUM, BATCH, EPOCHS, SEED = [64, 128, 64, 10], 0.1, 0.9, 64, 20, 0


def data():
    X, T = digits()
    return train_test_split(X, T, test_fraction=0.2, seed=SEED)


def held_out_accuracy(outputs, T):
    return float((np.asarray(outputs).argmax(axis=1) == T.argmax(axis=1)).mean())


def run_bpcourse(Xtr, Ttr, Xte, Tte):
    net = Network(SIZES, ["relu", "relu", "softmax"], "cross_entropy", seed=SEED)
    net.train(Xtr, Ttr, lr=LR, momentum=MOMENTUM, epochs=EPOCHS, batch_size=BATCH, progress=False)  # records net.history
    return held_out_accuracy(net.predict(Xte), Tte)


def run_numpy_loop(Xtr, Ttr, Xte, Tte):
    """The same maths written out by hand, with the same history (epoch loss and accuracy, summed
    over the batches before each update): no checks, no abstraction."""
    rng = np.random.default_rng(SEED)
    Ws = [rng.normal(0, np.sqrt(2 / m), size=(m, n)) for m, n in zip(SIZES, SIZES[1:])]
    bs = [np.zeros(n) for n in SIZES[1:]]
    vW, vb = [np.zeros_like(W) for W in Ws], [np.zeros_like(b) for b in bs]
    n, history = len(Xtr), []
    for _ in range(EPOCHS):
        order = rng.permutation(n)
        total, correct = 0.0, 0
        for start in range(0, n, BATCH):
            idx = order[start:start + BATCH]
            outs, nets = [Xtr[idx]], []
            for l, (W, b) in enumerate(zip(Ws, bs)):
                z = outs[-1] @ W + b
                nets.append(z)
                if l < len(Ws) - 1:
                    outs.append(np.maximum(z, 0))
                else:
                    shifted = z - z.max(axis=1, keepdims=True)
                    e = np.exp(shifted)
                    s = e.sum(axis=1, keepdims=True)
                    total = total - (Ttr[idx] * (shifted - np.log(s))).sum()
                    outs.append(e / s)
            correct = correct + (outs[-1].argmax(axis=1) == Ttr[idx].argmax(axis=1)).sum()
            delta = (outs[-1] - Ttr[idx]) / len(idx)
            for l in reversed(range(len(Ws))):
                gW, gb = outs[l].T @ delta, delta.sum(axis=0)
                if l:
                    delta = (delta @ Ws[l].T) * (nets[l - 1] > 0)
                for p, v, g in ((Ws[l], vW[l], gW), (bs[l], vb[l], gb)):
                    v *= MOMENTUM
                    v -= LR * g
                    p += v
        history.append((float(total) / n, int(correct) / n))
    out = Xte
    for l, (W, b) in enumerate(zip(Ws, bs)):
        out = out @ W + b
        out = np.maximum(out, 0) if l < len(Ws) - 1 else out
    return held_out_accuracy(out, Tte)


def run_sklearn(Xtr, Ttr, Xte, Tte):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=SIZES[1:-1], activation="relu", solver="sgd", alpha=0.0,
                        batch_size=BATCH, learning_rate_init=LR, momentum=MOMENTUM, nesterovs_momentum=False,
                        max_iter=EPOCHS, shuffle=True, random_state=SEED, tol=0.0, n_iter_no_change=EPOCHS + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(Xtr, Ttr.argmax(axis=1))
    return float((clf.predict(Xte) == Tte.argmax(axis=1)).mean())


def run_torch(Xtr, Ttr, Xte, Tte):
    import torch

    torch.manual_seed(SEED)
    layers = []
    for m, n in zip(SIZES, SIZES[1:]):
        layers += [torch.nn.Linear(m, n, dtype=torch.float64), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    Xt, yt = torch.from_numpy(Xtr), torch.from_numpy(Ttr.argmax(axis=1))
    g = torch.Generator().manual_seed(SEED)
    for _ in range(EPOCHS):
        order = torch.randperm(len(Xt), generator=g)
        for start in range(0, len(Xt), BATCH):
            idx = order[start:start + BATCH]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(Xt[idx]), yt[idx]).backward()
            opt.step()
    with torch.no_grad():
        return held_out_accuracy(model(torch.from_numpy(Xte)).numpy(), Tte)


def torch_installed():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def peak_memory_mb():
    """Peak resident memory (VmHWM, which starts afresh at exec) of a new process that loads the
    data and runs bpcourse once."""
    code = ("import benchmarks.bench_digits as b; b.run_bpcourse(*b.data()); "
            "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024  # kB


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS / PyTorch threads for every implementation (0: each library's own default)")
    args = parser.parse_args()
    if args.threads:
        threadpool_limits(args.threads)
    runs = {"bpcourse": run_bpcourse, "numpy loop": run_numpy_loop, "scikit-learn": run_sklearn}
    if torch_installed():
        import torch
        if args.threads:
            torch.set_num_threads(args.threads)
        runs["pytorch cpu"] = run_torch
    split = data()
    times, accuracy = {name: [] for name in runs}, {}
    names = list(runs)
    for repeat in range(args.repeats):
        # rotate the order: a library's idle worker threads slow down whatever runs right after it
        for name in names[repeat % len(names):] + names[:repeat % len(names)]:
            run = runs[name]
            start = time.perf_counter()
            accuracy[name] = run(*split)
            times[name].append(time.perf_counter() - start)
    fastest = {name: min(t) for name, t in times.items()}
    threads = args.threads or "default"
    print(f"digits {SIZES}, {EPOCHS} epochs, batch {BATCH}, float64, BLAS threads: {threads}; fastest of {args.repeats} runs")
    print(f"{'implementation':<14} {'seconds':>8} {'vs bpcourse':>12} {'held-out accuracy':>18}")
    for name in runs:
        print(f"{name:<14} {fastest[name]:8.3f} {fastest[name] / fastest['bpcourse']:11.2f}x {accuracy[name]:18.2%}")
    if not torch_installed():
        print("pytorch cpu: absent (not installed), skipped")
    print(f"bpcourse / numpy loop: {fastest['bpcourse'] / fastest['numpy loop']:.2f} (target <= 1.1)")
    if "pytorch cpu" in fastest:
        print(f"pytorch / bpcourse: {fastest['pytorch cpu'] / fastest['bpcourse']:.2f} (target >= 2)")
    print(f"bpcourse held-out accuracy: {accuracy['bpcourse']:.2%} (target >= 97%)")
    print(f"peak memory of a bpcourse digits run: {peak_memory_mb():.0f} MB (target < 300 MB)")


if __name__ == "__main__":
    main()
