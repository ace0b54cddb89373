import { AccumulateGrad, enableGrad, isGradEnabled, Node, record } from "../ops/graph.js";
import { defaultGenerator } from "../tensor/random.js";
import { contiguousStrides, fmtShape } from "../tensor/shape.js";
import { Storage } from "../tensor/storage.js";
import { allocate } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { execute } from "./engine.js";

// Activation checkpointing with PyTorch's non-reentrant semantics: the segment's graph is
// replaced by one node whose backward recomputes the segment and differentiates the
// recomputation. Gradients reach every tensor the segment reads — the explicit inputs and
// tensors it closes over (module parameters) — and double backward works.

/** A graph position: output `nr` of `node`. */
type Edge = readonly [Node, number];

/** A number smaller than the seq of every node created after this call. */
function seqMark(): number {
  return new Node("SeqMark", [], [], null, [], null).seq;
}

/** Whether `n` was recorded after `mark` (leaves' accumulators belong to no segment). */
function insideSegment(n: Node | null, mark: number): boolean {
  return n !== null && !(n instanceof AccumulateGrad) && n.seq > mark;
}

/** Every node of the segment reachable from `roots`, and the edges that leave the segment, in discovery order. */
function segment(roots: readonly Node[], mark: number): { nodes: Node[]; exits: Edge[] } {
  const nodes: Node[] = [];
  const exits: Edge[] = [];
  const seen = new Set<Node>();
  const seenExit = new Map<Node, Set<number>>();
  const stack: Node[] = [];
  for (const r of roots) if (!seen.has(r)) { seen.add(r); stack.push(r); }
  while (stack.length) {
    const n = stack.pop()!;
    nodes.push(n);
    for (let i = 0; i < n.next.length; i++) {
      const nx = n.next[i];
      if (nx === null) continue;
      if (insideSegment(nx, mark)) {
        if (!seen.has(nx)) { seen.add(nx); stack.push(nx); }
        continue;
      }
      const nrs = seenExit.get(nx) ?? new Set<number>();
      seenExit.set(nx, nrs);
      if (!nrs.has(n.nextNr[i])) { nrs.add(n.nextNr[i]); exits.push([nx, n.nextNr[i]]); }
    }
  }
  return { nodes, exits };
}

/** A tensor standing for an edge, so that `record` can point the checkpoint node at it. */
function edgeTensor([node, nr]: Edge): Tensor {
  if (node instanceof AccumulateGrad) return node.variable;
  const shape = node.outShapes[nr];
  // Only the edge, shape and dtype are read (by record and the engine); no values.
  const t = new Tensor(new Storage(allocate(node.outDtypes[nr], 0), node.outDtypes[nr]), shape, contiguousStrides(shape), 0);
  t._gradFn = node;
  t._outputNr = nr;
  return t;
}

function asList(r: unknown): unknown[] {
  return Array.isArray(r) ? r : [r];
}

/**
 * Runs `fn(...inputs)` without keeping its intermediate activations: the outputs get a
 * single `CheckpointBackward` node, and backward runs `fn` again (with the random state
 * of the first run, so dropout masks repeat) and backpropagates through that
 * recomputation. Gradients are identical to running `fn` directly, and flow to the
 * explicit inputs and to any tensor `fn` closes over (such as a module's parameters).
 * `fn` may return a Tensor or an array of Tensors; non-tensor inputs pass through. The
 * forward records the segment's graph once to learn which tensors it reads and then drops
 * it, so memory peaks at one segment's activations, as with PyTorch's checkpoint.
 * @example
 * const y = gl.autograd.checkpoint((h) => block.forward(h), x);
 * y.sum().backward(); // block's activations are recomputed here
 */
export function checkpoint<A extends unknown[], R extends Tensor | readonly Tensor[]>(fn: (...args: A) => R, ...inputs: A): R {
  if (typeof fn !== "function") throw new TypeError(`checkpoint: fn must be a function, got ${typeof fn}`);
  if (!isGradEnabled()) return fn(...inputs);
  const rngState = defaultGenerator.getState();
  const mark = seqMark();
  const result = fn(...inputs);
  const outs = asList(result);
  outs.forEach((o, i) => {
    if (!(o instanceof Tensor)) throw new TypeError(`checkpoint: fn must return a Tensor or an array of Tensors; output ${i} is ${o === null ? "null" : typeof o}`);
  });
  // Outputs made inside the segment; an input returned as is keeps its own history.
  const positions: number[] = [];
  outs.forEach((o, i) => { if (insideSegment((o as Tensor)._gradFn as Node | null, mark)) positions.push(i); });
  if (positions.length === 0) return result;
  const produced = positions.map((p) => outs[p] as Tensor);

  const { nodes, exits } = segment(produced.map((t) => t._gradFn as Node), mark);
  const slotOf = new Map<Node, Map<number, number>>();
  exits.forEach(([n, nr], slot) => {
    const m = slotOf.get(n) ?? new Map<number, number>();
    slotOf.set(n, m);
    m.set(nr, slot);
  });
  const edgeInputs = exits.map(edgeTensor);
  // In-place changes to anything the recomputation reads would silently change the gradient.
  const saved = [
    ...inputs.filter((x): x is Tensor => x instanceof Tensor),
    ...exits.filter(([n]) => n instanceof AccumulateGrad).map(([n]) => (n as AccumulateGrad).variable),
  ];

  const backwardFn = (grads: Tensor[]): (Tensor | null)[] => {
    const createGraph = isGradEnabled();
    const rngNow = defaultGenerator.getState();
    defaultGenerator.setState(rngState);
    let mark2: number;
    let re: unknown[];
    try {
      mark2 = seqMark();
      re = asList(enableGrad(() => fn(...inputs)));
    } finally {
      defaultGenerator.setState(rngNow);
    }
    const roots: [Node, number][] = positions.map((p, k) => {
      const t = re[p];
      if (!(t instanceof Tensor) || !insideSegment(t._gradFn as Node | null, mark2)) {
        throw new Error(`checkpoint: recomputing fn in backward gave a different output ${p} than the forward pass (${fmtShape(produced[k].shape)} with a gradient); fn must be deterministic`);
      }
      return [t._gradFn as Node, t._outputNr];
    });
    // Point the recomputed segment's exits at sinks for the duration of the walk, so the
    // walk captures their gradients without running (or freeing) the graph outside.
    const sinks = edgeInputs.map((t) => new Node("CheckpointInput", [], [], null, [t], null));
    const rewired: [Node, number, Node, number][] = [];
    const { nodes: reNodes } = segment(roots.map(([n]) => n), mark2);
    try {
      for (const n of reNodes) {
        for (let i = 0; i < n.next.length; i++) {
          const nx = n.next[i];
          if (nx === null || insideSegment(nx, mark2)) continue;
          const slot = slotOf.get(nx)?.get(n.nextNr[i]);
          if (slot === undefined) {
            throw new Error(`checkpoint: recomputing fn in backward read a tensor (shape ${fmtShape(nx.outShapes[n.nextNr[i]])}) that the forward pass did not; fn must be deterministic`);
          }
          rewired.push([n, i, nx, n.nextNr[i]]);
          n.next[i] = sinks[slot];
          n.nextNr[i] = 0;
        }
      }
      const captures = sinks.map((node, slot) => ({ node, nr: 0, slot }));
      return execute(roots, grads, { createGraph }, captures, sinks.length);
    } finally {
      // Restored so that a graph built for double backward leads back to the real inputs.
      for (const [n, i, nx, nr] of rewired) { n.next[i] = nx; n.nextNr[i] = nr; }
    }
  };

  record("CheckpointBackward", edgeInputs, produced, backwardFn, saved);
  // Free the first run's graph: its nodes' rules hold the activations alive.
  for (const n of nodes) n.release();
  return result;
}
