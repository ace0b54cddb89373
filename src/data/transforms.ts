import { Generator } from "../tensor/random.js";
import { defaultGenerator } from "../tensor/random.js";
import { fmtShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

// Image transforms for [C, H, W] or batched [N, C, H, W] float tensors. They prepare data
// (no autograd) and, when random, draw from a generator so a seed makes them repeatable.

/** A function from an image (or batch) to a transformed one. */
export type Transform = (img: Tensor) => Tensor;

function dims(x: Tensor, op: string): { n: number; c: number; h: number; w: number } {
  if (x.ndim === 3) return { n: 1, c: x.shape[0], h: x.shape[1], w: x.shape[2] };
  if (x.ndim === 4) return { n: x.shape[0], c: x.shape[1], h: x.shape[2], w: x.shape[3] };
  throw new RangeError(`${op}: expected an image [C, H, W] or a batch [N, C, H, W], got shape ${fmtShape(x.shape)}`);
}

/** Applies transforms in order. */
export function compose(...ts: Transform[]): Transform {
  return (x) => ts.reduce((acc, t) => t(acc), x);
}

/**
 * (x - mean[c]) / std[c] per channel.
 * @example data.transforms.normalize([0.1307], [0.3081])
 */
export function normalize(mean: readonly number[], std: readonly number[]): Transform {
  if (std.some((s) => s === 0)) throw new RangeError("normalize: std contains a zero");
  return (x) => {
    const { n, c, h, w } = dims(x, "normalize");
    if (mean.length !== c || std.length !== c) throw new RangeError(`normalize: ${mean.length} means and ${std.length} stds for ${c} channels`);
    const src = x.dataSync();
    const out = new (src.constructor as Float32ArrayConstructor)(src.length);
    const plane = h * w;
    for (let i = 0; i < n; i++) for (let ch = 0; ch < c; ch++) {
      const base = (i * c + ch) * plane;
      for (let k = 0; k < plane; k++) out[base + k] = (src[base + k] - mean[ch]) / std[ch];
    }
    return Tensor.fromArray(out, x.shape.slice(), x.dtype);
  };
}

/** Mirrors each image left-right with probability p. */
export function randomHorizontalFlip(p = 0.5, generator: Generator = defaultGenerator): Transform {
  return (x) => {
    const { n, c, h, w } = dims(x, "randomHorizontalFlip");
    const src = x.dataSync();
    const out = src.slice();
    for (let i = 0; i < n; i++) {
      if (generator.uniform() >= p) continue;
      for (let ch = 0; ch < c; ch++) for (let r = 0; r < h; r++) {
        const row = ((i * c + ch) * h + r) * w;
        for (let k = 0; k < w; k++) out[row + k] = src[row + w - 1 - k];
      }
    }
    return Tensor.fromArray(out, x.shape.slice(), x.dtype);
  };
}

/**
 * Pads every side with `padding` zeros, then crops a random size x size window
 * (torchvision's RandomCrop(size, padding)); each image of a batch gets its own window.
 */
export function randomCrop(size: number | [number, number], padding = 0, generator: Generator = defaultGenerator): Transform {
  const [ch0, cw0] = typeof size === "number" ? [size, size] : size;
  return (x) => {
    const { n, c, h, w } = dims(x, "randomCrop");
    const ph = h + 2 * padding, pw = w + 2 * padding;
    if (ch0 > ph || cw0 > pw) throw new RangeError(`randomCrop: crop ${ch0}x${cw0} is larger than the padded image ${ph}x${pw}`);
    const src = x.dataSync();
    const out = new (src.constructor as Float32ArrayConstructor)(n * c * ch0 * cw0);
    for (let i = 0; i < n; i++) {
      const top = generator.integer(0, ph - ch0 + 1), left = generator.integer(0, pw - cw0 + 1);
      for (let ch = 0; ch < c; ch++) for (let r = 0; r < ch0; r++) for (let k = 0; k < cw0; k++) {
        const sr = top + r - padding, sc = left + k - padding;
        out[((i * c + ch) * ch0 + r) * cw0 + k] = sr >= 0 && sr < h && sc >= 0 && sc < w ? src[((i * c + ch) * h + sr) * w + sc] : 0;
      }
    }
    return Tensor.fromArray(out, x.ndim === 3 ? [c, ch0, cw0] : [n, c, ch0, cw0], x.dtype);
  };
}

/** Mirrors every image left-right (deterministic; for test-time augmentation). */
export const horizontalFlip: Transform = randomHorizontalFlip(1, new Generator(0));

/**
 * Test-time augmentation: averages `predict` over the original batch and each view
 * (e.g. a flip), which usually sharpens predictions a little.
 * @example const probs = data.transforms.tta((b) => model.forward(b).softmax(-1), x, [data.transforms.horizontalFlip]);
 */
export function tta(predict: (batch: Tensor) => Tensor, batch: Tensor, views: readonly Transform[]): Tensor {
  let acc = predict(batch);
  for (const v of views) acc = acc.add(predict(v(batch)));
  return acc.div(views.length + 1);
}
