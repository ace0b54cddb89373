/**
 * `npm start`: a small end-to-end training run on the core alone (tensors + autograd),
 * printing progress. It fits y = 5x + 2 by gradient descent, then trains a two-layer
 * network on a noisy sine curve. The learning lab replaces this demo once it exists.
 */
import * as gl from "./index.js";

function bar(frac: number, width = 24): string {
  const n = Math.round(frac * width);
  return "[" + "#".repeat(n) + ".".repeat(width - n) + "]";
}

function linearRegression(): void {
  console.log("1) Linear regression y = 5x + 2 by gradient descent (100 points, lr 0.5)");
  const x = gl.linspace(0, 1, 100).reshape(100, 1);
  const y = x.mul(5).add(2);
  const w = gl.zeros([1], { requiresGrad: true });
  const b = gl.zeros([1], { requiresGrad: true });
  const epochs = 500;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const loss = x.mul(w).add(b).sub(y).square().mean();
    loss.backward();
    gl.noGrad(() => {
      w.sub_(w.grad!.mul(0.5));
      b.sub_(b.grad!.mul(0.5));
    });
    w.grad!.zero_();
    b.grad!.zero_();
    if (epoch % 100 === 0) {
      console.log(`   ${bar(epoch / epochs)} epoch ${String(epoch).padStart(3)}  loss ${loss.item().toExponential(3)}  w ${w.item().toFixed(4)}  b ${b.item().toFixed(4)}`);
    }
  }
}

function sineMlp(): void {
  console.log("\n2) A 1-64-1 tanh network on y = sin(3x) + noise (256 points, full-batch GD, lr 0.1)");
  gl.manualSeed(0);
  const n = 256;
  const x = gl.linspace(-1, 1, n).reshape(n, 1);
  const y = x.mul(3).sin().add(gl.randn([n, 1]).mul(0.05));
  const hidden = 64;
  const w1 = gl.randn([1, hidden]).mul(1).requiresGrad_();
  const b1 = gl.zeros([hidden], { requiresGrad: true });
  const w2 = gl.randn([hidden, 1]).mul(1 / Math.sqrt(hidden)).requiresGrad_();
  const b2 = gl.zeros([1], { requiresGrad: true });
  const params = [w1, b1, w2, b2];
  const epochs = 2000;
  const t0 = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const pred = x.matmul(w1).add(b1).tanh().matmul(w2).add(b2);
    const loss = pred.sub(y).square().mean();
    loss.backward();
    gl.noGrad(() => {
      for (const p of params) {
        p.sub_(p.grad!.mul(0.1));
        p.grad!.zero_();
      }
    });
    if (epoch % 250 === 0) {
      const rate = epoch / ((performance.now() - t0) / 1000);
      console.log(`   ${bar(epoch / epochs)} epoch ${String(epoch).padStart(4)}  loss ${loss.item().toFixed(5)}  ${rate.toFixed(0)} steps/s`);
    }
  }
}

linearRegression();
sineMlp();
console.log("\nDone. Next: `npm test` runs the test suite; see README.md for the API.");
