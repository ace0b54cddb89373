// Writes test/fixtures/io/gradlab_written.safetensors with gradlab's serializer, for
// tools/oracle/gen_io.py to read back with PyTorch. Run: npx tsx tools/oracle/write_gradlab_safetensors.ts
import { writeFileSync } from "node:fs";
import * as gl from "../../src/index.js";
import { serialize } from "../../src/io/index.js";

export function sharedValues(): Record<string, gl.Tensor> {
  return {
    "linear.weight": gl.arange(12).reshape(3, 4).float().div(8).sub(0.5),
    "linear.bias": gl.tensor([0.25, -1.5, 3.0]),
    double: gl.arange(6).reshape(2, 3).double().div(3),
    ints: gl.tensor([[1, -2], [3, 2147483647]], { dtype: "int32" }),
    mask: gl.tensor([true, false, true]),
    scalar: gl.tensor(7.5),
  };
}

const url = new URL("../../test/fixtures/io/gradlab_written.safetensors", import.meta.url);
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  writeFileSync(url, serialize(sharedValues(), { framework: "gradlab" }));
  console.log(`wrote ${url.pathname}`);
}
