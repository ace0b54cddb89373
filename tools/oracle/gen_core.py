#!/usr/bin/env python3
"""Writes PyTorch parity fixtures for gradlab's core ops to test/fixtures/core/*.json.

Run with `/usr/bin/python3 tools/oracle/gen_core.py` (or `npm run oracle`). Every case names
a gradlab op and its arguments in gradlab's own calling form (camelCase, options objects);
this script interprets the same arguments with PyTorch (the TORCH table below) and stores
the forward outputs, the first-order gradients of sum(out * upstream) and, for some cases,
second-order gradients. test/ops/parity.test.ts replays each case with gradlab. The fixture
format is described in tools/oracle/README.md.
"""
import json
import math
import os
import platform
import sys

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "test", "fixtures", "core")

F64, F32, I64, BOOL = torch.float64, torch.float32, torch.int64, torch.bool
TOL = {"float64": 1e-10, "float32": 1e-5}

# ---- argument markers (the JSON form gradlab's harness decodes) ------------------------


def R(i):
    """Reference to input i (after its view transforms)."""
    return {"$t": i}


def SL(start=None, stop=None, step=None):
    """A Python slice, gradlab's gl.sl(start, stop, step)."""
    return {"$sl": [start, stop, step]}


UNDEF = {"$undef": True}  # an omitted positional argument (JS undefined)


# ---- encoding ---------------------------------------------------------------------------


def dtype_name(dt):
    if dt == F64:
        return "float64"
    if dt == F32:
        return "float32"
    if dt == BOOL:
        return "bool"
    if dt in (torch.int64, torch.int32):
        return "int32"  # gradlab's only integer dtype; values stay small
    raise ValueError(f"unsupported dtype {dt}")


def enc_num(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v  # json writes repr(), which round-trips float64 exactly
    return int(v)


def enc_tensor(t):
    t = t.detach()
    return {
        "data": [enc_num(v) for v in t.reshape(-1).tolist()],
        "shape": list(t.shape),
        "dtype": dtype_name(t.dtype),
    }


def enc_grad(t):
    """A gradient: the data and shape only (its dtype is its input's)."""
    if t is None:
        return None
    e = enc_tensor(t)
    return {"data": e["data"], "shape": e["shape"]}


# ---- inputs and view transforms -------------------------------------------------------


class In:
    """One input: a base tensor (the leaf), whether it requires grad, and view transforms."""

    def __init__(self, t, grad=None, view=None):
        self.t = t.detach().clone()
        self.grad = t.is_floating_point() if grad is None else grad
        self.view = view or []


def apply_view(x, step):
    (kind, arg), = step.items()
    if kind == "transpose":
        return x.transpose(arg[0], arg[1])
    if kind == "permute":
        return x.permute(*arg)
    if kind == "slice":
        d, s, e, st = arg
        d = d % x.dim()
        return x[(slice(None),) * d + (slice(s, e, st),)]
    if kind == "expand":
        return x.expand(*arg)
    if kind == "clone":
        return x.clone()
    if kind == "sym":
        return x + x.transpose(-2, -1)
    raise ValueError(kind)


# ---- gradlab call -> PyTorch -----------------------------------------------------------


def opt(o, key, default=None):
    return default if o is None or key not in o else o[key]


class _Undef:
    def __repr__(self):
        return "UNDEF"


UNDEF_V = _Undef()


def d_(args, i, default=UNDEF_V):
    return args[i] if len(args) > i else default


def sizes(args):
    return list(args[0]) if len(args) == 1 and isinstance(args[0], list) else list(args)


def t_add(a, b, alpha=UNDEF_V):
    return a + (b if alpha is UNDEF_V else alpha * b) if not torch.is_tensor(a) else torch.add(a, b, **({} if alpha is UNDEF_V else {"alpha": alpha}))


def t_sub(a, b, alpha=UNDEF_V):
    return a - (b if alpha is UNDEF_V else alpha * b) if not torch.is_tensor(a) else torch.sub(a, b, **({} if alpha is UNDEF_V else {"alpha": alpha}))


def t_reduce(fn, allfn=None):
    """sum/mean/amax/...: (x, dim?, keepdim?)."""
    def run(x, dim=UNDEF_V, keepdim=UNDEF_V):
        k = False if keepdim is UNDEF_V else keepdim
        if dim is UNDEF_V or dim is None:
            return allfn(x) if allfn else fn(x)
        return fn(x, dim, keepdim=k)
    return run


def t_maxmin(fn):
    def run(x, dim=UNDEF_V, keepdim=UNDEF_V):
        if dim is UNDEF_V:
            return fn(x)
        r = fn(x, dim, keepdim=False if keepdim is UNDEF_V else keepdim)
        return {"values": r.values, "indices": r.indices}
    return run


def t_varstd(fn):
    def run(x, dim=UNDEF_V, o=UNDEF_V):
        o = None if o is UNDEF_V else o
        kw = {"correction": opt(o, "correction", 1), "keepdim": opt(o, "keepdim", False)}
        return fn(x, None if dim is UNDEF_V else dim, **kw)
    return run


def t_norm(x, p=UNDEF_V, dim=UNDEF_V, keepdim=UNDEF_V):
    p = "fro" if p is UNDEF_V else (float(p) if p in ("inf", "-inf") else p)
    return torch.norm(x, p=p, dim=None if dim is UNDEF_V else dim, keepdim=False if keepdim is UNDEF_V else keepdim)


def t_slice(x, dim, start=UNDEF_V, end=UNDEF_V, step=UNDEF_V):
    d = dim % x.dim()
    s = None if start is UNDEF_V else start
    e = None if end is UNDEF_V else end
    st = None if step is UNDEF_V else step
    return x[(slice(None),) * d + (slice(s, e, st),)]


def t_index(x, *items):
    return x[tuple(items)]


def t_index_put(x, items, value):
    y = x.clone()
    y[tuple(items)] = value
    return y


def t_lin_norm(A, o=UNDEF_V):
    o = None if o is UNDEF_V else o
    ord_ = opt(o, "ord")
    if ord_ in ("inf", "-inf"):
        ord_ = float(ord_)
    return torch.linalg.norm(A, ord=ord_, dim=opt(o, "dim"), keepdim=opt(o, "keepdim", False))


def t_split(x, s, dim=UNDEF_V):
    return list(torch.split(x, s, 0 if dim is UNDEF_V else dim))


def t_chunk(x, n, dim=UNDEF_V):
    return list(torch.chunk(x, n, 0 if dim is UNDEF_V else dim))


TORCH = {
    # elementwise
    "add": t_add,
    "sub": t_sub,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: torch.pow(a, b),
    "maximum": torch.maximum,
    "minimum": torch.minimum,
    "neg": torch.neg, "exp": torch.exp, "log": torch.log, "log1p": torch.log1p,
    "sqrt": torch.sqrt, "rsqrt": torch.rsqrt, "abs": torch.abs, "sign": torch.sign,
    "square": torch.square, "sin": torch.sin, "cos": torch.cos, "relu": torch.relu,
    "sigmoid": torch.sigmoid, "tanh": torch.tanh, "silu": F.silu,
    "gelu": lambda x, a=UNDEF_V: F.gelu(x, approximate="none" if a is UNDEF_V else a),
    "softplus": lambda x, beta=UNDEF_V, th=UNDEF_V: F.softplus(x, beta=1 if beta is UNDEF_V else beta, threshold=20 if th is UNDEF_V else th),
    "clamp": lambda x, lo=UNDEF_V, hi=UNDEF_V: torch.clamp(x, None if lo is UNDEF_V else lo, None if hi is UNDEF_V else hi),
    "eq": torch.eq, "ne": torch.ne, "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge,
    "where": torch.where,
    # reductions
    "sum": t_reduce(torch.sum),
    "mean": t_reduce(torch.mean),
    "max": t_maxmin(torch.max),
    "min": t_maxmin(torch.min),
    "amax": t_reduce(torch.amax),
    "amin": t_reduce(torch.amin),
    "argmax": t_reduce(torch.argmax),
    "argmin": t_reduce(torch.argmin),
    "prod": t_reduce(torch.prod),
    "logsumexp": lambda x, dim, keepdim=UNDEF_V: torch.logsumexp(x, dim, keepdim=False if keepdim is UNDEF_V else keepdim),
    "var": t_varstd(torch.var),
    "std": t_varstd(torch.std),
    "median": t_maxmin(torch.median),
    "norm": t_norm,
    "cumsum": lambda x, dim: torch.cumsum(x, dim),
    "softmax": lambda x, dim: torch.softmax(x, dim),
    "logSoftmax": lambda x, dim: torch.log_softmax(x, dim),
    # shape
    "reshape": lambda x, *s: x.reshape(sizes(s)),
    "view": lambda x, *s: x.view(sizes(s)),
    "flatten": lambda x, s=UNDEF_V, e=UNDEF_V: torch.flatten(x, 0 if s is UNDEF_V else s, -1 if e is UNDEF_V else e),
    "squeeze": lambda x, d=UNDEF_V: x.squeeze() if d is UNDEF_V else x.squeeze(d),
    "unsqueeze": lambda x, d: x.unsqueeze(d),
    "transpose": lambda x, a, b: x.transpose(a, b),
    "permute": lambda x, *p: x.permute(sizes(p)),
    "expand": lambda x, *s: x.expand(sizes(s)),
    "repeat": lambda x, *r: x.repeat(sizes(r)),
    "narrow": lambda x, d, s, n: x.narrow(d, s, n),
    "select": lambda x, d, i: x.select(d, i),
    "slice": t_slice,
    "split": t_split,
    "chunk": t_chunk,
    "cat": lambda ts, dim=UNDEF_V: torch.cat(ts, 0 if dim is UNDEF_V else dim),
    "stack": lambda ts, dim=UNDEF_V: torch.stack(ts, 0 if dim is UNDEF_V else dim),
    # indexing
    "index": t_index,
    "indexPut": t_index_put,
    "indexSelect": lambda x, d, i: torch.index_select(x, d, i),
    "gather": lambda x, d, i: torch.gather(x, d, i),
    "scatterAdd": lambda x, d, i, s: torch.scatter_add(x, d, i, s),
    "maskedFill": lambda x, m, v: torch.masked_fill(x, m, v),
    # matmul family
    "matmul": torch.matmul, "mm": torch.mm, "bmm": torch.bmm, "outer": torch.outer,
    "dot": torch.dot, "mv": torch.mv,
    # linalg
    "linalg.svd": lambda A, o=UNDEF_V: dict(zip(("U", "S", "Vh"), torch.linalg.svd(A, full_matrices=opt(None if o is UNDEF_V else o, "fullMatrices", True)))),
    "linalg.inv": torch.linalg.inv,
    "linalg.solve": torch.linalg.solve,
    "linalg.lstsq": lambda A, B: {"solution": torch.linalg.lstsq(A, B).solution},
    "linalg.pinv": torch.linalg.pinv,
    "linalg.qr": lambda A, o=UNDEF_V: dict(zip(("Q", "R"), torch.linalg.qr(A, mode=opt(None if o is UNDEF_V else o, "mode", "reduced")))),
    "linalg.eigh": lambda A, o=UNDEF_V: dict(zip(("eigenvalues", "eigenvectors"), torch.linalg.eigh(A, UPLO=opt(None if o is UNDEF_V else o, "UPLO", "L")))),
    "linalg.det": torch.linalg.det,
    "linalg.norm": t_lin_norm,
}

# How gradlab exposes each op: as a gl function, a Tensor method, or gl.linalg.<fn>.
FORMS = {
    **{k: ("fn", "method") for k in TORCH},
    "where": ("fn",), "cat": ("fn",), "stack": ("fn",),
    "index": ("method",), "indexPut": ("method",),
    **{k: ("linalg",) for k in TORCH if k.startswith("linalg.")},
}


def resolve(a, xs):
    """Turns gradlab-form JSON arguments into PyTorch values."""
    if isinstance(a, dict):
        if "$t" in a:
            return xs[a["$t"]]
        if "$sl" in a:
            return slice(*a["$sl"])
        if "$undef" in a:
            return UNDEF_V
        return {k: resolve(v, xs) for k, v in a.items()}
    if isinstance(a, list):
        return [resolve(v, xs) for v in a]
    if a == "...":
        return Ellipsis
    return a


def drop_trailing_undef(args):
    out = list(args)
    while out and out[-1] is UNDEF_V:
        out.pop()
    return out


def normalize(res):
    if torch.is_tensor(res):
        return {"out": res}
    if isinstance(res, (list, tuple)):
        return {str(i): t for i, t in enumerate(res)}
    return dict(res)


def recon(res, kind):
    """Gauge-invariant reconstructions: U diag(S) Vh, Q R, V diag(L) V^T."""
    if kind == "svd":
        U, S, Vh = res["U"], res["S"], res["Vh"]
        k = S.shape[-1]
        return (U[..., :, :k] * S.unsqueeze(-2)) @ Vh[..., :k, :]
    if kind == "qr":
        Q, R_ = res["Q"], res["R"]
        k = min(Q.shape[-1], R_.shape[-2])
        return Q[..., :, :k] @ R_[..., :k, :]
    if kind == "eigh":
        L, V = res["eigenvalues"], res["eigenvectors"]
        return (V * L.unsqueeze(-2)) @ V.transpose(-2, -1)
    raise ValueError(kind)


def apply_transform(t, step):
    if step == "abs":
        return t.abs()
    (kind, arg), = step.items()
    if kind == "narrow":
        return t.narrow(*arg)
    raise ValueError(step)


# ---- case builder ----------------------------------------------------------------------


class File:
    def __init__(self, name, seed):
        self.name, self.seed, self.cases = name, seed, []
        torch.manual_seed(seed)


FILES = []
NAMES = set()
FORM_COUNT = {}


def write_fixture_files(files, generator, out_dir=None):
    """Writes each File as <out_dir>/<name>.json: a header (generator, versions, seed,
    tolerance) and one case per line, so diffs of regenerated fixtures stay readable.
    Returns (path, file, text) per file."""
    out_dir = out_dir or OUT_DIR
    written = []
    for f in files:
        header = {
            "generator": generator,
            "torch": torch.__version__,
            "python": platform.python_version(),
            "seed": f.seed,
            "tolerance": TOL,
            "measure": "|actual - expected| <= tol * max(1, |expected|), per element",
        }
        body = ",\n".join(json.dumps(c, separators=(",", ":"), allow_nan=False) for c in f.cases)
        text = json.dumps(header, separators=(",", ":"))[:-1] + ',"cases":[\n' + body + "\n]}\n"
        path = os.path.join(out_dir, f"{f.name}.json")
        with open(path, "w") as fh:
            fh.write(text)
        written.append((path, f, text))
    return written


def cur():
    return FILES[-1]


def case(name, op, ins, args, call=None, outputs=None, second=False, note=None, upstream_mask=None):
    """Adds one case. `outputs`: {key: [transforms]} (default: every output, as is) plus
    {"recon": kind} entries; `upstream_mask`: {key: mask tensor} zeroing parts of an upstream."""
    assert name not in NAMES, name
    NAMES.add(name)
    assert op in TORCH, op
    forms = FORMS[op]
    if call is None:  # alternate between the forms gradlab offers, so each gets exercised
        n = FORM_COUNT.get(op, 0)
        FORM_COUNT[op] = n + 1
        call = forms[n % len(forms)]
    assert call in forms, (name, call)

    leaves, xs = [], []
    for spec in ins:
        leaf = spec.t.clone().requires_grad_(spec.grad)
        x = leaf
        for step in spec.view:
            x = apply_view(x, step)
        leaves.append(leaf)
        xs.append(x)
    res = normalize(TORCH[op](*drop_trailing_undef(resolve(args, xs))))

    out_specs, loss = [], None
    wanted = outputs if outputs is not None else {k: [] for k in res}
    for key, tr in wanted.items():
        if key == "recon":
            val = recon(res, tr)
            entry = {"key": "recon", "recon": tr, "compare": "recon"}
        else:
            val = res[key]
            for step in tr:
                val = apply_transform(val, step)
            entry = {"key": key, "compare": "abs" if "abs" in tr else "value"}
            if tr:
                entry["transform"] = tr
        entry.update(enc_tensor(val))
        if key != "recon":
            entry["requiresGrad"] = val.requires_grad
        if key != "recon" and val.requires_grad:
            up = torch.randn(val.shape, dtype=val.dtype)
            if upstream_mask and key in upstream_mask:
                up = up * upstream_mask[key].to(up.dtype)
            entry["upstream"] = enc_tensor(up)["data"]
            term = (val * up).sum()
            loss = term if loss is None else loss + term
        out_specs.append(entry)

    grad_leaves = [l for l in leaves if l.requires_grad]
    grads, sec = None, None
    if grad_leaves and loss is not None:  # else nothing is differentiable (argmax, comparisons)
        g = torch.autograd.grad(loss, grad_leaves, create_graph=second, allow_unused=True)
        assert all(x is not None for x in g), f"{name}: an input is unused"
        grads = [enc_grad(x) for x in g]
        if second:
            vs = [torch.randn(x.shape, dtype=x.dtype) for x in g]
            l2 = sum((x * v).sum() for x, v in zip(g, vs))
            assert l2.requires_grad, f"{name}: gradient does not depend on the inputs"
            g2 = torch.autograd.grad(l2, grad_leaves, allow_unused=True)
            sec = {"v": [enc_tensor(v)["data"] for v in vs], "grads": [enc_grad(x) for x in g2]}
    dts = [dtype_name(s.t.dtype) for s in ins if s.t.is_floating_point()]
    c = {
        "name": name,
        "op": op,
        "call": call,
        "dtype": ("float64" if "float64" in dts else "float32") if dts else dtype_name(ins[0].t.dtype),
        "inputs": [dict(enc_tensor(s.t), requiresGrad=s.grad, **({"view": s.view} if s.view else {})) for s in ins],
        "args": args,
        "outputs": out_specs,
    }
    if grads is not None:
        c["grads"] = grads
    if sec is not None:
        c["second"] = sec
    if note:
        c["note"] = note
    cur().cases.append(c)


# ---- data helpers ----------------------------------------------------------------------


def rn(*shape, dt=F64):
    return torch.randn(shape, dtype=dt)


def pos(*shape, dt=F64):
    """Positive values away from 0, for log/sqrt/pow bases."""
    return torch.rand(shape, dtype=dt) + 0.25


def distinct(*shape, dt=F64):
    """Values with no ties (a shuffled grid plus jitter) for max/min/median/sort-like ops."""
    n = 1
    for s in shape:
        n *= s
    v = torch.randperm(n).to(F64) * 0.37 - n * 0.15 + torch.rand(n, dtype=F64) * 0.1
    return v.reshape(shape).to(dt)


def ints(lo, hi, *shape):
    return torch.randint(lo, hi, shape, dtype=I64)


def small_ints_as(dt, *shape, lo=-2, hi=3):
    return torch.randint(lo, hi, shape).to(dt)


def orth(n, dt=F64):
    q, r = torch.linalg.qr(torch.randn(n, n, dtype=F64))
    return (q * torch.sign(torch.diagonal(r)).unsqueeze(0)).to(dt)


def with_svals(m, n, s, dt=F64, batch=()):
    """A matrix with given singular values (well separated, so gradients are well-posed)."""
    k = min(m, n)
    mats = []
    count = 1
    for b in batch:
        count *= b
    for _ in range(count):
        U = orth(m)[:, :k]
        V = orth(n)[:, :k]
        mats.append((U * torch.tensor(s, dtype=F64)) @ V.T)
    A = torch.stack(mats).reshape(*batch, m, n)
    return A.to(dt)


def sym_base(n, evals, dt=F64, batch=()):
    """X with X + X^T = Q diag(evals) Q^T (X itself not symmetric): input of the `sym` view."""
    count = 1
    for b in batch:
        count *= b
    mats = []
    for _ in range(count):
        Q = orth(n)
        S = (Q * torch.tensor(evals, dtype=F64)) @ Q.T
        K = torch.randn(n, n, dtype=F64)
        mats.append(0.5 * S + (K - K.T) * 0.5)
    return torch.stack(mats).reshape(*batch, n, n).to(dt)


def well(n, dt=F64, batch=()):
    """A well-conditioned square matrix (diagonally dominant)."""
    return (torch.randn(*batch, n, n, dtype=F64) * 0.5 + n * 0.6 * torch.eye(n, dtype=F64)).to(dt)


def tag(dt):
    return "f64" if dt == F64 else "f32"


# =========================================================================================
# elementwise
# =========================================================================================


def gen_elementwise():
    FILES.append(File("elementwise", 1001))
    unary_pos = {"log", "log1p", "sqrt", "rsqrt"}
    unary = ["neg", "exp", "log", "log1p", "sqrt", "rsqrt", "abs", "sign", "square", "sin", "cos",
             "relu", "sigmoid", "tanh", "silu", "softplus"]
    second_ok = {"exp", "log", "log1p", "sqrt", "rsqrt", "square", "sin", "cos", "sigmoid", "tanh", "silu", "softplus"}
    for op in unary:
        gen = pos if op in unary_pos else rn
        case(f"{op}_f64", op, [In(gen(3, 4))], [R(0)], second=op in second_ok)
        case(f"{op}_f32_transposed", op, [In(gen(4, 3, dt=F32), view=[{"transpose": [0, 1]}])], [R(0)])
        case(f"{op}_f64_sliced_3d", op, [In(gen(2, 5, 3), view=[{"slice": [1, 1, 5, 2]}])], [R(0)])
    for approx in ("none", "tanh"):
        case(f"gelu_{approx}_f64", "gelu", [In(rn(3, 4))], [R(0), approx], second=True)
        case(f"gelu_{approx}_f32_permuted", "gelu", [In(rn(2, 3, 4, dt=F32), view=[{"permute": [2, 0, 1]}])], [R(0), approx])
    case("gelu_default_f64", "gelu", [In(rn(5))], [R(0)])
    case("softplus_beta_threshold_f64", "softplus", [In(rn(3, 4) * 2)], [R(0), 2, 1.5], second=True,
         note="beta=2, threshold=1.5: entries with beta*x > threshold are linear")
    case("softplus_beta_f32", "softplus", [In(rn(6, dt=F32))], [R(0), 0.5])
    # clamp: both bounds, one bound, inputs exactly on a bound (PyTorch passes the gradient there)
    case("clamp_both_f64", "clamp", [In(rn(3, 4))], [R(0), -0.5, 0.7])
    case("clamp_min_only_f32", "clamp", [In(rn(3, 4, dt=F32))], [R(0), 0.1])
    case("clamp_max_only_f64", "clamp", [In(rn(3, 4))], [R(0), None, 0.2], note="min is null")
    case("clamp_on_bounds_f64", "clamp", [In(torch.tensor([-1.0, -0.5, 0.0, 0.5, 1.0, 2.0], dtype=F64))], [R(0), -0.5, 0.5],
         note="inputs equal to a bound get gradient 1, as in PyTorch")
    case("clamp_f32_expanded", "clamp", [In(rn(1, 4, dt=F32), view=[{"expand": [3, 4]}])], [R(0), -0.3, 0.3])

    # binary ops
    binary = ["add", "sub", "mul", "div", "pow", "maximum", "minimum"]
    for op in binary:
        ga = pos if op == "pow" else rn
        gb = (lambda *s, dt=F64: rn(*s, dt=dt) * 0.8 + 1.2) if op == "div" else rn
        sec = op in ("mul", "div", "pow")
        case(f"{op}_f64", op, [In(ga(3, 4)), In(gb(3, 4))], [R(0), R(1)], second=sec)
        case(f"{op}_f32_broadcast", op, [In(ga(3, 1, dt=F32)), In(gb(4, dt=F32))], [R(0), R(1)])
        case(f"{op}_f64_noncontig_broadcast", op,
             [In(ga(4, 3, 2), view=[{"permute": [2, 1, 0]}]), In(gb(3, 1))], [R(0), R(1)], second=sec)
        case(f"{op}_f32_expanded_sliced", op,
             [In(ga(1, 6, dt=F32), view=[{"expand": [3, 6]}]), In(gb(3, 8, dt=F32), view=[{"slice": [-1, 1, 7, 1]}])], [R(0), R(1)])
        case(f"{op}_f64_one_grad", op, [In(ga(2, 3)), In(gb(2, 3), grad=False)], [R(0), R(1)])
    # scalars on either side (Python-scalar promotion keeps the tensor's float dtype)
    for op in ("add", "sub", "mul", "div", "pow"):
        x = pos(3, 4, dt=F32) if op == "pow" else rn(3, 4, dt=F32)
        case(f"{op}_f32_tensor_scalar", op, [In(x)], [R(0), 2.5], call="method")
        y = rn(3, 4) * 0.8 + 1.5 if op in ("div",) else rn(3, 4)
        case(f"{op}_f64_scalar_tensor", op, [In(y)], [1.5, R(0)], call="fn", note="scalar first: gl.<op>(1.5, x)")
    case("pow_f64_int_exponent_negative_base", "pow", [In(rn(5))], [R(0), 3], second=True)
    case("pow_f64_fractional_exponent", "pow", [In(pos(5))], [R(0), 0.5])
    case("add_f64_alpha", "add", [In(rn(3, 4)), In(rn(4))], [R(0), R(1), 2.5])
    case("sub_f32_alpha", "sub", [In(rn(3, 4, dt=F32)), In(rn(3, 1, dt=F32))], [R(0), R(1), -0.5], call="method")
    # dtype promotion with int32 operands (PyTorch: int op float -> float; int / int -> float32)
    case("add_int32_float32", "add", [In(ints(-5, 5, 3, 4)), In(rn(3, 4, dt=F32))], [R(0), R(1)])
    case("mul_int32_float64_broadcast", "mul", [In(ints(-5, 5, 3, 1)), In(rn(4))], [R(0), R(1)])
    case("mul_int32_scalar_float", "mul", [In(ints(-5, 5, 2, 3))], [R(0), 1.5], note="int tensor * float scalar -> float32")
    case("div_int32_int32", "div", [In(ints(-9, 9, 2, 3)), In(ints(1, 4, 2, 3))], [R(0), R(1)], note="true division -> float32")
    case("add_int32_int32", "add", [In(ints(-9, 9, 2, 3)), In(ints(-9, 9, 3))], [R(0), R(1)])
    case("add_float32_float64", "add", [In(rn(3, dt=F32)), In(rn(2, 1))], [R(0), R(1)], note="float64 wins")
    # ties: PyTorch splits the gradient equally between equal inputs of maximum/minimum
    a = torch.tensor([1.0, 2.0, 3.0, -1.0], dtype=F64)
    b = torch.tensor([1.0, 1.0, 4.0, -1.0], dtype=F64)
    case("maximum_tie_f64", "maximum", [In(a), In(b)], [R(0), R(1)], note="deliberate ties: gradient halves")
    case("minimum_tie_f64", "minimum", [In(a), In(b)], [R(0), R(1)], note="deliberate ties: gradient halves")

    # comparisons (integer-valued floats so that equalities happen)
    for i, op in enumerate(["eq", "ne", "lt", "le", "gt", "ge"]):
        dt = F64 if i % 2 == 0 else F32
        case(f"{op}_{tag(dt)}_broadcast", op, [In(small_ints_as(dt, 3, 4), grad=False), In(small_ints_as(dt, 4), grad=False)], [R(0), R(1)])
        dt2 = F32 if dt == F64 else F64
        case(f"{op}_{tag(dt2)}_scalar", op, [In(small_ints_as(dt2, 2, 5), grad=False, view=[{"transpose": [0, 1]}])], [R(0), 1])
    case("lt_float32_float64", "lt", [In(rn(4, dt=F32), grad=False), In(rn(4), grad=False)], [R(0), R(1)])
    case("eq_int32_float32", "eq", [In(ints(-2, 2, 5)), In(small_ints_as(F32, 5), grad=False)], [R(0), R(1)])

    # where
    case("where_f64_broadcast", "where", [In(rn(3, 4) > 0), In(rn(3, 4)), In(rn(4))], [R(0), R(1), R(2)])
    case("where_f32_scalar_other", "where", [In(rn(2, 3) > 0), In(rn(2, 3, dt=F32))], [R(0), R(1), 0.0])
    case("where_f64_noncontig", "where", [In(rn(4, 3) > 0, view=[{"transpose": [0, 1]}]), In(rn(3, 1)), In(rn(4, 3), view=[{"transpose": [0, 1]}])],
         [R(0), R(1), R(2)])
    case("where_f32_scalar_first", "where", [In(rn(5) > 0), In(rn(5, dt=F32))], [R(0), 1.5, R(1)])

    # special values (forward only): infinities and NaN propagate as in PyTorch
    z = torch.tensor([0.0, 1.0, -1.0, 2.0], dtype=F64)
    case("log_special_f64", "log", [In(z, grad=False)], [R(0)], note="log(0) = -inf, log(-1) = nan")
    case("div_by_zero_f64", "div", [In(torch.tensor([1.0, -1.0, 0.0, 2.0], dtype=F64), grad=False),
                                    In(torch.tensor([0.0, 0.0, 0.0, 4.0], dtype=F64), grad=False)], [R(0), R(1)])
    case("sqrt_negative_f32", "sqrt", [In(torch.tensor([-1.0, 4.0, 0.0], dtype=F32), grad=False)], [R(0)])
    case("exp_overflow_f32", "exp", [In(torch.tensor([100.0, -200.0, 0.5], dtype=F32), grad=False)], [R(0)])
    case("maximum_nan_f64", "maximum", [In(torch.tensor([float("nan"), 1.0, 2.0], dtype=F64), grad=False),
                                        In(torch.tensor([0.0, float("nan"), 1.0], dtype=F64), grad=False)], [R(0), R(1)],
         note="maximum propagates NaN")
    case("sigmoid_extremes_f64", "sigmoid", [In(torch.tensor([-800.0, -30.0, 0.0, 30.0, 800.0], dtype=F64))], [R(0)])
    case("softplus_large_f32", "softplus", [In(torch.tensor([-100.0, -5.0, 0.0, 5.0, 25.0, 100.0], dtype=F32))], [R(0)])
    case("tanh_extremes_f64", "tanh", [In(torch.tensor([-40.0, -1e-8, 1e-8, 40.0], dtype=F64))], [R(0)])
    # gradients at kinks and singular points, with PyTorch's conventions
    case("abs_at_zero_f64", "abs", [In(torch.tensor([-1.0, 0.0, 2.0], dtype=F64))], [R(0)], note="d|x|/dx at 0 is 0")
    case("relu_at_zero_f32", "relu", [In(torch.tensor([-1.0, 0.0, 2.0], dtype=F32))], [R(0)], note="relu'(0) = 0")
    # relu's gradient is threshold_backward: it passes where the output is NaN (NaN is not <= 0)
    # and is 0 at 0, -0 and -inf. The generator is put back after, so later cases keep their values.
    rng = torch.get_rng_state()
    specials = [float("nan"), -1.0, 0.0, -0.0, 2.0, float("inf"), float("-inf")]
    for dt, suffix in ((F32, "f32"), (F64, "f64")):
        case(f"relu_specials_{suffix}", "relu", [In(torch.tensor(specials, dtype=dt))], [R(0)], call="method",
             note="the gradient passes where the output is NaN; 0 at 0, -0 and -inf")
    torch.set_rng_state(rng)
    case("sqrt_at_zero_f64", "sqrt", [In(torch.tensor([0.0, 1.0, 4.0], dtype=F64))], [R(0)], note="gradient at 0 is inf")
    case("pow_zero_base_f64", "pow", [In(torch.tensor([0.0, 0.0, 1.5, 2.0], dtype=F64)), In(torch.tensor([0.0, 2.0, 0.0, 3.0], dtype=F64))],
         [R(0), R(1)], note="0^0 = 1; PyTorch gives 0 (not nan) gradients at base 0")
    case("clamp_min_gt_max_f64", "clamp", [In(torch.tensor([-1.0, 0.5, 2.0], dtype=F64))], [R(0), 1.0, 0.0],
         note="min > max: every entry becomes max, gradient 0")
    case("exp_0d_f64", "exp", [In(torch.tensor(0.7, dtype=F64))], [R(0)])
    case("mul_0d_broadcast_f32", "mul", [In(torch.tensor(1.5, dtype=F32)), In(rn(2, 3, dt=F32))], [R(0), R(1)], note="0-d tensor times [2,3]")
    case("maximum_int32_float32", "maximum", [In(ints(-3, 3, 4)), In(rn(4, dt=F32))], [R(0), R(1)])
    case("where_int32_branches", "where", [In(rn(5) > 0), In(ints(-3, 3, 5)), In(ints(-3, 3, 5))], [R(0), R(1), R(2)])


# =========================================================================================
# reductions
# =========================================================================================


def gen_reduce():
    FILES.append(File("reduce", 2002))
    for op in ("sum", "mean"):
        case(f"{op}_all_f64", op, [In(rn(3, 4))], [R(0)])
        case(f"{op}_all_f32_transposed", op, [In(rn(5, 3, dt=F32), view=[{"transpose": [0, 1]}])], [R(0)])
        case(f"{op}_dim1_f64", op, [In(rn(3, 4))], [R(0), 1])
        case(f"{op}_negdim_keepdim_f32", op, [In(rn(2, 3, 4, dt=F32))], [R(0), -1, True])
        case(f"{op}_dims_list_f64", op, [In(rn(2, 3, 4))], [R(0), [0, 2]])
        case(f"{op}_dims_neg_keepdim_permuted_f64", op, [In(rn(2, 3, 4), view=[{"permute": [1, 2, 0]}])], [R(0), [-1, 0], True])
        case(f"{op}_expanded_f32", op, [In(rn(3, 1, dt=F32), view=[{"expand": [3, 5]}])], [R(0), 0])
        case(f"{op}_sliced_f64", op, [In(rn(4, 7), view=[{"slice": [1, 1, 7, 3]}])], [R(0), 1, True])
    case("sum_int32", "sum", [In(ints(-9, 9, 3, 4))], [R(0), 1])
    case("mean_dim0_1d_f64", "mean", [In(rn(7))], [R(0), 0])

    for op in ("max", "min"):
        case(f"{op}_all_f64", op, [In(distinct(3, 4))], [R(0)])
        case(f"{op}_all_f32_permuted", op, [In(distinct(2, 3, 4, dt=F32), view=[{"permute": [2, 0, 1]}])], [R(0)])
        case(f"{op}_dim1_f64", op, [In(distinct(3, 4))], [R(0), 1])
        case(f"{op}_negdim_keepdim_f32", op, [In(distinct(2, 3, 4, dt=F32))], [R(0), -2, True])
        case(f"{op}_dim0_transposed_f64", op, [In(distinct(4, 3), view=[{"transpose": [0, 1]}])], [R(0), 0])
    tie = torch.tensor([[1.0, 3.0, 3.0], [2.0, 0.0, 3.0]], dtype=F64)
    case("max_all_tie_f64", "max", [In(tie)], [R(0)], note="deliberate ties: PyTorch spreads the gradient evenly over all maxima")
    case("max_dim_tie_f64", "max", [In(tie)], [R(0), 1], note="deliberate ties: the first maximal index is returned and gets the gradient")
    case("min_dim_tie_f32", "min", [In(torch.tensor([[2.0, 1.0, 1.0], [0.0, 5.0, 0.0]], dtype=F32))], [R(0), -1],
         note="deliberate ties: the first minimal index is returned and gets the gradient")

    for op in ("amax", "amin"):
        case(f"{op}_all_f64", op, [In(distinct(3, 4))], [R(0)])
        case(f"{op}_dim_f32", op, [In(distinct(3, 4, dt=F32))], [R(0), 1])
        case(f"{op}_dims_keepdim_f64", op, [In(distinct(2, 3, 4))], [R(0), [0, -1], True])
        case(f"{op}_negdim_noncontig_f64", op, [In(distinct(4, 3), view=[{"transpose": [0, 1]}])], [R(0), -1])
    case("amax_tie_f64", "amax", [In(tie)], [R(0), 1], note="deliberate ties: PyTorch spreads the gradient evenly over equal maxima")
    case("amin_all_tie_f32", "amin", [In(torch.tensor([[0.0, 1.0], [0.0, 0.0]], dtype=F32))], [R(0)],
         note="deliberate ties: the gradient is spread evenly")

    for op in ("argmax", "argmin"):
        case(f"{op}_all_f64", op, [In(distinct(3, 4))], [R(0)])
        case(f"{op}_dim_f32", op, [In(distinct(3, 4, dt=F32))], [R(0), 1])
        case(f"{op}_negdim_keepdim_f64", op, [In(distinct(2, 3, 4), view=[{"permute": [0, 2, 1]}])], [R(0), -1, True])

    case("prod_all_f64", "prod", [In(pos(2, 3))], [R(0)], second=True)
    case("prod_dim_f64", "prod", [In(rn(3, 4))], [R(0), 1], second=True)
    case("prod_negdim_keepdim_f32", "prod", [In(rn(2, 3, 4, dt=F32))], [R(0), -1, True])
    case("prod_one_zero_f64", "prod", [In(torch.tensor([[2.0, 0.0, 3.0], [1.5, -2.0, 0.5]], dtype=F64))], [R(0), 1],
         note="a zero in the row: its gradient is the product of the others")
    case("prod_two_zeros_f64", "prod", [In(torch.tensor([0.0, 2.0, 0.0, 3.0], dtype=F64))], [R(0)], note="two zeros: gradient is zero")
    case("prod_transposed_f32", "prod", [In(rn(4, 3, dt=F32), view=[{"transpose": [0, 1]}])], [R(0), 0])

    case("logsumexp_dim_f64", "logsumexp", [In(rn(3, 4))], [R(0), 1], second=True)
    case("logsumexp_dims_keepdim_f64", "logsumexp", [In(rn(2, 3, 4))], [R(0), [0, 2], True])
    case("logsumexp_negdim_f32", "logsumexp", [In(rn(3, 4, dt=F32))], [R(0), -1])
    case("logsumexp_large_f64", "logsumexp", [In(rn(3, 4) * 10 + 1000)], [R(0), 1], note="stability: values near 1000")
    case("logsumexp_large_f32_transposed", "logsumexp", [In(rn(4, 3, dt=F32) * 5 - 500, view=[{"transpose": [0, 1]}])], [R(0), 0])

    for op in ("var", "std"):
        case(f"{op}_all_f64", op, [In(rn(3, 4))], [R(0)], second=True)
        case(f"{op}_dim_f64", op, [In(rn(3, 4))], [R(0), 1], second=True)
        case(f"{op}_correction0_keepdim_f32", op, [In(rn(3, 5, dt=F32))], [R(0), -1, {"correction": 0, "keepdim": True}])
        case(f"{op}_dims_f64", op, [In(rn(2, 3, 4))], [R(0), [0, 2]])
        case(f"{op}_all_correction0_f32", op, [In(rn(4, 3, dt=F32), view=[{"transpose": [0, 1]}])], [R(0), UNDEF, {"correction": 0}])
        case(f"{op}_correction2_f64", op, [In(rn(6, 4))], [R(0), 0, {"correction": 2}])
        case(f"{op}_expanded_f64", op, [In(rn(1, 5), view=[{"expand": [3, 5]}])], [R(0), 1])

    case("median_all_odd_f64", "median", [In(distinct(3, 5))], [R(0)])
    case("median_all_even_f64", "median", [In(distinct(2, 4))], [R(0)], note="even count: the lower of the two middle values")
    case("median_dim_f32", "median", [In(distinct(3, 5, dt=F32))], [R(0), 1])
    case("median_dim_even_f64", "median", [In(distinct(3, 4))], [R(0), 1], note="even count: the lower middle value")
    case("median_negdim_keepdim_f64", "median", [In(distinct(2, 3, 4), view=[{"permute": [2, 1, 0]}])], [R(0), -1, True])
    case("median_all_f32_transposed", "median", [In(distinct(4, 3, dt=F32), view=[{"transpose": [0, 1]}])], [R(0)])

    case("norm_default_f64", "norm", [In(rn(3, 4))], [R(0)], second=True, note="p defaults to 'fro' (2-norm of all entries)")
    case("norm_p2_dim_f64", "norm", [In(rn(3, 4))], [R(0), 2, 1], second=True)
    case("norm_p1_dim_keepdim_f32", "norm", [In(rn(3, 4, dt=F32))], [R(0), 1, -1, True])
    case("norm_pinf_dim_f64", "norm", [In(distinct(3, 4))], [R(0), "inf", 1], note="p = 'inf' is the max-abs norm")
    case("norm_p3_f64", "norm", [In(rn(2, 3, 4))], [R(0), 3, [1, 2]])
    case("norm_fro_dims_f32", "norm", [In(rn(2, 3, 4, dt=F32), view=[{"permute": [1, 0, 2]}])], [R(0), "fro", [0, 2]])
    case("norm_p2_all_f32", "norm", [In(rn(5, dt=F32))], [R(0), 2])

    case("cumsum_dim0_f64", "cumsum", [In(rn(4, 3))], [R(0), 0])
    case("cumsum_negdim_f32", "cumsum", [In(rn(2, 3, 4, dt=F32))], [R(0), -1])
    case("cumsum_transposed_f64", "cumsum", [In(rn(5, 3), view=[{"transpose": [0, 1]}])], [R(0), 1])
    case("cumsum_int32", "cumsum", [In(ints(-5, 5, 6))], [R(0), 0])

    # integer inputs, NaN/-inf propagation, 0-d inputs and other edges
    case("sum_bool", "sum", [In(rn(3, 4) > 0)], [R(0)], note="bool sums to an integer (int64 in PyTorch, int32 here)")
    case("max_int32_dim", "max", [In(torch.randperm(12).reshape(3, 4))], [R(0), 1])
    case("amax_int32", "amax", [In(torch.randperm(12).reshape(3, 4) - 5)], [R(0), 0])
    case("argmin_int32", "argmin", [In(torch.randperm(10) - 3)], [R(0)])
    case("median_int32_dim", "median", [In(torch.randperm(15).reshape(3, 5))], [R(0), -1])
    case("prod_int32", "prod", [In(ints(1, 4, 2, 3))], [R(0), 1])
    case("max_dim_nan_f64", "max", [In(torch.tensor([[1.0, float("nan"), 3.0], [2.0, 0.0, 1.0]], dtype=F64), grad=False)], [R(0), 1],
         note="NaN propagates: value NaN, index of the NaN")
    case("amax_nan_f32", "amax", [In(torch.tensor([[1.0, float("nan")], [2.0, 0.5]], dtype=F32), grad=False)], [R(0), -1])
    case("sum_nan_inf_f64", "sum", [In(torch.tensor([[1.0, float("inf")], [float("-inf"), float("inf")]], dtype=F64), grad=False)], [R(0), 0])
    case("logsumexp_neg_inf_f64", "logsumexp", [In(torch.tensor([float("-inf"), 0.0, 1.0], dtype=F64))], [R(0), 0],
         note="an -inf entry has weight 0 and gradient 0")
    case("logsumexp_all_neg_inf_f64", "logsumexp", [In(torch.tensor([[float("-inf"), float("-inf")], [0.0, 1.0]], dtype=F64), grad=False)], [R(0), 1],
         note="a row of -inf gives -inf (not nan)")
    case("softmax_neg_inf_f64", "softmax", [In(torch.tensor([[0.0, float("-inf"), 1.0], [float("-inf"), 2.0, 3.0]], dtype=F64))], [R(0), 1],
         note="masked entries (-inf) get probability 0 and gradient 0")
    case("logSoftmax_neg_inf_f32", "logSoftmax", [In(torch.tensor([[0.0, float("-inf"), 1.0]], dtype=F32), grad=False)], [R(0), -1])
    case("var_single_element_f64", "var", [In(torch.tensor([5.0], dtype=F64), grad=False)], [R(0)], note="N - correction = 0: nan")
    case("var_correction_N_f32", "var", [In(rn(2, 3, dt=F32), grad=False)], [R(0), 1, {"correction": 3}], note="divides by 0: inf")
    case("sum_0d_f64", "sum", [In(torch.tensor(2.5, dtype=F64))], [R(0)])
    case("mean_0d_dim_f32", "mean", [In(torch.tensor(-1.5, dtype=F32))], [R(0), 0], note="dim 0 of a 0-d tensor is allowed")
    case("softmax_0d_f64", "softmax", [In(torch.tensor(0.3, dtype=F64))], [R(0), 0])
    case("max_dim_size1_f64", "max", [In(rn(3, 1))], [R(0), 1, True])
    case("cumsum_0d_f64", "cumsum", [In(torch.tensor(1.25, dtype=F64))], [R(0), 0])
    case("mean_dims_keepdim_expanded_f32", "mean", [In(rn(3, 1, 2, dt=F32), view=[{"expand": [3, 4, 2]}])], [R(0), [0, 1], True])

    for op in ("softmax", "logSoftmax"):
        case(f"{op}_lastdim_f64", op, [In(rn(3, 4))], [R(0), -1], second=True)
        case(f"{op}_dim0_f32", op, [In(rn(3, 4, dt=F32))], [R(0), 0])
        case(f"{op}_3d_dim1_permuted_f64", op, [In(rn(2, 3, 4), view=[{"permute": [2, 0, 1]}])], [R(0), 1], second=True)
        case(f"{op}_large_f32", op, [In(rn(2, 5, dt=F32) * 10 + 500)], [R(0), 1], note="stability: values near 500")
        case(f"{op}_sliced_f64", op, [In(rn(3, 8), view=[{"slice": [1, 0, 8, 2]}])], [R(0), 1])


# =========================================================================================
# shape ops, split/chunk, cat/stack
# =========================================================================================


def gen_shape():
    FILES.append(File("shape", 3003))
    case("reshape_f64", "reshape", [In(rn(3, 4))], [R(0), 2, 6])
    case("reshape_infer_f32", "reshape", [In(rn(2, 3, 4, dt=F32))], [R(0), [4, -1]])
    case("reshape_transposed_copy_f64", "reshape", [In(rn(3, 4), view=[{"transpose": [0, 1]}])], [R(0), 12])
    case("reshape_to_scalar_f64", "reshape", [In(rn(1, 1))], [R(0), []])
    case("view_f64", "view", [In(rn(2, 6))], [R(0), 3, 2, 2])
    case("view_sliced_rows_f32", "view", [In(rn(6, 4, dt=F32), view=[{"slice": [0, 1, 5, 1]}])], [R(0), [2, 2, 4]])
    case("flatten_all_f64", "flatten", [In(rn(2, 3, 4))], [R(0)])
    case("flatten_range_f32", "flatten", [In(rn(2, 3, 4, 2, dt=F32))], [R(0), 1, 2])
    case("flatten_neg_permuted_f64", "flatten", [In(rn(2, 3, 4), view=[{"permute": [2, 0, 1]}])], [R(0), -2, -1])
    case("squeeze_all_f64", "squeeze", [In(rn(1, 3, 1, 2))], [R(0)])
    case("squeeze_dim_f32", "squeeze", [In(rn(3, 1, 2, dt=F32))], [R(0), 1])
    case("squeeze_negdim_f64", "squeeze", [In(rn(3, 2, 1))], [R(0), -1])
    case("squeeze_not_one_f64", "squeeze", [In(rn(3, 2))], [R(0), 0], note="dim of size 3: no-op")
    case("unsqueeze_0_f64", "unsqueeze", [In(rn(3, 2))], [R(0), 0])
    case("unsqueeze_neg_f32", "unsqueeze", [In(rn(3, 2, dt=F32))], [R(0), -1])
    case("unsqueeze_mid_transposed_f64", "unsqueeze", [In(rn(3, 2), view=[{"transpose": [0, 1]}])], [R(0), 1])
    case("transpose_f64", "transpose", [In(rn(3, 4))], [R(0), 0, 1])
    case("transpose_neg_3d_f32", "transpose", [In(rn(2, 3, 4, dt=F32))], [R(0), -1, 0])
    case("permute_f64", "permute", [In(rn(2, 3, 4))], [R(0), 2, 0, 1])
    case("permute_neg_sliced_f32", "permute", [In(rn(2, 6, 4, dt=F32), view=[{"slice": [1, 0, 6, 2]}])], [R(0), [-1, 0, 1]])
    case("expand_f64", "expand", [In(rn(3, 1))], [R(0), 3, 4])
    case("expand_infer_f32", "expand", [In(rn(3, 1, dt=F32))], [R(0), [2, -1, 5]], note="-1 keeps a size; new leading dim")
    case("expand_transposed_f64", "expand", [In(rn(1, 3), view=[{"transpose": [0, 1]}])], [R(0), 3, 4])
    case("repeat_f64", "repeat", [In(rn(2, 3))], [R(0), 2, 1])
    case("repeat_more_dims_f32", "repeat", [In(rn(2, 3, dt=F32))], [R(0), [2, 1, 3]])
    case("repeat_transposed_f64", "repeat", [In(rn(3, 2), view=[{"transpose": [0, 1]}])], [R(0), 1, 2])
    case("narrow_f64", "narrow", [In(rn(5, 3))], [R(0), 0, 1, 3])
    case("narrow_negdim_f32", "narrow", [In(rn(2, 3, 6, dt=F32))], [R(0), -1, 2, 2])
    case("select_f64", "select", [In(rn(3, 4))], [R(0), 1, 2])
    case("select_negindex_f32", "select", [In(rn(2, 3, 4, dt=F32), view=[{"transpose": [0, 2]}])], [R(0), -1, -1])
    case("slice_step_f64", "slice", [In(rn(3, 8))], [R(0), 1, 1, 7, 2])
    case("slice_negstart_f32", "slice", [In(rn(6, 3, dt=F32))], [R(0), 0, -4])
    case("slice_null_start_step3_negdim_f64", "slice", [In(rn(2, 10))], [R(0), -1, None, None, 3])
    case("slice_negbounds_transposed_f64", "slice", [In(rn(7, 3), view=[{"transpose": [0, 1]}])], [R(0), 1, -6, -1, 2])

    case("split_size_uneven_f64", "split", [In(rn(7, 3))], [R(0), 3])
    case("split_sections_f32", "split", [In(rn(3, 6, dt=F32))], [R(0), [1, 3, 2], 1])
    case("split_negdim_transposed_f64", "split", [In(rn(5, 4), view=[{"transpose": [0, 1]}])], [R(0), 2, -1])
    case("chunk_even_f64", "chunk", [In(rn(6, 2))], [R(0), 3])
    case("chunk_uneven_f32", "chunk", [In(rn(2, 7, dt=F32))], [R(0), 3, 1], note="chunks of 3, 3, 1")
    case("chunk_negdim_f64", "chunk", [In(rn(2, 5, 4), view=[{"permute": [0, 2, 1]}])], [R(0), 2, -1])

    case("chunk_more_than_size_f64", "chunk", [In(rn(2, 3))], [R(0), 3], note="3 chunks of a size-2 dim: 2 pieces")
    case("split_size_larger_f32", "split", [In(rn(3, 2, dt=F32))], [R(0), 5], note="one piece")
    case("expand_0d_f64", "expand", [In(torch.tensor(0.5, dtype=F64))], [R(0), 2, 3])
    case("repeat_0d_f32", "repeat", [In(torch.tensor(0.5, dtype=F32))], [R(0), 3])
    case("reshape_int32", "reshape", [In(ints(0, 9, 2, 3))], [R(0), 3, 2])
    case("cat_empty_piece_f64", "cat", [In(torch.zeros(0, 3, dtype=F64)), In(rn(2, 3))], [[R(0), R(1)], 0], note="a [0,3] piece")
    case("cat_int32", "cat", [In(ints(0, 9, 2)), In(ints(0, 9, 3))], [[R(0), R(1)]])
    case("unsqueeze_0d_f64", "unsqueeze", [In(torch.tensor(1.5, dtype=F64))], [R(0), 0])
    case("cat_dim0_f64", "cat", [In(rn(2, 3)), In(rn(4, 3))], [[R(0), R(1)], 0])
    case("cat_negdim_views_f64", "cat", [In(rn(3, 2), view=[{"transpose": [0, 1]}]), In(rn(2, 1)), In(rn(2, 8), view=[{"slice": [1, 0, 8, 2]}])],
         [[R(0), R(1), R(2)], -1])
    case("cat_default_dim_f32", "cat", [In(rn(1, 4, dt=F32)), In(rn(2, 4, dt=F32))], [[R(0), R(1)]])
    case("cat_3d_dim1_f32", "cat", [In(rn(2, 1, 3, dt=F32)), In(rn(2, 2, 3, dt=F32), grad=False), In(rn(1, 3, dt=F32), view=[{"expand": [2, 3, 3]}])],
         [[R(0), R(1), R(2)], 1])
    case("cat_promote_f32_f64", "cat", [In(rn(2, dt=F32)), In(rn(3))], [[R(0), R(1)], 0], note="float32 and float64 -> float64")
    case("stack_dim0_f64", "stack", [In(rn(2, 3)), In(rn(2, 3))], [[R(0), R(1)], 0])
    case("stack_negdim_f32", "stack", [In(rn(2, 3, dt=F32)), In(rn(3, 2, dt=F32), view=[{"transpose": [0, 1]}]), In(rn(2, 3, dt=F32))],
         [[R(0), R(1), R(2)], -1])
    case("stack_mid_default_f64", "stack", [In(rn(4)), In(rn(4))], [[R(0), R(1)]])
    case("stack_dim1_f64", "stack", [In(rn(2, 3)), In(rn(1, 3), view=[{"expand": [2, 3]}])], [[R(0), R(1)], 1])


# =========================================================================================
# indexing: x[...], indexPut, indexSelect, gather, scatterAdd, maskedFill
# =========================================================================================


def idx(*vals):
    return torch.tensor(vals, dtype=I64)


def gen_indexing():
    FILES.append(File("indexing", 4004))
    x34 = lambda dt=F64: rn(3, 4, dt=dt)
    case("index_int_f64", "index", [In(x34())], [R(0), 1])
    case("index_negint_f32", "index", [In(rn(2, 3, 4, dt=F32))], [R(0), -1, 2])
    case("index_slice_f64", "index", [In(rn(5, 4))], [R(0), SL(1, 4)])
    case("index_slice_step_second_dim_f64", "index", [In(rn(3, 7))], [R(0), SL(), SL(None, None, 2)])
    case("index_slice_neg_bounds_f32", "index", [In(rn(6, 3, dt=F32))], [R(0), SL(-4, -1)])
    case("index_newaxis_f64", "index", [In(x34())], [R(0), None, SL(), 2])
    case("index_ellipsis_f64", "index", [In(rn(2, 3, 4))], [R(0), "...", 1])
    case("index_ellipsis_newaxis_slice_f32", "index", [In(rn(2, 3, 4, dt=F32))], [R(0), 0, "...", None, SL(1, None)])
    case("index_mixed_on_view_f64", "index", [In(rn(4, 3, 5), view=[{"transpose": [0, 2]}])], [R(0), SL(1, 4, 2), -2, None])
    case("index_slice_out_of_range_f64", "index", [In(rn(4, 2))], [R(0), SL(2, 100)], note="slice bounds clamp as in Python")
    # advanced indexing (int tensors are int32 in gradlab)
    case("index_tensor_dim0_f64", "index", [In(rn(5, 3)), In(idx(4, 0, 2))], [R(0), R(1)])
    case("index_tensor_repeated_f64", "index", [In(rn(4, 3)), In(idx(1, 1, 3, 1))], [R(0), R(1)],
         note="repeated indices: the gradient accumulates")
    case("index_tensor_negative_f32", "index", [In(rn(5, dt=F32)), In(idx(-1, 0, -3))], [R(0), R(1)])
    case("index_tensor_2d_f64", "index", [In(rn(5, 3)), In(idx(0, 4, 4, 2).reshape(2, 2))], [R(0), R(1)])
    case("index_two_tensors_broadcast_f64", "index", [In(rn(4, 5)), In(idx(0, 3, 1).reshape(3, 1)), In(idx(4, 0))], [R(0), R(1), R(2)],
         note="index shapes [3,1] and [2] broadcast to [3,2]")
    case("index_slice_then_tensor_f32", "index", [In(rn(3, 5, dt=F32)), In(idx(4, 1))], [R(0), SL(), R(1)])
    case("index_separated_tensors_f64", "index", [In(rn(3, 4, 5)), In(idx(2, 0)), In(idx(1, 4))], [R(0), R(1), SL(), R(2)],
         note="advanced indices separated by a slice: their dim goes first")
    case("index_adjacent_after_slice_f64", "index", [In(rn(2, 4, 5)), In(idx(3, 0, 1)), In(idx(4, 4, 2))], [R(0), SL(), R(1), R(2)],
         note="adjacent advanced indices after a slice: their dim stays in place")
    case("index_tensor_ellipsis_f32", "index", [In(rn(2, 3, 4, dt=F32)), In(idx(3, 1))], [R(0), "...", R(1)])
    case("index_int_and_tensor_f64", "index", [In(rn(3, 4, 5)), In(idx(0, 2, 2))], [R(0), 1, R(1)],
         note="an int next to a tensor counts as an advanced index")
    case("index_bool_full_f64", "index", [In(rn(3, 4)), In(rn(3, 4) > 0.2)], [R(0), R(1)])
    case("index_bool_dim0_f32", "index", [In(rn(4, 3, dt=F32)), In(torch.tensor([True, False, True, True]))], [R(0), R(1)])
    case("index_bool_after_slice_f64", "index", [In(rn(2, 5)), In(torch.tensor([False, True, True, False, True]))], [R(0), SL(), R(1)])
    case("index_tensor_on_transposed_f64", "index", [In(rn(4, 3), view=[{"transpose": [0, 1]}]), In(idx(2, 0))], [R(0), R(1), SL(1, 3)])
    case("index_0d_tensor_f64", "index", [In(rn(4, 3)), In(torch.tensor(2, dtype=I64))], [R(0), R(1)], note="0-d int tensor index")
    case("index_int32_input_bool_mask", "index", [In(ints(-5, 5, 3, 4)), In(rn(3, 4) > 0)], [R(0), R(1)])
    case("index_bool_all_false_f64", "index", [In(rn(3, 2)), In(torch.tensor([False, False, False]))], [R(0), R(1)], note="empty selection")
    case("index_slice_then_bool_2d_f32", "index", [In(rn(2, 3, 4, dt=F32)), In(rn(3, 4) > 0)], [R(0), SL(), R(1)],
         note="a 2-d mask over dims 1 and 2")
    case("index_tensor_then_newaxis_f64", "index", [In(rn(4, 3)), In(idx(0, 3))], [R(0), R(1), None])
    # indexPut: the input view is a clone, so both in-place and out-of-place designs agree
    case("indexPut_slice_scalar_f64", "indexPut", [In(rn(3, 4), view=[{"clone": True}])], [R(0), [SL(), 1], 5.0])
    case("indexPut_tensor_value_broadcast_f64", "indexPut", [In(rn(4, 3), view=[{"clone": True}]), In(idx(3, 0)), In(rn(3))],
         [R(0), [R(1)], R(2)], note="value [3] broadcasts to the two selected rows")
    case("indexPut_bool_scalar_f32", "indexPut", [In(rn(3, 4, dt=F32), view=[{"clone": True}]), In(rn(3, 4) > 0)], [R(0), [R(1)], -1.0])
    case("indexPut_two_tensors_f64", "indexPut", [In(rn(3, 4), view=[{"clone": True}]), In(idx(0, 2, 1)), In(idx(3, 0, 1)), In(rn(3))],
         [R(0), [R(1), R(2)], R(3)])
    case("indexPut_int_slice_tensor_value_f32", "indexPut", [In(rn(2, 3, 4, dt=F32), view=[{"clone": True}]), In(rn(2, 2, dt=F32))],
         [R(0), [SL(), 1, SL(1, 3)], R(1)])

    case("gather_int32", "gather", [In(ints(-9, 9, 3, 4)), In(ints(0, 4, 3, 2))], [R(0), 1, R(1)])
    case("indexSelect_0d_input_index_f64", "indexSelect", [In(rn(5)), In(idx(3))], [R(0), 0, R(1)])
    case("indexSelect_dim0_repeats_f64", "indexSelect", [In(rn(4, 3)), In(idx(3, 0, 3, 1))], [R(0), 0, R(1)])
    case("indexSelect_negdim_f32", "indexSelect", [In(rn(2, 5, dt=F32)), In(idx(4, 2))], [R(0), -1, R(1)])
    case("indexSelect_transposed_f64", "indexSelect", [In(rn(5, 3), view=[{"transpose": [0, 1]}]), In(idx(0, 4, 4))], [R(0), 1, R(1)])

    case("gather_dim0_f64", "gather", [In(rn(3, 4)), In(ints(0, 3, 2, 4))], [R(0), 0, R(1)])
    case("gather_dim1_f32", "gather", [In(rn(3, 4, dt=F32)), In(ints(0, 4, 3, 6))], [R(0), 1, R(1)], note="index wider than input")
    case("gather_negdim_smaller_f64", "gather", [In(rn(3, 4, 5)), In(ints(0, 5, 2, 3, 2))], [R(0), -1, R(1)],
         note="index smaller than input in the other dims")
    case("gather_transposed_f64", "gather", [In(rn(4, 3), view=[{"transpose": [0, 1]}]), In(ints(0, 3, 3, 2))], [R(0), 0, R(1)])

    case("scatterAdd_dim0_collisions_f64", "scatterAdd", [In(rn(3, 4)), In(ints(0, 3, 5, 4)), In(rn(5, 4))], [R(0), 0, R(1), R(2)],
         note="colliding indices add up")
    case("scatterAdd_dim1_f32", "scatterAdd", [In(rn(2, 5, dt=F32)), In(ints(0, 5, 2, 3)), In(rn(2, 4, dt=F32), grad=False)], [R(0), 1, R(1), R(2)],
         note="src larger than index: only index's extent is used (src gets no grad: torch 1.13's backward fails there)")
    case("scatterAdd_negdim_src_only_f64", "scatterAdd", [In(torch.zeros(3, 4, dtype=F64), grad=False), In(ints(0, 4, 3, 4)), In(rn(3, 4))],
         [R(0), -1, R(1), R(2)])
    case("scatterAdd_transposed_self_f64", "scatterAdd", [In(rn(4, 3), view=[{"transpose": [0, 1]}]), In(ints(0, 3, 2, 4)), In(rn(2, 4))],
         [R(0), 0, R(1), R(2)])

    case("maskedFill_scalar_f64", "maskedFill", [In(rn(3, 4)), In(rn(3, 4) > 0)], [R(0), R(1), 0.5])
    case("maskedFill_broadcast_mask_f32", "maskedFill", [In(rn(3, 4, dt=F32)), In(torch.tensor([True, False, False, True]))], [R(0), R(1), -2.0])
    case("maskedFill_tensor_value_f64", "maskedFill", [In(rn(2, 3)), In(rn(2, 3) > 0), In(torch.tensor(1.5, dtype=F64))], [R(0), R(1), R(2)],
         note="0-d tensor value: it receives the sum of the filled positions' gradients")
    case("maskedFill_transposed_f64", "maskedFill", [In(rn(4, 3), view=[{"transpose": [0, 1]}]), In(rn(3, 1) > 0)], [R(0), R(1), -1e30])


# =========================================================================================
# matmul family and linear algebra
# =========================================================================================


def gen_linalg():
    FILES.append(File("linalg", 5005))
    for dt in (F64, F32):
        t = tag(dt)
        sec = dt == F64
        case(f"matmul_2d_{t}", "matmul", [In(rn(3, 4, dt=dt)), In(rn(4, 2, dt=dt))], [R(0), R(1)], second=sec)
        case(f"matmul_1d_2d_{t}", "matmul", [In(rn(4, dt=dt)), In(rn(4, 3, dt=dt))], [R(0), R(1)])
        case(f"matmul_2d_1d_{t}", "matmul", [In(rn(3, 4, dt=dt)), In(rn(4, dt=dt))], [R(0), R(1)])
        case(f"matmul_1d_1d_{t}", "matmul", [In(rn(5, dt=dt)), In(rn(5, dt=dt))], [R(0), R(1)])
        case(f"matmul_batched_broadcast_{t}", "matmul", [In(rn(2, 1, 3, 4, dt=dt)), In(rn(5, 4, 2, dt=dt))], [R(0), R(1)], second=sec)
        case(f"matmul_3d_2d_{t}", "matmul", [In(rn(2, 3, 4, dt=dt)), In(rn(4, 5, dt=dt))], [R(0), R(1)])
        case(f"matmul_transposed_views_{t}", "matmul", [In(rn(4, 3, dt=dt), view=[{"transpose": [0, 1]}]),
                                                         In(rn(2, 5, 4, dt=dt), view=[{"transpose": [-1, -2]}])], [R(0), R(1)])
        case(f"matmul_1d_3d_{t}", "matmul", [In(rn(3, dt=dt)), In(rn(2, 3, 4, dt=dt))], [R(0), R(1)])
        case(f"mm_{t}", "mm", [In(rn(3, 4, dt=dt)), In(rn(4, 2, dt=dt))], [R(0), R(1)], second=sec)
        case(f"mm_transposed_{t}", "mm", [In(rn(4, 3, dt=dt), view=[{"transpose": [0, 1]}]), In(rn(2, 4, dt=dt), view=[{"transpose": [0, 1]}])], [R(0), R(1)])
        case(f"bmm_{t}", "bmm", [In(rn(2, 3, 4, dt=dt)), In(rn(2, 4, 5, dt=dt))], [R(0), R(1)], second=sec)
        case(f"bmm_permuted_{t}", "bmm", [In(rn(3, 2, 4, dt=dt), view=[{"permute": [1, 0, 2]}]), In(rn(1, 4, 2, dt=dt), view=[{"expand": [2, 4, 2]}])], [R(0), R(1)])
        case(f"outer_{t}", "outer", [In(rn(3, dt=dt)), In(rn(4, dt=dt))], [R(0), R(1)], second=sec)
        case(f"outer_sliced_{t}", "outer", [In(rn(6, dt=dt), view=[{"slice": [0, 0, 6, 2]}]), In(rn(2, dt=dt))], [R(0), R(1)])
    case("dot_f64", "dot", [In(rn(5)), In(rn(5))], [R(0), R(1)])
    case("mv_f32", "mv", [In(rn(3, 4, dt=F32)), In(rn(4, dt=F32))], [R(0), R(1)])
    case("matmul_int32", "matmul", [In(ints(-3, 3, 2, 3)), In(ints(-3, 3, 3, 2))], [R(0), R(1)])

    abs_all = lambda *keys: {k: ["abs"] for k in keys}
    # --- svd: compare S as is, |U| and |Vh| (columns are fixed up to sign) and U diag(S) Vh;
    # the loss uses S, |U| and |Vh|, which is invariant under the sign freedom.
    sv = [4.0, 2.5, 1.2, 0.6]
    svd_out = lambda extra=None: {"S": [], "U": ["abs"] if extra is None else [{"narrow": extra}, "abs"], "Vh": ["abs"], "recon": "svd"}
    note_svd = "gauge: compare S, |U|, |Vh| and the reconstruction U diag(S) Vh; loss on S, |U|, |Vh| is sign-invariant"
    case("svd_square_f64", "linalg.svd", [In(with_svals(4, 4, sv))], [R(0), {"fullMatrices": False}], outputs=svd_out(), note=note_svd)
    case("svd_tall_f64", "linalg.svd", [In(with_svals(5, 3, sv[:3]))], [R(0), {"fullMatrices": False}], outputs=svd_out(), note=note_svd)
    case("svd_wide_f64", "linalg.svd", [In(with_svals(3, 5, sv[:3]))], [R(0), {"fullMatrices": False}], outputs=svd_out(), note=note_svd)
    case("svd_square_f32", "linalg.svd", [In(with_svals(4, 4, sv, dt=F32))], [R(0), {"fullMatrices": False}], outputs=svd_out(), note=note_svd)
    case("svd_tall_transposed_f32", "linalg.svd", [In(with_svals(3, 4, sv[:3], dt=F32), view=[{"transpose": [0, 1]}])], [R(0), {"fullMatrices": False}],
         outputs=svd_out(), note=note_svd)
    case("svd_batched_f64", "linalg.svd", [In(with_svals(4, 3, sv[:3], batch=(2,)))], [R(0), {"fullMatrices": False}], outputs=svd_out(), note=note_svd)
    case("svd_full_square_default_f64", "linalg.svd", [In(with_svals(3, 3, sv[:3]))], [R(0)], outputs=svd_out(), note=note_svd + "; fullMatrices defaults to true")
    case("svd_full_tall_f64", "linalg.svd", [In(with_svals(5, 3, sv[:3]))], [R(0), {"fullMatrices": True}], outputs=svd_out([-1, 0, 3]),
         note=note_svd + "; U's extra columns (any basis of the complement) are not compared: U is narrowed to 3 columns")

    # --- inv, det, solve
    for dt in (F64, F32):
        t = tag(dt)
        sec = dt == F64
        case(f"inv_{t}", "linalg.inv", [In(well(4, dt=dt))], [R(0)], second=sec)
        case(f"inv_batched_{t}", "linalg.inv", [In(well(3, dt=dt, batch=(2,)))], [R(0)])
        case(f"inv_transposed_{t}", "linalg.inv", [In(well(3, dt=dt), view=[{"transpose": [0, 1]}])], [R(0)])
        case(f"det_{t}", "linalg.det", [In(well(4, dt=dt))], [R(0)], second=sec)
        case(f"det_batched_{t}", "linalg.det", [In(well(3, dt=dt, batch=(2,)))], [R(0)])
        case(f"solve_matrix_{t}", "linalg.solve", [In(well(4, dt=dt)), In(rn(4, 2, dt=dt))], [R(0), R(1)], second=sec)
        case(f"solve_vector_{t}", "linalg.solve", [In(well(3, dt=dt)), In(rn(3, dt=dt))], [R(0), R(1)])
        case(f"solve_batched_broadcast_{t}", "linalg.solve", [In(well(3, dt=dt, batch=(2,))), In(rn(3, 2, dt=dt))], [R(0), R(1)],
             note="A [2,3,3], B [3,2] broadcasts over the batch")
    d = torch.tensor([[0.0, 2.0, 0.5], [1.5, 0.3, 0.0], [0.2, 0.1, 3.0]], dtype=F64)
    case("det_negative_f64", "linalg.det", [In(d)], [R(0)], note="negative determinant (odd permutation)")
    case("det_transposed_f64", "linalg.det", [In(well(3), view=[{"transpose": [0, 1]}])], [R(0)])
    case("inv_second_sliced_f64", "linalg.inv", [In(well(6), view=[{"slice": [0, 0, 6, 2]}, {"slice": [1, 0, 6, 2]}])], [R(0)], second=True)

    # --- lstsq, pinv
    case("lstsq_tall_f64", "linalg.lstsq", [In(with_svals(6, 3, [3.0, 2.0, 1.0])), In(rn(6, 2))], [R(0), R(1)], outputs={"solution": []},
         note="only the solution is compared (residuals/rank/singular values depend on the LAPACK driver)")
    case("lstsq_square_f32", "linalg.lstsq", [In(well(3, dt=F32)), In(rn(3, 2, dt=F32))], [R(0), R(1)], outputs={"solution": []})
    case("lstsq_batched_f64", "linalg.lstsq", [In(with_svals(5, 2, [2.0, 1.0], batch=(2,))), In(rn(2, 5, 3))], [R(0), R(1)], outputs={"solution": []})
    case("pinv_tall_f64", "linalg.pinv", [In(with_svals(5, 3, [3.0, 2.0, 1.0]))], [R(0)])
    case("pinv_wide_f64", "linalg.pinv", [In(with_svals(2, 4, [2.0, 0.7]))], [R(0)])
    case("pinv_square_f32", "linalg.pinv", [In(with_svals(3, 3, [3.0, 2.0, 1.0], dt=F32))], [R(0)])
    case("pinv_batched_transposed_f64", "linalg.pinv", [In(with_svals(4, 3, [2.0, 1.5, 1.0], batch=(2,)), view=[{"transpose": [-1, -2]}])], [R(0)])

    # --- qr: |Q|, |R| (rows of R / columns of Q are fixed up to sign) and Q R; the upstream on R
    # is upper-triangular so that roundoff below R's diagonal cannot matter.
    note_qr = "gauge: compare |Q|, |R| and Q R; loss on |Q| and triu(|R|) is sign-invariant"

    def qr_case(name, A, mode=None, dt=F64, view=None, qnarrow=None, grad=True, note=note_qr):
        args = [R(0)] if mode is None else [R(0), {"mode": mode}]
        m, n = A.shape[-2], A.shape[-1]
        if view:
            m, n = n, m
        rrows = m if mode == "complete" else min(m, n)
        mask = torch.triu(torch.ones(rrows, n))
        outs = {"Q": ["abs"] if qnarrow is None else [{"narrow": qnarrow}, "abs"], "R": ["abs"], "recon": "qr"}
        case(name, "linalg.qr", [In(A, grad=grad, view=view)], args, outputs=outs, upstream_mask={"R": mask}, note=note)

    qr_case("qr_tall_f64", with_svals(5, 3, [3.0, 2.0, 1.0]))
    qr_case("qr_square_f64", well(4), mode="reduced")
    qr_case("qr_tall_f32", with_svals(4, 3, [3.0, 2.0, 1.0], dt=F32))
    qr_case("qr_complete_square_f32", well(3, dt=F32), mode="complete")
    qr_case("qr_complete_tall_f64", with_svals(5, 3, [3.0, 2.0, 1.0]), mode="complete", qnarrow=[-1, 0, 3], grad=False,
            note=note_qr + "; forward only (PyTorch: not differentiable for complete mode with more rows than columns); Q narrowed to 3 columns")
    qr_case("qr_transposed_f64", with_svals(3, 4, [3.0, 2.0, 1.0]), view=[{"transpose": [0, 1]}])

    # --- eigh: the input is X + X^T (the `sym` view), so every convention of using one
    # triangle gives the same gradient for X.
    note_eigh = "gauge: compare eigenvalues, |eigenvectors| and V diag(L) V^T; input is X + X^T"
    eig_out = {"eigenvalues": [], "eigenvectors": ["abs"], "recon": "eigh"}
    case("eigh_f64", "linalg.eigh", [In(sym_base(4, [-2.0, 0.5, 1.5, 3.0]), view=[{"sym": True}])], [R(0)], outputs=eig_out, note=note_eigh)
    case("eigh_f32", "linalg.eigh", [In(sym_base(3, [-1.0, 1.0, 2.5], dt=F32), view=[{"sym": True}])], [R(0)], outputs=eig_out, note=note_eigh)
    case("eigh_batched_f64", "linalg.eigh", [In(sym_base(3, [0.5, 1.5, 3.0], batch=(2,)), view=[{"sym": True}])], [R(0)], outputs=eig_out, note=note_eigh)
    case("eigh_upper_f64", "linalg.eigh", [In(sym_base(3, [-1.5, 0.2, 2.0]), view=[{"sym": True}])], [R(0), {"UPLO": "U"}], outputs=eig_out, note=note_eigh)
    case("eigh_values_second_f64", "linalg.eigh", [In(sym_base(3, [-1.0, 0.5, 2.0]), view=[{"sym": True}])], [R(0)],
         outputs={"eigenvalues": []}, second=True, note="eigenvalues only (gauge-free)")

    # --- harder inputs (forward only where PyTorch's result depends on a cutoff or a gauge)
    case("solve_A_broadcast_f64", "linalg.solve", [In(well(3)), In(rn(2, 3, 2))], [R(0), R(1)], note="A [3,3] broadcasts against B [2,3,2]")
    case("lstsq_wide_f64", "linalg.lstsq", [In(with_svals(2, 4, [2.0, 1.0])), In(rn(2, 2))], [R(0), R(1)], outputs={"solution": []},
         note="underdetermined: the minimum-norm solution (PyTorch's default CPU driver, gelsy)")
    case("pinv_rank_deficient_f64", "linalg.pinv", [In(with_svals(4, 3, [2.0, 1.0, 0.0]), grad=False)], [R(0)],
         note="a zero singular value is cut off (default rtol)")
    case("svd_rank_deficient_f64", "linalg.svd", [In(with_svals(4, 3, [2.0, 1.0, 0.0]), grad=False)], [R(0), {"fullMatrices": False}],
         outputs={"S": [], "recon": "svd"}, note="forward only: S and the reconstruction")
    case("eigh_repeated_f64", "linalg.eigh", [In(sym_base(3, [1.0, 1.0, 2.0]), grad=False, view=[{"sym": True}])], [R(0)],
         outputs={"eigenvalues": [], "recon": "eigh"}, note="repeated eigenvalue: eigenvectors not unique, only values and V diag(L) V^T")
    qr_case("qr_wide_f64", with_svals(3, 5, [3.0, 2.0, 1.0]))
    case("det_1x1_f32", "linalg.det", [In(torch.tensor([[-2.5]], dtype=F32))], [R(0)])
    case("inv_upper_triangular_f64", "linalg.inv", [In(torch.triu(well(4)))], [R(0)])
    case("linalg_norm_ordneginf_vector_f32", "linalg.norm", [In(distinct(6, dt=F32))], [R(0), {"ord": "-inf"}], note="min abs")
    case("linalg_norm_ord3_dim0_f64", "linalg.norm", [In(rn(4, 3))], [R(0), {"ord": 3, "dim": 0}])

    # --- linalg.norm
    case("linalg_norm_vector_default_f64", "linalg.norm", [In(rn(5))], [R(0)], second=True)
    case("linalg_norm_matrix_default_f32", "linalg.norm", [In(rn(3, 4, dt=F32))], [R(0)], note="no ord, no dim: 2-norm of the flattened input")
    case("linalg_norm_ord1_vector_f64", "linalg.norm", [In(rn(5))], [R(0), {"ord": 1}])
    case("linalg_norm_ordinf_vector_f64", "linalg.norm", [In(distinct(5))], [R(0), {"ord": "inf"}], note="ord 'inf' means Infinity")
    case("linalg_norm_fro_f64", "linalg.norm", [In(rn(3, 4))], [R(0), {"ord": "fro"}], second=True)
    case("linalg_norm_dim_keepdim_f32", "linalg.norm", [In(rn(3, 4, dt=F32))], [R(0), {"dim": -1, "keepdim": True}])
    case("linalg_norm_fro_batched_dims_f64", "linalg.norm", [In(rn(2, 3, 4), view=[{"permute": [1, 2, 0]}])], [R(0), {"ord": "fro", "dim": [0, 2]}])
    case("linalg_norm_ord1_matrix_f64", "linalg.norm", [In(distinct(3, 4))], [R(0), {"ord": 1}], note="matrix 1-norm: max column abs sum")
    case("linalg_norm_ord2_matrix_f64", "linalg.norm", [In(with_svals(4, 3, [3.0, 1.5, 0.5]))], [R(0), {"ord": 2}], note="spectral norm")
    case("linalg_norm_nuc_f64", "linalg.norm", [In(with_svals(3, 3, [2.0, 1.0, 0.5]))], [R(0), {"ord": "nuc"}])


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    gen_elementwise()
    gen_reduce()
    gen_shape()
    gen_indexing()
    gen_linalg()
    total = 0
    for path, f, text in write_fixture_files(FILES, "tools/oracle/gen_core.py"):
        total += len(f.cases)
        print(f"{path}: {len(f.cases)} cases, {len(text) / 1e6:.2f} MB")
    ops = {c["op"] for f in FILES for c in f.cases}
    print(f"{total} cases, {sum(1 for f in FILES for c in f.cases if 'second' in c)} with second order, {len(ops)} ops")


if __name__ == "__main__":
    torch.set_default_dtype(torch.float32)
    sys.exit(main())
