import { add, gelu, relu } from "../../ops/elementwise.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { MultiheadAttention } from "./attention.js";
import { ModuleList } from "./container.js";
import { Dropout } from "./dropout.js";
import { Linear } from "./linear.js";
import { LayerNorm } from "./normalization.js";

/** "relu", "gelu", a function, or a module (registered as the child `activation`, as in PyTorch). */
export type TransformerActivation = "relu" | "gelu" | ((x: Tensor) => Tensor) | Module;

export interface TransformerEncoderLayerOptions {
  /** Hidden size of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout probability in the attention and feed-forward blocks (default 0.1). */
  dropout?: number;
  /** The feed-forward block's activation (default "relu"). */
  activation?: TransformerActivation;
  /** LayerNorm epsilon (default 1e-5). */
  layerNormEps?: number;
  /** Inputs are [batch, seq, feature] (default false: [seq, batch, feature]). */
  batchFirst?: boolean;
  /** Pre-norm: LayerNorm before each block rather than after the residual sum (default false). */
  normFirst?: boolean;
  dtype?: DType;
}

export interface TransformerEncoderLayerForwardOptions {
  /** Attention mask ([L, L] or [N * nhead, L, L]; bool true = may not attend, or float added). */
  srcMask?: Tensor | null;
  /** [N, L] (bool true = padding, or float added). */
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * One Transformer encoder block (self-attention then a feed-forward network, each with a
 * residual connection and LayerNorm), with PyTorch's submodule names (`self_attn`, `linear1`,
 * `dropout`, `linear2`, `norm1`, `norm2`, `dropout1`, `dropout2`) so state dicts load across.
 * @example
 * const layer = new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * layer.forward(gl.randn([2, 5, 16])).shape // [2, 5, 16]
 */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly normFirst: boolean;
  readonly activation: TransformerActivation;
  private readonly _config: { dModel: number; nhead: number; opts: TransformerEncoderLayerOptions };

  constructor(readonly dModel: number, readonly nhead: number, opts: TransformerEncoderLayerOptions = {}) {
    super();
    const p = opts.dropout ?? 0.1;
    const dtype = opts.dtype;
    const act = opts.activation ?? "relu";
    if (act !== "relu" && act !== "gelu" && typeof act !== "function" && !(act instanceof Module)) {
      throw new TypeError(`TransformerEncoderLayer: activation should be "relu", "gelu", a function or a module, not ${JSON.stringify(act)}`);
    }
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: opts.batchFirst ?? false, dtype });
    this.linear1 = new Linear(dModel, opts.dimFeedforward ?? 2048, { dtype });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(opts.dimFeedforward ?? 2048, dModel, { dtype });
    this.norm1 = new LayerNorm(dModel, { eps: opts.layerNormEps ?? 1e-5, dtype });
    this.norm2 = new LayerNorm(dModel, { eps: opts.layerNormEps ?? 1e-5, dtype });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.normFirst = opts.normFirst ?? false;
    this.activation = act;
    this._config = { dModel, nhead, opts: { ...opts } };
  }

  forward(src: Tensor, opts: TransformerEncoderLayerForwardOptions = {}): Tensor {
    let x = src;
    if (this.normFirst) {
      x = add(x, this.saBlock(this.norm1.forward(x), opts));
      x = add(x, this.ffBlock(this.norm2.forward(x)));
    } else {
      x = this.norm1.forward(add(x, this.saBlock(x, opts)));
      x = this.norm2.forward(add(x, this.ffBlock(x)));
    }
    return x;
  }

  private saBlock(x: Tensor, opts: TransformerEncoderLayerForwardOptions): Tensor {
    const { output } = this.self_attn.forward(x, x, x, { attnMask: opts.srcMask, keyPaddingMask: opts.srcKeyPaddingMask, needWeights: false });
    return this.dropout1.forward(output);
  }

  private ffBlock(x: Tensor): Tensor {
    const h = this.linear1.forward(x);
    const act = this.activation;
    const a = act === "relu" ? relu(h) : act === "gelu" ? gelu(h) : act instanceof Module ? (act.forward(h) as Tensor) : act(h);
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(a)));
  }

  /** An independent copy with the same configuration, weights (copied) and modes. */
  clone(): TransformerEncoderLayer {
    const c = new TransformerEncoderLayer(this._config.dModel, this._config.nhead, { ...this._config.opts, dtype: this.linear1.weight.dtype });
    c.loadStateDict(this.stateDict());
    // Keep each submodule's own mode, as a deep copy would.
    const modes = new Map([...this.namedModules()].map(([k, m]) => [k, m.training]));
    for (const [k, m] of c.namedModules()) m.training = modes.get(k) ?? this.training;
    return c;
  }
}

export interface TransformerEncoderForwardOptions {
  /** Attention mask passed to every layer (see TransformerEncoderLayer's srcMask). */
  mask?: Tensor | null;
  /** [N, L] padding mask passed to every layer (bool true = padding). */
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * A stack of `numLayers` copies of an encoder layer (each starts with the given layer's
 * weights, as PyTorch deep-copies it), registered as `layers.0`, `layers.1`, ..., with an
 * optional final `norm`.
 * @example
 * const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(16, 4, { batchFirst: true }), 2);
 * enc.forward(gl.randn([2, 5, 16])).shape // [2, 5, 16]
 */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  norm: Module | null;

  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, opts: { norm?: Module | null } = {}) {
    super();
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new TypeError("TransformerEncoder: encoderLayer must be a TransformerEncoderLayer");
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new RangeError(`TransformerEncoder: numLayers must be a positive integer, got ${numLayers}`);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.clone()));
    this.norm = opts.norm ?? null;
  }

  forward(src: Tensor, opts: TransformerEncoderForwardOptions = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, { srcMask: opts.mask, srcKeyPaddingMask: opts.srcKeyPaddingMask });
    return this.norm ? (this.norm.forward(x) as Tensor) : x;
  }
}
