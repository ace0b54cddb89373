import * as E from "../../ops/elementwise.js";
import { logSoftmax, softmax } from "../../ops/reduce.js";
import * as A from "../functional/activation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";

/** max(0, x). */
export class ReLU extends Module {
  forward(x: Tensor): Tensor { return E.relu(x); }
}

/** x * Phi(x) (or its tanh approximation). */
export class GELU extends Module {
  constructor(readonly approximate: "none" | "tanh" = "none") { super(); }
  forward(x: Tensor): Tensor { return E.gelu(x, this.approximate); }
  override extraRepr(): string { return `approximate='${this.approximate}'`; }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return E.sigmoid(x); }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor { return E.tanh(x); }
}

/** x * sigmoid(x). */
export class SiLU extends Module {
  forward(x: Tensor): Tensor { return E.silu(x); }
}

/** max(0, x) + negativeSlope * min(0, x). */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) { super(); }
  forward(x: Tensor): Tensor { return A.leakyRelu(x, this.negativeSlope); }
  override extraRepr(): string { return `negative_slope=${this.negativeSlope}`; }
}

export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  forward(x: Tensor): Tensor { return E.softplus(x, this.beta, this.threshold); }
}

/** Softmax over `dim` (PyTorch's nn.Softmax). */
export class Softmax extends Module {
  constructor(readonly dim: number) { super(); }
  forward(x: Tensor): Tensor { return softmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

/** log(softmax(x)) over `dim`, computed stably. */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) { super(); }
  forward(x: Tensor): Tensor { return logSoftmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) { super(); }
  forward(x: Tensor): Tensor { return A.elu(x, this.alpha); }
  override extraRepr(): string { return `alpha=${this.alpha}`; }
}

export class SELU extends Module {
  forward(x: Tensor): Tensor { return A.selu(x); }
}

export class Hardtanh extends Module {
  constructor(readonly minVal = -1, readonly maxVal = 1) { super(); }
  forward(x: Tensor): Tensor { return A.hardtanh(x, this.minVal, this.maxVal); }
  override extraRepr(): string { return `min_val=${this.minVal}, max_val=${this.maxVal}`; }
}

export class ReLU6 extends Module {
  forward(x: Tensor): Tensor { return A.relu6(x); }
}

export class Hardswish extends Module {
  forward(x: Tensor): Tensor { return A.hardswish(x); }
}

export class Mish extends Module {
  forward(x: Tensor): Tensor { return A.mish(x); }
}

export class LogSigmoid extends Module {
  forward(x: Tensor): Tensor { return A.logSigmoid(x); }
}
