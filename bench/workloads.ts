// The workload ids of /work/shared/bench/WORKLOADS.md that the runner knows, and the shapes
// of the training workloads shared by the TypeScript peers (bench/peers/pytorch.py repeats
// them for Python).

/** Every workload in the order the table lists them. */
export const WORKLOADS = [
  "sgemm_n64", "sgemm_n128", "sgemm_n256", "sgemm_n512", "sgemm_n1024", "sgemm_n2048",
  "mlp_train_step", "cnn_train_step", "transformer_train_step",
  "dln_250ep", "dln_250ep_svd",
  "dispatch_add8_nograd", "dispatch_add8_grad",
] as const;

/** Run only when named: the acceptance list starts SGEMM at n = 256. */
export const OPT_IN: readonly string[] = ["sgemm_n64", "sgemm_n128"];

/** The default set: the acceptance list. */
export const DEFAULT_WORKLOADS: readonly string[] = WORKLOADS.filter((w) => !OPT_IN.includes(w));

/** Workload 2: MLP 784-512-512-10, batch 128. */
export const MLP = { batch: 128, sizes: [784, 512, 512, 10], classes: 10, lr: 0.01 } as const;

/** Workload 3: CNN on [64, 1, 28, 28]. */
export const CNN = { batch: 64, size: 28, c1: 16, c2: 32, classes: 10, lr: 0.01 } as const;

/** Workload 4: one post-norm Transformer encoder layer. */
export const TRANSFORMER = { batch: 16, seq: 64, dModel: 128, heads: 4, ffn: 512, eps: 1e-5, lr: 0.01 } as const;

/** How many SGD steps a training unit is (one), and the sanity facts every trainer reports. */
export interface TrainLog {
  firstLoss: number;
  lastLoss: number;
  steps: number;
}

/** The `extra` facts of a training workload: losses, whether it fell, how many steps ran. */
export function trainSanity(log: TrainLog): Record<string, unknown> {
  return {
    loss_first_step: log.firstLoss,
    loss_final: log.lastLoss,
    loss_decreased: log.lastLoss < log.firstLoss,
    steps_run: log.steps,
  };
}
