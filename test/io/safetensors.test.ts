import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import { deserialize, load, loadWithMetadata, save, serialize } from "../../src/io/index.js";
import { sharedValues } from "../../tools/oracle/write_gradlab_safetensors.js";

const FIX = new URL("../fixtures/io/", import.meta.url);

describe("safetensors", () => {
  it("reads a file written by PyTorch (tools/oracle/gen_io.py), converting int64/f16/bf16", async () => {
    const expected = JSON.parse(readFileSync(new URL("torch_written.json", FIX), "utf8"));
    const { tensors, metadata } = await loadWithMetadata(new URL("torch_written.safetensors", FIX).pathname);
    expect(metadata).toEqual(expected.metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected.tensors).sort());
    for (const [name, want] of Object.entries<{ shape: number[]; values: (number | boolean)[] }>(expected.tensors)) {
      const t = tensors[name];
      expect(t.shape, name).toEqual(want.shape);
      const got = Array.from(t.dataSync() as ArrayLike<number>);
      want.values.forEach((v, i) => {
        if (typeof v === "boolean") expect(got[i], name).toBe(v ? 1 : 0);
        else expect(got[i], `${name}[${i}]`).toBeCloseTo(v, 6);
      });
    }
    expect(tensors["bn.num_batches_tracked"].dtype).toBe("int32");
    expect(tensors["half"].dtype).toBe("float32");
    expect(tensors["double"].dtype).toBe("float64");
    expect(tensors["mask"].dtype).toBe("bool");
  });

  it("writes exactly the bytes that PyTorch verified (tools/oracle/gen_io.py)", () => {
    const verified = new Uint8Array(readFileSync(new URL("gradlab_written.safetensors", FIX)));
    const ours = serialize(sharedValues(), { framework: "gradlab" });
    expect(Buffer.from(ours).equals(Buffer.from(verified))).toBe(true);
  });

  it("round-trips through a file, non-contiguous views included", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlab-io-"));
    const w = gl.randn([3, 4]);
    const sd = { "fc.weight": w.T, "fc.bias": gl.arange(4).float(), flag: gl.tensor([true]) };
    await save(sd, join(dir, "m.safetensors"));
    const back = await load(join(dir, "m.safetensors"));
    expect(back["fc.weight"].toArray()).toEqual(w.T.toArray());
    expect(back["fc.bias"].toArray()).toEqual([0, 1, 2, 3]);
    expect(back.flag.toArray()).toEqual([true]);
  });

  it("aligns the data section to 8 bytes", () => {
    const bytes = serialize({ a: gl.ones([3]), b: gl.ones([1], { dtype: "float64" }) });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
  });

  it("gives clear errors on damaged input", () => {
    expect(() => deserialize(new Uint8Array(4))).toThrow(/4 bytes is too short/);
    const good = serialize({ a: gl.ones([4]) });
    expect(() => deserialize(good.subarray(0, good.byteLength - 4))).toThrow(/tensor "a" has offsets \[0, 16\] outside the 12-byte data section/);
    const bad = good.slice();
    bad[0] = 0xff;
    expect(() => deserialize(bad)).toThrow(/header length \d+ is invalid/);
    expect(() => serialize({ a: 3 as unknown as gl.Tensor })).toThrow(/value for "a" is not a Tensor/);
  });
});
