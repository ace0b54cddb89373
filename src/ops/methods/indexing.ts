import type { MethodTable } from "./install.js";

// Tensor methods of the indexing ops: augment the Tensor interface here and fill the table.
// declare module "../../tensor/tensor.js" { interface Tensor { ... } }

export const indexingMethods: MethodTable = {};
