#!/usr/bin/python3
"""Distillscope's offline distillation experiment, in PyTorch, as a reference.

Trains a teacher on Fashion-MNIST with hard labels, then two students of the same
architecture from the same initial weights over the same batch order: one distilled from the
frozen teacher with alpha * T^2 * KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) * CE, and a
baseline on hard labels only. Reports test accuracy, top-1 agreement with the teacher and the
mean KL(teacher_T || model_T) on the test set, so the figures can be set beside
`distillscope-cli train`.

Matches Distillscope: fcN = Linear(N) + ReLU (convN = 3x3 "same" conv + ReLU, pool =
MaxPool2d(2)), a final Linear to 10 classes, pixels x = (p / 255 - mean) / std with mean and std
over the full training set, Adam (lr 1e-3), batch 128, a fresh shuffle every epoch. PyTorch's
default initialisation is used (Distillscope's own init may differ).

Run with OMP_WAIT_POLICY=PASSIVE (set below when not already set): with OpenMP's default
spinning, idle threads compete with the working ones on a 2-core machine.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/pytorch_kd.py            # full run, minutes
    /usr/bin/python3 bench/pytorch_kd.py --train-limit 3000 --epochs 40 --json
    # teacher on all 60,000 images, students on a transfer set of the first 3,000:
    /usr/bin/python3 bench/pytorch_kd.py --transfer-limit 3000 --student fc300 --epochs 40 -T 1
"""

import argparse
import copy
import gzip
import json
import os
import struct
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

DEFAULT_DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    """An IDX file (plain or .gz) as a numpy array of its declared shape (uint8 data only)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    array = np.frombuffer(data, np.uint8, offset=4 + 4 * ndim)
    if array.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {array.size} values for shape {dims}")
    return array.reshape(dims)


def load_fashion_mnist(data_dir, train_limit):
    """Normalised (N, 1, 28, 28) float32 tensors and int64 labels for train and test."""
    def pair(prefix):
        images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
        labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
        return images, labels

    train_x, train_y = pair("train")
    test_x, test_y = pair("t10k")
    # Statistics over the whole training set, before any limit, as Distillscope does.
    scaled = train_x.astype(np.float64) / 255.0
    mean, std = scaled.mean(), scaled.std()
    if train_limit > 0:
        train_x, train_y = train_x[:train_limit], train_y[:train_limit]

    def tensors(x, y):
        x = ((x.astype(np.float32) / 255.0 - mean) / std).astype(np.float32)
        return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y.astype(np.int64))

    return tensors(train_x, train_y), tensors(test_x, test_y)


def build_model(arch, in_shape=(1, 28, 28), n_classes=10):
    """The torch.nn.Sequential Distillscope builds for an architecture string."""
    c, h, w = in_shape
    layers, spatial = [], True
    for token in filter(None, arch.split("-")):
        if token == "linear":
            continue
        if token.startswith("conv"):
            layers += [torch.nn.Conv2d(c, int(token[4:]), 3, padding=1), torch.nn.ReLU()]
            c = int(token[4:])
        elif token.startswith("pool"):
            k = int(token[4:] or 2)
            layers.append(torch.nn.MaxPool2d(k))
            h, w = h // k, w // k
        elif token.startswith("drop"):
            layers.append(torch.nn.Dropout(float(token[4:] or 0.5)))
        elif token.startswith("fc"):
            if spatial:
                layers.append(torch.nn.Flatten())
                c, h, w, spatial = c * h * w, 1, 1, False
            layers += [torch.nn.Linear(c, int(token[2:])), torch.nn.ReLU()]
            c = int(token[2:])
        else:
            raise ValueError(f"unsupported architecture token {token!r}")
    if spatial:
        layers.append(torch.nn.Flatten())
        c = c * h * w
    layers.append(torch.nn.Linear(c, n_classes))
    return torch.nn.Sequential(*layers)


def kd_loss(s, t, y, T, alpha):
    """alpha * T^2 * KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) * CE(y, s), batch means."""
    kl = F.kl_div(F.log_softmax(s / T, dim=1), F.softmax(t / T, dim=1), reduction="batchmean")
    return alpha * T * T * kl + (1.0 - alpha) * F.cross_entropy(s, y)


def batches(n, batch, generator):
    """Index tensors of one shuffled epoch (the last batch may be short)."""
    order = torch.randperm(n, generator=generator)
    return order.split(batch)


def train_teacher(model, train, args, generator):
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    model.train()
    for _ in range(args.teacher_epochs):
        for idx in batches(len(train[1]), args.batch, generator):
            opt.zero_grad()
            F.cross_entropy(model(train[0][idx]), train[1][idx]).backward()
            opt.step()


def train_students(teacher, student, baseline, train, args, generator):
    """Both students see the same batches in the same order; only the loss differs."""
    opt_s = torch.optim.Adam(student.parameters(), lr=args.lr)
    opt_b = torch.optim.Adam(baseline.parameters(), lr=args.lr)
    teacher.eval()
    student.train()
    baseline.train()
    for _ in range(args.epochs):
        for idx in batches(len(train[1]), args.batch, generator):
            x, y = train[0][idx], train[1][idx]
            with torch.no_grad():
                t = teacher(x)
            opt_s.zero_grad()
            kd_loss(student(x), t, y, args.temperature, args.alpha).backward()
            opt_s.step()
            opt_b.zero_grad()
            F.cross_entropy(baseline(x), y).backward()
            opt_b.step()


@torch.no_grad()
def logits_of(model, x, batch=1000):
    model.eval()
    return torch.cat([model(chunk) for chunk in x.split(batch)])


def evaluate(models, test, T):
    """Accuracy, agreement with the teacher and mean KL(teacher_T || model_T) per model."""
    logits = {name: logits_of(m, test[0]) for name, m in models.items()}
    t = logits["teacher"]
    t_pred, t_prob = t.argmax(1), F.softmax(t / T, dim=1)
    out = {}
    for name, s in logits.items():
        kl = F.kl_div(F.log_softmax(s / T, dim=1), t_prob, reduction="batchmean")
        out[name] = {
            "accuracy": float((s.argmax(1) == test[1]).float().mean()),
            "agreement": float((s.argmax(1) == t_pred).float().mean()),
            "kl": float(kl),
        }
    return out


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", default=DEFAULT_DATA, help="folder of the IDX .gz files")
    p.add_argument("--teacher", default="fc1200-fc1200", help="teacher architecture")
    p.add_argument("--student", default="fc32", help="student architecture")
    p.add_argument("--epochs", type=int, default=5, help="student epochs")
    p.add_argument("--teacher-epochs", type=int, default=5, help="teacher epochs")
    p.add_argument("--temperature", "-T", type=float, default=4.0, help="distillation temperature T")
    p.add_argument("--alpha", type=float, default=0.9, help="weight of the soft (KL) term")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    p.add_argument("--train-limit", type=int, default=0,
                   help="use only the first N training images (0: all 60,000)")
    p.add_argument("--transfer-limit", type=int, default=0,
                   help="the students learn from only the first N training images, the teacher "
                        "from all (0: the same set)")
    p.add_argument("--json", action="store_true",
                   help="print the results as JSON on stdout (the table goes to stderr)")
    return p.parse_args()


def print_table(args, results, timing, n_params, out):
    print(f"Fashion-MNIST, {args.n_train} train / {args.n_test} test images; "
          f"T={args.temperature:g} alpha={args.alpha:g} seed={args.seed} "
          f"threads={args.threads}", file=out)
    print(f"{'model':<10} {'arch':<18} {'params':>8} {'accuracy':>9} {'agreement':>10} "
          f"{'KL(t||m)':>9}", file=out)
    archs = {"teacher": args.teacher, "student": args.student, "baseline": args.student}
    for name in ("teacher", "student", "baseline"):
        r = results[name]
        print(f"{name:<10} {archs[name]:<18} {n_params[name]:>8} {100 * r['accuracy']:>8.2f}% "
              f"{100 * r['agreement']:>9.2f}% {r['kl']:>9.4f}", file=out)
    delta = 100 * (results["student"]["accuracy"] - results["baseline"]["accuracy"])
    print(f"distilled - baseline: {delta:+.2f} points; teacher {timing['teacher']:.1f} s, "
          f"students {timing['students']:.1f} s, total {timing['total']:.1f} s", file=out)


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    start = time.perf_counter()
    train, test = load_fashion_mnist(args.data_dir, args.train_limit)
    args.n_train, args.n_test = len(train[1]), len(test[1])
    transfer = train
    if 0 < args.transfer_limit < args.n_train:
        transfer = (train[0][:args.transfer_limit], train[1][:args.transfer_limit])
    generator = torch.Generator().manual_seed(args.seed)

    teacher = build_model(args.teacher)
    student = build_model(args.student)
    baseline = copy.deepcopy(student)  # the same initial weights

    t0 = time.perf_counter()
    train_teacher(teacher, train, args, generator)
    t1 = time.perf_counter()
    train_students(teacher, student, baseline, transfer, args, generator)
    t2 = time.perf_counter()
    models = {"teacher": teacher, "student": student, "baseline": baseline}
    results = evaluate(models, test, args.temperature)
    timing = {"teacher": t1 - t0, "students": t2 - t1, "total": time.perf_counter() - start}
    n_params = {n: sum(p.numel() for p in m.parameters()) for n, m in models.items()}

    print_table(args, results, timing, n_params, sys.stderr if args.json else sys.stdout)
    if args.json:
        config = {k: getattr(args, k) for k in ("teacher", "student", "epochs", "teacher_epochs",
                                                "temperature", "alpha", "batch", "lr", "seed",
                                                "threads", "n_train", "n_test",
                                                "transfer_limit")}
        json.dump({"config": config, "results": results, "seconds": timing}, sys.stdout,
                  indent=2)
        print()


if __name__ == "__main__":
    main()
