import type { DType } from "../tensor/dtype.js";
import type { Shape } from "../tensor/shape.js";
import { fmtShape } from "../tensor/shape.js";
import type { GradFn } from "../tensor/tensor.js";
import { Tensor } from "../tensor/tensor.js";

// What ops need to record the autograd graph. The engine that walks it is src/autograd.

let gradEnabled = true;

/** Whether ops currently record the graph. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Sets grad mode and returns the previous value (prefer noGrad/enableGrad). */
export function setGradEnabled(on: boolean): boolean {
  const prev = gradEnabled;
  gradEnabled = on;
  return prev;
}

/**
 * Runs `fn` without recording the graph (like `with torch.no_grad():`).
 * @example const y = gl.noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(false);
  try { return fn(); } finally { gradEnabled = prev; }
}

/** Runs `fn` with the graph recorded, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(true);
  try { return fn(); } finally { gradEnabled = prev; }
}

/** Gradient rule of a node: output gradients in (one per output), input gradients out. */
export type BackwardFn = (grads: Tensor[]) => (Tensor | null)[];
/** A hook on a gradient: may return a replacement. */
export type GradHook = (grad: Tensor) => Tensor | void | undefined;

let nextSeq = 0;

/**
 * One recorded operation. Edges point at the nodes that produced the inputs (or the
 * inputs' AccumulateGrad nodes for leaves), never at the input tensors, so the graph
 * keeps alive only what the gradient rule saved.
 */
export class Node implements GradFn {
  /** Creation order: a node's inputs always have smaller seq, so seq orders the graph. */
  seq: number;
  /** For each input: the node its gradient flows to (null: input needs no gradient). */
  readonly next: (Node | null)[];
  /** For each input: which output of `next[i]` the input was. */
  readonly nextNr: number[];
  backwardFn: BackwardFn | null;
  /** Tensors the rule reads, with their versions at save time (checked before use). */
  saved: Tensor[] | null;
  savedVersions: number[] | null;
  /** Shape/dtype of each output, to materialise zeros for outputs that got no gradient. */
  readonly outShapes: Shape[];
  readonly outDtypes: DType[];
  /** Hooks on the gradient of each output (from `registerHook` on non-leaf tensors). */
  preHooks: GradHook[][] | null = null;
  /** Non-leaf outputs that asked to keep their `.grad` (`retainGrad()`). */
  retained: (Tensor | null)[] | null = null;
  released = false;

  constructor(readonly name: string, next: (Node | null)[], nextNr: number[], backwardFn: BackwardFn | null, outputs: Tensor[], saved: Tensor[] | null) {
    this.seq = nextSeq++;
    this.next = next;
    this.nextNr = nextNr;
    this.backwardFn = backwardFn;
    this.saved = saved;
    this.savedVersions = saved ? saved.map((t) => t._version) : null;
    this.outShapes = outputs.map((t) => t.shape);
    this.outDtypes = outputs.map((t) => t.dtype);
  }

  addPreHook(outputNr: number, hook: GradHook): void {
    this.preHooks ??= this.outShapes.map(() => []);
    this.preHooks[outputNr].push(hook);
  }

  /** Frees what backward needs, as PyTorch does after a backward without retainGraph. */
  release(): void {
    this.backwardFn = null;
    this.saved = null;
    this.released = true;
  }

  toString(): string {
    return `<${this.name}>`;
  }
}

/** The sink of a leaf's gradient: accumulates into `variable.grad`. */
export class AccumulateGrad extends Node {
  constructor(readonly variable: Tensor) {
    super("AccumulateGrad", [], [], null, [variable], null);
    // Run as soon as ready (PyTorch gives these the highest priority) so that hooks on
    // parameters fire while the rest of backward is still running.
    this.seq = Number.MAX_SAFE_INTEGER;
  }
}

/** The gradient sink of a leaf tensor that requires grad (one per leaf, created on first use). */
export function accumulateNode(t: Tensor): AccumulateGrad {
  let node = t._autograd as AccumulateGrad | null;
  if (!node) {
    node = new AccumulateGrad(t);
    t._autograd = node;
  }
  return node;
}

/** The edge a tensor's gradient flows along: its grad_fn, or its accumulator if it is a leaf. */
export function edgeOf(t: Tensor): [Node | null, number] {
  if (t._gradFn) return [t._gradFn as Node, t._outputNr];
  if (t._requiresGrad) return [accumulateNode(t), 0];
  return [null, 0];
}

/** True when an op on these inputs must record a node. */
export function needsGrad(a: Tensor, b?: Tensor, c?: Tensor): boolean {
  if (!gradEnabled) return false;
  return a.requiresGrad || (b !== undefined && b.requiresGrad) || (c !== undefined && c.requiresGrad);
}

export function anyNeedsGrad(ts: readonly Tensor[]): boolean {
  if (!gradEnabled) return false;
  for (const t of ts) if (t.requiresGrad) return true;
  return false;
}

/**
 * Records `outputs = op(inputs)` in the graph. `backward` receives one gradient per
 * output and returns one per input (null where the input needs none). `saved` lists the
 * tensors the rule reads, so in-place changes to them are caught at backward time.
 */
export function record(name: string, inputs: readonly Tensor[], outputs: readonly Tensor[], backward: BackwardFn, saved: Tensor[] | null = null): void {
  const n = inputs.length;
  const next = new Array<Node | null>(n);
  const nextNr = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const [node, nr] = edgeOf(inputs[i]);
    next[i] = node;
    nextNr[i] = nr;
  }
  const node = new Node(name, next, nextNr, backward, outputs as Tensor[], saved);
  for (let i = 0; i < outputs.length; i++) {
    outputs[i]._gradFn = node;
    outputs[i]._outputNr = i;
  }
}

/** `record` for the common one-output case. Returns `out`. */
export function attach(out: Tensor, name: string, inputs: readonly Tensor[], backward: (g: Tensor) => (Tensor | null)[], saved: Tensor[] | null = null): Tensor {
  record(name, inputs, [out], (gs) => backward(gs[0]), saved);
  return out;
}

/** The error PyTorch raises when a saved tensor changed before backward. */
export function checkSaved(node: Node): void {
  const saved = node.saved;
  const versions = node.savedVersions;
  if (!saved || !versions) return;
  for (let i = 0; i < saved.length; i++) {
    if (saved[i]._version !== versions[i]) {
      throw new Error(
        `backward: one of the tensors needed to compute the gradient of ${node.name} (shape ${fmtShape(saved[i].shape)}, ${saved[i].dtype}) ` +
          `was modified by an in-place operation: it was saved at version ${versions[i]} and is now at version ${saved[i]._version}. ` +
          `Use an out-of-place op (e.g. x.add(y) instead of x.add_(y)) or clone() the tensor before modifying it.`,
      );
    }
  }
}

export { Tensor };
