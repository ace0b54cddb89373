import type { DType } from "../tensor/dtype.js";
import { Generator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkChoice, checkNumber, fitted, generatorOf } from "./estimator.js";
import type { Matrix, MatrixLike, VectorLike } from "./matrix.js";
import { checkFeatures, encodeLabels, f64, labelTensor, toMatrix, toSamples } from "./matrix.js";
import { accuracyOfPrediction, r2OfPrediction } from "./metrics.js";
import type { MaxFeatures, TreeCriterion, TreeData, TreeOptions, TreeStructure } from "./tree.js";
import { argmaxRows, buildTree, columnMajor, growthOptions, impurityImportances, leafOf, leafProba, resolveMaxFeatures } from "./tree.js";

// Random forests after scikit-learn's: each tree grows on a bootstrap sample (drawn as
// per-sample counts, used as weights) with maxFeatures random candidates per split;
// classifiers average the trees' class probabilities, regressors their predictions.

/** Options of the random forests. */
export interface RandomForestOptions extends TreeOptions {
  /** Number of trees (default 100). */
  nEstimators?: number;
  /** Grow each tree on a bootstrap sample (default true); else on all samples. */
  bootstrap?: boolean;
}

/** Options of RandomForestClassifier (maxFeatures defaults to "sqrt"). */
export interface RandomForestClassifierOptions extends RandomForestOptions {
  criterion?: "gini" | "entropy" | "logLoss";
}

/** Options of RandomForestRegressor (maxFeatures defaults to null: all features). */
export interface RandomForestRegressorOptions extends RandomForestOptions {
  criterion?: "squaredError";
}

interface ForestFit {
  trees: TreeStructure[];
  nFeatures: number;
  classes: Float64Array | null;
  labelDtype: DType;
}

abstract class ForestBase {
  readonly nEstimators: number;
  readonly criterion: TreeCriterion;
  readonly maxDepth: number | null;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxFeatures: MaxFeatures;
  readonly bootstrap: boolean;
  protected fitState: ForestFit | null = null;

  protected constructor(protected readonly who: string, criterion: TreeCriterion, defaultMaxFeatures: MaxFeatures, private readonly opts: RandomForestOptions) {
    this.nEstimators = checkNumber(who, "nEstimators", opts.nEstimators ?? 100, { min: 1, integer: true });
    this.criterion = criterion;
    ({ maxDepth: this.maxDepth, minSamplesSplit: this.minSamplesSplit, minSamplesLeaf: this.minSamplesLeaf } = growthOptions(who, opts));
    this.maxFeatures = opts.maxFeatures === undefined ? defaultMaxFeatures : opts.maxFeatures;
    this.bootstrap = opts.bootstrap ?? true;
  }

  protected grow(A: Matrix, data: TreeData, classes: Float64Array | null, labelDtype: DType): this {
    const gen = generatorOf(this.opts);
    const params = {
      criterion: this.criterion, maxDepth: this.maxDepth ?? Infinity, minSamplesSplit: this.minSamplesSplit,
      minSamplesLeaf: this.minSamplesLeaf, maxFeatures: resolveMaxFeatures(this.who, this.maxFeatures, A.cols),
    };
    const n = A.rows, trees: TreeStructure[] = [];
    const w = new Float64Array(n);
    for (let t = 0; t < this.nEstimators; t++) {
      // One private generator per tree, seeded from the forest's: trees are reproducible one by one.
      const g = new Generator(gen.nextUint32());
      if (this.bootstrap) {
        w.fill(0);
        for (let i = 0; i < n; i++) w[g.integer(0, n)]++;
      } else {
        w.fill(1);
      }
      trees.push(buildTree(data, w, params, g));
    }
    this.fitState = { trees, nFeatures: A.cols, classes, labelDtype };
    return this;
  }

  protected st(what: string): ForestFit {
    return fitted(this.fitState, this.who, what);
  }

  /** The fitted trees' arrays (read-only). */
  get trees(): TreeStructure[] { return this.st("reading trees").trees.slice(); }

  /** Mean of the trees' normalised impurity decreases, renormalised to sum 1 [d]. */
  get featureImportances(): Tensor {
    const s = this.st("reading featureImportances");
    const d = s.nFeatures, out = new Float64Array(d);
    for (const t of s.trees) {
      if (t.nodeCount <= 1) continue;
      const imp = impurityImportances(t, d);
      for (let j = 0; j < d; j++) out[j] += imp[j];
    }
    const total = out.reduce((a, b) => a + b, 0);
    if (total > 0) for (let j = 0; j < d; j++) out[j] /= total;
    return f64(out, [d]);
  }

  protected read(X: MatrixLike, what: string): { s: ForestFit; A: Matrix } {
    const s = this.st(what);
    const A = toMatrix(X, this.who);
    checkFeatures(A, s.nFeatures, this.who);
    return { s, A };
  }
}

/**
 * Random forest classifier (sklearn's RandomForestClassifier): nEstimators (default 100)
 * trees, each on a bootstrap sample with maxFeatures = "sqrt" candidates per split, seeded;
 * predictions average the trees' class probabilities. Fitted: classes, trees,
 * featureImportances.
 * @example
 * const rf = new ml.RandomForestClassifier({ nEstimators: 100, seed: 0 }).fit(X, y);
 * rf.score(Xtest, ytest);
 */
export class RandomForestClassifier extends ForestBase {
  constructor(opts: RandomForestClassifierOptions = {}) {
    const c = checkChoice("RandomForestClassifier", "criterion", opts.criterion ?? "gini", ["gini", "entropy", "logLoss"]);
    super("RandomForestClassifier", c === "logLoss" ? "entropy" : c, "sqrt", opts);
  }

  /** Grows the forest on X [n, d] and labels y [n]. Returns this. */
  fit(X: MatrixLike, y: VectorLike): this {
    const { A, y: lab } = toSamples(X, y, this.who);
    const { classes, index } = encodeLabels(lab.data);
    return this.grow(A, { Xc: columnMajor(A), n: A.rows, d: A.cols, yIdx: index, nClasses: classes.length, y: lab.data }, classes, lab.dtype);
  }

  /** The class labels, sorted. */
  get classes(): Tensor { const s = this.st("reading classes"); return labelTensor(s.classes!.slice(), s.labelDtype); }

  private proba(X: MatrixLike, what: string): { s: ForestFit; P: Float64Array; n: number } {
    const { s, A } = this.read(X, what);
    const K = s.classes!.length, P = new Float64Array(A.rows * K), leaves = new Int32Array(A.rows);
    for (const t of s.trees) {
      for (let i = 0; i < A.rows; i++) leaves[i] = leafOf(t, A.data, i, A.cols);
      leafProba(t, leaves, P, 1 / s.trees.length);
    }
    return { s, P, n: A.rows };
  }

  /** Mean class probabilities of the trees [n, nClasses]. */
  predictProba(X: MatrixLike): Tensor {
    const { s, P, n } = this.proba(X, "predictProba");
    return f64(P, [n, s.classes!.length]);
  }

  /** The class with the highest mean probability (the smaller class on ties). */
  predict(X: MatrixLike): Tensor {
    const { s, P, n } = this.proba(X, "predict");
    return labelTensor(argmaxRows(P, n, s.classes!.length, s.classes!), s.labelDtype);
  }

  /** Accuracy of predict(X) against y. */
  score(X: MatrixLike, y: VectorLike): number {
    return accuracyOfPrediction(y, () => this.predict(X), this.who);
  }
}

/**
 * Random forest regressor (sklearn's RandomForestRegressor): bootstrap trees minimising the
 * squared error, all features per split by default; predicts the mean of the trees.
 * @example
 * const rf = new ml.RandomForestRegressor({ nEstimators: 50, seed: 0 }).fit(X, y);
 * rf.predict(Xtest);
 */
export class RandomForestRegressor extends ForestBase {
  constructor(opts: RandomForestRegressorOptions = {}) {
    super("RandomForestRegressor", checkChoice("RandomForestRegressor", "criterion", opts.criterion ?? "squaredError", ["squaredError"]), null, opts);
  }

  /** Grows the forest on X [n, d] and targets y [n]. Returns this. */
  fit(X: MatrixLike, y: VectorLike): this {
    const { A, y: t } = toSamples(X, y, this.who);
    return this.grow(A, { Xc: columnMajor(A), n: A.rows, d: A.cols, yIdx: null, nClasses: 0, y: t.data }, null, "float64");
  }

  /** Mean prediction of the trees [n]. */
  predict(X: MatrixLike): Tensor {
    const { s, A } = this.read(X, "predict");
    const out = new Float64Array(A.rows);
    for (const t of s.trees) for (let i = 0; i < A.rows; i++) out[i] += t.value[leafOf(t, A.data, i, A.cols)];
    for (let i = 0; i < A.rows; i++) out[i] /= s.trees.length;
    return f64(out, [A.rows]);
  }

  /** R^2 of predict(X) against y. */
  score(X: MatrixLike, y: VectorLike): number {
    return r2OfPrediction(y, () => this.predict(X), this.who);
  }
}
