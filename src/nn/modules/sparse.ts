import { noGrad } from "../../ops/graph.js";
import { copy_, zero_ } from "../../ops/inplace.js";
import { select } from "../../ops/shape.js";
import { zeros } from "../../tensor/creation.js";
import type { DType } from "../../tensor/dtype.js";
import { fmtShape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import { embedding } from "../functional/misc.js";
import { normal_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

export interface EmbeddingModuleOptions {
  /** This row gets no gradient and starts at zero (e.g. the padding token). Negative counts from the end. */
  paddingIdx?: number | null;
  dtype?: DType;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim` (weight
 * [numEmbeddings, embeddingDim], PyTorch's layout and N(0, 1) init, with the padding row
 * zeroed). Its input is int32 indices of any shape.
 * @example const emb = new nn.Embedding(1000, 64, { paddingIdx: 0 }); emb.forward(tokens) // [..., 64]
 */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, opts: EmbeddingModuleOptions = {}) {
    super();
    for (const [v, n] of [[numEmbeddings, "numEmbeddings"], [embeddingDim, "embeddingDim"]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`Embedding: ${n} must be a non-negative integer, got ${v}`);
    }
    this.paddingIdx = normalizePadding(opts.paddingIdx, numEmbeddings);
    this.weight = new Parameter(zeros([numEmbeddings, embeddingDim], { dtype: opts.dtype }));
    this.resetParameters();
  }

  /**
   * An Embedding holding `embeddings` ([numEmbeddings, embeddingDim]), frozen (no gradient)
   * unless `freeze` is false.
   * @example const emb = nn.Embedding.fromPretrained(gl.randn([10, 4]));
   */
  static fromPretrained(embeddings: Tensor, opts: { freeze?: boolean; paddingIdx?: number | null } = {}): Embedding {
    if (!(embeddings instanceof Tensor) || embeddings.ndim !== 2) {
      throw new RangeError(`Embedding.fromPretrained: embeddings must be a 2-D tensor [numEmbeddings, embeddingDim]${embeddings instanceof Tensor ? `, got shape ${fmtShape(embeddings.shape)}` : ""}`);
    }
    const [V, D] = embeddings.shape;
    const emb = new Embedding(V, D, { paddingIdx: opts.paddingIdx, dtype: embeddings.dtype });
    noGrad(() => copy_(emb.weight, embeddings));
    emb.weight.requiresGrad_(!(opts.freeze ?? true));
    return emb;
  }

  /** N(0, 1) weights with the padding row zeroed, as PyTorch initialises them. */
  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) noGrad(() => zero_(select(this.weight, 0, this.paddingIdx!)));
  }

  forward(indices: Tensor): Tensor {
    if (!(indices instanceof Tensor) || indices.dtype !== "int32") {
      const got = indices instanceof Tensor ? `${indices.dtype} ${fmtShape(indices.shape)}` : typeof indices;
      throw new TypeError(`Embedding(${this.numEmbeddings}, ${this.embeddingDim}): expected int32 indices, got ${got}`);
    }
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ""}`;
  }
}

function normalizePadding(p: number | null | undefined, n: number): number | null {
  if (p === undefined || p === null) return null;
  if (!Number.isInteger(p) || p < -n || p >= n) throw new RangeError(`Embedding: paddingIdx must be within the ${n} rows ([-${n}, ${n - 1}]), got ${p}`);
  return p < 0 ? p + n : p;
}
