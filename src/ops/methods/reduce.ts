import type { MethodTable } from "./install.js";

// Tensor methods of the reduce ops: augment the Tensor interface here and fill the table.
// declare module "../../tensor/tensor.js" { interface Tensor { ... } }

export const reduceMethods: MethodTable = {};
