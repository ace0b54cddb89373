import type { Tensor } from "./tensor.js";

// PyTorch-like printing: `tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)`.
const EDGE = 3;
const THRESHOLD = 1000;

function formatter(values: number[], dtype: string): (v: number) => string {
  if (dtype === "bool") return (v) => (v ? "True" : "False");
  if (dtype === "int32") return (v) => String(v);
  const finite = values.filter((v) => Number.isFinite(v));
  const allInt = finite.every((v) => Number.isInteger(v));
  const absMax = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const nonzero = finite.filter((v) => v !== 0).map(Math.abs);
  const absMin = nonzero.length ? Math.min(...nonzero) : 0;
  const sci = absMax >= 1e8 || (absMin > 0 && absMin < 1e-4) || (absMin > 0 && absMax / absMin > 1000 && !allInt);
  const special = (v: number) => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
  if (allInt && !sci) return (v) => (Number.isFinite(v) ? `${v}.` : special(v));
  if (sci) return (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2") : special(v));
  return (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
}

export function formatTensor(t: Tensor): string {
  const flat = Array.from(t.dataSync() as ArrayLike<number>);
  const summarize = flat.length > THRESHOLD;
  const fmt = formatter(flat, t.dtype);
  const strs = flat.map(fmt);
  const width = strs.reduce((m, s) => Math.max(m, s.length), 0);
  const pad = (s: string) => s.padStart(width);
  const shape = t.shape;
  const indent = "tensor(".length;
  const rec = (d: number, off: number): string => {
    if (shape.length === 0) return strs[0];
    const n = shape[d];
    const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
    const idx: (number | null)[] = [];
    if (summarize && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) idx.push(i);
      idx.push(null);
      for (let i = n - EDGE; i < n; i++) idx.push(i);
    } else for (let i = 0; i < n; i++) idx.push(i);
    if (d === shape.length - 1) {
      return "[" + idx.map((i) => (i === null ? "..." : pad(strs[off + i]))).join(", ") + "]";
    }
    const sep = ",\n".padEnd(2 + (shape.length - d - 1) - 1, "\n") + " ".repeat(indent + d + 1);
    return "[" + idx.map((i) => (i === null ? "..." : rec(d + 1, off + i * inner))).join(sep) + "]";
  };
  const parts = [rec(0, 0)];
  if (t.dtype !== "float32") parts.push(`dtype=${t.dtype}`);
  if (t.gradFn) parts.push(`gradFn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) parts.push("requiresGrad=true");
  return `tensor(${parts.join(", ")})`;
}
