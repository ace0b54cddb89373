import { enableGrad, noGrad } from "../ops/graph.js";
import { cast } from "../ops/cast.js";
import { clone } from "../ops/shape.js";
import { isFloating } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";

/** Options every optimizer has: the learning rate that schedulers change. */
export interface OptimizerOptions {
  lr: number;
}

/** Keys the learning-rate schedulers write into a param group (PyTorch's initial_lr, max_lr, ...). */
export interface SchedulerGroupFields {
  initialLr?: number;
  maxLr?: number;
  minLr?: number;
  maxMomentum?: number;
  baseMomentum?: number;
}

/** A param group as the optimizer holds it: its tensors plus every option resolved. */
export type ParamGroup<O extends OptimizerOptions = OptimizerOptions> = O & SchedulerGroupFields & { params: Tensor[] };

/** A param group as the user passes it: tensors plus the options that override the defaults. */
export type ParamGroupInput<O extends OptimizerOptions = OptimizerOptions> =
  Partial<O> & SchedulerGroupFields & { params: Iterable<Tensor> | Tensor };

/** What an optimizer takes: tensors, or param groups with per-group options. */
export type Params<O extends OptimizerOptions = OptimizerOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** One value of per-parameter state: a buffer tensor, a step count, or null (an unset buffer). */
export type StateValue = Tensor | number | null;
/** The state an optimizer keeps for one parameter, e.g. `{ step, expAvg, expAvgSq }` for Adam. */
export type ParamState = Record<string, StateValue>;

/**
 * PyTorch's optimizer state_dict structure in camelCase: `state` is keyed by the
 * parameter's position (counting through the groups in order), and each entry of
 * `paramGroups` holds the group's options with `params` as those positions. Step counts
 * are plain numbers (PyTorch 1.13 keeps some as 0-d tensors).
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** Why a value was rejected, for the `Invalid ... value` errors. */
export function checkOption(optimizer: string, where: string, ok: boolean, what: string, value: unknown, expected: string): void {
  if (!ok) throw new RangeError(`${optimizer}: invalid ${what}: ${String(value)}${where} (expected ${expected})`);
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? (v as object).constructor?.name ?? "an object" : `a ${typeof v}`;
}

function copyValue(v: unknown): unknown {
  return Array.isArray(v) ? v.slice() : v;
}

/**
 * Base class of every optimizer, as torch.optim.Optimizer: holds `paramGroups` (each with
 * its own resolved options, including the `lr` that schedulers change), per-parameter
 * `state`, and runs `step()` as in-place updates under `noGrad`, so no graph is recorded.
 * Parameters whose `grad` is null are skipped. Subclasses write the update of one group.
 *
 * @example
 * const opt = new optim.SGD([w, b], { lr: 0.1 });
 * opt.zeroGrad(); loss(w, b).backward(); opt.step();
 */
export abstract class Optimizer<O extends OptimizerOptions = OptimizerOptions> {
  /** The options a group gets when it does not set its own. */
  readonly defaults: Readonly<Partial<O>>;
  /** The parameter groups, in order; edit `lr` (or any option) here to change it. */
  paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moment estimates, step counts). */
  state: Map<Tensor, ParamState> = new Map();

  /**
   * @param params tensors, or param groups `{ params, ...overrides }`
   * @param defaults every option with its default filled in (`lr` may be missing where it is required)
   * @param kind the optimizer's name, for error messages
   */
  protected constructor(params: Params<O>, defaults: Partial<O>, protected readonly kind: string) {
    if (params instanceof Tensor) {
      throw new TypeError(`${kind}: params argument given to the optimizer should be an iterable of Tensors or param groups, but got a Tensor (wrap it: [t])`);
    }
    if (params === null || params === undefined || typeof (params as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw new TypeError(`${kind}: params argument given to the optimizer should be an iterable of Tensors or param groups, but got ${describeValue(params)}`);
    }
    this.checkOptions(defaults, "");
    this.defaults = defaults;
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new RangeError(`${kind}: optimizer got an empty parameter list`);
    const isGroupList = !(list[0] instanceof Tensor) && typeof list[0] === "object" && list[0] !== null && "params" in list[0];
    const groups = isGroupList ? (list as ParamGroupInput<O>[]) : [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>];
    for (const g of groups) this.addParamGroup(g);
  }

  /** Validates one set of options (the defaults, or a resolved group); throws naming the optimizer. */
  protected abstract checkOptions(options: Partial<O>, where: string): void;
  /** Updates the parameters of one group from their gradients (called under noGrad). */
  protected abstract updateGroup(group: ParamGroup<O>): void;
  /** Called after a group is added (Adagrad fills its accumulators here). */
  protected onGroupAdded(_group: ParamGroup<O>): void {}

  /**
   * Adds a param group (e.g. layers unfrozen during fine-tuning); options it leaves out
   * come from `defaults`.
   * @example opt.addParamGroup({ params: head.parameters(), lr: 1e-2 });
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const where = ` in param group ${this.paramGroups.length}`;
    if (group === null || typeof group !== "object" || !("params" in group)) {
      throw new TypeError(`${this.kind}: a param group must be an object with a "params" entry, got ${describeValue(group)}`);
    }
    const raw = group.params as unknown;
    const params = raw instanceof Tensor ? [raw]
      : raw !== null && typeof raw === "object" && Symbol.iterator in raw ? [...(raw as Iterable<unknown>)] : null;
    if (params === null) throw new TypeError(`${this.kind}: the params of a param group must be a Tensor or an iterable of Tensors, got ${describeValue(raw)}`);
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) {
        throw new TypeError(`${this.kind}: optimizer can only optimize Tensors, but params[${i}]${where} is ${describeValue(p)}`);
      }
      if (!p.isLeaf) {
        throw new RangeError(`${this.kind}: can't optimize a non-leaf Tensor (params[${i}]${where} was produced by ${p.gradFn!.name}; use detach().requiresGrad_())`);
      }
    });
    const tensors = params as Tensor[];
    if (new Set(tensors).size !== tensors.length) {
      throw new RangeError(`${this.kind}: a param group contains the same parameter more than once${where}; it would be updated twice`);
    }
    for (const other of this.paramGroups) {
      if (other.params.some((p) => tensors.includes(p))) {
        throw new RangeError(`${this.kind}: some parameters appear in more than one parameter group`);
      }
    }
    const resolved: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.defaults)) resolved[k] = copyValue(v);
    for (const [k, v] of Object.entries(group)) if (k !== "params" && v !== undefined) resolved[k] = copyValue(v);
    if (resolved.lr === undefined) {
      throw new RangeError(`${this.kind}: parameter group didn't specify a value of required optimization parameter lr${where}`);
    }
    resolved.params = tensors;
    const full = resolved as unknown as ParamGroup<O>;
    this.checkOptions(full, where);
    this.paramGroups.push(full);
    this.onGroupAdded(full);
  }

  /**
   * Resets the gradients of every parameter: zero-filled in place, or set to null with
   * `setToNone` (PyTorch 1.13's default is `false`). A null gradient makes `step()` skip the parameter.
   * @example opt.zeroGrad(); opt.zeroGrad({ setToNone: true });
   */
  zeroGrad({ setToNone = false }: { setToNone?: boolean } = {}): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const g = p.grad;
          if (g === null) continue;
          if (setToNone) { p.grad = null; continue; }
          // A gradient built with createGraph is cut from its graph before it is reused as a buffer.
          if (g.gradFn !== null) g.detach_(); else g.requiresGrad_(false);
          g.zero_();
        }
      }
    });
  }

  /**
   * Performs one update of every parameter that has a gradient. `closure`, if given,
   * re-evaluates the loss (run with grad enabled) and its value is returned.
   * @example opt.step(); const loss = opt.step(() => { opt.zeroGrad(); const l = f(); l.backward(); return l; });
   */
  step<L = unknown>(closure?: () => L): L | undefined {
    let loss: L | undefined;
    if (closure !== undefined) loss = enableGrad(closure);
    noGrad(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    });
    return loss;
  }

  /** The state of `p`, created empty on first use (PyTorch's defaultdict). */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (s === undefined) { s = {}; this.state.set(p, s); }
    return s;
  }

  /**
   * The optimizer's state in PyTorch's structure (camelCase keys): `{ state, paramGroups }`
   * with parameters replaced by their positions. As in PyTorch, state tensors are the live
   * buffers, not copies; `loadStateDict` copies them.
   * @example const sd = opt.stateDict(); fresh.loadStateDict(sd);
   */
  stateDict(): OptimizerStateDict {
    const position = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== "params") packed[k] = copyValue(v);
      packed.params = g.params.map((p) => {
        if (!position.has(p)) position.set(p, position.size);
        return position.get(p)!;
      });
      return packed as Record<string, unknown> & { params: number[] };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = position.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, paramGroups };
  }

  /**
   * Loads a state dict from `stateDict()` (possibly of another optimizer over other
   * tensors of the same shapes): group options are replaced and state tensors are copied,
   * floating ones cast to their parameter's dtype.
   * @example opt.loadStateDict(saved);
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const saved = sd?.paramGroups;
    if (!Array.isArray(saved) || sd.state === null || typeof sd.state !== "object") {
      throw new TypeError(`${this.kind}.loadStateDict: expected { state, paramGroups } as returned by stateDict()`);
    }
    if (saved.length !== this.paramGroups.length) {
      throw new RangeError(`${this.kind}.loadStateDict: loaded state dict has ${saved.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    saved.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i].params.length) {
        throw new RangeError(`${this.kind}.loadStateDict: loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group ${i}: ${g.params.length} saved, ${this.paramGroups[i].params.length} here)`);
      }
    });
    const byPosition = new Map<number, Tensor>();
    saved.forEach((g, i) => g.params.forEach((pos, j) => byPosition.set(Number(pos), this.paramGroups[i].params[j])));
    const state = new Map<Tensor, ParamState>();
    for (const [key, s] of Object.entries(sd.state)) {
      const p = byPosition.get(Number(key));
      if (p === undefined) throw new RangeError(`${this.kind}.loadStateDict: state entry ${key} refers to no parameter of the saved param groups`);
      const copy: ParamState = {};
      for (const [name, v] of Object.entries(s)) {
        if (v instanceof Tensor) {
          // As PyTorch: floating buffers follow the parameter's dtype; the step counter never does.
          const t = noGrad(() => clone(v.detach()));
          copy[name] = name !== "step" && isFloating(p.dtype) && isFloating(t.dtype) ? cast(t, p.dtype) : t;
        } else {
          copy[name] = v;
        }
      }
      state.set(p, copy);
    }
    this.paramGroups = saved.map((g, i) => {
      const group: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== "params") group[k] = copyValue(v);
      group.params = this.paramGroups[i].params;
      return group as unknown as ParamGroup<O>;
    });
    this.state = state;
  }

  /** The groups' options, as PyTorch prints an optimizer. */
  toString(): string {
    const lines = [`${this.kind} (`];
    this.paramGroups.forEach((g, i) => {
      lines.push(`Parameter Group ${i}`);
      for (const k of Object.keys(g).sort()) if (k !== "params") lines.push(`    ${k}: ${JSON.stringify((g as unknown as Record<string, unknown>)[k])}`);
    });
    lines.push(")");
    return lines.join("\n");
  }
}
