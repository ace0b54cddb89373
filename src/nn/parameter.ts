import { Tensor } from "../tensor/tensor.js";

/**
 * A tensor that is a module's learnable parameter: a leaf that requires grad, found by
 * `Module.parameters()` when stored in a field.
 * @example class Scale extends nn.Module { w = new nn.Parameter(gl.ones([3])); forward(x) { return x.mul(this.w); } }
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) throw new TypeError("Parameter: data must be a Tensor");
    // Share the data, not the history: a parameter is always a leaf.
    super(data.storage, data.shape, data.strides, data.offset);
    this.requiresGrad_(requiresGrad);
  }
}
