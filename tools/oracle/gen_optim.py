"""Writes test/fixtures/optim/*.json: PyTorch 1.13's optimizer and scheduler trajectories.

Run with /usr/bin/python3 (torch 1.13): `/usr/bin/python3 tools/oracle/gen_optim.py`.

The fixed problem (same in test/optim/problem.ts): parameters W [3, 2], b [2] and u [2]
(u never receives a gradient), data X [8, 3] and Y [8, 2], all float64, and

    loss = mean((X @ W + b - Y)^2) + 0.05 * sum(W^4)

with gradients from autograd. Optimizers run 200 steps of zero_grad/backward/step (and
scheduler.step() when a scheduler is attached); the fixture stores W and b (flattened,
concatenated) after every step; u must stay at its initial value. Names are written in
gradlab's camelCase.
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
assert torch.__version__.startswith("1.13"), torch.__version__

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "optim")
STEPS = 200


def camel(name):
    head, *rest = name.split("_")
    return head[:1].lower() + head[1:] + "".join(w[:1].upper() + w[1:] for w in rest)


def camel_dict(d):
    return {camel(k): (list(v) if isinstance(v, tuple) else v) for k, v in d.items()}


def problem():
    g = torch.Generator().manual_seed(1234)
    X = torch.randn(8, 3, generator=g)
    Y = torch.randn(8, 2, generator=g)
    W = torch.randn(3, 2, generator=g) * 0.5
    b = torch.randn(2, generator=g) * 0.5
    u = torch.randn(2, generator=g)
    return X, Y, W, b, u


X, Y, W0, B0, U0 = problem()


def loss_fn(W, b):
    r = X.matmul(W).add(b).sub(Y)
    return r.square().mean().add(W.square().square().sum().mul(0.05))


def fresh_params():
    return {n: t.clone().requires_grad_(True) for n, t in (("W", W0), ("b", B0), ("u", U0))}


def flat(params):
    return [v for n in ("W", "b") for v in params[n].detach().reshape(-1).tolist()]


OPTIMIZERS = {
    "SGD": torch.optim.SGD,
    "Adam": torch.optim.Adam,
    "AdamW": torch.optim.AdamW,
    "RMSprop": torch.optim.RMSprop,
    "Adagrad": torch.optim.Adagrad,
}


def build_optimizer(cfg, params):
    cls = OPTIMIZERS[cfg["optimizer"]]
    if "groups" in cfg:
        groups = [dict({k: v for k, v in g.items() if k != "params"}, params=[params[n] for n in g["params"]])
                  for g in cfg["groups"]]
        return cls(groups, **cfg.get("defaults", {}))
    return cls([params["W"], params["b"], params["u"]], **cfg.get("defaults", {}))


def build_scheduler(spec, opt):
    kind, args = spec["type"], dict(spec.get("args", {}))
    if kind == "StepLR":
        return torch.optim.lr_scheduler.StepLR(opt, args.pop("step_size"), **args)
    if kind == "CosineAnnealingLR":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.pop("T_max"), **args)
    if kind == "OneCycleLR":
        return torch.optim.lr_scheduler.OneCycleLR(opt, args.pop("max_lr"), **args)
    if kind == "LinearLR":
        return torch.optim.lr_scheduler.LinearLR(opt, **args)
    raise ValueError(kind)


def momenta(opt):
    out = []
    for g in opt.param_groups:
        out.append(g["betas"][0] if "betas" in g else g.get("momentum"))
    return out


def run(cfg):
    params = fresh_params()
    opt = build_optimizer(cfg, params)
    sched = build_scheduler(cfg["scheduler"], opt) if "scheduler" in cfg else None
    maximize = any(g.get("maximize", False) for g in opt.param_groups)
    traj, lrs = [], []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = loss_fn(params["W"], params["b"])
        # maximize=True climbs, so it is given the negated loss and must still descend it
        (loss.neg() if maximize else loss).backward()
        opt.step()
        if sched is not None:
            sched.step()
            lrs.append(sched.get_last_lr())
        traj.append(flat(params))
    out = {
        "name": cfg["name"],
        "optimizer": cfg["optimizer"],
        "defaults": camel_dict(cfg.get("defaults", {})),
        "trajectory": traj,
    }
    if "groups" in cfg:
        out["groups"] = [camel_dict(g) for g in cfg["groups"]]
    if sched is not None:
        out["scheduler"] = {"type": cfg["scheduler"]["type"], "args": camel_dict(cfg["scheduler"].get("args", {}))}
        out["lrs"] = lrs
    return out


# Every option the issue names, alone and combined; lr values keep the 200 steps well away
# from the optimum so no step is decided by rounding noise.
CONFIGS = [
    {"name": "sgd plain", "optimizer": "SGD", "defaults": {"lr": 0.05}},
    {"name": "sgd momentum dampening weight decay", "optimizer": "SGD",
     "defaults": {"lr": 0.02, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}},
    {"name": "sgd nesterov", "optimizer": "SGD", "defaults": {"lr": 0.02, "momentum": 0.8, "nesterov": True}},
    {"name": "sgd maximize", "optimizer": "SGD", "defaults": {"lr": 0.03, "momentum": 0.5, "maximize": True}},
    {"name": "sgd param groups", "optimizer": "SGD", "defaults": {"lr": 0.01, "momentum": 0.9},
     "groups": [{"params": ["W"], "lr": 0.03}, {"params": ["b", "u"], "nesterov": True, "weight_decay": 0.1}]},
    {"name": "adam defaults", "optimizer": "Adam", "defaults": {}},
    {"name": "adam weight decay", "optimizer": "Adam", "defaults": {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05}},
    {"name": "adam amsgrad", "optimizer": "Adam", "defaults": {"lr": 0.02, "amsgrad": True}},
    {"name": "adam maximize", "optimizer": "Adam", "defaults": {"lr": 0.01, "maximize": True}},
    {"name": "adam param groups", "optimizer": "Adam", "defaults": {"lr": 0.01},
     "groups": [{"params": ["W"], "amsgrad": True, "betas": (0.7, 0.95)}, {"params": ["b"], "lr": 0.005, "weight_decay": 0.1}]},
    {"name": "adamw defaults", "optimizer": "AdamW", "defaults": {}},
    {"name": "adamw amsgrad decay", "optimizer": "AdamW", "defaults": {"lr": 0.02, "weight_decay": 0.1, "amsgrad": True}},
    {"name": "adamw maximize", "optimizer": "AdamW", "defaults": {"lr": 0.01, "maximize": True}},
    {"name": "rmsprop defaults", "optimizer": "RMSprop", "defaults": {"lr": 0.002}},
    {"name": "rmsprop centered momentum", "optimizer": "RMSprop",
     "defaults": {"lr": 0.001, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.01}},
    {"name": "rmsprop maximize momentum", "optimizer": "RMSprop", "defaults": {"lr": 0.001, "momentum": 0.3, "maximize": True}},
    {"name": "rmsprop param groups", "optimizer": "RMSprop", "defaults": {"lr": 0.001},
     "groups": [{"params": ["W"], "centered": True}, {"params": ["b"], "momentum": 0.9, "eps": 1e-4}]},
    {"name": "adagrad defaults", "optimizer": "Adagrad", "defaults": {}},
    {"name": "adagrad lr decay weight decay", "optimizer": "Adagrad",
     "defaults": {"lr": 0.05, "lr_decay": 0.01, "weight_decay": 0.02, "initial_accumulator_value": 0.1, "eps": 1e-8}},
    {"name": "adagrad maximize groups", "optimizer": "Adagrad", "defaults": {"lr": 0.05, "maximize": True},
     "groups": [{"params": ["W"]}, {"params": ["b"], "lr": 0.02, "lr_decay": 0.05}]},
    # optimizers driven by schedulers
    {"name": "sgd momentum + StepLR", "optimizer": "SGD", "defaults": {"lr": 0.05, "momentum": 0.9},
     "scheduler": {"type": "StepLR", "args": {"step_size": 30, "gamma": 0.5}}},
    {"name": "adam + CosineAnnealingLR", "optimizer": "Adam", "defaults": {"lr": 0.02},
     "scheduler": {"type": "CosineAnnealingLR", "args": {"T_max": 70, "eta_min": 0.001}}},
    {"name": "sgd groups + OneCycleLR", "optimizer": "SGD", "defaults": {"lr": 0.01, "momentum": 0.9, "nesterov": True},
     "groups": [{"params": ["W"]}, {"params": ["b"], "weight_decay": 0.01}],
     "scheduler": {"type": "OneCycleLR", "args": {"max_lr": [0.05, 0.1], "total_steps": STEPS}}},
    {"name": "adamw + OneCycleLR three phase linear", "optimizer": "AdamW", "defaults": {"lr": 0.01},
     "scheduler": {"type": "OneCycleLR", "args": {"max_lr": 0.03, "epochs": 20, "steps_per_epoch": 10, "pct_start": 0.25,
                                                  "anneal_strategy": "linear", "three_phase": True, "div_factor": 10.0,
                                                  "final_div_factor": 100.0, "base_momentum": 0.8, "max_momentum": 0.9}}},
    {"name": "rmsprop + LinearLR", "optimizer": "RMSprop", "defaults": {"lr": 0.003, "momentum": 0.2},
     "scheduler": {"type": "LinearLR", "args": {"start_factor": 0.1, "total_iters": 40}}},
]

# Schedulers alone: the lr (and momentum) of a two-group SGD after construction and after
# each of 200 steps.
SCHEDULERS = [
    {"type": "StepLR", "args": {"step_size": 7}},
    {"type": "StepLR", "args": {"step_size": 25, "gamma": 0.7}},
    {"type": "CosineAnnealingLR", "args": {"T_max": 30}},
    {"type": "CosineAnnealingLR", "args": {"T_max": 200, "eta_min": 0.005}},
    {"type": "OneCycleLR", "args": {"max_lr": 0.5, "total_steps": 200}},
    {"type": "OneCycleLR", "args": {"max_lr": [0.4, 0.2], "total_steps": 200, "pct_start": 0.4, "anneal_strategy": "linear",
                                    "cycle_momentum": False}},
    {"type": "OneCycleLR", "args": {"max_lr": 1.0, "epochs": 8, "steps_per_epoch": 25, "three_phase": True}},
    {"type": "LinearLR", "args": {}},
    {"type": "LinearLR", "args": {"start_factor": 1.0, "end_factor": 0.05, "total_iters": 150}},
]


def run_scheduler(spec):
    a, b = torch.zeros(2, requires_grad=True), torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.02}], lr=0.1, momentum=0.9)
    sched = build_scheduler(spec, opt)
    lrs, moms = [sched.get_last_lr()], [momenta(opt)]
    for _ in range(STEPS):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
        moms.append(momenta(opt))
    return {"type": spec["type"], "args": camel_dict(spec["args"]), "lrs": lrs, "momentum": moms}


def state_dict_shape():
    """Key structure of state_dict() after 3 Adam steps where u has no gradient."""
    params = fresh_params()
    opt = torch.optim.Adam([{"params": [params["W"]], "amsgrad": True}, {"params": [params["b"], params["u"]], "lr": 0.1}])
    for _ in range(3):
        opt.zero_grad()
        loss_fn(params["W"], params["b"]).backward()
        opt.step()
    sd = opt.state_dict()
    return {
        "state": {str(k): {camel(n): (float(v.item()) if n == "step" else list(v.shape)) for n, v in s.items()}
                  for k, s in sd["state"].items()},
        "paramGroups": [{camel(k): (list(v) if isinstance(v, tuple) else v) for k, v in g.items()
                         if k not in ("foreach", "capturable", "differentiable", "fused")} for g in sd["param_groups"]],
    }


def clip_cases():
    """clip_grad_norm_ / clip_grad_value_ on the problem's gradients at the initial point."""
    cases = []
    for max_norm, norm_type in ((0.5, 2.0), (100.0, 2.0), (0.3, 1.0), (0.2, 3.0), (0.1, math.inf)):
        params = fresh_params()
        loss_fn(params["W"], params["b"]).backward()
        total = torch.nn.utils.clip_grad_norm_([params["W"], params["b"], params["u"]], max_norm, norm_type=norm_type)
        cases.append({"maxNorm": max_norm, "normType": "inf" if norm_type == math.inf else norm_type,
                      "totalNorm": total.item(),
                      "grads": {"W": params["W"].grad.reshape(-1).tolist(), "b": params["b"].grad.tolist()}})
    params = fresh_params()
    loss_fn(params["W"], params["b"]).backward()
    torch.nn.utils.clip_grad_value_([params["W"], params["b"]], 0.4)
    value = {"clipValue": 0.4, "grads": {"W": params["W"].grad.reshape(-1).tolist(), "b": params["b"].grad.tolist()}}
    return {"norm": cases, "value": value}


def main():
    os.makedirs(OUT, exist_ok=True)
    doc = {
        "generator": "tools/oracle/gen_optim.py",
        "torch": torch.__version__,
        "steps": STEPS,
        "problem": {
            "X": X.tolist(), "Y": Y.tolist(),
            "W": W0.tolist(), "b": B0.tolist(), "u": U0.tolist(),
        },
        "runs": [run(c) for c in CONFIGS],
        "schedulers": [run_scheduler(s) for s in SCHEDULERS],
        "stateDict": state_dict_shape(),
        "clip": clip_cases(),
    }
    path = os.path.join(OUT, "optim.json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(f"wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
