// Linear regression by gradient descent, written as the plain PyTorch-style training loop:
// recover w = 5 and b = 2 from noisy samples of y = 5x + 2.
//   npx tsx examples/linear-regression.ts
import * as gl from "../src/index.js";
import { data, nn, optim } from "../src/index.js";

const F = nn.functional;
gl.manualSeed(0);

// 200 points with x uniform in [-2, 2] and Gaussian noise of standard deviation 0.5.
const n = 200;
const x = gl.rand([n, 1]).mul(4).sub(2);
const y = x.mul(5).add(2).add(gl.randn([n, 1]).mul(0.5));
const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 20, shuffle: true, seed: 0 });

const model = new nn.Linear(1, 1);
const optimizer = new optim.SGD(model.parameters(), { lr: 0.05 });

for (let epoch = 1; epoch <= 30; epoch++) {
  let total = 0;
  for (const [xb, yb] of loader) {
    optimizer.zeroGrad();
    const loss = F.mseLoss(model.forward(xb), yb);
    loss.backward();
    optimizer.step();
    total += loss.item() * xb.shape[0];
  }
  if (epoch === 1 || epoch % 5 === 0) console.log(`epoch ${String(epoch).padStart(2)}  mse ${(total / n).toFixed(4)}`);
}

// The least-squares line through the same noisy points: where gradient descent should land.
const xm = x.mean(), ym = y.mean();
const wStar = x.sub(xm).mul(y.sub(ym)).sum().div(x.sub(xm).square().sum());
const bStar = ym.sub(wStar.mul(xm));

const w = model.weight.item(), b = model.bias!.item();
console.log(`recovered w = ${w.toFixed(3)}, b = ${b.toFixed(3)}  (true 5 and 2; least squares on this sample ${wStar.item().toFixed(3)} and ${bStar.item().toFixed(3)})`);
