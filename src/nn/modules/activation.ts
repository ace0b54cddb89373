import * as E from "../../ops/elementwise.js";
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
  forward(x: Tensor): Tensor { return E.where(E.ge(x, 0), x, E.mul(x, this.negativeSlope)); }
  override extraRepr(): string { return `negative_slope=${this.negativeSlope}`; }
}

export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  forward(x: Tensor): Tensor { return E.softplus(x, this.beta, this.threshold); }
}
