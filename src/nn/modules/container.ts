import { fmtShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { flatten } from "../../ops/shape.js";
import { Module } from "../module.js";

/**
 * Runs modules one after another.
 * @example const mlp = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 */
export class Sequential extends Module {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new TypeError(`Sequential: argument ${i} is not a Module`);
      (this as unknown as Record<string, Module>)[String(i)] = m;
    });
  }
  get length(): number {
    return [...this.children()].length;
  }
  /** The i-th module (negative counts from the end). */
  at(i: number): Module {
    const kids = [...this.children()];
    const j = i < 0 ? i + kids.length : i;
    if (j < 0 || j >= kids.length) throw new RangeError(`Sequential: index ${i} is out of range for ${kids.length} modules`);
    return kids[j];
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  forward(x: any): any {
    for (const m of this.children()) x = m.call(x);
    return x;
  }
}

/**
 * A list of submodules that registers them (a plain array field would not).
 * @example layers = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4)]);
 */
export class ModuleList extends Module implements Iterable<Module> {
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }
  get length(): number {
    return [...this.children()].length;
  }
  append(m: Module): this {
    if (!(m instanceof Module)) throw new TypeError("ModuleList: append expects a Module");
    (this as unknown as Record<string, Module>)[String(this.length)] = m;
    return this;
  }
  at(i: number): Module {
    const kids = [...this.children()];
    const j = i < 0 ? i + kids.length : i;
    if (j < 0 || j >= kids.length) throw new RangeError(`ModuleList: index ${i} is out of range for ${kids.length} modules`);
    return kids[j];
  }
  [Symbol.iterator](): Iterator<Module> {
    return this.children();
  }
  forward(): never {
    throw new TypeError("ModuleList has no forward: iterate over it and call each module");
  }
}

/** Returns its input. */
export class Identity extends Module {
  forward<T>(x: T): T {
    return x;
  }
}

/** Flattens dims startDim..endDim (default: all but the batch dim). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    if (x.ndim <= this.startDim && x.ndim > 0) throw new RangeError(`Flatten: input of shape ${fmtShape(x.shape)} has no dim ${this.startDim}`);
    return flatten(x, this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
