import { coreGetters, coreMethods } from "./core.js";
import { installGetter, installMethods } from "./install.js";

// Every Tensor method, installed once. Each area's table sits beside its type declarations.
installMethods(coreMethods);
for (const [name, get] of Object.entries(coreGetters)) installGetter(name, get);
