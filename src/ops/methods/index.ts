import { coreGetters, coreMethods } from "./core.js";
import { indexingMethods } from "./indexing.js";
import { installGetter, installMethods } from "./install.js";
import { linalgMethods } from "./linalg.js";
import { reduceMethods } from "./reduce.js";

// Every Tensor method, installed once. Each area's table sits beside its type declarations.
installMethods(coreMethods);
installMethods(reduceMethods);
installMethods(indexingMethods);
installMethods(linalgMethods);
for (const [name, get] of Object.entries(coreGetters)) installGetter(name, get);
