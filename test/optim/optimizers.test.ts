// Every optimizer (and optimizer + scheduler) against PyTorch 1.13's trajectory for 200
// steps on the fixed float64 problem of tools/oracle/gen_optim.py; tolerance 1e-9 relative.
import { describe, expect, it } from "vitest";
import { buildOptimizer, buildScheduler, fixture, flat, freshParams, isMaximize, relErr, trainStep } from "./problem.js";

describe(`optimizers reproduce PyTorch ${fixture.torch} trajectories (${fixture.steps} steps, float64)`, () => {
  for (const run of fixture.runs) {
    it(run.name, () => {
      const params = freshParams();
      const opt = buildOptimizer(run, params);
      const sched = run.scheduler ? buildScheduler(run.scheduler, opt) : undefined;
      const maximize = isMaximize(opt);
      let worst = 0, worstStep = -1;
      for (let step = 0; step < fixture.steps; step++) {
        trainStep(opt, params, maximize, sched);
        const err = relErr(flat(params), run.trajectory[step]);
        if (err > worst) { worst = err; worstStep = step; }
        if (run.lrs) expect(relErr(sched!.getLastLr(), run.lrs[step])).toBeLessThan(1e-12);
      }
      expect(worst, `worst relative error at step ${worstStep}`).toBeLessThan(1e-9);
      // u never has a gradient: untouched, and no state is created for it (Adagrad's exists from construction).
      expect(params.u.tolist()).toEqual(fixture.problem.u);
      if (run.optimizer !== "Adagrad" && opt.paramGroups.some((g) => g.params.includes(params.u))) {
        expect(opt.state.has(params.u)).toBe(false);
      }
    });
  }
});
