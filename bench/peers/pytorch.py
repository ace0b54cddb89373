"""PyTorch CPU peer of the gradlab bench: one workload at one thread count, one record.

Implements the timing protocol of bench/protocol.ts (WORKLOADS.md) and prints the record as
"@@RESULT {json}" on stdout, as the Node peers do; bench/run.ts spawns it once per
(workload, threads) with /usr/bin/python3. A failure (an exception) is printed as a record
with null numbers and the message in extra.error rather than a traceback.

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/pytorch.py mlp_train_step 1 [--quick]
"""
import gc
import json
import math
import os
import re
import sys
import time

RESULT_TAG = "@@RESULT "
WORKLOAD, THREADS = sys.argv[1], int(sys.argv[2])
QUICK = "--quick" in sys.argv[3:]

# OpenBLAS sizes its own pool from the environment when it loads (torch.set_num_threads does not
# reach Debian's OpenBLAS), so pin it, and OpenMP's, before torch is imported.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(THREADS)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def load1():
    return round(os.getloadavg()[0], 2)


def rss_mb():
    """Resident memory after a collection, for the memory-stays-flat check."""
    gc.collect()
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 1e6, 1)


# ---- the protocol (keep in step with bench/protocol.ts) ----

def time_once(unit):
    if unit.get("setup"):
        unit["setup"]()
    t0 = time.perf_counter()
    unit["run"]()
    return time.perf_counter() - t0


def warm_up(unit):
    start = time.perf_counter()
    first = time_once(unit)
    if first > 1 or (QUICK and first > 0.2):
        return first
    runs, last = 1, first
    min_runs, min_time = (2, 0.1) if QUICK else (3, 0.3)
    while runs < min_runs or time.perf_counter() - start < min_time:
        last = min(last, time_once(unit))
        runs += 1
    return last


def done(n, elapsed):
    if QUICK:
        return (n >= 5 and elapsed >= 0.5) or (n >= 3 and elapsed >= 2) or (n >= 1 and elapsed >= 4) or n >= 50
    return (n >= 20 and elapsed >= 3) or (n >= 5 and elapsed >= 10) or (n >= 3 and elapsed >= 30) or n >= 200


def median(xs):
    s = sorted(xs)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def measure(unit):
    est = warm_up(unit)
    if QUICK and est > 2:
        return [est], 1
    batch = 1 if unit.get("setup") or est >= 0.01 else math.ceil(0.01 / max(est, 1e-9))
    times = []
    start = time.perf_counter()
    while not done(len(times), time.perf_counter() - start):
        if unit.get("setup"):
            unit["setup"]()
        t0 = time.perf_counter()
        for _ in range(batch):
            unit["run"]()
        times.append((time.perf_counter() - t0) / batch)
    return times, batch


def metric_of(workload, median_s):
    g = re.match(r"^sgemm_n(\d+)$", workload)
    if g:
        n = int(g.group(1))
        return "GFLOP/s", 2 * n ** 3 / median_s / 1e9
    if workload.startswith("dln_"):
        return "s/run", median_s
    if workload.startswith("dispatch_"):
        return "us/op", median_s / 10000 * 1e6
    return "steps/s", 1 / median_s


def timestamp():
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())


# ---- the workloads ----

def sgemm(n):
    g = torch.Generator().manual_seed(n)
    a, b = torch.randn(n, n, generator=g), torch.randn(n, n, generator=g)
    err = ((a @ b).double() - a.double() @ b.double()).abs().max().item() / (a.double().abs() @ b.double().abs()).max().item()
    mem0 = rss_mb()

    def run():
        a @ b

    return {"run": run}, lambda: {"call": "a @ b (allocates C)", "writes_into_preallocated_c": False, "check_max_rel_err": err,
                                  "rss_mb_before": mem0, "rss_mb_after": rss_mb()}


def trainer(model, x, y, loss_fn, what):
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    log = {"steps": 0}

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        log["steps"] += 1
        return loss.item()

    log["first"] = step()
    log["last"] = float("nan")
    mem0 = rss_mb()
    params = list(model.parameters())

    def run():
        log["last"] = step()

    return {"run": run}, lambda: {
        "model": what, "parameters": sum(p.numel() for p in params), "parameter_tensors": len(params),
        "loss_first_step": log["first"], "loss_final": log["last"], "loss_decreased": log["last"] < log["first"],
        "steps_run": log["steps"], "rss_mb_before": mem0, "rss_mb_after": rss_mb(),
    }


def mlp():
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    return trainer(model, torch.randn(128, 784), torch.randint(0, 10, (128,)), F.cross_entropy,
                   "nn.Sequential(Linear, ReLU, Linear, ReLU, Linear); F.cross_entropy; optim.SGD")


def cnn():
    model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(1568, 10))
    return trainer(model, torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,)), F.cross_entropy,
                   "nn.Sequential(Conv2d, ReLU, MaxPool2d, Conv2d, ReLU, MaxPool2d, Flatten, Linear); NCHW; F.cross_entropy; optim.SGD")


def transformer():
    model = nn.TransformerEncoderLayer(128, 4, dim_feedforward=512, dropout=0.0, batch_first=True)
    return trainer(model, torch.randn(16, 64, 128), torch.randn(16, 64, 128), F.mse_loss,
                   "nn.TransformerEncoderLayer(128, 4, dim_feedforward=512, dropout=0.0, batch_first=True); F.mse_loss; optim.SGD")


def dln_sanity(losses, s):
    """The sanity check of WORKLOADS.md, with the same fields as bench/dln.ts's dlnSanity."""
    drop = next((i for i, v in enumerate(losses) if v < 0.5), -1)
    final = losses[-1]
    ok = 90 <= drop <= 140 and losses[0] > 0.9 and final < 1e-10 and len(s) == 8 and all(abs(v - 100) <= 3 for v in s)
    return {"loss_epoch0": losses[0], "loss_epoch100": losses[100], "loss_epoch150": losses[150], "loss_final": final,
            "loss_drop_epoch": drop, "final_singular_values": [round(v, 2) for v in s], "sanity_ok": ok}


def dln(with_svd):
    """The Neuromatch deep linear network as the tutorial writes it (nn.Linear without bias, torch.svd)."""
    n_in, n_hid, n_out, epochs, lr, gamma = 8, 30, 10000, 250, 100.0, 1e-12
    x = torch.eye(n_in)
    y = torch.randint(0, 2, (n_in, n_out)).float() * 2 - 1
    net = nn.Sequential(nn.Linear(n_in, n_hid, bias=False), nn.Linear(n_hid, n_out, bias=False))
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    losses = [0.0] * epochs
    state = {"s": [], "svd_s": 0.0, "runs": 0}

    def net_svd():
        with torch.no_grad():
            w_tot = net[1].weight @ net[0].weight
            u, s, v = torch.svd(w_tot)
            return s.tolist()

    def setup():
        with torch.no_grad():
            for layer in net:
                n_o, n_i = layer.weight.shape
                layer.weight.normal_(0, gamma / math.sqrt(n_i + n_o))

    def run():
        for e in range(epochs):
            opt.zero_grad()
            loss = F.mse_loss(net(x), y)
            loss.backward()
            opt.step()
            losses[e] = loss.item()
            if with_svd:
                t0 = time.perf_counter()
                state["s"] = net_svd()
                state["svd_s"] += time.perf_counter() - t0
        state["runs"] += 1

    mem0 = rss_mb()

    def extra():
        out = {"svd_method": "torch.svd", "svd_seconds_per_run": state["svd_s"] / max(state["runs"], 1)} if with_svd else {}
        out.update(dln_sanity(losses, state["s"] if with_svd else net_svd()))
        out.update({"rss_mb_before": mem0, "rss_mb_after": rss_mb()})
        return out

    return {"setup": setup, "run": run}, extra


def dispatch(grad):
    a = torch.randn(8, requires_grad=grad)
    b = torch.randn(8, requires_grad=grad)
    last = {}

    def loop():
        c = None
        for _ in range(10000):
            c = a + b
        last["c"] = c

    def run_nograd():
        with torch.no_grad():
            loop()

    mem0 = rss_mb()
    what = ("10,000 x (c = a + b) with a, b requiring grad: each add creates an AddBackward node, freed when c is overwritten; no backward pass"
            if grad else "10,000 x (c = a + b) inside torch.no_grad()")
    return {"run": loop if grad else run_nograd}, lambda: {
        "includes": what, "last_has_grad_fn": last["c"].grad_fn is not None, "rss_mb_before": mem0, "rss_mb_after": rss_mb()}


def build(workload):
    g = re.match(r"^sgemm_n(\d+)$", workload)
    if g:
        return sgemm(int(g.group(1)))
    table = {
        "mlp_train_step": mlp, "cnn_train_step": cnn, "transformer_train_step": transformer,
        "dln_250ep": lambda: dln(False), "dln_250ep_svd": lambda: dln(True),
        "dispatch_add8_nograd": lambda: dispatch(False), "dispatch_add8_grad": lambda: dispatch(True),
    }
    if workload not in table:
        raise ValueError(f"pytorch: unknown workload {workload}")
    return table[workload]()


def blas_libraries():
    """The BLAS shared objects this process loaded (Debian's torch says only BLAS_INFO=generic)."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    return sorted({os.path.realpath(p) for p in paths})


def versions():
    return {"torch": torch.__version__, "python": sys.version.split()[0], "blas": blas_libraries(),
            "mkldnn": torch.backends.mkldnn.is_available(), "num_threads": torch.get_num_threads(),
            "OPENBLAS_NUM_THREADS": os.environ["OPENBLAS_NUM_THREADS"], "OMP_NUM_THREADS": os.environ["OMP_NUM_THREADS"]}


def main():
    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    load = load1()
    try:
        if torch.get_num_threads() != THREADS:
            raise RuntimeError(f"pytorch: asked for {THREADS} threads, runs with {torch.get_num_threads()}")
        unit, extra = build(WORKLOAD)
        times, batch = measure(unit)
        med = median(times)
        metric, value = metric_of(WORKLOAD, med)
        rec = {"peer": "pytorch", "workload": WORKLOAD, "threads": torch.get_num_threads(),
               "median_s": med, "min_s": min(times), "max_s": max(times), "metric": metric, "value": value,
               "samples": len(times), "batch": batch, "load1": load, "timestamp": timestamp(),
               "extra": {**versions(), **extra(), **({"quick": True} if QUICK else {})}}
    except Exception as e:  # a failure is a result too: the run goes on and the table says why
        metric, _ = metric_of(WORKLOAD, 1.0)
        rec = {"peer": "pytorch", "workload": WORKLOAD, "threads": THREADS, "median_s": None, "min_s": None, "max_s": None,
               "metric": metric, "value": None, "samples": 0, "batch": 0, "load1": load, "timestamp": timestamp(),
               "extra": {**versions(), "failed": True, "error": f"{type(e).__name__}: {e}"}}
    print(RESULT_TAG + json.dumps(rec), flush=True)


main()
