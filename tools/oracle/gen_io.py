#!/usr/bin/env python3
"""Safetensors fixtures for gradlab's io, made with PyTorch (Debian python3-torch).

1. Writes test/fixtures/io/torch_written.safetensors from torch tensors, following the
   safetensors spec byte for byte (8-byte LE header length, JSON header padded with spaces
   to 8-byte alignment, raw little-endian data), plus the expected values as JSON.
2. Reads test/fixtures/io/gradlab_written.safetensors (written by
   tools/oracle/write_gradlab_safetensors.ts) with a spec reader built on torch.frombuffer
   and checks every tensor against the values both sides define; exits 1 on mismatch.

Run: /usr/bin/python3 tools/oracle/gen_io.py
"""
import json
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "test", "fixtures", "io")
CODES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32",
         torch.bool: "BOOL", torch.float16: "F16", torch.bfloat16: "BF16", torch.uint8: "U8"}
DTYPES = {v: k for k, v in CODES.items()}


def write(path, tensors, metadata=None):
    order = sorted(tensors, key=lambda k: (-tensors[k].element_size(), k))
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name in order:
        t = tensors[name].contiguous()
        b = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.dtype != torch.bool else t.numpy().tobytes()
        header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = bytearray(raw[8 + n:])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        t = torch.frombuffer(data[a:b], dtype=DTYPES[e["dtype"]]) if b > a else torch.empty(0, dtype=DTYPES[e["dtype"]])
        out[name] = t.reshape(e["shape"]).clone()
    return out, header.get("__metadata__", {})


def shared_values():
    """Values both writers produce (gradlab's writer builds the same from arange)."""
    return {
        "linear.weight": (torch.arange(12, dtype=torch.float32).reshape(3, 4) / 8 - 0.5),
        "linear.bias": torch.tensor([0.25, -1.5, 3.0], dtype=torch.float32),
        "double": torch.arange(6, dtype=torch.float64).reshape(2, 3) / 3,
        "ints": torch.tensor([[1, -2], [3, 2147483647]], dtype=torch.int32),
        "mask": torch.tensor([True, False, True]),
        "scalar": torch.tensor(7.5, dtype=torch.float32),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    tensors = dict(shared_values())
    tensors["bn.num_batches_tracked"] = torch.tensor(42, dtype=torch.int64)
    tensors["half"] = torch.tensor([1.0, -2.5, 65504.0, 6.1035e-05], dtype=torch.float16)
    tensors["bhalf"] = torch.tensor([1.0, -2.5, 3.140625], dtype=torch.bfloat16)
    tensors["random"] = torch.randn(4, 5)
    write(os.path.join(OUT, "torch_written.safetensors"), tensors, {"format": "pt", "made_by": "gen_io.py"})
    expected = {k: {"shape": list(v.shape), "values": v.to(torch.float64).flatten().tolist() if v.dtype != torch.bool else v.flatten().tolist()}
                for k, v in tensors.items()}
    with open(os.path.join(OUT, "torch_written.json"), "w") as f:
        json.dump({"torch": torch.__version__, "metadata": {"format": "pt", "made_by": "gen_io.py"}, "tensors": expected}, f, indent=1)

    theirs = os.path.join(OUT, "gradlab_written.safetensors")
    if not os.path.exists(theirs):
        print("no gradlab_written.safetensors yet: run `npx tsx tools/oracle/write_gradlab_safetensors.ts` first")
        return 1
    got, meta = read(theirs)
    want = shared_values()
    bad = []
    if set(got) != set(want):
        bad.append(f"names differ: {sorted(got)} vs {sorted(want)}")
    for k, v in want.items():
        if k in got and (got[k].dtype != v.dtype or got[k].shape != v.shape or not torch.equal(got[k], v)):
            bad.append(f"{k}: got {got[k]} want {v}")
    if meta.get("framework") != "gradlab":
        bad.append(f"metadata: {meta}")
    if bad:
        print("MISMATCH\n" + "\n".join(bad))
        return 1
    print(f"ok: torch {torch.__version__} read all {len(got)} tensors of gradlab_written.safetensors exactly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
