// A multilayer perceptron on scikit-learn's 8x8 digits (1797 images), trained with
// train.fit: progress bar, validation accuracy each epoch, early stopping.
//   npx tsx examples/digits-mlp.ts
import * as gl from "../src/index.js";
import { data, nn, optim, train } from "../src/index.js";

const F = nn.functional;
gl.manualSeed(0);

// A fixed 80/20 train/test split; 10% of the training part is held out for validation.
const { X, y } = data.datasets.digits();
const rows = (t: gl.Tensor, idx: number[]) => t.indexSelect(0, gl.tensor(Int32Array.from(idx)));
const split = data.trainTestSplit(X.shape[0], { testFraction: 0.2, seed: 0 });
const inner = data.trainTestSplit(split.train.length, { testFraction: 0.1, seed: 1 });
const fitIdx = inner.train.map((i) => split.train[i]), valIdx = inner.test.map((i) => split.train[i]);
const loader = (idx: number[], shuffle: boolean) =>
  new data.DataLoader(new data.TensorDataset(rows(X, idx), rows(y, idx)), { batchSize: 32, shuffle, seed: 0 });

const model = new nn.Sequential(
  new nn.Linear(64, 128), new nn.ReLU(),
  new nn.Linear(128, 64), new nn.ReLU(),
  new nn.Linear(64, 10),
);
console.log(`${fitIdx.length} training, ${valIdx.length} validation, ${split.test.length} test images`);

const { history } = train.fit(model, loader(fitIdx, true), {
  epochs: 30,
  optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }),
  loss: F.crossEntropy,
  valLoader: loader(valIdx, false),
  metrics: { accuracy: train.metrics.accuracy },
  earlyStopping: { patience: 5, monitor: "valLoss", restoreBest: true },
});
console.log(`trained ${history.length} epochs`);

const test = train.evaluate(model, loader(split.test, false), { metrics: { accuracy: train.metrics.accuracy, f1: train.metrics.f1 } });
const correct = Math.round(test.metrics.accuracy * test.examples);
console.log(`test macro F1 ${test.metrics.f1.toFixed(4)}`);
console.log(`test accuracy ${(100 * test.metrics.accuracy).toFixed(1)}% (${correct}/${test.examples})`);
