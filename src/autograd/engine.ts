import { backend } from "../backend/registry.js";
import { AccumulateGrad, checkSaved, edgeOf, Node, setGradEnabled } from "../ops/graph.js";
import { add } from "../ops/elementwise.js";
import { cast } from "../ops/cast.js";
import { axpyInto } from "../ops/fused.js";
import { noGrad } from "../ops/graph.js";
import { ones, zeros } from "../tensor/creation.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import type { Storage } from "../tensor/storage.js";
import { nextStorageSerial } from "../tensor/storage.js";
import { Tensor } from "../tensor/tensor.js";

// The backward engine: one walk over the graph in reverse creation order (a node's
// inputs are always older than the node), with dependency counts so that each node runs
// once, after every gradient flowing into it has been summed — PyTorch's design.

export interface BackwardOptions {
  /** Keep the graph's saved tensors so that backward can run through it again. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
}

/** A max-heap of nodes by creation order. */
class NodeHeap {
  private items: Node[] = [];
  get size(): number { return this.items.length; }
  push(n: Node): void {
    const a = this.items;
    a.push(n);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].seq >= a[i].seq) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): Node {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && a[l].seq > a[m].seq) m = l;
        if (r < a.length && a[r].seq > a[m].seq) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

interface Capture { node: Node; nr: number; slot: number; }

// The node whose backward rule is running in a quiet pass (see gradSink), else null.
let sinkNode: Node | null = null;

/**
 * For a backward rule: `leaf`'s existing .grad when the rule may add its gradient for that
 * input straight into it, in place (and then return null for that input), else null. Only
 * in a quiet pass (no createGraph, no autograd.grad, no hook or retained gradient anywhere
 * in the graph: nothing can observe the gradient on its way), for an input of the running
 * node that is a leaf requiring grad, whose .grad is a plain contiguous float32/float64
 * tensor of its shape spanning its storage. The rule bumps the .grad's version
 * (`g.storage.version++`), as any in-place write does.
 * Adding into the .grad directly saves the gradient's temporary and the separate addition
 * (a matmul accumulates into it); it is what the engine would do next anyway.
 */
export function gradSink(leaf: Tensor): Tensor | null {
  const node = sinkNode;
  if (node === null || leaf.gradFn !== null || !leaf.requiresGrad) return null;
  if (!node.next.some((nx) => nx instanceof AccumulateGrad && nx.variable === leaf)) return null;
  const g = leaf._grad;
  if (g === null || g.requiresGrad || g.dtype !== leaf.dtype || (g.dtype !== "float32" && g.dtype !== "float64")) return null;
  if (!shapesEqual(g.shape, leaf.shape) || g.offset !== 0 || !g.isContiguous() || g.storage.data.length !== g.numel()) return null;
  return g;
}

function detachedCopy(g: Tensor): Tensor {
  return Tensor.fromArray(backend().copy(g, g.dtype), g.shape, g.dtype);
}

/**
 * Whether a leaf's first gradient may take `g`'s memory instead of a copy (PyTorch steals
 * the buffer when nothing else holds it). Without reference counts, "nothing else holds it"
 * is approximated by: no hooks or retained gradients anywhere in the graph (they could keep
 * it), storage created during this backward pass (not a root gradient, saved or user tensor),
 * not already given to another leaf, and g spanning its whole storage contiguously.
 */
interface StealPolicy {
  readonly allowed: boolean;
  readonly since: number;
  readonly taken: Set<Storage>;
}

function mayTake(g: Tensor, policy: StealPolicy | null): boolean {
  if (!policy || !policy.allowed) return false;
  const s = g.storage;
  if (s.serial < policy.since || policy.taken.has(s)) return false;
  if (g.offset !== 0 || s.data.length !== g.numel() || !g.isContiguous()) return false;
  policy.taken.add(s);
  return true;
}

/**
 * Counts the engine's references to its own gradient temporaries (storage made during this
 * backward pass, held in a gradient buffer) and gives a temporary's memory back to the
 * backend once the last one is consumed: nothing else can see it when no hook, retained
 * gradient, capture or createGraph is in play (the same conditions as StealPolicy), it is
 * not a leaf's gradient now, and every tensor a backward rule returns is itself counted
 * (views share their Storage object, so a rule that passes its input gradient on keeps it
 * alive). The backend reuses the memory for a later output of the same size while it is
 * still in cache.
 */
class Recycler {
  private readonly refs = new Map<Storage, number>();
  constructor(private readonly since: number, private readonly kept: Set<Storage>, private readonly give: (data: Tensor["data"]) => boolean) {}

  hold(g: Tensor): void {
    const s = g.storage;
    if (s.serial >= this.since) this.refs.set(s, (this.refs.get(s) ?? 0) + 1);
  }

  drop(g: Tensor): void {
    const s = g.storage;
    const n = this.refs.get(s);
    if (n === undefined) return;
    if (n > 1) { this.refs.set(s, n - 1); return; }
    this.refs.delete(s);
    if (!this.kept.has(s) && this.give(s.data)) s.recycled = true;
  }
}

function accumulate(v: Tensor, g: Tensor, createGraph: boolean, policy: StealPolicy | null = null): void {
  if (!createGraph && g.requiresGrad) g = g.detach();
  if (v._grad === null) {
    v._grad = createGraph ? g : mayTake(g, policy) ? g : detachedCopy(g);
  } else if (createGraph || v._grad.requiresGrad) {
    v._grad = add(v._grad, g);
  } else if (!axpyInto(v._grad, g, 1)) {
    // The general case (other dtype, broadcast, overlapping memory): add, then write back.
    const sum = noGrad(() => add(v._grad!, g));
    backend().assign(v._grad, sum);
    v._grad.storage.version++;
  }
}

function zerosFor(shape: readonly number[], dtype: Tensor["dtype"]): Tensor {
  return zeros(shape, { dtype });
}

/**
 * Runs backward from `roots` (with their gradients). With `captures`, returns the
 * gradients reaching those edges instead of accumulating into leaves (autograd.grad).
 */
export function execute(roots: [Node, number][], rootGrads: Tensor[], opts: BackwardOptions, captures: Capture[] | null, nSlots = 0): (Tensor | null)[] {
  const retain = opts.retainGraph ?? opts.createGraph ?? false;
  const createGraph = opts.createGraph ?? false;

  // Dependencies: how many edges from reachable nodes point at each node.
  const deps = new Map<Node, number>();
  const seen = new Set<Node>();
  const stack: Node[] = [];
  for (const [n] of roots) if (!seen.has(n)) { seen.add(n); stack.push(n); }
  while (stack.length) {
    const n = stack.pop()!;
    for (const nx of n.next) {
      if (!nx) continue;
      deps.set(nx, (deps.get(nx) ?? 0) + 1);
      if (!seen.has(nx)) { seen.add(nx); stack.push(nx); }
    }
  }

  // With captures, only nodes on a path to a captured edge need to run.
  let needed: Set<Node> | null = null;
  let targets: Set<Node> | null = null;
  if (captures) {
    const t = (targets = new Set(captures.map((c) => c.node)));
    needed = new Set<Node>();
    const order = [...seen].sort((a, b) => a.seq - b.seq); // inputs before consumers
    for (const n of order) {
      if (n.next.some((nx) => nx !== null && (t.has(nx) || needed!.has(nx)))) needed.add(n);
    }
  }

  // A leaf may take its first gradient's memory only when no hook or retained gradient in
  // the graph can hold a reference to it (see mayTake).
  const hooked = (n: Node): boolean =>
    (n.preHooks !== null && n.preHooks.some((h) => h.length > 0)) || (n.retained !== null && n.retained.some((t) => t !== null));
  let quiet = !createGraph && !captures;
  if (quiet) for (const n of seen) if (hooked(n)) { quiet = false; break; }
  const policy: StealPolicy = { allowed: quiet, since: nextStorageSerial(), taken: new Set() };
  const give = backend().recycle;
  const recycler = quiet && give ? new Recycler(policy.since, policy.taken, (d) => give.call(backend(), d)) : null;

  const buffers = new Map<Node, (Tensor | null)[]>();
  const addGrad = (n: Node, nr: number, g: Tensor) => {
    let buf = buffers.get(n);
    if (!buf) { buf = new Array(n.outShapes.length).fill(null); buffers.set(n, buf); }
    const prev = buf[nr];
    if (prev === null) {
      buf[nr] = g;
      recycler?.hold(g);
      return;
    }
    const sum = add(prev, g);
    buf[nr] = sum;
    // The sum replaces both: g (counted only now, so a hold and a drop) and prev are consumed.
    if (recycler) {
      recycler.hold(sum);
      recycler.hold(g);
      recycler.drop(g);
      recycler.drop(prev);
    }
  };
  roots.forEach(([n, nr], i) => addGrad(n, nr, rootGrads[i]));

  const results: (Tensor | null)[] = new Array(nSlots).fill(null);
  const heap = new NodeHeap();
  for (const n of seen) if (!deps.has(n) && roots.some(([r]) => r === n)) heap.push(n);
  const queued = new Set<Node>();

  const prevMode = setGradEnabled(createGraph);
  try {
    while (heap.size > 0) {
      const node = heap.pop();
      if (queued.has(node)) continue;
      queued.add(node);
      const grads = buffers.get(node) ?? null;
      buffers.delete(node);

      // Under autograd.grad, nodes on no path to an input fire no hooks (PyTorch's exec_info).
      if (grads && (!needed || needed.has(node) || targets!.has(node))) {
        if (node.preHooks) {
          node.preHooks.forEach((hooks, i) => {
            for (const h of hooks) {
              if (grads[i] === null) continue;
              const r = h(grads[i]!);
              if (r instanceof Tensor) grads[i] = r;
            }
          });
        }
        if (node.retained) {
          node.retained.forEach((t, i) => {
            // Accumulates across backward calls, like a leaf's .grad (as PyTorch does).
            if (t && grads[i]) accumulate(t, grads[i]!, createGraph);
          });
        }
        if (captures) {
          for (const c of captures) if (c.node === node && grads[c.nr]) results[c.slot] = results[c.slot] ? add(results[c.slot]!, grads[c.nr]!) : grads[c.nr];
        }
      }

      let inputGrads: (Tensor | null)[] | null = null;
      if (node instanceof AccumulateGrad) {
        if (!captures && grads && grads[0]) accumulate(node.variable, grads[0], createGraph, policy);
      } else if (grads && (!needed || needed.has(node))) {
        if (node.released || !node.backwardFn) {
          throw new Error(
            `backward: trying to backward through the graph a second time (through ${node.name}), or to directly access saved tensors after they have already been freed. ` +
              `Saved intermediate values of the graph are freed when you call backward() or autograd.grad(). Specify { retainGraph: true } if you need to backward through the graph a second time.`,
          );
        }
        checkSaved(node);
        const full = grads.map((g, i) => g ?? zerosFor(node.outShapes[i], node.outDtypes[i]));
        const outer = sinkNode;
        sinkNode = quiet ? node : null;
        try {
          inputGrads = node.backwardFn(full);
        } finally {
          sinkNode = outer;
        }
        if (inputGrads.length !== node.next.length) {
          throw new Error(`backward: ${node.name} returned ${inputGrads.length} gradients for ${node.next.length} inputs`);
        }
        if (!retain) node.release();
      }

      for (let i = 0; i < node.next.length; i++) {
        const nx = node.next[i];
        if (!nx) continue;
        const g = inputGrads ? inputGrads[i] : null;
        if (g) {
          const nr = node.nextNr[i];
          const wantShape = nx.outShapes[nr];
          if (!shapesEqual(g.shape, wantShape)) {
            throw new Error(`backward: ${node.name} produced a gradient of shape ${fmtShape(g.shape)} for an input of shape ${fmtShape(wantShape)}`);
          }
          addGrad(nx, nr, g.dtype === nx.outDtypes[nr] ? g : cast(g, nx.outDtypes[nr]));
        }
        const d = deps.get(nx)! - 1;
        deps.set(nx, d);
        if (d === 0) heap.push(nx);
      }
      // This node's gradients are consumed (what its rule returned is counted by now).
      if (recycler && grads) for (const g of grads) if (g) recycler.drop(g);
    }
  } finally {
    setGradEnabled(prevMode);
  }
  return results;
}

function asList<T>(x: T | readonly T[]): T[] {
  return Array.isArray(x) ? [...(x as T[])] : [x as T];
}

function rootGrad(t: Tensor, g: Tensor | null | undefined, op: string, i: number): Tensor {
  if (g === null || g === undefined) {
    if (t.numel() !== 1) {
      throw new Error(`${op}: grad can be implicitly created only for scalar outputs; output ${i} has shape ${fmtShape(t.shape)}. Pass a gradient of that shape, e.g. ${op === "backward" ? "y.backward(gl.onesLike(y))" : "{ gradOutputs: [gl.onesLike(y)] }"}`);
    }
    return ones(t.shape, { dtype: t.dtype });
  }
  if (!(g instanceof Tensor)) throw new TypeError(`${op}: gradient ${i} must be a Tensor`);
  if (!shapesEqual(g.shape, t.shape)) {
    throw new RangeError(`${op}: mismatch in shape: gradient ${i} has shape ${fmtShape(g.shape)} but output ${i} has shape ${fmtShape(t.shape)}`);
  }
  return g;
}

function rootEdge(t: Tensor, op: string, i: number): [Node, number] {
  const [node, nr] = edgeOf(t);
  if (!node) {
    throw new Error(`${op}: element ${i} of tensors does not require grad and does not have a gradFn (shape ${fmtShape(t.shape)}). Did you create it under noGrad, or forget requiresGrad: true on a leaf?`);
  }
  return [node, nr];
}

/**
 * Computes the gradient of `tensors` with respect to graph leaves, accumulating into their `.grad`.
 * @example const x = gl.tensor([2.0], { requiresGrad: true }); x.mul(x).sum().backward(); x.grad // [4]
 */
export function backward(tensors: Tensor | readonly Tensor[], grads?: Tensor | null | readonly (Tensor | null)[], opts: BackwardOptions = {}): void {
  const ts = asList(tensors);
  const gs = grads === undefined || grads === null ? [] : asList(grads as Tensor | Tensor[]);
  const roots = ts.map((t, i) => rootEdge(t, "backward", i));
  const rg = ts.map((t, i) => rootGrad(t, gs[i], "backward", i));
  execute(roots, rg, opts, null);
}

export interface GradOptions extends BackwardOptions {
  /** Gradients of the outputs (default: 1 for scalar outputs). */
  gradOutputs?: Tensor | readonly (Tensor | null)[];
  /** Return null for inputs the outputs do not depend on, instead of raising. */
  allowUnused?: boolean;
}

/**
 * Gradients of `outputs` with respect to `inputs`, returned instead of accumulated.
 * @example const [dx] = gl.autograd.grad(x.pow(3).sum(), [x], { createGraph: true });
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  const outs = asList(outputs);
  const ins = asList(inputs);
  const gos = opts.gradOutputs === undefined ? [] : asList(opts.gradOutputs as Tensor | Tensor[]);
  const roots = outs.map((t, i) => rootEdge(t, "grad", i));
  const rg = outs.map((t, i) => rootGrad(t, gos[i], "grad", i));
  const captures: Capture[] = ins.map((t, slot) => {
    if (!(t instanceof Tensor)) throw new TypeError(`grad: input ${slot} is not a Tensor`);
    if (!t.requiresGrad) throw new Error(`grad: input ${slot} (shape ${fmtShape(t.shape)}) does not require grad`);
    const [node, nr] = edgeOf(t);
    return { node: node!, nr, slot };
  });
  const res = execute(roots, rg, opts, captures, ins.length);
  if (!opts.allowUnused) {
    res.forEach((r, i) => {
      if (r === null) throw new Error(`grad: input ${i} (shape ${fmtShape(ins[i].shape)}) appears to not have been used in the graph. Set { allowUnused: true } if this is the desired behavior.`);
    });
  }
  return res;
}
