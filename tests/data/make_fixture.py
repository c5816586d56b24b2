#!/usr/bin/python3
"""Reference fixtures for tests/test-core-fixture.c, computed with PyTorch.

Run with the Python that has PyTorch (here /usr/bin/python3) from any directory:

    /usr/bin/python3 tests/data/make_fixture.py

It writes, next to this script:

    fixture-mlp.bin   input 1x1x12, arch "fc16-fc8",                   5 classes, batch 4
    fixture-cnn.bin   input 1x8x8,  arch "conv4-pool-conv6-pool-fc10", 3 classes, batch 3

Models follow Distillscope's architecture strings: fcN = Linear(N) + ReLU, convN =
Conv2d(N, 3x3, stride 1, padding 1) + ReLU, pool = MaxPool2d(2), a flatten before the first fc
after a conv/pool, and a final Linear to the classes. Parameters are PyTorch's default init,
everything is float32 on the CPU, and the seed is fixed, so the output is reproducible.

File format (all integers and floats little-endian):

    distillscope-fixture 1\\n          magic and version
    <key> <value...>\\n                 zero or more metadata lines:
                                           arch <string>, input <c> <h> <w>, classes <K>,
                                           batch <B>, temperature <T>, alpha <a>, seed <n>
    array <name> <f32|u8> <ndim> <dims...>\\n   one line per array, in data order
    end\\n
    <raw data of every array, concatenated in the order of the array lines, no padding>

Arrays (B = batch, K = classes, P_k = parameterised layer k in network order):

    input (B, c, h, w)   labels (B) u8   teacher (B, K)   logits (B, K)
    p<k>.w, p<k>.b       parameters of the k-th layer that has any (dense (O, I) or conv
                         (Co, Ci, 3, 3), PyTorch layout); k counts only dense/conv layers
    ce.loss (1)          mean cross-entropy of the logits
    ce.dlogits (B, K)    its gradient w.r.t. the logits
    ce.grad.p<k>.w/.b    its parameter gradients
    ce.grad.input        its gradient w.r.t. the input (B, c, h, w)
    kd.loss (1)          alpha*T^2*KL(softmax(t/T) || softmax(s/T)) + (1-alpha)*CE, batch mean
    kd.kl (1)            the batch-mean KL alone (no T^2)
    kd.dlogits, kd.grad.p<k>.w/.b, kd.grad.input   the same gradients for the KD loss

Saliency (tests/test-analysis-saliency.c; metadata line "ig_steps <n>"):

    saliency.target (B) u8   the explained class of each sample: b mod K
    saliency.grad (B, c, h, w)   d logits[b, target[b]] / d input[b] (vanilla gradient)
    ig.attr (B, c, h, w)     Integrated Gradients of that logit from an all-zero baseline:
                             input * mean_k grad(a_k * input), a_k = (k + 1/2) / n, k < n,
                             n = ig_steps (the midpoint Riemann rule Distillscope uses)
"""

import argparse
import copy
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

MAGIC = "distillscope-fixture 1"

FIXTURES = {
    "mlp": {"arch": "fc16-fc8", "input": (1, 1, 12), "classes": 5, "batch": 4, "seed": 1001},
    "cnn": {"arch": "conv4-pool-conv6-pool-fc10", "input": (1, 8, 8), "classes": 3,
            "batch": 3, "seed": 1002},
}
TEMPERATURE = 3.0
ALPHA = 0.7
# 15 steps because every one of its path points keeps PATH_MARGIN (see saliency_arrays).
IG_STEPS = 15
PATH_MARGIN = 3e-5


def build_model(arch, in_shape, n_classes):
    """The torch.nn.Sequential that Distillscope builds for `arch`."""
    c, h, w = in_shape
    layers = []
    spatial = True
    for token in arch.split("-"):
        if token.startswith("conv"):
            out = int(token[4:])
            layers += [torch.nn.Conv2d(c, out, 3, stride=1, padding=1), torch.nn.ReLU()]
            c = out
        elif token == "pool":
            layers.append(torch.nn.MaxPool2d(2))
            h, w = h // 2, w // 2
        elif token.startswith("fc"):
            if spatial:
                layers.append(torch.nn.Flatten())
                c, h, w, spatial = c * h * w, 1, 1, False
            out = int(token[2:])
            layers += [torch.nn.Linear(c, out), torch.nn.ReLU()]
            c = out
        else:
            raise ValueError(f"unsupported token {token!r}")
    if spatial:
        layers.append(torch.nn.Flatten())
        c = c * h * w
    layers.append(torch.nn.Linear(c, n_classes))
    return torch.nn.Sequential(*layers)


def param_layers(model):
    """The dense/conv modules in network order (the p<k> of the file format)."""
    return [m for m in model if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d))]


def kd_loss(s, t, y, T, alpha):
    """Distillation loss and its KL part, both batch means."""
    kl = F.kl_div(F.log_softmax(s / T, dim=1), F.softmax(t / T, dim=1), reduction="batchmean")
    return alpha * T * T * kl + (1.0 - alpha) * F.cross_entropy(s, y), kl


def gradients(model, x, loss_fn):
    """Loss value, d loss / d logits, parameter gradients and the input gradient."""
    model.zero_grad()
    x = x.clone().requires_grad_(True)
    logits = model(x)
    logits.retain_grad()
    loss = loss_fn(logits)
    if isinstance(loss, tuple):
        loss = loss[0]
    loss.backward()
    grads = {}
    for k, m in enumerate(param_layers(model)):
        grads[f"p{k}.w"] = m.weight.grad.detach().clone()
        grads[f"p{k}.b"] = m.bias.grad.detach().clone()
    return loss.detach(), logits.grad.detach(), grads, x.grad.detach()


def make_arrays(spec):
    """Every array of one fixture, as an ordered list of (name, numpy array)."""
    torch.manual_seed(spec["seed"])
    B, K = spec["batch"], spec["classes"]
    model = build_model(spec["arch"], spec["input"], K)
    x = torch.randn(B, *spec["input"])
    y = torch.randint(0, K, (B,))
    teacher = 2.0 * torch.randn(B, K)

    arrays = [("input", x), ("labels", y.to(torch.uint8)), ("teacher", teacher)]
    arrays.append(("logits", model(x).detach()))
    for k, m in enumerate(param_layers(model)):
        arrays += [(f"p{k}.w", m.weight.detach()), (f"p{k}.b", m.bias.detach())]

    for prefix, fn in (("ce", lambda s: F.cross_entropy(s, y)),
                       ("kd", lambda s: kd_loss(s, teacher, y, TEMPERATURE, ALPHA))):
        loss, dlogits, grads, dx = gradients(model, x, fn)
        arrays.append((f"{prefix}.loss", loss.reshape(1)))
        if prefix == "kd":
            _, kl = kd_loss(model(x).detach(), teacher, y, TEMPERATURE, ALPHA)
            arrays.append(("kd.kl", kl.reshape(1)))
        arrays.append((f"{prefix}.dlogits", dlogits))
        arrays += [(f"{prefix}.grad.{n}", g) for n, g in grads.items()]
        arrays.append((f"{prefix}.grad.input", dx))

    check_margins(model, x)
    check_against_float64(model, x, y, teacher, dict(arrays))
    arrays += saliency_arrays(model, x, K)
    return [(n, a.numpy()) for n, a in arrays]


def ig_alphas(steps, dtype):
    """The midpoint rule's interpolation points (k + 1/2) / n."""
    return (torch.arange(steps, dtype=dtype) + 0.5) / steps


def target_gradient(model, x, target):
    """d logits[b, target[b]] / d x[b] for every row b of x (rows are independent)."""
    x = x.clone().requires_grad_(True)
    model(x).gather(1, target[:, None]).sum().backward()
    return x.grad.detach()


def integrated_gradients(model, x, target, steps):
    """IG from a zero baseline, all steps of one sample in one batch."""
    attr = []
    for b in range(x.shape[0]):
        path = ig_alphas(steps, x.dtype).reshape(-1, 1, 1, 1) * x[b:b + 1]
        g = target_gradient(model, path, target[b].repeat(steps))
        attr.append(x[b] * g.mean(0))
    return torch.stack(attr)


def saliency_arrays(model, x, K):
    """Targets, vanilla gradients and IG (see the format above), checked like the rest. The
    IG path has B * IG_STEPS points and the CNN over 300 ReLUs per point, so no step count
    keeps the 1e-3 margin of the input everywhere; float32 pre-activations of these sizes
    differ between implementations by about 1e-6, and the float64 comparison below would
    catch a kink that rounding flips."""
    target = torch.arange(x.shape[0]) % K
    grad = target_gradient(model, x, target)
    ig = integrated_gradients(model, x, target, IG_STEPS)
    for a in ig_alphas(IG_STEPS, x.dtype):
        check_margins(model, a * x, PATH_MARGIN, "choose another IG_STEPS")
    m64 = copy.deepcopy(model).double()
    worst = max(float((target_gradient(m64, x.double(), target) - grad.double()).abs().max()),
                float((integrated_gradients(m64, x.double(), target, IG_STEPS)
                       - ig.double()).abs().max()))
    if worst > 1e-5:
        sys.exit(f"float32 and float64 saliency differ by {worst:g}")
    return [("saliency.target", target.to(torch.uint8)), ("saliency.grad", grad),
            ("ig.attr", ig)]


def check_margins(model, x, margin=1e-3, hint="choose another seed"):
    """Guards against kinks: a ReLU input or a max-pool runner-up within `margin` of the
    decision could flip under float32 rounding differences and change the gradients."""
    h = x
    for layer in model:
        if isinstance(layer, torch.nn.ReLU) and float(h.abs().min()) < margin:
            sys.exit(f"a ReLU input is too close to 0; {hint}")
        if isinstance(layer, torch.nn.MaxPool2d):
            B, C, H, W = h.shape
            win = h.reshape(B, C, H // 2, 2, W // 2, 2).permute(0, 1, 2, 4, 3, 5)
            top = win.reshape(B, C, H // 2, W // 2, 4).topk(2, dim=-1).values
            gap = (top[..., 0] - top[..., 1])[top[..., 0] > 0]
            if gap.numel() and float(gap.min()) < margin:
                sys.exit(f"a max-pool window has a near tie; {hint}")
        h = layer(h)


def check_against_float64(model, x, y, teacher, arrays):
    """Guards the float32 reference: the same computation in float64 must agree closely."""
    m64 = copy.deepcopy(model).double()
    _, _, grads, dx = gradients(m64, x.double(),
                                lambda s: kd_loss(s, teacher.double(), y, TEMPERATURE, ALPHA))
    worst = float((dx - arrays["kd.grad.input"].double()).abs().max())
    for n, g in grads.items():
        worst = max(worst, float((g - arrays[f"kd.grad.{n}"].double()).abs().max()))
    if worst > 1e-5:
        sys.exit(f"float32 and float64 gradients differ by {worst:g}")


def write_fixture(path, spec, arrays):
    """Writes the header lines and the raw little-endian data (see the format above)."""
    c, h, w = spec["input"]
    lines = [MAGIC,
             f"arch {spec['arch']}",
             f"input {c} {h} {w}",
             f"classes {spec['classes']}",
             f"batch {spec['batch']}",
             f"temperature {TEMPERATURE:g}",
             f"alpha {ALPHA:g}",
             f"seed {spec['seed']}",
             f"ig_steps {IG_STEPS}"]
    blobs = []
    for name, a in arrays:
        if a.dtype == np.uint8:
            kind = "u8"
        else:
            kind, a = "f32", a.astype("<f4")
        lines.append(f"array {name} {kind} {a.ndim} " + " ".join(str(d) for d in a.shape))
        blobs.append(np.ascontiguousarray(a).tobytes())
    lines.append("end")
    with open(path, "wb") as f:
        f.write(("\n".join(lines) + "\n").encode("ascii"))
        for b in blobs:
            f.write(b)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)),
                        help="where to write fixture-*.bin (default: next to this script)")
    args = parser.parse_args()

    torch.set_num_threads(1)
    for name, spec in FIXTURES.items():
        path = os.path.join(args.out_dir, f"fixture-{name}.bin")
        write_fixture(path, spec, make_arrays(spec))
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
