import { describe, expect, it } from "vitest";
import * as gl from "../../src/index.js";
import * as ml from "../../src/ml/index.js";

// Every estimator rejects bad input with an error that names it and the problem:
// ragged rows, NaN in X, X/y length mismatch, predict before fit, wrong feature count.

type Supervised = { fit(X: ml.MatrixLike, y: ml.VectorLike): unknown; predict(X: ml.MatrixLike): gl.Tensor };
type Unsupervised = { fit(X: ml.MatrixLike): unknown; predict?(X: ml.MatrixLike): gl.Tensor; transform?(X: ml.MatrixLike): gl.Tensor };

const supervised: [string, () => Supervised][] = [
  ["LinearRegression", () => new ml.LinearRegression()],
  ["Ridge", () => new ml.Ridge()],
  ["Lasso", () => new ml.Lasso()],
  ["LogisticRegression", () => new ml.LogisticRegression()],
  ["KNeighborsClassifier", () => new ml.KNeighborsClassifier({ nNeighbors: 1 })],
  ["KNeighborsRegressor", () => new ml.KNeighborsRegressor({ nNeighbors: 1 })],
  ["SVC", () => new ml.SVC()],
  ["DecisionTreeClassifier", () => new ml.DecisionTreeClassifier()],
  ["DecisionTreeRegressor", () => new ml.DecisionTreeRegressor()],
  ["RandomForestClassifier", () => new ml.RandomForestClassifier({ nEstimators: 2, seed: 0 })],
  ["RandomForestRegressor", () => new ml.RandomForestRegressor({ nEstimators: 2, seed: 0 })],
  ["RandomFeaturesRegressor", () => new ml.RandomFeaturesRegressor({ nFeatures: 3, seed: 0 })],
];
const unsupervised: [string, () => Unsupervised][] = [
  ["KMeans", () => new ml.KMeans({ nClusters: 2, seed: 0 })],
  ["GaussianMixture", () => new ml.GaussianMixture({ nComponents: 1, seed: 0 })],
  ["PCA", () => new ml.PCA()],
  ["StandardScaler", () => new ml.StandardScaler()],
];

const X = [[0, 1], [1, 0], [2, 2], [3, 1]];
const y = [0, 1, 0, 1];

describe("bad input names the estimator and the problem", () => {
  for (const [name, make] of supervised) {
    it(name, () => {
      expect(() => make().predict(X)).toThrow(new RegExp(`^${name}: this ${name} instance is not fitted yet; call fit before predict`));
      expect(() => make().fit([[0, 1], [1]], [0, 1])).toThrow(new RegExp(`^${name}: X is ragged: row 0 has 2 values but row 1 has 1`));
      expect(() => make().fit([[0, NaN], [1, 1]], [0, 1])).toThrow(new RegExp(`^${name}: X contains NaN at row 0, column 1`));
      expect(() => make().fit(X, [0, 1, 0])).toThrow(new RegExp(`^${name}: X has 4 samples but y has 3`));
      expect(() => make().fit(X, [0, NaN, 0, 1])).toThrow(new RegExp(`^${name}: y contains NaN at index 1`));
      expect(() => make().fit(gl.ones([4]), y)).toThrow(new RegExp(`^${name}: X must be 2-D`));
      const m = make();
      m.fit(X, y);
      expect(() => m.predict([[1, 2, 3]])).toThrow(new RegExp(`^${name}: X has 3 features, but ${name} was fitted with 2 features`));
    });
  }
  for (const [name, make] of unsupervised) {
    it(name, () => {
      const m0 = make();
      const use = (m: Unsupervised, A: ml.MatrixLike) => (m.predict ? m.predict(A) : m.transform!(A));
      expect(() => use(m0, X)).toThrow(new RegExp(`^${name}: this ${name} instance is not fitted yet`));
      expect(() => make().fit([[0, 1], [1]])).toThrow(new RegExp(`^${name}: X is ragged`));
      expect(() => make().fit([[0, 1], [Infinity, 1]])).toThrow(new RegExp(`^${name}: X contains an infinite value at row 1, column 0`));
      const m = make();
      m.fit(X);
      expect(() => use(m, [[1, 2, 3]])).toThrow(new RegExp(`^${name}: X has 3 features, but ${name} was fitted with 2 features`));
    });
  }
  it("k larger than n", () => {
    expect(() => new ml.KNeighborsRegressor({ nNeighbors: 5 }).fit(X, y)).toThrow(/^KNeighborsRegressor: nNeighbors = 5 is larger than the number of training samples \(4\)/);
    expect(() => new ml.KMeans({ nClusters: 5 }).fit(X)).toThrow(/^KMeans: nClusters = 5 is larger than the number of samples \(4\)/);
    expect(() => new ml.GaussianMixture({ nComponents: 5 }).fit(X)).toThrow(/^GaussianMixture: nComponents = 5 is larger than the number of samples \(4\)/);
  });
});
