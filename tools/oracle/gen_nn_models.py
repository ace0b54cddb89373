#!/usr/bin/env python3
"""Whole-model parity fixtures: an MLP and a CNN (conv / batch norm / pool) built in
PyTorch, their weights saved as safetensors (the spec writer of gen_io.py), with inputs,
outputs, the loss sum(out * upstream) and every parameter's gradient, in train and eval
mode (train mode also records the updated batch-norm running statistics).
Run: /usr/bin/python3 tools/oracle/gen_nn_models.py
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_io import write  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "nn")


def flat(t):
    return t.detach().to(torch.float64).flatten().tolist()


def case(name, model, x, train):
    model.train(train)
    sd = {k: v.detach().clone() for k, v in model.state_dict().items()}
    write(os.path.join(OUT, f"model_{name}.safetensors"), sd, {"format": "pt"})
    x = x.clone().requires_grad_(True)
    out = model(x)
    torch.manual_seed(99)
    up = torch.randn_like(out)
    (out * up).sum().backward()
    after = {k: flat(v) for k, v in model.state_dict().items() if "running" in k}
    return {
        "name": name, "train": train, "dtype": str(x.dtype).replace("torch.", ""),
        "input": {"shape": list(x.shape), "data": flat(x)},
        "output": {"shape": list(out.shape), "data": flat(out)},
        "upstream": flat(up),
        "inputGrad": flat(x.grad),
        "grads": {n: flat(p.grad) for n, p in model.named_parameters()},
        "stateKeys": list(sd.keys()),
        "runningAfter": after,
    }


def mlp():
    return nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 5))


def cnn():
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(16 * 2 * 2, 10),
    )


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for dtype in (torch.float32, torch.float64):
        tag = "f32" if dtype == torch.float32 else "f64"
        torch.manual_seed(1)
        m = mlp().to(dtype)
        cases.append(case(f"mlp_{tag}", m, torch.randn(8, 20, dtype=dtype), True))
        for train in (True, False):
            torch.manual_seed(2)
            c = cnn().to(dtype)
            # Non-trivial running statistics so eval mode differs from train mode.
            with torch.no_grad():
                c[1].running_mean.uniform_(-0.5, 0.5)
                c[1].running_var.uniform_(0.5, 2.0)
                c[1].weight.uniform_(0.5, 1.5)
                c[1].bias.uniform_(-0.2, 0.2)
            cases.append(case(f"cnn_{'train' if train else 'eval'}_{tag}", c, torch.randn(4, 3, 12, 12, dtype=dtype), train))
    with open(os.path.join(OUT, "models.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f)
    print(f"wrote {len(cases)} model cases with torch {torch.__version__}")


if __name__ == "__main__":
    main()
