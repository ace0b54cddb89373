#!/usr/bin/env python3
"""Writes PyTorch parity fixtures for gradlab's nn.functional and its layers to
test/fixtures/nn/functional.json and test/fixtures/nn/modules.json.

Run with `/usr/bin/python3 tools/oracle/gen_nn_functional.py` (PyTorch 1.13, CPU).
test/nn/parity_functional.test.ts replays every case with gradlab.

A functional case names an F function (gradlab's camelCase name) and its arguments in
gradlab's calling form (positional arguments, then one options object; `{"$t": i}` is
input i). The TORCH table below interprets the same arguments with torch.nn.functional.
Stored: inputs, the output, the gradients of sum(out * upstream) for every input with
requiresGrad, optionally second-order gradients (of sum_i(grad_i * v_i)), and, for inputs
an op updates in place (batch-norm running statistics), their values afterwards.

A module case names an nn layer, its constructor arguments, its state dict (PyTorch's
keys, in PyTorch's order; random values so nothing passes by accident), the train/eval
mode, how many forwards run first under no_grad (to move running statistics), and then
the output, the input and parameter gradients, and the state dict after the forward.

Tolerance per element: |a - e| <= tol * max(1, |e|), tol 1e-5 (float32) / 1e-10 (float64).
"""
import json
import os
import platform
import re
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_core import enc_num  # noqa: E402  (one encoder for every fixture: NaN/inf as strings)

assert torch.__version__.startswith("1.13"), torch.__version__

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "test", "fixtures", "nn")
F64, F32, I64 = torch.float64, torch.float32, torch.int64
TOL = {"float64": 1e-10, "float32": 1e-5}
SEED = 6006


def R(i):
    return {"$t": i}


# ---- encoding ---------------------------------------------------------------------------


def dtype_name(dt):
    if dt == F64:
        return "float64"
    if dt == F32:
        return "float32"
    if dt == torch.bool:
        return "bool"
    if dt in (torch.int64, torch.int32):
        return "int32"
    raise ValueError(dt)


def enc_tensor(t):
    t = t.detach()
    return {"data": [enc_num(v) for v in t.reshape(-1).tolist()], "shape": list(t.shape), "dtype": dtype_name(t.dtype)}


def enc_grad(t):
    e = enc_tensor(t)
    return {"data": e["data"], "shape": e["shape"]}


# ---- gradlab arguments -> torch ---------------------------------------------------------


def resolve(a, xs):
    if isinstance(a, list):
        return [resolve(v, xs) for v in a]
    if isinstance(a, dict):
        if "$t" in a:
            return xs[a["$t"]]
        return {k: resolve(v, xs) for k, v in a.items()}
    return a


def o(opts, key, default=None):
    return default if not opts or key not in opts else opts[key]


def red(op):
    return o(op, "reduction", "mean")


def t_pad(x, p, op=None):
    mode = o(op, "mode", "constant")
    if mode == "constant":
        return F.pad(x, p, mode=mode, value=o(op, "value", 0.0))
    return F.pad(x, p, mode=mode)


TORCH = {
    # activations
    "leakyRelu": lambda x, s=0.01: F.leaky_relu(x, s),
    "elu": lambda x, a=1.0: F.elu(x, a),
    "selu": lambda x: F.selu(x),
    "celu": lambda x, a=1.0: F.celu(x, a),
    "hardtanh": lambda x, lo=-1.0, hi=1.0: F.hardtanh(x, lo, hi),
    "relu6": lambda x: F.relu6(x),
    "hardsigmoid": lambda x: F.hardsigmoid(x),
    "hardswish": lambda x: F.hardswish(x),
    "logSigmoid": lambda x: F.logsigmoid(x),
    "softmin": lambda x, d: F.softmin(x, d),
    "softsign": lambda x: F.softsign(x),
    "mish": lambda x: F.mish(x),
    "tanhshrink": lambda x: F.tanhshrink(x),
    "softshrink": lambda x, l=0.5: F.softshrink(x, l),
    "hardshrink": lambda x, l=0.5: F.hardshrink(x, l),
    "glu": lambda x, d=-1: F.glu(x, d),
    # losses
    "mseLoss": lambda x, t, op=None: F.mse_loss(x, t, reduction=red(op)),
    "l1Loss": lambda x, t, op=None: F.l1_loss(x, t, reduction=red(op)),
    "smoothL1Loss": lambda x, t, op=None: F.smooth_l1_loss(x, t, reduction=red(op), beta=o(op, "beta", 1.0)),
    "huberLoss": lambda x, t, op=None: F.huber_loss(x, t, reduction=red(op), delta=o(op, "delta", 1.0)),
    "nllLoss": lambda x, t, op=None: F.nll_loss(x, t, weight=o(op, "weight"), ignore_index=o(op, "ignoreIndex", -100), reduction=red(op)),
    "crossEntropy": lambda x, t, op=None: F.cross_entropy(x, t, weight=o(op, "weight"), ignore_index=o(op, "ignoreIndex", -100),
                                                          reduction=red(op), label_smoothing=o(op, "labelSmoothing", 0.0)),
    "binaryCrossEntropy": lambda x, t, op=None: F.binary_cross_entropy(x, t, weight=o(op, "weight"), reduction=red(op)),
    "binaryCrossEntropyWithLogits": lambda x, t, op=None: F.binary_cross_entropy_with_logits(
        x, t, weight=o(op, "weight"), pos_weight=o(op, "posWeight"), reduction=red(op)),
    "klDiv": lambda x, t, op=None: F.kl_div(x, t, reduction=red(op), log_target=o(op, "logTarget", False)),
    "poissonNllLoss": lambda x, t, op=None: F.poisson_nll_loss(x, t, log_input=o(op, "logInput", True), full=o(op, "full", False),
                                                               eps=o(op, "eps", 1e-8), reduction=red(op)),
    "gaussianNllLoss": lambda x, t, v, op=None: F.gaussian_nll_loss(x, t, v, full=o(op, "full", False), eps=o(op, "eps", 1e-6),
                                                                    reduction=red(op)),
    "marginRankingLoss": lambda a, b, y, op=None: F.margin_ranking_loss(a, b, y, margin=o(op, "margin", 0.0), reduction=red(op)),
    "hingeEmbeddingLoss": lambda x, y, op=None: F.hinge_embedding_loss(x, y, margin=o(op, "margin", 1.0), reduction=red(op)),
    "softMarginLoss": lambda x, y, op=None: F.soft_margin_loss(x, y, reduction=red(op)),
    "cosineEmbeddingLoss": lambda a, b, y, op=None: F.cosine_embedding_loss(a, b, y, margin=o(op, "margin", 0.0), reduction=red(op)),
    # normalisation
    "layerNorm": lambda x, s, op=None: F.layer_norm(x, [s] if isinstance(s, int) else s, weight=o(op, "weight"), bias=o(op, "bias"),
                                                    eps=o(op, "eps", 1e-5)),
    "batchNorm": lambda x, rm, rv, op=None: F.batch_norm(x, rm, rv, weight=o(op, "weight"), bias=o(op, "bias"),
                                                         training=o(op, "training", False), momentum=o(op, "momentum", 0.1),
                                                         eps=o(op, "eps", 1e-5)),
    "groupNorm": lambda x, g, op=None: F.group_norm(x, g, weight=o(op, "weight"), bias=o(op, "bias"), eps=o(op, "eps", 1e-5)),
    "instanceNorm": lambda x, op=None: F.instance_norm(x, running_mean=o(op, "runningMean"), running_var=o(op, "runningVar"),
                                                       weight=o(op, "weight"), bias=o(op, "bias"),
                                                       use_input_stats=o(op, "useInputStats", True), momentum=o(op, "momentum", 0.1),
                                                       eps=o(op, "eps", 1e-5)),
    # misc
    "embedding": lambda i, w, op=None: F.embedding(i, w, padding_idx=o(op, "paddingIdx")),
    "pad": t_pad,
    "oneHot": lambda i, n=-1: F.one_hot(i, n),
    "cosineSimilarity": lambda a, b, op=None: F.cosine_similarity(a, b, dim=o(op, "dim", 1), eps=o(op, "eps", 1e-8)),
}


# ---- inputs -----------------------------------------------------------------------------


class In:
    """An input: its value, whether gradients are taken against it, whether the op updates it in place."""

    def __init__(self, t, grad=None, after=False):
        self.t = t.detach().clone()
        self.grad = t.is_floating_point() and not after if grad is None else grad
        self.after = after


FUNCTIONAL, MODULES, NAMES = [], [], set()


def fn_case(name, op, ins, args, second=False, note=None, tolerance=None):
    """`tolerance`: a looser {dtype: tol} for a case where PyTorch itself is less accurate (say why in `note`)."""
    assert name not in NAMES, name
    NAMES.add(name)
    leaves = [s.t.clone().requires_grad_(s.grad) for s in ins]
    out = TORCH[op](*resolve(args, leaves))
    entry = {"key": "out"}
    entry.update(enc_tensor(out))
    entry["requiresGrad"] = out.requires_grad
    loss = None
    if out.requires_grad:
        up = torch.randn(out.shape, dtype=out.dtype)
        entry["upstream"] = enc_tensor(up)["data"]
        loss = (out * up).sum()
    c = {
        "name": name,
        "op": op,
        "dtype": next((dtype_name(s.t.dtype) for s in ins if s.t.is_floating_point()), dtype_name(ins[0].t.dtype)),
        "inputs": [dict(enc_tensor(s.t), requiresGrad=s.grad) for s in ins],
        "args": args,
        "outputs": [entry],
    }
    after = [{"input": i, **enc_tensor(leaves[i])} for i, s in enumerate(ins) if s.after]
    if after:
        c["after"] = after
    grad_leaves = [l for l in leaves if l.requires_grad]
    if grad_leaves and loss is not None:
        g = torch.autograd.grad(loss, grad_leaves, create_graph=second, allow_unused=True)
        c["grads"] = [enc_grad(x if x is not None else torch.zeros_like(l)) for x, l in zip(g, grad_leaves)]
        if second:
            vs = [torch.randn(l.shape, dtype=l.dtype) for l in grad_leaves]
            l2 = sum((x * v).sum() for x, v in zip(g, vs) if x is not None)
            try:
                # A gradient that does not depend on the inputs (piecewise-linear ops) has no second derivative: all null.
                g2 = torch.autograd.grad(l2, grad_leaves, allow_unused=True) if l2.requires_grad else [None] * len(grad_leaves)
                c["second"] = {"v": [enc_tensor(v)["data"] for v in vs], "grads": [None if x is None else enc_grad(x) for x in g2]}
            except RuntimeError as e:
                print(f"{name}: no second-order reference ({str(e).splitlines()[0]})")
    if note:
        c["note"] = note
    if tolerance:
        c["tolerance"] = dict(TOL, **tolerance)
    FUNCTIONAL.append(c)


def snake(k):
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), k)


def randomize_state(m, gen_dtype):
    """Non-trivial parameters and buffers, so a wrong load or update cannot pass."""
    with torch.no_grad():
        for name, p in m.named_parameters():
            if name.endswith("weight") and not isinstance(m, nn.Embedding):
                p.copy_(torch.rand(p.shape, dtype=gen_dtype) + 0.5)
            else:
                p.copy_(torch.randn(p.shape, dtype=gen_dtype))
        for name, b in m.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(torch.randn(b.shape, dtype=gen_dtype) * 0.5)
            elif name.endswith("running_var"):
                b.copy_(torch.rand(b.shape, dtype=gen_dtype) + 0.5)
            elif name.endswith("num_batches_tracked"):
                b.fill_(3)


def module_case(name, cls, ctor, ins, args, dtype=F32, train=True, warmup=0, randomize=True, note=None):
    """`ctor`: gradlab's constructor arguments (positional, then an options object in camelCase)."""
    assert name not in NAMES, name
    NAMES.add(name)
    leaves = [s.t.clone().requires_grad_(s.grad) for s in ins]
    pos = [a for a in ctor if not isinstance(a, dict)]
    kw = {snake(k): v for a in ctor if isinstance(a, dict) for k, v in resolve(a, leaves).items()}
    m = getattr(nn, cls)(*pos, **kw).to(dtype)
    if randomize:
        randomize_state(m, dtype)
    state = [[k, enc_tensor(v)] for k, v in m.state_dict().items()]
    m.train(train)
    fargs = resolve(args, leaves)
    with torch.no_grad():
        for _ in range(warmup):
            m(*fargs)
    out = m(*fargs)
    entry = {"key": "out"}
    entry.update(enc_tensor(out))
    up = torch.randn(out.shape, dtype=out.dtype)
    entry["upstream"] = enc_tensor(up)["data"]
    (out * up).sum().backward()
    c = {
        "name": name,
        "module": cls,
        "ctor": ctor,
        "dtype": dtype_name(dtype),
        "train": train,
        "warmup": warmup,
        "state": state,
        "inputs": [dict(enc_tensor(s.t), requiresGrad=s.grad) for s in ins],
        "args": args,
        "outputs": [entry],
        "grads": [enc_grad(l.grad) for l in leaves if l.requires_grad],
        "paramGrads": [[k, enc_grad(p.grad)] for k, p in m.named_parameters() if p.grad is not None],
        "stateAfter": [[k, enc_tensor(v)] for k, v in m.state_dict().items()],
    }
    if note:
        c["note"] = note
    MODULES.append(c)


def rn(*shape, dt=F64):
    return torch.randn(shape, dtype=dt)


def rint(lo, hi, *shape):
    return torch.randint(lo, hi, shape, dtype=I64)


def with_points(x, pts):
    """x (1-D) with its first entries replaced by the given points (boundaries of piecewise ops)."""
    x = x.clone()
    x[: len(pts)] = torch.tensor(pts, dtype=x.dtype)
    return x


DTS = [(F32, "f32"), (F64, "f64")]

# ---- cases ------------------------------------------------------------------------------

torch.manual_seed(SEED)

# activations, with the points where the pieces meet
ACT = [
    ("leakyRelu", [0.2], [0.0, -1.0, 1.0]),
    ("leakyRelu", [], [0.0]),
    ("elu", [1.5], [0.0, -30.0, 40.0]),
    ("selu", [], [0.0, -5.0]),
    ("celu", [2.0], [0.0, -3.0]),
    ("hardtanh", [-0.5, 0.8], [-0.5, 0.8, 0.0]),
    ("relu6", [], [0.0, 6.0, 7.0, -1.0]),
    ("hardsigmoid", [], [-3.0, 3.0, 0.0, -4.0, 4.0]),
    # Not at -3 and 3: PyTorch's vectorised and scalar hardswish kernels disagree on the derivative there.
    ("hardswish", [], [0.0, -4.0, 4.0, -2.5, 2.5]),
    ("logSigmoid", [], [0.0, -50.0, 50.0, 30.0, -30.0]),
    ("softsign", [], [0.0]),
    ("mish", [], [0.0, -10.0, 10.0]),
    ("tanhshrink", [], [0.0]),
    ("softshrink", [0.4], [0.4, -0.4, 0.0]),
    ("hardshrink", [0.4], [0.4, -0.4, 0.0]),
]
for op, extra, pts in ACT:
    for dt, tag in DTS:
        x = with_points(rn(24, dt=dt) * 3, pts).reshape(4, 6)
        loose = op == "hardsigmoid" and dt == F64
        fn_case(f"{op}{'_' + '_'.join(str(e) for e in extra) if extra else ''}_{tag}", op, [In(x)], [R(0), *extra], second=(dt == F64),
                tolerance={"float64": 1e-7} if loose else None,
                note="PyTorch's float64 hardsigmoid gradient multiplies by 1/6 rounded to float32" if loose else None)
for dt, tag in DTS:
    fn_case(f"softmin_{tag}", "softmin", [In(rn(3, 5, dt=dt))], [R(0), 1], second=(dt == F64))
    fn_case(f"glu_{tag}", "glu", [In(rn(3, 4, 6, dt=dt))], [R(0), 1], second=(dt == F64))
    fn_case(f"glu_lastdim_{tag}", "glu", [In(rn(2, 6, dt=dt))], [R(0)])

# regression losses
for dt, tag in DTS:
    x, y = rn(4, 5, dt=dt), rn(4, 5, dt=dt)
    y[0, :2] = x[0, :2]  # equal entries: the L1 gradient there is 0
    for r in ["mean", "sum", "none"]:
        fn_case(f"mseLoss_{r}_{tag}", "mseLoss", [In(x), In(y)], [R(0), R(1), {"reduction": r}], second=(dt == F64 and r == "mean"))
        fn_case(f"l1Loss_{r}_{tag}", "l1Loss", [In(x), In(y)], [R(0), R(1), {"reduction": r}])
        fn_case(f"smoothL1Loss_{r}_{tag}", "smoothL1Loss", [In(x * 2), In(y)], [R(0), R(1), {"reduction": r}], second=(dt == F64 and r == "sum"))
        fn_case(f"huberLoss_{r}_{tag}", "huberLoss", [In(x * 2), In(y)], [R(0), R(1), {"reduction": r}])
    fn_case(f"smoothL1Loss_beta0.5_{tag}", "smoothL1Loss", [In(x), In(y)], [R(0), R(1), {"beta": 0.5}])
    # Not at d = 0: with beta 0 PyTorch's kernel gives the gradient -1 there, its l1_loss gives 0 (gradlab: 0).
    fn_case(f"smoothL1Loss_beta0_{tag}", "smoothL1Loss", [In(x * 2), In(y)], [R(0), R(1), {"beta": 0.0, "reduction": "sum"}])
    fn_case(f"huberLoss_delta2_{tag}", "huberLoss", [In(x * 3), In(y)], [R(0), R(1), {"delta": 2.0}])
    fn_case(f"mseLoss_default_{tag}", "mseLoss", [In(x), In(y)], [R(0), R(1)])

# nll and cross entropy
for dt, tag in DTS:
    N, C = 6, 4
    logits = rn(N, C, dt=dt) * 2
    tgt = rint(0, C, N)
    w = torch.rand(C, dtype=dt) + 0.3
    tgt_ign = tgt.clone()
    tgt_ign[1] = -100
    tgt_ign[4] = -100
    tgt_ign2 = tgt.clone()
    tgt_ign2[2] = 1
    for r in ["mean", "sum", "none"]:
        sec = dt == F64 and r == "mean"
        fn_case(f"crossEntropy_idx_{r}_{tag}", "crossEntropy", [In(logits), In(tgt)], [R(0), R(1), {"reduction": r}], second=sec)
        fn_case(f"crossEntropy_idx_weight_{r}_{tag}", "crossEntropy", [In(logits), In(tgt), In(w, grad=False)],
                [R(0), R(1), {"weight": R(2), "reduction": r}])
        fn_case(f"crossEntropy_idx_ignore_{r}_{tag}", "crossEntropy", [In(logits), In(tgt_ign)], [R(0), R(1), {"reduction": r}])
        fn_case(f"crossEntropy_smooth_{r}_{tag}", "crossEntropy", [In(logits), In(tgt)], [R(0), R(1), {"labelSmoothing": 0.1, "reduction": r}],
                second=sec)
        fn_case(f"crossEntropy_smooth_weight_ignore_{r}_{tag}", "crossEntropy", [In(logits), In(tgt_ign), In(w, grad=False)],
                [R(0), R(1), {"weight": R(2), "labelSmoothing": 0.25, "reduction": r}])
        probs = torch.softmax(rn(N, C, dt=dt), 1)
        fn_case(f"crossEntropy_prob_{r}_{tag}", "crossEntropy", [In(logits), In(probs)], [R(0), R(1), {"reduction": r}], second=sec)
        fn_case(f"crossEntropy_prob_weight_smooth_{r}_{tag}", "crossEntropy", [In(logits), In(probs), In(w, grad=False)],
                [R(0), R(1), {"weight": R(2), "labelSmoothing": 0.2, "reduction": r}])
        fn_case(f"nllLoss_{r}_{tag}", "nllLoss", [In(torch.log_softmax(logits, 1)), In(tgt)], [R(0), R(1), {"reduction": r}], second=sec)
        fn_case(f"nllLoss_weight_ignore_{r}_{tag}", "nllLoss", [In(torch.log_softmax(logits, 1)), In(tgt_ign2), In(w, grad=False)],
                [R(0), R(1), {"weight": R(2), "ignoreIndex": 1, "reduction": r}])
    x4 = rn(2, C, 3, 2, dt=dt)
    t4 = rint(0, C, 2, 3, 2)
    t4[0, 1, 1] = -100
    fn_case(f"crossEntropy_spatial_{tag}", "crossEntropy", [In(x4), In(t4)], [R(0), R(1)], second=(dt == F64))
    fn_case(f"crossEntropy_spatial_weight_smooth_{tag}", "crossEntropy", [In(x4), In(t4), In(w, grad=False)],
            [R(0), R(1), {"weight": R(2), "labelSmoothing": 0.1}])
    fn_case(f"crossEntropy_spatial_prob_{tag}", "crossEntropy", [In(x4), In(torch.softmax(rn(2, C, 3, 2, dt=dt), 1))], [R(0), R(1)])
    fn_case(f"nllLoss_spatial_none_{tag}", "nllLoss", [In(torch.log_softmax(x4, 1)), In(t4)], [R(0), R(1), {"reduction": "none"}])
    fn_case(f"crossEntropy_unbatched_{tag}", "crossEntropy", [In(rn(5, dt=dt)), In(torch.tensor(3))], [R(0), R(1)])
    fn_case(f"crossEntropy_unbatched_prob_{tag}", "crossEntropy", [In(rn(5, dt=dt)), In(torch.softmax(rn(5, dt=dt), 0))], [R(0), R(1)])
    fn_case(f"crossEntropy_large_logits_{tag}", "crossEntropy", [In(rn(3, 4, dt=dt) * 300), In(rint(0, 4, 3))], [R(0), R(1)])
    fn_case(f"nllLoss_all_ignored_{tag}", "nllLoss", [In(torch.log_softmax(logits, 1)), In(torch.full((N,), -100))], [R(0), R(1)],
            note="mean over no targets is 0/0 = NaN in PyTorch")

# binary cross entropy
for dt, tag in DTS:
    p = torch.rand(4, 3, dtype=dt) * 0.9 + 0.05
    p[0, 0], p[0, 1], p[1, 0] = 0.0, 1.0, 0.5
    y = torch.rand(4, 3, dtype=dt)
    y[0, 0], y[0, 1] = 1.0, 0.0
    wb = torch.rand(3, dtype=dt) + 0.5
    for r in ["mean", "sum", "none"]:
        fn_case(f"binaryCrossEntropy_{r}_{tag}", "binaryCrossEntropy", [In(p[1:]), In(y[1:])], [R(0), R(1), {"reduction": r}],
                second=(dt == F64 and r == "mean"))
        fn_case(f"binaryCrossEntropy_weight_{r}_{tag}", "binaryCrossEntropy", [In(p[1:]), In(y[1:]), In(wb, grad=False)],
                [R(0), R(1), {"weight": R(2), "reduction": r}])
        z = rn(4, 3, dt=dt) * 3
        z[0, 0], z[0, 1], z[0, 2] = 0.0, 60.0, -60.0
        fn_case(f"binaryCrossEntropyWithLogits_{r}_{tag}", "binaryCrossEntropyWithLogits", [In(z), In(y)], [R(0), R(1), {"reduction": r}],
                second=(dt == F64 and r == "mean"))
        fn_case(f"binaryCrossEntropyWithLogits_weights_{r}_{tag}", "binaryCrossEntropyWithLogits",
                [In(z), In(y), In(wb, grad=False), In(torch.rand(3, dtype=dt) * 3, grad=False)],
                [R(0), R(1), {"weight": R(2), "posWeight": R(3), "reduction": r}], second=(dt == F64 and r == "sum"))
    fn_case(f"binaryCrossEntropy_clamped_{tag}", "binaryCrossEntropy", [In(p[:1]), In(y[:1], grad=False)], [R(0), R(1)],
            note="probabilities 0 and 1: logs clamped at -100, gradient denominators at 1e-12")

# KL divergence and likelihoods
for dt, tag in DTS:
    lq = torch.log_softmax(rn(3, 4, dt=dt), 1)
    pt = torch.softmax(rn(3, 4, dt=dt), 1)
    pt0 = pt.clone()
    pt0[0, 1] = 0.0
    for r in ["mean", "batchmean", "sum", "none"]:
        fn_case(f"klDiv_{r}_{tag}", "klDiv", [In(lq), In(pt)], [R(0), R(1), {"reduction": r}], second=(dt == F64 and r == "batchmean"))
        fn_case(f"klDiv_logTarget_{r}_{tag}", "klDiv", [In(lq), In(torch.log(pt))], [R(0), R(1), {"reduction": r, "logTarget": True}])
    fn_case(f"klDiv_zero_target_{tag}", "klDiv", [In(lq), In(pt0, grad=False)], [R(0), R(1), {"reduction": "sum"}])
    fn_case(f"klDiv_default_{tag}", "klDiv", [In(lq), In(pt)], [R(0), R(1)])
    counts = torch.randint(0, 5, (3, 4)).to(dt)
    rate = torch.rand(3, 4, dtype=dt) * 3 + 0.1
    fn_case(f"poissonNllLoss_{tag}", "poissonNllLoss", [In(rn(3, 4, dt=dt)), In(counts)], [R(0), R(1)], second=(dt == F64))
    # full=True: the targets take no gradient (PyTorch's is NaN wherever a count is 0).
    fn_case(f"poissonNllLoss_rate_full_sum_{tag}", "poissonNllLoss", [In(rate), In(counts, grad=False)],
            [R(0), R(1), {"logInput": False, "full": True, "reduction": "sum"}])
    fn_case(f"poissonNllLoss_full_none_{tag}", "poissonNllLoss", [In(rn(3, 4, dt=dt)), In(counts, grad=False)], [R(0), R(1), {"full": True, "reduction": "none"}])
    mu, yy = rn(4, 3, dt=dt), rn(4, 3, dt=dt)
    var = torch.rand(4, 3, dtype=dt) + 0.2
    var[0, 0] = 1e-8
    fn_case(f"gaussianNllLoss_{tag}", "gaussianNllLoss", [In(mu), In(yy), In(var)], [R(0), R(1), R(2)], second=(dt == F64),
            note="var[0,0] is below eps: clamped in value, its gradient passes unchanged as in PyTorch")
    fn_case(f"gaussianNllLoss_pervar_full_sum_{tag}", "gaussianNllLoss", [In(mu), In(yy), In(torch.rand(4, dtype=dt) + 0.2)],
            [R(0), R(1), R(2), {"full": True, "reduction": "sum"}])
    fn_case(f"gaussianNllLoss_var1_none_{tag}", "gaussianNllLoss", [In(mu), In(yy), In(torch.rand(4, 1, dtype=dt) + 0.2)],
            [R(0), R(1), R(2), {"reduction": "none"}])

# margin and embedding losses
for dt, tag in DTS:
    a, b = rn(6, dt=dt), rn(6, dt=dt)
    ys = torch.tensor([1, -1, 1, -1, 1, -1]).to(dt)
    fn_case(f"marginRankingLoss_{tag}", "marginRankingLoss", [In(a), In(b), In(ys, grad=False)], [R(0), R(1), R(2), {"margin": 0.3}])
    fn_case(f"hingeEmbeddingLoss_{tag}", "hingeEmbeddingLoss", [In(a.abs() * 2), In(ys, grad=False)], [R(0), R(1), {"margin": 1.5}])
    fn_case(f"softMarginLoss_{tag}", "softMarginLoss", [In(a * 3), In(ys, grad=False)], [R(0), R(1), {"reduction": "sum"}])
    fn_case(f"cosineEmbeddingLoss_{tag}", "cosineEmbeddingLoss", [In(rn(6, 5, dt=dt)), In(rn(6, 5, dt=dt)), In(ys, grad=False)],
            [R(0), R(1), R(2), {"margin": 0.2}], second=(dt == F64))
    fn_case(f"cosineEmbeddingLoss_none_{tag}", "cosineEmbeddingLoss", [In(rn(6, 5, dt=dt)), In(rn(6, 5, dt=dt)), In(ys, grad=False)],
            [R(0), R(1), R(2), {"reduction": "none"}])

# normalisation
for dt, tag in DTS:
    sec = dt == F64
    x = rn(2, 3, 5, dt=dt) * 2 + 1
    fn_case(f"layerNorm_affine_{tag}", "layerNorm", [In(x), In(rn(5, dt=dt)), In(rn(5, dt=dt))],
            [R(0), [5], {"weight": R(1), "bias": R(2)}], second=sec)
    fn_case(f"layerNorm_2d_plain_{tag}", "layerNorm", [In(x)], [R(0), [3, 5], {"eps": 1e-3}], second=sec)
    fn_case(f"layerNorm_int_shape_{tag}", "layerNorm", [In(x)], [R(0), 5])
    xb = rn(6, 3, dt=dt) * 1.5 + 0.5
    xb4 = rn(4, 3, 2, 3, dt=dt) + 0.3
    rm, rv = rn(3, dt=dt) * 0.3, torch.rand(3, dtype=dt) + 0.5
    wc, bc = torch.rand(3, dtype=dt) + 0.5, rn(3, dt=dt)
    fn_case(f"batchNorm_train_{tag}", "batchNorm", [In(xb), In(rm, after=True), In(rv, after=True), In(wc), In(bc)],
            [R(0), R(1), R(2), {"weight": R(3), "bias": R(4), "training": True, "momentum": 0.3}], second=sec)
    fn_case(f"batchNorm_train_4d_{tag}", "batchNorm", [In(xb4), In(rm, after=True), In(rv, after=True), In(wc), In(bc)],
            [R(0), R(1), R(2), {"weight": R(3), "bias": R(4), "training": True}], second=sec)
    fn_case(f"batchNorm_eval_4d_{tag}", "batchNorm", [In(xb4), In(rm, after=True), In(rv, after=True), In(wc), In(bc)],
            [R(0), R(1), R(2), {"weight": R(3), "bias": R(4)}], second=sec)
    fn_case(f"batchNorm_train_nostats_{tag}", "batchNorm", [In(xb4)], [R(0), None, None, {"training": True, "eps": 1e-3}])
    xg = rn(2, 6, 3, 3, dt=dt) + 0.5
    w6, b6 = torch.rand(6, dtype=dt) + 0.5, rn(6, dt=dt)
    fn_case(f"groupNorm_3_{tag}", "groupNorm", [In(xg), In(w6), In(b6)], [R(0), 3, {"weight": R(1), "bias": R(2)}], second=sec)
    fn_case(f"groupNorm_1_{tag}", "groupNorm", [In(xg)], [R(0), 1])
    fn_case(f"groupNorm_6_{tag}", "groupNorm", [In(xg), In(w6), In(b6)], [R(0), 6, {"weight": R(1), "bias": R(2), "eps": 1e-3}])
    fn_case(f"groupNorm_1d_{tag}", "groupNorm", [In(rn(3, 4, 5, dt=dt))], [R(0), 2])
    xi = rn(2, 3, 4, 4, dt=dt) + 0.2
    fn_case(f"instanceNorm_plain_{tag}", "instanceNorm", [In(xi)], [R(0)], second=sec)
    fn_case(f"instanceNorm_stats_affine_{tag}", "instanceNorm", [In(xi), In(rm, after=True), In(rv, after=True), In(wc), In(bc)],
            [R(0), {"runningMean": R(1), "runningVar": R(2), "weight": R(3), "bias": R(4), "momentum": 0.2}])
    fn_case(f"instanceNorm_running_{tag}", "instanceNorm", [In(xi), In(rm, after=True), In(rv, after=True)],
            [R(0), {"runningMean": R(1), "runningVar": R(2), "useInputStats": False}])
    fn_case(f"instanceNorm_1d_{tag}", "instanceNorm", [In(rn(2, 3, 7, dt=dt))], [R(0)])

# embedding, pad, oneHot, cosineSimilarity
for dt, tag in DTS:
    W = rn(5, 3, dt=dt)
    idx = torch.tensor([[0, 2, 2], [4, 0, 2]])
    fn_case(f"embedding_{tag}", "embedding", [In(idx), In(W)], [R(0), R(1)], note="repeated rows: their gradients add up")
    fn_case(f"embedding_padding_{tag}", "embedding", [In(idx), In(W)], [R(0), R(1), {"paddingIdx": 2}])
    fn_case(f"embedding_padding_neg_{tag}", "embedding", [In(torch.tensor([1, 4, 4, 3])), In(W)], [R(0), R(1), {"paddingIdx": -1}])
    x = rn(2, 3, 4, dt=dt)
    fn_case(f"pad_constant_{tag}", "pad", [In(x)], [R(0), [1, 2, 0, 1], {"value": 1.5}])
    fn_case(f"pad_constant_crop_{tag}", "pad", [In(x)], [R(0), [-1, 1, 2, -1]])
    fn_case(f"pad_constant_3dims_{tag}", "pad", [In(x)], [R(0), [0, 1, 1, 0, 1, 1]])
    fn_case(f"pad_reflect_{tag}", "pad", [In(x)], [R(0), [3, 2], {"mode": "reflect"}], second=(dt == F64))
    fn_case(f"pad_reflect_2d_{tag}", "pad", [In(rn(1, 2, 3, 4, dt=dt))], [R(0), [1, 2, 2, 1], {"mode": "reflect"}])
    fn_case(f"pad_replicate_{tag}", "pad", [In(x)], [R(0), [2, 3], {"mode": "replicate"}])
    fn_case(f"pad_replicate_2d_{tag}", "pad", [In(rn(1, 2, 3, 4, dt=dt))], [R(0), [1, 0, 2, 3], {"mode": "replicate"}])
    fn_case(f"pad_circular_{tag}", "pad", [In(x)], [R(0), [2, 4], {"mode": "circular"}])
    fn_case(f"cosineSimilarity_{tag}", "cosineSimilarity", [In(rn(4, 5, dt=dt)), In(rn(4, 5, dt=dt))], [R(0), R(1)], second=(dt == F64))
    fn_case(f"cosineSimilarity_dim_broadcast_{tag}", "cosineSimilarity", [In(rn(3, 4, dt=dt)), In(rn(1, 4, dt=dt))], [R(0), R(1), {"dim": -1}])
    small = rn(3, 4, dt=dt) * 0.2
    fn_case(f"cosineSimilarity_clamped_{tag}", "cosineSimilarity", [In(small), In(rn(3, 4, dt=dt))], [R(0), R(1), {"eps": 0.5}],
            note="norms below eps are clamped in value; the clamp is not differentiated (PyTorch 1.13)")
fn_case("pad_constant_int", "pad", [In(torch.arange(6).reshape(2, 3))], [R(0), [1, 1], {"value": 7}])
fn_case("oneHot", "oneHot", [In(torch.tensor([[0, 3], [2, 1]]))], [R(0), 5])
fn_case("oneHot_infer", "oneHot", [In(torch.tensor([0, 2, 1, 2]))], [R(0)])

# ---- modules ------------------------------------------------------------------------------

for dt, tag in DTS:
    module_case(f"BatchNorm1d_train_{tag}", "BatchNorm1d", [3], [In(rn(6, 3, dt=dt) * 2 + 1)], [R(0)], dtype=dt)
    module_case(f"BatchNorm1d_train_3d_warmup_{tag}", "BatchNorm1d", [3, {"momentum": 0.2}], [In(rn(4, 3, 5, dt=dt) + 0.5)], [R(0)],
                dtype=dt, warmup=2)
    module_case(f"BatchNorm1d_eval_{tag}", "BatchNorm1d", [3], [In(rn(6, 3, dt=dt))], [R(0)], dtype=dt, train=False)
    module_case(f"BatchNorm2d_train_{tag}", "BatchNorm2d", [3], [In(rn(4, 3, 2, 3, dt=dt) + 0.3)], [R(0)], dtype=dt)
    module_case(f"BatchNorm2d_eval_{tag}", "BatchNorm2d", [3, {"eps": 1e-3}], [In(rn(4, 3, 2, 3, dt=dt))], [R(0)], dtype=dt, train=False)
    module_case(f"LayerNorm_{tag}", "LayerNorm", [4], [In(rn(2, 3, 4, dt=dt) * 3)], [R(0)], dtype=dt)
    module_case(f"GroupNorm_{tag}", "GroupNorm", [2, 4], [In(rn(2, 4, 3, 3, dt=dt))], [R(0)], dtype=dt)
    module_case(f"InstanceNorm2d_affine_track_train_{tag}", "InstanceNorm2d", [3, {"affine": True, "trackRunningStats": True}],
                [In(rn(2, 3, 4, 4, dt=dt))], [R(0)], dtype=dt)
    module_case(f"Embedding_padding_{tag}", "Embedding", [6, 3, {"paddingIdx": 1}], [In(torch.tensor([[1, 2, 5], [2, 2, 1]]))], [R(0)], dtype=dt)
module_case("BatchNorm1d_momentum_none_warmup", "BatchNorm1d", [3, {"momentum": None}], [In(rn(5, 3, dt=F32))], [R(0)], warmup=3,
            note="momentum None: a cumulative average, 1 / num_batches_tracked (which starts at 3 here)")
module_case("BatchNorm2d_no_affine", "BatchNorm2d", [2, {"affine": False}], [In(rn(3, 2, 2, 2, dt=F32))], [R(0)])
module_case("BatchNorm2d_no_tracking_eval", "BatchNorm2d", [2, {"trackRunningStats": False}], [In(rn(3, 2, 2, 2, dt=F32))], [R(0)], train=False,
            note="without running statistics, eval mode normalises with the batch statistics")
module_case("LayerNorm_2d_no_affine", "LayerNorm", [[3, 4], {"elementwiseAffine": False}], [In(rn(2, 3, 4, dt=F32))], [R(0)])
module_case("InstanceNorm2d_track_eval", "InstanceNorm2d", [3, {"trackRunningStats": True}], [In(rn(2, 3, 4, 4, dt=F32))], [R(0)], train=False)
module_case("InstanceNorm2d_unbatched", "InstanceNorm2d", [3, {"affine": True}], [In(rn(3, 4, 4, dt=F32))], [R(0)])
module_case("InstanceNorm1d", "InstanceNorm1d", [3], [In(rn(2, 3, 6, dt=F32))], [R(0)])
module_case("BatchNorm3d_train", "BatchNorm3d", [2], [In(rn(2, 2, 2, 3, 2, dt=F32))], [R(0)])
module_case("Dropout_eval", "Dropout", [0.3], [In(rn(4, 5, dt=F32))], [R(0)], train=False)
module_case("CrossEntropyLoss_weight_smooth", "CrossEntropyLoss",
            [{"weight": R(2), "labelSmoothing": 0.1, "ignoreIndex": 0}], [In(rn(5, 4, dt=F32)), In(rint(0, 4, 5)), In(torch.rand(4) + 0.5, grad=False)],
            [R(0), R(1)])
module_case("BCEWithLogitsLoss_pos_weight", "BCEWithLogitsLoss", [{"posWeight": R(2), "reduction": "sum"}],
            [In(rn(4, 3, dt=F32)), In(torch.rand(4, 3)), In(torch.rand(3) * 2, grad=False)], [R(0), R(1)])
module_case("NLLLoss_weight", "NLLLoss", [{"weight": R(2)}], [In(torch.log_softmax(rn(5, 4, dt=F32), 1)), In(rint(0, 4, 5)),
                                                                In(torch.rand(4) + 0.5, grad=False)], [R(0), R(1)])
module_case("MSELoss_sum", "MSELoss", [{"reduction": "sum"}], [In(rn(3, 2, dt=F32)), In(rn(3, 2, dt=F32))], [R(0), R(1)])
module_case("KLDivLoss_batchmean", "KLDivLoss", [{"reduction": "batchmean"}],
            [In(torch.log_softmax(rn(3, 4, dt=F32), 1)), In(torch.softmax(rn(3, 4, dt=F32), 1))], [R(0), R(1)])
module_case("SmoothL1Loss_beta", "SmoothL1Loss", [{"beta": 0.5}], [In(rn(3, 4, dt=F32)), In(rn(3, 4, dt=F32))], [R(0), R(1)])
module_case("BCELoss_weight", "BCELoss", [{"weight": R(2)}], [In(torch.rand(3, 4) * 0.9 + 0.05), In(torch.rand(3, 4)), In(torch.rand(4) + 0.5, grad=False)],
            [R(0), R(1)])


def write(name, cases):
    os.makedirs(OUT_DIR, exist_ok=True)
    doc = {
        "generator": "tools/oracle/gen_nn_functional.py",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "seed": SEED,
        "tolerance": TOL,
        "measure": "|actual - expected| <= tol * max(1, |expected|) per element",
        "cases": cases,
    }
    with open(os.path.join(OUT_DIR, name), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"{name}: {len(cases)} cases")


write("functional.json", FUNCTIONAL)
write("modules.json", MODULES)
