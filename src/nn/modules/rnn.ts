import { add, mul, relu, sigmoid, sub, tanh } from "../../ops/elementwise.js";
import { needsGrad, noGrad, record } from "../../ops/graph.js";
import { cat, stack } from "../../ops/join.js";
import { narrow, select, squeeze, transpose, unsqueeze } from "../../ops/shape.js";
import { empty, zeros } from "../../tensor/creation.js";
import type { DType } from "../../tensor/dtype.js";
import { isFloating } from "../../tensor/dtype.js";
import { fmtShape, shapesEqual } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { dropout } from "../functional/misc.js";
import { uniform_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { linear } from "./linear.js";

// Recurrent layers with PyTorch's parameter names (weight_ih_l{k}[_reverse], weight_hh_l{k},
// bias_ih_l{k}, bias_hh_l{k}, LSTM's weight_hr_l{k}), gate orders and init, so state dicts
// load across. Each step is composed from differentiable ops; the input projection of a
// whole layer is one matmul.

type Mode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";

export interface RNNBaseOptions {
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Use bias_ih and bias_hh (default true). */
  bias?: boolean;
  /** Input and output are [batch, seq, feature] (default false: [seq, batch, feature]); hidden states are not affected. */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /** Run a second direction over the reversed sequence and concatenate (default false). */
  bidirectional?: boolean;
  dtype?: DType;
}

export interface RNNOptions extends RNNBaseOptions {
  /** "tanh" (default) or "relu". */
  nonlinearity?: "tanh" | "relu";
}

export interface LSTMOptions extends RNNBaseOptions {
  /** Project h to this size with weight_hr_l{k} (default 0: no projection). */
  projSize?: number;
}

const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/**
 * x[0], x[1], ... as views with one gradient node that stacks their gradients: T separate
 * selects would each scatter into a full-size zero tensor, O(T^2) work in backward.
 */
function unbindSteps(x: Tensor): Tensor[] {
  const steps = noGrad(() => Array.from({ length: x.shape[0] }, (_, t) => select(x, 0, t)));
  if (needsGrad(x)) record("UnbindBackward", [x], steps, (gs) => [stack(gs, 0)]);
  return steps;
}

abstract class RNNBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  private readonly _mode: Mode;
  private readonly _name: string;

  constructor(mode: Mode, name: string, inputSize: number, hiddenSize: number, opts: RNNBaseOptions & { projSize?: number }) {
    super();
    this._mode = mode;
    this._name = name;
    const int = (v: number, n: string, min: number) => {
      if (!Number.isInteger(v) || v < min) throw new RangeError(`${name}: ${n} must be an integer >= ${min}, got ${v}`);
      return v;
    };
    this.inputSize = int(inputSize, "inputSize", 0);
    this.hiddenSize = int(hiddenSize, "hiddenSize", 1);
    this.numLayers = int(opts.numLayers ?? 1, "numLayers", 1);
    this.projSize = int(opts.projSize ?? 0, "projSize", 0);
    if (this.projSize >= hiddenSize) throw new RangeError(`${name}: projSize has to be smaller than hiddenSize (${this.projSize} >= ${hiddenSize})`);
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.bidirectional = opts.bidirectional ?? false;
    const p = opts.dropout ?? 0;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${name}: dropout should be a number in [0, 1], got ${p}`);
    this.dropout = p;

    const g = GATES[mode] * hiddenSize;
    const out = this.projSize > 0 ? this.projSize : hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    const dtype = opts.dtype;
    const self = this as unknown as Record<string, Parameter>;
    // PyTorch's registration order: per layer, per direction: w_ih, w_hh, b_ih, b_hh, (w_hr).
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${layer}${d === 1 ? "_reverse" : ""}`;
        const inSize = layer === 0 ? inputSize : out * dirs;
        self[`weight_ih${sfx}`] = new Parameter(empty([g, inSize], { dtype }));
        self[`weight_hh${sfx}`] = new Parameter(empty([g, out], { dtype }));
        if (this.bias) {
          self[`bias_ih${sfx}`] = new Parameter(empty([g], { dtype }));
          self[`bias_hh${sfx}`] = new Parameter(empty([g], { dtype }));
        }
        if (this.projSize > 0) self[`weight_hr${sfx}`] = new Parameter(empty([this.projSize, hiddenSize], { dtype }));
      }
    }
    this.resetParameters();
  }

  /** PyTorch's init: every weight and bias uniform in ±1/sqrt(hiddenSize). */
  resetParameters(): void {
    const stdv = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -stdv, stdv);
  }

  /** Parameters per layer and direction, in PyTorch's order ([w_ih, w_hh, b_ih?, b_hh?, w_hr?]). */
  get allWeights(): Parameter[][] {
    const self = this as unknown as Record<string, Parameter | undefined>;
    const out: Parameter[][] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let d = 0; d < (this.bidirectional ? 2 : 1); d++) {
        const sfx = `_l${layer}${d === 1 ? "_reverse" : ""}`;
        out.push(["weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"].map((n) => self[n + sfx]).filter((p): p is Parameter => p instanceof Parameter));
      }
    }
    return out;
  }

  /** Runs all layers; h0/c0 are [numLayers * dirs, N, *] (or without N for unbatched input). */
  protected run(input: Tensor, h0: Tensor | null | undefined, c0: Tensor | null | undefined): { output: Tensor; hN: Tensor; cN: Tensor | null } {
    const name = this._name;
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new RangeError(`${name}: expected input to be 2-D (unbatched [seq, feature]) or 3-D, got shape ${fmtShape(input.shape)}`);
    }
    const self = this as unknown as Record<string, Parameter | undefined>;
    const wdt = self.weight_ih_l0!.dtype;
    if (!isFloating(input.dtype) || input.dtype !== wdt) throw new TypeError(`${name}: input has dtype ${input.dtype} but the layer's parameters are ${wdt}`);
    const batched = input.ndim === 3;
    const x = !batched ? unsqueeze(input, 1) : this.batchFirst ? transpose(input, 0, 1) : input; // [T, N, I]
    const [T, N, I] = x.shape;
    if (I !== this.inputSize) throw new RangeError(`${name}: input has ${I} features in its last dim but the layer expects inputSize ${this.inputSize}`);
    if (T === 0) throw new RangeError(`${name}: input has sequence length 0 (shape ${fmtShape(input.shape)})`);
    const dirs = this.bidirectional ? 2 : 1;
    const H = this.hiddenSize;
    const hOut = this.projSize > 0 ? this.projSize : H;
    const state = (t: Tensor | null | undefined, size: number, what: string): Tensor => {
      const want = batched ? [this.numLayers * dirs, N, size] : [this.numLayers * dirs, size];
      if (t === null || t === undefined) return zeros([this.numLayers * dirs, N, size], { dtype: wdt });
      if (!shapesEqual(t.shape, want)) throw new RangeError(`${name}: expected ${what} of shape ${fmtShape(want)}, got ${fmtShape(t.shape)}`);
      if (t.dtype !== wdt) throw new TypeError(`${name}: ${what} has dtype ${t.dtype} but the layer's parameters are ${wdt}`);
      return batched ? t : unsqueeze(t, 1);
    };
    const lstm = this._mode === "LSTM";
    const hx = state(h0, hOut, "h0");
    const cx = lstm ? state(c0, H, "c0") : null;

    const hs: Tensor[] = [], cs: Tensor[] = [];
    let layerInput = x;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${layer}${d === 1 ? "_reverse" : ""}`;
        const k = layer * dirs + d;
        const w = { ih: self[`weight_ih${sfx}`]!, hh: self[`weight_hh${sfx}`]!, bih: self[`bias_ih${sfx}`] ?? null, bhh: self[`bias_hh${sfx}`] ?? null, hr: self[`weight_hr${sfx}`] ?? null };
        const xw = unbindSteps(linear(layerInput, w.ih, w.bih)); // W_ih x_t + b_ih for all steps in one matmul
        let h = select(hx, 0, k);
        let c = cx ? select(cx, 0, k) : null;
        const steps: Tensor[] = new Array(T);
        for (let s = 0; s < T; s++) {
          const t = d === 0 ? s : T - 1 - s;
          [h, c] = this.cell(xw[t], h, c, w);
          steps[t] = h;
        }
        outs.push(stack(steps, 0));
        hs.push(h);
        if (c) cs.push(c);
      }
      layerInput = dirs === 2 ? cat(outs, 2) : outs[0];
      if (this.training && this.dropout > 0 && layer < this.numLayers - 1) layerInput = dropout(layerInput, { p: this.dropout, training: true });
    }
    let output = layerInput;
    output = !batched ? squeeze(output, 1) : this.batchFirst ? transpose(output, 0, 1) : output;
    const fin = (l: Tensor[]) => (batched ? stack(l, 0) : squeeze(stack(l, 0), 1));
    return { output, hN: fin(hs), cN: lstm ? fin(cs) : null };
  }

  /** One step: gi = W_ih x + b_ih (precomputed), h, c -> new h, c (PyTorch's cell formulas and gate orders). */
  private cell(gi: Tensor, h: Tensor, c: Tensor | null, w: { hh: Parameter; bhh: Parameter | null; hr: Parameter | null }): [Tensor, Tensor | null] {
    const gh = linear(h, w.hh, w.bhh);
    const H = this.hiddenSize;
    const gate = (t: Tensor, i: number) => narrow(t, -1, i * H, H);
    switch (this._mode) {
      case "RNN_TANH": return [tanh(add(gi, gh)), null];
      case "RNN_RELU": return [relu(add(gi, gh)), null];
      case "LSTM": {
        const g = add(gi, gh); // gates i, f, g, o
        const cNew = add(mul(sigmoid(gate(g, 1)), c!), mul(sigmoid(gate(g, 0)), tanh(gate(g, 2))));
        let hNew = mul(sigmoid(gate(g, 3)), tanh(cNew));
        if (w.hr) hNew = linear(hNew, w.hr);
        return [hNew, cNew];
      }
      case "GRU": {
        // gates r, z, n; n = tanh(W_in x + b_in + r * (W_hn h + b_hn)); h' = (1 - z) n + z h
        const r = sigmoid(add(gate(gi, 0), gate(gh, 0)));
        const z = sigmoid(add(gate(gi, 1), gate(gh, 1)));
        const n = tanh(add(gate(gi, 2), mul(r, gate(gh, 2))));
        return [add(mul(sub(h, n), z), n), null];
      }
    }
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}`, `${this.hiddenSize}`];
    if (this.projSize) parts.push(`proj_size=${this.projSize}`);
    if (this.numLayers !== 1) parts.push(`num_layers=${this.numLayers}`);
    if (!this.bias) parts.push("bias=False");
    if (this.batchFirst) parts.push("batch_first=True");
    if (this.dropout) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push("bidirectional=True");
    return parts.join(", ");
  }
}

/**
 * Elman RNN: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) (or relu). `forward(x, h0?)`
 * returns [output, hN]: output [T, N, D * H] (batchFirst: [N, T, D * H]), hN [numLayers * D, N, H].
 * @example
 * const rnn = new nn.RNN(10, 20, { numLayers: 2 });
 * const [out, hN] = rnn.forward(gl.randn([5, 3, 10])); // [5, 3, 20], [2, 3, 20]
 */
export class RNN extends RNNBase {
  declare weight_ih_l0: Parameter;
  declare weight_hh_l0: Parameter;
  readonly nonlinearity: "tanh" | "relu";
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    const nl = opts.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new TypeError(`RNN: unknown nonlinearity "${String(nl)}" (expected "tanh" or "relu")`);
    super(nl === "tanh" ? "RNN_TANH" : "RNN_RELU", "RNN", inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }
  forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const { output, hN } = this.run(x, h0, null);
    return [output, hN];
  }
}

/**
 * Gated recurrent unit (gates r, z, n as in PyTorch): `forward(x, h0?)` returns [output, hN]
 * with RNN's shapes.
 * @example
 * const gru = new nn.GRU(10, 20, { batchFirst: true });
 * const [out, hN] = gru.forward(gl.randn([3, 5, 10])); // [3, 5, 20], [1, 3, 20]
 */
export class GRU extends RNNBase {
  declare weight_ih_l0: Parameter;
  declare weight_hh_l0: Parameter;
  constructor(inputSize: number, hiddenSize: number, opts: RNNBaseOptions = {}) {
    super("GRU", "GRU", inputSize, hiddenSize, opts);
  }
  forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const { output, hN } = this.run(x, h0, null);
    return [output, hN];
  }
}

/**
 * Long short-term memory (gates i, f, g, o as in PyTorch, optional projection):
 * `forward(x, [h0, c0]?)` returns [output, [hN, cN]].
 * @example
 * const lstm = new nn.LSTM(10, 20, { numLayers: 2, bidirectional: true });
 * const [out, [hN, cN]] = lstm.forward(gl.randn([5, 3, 10])); // [5, 3, 40], [4, 3, 20], [4, 3, 20]
 */
export class LSTM extends RNNBase {
  declare weight_ih_l0: Parameter;
  declare weight_hh_l0: Parameter;
  constructor(inputSize: number, hiddenSize: number, opts: LSTMOptions = {}) {
    super("LSTM", "LSTM", inputSize, hiddenSize, opts);
  }
  forward(x: Tensor, hc?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    if (hc !== null && hc !== undefined && (!Array.isArray(hc) || hc.length !== 2)) throw new TypeError("LSTM: the initial state must be a pair [h0, c0]");
    const { output, hN, cN } = this.run(x, hc?.[0], hc?.[1]);
    return [output, [hN, cN!]];
  }
}
