import { add } from "../../ops/elementwise.js";
import { needsGrad, noGrad, record } from "../../ops/graph.js";
import { cat, stack } from "../../ops/join.js";
import { mean } from "../../ops/reduce.js";
import { expand, narrow, permute, reshape, select, squeeze, transpose, unsqueeze } from "../../ops/shape.js";
import { empty, zeros } from "../../tensor/creation.js";
import type { DType } from "../../tensor/dtype.js";
import { fmtShape, shapesEqual } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { additiveMask, attend, fusedAttention } from "../functional/attention.js";
import { constant_, xavierNormal_, xavierUniform_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { Linear, linear } from "./linear.js";

export interface MultiheadAttentionOptions {
  /** Dropout probability on the attention weights in training (default 0). */
  dropout?: number;
  /** Biases on the input and output projections (default true). */
  bias?: boolean;
  /** Learned key/value vectors appended to every sequence (PyTorch's add_bias_kv, default false). */
  addBiasKv?: boolean;
  /** Appends a zero key/value to every sequence (PyTorch's add_zero_attn, default false). */
  addZeroAttn?: boolean;
  /** Feature size of the keys (default embedDim; a different one gives separate projection weights). */
  kdim?: number;
  /** Feature size of the values (default embedDim). */
  vdim?: number;
  /** Inputs and output are [batch, seq, feature] (default false: [seq, batch, feature]). */
  batchFirst?: boolean;
  dtype?: DType;
}

export interface MultiheadAttentionForwardOptions {
  /** [N, S] (or [S] unbatched): bool, true = ignore that key; or float, added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** [L, S] or [N * numHeads, L, S]: bool, true = may NOT attend; or float, added to the scores. */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads (default true) rather than [N, numHeads, L, S]. */
  averageAttnWeights?: boolean;
}

/**
 * Multi-head attention (Vaswani et al. 2017) with PyTorch's parameters, so state dicts load
 * across: `in_proj_weight` [3E, E] (or `q_proj_weight`, `k_proj_weight`, `v_proj_weight` when
 * kdim/vdim differ from E), `in_proj_bias` [3E], `out_proj` (a Linear), and optional
 * `bias_k`/`bias_v` [1, 1, E]. Bool masks follow nn.MultiheadAttention (true = masked out).
 * `forward` returns the output and, with `needWeights`, the attention weights.
 * @example
 * const mha = new nn.MultiheadAttention(16, 4, { batchFirst: true });
 * const x = gl.randn([2, 5, 16]);
 * const { output, weights } = mha.forward(x, x, x); // [2, 5, 16], [2, 5, 5]
 */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;
  in_proj_weight: Parameter | null = null;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null = null;
  out_proj: Linear;
  bias_k: Parameter | null = null;
  bias_v: Parameter | null = null;

  constructor(embedDim: number, numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    const name = "MultiheadAttention";
    for (const [v, n] of [[embedDim, "embedDim"], [numHeads, "numHeads"]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name}: ${n} must be a positive integer, got ${v}`);
    }
    if (embedDim % numHeads !== 0) throw new RangeError(`${name}: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    const p = opts.dropout ?? 0;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${name}: dropout must be in [0, 1], got ${p}`);
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this.headDim = embedDim / numHeads;
    this.dropout = p;
    this.batchFirst = opts.batchFirst ?? false;
    this.addZeroAttn = opts.addZeroAttn ?? false;
    const dtype = opts.dtype;
    if (this.kdim === embedDim && this.vdim === embedDim) {
      this.in_proj_weight = new Parameter(empty([3 * embedDim, embedDim], { dtype }));
    } else {
      this.q_proj_weight = new Parameter(empty([embedDim, embedDim], { dtype }));
      this.k_proj_weight = new Parameter(empty([embedDim, this.kdim], { dtype }));
      this.v_proj_weight = new Parameter(empty([embedDim, this.vdim], { dtype }));
    }
    if (opts.bias !== false) this.in_proj_bias = new Parameter(empty([3 * embedDim], { dtype }));
    this.out_proj = new Linear(embedDim, embedDim, { bias: opts.bias !== false, dtype });
    if (opts.addBiasKv) {
      this.bias_k = new Parameter(empty([1, 1, embedDim], { dtype }));
      this.bias_v = new Parameter(empty([1, 1, embedDim], { dtype }));
    }
    this.resetParameters();
  }

  /** PyTorch's init: Xavier-uniform projections, zero biases, Xavier-normal bias_k/bias_v. */
  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w) xavierUniform_(w);
    if (this.in_proj_bias) {
      constant_(this.in_proj_bias, 0);
      constant_(this.out_proj.bias!, 0);
    }
    if (this.bias_k) xavierNormal_(this.bias_k);
    if (this.bias_v) xavierNormal_(this.bias_v);
  }

  forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionForwardOptions = {}): { output: Tensor; weights: Tensor | null } {
    const name = "MultiheadAttention";
    if (query.ndim !== 2 && query.ndim !== 3) {
      throw new RangeError(`${name}: query should be unbatched 2-D or batched 3-D, got shape ${fmtShape(query.shape)}`);
    }
    const batched = query.ndim === 3;
    if (key.ndim !== query.ndim || value.ndim !== query.ndim) {
      throw new RangeError(`${name}: for a ${query.ndim}-D query, key and value must be ${query.ndim}-D too, got shapes ${fmtShape(key.shape)} and ${fmtShape(value.shape)}`);
    }
    const wdt = this.out_proj.weight.dtype;
    for (const [t, n] of [[query, "query"], [key, "key"], [value, "value"]] as const) {
      if (t.dtype !== wdt) throw new TypeError(`${name}: ${n} has dtype ${t.dtype} but the layer's parameters are ${wdt}`);
    }
    // Work in PyTorch's internal layout [seq, batch, feature].
    const toSbe = (t: Tensor) => (!batched ? unsqueeze(t, 1) : this.batchFirst ? transpose(t, 0, 1) : t);
    const q = toSbe(query), k = toSbe(key), v = toSbe(value);
    const [L, N, E] = q.shape;
    const S = k.shape[0], H = this.numHeads, hd = this.headDim;
    if (E !== this.embedDim) throw new RangeError(`${name}: query has embed dim ${E} but the layer expects ${this.embedDim}`);
    if (k.shape[2] !== this.kdim) throw new RangeError(`${name}: key has embed dim ${k.shape[2]} but the layer expects kdim ${this.kdim}`);
    if (v.shape[2] !== this.vdim) throw new RangeError(`${name}: value has embed dim ${v.shape[2]} but the layer expects vdim ${this.vdim}`);
    if (k.shape[0] !== v.shape[0] || k.shape[1] !== v.shape[1]) {
      throw new RangeError(`${name}: key of shape ${fmtShape(key.shape)} and value of shape ${fmtShape(value.shape)} must have the same sequence length and batch size`);
    }
    if (k.shape[1] !== N) throw new RangeError(`${name}: key has batch size ${k.shape[1]} but query has ${N}`);

    const b = this.in_proj_bias;
    if (query === key && key === value && this.in_proj_weight && !this.bias_k && !this.addZeroAttn) {
      return this.selfAttention(query, opts, batched, this.buildMask(opts, L, N, S, batched, wdt));
    }
    const bias = (i: number) => (b ? narrow(b, 0, i * E, E) : null);
    const packed = this.in_proj_weight;
    const weight = (i: number, sep: Parameter | null) => (packed ? narrow(packed, 0, i * E, E) : sep!);
    let qp = linear(q, weight(0, this.q_proj_weight), bias(0));
    let kp = linear(k, weight(1, this.k_proj_weight), bias(1));
    let vp = linear(v, weight(2, this.v_proj_weight), bias(2));

    let mask = this.buildMask(opts, L, N, S, batched, wdt);
    // Pads the masks' key dim for a key appended to every sequence (it is never masked).
    const padKey = (m: Tensor | null) => (m ? cat([m, zeros([...m.shape.slice(0, -1), 1], { dtype: m.dtype })], -1) : null);
    if (this.bias_k && this.bias_v) {
      kp = cat([kp, expand(this.bias_k, 1, N, E)], 0);
      vp = cat([vp, expand(this.bias_v, 1, N, E)], 0);
      mask = padKey(mask);
    }
    // [seq, N, E] -> [N, H, seq, hd]
    const heads = (t: Tensor) => permute(reshape(t, t.shape[0], N, H, hd), 1, 2, 0, 3);
    qp = heads(qp); kp = heads(kp); vp = heads(vp);
    if (this.addZeroAttn) {
      const z = zeros([N, H, 1, hd], { dtype: wdt });
      kp = cat([kp, z], 2);
      vp = cat([vp, z], 2);
      mask = padKey(mask);
    }
    const { output, weights } = attend(qp, kp, vp, mask, 1 / Math.sqrt(hd), this.training ? this.dropout : 0);
    let out = this.out_proj.forward(reshape(permute(output, 2, 0, 1, 3), L, N, E));
    out = !batched ? squeeze(out, 1) : this.batchFirst ? transpose(out, 0, 1) : out;
    if (opts.needWeights === false) return { output: out, weights: null };
    let w = opts.averageAttnWeights === false ? weights : mean(weights, 1);
    if (!batched) w = squeeze(w, 0);
    return { output: out, weights: w };
  }

  /**
   * Self-attention (query, key and value one tensor) with the packed projection: one [3E, E]
   * product on the batch-first layout, heads split as views of it, and the heads merged by
   * one copy, so no transposed copies of the inputs or per-piece weight gradients arise.
   */
  private selfAttention(query: Tensor, opts: MultiheadAttentionForwardOptions, batched: boolean, mask: Tensor | null): { output: Tensor; weights: Tensor | null } {
    // [N, L, E], a view of the input in every layout.
    const x = !batched ? unsqueeze(query, 0) : this.batchFirst ? query : transpose(query, 0, 1);
    const [N, L, E] = x.shape;
    const H = this.numHeads, hd = this.headDim;
    const [qh, kh, vh] = splitHeads(linear(x, this.in_proj_weight!, this.in_proj_bias), H);
    const p = this.training ? this.dropout : 0, scale = 1 / Math.sqrt(hd);
    // With no weights to return, the fused kernel (when it takes the call): its heads come back
    // merged ([N, L, H, hd] in memory), so the permute below costs no copy.
    const fused = opts.needWeights === false ? fusedAttention(qh, kh, vh, scale, mask, p) : null;
    const { output, weights } = fused ? { output: fused, weights: null } : attend(qh, kh, vh, mask, scale, p);
    let out = this.out_proj.forward(reshape(permute(output, 0, 2, 1, 3), N, L, E));
    out = !batched ? squeeze(out, 0) : this.batchFirst ? out : transpose(out, 0, 1);
    if (opts.needWeights === false || weights === null) return { output: out, weights: null };
    let w = opts.averageAttnWeights === false ? weights : mean(weights, 1);
    if (!batched) w = squeeze(w, 0);
    return { output: out, weights: w };
  }

  /** attnMask and keyPaddingMask merged into one additive mask broadcastable to [N, H, L, S]. */
  private buildMask(opts: MultiheadAttentionForwardOptions, L: number, N: number, S: number, batched: boolean, dtype: DType): Tensor | null {
    const name = "MultiheadAttention";
    let mask: Tensor | null = null;
    const am = opts.attnMask;
    if (am) {
      if (am.ndim === 2) {
        if (!shapesEqual(am.shape, [L, S])) throw new RangeError(`${name}: the 2-D attnMask has shape ${fmtShape(am.shape)}, but should be ${fmtShape([L, S])}`);
        mask = additiveMask(am, dtype, "mask", name, "attnMask");
      } else if (am.ndim === 3) {
        const want = [N * this.numHeads, L, S];
        if (!shapesEqual(am.shape, want)) throw new RangeError(`${name}: the 3-D attnMask has shape ${fmtShape(am.shape)}, but should be ${fmtShape(want)} ([batch * numHeads, L, S])`);
        mask = reshape(additiveMask(am, dtype, "mask", name, "attnMask"), N, this.numHeads, L, S);
      } else {
        throw new RangeError(`${name}: attnMask must be 2-D or 3-D, got shape ${fmtShape(am.shape)}`);
      }
    }
    const kpm = opts.keyPaddingMask;
    if (kpm) {
      const want = batched ? [N, S] : [S];
      if (!shapesEqual(kpm.shape, want)) throw new RangeError(`${name}: keyPaddingMask has shape ${fmtShape(kpm.shape)}, but should be ${fmtShape(want)}`);
      const m = reshape(additiveMask(kpm, dtype, "mask", name, "keyPaddingMask"), N, 1, 1, S);
      mask = mask ? add(mask, m) : m;
    }
    return mask;
  }

  override extraRepr(): string {
    return `embed_dim=${this.embedDim}, num_heads=${this.numHeads}, batch_first=${this.batchFirst ? "True" : "False"}`;
  }
}

/**
 * The packed projection [N, L, 3E] split into query, key and value heads [N, H, L, E / H],
 * views of it. One node: the three head gradients are stacked straight into the [N, L, 3E]
 * layout (one copy), instead of three zero-padded slices summed.
 */
function splitHeads(qkv: Tensor, H: number): [Tensor, Tensor, Tensor] {
  const [N, L, E3] = qkv.shape;
  const hd = E3 / 3 / H;
  const parts = noGrad(() => {
    const t = permute(reshape(qkv, N, L, 3, H, hd), 2, 0, 3, 1, 4);
    return [select(t, 0, 0), select(t, 0, 1), select(t, 0, 2)] as [Tensor, Tensor, Tensor];
  });
  if (needsGrad(qkv)) {
    record("SplitHeadsBackward", [qkv], parts, (gs) => [reshape(stack(gs.map((g) => permute(g, 0, 2, 1, 3)), 2), N, L, E3)]);
  }
  return parts;
}
