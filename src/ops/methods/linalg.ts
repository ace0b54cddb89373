import type { Tensor } from "../../tensor/tensor.js";
import { det, inv } from "../linalg/lu.js";
import { pinv } from "../linalg/lstsq.js";
import type { MethodTable } from "./install.js";

// Tensor.norm (torch.norm) lives with the reductions.
declare module "../../tensor/tensor.js" {
  interface Tensor {
    /** Determinant of each matrix (linalg.det). */
    det(): Tensor;
    /** Inverse of each matrix (linalg.inv). */
    inverse(): Tensor;
    /** Pseudo-inverse with singular values below rcond * s_max dropped (torch.pinverse). */
    pinverse(rcond?: number): Tensor;
  }
}

export const linalgMethods: MethodTable = {
  det(this: Tensor) { return det(this); },
  inverse(this: Tensor) { return inv(this); },
  pinverse(this: Tensor, rcond = 1e-15) { return pinv(this, { rtol: rcond }); },
};
