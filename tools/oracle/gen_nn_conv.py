#!/usr/bin/env python3
"""Writes PyTorch parity fixtures for gradlab's convolution and pooling to test/fixtures/nn/.

Run with `/usr/bin/python3 tools/oracle/gen_nn_conv.py`. Same case format as gen_core.py
(tools/oracle/README.md), with two call forms: "F" is nn.functional.<op>(...args) and
"module" is `new nn.<op>(...args)` loaded with the inputs after the first as its state dict
(weight, bias) and called on input 0; the module's gradients are those of input 0 and of its
parameters, in that order. test/nn/parity_conv.test.ts replays the cases.

  conv.json: conv1d, conv2d, convTranspose2d and the Conv layers
  conv_pool.json: max/avg/adaptive pooling and the pooling layers
"""
import json
import os
import platform
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_core import F32, F64, TOL, File, In, R, apply_view, dtype_name, enc_grad, enc_tensor, write_fixture_files  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "test", "fixtures", "nn")

# ---- gradlab call -> PyTorch -------------------------------------------------------------


def o_(o, key, default):
    return default if o is None or key not in o else o[key]


def sz(v):
    """A gradlab size (number or list) as PyTorch takes it."""
    return tuple(v) if isinstance(v, list) else v


def t_conv(fn):
    def run(x, w, b=None, o=None):
        return fn(x, w, b, stride=sz(o_(o, "stride", 1)), padding=sz(o_(o, "padding", 0)),
                  dilation=sz(o_(o, "dilation", 1)), groups=o_(o, "groups", 1))
    return run


def t_conv_transpose2d(x, w, b=None, o=None):
    return F.conv_transpose2d(x, w, b, stride=sz(o_(o, "stride", 1)), padding=sz(o_(o, "padding", 0)),
                              output_padding=sz(o_(o, "outputPadding", 0)), groups=o_(o, "groups", 1),
                              dilation=sz(o_(o, "dilation", 1)))


def t_max_pool(fn):
    def run(x, k, o=None):
        s = o_(o, "stride", None)
        r = fn(x, sz(k), stride=sz(s) if s is not None else None, padding=sz(o_(o, "padding", 0)),
               dilation=sz(o_(o, "dilation", 1)), ceil_mode=o_(o, "ceilMode", False),
               return_indices=o_(o, "returnIndices", False))
        return {"values": r[0], "indices": r[1]} if o_(o, "returnIndices", False) else r
    return run


def t_avg_pool2d(x, k, o=None):
    s = o_(o, "stride", None)
    return F.avg_pool2d(x, sz(k), stride=sz(s) if s is not None else None, padding=sz(o_(o, "padding", 0)),
                        ceil_mode=o_(o, "ceilMode", False), count_include_pad=o_(o, "countIncludePad", True),
                        divisor_override=o_(o, "divisorOverride", None))


def t_avg_pool1d(x, k, o=None):
    s = o_(o, "stride", None)
    return F.avg_pool1d(x, sz(k), stride=sz(s) if s is not None else None, padding=sz(o_(o, "padding", 0)),
                        ceil_mode=o_(o, "ceilMode", False), count_include_pad=o_(o, "countIncludePad", True))


FUNCTIONAL = {
    "conv1d": t_conv(F.conv1d),
    "conv2d": t_conv(F.conv2d),
    "convTranspose2d": t_conv_transpose2d,
    "maxPool1d": t_max_pool(F.max_pool1d),
    "maxPool2d": t_max_pool(F.max_pool2d),
    "avgPool1d": t_avg_pool1d,
    "avgPool2d": t_avg_pool2d,
    "adaptiveAvgPool1d": lambda x, s: F.adaptive_avg_pool1d(x, sz(s)),
    "adaptiveAvgPool2d": lambda x, s: F.adaptive_avg_pool2d(x, sz(s)),
}

SNAKE = {"outputPadding": "output_padding", "ceilMode": "ceil_mode", "countIncludePad": "count_include_pad",
         "divisorOverride": "divisor_override", "returnIndices": "return_indices"}


def make_module(op, args, dt):
    """nn.<op>(*positional, **options) with gradlab's camelCase options in snake_case."""
    pos = [sz(a) for a in args if not isinstance(a, dict)]
    kw = {SNAKE.get(k, k): sz(v) for a in args if isinstance(a, dict) for k, v in a.items()}
    return getattr(nn, op)(*pos, **kw).to(dt)


# ---- case builder --------------------------------------------------------------------------


FILES = []
NAMES = set()


def resolve(a, xs):
    if isinstance(a, dict):
        if "$t" in a:
            return xs[a["$t"]]
        return {k: resolve(v, xs) for k, v in a.items()}
    if isinstance(a, list):
        return [resolve(v, xs) for v in a]
    return a


def case(name, op, ins, args, call="F", second=False, note=None):
    """Adds one case: forward outputs, gradients of sum(out * upstream), optional second order."""
    assert name not in NAMES, name
    NAMES.add(name)
    leaves, xs = [], []
    for spec in ins:
        leaf = spec.t.clone().requires_grad_(spec.grad)
        x = leaf
        for step in spec.view:
            x = apply_view(x, step)
        leaves.append(leaf)
        xs.append(x)
    if call == "module":
        m = make_module(op, args, ins[0].t.dtype)
        sd = m.state_dict()
        assert list(sd) == ["weight", "bias"][: len(ins) - 1], (name, list(sd))
        with torch.no_grad():
            for key, leaf in zip(["weight", "bias"], leaves[1:]):
                assert sd[key].shape == leaf.shape, (name, key, sd[key].shape, leaf.shape)
                getattr(m, key).copy_(leaf)
        res = m(xs[0])
        grad_leaves = [leaves[0]] + [getattr(m, k) for k in ["weight", "bias"][: len(ins) - 1]]
    else:
        res = FUNCTIONAL[op](*resolve(args, xs))
        grad_leaves = [l for l in leaves if l.requires_grad]
    res = {"out": res} if torch.is_tensor(res) else res

    out_specs, loss = [], None
    for key, val in res.items():
        entry = {"key": key, "compare": "value", **enc_tensor(val), "requiresGrad": val.requires_grad}
        if val.requires_grad:
            up = torch.randn(val.shape, dtype=val.dtype)
            entry["upstream"] = enc_tensor(up)["data"]
            term = (val * up).sum()
            loss = term if loss is None else loss + term
        out_specs.append(entry)

    c = {
        "name": name, "op": op, "call": call, "dtype": dtype_name(ins[0].t.dtype),
        "inputs": [dict(enc_tensor(s.t), requiresGrad=s.grad, **({"view": s.view} if s.view else {})) for s in ins],
        "args": args, "outputs": out_specs,
    }
    if loss is not None and grad_leaves:
        g = torch.autograd.grad(loss, grad_leaves, create_graph=second, allow_unused=True)
        assert all(x is not None for x in g), f"{name}: an input is unused"
        c["grads"] = [enc_grad(x) for x in g]
        if second:
            vs = [torch.randn(x.shape, dtype=x.dtype) for x in g]
            l2 = sum((x * v).sum() for x, v in zip(g, vs))
            g2 = torch.autograd.grad(l2, grad_leaves, allow_unused=True)
            c["second"] = {"v": [enc_tensor(v)["data"] for v in vs], "grads": [enc_grad(x) for x in g2]}
    if note:
        c["note"] = note
    FILES[-1].cases.append(c)


def rn(*shape, dt=F64):
    return torch.randn(shape, dtype=dt)


def both(name, op, make, args, second=False, note=None, call="F"):
    """The case in float32 and float64 (second order only in float64, where it is tight)."""
    for dt, sfx in ((F32, "f32"), (F64, "f64")):
        case(f"{name}_{sfx}", op, make(dt), args, call=call, second=second and dt == F64, note=note)


# ---- cases -----------------------------------------------------------------------------------


def xwb(x, w, b=True):
    """Inputs x, w (and b) for a conv of these shapes, all requiring grad."""
    def make(dt):
        ins = [In(rn(*x, dt=dt)), In(rn(*w, dt=dt))]
        if b:
            ins.append(In(rn(b if isinstance(b, int) and b is not True else w[0], dt=dt)))
        return ins
    return make


def gen_conv():
    FILES.append(File("conv", 6006))
    A = [R(0), R(1), R(2)]
    A2 = [R(0), R(1), None]

    # conv2d
    both("conv2d_basic", "conv2d", xwb((2, 3, 7, 7), (4, 3, 3, 3)), A + [{}], second=True)
    both("conv2d_stride2_pad1", "conv2d", xwb((2, 3, 8, 8), (5, 3, 3, 3)), A + [{"stride": 2, "padding": 1}], second=True)
    both("conv2d_nonsquare", "conv2d", xwb((2, 2, 7, 9), (3, 2, 3, 2)), A + [{"stride": [2, 1], "padding": [1, 2]}],
         note="kernel 3x2, stride (2, 1), padding (1, 2)")
    both("conv2d_dilation2_pad2", "conv2d", xwb((1, 3, 9, 9), (4, 3, 3, 3)), A + [{"dilation": 2, "padding": 2}], second=True)
    both("conv2d_dilation_stride_mixed", "conv2d", xwb((2, 2, 10, 9), (3, 2, 2, 3)), A + [{"dilation": [2, 1], "stride": [1, 2], "padding": [0, 1]}])
    both("conv2d_groups2", "conv2d", xwb((2, 4, 6, 6), (6, 2, 3, 3)), A + [{"groups": 2, "padding": 1}], second=True)
    both("conv2d_depthwise", "conv2d", xwb((2, 3, 6, 6), (3, 1, 3, 3)), A + [{"groups": 3, "padding": 1}])
    both("conv2d_depthwise_multiplier2", "conv2d", xwb((2, 3, 7, 7), (6, 1, 3, 3)), A + [{"groups": 3, "stride": 2}],
         note="depthwise with 2 filters per input channel")
    both("conv2d_no_bias", "conv2d", xwb((2, 3, 6, 6), (4, 3, 3, 3), b=False), A2 + [{"padding": 1}])
    both("conv2d_pointwise", "conv2d", xwb((2, 5, 4, 4), (3, 5, 1, 1)), A + [{}])
    both("conv2d_same_even_kernel", "conv2d", xwb((1, 2, 7, 6), (3, 2, 4, 2)), A + [{"padding": "same"}],
         note="'same' with an even kernel: the extra padding goes at the end")
    both("conv2d_same_dilated", "conv2d", xwb((1, 2, 8, 8), (3, 2, 3, 3)), A + [{"padding": "same", "dilation": [2, 3]}])
    both("conv2d_valid", "conv2d", xwb((1, 2, 6, 5), (2, 2, 3, 3)), A + [{"padding": "valid"}])
    both("conv2d_stride_gt_kernel", "conv2d", xwb((2, 2, 11, 11), (3, 2, 2, 2)), A + [{"stride": 3, "padding": 1}])
    both("conv2d_kernel_equals_input", "conv2d", xwb((3, 2, 4, 5), (3, 2, 4, 5)), A + [{}])
    both("conv2d_wide", "conv2d", xwb((3, 8, 9, 9), (12, 8, 3, 3)), A + [{"padding": 1}], note="enough channels for the blocked GEMM path")
    for dt, sfx in ((F32, "f32"), (F64, "f64")):
        case(f"conv2d_unbatched_{sfx}", "conv2d", [In(rn(3, 6, 6, dt=dt)), In(rn(4, 3, 3, 3, dt=dt)), In(rn(4, dt=dt))], A + [{"padding": 1}])
        case(f"conv2d_noncontig_input_{sfx}", "conv2d", [In(rn(2, 6, 7, 3, dt=dt), view=[{"permute": [0, 3, 1, 2]}]), In(rn(4, 3, 3, 3, dt=dt)), In(rn(4, dt=dt))],
             A + [{"stride": 2}], note="input is a permuted (channels-last) view")
        case(f"conv2d_noncontig_weight_{sfx}", "conv2d", [In(rn(2, 3, 6, 6, dt=dt)), In(rn(3, 4, 3, 3, dt=dt), view=[{"transpose": [0, 1]}]), In(rn(4, dt=dt))],
             A + [{"padding": 1}], note="weight is a transposed view")
        case(f"conv2d_sliced_input_{sfx}", "conv2d", [In(rn(2, 3, 9, 12, dt=dt), view=[{"slice": [3, 1, None, 2]}]), In(rn(2, 3, 3, 3, dt=dt)), In(rn(2, dt=dt))],
             A + [{}], note="input is a strided slice")
        case(f"conv2d_only_weight_grad_{sfx}", "conv2d", [In(rn(2, 3, 6, 6, dt=dt), grad=False), In(rn(4, 3, 3, 3, dt=dt)), In(rn(4, dt=dt), grad=False)],
             A + [{"padding": 1}])
    case("conv2d_empty_batch_f32", "conv2d", [In(rn(0, 3, 6, 6, dt=F32)), In(rn(4, 3, 3, 3, dt=F32)), In(rn(4, dt=F32))], A + [{}],
         note="a batch of 0: empty output, zero weight and bias gradients")

    # conv1d
    both("conv1d_basic", "conv1d", xwb((2, 3, 10), (4, 3, 3)), A + [{}], second=True)
    both("conv1d_stride_pad_dilation", "conv1d", xwb((2, 2, 17), (3, 2, 4)), A + [{"stride": 2, "padding": 3, "dilation": 2}])
    both("conv1d_groups", "conv1d", xwb((2, 4, 9), (6, 2, 3)), A + [{"groups": 2, "padding": [1]}])
    both("conv1d_same_even", "conv1d", xwb((1, 2, 9), (2, 2, 4), b=False), A2 + [{"padding": "same"}])
    for dt, sfx in ((F32, "f32"), (F64, "f64")):
        case(f"conv1d_unbatched_{sfx}", "conv1d", [In(rn(3, 8, dt=dt)), In(rn(2, 3, 3, dt=dt)), In(rn(2, dt=dt))], A + [{"stride": 2}])

    # convTranspose2d: weight [C_in, C_out/groups, kH, kW]
    both("convT2d_basic", "convTranspose2d", xwb((2, 3, 4, 4), (3, 2, 3, 3), b=2), A + [{}], second=True)
    both("convT2d_stride2_pad1_outpad1", "convTranspose2d", xwb((2, 3, 4, 5), (3, 4, 3, 3), b=4), A + [{"stride": 2, "padding": 1, "outputPadding": 1}],
         second=True)
    both("convT2d_groups2", "convTranspose2d", xwb((2, 4, 4, 4), (4, 3, 3, 3), b=6), A + [{"groups": 2, "stride": 2}], second=True)
    both("convT2d_dilation_outpad", "convTranspose2d", xwb((1, 2, 5, 5), (2, 2, 3, 3), b=2), A + [{"dilation": 2, "outputPadding": 1}],
         second=True, note="outputPadding 1 with stride 1 (allowed because dilation 2 > 1)")
    both("convT2d_nonsquare", "convTranspose2d", xwb((2, 2, 3, 4), (2, 3, 2, 3), b=3), A + [{"stride": [2, 3], "padding": [0, 1], "outputPadding": [1, 2]}])
    both("convT2d_no_bias", "convTranspose2d", xwb((2, 3, 4, 4), (3, 2, 4, 4), b=False), A2 + [{"stride": 2, "padding": 1}])
    for dt, sfx in ((F32, "f32"), (F64, "f64")):
        case(f"convT2d_unbatched_{sfx}", "convTranspose2d", [In(rn(2, 3, 3, dt=dt)), In(rn(2, 3, 2, 2, dt=dt)), In(rn(3, dt=dt))], A + [{"stride": 2}])

    # layers, loaded from PyTorch's state dict
    both("Conv2d_module", "Conv2d", xwb((2, 3, 8, 8), (4, 3, 3, 3)), [3, 4, 3, {"stride": 2, "padding": 1}], call="module")
    both("Conv2d_module_groups_nobias", "Conv2d", xwb((1, 4, 6, 6), (4, 2, 3, 3), b=False), [4, 4, 3, {"groups": 2, "bias": False}], call="module")
    both("Conv2d_module_same", "Conv2d", xwb((1, 2, 5, 6), (3, 2, 2, 4)), [2, 3, [2, 4], {"padding": "same"}], call="module")
    both("Conv1d_module", "Conv1d", xwb((2, 2, 12), (3, 2, 5)), [2, 3, 5, {"padding": 2, "dilation": 1}], call="module")
    both("ConvTranspose2d_module", "ConvTranspose2d", xwb((1, 4, 3, 3), (4, 2, 3, 3), b=2), [4, 2, 3, {"stride": 2, "outputPadding": 1}], call="module")


def gen_pool():
    FILES.append(File("conv_pool", 7007))
    X = [R(0)]

    def x_(*shape, view=None, grad=True):
        return lambda dt: [In(rn(*shape, dt=dt), grad=grad, view=view)]

    # maxPool2d
    both("maxPool2d_k2", "maxPool2d", x_(2, 3, 6, 6), X + [2])
    both("maxPool2d_k3_s2_p1", "maxPool2d", x_(2, 2, 7, 7), X + [3, {"stride": 2, "padding": 1}])
    both("maxPool2d_ceil", "maxPool2d", x_(1, 2, 7, 8), X + [3, {"stride": 2, "ceilMode": True}], note="ceilMode: a last partial window")
    both("maxPool2d_ceil_pad", "maxPool2d", x_(1, 2, 6, 6), X + [2, {"stride": 2, "padding": 1, "ceilMode": True}],
         note="ceilMode with padding: the window starting past the end is dropped")
    both("maxPool2d_dilation", "maxPool2d", x_(1, 2, 9, 9), X + [3, {"stride": 1, "dilation": 2, "padding": 1}])
    both("maxPool2d_nonsquare", "maxPool2d", x_(2, 2, 7, 9), X + [[2, 3], {"stride": [1, 2], "padding": [1, 0]}])
    both("maxPool2d_overlapping", "maxPool2d", x_(1, 3, 5, 5), X + [3, {"stride": 1}], note="overlapping windows: gradients add up")
    both("maxPool2d_indices", "maxPool2d", x_(2, 2, 5, 6), X + [2, {"returnIndices": True, "ceilMode": True}])
    for dt, sfx in ((F32, "f32"), (F64, "f64")):
        case(f"maxPool2d_unbatched_{sfx}", "maxPool2d", [In(rn(3, 6, 4, dt=dt))], X + [2])
        case(f"maxPool2d_noncontig_{sfx}", "maxPool2d", [In(rn(2, 6, 6, 3, dt=dt), view=[{"permute": [0, 3, 1, 2]}])], X + [2, {"stride": 1}])
    ties = torch.tensor([[[[1.0, 1.0, 2.0, 2.0], [1.0, 0.0, 2.0, 2.0], [3.0, 3.0, -1.0, -1.0], [3.0, 3.0, -1.0, -1.0]]]])
    case("maxPool2d_ties_f32", "maxPool2d", [In(ties.to(F32))], X + [2, {"returnIndices": True}], note="ties: the first maximum in the window wins")
    case("maxPool2d_ties_overlap_f64", "maxPool2d", [In(ties.to(F64))], X + [3, {"stride": 1, "padding": 1, "returnIndices": True}])
    nanx = rn(1, 1, 4, 4)
    nanx[0, 0, 0, 1] = float("nan")
    nanx[0, 0, 2, 2] = float("-inf")
    case("maxPool2d_nan_inf_f64", "maxPool2d", [In(nanx, grad=False)], X + [2, {"returnIndices": True}], note="NaN propagates; -inf is a value")

    # maxPool1d
    both("maxPool1d_basic", "maxPool1d", x_(2, 3, 9), X + [2])
    both("maxPool1d_options", "maxPool1d", x_(2, 2, 11), X + [3, {"stride": 2, "padding": 1, "dilation": 2, "ceilMode": True, "returnIndices": True}])

    # avgPool2d
    both("avgPool2d_k2", "avgPool2d", x_(2, 3, 6, 6), X + [2])
    both("avgPool2d_k3_s2_p1", "avgPool2d", x_(2, 2, 7, 7), X + [3, {"stride": 2, "padding": 1}], second=True)
    both("avgPool2d_exclude_pad", "avgPool2d", x_(2, 2, 7, 7), X + [3, {"stride": 2, "padding": 1, "countIncludePad": False}])
    both("avgPool2d_ceil_pad", "avgPool2d", x_(1, 2, 6, 7), X + [3, {"stride": 2, "padding": 1, "ceilMode": True}],
         note="ceilMode with padding: the overhang past the padding is not in the divisor")
    both("avgPool2d_ceil_exclude_pad", "avgPool2d", x_(1, 2, 6, 7), X + [3, {"stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False}])
    both("avgPool2d_divisor_override", "avgPool2d", x_(1, 2, 6, 6), X + [3, {"stride": 2, "padding": 1, "divisorOverride": 5}])
    both("avgPool2d_nonsquare", "avgPool2d", x_(2, 2, 7, 9), X + [[3, 2], {"stride": [2, 1], "padding": [1, 1]}])
    for dt, sfx in ((F32, "f32"), (F64, "f64")):
        case(f"avgPool2d_unbatched_{sfx}", "avgPool2d", [In(rn(3, 6, 4, dt=dt))], X + [2])
        case(f"avgPool2d_noncontig_{sfx}", "avgPool2d", [In(rn(2, 5, 5, 3, dt=dt), view=[{"permute": [0, 3, 1, 2]}])], X + [2, {"stride": 1}])

    # avgPool1d
    both("avgPool1d_basic", "avgPool1d", x_(2, 3, 9), X + [3])
    both("avgPool1d_options", "avgPool1d", x_(2, 2, 10), X + [3, {"stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False}])

    # adaptiveAvgPool2d
    both("adaptiveAvgPool2d_3_from_7", "adaptiveAvgPool2d", x_(2, 3, 7, 7), X + [3], second=True, note="windows overlap: 7 does not divide by 3")
    both("adaptiveAvgPool2d_2x5_from_5x7", "adaptiveAvgPool2d", x_(2, 2, 5, 7), X + [[2, 5]])
    both("adaptiveAvgPool2d_keep_h", "adaptiveAvgPool2d", x_(1, 2, 5, 8), X + [[None, 3]], note="null keeps that input size")
    both("adaptiveAvgPool2d_global", "adaptiveAvgPool2d", x_(2, 4, 5, 6), X + [1])
    both("adaptiveAvgPool2d_upsample", "adaptiveAvgPool2d", x_(1, 2, 3, 4), X + [[5, 6]], note="output larger than input: windows repeat")
    for dt, sfx in ((F32, "f32"), (F64, "f64")):
        case(f"adaptiveAvgPool2d_unbatched_{sfx}", "adaptiveAvgPool2d", [In(rn(3, 6, 5, dt=dt))], X + [[4, 3]])

    # adaptiveAvgPool1d
    both("adaptiveAvgPool1d_4_from_10", "adaptiveAvgPool1d", x_(2, 3, 10), X + [4])

    # layers
    def mod(name, op, shape, args, note=None):
        for dt, sfx in ((F32, "f32"), (F64, "f64")):
            case(f"{name}_{sfx}", op, [In(rn(*shape, dt=dt))], args, call="module", note=note)
    mod("MaxPool2d_module", "MaxPool2d", (2, 3, 8, 8), [2])
    mod("MaxPool2d_module_options", "MaxPool2d", (1, 2, 7, 7), [3, {"stride": 2, "padding": 1, "ceilMode": True}])
    mod("AvgPool2d_module", "AvgPool2d", (2, 3, 7, 7), [3, {"stride": 2, "padding": 1, "countIncludePad": False}])
    mod("AdaptiveAvgPool2d_module", "AdaptiveAvgPool2d", (2, 3, 7, 9), [[3, 4]])
    mod("MaxPool1d_module", "MaxPool1d", (2, 3, 9), [3, {"stride": 2}])
    mod("AvgPool1d_module", "AvgPool1d", (2, 3, 9), [3, {"stride": 2, "padding": 1}])


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    gen_conv()
    gen_pool()
    for path, f, text in write_fixture_files(FILES, "tools/oracle/gen_nn_conv.py", OUT_DIR):
        print(f"{path}: {len(f.cases)} cases ({sum(1 for c in f.cases if 'second' in c)} with second order), {len(text) / 1e6:.2f} MB")


if __name__ == "__main__":
    warnings.filterwarnings("ignore", message="Using padding='same'")
    torch.set_default_dtype(torch.float32)
    sys.exit(main())
