#!/usr/bin/python3
"""One full-batch training epoch of the thermometer, eqs. (31)-(40) of
Iso, Shiba and Yokoo (2018), in float32 numpy: the reference the Go
benchmark BenchmarkEpoch compares itself with.

Usage: numpy_epoch.py N SITES HIDDEN CLASSES SECONDS [--serve]

Prints "ns_per_epoch <value>" on the last line: the median wall time of
the epochs run in about SECONDS seconds after one warm-up epoch (the median
rather than the mean, so that a moment of load from elsewhere on the
machine does not slow the reference down).

With --serve, after the warm-up epoch it prints "ready" and then, for each
line "K" read on stdin, runs K epochs and prints their nanoseconds, one
line each, so that a benchmark can interleave its own epochs with numpy's
(BenchmarkEpoch does, through plugins/internal/numpyref).
"""
import sys
import time

import numpy as np


def main():
    n, sites, hidden, classes = (int(a) for a in sys.argv[1:5])
    budget = float(sys.argv[5])
    rng = np.random.default_rng(1)
    X = rng.choice(np.array([-1, 1], dtype=np.int8), size=(n, sites)).astype(np.float32)
    y = rng.integers(0, classes, size=n)
    D = np.zeros((n, classes), dtype=np.float32)
    D[np.arange(n), y] = 1
    W1 = (rng.standard_normal((sites, hidden)) * np.sqrt(2 / (sites + hidden))).astype(np.float32)
    b1 = np.zeros(hidden, dtype=np.float32)
    W2 = (rng.standard_normal((hidden, classes)) * np.sqrt(2 / (hidden + classes))).astype(np.float32)
    b2 = np.zeros(classes, dtype=np.float32)
    lr = np.float32(0.1)
    rows = np.arange(n)

    def epoch():
        nonlocal W1, b1, W2, b2
        # Forward, eqs. (32)-(34).
        Z2 = X @ W1
        Z2 += b1
        np.tanh(Z2, out=Z2)
        U2 = Z2 @ W2
        U2 += b2
        U2 -= U2.max(axis=1, keepdims=True)
        np.exp(U2, out=U2)
        U2 /= U2.sum(axis=1, keepdims=True)
        Z3 = U2
        # Loss (36) and accuracy.
        loss = -np.log(Z3[rows, y]).mean(dtype=np.float64)
        acc = (Z3.argmax(axis=1) == y).mean()
        # Back-propagation, eqs. (38)-(40).
        D3 = Z3
        D3 -= D
        gW2 = Z2.T @ D3
        gb2 = D3.sum(axis=0)
        D2 = D3 @ W2.T
        Z2 *= Z2
        np.subtract(1, Z2, out=Z2)
        D2 *= Z2
        gW1 = X.T @ D2
        gb1 = D2.sum(axis=0)
        s = lr / np.float32(n)
        W2 -= s * gW2
        b2 -= s * gb2
        W1 -= s * gW1
        b1 -= s * gb1
        return loss, acc

    epoch()
    if "--serve" in sys.argv[6:]:
        print("ready", flush=True)
        for line in sys.stdin:
            out = []
            for _ in range(int(line)):
                t0 = time.perf_counter_ns()
                epoch()
                out.append(str(time.perf_counter_ns() - t0))
            print(" ".join(out), flush=True)
        return
    times = []
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        epoch()
        t1 = time.perf_counter()
        times.append(t1 - t0)
        if t1 - start >= budget and len(times) >= 3:
            break
    times.sort()
    median = times[len(times) // 2]
    assert W1.dtype == np.float32 and W2.dtype == np.float32
    print("ns_per_epoch", median * 1e9)


if __name__ == "__main__":
    main()
