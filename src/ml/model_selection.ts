import { trainTestSplit as splitIndices } from "../data/splits.js";
import type { Tensor } from "../tensor/tensor.js";
import type { SeedOptions } from "./estimator.js";
import { checkNumber } from "./estimator.js";
import type { MatrixLike, VectorLike } from "./matrix.js";
import { checkSameLength, f64, labelTensor, takeRows, toMatrix, toVector } from "./matrix.js";

// Splitting data into training and test rows: gl.data.trainTestSplit draws the indices,
// this applies them to X and y (scikit-learn's train_test_split).

/** The two halves of a split, with the row indices used. */
export interface TrainTestSplit {
  XTrain: Tensor;
  XTest: Tensor;
  yTrain: Tensor;
  yTest: Tensor;
  /** Row indices of the training set. */
  train: number[];
  /** Row indices of the test set. */
  test: number[];
}

/**
 * Shuffles the rows of X [n, d] and y [n] and splits them (sklearn's train_test_split):
 * ceil(testFraction * n) rows (default 0.25) go to the test set. The indices come from
 * gl.data.trainTestSplit with the same seed, and are returned too.
 * @example
 * const { XTrain, XTest, yTrain, yTest } = ml.trainTestSplit(X, y, { testFraction: 0.2, seed: 0 });
 */
export function trainTestSplit(X: MatrixLike, y: VectorLike, opts: SeedOptions & { testFraction?: number } = {}): TrainTestSplit {
  const who = "trainTestSplit";
  const A = toMatrix(X, who);
  const v = toVector(y, who);
  checkSameLength(A.rows, v.data.length, who);
  const frac = checkNumber(who, "testFraction", opts.testFraction ?? 0.25, { min: 0, exclusiveMin: true, max: 1 });
  if (frac >= 1) throw new RangeError(`${who}: testFraction must be < 1, got ${frac}`);
  const { train, test } = splitIndices(A.rows, { testFraction: frac, seed: opts.seed, generator: opts.generator });
  const pick = (idx: number[]) => {
    const m = takeRows(A, idx);
    return { X: f64(m.data, [m.rows, m.cols]), y: labelTensor(Float64Array.from(idx, (i) => v.data[i]), v.dtype) };
  };
  const tr = pick(train), te = pick(test);
  return { XTrain: tr.X, XTest: te.X, yTrain: tr.y, yTest: te.y, train, test };
}
