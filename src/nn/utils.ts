// nn.utils: gradient clipping lives with the optimizers; re-exported here where PyTorch users look.
export { clipGradNorm_, clipGradValue_ } from "../optim/clip_grad.js";
