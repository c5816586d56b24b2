#!/usr/bin/python3
"""Training throughput of Distillscope's reference teachers in PyTorch, for bench/run.

Trains, on random normalised 28x28 images with random labels, the MLP teacher 784-1200-1200-10
(`fc1200-fc1200`) and the CNN teacher `conv32-pool-conv64-pool-fc128` with softmax
cross-entropy, batch 128 and Adam: a few warm-up steps, then N timed steps (forward, loss,
backward, optimizer step), repeated and the best repeat kept (as timeit does: a busy machine only
ever slows a run down). Prints samples per second per model as JSON, e.g.

    {"mlp": 4100.0, "cnn": 610.0}

OMP_WAIT_POLICY=PASSIVE is set before torch is imported (unless already set): spinning OpenMP
threads otherwise steal the cores that the measured work needs.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

MODELS = {
    "mlp": lambda: torch.nn.Sequential(
        torch.nn.Flatten(),
        torch.nn.Linear(784, 1200), torch.nn.ReLU(),
        torch.nn.Linear(1200, 1200), torch.nn.ReLU(),
        torch.nn.Linear(1200, 10)),
    "cnn": lambda: torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(64 * 7 * 7, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10)),
}
N_BATCHES = 8  # distinct random batches cycled through, so no step reuses a cached input


def measure(name, batch, warmup, steps, repeats, lr):
    """Best samples per second over `repeats` runs of `steps` full training steps, after
    `warmup` untimed ones; also the seconds of that best run."""
    model = MODELS[name]()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    xs = torch.randn(N_BATCHES, batch, 1, 28, 28)
    ys = torch.randint(0, 10, (N_BATCHES, batch))

    def step(i):
        opt.zero_grad(set_to_none=False)
        F.cross_entropy(model(xs[i % N_BATCHES]), ys[i % N_BATCHES]).backward()
        opt.step()

    for i in range(warmup):
        step(i)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(steps):
            step(i)
        best = min(best, time.perf_counter() - start)
    return steps * batch / best, best


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--models", default="mlp,cnn", help="comma-separated subset of mlp,cnn")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--warmup", type=int, default=5, help="untimed steps first")
    p.add_argument("--steps", type=int, default=30, help="timed steps per repeat")
    p.add_argument("--repeats", type=int, default=3, help="timed repeats; the best is kept")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate")
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--verbose", action="store_true", help="timings on stderr")
    return p.parse_args()


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    result = {}
    for name in args.models.split(","):
        if name not in MODELS:
            sys.exit(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
        rate, elapsed = measure(name, args.batch, args.warmup, args.steps, args.repeats,
                                 args.lr)
        result[name] = round(rate, 1)
        if args.verbose:
            print(f"{name}: best of {args.repeats} x {args.steps} steps of {args.batch} "
                  f"in {elapsed:.2f} s "
                  f"({rate:.0f} samples/s, {args.threads} threads, torch {torch.__version__})",
                  file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
