import type { DType } from "../tensor/dtype.js";
import { isFloating } from "../tensor/dtype.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { noGrad } from "../ops/graph.js";
import { cast } from "../ops/cast.js";
import { Parameter } from "./parameter.js";

/** A name -> tensor map of parameters and persistent buffers. */
export type StateDict = Record<string, Tensor>;

export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown;
export type ForwardPreHook = (module: Module, inputs: unknown[]) => unknown[] | void;

export interface RemovableHandle { remove(): void }

/**
 * Base class of every layer and model (PyTorch's nn.Module). Parameters, submodules and
 * buffers are found from the instance's fields, in the order they were defined:
 * a `Parameter` field is a parameter, a `Module` field a child, and tensors registered
 * with `registerBuffer` are buffers (saved in the state dict).
 *
 * @example
 * class Net extends nn.Module {
 *   fc1 = new nn.Linear(784, 128); fc2 = new nn.Linear(128, 10);
 *   forward(x: gl.Tensor) { return this.fc2.forward(F.relu(this.fc1.forward(x))); }
 * }
 */
export abstract class Module {
  /** Training mode (dropout active, batch norm uses batch statistics). */
  training = true;
  private _buffers: Map<string, boolean> | null = null; // name -> persistent
  private _fwdHooks: ForwardHook[] | null = null;
  private _preHooks: ForwardPreHook[] | null = null;

  constructor() {
    // PyTorch runs hooks from __call__; TypeScript code calls `m.forward(x)` directly (as
    // API.md does), so each instance's forward is wrapped to run the hooks itself.
    // Non-enumerable, so it is not taken for a field.
    const raw = this.forward;
    Object.defineProperty(this, "forward", {
      value: (...args: unknown[]) => (this._preHooks || this._fwdHooks ? this.runHooked(raw, args) : raw.apply(this, args)),
      enumerable: false, writable: true, configurable: true,
    });
  }

  /** The computation; subclasses define it. Calling it runs the forward hooks. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  abstract forward(...args: any[]): any;

  /** Same as `forward(...args)` (PyTorch's `module(x)`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(...args: any[]): any {
    return this.forward(...args);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private runHooked(raw: (...a: any[]) => any, args: unknown[]): unknown {
    let inputs: unknown[] = args;
    for (const h of this._preHooks ?? []) {
      const r = h(this, inputs);
      if (r) inputs = r;
    }
    let out = raw.apply(this, inputs);
    for (const h of this._fwdHooks ?? []) {
      const r = h(this, inputs, out);
      if (r !== undefined) out = r;
    }
    return out;
  }

  /** Called after forward with (module, inputs, output); may return a replacement output. */
  registerForwardHook(hook: ForwardHook): RemovableHandle {
    (this._fwdHooks ??= []).push(hook);
    return { remove: () => { const l = this._fwdHooks!; const i = l.indexOf(hook); if (i >= 0) l.splice(i, 1); } };
  }

  /** Called before forward with (module, inputs); may return replacement inputs. */
  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    (this._preHooks ??= []).push(hook);
    return { remove: () => { const l = this._preHooks!; const i = l.indexOf(hook); if (i >= 0) l.splice(i, 1); } };
  }

  /** Adds a buffer (state that is not learned, e.g. running statistics) as a field. */
  registerBuffer(name: string, t: Tensor | null, persistent = true): void {
    if (name.includes(".") || name === "") throw new TypeError(`registerBuffer: invalid buffer name "${name}"`);
    (this._buffers ??= new Map()).set(name, persistent);
    (this as unknown as Record<string, unknown>)[name] = t;
  }

  /** Adds (or clears, with null) a parameter field under `name`. */
  registerParameter(name: string, p: Parameter | null): void {
    if (p !== null && !(p instanceof Parameter)) throw new TypeError(`registerParameter: "${name}" must be a Parameter or null`);
    (this as unknown as Record<string, unknown>)[name] = p;
  }

  private fields(): [string, unknown][] {
    return Object.entries(this).filter(([k]) => !k.startsWith("_") && k !== "training");
  }

  /** Direct submodules with their field names. */
  *namedChildren(): Generator<[string, Module]> {
    for (const [k, v] of this.fields()) if (v instanceof Module) yield [k, v];
  }
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module and all submodules, depth first, each once. */
  *namedModules(prefix = "", seen: Set<Module> = new Set()): Generator<[string, Module]> {
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [k, m] of this.namedChildren()) yield* m.namedModules(prefix ? `${prefix}.${k}` : k, seen);
  }
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** Parameters with dotted names ("fc1.weight"), each once even if shared. */
  *namedParameters(opts: { prefix?: string; recurse?: boolean } = {}): Generator<[string, Parameter]> {
    const seen = new Set<Tensor>();
    const mods: [string, Module][] = opts.recurse === false ? [[opts.prefix ?? "", this]] : [...this.namedModules(opts.prefix ?? "")];
    for (const [mp, m] of mods) {
      for (const [k, v] of m.fields()) {
        if (v instanceof Parameter && !seen.has(v)) { seen.add(v); yield [mp ? `${mp}.${k}` : k, v]; }
      }
    }
  }
  /** All learnable parameters (pass them to an optimizer). */
  parameters(recurse = true): Parameter[] {
    return [...this.namedParameters({ recurse })].map(([, p]) => p);
  }

  /** Buffers with dotted names. */
  *namedBuffers(opts: { prefix?: string; recurse?: boolean } = {}): Generator<[string, Tensor]> {
    const mods: [string, Module][] = opts.recurse === false ? [[opts.prefix ?? "", this]] : [...this.namedModules(opts.prefix ?? "")];
    for (const [mp, m] of mods) {
      for (const [name] of m._buffers ?? []) {
        const v = (m as unknown as Record<string, unknown>)[name];
        if (v instanceof Tensor) yield [mp ? `${mp}.${name}` : name, v];
      }
    }
  }
  buffers(recurse = true): Tensor[] {
    return [...this.namedBuffers({ recurse })].map(([, b]) => b);
  }

  /** Sets training mode here and in every submodule. Returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient (to null, or in place to zeros). */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (opts.setToNone) p.grad = null;
      else noGrad(() => p.grad!.zero_());
    }
  }

  /** Calls fn on every submodule (children first) and on this module. Returns this. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /** Converts floating parameters and buffers to `dtype` in place (the objects stay the same). */
  to(dtype: DType): this {
    noGrad(() => {
      for (const t of [...this.parameters(), ...this.buffers()]) {
        if (isFloating(t.dtype) && t.dtype !== dtype) {
          t.setData_(cast(t, dtype));
          if (t.grad) t.grad = cast(t.grad, dtype);
        }
      }
    });
    return this;
  }
  float(): this { return this.to("float32"); }
  double(): this { return this.to("float64"); }

  /**
   * Parameters and persistent buffers by dotted name (the weights share memory with the
   * model; use io.save to write them in the safetensors format).
   */
  stateDict(): StateDict {
    const sd: StateDict = {};
    for (const [prefix, m] of this.namedModules()) {
      const at = (k: string) => (prefix ? `${prefix}.${k}` : k);
      for (const [k, v] of m.fields()) if (v instanceof Parameter) sd[at(k)] ??= v.detach();
      for (const [name, persistent] of m._buffers ?? []) {
        const v = (m as unknown as Record<string, unknown>)[name];
        if (persistent && v instanceof Tensor) sd[at(name)] = v.detach();
      }
    }
    return sd;
  }

  /**
   * Copies values from a state dict into the parameters and buffers (in place, converting
   * dtypes). With `strict` (default), missing or unexpected keys are errors; a shape
   * mismatch always is. Returns the missing and unexpected keys.
   */
  loadStateDict(sd: StateDict, opts: { strict?: boolean } = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    const strict = opts.strict ?? true;
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => sd[k] === undefined);
    const unexpectedKeys = Object.keys(sd).filter((k) => !(k in own) && sd[k] !== undefined);
    const errors: string[] = [];
    if (strict && unexpectedKeys.length) errors.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(", ")}.`);
    if (strict && missingKeys.length) errors.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(", ")}.`);
    for (const [k, dst] of Object.entries(own)) {
      const src = sd[k];
      if (!src) continue;
      if (!(src instanceof Tensor)) { errors.push(`value for "${k}" is not a Tensor.`); continue; }
      if (!shapesEqual(src.shape, dst.shape)) {
        errors.push(`size mismatch for ${k}: copying a param with shape ${fmtShape(src.shape)} from checkpoint, the shape in current model is ${fmtShape(dst.shape)}.`);
      }
    }
    if (errors.length) throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join("\n\t")}`);
    noGrad(() => {
      for (const [k, dst] of Object.entries(own)) if (sd[k]) dst.copy_(sd[k]);
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Extra information shown in the module's line of `toString()` (e.g. sizes). */
  extraRepr(): string {
    return "";
  }

  /** The module tree, printed like PyTorch's repr. */
  toString(): string {
    const extra = this.extraRepr();
    const kids = [...this.namedChildren()].map(([k, m]) => `(${k}): ${m.toString().split("\n").join("\n  ")}`);
    if (kids.length === 0) return `${this.constructor.name}(${extra})`;
    const body = [...(extra ? extra.split("\n") : []), ...kids];
    return `${this.constructor.name}(\n  ${body.join("\n  ")}\n)`;
  }
}
