#!/usr/bin/env python3
"""One epoch of the paper's RBM training in numpy float32, timed.

The reference for plugins/rbm's BenchmarkEpoch: mean-field CD-1 of
Iso, Shiba, Yokoo (2018), eqs. (25)-(28), full batch, on N random ±1
configurations of N_v spins with N_h hidden units:

    h1 = tanh(v0 W + b_h);  v1 = tanh(h1 Wᵀ + b_v);  h2 = tanh(v1 W + b_h)
    W   += ε/N (v0ᵀ h1 − v1ᵀ h2)
    b_v += ε/N Σ_A (v0 − v1)
    b_h += ε/N Σ_A (h1 − h2)

Everything is float32 and preallocated (out= arguments), which is the
fastest plain numpy can do; the matrix products go to numpy's BLAS
(OpenBLAS on Debian). Prints one JSON object:
{"ns_per_epoch": ..., "min_ns_per_epoch": ..., "repeat": ..., "numpy": ...}.

With --serve, after --warmup epochs it prints "ready" and then, for each
line "K" read on stdin, runs K epochs and prints their nanoseconds, one
line each, so that a benchmark can interleave its own epochs with
numpy's (BenchmarkEpoch does).

With --check IN OUT, instead runs --repeat epochs from the weights in the
.npz file IN (arrays v0, W, b_v, b_h, lr) and writes W, b_v, b_h to OUT,
so that a test can compare the two implementations.
"""
import argparse
import json
import sys
import time

import numpy as np


class Epoch:
    def __init__(self, v0, W, b_v, b_h, lr):
        f = np.float32
        self.v0 = np.ascontiguousarray(v0, dtype=f)
        self.W = np.array(W, dtype=f)
        self.b_v = np.array(b_v, dtype=f)
        self.b_h = np.array(b_h, dtype=f)
        n, nv = self.v0.shape
        nh = self.W.shape[1]
        self.scale = f(lr / n)
        self.h1 = np.empty((n, nh), f)
        self.v1 = np.empty((n, nv), f)
        self.h2 = np.empty((n, nh), f)
        self.dW = np.empty((nv, nh), f)
        self.neg = np.empty((nv, nh), f)
        self.dv = np.empty(nv, f)
        self.dh = np.empty(nh, f)
        self.tv = np.empty(nv, f)
        self.th = np.empty(nh, f)

    def run(self):
        v0, W, h1, v1, h2 = self.v0, self.W, self.h1, self.v1, self.h2
        np.matmul(v0, W, out=h1)
        np.add(h1, self.b_h, out=h1)
        np.tanh(h1, out=h1)
        np.matmul(h1, W.T, out=v1)
        np.add(v1, self.b_v, out=v1)
        np.tanh(v1, out=v1)
        np.matmul(v1, W, out=h2)
        np.add(h2, self.b_h, out=h2)
        np.tanh(h2, out=h2)
        np.matmul(v0.T, h1, out=self.dW)
        np.matmul(v1.T, h2, out=self.neg)
        np.subtract(self.dW, self.neg, out=self.dW)
        np.multiply(self.dW, self.scale, out=self.dW)
        np.add(W, self.dW, out=W)
        np.sum(v0, axis=0, out=self.dv)
        np.sum(v1, axis=0, out=self.tv)
        np.subtract(self.dv, self.tv, out=self.dv)
        np.multiply(self.dv, self.scale, out=self.dv)
        np.add(self.b_v, self.dv, out=self.b_v)
        np.sum(h1, axis=0, out=self.dh)
        np.sum(h2, axis=0, out=self.th)
        np.subtract(self.dh, self.th, out=self.dh)
        np.multiply(self.dh, self.scale, out=self.dh)
        np.add(self.b_h, self.dh, out=self.b_h)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=25000)
    p.add_argument("--nv", type=int, default=100)
    p.add_argument("--nh", type=int, default=64)
    p.add_argument("--repeat", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--check", nargs=2, metavar=("IN", "OUT"))
    p.add_argument("--serve", action="store_true")
    a = p.parse_args()

    if a.check:
        z = np.load(a.check[0])
        e = Epoch(z["v0"], z["W"], z["b_v"], z["b_h"], float(z["lr"].reshape(-1)[0]))
        for _ in range(a.repeat):
            e.run()
        np.savez(a.check[1], W=e.W, b_v=e.b_v, b_h=e.b_h)
        return

    rng = np.random.default_rng(1)
    v0 = np.where(rng.random((a.n, a.nv)) < 0.5, -1, 1).astype(np.float32)
    W = (0.01 * rng.standard_normal((a.nv, a.nh))).astype(np.float32)
    e = Epoch(v0, W, np.zeros(a.nv), np.zeros(a.nh), 0.1)
    for _ in range(a.warmup):
        e.run()
    if a.serve:
        print("ready", flush=True)
        for line in sys.stdin:
            out = []
            for _ in range(int(line)):
                t0 = time.perf_counter_ns()
                e.run()
                out.append(str(time.perf_counter_ns() - t0))
            print(" ".join(out), flush=True)
        return
    times = []
    for _ in range(a.repeat):
        t0 = time.perf_counter_ns()
        e.run()
        times.append(time.perf_counter_ns() - t0)
    print(json.dumps({
        "ns_per_epoch": sum(times) / len(times),
        "min_ns_per_epoch": min(times),
        "repeat": a.repeat,
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
