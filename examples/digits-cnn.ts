// A small convolutional network on scikit-learn's 8x8 digits (1797 images, [N, 1, 8, 8]),
// trained with train.fit and scored once on a fixed 20% test split.
//   npx tsx examples/digits-cnn.ts
import * as gl from "../src/index.js";
import { data, nn, optim, train } from "../src/index.js";

const F = nn.functional;
gl.manualSeed(0);

// The same fixed 80/20 split as digits-mlp.ts; 10% of the training part validates each epoch.
const { images, y } = data.datasets.digits();
const rows = (t: gl.Tensor, idx: number[]) => t.indexSelect(0, gl.tensor(Int32Array.from(idx)));
const split = data.trainTestSplit(images.shape[0], { testFraction: 0.2, seed: 0 });
const inner = data.trainTestSplit(split.train.length, { testFraction: 0.1, seed: 1 });
const fitIdx = inner.train.map((i) => split.train[i]), valIdx = inner.test.map((i) => split.train[i]);
const loader = (idx: number[], shuffle: boolean) =>
  new data.DataLoader(new data.TensorDataset(rows(images, idx), rows(y, idx)), { batchSize: 32, shuffle, seed: 0 });

// [N, 1, 8, 8] -> conv 16 -> pool -> [N, 16, 4, 4] -> conv 32 -> pool -> [N, 32, 2, 2] -> 10 logits
class DigitsCNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 16, 3, { padding: 1 });
  conv2 = new nn.Conv2d(16, 32, 3, { padding: 1 });
  pool = new nn.MaxPool2d(2);
  fc = new nn.Linear(32 * 2 * 2, 10);

  forward(x: gl.Tensor): gl.Tensor {
    x = this.pool.forward(F.relu(this.conv1.forward(x)));
    x = this.pool.forward(F.relu(this.conv2.forward(x)));
    return this.fc.forward(x.flatten(1));
  }
}

const model = new DigitsCNN();
console.log(`${fitIdx.length} training, ${valIdx.length} validation, ${split.test.length} test images`);
console.log(model.toString());

const { history } = train.fit(model, loader(fitIdx, true), {
  epochs: 12,
  optimizer: new optim.Adam(model.parameters(), { lr: 3e-3 }),
  loss: F.crossEntropy,
  valLoader: loader(valIdx, false),
  metrics: { accuracy: train.metrics.accuracy },
});
console.log(`trained ${history.length} epochs in ${history.reduce((s, r) => s + r.seconds, 0).toFixed(1)}s`);

const test = train.evaluate(model, loader(split.test, false), { metrics: { accuracy: train.metrics.accuracy } });
const correct = Math.round(test.metrics.accuracy * test.examples);
console.log(`test accuracy ${(100 * test.metrics.accuracy).toFixed(1)}% (${correct}/${test.examples})`);
