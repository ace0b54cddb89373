import { describe, expect, it } from "vitest";
import * as gl from "../src/index.js";

// Bad input must fail with a message that names the op, the shapes/dtypes/values
// involved and what was expected. Each case asserts the text, not just that it throws.

describe("error messages", () => {
  it("broadcasting ops name the op, both shapes and the offending dim", () => {
    expect(() => gl.ones([2, 3]).add(gl.ones([4]))).toThrow(/^add: shapes \[2,3\] and \[4\] cannot be broadcast together \(dim -1 has sizes 3 and 4\)$/);
    expect(() => gl.mul(gl.ones([2, 3]), gl.ones([3, 2]))).toThrow(/^mul: shapes \[2,3\] and \[3,2\] cannot be broadcast together \(dim -2 has sizes 2 and 3\)$/);
    expect(() => gl.where(gl.ones([2]).gt(0), gl.ones([3]), 0)).toThrow(/^where: shapes \[2\] and \[3\] cannot be broadcast together/);
    expect(() => gl.ones([2]).maximum(gl.ones([5]))).toThrow(/^maximum: shapes \[2\] and \[5\]/);
    expect(() => gl.ones([2]).add_(gl.ones([2, 2]))).toThrow(/^add_: output with shape \[2\] doesn't match the broadcast shape \[2,2\]$/);
  });

  it("a dim out of range (positive or too negative) names the op, the dim and the valid range", () => {
    expect(() => gl.ones([2, 3]).sum(2)).toThrow(/^sum: dim 2 is out of range for a tensor of 2 dimensions \(expected a dim in \[-2, 1\]\)$/);
    expect(() => gl.ones([2, 3]).sum(-3)).toThrow(/^sum: dim -3 is out of range for a tensor of 2 dimensions \(expected a dim in \[-2, 1\]\)$/);
    expect(() => gl.ones([2, 3]).mean([0, 0])).toThrow(/^mean: dim \[0,0\] appears more than once$/);
    expect(() => gl.ones([2, 3]).transpose(0, 5)).toThrow(/^transpose: dim 5 is out of range for a tensor of 2 dimensions/);
    expect(() => gl.ones([2, 3]).unsqueeze(-4)).toThrow(/^unsqueeze: dim -4 is out of range for a tensor of 3 dimensions \(expected a dim in \[-3, 2\]\)$/);
    expect(() => gl.ones([2, 3]).permute(0, 0)).toThrow(/^permute: dims \[0,0\] must be a permutation of the 2 dims of a tensor of shape \[2,3\]$/);
    expect(() => gl.ones([2, 3]).select(1, 3)).toThrow(/^select: index 3 is out of range for dim 1 of size 3 \(shape \[2,3\]\)$/);
    expect(() => gl.ones([2, 3]).narrow(1, 2, 2)).toThrow(/^narrow: start \(2\) \+ length \(2\) exceeds dimension size \(3\) of dim 1 in shape \[2,3\]$/);
  });

  it("backward of a non-scalar without a gradient says what to pass", () => {
    const x = gl.ones([2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/^backward: grad can be implicitly created only for scalar outputs; output 0 has shape \[2\]\. Pass a gradient of that shape, e\.g\. y\.backward\(gl\.onesLike\(y\)\)$/);
    expect(() => x.mul(2).backward(gl.ones([3]))).toThrow(/^backward: mismatch in shape: gradient 0 has shape \[3\] but output 0 has shape \[2\]$/);
    expect(() => gl.autograd.grad(x.mul(2), [x])).toThrow(/^grad: grad can be implicitly created only for scalar outputs; output 0 has shape \[2\]\. Pass a gradient of that shape, e\.g\. \{ gradOutputs: \[gl\.onesLike\(y\)\] \}$/);
  });

  it("a second backward names the node and suggests retainGraph", () => {
    const x = gl.ones([2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(/^backward: trying to backward through the graph a second time \(through SumBackward\).*Specify \{ retainGraph: true \}/);
  });

  it("an in-place change to a tensor saved for backward is caught at backward, naming the node, shape, dtype and versions", () => {
    const x = gl.ones([2], { requiresGrad: true });
    const h = x.mul(1);
    const y = h.mul(h);
    h.add_(1);
    expect(() => y.sum().backward()).toThrow(/^backward: one of the tensors needed to compute the gradient of MulBackward \(shape \[2\], float32\) was modified by an in-place operation: it was saved at version 0 and is now at version 1\./);
    const z = x.exp(); // ExpBackward saves its output
    const w = z.exp();
    z.mul_(2);
    expect(() => w.sum().backward()).toThrow(/gradient of ExpBackward \(shape \[2\], float32\) was modified by an in-place operation/);
  });

  it("in-place on a leaf that requires grad is refused with the way out", () => {
    const w = gl.ones([2, 2], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow(/^add_: a leaf tensor that requires grad \(shape \[2,2\]\) is being used in an in-place operation\. Wrap the update in gl\.noGrad/);
    expect(() => w.zero_()).toThrow(/^fill_: a leaf tensor that requires grad \(shape \[2,2\]\)/);
    gl.noGrad(() => w.add_(1)); // the optimizer's way is allowed
    expect(w.tolist()).toEqual([2, 2, 2, 2]);
  });

  it("an integer or bool tensor cannot require grad", () => {
    expect(() => gl.tensor([1, 2], { dtype: "int32", requiresGrad: true })).toThrow(/^tensor: only floating point tensors can require gradients \(got dtype int32\)$/);
    expect(() => gl.arange(3).requiresGrad_()).toThrow(/^requiresGrad_: only floating point tensors can require gradients \(got dtype int32\)$/);
    expect(() => gl.tensor([true]).requiresGrad_(true)).toThrow(/got dtype bool/);
    expect(() => gl.zeros([2], { dtype: "int32", requiresGrad: true })).toThrow(/^zeros: only floating point tensors can require gradients \(got dtype int32\)$/);
  });

  it("matmul mismatches name both shapes and the inner sizes", () => {
    expect(() => gl.ones([2, 3]).matmul(gl.ones([4, 5]))).toThrow(/^matmul: shapes \[2,3\] and \[4,5\] cannot be multiplied \(3 != 4\)$/);
    expect(() => gl.ones([3]).matmul(gl.ones([4]))).toThrow(/^matmul: 1-D tensors of shapes \[3\] and \[4\] have different sizes \(3 != 4\)$/);
    expect(() => gl.ones([2, 2, 3]).matmul(gl.ones([3, 3, 4]))).toThrow(/^matmul: the batch dimensions of shapes \[2,2,3\] and \[3,3,4\] cannot be broadcast together \(\[2\] vs \[3\]\)$/);
    expect(() => gl.ones([3]).matmul(gl.ones([2, 4]))).toThrow(/^matmul: shapes \[1,3\] and \[2,4\] cannot be multiplied \(3 != 2\)$/);
    expect(() => gl.mm(gl.ones([3]), gl.ones([3, 2]))).toThrow(/^mm: expected 2-D tensors, got shapes \[3\] and \[3,2\]$/);
    expect(() => gl.bmm(gl.ones([2, 1, 3]), gl.ones([4, 3, 1]))).toThrow(/^bmm: batch sizes differ: \[2,1,3\] and \[4,3,1\] \(2 != 4\)$/);
    expect(() => gl.matmul(gl.scalarTensor(1, "float32"), gl.ones([2]))).toThrow(/^matmul: both arguments need at least 1 dimension, got shapes \[\] and \[2\]$/);
  });

  it("reshape/view with the wrong number of elements name the shapes and counts", () => {
    expect(() => gl.ones([2, 3]).reshape(4, 2)).toThrow(/^reshape: shape \[4,2\] is invalid for input of shape \[2,3\] \(6 elements\)$/);
    expect(() => gl.ones([2, 3]).reshape(-1, 4)).toThrow(/^reshape: shape \[-1,4\] is invalid for input of shape \[2,3\] \(6 elements\)$/);
    expect(() => gl.ones([2, 3]).view(-1, -1)).toThrow(/^view: only one dimension can be -1, got \[-1,-1\]$/);
    expect(() => gl.ones([6]).reshape(2.5, 2)).toThrow(/^reshape: invalid size 2\.5 in \[2\.5,2\]$/);
  });

  it("expand mismatches name the dim and both sizes", () => {
    expect(() => gl.ones([2, 3]).expand(2, 4)).toThrow(/^expand: the expanded size of the tensor \(4\) must match the existing size \(3\) at non-singleton dimension 1\. Target sizes: \[2,4\]\. Tensor sizes: \[2,3\]$/);
    expect(() => gl.ones([2, 3]).expand(3)).toThrow(/^expand: the number of sizes provided \(1\) must be at least the number of dimensions of the tensor \(2\), input shape \[2,3\]$/);
  });

  it("an unknown dtype names the op, the value and the valid dtypes", () => {
    const valid = "\\(expected float32, float64, int32 or bool\\)$";
    expect(() => gl.zeros([2], { dtype: "float16" as never })).toThrow(new RegExp(`^zeros: unknown dtype "float16" ${valid}`));
    expect(() => gl.tensor([1], { dtype: "int64" as never })).toThrow(new RegExp(`^tensor: unknown dtype "int64" ${valid}`));
    expect(() => gl.ones([1]).to("half" as never)).toThrow(new RegExp(`^to: unknown dtype "half" ${valid}`));
    expect(() => gl.randn([1], { dtype: "double" as never })).toThrow(new RegExp(`^randn: unknown dtype "double" ${valid}`));
  });

  it("autograd helpers explain misuse", () => {
    const x = gl.ones([2], { requiresGrad: true });
    expect(() => gl.autograd.grad(x.sum(), [gl.ones([2])])).toThrow(/^grad: input 0 \(shape \[2\]\) does not require grad$/);
    expect(() => gl.tensor([1]).backward()).toThrow(/^backward: element 0 of tensors does not require grad and does not have a gradFn \(shape \[1\]\)/);
    expect(() => gl.autograd.gradcheck((t) => t.mul(2), [x])).toThrow(/^gradcheck: input 0 \(shape \[2\]\) has dtype float32, but finite differences need float64 inputs/);
    expect(() => gl.autograd.gradcheck((t) => t.mul(2), [gl.ones([2], { dtype: "float64" })])).toThrow(/^gradcheck: no input requires grad/);
  });
});
