#!/usr/bin/env python3
"""Parity fixtures for gradlab's sequence layers, made with PyTorch 1.13 (Debian python3-torch).

Writes test/fixtures/nn/seq.json and, per module case, test/fixtures/nn/seq_<case>.safetensors
(the module's state_dict, written with gen_io.write, which follows the safetensors spec).
test/nn/parity_seq.test.ts loads each weights file into the gradlab module with a strict
loadStateDict and compares the outputs and the gradients of sum_k sum(out_k * upstream_k)
with respect to every parameter and every input that requires grad.

Cases: MultiheadAttention (bool/float attn masks, key padding masks, kdim/vdim, bias_kv and
zero_attn, unbatched), TransformerEncoderLayer (post/pre-norm, relu/gelu, seq/batch first,
eval mode with dropout), TransformerEncoder (2 layers + final norm), LSTM, GRU and RNN
(2 layers, batch_first, bidirectional, projection, unbatched), ctc_loss (padded and
concatenated targets, every reduction, zero_infinity, blank != 0), and scaled dot-product
attention. PyTorch 1.13 has no F.scaled_dot_product_attention, so its reference is the
formula PyTorch 2 documents, softmax(q k^T * scale + mask) v (bool mask: true = take part),
evaluated with torch ops and differentiated by torch's autograd.

Parameters are the module's own init plus N(0, 0.1^2) noise, so that zero-initialised
biases and unit LayerNorm weights are exercised too. Floats are written with repr (exact).

Run: /usr/bin/python3 tools/oracle/gen_nn_seq.py
"""
import json
import math
import os
import platform
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_io import write  # noqa: E402  (our own spec-following safetensors writer)

assert torch.__version__.startswith("1.13"), torch.__version__
OUT = os.path.join(HERE, "..", "..", "test", "fixtures", "nn")
SEED = 7007
DT = {"float32": torch.float32, "float64": torch.float64}


def num(v):
    if isinstance(v, bool):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def enc(t, **extra):
    t = t.detach()
    if t.dtype == torch.bool:
        data = t.flatten().tolist()
        dtype = "bool"
    elif t.dtype in (torch.int64, torch.int32):
        data = t.flatten().tolist()
        dtype = "int32"
    else:
        dtype = "float64" if t.dtype == torch.float64 else "float32"
        data = [num(v) for v in t.double().flatten().tolist()]
    return dict({"data": data, "shape": list(t.shape), "dtype": dtype}, **extra)


def perturb(m):
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.1)


def finish(case, m, inputs, outs):
    """Upstreams, backward, and the gradients of every parameter and grad-requiring input."""
    loss = 0
    enc_outs = {}
    for k, o in outs.items():
        if o is None:
            continue
        up = torch.randn_like(o)
        loss = loss + (o * up).sum()
        enc_outs[k] = enc(o, upstream=[num(v) for v in up.double().flatten().tolist()])
    loss.backward()
    grads = {}
    for k, t in inputs.items():
        if isinstance(t, torch.Tensor) and t.requires_grad:
            grads["input:" + k] = enc(t.grad)
    if m is not None:
        for k, p in m.named_parameters():
            grads["param:" + k] = enc(p.grad) if p.grad is not None else None
    case["inputs"] = {k: enc(t, requiresGrad=bool(t.requires_grad)) if isinstance(t, torch.Tensor) else t
                      for k, t in inputs.items()}
    case["outputs"] = enc_outs
    case["grads"] = grads
    return case


def save_weights(name, m):
    fn = f"seq_{name}.safetensors"
    sd = {k: v.detach().clone() for k, v in m.state_dict().items()}
    write(os.path.join(OUT, fn), sd, {"format": "pt", "made_by": "gen_nn_seq.py"})
    return fn, list(sd.keys())


def leaf(*shape, dtype, scale=1.0):
    return (torch.randn(*shape, dtype=dtype) * scale).requires_grad_()


def module_case(name, kind, args, m, dtype, train, inputs, options, outs_fn):
    m = m.to(DT[dtype])
    perturb(m)
    m.train(train)
    fn, keys = save_weights(name, m)
    case = {"name": name, "kind": kind, "args": args, "dtype": dtype, "train": train,
            "weights": fn, "stateKeys": keys, "options": options}
    return finish(case, m, inputs, outs_fn(m))


# ---- MultiheadAttention --------------------------------------------------------------------

def mha_cases():
    cases = []
    E, H, L, S, N = 16, 4, 5, 6, 3

    def mha(name, dtype, ctor, gl_opts, batched=True, batch_first=False, kdim=E, vdim=E,
            attn_mask=None, kpm=None, need_weights=True, average=True):
        d = DT[dtype]
        m = torch.nn.MultiheadAttention(E, H, batch_first=batch_first, **ctor)
        if batched:
            qs, ks, vs = ((N, L, E), (N, S, kdim), (N, S, vdim)) if batch_first else ((L, N, E), (S, N, kdim), (S, N, vdim))
        else:
            qs, ks, vs = (L, E), (S, kdim), (S, vdim)
        inputs = {"query": leaf(*qs, dtype=d), "key": leaf(*ks, dtype=d), "value": leaf(*vs, dtype=d)}
        if attn_mask is not None:
            inputs["attnMask"] = attn_mask if attn_mask.dtype == torch.bool else attn_mask.to(d)
        if kpm is not None:
            inputs["keyPaddingMask"] = kpm
        opts = {"needWeights": need_weights, "averageAttnWeights": average}

        def run(m):
            o, w = m(inputs["query"], inputs["key"], inputs["value"], key_padding_mask=inputs.get("keyPaddingMask"),
                     need_weights=need_weights, attn_mask=inputs.get("attnMask"), average_attn_weights=average)
            return {"output": o, "weights": w}
        return module_case(name, "MultiheadAttention", [E, H, dict(gl_opts, batchFirst=batch_first)], m, dtype, True, inputs, opts, run)

    bool_mask = torch.rand(L, S) < 0.3
    bool_mask[:, 0] = False  # every query keeps at least one key
    cases.append(mha("mha_bool_mask_seqfirst_f32", "float32", {}, {}, attn_mask=bool_mask))
    float_mask = torch.randn(N * H, L, S)
    kpm = torch.zeros(N, S, dtype=torch.bool)
    kpm[0, -2:] = True
    kpm[2, -1] = True
    cases.append(mha("mha_float_mask3d_kpm_batchfirst_f32", "float32", {}, {}, batch_first=True,
                     attn_mask=float_mask, kpm=kpm, average=False))
    cases.append(mha("mha_bool_mask_kpm_f64", "float64", {}, {}, attn_mask=bool_mask, kpm=kpm))
    cases.append(mha("mha_kdim_vdim_nobias_f32", "float32", {"kdim": 12, "vdim": 8, "bias": False},
                     {"kdim": 12, "vdim": 8, "bias": False}, kdim=12, vdim=8, kpm=kpm, need_weights=False))
    cases.append(mha("mha_bias_kv_zero_attn_f32", "float32", {"add_bias_kv": True, "add_zero_attn": True},
                     {"addBiasKv": True, "addZeroAttn": True}, attn_mask=bool_mask, kpm=kpm))
    cases.append(mha("mha_unbatched_f64", "float64", {}, {}, batched=False, attn_mask=torch.randn(L, S)))
    return cases


# ---- Transformer ---------------------------------------------------------------------------

def tel_cases():
    cases = []
    D, NH, FF, L, N = 16, 4, 32, 5, 3

    def tel(name, dtype, act, norm_first, batch_first, dropout=0.0, train=True, src_mask=None, kpm=None):
        d = DT[dtype]
        m = torch.nn.TransformerEncoderLayer(D, NH, dim_feedforward=FF, dropout=dropout, activation=act,
                                             batch_first=batch_first, norm_first=norm_first)
        inputs = {"src": leaf(*((N, L, D) if batch_first else (L, N, D)), dtype=d)}
        if src_mask is not None:
            inputs["srcMask"] = src_mask
        if kpm is not None:
            inputs["srcKeyPaddingMask"] = kpm
        args = [D, NH, {"dimFeedforward": FF, "dropout": dropout, "activation": act, "batchFirst": batch_first, "normFirst": norm_first}]
        run = lambda m: {"output": m(inputs["src"], src_mask=inputs.get("srcMask"), src_key_padding_mask=inputs.get("srcKeyPaddingMask"))}
        return module_case(name, "TransformerEncoderLayer", args, m, dtype, train, inputs, {}, run)

    kpm = torch.zeros(N, L, dtype=torch.bool)
    kpm[1, -2:] = True
    causal = torch.ones(L, L, dtype=torch.bool).triu(1)  # true = may not attend
    cases.append(tel("tel_postnorm_relu_seqfirst_kpm_f32", "float32", "relu", False, False, kpm=kpm))
    cases.append(tel("tel_prenorm_gelu_batchfirst_causal_f32", "float32", "gelu", True, True, src_mask=causal))
    cases.append(tel("tel_prenorm_relu_seqfirst_f64", "float64", "relu", True, False, src_mask=torch.randn(L, L, dtype=torch.float64)))
    cases.append(tel("tel_postnorm_gelu_batchfirst_f32", "float32", "gelu", False, True))
    cases.append(tel("tel_postnorm_relu_eval_dropout_f32", "float32", "relu", False, True, dropout=0.1, train=False, kpm=kpm))

    # TransformerEncoder: 2 layers (made different by the noise) and a final LayerNorm.
    d = torch.float32
    layer = torch.nn.TransformerEncoderLayer(D, NH, dim_feedforward=FF, dropout=0.0, activation="gelu", batch_first=True)
    m = torch.nn.TransformerEncoder(layer, 2, norm=torch.nn.LayerNorm(D), enable_nested_tensor=False)
    inputs = {"src": leaf(N, L, D, dtype=d), "srcKeyPaddingMask": kpm}
    args = [D, NH, {"dimFeedforward": FF, "dropout": 0.0, "activation": "gelu", "batchFirst": True}]
    run = lambda m: {"output": m(inputs["src"], src_key_padding_mask=inputs["srcKeyPaddingMask"])}
    c = module_case("encoder_2layers_norm_f32", "TransformerEncoder", args, m, "float32", True, inputs, {"numLayers": 2, "norm": True}, run)
    cases.append(c)
    return cases


# ---- Recurrent layers ----------------------------------------------------------------------

def rnn_cases():
    cases = []
    I, Hs, T, N = 6, 7, 5, 3

    def rec(name, kind, dtype, ctor, gl_opts, with_state=True, batched=True, proj=0):
        d = DT[dtype]
        cls = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "RNN": torch.nn.RNN}[kind]
        m = cls(I, Hs, **ctor)
        bf = ctor.get("batch_first", False)
        layers = ctor.get("num_layers", 1) * (2 if ctor.get("bidirectional", False) else 1)
        xs = ((N, T, I) if bf else (T, N, I)) if batched else (T, I)
        inputs = {"x": leaf(*xs, dtype=d)}
        hout = proj or Hs
        if with_state:
            inputs["h0"] = leaf(*((layers, N, hout) if batched else (layers, hout)), dtype=d, scale=0.5)
            if kind == "LSTM":
                inputs["c0"] = leaf(*((layers, N, Hs) if batched else (layers, Hs)), dtype=d, scale=0.5)

        def run(m):
            if kind == "LSTM":
                o, (h, c) = m(inputs["x"], (inputs["h0"], inputs["c0"]) if with_state else None)
                return {"output": o, "hN": h, "cN": c}
            o, h = m(inputs["x"], inputs.get("h0"))
            return {"output": o, "hN": h}
        return module_case(name, kind, [I, Hs, gl_opts], m, dtype, True, inputs, {}, run)

    cases.append(rec("lstm_2layers_batchfirst_f32", "LSTM", "float32", {"num_layers": 2, "batch_first": True},
                     {"numLayers": 2, "batchFirst": True}))
    cases.append(rec("lstm_2layers_bidirectional_f32", "LSTM", "float32", {"num_layers": 2, "bidirectional": True},
                     {"numLayers": 2, "bidirectional": True}, with_state=False))
    cases.append(rec("lstm_proj_bidirectional_f64", "LSTM", "float64", {"proj_size": 4, "bidirectional": True},
                     {"projSize": 4, "bidirectional": True}, proj=4))
    cases.append(rec("gru_2layers_batchfirst_f32", "GRU", "float32", {"num_layers": 2, "batch_first": True},
                     {"numLayers": 2, "batchFirst": True}))
    cases.append(rec("gru_bidirectional_nobias_f64", "GRU", "float64", {"bidirectional": True, "bias": False},
                     {"bidirectional": True, "bias": False}))
    cases.append(rec("gru_unbatched_f32", "GRU", "float32", {"num_layers": 2}, {"numLayers": 2}, batched=False))
    cases.append(rec("rnn_tanh_2layers_f32", "RNN", "float32", {"num_layers": 2}, {"numLayers": 2}))
    cases.append(rec("rnn_relu_bidirectional_batchfirst_f64", "RNN", "float64",
                     {"nonlinearity": "relu", "bidirectional": True, "batch_first": True},
                     {"nonlinearity": "relu", "bidirectional": True, "batchFirst": True}, with_state=False))
    return cases


# ---- CTC -----------------------------------------------------------------------------------

def ctc_cases():
    cases = []

    def ctc(name, dtype, T, N, C, targets, il, tl, opts, padded=True, lengths_as="array", through_log_softmax=False):
        d = DT[dtype]
        logits = torch.randn(T, N, C, dtype=d)
        if through_log_softmax:
            x = logits.requires_grad_()
            lp = x.log_softmax(2)
            inputs = {"logits": x}
        else:
            lp = logits.log_softmax(2).detach().requires_grad_()
            inputs = {"logProbs": lp}
        tg = torch.tensor(targets, dtype=torch.int64)
        loss = F.ctc_loss(lp, tg, torch.tensor(il), torch.tensor(tl), blank=opts.get("blank", 0),
                          reduction=opts.get("reduction", "mean"), zero_infinity=opts.get("zeroInfinity", False))
        inputs["targets"] = tg
        case = {"name": name, "kind": "ctcLoss", "dtype": dtype, "options": opts, "inputLengths": il,
                "targetLengths": tl, "lengthsAs": lengths_as}
        return finish(case, None, inputs, {"loss": loss})

    # padded targets [N, S], repeats (need a blank between), varied lengths
    cases.append(ctc("ctc_padded_mean_f32", "float32", 12, 3, 6, [[1, 2, 2, 3], [4, 4, 0, 0], [5, 1, 3, 0]],
                     [12, 10, 7], [4, 2, 3], {}))
    cases.append(ctc("ctc_padded_none_f64", "float64", 12, 3, 6, [[1, 2, 2, 3], [4, 4, 0, 0], [5, 1, 3, 0]],
                     [12, 10, 7], [4, 2, 3], {"reduction": "none"}, lengths_as="tensor"))
    cases.append(ctc("ctc_concat_sum_blank3_f32", "float32", 10, 3, 5, [1, 2, 4, 4, 0, 2, 1],
                     [10, 9, 10], [3, 1, 3], {"reduction": "sum", "blank": 3}, padded=False))
    cases.append(ctc("ctc_empty_target_mean_f64", "float64", 8, 2, 4, [[1, 2], [0, 0]], [8, 6], [2, 0], {}))
    # sample 1 cannot be aligned (3 labels with a repeat need 4 frames, it has 3)
    cases.append(ctc("ctc_zero_infinity_mean_f32", "float32", 6, 2, 4, [[1, 2, 3], [2, 2, 1]], [6, 3], [3, 3],
                     {"zeroInfinity": True}))
    cases.append(ctc("ctc_infinite_none_f64", "float64", 6, 2, 4, [[1, 2, 3], [2, 2, 1]], [6, 3], [3, 3],
                     {"reduction": "none"}))
    cases.append(ctc("ctc_through_log_softmax_f32", "float32", 9, 2, 5, [[1, 3, 3], [2, 4, 0]], [9, 8], [3, 2],
                     {}, through_log_softmax=True))
    return cases


# ---- scaled dot-product attention -----------------------------------------------------------

def sdpa_ref(q, k, v, mask=None, is_causal=False, scale=None):
    L, S, E = q.shape[-2], k.shape[-2], q.shape[-1]
    s = (q * (scale if scale is not None else 1 / math.sqrt(E))) @ k.transpose(-2, -1)
    if is_causal:
        mask = torch.ones(L, S, dtype=torch.bool).tril()
    if mask is not None:
        s = s.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else s + mask
    return s.softmax(-1) @ v


def sdpa_cases():
    cases = []

    def sdpa(name, dtype, qs, ks, vs, mask=None, opts=None):
        d = DT[dtype]
        opts = opts or {}
        inputs = {"q": leaf(*qs, dtype=d), "k": leaf(*ks, dtype=d), "v": leaf(*vs, dtype=d)}
        if mask is not None:
            inputs["attnMask"] = mask if mask.dtype == torch.bool else mask.to(d)
        out = sdpa_ref(inputs["q"], inputs["k"], inputs["v"], inputs.get("attnMask"), opts.get("isCausal", False), opts.get("scale"))
        case = {"name": name, "kind": "scaledDotProductAttention", "dtype": dtype, "options": opts}
        return finish(case, None, inputs, {"out": out})

    keep = torch.rand(5, 7) < 0.7
    keep[:, 0] = True
    cases.append(sdpa("sdpa_bool_mask_broadcast_f32", "float32", (2, 3, 5, 8), (2, 3, 7, 8), (2, 3, 7, 4), keep))
    cases.append(sdpa("sdpa_float_mask_f64", "float64", (2, 5, 8), (2, 7, 8), (2, 7, 8), torch.randn(2, 1, 7)))
    cases.append(sdpa("sdpa_causal_f32", "float32", (3, 6, 4), (3, 6, 4), (3, 6, 5), None, {"isCausal": True}))
    cases.append(sdpa("sdpa_causal_rect_scale_f64", "float64", (4, 6), (7, 6), (7, 3), None, {"isCausal": True, "scale": 0.3}))
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.startswith("seq_") and f.endswith(".safetensors"):
            os.remove(os.path.join(OUT, f))
    torch.manual_seed(SEED)
    cases = mha_cases() + tel_cases() + rnn_cases() + ctc_cases() + sdpa_cases()
    doc = {"generator": "tools/oracle/gen_nn_seq.py", "torch": torch.__version__, "python": platform.python_version(),
           "seed": SEED, "tolerance": {"float32": 1e-5, "float64": 1e-10},
           "measure": "|actual - expected| <= tol * max(1, |expected|)", "cases": cases}
    with open(os.path.join(OUT, "seq.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(f"wrote {len(cases)} cases to test/fixtures/nn/seq.json")


if __name__ == "__main__":
    main()
