import type { Tensor } from "../../tensor/tensor.js";
import { dropout } from "../functional/misc.js";
import { Module } from "../module.js";

/**
 * Inverted dropout in training mode (zero with probability p, scale the rest by
 * 1 / (1 - p)); the identity after `eval()`.
 * @example const drop = new nn.Dropout(0.2); drop.eval(); drop.forward(x) // x
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Dropout: probability has to be between 0 and 1, but got ${p}`);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training });
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}
